/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The applications resource: list, get, create, update and delete, by object id or by the
 * alternate key applications(appId='…'). id, appId, displayName and createdDateTime are
 * columns; every other property lives in the row's JSON and is returned as stored, merged
 * over Graph's defaults. Passwords come from their own table (hint, never the secret);
 * certificates (keyCredentials) are kept in the JSON, where the token endpoint's
 * private_key_jwt reads them, and their `key` is returned only when $select names
 * keyCredentials, as Graph does.
 *
 * Writes: id, createdDateTime and deletedDateTime in a body are ignored; the other read-only
 * properties (appId, publisherDomain, passwordCredentials, …) answer 400. A complex-typed
 * property in a PATCH is merged one level deep into the stored value (web.redirectUris alone
 * leaves web.implicitGrantSettings as it was); collections are replaced. Creating an
 * application does not create its service principal (POST /servicePrincipals does, as in
 * Graph); deleting one deletes its service principal, with the assignments and grants that
 * name it, its passwords and its extension properties, as deleting an app registration does in
 * its home tenant. The tenant's b2c-extensions-app (directory/builtin_apps.h) cannot be deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/applications.h"
#include "graph/applications_body.h"
#include "graph/applications_int.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "directory/apps.h"
#include "directory/builtin_apps.h"
#include "http/req.h"
#include "http/route.h"
#include "http/server.h"
#include "oidc/tenant_docs.h"
#include "store/credential.h"
#include "core/banned.h"

#define SET "applications"

static const char *const app_props[] = {
    "id",
    "deletedDateTime",
    "addIns",
    "api",
    "appId",
    "applicationTemplateId",
    "appRoles",
    "authenticationBehaviors",
    "certification",
    "createdByAppId",
    "createdDateTime",
    "defaultRedirectUri",
    "description",
    "disabledByMicrosoftStatus",
    "displayName",
    "groupMembershipClaims",
    "identifierUris",
    "info",
    "isDeviceOnlyAuthSupported",
    "isDisabled",
    "isFallbackPublicClient",
    "keyCredentials",
    "nativeAuthenticationApisEnabled",
    "notes",
    "oauth2RequirePostResponse",
    "optionalClaims",
    "parentalControlSettings",
    "passwordCredentials",
    "publicClient",
    "publisherDomain",
    "requestSignatureVerification",
    "requiredResourceAccess",
    "samlMetadataUrl",
    "serviceManagementReference",
    "servicePrincipalLockConfiguration",
    "signInAudience",
    "spa",
    "tags",
    "tokenEncryptionKeyId",
    "uniqueName",
    "verifiedPublisher",
    "web",
    NULL,
};

static const struct odata_field app_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"appId", "app_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"displayName", "display_name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"createdDateTime", "created_at", NULL, ODATA_T_DATETIME, ODATA_OPS_ORD, ODATA_F_ADVANCED},
};

static const struct odata_order app_orders[] = {
    {"displayName", "display_name", true},
    {"createdDateTime", "created_at", true},
};

static const struct odata_schema app_schema = {
    .type_name = "application",
    .resource = "Application",
    .props = app_props,
    .fields = app_fields,
    .nfields = sizeof(app_fields) / sizeof(app_fields[0]),
    .orders = app_orders,
    .norders = sizeof(app_orders) / sizeof(app_orders[0]),
    .tiebreak = "id",
    .default_order = "created_at ASC, id ASC",
    .flags = ODATA_S_DIRECTORY | ODATA_S_COUNT,
};

static const struct graph_prop app_write[] = {
    {"displayName", GRAPH_T_STRING, GRAPH_P_REQUIRED, 256},
    {"addIns", GRAPH_T_ARRAY, 0, 0},
    {"api", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"appRoles", GRAPH_T_ARRAY, 0, 0},
    {"authenticationBehaviors", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"defaultRedirectUri", GRAPH_T_STRING, GRAPH_P_NULLABLE, 256},
    {"description", GRAPH_T_STRING, GRAPH_P_NULLABLE, 1024},
    {"groupMembershipClaims", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"identifierUris", GRAPH_T_STRINGS, 0, 256},
    {"info", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"isDeviceOnlyAuthSupported", GRAPH_T_BOOL, GRAPH_P_NULLABLE, 0},
    {"isFallbackPublicClient", GRAPH_T_BOOL, GRAPH_P_NULLABLE, 0},
    {"keyCredentials", GRAPH_T_ARRAY, 0, 16},
    {"nativeAuthenticationApisEnabled", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"notes", GRAPH_T_STRING, GRAPH_P_NULLABLE, 1024},
    {"oauth2RequirePostResponse", GRAPH_T_BOOL, 0, 0},
    {"optionalClaims", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"parentalControlSettings", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"publicClient", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"requestSignatureVerification", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"requiredResourceAccess", GRAPH_T_ARRAY, 0, 0},
    {"samlMetadataUrl", GRAPH_T_STRING, GRAPH_P_NULLABLE, 2048},
    {"serviceManagementReference", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"servicePrincipalLockConfiguration", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"signInAudience", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"spa", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"tags", GRAPH_T_STRINGS, 0, 256},
    {"tokenEncryptionKeyId", GRAPH_T_GUID, GRAPH_P_NULLABLE, 0},
    {"uniqueName", GRAPH_T_STRING, GRAPH_P_NULLABLE, 0},
    {"web", GRAPH_T_OBJECT, GRAPH_P_NULLABLE, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"createdDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"deletedDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"appId", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"applicationTemplateId", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"certification", GRAPH_T_OBJECT, GRAPH_P_READONLY, 0},
    {"createdByAppId", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"disabledByMicrosoftStatus", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"isDisabled", GRAPH_T_BOOL, GRAPH_P_READONLY, 0},
    {"logo", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"passwordCredentials", GRAPH_T_ARRAY, GRAPH_P_READONLY, 0},
    {"publisherDomain", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"verifiedPublisher", GRAPH_T_OBJECT, GRAPH_P_READONLY, 0},
};

static const struct graph_type app_type = {
    "application", "Application", app_write, sizeof(app_write) / sizeof(app_write[0]), 0,
};

/* --- shared helpers (applications_int.h) --------------------------------------------------- */

const char *graph_applications_key(struct req *r, bool *by_app_id)
{
    char *k = arena_strdup(r->arena, r->params[0] ? r->params[0] : "");

    for (char *c = k; *c; c++)
        *c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
    *by_app_id = r->route && strstr(r->route->pattern, "(appId=") != NULL;
    return k;
}

enum porch_err graph_applications_find(struct db_conn *c, struct req *r, struct app_row *out)
{
    bool alt;
    const char *k = graph_applications_key(r, &alt);

    memset(out, 0, sizeof(*out));
    if (!uuid_valid(k))
        return PORCH_E_NOT_FOUND;
    return alt ? store_app_get_by_app_id(c, r->auth->tenant_id, k, out)
               : store_app_get(c, r->auth->tenant_id, k, out);
}

enum porch_err graph_applications_find_sp(struct db_conn *c, struct req *r, struct sp_row *out)
{
    bool alt;
    const char *k = graph_applications_key(r, &alt);

    memset(out, 0, sizeof(*out));
    if (!uuid_valid(k))
        return PORCH_E_NOT_FOUND;
    return alt ? store_sp_get_by_app_id(c, r->auth->tenant_id, k, out)
               : store_sp_get(c, r->auth->tenant_id, k, out);
}

struct store_query *graph_applications_scope(struct req *r, const struct store_query *q,
                                             const char *column, const char *value)
{
    struct store_query *s = arena_calloc(r->arena, 1, sizeof(*s));
    struct store_bind *b = arena_calloc(r->arena, q->nbinds + 1, sizeof(*b));
    bool has = q->where && *q->where;

    *s = *q;
    s->where = arena_printf(r->arena, "%s = ?%s%s%s", column, has ? " AND (" : "",
                            has ? q->where : "", has ? ")" : "");
    b[0].text = value;
    for (size_t i = 0; i < q->nbinds; i++)
        b[i + 1] = q->binds[i];
    s->binds = b;
    s->nbinds = q->nbinds + 1;
    return s;
}

json_t *graph_applications_parse(const char *text)
{
    json_t *j = json_loads(text ? text : "{}", 0, NULL);

    if (!json_is_object(j)) {
        json_decref(j);
        j = json_object();
    }
    return j;
}

char *graph_applications_dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);

    if (!s)
        PORCH_BUG("cannot serialize json");
    return s;
}

/* --- rendering ----------------------------------------------------------------------------- */

/* Read-only properties Graph always shows, with the values Porch has for them. */
static void read_only_defaults(json_t *o, const char *publisher_domain)
{
    json_object_set_new(o, "applicationTemplateId", json_null());
    json_object_set_new(o, "certification", json_null());
    json_object_set_new(o, "disabledByMicrosoftStatus", json_null());
    json_object_set_new(o, "isDeviceOnlyAuthSupported", json_null());
    json_object_set_new(o, "isDisabled", json_null());
    json_object_set_new(
        o, "parentalControlSettings",
        json_pack("{s:[], s:s}", "countriesBlockedForMinors", "legalAgeGroupRule", "Allow"));
    json_object_set_new(o, "publisherDomain", json_string(publisher_domain));
    json_object_set_new(o, "requestSignatureVerification", json_null());
    json_object_set_new(o, "samlMetadataUrl", json_null());
    json_object_set_new(o, "servicePrincipalLockConfiguration", json_null());
    json_object_set_new(o, "uniqueName", json_null());
    json_object_set_new(
        o, "verifiedPublisher",
        json_pack("{s:n, s:n, s:n}", "displayName", "verifiedPublisherId", "addedDateTime"));
}

/* Certificates without their key unless asked for (Graph returns key only with $select). */
static void hide_keys(json_t *o)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(o, "keyCredentials"), i, v)
        json_object_set_new(v, "key", json_null());
}

static json_t *app_json(struct req *r, const struct app_row *a, const struct odata_query *q)
{
    json_t *o =
        json_pack("{s:s, s:n, s:s, s:o, s:s}", "id", a->id, "deletedDateTime", "appId", a->app_id,
                  "createdDateTime", graph_datetime(a->created_at), "displayName", a->display_name);
    json_t *data = graph_applications_parse(a->data), *defaults = apps_default_data();

    read_only_defaults(o, r->auth->tenant->tenant.default_domain);
    json_object_update_missing(data, defaults);
    json_decref(defaults);
    json_object_update(o, data);
    json_object_del(o, GRAPH_APPLICATIONS_OWNERS);
    if (!(q && q->select && odata_selected(q, "keyCredentials")))
        hide_keys(o);
    json_object_set_new(o, "passwordCredentials", json_array());
    json_decref(data);
    return o;
}

static enum porch_err add_password(const struct credential_row *p, void *ctx)
{
    json_t *list = ctx;

    json_array_append_new(list,
                          json_pack("{s:n, s:s?, s:o, s:s, s:s, s:n, s:o}", "customKeyIdentifier",
                                    "displayName", p->display_name, "endDateTime",
                                    graph_datetime(p->end_at), "hint", p->hint, "keyId", p->key_id,
                                    "secretText", "startDateTime", graph_datetime(p->start_at)));
    return PORCH_OK;
}

/* Fills o's passwordCredentials from the credential table. */
static enum porch_err add_passwords(struct db_conn *c, const char *tenant_id, json_t *o)
{
    json_t *list = json_array();
    const char *app_id = json_string_value(json_object_get(o, "appId"));
    enum porch_err err = store_credential_list(c, tenant_id, app_id, add_password, list, NULL);

    json_object_set_new(o, "passwordCredentials", list);
    return err;
}

/* --- reads ----------------------------------------------------------------------------------- */

struct list_ctx {
    struct req *r;
    const struct odata_query *q;
    struct graph_page page;
};

static enum porch_err list_row(const struct app_row *a, void *ctx)
{
    struct list_ctx *l = ctx;

    graph_page_add(&l->page, app_json(l->r, a, l->q));
    return PORCH_OK;
}

/* Passwords are read after the list statement is done, one query per listed application. */
static enum porch_err page_passwords(struct db_conn *c, const char *tenant_id, json_t *items)
{
    enum porch_err err = PORCH_OK;
    json_t *v;
    size_t i;

    json_array_foreach(items, i, v)
    {
        if (err == PORCH_OK)
            err = add_passwords(c, tenant_id, v);
    }
    return err;
}

enum porch_err graph_applications_list(struct req *r, struct resp *rs)
{
    struct list_ctx l = {r, NULL, {0}};
    struct odata_query q;
    struct db_conn *c = NULL;
    int64_t total = -1;
    enum porch_err err = odata_parse(r, rs, &app_schema, 0, &q);

    if (err != PORCH_OK)
        return err;
    l.q = &q;
    graph_page_init(&l.page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_app_list(c, r->auth->tenant_id, &q.sq, list_row, &l, q.count ? &total : NULL);
    if (err == PORCH_OK && odata_selected(&q, "passwordCredentials"))
        err = page_passwords(c, r->auth->tenant_id, l.page.items);
    if (c)
        db_release(c);
    if (err != PORCH_OK) {
        json_decref(l.page.items);
        return err;
    }
    return graph_send_collection(r, rs, SET, &q, l.page.items, l.page.more, total);
}

enum porch_err graph_applications_count(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct db_conn *c = NULL;
    int64_t total = 0;
    enum porch_err err = odata_parse(r, rs, &app_schema, ODATA_COUNT_SEGMENT, &q);

    if (err != PORCH_OK)
        return err;
    q.sq.limit = 0;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_app_list(c, r->auth->tenant_id, &q.sq, list_row, NULL, &total);
    if (c)
        db_release(c);
    return err == PORCH_OK ? graph_send_count(rs, total) : err;
}

enum porch_err graph_applications_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct app_row a;
    struct db_conn *c = NULL;
    json_t *o = NULL;
    enum porch_err err = odata_parse_entity(r, rs, &app_schema, &q);

    memset(&a, 0, sizeof(a));
    if (err != PORCH_OK)
        return err;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find(c, r, &a);
    if (err == PORCH_OK) {
        o = app_json(r, &a, &q);
        err = add_passwords(c, r->auth->tenant_id, o);
    }
    if (c)
        db_release(c);
    store_app_row_release(&a);
    if (err == PORCH_E_NOT_FOUND)
        return graph_not_found(r, rs, r->params[0]);
    if (err != PORCH_OK) {
        json_decref(o);
        return err;
    }
    return graph_send_entity(r, rs, SET, &q, o);
}

/* --- writes ---------------------------------------------------------------------------------- */

/*
 * Merges body into data: complex values one level deep into a stored object, anything else
 * replaced. A null web/spa/publicClient/api/info resets it to Graph's default.
 */
static void merge(json_t *data, json_t *body)
{
    json_t *defaults = apps_default_data(), *v, *old;
    const char *k;

    json_object_foreach(body, k, v)
    {
        old = json_object_get(data, k);
        if (json_is_null(v) && json_is_object(json_object_get(defaults, k)))
            json_object_set(data, k, json_object_get(defaults, k));
        else if (json_is_object(v) && json_is_object(old))
            json_object_update(old, v);
        else
            json_object_set_new(data, k, json_deep_copy(v));
    }
    json_decref(defaults);
}

/* The audit record's value for a property: certificates by keyId only. */
static json_t *audit_value(const char *k, json_t *v)
{
    json_t *ids, *e;
    size_t i;

    if (!v || strcmp(k, "keyCredentials") != 0)
        return json_incref(v);
    ids = json_array();
    json_array_foreach(v, i, e) json_array_append(ids, json_object_get(e, "keyId"));
    return ids;
}

/* modifiedProperties for the body's members: old value from before (may be NULL). */
static json_t *changes(json_t *body, json_t *before, json_t *after)
{
    json_t *list = json_array(), *old, *now;
    const char *k;
    json_t *v;

    json_object_foreach(body, k, v)
    {
        old = before ? json_object_get(before, k) : NULL;
        now = json_object_get(after, k);
        if (old && now && json_equal(old, now))
            continue;
        json_array_append_new(list,
                              graph_audit_change(k, audit_value(k, old), audit_value(k, now)));
    }
    return list;
}

enum porch_err graph_applications_create(struct req *r, struct resp *rs)
{
    struct app_row a = {.created_at = clock_now()};
    struct db_conn *c = NULL;
    json_t *body, *data = apps_default_data(), *o = NULL;
    enum porch_err err = graph_body_check(r, rs, &app_type, true, &body);

    if (err != PORCH_OK)
        goto out;
    merge(data, body);
    err = graph_applications_body_check(r, rs, data, NULL);
    if (err != PORCH_OK)
        goto out;
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", r->auth->tenant_id);
    uuid_v4(a.id);
    uuid_v4(a.app_id);
    a.display_name = xstrdup(json_string_value(json_object_get(data, "displayName")));
    json_object_del(data, "displayName");
    json_object_set_new(data, "createdByAppId", json_string(r->auth->client_app_id));
    a.data = graph_applications_dump(data);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_app_insert(c, &a);
    if (c)
        db_release(c);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(r, "Add application", "ApplicationManagement", "Add", "Application", a.id,
                      a.display_name, changes(body, NULL, body), true, NULL);
    o = app_json(r, &a, NULL);
    err = graph_send_created(r, rs, SET, a.id, o);
out:
    json_decref(data);
    store_app_row_release(&a);
    return err;
}

/* An update, applied in one transaction: the application, then its service principal's mirror. */
struct patch {
    struct app_row *a;
    json_t *data; /* merged */
};

static enum porch_err mirror_sp(struct db_conn *c, const struct app_row *a, json_t *data)
{
    struct sp_row s = {.account_enabled = false};
    json_t *sd = NULL;
    enum porch_err err = store_sp_get_by_app_id(c, a->tenant_id, a->app_id, &s);

    if (err == PORCH_E_NOT_FOUND)
        return PORCH_OK;
    if (err != PORCH_OK)
        return err;
    sd = graph_applications_parse(s.data);
    apps_sp_mirror(sd, a->app_id, a->display_name, data);
    free(s.data);
    s.data = graph_applications_dump(sd);
    err = store_sp_update(c, &s);
    json_decref(sd);
    store_sp_row_release(&s);
    return err;
}

static enum porch_err apply_patch(struct db_conn *c, void *ctx)
{
    struct patch *p = ctx;
    enum porch_err err = store_app_update(c, p->a);

    return err == PORCH_OK ? mirror_sp(c, p->a, p->data) : err;
}

/* Merges body into a's data and checks the result; on success a->data/display_name are new. */
static enum porch_err patch_merge(struct req *r, struct resp *rs, struct app_row *a, json_t *body,
                                  json_t **before, json_t **after)
{
    json_t *data = graph_applications_parse(a->data), *defaults = apps_default_data();
    enum porch_err err;

    json_object_update_missing(data, defaults);
    json_decref(defaults);
    json_object_set_new(data, "displayName", json_string(a->display_name));
    *before = json_deep_copy(data);
    merge(data, body);
    *after = data;
    err = graph_applications_body_check(r, rs, data, json_object_get(*before, "keyCredentials"));
    if (err != PORCH_OK)
        return err;
    free(a->display_name);
    a->display_name = xstrdup(json_string_value(json_object_get(data, "displayName")));
    json_object_del(data, "displayName");
    free(a->data);
    a->data = graph_applications_dump(data);
    json_object_set_new(data, "displayName", json_string(a->display_name));
    return PORCH_OK;
}

enum porch_err graph_applications_patch(struct req *r, struct resp *rs)
{
    struct app_row a;
    struct db_conn *c = NULL;
    json_t *body, *before = NULL, *after = NULL;
    struct patch p = {&a, NULL};
    enum porch_err err = graph_body_check(r, rs, &app_type, false, &body);

    memset(&a, 0, sizeof(a));
    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find(c, r, &a);
    if (err == PORCH_OK)
        err = patch_merge(r, rs, &a, body, &before, &after);
    p.data = after;
    if (err == PORCH_OK)
        err = db_tx(c, true, apply_patch, &p);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND && !rs->content_type)
        err = graph_not_found(r, rs, r->params[0]);
    else if (err == PORCH_E_CONFLICT)
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "Another object with the same value for property identifierUris "
                          "already exists.");
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(r, "Update application", "ApplicationManagement", "Update", "Application",
                      a.id, a.display_name, changes(body, before, after), true, NULL);
    err = graph_send_no_content(rs);
out:
    json_decref(before);
    json_decref(after);
    store_app_row_release(&a);
    return err;
}

static enum porch_err apply_delete(struct db_conn *c, void *ctx)
{
    const struct app_row *a = ctx;
    struct sp_row s = {.account_enabled = false};
    enum porch_err err = store_sp_get_by_app_id(c, a->tenant_id, a->app_id, &s);

    if (err == PORCH_OK)
        err = store_sp_delete(c, a->tenant_id, s.id);
    store_sp_row_release(&s);
    if (err == PORCH_OK || err == PORCH_E_NOT_FOUND)
        err = store_app_delete(c, a->tenant_id, a->id);
    return err;
}

enum porch_err graph_applications_delete(struct req *r, struct resp *rs)
{
    struct app_row a;
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    memset(&a, 0, sizeof(a));
    if (err == PORCH_OK)
        err = graph_applications_find(c, r, &a);
    if (err == PORCH_OK && builtin_apps_is_b2c_extensions(a.tenant_id, a.app_id))
        err = PORCH_E_UNSUPPORTED;
    if (err == PORCH_OK)
        err = db_tx(c, true, apply_delete, &a);
    if (c)
        db_release(c);
    if (err == PORCH_E_UNSUPPORTED)
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "The b2c-extensions-app cannot be deleted: it holds the tenant's "
                          "custom user attributes.");
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Delete application", "ApplicationManagement", "Delete", "Application",
                          a.id, a.display_name, NULL, true, NULL);
        err = graph_send_no_content(rs);
    }
    store_app_row_release(&a);
    return err;
}
