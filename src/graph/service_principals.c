/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service principals. id, appId, displayName and accountEnabled are columns; the rest is the
 * row's JSON, shown over Graph's defaults. appRoles, oauth2PermissionScopes,
 * servicePrincipalNames and appDisplayName mirror the application (directory/apps.c keeps
 * them in step when the application changes) and are read-only here, as are credentials:
 * clients authenticate with their application's passwords and certificates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/applications_int.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "graph/service_principals.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "directory/apps.h"
#include "directory/graph_api.h"
#include "http/req.h"
#include "http/server.h"
#include "core/banned.h"

#define SET "servicePrincipals"

static const char *const sp_props[] = {
    "id",
    "deletedDateTime",
    "accountEnabled",
    "addIns",
    "alternativeNames",
    "appDescription",
    "appDisplayName",
    "appId",
    "applicationTemplateId",
    "appOwnerOrganizationId",
    "appRoleAssignmentRequired",
    "appRoles",
    "description",
    "disabledByMicrosoftStatus",
    "displayName",
    "homepage",
    "info",
    "keyCredentials",
    "loginUrl",
    "logoutUrl",
    "notes",
    "notificationEmailAddresses",
    "oauth2PermissionScopes",
    "passwordCredentials",
    "preferredSingleSignOnMode",
    "preferredTokenSigningKeyThumbprint",
    "replyUrls",
    "resourceSpecificApplicationPermissions",
    "samlSingleSignOnSettings",
    "servicePrincipalNames",
    "servicePrincipalType",
    "signInAudience",
    "tags",
    "tokenEncryptionKeyId",
    "verifiedPublisher",
    NULL,
};

static const struct odata_field sp_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"appId", "app_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"displayName", "display_name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"accountEnabled", "account_enabled", NULL, ODATA_T_BOOL, ODATA_OPS_EQ, 0},
};

static const struct odata_order sp_orders[] = {
    {"displayName", "display_name", true},
};

static const struct odata_schema sp_schema = {
    .type_name = "servicePrincipal",
    .resource = "ServicePrincipal",
    .props = sp_props,
    .fields = sp_fields,
    .nfields = sizeof(sp_fields) / sizeof(sp_fields[0]),
    .orders = sp_orders,
    .norders = sizeof(sp_orders) / sizeof(sp_orders[0]),
    .tiebreak = "id",
    .default_order = "created_at ASC, id ASC",
    .flags = ODATA_S_DIRECTORY | ODATA_S_COUNT,
};

static const struct graph_prop sp_write[] = {
    {"appId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"accountEnabled", GRAPH_T_BOOL, 0, 0},
    {"alternativeNames", GRAPH_T_STRINGS, 0, 256},
    {"appDescription", GRAPH_T_STRING, GRAPH_P_NULLABLE, 1024},
    {"appRoleAssignmentRequired", GRAPH_T_BOOL, 0, 0},
    {"description", GRAPH_T_STRING, GRAPH_P_NULLABLE, 1024},
    {"displayName", GRAPH_T_STRING, 0, 256},
    {"homepage", GRAPH_T_STRING, GRAPH_P_NULLABLE, 2048},
    {"info", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"loginUrl", GRAPH_T_STRING, GRAPH_P_NULLABLE, 2048},
    {"logoutUrl", GRAPH_T_STRING, GRAPH_P_NULLABLE, 2048},
    {"notes", GRAPH_T_STRING, GRAPH_P_NULLABLE, 1024},
    {"notificationEmailAddresses", GRAPH_T_STRINGS, 0, 320},
    {"preferredSingleSignOnMode", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"preferredTokenSigningKeyThumbprint", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"replyUrls", GRAPH_T_STRINGS, 0, 256},
    {"samlSingleSignOnSettings", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"tags", GRAPH_T_STRINGS, 0, 256},
    {"tokenEncryptionKeyId", GRAPH_T_GUID, GRAPH_P_NULLABLE, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"deletedDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"createdDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"addIns", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"appDisplayName", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"applicationTemplateId", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"appOwnerOrganizationId", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"appRoles", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"disabledByMicrosoftStatus", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"keyCredentials", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"oauth2PermissionScopes", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"passwordCredentials", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"resourceSpecificApplicationPermissions", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"servicePrincipalNames", GRAPH_T_STRINGS, GRAPH_P_READONLY, 0},
    {"servicePrincipalType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"signInAudience", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"verifiedPublisher", GRAPH_T_OBJECT, GRAPH_P_READONLY, 0},
};

static const struct graph_type sp_type = {
    "servicePrincipal", "ServicePrincipal", sp_write, sizeof(sp_write) / sizeof(sp_write[0]), 0,
};

static json_t *sp_defaults(void)
{
    return json_pack(
        "{s:[], s:[], s:n, s:n, s:n, s:n, s:n, s:{s:n, s:n, s:n, s:n, s:n}, s:[],"
        " s:n, s:n, s:n, s:[], s:n, s:n, s:[], s:[], s:n, s:n, s:[], s:[],"
        " s:{s:n, s:n, s:n}}",
        "addIns", "alternativeNames", "appDescription", "applicationTemplateId", "description",
        "disabledByMicrosoftStatus", "homepage", "info", "logoUrl", "marketingUrl",
        "privacyStatementUrl", "supportUrl", "termsOfServiceUrl", "keyCredentials", "loginUrl",
        "logoutUrl", "notes", "notificationEmailAddresses", "preferredSingleSignOnMode",
        "preferredTokenSigningKeyThumbprint", "replyUrls", "resourceSpecificApplicationPermissions",
        "samlSingleSignOnSettings", "tokenEncryptionKeyId", "passwordCredentials", "tags",
        "verifiedPublisher", "displayName", "verifiedPublisherId", "addedDateTime");
}

json_t *graph_applications_sp_json(const struct sp_row *s)
{
    json_t *o =
        json_pack("{s:s, s:n, s:b, s:s, s:s}", "id", s->id, "deletedDateTime", "accountEnabled",
                  s->account_enabled, "appId", s->app_id, "displayName", s->display_name);
    json_t *data = graph_applications_parse(s->data), *defaults = sp_defaults();

    json_object_update_missing(data, defaults);
    json_object_del(data, "accountEnabled");
    json_object_update(o, data);
    json_decref(defaults);
    json_decref(data);
    return o;
}

struct list_ctx {
    struct graph_page page;
};

static enum porch_err list_row(const struct sp_row *s, void *ctx)
{
    struct list_ctx *l = ctx;

    graph_page_add(&l->page, graph_applications_sp_json(s));
    return PORCH_OK;
}

enum porch_err graph_service_principals_list(struct req *r, struct resp *rs)
{
    struct list_ctx l;
    struct odata_query q;
    struct db_conn *c = NULL;
    int64_t total = -1;
    enum porch_err err = odata_parse(r, rs, &sp_schema, 0, &q);

    if (err != PORCH_OK)
        return err;
    graph_page_init(&l.page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_sp_list(c, r->auth->tenant_id, &q.sq, list_row, &l, q.count ? &total : NULL);
    if (c)
        db_release(c);
    if (err != PORCH_OK) {
        json_decref(l.page.items);
        return err;
    }
    return graph_send_collection(r, rs, SET, &q, l.page.items, l.page.more, total);
}

enum porch_err graph_service_principals_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct sp_row s;
    struct db_conn *c = NULL;
    enum porch_err err = odata_parse_entity(r, rs, &sp_schema, &q);

    memset(&s, 0, sizeof(s));
    if (err != PORCH_OK)
        return err;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find_sp(c, r, &s);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, SET, &q, graph_applications_sp_json(&s));
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    store_sp_row_release(&s);
    return err;
}

/* --- writes ---------------------------------------------------------------------------------- */

/* Applies a checked body to s (columns and data); old (optional) gets the previous values. */
static void apply_body(struct sp_row *s, json_t *body, json_t *changes)
{
    json_t *data = graph_applications_parse(s->data), *v, *old;
    const char *k;

    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "appId") == 0)
            continue;
        if (strcmp(k, "displayName") == 0)
            old = json_string(s->display_name);
        else if (strcmp(k, "accountEnabled") == 0)
            old = json_boolean(s->account_enabled);
        else
            old = json_incref(json_object_get(data, k));
        if (changes && !(old && json_equal(old, v)))
            json_array_append_new(changes, graph_audit_change(k, json_incref(old), json_incref(v)));
        json_decref(old);
        if (strcmp(k, "displayName") == 0) {
            free(s->display_name);
            s->display_name = xstrdup(json_string_value(v));
        } else if (strcmp(k, "accountEnabled") == 0) {
            s->account_enabled = json_is_true(v);
        } else {
            json_object_set(data, k, v);
        }
    }
    free(s->data);
    s->data = graph_applications_dump(data);
    json_decref(data);
}

struct create {
    struct app_row app;
    json_t *body;
    struct sp_row sp;
};

static enum porch_err create_tx(struct db_conn *c, void *ctx)
{
    struct create *k = ctx;
    char id[UUID_STR_LEN];
    enum porch_err err = apps_create_sp(c, &k->app, id);

    store_sp_row_release(&k->sp);
    if (err == PORCH_OK)
        err = store_sp_get(c, k->app.tenant_id, id, &k->sp);
    if (err == PORCH_OK && json_object_size(k->body) > 1) {
        apply_body(&k->sp, k->body, NULL);
        err = store_sp_update(c, &k->sp);
    }
    return err;
}

enum porch_err graph_service_principals_create(struct req *r, struct resp *rs)
{
    struct create k;
    struct db_conn *c = NULL;
    const char *app_id;
    enum porch_err err = graph_body_check(r, rs, &sp_type, true, &k.body);

    memset(&k.app, 0, sizeof(k.app));
    memset(&k.sp, 0, sizeof(k.sp));
    if (err != PORCH_OK)
        goto out;
    app_id = json_string_value(json_object_get(k.body, "appId"));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_app_get_by_app_id(c, r->auth->tenant_id, app_id, &k.app);
    if (err == PORCH_OK)
        err = db_tx(c, true, create_tx, &k);
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "The appId '%s' of the service principal does not reference a valid "
                          "application object.",
                          app_id);
    if (c)
        db_release(c);
    if (err == PORCH_E_CONFLICT)
        err = graph_error(r, rs, err, GRAPH_E_CONFLICT,
                          "The service principal cannot be created because the application "
                          "'%s' already has one.",
                          app_id);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(r, "Add service principal", "ApplicationManagement", "Add",
                      "ServicePrincipal", k.sp.id, k.sp.display_name,
                      json_pack("[o]", graph_audit_change("appId", NULL, json_string(app_id))),
                      true, NULL);
    err = graph_send_created(r, rs, SET, k.sp.id, graph_applications_sp_json(&k.sp));
out:
    store_app_row_release(&k.app);
    store_sp_row_release(&k.sp);
    return err;
}

/* The built-in Microsoft Graph service principal is Porch's own and stays as it is. */
static enum porch_err refuse_builtin(struct req *r, struct resp *rs)
{
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                       "The built-in service principal '" GRAPH_DISPLAY_NAME
                       "' cannot be modified or deleted.");
}

static enum porch_err update_tx(struct db_conn *c, void *ctx)
{
    return store_sp_update(c, ctx);
}

enum porch_err graph_service_principals_patch(struct req *r, struct resp *rs)
{
    struct sp_row s;
    struct db_conn *c = NULL;
    json_t *body, *changes = json_array();
    enum porch_err err = graph_body_check(r, rs, &sp_type, false, &body);

    memset(&s, 0, sizeof(s));
    if (err == PORCH_OK && json_object_get(body, "appId"))
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "Property 'appId' is read-only and cannot be set.");
    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find_sp(c, r, &s);
    if (err == PORCH_OK && strcmp(s.app_id, GRAPH_APP_ID) == 0)
        err = refuse_builtin(r, rs);
    if (err == PORCH_OK) {
        apply_body(&s, body, changes);
        err = db_tx(c, true, update_tx, &s);
    }
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(r, "Update service principal", "ApplicationManagement", "Update",
                      "ServicePrincipal", s.id, s.display_name, json_incref(changes), true, NULL);
    err = graph_send_no_content(rs);
out:
    json_decref(changes);
    store_sp_row_release(&s);
    return err;
}

static enum porch_err delete_tx(struct db_conn *c, void *ctx)
{
    const struct sp_row *s = ctx;

    return store_sp_delete(c, s->tenant_id, s->id);
}

enum porch_err graph_service_principals_delete(struct req *r, struct resp *rs)
{
    struct sp_row s;
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    memset(&s, 0, sizeof(s));
    if (err == PORCH_OK)
        err = graph_applications_find_sp(c, r, &s);
    if (err == PORCH_OK && strcmp(s.app_id, GRAPH_APP_ID) == 0)
        err = refuse_builtin(r, rs);
    if (err == PORCH_OK)
        err = db_tx(c, true, delete_tx, &s);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Delete service principal", "ApplicationManagement", "Delete",
                          "ServicePrincipal", s.id, s.display_name, NULL, true, NULL);
        err = graph_send_no_content(rs);
    }
    store_sp_row_release(&s);
    return err;
}
