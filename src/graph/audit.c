/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory audit records: built here as the directoryAudit JSON Graph returns, stored whole
 * beside the columns that lists filter on, and served back as stored. targetResources holds
 * one target per record, so its any() filters compile to plain column conditions.
 */
#include <stdlib.h>
#include <string.h>

#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/audit.h"
#include "core/banned.h"

#define SET "auditLogs/directoryAudits"

/* --- recording ----------------------------------------------------------------------------- */

json_t *graph_audit_change(const char *name, json_t *old_value, json_t *new_value)
{
    char *o = json_dumps(old_value ? old_value : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    char *n = json_dumps(new_value ? new_value : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    json_t *c = json_pack("{s:s, s:s?, s:s?}", "displayName", name, "oldValue", o, "newValue", n);

    free(o);
    free(n);
    json_decref(old_value);
    json_decref(new_value);
    return c;
}

static json_t *initiator(const struct req *r)
{
    const struct graph_auth *a = r->auth;

    if (a->user_id)
        return json_pack("{s:n, s:{s:s, s:n, s:n, s:s}}", "app", "user", "id", a->user_id,
                         "displayName", "userPrincipalName", "ipAddress", r->client_ip);
    return json_pack("{s:{s:s?, s:s?, s:s?, s:s?}, s:n}", "app", "appId", a->client_app_id,
                     "displayName", a->client_name, "servicePrincipalId", a->client_sp_id,
                     "servicePrincipalName", a->client_name, "user");
}

struct record {
    const char *activity, *category, *op, *type, *target_id, *target_name, *reason;
    bool success;
};

static json_t *record_json(struct req *r, const struct record *rec, const char *id, int64_t now,
                           json_t *props)
{
    const char *corr = r->client_request_id ? r->client_request_id : r->request_id;
    const char *ua = req_header(r, "User-Agent");

    return json_pack(
        "{s:s, s:s, s:s?, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:[{s:s?, s:s?, s:s?, "
        "s:n, s:n, s:o}], s:[{s:s, s:s}, {s:s, s:s}]}",
        "id", id, "category", rec->category, "correlationId", corr, "result",
        rec->success ? "success" : "failure", "resultReason", rec->reason ? rec->reason : "",
        "activityDisplayName", rec->activity, "activityDateTime", graph_datetime(now),
        "loggedByService", GRAPH_AUDIT_SERVICE, "operationType", rec->op, "initiatedBy",
        initiator(r), "targetResources", "id", rec->target_id, "displayName", rec->target_name,
        "type", rec->type, "userPrincipalName", "groupType", "modifiedProperties",
        props ? props : json_array(), "additionalDetails", "key", "User-Agent", "value",
        ua ? ua : "", "key", "ClientIpAddress", "value", r->client_ip ? r->client_ip : "");
}

static void store(struct req *r, const struct record *rec, json_t *props)
{
    struct audit_record row = {0};
    struct db_conn *c = NULL;
    char id[UUID_STR_LEN], *data = NULL;
    int64_t now = clock_now();
    json_t *j;
    enum porch_err err = PORCH_E_INTERNAL;

    uuid_v4(id);
    j = record_json(r, rec, id, now, props);
    data = j ? json_dumps(j, JSON_COMPACT) : NULL;
    row = (struct audit_record){r->auth->tenant_id,
                                id,
                                now,
                                rec->activity,
                                rec->category,
                                rec->success ? "success" : "failure",
                                rec->reason,
                                rec->op,
                                GRAPH_AUDIT_SERVICE,
                                r->client_request_id ? r->client_request_id : r->request_id,
                                r->auth->client_app_id,
                                r->auth->client_sp_id,
                                r->auth->client_name,
                                r->auth->user_id,
                                rec->target_id,
                                rec->target_name,
                                data};
    if (data)
        err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_audit_insert(c, &row);
    if (err != PORCH_OK)
        log_error("cannot record audit '%s' in tenant '%s': %s", rec->activity, r->auth->tenant_id,
                  porch_err_str(err));
    if (c)
        db_release(c);
    free(data);
    json_decref(j);
}

void graph_audit_write(struct req *r, const char *activity, const char *category, const char *op,
                       const char *target_type, const char *target_id, const char *target_name,
                       json_t *modified_props, bool success, const char *reason)
{
    struct record rec = {activity,  category,    op,     target_type,
                         target_id, target_name, reason, success};

    if (!r->auth || !r->srv || !activity || !category || !op) {
        log_error("cannot record audit '%s': no caller or activity", activity ? activity : "");
        json_decref(modified_props);
        return;
    }
    store(r, &rec, modified_props); /* record_json takes modified_props */
}

void graph_audit_denied(struct req *r, const char *reason)
{
    const char *what =
        arena_printf(r->arena, "%s %s", r->method ? r->method : "", r->path ? r->path : "");

    if (!r->auth)
        return;
    graph_audit_write(r, "Access denied", "Authorization", "Other", "Request", r->path, what, NULL,
                      false, reason);
}

/* --- the resource -------------------------------------------------------------------------- */

static const char *const audit_props[] = {
    "id",
    "category",
    "correlationId",
    "result",
    "resultReason",
    "activityDisplayName",
    "activityDateTime",
    "loggedByService",
    "operationType",
    "initiatedBy",
    "targetResources",
    "additionalDetails",
    NULL,
};

static const struct odata_field audit_fields[] = {
    {"id", "id", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"activityDisplayName", "activity_display_name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"activityDateTime", "activity_at", NULL, ODATA_T_DATETIME, ODATA_OPS_ORD, 0},
    {"category", "category", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"result", "result", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"loggedByService", "logged_by_service", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"operationType", "operation_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"correlationId", "correlation_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"initiatedBy/app/appId", "initiated_by_app_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"initiatedBy/app/servicePrincipalId", "initiated_by_sp_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ,
     0},
    {"initiatedBy/app/displayName", "initiated_by_display_name", NULL, ODATA_T_STRING, ODATA_OPS_EQ,
     0},
    {"initiatedBy/user/id", "initiated_by_user_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
};

static const struct odata_field target_fields[] = {
    {"id", "target_id", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"displayName", "target_display_name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
};

static const struct odata_lambda audit_lambdas[] = {
    {"targetResources", NULL, NULL, target_fields, sizeof(target_fields) / sizeof(target_fields[0]),
     false},
};

static const struct odata_order audit_orders[] = {
    {"activityDateTime", "activity_at", false},
};

static const struct odata_schema audit_schema = {
    .type_name = "directoryAudit",
    .resource = "DirectoryAudit",
    .props = audit_props,
    .fields = audit_fields,
    .nfields = sizeof(audit_fields) / sizeof(audit_fields[0]),
    .lambdas = audit_lambdas,
    .nlambdas = 1,
    .orders = audit_orders,
    .norders = 1,
    .tiebreak = "seq",
    .default_order = STORE_AUDIT_DEFAULT_ORDER,
    .default_top = 100,
    .max_top = 999,
    .flags = ODATA_S_COUNT,
};

static enum porch_err add_row(const char *data, void *ctx)
{
    graph_page_add(ctx, json_loads(data, 0, NULL));
    return PORCH_OK;
}

enum porch_err graph_audit_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct graph_page page = {0};
    struct db_conn *c = NULL;
    int64_t count = -1;
    enum porch_err err;

    err = odata_parse(r, rs, &audit_schema, 0, &q);
    if (err != PORCH_OK)
        goto out;
    graph_page_init(&page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_audit_list(c, r->auth->tenant_id, &q.sq, add_row, &page);
    if (err == PORCH_OK && q.count)
        err = store_audit_count(c, r->auth->tenant_id, &q.sq, &count);
    if (err != PORCH_OK)
        goto out;
    err = graph_send_collection(r, rs, SET, &q, page.items, page.more, count);
    page.items = NULL;
out:
    if (c)
        db_release(c);
    json_decref(page.items);
    return err;
}

enum porch_err graph_audit_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct db_conn *c = NULL;
    char *data = NULL;
    enum porch_err err;

    err = odata_parse_entity(r, rs, &audit_schema, &q);
    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_audit_get(c, r->auth->tenant_id, r->params[0], &data);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, SET, &q, json_loads(data, 0, NULL));
out:
    if (c)
        db_release(c);
    free(data);
    return err;
}
