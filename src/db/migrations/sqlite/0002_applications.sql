-- SPDX-License-Identifier: Apache-2.0
-- Application registry: applications, their password credentials, service principals (with
-- the names a token request may use for them), app role assignments, delegated permission
-- grants and directory extension properties. Looked-up and filtered properties are columns;
-- every other Graph property lives in the JSON text of `data`.
-- app_passwords.app_id is the application's appId (the OAuth client_id), so the token
-- endpoint finds a client's secrets by the identifier it presents.
CREATE TABLE applications (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, app_id)
);
CREATE INDEX applications_name ON applications (tenant_id, display_name);

CREATE TABLE app_passwords (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    app_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    display_name TEXT,
    hint TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_id, key_id)
);

CREATE TABLE service_principals (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    account_enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, app_id)
);
CREATE INDEX service_principals_name ON service_principals (tenant_id, display_name);

-- servicePrincipalNames (appId, identifier URIs), unique per tenant: what `scope=<name>/.default`
-- resolves against.
CREATE TABLE service_principal_names (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    sp_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX service_principal_names_sp ON service_principal_names (tenant_id, sp_id);

CREATE TABLE app_role_assignments (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    principal_display_name TEXT NOT NULL DEFAULT '',
    resource_id TEXT NOT NULL,
    resource_display_name TEXT NOT NULL DEFAULT '',
    app_role_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, principal_id, resource_id, app_role_id)
);
CREATE INDEX app_role_assignments_resource ON app_role_assignments (tenant_id, resource_id);

CREATE TABLE oauth2_permission_grants (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    consent_type TEXT NOT NULL,
    principal_id TEXT,
    resource_id TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX oauth2_permission_grants_client ON oauth2_permission_grants (tenant_id, client_id);
CREATE INDEX oauth2_permission_grants_resource ON oauth2_permission_grants (tenant_id, resource_id);

CREATE TABLE extension_properties (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    app_object_id TEXT NOT NULL,
    name TEXT NOT NULL,
    data_type TEXT NOT NULL,
    is_multi_valued INTEGER NOT NULL DEFAULT 0,
    target_objects TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE INDEX extension_properties_app ON extension_properties (tenant_id, app_object_id);
