// SPDX-License-Identifier: Apache-2.0
// porch backup: a consistent copy of the SQLite store taken while porch serve runs, written to a
// new private file and never over an existing one; PostgreSQL stores point to pg_dump.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BACKEND, runPorch, startPorch } from './lib/porch.js';

describe('porch backup', () => {
  let p;
  before(async () => {
    p = await startPorch();
  });
  after(async () => {
    await p.stop();
    await p.cleanup();
  });

  test('copies a running SQLite store into a new 0600 file that porch can open', { skip: BACKEND !== 'sqlite' }, async () => {
    const dest = path.join(p.dataDir, 'copy.db');
    const r = await p.run(['backup', '--to', dest]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /backed up/);
    assert.equal((await stat(dest)).mode & 0o777, 0o600);
    // the copy holds the tenant, readable by a porch pointed at it
    const show = await runPorch(['tenant', 'show', p.subdomain, '--json', '--data-dir', p.dataDir, '--db', `sqlite:${dest}`]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).tenantId, p.init.tenantId);
    // and the server kept serving
    assert.equal((await p.get('/healthz')).status, 200);
  });

  test('never overwrites an existing file', { skip: BACKEND !== 'sqlite' }, async () => {
    const dest = path.join(p.dataDir, 'taken.db');
    await writeFile(dest, 'keep me');
    const r = await p.run(['backup', '--to', dest]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists/);
    assert.equal(await readFile(dest, 'utf8'), 'keep me');
  });

  test('without --to it exits 2', async () => {
    const r = await p.run(['backup']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--to/);
  });

  test('a PostgreSQL store is pointed at pg_dump', { skip: BACKEND !== 'postgres' }, async () => {
    const r = await p.run(['backup', '--to', path.join(p.dataDir, 'x.db')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pg_dump/);
  });
});
