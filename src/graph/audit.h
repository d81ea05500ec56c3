/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The directory audit log of the management API: recording (every write handler calls
 * graph_audit_write after its change, the auth check records denied attempts) and the Graph
 * resource auditLogs/directoryAudits, listed newest first with the filters of entra-compat
 * §2.12. Recording never fails a request: a record that cannot be written is logged as an
 * error and the request goes on.
 */
#ifndef PORCH_GRAPH_AUDIT_H
#define PORCH_GRAPH_AUDIT_H

#include <stdbool.h>

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;

#define GRAPH_AUDIT_SERVICE "Core Directory"

/**
 * Records one directoryAudit in the caller's tenant (r->auth): activity ("Add user"),
 * category ("UserManagement"), op ("Add", "Update", "Delete", "Assign"), the target (type
 * "User"/"Application"/…, id, display name; any may be NULL), modified_props (stolen, may be
 * NULL: an array of graph_audit_change() objects — never put secrets in it), the outcome and
 * a reason (NULL for none). initiatedBy is the token's app (appId, displayName, service
 * principal) or user; correlationId is the client-request-id, else the request id. Acquires
 * its own store connection, so call it after releasing yours. Thread-safe.
 */
void graph_audit_write(struct req *r, const char *activity, const char *category, const char *op,
                       const char *target_type, const char *target_id, const char *target_name,
                       json_t *modified_props, bool success, const char *reason);

/**
 * Records a refused management API request (403, or 401 for a genuine token that cannot be
 * used) in r->auth's tenant: activity "Access denied", category "Authorization", result
 * failure with reason, target the request (type "Request", displayName "<METHOD> <path>").
 * No-op without r->auth.
 */
void graph_audit_denied(struct req *r, const char *reason);

/**
 * {"displayName": name, "oldValue": <JSON text of old_value>, "newValue": <JSON text of
 * new_value>} as Graph shows modified properties; old_value and new_value are stolen (NULL
 * reads as null). Caller owns the result.
 */
json_t *graph_audit_change(const char *name, json_t *old_value, json_t *new_value);

/* GET /v1.0/auditLogs/directoryAudits (AuditLog.Read.All) */
enum porch_err graph_audit_list(struct req *r, struct resp *rs);
/* GET /v1.0/auditLogs/directoryAudits/{id} (AuditLog.Read.All) */
enum porch_err graph_audit_get(struct req *r, struct resp *rs);

#endif
