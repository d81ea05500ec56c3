/* SPDX-License-Identifier: Apache-2.0 */
/*
 * App role assignments under a service principal, from either side. A new assignment names
 * a resource service principal and one of its appRoles (or the default role
 * 00000000-0000-0000-0000-000000000000 when it declares none) and a principal, a service
 * principal or a user of the same tenant whose kind the role allows (allowedMemberTypes
 * "Application" or "User"). A duplicate answers 400 as Graph does ("Permission being
 * assigned already exists on the object.").
 */
#include <stdio.h>
#include <string.h>

#include "graph/applications_int.h"
#include "graph/assignments.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/assignment.h"
#include "store/user.h"
#include "core/banned.h"

#define DEFAULT_ROLE "00000000-0000-0000-0000-000000000000"

static const char *const asg_props[] = {
    "id",
    "deletedDateTime",
    "appRoleId",
    "createdDateTime",
    "principalDisplayName",
    "principalId",
    "principalType",
    "resourceDisplayName",
    "resourceId",
    NULL,
};

static const struct odata_field asg_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"principalId", "principal_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"resourceId", "resource_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"appRoleId", "app_role_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"principalType", "principal_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
};

static const struct odata_schema asg_schema = {
    .type_name = "appRoleAssignment",
    .resource = "AppRoleAssignment",
    .props = asg_props,
    .fields = asg_fields,
    .nfields = sizeof(asg_fields) / sizeof(asg_fields[0]),
    .tiebreak = "id",
    .default_order = "created_at ASC, id ASC",
};

static const struct graph_prop asg_write[] = {
    {"principalId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"resourceId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"appRoleId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"createdDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"deletedDateTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"principalDisplayName", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"principalType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"resourceDisplayName", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
};

static const struct graph_type asg_type = {
    "appRoleAssignment",
    "AppRoleAssignment",
    asg_write,
    sizeof(asg_write) / sizeof(asg_write[0]),
    0,
};

static json_t *asg_json(const struct assignment_row *a)
{
    return json_pack(
        "{s:s, s:n, s:s, s:o, s:s, s:s, s:s, s:s, s:s}", "id", a->id, "deletedDateTime",
        "appRoleId", a->app_role_id, "createdDateTime", graph_datetime(a->created_at),
        "principalDisplayName", a->principal_display_name ? a->principal_display_name : "",
        "principalId", a->principal_id, "principalType", a->principal_type, "resourceDisplayName",
        a->resource_display_name ? a->resource_display_name : "", "resourceId", a->resource_id);
}

/* "servicePrincipals/{id}/appRoleAssignedTo" or "…/appRoleAssignments" */
static const char *set_of(struct req *r, bool resource_side)
{
    return arena_printf(r->arena, "servicePrincipals/%s/%s", r->params[0],
                        resource_side ? "appRoleAssignedTo" : "appRoleAssignments");
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
}

/* --- list ------------------------------------------------------------------------------------ */

struct list_ctx {
    struct graph_page page;
};

static enum porch_err list_row(const struct assignment_row *a, void *ctx)
{
    struct list_ctx *l = ctx;

    graph_page_add(&l->page, asg_json(a));
    return PORCH_OK;
}

static enum porch_err list(struct req *r, struct resp *rs, bool resource_side)
{
    struct list_ctx l;
    struct odata_query q;
    struct sp_row s;
    struct db_conn *c = NULL;
    enum porch_err err = odata_parse(r, rs, &asg_schema, 0, &q);

    memset(&s, 0, sizeof(s));
    if (err != PORCH_OK)
        return err;
    graph_page_init(&l.page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = graph_applications_find_sp(c, r, &s);
    if (err == PORCH_OK)
        err = store_assignment_list(
            c, r->auth->tenant_id,
            graph_applications_scope(r, &q.sq, resource_side ? "resource_id" : "principal_id",
                                     arena_strdup(r->arena, s.id)),
            list_row, &l, NULL);
    if (c)
        db_release(c);
    store_sp_row_release(&s);
    if (err == PORCH_OK)
        return graph_send_collection(r, rs, set_of(r, resource_side), &q, l.page.items, l.page.more,
                                     -1);
    json_decref(l.page.items);
    return err == PORCH_E_NOT_FOUND ? graph_not_found(r, rs, r->params[0]) : err;
}

enum porch_err graph_assignments_assigned_to_list(struct req *r, struct resp *rs)
{
    return list(r, rs, true);
}

enum porch_err graph_assignments_list(struct req *r, struct resp *rs)
{
    return list(r, rs, false);
}

/* --- create ---------------------------------------------------------------------------------- */

struct create {
    struct assignment_row a;
    struct sp_row resource;
    const char *member_type; /* "Application" or "User": what the principal is */
    const char *fail;        /* a 400 message */
};

static bool role_allows(json_t *role, const char *member_type)
{
    json_t *t;
    size_t i;

    json_array_foreach(json_object_get(role, "allowedMemberTypes"), i, t)
    {
        if (json_is_string(t) && strcmp(json_string_value(t), member_type) == 0)
            return true;
    }
    return false;
}

/* Checks appRoleId against the resource's appRoles; sets k->fail when it cannot be assigned. */
static void check_role(struct create *k)
{
    json_t *data = graph_applications_parse(k->resource.data), *roles, *role;
    size_t i;
    bool found = false;

    roles = json_object_get(data, "appRoles");
    if (json_array_size(roles) == 0 && strcmp(k->a.app_role_id, DEFAULT_ROLE) == 0)
        found = true;
    json_array_foreach(roles, i, role)
    {
        const char *id = json_string_value(json_object_get(role, "id"));
        if (found || !id || strcasecmp(id, k->a.app_role_id) != 0)
            continue;
        found = true;
        if (!role_allows(role, k->member_type) || json_is_false(json_object_get(role, "isEnabled")))
            k->fail = "The app role cannot be assigned to this kind of principal or is disabled.";
    }
    if (!found)
        k->fail = "Permission being assigned was not found on application.";
    json_decref(data);
}

/* Fills the principal's type and name: a service principal or a user of the tenant. */
static enum porch_err load_principal(struct db_conn *c, struct create *k)
{
    struct sp_row s;
    struct user_row u;
    enum porch_err err = store_sp_get(c, k->a.tenant_id, k->a.principal_id, &s);

    if (err == PORCH_OK) {
        snprintf(k->a.principal_type, sizeof(k->a.principal_type), "ServicePrincipal");
        k->a.principal_display_name = xstrdup(s.display_name);
        k->member_type = "Application";
        store_sp_row_release(&s);
        return PORCH_OK;
    }
    if (err != PORCH_E_NOT_FOUND)
        return err;
    memset(&u, 0, sizeof(u));
    err = store_user_get(c, k->a.tenant_id, k->a.principal_id, &u);
    if (err == PORCH_OK) {
        snprintf(k->a.principal_type, sizeof(k->a.principal_type), "User");
        k->a.principal_display_name = xstrdup(u.display_name ? u.display_name : "");
        k->member_type = "User";
    }
    store_user_row_release(&u);
    if (err == PORCH_E_NOT_FOUND)
        k->fail = "The principal of the assignment does not exist in the directory.";
    return err;
}

static enum porch_err create_tx(struct db_conn *c, void *ctx)
{
    struct create *k = ctx;
    enum porch_err err;

    store_sp_row_release(&k->resource);
    free(k->a.principal_display_name);
    free(k->a.resource_display_name);
    k->a.principal_display_name = k->a.resource_display_name = NULL;
    err = store_sp_get(c, k->a.tenant_id, k->a.resource_id, &k->resource);
    if (err == PORCH_E_NOT_FOUND)
        k->fail = "The resource service principal of the assignment does not exist.";
    if (err == PORCH_OK)
        err = load_principal(c, k);
    if (err == PORCH_OK) {
        k->a.resource_display_name = xstrdup(k->resource.display_name);
        check_role(k);
    }
    if (err == PORCH_OK && k->fail)
        err = PORCH_E_INVALID;
    if (err == PORCH_OK)
        err = store_assignment_insert(c, &k->a);
    return err;
}

/* Reads the checked body into k->a; the side's id must be the one in the URL. */
static enum porch_err read_body(struct req *r, struct resp *rs, bool resource_side,
                                struct create *k)
{
    json_t *body;
    enum porch_err err = graph_body_check(r, rs, &asg_type, true, &body);
    char url_id[UUID_STR_LEN];

    if (err != PORCH_OK)
        return err;
    snprintf(k->a.tenant_id, sizeof(k->a.tenant_id), "%s", r->auth->tenant_id);
    snprintf(k->a.principal_id, sizeof(k->a.principal_id), "%s",
             json_string_value(json_object_get(body, "principalId")));
    snprintf(k->a.resource_id, sizeof(k->a.resource_id), "%s",
             json_string_value(json_object_get(body, "resourceId")));
    snprintf(k->a.app_role_id, sizeof(k->a.app_role_id), "%s",
             json_string_value(json_object_get(body, "appRoleId")));
    snprintf(url_id, sizeof(url_id), "%s", r->params[0]);
    lower(k->a.principal_id);
    lower(k->a.resource_id);
    lower(k->a.app_role_id);
    lower(url_id);
    if (strcmp(url_id, resource_side ? k->a.resource_id : k->a.principal_id) != 0)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property '%s' of resource "
                           "'AppRoleAssignment': it must be the service principal in the URL.",
                           resource_side ? "resourceId" : "principalId");
    uuid_v4(k->a.id);
    k->a.created_at = clock_now();
    return PORCH_OK;
}

static enum porch_err create(struct req *r, struct resp *rs, bool resource_side)
{
    struct create k;
    struct db_conn *c = NULL;
    enum porch_err err;

    memset(&k, 0, sizeof(k));
    err = read_body(r, rs, resource_side, &k);
    if (err != PORCH_OK)
        goto out;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, create_tx, &k);
    if (c)
        db_release(c);
    if (err == PORCH_E_CONFLICT)
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                          "Permission being assigned already exists on the object.");
    else if (k.fail && (err == PORCH_E_INVALID || err == PORCH_E_NOT_FOUND))
        err = graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST, "%s", k.fail);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(
        r, "Add app role assignment to service principal", "ApplicationManagement", "Assign",
        "ServicePrincipal", k.a.resource_id, k.a.resource_display_name,
        json_pack("[o, o]", graph_audit_change("AppRole.Id", NULL, json_string(k.a.app_role_id)),
                  graph_audit_change("PrincipalId", NULL, json_string(k.a.principal_id))),
        true, NULL);
    err = graph_send_created(r, rs, set_of(r, resource_side), k.a.id, asg_json(&k.a));
out:
    store_assignment_row_release(&k.a);
    store_sp_row_release(&k.resource);
    return err;
}

enum porch_err graph_assignments_assigned_to_create(struct req *r, struct resp *rs)
{
    return create(r, rs, true);
}

enum porch_err graph_assignments_create(struct req *r, struct resp *rs)
{
    return create(r, rs, false);
}

/* --- delete ---------------------------------------------------------------------------------- */

static enum porch_err remove_one(struct req *r, struct resp *rs, bool resource_side)
{
    struct assignment_row a;
    struct db_conn *c = NULL;
    char sp[UUID_STR_LEN], aid[UUID_STR_LEN];
    enum porch_err err;

    memset(&a, 0, sizeof(a));
    snprintf(sp, sizeof(sp), "%s", r->params[0]);
    snprintf(aid, sizeof(aid), "%s", r->params[1]);
    lower(sp);
    lower(aid);
    if (!uuid_valid(aid))
        return graph_not_found(r, rs, r->params[1]);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_assignment_get(c, r->auth->tenant_id, aid, &a);
    if (err == PORCH_OK && strcmp(resource_side ? a.resource_id : a.principal_id, sp) != 0)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = store_assignment_delete(c, r->auth->tenant_id, aid);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[1]);
    if (err == PORCH_OK) {
        graph_audit_write(
            r, "Remove app role assignment from service principal", "ApplicationManagement",
            "Unassign", "ServicePrincipal", a.resource_id, a.resource_display_name,
            json_pack("[o, o]", graph_audit_change("AppRole.Id", json_string(a.app_role_id), NULL),
                      graph_audit_change("PrincipalId", json_string(a.principal_id), NULL)),
            true, NULL);
        err = graph_send_no_content(rs);
    }
    store_assignment_row_release(&a);
    return err;
}

enum porch_err graph_assignments_assigned_to_delete(struct req *r, struct resp *rs)
{
    return remove_one(r, rs, true);
}

enum porch_err graph_assignments_delete(struct req *r, struct resp *rs)
{
    return remove_one(r, rs, false);
}
