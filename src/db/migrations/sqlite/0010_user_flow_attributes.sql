-- SPDX-License-Identifier: Apache-2.0
-- Custom user flow attributes (Graph identityUserFlowAttribute, entra-compat §2.7). Each is a
-- directory extension property of the tenant's b2c-extensions-app (extension_properties, whose
-- name it shares), so users carry its values like any other extension attribute; this table
-- adds what an extension property lacks: the description shown at sign-up. name is the full
-- extension_<appId without hyphens>_<Name>. A row whose extension property is gone is ignored
-- and replaced when a property of that name is declared again.
CREATE TABLE user_flow_attributes (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, name)
);
