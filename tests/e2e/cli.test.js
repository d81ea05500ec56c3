// SPDX-License-Identifier: Apache-2.0
// The command line: init/tenant/keys/db/version contracts, option validation and precedence,
// and how the tenant's signing key is kept at rest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKEND,
  GUID_RE,
  cliSandbox,
  exec,
  freePort,
  pgBaseUrl,
  porchBin,
  runPorch,
  tempDir,
} from './lib/porch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function json(r, what) {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstderr: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`${what}: stdout is not one JSON document:\n${r.stdout}`);
  }
}

/** The count `porch db migrate` reports ("applied 3 migrations", "0 migrations applied", …). */
function migrationsApplied(stdout) {
  const m = /\b(\d+)\s+migrations?\b|\bapplied\s+(\d+)\b|\bmigrations?\s+applied:?\s+(\d+)\b/i.exec(stdout);
  assert.ok(m, `db migrate does not say how many migrations it applied: ${JSON.stringify(stdout)}`);
  return Number(m[1] ?? m[2] ?? m[3]);
}

function isoRecent(s, label) {
  assert.equal(typeof s, 'string', `${label} is a string`);
  assert.match(s, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, `${label} is ISO 8601: ${s}`);
  const t = Date.parse(s);
  assert.ok(Math.abs(Date.now() - t) < 10 * 60 * 1000, `${label} is about now: ${s}`);
}

describe('porch version, help and unknown commands', () => {
  test('version prints "porch X.Y.Z" matching the CMake project version', async () => {
    const r = await runPorch(['version']);
    assert.equal(r.code, 0, r.stderr);
    const m = /^porch (\d+\.\d+\.\d+)\s*$/.exec(r.stdout);
    assert.ok(m, `unexpected version output: ${JSON.stringify(r.stdout)}`);
    const cmake = await readFile(path.join(ROOT, 'CMakeLists.txt'), 'utf8');
    const pv = /project\(\s*porch\s+VERSION\s+(\d+\.\d+\.\d+)/.exec(cmake);
    if (pv) assert.equal(m[1], pv[1]);
  });

  test('an unknown command exits 2 with a message on stderr', async () => {
    const r = await runPorch(['frobnicate']);
    assert.equal(r.code, 2);
    assert.notEqual(r.stderr.trim(), '');
  });

  const helps = [
    [['init'], ['--tenant-name', '--subdomain']],
    [['serve'], ['--listen', '--db']],
    [['tenant', 'create'], ['--tenant-name', '--subdomain']],
    [['tenant', 'list'], []],
    [['tenant', 'show'], []],
    [['keys', 'rotate'], ['--tenant', '--activation-delay']],
    [['db', 'migrate'], []],
    [['version'], []],
  ];
  for (const [cmd, mentions] of helps) {
    test(`porch ${cmd.join(' ')} --help prints usage, exits 0 and touches nothing`, async () => {
      const cwd = await tempDir();
      try {
        const r = await exec(porchBin(), [...cmd, '--help'], { cwd, timeoutMs: 10000 });
        assert.equal(r.code, 0, `exit ${r.code}, stderr: ${r.stderr}`);
        assert.ok(r.stdout.trim().length > 0, 'usage on stdout');
        assert.ok(r.stdout.includes(cmd[cmd.length - 1]), `usage names the command ${cmd.join(' ')}`);
        for (const flag of mentions) assert.ok(r.stdout.includes(flag), `usage mentions ${flag}`);
        assert.deepEqual(await readdir(cwd), [], '--help created files in the working directory');
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    });
  }
});

describe('porch init', () => {
  let sb;
  let init;
  let port;
  before(async () => {
    sb = await cliSandbox();
    port = await freePort();
    const r = await sb.run(['init', '--tenant-name', 'Contoso Customers', '--subdomain', 'contoso', '--json', '--listen', `127.0.0.1:${port}`]);
    init = json(r, 'porch init --json');
  });
  after(() => sb.cleanup());

  test('--json prints one object with the documented fields', () => {
    assert.equal(typeof init, 'object');
    assert.ok(!Array.isArray(init));
    for (const k of ['tenantId', 'subdomain', 'displayName', 'country', 'defaultDomain', 'issuer', 'discoveryUrl', 'jwksUri', 'db', 'dataDir']) {
      assert.ok(k in init, `missing ${k}`);
    }
    assert.match(init.tenantId, GUID_RE);
    assert.equal(init.subdomain, 'contoso');
    assert.equal(init.displayName, 'Contoso Customers');
    assert.equal(init.country, 'US', 'default country');
    assert.equal(init.defaultDomain, 'contoso.porch.localhost');
    assert.equal(init.db, sb.dbUrl);
    assert.equal(path.resolve(init.dataDir), path.resolve(sb.dataDir));
  });

  test('issuer and endpoints default to http://<listen>/<tenantId>/…', () => {
    const base = `http://127.0.0.1:${port}/${init.tenantId}`;
    assert.equal(init.issuer, `${base}/v2.0`);
    assert.equal(init.jwksUri, `${base}/discovery/v2.0/keys`);
    assert.ok(init.discoveryUrl.startsWith(`${base}/`), init.discoveryUrl);
    assert.ok(init.discoveryUrl.endsWith('/.well-known/openid-configuration'), init.discoveryUrl);
  });

  test('the master key file is created with mode 0600', async () => {
    const st = await stat(path.join(sb.dataDir, 'master.key'));
    assert.equal(st.mode & 0o777, 0o600, `mode ${(st.mode & 0o777).toString(8)}`);
    assert.ok(st.size > 0);
  });

  test('an existing subdomain is refused with exit 1 and nothing changes', async () => {
    const before = json(await sb.run(['tenant', 'list', '--json']), 'tenant list');
    const key = await readFile(path.join(sb.dataDir, 'master.key'));
    for (const cmd of [['init'], ['tenant', 'create']]) {
      const r = await sb.run([...cmd, '--tenant-name', 'Impostor', '--subdomain', 'contoso', '--country', 'FR', '--json']);
      assert.equal(r.code, 1, `${cmd.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
      assert.notEqual(r.stderr.trim(), '', 'a message on stderr');
      assert.ok(!r.stdout.includes('Impostor'), 'no tenant printed');
    }
    const afterList = json(await sb.run(['tenant', 'list', '--json']), 'tenant list');
    assert.deepEqual(afterList, before);
    assert.deepEqual(await readFile(path.join(sb.dataDir, 'master.key')), key, 'master key unchanged');
  });

  test('db migrate on an up-to-date store applies nothing and succeeds', async () => {
    const r = await sb.run(['db', 'migrate']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(migrationsApplied(r.stdout), 0);
  });
});

describe('porch db migrate', () => {
  test('a fresh store gets its migrations, a second run applies none', async () => {
    const sb = await cliSandbox();
    try {
      const first = await sb.run(['db', 'migrate']);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(migrationsApplied(first.stdout) > 0, 'the first run applies migrations');
      const second = await sb.run(['db', 'migrate']);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(migrationsApplied(second.stdout), 0, 'the second run applies none');
    } finally {
      await sb.cleanup();
    }
  });
});

describe('porch tenant create/list/show', () => {
  let sb;
  let t1;
  let t2;
  before(async () => {
    sb = await cliSandbox();
    t1 = json(await sb.run(['init', '--tenant-name', 'Alpha', '--subdomain', 'alphaco', '--json']), 'init');
    t2 = json(await sb.run(['tenant', 'create', '--tenant-name', 'Beta Ltd', '--subdomain', 'betaco', '--country', 'GB', '--json']), 'tenant create');
  });
  after(() => sb.cleanup());

  test('tenant create --json has the init fields and its own id', () => {
    assert.match(t2.tenantId, GUID_RE);
    assert.notEqual(t2.tenantId, t1.tenantId);
    assert.equal(t2.subdomain, 'betaco');
    assert.equal(t2.displayName, 'Beta Ltd');
    assert.equal(t2.country, 'GB');
    assert.equal(t2.defaultDomain, 'betaco.porch.localhost');
    assert.ok(t2.issuer.endsWith(`/${t2.tenantId}/v2.0`), t2.issuer);
  });

  test('tenant list --json returns every tenant with the documented fields', async () => {
    const list = json(await sb.run(['tenant', 'list', '--json']), 'tenant list');
    assert.ok(Array.isArray(list));
    assert.equal(list.length, 2);
    const byId = Object.fromEntries(list.map((t) => [t.tenantId, t]));
    for (const [t, name, country] of [[t1, 'Alpha', 'US'], [t2, 'Beta Ltd', 'GB']]) {
      const row = byId[t.tenantId];
      assert.ok(row, `no entry with "tenantId": "${t.tenantId}" (entries have keys ${Object.keys(list[0] || {}).join(', ')})`);
      assert.equal(row.subdomain, t.subdomain);
      assert.equal(row.displayName, name);
      assert.equal(row.country, country);
      assert.equal(row.defaultDomain, t.defaultDomain);
      isoRecent(row.createdDateTime, 'createdDateTime');
    }
  });

  test('tenant list without --json names every tenant', async () => {
    const r = await sb.run(['tenant', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('alphaco') && r.stdout.includes('betaco'), r.stdout);
  });

  test('tenant show finds a tenant by id, subdomain and default domain', async () => {
    const list = json(await sb.run(['tenant', 'list', '--json']), 'tenant list');
    const expected = list.find((t) => t.subdomain === 'betaco');
    assert.ok(expected, 'betaco in tenant list');
    for (const ref of [t2.tenantId, 'betaco', 'betaco.porch.localhost']) {
      const shown = json(await sb.run(['tenant', 'show', ref, '--json']), `tenant show ${ref}`);
      assert.deepEqual(shown, expected, `tenant show ${ref}`);
    }
  });

  test('tenant show of an unknown tenant exits 1', async () => {
    for (const ref of ['gammaco', '00000000-0000-4000-8000-000000000000', 'gammaco.porch.localhost']) {
      const r = await sb.run(['tenant', 'show', ref, '--json']);
      assert.equal(r.code, 1, `tenant show ${ref}: exit ${r.code}`);
      assert.notEqual(r.stderr.trim(), '');
    }
  });
});

describe('option validation', () => {
  const bad = [
    ['--threads', '-1'],
    ['--threads', '257'],
    ['--threads', 'many'],
    ['--listen', 'nonsense'],
    ['--listen', '127.0.0.1:99999'],
    ['--log-level', 'loud'],
    ['--db', 'mysql://localhost/porch'],
    ['--max-url', 'abc'],
    ['--max-body', '-5'],
    ['--max-headers', '1e9x'],
    ['--trust-proxy', '300.1.1.1/99'],
    ['--key-activation-delay', 'soon'],
    ['--drain-timeout', '-1'],
    ['--public-url', 'not a url'],
    ['--config', '/nonexistent/porch.conf'],
  ];
  for (const [flag, value] of bad) {
    test(`serve ${flag} ${JSON.stringify(value)} exits 2 with one line naming ${flag}`, async () => {
      const sb = await cliSandbox();
      try {
        const port = await freePort();
        const r = await sb.run(['serve', '--listen', `127.0.0.1:${port}`, flag, value], { timeoutMs: 8000, db: flag !== '--db' });
        assert.ok(!r.timedOut, 'porch started serving despite the bad value');
        assert.equal(r.code, 2, `exit ${r.code}\nstderr: ${r.stderr}`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `exactly one line on stderr:\n${r.stderr}`);
        assert.ok(lines[0].includes(flag), `the message names ${flag}: ${lines[0]}`);
      } finally {
        await sb.cleanup();
      }
    });
  }

  test('a bad value in the environment exits 2 naming the option', async () => {
    const sb = await cliSandbox();
    try {
      const port = await freePort();
      const r = await sb.run(['serve', '--listen', `127.0.0.1:${port}`], { env: { PORCH_THREADS: '999' }, timeoutMs: 8000 });
      assert.ok(!r.timedOut, 'porch started serving despite PORCH_THREADS=999');
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /threads|THREADS/);
    } finally {
      await sb.cleanup();
    }
  });

  test('a bad value in the config file exits 2 naming the option', async () => {
    const sb = await cliSandbox();
    try {
      const port = await freePort();
      const conf = path.join(sb.dataDir, 'porch.conf');
      await writeFile(conf, `listen 127.0.0.1:${port}\nlog-level chatty\n`);
      const r = await sb.run(['serve', '--config', conf], { timeoutMs: 8000 });
      assert.ok(!r.timedOut, 'porch started serving despite a bad log-level in the file');
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /log-level|LOG_LEVEL/);
    } finally {
      await sb.cleanup();
    }
  });
});

describe('configuration precedence: flag > environment > config file', () => {
  // --public-url is observable without a server: init --json derives the issuer from it.
  async function issuerWith({ file, env, flag }) {
    const sb = await cliSandbox();
    try {
      const args = ['init', '--tenant-name', 'P', '--subdomain', 'prec', '--json'];
      const conf = path.join(sb.dataDir, 'porch.conf');
      if (file) {
        await writeFile(conf, `# porch test configuration\npublic-url ${file}\n`);
        args.push('--config', conf);
      }
      if (flag) args.push('--public-url', flag);
      const init = json(await sb.run(args, { env: env ? { PORCH_PUBLIC_URL: env } : {} }), 'init');
      return init.issuer;
    } finally {
      await sb.cleanup();
    }
  }

  test('config file alone', async () => {
    const iss = await issuerWith({ file: 'https://file.example' });
    assert.ok(iss.startsWith('https://file.example/'), iss);
  });
  test('environment beats the config file', async () => {
    const iss = await issuerWith({ file: 'https://file.example', env: 'https://env.example' });
    assert.ok(iss.startsWith('https://env.example/'), iss);
  });
  test('flag beats environment and config file', async () => {
    const iss = await issuerWith({ file: 'https://file.example', env: 'https://env.example', flag: 'https://flag.example' });
    assert.ok(iss.startsWith('https://flag.example/'), iss);
  });

  test('PORCH_CONFIG names the config file; the file can hold db and data-dir', async () => {
    const sb = await cliSandbox();
    try {
      const conf = path.join(sb.dataDir, 'porch.conf');
      await writeFile(conf, `db ${sb.dbUrl}\ndata-dir ${sb.dataDir}\npublic-url https://conf.example\n`);
      const r = await sb.run(['init', '--tenant-name', 'C', '--subdomain', 'conf', '--json'], {
        env: { PORCH_CONFIG: conf },
        db: false,
        dataDir: false,
      });
      const init = json(r, 'init with PORCH_CONFIG');
      assert.equal(init.db, sb.dbUrl);
      assert.equal(path.resolve(init.dataDir), path.resolve(sb.dataDir));
      assert.ok(init.issuer.startsWith('https://conf.example/'), init.issuer);
    } finally {
      await sb.cleanup();
    }
  });
});

describe('master key', () => {
  test('--master-key-file is created 0600 where asked, reused, and not at the default path', async () => {
    const sb = await cliSandbox();
    try {
      const dir = path.join(sb.dataDir, 'secrets');
      await mkdir(dir);
      const keyFile = path.join(dir, 'porch.key');
      json(await sb.run(['init', '--tenant-name', 'K', '--subdomain', 'keyed', '--json', '--master-key-file', keyFile]), 'init');
      const st = await stat(keyFile);
      assert.equal(st.mode & 0o777, 0o600);
      const first = await readFile(keyFile);
      await assert.rejects(stat(path.join(sb.dataDir, 'master.key')), 'no key at the default path');
      json(await sb.run(['tenant', 'create', '--tenant-name', 'K2', '--subdomain', 'keyed2', '--json', '--master-key-file', keyFile]), 'tenant create');
      assert.deepEqual(await readFile(keyFile), first, 'existing key file reused, not replaced');
    } finally {
      await sb.cleanup();
    }
  });
});

describe('signing keys at rest', () => {
  // Signatures of an unencrypted RSA private key in the forms it could be stored in.
  const TEXT_PATTERNS = [
    /PRIVATE KEY/,
    /LS0tLS1CRUdJTi/, // base64 of "-----BEGIN"
    /IBADANBgkqhkiG9w0BAQEFAASC/, // base64 PKCS#8 RSA
    /IBAAKCA[QYg]EA/, // base64 PKCS#1 RSA (2048/3072/4096)
    /"(?:qi|dp|dq)"\s*:/, // private JWK members
  ];
  const HEX_PATTERNS = [/020100300d06092a864886f70d0101010500048/i, /0201000282(?:0101|0181|0201)00/i];
  const BIN_PATTERNS = ['020100300d06092a864886f70d010101', '0201000282010100', '0201000282018100', '0201000282020100'].map((h) =>
    Buffer.from(h, 'hex'),
  );

  async function filesUnder(dir) {
    const out = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await filesUnder(p)));
      else if (e.isFile()) out.push(p);
    }
    return out;
  }

  test('no private key material in the store or the data dir outside master.key', async () => {
    const sb = await cliSandbox();
    try {
      const init = json(await sb.run(['init', '--tenant-name', 'Secretive', '--subdomain', 'secretive', '--json']), 'init');
      json(await sb.run(['keys', 'rotate', '--tenant', 'secretive', '--json']), 'keys rotate');
      const dumps = [];
      if (BACKEND === 'postgres') {
        const r = await exec('pg_dump', ['--data-only', '--no-owner', '-d', sb.dbUrl]);
        assert.equal(r.code, 0, r.stderr);
        dumps.push(['pg_dump', r.stdout]);
      } else {
        const r = await exec('sqlite3', [sb.dbUrl.replace(/^sqlite:/, ''), '.dump']).catch(() => null);
        if (r && r.code === 0) dumps.push(['sqlite3 .dump', r.stdout]);
      }
      for (const f of await filesUnder(sb.dataDir)) {
        if (path.basename(f) === 'master.key') continue;
        const bytes = await readFile(f);
        dumps.push([f, bytes.toString('latin1')]);
        for (const pat of BIN_PATTERNS) assert.ok(!bytes.includes(pat), `raw DER private key in ${f}`);
      }
      const all = dumps.map(([, d]) => d).join('\n');
      // The dump must really be of this store, or the negative checks prove nothing.
      assert.ok(all.includes('secretive'), 'store dump does not contain the tenant (wrong database?)');
      assert.ok(all.includes(init.tenantId), 'store dump does not contain the tenant id');
      for (const [where, d] of dumps) {
        for (const re of TEXT_PATTERNS) assert.doesNotMatch(d, re, `${re} found in ${where}`);
        for (const re of HEX_PATTERNS) assert.doesNotMatch(d, re, `${re} (hex DER) found in ${where}`);
      }
    } finally {
      await sb.cleanup();
    }
  });
});

// Keep pgBaseUrl referenced so a postgres run without PORCH_E2E_PG_URL fails loudly here too.
if (BACKEND === 'postgres') pgBaseUrl();
