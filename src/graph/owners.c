/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application owners. The owners' object ids are kept, in the order added, under the
 * GRAPH_APPLICATIONS_OWNERS key of the application's data, which rendering never shows; each
 * change is a read-modify-write of that data in one transaction. An owner is a user or a
 * service principal of the tenant; a reference is accepted with any host and version root
 * (only its last path segment, the object id, is read), as Graph reads `@odata.id`. Owners
 * that were deleted since are left out of the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/applications_int.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "graph/owners.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/user.h"
#include "core/banned.h"

#define OWNERS GRAPH_APPLICATIONS_OWNERS
#define SET    "directoryObjects"

static const char *const owner_props[] = {
    "id",   "deletedDateTime",   "displayName",          "appId",     "accountEnabled",
    "mail", "userPrincipalName", "servicePrincipalType", "givenName", "surname",
    NULL,
};

static const struct odata_schema owner_schema = {
    .type_name = "directoryObject",
    .resource = "DirectoryObject",
    .props = owner_props,
    .tiebreak = "id",
    .max_top = GRAPH_OWNERS_MAX,
    .default_top = GRAPH_OWNERS_MAX,
};

/*
 * The directory object with id: a user or a service principal of the tenant as a minimal
 * directoryObject (*out, caller owns; *type "User"/"ServicePrincipal"). PORCH_E_NOT_FOUND when
 * it is neither.
 */
static enum porch_err load_object(struct db_conn *c, const char *tenant_id, const char *id,
                                  json_t **out, const char **type)
{
    struct user_row u;
    struct sp_row s;
    enum porch_err err = store_user_get(c, tenant_id, id, &u);

    *out = NULL;
    if (err == PORCH_OK) {
        *type = "User";
        *out = json_pack("{s:s, s:s, s:n, s:b, s:s, s:s?, s:s?, s:s?, s:s?}", "@odata.type",
                         "#microsoft.graph.user", "id", u.id, "deletedDateTime", "accountEnabled",
                         u.account_enabled, "displayName", u.display_name, "givenName",
                         u.given_name, "surname", u.surname, "mail", u.mail, "userPrincipalName",
                         u.user_principal_name);
    }
    store_user_row_release(&u);
    if (err != PORCH_E_NOT_FOUND)
        return err;
    err = store_sp_get(c, tenant_id, id, &s);
    if (err == PORCH_OK) {
        *type = "ServicePrincipal";
        *out = json_pack("{s:s, s:s, s:n, s:b, s:s, s:s, s:s}", "@odata.type",
                         "#microsoft.graph.servicePrincipal", "id", s.id, "deletedDateTime",
                         "accountEnabled", s.account_enabled, "appId", s.app_id, "displayName",
                         s.display_name, "servicePrincipalType", "Application");
    }
    store_sp_row_release(&s);
    return err;
}

/* The owners of a: each stored id that is still a user or service principal. */
static enum porch_err owners_of(struct db_conn *c, const struct app_row *a, json_t *items)
{
    json_t *data = graph_applications_parse(a->data), *v, *o;
    enum porch_err err = PORCH_OK;
    const char *type;
    size_t i;

    json_array_foreach(json_object_get(data, OWNERS), i, v)
    {
        if (err != PORCH_OK || !json_is_string(v))
            continue;
        err = load_object(c, a->tenant_id, json_string_value(v), &o, &type);
        if (err == PORCH_OK)
            json_array_append_new(items, o);
        else if (err == PORCH_E_NOT_FOUND)
            err = PORCH_OK;
    }
    json_decref(data);
    return err;
}

enum porch_err graph_owners_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct app_row a;
    struct db_conn *c = NULL;
    json_t *items = json_array();
    enum porch_err err = odata_parse(r, rs, &owner_schema, 0, &q);

    memset(&a, 0, sizeof(a));
    if (err == PORCH_OK)
        err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find(c, r, &a);
    if (err == PORCH_OK)
        err = owners_of(c, &a, items);
    if (c)
        db_release(c);
    store_app_row_release(&a);
    if (err == PORCH_OK)
        return graph_send_collection(r, rs, SET, &q, items, false, -1);
    json_decref(items);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    return err;
}

/* --- $ref ---------------------------------------------------------------------------------- */

enum edit_fail {
    EDIT_OK,
    EDIT_NO_OBJECT, /* add: the reference names no user or service principal */
    EDIT_PRESENT,   /* add: already an owner */
    EDIT_ABSENT,    /* remove: not an owner */
    EDIT_FULL,      /* add: GRAPH_OWNERS_MAX reached */
};

struct edit {
    struct req *r;
    bool add;
    char owner[UUID_STR_LEN];
    struct app_row app;
    const char *owner_type;
    char *owner_name;
    enum edit_fail fail;
};

/* The index of id in list, or -1. */
static long find(json_t *list, const char *id)
{
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
            return (long)i;
    }
    return -1;
}

/* Adds or removes e->owner in data's owner list; e->fail when it cannot. */
static void edit_list(struct edit *e, json_t *data)
{
    json_t *list = json_object_get(data, OWNERS);
    long at;

    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(data, OWNERS, list);
    }
    at = find(list, e->owner);
    if (e->add && at >= 0)
        e->fail = EDIT_PRESENT;
    else if (e->add && json_array_size(list) >= GRAPH_OWNERS_MAX)
        e->fail = EDIT_FULL;
    else if (e->add)
        json_array_append_new(list, json_string(e->owner));
    else if (at < 0)
        e->fail = EDIT_ABSENT;
    else
        json_array_remove(list, (size_t)at);
}

/* Checks that e->owner is a user or service principal and keeps its type and name. */
static enum porch_err check_object(struct db_conn *c, struct edit *e)
{
    json_t *o = NULL;
    enum porch_err err = load_object(c, e->app.tenant_id, e->owner, &o, &e->owner_type);

    if (err == PORCH_E_NOT_FOUND)
        e->fail = EDIT_NO_OBJECT;
    free(e->owner_name);
    e->owner_name = NULL;
    if (err == PORCH_OK)
        e->owner_name = xstrdup(json_string_value(json_object_get(o, "displayName")));
    json_decref(o);
    return err;
}

static enum porch_err edit_tx(struct db_conn *c, void *ctx)
{
    struct edit *e = ctx;
    json_t *data;
    enum porch_err err;

    e->fail = EDIT_OK;
    store_app_row_release(&e->app);
    err = graph_applications_find(c, e->r, &e->app);
    if (err == PORCH_OK && e->add)
        err = check_object(c, e);
    if (err != PORCH_OK)
        return err;
    data = graph_applications_parse(e->app.data);
    edit_list(e, data);
    if (e->fail == EDIT_OK) {
        free(e->app.data);
        e->app.data = graph_applications_dump(data);
        err = store_app_update(c, &e->app);
    } else {
        err = PORCH_E_INVALID;
    }
    json_decref(data);
    return err;
}

/* The object id a reference names: the last path segment of its @odata.id, lower-cased. */
static bool ref_id(struct req *r, char id[UUID_STR_LEN])
{
    const char *s = json_string_value(json_object_get(r->json, "@odata.id"));
    const char *slash = s ? strrchr(s, '/') : NULL;

    if (!s)
        return false;
    s = slash ? slash + 1 : s;
    if (strlen(s) != UUID_STR_LEN - 1)
        return false;
    for (size_t i = 0; i < UUID_STR_LEN; i++)
        id[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    return uuid_valid(id);
}

/* Renders a failed edit: the application, the object or the owner list said no. */
static enum porch_err edit_error(struct req *r, struct resp *rs, const struct edit *e,
                                 enum porch_err err)
{
    switch (e->fail) {
    case EDIT_NO_OBJECT:
    case EDIT_ABSENT:
        return graph_not_found(r, rs, e->owner);
    case EDIT_PRESENT:
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "One or more added object references already exist for the following "
                           "modified properties: 'owners'.");
    case EDIT_FULL:
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "An application can have at most %d owners.", GRAPH_OWNERS_MAX);
    case EDIT_OK:
    default:
        break;
    }
    return err == PORCH_E_NOT_FOUND ? graph_not_found(r, rs, r->params[0]) : err;
}

/* Runs e in a transaction, then audits it and answers 204. */
static enum porch_err edit(struct req *r, struct resp *rs, struct edit *e)
{
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    if (err == PORCH_OK)
        err = db_tx(c, true, edit_tx, e);
    if (c)
        db_release(c);
    if (err != PORCH_OK)
        return edit_error(r, rs, e, err);
    graph_audit_write(
        r, e->add ? "Add owner to application" : "Remove owner from application",
        "ApplicationManagement", e->add ? "Assign" : "Unassign", "Application", e->app.id,
        e->app.display_name,
        json_pack("[o]",
                  e->add ? graph_audit_change("Application.Owners", NULL, json_string(e->owner))
                         : graph_audit_change("Application.Owners", json_string(e->owner), NULL)),
        true, NULL);
    return graph_send_no_content(rs);
}

enum porch_err graph_owners_add(struct req *r, struct resp *rs)
{
    struct edit e = {.r = r, .add = true};
    const char *given = json_string_value(json_object_get(r->json, "@odata.id"));
    enum porch_err err;

    if (!given)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "The request body must be an object with an '@odata.id' reference "
                           "to a directory object.");
    if (!ref_id(r, e.owner))
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid object identifier '%.200s'.", given);
    err = edit(r, rs, &e);
    store_app_row_release(&e.app);
    free(e.owner_name);
    return err;
}

enum porch_err graph_owners_remove(struct req *r, struct resp *rs)
{
    struct edit e = {.r = r, .add = false};
    const char *k = r->params[1] ? r->params[1] : "";
    enum porch_err err;

    snprintf(e.owner, sizeof(e.owner), "%s", k);
    for (char *p = e.owner; *p; p++)
        *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
    if (strlen(k) != UUID_STR_LEN - 1 || !uuid_valid(e.owner))
        return graph_not_found(r, rs, k);
    err = edit(r, rs, &e);
    store_app_row_release(&e.app);
    free(e.owner_name);
    return err;
}
