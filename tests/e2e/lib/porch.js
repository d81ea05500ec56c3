// SPDX-License-Identifier: Apache-2.0
//
// The e2e harness: runs the real `porch` binary (env PORCH_BIN) on a free loopback port with a
// fresh data directory and database, and gives tests a small HTTP client that exposes raw
// status and headers.
//
//   const p = await startPorch({ backend, args, env, tls, publicUrl, tenantName, subdomain });
//   p.url, p.port, p.init (parsed `porch init --json`), p.dataDir, p.dbUrl
//   await p.get('/healthz'); p.logs(); await p.waitForLog(pred); await p.run(['tenant', 'list']);
//   await p.stop();   // SIGTERM, resolves with the exit status, throws unless it is 0
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const BACKEND = process.env.PORCH_E2E_BACKEND || 'sqlite';

/** Start-up and shutdown allowance; the sanitizer build is slow. */
const START_TIMEOUT_MS = Number(process.env.PORCH_E2E_START_TIMEOUT_MS || 20000);
const STOP_TIMEOUT_MS = Number(process.env.PORCH_E2E_STOP_TIMEOUT_MS || 20000);

export function porchBin() {
  const bin = process.env.PORCH_BIN;
  if (!bin) throw new Error('PORCH_BIN is not set (path to the porch binary under test)');
  return path.resolve(bin);
}

/** Everything started here is killed if the test process dies without stopping it. */
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A loopback TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix = 'porch-e2e-') {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Runs a command to completion. Never throws for a non-zero exit: resolves with
 * { code, signal, stdout, stderr }. Kills it after timeoutMs.
 */
export function exec(file, args, { env, input, timeoutMs = 30000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: env ?? process.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20, cwd },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number' && !err.signal && !err.killed) {
          reject(err);
          return;
        }
        resolve({
          code: child.exitCode,
          signal: child.signalCode,
          timedOut: Boolean(err && err.killed),
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Runs porch with the given arguments (no implicit options). */
export function runPorch(args, opts = {}) {
  const env = { ...cleanEnv(), ...(opts.env || {}) };
  return exec(porchBin(), args, { ...opts, env });
}

/** The environment without PORCH_* settings the developer may have exported. */
export function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('PORCH_') && k !== 'PORCH_BIN') delete env[k];
  }
  // Sanitizer builds: fail loudly on leaks and UB, never silently.
  env.ASAN_OPTIONS ??= 'abort_on_error=0:detect_leaks=1';
  env.UBSAN_OPTIONS ??= 'print_stacktrace=1:halt_on_error=1';
  return env;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: one fresh database per porch instance on the server at PORCH_E2E_PG_URL.

let dbCounter = 0;

export function pgBaseUrl() {
  const url = process.env.PORCH_E2E_PG_URL;
  if (!url) throw new Error('PORCH_E2E_PG_URL is not set (run tests/e2e/run.sh, or start a cluster)');
  return url;
}

/** The URL of database `name` on the same server as base. */
export function pgUrlFor(base, name) {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
}

export async function psql(url, sql) {
  const r = await exec('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', url, '-c', sql]);
  if (r.code !== 0) throw new Error(`psql failed (${sql}): ${r.stderr}`);
  return r.stdout;
}

export async function createPgDatabase() {
  const base = pgBaseUrl();
  const name = `porch_e2e_${process.pid}_${++dbCounter}_${randomBytes(4).toString('hex')}`;
  await psql(base, `CREATE DATABASE "${name}"`);
  return { name, url: pgUrlFor(base, name) };
}

export async function dropPgDatabase(name) {
  await psql(pgBaseUrl(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** A fresh, empty store for `backend` in dataDir: { dbUrl, cleanup() }. */
export async function freshDb(backend, dataDir) {
  if (backend === 'postgres') {
    const { name, url } = await createPgDatabase();
    return { dbUrl: url, cleanup: () => dropPgDatabase(name) };
  }
  if (backend === 'sqlite') {
    return { dbUrl: `sqlite:${path.join(dataDir, 'porch.db')}`, cleanup: async () => {} };
  }
  throw new Error(`unknown backend ${backend}`);
}

/**
 * A data dir and an empty store without a server, for CLI tests:
 * { dataDir, dbUrl, run(args, { env, db }), cleanup() }. run() appends --data-dir and --db
 * (pass db: false to leave --db out).
 */
export async function cliSandbox({ backend = BACKEND } = {}) {
  const dataDir = await tempDir();
  const store = await freshDb(backend, dataDir);
  return {
    backend,
    dataDir,
    dbUrl: store.dbUrl,
    run(args, { env = {}, db = true, dataDir: dd = true, timeoutMs } = {}) {
      const extra = [];
      if (dd) extra.push('--data-dir', dataDir);
      if (db) extra.push('--db', store.dbUrl);
      return runPorch([...args, ...extra], { env, timeoutMs });
    },
    async cleanup() {
      await store.cleanup().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP client with raw access to status and headers (fetch hides some, and cannot take a CA).

/**
 * request(url, { method, headers, body, ca, timeoutMs }) →
 *   { status, headers (lower-case keys; arrays joined), rawHeaders, body (string), json() }
 */
export function request(url, { method = 'GET', headers = {}, body, ca, timeoutMs = 10000 } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method, headers, ca, agent: false, timeout: timeoutMs, servername: net.isIP(u.hostname) ? undefined : u.hostname },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: text,
            socket: req.socket,
            json() {
              return JSON.parse(text);
            },
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** A fetch-compatible function over request(), for libraries that take a custom fetch. */
export function fetchWithCa(ca) {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = {};
    new Headers(init.headers || {}).forEach((v, k) => {
      headers[k] = v;
    });
    let body = init.body;
    if (body instanceof URLSearchParams) body = body.toString();
    const r = await request(url, { method: init.method || 'GET', headers, body, ca });
    const h = new Headers();
    for (let i = 0; i < r.rawHeaders.length; i += 2) h.append(r.rawHeaders[i], r.rawHeaders[i + 1]);
    const nullBody = [101, 204, 205, 304].includes(r.status) || (init.method || 'GET') === 'HEAD';
    return new Response(nullBody ? null : r.body, { status: r.status, headers: h });
  };
}

/**
 * Sends `text` (string or Buffer, or an array of chunks with optional { delayMs } objects
 * between them) over a plain TCP connection and parses the first HTTP response.
 * Resolves { status, reason, headers, body, raw, closed } — status is null when the server
 * closed the connection without answering. Write errors after the server answered (it may
 * close early on oversized input) are ignored.
 */
export function rawRequest(port, text, { host = '127.0.0.1', timeoutMs = 10000, endAfterWrite = false } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(new Error(`rawRequest: no complete response in ${timeoutMs} ms`)), timeoutMs);

    function finish(err) {
      if (done) return;
      const parsed = parseResponse(buf);
      if (err && parsed && parsed.complete) err = null; // answered, then reset: fine
      if (err && !parsed && buf.length === 0 && /ECONNRESET|EPIPE/.test(err.code || '')) err = null;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(parsed ?? { status: null, reason: null, headers: {}, body: '', raw: buf.toString('latin1'), closed: true });
    }

    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const parsed = parseResponse(buf);
      if (parsed && parsed.complete) finish(null);
    });
    sock.on('end', () => finish(null));
    sock.on('close', () => finish(null));
    sock.on('error', (e) => finish(e));
    sock.on('connect', async () => {
      const parts = Array.isArray(text) ? text : [text];
      for (const part of parts) {
        if (done) return;
        if (part && typeof part === 'object' && !Buffer.isBuffer(part) && 'delayMs' in part) {
          await sleep(part.delayMs);
          continue;
        }
        await new Promise((r) => sock.write(part, () => r()));
      }
      if (endAfterWrite && !done) sock.end();
    });
  });
}

/** Parses one HTTP/1.x response from buf; null while the head is incomplete. */
export function parseResponse(buf) {
  const str = buf.toString('latin1');
  const headEnd = str.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = str.slice(0, headEnd).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return { status: null, reason: null, headers: {}, body: '', raw: str, complete: true };
  const headers = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  const rest = buf.subarray(Buffer.byteLength(str.slice(0, headEnd + 4), 'latin1'));
  let body = rest;
  let complete = false;
  if ('content-length' in headers) {
    const n = Number(headers['content-length']);
    complete = rest.length >= n;
    body = rest.subarray(0, n);
  } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    const dechunked = dechunk(rest);
    complete = dechunked !== null;
    body = dechunked ?? rest;
  }
  return {
    status: Number(m[1]),
    reason: m[2] ?? '',
    headers,
    body: body.toString('utf8'),
    raw: str,
    complete,
  };
}

function dechunk(buf) {
  const out = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) return null;
    const size = parseInt(buf.subarray(i, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(out);
    if (buf.length < eol + 2 + size + 2) return null;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/** True when a TCP connection to the port is refused (nothing listens). */
export function portClosed(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

// ---------------------------------------------------------------------------------------------
// porch instances

function splitLines(onLine) {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let i;
    while ((i = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, i));
      pending = pending.slice(i + 1);
    }
  };
}

/**
 * Starts a porch instance: picks a free port, makes a temp data dir and a fresh store, runs
 * `porch init --json`, then `porch serve`, and waits until /healthz answers 200.
 *
 * options:
 *   backend       'sqlite' | 'postgres' (default: env PORCH_E2E_BACKEND, else sqlite)
 *   args          extra arguments for `porch serve`
 *   env           extra environment for init and serve
 *   tls           { cert, key, ca } file paths and CA PEM: serve over https
 *   publicUrl     --public-url for init and serve (default: none, porch derives it)
 *   tenantName, subdomain, country   for init
 *   serveDbUrl    (dbUrl) => URL that serve uses instead (e.g. through a proxy)
 *   init          false to skip `porch init` (and then nothing is created)
 *   cacheTtl      --discovery-cache-ttl for serve (default 0)
 */
export async function startPorch(options = {}) {
  const backend = options.backend || BACKEND;
  const port = options.port || (await freePort());
  const dataDir = await tempDir();
  const store = await freshDb(backend, dataDir);
  const dbUrl = store.dbUrl;
  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  const subdomain = options.subdomain || `t${randomBytes(5).toString('hex')}`;
  const tenantName = options.tenantName || `Tenant ${subdomain}`;
  const env = { ...cleanEnv(), ...(options.env || {}) };
  const common = ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir];
  if (options.publicUrl) common.push('--public-url', options.publicUrl);
  const ca = options.tls?.ca;

  const instance = {
    backend,
    port,
    url,
    dataDir,
    dbUrl,
    ca,
    init: null,
    subdomain,
    tenantName,
    child: null,
    exit: null,
    stderrLines: [],
    stdoutLines: [],
  };

  /** porch <cliArgs> with this instance's --db/--data-dir/--listen appended. */
  instance.run = (cliArgs, opts = {}) =>
    exec(porchBin(), [...cliArgs, ...common, '--db', dbUrl], { env: { ...env, ...(opts.env || {}) }, timeoutMs: opts.timeoutMs ?? 30000 });

  instance.cleanup = async () => {
    if (instance.child && instance.exit === null) {
      instance.child.kill('SIGKILL');
      await instance.exited;
    }
    await store.cleanup().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    if (options.init !== false) {
      const country = options.country ? ['--country', options.country] : [];
      const r = await instance.run(['init', '--tenant-name', tenantName, '--subdomain', subdomain, ...country, '--json']);
      if (r.code !== 0) throw new Error(`porch init exited ${r.code} ${r.signal ?? ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      try {
        instance.init = JSON.parse(r.stdout);
      } catch {
        throw new Error(`porch init --json printed no JSON object:\n${r.stdout}\nstderr: ${r.stderr}`);
      }
      instance.tenantId = instance.init.tenantId;
    }

    const serveDb = options.serveDbUrl ? options.serveDbUrl(dbUrl) : dbUrl;
    const serveArgs = [
      'serve',
      ...common,
      '--db',
      serveDb,
      '--log-level',
      'info',
      '--discovery-cache-ttl',
      String(options.cacheTtl ?? 0),
    ];
    if (options.tls) serveArgs.push('--tls-cert', options.tls.cert, '--tls-key', options.tls.key);
    serveArgs.push(...(options.args || []));
    instance.serveArgs = serveArgs;

    const child = spawn(porchBin(), serveArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    instance.child = child;
    instance.pid = child.pid;
    live.add(child);
    instance.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        live.delete(child);
        instance.exit = { code, signal };
        resolve(instance.exit);
      });
    });
    child.stderr.on(
      'data',
      splitLines((line) => instance.stderrLines.push(line)),
    );
    child.stdout.on(
      'data',
      splitLines((line) => instance.stdoutLines.push(line)),
    );

    await waitHealthy(instance, START_TIMEOUT_MS);
  } catch (e) {
    const tail = instance.stderrLines.slice(-30).join('\n');
    await instance.cleanup();
    if (tail) e.message += `\n--- porch stderr (tail) ---\n${tail}`;
    throw e;
  }

  /** Requests a path (or absolute URL) on this instance. */
  instance.request = (p, opts = {}) => request(p.startsWith('http') ? p : url + p, { ca, ...opts });
  instance.get = (p, opts = {}) => instance.request(p, { ...opts, method: 'GET' });

  /** stderr lines as { raw, json } (json null when the line is not JSON). */
  instance.logs = () =>
    instance.stderrLines.map((raw) => {
      let json = null;
      try {
        json = JSON.parse(raw);
      } catch {
        /* not JSON */
      }
      return { raw, json };
    });
  instance.accessLogs = () => instance.logs().filter((l) => l.json && l.json.type === 'access').map((l) => l.json);

  /** Waits until a log line satisfies pred(line) (line = { raw, json }). */
  instance.waitForLog = async (pred, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = instance.logs().find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
      await sleep(25);
    }
  };

  /** Sends a signal and waits for the exit: { code, signal }. */
  instance.kill = async (sig = 'SIGTERM', timeoutMs = STOP_TIMEOUT_MS) => {
    if (instance.exit) return instance.exit;
    instance.child.kill(sig);
    let timer;
    const t = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const r = await Promise.race([instance.exited, t]);
    clearTimeout(timer);
    if (!r) {
      instance.child.kill('SIGKILL');
      await instance.exited;
      throw new Error(`porch did not exit within ${timeoutMs} ms of ${sig}`);
    }
    return r;
  };

  /** SIGTERM, wait, clean up; throws unless porch exited with status 0. */
  instance.stop = async () => {
    let r;
    try {
      r = await instance.kill('SIGTERM');
    } finally {
      await instance.cleanup();
    }
    if (r.code !== 0) {
      const tail = instance.stderrLines.slice(-40).join('\n');
      throw new Error(`porch exited with ${r.code ?? r.signal} after SIGTERM\n--- stderr tail ---\n${tail}`);
    }
    return r;
  };

  return instance;
}

async function waitHealthy(instance, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    if (instance.exit) {
      throw new Error(`porch serve exited during start-up (${instance.exit.code ?? instance.exit.signal})`);
    }
    try {
      const r = await request(`${instance.url}/healthz`, { ca: instance.ca, timeoutMs: 2000 });
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(50);
  }
  throw new Error(`porch serve not healthy within ${timeoutMs} ms (last: ${last})`);
}

/** Calls fn until it returns a truthy value or throws on timeout. */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Asserts the headers every porch response carries (security-baseline.md). */
export function securityHeaderProblems(headers) {
  const problems = [];
  const h = (k) => headers[k];
  if (!GUID_RE.test(h('request-id') || '')) problems.push(`request-id not a GUID: ${h('request-id')}`);
  if ((h('x-content-type-options') || '').toLowerCase() !== 'nosniff') problems.push(`X-Content-Type-Options: ${h('x-content-type-options')}`);
  if ((h('x-frame-options') || '').toUpperCase() !== 'DENY') problems.push(`X-Frame-Options: ${h('x-frame-options')}`);
  if ((h('referrer-policy') || '').toLowerCase() !== 'no-referrer') problems.push(`Referrer-Policy: ${h('referrer-policy')}`);
  if (!/frame-ancestors\s+'none'/.test(h('content-security-policy') || '')) problems.push(`Content-Security-Policy: ${h('content-security-policy')}`);
  if (!h('cache-control')) problems.push('Cache-Control missing');
  return problems;
}

/** Makes a self-signed certificate for 127.0.0.1/localhost: { dir, cert, key, ca, fingerprint256 }. */
export async function selfSignedCert() {
  const dir = await tempDir('porch-e2e-tls-');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = await exec('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ]);
  if (r.code !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const { readFile } = await import('node:fs/promises');
  const ca = await readFile(cert, 'utf8');
  const { X509Certificate } = await import('node:crypto');
  const fingerprint256 = new X509Certificate(ca).fingerprint256;
  return { dir, cert, key, ca, fingerprint256, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
