// SPDX-License-Identifier: Apache-2.0
// Store unreachable → /readyz 503 and a generic 503 on requests that need the store;
// recovery without a restart when it is back (security-baseline.md, Reliability).
// PostgreSQL only: the database sits behind a TCP proxy that the test cuts and restores.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, eventually, startPorch } from './lib/porch.js';
import { pgUpstream, startProxy } from './lib/tcpproxy.js';

const SQL_LEAK = /\b(select|insert|update|delete)\b.+\b(from|into|set)\b|libpq|sqlite|postgres|psql|ECONNREFUSED|connection to server|could not connect|server closed the connection/i;

describe('readiness', { skip: BACKEND !== 'postgres' && 'PostgreSQL backend only (SQLite is a local file)' }, () => {
  test('database down → /readyz 503 and generic 503s; back up → recovers by itself', async () => {
    const proxy = await startProxy(pgUpstream(process.env.PORCH_E2E_PG_URL));
    // init talks to the database directly; serve goes through the proxy.
    const p = await startPorch({
      backend: 'postgres',
      subdomain: 'readiness',
      serveDbUrl: (dbUrl) => {
        const u = new URL(dbUrl);
        u.hostname = '127.0.0.1';
        u.port = String(proxy.port);
        u.searchParams.delete('host');
        return u.toString();
      },
    }).catch(async (e) => {
      await proxy.close();
      throw e;
    });
    const disco = `/${p.tenantId}/v2.0/.well-known/openid-configuration`;
    try {
      assert.equal((await p.get('/readyz')).status, 200);
      assert.equal((await p.get(disco)).status, 200);

      await proxy.cut();
      const down = await eventually(
        async () => {
          const r = await p.get('/readyz', { timeoutMs: 15000 });
          return r.status === 503 ? r : null;
        },
        { timeoutMs: 20000, intervalMs: 200, what: '/readyz → 503 with the database unreachable' },
      );
      assert.doesNotMatch(down.body, SQL_LEAK, 'readyz body leaks store details');

      const r = await p.get(disco, { timeoutMs: 15000 });
      assert.equal(r.status, 503, `discovery with the store down: ${r.status} ${r.body}`);
      assert.doesNotMatch(r.body, SQL_LEAK, 'error body leaks store details');
      assert.ok(r.headers['request-id'], 'request-id on the 503');
      const h = await p.get('/healthz');
      assert.equal(h.status, 200, 'liveness does not depend on the store');

      await proxy.restore();
      await eventually(async () => (await p.get('/readyz', { timeoutMs: 15000 })).status === 200, {
        timeoutMs: 30000,
        intervalMs: 250,
        what: '/readyz back to 200 after the database returns',
      });
      await eventually(async () => (await p.get(disco, { timeoutMs: 15000 })).status === 200, {
        timeoutMs: 15000,
        intervalMs: 250,
        what: 'discovery back to 200',
      });
      assert.equal(p.exit, null, 'porch stayed up');
    } finally {
      await proxy.restore().catch(() => {});
      await p.stop().finally(() => proxy.close());
    }
  });
});
