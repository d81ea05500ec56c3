// SPDX-License-Identifier: Apache-2.0
// Runs in a child process so MSAL's network client trusts the test CA through
// NODE_EXTRA_CA_CERTS. argv: authority knownAuthority clientId clientSecret scope.
// Prints one JSON line: { ok, accessToken, expiresOn } or { ok: false, error, message }.
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';

const [authority, known, clientId, clientSecret, scope] = process.argv.slice(2);
const log = [];
try {
  const cca = new ConfidentialClientApplication({
    auth: { clientId, authority, clientSecret, knownAuthorities: [known] },
    system: {
      loggerOptions: {
        logLevel: LogLevel.Verbose,
        piiLoggingEnabled: false,
        loggerCallback: (_level, message) => log.push(message),
      },
    },
  });
  const r = await cca.acquireTokenByClientCredential({ scopes: [scope] });
  console.log(JSON.stringify({ ok: true, accessToken: r.accessToken, expiresOn: r.expiresOn, tokenType: r.tokenType }));
} catch (e) {
  console.log(
    JSON.stringify({ ok: false, error: String(e?.errorCode || e?.name), message: String(e?.message), log: log.slice(-15) }),
  );
}
