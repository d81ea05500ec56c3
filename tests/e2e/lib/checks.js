// SPDX-License-Identifier: Apache-2.0
// Assertions shared by several test files.
import assert from 'node:assert/strict';
import { GUID_RE } from './porch.js';

/** Asserts the OAuth/AADSTS error body of an unknown tenant. */
export function assertUnknownTenant(r, what) {
  assert.equal(r.status, 404, `${what}: status ${r.status} body ${r.body}`);
  assert.match(r.headers['content-type'] || '', /^application\/json/, `${what}: content-type`);
  const body = r.json();
  assert.equal(typeof body.error, 'string', `${what}: error`);
  assert.ok(body.error.length > 0);
  assert.match(body.error_description, /^AADSTS90002\b/, `${what}: error_description ${body.error_description}`);
  assert.deepEqual(body.error_codes, [90002]);
  assert.match(body.trace_id, GUID_RE, 'trace_id');
  assert.match(body.correlation_id, GUID_RE, 'correlation_id');
  assert.equal(typeof body.timestamp, 'string');
  assert.ok(!Number.isNaN(Date.parse(body.timestamp)), `timestamp ${body.timestamp}`);
  for (const k of ['issuer', 'keys', 'jwks_uri']) assert.ok(!(k in body), `${what}: looks like a default tenant answered (${k})`);
}

