// SPDX-License-Identifier: Apache-2.0
// Serving TLS directly with --tls-cert/--tls-key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import * as oidc from 'openid-client';
import { fetchWithCa, rawRequest, request, selfSignedCert, startPorch } from './lib/porch.js';

describe('TLS', () => {
  let cert;
  let p;
  before(async () => {
    cert = await selfSignedCert();
    const { freePort } = await import('./lib/porch.js');
    const port = await freePort();
    p = await startPorch({ port, tls: cert, publicUrl: `https://127.0.0.1:${port}`, subdomain: 'tlstenant' });
  });
  after(async () => {
    await p?.stop();
    await cert?.cleanup();
  });

  test('serves discovery over https with the configured certificate', async () => {
    const r = await p.get(`/${p.init.subdomain}/v2.0/.well-known/openid-configuration`);
    assert.equal(r.status, 200);
    const doc = r.json();
    assert.equal(doc.issuer, `https://127.0.0.1:${p.port}/${p.tenantId}/v2.0`);
    assert.equal(r.socket.getPeerCertificate().fingerprint256, cert.fingerprint256, 'served certificate is ours');
    for (const [k, v] of Object.entries(doc)) {
      if (/_(endpoint|uri)$/.test(k) && typeof v === 'string') assert.ok(v.startsWith('https://'), `${k} = ${v}`);
    }
  });

  test('Strict-Transport-Security on every response', async () => {
    for (const path of ['/healthz', `/${p.tenantId}/discovery/v2.0/keys`, '/no/such/path']) {
      const r = await p.get(path);
      const hsts = r.headers['strict-transport-security'] || '';
      const m = /max-age=(\d+)/i.exec(hsts);
      assert.ok(m, `${path}: Strict-Transport-Security = ${JSON.stringify(hsts)}`);
      assert.ok(Number(m[1]) >= 86400 * 180, `${path}: HSTS max-age ${m[1]} is under 180 days`);
    }
  });

  test('negotiates TLS 1.2 or later', async () => {
    const version = await new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: p.port, ca: cert.ca, servername: undefined }, () => {
        resolve(s.getProtocol());
        s.end();
      });
      s.on('error', reject);
    });
    assert.match(version, /^TLSv1\.[23]$/);
  });

  test('an untrusted client is refused by certificate verification (the server really is TLS)', async () => {
    await assert.rejects(request(`${p.url}/healthz`), /self[- ]signed|certificate/i);
  });

  test('plain HTTP on the TLS port gets no HTTP answer', async () => {
    const r = await rawRequest(p.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', { timeoutMs: 5000 }).catch(
      (e) => ({ status: null, error: e }),
    );
    assert.notEqual(r.status, 200, 'served plain HTTP on the TLS listener');
  });

  test('openid-client discovers the issuer over https (no insecure-request opt-out)', async () => {
    const issuer = new URL(`https://127.0.0.1:${p.port}/${p.tenantId}/v2.0`);
    const config = await oidc.discovery(issuer, 'e2e-client', undefined, undefined, { [oidc.customFetch]: fetchWithCa(cert.ca) });
    assert.equal(config.serverMetadata().issuer, issuer.href);
    assert.equal(config.serverMetadata().token_endpoint, `https://127.0.0.1:${p.port}/${p.tenantId}/oauth2/v2.0/token`);
  });
});
