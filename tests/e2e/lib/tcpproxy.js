// SPDX-License-Identifier: Apache-2.0
// A loopback TCP proxy that a test can cut and restore, to make a database "unreachable"
// without stopping a server other tests share.
import net from 'node:net';

/**
 * startProxy({ host, port } | { path }) → { port, cut(), restore(), close() }
 * cut() stops listening and resets every open connection; restore() listens again on the
 * same port.
 */
export async function startProxy(upstream) {
  const sockets = new Set();
  let server = null;
  let port = 0;

  function listen() {
    return new Promise((resolve, reject) => {
      server = net.createServer((client) => {
        const up = net.connect(upstream);
        sockets.add(client);
        sockets.add(up);
        const drop = () => {
          client.destroy();
          up.destroy();
          sockets.delete(client);
          sockets.delete(up);
        };
        client.on('error', drop);
        up.on('error', drop);
        client.on('close', drop);
        up.on('close', drop);
        client.pipe(up);
        up.pipe(client);
      });
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = server.address().port;
        resolve();
      });
    });
  }

  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      const s = server;
      server = null;
      const closed = new Promise((r) => s.close(r));
      for (const sock of [...sockets]) sock.destroy();
      sockets.clear();
      await closed;
    },
    async restore() {
      if (!server) await listen();
    },
    async close() {
      if (server) await this.cut();
    },
  };
}

/** Upstream address of a postgres:// URL (TCP host:port, or the Unix socket in ?host=/dir). */
export function pgUpstream(url) {
  const u = new URL(url);
  const port = Number(u.port || 5432);
  const hostParam = u.searchParams.get('host');
  if (hostParam && hostParam.startsWith('/')) return { path: `${hostParam}/.s.PGSQL.${port}` };
  if (!u.hostname || u.hostname.startsWith('%2F')) {
    return { path: `${decodeURIComponent(u.hostname)}/.s.PGSQL.${port}` };
  }
  return { host: u.hostname === 'localhost' ? '127.0.0.1' : u.hostname, port };
}
