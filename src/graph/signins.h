/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Graph resource auditLogs/signIns (entra-compat §2.12): the tenant's sign-in log as
 * recorded by store_signin_log_insert (store/signin_log.h), newest first. Each record renders
 * as a signIn: the stored columns, Porch's fixed values for what it does not evaluate
 * (conditionalAccessStatus "notApplied", risk "none", no applied policies), a deviceDetail
 * guessed from the user agent, and then the members of the record's data object, which
 * replace those defaults (a column-backed property in data is ignored, so what a filter
 * matches and what the response shows never disagree). Handlers are thread-safe.
 */
#ifndef PORCH_GRAPH_SIGNINS_H
#define PORCH_GRAPH_SIGNINS_H

#include "core/err.h"

struct req;
struct resp;

/*
 * GET /v1.0/auditLogs/signIns (AuditLog.Read.All): $top (default 100, at most 999),
 * $skiptoken, $count=true, $select and $filter over createdDateTime (eq, gt, ge, lt, le),
 * userId, appId, status/errorCode (eq), userPrincipalName (eq, startswith), appDisplayName
 * (eq, startswith), the last two case-insensitive; anything else answers 400.
 */
enum porch_err graph_signins_list(struct req *r, struct resp *rs);

/* GET /v1.0/auditLogs/signIns/{id} (AuditLog.Read.All): one record, $select allowed; 404. */
enum porch_err graph_signins_get(struct req *r, struct resp *rs);

/* Route rows for one version root v, for GRAPH_ROUTES in http/routes.c (uses its GRAPH_R). */
/* clang-format off */
#define GRAPH_SIGNIN_ROUTES(v)                                                                     \
    {"GET", v "/auditLogs/signIns", graph_signins_list, GRAPH_R, 0, "AuditLog.Read.All"},          \
    {"GET", v "/auditLogs/signIns/{id}", graph_signins_get, GRAPH_R, 0, "AuditLog.Read.All"},
/* clang-format on */

#endif
