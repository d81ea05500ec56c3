// SPDX-License-Identifier: Apache-2.0
// @azure/msal-node resolves a porch tenant as its authority (entra-compat.md §6.1).
// No sign-in yet: getAuthCodeUrl must fetch and accept the discovery document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, freePort, selfSignedCert, startPorch } from './lib/porch.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/msal-probe.js');

describe('MSAL authority resolution', () => {
  let cert;
  let p;
  let host;
  let doc;
  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    p = await startPorch({ port, tls: cert, publicUrl: `https://${host}`, subdomain: 'msaltenant' });
    doc = (await p.get(`/${p.tenantId}/v2.0/.well-known/openid-configuration`)).json();
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  async function probe(authority) {
    const r = await exec(process.execPath, [PROBE, authority, host], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.cert },
      timeoutMs: 30000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.ok(out.ok, `MSAL failed: ${out.error}: ${out.message}\n${(out.log || []).join('\n')}`);
    return new URL(out.url);
  }

  test('authority https://host/<tenantId>/ → the tenant authorization_endpoint', async () => {
    const before = p.accessLogs().length;
    const url = await probe(`https://${host}/${p.tenantId}/`);
    assert.equal(`${url.origin}${url.pathname}`, doc.authorization_endpoint);
    assert.equal(url.searchParams.get('client_id'), '6e1c8f0a-3b9d-4c5e-8f70-1a2b3c4d5e6f');
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('state'), 'e2e-state-123');
    assert.equal(url.searchParams.get('redirect_uri'), 'http://localhost:3000/auth/callback');
    assert.ok(url.searchParams.get('scope').split(' ').includes('openid'));
    // MSAL really fetched porch's document (AAD mode: <authority>v2.0/.well-known/…).
    const fetched = p
      .accessLogs()
      .slice(before)
      .filter((l) => l.path === `/${p.tenantId}/v2.0/.well-known/openid-configuration` && l.status === 200);
    assert.ok(fetched.length >= 1, 'no discovery request from MSAL in the access log');
  });

  test('authority via the subdomain: MSAL maps the GUID segment of the endpoints back to the alias', async () => {
    // msal-common Authority.replacePath(): the first path segment of authorization_endpoint is
    // taken as the tenant id and replaced by the authority's own segment. That only yields
    // this URL when porch puts the tenant GUID first in its endpoints.
    const url = await probe(`https://${host}/${p.init.subdomain}/`);
    assert.equal(`${url.origin}${url.pathname}`, `https://${host}/${p.init.subdomain}/oauth2/v2.0/authorize`);
  });
});
