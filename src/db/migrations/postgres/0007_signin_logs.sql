-- SPDX-License-Identifier: Apache-2.0
-- The sign-in log (Graph auditLogs/signIns): one row per interactive or non-interactive
-- sign-in attempt, success (error_code 0) or failure. The columns hold the signIn properties
-- that lists filter on or show; data holds a JSON object with any further signIn properties
-- (deviceDetail, location, appliedEventListeners, …) that replace the rendered defaults.
-- upn_lower and app_display_name_lower are the ASCII lower-cased copies that case-insensitive
-- filters compare. created_at is in Unix seconds; id (a GUID) breaks ties within a second.
-- signin_logs_age serves the retention purge, which runs across tenants.
CREATE TABLE signin_logs (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    user_id TEXT,
    user_display_name TEXT,
    user_principal_name TEXT,
    upn_lower TEXT,
    app_id TEXT,
    app_display_name TEXT,
    app_display_name_lower TEXT,
    ip_address TEXT,
    client_app_used TEXT,
    correlation_id TEXT,
    is_interactive BIGINT NOT NULL DEFAULT 0,
    resource_display_name TEXT,
    resource_id TEXT,
    error_code BIGINT NOT NULL DEFAULT 0,
    failure_reason TEXT,
    additional_details TEXT,
    user_agent TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX signin_logs_time ON signin_logs (tenant_id, created_at DESC, id);
CREATE INDEX signin_logs_age ON signin_logs (created_at);
