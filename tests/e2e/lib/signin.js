// SPDX-License-Identifier: Apache-2.0
//
// A browserless driver for porch's hosted sign-in pages, and tenant fixtures made through the
// management API, for the sign-in suites (signin_*.test.js).
//
//   const b = new Browser({ ca });                      // one cookie jar = one user agent
//   const r = await b.authorize(url, { email, password, kmsi: 'yes' });
//   r.kind      'redirect' (r.params: code, state, iss, error…), 'form_post' (r.params, r.action),
//               'page' (stopped on a page it was not told how to fill), 'error' (4xx/5xx answer)
//   r.pages     the hosted pages seen on the way ([] when SSO answered at once)
//
//   const t = await tenantFixture(p);                   // admin token from the bootstrap client
//   const alice = await t.createUser({ email, password });
//   const web = await t.createWebApp({ redirectUris });  // { appId, id, secret, spId }
//   await t.grant(web.appId, GRAPH_APP_ID, 'User.Read');
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from './porch.js';

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const STRONG_PASSWORD = 'correct horse battery staple 42';
export const WRONG_PASSWORD_TEXT = 'Your email address or password is incorrect.';

// ---------------------------------------------------------------------------------------------
// small helpers

/** application/x-www-form-urlencoded from an object or [k, v] pairs (undefined values left out). */
export function form(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params)) {
    if (v !== undefined && v !== null) u.append(k, v);
  }
  return u.toString();
}

export function basic(id, secret) {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** The decoded payload of a JWT (no verification). */
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

export function jwtHeader(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());
}

/** A PKCE pair: { verifier, challenge } (S256). */
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function randomState(n = 16) {
  return randomBytes(n).toString('base64url');
}

/** Decodes the few HTML entities porch's templates produce (and numeric ones). */
export function htmlDecode(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attrs(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // skip the tag name
  const body = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(body))) {
    out[m[1].toLowerCase()] = htmlDecode(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** The forms of an HTML page: [{ method, action, fields: {name: value} (hidden and text inputs), inputs: [...], buttons: [...] }]. */
export function parseForms(html) {
  const forms = [];
  const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = re.exec(html))) {
    const open = /^<form\b[^>]*>/i.exec(m[0])[0];
    const a = attrs(open);
    const inputs = [];
    const fields = {};
    for (const im of m[1].matchAll(/<input\b[^>]*>/gi)) {
      const ia = attrs(im[0]);
      inputs.push(ia);
      if (ia.name && !['submit', 'button', 'image', 'checkbox', 'radio'].includes((ia.type || 'text').toLowerCase())) {
        fields[ia.name] = ia.value ?? '';
      }
    }
    const buttons = [];
    for (const bm of m[1].matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/gi)) {
      const ba = attrs(/^<button\b[^>]*>/i.exec(bm[0])[0]);
      buttons.push({ ...ba, text: htmlDecode(bm[1].replace(/<[^>]*>/g, '').trim()) });
    }
    forms.push({ method: (a.method || 'get').toLowerCase(), action: a.action ?? '', fields, inputs, buttons, html: m[0] });
  }
  return forms;
}

/** The text of the error paragraph of a hosted page (class "error" or role="alert"), or null. */
export function pageError(html) {
  const m = /<p\b[^>]*(?:class="error"|role="alert")[^>]*>([\s\S]*?)<\/p>/i.exec(html);
  return m ? htmlDecode(m[1].replace(/<[^>]*>/g, '').trim()) : null;
}

export function pageTitle(html) {
  const m = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  return m ? htmlDecode(m[1].replace(/<[^>]*>/g, '').trim()) : null;
}

/**
 * What a hosted page is: 'email', 'password', 'kmsi', 'form_post' (auto-submitting response
 * to the client), 'logout' (logout confirmation), 'error' or 'other'.
 */
export function classify(html, baseOrigin) {
  const forms = parseForms(html);
  for (const f of forms) {
    const names = f.inputs.map((i) => i.name);
    if (names.includes('password')) return { kind: 'password', form: f };
    if (names.includes('email') && f.inputs.some((i) => i.name === 'email' && (i.type || '').toLowerCase() !== 'hidden')) {
      return { kind: 'email', form: f };
    }
    if (f.buttons.some((b) => b.name === 'kmsi') || names.includes('kmsi')) return { kind: 'kmsi', form: f };
    let abs = null;
    try {
      abs = new URL(f.action);
    } catch {
      /* relative */
    }
    if (abs && abs.origin !== baseOrigin && ('code' in f.fields || 'error' in f.fields || 'state' in f.fields)) {
      return { kind: 'form_post', form: f };
    }
    if (/\/oauth2\/v2\.0\/logout\b/.test(f.action)) return { kind: 'logout', form: f };
  }
  if (/<form\b/i.test(html)) return { kind: 'other', form: forms[0] };
  return { kind: 'error', form: null };
}

// ---------------------------------------------------------------------------------------------
// cookies

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * A cookie jar with the rules a browser applies to porch's cookies: host-only cookies (no Domain
 * attribute: porch never sets one, and __Host- forbids it), Path prefix matching, Secure cookies
 * sent only over https (and to loopback http, as Chromium does), Max-Age/Expires, deletion.
 * Cookies ignore the port, as in browsers.
 */
export class CookieJar {
  constructor() {
    /** key `${host}\n${path}\n${name}` → { name, value, host, path, secure, httpOnly, sameSite, expires, maxAge, raw } */
    this.cookies = new Map();
    this.rejected = [];
  }

  /** Stores the Set-Cookie headers of a response to url. */
  store(url, setCookie) {
    if (!setCookie) return;
    const u = new URL(url);
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const parts = line.split(';').map((s) => s.trim());
      const eq = parts[0].indexOf('=');
      if (eq <= 0) continue;
      const c = {
        name: parts[0].slice(0, eq).trim(),
        value: parts[0].slice(eq + 1).trim(),
        host: u.hostname,
        path: null,
        secure: false,
        httpOnly: false,
        sameSite: null,
        domain: null,
        expires: null,
        maxAge: null,
        raw: line,
      };
      for (const p of parts.slice(1)) {
        const i = p.indexOf('=');
        const k = (i < 0 ? p : p.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? '' : p.slice(i + 1).trim();
        if (k === 'path') c.path = v;
        else if (k === 'secure') c.secure = true;
        else if (k === 'httponly') c.httpOnly = true;
        else if (k === 'samesite') c.sameSite = v;
        else if (k === 'domain') c.domain = v;
        else if (k === 'max-age') c.maxAge = Number(v);
        else if (k === 'expires') c.expires = Date.parse(v);
      }
      if (c.path === null || !c.path.startsWith('/')) {
        const dir = u.pathname.slice(0, u.pathname.lastIndexOf('/'));
        c.path = dir || '/';
      }
      // RFC 6265bis prefixes
      const secureOrigin = u.protocol === 'https:' || LOOPBACK.has(u.hostname);
      if (c.name.startsWith('__Host-') && (!c.secure || c.domain !== null || c.path !== '/' || !secureOrigin)) {
        this.rejected.push({ reason: '__Host- prefix rules', raw: line });
        continue;
      }
      if (c.name.startsWith('__Secure-') && (!c.secure || !secureOrigin)) {
        this.rejected.push({ reason: '__Secure- prefix rules', raw: line });
        continue;
      }
      if (c.secure && !secureOrigin) {
        this.rejected.push({ reason: 'Secure cookie from an insecure origin', raw: line });
        continue;
      }
      const key = `${c.host}\n${c.path}\n${c.name}`;
      let expiresAt = null;
      if (c.maxAge !== null && !Number.isNaN(c.maxAge)) expiresAt = Date.now() + c.maxAge * 1000;
      else if (c.expires !== null && !Number.isNaN(c.expires)) expiresAt = c.expires;
      if (expiresAt !== null && expiresAt <= Date.now()) {
        this.cookies.delete(key);
        continue;
      }
      c.expiresAt = expiresAt;
      c.persistent = expiresAt !== null;
      this.cookies.set(key, c);
    }
  }

  /** The cookies that a request to url would carry. */
  matching(url) {
    const u = new URL(url);
    const secureOrigin = u.protocol === 'https:' || LOOPBACK.has(u.hostname);
    const out = [];
    for (const [key, c] of this.cookies) {
      if (c.expiresAt !== null && c.expiresAt <= Date.now()) {
        this.cookies.delete(key);
        continue;
      }
      if (c.host !== u.hostname) continue;
      if (c.secure && !secureOrigin) continue;
      if (!(u.pathname === c.path || u.pathname.startsWith(c.path.endsWith('/') ? c.path : c.path + '/'))) continue;
      out.push(c);
    }
    // longer paths first, as browsers order them
    out.sort((a, b) => b.path.length - a.path.length);
    return out;
  }

  header(url) {
    const list = this.matching(url);
    return list.length ? list.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  get(name) {
    for (const c of this.cookies.values()) if (c.name === name) return c;
    return undefined;
  }

  all() {
    return [...this.cookies.values()];
  }

  delete(name) {
    for (const [k, c] of this.cookies) if (c.name === name) this.cookies.delete(k);
  }

  /** Drops the cookies without Max-Age/Expires, as closing the browser does. */
  endBrowserSession() {
    for (const [k, c] of this.cookies) if (!c.persistent) this.cookies.delete(k);
  }

  clone() {
    const j = new CookieJar();
    for (const [k, c] of this.cookies) j.cookies.set(k, { ...c });
    return j;
  }
}

// ---------------------------------------------------------------------------------------------
// the user agent

/**
 * A user agent with a cookie jar. It never follows redirects on its own; authorize() follows
 * those that stay on the server's origin and stops at the first one that leaves it (the
 * authorization response).
 */
export class Browser {
  constructor({ ca, jar, headers = {}, timeoutMs = 20000 } = {}) {
    this.ca = ca;
    this.jar = jar || new CookieJar();
    this.headers = headers;
    this.timeoutMs = timeoutMs;
    this.history = [];
  }

  /** One request with the jar's cookies; stores what it sets. { status, headers, body, url, json() } */
  async fetch(url, { method = 'GET', form: f, body, headers = {}, cookies = true } = {}) {
    const h = { ...this.headers, ...headers };
    const cookie = cookies ? this.jar.header(url) : undefined;
    if (cookie) h.cookie = cookie;
    let payload = body;
    if (f !== undefined) {
      payload = typeof f === 'string' ? f : form(f);
      h['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const r = await request(url, { method, headers: h, body: payload, ca: this.ca, timeoutMs: this.timeoutMs });
    r.url = url;
    r.method = method;
    this.jar.store(url, r.headers['set-cookie']);
    this.history.push({ method, url, status: r.status, location: r.headers.location });
    return r;
  }

  /** Wraps a response as a hosted page: { status, headers, body, url, kind, form, error, title }. */
  page(r) {
    const origin = new URL(r.url).origin;
    const isHtml = /text\/html/i.test(r.headers['content-type'] || '');
    const c = isHtml ? classify(r.body, origin) : { kind: 'error', form: null };
    return {
      status: r.status,
      headers: r.headers,
      body: r.body,
      url: r.url,
      kind: c.kind,
      form: c.form,
      error: isHtml ? pageError(r.body) : null,
      title: isHtml ? pageTitle(r.body) : null,
      response: r,
    };
  }

  /**
   * Submits a page's form. fields are added to (and override) the form's own inputs; pass
   * { csrf: undefined } in drop to leave a field out.
   */
  async submit(pg, fields = {}, { drop = [], action } = {}) {
    assert.ok(pg.form, `no form on the ${pg.kind} page (${pg.status}): ${pg.body.slice(0, 400)}`);
    const data = { ...pg.form.fields, ...fields };
    for (const k of drop) delete data[k];
    const url = new URL(action ?? pg.form.action ?? '', pg.url).toString();
    return this.fetch(url, { method: pg.form.method === 'post' ? 'POST' : 'GET', form: data });
  }

  /**
   * Runs an authorization request to its end.
   *   url            the authorize URL (GET), or with opts.method 'POST' the endpoint and opts.params
   *   email, password, kmsi ('yes' | 'no')   how to fill the pages; a page with nothing to fill
   *                  stops the run (kind 'page')
   *   stopAt         a page kind to stop at ('email', 'password', 'kmsi')
   * Returns { kind, status, location, params, action, pages, page, response }.
   */
  async authorize(url, { email, password, kmsi = 'yes', stopAt, method = 'GET', params, maxSteps = 12 } = {}) {
    const base = new URL(url).origin;
    const pages = [];
    let submitted = null;
    let r =
      method === 'POST'
        ? await this.fetch(url, { method: 'POST', form: params })
        : await this.fetch(params ? `${url}${url.includes('?') ? '&' : '?'}${form(params)}` : url);
    for (let step = 0; step < maxSteps; step++) {
      if (r.status >= 300 && r.status < 400 && r.headers.location) {
        const loc = new URL(r.headers.location, r.url);
        if (loc.origin === base && !/^\/?$/.test(loc.pathname) && !isClientUrl(loc, url)) {
          r = await this.fetch(loc.toString());
          continue;
        }
        return { kind: 'redirect', status: r.status, location: loc.toString(), url: loc, params: responseParams(loc), pages, response: r };
      }
      if (r.status !== 200) {
        const pg = this.page(r);
        return { kind: 'error', status: r.status, pages, page: pg, body: r.body, response: r };
      }
      const pg = this.page(r);
      if (pg.kind === 'form_post') {
        return { kind: 'form_post', status: r.status, action: pg.form.action, params: pg.form.fields, pages, page: pg, response: r };
      }
      pages.push(pg);
      if (stopAt && pg.kind === stopAt) return { kind: 'page', status: r.status, pages, page: pg, response: r };
      if (pg.kind === submitted) {
        // the step we just answered came back (wrong password, bad email…): stop there
        return { kind: 'page', status: r.status, pages, page: pg, body: r.body, response: r };
      }
      submitted = pg.kind;
      if (pg.kind === 'email' && email !== undefined) {
        r = await this.submit(pg, { email });
      } else if (pg.kind === 'password' && password !== undefined) {
        r = await this.submit(pg, { password });
      } else if (pg.kind === 'kmsi' && kmsi) {
        r = await this.submit(pg, { kmsi });
      } else {
        // a 200 without a form (a signed-out page, the token viewer's result…) is a page too
        return { kind: 'page', status: r.status, pages, page: pg, body: r.body, response: r };
      }
    }
    throw new Error(`authorize: no end after ${maxSteps} steps: ${JSON.stringify(this.history.slice(-maxSteps))}`);
  }
}

/** True when loc is the redirect_uri named in the authorize URL (a client on the server's origin). */
function isClientUrl(loc, authorizeUrl) {
  try {
    const ru = new URL(authorizeUrl).searchParams.get('redirect_uri');
    if (!ru) return false;
    const r = new URL(ru);
    return r.origin === loc.origin && r.pathname === loc.pathname;
  } catch {
    return false;
  }
}

/** The authorization response parameters of a redirect (query, or fragment when there is one). */
export function responseParams(loc) {
  const out = {};
  for (const [k, v] of loc.searchParams) out[k] = v;
  if (loc.hash.length > 1) for (const [k, v] of new URLSearchParams(loc.hash.slice(1))) out[`#${k}`] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// tenant fixtures through the management API

let seq = 0;
export function uniqueEmail(prefix = 'user') {
  seq += 1;
  return `${prefix}${seq}-${randomBytes(3).toString('hex')}@example.com`;
}

/**
 * A tenant fixture on a running instance p (or a second tenant: pass { tenantId, clientId,
 * clientSecret, defaultDomain } from `porch tenant create --json`).
 */
export async function tenantFixture(p, tenant = {}) {
  const tenantId = tenant.tenantId || p.tenantId;
  const clientId = tenant.clientId || p.init.clientId;
  const clientSecret = tenant.clientSecret || p.init.clientSecret;
  const defaultDomain = tenant.defaultDomain || p.init.defaultDomain;
  const ca = p.ca;
  const base = p.url;

  const tr = await request(`${base}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE }),
  });
  assert.equal(tr.status, 200, `admin token: ${tr.body}`);
  const adminToken = tr.json().access_token;

  const t = {
    p,
    base,
    ca,
    tenantId,
    defaultDomain,
    adminToken,
    issuer: `${base}/${tenantId}/v2.0`,
    authorizeUrl: `${base}/${tenantId}/oauth2/v2.0/authorize`,
    tokenUrl: `${base}/${tenantId}/oauth2/v2.0/token`,
    userinfoUrl: `${base}/${tenantId}/openid/v2.0/userinfo`,
    logoutUrl: `${base}/${tenantId}/oauth2/v2.0/logout`,
    revokeUrl: `${base}/${tenantId}/oauth2/v2.0/revoke`,
    discoveryUrl: `${base}/${tenantId}/v2.0/.well-known/openid-configuration`,

    /** A management API request with the admin token: the raw response. */
    graph(method, path, body, { bearer = adminToken, headers = {} } = {}) {
      return request(`${base}/v1.0${path}`, {
        method,
        ca,
        timeoutMs: 30000,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },

    /** Like graph() but asserts the status and returns the parsed body. */
    async graphOk(method, path, body, status = method === 'POST' ? 201 : 200) {
      const r = await t.graph(method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
      return r.body ? r.json() : null;
    },

    /** A local account with an email identity and password: the Graph user plus { email, password }. */
    async createUser({ email = uniqueEmail(), password = STRONG_PASSWORD, displayName, givenName, surname, ...extra } = {}) {
      const u = await t.graphOk('POST', '/users', {
        displayName: displayName ?? `User ${email.split('@')[0]}`,
        ...(givenName ? { givenName } : {}),
        ...(surname ? { surname } : {}),
        identities: [{ signInType: 'emailAddress', issuer: defaultDomain, issuerAssignedId: email }],
        passwordProfile: { password, forceChangePasswordNextSignIn: false },
        passwordPolicies: 'DisablePasswordExpiration',
        ...extra,
      });
      return { ...u, email, password };
    },

    /** An application; its service principal is created too (consent grants need it). */
    async createApp(body) {
      const app = await t.graphOk('POST', '/applications', { displayName: `App ${++seq}`, ...body });
      const sp = await t.servicePrincipal(app.appId);
      return { ...app, spId: sp.id };
    },

    /** A confidential web app with a client secret: { appId, id, secret, spId, redirectUris }. */
    async createWebApp({ redirectUris = ['https://app.example.com/cb'], displayName, logoutUrl, ...extra } = {}) {
      const app = await t.createApp({
        ...(displayName ? { displayName } : {}),
        web: { redirectUris, ...(logoutUrl ? { logoutUrl } : {}) },
        ...extra,
      });
      const pw = await t.graphOk('POST', `/applications/${app.id}/addPassword`, {}, 200);
      return { ...app, secret: pw.secretText, redirectUris };
    },

    /** A single-page app (public client, PKCE required). */
    async createSpaApp({ redirectUris = ['https://spa.example.com/'], ...extra } = {}) {
      const app = await t.createApp({ spa: { redirectUris }, ...extra });
      return { ...app, redirectUris };
    },

    /** A mobile/desktop public client (loopback port may vary). */
    async createPublicApp({ redirectUris = ['http://localhost'], ...extra } = {}) {
      const app = await t.createApp({ publicClient: { redirectUris }, isFallbackPublicClient: true, ...extra });
      return { ...app, redirectUris };
    },

    /** The service principal of appId, created when missing. */
    async servicePrincipal(appId) {
      const list = await t.graphOk('GET', `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`);
      if (list.value.length) return list.value[0];
      return t.graphOk('POST', '/servicePrincipals', { appId });
    },

    /** An AllPrincipals oAuth2PermissionGrant: clientAppId may call resourceAppId with scope. */
    async grant(clientAppId, resourceAppId, scope) {
      const client = await t.servicePrincipal(clientAppId);
      const resource = await t.servicePrincipal(resourceAppId);
      return t.graphOk('POST', '/oauth2PermissionGrants', { clientId: client.id, consentType: 'AllPrincipals', resourceId: resource.id, scope });
    },

    /** POST to the token endpoint: the raw response. */
    token(params, { auth, headers = {}, tokenUrl = t.tokenUrl } = {}) {
      return request(tokenUrl, {
        method: 'POST',
        ca,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(auth ? { authorization: basic(auth[0], auth[1]) } : {}),
          ...headers,
        },
        body: form(params),
      });
    },

    /** GET or POST the UserInfo endpoint: the raw response. */
    userinfo(accessToken, { method = 'GET', inBody = false, url = t.userinfoUrl } = {}) {
      if (inBody) {
        return request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ access_token: accessToken }) });
      }
      return request(url, { method, ca, headers: { authorization: `Bearer ${accessToken}` } });
    },

    /** The authorize URL for params (object). */
    authorize(params) {
      return `${t.authorizeUrl}?${form(params)}`;
    },

    browser(opts = {}) {
      return new Browser({ ca, ...opts });
    },

    /**
     * Signs user in to app through the hosted pages with a new (or the given) browser and
     * redeems the code: { browser, tokens, idClaims, code, state, nonce, auth, pkce }.
     */
    async signIn(user, app, { browser, scope = 'openid profile email offline_access', kmsi = 'yes', params = {}, usePkce = true, redirectUri } = {}) {
      const b = browser || t.browser();
      const state = randomState();
      const nonce = randomState();
      const pk = usePkce ? pkce() : null;
      const redirect_uri = redirectUri || app.redirectUris[0];
      const url = t.authorize({
        client_id: app.appId,
        response_type: 'code',
        redirect_uri,
        scope,
        state,
        nonce,
        ...(pk ? { code_challenge: pk.challenge, code_challenge_method: 'S256' } : {}),
        ...params,
      });
      const res = await b.authorize(url, { email: user?.email, password: user?.password, kmsi });
      assert.equal(res.kind, 'redirect', `sign-in did not end in a redirect: ${res.kind} ${res.status} ${res.body?.slice(0, 600) ?? ''}`);
      assert.equal(res.params.state, state, 'state');
      assert.ok(res.params.code, `no code: ${res.location}`);
      const tr = await t.redeem(app, res.params.code, { redirectUri: redirect_uri, verifier: pk?.verifier });
      assert.equal(tr.status, 200, `token: ${tr.body}`);
      const tokens = tr.json();
      return { browser: b, tokens, idClaims: tokens.id_token ? claims(tokens.id_token) : null, code: res.params.code, state, nonce, auth: res, pkce: pk, redirectUri: redirect_uri };
    },

    /** Redeems a code for app (client_secret_basic when the app has a secret). */
    redeem(app, code, { redirectUri = app.redirectUris[0], verifier, extra = {}, post = false } = {}) {
      const params = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: app.appId, code_verifier: verifier, ...extra };
      if (app.secret && post) return t.token({ ...params, client_secret: app.secret });
      return t.token(params, app.secret ? { auth: [app.appId, app.secret] } : {});
    },

    /** Refresh-token grant for app. */
    refresh(app, refreshToken, extra = {}) {
      const params = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.appId, ...extra };
      return t.token(params, app.secret ? { auth: [app.appId, app.secret] } : {});
    },
  };
  return t;
}

/** Asserts an OAuth error body at the token endpoint and returns it. */
export function assertTokenError(r, status, error, what = '') {
  assert.equal(r.status, status, `${what} status: ${r.body}`);
  assert.match(r.headers['content-type'] || '', /^application\/json/, `${what} content-type`);
  const b = r.json();
  assert.equal(b.error, error, `${what} error: ${r.body}`);
  return b;
}

/** Asserts a 4xx HTML error page that does not redirect anywhere. */
export function assertErrorPage(r, what = '') {
  const status = r.status ?? r.response?.status;
  const headers = r.headers ?? r.response?.headers ?? {};
  const body = r.body ?? r.response?.body ?? '';
  assert.ok(status >= 400 && status < 500, `${what}: expected an error page (4xx), got ${status} ${headers.location ? `→ ${headers.location}` : ''} ${body.slice(0, 300)}`);
  assert.equal(headers.location, undefined, `${what}: the error page carries a Location header`);
  assert.match(headers['content-type'] || '', /text\/html/, `${what}: content-type`);
  assert.ok(!/http-equiv\s*=\s*["']?refresh/i.test(body), `${what}: meta refresh on the error page`);
  const forms = parseForms(body);
  assert.ok(!forms.some((f) => 'code' in f.fields || 'error' in f.fields), `${what}: the error page posts to the client`);
}
