// SPDX-License-Identifier: Apache-2.0
// POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials: the bootstrap client
// that `porch init` prints gets a v2.0 access token for the management API (client_secret_post,
// client_secret_basic, and MSAL's acquireTokenByClientCredential over TLS); bad requests get
// Entra's error bodies. private_key_jwt is covered by tests/unit/oidc/test_token.c until the
// management API can register certificates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { GUID_RE, exec, freePort, selfSignedCert, startPorch } from './lib/porch.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/msal-cc-probe.js');
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const ALL_ROLES = [
  'Application.Read.All', 'Application.ReadWrite.All', 'User.Read.All', 'User.ReadWrite.All',
  'Directory.Read.All', 'Directory.ReadWrite.All', 'Organization.Read.All', 'Organization.ReadWrite.All',
  'IdentityProvider.Read.All', 'IdentityProvider.ReadWrite.All', 'IdentityUserFlow.Read.All',
  'IdentityUserFlow.ReadWrite.All', 'EventListener.Read.All', 'EventListener.ReadWrite.All',
  'Policy.Read.All', 'Policy.ReadWrite.AuthenticationFlows', 'CustomAuthenticationExtension.Read.All',
  'CustomAuthenticationExtension.ReadWrite.All', 'AuditLog.Read.All', 'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
];

function form(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params)) u.append(k, v);
  return u.toString();
}

function basic(id, secret) {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** Asserts the Entra error body (entra-compat.md §4.3) and returns it. */
function entraError(r, status, error, code) {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers['content-type'], /^application\/json/);
  const b = r.json();
  assert.equal(b.error, error);
  assert.deepEqual(b.error_codes, [code]);
  assert.match(b.error_description, new RegExp(`^AADSTS${code}: `));
  assert.match(b.error_description, /\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /);
  assert.match(b.trace_id, GUID_RE);
  assert.match(b.correlation_id, GUID_RE);
  assert.match(b.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  assert.ok(b.error_uri.endsWith(`/error?code=${code}`), b.error_uri);
  assert.equal(r.headers['cache-control'], 'no-store');
  return b;
}

describe('client credentials', () => {
  let p;
  let tokenUrl;
  let clientId;
  let clientSecret;
  before(async () => {
    p = await startPorch();
    ({ tokenEndpoint: tokenUrl, clientId, clientSecret } = p.init);
  });
  after(() => p?.stop());

  const post = (body, headers = {}) =>
    p.request(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  async function verify(token, tenantId = p.tenantId) {
    const doc = (await p.get(`/${tenantId}/v2.0/.well-known/openid-configuration`)).json();
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(doc.jwks_uri)), {
      issuer: doc.issuer,
      audience: GRAPH_APP_ID,
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.typ, 'JWT');
    assert.ok(protectedHeader.kid);
    return payload;
  }

  test('init --json has the bootstrap contract', () => {
    assert.equal(p.init.tokenEndpoint, `${p.url}/${p.tenantId}/oauth2/v2.0/token`);
    assert.equal(p.init.graphBaseUrl, `${p.url}/v1.0`);
    assert.match(clientId, GUID_RE);
    assert.ok(clientSecret.length >= 40, 'secret of at least 40 characters');
  });

  test('client_secret_post: a v2.0 app token with every Graph role', async () => {
    const r = await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE }));
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers.pragma, 'no-cache');
    const b = r.json();
    assert.equal(b.token_type, 'Bearer');
    assert.equal(b.expires_in, 3600);
    assert.equal(b.ext_expires_in, 3600);
    const c = await verify(b.access_token);
    assert.equal(c.tid, p.tenantId);
    assert.equal(c.azp, clientId);
    assert.equal(c.azpacr, '1');
    assert.equal(c.idtyp, 'app');
    assert.equal(c.ver, '2.0');
    assert.match(c.oid, GUID_RE);
    assert.equal(c.sub, c.oid);
    assert.notEqual(c.oid, clientId, 'oid is the service principal, not the appId');
    assert.ok(c.uti && c.exp - c.iat === 3600 && c.nbf === c.iat);
    assert.deepEqual([...c.roles].sort(), [...ALL_ROLES].sort());
  });

  test('client_secret_basic, and every name of the Graph resource', async () => {
    for (const scope of [GRAPH_SCOPE, `${GRAPH_APP_ID}/.default`, `${p.url}/.default`, 'https://graph.microsoft.com//.default']) {
      const r = await post(form({ grant_type: 'client_credentials', scope }), { authorization: basic(clientId, clientSecret) });
      assert.equal(r.status, 200, `${scope}: ${r.body}`);
      const c = await verify(r.json().access_token);
      assert.equal(c.azp, clientId);
      assert.equal(c.roles.length, ALL_ROLES.length);
    }
  });

  test('wrong secret → 401 invalid_client AADSTS7000215, with a Basic challenge for Basic', async () => {
    const r = await post(form({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'x' + clientSecret, scope: GRAPH_SCOPE }));
    const b = entraError(r, 401, 'invalid_client', 7000215);
    assert.ok(!b.error_description.includes(clientSecret));
    const rb = await post(form({ grant_type: 'client_credentials', scope: GRAPH_SCOPE }), { authorization: basic(clientId, 'nope') });
    entraError(rb, 401, 'invalid_client', 7000215);
    assert.match(rb.headers['www-authenticate'] || '', /^Basic /);
  });

  test('unknown client → 401 invalid_client AADSTS700016', async () => {
    const other = '6e1c8f0a-3b9d-4c5e-8f70-1a2b3c4d5e6f';
    const b = entraError(
      await post(form({ grant_type: 'client_credentials', client_id: other, client_secret: clientSecret, scope: GRAPH_SCOPE })),
      401, 'invalid_client', 700016,
    );
    assert.ok(b.error_description.includes(`'${other}'`));
  });

  test('missing scope, scope without /.default, unknown resource', async () => {
    const base = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
    entraError(await post(form(base)), 400, 'invalid_request', 900144);
    for (const scope of ['https://graph.microsoft.com', 'User.Read', `${GRAPH_SCOPE} openid`]) {
      const b = entraError(await post(form({ ...base, scope })), 400, 'invalid_scope', 1002012);
      assert.ok(b.error_description.includes('/.default'));
    }
    entraError(await post(form({ ...base, scope: 'api://nobody/.default' })), 400, 'invalid_resource', 500011);
  });

  test('two authentication methods, repeated parameters, unsupported grant, missing grant', async () => {
    entraError(
      await post(form({ grant_type: 'client_credentials', client_secret: clientSecret, scope: GRAPH_SCOPE }), {
        authorization: basic(clientId, clientSecret),
      }),
      400, 'invalid_request', 90023,
    );
    entraError(
      await post(form([['grant_type', 'client_credentials'], ['client_id', clientId], ['client_secret', clientSecret], ['scope', GRAPH_SCOPE], ['scope', GRAPH_SCOPE]])),
      400, 'invalid_request', 90100,
    );
    entraError(await post(form({ grant_type: 'password', client_id: clientId, client_secret: clientSecret })), 400, 'unsupported_grant_type', 70003);
    entraError(await post(form({ client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE })), 400, 'invalid_request', 900144);
  });

  test('GET → 405 with Allow: POST; JSON body → 415', async () => {
    const r = await p.get(new URL(tokenUrl).pathname);
    assert.equal(r.status, 405);
    assert.match(r.headers.allow, /POST/);
    const j = await p.request(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(j.status, 415);
  });

  test('unknown tenant → invalid_tenant AADSTS90002', async () => {
    const r = await p.request(`${p.url}/nosuchtenant/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE }),
    });
    assert.equal(r.json().error_codes[0], 90002);
  });

  test("a second tenant's bootstrap client gets tokens there and nowhere else", async () => {
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Second', '--subdomain', `s${p.subdomain}`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const t2 = JSON.parse(r.stdout);
    assert.notEqual(t2.clientId, clientId);
    const body = form({ grant_type: 'client_credentials', client_id: t2.clientId, client_secret: t2.clientSecret, scope: GRAPH_SCOPE });
    entraError(await post(body), 401, 'invalid_client', 700016);
    const ok = await p.request(t2.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(ok.status, 200, ok.body);
    const c = await verify(ok.json().access_token, t2.tenantId);
    assert.equal(c.tid, t2.tenantId);
    // the first tenant's client cannot use the second tenant either
    const cross = await p.request(t2.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE }),
    });
    assert.equal(cross.status, 401);
  });

  test('the secret never appears in the logs', () => {
    const all = p.stderrLines.join('\n');
    assert.ok(!all.includes(clientSecret));
  });
});

describe('MSAL acquireTokenByClientCredential over TLS', () => {
  let cert;
  let p;
  let host;
  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    p = await startPorch({ port, tls: cert, publicUrl: `https://${host}` });
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  test('MSAL gets a token that verifies against the tenant JWKS', async () => {
    const r = await exec(process.execPath, [PROBE, `https://${host}/${p.tenantId}/`, host, p.init.clientId, p.init.clientSecret, GRAPH_SCOPE], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.cert },
      timeoutMs: 30000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.ok(out.ok, `MSAL failed: ${out.error}: ${out.message}\n${(out.log || []).join('\n')}`);
    assert.equal(out.tokenType, 'Bearer');
    assert.equal(decodeProtectedHeader(out.accessToken).alg, 'RS256');
    const jwks = (await p.get(`/${p.tenantId}/discovery/v2.0/keys`)).json();
    const { importJWK } = await import('jose');
    const kid = decodeProtectedHeader(out.accessToken).kid;
    const key = await importJWK(jwks.keys.find((k) => k.kid === kid), 'RS256');
    const { payload } = await jwtVerify(out.accessToken, key, { issuer: p.init.issuer, audience: GRAPH_APP_ID });
    assert.equal(payload.azp, p.init.clientId);
    assert.equal(payload.tid, p.tenantId);
  });
});
