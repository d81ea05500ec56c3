-- SPDX-License-Identifier: Apache-2.0
-- Users of a tenant and their sign-in identities (DESIGN.md §5). The indexed columns are what
-- the store looks up, filters or orders by; every other Graph property lives in the JSON text
-- column data. *_lower columns hold the ASCII lower-cased value for case-insensitive equality,
-- $search and ordering. display_name is '' (never NULL) when the user has none, so ordering is
-- the same on both backends. The unique index on user_identities, not application code, keeps
-- two accounts from sharing an email or username: local identities (emailAddress*, userName)
-- have sign_in_class 'local', issuer_key = the tenant id and normalized_id = the lower-cased
-- value; federated ones have sign_in_class 'federated', issuer_key = the lower-cased issuer and
-- normalized_id = the subject exactly as the provider sent it.
CREATE TABLE users (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    display_name_lower TEXT NOT NULL DEFAULT '',
    given_name TEXT,
    surname TEXT,
    mail TEXT,
    mail_lower TEXT,
    user_principal_name TEXT NOT NULL,
    upn_lower TEXT NOT NULL,
    account_enabled INTEGER NOT NULL DEFAULT 1,
    creation_type TEXT,
    user_type TEXT NOT NULL DEFAULT 'Member',
    password_hash TEXT,
    password_changed_at INTEGER,
    sessions_valid_from INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_upn ON users (tenant_id, upn_lower);
CREATE INDEX users_display_name ON users (tenant_id, display_name_lower, id);
CREATE INDEX users_mail ON users (tenant_id, mail_lower);
CREATE INDEX users_created ON users (tenant_id, created_at, id);

CREATE TABLE user_identities (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    sign_in_type TEXT NOT NULL,
    sign_in_class TEXT NOT NULL CHECK (sign_in_class IN ('local', 'federated')),
    issuer TEXT NOT NULL,
    issuer_lower TEXT NOT NULL,
    issuer_key TEXT NOT NULL,
    issuer_assigned_id TEXT NOT NULL,
    id_lower TEXT NOT NULL,
    normalized_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, ord),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_identities_key
    ON user_identities (tenant_id, sign_in_class, issuer_key, normalized_id);
CREATE INDEX user_identities_id ON user_identities (tenant_id, id_lower);
