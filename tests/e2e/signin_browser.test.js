// SPDX-License-Identifier: Apache-2.0
// The hosted pages in a real browser (playwright-core driving Debian's /usr/bin/chromium) over
// TLS: authorize → email → Next → password → Sign in → "Stay signed in?" Yes → the redirect URI
// (intercepted with page.route) with code and state; form_post's auto-submitting page under the
// CSP; the error page; and the built-in token viewer (GET /{tenant}/tokenviewer) from a fresh
// browser through sign-in to the page that shows the claims. A screenshot of every page lands in
// tests/e2e/artifacts/ (git-ignored). No CSP violation may be reported on any page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, selfSignedCert, startPorch } from './lib/porch.js';
import { pkce, randomState, tenantFixture, WRONG_PASSWORD_TEXT } from './lib/signin.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = HAVE_CHROMIUM ? false : `${CHROMIUM} is not installed (apt-get install -y chromium); browser tests skipped`;
const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const VIEWER_APP_ID = 'd5cd3ad1-0c08-4c4f-bd05-aac892be821b';
const REDIRECT = 'https://app.example.com/cb';

describe('hosted pages in Chromium', { skip: SKIP }, () => {
  let cert;
  let p;
  let t;
  let alice;
  let web;
  let browser;
  const problems = [];

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}` });
    t = await tenantFixture(p);
    alice = await t.createUser({ displayName: 'Alice Browser', givenName: 'Alice', surname: 'Browser' });
    web = await t.createWebApp({ redirectUris: [REDIRECT] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
    await cert?.cleanup();
  });

  /** A fresh context (no cookies) whose requests to the client are answered locally and recorded. */
  async function context(name) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
    const page = await ctx.newPage();
    const hits = [];
    let resolveHit;
    const hit = new Promise((r) => {
      resolveHit = r;
    });
    await page.route('https://app.example.com/**', async (route) => {
      const req = route.request();
      const entry = { url: req.url(), method: req.method(), postData: req.postData() };
      hits.push(entry);
      resolveHit(entry);
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>client</title><h1>Client app</h1>' });
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${name}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: page error ${e.message}`));
    let shot = 0;
    const screenshot = async (label) => {
      shot += 1;
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${String(shot).padStart(2, '0')}-${label}.png`), fullPage: true });
      const text = await page.innerText('body').catch(() => '');
      if (/\{\{|\}\}/.test(text)) problems.push(`${name}/${label}: template source on the page: ${text.slice(0, 120)}`);
    };
    return { ctx, page, hits, hit, screenshot };
  }

  function authorizeUrl(extra = {}) {
    const pk = pkce();
    const state = randomState();
    return {
      pk,
      state,
      url: t.authorize({
        client_id: web.appId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'openid profile offline_access',
        state,
        nonce: randomState(),
        code_challenge: pk.challenge,
        code_challenge_method: 'S256',
        ...extra,
      }),
    };
  }

  /** Fills the email and password pages and answers "Stay signed in?" with Yes. */
  async function signIn(page, screenshot, { email = alice.email, password = alice.password } = {}) {
    await page.waitForSelector('input[name="email"]');
    await screenshot('email');
    await page.fill('input[name="email"]', email);
    await Promise.all([page.waitForSelector('input[name="password"]'), page.getByRole('button', { name: 'Next' }).click()]);
    await screenshot('password');
    assert.ok((await page.textContent('body')).includes(email), 'the password page names the account');
    await page.fill('input[name="password"]', password);
    await Promise.all([page.waitForSelector('button[name="kmsi"][value="yes"]'), page.getByRole('button', { name: 'Sign in' }).click()]);
    await screenshot('kmsi');
    assert.match(await page.textContent('h1'), /Stay signed in\?/);
    await page.click('button[name="kmsi"][value="yes"]');
  }

  test('authorize → email → password → KMSI Yes → redirect URI with code and state', async () => {
    const { ctx, page, hit, screenshot } = await context('signin');
    try {
      const { url, state, pk } = authorizeUrl();
      const resp = await page.goto(url);
      assert.equal(resp.status(), 200);
      assert.equal(await page.getAttribute('input[name="email"]', 'type'), 'email');
      // a wrong password first: the error is shown, then the right one
      await page.fill('input[name="email"]', alice.email);
      await Promise.all([page.waitForSelector('input[name="password"]'), page.getByRole('button', { name: 'Next' }).click()]);
      await screenshot('password');
      await page.fill('input[name="password"]', 'definitely not the password');
      await Promise.all([page.waitForSelector('.error'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await screenshot('wrong-password');
      assert.equal((await page.textContent('.error')).trim(), WRONG_PASSWORD_TEXT);
      await page.fill('input[name="password"]', alice.password);
      await Promise.all([page.waitForSelector('button[name="kmsi"][value="yes"]'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await screenshot('kmsi');
      await page.click('button[name="kmsi"][value="yes"]');
      const h = await hit;
      await page.waitForLoadState();
      await screenshot('client');
      const u = new URL(h.url);
      assert.equal(`${u.origin}${u.pathname}`, REDIRECT);
      assert.equal(u.searchParams.get('state'), state);
      assert.equal(u.searchParams.get('iss'), t.issuer);
      const code = u.searchParams.get('code');
      assert.ok(code);
      const tr = await t.redeem(web, code, { verifier: pk.verifier });
      assert.equal(tr.status, 200, tr.body);
      // the cookies the browser kept
      const cookies = await ctx.cookies(p.url);
      const sso = cookies.find((c) => c.name === `__Host-porch-s-${p.tenantId}`);
      assert.ok(sso, `SSO cookie: ${cookies.map((c) => c.name)}`);
      assert.equal(sso.secure, true);
      assert.equal(sso.httpOnly, true);
      assert.equal(sso.sameSite, 'Lax');
      assert.ok(sso.expires > Date.now() / 1000, 'kmsi=yes: a persistent cookie');
      // SSO: a second authorization goes straight to the client
      // (page.route does not see the target of a redirect answered to page.goto, so the request
      // to the client is only observed here, and the navigation itself may fail to resolve it)
      const second = authorizeUrl();
      const toClient = page.waitForRequest((r) => r.url().startsWith(`${REDIRECT}?`));
      await page.goto(second.url).catch(() => {});
      const again = new URL((await toClient).url());
      assert.equal(again.searchParams.get('state'), second.state);
      assert.ok(again.searchParams.get('code'), 'SSO: a code at once');
    } finally {
      await ctx.close();
    }
  });

  test('response_mode=form_post: the auto-submitting page posts code and state (script allowed by the CSP)', async () => {
    const { ctx, page, hit, screenshot } = await context('form-post');
    try {
      const { url, state } = authorizeUrl({ response_mode: 'form_post' });
      await page.goto(url);
      await signIn(page, screenshot);
      const h = await hit;
      assert.equal(h.method, 'POST');
      const body = new URLSearchParams(h.postData);
      assert.equal(body.get('state'), state);
      assert.ok(body.get('code'));
      assert.equal(body.get('iss'), t.issuer);
      await screenshot('client');
    } finally {
      await ctx.close();
    }
  });

  test('keyboard: Enter in the email field goes on, Enter in the password field signs in', async () => {
    const { ctx, page, screenshot } = await context('keyboard');
    try {
      await page.goto(authorizeUrl().url);
      await page.fill('input[name="email"]', alice.email);
      await Promise.all([page.waitForSelector('input[name="password"]'), page.press('input[name="email"]', 'Enter')]);
      await page.fill('input[name="password"]', alice.password);
      await page.press('input[name="password"]', 'Enter');
      await page.waitForLoadState();
      await screenshot('after-enter');
      // implicit submission uses the form's first submit button: it must be "Sign in", not "Back"
      const kmsi = await page.locator('button[name="kmsi"]').count();
      const emailAgain = await page.locator('input[name="email"]').count();
      assert.ok(kmsi > 0, `Enter in the password field did not sign in; now at ${page.url()}${emailAgain ? ' showing the email page again (the "Back" button is the default button)' : ''}`);
    } finally {
      await ctx.close();
    }
  });

  test('the error page: unregistered redirect URI → 400, no navigation to it', async () => {
    const { ctx, page, hits, screenshot } = await context('error');
    try {
      const { url } = authorizeUrl({ redirect_uri: 'https://app.example.com/not-registered' });
      const resp = await page.goto(url);
      assert.equal(resp.status(), 400);
      await screenshot('error-page');
      assert.match(await page.textContent('h1'), /Something went wrong/);
      assert.equal(hits.length, 0, 'the browser went to the unregistered URI');
      assert.equal(await page.locator('form').count(), 0);
    } finally {
      await ctx.close();
    }
  });

  test('the token viewer: sign in from a fresh browser and see the claims', async () => {
    const { ctx, page, screenshot } = await context('tokenviewer');
    try {
      const viewer = `${p.url}/${p.tenantId}/tokenviewer`;
      const resp = await page.goto(viewer);
      assert.ok(resp.status() < 400, `GET tokenviewer: ${resp.status()}`);
      await screenshot('start');
      if (!(await page.locator('input[name="email"]').count())) {
        // a start page with a sign-in link or button
        const start = page.locator('a[href*="/oauth2/v2.0/authorize"], form[action*="/oauth2/v2.0/authorize"] button, button, a').first();
        assert.ok(await start.count(), 'the token viewer offers a way to sign in');
        await start.click();
      }
      await page.waitForSelector('input[name="email"]');
      const authUrl = new URL(page.url());
      if (authUrl.pathname.endsWith('/oauth2/v2.0/authorize')) assert.equal(authUrl.searchParams.get('client_id'), VIEWER_APP_ID);
      await signIn(page, screenshot);
      await page.waitForURL((u) => u.pathname === `/${p.tenantId}/tokenviewer`, { timeout: 20000 });
      await page.waitForLoadState();
      await screenshot('claims');
      const text = await page.textContent('body');
      assert.ok(text.includes(alice.id), 'the viewer shows the oid');
      assert.ok(text.includes(alice.email), 'the viewer shows preferred_username');
      assert.ok(text.includes(t.issuer), 'the viewer shows iss');
      const visible = await page.innerText('main');
      assert.ok(!/\{\{|\}\}|signin_url|signout_url/.test(visible), `template source shows on the page: ${visible.slice(0, 160)}`);
    } finally {
      await ctx.close();
    }
  });

  test('no page reported a CSP violation, a script error or template source', () => {
    assert.deepEqual(problems, []);
  });
});
