/* SPDX-License-Identifier: Apache-2.0 */
/*
 * auditLogs/signIns: the sign-in log rendered as Graph signIn objects. Records are stored as
 * columns (store/signin_log.c) and shaped here, so the fixed values Porch reports for what it
 * does not evaluate (risk, Conditional Access) live in one place and can change without
 * rewriting stored rows.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "graph/signins.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/signin_log.h"
#include "core/banned.h"

#define SET "auditLogs/signIns"

static const char *const signin_props[] = {
    "id",
    "createdDateTime",
    "userDisplayName",
    "userPrincipalName",
    "userId",
    "appId",
    "appDisplayName",
    "ipAddress",
    "clientAppUsed",
    "correlationId",
    "conditionalAccessStatus",
    "appliedConditionalAccessPolicies",
    "isInteractive",
    "deviceDetail",
    "location",
    "resourceDisplayName",
    "resourceId",
    "resourceTenantId",
    "homeTenantId",
    "riskDetail",
    "riskEventTypes",
    "riskEventTypes_v2",
    "riskLevelAggregated",
    "riskLevelDuringSignIn",
    "riskState",
    "status",
    "userAgent",
    NULL,
};

static const struct odata_field signin_fields[] = {
    {"createdDateTime", "created_at", NULL, ODATA_T_DATETIME,
     ODATA_OP_EQ | ODATA_OP_GT | ODATA_OP_GE | ODATA_OP_LT | ODATA_OP_LE, 0},
    {"userId", "user_id", NULL, ODATA_T_GUID, ODATA_OP_EQ, 0},
    {"appId", "app_id", NULL, ODATA_T_GUID, ODATA_OP_EQ, 0},
    {"userPrincipalName", "user_principal_name", "upn_lower", ODATA_T_STRING,
     ODATA_OP_EQ | ODATA_OP_STARTSWITH, 0},
    {"appDisplayName", "app_display_name", "app_display_name_lower", ODATA_T_STRING,
     ODATA_OP_EQ | ODATA_OP_STARTSWITH, 0},
    {"status/errorCode", "error_code", NULL, ODATA_T_INT, ODATA_OP_EQ, 0},
};

static const struct odata_schema signin_schema = {
    .type_name = "signIn",
    .resource = "SignIn",
    .props = signin_props,
    .fields = signin_fields,
    .nfields = sizeof(signin_fields) / sizeof(signin_fields[0]),
    .tiebreak = "id",
    .default_order = STORE_SIGNIN_DEFAULT_ORDER,
    .default_top = 100,
    .max_top = 999,
    .flags = ODATA_S_COUNT,
};

/* Properties backed by a column: a member of the record's data object never replaces them. */
static const char *const column_props[] = {
    "id",
    "createdDateTime",
    "userDisplayName",
    "userPrincipalName",
    "userId",
    "appId",
    "appDisplayName",
    "ipAddress",
    "clientAppUsed",
    "correlationId",
    "isInteractive",
    "resourceDisplayName",
    "resourceId",
    "resourceTenantId",
    "homeTenantId",
    "status",
    "userAgent",
    NULL,
};

/* Properties only /beta shows (Graph beta's signIn). */
static const char *const beta_props[] = {"appliedEventListeners", NULL};

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* --- deviceDetail from the user agent --------------------------------------------------------- */

/* "<name> <version>" for the first browser token found in ua ("Chrome 120.0.0"), else "". */
static void ua_browser(const char *ua, char *out, size_t size)
{
    static const struct {
        const char *token, *name;
    } browsers[] = {
        {"Edg/", "Edge"},     {"EdgA/", "Edge"},       {"EdgiOS/", "Edge"},
        {"OPR/", "Opera"},    {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
        {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"},   {"Version/", "Safari"},
    };
    const char *p = NULL, *name = NULL;
    size_t len = 0, dots = 0;

    out[0] = '\0';
    for (size_t i = 0; ua && !p && i < sizeof(browsers) / sizeof(browsers[0]); i++) {
        p = strstr(ua, browsers[i].token);
        if (p && strcmp(browsers[i].name, "Safari") == 0 && !strstr(ua, "Safari/"))
            p = NULL;
        if (p) {
            p += strlen(browsers[i].token);
            name = browsers[i].name;
        }
    }
    if (!p)
        return;
    /* Entra shows three version components at most */
    while (len < 24 && ((p[len] >= '0' && p[len] <= '9') || (p[len] == '.' && ++dots < 3)))
        len++;
    while (len > 0 && p[len - 1] == '.')
        len--;
    if (len)
        snprintf(out, size, "%s %.*s", name, (int)len, p);
    else
        snprintf(out, size, "%s", name);
}

/* The operating system family in Entra's spelling, or "". Order matters: iOS says "Mac OS X". */
static const char *ua_os(const char *ua)
{
    static const struct {
        const char *token, *os;
    } systems[] = {
        {"Windows NT 10.0", "Windows 10"},
        {"Windows", "Windows"},
        {"iPhone", "Ios"},
        {"iPad", "Ios"},
        {"Android", "Android"},
        {"CrOS", "ChromeOS"},
        {"Mac OS X", "MacOs"},
        {"Macintosh", "MacOs"},
        {"Linux", "Linux"},
    };

    for (size_t i = 0; ua && i < sizeof(systems) / sizeof(systems[0]); i++)
        if (strstr(ua, systems[i].token))
            return systems[i].os;
    return "";
}

static json_t *device_detail(const char *ua)
{
    char browser[64];

    ua_browser(ua, browser, sizeof(browser));
    return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s}", "browser", browser, "deviceId", "",
                     "displayName", "", "isCompliant", 0, "isManaged", 0, "operatingSystem",
                     ua_os(ua), "trustType", "");
}

/* --- rendering -------------------------------------------------------------------------------- */

static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

/* Porch's values for what it does not evaluate; the record's data may replace them. */
static void set_defaults(json_t *o, const char *ua)
{
    json_object_set_new(o, "conditionalAccessStatus", json_string("notApplied"));
    json_object_set_new(o, "appliedConditionalAccessPolicies", json_array());
    json_object_set_new(o, "deviceDetail", device_detail(ua));
    json_object_set_new(o, "location",
                        json_pack("{s:n, s:n, s:n, s:{s:n, s:n, s:n}}", "city", "state",
                                  "countryOrRegion", "geoCoordinates", "altitude", "latitude",
                                  "longitude"));
    json_object_set_new(o, "riskDetail", json_string("none"));
    json_object_set_new(o, "riskEventTypes", json_array());
    json_object_set_new(o, "riskEventTypes_v2", json_array());
    json_object_set_new(o, "riskLevelAggregated", json_string("none"));
    json_object_set_new(o, "riskLevelDuringSignIn", json_string("none"));
    json_object_set_new(o, "riskState", json_string("none"));
}

/* Copies the members of the record's data object that may replace the defaults. */
static void merge_data(json_t *o, const char *data, bool beta)
{
    json_t *d = json_loads(data, 0, NULL), *v;
    const char *k;

    json_object_foreach(d, k, v)
    {
        if (!listed(column_props, k) && (beta || !listed(beta_props, k)))
            json_object_set(o, k, v);
    }
    json_decref(d);
}

/* The signIn object of row (caller owns); beta: the request came under /beta. */
static json_t *signin_json(const struct signin_log_row *l, bool beta)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_string(l->id));
    json_object_set_new(o, "createdDateTime", graph_datetime(l->created_at));
    set_str(o, "userDisplayName", l->user_display_name);
    set_str(o, "userPrincipalName", l->user_principal_name);
    json_object_set_new(o, "userId", json_string(l->user_id ? l->user_id : ""));
    set_str(o, "appId", l->app_id);
    set_str(o, "appDisplayName", l->app_display_name);
    set_str(o, "ipAddress", l->ip_address);
    set_str(o, "clientAppUsed", l->client_app_used);
    set_str(o, "correlationId", l->correlation_id);
    json_object_set_new(o, "isInteractive", json_boolean(l->is_interactive));
    set_str(o, "resourceDisplayName", l->resource_display_name);
    set_str(o, "resourceId", l->resource_id);
    json_object_set_new(o, "resourceTenantId", json_string(l->tenant_id));
    json_object_set_new(o, "homeTenantId", json_string(l->tenant_id));
    json_object_set_new(o, "status",
                        json_pack("{s:i, s:s?, s:s?}", "errorCode", l->error_code, "failureReason",
                                  l->failure_reason, "additionalDetails", l->additional_details));
    set_str(o, "userAgent", l->user_agent);
    set_defaults(o, l->user_agent);
    merge_data(o, l->data, beta);
    return o;
}

static bool is_beta(const struct req *r)
{
    return r->path && strncmp(r->path, "/beta/", 6) == 0;
}

/* --- handlers --------------------------------------------------------------------------------- */

struct list_ctx {
    struct graph_page page;
    bool beta;
};

static enum porch_err add_row(const struct signin_log_row *row, void *ctx)
{
    struct list_ctx *lc = ctx;

    graph_page_add(&lc->page, signin_json(row, lc->beta));
    return PORCH_OK;
}

enum porch_err graph_signins_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct list_ctx lc = {{0}, is_beta(r)};
    struct db_conn *c = NULL;
    int64_t count = -1;
    enum porch_err err;

    err = odata_parse(r, rs, &signin_schema, 0, &q);
    if (err != PORCH_OK)
        goto out;
    graph_page_init(&lc.page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_signin_log_list(c, r->auth->tenant_id, &q.sq, add_row, &lc);
    if (err == PORCH_OK && q.count)
        err = store_signin_log_count(c, r->auth->tenant_id, &q.sq, &count);
    if (err != PORCH_OK)
        goto out;
    err = graph_send_collection(r, rs, SET, &q, lc.page.items, lc.page.more, count);
    lc.page.items = NULL;
out:
    if (c)
        db_release(c);
    json_decref(lc.page.items);
    return err;
}

enum porch_err graph_signins_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct signin_log_row row = {0};
    struct db_conn *c = NULL;
    enum porch_err err;

    err = odata_parse_entity(r, rs, &signin_schema, &q);
    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_signin_log_get(c, r->auth->tenant_id, r->params[0], &row);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, SET, &q, signin_json(&row, is_beta(r)));
out:
    if (c)
        db_release(c);
    store_signin_log_row_release(&row);
    return err;
}
