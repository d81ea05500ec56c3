-- SPDX-License-Identifier: Apache-2.0
-- The directory audit log (Graph auditLogs/directoryAudits). The columns hold what lists are
-- filtered and ordered on; data holds the whole directoryAudit JSON as Graph returns it,
-- targetResources with modifiedProperties (never secrets) and additionalDetails included.
-- seq orders rows written in the same second; id is the Graph id.
CREATE TABLE directory_audits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    activity_at INTEGER NOT NULL,
    activity_display_name TEXT NOT NULL,
    category TEXT NOT NULL,
    result TEXT NOT NULL,
    result_reason TEXT,
    operation_type TEXT,
    logged_by_service TEXT NOT NULL,
    correlation_id TEXT,
    initiated_by_app_id TEXT,
    initiated_by_sp_id TEXT,
    initiated_by_display_name TEXT,
    initiated_by_user_id TEXT,
    target_id TEXT,
    target_display_name TEXT,
    data TEXT NOT NULL
);

CREATE UNIQUE INDEX directory_audits_id ON directory_audits (tenant_id, id);
CREATE INDEX directory_audits_time ON directory_audits (tenant_id, activity_at);
