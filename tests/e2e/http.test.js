// SPDX-License-Identifier: Apache-2.0
// HTTP behaviour common to every route: security headers, request ids, limits, methods,
// access log, health endpoints and graceful shutdown (security-baseline.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  GUID_RE,
  eventually,
  portClosed,
  rawRequest,
  securityHeaderProblems,
  sleep,
  startPorch,
} from './lib/porch.js';

const LIMITS = ['--max-url', '2048', '--max-headers', '20', '--max-header-bytes', '8192', '--max-body', '1024'];

function assertSecurityHeaders(r, what) {
  const problems = securityHeaderProblems(r.headers);
  assert.deepEqual(problems, [], `${what} (status ${r.status}): ${problems.join('; ')}`);
}

function req(lines, extra = '') {
  return `${lines.join('\r\n')}\r\n\r\n${extra}`;
}

describe('HTTP basics', () => {
  let p;
  let disco;
  before(async () => {
    p = await startPorch({ args: LIMITS, subdomain: 'httpbasics' });
    disco = `/${p.tenantId}/v2.0/.well-known/openid-configuration`;
  });
  after(() => p?.stop());

  test('/healthz and /readyz', async () => {
    const h = await p.get('/healthz');
    assert.equal(h.status, 200);
    assert.match(h.headers['content-type'] || '', /^application\/json/);
    assert.deepEqual(h.json(), { status: 'ok' });
    const r = await p.get('/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { status: 'ready' });
    assertSecurityHeaders(h, '/healthz');
  });

  test('security headers on 200, 404 and 405 responses', async () => {
    assertSecurityHeaders(await p.get(disco), 'discovery');
    assertSecurityHeaders(await p.get(`/${p.tenantId}/discovery/v2.0/keys`), 'keys');
    assertSecurityHeaders(await p.get('/no/such/path'), 'unknown path');
    assertSecurityHeaders(await p.get('/nosuchtenant/v2.0/.well-known/openid-configuration'), 'unknown tenant');
    assertSecurityHeaders(await p.request('/healthz', { method: 'POST', body: '' }), 'POST /healthz');
  });

  test('every response has a fresh request-id', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) {
      const r = await p.get('/healthz');
      assert.match(r.headers['request-id'] || '', GUID_RE);
      ids.add(r.headers['request-id']);
    }
    assert.equal(ids.size, 5);
  });

  test('client-request-id is echoed when it is a GUID, and only then', async () => {
    const id = randomUUID();
    const r = await p.get(disco, { headers: { 'client-request-id': id } });
    assert.equal(r.headers['client-request-id'], id);
    const r404 = await p.get('/no/such/path', { headers: { 'client-request-id': id } });
    assert.equal(r404.headers['client-request-id'], id, 'echoed on errors too');
    const evil = 'abc"><script>alert(1)</script>';
    const bad = await p.get('/healthz', { headers: { 'client-request-id': evil } });
    assert.notEqual(bad.headers['client-request-id'], evil, 'a non-GUID client-request-id is reflected');
    assert.ok(!(bad.headers['client-request-id'] || '').includes('<'), 'markup reflected in client-request-id');
  });

  test('unknown paths → 404 JSON', async () => {
    for (const path of ['/', '/no/such/path', `/${p.tenantId}/v2.0/no-such-thing`, '/healthz/extra']) {
      const r = await p.get(path);
      assert.equal(r.status, 404, `${path}: ${r.status}`);
      assert.match(r.headers['content-type'] || '', /^application\/json/, `${path}: content-type`);
      assert.doesNotThrow(() => r.json(), `${path}: body is JSON`);
    }
  });

  test('wrong method on a known path → 405 with Allow', async () => {
    for (const [method, path] of [
      ['POST', '/healthz'],
      ['DELETE', '/readyz'],
      ['POST', disco],
      ['PUT', `/${p.tenantId}/discovery/v2.0/keys`],
    ]) {
      const r = await p.request(path, { method, body: method === 'DELETE' ? undefined : '' });
      assert.equal(r.status, 405, `${method} ${path}: ${r.status}`);
      assert.match(r.headers.allow || '', /\bGET\b/, `${method} ${path}: Allow = ${r.headers.allow}`);
      assert.doesNotMatch(r.headers.allow || '', new RegExp(`\\b${method}\\b`), `Allow lists the refused ${method}`);
      assertSecurityHeaders(r, `${method} ${path}`);
    }
  });

  test('HEAD answers like GET without a body', async () => {
    for (const path of ['/healthz', disco]) {
      const g = await p.get(path);
      const h = await p.request(path, { method: 'HEAD' });
      assert.equal(h.status, 200, `HEAD ${path}`);
      assert.equal(h.body, '');
      assert.equal(h.headers['content-type'], g.headers['content-type']);
      if ('content-length' in h.headers) assert.equal(Number(h.headers['content-length']), Buffer.byteLength(g.body));
    }
  });

  test('a URL longer than --max-url → 414; a long one under it is fine', async () => {
    const long = await rawRequest(p.port, req([`GET /healthz?q=${'a'.repeat(3000)} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']));
    assert.equal(long.status, 414);
    const ok = await rawRequest(p.port, req([`GET /healthz?q=${'a'.repeat(1500)} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']));
    assert.equal(ok.status, 200, 'a 1.5 KB URL is under the 2 KB limit');
  });

  test('more headers than --max-headers → 431; fewer is fine', async () => {
    const hdrs = (n) => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}`);
    const many = await rawRequest(p.port, req(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', ...hdrs(30), 'Connection: close']));
    assert.equal(many.status, 431);
    const few = await rawRequest(p.port, req(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', ...hdrs(10), 'Connection: close']));
    assert.equal(few.status, 200);
  });

  test('headers over --max-header-bytes → 431', async () => {
    const r = await rawRequest(p.port, req(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', `X-Big: ${'b'.repeat(9000)}`, 'Connection: close']));
    assert.equal(r.status, 431);
  });

  test('a body on a GET route → 413, decided on Content-Length without reading the body', async () => {
    const t0 = Date.now();
    // Announce 1 GB and send none of it: the answer must not wait for the body.
    const r = await rawRequest(p.port, req(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 1000000000']), {
      timeoutMs: 5000,
    });
    assert.equal(r.status, 413);
    assert.ok(Date.now() - t0 < 5000);
    assertSecurityHeaders(r, '413');
    const small = await rawRequest(
      p.port,
      req([`GET ${disco} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: text/plain', 'Content-Length: 5', 'Connection: close'], 'hello'),
    );
    assert.equal(small.status, 413, 'GET routes accept no body');
  });

  test('one access-log line per request, without the query string', async () => {
    const secret = `s3cr3t${randomUUID().slice(0, 8)}`;
    const r = await p.get(`${disco}?code=${secret}&state=xyz`);
    assert.equal(r.status, 200);
    const nfPath = `/no/such/${secret.slice(0, 4)}path`;
    const nf = await p.get(`${nfPath}?token=${secret}`);
    assert.equal(nf.status, 404);
    await p.waitForLog((l) => l.json?.type === 'access' && l.json.status === 404 && l.json.path === nfPath);
    const acc = p.accessLogs();
    const ok = acc.filter((l) => l.path === disco && l.method === 'GET' && l.status === 200);
    assert.ok(ok.length >= 1, 'access line for GET discovery, path without query');
    for (const l of p.logs()) assert.ok(!l.raw.includes(secret), `query value leaked into the log: ${l.raw}`);
    const n = acc.length;
    await p.get(`/${p.tenantId}/discovery/v2.0/keys`);
    await eventually(() => p.accessLogs().length === n + 1, { what: 'an access line for the next request' });
    await sleep(200);
    assert.equal(p.accessLogs().length, n + 1, 'one request, one access line');
  });

  test('stderr carries JSON lines', () => {
    const logs = p.logs().filter((l) => l.raw.trim() !== '');
    assert.ok(logs.length > 0);
    const notJson = logs.filter((l) => l.json === null);
    assert.deepEqual(notJson.map((l) => l.raw), [], 'non-JSON lines on stderr');
  });
});

describe('shutdown', () => {
  test('SIGTERM lets an in-flight request finish, then exits 0 and closes the port', async () => {
    const p = await startPorch({ args: ['--drain-timeout', '10'] });
    try {
      // The request line arrives before SIGTERM, the end of the headers after it.
      const pending = rawRequest(
        p.port,
        ['GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', { delayMs: 700 }, 'Connection: close\r\n\r\n'],
        { timeoutMs: 8000 },
      );
      await sleep(250);
      const exit = p.kill('SIGTERM');
      const r = await pending;
      assert.equal(r.status, 200, 'in-flight request answered during the drain');
      assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
      const { code, signal } = await exit;
      assert.equal(code, 0, `exit ${code} ${signal}`);
      assert.ok(await portClosed(p.port), 'port still open after exit');
    } finally {
      await p.cleanup();
    }
  });

  test('idle keep-alive connections do not hold up shutdown', async () => {
    const p = await startPorch({ args: ['--drain-timeout', '30'] });
    try {
      const sock = net.connect({ host: '127.0.0.1', port: p.port });
      await new Promise((r) => sock.on('connect', r));
      sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await new Promise((r) => sock.once('data', r));
      sock.on('error', () => {});
      const t0 = Date.now();
      const { code } = await p.kill('SIGTERM', 15000);
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 10000, `shutdown took ${Date.now() - t0} ms with one idle connection`);
      sock.destroy();
    } finally {
      await p.cleanup();
    }
  });

  test('a request that never completes is cut off after --drain-timeout', async () => {
    const p = await startPorch({ args: ['--drain-timeout', '1'] });
    try {
      const sock = net.connect({ host: '127.0.0.1', port: p.port });
      sock.on('error', () => {});
      await new Promise((r) => sock.on('connect', r));
      sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await sleep(200);
      const t0 = Date.now();
      await p.kill('SIGTERM', 10000);
      assert.ok(Date.now() - t0 < 6000, `exit took ${Date.now() - t0} ms with --drain-timeout 1`);
      sock.destroy();
    } finally {
      await p.cleanup();
    }
  });

  test('SIGINT exits 0', async () => {
    const p = await startPorch();
    try {
      const { code } = await p.kill('SIGINT');
      assert.equal(code, 0);
      assert.ok(await portClosed(p.port));
    } finally {
      await p.cleanup();
    }
  });
});
