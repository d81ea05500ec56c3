-- SPDX-License-Identifier: Apache-2.0
-- Tenants and their signing keys. subdomain and default_domain are stored lower-case.
CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    subdomain TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    country TEXT NOT NULL,
    default_domain TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE signing_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kid TEXT NOT NULL,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    private_enc TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    active_at INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (tenant_id, kid)
);
