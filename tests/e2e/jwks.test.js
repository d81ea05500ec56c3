// SPDX-License-Identifier: Apache-2.0
// The tenant's JWKS (entra-compat.md §4.1; conformance: CheckForKeyIdInServerJWKs,
// EnsureServerJwksDoesNotContainPrivateOrSymmetricKeys, oidcc-server-rotate-keys).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import * as jose from 'jose';
import { assertUnknownTenant } from './lib/checks.js';
import { eventually, startPorch } from './lib/porch.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function checkKeySet(jwks) {
  assert.ok(jwks && Array.isArray(jwks.keys), 'a {"keys":[…]} object');
  assert.ok(jwks.keys.length >= 1, 'at least one key');
  const kids = new Set();
  for (const k of jwks.keys) {
    assert.equal(k.kty, 'RSA');
    assert.equal(k.use, 'sig');
    assert.equal(k.alg, 'RS256');
    assert.equal(typeof k.kid, 'string');
    assert.ok(k.kid.length > 0, 'kid present');
    assert.ok(!kids.has(k.kid), `duplicate kid ${k.kid}`);
    kids.add(k.kid);
    for (const m of PRIVATE_MEMBERS) assert.ok(!(m in k), `private/symmetric member "${m}" published for kid ${k.kid}`);
    assert.match(k.n, /^[A-Za-z0-9_-]+$/, 'n is base64url without padding');
    assert.match(k.e, /^[A-Za-z0-9_-]+$/, 'e is base64url without padding');
    const n = Buffer.from(k.n, 'base64url');
    assert.ok(n.length >= 256, `modulus of ${n.length * 8} bits is under 2048`);
    assert.notEqual(n[0], 0, 'n has no leading zero octet');
    const pub = createPublicKey({ key: { kty: k.kty, n: k.n, e: k.e }, format: 'jwk' });
    assert.equal(pub.asymmetricKeyType, 'rsa');
  }
  return [...kids];
}

async function fetchKeys(p, ref) {
  const r = await p.get(`/${ref}/discovery/v2.0/keys`);
  assert.equal(r.status, 200, `keys via ${ref}: ${r.status} ${r.body}`);
  assert.match(r.headers['content-type'] || '', /^application\/json/);
  return r.json();
}

describe('JWKS', () => {
  let p;
  let jwks;
  before(async () => {
    p = await startPorch({ subdomain: 'woodgrove' });
    jwks = await fetchKeys(p, p.tenantId);
  });
  after(() => p?.stop());

  test('publishes RSA signing keys with kids and public members only', () => {
    checkKeySet(jwks);
  });

  test('is the document at the discovery jwks_uri, and the same via every alias', async () => {
    const d = (await p.get(`/${p.init.subdomain}/v2.0/.well-known/openid-configuration`)).json();
    assert.equal(d.jwks_uri, `${p.url}/${p.tenantId}/discovery/v2.0/keys`);
    for (const ref of [p.init.subdomain, p.init.defaultDomain]) assert.deepEqual(await fetchKeys(p, ref), jwks);
    const r = await p.get(d.jwks_uri.slice(p.url.length));
    assert.match(r.headers['cache-control'] || '', /max-age=\d+/);
    assert.equal(r.headers['access-control-allow-origin'], '*');
  });

  test("jose's createRemoteJWKSet fetches it and resolves each key by kid", async () => {
    const set = jose.createRemoteJWKSet(new URL(`${p.url}/${p.tenantId}/discovery/v2.0/keys`));
    for (const k of jwks.keys) {
      const key = await set({ alg: 'RS256', kid: k.kid });
      assert.equal(key.type, 'public');
      const exported = await jose.exportJWK(key);
      assert.equal(exported.n, k.n);
    }
    await assert.rejects(set({ alg: 'RS256', kid: 'no-such-kid' }), /no applicable key|JWKSNoMatchingKey/i);
  });

  test('unknown tenant → 404 AADSTS90002', async () => {
    assertUnknownTenant(await p.get('/nosuchtenant/discovery/v2.0/keys'), 'keys of unknown tenant');
    assertUnknownTenant(await p.get('/11111111-2222-4333-8444-555555555555/discovery/v2.0/keys'), 'keys of unknown GUID');
  });

  test('tenants do not share keys', async () => {
    const r = await p.run(['tenant', 'create', '--tenant-name', 'Other', '--subdomain', 'otherkeys', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const other = await fetchKeys(p, 'otherkeys');
    checkKeySet(other);
    const mine = new Set(jwks.keys.map((k) => k.n));
    for (const k of other.keys) assert.ok(!mine.has(k.n), 'the same RSA key serves two tenants');
  });
});

describe('key rotation', () => {
  let p;
  before(async () => {
    p = await startPorch({ subdomain: 'rotator' });
  });
  after(() => p?.stop());

  function checkRotateJson(out, tenantId) {
    assert.equal(typeof out.kid, 'string');
    assert.ok(out.kid.length > 0);
    assert.equal(out.alg, 'RS256');
    assert.equal(out.tenantId, tenantId);
    assert.match(out.activeAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    return Date.parse(out.activeAt);
  }

  test('a rotated key is published at once, and the old keys stay', async () => {
    const before = checkKeySet(await fetchKeys(p, p.tenantId));
    const t0 = Date.now();
    const r = await p.run(['keys', 'rotate', '--tenant', p.init.subdomain, '--activation-delay', '0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const activeAt = checkRotateJson(out, p.tenantId);
    assert.ok(!before.includes(out.kid), 'new kid is new');
    assert.ok(activeAt <= Date.now() + 5000 && activeAt >= t0 - 5000, `activeAt ${out.activeAt} is now`);

    // Served with --discovery-cache-ttl 0: visible on the next request (allow 2 s of slack).
    const kids = await eventually(
      async () => {
        const ks = checkKeySet(await fetchKeys(p, p.tenantId));
        return ks.includes(out.kid) ? ks : null;
      },
      { timeoutMs: 2500, what: `kid ${out.kid} in JWKS` },
    );
    for (const k of before) assert.ok(kids.includes(k), `old kid ${k} dropped at rotation`);
    assert.equal(kids.length, before.length + 1);
  });

  test('--activation-delay sets activeAt in the future; the key is still published at once', async () => {
    const t0 = Date.now();
    const r = await p.run(['keys', 'rotate', '--tenant', p.init.defaultDomain, '--activation-delay', '3600', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const activeAt = checkRotateJson(out, p.tenantId);
    assert.ok(Math.abs(activeAt - (t0 + 3600 * 1000)) < 60 * 1000, `activeAt ${out.activeAt} is about an hour from now`);
    await eventually(async () => checkKeySet(await fetchKeys(p, p.tenantId)).includes(out.kid), {
      timeoutMs: 2500,
      what: `pending kid ${out.kid} in JWKS`,
    });
  });

  test('--key-activation-delay (global option) is the default delay of keys rotate', async () => {
    const t0 = Date.now();
    const r = await p.run(['keys', 'rotate', '--tenant', p.tenantId, '--key-activation-delay', '600', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const activeAt = checkRotateJson(JSON.parse(r.stdout), p.tenantId);
    assert.ok(Math.abs(activeAt - (t0 + 600 * 1000)) < 60 * 1000, `activeAt ${new Date(activeAt).toISOString()} is about 10 min from now`);
  });

  test('a bad --activation-delay exits 2 with one line naming it, and adds no key', async () => {
    const before = checkKeySet(await fetchKeys(p, p.tenantId));
    const r = await p.run(['keys', 'rotate', '--tenant', p.tenantId, '--activation-delay', 'soon', '--json']);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes('--activation-delay'), lines[0]);
    assert.deepEqual(checkKeySet(await fetchKeys(p, p.tenantId)), before);
  });

  test('rotation by tenant id works; an unknown tenant exits 1 and changes nothing', async () => {
    const before = checkKeySet(await fetchKeys(p, p.tenantId));
    const ok = await p.run(['keys', 'rotate', '--tenant', p.tenantId, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await p.run(['keys', 'rotate', '--tenant', 'nosuchtenant', '--json']);
    assert.equal(bad.code, 1, `exit ${bad.code}`);
    assert.notEqual(bad.stderr.trim(), '');
    const kids = await eventually(
      async () => {
        const ks = checkKeySet(await fetchKeys(p, p.tenantId));
        return ks.length === before.length + 1 ? ks : null;
      },
      { timeoutMs: 2500, what: 'exactly one more key' },
    );
    assert.ok(kids.includes(JSON.parse(ok.stdout).kid));
  });
});
