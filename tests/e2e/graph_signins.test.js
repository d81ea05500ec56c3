// SPDX-License-Identifier: Apache-2.0
//
// The sign-in log (GET /v1.0/auditLogs/signIns, entra-compat §2.12) fed by real sign-ins:
// a success, a wrong password, an unknown user, an SSO sign-in and refreshes (non-interactive)
// each leave a row with the right user, app, status and interactivity; the filters Graph
// documents work; another tenant sees nothing; the permission is enforced.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BACKEND, freePort, selfSignedCert, startPorch } from './lib/porch.js';
import { tenantFixture, uniqueEmail } from './lib/signin.js';

describe(`sign-in logs (${BACKEND})`, () => {
  let p;
  let t;
  let alice;
  let web;
  const log = async (query = '') => {
    const r = await t.graph('GET', `/auditLogs/signIns${query}`);
    assert.equal(r.status, 200, `signIns${query}: ${r.status} ${r.body}`);
    return r.json();
  };

  before(async () => {
    const cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ backend: BACKEND, port, tls: cert, publicUrl: `https://127.0.0.1:${port}` });
    t = await tenantFixture(p);
    alice = await t.createUser({ email: uniqueEmail('alice'), displayName: 'Alice Log' });
    web = await t.createWebApp({ displayName: 'Log app', redirectUris: ['https://log.example.com/cb'] });
    // one wrong password then the right one, in the same journey
    const b = t.browser();
    const start = await b.authorize(t.authorize({ client_id: web.appId, response_type: 'code', redirect_uri: web.redirectUris[0], scope: 'openid offline_access', state: 's' }), { stopAt: 'email' });
    const pw = b.page(await b.submit(start.page, { email: alice.email }));
    const wrong = b.page(await b.submit(pw, { password: 'not the password at all 1' }));
    assert.equal(wrong.kind, 'password');
    // an unknown user in another journey
    const b2 = t.browser();
    const s2 = await b2.authorize(t.authorize({ client_id: web.appId, response_type: 'code', redirect_uri: web.redirectUris[0], scope: 'openid', state: 's' }), { stopAt: 'email' });
    const pw2 = b2.page(await b2.submit(s2.page, { email: 'nobody@example.com' }));
    await b2.submit(pw2, { password: 'whatever it is 123' });
    // a full sign-in, an SSO sign-in in the same browser, and a refresh
    const first = await t.signIn(alice, web, { browser: b });
    await t.signIn(null, web, { browser: b });
    const r = await t.refresh(web, first.tokens.refresh_token);
    assert.equal(r.status, 200, r.body);
    const bad = await t.refresh(web, 'not-a-refresh-token');
    assert.equal(bad.status, 400);
  });
  after(async () => p && p.stop());

  test('every attempt is a row, newest first, in the signIn shape', async () => {
    const { value } = await log();
    assert.ok(value.length >= 6, `rows: ${value.length}`);
    for (let i = 1; i < value.length; i++) assert.ok(value[i - 1].createdDateTime >= value[i].createdDateTime, 'newest first');
    const row = value.find((x) => x.status.errorCode === 0 && x.isInteractive && x.userId === alice.id);
    assert.ok(row, 'a successful interactive sign-in of alice');
    assert.equal(row.userPrincipalName, alice.email);
    assert.equal(row.userDisplayName, 'Alice Log');
    assert.equal(row.appId, web.appId);
    assert.equal(row.appDisplayName, 'Log app');
    assert.equal(row.clientAppUsed, 'Browser');
    assert.equal(row.ipAddress, '127.0.0.1');
    assert.equal(row.conditionalAccessStatus, 'notApplied');
    assert.match(row.id, /^[0-9a-f-]{36}$/);
  });

  test('failures carry their reason: wrong password 50126, unknown user 50034', async () => {
    const { value } = await log();
    const wrong = value.find((x) => x.status.errorCode === 50126);
    assert.ok(wrong, 'a 50126 row');
    assert.equal(wrong.userId, alice.id);
    assert.ok(wrong.status.failureReason);
    const unknown = value.find((x) => x.status.errorCode === 50034);
    assert.ok(unknown, 'a 50034 row');
    assert.equal(unknown.userPrincipalName, 'nobody@example.com');
    assert.equal(unknown.userId, '', 'userId is non-nullable in the schema: empty for an unknown user');
  });

  test('refreshes are non-interactive sign-ins, a bad refresh token is 70008', async () => {
    const { value } = await log();
    const ok = value.filter((x) => !x.isInteractive && x.status.errorCode === 0);
    assert.equal(ok.length, 1);
    assert.equal(ok[0].userId, alice.id);
    assert.ok(value.some((x) => !x.isInteractive && x.status.errorCode === 70008));
  });

  test('filters: userId, appId, status/errorCode, createdDateTime, startswith', async () => {
    const byUser = await log(`?$filter=userId eq '${alice.id}'`);
    assert.ok(byUser.value.length >= 3 && byUser.value.every((x) => x.userId === alice.id));
    const byCode = await log(`?$filter=status/errorCode eq 50126`);
    assert.ok(byCode.value.length >= 1 && byCode.value.every((x) => x.status.errorCode === 50126));
    const byApp = await log(`?$filter=appId eq '${web.appId}' and startswith(appDisplayName,'Log')`);
    assert.ok(byApp.value.length >= 4 && byApp.value.every((x) => x.appId === web.appId));
    const future = await log(`?$filter=createdDateTime ge 2099-01-01T00:00:00Z`);
    assert.equal(future.value.length, 0);
    const page = await log('?$top=2');
    assert.equal(page.value.length, 2);
    assert.ok(page['@odata.nextLink'], 'nextLink');
  });

  test('the permission is AuditLog.Read.All and another tenant sees nothing', async () => {
    const none = await t.graph('GET', '/auditLogs/signIns', undefined, { bearer: 'nope' });
    assert.equal(none.status, 401);
    const created = await p.run(['tenant', 'create', '--tenant-name', 'Other', '--subdomain', 'other-log', '--json']);
    const other = JSON.parse(created.stdout);
    const t2 = await tenantFixture(p, { tenantId: other.tenantId, clientId: other.clientId, clientSecret: other.clientSecret, defaultDomain: other.defaultDomain });
    const r = await t2.graph('GET', '/auditLogs/signIns');
    assert.equal(r.status, 200);
    assert.equal(r.json().value.length, 0);
  });
});
