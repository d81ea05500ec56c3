// SPDX-License-Identifier: Apache-2.0
// Consent and ownership through the official Graph SDK (@microsoft/microsoft-graph-client)
// pointed at porch: oauth2PermissionGrants (admin consent for delegated scopes, checked against
// the resource's oauth2PermissionScopes, one per client/resource/consent type/principal), the
// service principal created on a client's first token request, applications/{id}/owners with
// $ref, applications/{id}/extensionProperties used as user attributes, and a client granted only
// User.Read.All that can read users but is refused (and audited) when it writes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@microsoft/microsoft-graph-client';
import { GUID_RE, freePort, request, selfSignedCert, startPorch } from './lib/porch.js';
import { GRAPH_SCOPE, graphClient } from './lib/graph.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const STRONG = 'correct horse battery staple 42';

async function secretToken(p, ca, clientId, clientSecret) {
  return request(`${p.url}/${p.tenantId}/oauth2/v2.0/token`, {
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
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

const rejectsWith = (status, code, re) => (e) =>
  e.statusCode === status && e.code === code && (!re || re.test(e.message));

let seq = 0;
async function newUser(client, domain) {
  seq += 1;
  return client.api('/users').post({
    displayName: `Consent User ${seq}`,
    identities: [{ signInType: 'emailAddress', issuer: domain, issuerAssignedId: `consent${seq}-${Date.now()}@example.com` }],
    passwordProfile: { password: STRONG, forceChangePasswordNextSignIn: false },
    passwordPolicies: 'DisablePasswordExpiration',
  });
}

describe('consent, owners and extension properties through the Graph SDK', () => {
  let cert;
  let p;
  let client;
  let graphSp;
  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}` });
    const r = await secretToken(p, cert.ca, p.init.clientId, p.init.clientSecret);
    assert.equal(r.status, 200, r.body);
    client = graphClient(p, cert, r.json().access_token);
    graphSp = await client.api(`/servicePrincipals(appId='${GRAPH_APP_ID}')`).get();
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  test('oauth2PermissionGrants: create, list with filters, get, patch scope, delete', async () => {
    const app = await client.api('/applications').post({ displayName: 'Delegated Client' });
    const sp = await client.api('/servicePrincipals').post({ appId: app.appId });
    const user = await newUser(client, p.init.defaultDomain);

    const all = await client.api('/oauth2PermissionGrants').post({
      clientId: sp.id, consentType: 'AllPrincipals', resourceId: graphSp.id, scope: 'openid  profile User.Read openid',
    });
    assert.match(all.id, GUID_RE);
    assert.deepEqual({ ...all, '@odata.context': undefined }, {
      '@odata.context': undefined, id: all.id, clientId: sp.id, consentType: 'AllPrincipals', principalId: null,
      resourceId: graphSp.id, scope: 'openid profile User.Read',
    });
    const one = await client.api('/oauth2PermissionGrants').post({
      clientId: sp.id, consentType: 'Principal', principalId: user.id, resourceId: graphSp.id, scope: 'email',
    });
    assert.equal(one.principalId, user.id);

    // one grant per client, resource, consent type and principal: 409 as Graph answers
    await assert.rejects(
      client.api('/oauth2PermissionGrants').post({ clientId: sp.id, consentType: 'AllPrincipals', resourceId: graphSp.id, scope: 'email' }),
      rejectsWith(409, 'Request_MultipleObjectsWithSameKeyValue', /already exists/),
    );
    // bad references and bad combinations are 400
    const bad = [
      [{ clientId: sp.id, consentType: 'AllPrincipals', resourceId: graphSp.id, scope: 'Directory.Everything' }, /Directory\.Everything/],
      [{ clientId: graphSp.id, consentType: 'AllPrincipals', resourceId: sp.id, scope: 'openid' }, /scope/],
      [{ clientId: user.id, consentType: 'AllPrincipals', resourceId: graphSp.id, scope: 'openid' }, /clientId/],
      [{ clientId: sp.id, consentType: 'AllPrincipals', resourceId: user.id, scope: 'openid' }, /resourceId/],
      [{ clientId: sp.id, consentType: 'AllPrincipals', principalId: user.id, resourceId: graphSp.id, scope: 'openid' }, /principalId/],
      [{ clientId: sp.id, consentType: 'Principal', resourceId: graphSp.id, scope: 'openid' }, /principalId/],
      [{ clientId: sp.id, consentType: 'Principal', principalId: sp.id, resourceId: graphSp.id, scope: 'openid' }, /principalId/],
      [{ clientId: sp.id, consentType: 'Everyone', resourceId: graphSp.id, scope: 'openid' }, /consentType/],
      [{ clientId: sp.id, resourceId: graphSp.id, scope: 'openid' }, /consentType/],
    ];
    for (const [body, re] of bad) {
      await assert.rejects(client.api('/oauth2PermissionGrants').post(body), rejectsWith(400, 'Request_BadRequest', re), JSON.stringify(body));
    }

    const byClient = await client.api('/oauth2PermissionGrants').filter(`clientId eq '${sp.id}'`).get();
    assert.deepEqual(byClient.value.map((g) => g.id).sort(), [all.id, one.id].sort());
    const byType = await client.api('/oauth2PermissionGrants').filter(`clientId eq '${sp.id}' and consentType eq 'Principal'`).get();
    assert.deepEqual(byType.value.map((g) => g.id), [one.id]);
    const byResource = await client.api('/oauth2PermissionGrants').filter(`resourceId eq '${graphSp.id}'`).select('id,scope').get();
    assert.ok(byResource.value.some((g) => g.id === all.id && g.scope === 'openid profile User.Read' && !('clientId' in g)));
    const nav = await client.api(`/servicePrincipals/${sp.id}/oauth2PermissionGrants`).get();
    assert.equal(nav.value.length, 2);
    await assert.rejects(client.api('/oauth2PermissionGrants').filter(`scope eq 'openid'`).get(), (e) => e.statusCode === 400);

    await client.api(`/oauth2PermissionGrants/${all.id}`).patch({ scope: 'openid offline_access' });
    assert.equal((await client.api(`/oauth2PermissionGrants/${all.id}`).get()).scope, 'openid offline_access');
    await assert.rejects(client.api(`/oauth2PermissionGrants/${all.id}`).patch({ scope: 'nope' }), rejectsWith(400, 'Request_BadRequest', /nope/));
    await assert.rejects(client.api(`/oauth2PermissionGrants/${all.id}`).patch({ clientId: graphSp.id }), rejectsWith(400, 'Request_BadRequest', /read-only/));

    await client.api(`/oauth2PermissionGrants/${one.id}`).delete();
    await assert.rejects(client.api(`/oauth2PermissionGrants/${one.id}`).get(), rejectsWith(404, 'Request_ResourceNotFound'));
    await assert.rejects(client.api(`/oauth2PermissionGrants/${one.id}`).delete(), rejectsWith(404, 'Request_ResourceNotFound'));
    await assert.rejects(client.api('/oauth2PermissionGrants/not-a-guid').get(), rejectsWith(404, 'Request_ResourceNotFound'));

    const audits = await client.api('/auditLogs/directoryAudits').filter("category eq 'ApplicationManagement'").get();
    const names = audits.value.map((a) => a.activityDisplayName);
    for (const n of ['Add delegated permission grant', 'Update delegated permission grant', 'Remove delegated permission grant']) {
      assert.ok(names.includes(n), n);
    }

    // deleting the client's service principal takes its grants with it
    await client.api(`/servicePrincipals/${sp.id}`).delete();
    await assert.rejects(client.api(`/oauth2PermissionGrants/${all.id}`).get(), rejectsWith(404, 'Request_ResourceNotFound'));
  });

  test('the first token request creates the client\'s service principal; a disabled one is refused', async () => {
    const app = await client.api('/applications').post({ displayName: 'First Use' });
    const pw = await client.api(`/applications/${app.id}/addPassword`).post({});
    const none = await client.api('/servicePrincipals').filter(`appId eq '${app.appId}'`).get();
    assert.equal(none.value.length, 0);

    const [a, b] = await Promise.all([
      secretToken(p, cert.ca, app.appId, pw.secretText),
      secretToken(p, cert.ca, app.appId, pw.secretText),
    ]);
    assert.equal(a.status, 200, a.body);
    assert.equal(b.status, 200, b.body);
    const sp = await client.api(`/servicePrincipals(appId='${app.appId}')`).get();
    assert.equal(sp.accountEnabled, true);
    assert.equal(sp.displayName, 'First Use');
    assert.equal(claims(a.json().access_token).oid, sp.id);
    assert.equal(claims(b.json().access_token).oid, sp.id);
    assert.equal(claims(a.json().access_token).roles, undefined);
    const all = await client.api('/servicePrincipals').filter(`appId eq '${app.appId}'`).get();
    assert.equal(all.value.length, 1);

    await client.api(`/servicePrincipals/${sp.id}`).patch({ accountEnabled: false });
    const r = await secretToken(p, cert.ca, app.appId, pw.secretText);
    assert.equal(r.status, 400, r.body);
    assert.equal(r.json().error, 'unauthorized_client');
    assert.deepEqual(r.json().error_codes, [7000112]);
    assert.match(r.json().error_description, /^AADSTS7000112: /);
  });

  test('applications/{id}/owners: add by $ref (users and service principals), list, remove', async () => {
    const app = await client.api('/applications').post({ displayName: 'Owned' });
    const other = await client.api('/applications').post({ displayName: 'Owner App' });
    const ownerSp = await client.api('/servicePrincipals').post({ appId: other.appId });
    const user = await newUser(client, p.init.defaultDomain);
    assert.deepEqual((await client.api(`/applications/${app.id}/owners`).get()).value, []);

    await client.api(`/applications/${app.id}/owners/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
    await client.api(`/applications(appId='${app.appId}')/owners/$ref`).post({ '@odata.id': `${p.url}/v1.0/directoryObjects/${ownerSp.id.toUpperCase()}` });
    const owners = await client.api(`/applications/${app.id}/owners`).get();
    assert.match(owners['@odata.context'], /\$metadata#directoryObjects$/);
    assert.deepEqual(owners.value.map((o) => [o['@odata.type'], o.id, o.displayName]), [
      ['#microsoft.graph.user', user.id, user.displayName],
      ['#microsoft.graph.servicePrincipal', ownerSp.id, 'Owner App'],
    ]);
    assert.equal(owners.value[1].appId, other.appId);
    const sel = await client.api(`/applications/${app.id}/owners`).select('id').get();
    assert.deepEqual(Object.keys(sel.value[0]).sort(), ['@odata.type', 'id']);
    // owners are not a property of the application itself
    const got = await client.api(`/applications/${app.id}`).get();
    assert.equal(got['porch:owners'], undefined);

    await assert.rejects(
      client.api(`/applications/${app.id}/owners/$ref`).post({ '@odata.id': `https://example.com/v1.0/directoryObjects/${user.id}` }),
      rejectsWith(400, 'Request_BadRequest', /One or more added object references already exist for the following modified properties: 'owners'\./),
    );
    await assert.rejects(
      client.api(`/applications/${app.id}/owners/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${other.id}` }),
      rejectsWith(404, 'Request_ResourceNotFound'),
    );
    await assert.rejects(
      client.api(`/applications/${app.id}/owners/$ref`).post({ '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/nope' }),
      rejectsWith(400, 'Request_BadRequest', /nope/),
    );
    await assert.rejects(client.api(`/applications/${app.id}/owners/$ref`).post({}), rejectsWith(400, 'Request_BadRequest'));
    await assert.rejects(
      client.api(`/applications/${other.appId}/owners/$ref`).post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` }),
      rejectsWith(404, 'Request_ResourceNotFound'),
    );

    await client.api(`/applications/${app.id}/owners/${user.id}/$ref`).delete();
    await assert.rejects(client.api(`/applications/${app.id}/owners/${user.id}/$ref`).delete(), rejectsWith(404, 'Request_ResourceNotFound'));
    const left = await client.api(`/applications/${app.id}/owners`).get();
    assert.deepEqual(left.value.map((o) => o.id), [ownerSp.id]);
    // an owner deleted from the directory drops out of the list
    await client.api(`/servicePrincipals/${ownerSp.id}`).delete();
    assert.deepEqual((await client.api(`/applications/${app.id}/owners`).get()).value, []);

    const audits = await client.api('/auditLogs/directoryAudits').filter(`targetResources/any(t:t/id eq '${app.id}')`).get();
    const names = audits.value.map((a) => a.activityDisplayName);
    assert.ok(names.includes('Add owner to application'), names.join());
    assert.ok(names.includes('Remove owner from application'), names.join());
  });

  test('applications/{id}/extensionProperties declare user attributes that users then carry', async () => {
    const app = await client.api('/applications').post({ displayName: 'b2c-extensions-app' });
    const hex = app.appId.replace(/-/g, '');
    const xp = await client.api(`/applications/${app.id}/extensionProperties`).post({ name: 'loyaltyNumber', dataType: 'string', targetObjects: ['user'] });
    assert.match(xp.id, GUID_RE);
    assert.deepEqual({ ...xp, '@odata.context': undefined }, {
      '@odata.context': undefined, id: xp.id, deletedDateTime: null, appDisplayName: 'b2c-extensions-app', dataType: 'String',
      isMultiValued: false, isSyncedFromOnPremises: false, name: `extension_${hex}_loyaltyNumber`, targetObjects: ['User'],
    });
    const flag = await client.api(`/applications(appId='${app.appId}')/extensionProperties`).post({ name: 'vip', dataType: 'Boolean', targetObjects: ['User', 'Application'] });
    assert.equal(flag.name, `extension_${hex}_vip`);

    await assert.rejects(
      client.api(`/applications/${app.id}/extensionProperties`).post({ name: 'loyaltyNumber', dataType: 'String', targetObjects: ['User'] }),
      rejectsWith(409, 'Request_MultipleObjectsWithSameKeyValue'),
    );
    for (const [body, prop] of [
      [{ name: 'bad-name', dataType: 'String', targetObjects: ['User'] }, 'name'],
      [{ name: 'x', dataType: 'Float', targetObjects: ['User'] }, 'dataType'],
      [{ name: 'x', dataType: 'String', targetObjects: ['Printer'] }, 'targetObjects'],
      [{ name: 'x', dataType: 'String', targetObjects: [] }, 'targetObjects'],
      [{ name: 'x'.repeat(121), dataType: 'String', targetObjects: ['User'] }, 'name'],
      [{ name: 'x', dataType: 'String' }, 'targetObjects'],
    ]) {
      await assert.rejects(client.api(`/applications/${app.id}/extensionProperties`).post(body), rejectsWith(400, 'Request_BadRequest', new RegExp(`'${prop}'`)), prop);
    }

    const list = await client.api(`/applications/${app.id}/extensionProperties`).get();
    assert.deepEqual(list.value.map((x) => x.name), [`extension_${hex}_loyaltyNumber`, `extension_${hex}_vip`]);
    const one = await client.api(`/applications/${app.id}/extensionProperties`).filter(`name eq 'extension_${hex}_vip'`).get();
    assert.deepEqual(one.value.map((x) => x.id), [flag.id]);
    assert.equal((await client.api(`/applications/${app.id}/extensionProperties/${xp.id}`).get()).name, xp.name);

    // a user carries the registered attributes and returns them when $select names them
    const user = await newUser(client, p.init.defaultDomain);
    await client.api(`/users/${user.id}`).patch({ [xp.name]: 'L-1234', [flag.name]: true });
    const got = await client.api(`/users/${user.id}`).select(`id,${xp.name},${flag.name}`).get();
    assert.equal(got[xp.name], 'L-1234');
    assert.equal(got[flag.name], true);
    const plain = await client.api(`/users/${user.id}`).get();
    assert.equal(plain[xp.name], undefined);
    await assert.rejects(client.api(`/users/${user.id}`).patch({ [flag.name]: 'yes' }), rejectsWith(400, 'Request_BadRequest'));
    await assert.rejects(
      client.api(`/users/${user.id}`).patch({ [`extension_${hex}_unregistered`]: 'x' }),
      rejectsWith(400, 'Request_BadRequest', /does not exist/),
    );

    await client.api(`/applications/${app.id}/extensionProperties/${xp.id}`).delete();
    await assert.rejects(client.api(`/applications/${app.id}/extensionProperties/${xp.id}`).delete(), rejectsWith(404, 'Request_ResourceNotFound'));
    await assert.rejects(client.api(`/users/${user.id}`).patch({ [xp.name]: 'L-9' }), rejectsWith(400, 'Request_BadRequest', /does not exist/));
    const other = await client.api('/applications').post({ displayName: 'Other' });
    await assert.rejects(client.api(`/applications/${other.id}/extensionProperties/${flag.id}`).get(), rejectsWith(404, 'Request_ResourceNotFound'));

    // deleting the application deletes its extension properties
    await client.api(`/applications/${app.id}`).delete();
    await assert.rejects(client.api(`/users/${user.id}`).patch({ [flag.name]: false }), rejectsWith(400, 'Request_BadRequest', /does not exist/));
  });

  test('a client granted only User.Read.All lists users, is refused POST /users, and the refusal is audited', async () => {
    const app = await client.api('/applications').post({ displayName: 'Reader Only' });
    const sp = await client.api('/servicePrincipals').post({ appId: app.appId });
    const pw = await client.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'ci' } });
    const role = graphSp.appRoles.find((x) => x.value === 'User.Read.All');
    await client.api(`/servicePrincipals/${graphSp.id}/appRoleAssignedTo`).post({ principalId: sp.id, resourceId: graphSp.id, appRoleId: role.id });
    await newUser(client, p.init.defaultDomain);

    const r = await secretToken(p, cert.ca, app.appId, pw.secretText);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(claims(r.json().access_token).roles, ['User.Read.All']);
    const reader = graphClient(p, cert, r.json().access_token);
    const users = await reader.api('/users').get();
    assert.ok(users.value.length >= 1);

    await assert.rejects(
      reader.api('/users').post({
        displayName: 'Nope',
        identities: [{ signInType: 'emailAddress', issuer: p.init.defaultDomain, issuerAssignedId: 'nope@example.com' }],
        passwordProfile: { password: STRONG },
      }),
      rejectsWith(403, 'Authorization_RequestDenied', /Insufficient privileges to complete the operation\./),
    );
    await assert.rejects(reader.api('/oauth2PermissionGrants').get(), rejectsWith(403, 'Authorization_RequestDenied'));
    await assert.rejects(reader.api('/auditLogs/directoryAudits').get(), rejectsWith(403, 'Authorization_RequestDenied'));

    const audits = await client.api('/auditLogs/directoryAudits')
      .filter(`initiatedBy/app/appId eq '${app.appId}' and result eq 'failure'`).get();
    const denied = audits.value.find((a) => a.targetResources.some((t) => t.displayName === 'POST /v1.0/users'));
    assert.ok(denied, JSON.stringify(audits.value));
    assert.equal(denied.result, 'failure');
    assert.equal(denied.category, 'Authorization');
    assert.equal(denied.initiatedBy.app.servicePrincipalId, sp.id);
  });
});
