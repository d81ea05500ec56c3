// SPDX-License-Identifier: Apache-2.0
// Applications, service principals and app role assignments through the official Graph SDK
// (@microsoft/microsoft-graph-client) pointed at porch: create/get/list/patch/delete with many
// properties round-tripping, the alternate key applications(appId='…'), redirect URI
// rejections, mass assignment, the Graph error envelope, filters/$select/paging, passwords
// added and removed (and expired) at the token endpoint, a certificate in keyCredentials used
// for private_key_jwt, servicePrincipals, and granting an app role to a second client whose
// next token carries it (and whose writes are refused). A second tenant cannot see the first's
// applications.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GUID_RE, freePort, request, selfSignedCert, startPorch } from './lib/porch.js';
import { GRAPH_SCOPE, graphClient } from './lib/graph.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

async function tokenRequest(p, ca, tenantId, form) {
  return request(`${p.url}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: GRAPH_SCOPE, ...form }).toString(),
  });
}

async function secretToken(p, ca, tenantId, clientId, clientSecret) {
  return tokenRequest(p, ca, tenantId, { client_id: clientId, client_secret: clientSecret });
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

/** A private_key_jwt client assertion signed with keyPem for the certificate der. */
function assertion(clientId, audience, der, keyPem) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') });
  const body = b64({ iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: now, nbf: now, exp: now + 300 });
  const sig = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), keyPem).toString('base64url');
  return `${head}.${body}.${sig}`;
}

const rejects400 = (e) => e.statusCode === 400 && e.code === 'Request_BadRequest';

describe('applications, service principals and app role assignments through the Graph SDK', () => {
  let cert;
  let p;
  let client;
  let token;
  before(async () => {
    cert = await selfSignedCert();
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}` });
    const r = await secretToken(p, cert.ca, p.tenantId, p.init.clientId, p.init.clientSecret);
    assert.equal(r.status, 200, r.body);
    token = r.json().access_token;
    client = graphClient(p, cert, async () => token);
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  test('create, get (both keys), patch and delete round-trip many properties', async () => {
    const body = {
      displayName: 'Round Trip',
      description: 'an app',
      notes: 'n',
      tags: ['t1', 't2'],
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: true,
      nativeAuthenticationApisEnabled: 'all',
      groupMembershipClaims: 'SecurityGroup',
      identifierUris: ['api://round-trip'],
      web: {
        redirectUris: ['https://app.example.com/Callback/', 'http://localhost:3000/cb'],
        logoutUrl: 'https://app.example.com/logout',
        implicitGrantSettings: { enableIdTokenIssuance: true, enableAccessTokenIssuance: false },
      },
      spa: { redirectUris: ['https://spa.example.com'] },
      publicClient: { redirectUris: ['msalround://auth', 'http://127.0.0.1:9999'] },
      api: {
        requestedAccessTokenVersion: 2,
        oauth2PermissionScopes: [{ id: randomUUID(), value: 'Data.Read', isEnabled: true, type: 'User', adminConsentDisplayName: 'r', adminConsentDescription: 'r' }],
      },
      appRoles: [{ id: randomUUID(), value: 'Data.Admin', displayName: 'a', description: 'a', allowedMemberTypes: ['Application'], isEnabled: true }],
      requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', type: 'Scope' }] }],
      info: { privacyStatementUrl: 'https://app.example.com/privacy' },
      optionalClaims: { idToken: [{ name: 'email', essential: false, source: null, additionalProperties: [] }], accessToken: [], saml2Token: [] },
    };
    const app = await client.api('/applications').post(body);
    assert.match(app.id, GUID_RE);
    assert.match(app.appId, GUID_RE);
    assert.match(app.createdDateTime, /Z$/);
    for (const k of Object.keys(body)) {
      if (typeof body[k] !== 'object') assert.deepEqual(app[k], body[k], k);
    }
    assert.deepEqual(app.web.redirectUris, body.web.redirectUris);
    assert.equal(app.web.implicitGrantSettings.enableIdTokenIssuance, true);
    assert.deepEqual(app.appRoles, body.appRoles);
    assert.deepEqual(app.api.oauth2PermissionScopes, body.api.oauth2PermissionScopes);
    assert.deepEqual(app.requiredResourceAccess, body.requiredResourceAccess);
    assert.deepEqual(app.passwordCredentials, []);

    const got = await client.api(`/applications/${app.id}`).get();
    assert.deepEqual({ ...got, '@odata.context': undefined }, { ...app, '@odata.context': undefined });
    const alt = await client.api(`/applications(appId='${app.appId}')`).get();
    assert.equal(alt.id, app.id);

    await client.api(`/applications(appId='${app.appId}')`).patch({ notes: 'changed', web: { redirectUris: ['https://app.example.com/only'] } });
    const patched = await client.api(`/applications/${app.id}`).get();
    assert.equal(patched.notes, 'changed');
    assert.equal(patched.description, 'an app');
    assert.deepEqual(patched.web.redirectUris, ['https://app.example.com/only']);
    assert.equal(patched.web.logoutUrl, 'https://app.example.com/logout');

    // Graph does not create a service principal for a new application
    const sps = await client.api('/servicePrincipals').filter(`appId eq '${app.appId}'`).get();
    assert.equal(sps.value.length, 0);

    await client.api(`/applications/${app.id}`).delete();
    await assert.rejects(client.api(`/applications/${app.id}`).get(), (e) => e.statusCode === 404 && e.code === 'Request_ResourceNotFound');
  });

  test('redirect URIs are validated per platform and the bad one is named', async () => {
    const cases = [
      [{ web: { redirectUris: ['http://evil.example.com/cb'] } }, 'http://evil.example.com/cb'],
      [{ web: { redirectUris: ['https://*.example.com/cb'] } }, 'https://*.example.com/cb'],
      [{ spa: { redirectUris: ['https://spa.example.com/#frag'] } }, 'https://spa.example.com/#frag'],
      [{ spa: { redirectUris: ['myapp://cb'] } }, 'myapp://cb'],
      [{ publicClient: { redirectUris: ['javascript:alert(1)'] } }, 'javascript:alert(1)'],
      [{ web: { redirectUris: ['/relative'] } }, '/relative'],
      [{ web: { redirectUris: ['https://user@app.example.com/'] } }, 'https://user@app.example.com/'],
    ];
    for (const [extra, uri] of cases) {
      await assert.rejects(client.api('/applications').post({ displayName: 'bad', ...extra }), (e) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'Request_BadRequest');
        assert.ok(e.message.includes(uri), e.message);
        return true;
      });
    }
  });

  test('mass assignment, wrong types and malformed bodies get the Graph envelope', async () => {
    const app = await client.api('/applications').post({
      displayName: 'Mass',
      id: '11111111-1111-1111-1111-111111111111',
      createdDateTime: '2000-01-01T00:00:00Z',
    });
    assert.notEqual(app.id, '11111111-1111-1111-1111-111111111111');
    assert.notEqual(app.createdDateTime, '2000-01-01T00:00:00Z');
    for (const bad of [
      { appId: randomUUID() },
      { publisherDomain: 'evil.com' },
      { passwordCredentials: [{ secretText: 'x' }] },
      { unknownProp: 1 },
      { tags: 'notalist' },
      { isFallbackPublicClient: 'yes' },
      { web: { unknown: 1 } },
      { signInAudience: 'Everyone' },
      { appRoles: [{ id: 'not-a-guid', value: 'x', isEnabled: true, allowedMemberTypes: ['Application'] }] },
      { '@odata.type': '#microsoft.graph.user' },
    ]) {
      await assert.rejects(client.api(`/applications/${app.id}`).patch(bad), rejects400, JSON.stringify(bad));
    }
    const dupRole = { id: randomUUID(), value: 'Same', isEnabled: true, allowedMemberTypes: ['Application'] };
    await assert.rejects(
      client.api(`/applications/${app.id}`).patch({ appRoles: [dupRole, { ...dupRole, id: randomUUID() }] }),
      rejects400,
    );
    const r = await request(`${p.url}/v1.0/applications`, {
      method: 'POST',
      ca: cert.ca,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"displayName":',
    });
    assert.equal(r.status, 400);
    const b = r.json();
    assert.equal(b.error.code, 'Request_BadRequest');
    assert.match(b.error.innerError['request-id'], GUID_RE);
    await client.api(`/applications/${app.id}`).delete();
  });

  test('filters, $select and paging', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await client.api('/applications').post({ displayName: `Pager ${i}` }));
    const eq = await client.api('/applications').filter("displayName eq 'Pager 1'").get();
    assert.deepEqual(eq.value.map((a) => a.id), [made[1].id]);
    const sw = await client.api('/applications').filter("startswith(displayName,'Pager')").select(['id', 'displayName']).get();
    assert.equal(sw.value.length, 3);
    assert.deepEqual(Object.keys(sw.value[0]).sort(), ['displayName', 'id']);
    const byAppId = await client.api('/applications').filter(`appId eq '${made[2].appId}'`).get();
    assert.equal(byAppId.value[0].id, made[2].id);
    const page1 = await client.api('/applications').filter("startswith(displayName,'Pager')").top(2).get();
    assert.equal(page1.value.length, 2);
    assert.ok(page1['@odata.nextLink']);
    const page2 = await client.api(page1['@odata.nextLink']).get();
    assert.equal(page2.value.length, 1);
    for (const a of made) await client.api(`/applications/${a.id}`).delete();
  });

  test('addPassword gives a working secret once; removePassword and expiry stop it', async () => {
    const app = await client.api('/applications').post({ displayName: 'Secrets' });
    await client.api('/servicePrincipals').post({ appId: app.appId });
    const pw = await client.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'ci' } });
    assert.ok(pw.secretText.length >= 40);
    assert.equal(pw.hint, pw.secretText.slice(0, 3));
    assert.match(pw.keyId, GUID_RE);
    const days = (Date.parse(pw.endDateTime) - Date.parse(pw.startDateTime)) / 86400000;
    assert.ok(days >= 729 && days <= 732, `${days}`);
    const listed = await client.api(`/applications/${app.id}`).get();
    assert.equal(listed.passwordCredentials.length, 1);
    assert.equal(listed.passwordCredentials[0].secretText, null);
    assert.equal(listed.passwordCredentials[0].hint, pw.hint);
    assert.ok(!JSON.stringify(listed).includes(pw.secretText));

    let r = await secretToken(p, cert.ca, p.tenantId, app.appId, pw.secretText);
    assert.equal(r.status, 200, r.body);
    await client.api(`/applications/${app.id}/removePassword`).post({ keyId: pw.keyId });
    r = await secretToken(p, cert.ca, p.tenantId, app.appId, pw.secretText);
    assert.equal(r.status, 401, r.body);
    assert.equal(r.json().error, 'invalid_client');
    await assert.rejects(
      client.api(`/applications/${app.id}/removePassword`).post({ keyId: pw.keyId }),
      (e) => e.statusCode === 404,
    );

    const past = await client.api(`/applications(appId='${app.appId}')/addPassword`).post({
      passwordCredential: { startDateTime: '2020-01-01T00:00:00Z', endDateTime: '2020-01-02T00:00:00Z' },
    });
    r = await secretToken(p, cert.ca, p.tenantId, app.appId, past.secretText);
    assert.equal(r.status, 401, r.body);
    assert.match(r.json().error_description, /AADSTS7000222/);

    const audits = await client.api('/auditLogs/directoryAudits').filter(`targetResources/any(t:t/id eq '${app.id}')`).get();
    assert.ok(audits.value.length >= 3);
    assert.ok(!JSON.stringify(audits).includes(pw.secretText));
    await client.api(`/applications/${app.id}`).delete();
  });

  test('a certificate in keyCredentials works for private_key_jwt', async () => {
    const kc = await selfSignedCert();
    try {
      const der = new X509Certificate(kc.ca).raw;
      const keyPem = await readFile(kc.key, 'utf8');
      const app = await client.api('/applications').post({
        displayName: 'Cert client',
        keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: der.toString('base64'), displayName: 'CN=test' }],
      });
      assert.equal(app.keyCredentials.length, 1);
      assert.match(app.keyCredentials[0].keyId, GUID_RE);
      assert.equal(app.keyCredentials[0].key, null);
      const sel = await client.api(`/applications/${app.id}`).select(['keyCredentials']).get();
      assert.equal(sel.keyCredentials[0].key, der.toString('base64'));
      await client.api('/servicePrincipals').post({ appId: app.appId });
      const r = await tokenRequest(p, cert.ca, p.tenantId, {
        client_id: app.appId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion(app.appId, p.init.tokenEndpoint, der, keyPem),
      });
      assert.equal(r.status, 200, r.body);
      // PATCH keeping the certificate by keyId alone
      await client.api(`/applications/${app.id}`).patch({ keyCredentials: [{ ...app.keyCredentials[0], key: null }] });
      const kept = await client.api(`/applications/${app.id}`).select(['keyCredentials']).get();
      assert.equal(kept.keyCredentials[0].key, der.toString('base64'));
      await assert.rejects(
        client.api(`/applications/${app.id}`).patch({ keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: 'bm90IGEgY2VydA==' }] }),
        rejects400,
      );
      await client.api(`/applications/${app.id}`).delete();
    } finally {
      await kc.cleanup();
    }
  });

  test('servicePrincipals: create, alternate key, built-in Graph, conflicts', async () => {
    const app = await client.api('/applications').post({ displayName: 'SP app' });
    await assert.rejects(client.api('/servicePrincipals').post({ appId: randomUUID() }), rejects400);
    const sp = await client.api('/servicePrincipals').post({ appId: app.appId, notes: 'hi' });
    assert.equal(sp.appId, app.appId);
    assert.equal(sp.displayName, 'SP app');
    assert.equal(sp.notes, 'hi');
    assert.ok(sp.servicePrincipalNames.includes(app.appId));
    await assert.rejects(client.api('/servicePrincipals').post({ appId: app.appId }), (e) => e.statusCode === 409);
    const alt = await client.api(`/servicePrincipals(appId='${app.appId}')`).get();
    assert.equal(alt.id, sp.id);
    await client.api(`/servicePrincipals/${sp.id}`).patch({ appRoleAssignmentRequired: true });
    assert.equal((await client.api(`/servicePrincipals/${sp.id}`).get()).appRoleAssignmentRequired, true);
    const graph = await client.api(`/servicePrincipals(appId='${GRAPH_APP_ID}')`).get();
    assert.ok(graph.appRoles.some((r) => r.value === 'User.Read.All'));
    await assert.rejects(client.api(`/servicePrincipals/${graph.id}`).delete(), rejects400);
    await client.api(`/applications/${app.id}`).delete();
    await assert.rejects(client.api(`/servicePrincipals/${sp.id}`).get(), (e) => e.statusCode === 404);
  });

  test('appRoleAssignedTo grants a role that the next token carries', async () => {
    const app = await client.api('/applications').post({ displayName: 'Reader' });
    const sp = await client.api('/servicePrincipals').post({ appId: app.appId });
    const pw = await client.api(`/applications/${app.id}/addPassword`).post({});
    const graph = await client.api(`/servicePrincipals(appId='${GRAPH_APP_ID}')`).get();
    const role = graph.appRoles.find((r) => r.value === 'Organization.Read.All');

    let r = await secretToken(p, cert.ca, p.tenantId, app.appId, pw.secretText);
    assert.equal(r.status, 200, r.body);
    assert.equal(claims(r.json().access_token).roles, undefined);

    const a = await client.api(`/servicePrincipals/${graph.id}/appRoleAssignedTo`).post({
      principalId: sp.id, resourceId: graph.id, appRoleId: role.id,
    });
    assert.equal(a.principalType, 'ServicePrincipal');
    assert.equal(a.principalDisplayName, 'Reader');
    assert.equal(a.resourceDisplayName, 'Microsoft Graph');
    await assert.rejects(
      client.api(`/servicePrincipals/${graph.id}/appRoleAssignedTo`).post({ principalId: sp.id, resourceId: graph.id, appRoleId: role.id }),
      rejects400,
    );
    await assert.rejects(
      client.api(`/servicePrincipals/${graph.id}/appRoleAssignedTo`).post({ principalId: sp.id, resourceId: graph.id, appRoleId: randomUUID() }),
      rejects400,
    );
    const mine = await client.api(`/servicePrincipals/${sp.id}/appRoleAssignments`).get();
    assert.deepEqual(mine.value.map((x) => x.id), [a.id]);

    r = await secretToken(p, cert.ca, p.tenantId, app.appId, pw.secretText);
    const t2 = r.json().access_token;
    assert.deepEqual(claims(t2).roles, ['Organization.Read.All']);
    const reader = graphClient(p, cert, async () => t2);
    const org = await reader.api('/organization').get();
    assert.equal(org.value[0].id, p.tenantId);
    await assert.rejects(reader.api(`/organization/${p.tenantId}`).patch({ displayName: 'x' }), (e) => e.statusCode === 403 && e.code === 'Authorization_RequestDenied');
    await assert.rejects(reader.api('/applications').get(), (e) => e.statusCode === 403);

    await client.api(`/servicePrincipals/${graph.id}/appRoleAssignedTo/${a.id}`).delete();
    r = await secretToken(p, cert.ca, p.tenantId, app.appId, pw.secretText);
    assert.equal(claims(r.json().access_token).roles, undefined);
    await client.api(`/applications/${app.id}`).delete();
  });

  test('another tenant cannot see this tenant\'s applications', async () => {
    const app = await client.api('/applications').post({ displayName: 'Private' });
    const r = await p.run(['init', '--tenant-name', 'Fabrikam', '--subdomain', 'fabrikam', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const other = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    const t = await secretToken(p, cert.ca, other.tenantId, other.clientId, other.clientSecret);
    assert.equal(t.status, 200, t.body);
    const tok = t.json().access_token;
    const otherClient = graphClient(p, cert, async () => tok);
    await assert.rejects(otherClient.api(`/applications/${app.id}`).get(), (e) => e.statusCode === 404);
    await assert.rejects(otherClient.api(`/applications(appId='${app.appId}')`).patch({ notes: 'x' }), (e) => e.statusCode === 404);
    await assert.rejects(otherClient.api(`/applications/${app.id}`).delete(), (e) => e.statusCode === 404);
    const list = await otherClient.api('/applications').get();
    assert.ok(!list.value.some((a) => a.id === app.id));
    await client.api(`/applications/${app.id}`).delete();
  });
});
