// SPDX-License-Identifier: Apache-2.0
//
// Full password sign-ins per second against a running porch: for each sign-in, GET authorize
// → POST email → POST password → POST "stay signed in? no" → 302 with a code → POST token
// (authorization_code + PKCE + client secret). Sets up its own app and user through Graph
// with the bootstrap client. Prints one JSON line: {signins, seconds, rate, p50_ms, p99_ms, errors}.
//
//   node bench/signin.mjs BASE TENANT_ID CLIENT_ID CLIENT_SECRET CONCURRENCY SECONDS
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

const [base, tid, adminId, adminSecret, conc = '4', secs = '10'] = process.argv.slice(2);
const REDIRECT = 'https://bench.example/cb';
const PASSWORD = 'correct horse battery staple';
const EMAIL = `bench-${randomBytes(4).toString('hex')}@example.com`;
const form = (o) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

// node:http with keep-alive: much lighter than fetch, so the client leaves more CPU to porch.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function hreq(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const rq = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    rq.on('error', reject);
    rq.end(body);
  });
}

async function token(body) {
  const r = await fetch(`${base}/${tid}/oauth2/v2.0/token`, { method: 'POST', headers: FORM, body: form(body) });
  return [r.status, await r.json()];
}
async function graph(method, path, body, at) {
  const r = await fetch(`${base}/v1.0${path}`, { method, headers: { authorization: `Bearer ${at}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function setup() {
  const [, t] = await token({ grant_type: 'client_credentials', client_id: adminId, client_secret: adminSecret, scope: 'https://graph.microsoft.com/.default' });
  const org = await graph('GET', '/organization', undefined, t.access_token);
  const domain = org.value[0].verifiedDomains[0].name;
  const app = await graph('POST', '/applications', { displayName: 'Sign-in bench', web: { redirectUris: [REDIRECT] } }, t.access_token);
  const pw = await graph('POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'bench' } }, t.access_token);
  await graph('POST', '/users', {
    displayName: 'Bench User', identities: [{ signInType: 'emailAddress', issuer: domain, issuerAssignedId: EMAIL }],
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false }, passwordPolicies: 'DisablePasswordExpiration',
  }, t.access_token);
  return { clientId: app.appId, secret: pw.secretText };
}

function cookieOf(res) {
  const c = (res.headers['set-cookie'] || []).map((s) => s.split(';')[0]).filter((s) => !s.endsWith('='));
  return c.join('; ');
}
const fieldRe = (n) => new RegExp(`name="${n}" value="([^"]*)"`);
function parse(html) {
  return { action: html.match(/<form method="post" action="([^"]+)"/)[1].replaceAll('&amp;', '&'), csrf: html.match(fieldRe('csrf'))[1] };
}

async function signIn(app) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = form({ client_id: app.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile offline_access',
    state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
  let r = await hreq(`${base}/${tid}/oauth2/v2.0/authorize?${q}`);
  const jar = cookieOf(r);
  let page = parse(r.text);
  const post = (p, body) => hreq(p.action, { method: 'POST', headers: { ...FORM, cookie: jar }, body: form({ csrf: p.csrf, ...body }) });
  r = await post(page, { email: EMAIL });
  page = parse(r.text);
  r = await post(page, { password: PASSWORD });
  page = parse(r.text);
  r = await post(page, { kmsi: 'no' });
  const code = new URL(r.headers.location).searchParams.get('code');
  if (!code) throw new Error(`no code: ${r.status}`);
  r = await hreq(`${base}/${tid}/oauth2/v2.0/token`, { method: 'POST', headers: FORM,
    body: form({ grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.secret, code, redirect_uri: REDIRECT, code_verifier: verifier }) });
  if (r.status !== 200) throw new Error(`token ${r.status}`);
}

const app = await setup();
await signIn(app); // warm-up and sanity check
const until = Date.now() + Number(secs) * 1000;
const lat = [];
let errors = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(conc) }, async () => {
  while (Date.now() < until) {
    const s = performance.now();
    try { await signIn(app); lat.push(performance.now() - s); } catch { errors++; }
  }
}));
const seconds = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] : 0);
console.log(JSON.stringify({ signins: lat.length, seconds: +seconds.toFixed(2), rate: +(lat.length / seconds).toFixed(1),
  p50_ms: +pct(0.5).toFixed(1), p99_ms: +pct(0.99).toFixed(1), errors }));
