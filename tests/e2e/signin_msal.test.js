// SPDX-License-Identifier: Apache-2.0
// @azure/msal-node signs a customer in against porch over https (entra-compat.md §6):
// ConfidentialClientApplication getAuthCodeUrl → hosted pages (lib/signin.js) → acquireTokenByCode
// (ID token claims, nonce, client_info → homeAccountId <oid>.<tid>), acquireTokenSilent with
// forceRefresh (the refresh-token grant), acquireTokenByClientCredential, and a
// PublicClientApplication with PKCE on a loopback redirect URI whose port varies. The account is
// the same across every flow.
//
// MSAL runs in this process with a custom networkClient (system.networkClient) that trusts the
// test CA; one test runs MSAL's own fetch-based HttpClient in a child process with
// NODE_EXTRA_CA_CERTS, as msal.test.js does, since that variable only counts at start-up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfidentialClientApplication, CryptoProvider, LogLevel, PublicClientApplication } from '@azure/msal-node';
import { exec, freePort, request, selfSignedCert, startPorch } from './lib/porch.js';
import { GRAPH_APP_ID, claims, randomState, tenantFixture } from './lib/signin.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCOPES = ['User.Read'];

/** An MSAL INetworkModule over lib/porch.js request() with the test CA; it records every call. */
function networkClient(ca, calls) {
  const send = async (url, method, options = {}) => {
    calls.push({ method, url, body: options.body });
    const r = await request(url, { method, headers: options.headers || {}, body: method === 'POST' ? options.body || '' : undefined, ca, timeoutMs: 30000 });
    let body;
    try {
      body = JSON.parse(r.body);
    } catch {
      throw new Error(`non-JSON answer ${r.status} to ${method} ${url}: ${r.body.slice(0, 200)}`);
    }
    const headers = {};
    for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    return { headers, body, status: r.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}

describe('MSAL sign-in against porch', () => {
  let cert;
  let p;
  let host;
  let t;
  let alice;
  let web;
  let pub;
  let authority;
  let calls;
  let log;
  let cca;
  let browser;
  let first; // the first AuthenticationResult

  const system = () => ({
    networkClient: networkClient(cert.ca, calls),
    loggerOptions: { logLevel: LogLevel.Verbose, piiLoggingEnabled: false, loggerCallback: (_l, m) => log.push(m) },
  });

  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    p = await startPorch({ port, tls: cert, publicUrl: `https://${host}` });
    t = await tenantFixture(p);
    alice = await t.createUser({ displayName: 'Alice MSAL', givenName: 'Alice', surname: 'Msal' });
    web = await t.createWebApp({ redirectUris: ['https://msal-web.example.com/auth/callback'] });
    pub = await t.createPublicApp({ redirectUris: ['http://localhost/msal-callback'] });
    await t.grant(web.appId, GRAPH_APP_ID, 'User.Read');
    await t.grant(pub.appId, GRAPH_APP_ID, 'User.Read');
    authority = `https://${host}/${p.tenantId}/`;
    calls = [];
    log = [];
    cca = new ConfidentialClientApplication({
      auth: { clientId: web.appId, authority, clientSecret: web.secret, knownAuthorities: [host] },
      system: system(),
    });
    browser = t.browser();
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  const msalLog = () => `\n--- MSAL log (tail) ---\n${log.slice(-12).join('\n')}`;

  test('ConfidentialClientApplication: getAuthCodeUrl → hosted pages → acquireTokenByCode', async () => {
    const state = randomState();
    const nonce = randomState();
    const redirectUri = web.redirectUris[0];
    const url = new URL(await cca.getAuthCodeUrl({ scopes: SCOPES, redirectUri, state, nonce }));
    assert.equal(`${url.origin}${url.pathname}`, t.authorizeUrl);
    assert.equal(url.searchParams.get('client_info'), '1');
    const sent = url.searchParams.get('scope').split(' ');
    for (const s of ['User.Read', 'openid', 'profile', 'offline_access']) assert.ok(sent.includes(s), `MSAL asked for ${s}`);

    const res = await browser.authorize(url.href, { email: alice.email, password: alice.password, kmsi: 'yes' });
    assert.equal(res.kind, 'redirect', `${res.kind} ${res.status} ${res.body?.slice(0, 400)}`);
    assert.equal(res.params.error, undefined, `${res.params.error}: ${res.params.error_description}`);
    assert.equal(res.params.state, state);
    assert.equal(res.params.iss, t.issuer);
    assert.deepEqual(res.pages.map((pg) => pg.kind), ['email', 'password', 'kmsi']);

    const before = calls.length;
    let r;
    try {
      r = await cca.acquireTokenByCode({ code: res.params.code, scopes: SCOPES, redirectUri, state, nonce }, { ...res.params });
    } catch (e) {
      assert.fail(`acquireTokenByCode: ${e.errorCode}: ${e.message}${msalLog()}`);
    }
    const tokenCall = calls.slice(before).find((c) => c.method === 'POST');
    assert.ok(tokenCall.url.startsWith(`${t.tokenUrl}?`), tokenCall.url);
    assert.equal(new URLSearchParams(tokenCall.body).get('client_info'), '1');

    const c = r.idTokenClaims;
    assert.equal(c.iss, t.issuer);
    assert.equal(c.aud, web.appId);
    assert.equal(c.oid, alice.id);
    assert.equal(c.tid, p.tenantId);
    assert.equal(c.nonce, nonce);
    assert.equal(c.preferred_username, alice.email);
    assert.equal(c.name, 'Alice MSAL');
    assert.equal(r.account.homeAccountId, `${alice.id}.${p.tenantId}`, 'homeAccountId from client_info');
    assert.equal(r.account.localAccountId, alice.id);
    assert.equal(r.account.tenantId, p.tenantId);
    assert.equal(r.account.username, alice.email);
    assert.equal(r.account.environment, host);
    assert.equal(r.tokenType, 'Bearer');
    assert.ok(r.scopes.map((s) => s.toLowerCase()).includes('user.read'), `scopes ${r.scopes}`);
    const at = claims(r.accessToken);
    assert.equal(at.aud, GRAPH_APP_ID);
    assert.equal(at.azp, web.appId);
    assert.equal(at.oid, alice.id);
    assert.ok(at.scp.split(' ').includes('User.Read'), `scp ${at.scp}`);
    assert.ok(r.expiresOn > new Date());
    first = r;
    // client_info decodes to the user and the tenant
    const tokenResponseCache = cca.getTokenCache().serialize();
    assert.ok(tokenResponseCache.includes(`${alice.id}.${p.tenantId}`));
  });

  test('MSAL refuses a nonce that was not the one sent (the server echoes nonce exactly)', async () => {
    const state = randomState();
    const nonce = randomState();
    const redirectUri = web.redirectUris[0];
    const url = await cca.getAuthCodeUrl({ scopes: SCOPES, redirectUri, state, nonce });
    const res = await browser.authorize(url);
    assert.equal(res.kind, 'redirect');
    assert.equal(res.pages.length, 0, 'SSO: no page the second time');
    await assert.rejects(
      cca.acquireTokenByCode({ code: res.params.code, scopes: SCOPES, redirectUri, state, nonce: 'not-the-nonce' }, { ...res.params }),
      (e) => /nonce/i.test(`${e.errorCode} ${e.message}`),
    );
  });

  test('acquireTokenSilent with forceRefresh redeems the refresh token; same account', async () => {
    const accounts = await cca.getTokenCache().getAllAccounts();
    assert.equal(accounts.length, 1, 'one account in the cache');
    const cached = await cca.acquireTokenSilent({ account: accounts[0], scopes: SCOPES });
    assert.equal(cached.fromCache, true);
    assert.equal(cached.accessToken, first.accessToken);
    const before = calls.length;
    let r;
    try {
      r = await cca.acquireTokenSilent({ account: accounts[0], scopes: SCOPES, forceRefresh: true });
    } catch (e) {
      assert.fail(`acquireTokenSilent: ${e.errorCode}: ${e.message}${msalLog()}`);
    }
    const posts = calls.slice(before).filter((c) => c.method === 'POST');
    assert.equal(posts.length, 1);
    assert.equal(new URLSearchParams(posts[0].body).get('grant_type'), 'refresh_token');
    assert.equal(r.fromCache, false);
    assert.notEqual(r.accessToken, first.accessToken);
    assert.notEqual(claims(r.accessToken).uti, claims(first.accessToken).uti);
    assert.equal(r.account.homeAccountId, first.account.homeAccountId);
    assert.equal(r.idTokenClaims.oid, alice.id);
    assert.equal(r.idTokenClaims.sub, first.idTokenClaims.sub);
    // a second forced refresh uses the rotated refresh token and still works
    const r2 = await cca.acquireTokenSilent({ account: accounts[0], scopes: SCOPES, forceRefresh: true });
    assert.equal(r2.account.homeAccountId, first.account.homeAccountId);
    assert.equal((await cca.getTokenCache().getAllAccounts()).length, 1);
  });

  test('acquireTokenByClientCredential: an app token for the same web app', async () => {
    let r;
    try {
      r = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    } catch (e) {
      assert.fail(`acquireTokenByClientCredential: ${e.errorCode}: ${e.message}${msalLog()}`);
    }
    const c = claims(r.accessToken);
    assert.equal(c.aud, GRAPH_APP_ID);
    assert.equal(c.azp, web.appId);
    assert.equal(c.idtyp, 'app');
    assert.equal(c.tid, p.tenantId);
    assert.equal(c.scp, undefined);
    assert.equal(r.account, null);
  });

  test('PublicClientApplication with PKCE on a loopback redirect URI (any port): same account', async () => {
    const pca = new PublicClientApplication({ auth: { clientId: pub.appId, authority, knownAuthorities: [host] }, system: system() });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const port = await freePort();
    const redirectUri = `http://localhost:${port}/msal-callback`;
    const state = randomState();
    const nonce = randomState();
    const url = new URL(await pca.getAuthCodeUrl({ scopes: SCOPES, redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', state, nonce }));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const b = t.browser();
    const res = await b.authorize(url.href, { email: alice.email, password: alice.password, kmsi: 'no' });
    assert.equal(res.kind, 'redirect', `${res.kind} ${res.status} ${res.body?.slice(0, 400)}`);
    assert.equal(res.params.error, undefined, `${res.params.error}: ${res.params.error_description}`);
    assert.ok(res.location.startsWith(`${redirectUri}?`), res.location);
    // without the verifier the code is refused
    await assert.rejects(
      pca.acquireTokenByCode({ code: res.params.code, scopes: SCOPES, redirectUri, state, nonce }, { ...res.params }),
      (e) => e.errorCode === 'invalid_grant' || /invalid_grant/.test(e.message),
    );
    // a fresh code (SSO: no page), redeemed with the verifier
    const again = await b.authorize(url.href);
    assert.equal(again.kind, 'redirect');
    assert.equal(again.pages.length, 0);
    let r;
    try {
      r = await pca.acquireTokenByCode({ code: again.params.code, scopes: SCOPES, redirectUri, codeVerifier: verifier, state, nonce }, { ...again.params });
    } catch (e) {
      assert.fail(`acquireTokenByCode (PKCE): ${e.errorCode}: ${e.message}${msalLog()}`);
    }
    assert.equal(r.idTokenClaims.aud, pub.appId);
    assert.equal(r.idTokenClaims.nonce, nonce);
    assert.equal(r.account.homeAccountId, first.account.homeAccountId, 'the same account as through the web app');
    assert.equal(claims(r.accessToken).azpacr, '0', 'public client');
    const silent = await pca.acquireTokenSilent({ account: r.account, scopes: SCOPES, forceRefresh: true });
    assert.equal(silent.account.homeAccountId, first.account.homeAccountId);
    // kmsi=no: the SSO cookie is a browser-session cookie
    const sso = b.jar.all().find((c) => c.name === `__Host-porch-s-${p.tenantId}`);
    assert.ok(sso, 'SSO cookie set');
    assert.equal(sso.persistent, false, 'kmsi=no → no Max-Age/Expires');
  });

  test("SSO from the web app's sign-in answers the public client at once, same account", async () => {
    const pca = new PublicClientApplication({ auth: { clientId: pub.appId, authority, knownAuthorities: [host] }, system: system() });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = 'http://localhost:8400/msal-callback';
    const url = await pca.getAuthCodeUrl({ scopes: SCOPES, redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', prompt: 'none' });
    const res = await browser.authorize(url);
    assert.equal(res.kind, 'redirect');
    assert.equal(res.params.error, undefined, `${res.params.error}: ${res.params.error_description}`);
    const r = await pca.acquireTokenByCode({ code: res.params.code, scopes: SCOPES, redirectUri, codeVerifier: verifier }, { ...res.params });
    assert.equal(r.account.homeAccountId, first.account.homeAccountId);
    const sso = browser.jar.all().find((c) => c.name === `__Host-porch-s-${p.tenantId}`);
    assert.equal(sso.persistent, true, 'kmsi=yes → a persistent SSO cookie');
    assert.equal(sso.httpOnly, true);
    assert.equal(sso.secure, true);
    assert.equal((sso.sameSite || '').toLowerCase(), 'lax');
  });

  test("MSAL's own HttpClient (fetch + NODE_EXTRA_CA_CERTS, in a child process) completes the code flow", async () => {
    const script = `
      import { ConfidentialClientApplication } from '@azure/msal-node';
      import { Browser } from ${JSON.stringify(pathToFileURL(path.join(HERE, 'lib/signin.js')).href)};
      const a = JSON.parse(process.env.PROBE_ARGS);
      try {
        const cca = new ConfidentialClientApplication({ auth: { clientId: a.clientId, authority: a.authority, clientSecret: a.secret, knownAuthorities: [a.host] } });
        const url = await cca.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri: a.redirectUri, state: 'child-state', nonce: 'child-nonce' });
        const res = await new Browser().authorize(url, { email: a.email, password: a.password });
        if (res.kind !== 'redirect' || !res.params.code) throw new Error('sign-in: ' + res.kind + ' ' + res.status + ' ' + JSON.stringify(res.params || {}));
        const r = await cca.acquireTokenByCode({ code: res.params.code, scopes: ['User.Read'], redirectUri: a.redirectUri, state: 'child-state', nonce: 'child-nonce' }, { ...res.params });
        console.log(JSON.stringify({ ok: true, homeAccountId: r.account.homeAccountId, aud: r.idTokenClaims.aud }));
      } catch (e) {
        console.log(JSON.stringify({ ok: false, error: String(e && (e.errorCode || e.name)), message: String(e && e.message) }));
      }
    `;
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], {
      cwd: HERE,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: cert.cert,
        PROBE_ARGS: JSON.stringify({
          clientId: web.appId, authority, secret: web.secret, host, redirectUri: web.redirectUris[0], email: alice.email, password: alice.password,
        }),
      },
      timeoutMs: 60000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.ok(out.ok, `MSAL (child): ${out.error}: ${out.message}`);
    assert.equal(out.homeAccountId, `${alice.id}.${p.tenantId}`);
    assert.equal(out.aud, web.appId);
  });
});
