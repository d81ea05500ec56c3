// SPDX-License-Identifier: Apache-2.0
// Sign-in under attack (security-baseline.md): redirect URI mutations never redirect, one code
// redeemed 50 times at once wins once, PKCE downgrades, refresh-token reuse outside the 10 s
// window revokes the grant (a retry inside it works), forged tokens (alg none, HS256 keyed with
// the public key, embedded jwk, tampered payload) and misplaced tokens (another tenant's, an ID
// token) at UserInfo and the management API, CSRF on the hosted pages, lockout that answers a
// right password like a wrong one, no user enumeration, and disabling a user or revoking their
// sessions killing SSO and refresh tokens. One TLS server; it trusts X-Forwarded-For from
// loopback so each scenario can come from its own client address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { freePort, request, securityHeaderProblems, selfSignedCert, sleep, startPorch } from './lib/porch.js';
import {
  Browser,
  WRONG_PASSWORD_TEXT,
  assertErrorPage,
  assertTokenError,
  claims,
  form,
  jwtHeader,
  pkce,
  randomState,
  tenantFixture,
} from './lib/signin.js';

const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

let ipSeq = 0;
/** A distinct client address per scenario (porch trusts X-Forwarded-For from loopback here). */
function clientIp() {
  ipSeq += 1;
  return `198.51.100.${ipSeq}`;
}

describe('hostile sign-in', () => {
  let cert;
  let p;
  let t;
  let alice;
  let web;
  let web2;
  let pub;
  let jwks;

  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}`, args: ['--trust-proxy', '127.0.0.1/32'] });
    t = await tenantFixture(p);
    alice = await t.createUser();
    web = await t.createWebApp({ redirectUris: ['https://app.example.com/cb', 'http://localhost:3000/cb', 'https://app.example.com/q?x=1'] });
    web2 = await t.createWebApp({ redirectUris: ['https://other.example.com/cb'] });
    pub = await t.createPublicApp({ redirectUris: ['http://localhost:4000/native'] });
    jwks = (await p.get(`/${p.tenantId}/discovery/v2.0/keys`)).json();
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  const browser = () => new Browser({ ca: cert.ca, headers: { 'x-forwarded-for': clientIp() } });

  function params(app, extra = {}) {
    const pk = pkce();
    return {
      pk,
      q: {
        client_id: app.appId,
        response_type: 'code',
        redirect_uri: app.redirectUris[0],
        scope: 'openid profile offline_access',
        state: randomState(),
        nonce: randomState(),
        code_challenge: pk.challenge,
        code_challenge_method: 'S256',
        ...extra,
      },
    };
  }

  /** A code for app from a signed-in browser b. */
  async function code(b, app, extra = {}) {
    const { pk, q } = params(app, extra);
    for (const [k, v] of Object.entries(q)) if (v === undefined) delete q[k];
    const res = await b.authorize(t.authorize(q), { email: alice.email, password: alice.password });
    assert.equal(res.kind, 'redirect', `${res.kind} ${res.status} ${res.body?.slice(0, 300)}`);
    assert.ok(res.params.code, `no code: ${res.location}`);
    return { code: res.params.code, verifier: pk.verifier, q, res };
  }

  // -------------------------------------------------------------------------------------------
  test('redirect URI mutations → 400 error page, never a redirect', async () => {
    const reg = 'https://app.example.com/cb';
    const mutations = [
      'https://app.example.com/cb/',
      'https://APP.example.com/cb',
      'https://app.example.com/CB',
      'https://app.example.com/cb?x=1',
      'https://app.example.com/cb#frag',
      'https://app.example.com:443/cb',
      'https://app.example.com:8443/cb',
      'http://app.example.com/cb',
      'https://evil@app.example.com/cb',
      'https://app.example.com@evil.example.net/cb',
      'https://app.example.com.evil.example.net/cb',
      'https://app.example.com/cb/../evil',
      'https://app.example.com/evil/../cb',
      'https://app.example.com/cb/%2e%2e/evil',
      'https://app.example.com/%63b',
      'https://app.example.com/cb%2F..%2Fevil',
      'https://app.example.com/cb ',
      ' https://app.example.com/cb',
      'https://app.example.com/cb\\@evil.example.net',
      'https://app.example.com/cb%00',
      '//app.example.com/cb',
      'app.example.com/cb',
      'https://app.example.com/q?x=2', // registered with ?x=1
      'https://app.example.com/q?x=1&y=2',
      'https://app.example.com/q',
      'http://localhost:3001/cb', // web app: the port of a loopback URI is fixed
      'http://127.0.0.1:3000/cb',
      'https://localhost:3000/cb',
      'https://other.example.com/cb', // another app's URI
      'javascript:alert(1)',
      'https://app.example.com/cb"><script>alert(1)</script>',
    ];
    const b = browser();
    for (const m of mutations) {
      const { q } = params(web, { redirect_uri: m });
      const r = await b.fetch(t.authorize(q));
      assertErrorPage(r, `redirect_uri ${JSON.stringify(m)}`);
      assert.ok(!JSON.stringify(r.headers).includes('evil'), `${m}: headers mention it`);
      assert.ok(!r.body.includes(`href="${m}`), `${m}: the error page links to it`);
      assert.ok(!r.body.includes('<script>alert(1)'), `${m}: reflected unescaped`);
    }
    // the registered ones do work (and the one with a query keeps it)
    for (const ok of [reg, 'https://app.example.com/q?x=1', 'http://localhost:3000/cb']) {
      const { q } = params(web, { redirect_uri: ok, prompt: 'none' });
      const r = await b.fetch(t.authorize(q));
      assert.equal(r.status, 302, `${ok}: ${r.status} ${r.body.slice(0, 200)}`);
      assert.ok(r.headers.location.startsWith(ok === 'https://app.example.com/q?x=1' ? `${ok}&` : `${ok}?`), r.headers.location);
    }
  });

  test('public client: a loopback URI may change port, nothing else', async () => {
    const b = browser();
    const { q } = params(pub, { redirect_uri: 'http://localhost:51234/native', prompt: 'none' });
    const r = await b.fetch(t.authorize(q));
    assert.equal(r.status, 302, r.body.slice(0, 200));
    assert.ok(r.headers.location.startsWith('http://localhost:51234/native?'));
    for (const m of ['http://localhost:51234/native/', 'http://localhost:51234/other', 'http://evil.example.net:4000/native', 'https://localhost:4000/native']) {
      assertErrorPage(await b.fetch(t.authorize(params(pub, { redirect_uri: m }).q)), `public ${m}`);
    }
  });

  test('a code is bound to its redirect_uri and client at the token endpoint', async () => {
    const b = browser();
    const c = await code(b, web);
    assertTokenError(await t.redeem(web, c.code, { verifier: c.verifier, redirectUri: 'https://app.example.com/cb/' }), 400, 'invalid_grant', 'other redirect_uri');
    const c2 = await code(b, web);
    assertTokenError(await t.redeem(web2, c2.code, { verifier: c2.verifier, redirectUri: web.redirectUris[0] }), 400, 'invalid_grant', 'other client');
    const c3 = await code(b, web);
    const noRedirect = await t.token({ grant_type: 'authorization_code', code: c3.code, code_verifier: c3.verifier }, { auth: [web.appId, web.secret] });
    assert.equal(noRedirect.status, 400, `no redirect_uri at the token endpoint: ${noRedirect.body}`);
  });

  test('50 parallel redemptions of one code → exactly one 200', async () => {
    const b = browser();
    const c = await code(b, web);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => t.redeem(web, c.code, { verifier: c.verifier }).catch((e) => ({ status: 0, body: e.message }))),
    );
    const statuses = results.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    assert.equal(ok, 1, `200s: ${ok}; statuses ${JSON.stringify(statuses)}`);
    for (const r of results.filter((x) => x.status !== 200)) assertTokenError(r, 400, 'invalid_grant', 'losing redemption');
    // and the winner's refresh token is revoked by the reuse
    const winner = results.find((r) => r.status === 200).json();
    assertTokenError(await t.refresh(web, winner.refresh_token), 400, 'invalid_grant', 'refresh token of a raced code');
  });

  test('PKCE downgrades are refused', async () => {
    const b = browser();
    // challenge sent, no verifier
    const a = await code(b, web);
    const e1 = assertTokenError(await t.redeem(web, a.code, {}), 400, 'invalid_grant', 'challenge without verifier');
    assert.match(e1.error_description, /AADSTS50148|AADSTS501481|AADSTS70000/);
    // wrong verifier
    const w = await code(b, web);
    assertTokenError(await t.redeem(web, w.code, { verifier: pkce().verifier }), 400, 'invalid_grant', 'wrong verifier');
    // the challenge itself as the verifier (plain downgrade)
    const pl = await code(b, web);
    assertTokenError(await t.redeem(web, pl.code, { verifier: pl.q.code_challenge }), 400, 'invalid_grant', 'challenge as verifier');
    // verifier without a challenge
    const n = await code(b, web, { code_challenge: undefined, code_challenge_method: undefined });
    assertTokenError(await t.redeem(web, n.code, { verifier: pkce().verifier }), 400, 'invalid_grant', 'verifier without challenge');
    // method plain → invalid_request at authorize
    const { q } = params(web, { code_challenge_method: 'plain', code_challenge: pkce().verifier });
    const r = await b.authorize(t.authorize(q));
    assert.equal(r.kind, 'redirect');
    assert.equal(r.params.error, 'invalid_request', `plain: ${r.location}`);
    assert.equal(r.params.state, q.state);
    assert.ok(!r.params.code);
    // public client without PKCE → invalid_request
    const { q: pq } = params(pub, { code_challenge: undefined, code_challenge_method: undefined });
    delete pq.code_challenge;
    delete pq.code_challenge_method;
    const pr = await b.authorize(t.authorize(pq));
    assert.equal(pr.kind, 'redirect');
    assert.equal(pr.params.error, 'invalid_request');
    // public client: challenge but no method → S256 is not assumed to be plain
    const { q: pq2 } = params(pub, { prompt: 'none' });
    delete pq2.code_challenge_method;
    const pr2 = await b.authorize(t.authorize(pq2));
    if (pr2.params.code) {
      assertTokenError(await t.redeem(pub, pr2.params.code, { verifier: pq2.code_challenge }), 400, 'invalid_grant', 'no method: plain assumed');
    } else {
      assert.equal(pr2.params.error, 'invalid_request');
    }
  });

  test('refresh token reuse: a retry within 10 s works; reuse after it revokes the grant', async () => {
    const b = browser();
    const c = await code(b, web);
    const tr = await t.redeem(web, c.code, { verifier: c.verifier });
    assert.equal(tr.status, 200, tr.body);
    const rt1 = tr.json().refresh_token;
    const r1 = await t.refresh(web, rt1);
    assert.equal(r1.status, 200, r1.body);
    const rt2 = r1.json().refresh_token;
    assert.notEqual(rt2, rt1);
    const retry = await t.refresh(web, rt1);
    assert.equal(retry.status, 200, `retry of the previous refresh token within the window: ${retry.body}`);
    // a refused refresh (a scope never granted, another resource) must not use the token up
    const other = await code(browser(), web);
    const rtX = (await t.redeem(web, other.code, { verifier: other.verifier })).json().refresh_token;
    assertTokenError(await t.refresh(web, rtX, { scope: 'openid Mail.Read' }), 400, 'invalid_grant', 'scope never granted');
    assertTokenError(await t.refresh(web, rtX, { scope: 'openid api://no-such-api/profile' }), 400, 'invalid_scope', 'another resource');
    await sleep(11000);
    const narrowed = await t.refresh(web, rtX, { scope: 'openid' });
    assert.equal(narrowed.status, 200, `the refused requests did not rotate the token: ${narrowed.body}`);
    assert.ok(!narrowed.json().scope.split(' ').includes('profile'), `narrowed scope: ${narrowed.json().scope}`);
    const reuse = await t.refresh(web, rt1);
    assertTokenError(reuse, 400, 'invalid_grant', 'reuse after the window');
    assertTokenError(await t.refresh(web, rt2), 400, 'invalid_grant', 'the successor after a reuse');
    const rtRetry = retry.json().refresh_token;
    if (rtRetry) assertTokenError(await t.refresh(web, rtRetry), 400, 'invalid_grant', "the retry's token after a reuse");
    // the SSO session is not the grant: a new sign-in still works
    const again = await code(b, web, { prompt: 'none' });
    assert.equal((await t.redeem(web, again.code, { verifier: again.verifier })).status, 200);
  });

  test("logout with someone else's ID token as hint asks the user instead of ending their session", async () => {
    const victim = browser();
    await code(victim, web); // alice is signed in in this browser
    const mallory = await t.createUser();
    const m = await t.signIn(mallory, web, { browser: browser() });
    const url = `${t.logoutUrl}?${new URLSearchParams({ id_token_hint: m.tokens.id_token, post_logout_redirect_uri: web.redirectUris[0], state: 'x' })}`;
    const r = await victim.fetch(url);
    assert.equal(r.status, 200, `no redirect for a hint of another session: ${r.status} ${r.headers.location}`);
    assert.ok(!r.headers.location);
    assert.equal(victim.page(r).kind, 'logout', 'the confirmation page');
    const still = await code(victim, web, { prompt: 'none' });
    assert.ok(still.code, "alice's session survived");
    // alice's own ID token does end her session and redirects
    const own = await t.signIn(null, web, { browser: victim });
    const ok = await victim.fetch(`${t.logoutUrl}?${new URLSearchParams({ id_token_hint: own.tokens.id_token, post_logout_redirect_uri: web.redirectUris[0], state: 'y' })}`);
    assert.equal(ok.status, 302, ok.body);
    assert.equal(new URL(ok.headers.location).searchParams.get('state'), 'y');
  });

  test('revocation endpoint: revoking a refresh token revokes its grant; unknown tokens answer 200', async () => {
    const b = browser();
    const c = await code(b, web);
    const tokens = (await t.redeem(web, c.code, { verifier: c.verifier })).json();
    const rv = await request(t.revokeUrl, {
      method: 'POST',
      ca: cert.ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${web.appId}:${web.secret}`).toString('base64')}` },
      body: form({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }),
    });
    assert.equal(rv.status, 200, rv.body);
    assertTokenError(await t.refresh(web, tokens.refresh_token), 400, 'invalid_grant', 'revoked refresh token');
    const unknown = await request(t.revokeUrl, {
      method: 'POST',
      ca: cert.ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${web.appId}:${web.secret}`).toString('base64')}` },
      body: form({ token: 'no-such-token' }),
    });
    assert.equal(unknown.status, 200, unknown.body);
  });

  // -------------------------------------------------------------------------------------------
  describe('forged and misplaced tokens', () => {
    let userAt;
    let idToken;
    before(async () => {
      const b = browser();
      const c = await code(b, web);
      const tk = (await t.redeem(web, c.code, { verifier: c.verifier })).json();
      userAt = tk.access_token;
      idToken = tk.id_token;
      assert.equal((await t.userinfo(userAt)).status, 200);
    });

    /** Tokens built from a genuine one: alg none, HS256 keyed with the public key (PEM, DER, n), embedded jwk, tampered payload, and more. */
    function forgeries(genuine) {
      const [h, pl, sig] = genuine.split('.');
      const header = jwtHeader(genuine);
      const payload = claims(genuine);
      const jwk = jwks.keys.find((k) => k.kid === header.kid);
      const pub = createPublicKey({ key: jwk, format: 'jwk' });
      const pem = pub.export({ type: 'spki', format: 'pem' });
      const pkcs1 = pub.export({ type: 'pkcs1', format: 'pem' });
      const der = pub.export({ type: 'spki', format: 'der' });
      const hs = (key, hdr = { ...header, alg: 'HS256' }) => {
        const si = `${b64(hdr)}.${pl}`;
        return `${si}.${createHmac('sha256', key).update(si).digest('base64url')}`;
      };
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const own = publicKey.export({ format: 'jwk' });
      const rs = (hdr, body = payload) => {
        const si = `${b64(hdr)}.${b64(body)}`;
        return `${si}.${sign('RSA-SHA256', Buffer.from(si), privateKey).toString('base64url')}`;
      };
      const later = { ...payload, exp: payload.exp + 3600 * 24 };
      return {
        'alg none': `${b64({ ...header, alg: 'none' })}.${pl}.`,
        'alg None': `${b64({ ...header, alg: 'None' })}.${pl}.`,
        'alg none with the signature kept': `${b64({ ...header, alg: 'none' })}.${pl}.${sig}`,
        'HS256 keyed with the SPKI PEM': hs(pem),
        'HS256 keyed with the PKCS#1 PEM': hs(pkcs1),
        'HS256 keyed with the DER': hs(der),
        'HS256 keyed with n': hs(Buffer.from(jwk.n, 'base64url')),
        'HS256 without kid': hs(pem, { alg: 'HS256', typ: 'JWT' }),
        'embedded jwk': rs({ alg: 'RS256', typ: 'JWT', jwk: own }),
        'embedded jwk with the real kid': rs({ alg: 'RS256', typ: 'JWT', kid: header.kid, jwk: { ...own, kid: header.kid } }),
        'jku to elsewhere': rs({ alg: 'RS256', typ: 'JWT', kid: 'x', jku: 'https://evil.example.net/jwks' }),
        'own key, real kid': rs({ alg: 'RS256', typ: 'JWT', kid: header.kid }),
        'tampered payload, genuine signature': `${h}.${b64(later)}.${sig}`,
        'signature stripped': `${h}.${pl}.`,
        'two parts': `${h}.${pl}`,
        'garbage': 'not-a-jwt',
      };
    }

    test('UserInfo: every forgery → 401 invalid_token', async () => {
      for (const [name, tok] of Object.entries(forgeries(userAt))) {
        const r = await t.userinfo(tok);
        assert.equal(r.status, 401, `${name}: ${r.status} ${r.body.slice(0, 200)}`);
        assert.match(r.headers['www-authenticate'] || '', /^Bearer\b/, `${name}: WWW-Authenticate`);
        if (tok.split('.').length === 3 && name !== 'garbage') assert.match(r.headers['www-authenticate'], /error="invalid_token"/, name);
        assert.ok(!r.body.includes('"sub"'), `${name}: UserInfo answered claims`);
      }
    });

    test('management API: every forgery of the admin token → 401', async () => {
      for (const [name, tok] of Object.entries(forgeries(t.adminToken))) {
        const r = await t.graph('GET', '/users', undefined, { bearer: tok });
        assert.equal(r.status, 401, `${name}: ${r.status} ${r.body.slice(0, 200)}`);
        assert.ok(r.headers['www-authenticate'], `${name}: WWW-Authenticate`);
      }
      assert.equal((await t.graph('GET', '/users')).status, 200, 'the genuine token works');
    });

    test("a user's access token is not a management token; an ID token is not an access token", async () => {
      const asAdmin = await t.graph('GET', '/users', undefined, { bearer: userAt });
      assert.ok([401, 403].includes(asAdmin.status), `user token at /v1.0/users: ${asAdmin.status}`);
      const r = await t.userinfo(idToken);
      assert.equal(r.status, 401, `ID token at UserInfo: ${r.status} ${r.body.slice(0, 200)}`);
      assert.match(r.headers['www-authenticate'] || '', /invalid_token/);
      assert.equal((await t.graph('GET', '/users', undefined, { bearer: idToken })).status, 401, 'ID token at the management API');
      // an app-only token has no user: UserInfo refuses it
      const app = await t.userinfo(t.adminToken);
      assert.ok([401, 403].includes(app.status), `app token at UserInfo: ${app.status}`);
    });

    test("tenant A's token at tenant B's UserInfo → 401", async () => {
      const r = await p.run(['tenant', 'create', '--tenant-name', 'Tenant B', '--subdomain', `b${p.subdomain}`, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const tb = JSON.parse(r.stdout);
      const atB = await request(`${p.url}/${tb.tenantId}/openid/v2.0/userinfo`, { ca: cert.ca, headers: { authorization: `Bearer ${userAt}` } });
      assert.equal(atB.status, 401, `tenant A token at tenant B: ${atB.status} ${atB.body.slice(0, 200)}`);
      const viaSub = await request(`${p.url}/${tb.subdomain || `b${p.subdomain}`}/openid/v2.0/userinfo`, { ca: cert.ca, headers: { authorization: `Bearer ${userAt}` } });
      assert.ok([401, 404].includes(viaSub.status), `via the subdomain alias: ${viaSub.status}`);
      // tenant B's admin token cannot see tenant A's user
      const fb = await tenantFixture(p, tb);
      const peek = await fb.graph('GET', `/users/${alice.id}`);
      assert.equal(peek.status, 404, peek.body);
      // no token in the query string
      const q = await request(`${t.userinfoUrl}?access_token=${encodeURIComponent(userAt)}`, { ca: cert.ca });
      assert.equal(q.status, 401, 'access_token in the query string');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('hosted pages: CSRF, lockout, enumeration', () => {
    const signinStep = (b) => b.fetch(`${p.url}/${p.tenantId}/signin`);

    test('email page: a POST without or with a wrong csrf → error, no progress', async () => {
      const b = browser();
      const start = await b.authorize(t.authorize(params(web).q), { stopAt: 'email' });
      assert.equal(start.kind, 'page');
      const pg = start.page;
      const journey = b.jar.get(`__Host-porch-j-${p.tenantId}`);
      assert.ok(journey, 'journey cookie');
      assert.equal(journey.secure, true);
      assert.equal(journey.httpOnly, true);
      assert.equal(journey.path, '/');
      assert.equal((journey.sameSite || '').toLowerCase(), 'lax');
      for (const [what, fields, drop] of [
        ['no csrf', { email: alice.email }, ['csrf']],
        ['wrong csrf', { email: alice.email, csrf: 'A'.repeat(pg.form.fields.csrf.length || 43) }, []],
        ['empty csrf', { email: alice.email, csrf: '' }, []],
      ]) {
        const r = await b.submit(pg, fields, { drop });
        assert.ok([400, 403].includes(r.status), `${what}: ${r.status}`);
        assert.equal(r.headers.location, undefined);
        assert.ok(!/name="password"/.test(r.body), `${what}: reached the password page`);
      }
      // no journey cookie at all, with the right csrf
      const naked = await b.fetch(new URL(pg.form.action, pg.url).toString(), { method: 'POST', form: { ...pg.form.fields, email: alice.email }, cookies: false });
      assert.ok([400, 403].includes(naked.status), `no journey cookie: ${naked.status}`);
      assert.ok(!/name="password"/.test(naked.body));
      // the forged posts made no progress: the genuine form still works (or the journey is void)
      const ok = b.page(await b.submit(pg, { email: alice.email }));
      assert.ok(ok.kind === 'password' || (ok.status >= 400 && ok.status < 500), `genuine post after forged ones: ${ok.status} ${ok.kind}`);
    });

    test('password page: wrong csrf with the right password → error, no session; csrf of another journey neither', async () => {
      const b = browser();
      const start = await b.authorize(t.authorize(params(web).q), { email: alice.email, stopAt: 'password' });
      const pg = start.page;
      const other = browser();
      const otherStart = await other.authorize(t.authorize(params(web).q), { email: alice.email, stopAt: 'password' });
      for (const [what, fields, drop] of [
        ['no csrf', { password: alice.password }, ['csrf']],
        ["another journey's csrf", { password: alice.password, csrf: otherStart.page.form.fields.csrf }, []],
      ]) {
        const r = await b.submit(pg, fields, { drop });
        assert.ok([400, 403].includes(r.status), `${what}: ${r.status} ${r.body.slice(0, 200)}`);
        assert.ok(!/name="kmsi"/.test(r.body), `${what}: reached the KMSI page`);
        assert.equal(b.jar.get(`__Host-porch-s-${p.tenantId}`), undefined, `${what}: SSO cookie set`);
      }
      // skipping steps: the KMSI post before the password
      const kmsi = await b.fetch(`${p.url}/${p.tenantId}/signin/kmsi`, { method: 'POST', form: { csrf: pg.form.fields.csrf, kmsi: 'yes' } });
      assert.ok(kmsi.status >= 400 && kmsi.status < 500, `KMSI before the password: ${kmsi.status} → ${kmsi.headers.location}`);
      assert.equal(b.jar.get(`__Host-porch-s-${p.tenantId}`), undefined);
      const end = await b.authorize(t.authorize(params(web, { prompt: 'none' }).q));
      assert.equal(end.params.error, 'login_required');
    });

    test('GET /{tenant}/signin re-renders the current step (contract)', async () => {
      const b = browser();
      const start = await b.authorize(t.authorize(params(web).q), { stopAt: 'email' });
      const atEmail = b.page(await signinStep(b));
      assert.equal(atEmail.status, 200, `GET /signin at the email step: ${atEmail.status} ${atEmail.body.slice(0, 120)}`);
      assert.equal(atEmail.kind, 'email');
      const pw = b.page(await b.submit(start.page, { email: alice.email }));
      assert.equal(pw.kind, 'password');
      const atPassword = b.page(await signinStep(b));
      assert.equal(atPassword.kind, 'password', `GET /signin at the password step: ${atPassword.status} ${atPassword.kind}`);
      // without a journey: an error page, not a crash or a redirect
      const none = await browser().fetch(`${p.url}/${p.tenantId}/signin`);
      assert.ok(none.status >= 400 && none.status < 500 && !none.headers.location, `no journey: ${none.status}`);
    });

    test('every hosted page carries the security headers; cookies are __Host-, Secure, HttpOnly, Lax', async () => {
      const b = browser();
      const start = await b.authorize(t.authorize(params(web).q), { stopAt: 'email' });
      const pw = b.page(await b.submit(start.page, { email: alice.email }));
      const wrong = b.page(await b.submit(pw, { password: 'not the password at all 1' }));
      const kmsi = b.page(await b.submit(wrong, { password: alice.password }));
      assert.equal(kmsi.kind, 'kmsi');
      const err = await b.fetch(t.authorize(params(web, { redirect_uri: 'https://evil.example.net/' }).q));
      const pages = [['email', start.page], ['password', pw], ['wrong password', wrong], ['kmsi', kmsi], ['error', b.page(err)]];
      for (const [what, pg] of pages) {
        const h = pg.headers;
        assert.deepEqual(securityHeaderProblems(h), [], what);
        const csp = h['content-security-policy'] || '';
        for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), `${what}: CSP lacks ${d}: ${csp}`);
        assert.ok(!/https?:\/\/(?!127\.0\.0\.1)[^\s;]*/.test(csp.replace(/form-action[^;]*/, '')), `${what}: third-party source in the CSP: ${csp}`);
        assert.equal(h['cache-control'], 'no-store', `${what}: Cache-Control`);
        assert.match(h['strict-transport-security'] || '', /max-age=\d+/, `${what}: HSTS over TLS`);
        assert.match(h['content-type'], /^text\/html; charset=utf-8/i, what);
        assert.ok(!/<(script|link|img|iframe)[^>]+(src|href)="https?:/i.test(pg.body), `${what}: a third-party resource`);
      }
      for (const c of b.jar.all()) {
        assert.ok(c.name.startsWith('__Host-'), `cookie ${c.name}`);
        assert.ok(c.secure && c.httpOnly && c.path === '/' && c.domain === null, `cookie ${c.raw}`);
        assert.equal((c.sameSite || '').toLowerCase(), 'lax', c.raw);
      }
      assert.deepEqual(b.jar.rejected, []);
    });

    test('a new session id at every sign-in (prompt=login), and the old one is dead', async () => {
      const b = browser();
      const first = await b.authorize(t.authorize(params(web).q), { email: alice.email, password: alice.password });
      assert.equal(first.kind, 'redirect');
      const s1 = b.jar.get(`__Host-porch-s-${p.tenantId}`).value;
      const again = await b.authorize(t.authorize(params(web, { prompt: 'login' }).q), { email: alice.email, password: alice.password });
      assert.equal(again.kind, 'redirect');
      assert.ok(again.pages.length >= 2);
      const s2 = b.jar.get(`__Host-porch-s-${p.tenantId}`).value;
      assert.notEqual(s2, s1, 'the session id was reused across sign-ins');
      // a browser that still holds the old id has no session (no fixation)
      const old = browser();
      old.jar.cookies = b.jar.clone().cookies;
      for (const c of old.jar.all()) if (c.name === `__Host-porch-s-${p.tenantId}`) c.value = s1;
      const none = await old.authorize(t.authorize(params(web, { prompt: 'none' }).q));
      assert.equal(none.params.error, 'login_required', `the replaced session id still works: ${none.params.error ?? 'a code'}`);
    });

    test('per-IP throttling: failures from one address across accounts → 429 with Retry-After; others unaffected', async () => {
      const ip = clientIp();
      const b = new Browser({ ca: cert.ca, headers: { 'x-forwarded-for': ip } });
      let got429 = null;
      let tries = 0;
      // known accounts, 9 failures each (one short of the account lockout), so the address is
      // what trips (unknown identifiers are covered by the enumeration test)
      const victims = [];
      for (let i = 0; i < 7; i++) victims.push(await t.createUser());
      for (let acct = 0; acct < victims.length && !got429; acct++) {
        const start = await b.authorize(t.authorize(params(web).q), { email: victims[acct].email, stopAt: 'password' });
        if (start.status === 429) {
          got429 = start.response;
          break;
        }
        assert.equal(start.kind, 'page', `journey ${acct}: ${start.kind} ${start.status}`);
        let pg = start.page;
        for (let i = 0; i < 9; i++) {
          tries += 1;
          const r = await b.submit(pg, { password: `wrong password ${acct}-${i} long` });
          if (r.status === 429) {
            got429 = r;
            break;
          }
          assert.equal(r.status, 200, `try ${tries}: ${r.status}`);
          pg = b.page(r);
        }
      }
      assert.ok(got429, `no 429 after ${tries} failed sign-ins from one address`);
      assert.ok(tries >= 10, `throttled after only ${tries} failures`);
      assert.match(got429.headers['retry-after'] || '', /^\d+$/, 'Retry-After in seconds');
      assert.ok(Number(got429.headers['retry-after']) > 0);
      assert.match(got429.headers['content-type'] || '', /text\/html/);
      // the right password from that address is throttled too; another address signs in
      const locked = await new Browser({ ca: cert.ca, headers: { 'x-forwarded-for': ip } }).authorize(t.authorize(params(web).q), { email: alice.email, password: alice.password });
      assert.notEqual(locked.kind, 'redirect', 'a throttled address signed in');
      const other = await browser().authorize(t.authorize(params(web).q), { email: alice.email, password: alice.password });
      assert.equal(other.kind, 'redirect');
    });

    test('KMSI page: a forged post does not sign in', async () => {
      const b = browser();
      const start = await b.authorize(t.authorize(params(web).q), { email: alice.email, password: alice.password, stopAt: 'kmsi' });
      assert.equal(start.page.kind, 'kmsi');
      const r = await b.submit(start.page, { kmsi: 'yes' }, { drop: ['csrf'] });
      assert.ok([400, 403].includes(r.status), `kmsi without csrf: ${r.status} → ${r.headers.location}`);
      assert.equal(b.jar.get(`__Host-porch-s-${p.tenantId}`), undefined);
      const done = await b.submit(start.page, { kmsi: 'yes' });
      assert.ok([302, 303].includes(done.status), `after a credential POST: ${done.status} (never 307/308)`);
      const sso = b.jar.get(`__Host-porch-s-${p.tenantId}`);
      assert.ok(sso);
      assert.notEqual(sso.value, b.jar.get(`__Host-porch-j-${p.tenantId}`)?.value, 'the session id is not the journey id');
    });

    /** Normalises a page for comparison: the csrf value and the email shown differ legitimately. */
    function normalise(html, email) {
      return html
        .replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value=""')
        .split(email)
        .join('EMAIL')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'GUID');
    }

    async function wrongPasswordPage(b, email, password) {
      const start = await b.authorize(t.authorize(params(web).q), { email, stopAt: 'password' });
      assert.equal(start.kind, 'page', `${email}: ${start.kind} ${start.status}`);
      const r = await b.submit(start.page, { password });
      return { start: start.page, r, page: b.page(r) };
    }

    test('unknown user and wrong password get identical pages', async () => {
      const known = await wrongPasswordPage(browser(), alice.email, 'wrong password but long enough 1');
      const unknownEmail = `nobody-${randomState(4)}@example.com`;
      const unknown = await wrongPasswordPage(browser(), unknownEmail, 'wrong password but long enough 1');
      assert.equal(known.start.status, unknown.start.status);
      assert.equal(normalise(known.start.body, alice.email), normalise(unknown.start.body, unknownEmail), 'the password pages differ');
      assert.equal(known.r.status, 200);
      assert.equal(known.r.status, unknown.r.status);
      assert.equal(known.page.error, WRONG_PASSWORD_TEXT);
      assert.equal(normalise(known.r.body, alice.email), normalise(unknown.r.body, unknownEmail), 'the error pages differ');
      // a disabled-looking or malformed identifier answers the same way too
      const odd = await wrongPasswordPage(browser(), 'not-an-email', 'wrong password but long enough 1');
      if (odd.page.kind === 'password') assert.equal(odd.page.error, WRONG_PASSWORD_TEXT);
    });

    test('lockout: after 10 wrong passwords the right one gets the same answer as a wrong one', async () => {
      const victim = await t.createUser();
      const b = new Browser({ ca: cert.ca, headers: { 'x-forwarded-for': clientIp() } });
      const start = await b.authorize(t.authorize(params(web).q), { email: victim.email, stopAt: 'password' });
      let pg = start.page;
      for (let i = 0; i < 10; i++) {
        // a new address every few tries so per-IP throttling is not what answers
        b.headers['x-forwarded-for'] = clientIp();
        const r = await b.submit(pg, { password: `wrong password number ${i} xx` });
        assert.equal(r.status, 200, `try ${i + 1}: ${r.status}`);
        pg = b.page(r);
        assert.equal(pg.kind, 'password');
        assert.equal(pg.error, WRONG_PASSWORD_TEXT);
      }
      b.headers['x-forwarded-for'] = clientIp();
      const wrong = await b.submit(pg, { password: 'yet another wrong password' });
      const wrongPage = b.page(wrong);
      b.headers['x-forwarded-for'] = clientIp();
      const right = await b.submit(wrongPage, { password: victim.password });
      const rightPage = b.page(right);
      assert.equal(right.status, wrong.status, `right password while locked: ${right.status} vs ${wrong.status}`);
      assert.equal(rightPage.kind, 'password', `right password while locked reached ${rightPage.kind}`);
      assert.equal(rightPage.error, wrongPage.error);
      assert.equal(normalise(right.body, victim.email), normalise(wrong.body, victim.email), 'locked: right and wrong password pages differ');
      assert.equal(b.jar.get(`__Host-porch-s-${p.tenantId}`), undefined);
      // a fresh journey from another address is locked as well (the counter is per account)
      const b2 = browser();
      const fresh = await wrongPasswordPage(b2, victim.email, victim.password);
      assert.equal(fresh.page.kind, 'password', 'the lock holds for a new journey');
      assert.equal(fresh.page.error, WRONG_PASSWORD_TEXT);
      // other accounts are unaffected
      const other = await browser().authorize(t.authorize(params(web).q), { email: alice.email, password: alice.password });
      assert.equal(other.kind, 'redirect');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('disabling a user and revoking sessions', () => {
    async function signedIn(user) {
      const b = browser();
      const { pk, q } = params(web);
      const res = await b.authorize(t.authorize(q), { email: user.email, password: user.password });
      assert.equal(res.kind, 'redirect');
      const tk = await t.redeem(web, res.params.code, { verifier: pk.verifier });
      assert.equal(tk.status, 200, tk.body);
      return { b, tokens: tk.json() };
    }

    async function assertDead(b, tokens, what) {
      const none = await b.authorize(t.authorize(params(web, { prompt: 'none' }).q));
      assert.equal(none.kind, 'redirect', what);
      assert.equal(none.params.error, 'login_required', `${what}: prompt=none gave ${none.params.error ?? 'a code'}`);
      assertTokenError(await t.refresh(web, tokens.refresh_token), 400, 'invalid_grant', `${what}: refresh`);
    }

    test('PATCH accountEnabled false kills the SSO session and the refresh token; sign-in is refused', async () => {
      const u = await t.createUser();
      const { b, tokens } = await signedIn(u);
      await t.graphOk('PATCH', `/users/${u.id}`, { accountEnabled: false }, 204);
      await assertDead(b, tokens, 'disabled');
      const again = await browser().authorize(t.authorize(params(web).q), { email: u.email, password: u.password });
      assert.equal(again.kind, 'page');
      assert.equal(again.page.kind, 'password');
      assert.equal(again.page.error, WRONG_PASSWORD_TEXT, 'a disabled account answers like a wrong password');
      const ui = await t.userinfo(tokens.access_token);
      assert.ok([200, 401].includes(ui.status));
      await t.graphOk('PATCH', `/users/${u.id}`, { accountEnabled: true }, 204);
      const back = await browser().authorize(t.authorize(params(web).q), { email: u.email, password: u.password });
      assert.equal(back.kind, 'redirect', 're-enabled user signs in');
    });

    test('revokeSignInSessions kills the SSO session and the refresh token; a new sign-in works', async () => {
      const u = await t.createUser();
      const { b, tokens } = await signedIn(u);
      const other = await signedIn(alice);
      await sleep(1100); // signInSessionsValidFromDateTime has second precision
      const r = await t.graphOk('POST', `/users/${u.id}/revokeSignInSessions`, {}, 200);
      assert.equal(r.value, true);
      await assertDead(b, tokens, 'revoked');
      // another user's session is untouched
      const none = await other.b.authorize(t.authorize(params(web, { prompt: 'none' }).q));
      assert.ok(none.params.code, `other user: ${none.params.error}`);
      assert.equal((await t.refresh(web, other.tokens.refresh_token)).status, 200);
      const fresh = await signedIn(u);
      assert.ok(fresh.tokens.refresh_token);
    });
  });
});
