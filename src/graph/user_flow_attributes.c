/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity/userFlowAttributes. Built-in attributes are a fixed table; custom ones are the
 * extension properties of the tenant's b2c-extensions-app that target users, so the users
 * API's extension check accepts their values without anything else to keep in step. Ids are
 * matched without regard to the case of the built-in name, of the "extension_" prefix and of
 * the appId digits; the <Name> part of a custom id is exact. dataType string, boolean and
 * int64 are stored as the extension property types String, Boolean and LargeInteger.
 *
 * NEEDSWORK: $filter (eq/ne on id, displayName, dataType, userFlowAttributeType) is not
 * supported yet; the list is one page (at most 10 built-in + GRAPH_USER_FLOW_ATTRS_CUSTOM_MAX).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "graph/user_flow_attributes.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "directory/builtin_apps.h"
#include "http/req.h"
#include "http/server.h"
#include "store/app.h"
#include "store/extprop.h"
#include "store/flowattr.h"
#include "core/banned.h"

#define RESOURCE "IdentityUserFlowAttribute"
#define SET      "identity/userFlowAttributes"
/* Generic Graph code for a name that is taken (entra-compat §1.4). */
#define E_NAME_EXISTS "nameAlreadyExists"
#define NAME_CHARS    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* entra-compat §2.7: the built-in attributes of an external tenant. */
static const struct graph_user_flow_builtin builtins[] = {
    {"city", "City", "The city in which the user is located.", 128},
    {"country", "Country/Region", "The country/region in which the user is located.", 128},
    {"displayName", "Display Name", "Display Name of the User.", 256},
    {"email", "Email Address", "Email address of the user.", 0},
    {"givenName", "Given Name", "The user's given name (also known as first name).", 64},
    {"jobTitle", "Job Title", "The user's job title.", 128},
    {"postalCode", "Postal Code", "The postal code of the user's address.", 40},
    {"state", "State/Province", "The state or province in user's address.", 128},
    {"streetAddress", "Street Address", "The street address where the user is located.", 1024},
    {"surname", "Surname", "The user's surname (also known as family name or last name).", 64},
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

/* Graph dataType ↔ extension property dataType. */
static const struct {
    const char *graph, *ext;
} data_types[] = {
    {"string", "String"},
    {"boolean", "Boolean"},
    {"int64", "LargeInteger"},
};
#define NDATA_TYPES (sizeof(data_types) / sizeof(data_types[0]))

static const char *const ufa_props[] = {
    "id", "displayName", "description", "userFlowAttributeType", "dataType", NULL,
};

static const struct odata_schema ufa_schema = {
    .type_name = "identityUserFlowAttribute",
    .resource = RESOURCE,
    .props = ufa_props,
    .tiebreak = "id",
    .default_top = 999,
};

static const struct graph_prop create_props[] = {
    {"displayName", GRAPH_T_STRING, GRAPH_P_REQUIRED, GRAPH_USER_FLOW_ATTRS_NAME_MAX},
    {"dataType", GRAPH_T_STRING, GRAPH_P_REQUIRED, 32},
    {"description", GRAPH_T_STRING, GRAPH_P_NULLABLE, STORE_FLOWATTR_DESCRIPTION_MAX},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"userFlowAttributeType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
};

static const struct graph_type create_type = {
    "identityUserFlowAttribute",
    RESOURCE,
    create_props,
    sizeof(create_props) / sizeof(create_props[0]),
    0,
};

/* Updates change the description only; displayName and dataType are immutable. */
static const struct graph_prop patch_props[] = {
    {"description", GRAPH_T_STRING, GRAPH_P_NULLABLE, STORE_FLOWATTR_DESCRIPTION_MAX},
    {"displayName", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"dataType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"userFlowAttributeType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
};

static const struct graph_type patch_type = {
    "identityUserFlowAttribute",
    RESOURCE,
    patch_props,
    sizeof(patch_props) / sizeof(patch_props[0]),
    0,
};

const struct graph_user_flow_builtin *graph_user_flow_attributes_builtin(const char *id)
{
    for (size_t i = 0; id && i < NBUILTINS; i++)
        if (strcasecmp(builtins[i].id, id) == 0)
            return &builtins[i];
    return NULL;
}

bool graph_user_flow_attributes_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    return n > 0 && n <= GRAPH_USER_FLOW_ATTRS_NAME_MAX && strspn(name, NAME_CHARS) == n;
}

/* The extension property type for a Graph dataType (ASCII case-insensitive), or NULL. */
static const char *ext_type_of(const char *graph)
{
    for (size_t i = 0; graph && i < NDATA_TYPES; i++)
        if (strcasecmp(data_types[i].graph, graph) == 0)
            return data_types[i].ext;
    return NULL;
}

/* The Graph dataType of an extension property type ("Integer" is int64 too). */
static const char *graph_type_of(const char *ext)
{
    for (size_t i = 0; i < NDATA_TYPES; i++)
        if (strcasecmp(data_types[i].ext, ext) == 0)
            return data_types[i].graph;
    if (strcasecmp(ext, "Integer") == 0)
        return "int64";
    if (strcasecmp(ext, "DateTime") == 0)
        return "dateTime";
    return "unknownFutureValue";
}

/*
 * The stored name for a custom id of tenant_id: "extension_" and the appId digits lower-cased,
 * the name part as given; false when id is not one of this tenant's b2c-extensions-app names.
 */
static bool custom_name(const char *tenant_id, const char *id, char out[256])
{
    char prefix[BUILTIN_APPS_B2C_PREFIX_LEN];
    size_t n = BUILTIN_APPS_B2C_PREFIX_LEN - 1;

    builtin_apps_b2c_prefix(tenant_id, prefix);
    if (!id || strlen(id) <= n || strncasecmp(id, prefix, n) != 0 ||
        !graph_user_flow_attributes_name_ok(id + n))
        return false;
    snprintf(out, 256, "%s%s", prefix, id + n);
    return true;
}

static json_t *builtin_json(const struct graph_user_flow_builtin *b)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "@odata.type",
                     "#microsoft.graph.identityBuiltInUserFlowAttribute", "id", b->id,
                     "displayName", b->display_name, "description", b->description,
                     "userFlowAttributeType", "builtIn", "dataType", "string");
}

static json_t *custom_json(const struct extprop_row *x, const char *description)
{
    const char *name = x->name + BUILTIN_APPS_B2C_PREFIX_LEN - 1;

    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "@odata.type",
                     "#microsoft.graph.identityCustomUserFlowAttribute", "id", x->name,
                     "displayName", strlen(x->name) >= BUILTIN_APPS_B2C_PREFIX_LEN ? name : "",
                     "description", description ? description : "", "userFlowAttributeType",
                     "custom", "dataType", graph_type_of(x->data_type));
}

/* True for an extension property that is a custom user flow attribute of app. */
static bool is_custom(const struct extprop_row *x, const char *app_object_id)
{
    return strcmp(x->app_object_id, app_object_id) == 0 && x->target_objects &&
           strstr(x->target_objects, "\"User\"") != NULL;
}

/* --- reads ----------------------------------------------------------------------------------- */

struct list_ctx {
    struct db_conn *c;
    const char *tenant_id;
    json_t *items;
};

static enum porch_err list_row(const struct extprop_row *x, void *ctx)
{
    struct list_ctx *l = ctx;
    char *d = NULL;
    enum porch_err err;

    if (!strstr(x->target_objects ? x->target_objects : "", "\"User\""))
        return PORCH_OK;
    err = store_flowattr_get(l->c, l->tenant_id, x->name, &d);
    if (err == PORCH_OK)
        json_array_append_new(l->items, custom_json(x, d));
    free(d);
    return err;
}

/* The tenant's b2c-extensions-app's object id into id; NOT_FOUND when it has none yet. */
static enum porch_err b2c_app(struct db_conn *c, const char *tenant_id, char id[UUID_STR_LEN])
{
    struct app_row a;
    char app_id[UUID_STR_LEN];
    enum porch_err err;

    memset(&a, 0, sizeof(a));
    builtin_apps_b2c_app_id(tenant_id, app_id);
    err = store_app_get_by_app_id(c, tenant_id, app_id, &a);
    if (err == PORCH_OK)
        memcpy(id, a.id, UUID_STR_LEN);
    store_app_row_release(&a);
    return err;
}

/* Appends the tenant's custom attributes to items. */
static enum porch_err list_customs(struct db_conn *c, struct req *r, json_t *items)
{
    struct store_bind bind = {false, NULL, 0};
    struct store_query q = {"app_object_id = ?", &bind, 1, NULL, 1000, 0};
    struct list_ctx l = {c, r->auth->tenant_id, items};
    char app[UUID_STR_LEN];
    enum porch_err err = b2c_app(c, r->auth->tenant_id, app);

    if (err == PORCH_E_NOT_FOUND)
        return PORCH_OK;
    if (err != PORCH_OK)
        return err;
    bind.text = app;
    return store_extprop_list(c, r->auth->tenant_id, &q, list_row, &l, NULL);
}

enum porch_err graph_user_flow_attributes_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct db_conn *c = NULL;
    json_t *items = NULL;
    enum porch_err err = odata_parse(r, rs, &ufa_schema, 0, &q);

    if (err != PORCH_OK)
        return err;
    items = json_array();
    for (size_t i = 0; i < NBUILTINS; i++)
        json_array_append_new(items, builtin_json(&builtins[i]));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = list_customs(c, r, items);
    if (c)
        db_release(c);
    if (err != PORCH_OK) {
        json_decref(items);
        return err;
    }
    return graph_send_collection(r, rs, SET, &q, items, false, (int64_t)json_array_size(items));
}

/*
 * Loads the custom attribute id names in r's tenant into x and its description into *d (caller
 * frees both); NOT_FOUND when there is none.
 */
static enum porch_err find_custom(struct db_conn *c, struct req *r, const char *id,
                                  struct extprop_row *x, char **d)
{
    char name[256], app[UUID_STR_LEN];
    enum porch_err err;

    memset(x, 0, sizeof(*x));
    *d = NULL;
    if (!custom_name(r->auth->tenant_id, id, name))
        return PORCH_E_NOT_FOUND;
    err = b2c_app(c, r->auth->tenant_id, app);
    if (err == PORCH_OK)
        err = store_extprop_get_by_name(c, r->auth->tenant_id, name, x);
    if (err == PORCH_OK && !is_custom(x, app))
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = store_flowattr_get(c, r->auth->tenant_id, name, d);
    return err;
}

enum porch_err graph_user_flow_attributes_get(struct req *r, struct resp *rs)
{
    const struct graph_user_flow_builtin *b = graph_user_flow_attributes_builtin(r->params[0]);
    struct odata_query q;
    struct extprop_row x;
    struct db_conn *c = NULL;
    char *d = NULL;
    enum porch_err err = odata_parse_entity(r, rs, &ufa_schema, &q);

    memset(&x, 0, sizeof(x));
    if (err != PORCH_OK)
        return err;
    if (b)
        return graph_send_entity(r, rs, SET, &q, builtin_json(b));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = find_custom(c, r, r->params[0], &x, &d);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, SET, &q, custom_json(&x, d));
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    free(d);
    store_extprop_row_release(&x);
    return err;
}

/* --- writes ---------------------------------------------------------------------------------- */

struct create {
    const char *tenant_id;
    const char *name;        /* displayName */
    const char *type;        /* extension property type */
    const char *description; /* never NULL */
    struct extprop_row x;
    bool full; /* the tenant has GRAPH_USER_FLOW_ATTRS_CUSTOM_MAX already */
};

/* How many extension properties the b2c-extensions-app app_object_id has, into *n. */
static enum porch_err count_customs(struct db_conn *c, const char *tenant_id,
                                    const char *app_object_id, int64_t *n)
{
    struct store_bind bind = {false, app_object_id, 0};
    struct store_query q = {"app_object_id = ?", &bind, 1, NULL, 0, 0};

    return store_extprop_list(c, tenant_id, &q, NULL, NULL, n);
}

static enum porch_err create_tx(struct db_conn *c, void *ctx)
{
    struct create *k = ctx;
    struct apps_created app;
    char prefix[BUILTIN_APPS_B2C_PREFIX_LEN];
    int64_t n = 0;
    enum porch_err err = builtin_apps_b2c_extensions(c, k->tenant_id, &app);

    store_extprop_row_release(&k->x);
    memset(&k->x, 0, sizeof(k->x));
    if (err == PORCH_OK)
        err = count_customs(c, k->tenant_id, app.id, &n);
    if (err != PORCH_OK)
        return err;
    k->full = n >= GRAPH_USER_FLOW_ATTRS_CUSTOM_MAX;
    if (k->full)
        return PORCH_E_TOO_BIG;
    builtin_apps_b2c_prefix(k->tenant_id, prefix);
    snprintf(k->x.tenant_id, sizeof(k->x.tenant_id), "%s", k->tenant_id);
    uuid_v4(k->x.id);
    memcpy(k->x.app_object_id, app.id, sizeof(k->x.app_object_id));
    snprintf(k->x.name, sizeof(k->x.name), "%s%s", prefix, k->name);
    snprintf(k->x.data_type, sizeof(k->x.data_type), "%s", k->type);
    k->x.target_objects = xstrdup("[\"User\"]");
    err = store_extprop_insert(c, &k->x);
    if (err == PORCH_OK)
        err = store_flowattr_put(c, k->tenant_id, k->x.name, k->description);
    return err;
}

/* Reads a checked create body into k; returns the property at fault, or NULL. */
static const char *read_create(json_t *body, struct create *k)
{
    const char *d = json_string_value(json_object_get(body, "description"));

    k->name = json_string_value(json_object_get(body, "displayName"));
    k->type = ext_type_of(json_string_value(json_object_get(body, "dataType")));
    k->description = d ? d : "";
    if (!graph_user_flow_attributes_name_ok(k->name))
        return "displayName";
    return k->type ? NULL : "dataType";
}

static enum porch_err create_error(struct req *r, struct resp *rs, const struct create *k,
                                   enum porch_err err)
{
    if (err == PORCH_E_CONFLICT)
        return graph_error(r, rs, err, E_NAME_EXISTS,
                           "A user flow attribute named '%s' already exists.", k->name);
    if (k->full)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "The tenant already has %d custom user flow attributes.",
                           GRAPH_USER_FLOW_ATTRS_CUSTOM_MAX);
    return err;
}

enum porch_err graph_user_flow_attributes_create(struct req *r, struct resp *rs)
{
    struct create k = {.tenant_id = r->auth->tenant_id};
    struct db_conn *c = NULL;
    json_t *body = NULL;
    const char *bad;
    enum porch_err err = graph_body_check(r, rs, &create_type, true, &body);

    if (err != PORCH_OK)
        return err;
    bad = read_create(body, &k);
    if (bad)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property '%s' of resource '" RESOURCE "'.",
                           bad);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, create_tx, &k);
    if (c)
        db_release(c);
    if (err != PORCH_OK) {
        err = create_error(r, rs, &k, err);
        goto out;
    }
    graph_audit_write(
        r, "Create user flow attribute", "Policy", "Add", "Policy", k.x.name, k.name,
        json_pack("[o]", graph_audit_change("DataType", NULL, json_string(graph_type_of(k.type)))),
        true, NULL);
    err = graph_send_created(r, rs, SET, k.x.name, custom_json(&k.x, k.description));
out:
    store_extprop_row_release(&k.x);
    return err;
}

/* 400 for a write to a built-in attribute. */
static enum porch_err builtin_refused(struct req *r, struct resp *rs)
{
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                       "The built-in user flow attribute '%s' cannot be modified or deleted.",
                       graph_user_flow_attributes_builtin(r->params[0])->id);
}

struct patch {
    const char *tenant_id;
    const char *name;
    const char *description;
};

static enum porch_err patch_tx(struct db_conn *c, void *ctx)
{
    const struct patch *p = ctx;

    return store_flowattr_put(c, p->tenant_id, p->name, p->description);
}

enum porch_err graph_user_flow_attributes_patch(struct req *r, struct resp *rs)
{
    struct extprop_row x;
    struct db_conn *c = NULL;
    json_t *body = NULL, *dv;
    char *d = NULL;
    struct patch p = {r->auth->tenant_id, NULL, NULL};
    enum porch_err err;

    memset(&x, 0, sizeof(x));
    if (graph_user_flow_attributes_builtin(r->params[0]))
        return builtin_refused(r, rs);
    err = graph_body_check(r, rs, &patch_type, false, &body);
    if (err != PORCH_OK)
        return err;
    dv = json_object_get(body, "description");
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = find_custom(c, r, r->params[0], &x, &d);
    p.name = x.name;
    p.description = dv ? (json_string_value(dv) ? json_string_value(dv) : "") : d;
    if (err == PORCH_OK && dv)
        err = db_tx(c, true, patch_tx, &p);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Update user flow attribute", "Policy", "Update", "Policy", x.name,
                          x.name + BUILTIN_APPS_B2C_PREFIX_LEN - 1, NULL, true, NULL);
        err = graph_send_no_content(rs);
    }
    free(d);
    store_extprop_row_release(&x);
    return err;
}

struct del {
    const char *tenant_id;
    const struct extprop_row *x;
};

static enum porch_err delete_tx(struct db_conn *c, void *ctx)
{
    const struct del *k = ctx;
    enum porch_err err = store_extprop_delete(c, k->tenant_id, k->x->id);

    if (err == PORCH_OK)
        err = store_flowattr_delete(c, k->tenant_id, k->x->name);
    return err;
}

enum porch_err graph_user_flow_attributes_delete(struct req *r, struct resp *rs)
{
    struct extprop_row x;
    struct del k = {r->auth->tenant_id, &x};
    struct db_conn *c = NULL;
    char *d = NULL;
    enum porch_err err;

    memset(&x, 0, sizeof(x));
    if (graph_user_flow_attributes_builtin(r->params[0]))
        return builtin_refused(r, rs);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = find_custom(c, r, r->params[0], &x, &d);
    if (err == PORCH_OK)
        err = db_tx(c, true, delete_tx, &k);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Delete user flow attribute", "Policy", "Delete", "Policy", x.name,
                          x.name + BUILTIN_APPS_B2C_PREFIX_LEN - 1, NULL, true, NULL);
        err = graph_send_no_content(rs);
    }
    free(d);
    store_extprop_row_release(&x);
    return err;
}
