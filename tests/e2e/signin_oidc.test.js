// SPDX-License-Identifier: Apache-2.0
// Sign-in through the hosted pages with openid-client v6 over https (authorization code + PKCE,
// refresh, UserInfo, RP-initiated logout), then the OpenID Foundation OP test plans re-implemented
// black-box (oidc-conformance.md): the Basic plan module by module, the Config plan and the
// RP-initiated logout plan. One TLS server for the file; the hosted pages are driven by the
// browserless driver in lib/signin.js.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { fetchWithCa, freePort, selfSignedCert, sleep, startPorch } from './lib/porch.js';
import {
  GRAPH_APP_ID,
  assertErrorPage,
  assertTokenError,
  claims,
  form,
  parseForms,
  pkce,
  randomState,
  tenantFixture,
} from './lib/signin.js';

const OIDC_SCOPES = 'openid profile email offline_access';

/** Shannon entropy of s in bits (per character × length), as EnsureMinimumAuthorizationCodeEntropy. */
function entropyBits(s) {
  const freq = new Map();
  for (const ch of s) freq.set(ch, (freq.get(ch) || 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const q = n / s.length;
    h -= q * Math.log2(q);
  }
  return h * s.length;
}

/** OIDC Core 3.1.3.6: left half of the SHA-256 of the ASCII value, base64url. */
function halfHash(value) {
  const d = createHash('sha256').update(value, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

describe('sign-in with openid-client and the OpenID OP test plans', () => {
  let cert;
  let p;
  let t;
  let alice;
  let rp1;
  let rp2;
  let config;
  let jwks;
  let doc;

  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}` });
    t = await tenantFixture(p);
    alice = await t.createUser({ displayName: 'Alice Adams', givenName: 'Alice', surname: 'Adams' });
    rp1 = await t.createWebApp({ redirectUris: ['https://rp1.example.com/cb', 'https://rp1.example.com/logged-out'] });
    rp2 = await t.createWebApp({ redirectUris: ['https://rp2.example.com/cb'] });
    config = await oidc.discovery(new URL(t.issuer), rp1.appId, { redirect_uris: rp1.redirectUris }, oidc.ClientSecretBasic(rp1.secret), {
      [oidc.customFetch]: fetchWithCa(cert.ca),
    });
    oidc.enableNonRepudiationChecks(config); // openid-client verifies ID token signatures via jwks_uri too
    doc = (await p.get(`/${p.tenantId}/v2.0/.well-known/openid-configuration`)).json();
    jwks = createLocalJWKSet((await p.get(new URL(doc.jwks_uri).pathname)).json());
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  /** Verifies an ID token's signature and standard claims (ValidateIdToken) and returns its claims. */
  async function verifyIdToken(idToken, { aud = rp1.appId, nonce } = {}) {
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: t.issuer, audience: aud, algorithms: ['RS256'] });
    assert.ok(protectedHeader.kid, 'kid in the ID token header');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(payload.iat <= now + 300 && payload.exp > now, `iat ${payload.iat} exp ${payload.exp} now ${now}`);
    assert.ok(typeof payload.sub === 'string' && payload.sub.length > 0, 'sub');
    if (nonce !== undefined) assert.equal(payload.nonce, nonce, 'nonce');
    return payload;
  }

  /** Authorization with openid-client's URL builder, hosted pages by the driver, code grant by openid-client. */
  async function ocSignIn(b, extra = {}, { user = alice, checks = {} } = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: rp1.redirectUris[0],
      scope: OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const res = await b.authorize(url.href, { email: user?.email, password: user?.password });
    assert.equal(res.kind, 'redirect', `${res.kind} ${res.status} ${res.body?.slice(0, 500)}`);
    const tokens = await oidc.authorizationCodeGrant(config, res.url, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
      ...checks,
    });
    return { tokens, claims: tokens.claims(), res, state, nonce };
  }

  /** A raw authorization request for rp1 (PKCE, state and nonce filled in unless given). */
  function authParams(extra = {}) {
    const pk = pkce();
    return {
      pk,
      params: {
        client_id: rp1.appId,
        response_type: 'code',
        redirect_uri: rp1.redirectUris[0],
        scope: 'openid profile',
        state: randomState(),
        nonce: randomState(),
        code_challenge: pk.challenge,
        code_challenge_method: 'S256',
        ...extra,
      },
    };
  }

  /** Runs an authorization request with browser b and asserts a code came back; redeems it. */
  async function codeFlow(b, extra = {}, { user = alice, client = rp1 } = {}) {
    const { pk, params } = authParams(extra);
    for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
    const res = await b.authorize(t.authorize(params), { email: user?.email, password: user?.password });
    assert.equal(res.kind, 'redirect', `${JSON.stringify(extra)}: ${res.kind} ${res.status} ${res.body?.slice(0, 500) ?? ''}`);
    assert.equal(res.params.error, undefined, `${JSON.stringify(extra)}: ${res.params.error}: ${res.params.error_description}`);
    assert.equal(res.params.state, params.state);
    assert.equal(res.params.iss, t.issuer, 'iss in the authorization response (RFC 9207)');
    const tr = await t.redeem(client, res.params.code, { verifier: params.code_challenge ? pk.verifier : undefined });
    assert.equal(tr.status, 200, tr.body);
    const tokens = tr.json();
    const idc = tokens.id_token ? await verifyIdToken(tokens.id_token, { nonce: params.nonce }) : null;
    return { res, tokens, idc, params };
  }

  // -------------------------------------------------------------------------------------------
  describe('openid-client', () => {
    let first;
    test('authorization code + PKCE: ID token claims (signature checked by openid-client)', async () => {
      const b = t.browser();
      first = await ocSignIn(b);
      const c = first.claims;
      assert.equal(c.iss, t.issuer);
      assert.equal(c.aud, rp1.appId);
      assert.equal(c.tid, p.tenantId);
      assert.equal(c.oid, alice.id);
      assert.equal(c.ver, '2.0');
      assert.equal(c.nonce, first.nonce);
      assert.equal(c.preferred_username, alice.email);
      assert.equal(c.email, alice.email);
      assert.equal(c.name, 'Alice Adams');
      assert.equal(typeof c.auth_time, 'number');
      assert.ok(Math.abs(c.auth_time - Date.now() / 1000) < 120, `auth_time ${c.auth_time}`);
      assert.ok(c.sid, 'sid');
      assert.ok(c.sub && c.sub !== c.oid, 'sub is pairwise, not the object id');
      assert.ok(c.nbf <= c.iat + 1);
      assert.equal(first.tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(first.tokens.refresh_token, 'refresh token with offline_access');
      assert.equal(typeof first.tokens.scope, 'string');
      const at = claims(first.tokens.access_token);
      assert.equal(at.aud, GRAPH_APP_ID, 'OIDC scopes only: the access token is for Graph');
      assert.equal(at.azp, rp1.appId);
      assert.equal(at.azpacr, '1');
      assert.equal(at.oid, alice.id);
      assert.equal(at.tid, p.tenantId);
      assert.equal(at.ver, '2.0');
      assert.ok(typeof at.scp === 'string');
      // the authorization response: code, state, iss and nothing that leaks
      assert.equal(first.res.params.iss, t.issuer);
      assert.ok(first.res.params.code.length >= 22, 'code of at least 128 bits');
      assert.ok(entropyBits(first.res.params.code) >= 96, `code entropy ${entropyBits(first.res.params.code)}`);
      assert.equal(first.res.status, 302, 'after the credential POSTs the redirect is 302/303');
    });

    test('refresh: new tokens, rotated refresh token, consistent ID token (OIDCC-12.2)', async () => {
      const r = await oidc.refreshTokenGrant(config, first.tokens.refresh_token);
      assert.ok(r.access_token && r.access_token !== first.tokens.access_token);
      assert.ok(r.refresh_token && r.refresh_token !== first.tokens.refresh_token, 'refresh token rotated');
      const c = r.claims();
      assert.ok(c, 'ID token on refresh with openid');
      for (const k of ['iss', 'sub', 'aud', 'oid', 'tid']) assert.deepEqual(c[k], first.claims[k], k);
      if (c.auth_time !== undefined) assert.equal(c.auth_time, first.claims.auth_time, 'auth_time is the original authentication');
      assert.ok(c.iat >= first.claims.iat);
      first.refreshed = r;
    });

    test('UserInfo through openid-client: sub equals the ID token sub', async () => {
      const ui = await oidc.fetchUserInfo(config, first.refreshed.access_token, first.claims.sub);
      assert.equal(ui.sub, first.claims.sub);
      assert.equal(ui.oid, alice.id);
      assert.equal(ui.email, alice.email);
      assert.equal(ui.name, 'Alice Adams');
      assert.equal(ui.given_name, 'Alice');
      assert.equal(ui.family_name, 'Adams');
      assert.equal(ui.preferred_username, alice.email);
    });

    test('buildEndSessionUrl: logout redirects to the registered URI with state; the session is gone', async () => {
      const b = t.browser();
      const s = await ocSignIn(b);
      const url = oidc.buildEndSessionUrl(config, {
        id_token_hint: s.tokens.id_token,
        post_logout_redirect_uri: rp1.redirectUris[1],
        state: 'bye-123',
      });
      assert.equal(`${url.origin}${url.pathname}`, t.logoutUrl);
      const r = await b.fetch(url.href);
      assert.equal(r.status, 302, r.body);
      assert.equal(r.headers.location, `${rp1.redirectUris[1]}?state=bye-123`);
      const none = await b.authorize(t.authorize(authParams({ prompt: 'none' }).params));
      assert.equal(none.kind, 'redirect');
      assert.equal(none.params.error, 'login_required');
    });

    test('response_mode=form_post: an auto-submitting form to the redirect URI with code, state and iss', async () => {
      const b = t.browser();
      const { pk, params } = authParams({ response_mode: 'form_post' });
      const res = await b.authorize(t.authorize(params), { email: alice.email, password: alice.password });
      assert.equal(res.kind, 'form_post', `${res.kind} ${res.status} ${res.body?.slice(0, 300)}`);
      assert.equal(res.action, rp1.redirectUris[0]);
      assert.equal(res.params.state, params.state);
      assert.equal(res.params.iss, t.issuer);
      assert.ok(res.params.code);
      assert.match(res.page.body, /<form[^>]+method="post"/i);
      const tr = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      assert.equal(tr.status, 200, tr.body);
      // an SSO answer in form_post mode too
      const again = await b.authorize(t.authorize(authParams({ response_mode: 'form_post', prompt: 'none' }).params));
      assert.equal(again.kind, 'form_post');
      assert.ok(again.params.code);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('Basic OP plan', () => {
    let sso; // a browser with a live SSO session
    let base; // the first sign-in of that browser
    before(async () => {
      sso = t.browser();
      base = await codeFlow(sso, { scope: 'openid profile offline_access' });
    });

    test('oidcc-server: happy flow; c_hash/at_hash right when present; no name unless asked', async () => {
      const { tokens, idc } = await codeFlow(t.browser(), { scope: 'openid' });
      if (idc.at_hash) assert.equal(idc.at_hash, halfHash(tokens.access_token), 'at_hash');
      assert.equal(idc.c_hash, undefined, 'no c_hash from the token endpoint');
      assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');
      assert.equal(idc.aud, rp1.appId);
    });

    test('oidcc-response-type-missing: error page or invalid_request/unsupported_response_type redirect', async () => {
      const { params } = authParams({ response_type: undefined });
      delete params.response_type;
      const res = await t.browser().authorize(t.authorize(params));
      if (res.kind === 'redirect') {
        assert.ok(['invalid_request', 'unsupported_response_type'].includes(res.params.error), res.location);
        assert.equal(res.params.state, params.state);
        assert.equal(res.params.iss, t.issuer);
        assert.ok(!res.params.code);
      } else {
        assertErrorPage(res.response, 'response_type missing');
      }
      // response_type=token (implicit) is not offered
      const tok = await t.browser().authorize(t.authorize(authParams({ response_type: 'token' }).params));
      assert.equal(tok.kind, 'redirect', `response_type=token: ${tok.kind} ${tok.status}`);
      assert.equal(tok.params.error, 'unsupported_response_type');
      assert.equal(tok.params.iss, t.issuer);
      assert.ok(!tok.params.access_token && !tok.params['#access_token']);
    });

    test('oidcc-userinfo-get / -post-header / -post-body', async () => {
      const at = base.tokens.access_token;
      const subs = [];
      for (const [what, r] of [
        ['GET', await t.userinfo(at)],
        ['POST header', await t.userinfo(at, { method: 'POST' })],
        ['POST body', await t.userinfo(at, { inBody: true })],
      ]) {
        assert.equal(r.status, 200, `${what}: ${r.body}`);
        assert.match(r.headers['content-type'], /^application\/json/, what);
        subs.push(r.json().sub);
      }
      assert.deepEqual(subs, [base.idc.sub, base.idc.sub, base.idc.sub]);
    });

    test('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
      const { idc } = await codeFlow(sso, { nonce: undefined });
      assert.equal(idc.nonce, undefined);
    });

    test('oidcc-scope-profile / -email / -all (scopes in scopes_supported) and other scope order', async () => {
      const supported = new Set(doc.scopes_supported);
      const prof = await codeFlow(sso, { scope: 'openid profile' });
      const up = (await t.userinfo(prof.tokens.access_token)).json();
      assert.equal(up.name, 'Alice Adams');
      if (supported.has('email')) {
        const em = await codeFlow(sso, { scope: 'openid email' });
        assert.equal((await t.userinfo(em.tokens.access_token)).json().email, alice.email);
        const rev = await codeFlow(sso, { scope: 'email openid' });
        assert.equal(rev.idc.sub, base.idc.sub);
      }
      for (const s of ['address', 'phone']) {
        if (supported.has(s)) await codeFlow(sso, { scope: `openid ${s}` });
      }
      const all = [...supported].filter((s) => ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'].includes(s));
      const a = await codeFlow(sso, { scope: all.join(' ') });
      assert.equal(a.idc.sub, base.idc.sub);
    });

    test('oidcc-display-page / oidcc-display-popup do not error', async () => {
      for (const display of ['page', 'popup']) {
        const r = await codeFlow(t.browser(), { display });
        assert.equal(r.idc.oid, alice.id);
      }
    });

    test('oidcc-prompt-login: the sign-in pages come back and auth_time moves on', async () => {
      await sleep(1100);
      const { res, idc } = await codeFlow(sso, { prompt: 'login' });
      assert.ok(res.pages.length >= 1 && ['email', 'password'].includes(res.pages[0].kind), 'prompt=login shows the sign-in pages');
      assert.ok(idc.auth_time > base.idc.auth_time, `auth_time ${idc.auth_time} not after ${base.idc.auth_time}`);
      assert.equal(idc.sub, base.idc.sub);
      base.latestAuthTime = idc.auth_time;
    });

    test('oidcc-prompt-none-not-logged-in: login_required with a 128-character state intact', async () => {
      const state = 'S'.repeat(10) + randomState(96).slice(0, 118);
      assert.equal(state.length, 128);
      const { params } = authParams({ prompt: 'none', state });
      const res = await t.browser().authorize(t.authorize(params));
      assert.equal(res.kind, 'redirect', `${res.kind} ${res.status}`);
      assert.equal(res.pages.length, 0, 'no page for prompt=none');
      assert.equal(res.params.error, 'login_required');
      assert.equal(res.params.state, state);
      assert.equal(res.params.iss, t.issuer);
      assert.ok(res.url.href.startsWith(rp1.redirectUris[0] + '?'));
      assert.match(res.params.error_description || '', /AADSTS50058/);
    });

    test('oidcc-prompt-none-logged-in: no UI, same sub, same auth_time', async () => {
      const { res, idc } = await codeFlow(sso, { prompt: 'none' });
      assert.equal(res.pages.length, 0);
      assert.equal(idc.sub, base.idc.sub);
      assert.equal(idc.auth_time, base.latestAuthTime ?? base.idc.auth_time);
    });

    test('oidcc-max-age-1: after 2 s the user signs in again; auth_time later and recent', async () => {
      await sleep(2000);
      const prev = base.latestAuthTime ?? base.idc.auth_time;
      const { res, idc } = await codeFlow(sso, { max_age: '1' });
      assert.ok(res.pages.length >= 1, 'max_age exceeded: sign-in pages shown');
      assert.equal(typeof idc.auth_time, 'number');
      assert.ok(idc.auth_time > prev, `auth_time ${idc.auth_time} after ${prev}`);
      assert.ok(Math.abs(Date.now() / 1000 - idc.auth_time) < 60);
      base.latestAuthTime = idc.auth_time;
    });

    test('oidcc-max-age-10000: max_age=15000 then 10000 → no new sign-in, equal auth_time', async () => {
      const a = await codeFlow(sso, { max_age: '15000' });
      const b = await codeFlow(sso, { max_age: '10000' });
      assert.equal(a.res.pages.length, 0);
      assert.equal(b.res.pages.length, 0);
      assert.equal(a.idc.auth_time, base.latestAuthTime);
      assert.equal(b.idc.auth_time, a.idc.auth_time);
    });

    test('openid-client checks auth_time with maxAge', async () => {
      const s = await ocSignIn(sso, { max_age: '10000' }, { checks: { maxAge: 10000 } });
      assert.equal(typeof s.claims.auth_time, 'number');
    });

    test('oidcc-ensure-request-with-unknown-parameter-succeeds', async () => {
      await codeFlow(sso, { extra: 'foobar', 'x-unknown-thing': '1' });
    });

    test('oidcc-id-token-hint: prompt=none with the first ID token → immediate success, same sub', async () => {
      const { res, idc } = await codeFlow(sso, { prompt: 'none', id_token_hint: base.tokens.id_token });
      assert.equal(res.pages.length, 0);
      assert.equal(idc.sub, base.idc.sub);
    });

    test('login_hint, ui_locales, claims_locales, acr_values, domain_hint do not error', async () => {
      const fresh = await codeFlow(t.browser(), { login_hint: alice.email });
      assert.equal(fresh.idc.oid, alice.id);
      for (const extra of [{ ui_locales: 'fr-CA fr en' }, { claims_locales: 'de en' }, { acr_values: '1 2' }, { domain_hint: 'example.com' }, { login_hint: 'someone-else@example.com' }]) {
        await codeFlow(sso, extra);
      }
    });

    test('login_hint pre-fills the email page', async () => {
      const res = await t.browser().authorize(t.authorize(authParams({ login_hint: alice.email }).params), { stopAt: 'email' });
      if (res.kind === 'page' && res.page.kind === 'email') {
        assert.equal(res.page.form.fields.email, alice.email);
      } else {
        // straight to the password page for the hinted account is fine too
        assert.equal(res.pages[0]?.kind, 'password', `${res.kind} ${res.page?.kind}`);
      }
    });

    test('oidcc-claims-essential: the claims parameter does not break the flow', async () => {
      const { tokens } = await codeFlow(sso, { claims: JSON.stringify({ userinfo: { name: { essential: true } } }) });
      const ui = (await t.userinfo(tokens.access_token)).json();
      assert.equal(ui.name, 'Alice Adams');
    });

    test('oidcc-codereuse: second redemption → 400 invalid_grant; the first refresh token is revoked', async () => {
      const { pk, params } = authParams({ scope: 'openid offline_access' });
      const res = await sso.authorize(t.authorize(params));
      assert.equal(res.kind, 'redirect');
      const one = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      assert.equal(one.status, 200, one.body);
      const two = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      const e = assertTokenError(two, 400, 'invalid_grant', 'code reuse');
      assert.match(e.error_description, /^AADSTS(70008|54005)\b/); // contract: 70008; Entra answers 54005 for a redeemed code
      const rt = await t.refresh(rp1, one.json().refresh_token);
      assertTokenError(rt, 400, 'invalid_grant', 'refresh token issued for a reused code');
    });

    test('oidcc-codereuse: the first access token is revoked too (UserInfo 401)', async () => {
      const { pk, params } = authParams({ scope: 'openid offline_access' });
      const res = await sso.authorize(t.authorize(params));
      const one = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      assert.equal(one.status, 200, one.body);
      assert.equal((await t.userinfo(one.json().access_token)).status, 200);
      assert.equal((await t.redeem(rp1, res.params.code, { verifier: pk.verifier })).status, 400);
      const ui = await t.userinfo(one.json().access_token);
      assert.equal(ui.status, 401, `UserInfo with the access token of a reused code: ${ui.status} ${ui.body}`);
    });

    test('oidcc-ensure-registered-redirect-uri: error page, no redirect', async () => {
      const res = await t.browser().authorize(t.authorize(authParams({ redirect_uri: 'https://attacker.example.org/cb' }).params));
      assert.equal(res.kind, 'error');
      assertErrorPage(res.response, 'unregistered redirect_uri');
      const unknownClient = await t.browser().authorize(t.authorize(authParams({ client_id: '11111111-2222-3333-4444-555555555555' }).params));
      assertErrorPage(unknownClient.response, 'unknown client_id');
      const { params: noClientParams } = authParams();
      delete noClientParams.client_id;
      const noClient = await t.browser().authorize(t.authorize(noClientParams));
      assertErrorPage(noClient.response, 'no client_id');
    });

    test('oidcc-ensure-redirect-uri-in-authorization-request: error page or invalid_request with state', async () => {
      const { params } = authParams();
      delete params.redirect_uri;
      const res = await t.browser().authorize(t.authorize(params));
      if (res.kind === 'redirect') {
        assert.ok(rp1.redirectUris.some((u) => res.location.startsWith(u)), `redirected to ${res.location}`);
        assert.equal(res.params.error, 'invalid_request');
        assert.equal(res.params.state, params.state);
      } else {
        assertErrorPage(res.response, 'no redirect_uri');
      }
    });

    test('repeated parameters → invalid_request with state and iss', async () => {
      const { params } = authParams();
      const url = `${t.authorize(params)}&scope=openid`;
      const res = await t.browser().authorize(url);
      assert.equal(res.kind, 'redirect', `${res.kind} ${res.status}`);
      assert.equal(res.params.error, 'invalid_request');
      assert.equal(res.params.state, params.state);
      assert.equal(res.params.iss, t.issuer);
    });

    test('oidcc-ensure-post-request-succeeds', async () => {
      const { pk, params } = authParams();
      const b = t.browser();
      const res = await b.authorize(t.authorizeUrl, { method: 'POST', params, email: alice.email, password: alice.password });
      assert.equal(res.kind, 'redirect', `${res.kind} ${res.status} ${res.body?.slice(0, 300)}`);
      assert.equal(res.params.state, params.state);
      const tr = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      assert.equal(tr.status, 200, tr.body);
      // and a POST authorization request answered by SSO
      const { params: p2 } = authParams({ prompt: 'none' });
      const again = await b.authorize(t.authorizeUrl, { method: 'POST', params: p2 });
      assert.equal(again.kind, 'redirect');
      assert.ok(again.params.code);
    });

    test('oidcc-server-client-secret-post', async () => {
      const { pk, params } = authParams();
      const res = await sso.authorize(t.authorize(params));
      const tr = await t.redeem(rp1, res.params.code, { verifier: pk.verifier, post: true });
      assert.equal(tr.status, 200, tr.body);
      await verifyIdToken(tr.json().id_token, { nonce: params.nonce });
      // a wrong secret is 401 invalid_client
      const res2 = await sso.authorize(t.authorize(params));
      const bad = await t.token({ grant_type: 'authorization_code', code: res2.params.code, redirect_uri: rp1.redirectUris[0], client_id: rp1.appId, client_secret: 'nope', code_verifier: pk.verifier });
      assertTokenError(bad, 401, 'invalid_client');
    });

    test('oidcc-request-uri-unsigned: supported correctly or rejected with request_uri_not_supported', async () => {
      const { pk, params } = authParams({ request_uri: 'https://rp1.example.com/request.jwt' });
      const res = await sso.authorize(t.authorize(params));
      assert.equal(res.kind, 'redirect', `request_uri: ${res.kind} ${res.status} ${res.body?.slice(0, 200)}`);
      assert.equal(res.params.state, params.state);
      if (res.params.error) {
        assert.equal(res.params.error, 'request_uri_not_supported');
        assert.equal(res.params.iss, t.issuer);
        assert.equal(doc.request_uri_parameter_supported, false);
      } else {
        assert.equal((await t.redeem(rp1, res.params.code, { verifier: pk.verifier })).status, 200);
      }
    });

    test('oidcc-unsigned-request-object: supported correctly or rejected with request_not_supported', async () => {
      const { pk, params } = authParams();
      const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const request = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...params, iss: rp1.appId, aud: t.issuer })}.`;
      const res = await sso.authorize(t.authorize({ ...params, request }));
      assert.equal(res.kind, 'redirect', `request: ${res.kind} ${res.status} ${res.body?.slice(0, 200)}`);
      assert.equal(res.params.state, params.state);
      if (res.params.error) {
        assert.equal(res.params.error, 'request_not_supported');
        assert.equal(res.params.iss, t.issuer);
        assert.equal(doc.request_parameter_supported, false);
      } else {
        assert.equal((await t.redeem(rp1, res.params.code, { verifier: pk.verifier })).status, 200);
      }
    });

    test('oidcc-refresh-token: 200 JSON no-store Bearer, consistent claims; client 2 cannot use client 1\'s', async () => {
      const r = await t.refresh(rp1, base.tokens.refresh_token);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.match(r.headers['content-type'], /^application\/json/);
      const b = r.json();
      assert.equal(b.token_type, 'Bearer');
      assert.ok(b.access_token.length >= 22 && entropyBits(b.access_token) >= 96);
      assert.ok(b.expires_in > 0);
      const c = await verifyIdToken(b.id_token);
      for (const k of ['iss', 'sub', 'aud', 'oid', 'tid', 'auth_time']) assert.deepEqual(c[k], base.idc[k], k);
      const stolen = await t.refresh(rp2, b.refresh_token);
      assertTokenError(stolen, 400, 'invalid_grant', "rp2 with rp1's refresh token");
      // rp1's client_id with rp2's secret is a client authentication failure
      const mixed = await t.token({ grant_type: 'refresh_token', refresh_token: b.refresh_token, client_id: rp1.appId, client_secret: rp2.secret });
      assertTokenError(mixed, 401, 'invalid_client', "rp1's id with rp2's secret");
    });

    test('oidcc-ensure-request-with-valid-pkce-succeeds; a spa app without PKCE → invalid_request', async () => {
      await codeFlow(sso); // every flow above used S256
      const spa = await t.createSpaApp({ redirectUris: ['https://spa.example.com/'] });
      const { params } = authParams({ client_id: spa.appId, redirect_uri: spa.redirectUris[0], code_challenge: undefined, code_challenge_method: undefined });
      delete params.code_challenge;
      delete params.code_challenge_method;
      const res = await sso.authorize(t.authorize(params));
      assert.equal(res.kind, 'redirect');
      assert.equal(res.params.error, 'invalid_request');
      assert.equal(res.params.state, params.state);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('scopes and consent (contract)', () => {
    let sso;
    let api;
    before(async () => {
      sso = t.browser();
      await codeFlow(sso);
      api = await t.createApp({ displayName: 'Contoso API' });
      const scopeId = randomUUID();
      await t.graphOk('PATCH', `/applications/${api.id}`, {
        identifierUris: [`api://${api.appId}`],
        api: {
          oauth2PermissionScopes: [
            { id: scopeId, value: 'Data.Read', type: 'User', isEnabled: true, adminConsentDisplayName: 'Read', adminConsentDescription: 'Read' },
          ],
        },
      }, 204);
    });

    let granted = false;
    async function ensureGrants() {
      if (granted) return;
      granted = true;
      await t.grant(rp1.appId, GRAPH_APP_ID, 'User.Read');
      await t.grant(rp1.appId, api.appId, 'Data.Read');
    }

    async function authz(scope) {
      const { pk, params } = authParams({ scope });
      const res = await sso.authorize(t.authorize(params));
      assert.equal(res.kind, 'redirect', `${scope}: ${res.kind} ${res.status}`);
      assert.equal(res.params.state, params.state);
      assert.equal(res.params.iss, t.issuer);
      return { res, pk };
    }

    test('a resource scope without an admin grant → consent_required', async () => {
      for (const scope of ['openid User.Read', 'openid https://graph.microsoft.com/User.Read', `openid api://${api.appId}/Data.Read`, `openid api://${api.appId}/.default`, 'openid https://graph.microsoft.com/.default']) {
        const { res } = await authz(scope);
        assert.equal(res.params.error, 'consent_required', `${scope}: ${res.params.error ?? 'a code'}`);
      }
    });

    test('unknown scopes and two resources in one request are refused', async () => {
      const bad = await authz('openid api://no-such-api/Read');
      // Entra answers AADSTS500011 invalid_resource for a resource it does not know
      assert.ok(['invalid_scope', 'invalid_resource', 'consent_required'].includes(bad.res.params.error), `unknown resource: ${bad.res.params.error ?? 'a code'}`);
      await ensureGrants();
      const two = await authz(`openid User.Read api://${api.appId}/Data.Read`);
      assert.ok(['invalid_scope', 'invalid_request'].includes(two.res.params.error), `two resources: ${two.res.params.error ?? 'a code'}`);
    });

    test('with a grant: the access token is for the named resource with the granted scope', async () => {
      await ensureGrants();
      const { res, pk } = await authz(`openid offline_access api://${api.appId}/Data.Read`);
      assert.equal(res.params.error, undefined, `${res.params.error}: ${res.params.error_description}`);
      const tr = await t.redeem(rp1, res.params.code, { verifier: pk.verifier });
      assert.equal(tr.status, 200, tr.body);
      const at = claims(tr.json().access_token);
      assert.equal(at.aud, api.appId);
      assert.equal(at.scp, 'Data.Read');
      assert.equal(at.azp, rp1.appId);
      assert.equal(at.oid, alice.id);
      // such a token is not for UserInfo
      assert.equal((await t.userinfo(tr.json().access_token)).status, 401);
      // refresh keeps the resource
      const rr = await t.refresh(rp1, tr.json().refresh_token);
      assert.equal(rr.status, 200, rr.body);
      assert.equal(claims(rr.json().access_token).aud, api.appId);
      const g = await authz('openid User.Read');
      const gt = await t.redeem(rp1, g.res.params.code, { verifier: g.pk.verifier });
      assert.equal(gt.status, 200, gt.body);
      const gat = claims(gt.json().access_token);
      assert.equal(gat.aud, GRAPH_APP_ID);
      assert.ok(gat.scp.split(' ').includes('User.Read'), gat.scp);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('Config OP plan', () => {
    test('oidcc-discovery-endpoint-verification', async () => {
      const r = await p.get(`/${p.tenantId}/v2.0/.well-known/openid-configuration`);
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'], /^application\/json/);
      const d = r.json();
      assert.equal(d.issuer, t.issuer);
      assert.equal(`${d.issuer}/.well-known/openid-configuration`, `${p.url}/${p.tenantId}/v2.0/.well-known/openid-configuration`);
      assert.ok(d.response_types_supported.includes('code'));
      assert.ok(Array.isArray(d.subject_types_supported) && d.subject_types_supported.length > 0);
      assert.ok(d.id_token_signing_alg_values_supported.includes('RS256'));
      assert.ok(!d.id_token_signing_alg_values_supported.includes('none'));
      for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint', 'revocation_endpoint']) {
        assert.ok(typeof d[k] === 'string', `${k} present`);
        assert.ok(d[k].startsWith('https://'), `${k} is https: ${d[k]}`);
      }
      for (const [k, v] of Object.entries(d)) {
        if (typeof v === 'string' && /^https?:\/\//.test(v)) assert.ok(v.startsWith('https://'), `${k} is https: ${v}`);
      }
      assert.equal(d.userinfo_endpoint, t.userinfoUrl);
      assert.equal(d.end_session_endpoint, t.logoutUrl);
      assert.ok(Array.isArray(d.code_challenge_methods_supported), 'code_challenge_methods_supported is an array');
      assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
      for (const k of ['request_parameter_supported', 'request_uri_parameter_supported', 'claims_parameter_supported']) {
        assert.equal(typeof d[k], 'boolean', k);
      }
      assert.equal(d.request_parameter_supported, false);
      assert.equal(d.request_uri_parameter_supported, false);
      assert.equal(d.claims_parameter_supported, false);
      assert.ok(Array.isArray(d.grant_types_supported));
      for (const g of ['authorization_code', 'refresh_token', 'client_credentials']) assert.ok(d.grant_types_supported.includes(g), g);
      assert.ok(!d.grant_types_supported.includes('implicit') && !d.grant_types_supported.includes('password'));
      assert.ok(d.scopes_supported.includes('openid'));
      for (const s of d.scopes_supported) assert.match(s, /^[\x21\x23-\x5B\x5D-\x7E]+$/, `scope syntax ${s}`);
      if (d.claims_supported) assert.ok(Array.isArray(d.claims_supported) && d.claims_supported.includes('sub'));
      for (const k of ['ui_locales_supported', 'claims_locales_supported']) {
        if (d[k]) for (const l of d[k]) assert.match(l, /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, `${k} ${l}`);
      }
      assert.ok(Array.isArray(d.prompt_values_supported));
      for (const pv of ['none', 'login']) assert.ok(d.prompt_values_supported.includes(pv), pv);
      if (d.registration_endpoint) assert.ok(d.registration_endpoint.startsWith('https://'));
      for (const m of d.token_endpoint_auth_methods_supported) assert.ok(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'].includes(m), m);
    });

    test('jwks: kids, public RSA members only, no private or symmetric keys', async () => {
      const r = await p.get(new URL(doc.jwks_uri).pathname);
      assert.equal(r.status, 200);
      const { keys } = r.json();
      assert.ok(keys.length >= 1);
      for (const k of keys) {
        assert.ok(k.kid, 'kid');
        assert.notEqual(k.kty, 'oct', 'symmetric key published');
        for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) assert.ok(!(priv in k), `private member ${priv} in ${k.kid}`);
        if (k.kty === 'RSA') assert.ok(k.n && k.e);
      }
      assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length, 'distinct kids');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('RP-initiated logout plan', () => {
    const post = () => rp1.redirectUris[1];

    /** A browser with a fresh session: { b, idToken }. */
    async function loggedIn() {
      const b = t.browser();
      const s = await codeFlow(b);
      return { b, idToken: s.tokens.id_token };
    }

    async function assertLoggedOut(b, what) {
      const r = await b.authorize(t.authorize(authParams({ prompt: 'none' }).params));
      assert.equal(r.kind, 'redirect', `${what}: ${r.kind}`);
      assert.equal(r.params.error, 'login_required', `${what}: prompt=none after logout gave ${r.params.error ?? 'a code'}`);
    }

    async function assertStillLoggedIn(b, what) {
      const r = await b.authorize(t.authorize(authParams({ prompt: 'none' }).params));
      assert.equal(r.kind, 'redirect', `${what}: ${r.kind}`);
      assert.ok(r.params.code, `${what}: the session should still be there (${r.params.error})`);
    }

    /** GET logout; if a confirmation page comes back, confirm it. Asserts no redirect anywhere. */
    async function logoutNoRedirect(b, params, what) {
      const r = await b.fetch(`${t.logoutUrl}${params ? `?${form(params)}` : ''}`);
      assert.equal(r.headers.location, undefined, `${what}: redirected to ${r.headers.location}`);
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${what}: status ${r.status}`);
      assert.match(r.headers['content-type'] || '', /text\/html/);
      const confirm = parseForms(r.body).find((f) => /\/oauth2\/v2\.0\/logout/.test(f.action));
      return { r, confirm };
    }

    async function confirmLogout(b, r, confirm, what) {
      assert.ok(confirm, `${what}: no confirmation form: ${r.body.slice(0, 300)}`);
      assert.equal(confirm.method, 'post');
      assert.ok(confirm.fields.csrf, 'csrf in the confirmation form');
      const done = await b.fetch(new URL(confirm.action, r.url).toString(), { method: 'POST', form: confirm.fields });
      assert.equal(done.status, 200, `${what}: confirm POST ${done.status} ${done.body.slice(0, 200)}`);
      assert.equal(done.headers.location, undefined);
      assert.ok(!parseForms(done.body).some((f) => /logout/.test(f.action)), 'the signed-out page asks nothing more');
      return done;
    }

    test('oidcc-rp-initiated-logout-discovery-endpoint-verification', () => {
      assert.ok(doc.end_session_endpoint.startsWith('https://'));
    });

    test('oidcc-rp-initiated-logout: redirect with the same state and nothing else; then prompt=none fails', async () => {
      const { b, idToken } = await loggedIn();
      const r = await b.fetch(`${t.logoutUrl}?${form({ id_token_hint: idToken, post_logout_redirect_uri: post(), state: 'st-42' })}`);
      assert.equal(r.status, 302, r.body.slice(0, 300));
      const loc = new URL(r.headers.location);
      assert.equal(`${loc.origin}${loc.pathname}`, post());
      assert.deepEqual([...loc.searchParams.keys()], ['state']);
      assert.equal(loc.searchParams.get('state'), 'st-42');
      assert.equal(loc.hash, '');
      await assertLoggedOut(b, 'after logout');
      // the refresh/access tokens of the app are not the point; the SSO session is gone
    });

    test('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: no redirect', async () => {
      const { b, idToken } = await loggedIn();
      for (const bad of ['https://attacker.example.org/logged-out', `${post()}/x`, `${post()}?a=b`, 'https://rp2.example.com/cb']) {
        await logoutNoRedirect(b, { id_token_hint: idToken, post_logout_redirect_uri: bad, state: 's' }, bad);
      }
    });

    test('oidcc-rp-initiated-logout-modified-id-token-hint (alg none): no redirect', async () => {
      const { b, idToken } = await loggedIn();
      const [h, pl] = idToken.split('.');
      const header = { ...JSON.parse(Buffer.from(h, 'base64url')), alg: 'none' };
      const forged = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${pl}.`;
      await logoutNoRedirect(b, { id_token_hint: forged, post_logout_redirect_uri: post(), state: 's' }, 'alg none hint');
      // a tampered payload with the real signature neither
      const body = { ...claims(idToken), aud: rp2.appId };
      const tampered = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${idToken.split('.')[2]}`;
      await logoutNoRedirect(b, { id_token_hint: tampered, post_logout_redirect_uri: rp2.redirectUris[0], state: 's' }, 'tampered hint');
    });

    test('oidcc-rp-initiated-logout-no-id-token-hint: no redirect; confirming ends the session', async () => {
      const { b } = await loggedIn();
      const { r, confirm } = await logoutNoRedirect(b, { post_logout_redirect_uri: post(), state: 's' }, 'no hint');
      if (confirm) {
        await assertStillLoggedIn(b, 'before confirming');
        await confirmLogout(b, r, confirm, 'no hint');
        await assertLoggedOut(b, 'after confirming');
      }
    });

    test('oidcc-rp-initiated-logout-no-params: logged-out page, no redirect; a CSRF-less confirm does nothing', async () => {
      const { b } = await loggedIn();
      const { r, confirm } = await logoutNoRedirect(b, null, 'no params');
      if (confirm) {
        const forged = await b.fetch(new URL(confirm.action, r.url).toString(), { method: 'POST', form: {} });
        assert.ok(forged.status >= 400 && forged.status < 500, `confirm without csrf: ${forged.status}`);
        assert.equal(forged.headers.location, undefined);
        await assertStillLoggedIn(b, 'after a CSRF-less confirm');
        await confirmLogout(b, r, confirm, 'no params');
      }
      await assertLoggedOut(b, 'no params');
      // with no session at all: the signed-out page directly
      const again = await b.fetch(t.logoutUrl);
      assert.equal(again.status, 200);
      assert.equal(again.headers.location, undefined);
      assert.ok(!parseForms(again.body).some((f) => /logout/.test(f.action)), 'no confirmation without a session');
    });

    test('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: logged-out page, no redirect', async () => {
      const { b, idToken } = await loggedIn();
      const { r, confirm } = await logoutNoRedirect(b, { id_token_hint: idToken, state: 's' }, 'no post_logout_redirect_uri');
      if (confirm) await confirmLogout(b, r, confirm, 'no post_logout_redirect_uri');
      await assertLoggedOut(b, 'no post_logout_redirect_uri');
    });

    test('oidcc-rp-initiated-logout-no-state: redirect without state; then prompt=none fails', async () => {
      const { b, idToken } = await loggedIn();
      const r = await b.fetch(`${t.logoutUrl}?${form({ id_token_hint: idToken, post_logout_redirect_uri: post() })}`);
      assert.equal(r.status, 302, r.body.slice(0, 300));
      assert.equal(r.headers.location, post());
      await assertLoggedOut(b, 'no state');
    });

    test('oidcc-rp-initiated-logout-only-state: logged-out page, no redirect', async () => {
      const { b } = await loggedIn();
      const { r, confirm } = await logoutNoRedirect(b, { state: 'only' }, 'only state');
      if (confirm) await confirmLogout(b, r, confirm, 'only state');
      await assertLoggedOut(b, 'only state');
    });

    test("another tenant's genuine id_token_hint: no redirect", async () => {
      const r = await p.run(['tenant', 'create', '--tenant-name', 'Other', '--subdomain', `o${p.subdomain}`, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const t2info = JSON.parse(r.stdout);
      const t2 = await tenantFixture(p, t2info);
      const bob = await t2.createUser();
      const app2 = await t2.createWebApp({ redirectUris: [post()] });
      const s2 = await t2.signIn(bob, app2);
      const { b } = await loggedIn();
      await logoutNoRedirect(b, { id_token_hint: s2.tokens.id_token, post_logout_redirect_uri: post(), state: 's' }, "another tenant's hint");
    });
  });
});
