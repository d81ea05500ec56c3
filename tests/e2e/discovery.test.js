// SPDX-License-Identifier: Apache-2.0
// OpenID Provider discovery (entra-compat.md §4.2, oidc-conformance.md "Config OP plan").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { assertUnknownTenant } from './lib/checks.js';
import { startPorch } from './lib/porch.js';

const WELL_KNOWN = ['/v2.0/.well-known/openid-configuration', '/.well-known/openid-configuration'];

describe('discovery document', () => {
  let p;
  let doc;
  before(async () => {
    p = await startPorch({ tenantName: 'Fabrikam', subdomain: 'fabrikam' });
    const r = await p.get(`/${p.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(r.status, 200, r.body);
    doc = r.json();
  });
  after(() => p?.stop());

  test('issuer is {public-url}/{tenantId}/v2.0 and matches porch init', () => {
    assert.equal(doc.issuer, `${p.url}/${p.tenantId}/v2.0`);
    assert.equal(doc.issuer, p.init.issuer);
    assert.equal(doc.jwks_uri, p.init.jwksUri);
  });

  test('endpoints follow the Entra layout with the tenant GUID first', () => {
    const base = `${p.url}/${p.tenantId}`;
    assert.equal(doc.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
    assert.equal(doc.token_endpoint, `${base}/oauth2/v2.0/token`);
    assert.equal(doc.end_session_endpoint, `${base}/oauth2/v2.0/logout`);
    assert.equal(doc.userinfo_endpoint, `${base}/openid/v2.0/userinfo`);
    assert.equal(doc.jwks_uri, `${base}/discovery/v2.0/keys`);
    for (const [k, v] of Object.entries(doc)) {
      if (/_(endpoint|uri)$/.test(k) && typeof v === 'string') {
        assert.ok(v.startsWith(`${base}/`), `${k} = ${v} does not start with ${base}/`);
      }
    }
  });

  test('supported values', () => {
    assert.deepEqual(doc.response_types_supported, ['code']);
    assert.deepEqual(doc.response_modes_supported, ['query', 'fragment', 'form_post']);
    assert.deepEqual(doc.prompt_values_supported, ['none', 'login', 'select_account', 'create']);
    assert.equal(doc.revocation_endpoint, `${p.url}/${p.tenantId}/oauth2/v2.0/revoke`);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(doc.subject_types_supported, ['pairwise']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_post', 'private_key_jwt', 'client_secret_basic']);
    for (const s of ['openid', 'profile', 'email', 'offline_access']) assert.ok(doc.scopes_supported.includes(s), `scopes_supported has ${s}`);
    for (const s of doc.scopes_supported) assert.match(s, /^[\x21\x23-\x5b\x5d-\x7e]+$/, `scope token syntax: ${s}`);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.ok(Array.isArray(doc.grant_types_supported) && doc.grant_types_supported.includes('authorization_code'), 'grant_types_supported');
    assert.ok(!doc.grant_types_supported.includes('implicit') && !doc.grant_types_supported.includes('password'), 'no implicit/password grant');
    assert.equal(doc.request_uri_parameter_supported, false);
    assert.ok(Array.isArray(doc.claims_supported) && doc.claims_supported.length > 0, 'claims_supported');
    for (const c of ['sub', 'iss', 'aud', 'exp', 'iat', 'tid']) assert.ok(doc.claims_supported.includes(c), `claims_supported has ${c}`);
    assert.ok(!('registration_endpoint' in doc) || typeof doc.registration_endpoint === 'string');
  });

  test('the same document via id, subdomain and default domain, at both well-known paths', async () => {
    for (const alias of [p.tenantId, p.init.subdomain, p.init.defaultDomain]) {
      for (const wk of WELL_KNOWN) {
        const r = await p.get(`/${alias}${wk}`);
        assert.equal(r.status, 200, `/${alias}${wk}: ${r.status}`);
        assert.match(r.headers['content-type'] || '', /^application\/json/);
        assert.deepEqual(r.json(), doc, `/${alias}${wk} differs`);
      }
    }
  });

  test('Cache-Control carries max-age and CORS allows any origin', async () => {
    const r = await p.get(`/${p.init.subdomain}/v2.0/.well-known/openid-configuration`, { headers: { origin: 'https://app.example' } });
    assert.match(r.headers['cache-control'] || '', /max-age=\d+/);
    assert.doesNotMatch(r.headers['cache-control'] || '', /no-store/);
    assert.equal(r.headers['access-control-allow-origin'], '*');
  });

  test('openid-client discovery accepts it', async () => {
    const config = await oidc.discovery(new URL(doc.issuer), 'e2e-client', undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const md = config.serverMetadata();
    assert.equal(md.issuer, doc.issuer);
    assert.equal(md.jwks_uri, doc.jwks_uri);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:3000/cb',
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    assert.equal(`${url.origin}${url.pathname}`, doc.authorization_endpoint);
    assert.equal(url.searchParams.get('client_id'), 'e2e-client');
  });

  test('openid-client rejects the document under an alias issuer (issuer is always the GUID form)', async () => {
    await assert.rejects(
      oidc.discovery(new URL(`${p.url}/${p.init.subdomain}/v2.0`), 'e2e-client', undefined, undefined, {
        execute: [oidc.allowInsecureRequests],
      }),
      /issuer/i,
    );
  });

  test('unknown tenants get 404 in the OAuth error format, never a default tenant', async () => {
    for (const alias of ['00000000-0000-4000-8000-00000000dead', 'nosuchtenant', 'nosuchtenant.porch.localhost']) {
      for (const wk of WELL_KNOWN) assertUnknownTenant(await p.get(`/${alias}${wk}`), `/${alias}${wk}`);
    }
  });

  test('a tenant created while serving is discoverable at once, with its own issuer', async () => {
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Late', '--subdomain', 'latecomer', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    const d = await p.get(`/latecomer/v2.0/.well-known/openid-configuration`);
    assert.equal(d.status, 200, d.body);
    assert.equal(d.json().issuer, `${p.url}/${t.tenantId}/v2.0`);
    assert.notEqual(d.json().issuer, doc.issuer);
  });
});

describe('discovery with --public-url', () => {
  test('every URL uses the public URL, not the listen address', async () => {
    const p = await startPorch({ publicUrl: 'https://login.contoso.example' });
    try {
      const r = await p.get(`/${p.init.subdomain}/v2.0/.well-known/openid-configuration`);
      assert.equal(r.status, 200);
      const doc = r.json();
      const base = `https://login.contoso.example/${p.tenantId}`;
      assert.equal(doc.issuer, `${base}/v2.0`);
      for (const [k, v] of Object.entries(doc)) {
        if (/_(endpoint|uri)$/.test(k) && typeof v === 'string') assert.ok(v.startsWith(`${base}/`), `${k} = ${v}`);
      }
      assert.ok(!JSON.stringify(doc).includes(`127.0.0.1:${p.port}`), 'listen address leaked into the document');
    } finally {
      await p.stop();
    }
  });
});
