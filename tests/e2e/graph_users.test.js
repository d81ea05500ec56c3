// SPDX-License-Identifier: Apache-2.0
// The users resource through the official Graph SDK (@microsoft/microsoft-graph-client) pointed at
// porch, plus raw requests where the SDK hides the wire (status codes, /$count's text body,
// malformed JSON): local and federated accounts, the default property set against $select, the
// identities filter, case-insensitive email uniqueness, the password policy, PATCH of identities
// and password, revokeSignInSessions, DELETE, $count/$search/$orderby, mass assignment, paging
// through PORCH_E2E_USERS (default 2,500) users via @odata.nextLink, and a second tenant that
// cannot see the first one's users. porch serves TLS because the SDK only sends tokens to https
// hosts it knows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GUID_RE, freePort, request, selfSignedCert, startPorch } from './lib/porch.js';
import { GRAPH_SCOPE, graphClient } from './lib/graph.js';

const BULK = Number(process.env.PORCH_E2E_USERS || 2500);
const STRONG = 'correct horse battery staple 42';
const DEFAULT_SET = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];

async function clientToken(p, ca, tenantId, clientId, clientSecret) {
  const r = await request(`${p.url}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: GRAPH_SCOPE,
    }).toString(),
  });
  assert.equal(r.status, 200, r.body);
  return r.json().access_token;
}

function graphError(r, status, code) {
  assert.equal(r.status, status, r.body);
  const b = r.json();
  assert.equal(b.error.code, code, r.body);
  assert.match(b.error.innerError['request-id'], GUID_RE);
  return b;
}

const rejectsWith = (status, code, re) => (e) =>
  e.statusCode === status && e.code === code && (!re || re.test(e.message));

describe('users through the Graph SDK', () => {
  let cert;
  let p;
  let token;
  let client;
  let domain;
  /** A raw request to the management API with the bootstrap token. */
  const api = (method, path, { body, headers = {}, bearer = token } = {}) =>
    request(`${p.url}/v1.0${path}`, {
      method,
      ca: cert.ca,
      timeoutMs: 30000,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}`, tenantName: 'Contoso' });
    token = await clientToken(p, cert.ca, p.tenantId, p.init.clientId, p.init.clientSecret);
    client = graphClient(p, cert, token);
    domain = p.init.defaultDomain;
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  let alice;
  let fed;
  test('create a local account and a federated user', async () => {
    alice = await client.api('/users').post({
      displayName: 'Alice Adams',
      mail: 'alice@example.com',
      identities: [{ signInType: 'emailAddress', issuer: domain, issuerAssignedId: 'Alice@Example.com' }],
      passwordProfile: { password: STRONG, forceChangePasswordNextSignIn: false },
      passwordPolicies: 'DisablePasswordExpiration',
    });
    assert.match(alice.id, GUID_RE);
    assert.equal(alice['@odata.context'], `${p.url}/v1.0/$metadata#users/$entity`);
    assert.equal(alice.creationType, 'LocalAccount');
    assert.equal(alice.passwordProfile, null);
    assert.ok(!JSON.stringify(alice).includes('horse'));
    assert.ok(alice.identities.some((i) => i.signInType === 'userPrincipalName'));
    const r = await api('POST', '/users', {
      body: { displayName: 'Fed Frank', identities: [{ signInType: 'federated', issuer: 'google.com', issuerAssignedId: 'G-1' }] },
    });
    assert.equal(r.status, 201, r.body);
    fed = r.json();
    assert.equal(r.headers.location, `${p.url}/v1.0/users/${fed.id}`);
    assert.equal(fed.creationType, null);
  });

  test('GET returns the default set; $select returns what it names', async () => {
    const one = await client.api(`/users/${alice.id}`).get();
    assert.deepEqual(Object.keys(one).filter((k) => !k.startsWith('@')).sort(), DEFAULT_SET);
    const list = await client.api('/users').get();
    assert.deepEqual(Object.keys(list.value[0]).sort(), DEFAULT_SET);
    const sel = await client.api(`/users/${alice.id}`).select(['identities', 'accountEnabled', 'creationType', 'otherMails']).get();
    assert.equal(sel['@odata.context'], `${p.url}/v1.0/$metadata#users(identities,accountEnabled,creationType,otherMails)/$entity`);
    assert.equal(sel.accountEnabled, true);
    assert.deepEqual(sel.otherMails, []);
    assert.equal(sel.identities[0].issuerAssignedId, 'Alice@Example.com');
    await assert.rejects(client.api('/users').select(['nope']).get(), rejectsWith(400, 'Request_BadRequest'));
  });

  test('identities filter finds the sign-in name (issuer ignored for local accounts)', async () => {
    const r = await client
      .api('/users')
      .select(['id', 'displayName'])
      .filter(`identities/any(c:c/issuerAssignedId eq 'alice@example.com' and c/issuer eq '${domain}')`)
      .get();
    assert.deepEqual(r.value.map((u) => u.id), [alice.id]);
    const other = await client
      .api('/users')
      .filter("identities/any(c:c/issuerAssignedId eq 'ALICE@example.com' and c/issuer eq 'contoso.onmicrosoft.com')")
      .get();
    assert.deepEqual(other.value.map((u) => u.id), [alice.id]);
    const wrongIdp = await client.api('/users').filter("identities/any(c:c/issuerAssignedId eq 'G-1' and c/issuer eq 'facebook.com')").get();
    assert.equal(wrongIdp.value.length, 0);
    const eq = await client.api('/users').filter("startswith(displayName,'fed') and accountEnabled eq true").get();
    assert.deepEqual(eq.value.map((u) => u.id), [fed.id]);
  });

  test('emails are unique case-insensitively; weak passwords are refused with the reason', async () => {
    const dup = await api('POST', '/users', {
      body: { identities: [{ signInType: 'emailAddress', issuerAssignedId: 'ALICE@EXAMPLE.COM' }], passwordProfile: { password: STRONG } },
    });
    const b = graphError(dup, 400, 'Request_BadRequest');
    assert.equal(b.error.message, 'Another object with the same value for property identities already exists.');
    const weak = await api('POST', '/users', {
      body: { identities: [{ signInType: 'emailAddress', issuerAssignedId: 'w@example.com' }], passwordProfile: { password: 'Password1!' } },
    });
    const w = graphError(weak, 400, 'Request_BadRequest');
    assert.match(w.error.message, /^The specified password does not comply with password complexity requirements\./);
    assert.match(w.error.message, /15/);
    const named = await api('POST', '/users', {
      body: { identities: [{ signInType: 'emailAddress', issuerAssignedId: 'w@example.com' }], passwordProfile: { password: 'ContosoContoso1!' } },
    });
    graphError(named, 400, 'Request_BadRequest');
  });

  test('mass assignment and malformed bodies', async () => {
    const fedBody = (extra) => ({
      identities: [{ signInType: 'federated', issuer: 'github.com', issuerAssignedId: randomBytes(4).toString('hex') }],
      ...extra,
    });
    graphError(await api('POST', '/users', { body: fedBody({ id: '00000000-0000-0000-0000-000000000001' }) }), 400, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: fedBody({ creationType: 'Invitation' }) }), 400, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: fedBody({ signInSessionsValidFromDateTime: '2020-01-01T00:00:00Z' }) }), 400, 'Request_BadRequest');
    const ignored = await api('POST', '/users', { body: fedBody({ createdDateTime: '2001-01-01T00:00:00Z' }) });
    assert.equal(ignored.status, 201, ignored.body);
    assert.notEqual(ignored.json().createdDateTime, '2001-01-01T00:00:00Z');
    graphError(await api('POST', '/users', { body: '{"displayName":' }), 400, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: fedBody({ accountEnabled: 'yes' }) }), 400, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: '[1]' }), 400, 'Request_BadRequest');
    graphError(await api('PATCH', `/users/${fed.id}`, { body: { displayName: 42 } }), 400, 'Request_BadRequest');
    // unknown @odata.type, a body over the route's limit, and nesting past --json-max-depth
    graphError(await api('POST', '/users', { body: fedBody({ '@odata.type': '#microsoft.graph.group' }) }), 400, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: fedBody({ displayName: 'x'.repeat(300 * 1024) }) }), 413, 'Request_BadRequest');
    graphError(await api('POST', '/users', { body: `{"a":${'['.repeat(100)}${']'.repeat(100)}}` }), 400, 'Request_BadRequest');
  });

  test('PATCH replaces identities and sets a password; sessions are revoked', async () => {
    await client.api(`/users/${alice.id}`).patch({
      identities: [
        { signInType: 'emailAddress', issuerAssignedId: 'alice@example.com' },
        { signInType: 'userName', issuerAssignedId: 'alice1' },
      ],
      jobTitle: 'Engineer',
    });
    const sel = await client.api(`/users/${alice.id}`).select(['identities', 'jobTitle', 'signInSessionsValidFromDateTime']).get();
    assert.deepEqual(
      sel.identities.map((i) => i.issuerAssignedId),
      ['alice@example.com', 'alice1', sel.identities[2].issuerAssignedId],
    );
    assert.equal(sel.jobTitle, 'Engineer');
    await new Promise((r) => setTimeout(r, 1100));
    await client.api(`/users/${alice.id}`).patch({ passwordProfile: { password: 'another long passphrase 77', forceChangePasswordNextSignIn: false } });
    const after = await client.api(`/users/${alice.id}`).select(['signInSessionsValidFromDateTime', 'lastPasswordChangeDateTime']).get();
    assert.ok(after.signInSessionsValidFromDateTime > sel.signInSessionsValidFromDateTime);
    assert.ok(after.lastPasswordChangeDateTime);
    await assert.rejects(
      client.api(`/users/${alice.id}`).patch({ passwordProfile: { password: 'short' } }),
      rejectsWith(400, 'Request_BadRequest', /password complexity/),
    );
    const audits = await client.api('/auditLogs/directoryAudits').filter("activityDisplayName eq 'Reset user password'").get();
    assert.ok(audits.value.some((a) => a.targetResources[0].id === alice.id));
    assert.ok(!JSON.stringify(audits).includes('passphrase'));
  });

  test('revokeSignInSessions answers true', async () => {
    const r = await client.api(`/users/${fed.id}/revokeSignInSessions`).post({});
    assert.equal(r.value, true);
    assert.equal(r['@odata.context'], `${p.url}/v1.0/$metadata#Edm.Boolean`);
  });

  test('$count, $search and $orderby', async () => {
    graphError(await api('GET', '/users/$count'), 400, 'Request_BadRequest');
    const n = await api('GET', '/users/$count', { headers: { consistencylevel: 'eventual' } });
    assert.equal(n.status, 200, n.body);
    assert.ok(Number(n.body) >= 2);
    const plain = await client.api('/users').query({ $count: 'true' }).get();
    assert.equal(plain['@odata.count'], undefined);
    const counted = await client.api('/users').header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).get();
    assert.equal(counted['@odata.count'], Number(n.body));
    graphError(await api('GET', `/users?$search=${encodeURIComponent('"displayName:alice"')}`), 400, 'Request_UnsupportedQuery');
    const s = await client.api('/users').header('ConsistencyLevel', 'eventual').search('"displayName:adams"').get();
    assert.deepEqual(s.value.map((u) => u.id), [alice.id]);
    const m = await client.api('/users').header('ConsistencyLevel', 'eventual').search('"mail:alice"').get();
    assert.deepEqual(m.value.map((u) => u.id), [alice.id]);
    const desc = await client.api('/users').orderby('displayName desc').select(['displayName']).get();
    const names = desc.value.map((u) => (u.displayName ?? '').toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
  });

  test(`pages through ${BULK} users with @odata.nextLink`, async (t) => {
    const started = Date.now();
    const prefix = `bulk${randomBytes(3).toString('hex')}`;
    let next = 0;
    const worker = async () => {
      while (next < BULK) {
        const i = next++;
        const r = await api('POST', '/users', {
          body: {
            displayName: `${prefix} ${String(i).padStart(5, '0')}`,
            identities: [{ signInType: 'federated', issuer: 'bulk.example', issuerAssignedId: `${prefix}-${i}` }],
          },
        });
        assert.equal(r.status, 201, r.body);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const created = Date.now();
    const seen = new Set();
    let page = await client.api('/users').select(['id', 'displayName']).filter(`startswith(displayName,'${prefix}')`).top(999).get();
    let pages = 1;
    for (;;) {
      for (const u of page.value) seen.add(u.id);
      if (!page['@odata.nextLink']) break;
      assert.ok(page.value.length === 999);
      page = await client.api(page['@odata.nextLink']).get();
      pages++;
    }
    assert.equal(seen.size, BULK);
    assert.equal(pages, Math.ceil(BULK / 999));
    // the default page is 100 and its nextLink carries the query on
    const first = await client.api('/users').filter(`startswith(displayName,'${prefix}')`).get();
    assert.equal(first.value.length, Math.min(100, BULK));
    if (BULK > 100) assert.match(first['@odata.nextLink'], /\$skiptoken=/);
    t.diagnostic(`created ${BULK} users in ${created - started} ms, paged in ${Date.now() - created} ms`);
  });

  test('a second tenant cannot see or change the first tenant\'s users', async () => {
    const sub = `o${randomBytes(4).toString('hex')}`;
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Other', '--subdomain', sub, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const other = JSON.parse(r.stdout);
    const t2 = await clientToken(p, cert.ca, other.tenantId, other.clientId, other.clientSecret);
    const c2 = graphClient(p, cert, t2);
    const list = await c2.api('/users').get();
    assert.equal(list.value.length, 0);
    await assert.rejects(c2.api(`/users/${alice.id}`).get(), rejectsWith(404, 'Request_ResourceNotFound'));
    graphError(await api('PATCH', `/users/${alice.id}`, { body: { jobTitle: 'x' }, bearer: t2 }), 404, 'Request_ResourceNotFound');
    graphError(await api('DELETE', `/users/${alice.id}`, { bearer: t2 }), 404, 'Request_ResourceNotFound');
    const mine = await c2.api('/users').post({
      identities: [{ signInType: 'emailAddress', issuerAssignedId: 'alice@example.com' }],
      passwordProfile: { password: STRONG },
    });
    assert.match(mine.id, GUID_RE);
  });

  test('DELETE removes the user', async () => {
    await client.api(`/users/${fed.id}`).delete();
    await assert.rejects(client.api(`/users/${fed.id}`).get(), rejectsWith(404, 'Request_ResourceNotFound'));
    graphError(await api('DELETE', `/users/${fed.id}`), 404, 'Request_ResourceNotFound');
    const audits = await client.api('/auditLogs/directoryAudits').filter("activityDisplayName eq 'Delete user'").get();
    assert.equal(audits.value[0].category, 'UserManagement');
    assert.equal(audits.value[0].targetResources[0].id, fed.id);
  });
});
