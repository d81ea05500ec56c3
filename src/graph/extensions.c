/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extension properties under an application. The stored name is the full
 * extension_<appId without hyphens, lower-case>_<name>, unique in the tenant, which is what
 * users' bodies and $select name. dataType and targetObjects values are matched without
 * regard to case and stored in Graph's spelling. Deleting a property leaves the values users
 * hold in place but unreachable, until a property of that name is declared again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/applications_int.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/extensions.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/extprop.h"
#include "core/banned.h"

#define RESOURCE "ExtensionProperty"

static const char *const data_types[] = {
    "Binary", "Boolean", "DateTime", "Integer", "LargeInteger", "String", NULL,
};

static const char *const target_types[] = {
    "User", "Group", "Organization", "Device", "Application", NULL,
};

static const char *const xp_props[] = {
    "id",       "deletedDateTime", "appDisplayName",
    "dataType", "isMultiValued",   "isSyncedFromOnPremises",
    "name",     "targetObjects",   NULL,
};

static const struct odata_field xp_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"name", "name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"dataType", "data_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"isMultiValued", "is_multi_valued", NULL, ODATA_T_BOOL, ODATA_OPS_EQ, 0},
};

static const struct odata_schema xp_schema = {
    .type_name = "extensionProperty",
    .resource = RESOURCE,
    .props = xp_props,
    .fields = xp_fields,
    .nfields = sizeof(xp_fields) / sizeof(xp_fields[0]),
    .tiebreak = "id",
    .default_order = "name ASC, id ASC",
};

static const struct graph_prop xp_write[] = {
    {"name", GRAPH_T_STRING, GRAPH_P_REQUIRED, GRAPH_EXTENSIONS_NAME_MAX},
    {"dataType", GRAPH_T_STRING, GRAPH_P_REQUIRED, 32},
    {"targetObjects", GRAPH_T_STRINGS, GRAPH_P_REQUIRED, 32},
    {"isMultiValued", GRAPH_T_BOOL, 0, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"deletedDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"appDisplayName", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"isSyncedFromOnPremises", GRAPH_T_BOOL, GRAPH_P_READONLY, 0},
};

static const struct graph_type xp_type = {
    "extensionProperty", RESOURCE, xp_write, sizeof(xp_write) / sizeof(xp_write[0]), 0,
};

static json_t *xp_json(const struct extprop_row *x, const char *app_name)
{
    json_t *targets = json_loads(x->target_objects ? x->target_objects : "[]", 0, NULL);

    return json_pack("{s:s, s:n, s:s?, s:s, s:b, s:b, s:s, s:o}", "id", x->id, "deletedDateTime",
                     "appDisplayName", app_name, "dataType", x->data_type, "isMultiValued",
                     x->is_multi_valued, "isSyncedFromOnPremises", 0, "name", x->name,
                     "targetObjects", json_is_array(targets) ? targets : json_array());
}

/* The canonical spelling of v in list (ASCII case-insensitive), or NULL. */
static const char *canonical(const char *const *list, const char *v)
{
    for (size_t i = 0; v && list[i]; i++)
        if (strcasecmp(list[i], v) == 0)
            return list[i];
    return NULL;
}

/* --- reads ----------------------------------------------------------------------------------- */

struct list_ctx {
    struct graph_page page;
    const char *app_name;
};

static enum porch_err list_row(const struct extprop_row *x, void *ctx)
{
    struct list_ctx *l = ctx;

    graph_page_add(&l->page, xp_json(x, l->app_name));
    return PORCH_OK;
}

/* "applications/{id}/extensionProperties" for @odata.context */
static const char *set_of(struct req *r)
{
    return arena_printf(r->arena, "applications('%s')/extensionProperties", r->params[0]);
}

enum porch_err graph_extensions_list(struct req *r, struct resp *rs)
{
    struct list_ctx l;
    struct odata_query q;
    struct app_row a;
    struct db_conn *c = NULL;
    enum porch_err err = odata_parse(r, rs, &xp_schema, 0, &q);

    memset(&a, 0, sizeof(a));
    if (err != PORCH_OK)
        return err;
    graph_page_init(&l.page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find(c, r, &a);
    l.app_name = a.display_name;
    if (err == PORCH_OK)
        err = store_extprop_list(
            c, r->auth->tenant_id,
            graph_applications_scope(r, &q.sq, "app_object_id", arena_strdup(r->arena, a.id)),
            list_row, &l, NULL);
    if (c)
        db_release(c);
    store_app_row_release(&a);
    if (err == PORCH_OK)
        return graph_send_collection(r, rs, set_of(r), &q, l.page.items, l.page.more, -1);
    json_decref(l.page.items);
    return err == PORCH_E_NOT_FOUND ? graph_not_found(r, rs, r->params[0]) : err;
}

/* Loads the application and its property r->params[1]; NOT_FOUND when either is missing. */
static enum porch_err find_prop(struct db_conn *c, struct req *r, struct app_row *a,
                                struct extprop_row *x)
{
    char id[UUID_STR_LEN];
    enum porch_err err = graph_applications_find(c, r, a);

    memset(x, 0, sizeof(*x));
    snprintf(id, sizeof(id), "%s", r->params[1] ? r->params[1] : "");
    for (char *p = id; *p; p++)
        *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
    if (err == PORCH_OK && !uuid_valid(id))
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = store_extprop_get(c, a->tenant_id, id, x);
    if (err == PORCH_OK && strcmp(x->app_object_id, a->id) != 0)
        err = PORCH_E_NOT_FOUND;
    return err;
}

enum porch_err graph_extensions_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct app_row a;
    struct extprop_row x;
    struct db_conn *c = NULL;
    enum porch_err err = odata_parse_entity(r, rs, &xp_schema, &q);

    memset(&a, 0, sizeof(a));
    memset(&x, 0, sizeof(x));
    if (err != PORCH_OK)
        return err;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = find_prop(c, r, &a, &x);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, set_of(r), &q, xp_json(&x, a.display_name));
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, a.id[0] ? r->params[1] : r->params[0]);
    store_extprop_row_release(&x);
    store_app_row_release(&a);
    return err;
}

/* --- writes ---------------------------------------------------------------------------------- */

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* True when the array of strings list holds s. */
static bool holds(json_t *list, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* targetObjects in Graph's spelling without repeats (caller owns), or NULL when one is unknown. */
static json_t *targets_of(json_t *given)
{
    json_t *out = json_array(), *v;
    size_t i;

    json_array_foreach(given, i, v)
    {
        const char *t = canonical(target_types, json_string_value(v));

        if (!t) {
            json_decref(out);
            return NULL;
        }
        if (!holds(out, t))
            json_array_append_new(out, json_string(t));
    }
    return out;
}

/* Fills x from a checked body for application a; returns the property at fault, or NULL. */
static const char *read_body(json_t *body, const struct app_row *a, struct extprop_row *x)
{
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *type = canonical(data_types, json_string_value(json_object_get(body, "dataType")));
    json_t *targets = targets_of(json_object_get(body, "targetObjects"));
    char hex[UUID_STR_LEN];
    size_t n = 0;

    if (!*name || strspn(name, NAME_CHARS) != strlen(name)) {
        json_decref(targets);
        return "name";
    }
    if (!type || !targets || json_array_size(targets) == 0) {
        json_decref(targets);
        return type ? "targetObjects" : "dataType";
    }
    for (const char *p = a->app_id; *p; p++)
        if (*p != '-')
            hex[n++] = *p;
    hex[n] = '\0';
    snprintf(x->tenant_id, sizeof(x->tenant_id), "%s", a->tenant_id);
    uuid_v4(x->id);
    snprintf(x->app_object_id, sizeof(x->app_object_id), "%s", a->id);
    snprintf(x->name, sizeof(x->name), "extension_%s_%s", hex, name);
    snprintf(x->data_type, sizeof(x->data_type), "%s", type);
    x->is_multi_valued = json_is_true(json_object_get(body, "isMultiValued"));
    x->target_objects = graph_applications_dump(targets);
    json_decref(targets);
    return NULL;
}

struct create {
    struct req *r;
    json_t *body;
    struct app_row app;
    struct extprop_row x;
    const char *bad; /* the property at fault */
};

static enum porch_err create_tx(struct db_conn *c, void *ctx)
{
    struct create *k = ctx;
    enum porch_err err;

    store_app_row_release(&k->app);
    store_extprop_row_release(&k->x);
    err = graph_applications_find(c, k->r, &k->app);
    if (err != PORCH_OK)
        return err;
    k->bad = read_body(k->body, &k->app, &k->x);
    if (k->bad)
        return PORCH_E_INVALID;
    return store_extprop_insert(c, &k->x);
}

static enum porch_err create_error(struct req *r, struct resp *rs, const struct create *k,
                                   enum porch_err err)
{
    if (err == PORCH_E_NOT_FOUND)
        return graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_E_CONFLICT)
        return graph_error(r, rs, err, GRAPH_E_CONFLICT,
                           "Another object with the same value for property name already exists.");
    if (k->bad)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property '%s' of resource '" RESOURCE "'.",
                           k->bad);
    return err;
}

enum porch_err graph_extensions_create(struct req *r, struct resp *rs)
{
    struct create k = {.r = r};
    struct db_conn *c = NULL;
    enum porch_err err = graph_body_check(r, rs, &xp_type, true, &k.body);

    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, create_tx, &k);
    if (c)
        db_release(c);
    if (err != PORCH_OK) {
        err = create_error(r, rs, &k, err);
        goto out;
    }
    graph_audit_write(r, "Add extension property", "ApplicationManagement", "Add", "Application",
                      k.app.id, k.app.display_name,
                      json_pack("[o, o]", graph_audit_change("Name", NULL, json_string(k.x.name)),
                                graph_audit_change("DataType", NULL, json_string(k.x.data_type))),
                      true, NULL);
    err = graph_send_created(r, rs, set_of(r), k.x.id, xp_json(&k.x, k.app.display_name));
out:
    store_app_row_release(&k.app);
    store_extprop_row_release(&k.x);
    return err;
}

enum porch_err graph_extensions_delete(struct req *r, struct resp *rs)
{
    struct app_row a;
    struct extprop_row x;
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    memset(&a, 0, sizeof(a));
    memset(&x, 0, sizeof(x));
    if (err == PORCH_OK)
        err = find_prop(c, r, &a, &x);
    if (err == PORCH_OK)
        err = store_extprop_delete(c, a.tenant_id, x.id);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, a.id[0] ? r->params[1] : r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Remove extension property", "ApplicationManagement", "Delete",
                          "Application", a.id, a.display_name,
                          json_pack("[o]", graph_audit_change("Name", json_string(x.name), NULL)),
                          true, NULL);
        err = graph_send_no_content(rs);
    }
    store_extprop_row_release(&x);
    store_app_row_release(&a);
    return err;
}
