// SPDX-License-Identifier: Apache-2.0
// Runs in a child process so MSAL's own network client (global fetch) trusts the test CA
// through NODE_EXTRA_CA_CERTS. argv: authority knownAuthority. Prints one JSON line.
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';

const [authority, known] = process.argv.slice(2);
const log = [];
try {
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: '6e1c8f0a-3b9d-4c5e-8f70-1a2b3c4d5e6f',
      authority,
      clientSecret: 'not-a-real-secret',
      knownAuthorities: [known],
    },
    system: {
      loggerOptions: {
        logLevel: LogLevel.Verbose,
        piiLoggingEnabled: false,
        loggerCallback: (_level, message) => log.push(message),
      },
    },
  });
  const url = await cca.getAuthCodeUrl({
    scopes: ['openid', 'profile'],
    redirectUri: 'http://localhost:3000/auth/callback',
    state: 'e2e-state-123',
    nonce: 'e2e-nonce-456',
  });
  console.log(JSON.stringify({ ok: true, url }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.errorCode || e?.name), message: String(e?.message), log: log.slice(-15) }));
}
