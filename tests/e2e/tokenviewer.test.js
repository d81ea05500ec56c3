// SPDX-License-Identifier: Apache-2.0
// The built-in "Porch token viewer" without a browser: what `porch init --json` and
// `porch tenant create --demo-user` report, the application as the management API shows it,
// GET /{tenant}/tokenviewer starting a PKCE sign-in with its state in a __Host- cookie, the
// callback redeeming the code and showing the decoded tokens, and the refusals (state that does
// not match, a replayed callback, an error from authorize, an unknown tenant, an address that is
// not registered). signin_browser.test.js runs the same page in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GUID_RE, startPorch } from './lib/porch.js';
import { Browser, htmlDecode, tenantFixture } from './lib/signin.js';

const VIEWER_APP_ID = 'd5cd3ad1-0c08-4c4f-bd05-aac892be821b';
const COOKIE = '__Host-porch-tv';

/** The visible text of an HTML page, entities decoded. */
function text(html) {
  return htmlDecode(html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

describe('the token viewer', () => {
  let p;
  let t;
  let viewer;
  let alice;

  before(async () => {
    p = await startPorch();
    t = await tenantFixture(p);
    viewer = `${p.url}/${p.tenantId}/tokenviewer`;
    alice = await t.createUser({ displayName: 'Alice Viewer' });
  });
  after(async () => {
    await p?.stop();
  });

  test('porch init --json names the viewer and its page', () => {
    assert.equal(p.init.tokenViewerAppId, VIEWER_APP_ID);
    assert.equal(p.init.tokenViewerUrl, viewer);
    assert.ok(p.init.clientId && p.init.clientSecret, 'the bootstrap client is still there');
    assert.equal(p.init.demoUserEmail, undefined, 'no demo user without --demo-user');
  });

  test('the viewer is an ordinary application in the management API', async () => {
    const list = await t.graphOk('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${VIEWER_APP_ID}'`)}`);
    assert.equal(list.value.length, 1);
    const app = list.value[0];
    assert.equal(app.displayName, 'Porch token viewer');
    assert.equal(app.signInAudience, 'AzureADMyOrg');
    assert.deepEqual(app.spa.redirectUris, [viewer, `http://localhost:${p.port}/${p.tenantId}/tokenviewer`]);
    assert.deepEqual(app.web.redirectUris, []);
    assert.deepEqual(app.passwordCredentials, []);
    const sps = await t.graphOk('GET', `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${VIEWER_APP_ID}'`)}`);
    assert.equal(sps.value.length, 1);
    // an admin can register the page under another host
    const more = [...app.spa.redirectUris, 'https://id.example.com/' + p.tenantId + '/tokenviewer'];
    await t.graphOk('PATCH', `/applications/${app.id}`, { spa: { redirectUris: more } }, 204);
    const again = await t.graphOk('GET', `/applications/${app.id}`);
    assert.deepEqual(again.spa.redirectUris, more);
  });

  test('GET starts a PKCE sign-in with state in a __Host- cookie', async () => {
    const b = new Browser();
    const r = await b.fetch(viewer);
    assert.equal(r.status, 302);
    assert.equal(r.headers['cache-control'], 'no-store');
    const loc = new URL(r.headers.location);
    assert.equal(loc.origin + loc.pathname, `${p.url}/${p.tenantId}/oauth2/v2.0/authorize`);
    const q = Object.fromEntries(loc.searchParams);
    assert.equal(q.client_id, VIEWER_APP_ID);
    assert.equal(q.response_type, 'code');
    assert.equal(q.redirect_uri, viewer);
    assert.equal(q.scope, 'openid profile email offline_access');
    assert.equal(q.code_challenge_method, 'S256');
    assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.state, /^[A-Za-z0-9_-]{22}$/);
    assert.ok(q.nonce);
    assert.equal(q.client_info, '1');
    const c = b.jar.get(COOKIE);
    assert.ok(c, `cookie set: ${JSON.stringify(b.jar.rejected)}`);
    assert.ok(c.secure && c.httpOnly && c.path === '/' && /^lax$/i.test(c.sameSite) && c.maxAge === 600, c.raw);
    assert.ok(c.value.startsWith(`${q.state}.`), 'the cookie carries the state');
    assert.ok(!r.headers.location.includes(c.value.split('.')[1]), 'the verifier stays in the cookie');
    // the subdomain works too, and the redirect URI still names the tenant by id
    const bySub = await new Browser().fetch(`${p.url}/${p.subdomain}/tokenviewer?prompt=login`);
    assert.equal(bySub.status, 302);
    const q2 = new URL(bySub.headers.location).searchParams;
    assert.equal(q2.get('redirect_uri'), viewer);
    assert.equal(q2.get('prompt'), 'login');
  });

  test('sign in and see the decoded tokens; the callback works once', async () => {
    const b = new Browser();
    const start = await b.fetch(viewer);
    const r = await b.authorize(start.headers.location, { email: alice.email, password: alice.password, kmsi: 'no' });
    assert.equal(r.kind, 'redirect', JSON.stringify(r.page?.body?.slice(0, 300)));
    assert.ok(r.location.startsWith(`${viewer}?code=`), r.location);
    const page = await b.fetch(r.location);
    assert.equal(page.status, 200, page.body.slice(0, 500));
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.ok(!/<script/i.test(page.body));
    const s = text(page.body);
    for (const want of ['ID token', 'Access token', alice.id, alice.email, 'Alice Viewer', t.issuer, VIEWER_APP_ID, '00000003-0000-0000-c000-000000000000', 'Audience', '(UTC)', 'openid profile email offline_access']) {
      assert.ok(s.includes(want), `the page shows ${want}`);
    }
    assert.ok(page.body.includes(`href="${p.url}/${p.tenantId}/oauth2/v2.0/logout"`), 'sign-out link');
    assert.ok(page.body.includes(`href="${viewer}"`), 'sign-in-again link');
    assert.equal(b.jar.get(COOKIE), undefined, 'the state cookie is cleared');
    // the same callback again: no cookie any more, so the state check refuses it
    const replay = await b.fetch(r.location);
    assert.equal(replay.status, 400);
    assert.match(text(replay.body), /not started in this browser/);
  });

  test('a callback whose state does not match the cookie is refused', async () => {
    const b = new Browser();
    const start = await b.fetch(viewer);
    const r = await b.authorize(start.headers.location, { email: alice.email, password: alice.password, kmsi: 'no' });
    const u = new URL(r.location);
    const st = u.searchParams.get('state');
    u.searchParams.set('state', (st[0] === 'x' ? 'y' : 'x') + st.slice(1));
    const bad = await b.fetch(u.toString());
    assert.equal(bad.status, 400);
    assert.match(text(bad.body), /not started in this browser/);
    assert.equal(b.jar.get(COOKIE), undefined, 'the pending sign-in is dropped');
  });

  test('an error from authorize is shown, escaped', async () => {
    const b = new Browser();
    const r = await b.fetch(`${viewer}?error=login_required&error_description=${encodeURIComponent('AADSTS50058: <b>no session</b>')}&state=s`);
    assert.equal(r.status, 400);
    assert.ok(r.body.includes('AADSTS50058: &lt;b&gt;no session&lt;/b&gt;'));
    assert.ok(r.body.includes(`href="${viewer}"`), 'a link to start again');
  });

  test('unknown tenants and unregistered addresses get an error page', async () => {
    const b = new Browser();
    const none = await b.fetch(`${p.url}/00000000-0000-4000-8000-000000000000/tokenviewer`);
    assert.equal(none.status, 404);
    assert.match(none.headers['content-type'], /^text\/html/);
    const other = await b.fetch(viewer, { headers: { host: `porch.example.net:${p.port}` } });
    // the public URL's page is registered, so the sign-in starts there
    assert.equal(other.status, 302);
    assert.equal(new URL(other.headers.location).searchParams.get('redirect_uri'), viewer);
  });
});

describe('porch tenant create --demo-user', () => {
  let p;

  before(async () => {
    p = await startPorch();
  });
  after(async () => {
    await p?.stop();
  });

  test('creates a local account whose password is printed once and signs in to the viewer', async () => {
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Second', '--subdomain', `d${Date.now().toString(36)}`, '--demo-user', 'demo@example.com', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.match(out.demoUserId, GUID_RE);
    assert.equal(out.demoUserEmail, 'demo@example.com');
    assert.match(out.demoUserPassword, /^[A-Za-z2-9]{20}$/);
    assert.ok(!r.stderr.includes(out.demoUserPassword), 'the password is not logged');
    assert.equal(out.tokenViewerAppId, VIEWER_APP_ID);
    const viewer = `${p.url}/${out.tenantId}/tokenviewer`;
    assert.equal(out.tokenViewerUrl, viewer);

    const t = await tenantFixture(p, out);
    const u = await t.graphOk('GET', `/users/${out.demoUserId}?$select=displayName,creationType,identities`);
    assert.equal(u.displayName, 'Demo User');
    assert.equal(u.creationType, 'LocalAccount');
    assert.deepEqual(u.identities.find((i) => i.signInType === 'emailAddress'), {
      signInType: 'emailAddress',
      issuer: out.defaultDomain,
      issuerAssignedId: 'demo@example.com',
    });

    const b = new Browser();
    const start = await b.fetch(viewer);
    const a = await b.authorize(start.headers.location, { email: 'demo@example.com', password: out.demoUserPassword, kmsi: 'no' });
    assert.equal(a.kind, 'redirect');
    const page = await b.fetch(a.location);
    assert.equal(page.status, 200);
    assert.ok(text(page.body).includes('Demo User'));
    assert.ok(text(page.body).includes(out.demoUserId));
  });

  test('a bad email is refused and creates nothing', async () => {
    const sub = `e${Date.now().toString(36)}`;
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Third', '--subdomain', sub, '--demo-user', 'not-an-email', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /demo user/);
    const list = JSON.parse((await p.run(['tenant', 'list', '--json'])).stdout);
    assert.ok(!list.some((x) => x.subdomain === sub));
  });
});
