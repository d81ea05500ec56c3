// SPDX-License-Identifier: Apache-2.0
//
// The management API through the official Graph SDK (@microsoft/microsoft-graph-client) pointed
// at a test porch over TLS: a client that trusts the test CA, and the bootstrap client's token.
// The SDK only sends tokens to https hosts it knows, so 127.0.0.1 is a customHost.
import assert from 'node:assert/strict';
import { AuthenticationHandler, Client } from '@microsoft/microsoft-graph-client';
import { fetchWithCa, request } from './porch.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The last link of the SDK's middleware chain: fetch that trusts the test CA. */
export class CaFetchHandler {
  constructor(fetchFn) {
    this.fetchFn = fetchFn;
  }
  async execute(context) {
    context.response = await this.fetchFn(context.request, context.options);
  }
}

/** A Graph SDK client for porch p; token is a string or an async function returning one. */
export function graphClient(p, cert, token) {
  const getAccessToken = typeof token === 'function' ? token : async () => token;
  const auth = new AuthenticationHandler({ getAccessToken });
  auth.setNext(new CaFetchHandler(fetchWithCa(cert.ca)));
  return Client.initWithMiddleware({
    baseUrl: `${p.url}/`,
    defaultVersion: 'v1.0',
    middleware: auth,
    customHosts: new Set(['127.0.0.1']),
  });
}

/** A client-credentials token for Graph from the bootstrap client `porch init` printed. */
export async function clientToken(p, ca) {
  const r = await request(`${p.url}/${p.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: p.init.clientId,
      client_secret: p.init.clientSecret,
      scope: GRAPH_SCOPE,
    }).toString(),
  });
  assert.equal(r.status, 200, r.body);
  return r.json().access_token;
}
