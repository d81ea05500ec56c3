/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The oauth2PermissionGrants resource. A write is checked against the directory inside its
 * transaction: the client and the resource must be service principals of the tenant, a
 * Principal grant's principal a user of it, and every scope value one of the resource's
 * oauth2PermissionScopes (the built-in Graph service principal offers User.Read, openid,
 * profile, email and offline_access). scope is stored with single spaces between values, in
 * the order given, duplicates dropped. The store's unique key turns a second grant for the
 * same client, resource, consent type and principal into 409, as Graph answers it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/applications_int.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/grants.h"
#include "graph/graph.h"
#include "graph/odata.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "http/req.h"
#include "http/server.h"
#include "store/grant.h"
#include "store/user.h"
#include "core/banned.h"

#define SET       "oauth2PermissionGrants"
#define RESOURCE  "OAuth2PermissionGrant"
#define SCOPE_MAX 8192
#define CATEGORY  "ApplicationManagement"
#define ALL       "AllPrincipals"
#define ONE       "Principal"

static const char *const grant_props[] = {
    "id", "clientId", "consentType", "principalId", "resourceId", "scope", NULL,
};

static const struct odata_field grant_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"clientId", "client_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"resourceId", "resource_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"consentType", "consent_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"principalId", "principal_id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
};

static const struct odata_schema grant_schema = {
    .type_name = "oAuth2PermissionGrant",
    .resource = RESOURCE,
    .props = grant_props,
    .fields = grant_fields,
    .nfields = sizeof(grant_fields) / sizeof(grant_fields[0]),
    .tiebreak = "id",
};

static const struct graph_prop create_props[] = {
    {"clientId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"consentType", GRAPH_T_STRING, GRAPH_P_REQUIRED, 32},
    {"principalId", GRAPH_T_GUID, GRAPH_P_NULLABLE, 0},
    {"resourceId", GRAPH_T_GUID, GRAPH_P_REQUIRED, 0},
    {"scope", GRAPH_T_STRING, GRAPH_P_NULLABLE, SCOPE_MAX},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"startTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"expiryTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
};

static const struct graph_prop patch_props[] = {
    {"scope", GRAPH_T_STRING, GRAPH_P_NULLABLE, SCOPE_MAX},
    {"clientId", GRAPH_T_GUID, GRAPH_P_READONLY, 0},
    {"consentType", GRAPH_T_STRING, GRAPH_P_READONLY, 0},
    {"principalId", GRAPH_T_GUID, GRAPH_P_READONLY | GRAPH_P_NULLABLE, 0},
    {"resourceId", GRAPH_T_GUID, GRAPH_P_READONLY, 0},
    {"id", GRAPH_T_STRING, GRAPH_P_IGNORED, 0},
    {"startTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
    {"expiryTime", GRAPH_T_DATETIME, GRAPH_P_IGNORED, 0},
};

static const struct graph_type create_type = {
    "oAuth2PermissionGrant",
    RESOURCE,
    create_props,
    sizeof(create_props) / sizeof(create_props[0]),
    0,
};

static const struct graph_type patch_type = {
    "oAuth2PermissionGrant", RESOURCE, patch_props, sizeof(patch_props) / sizeof(patch_props[0]), 0,
};

static json_t *grant_json(const struct grant_row *g)
{
    return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s}", "id", g->id, "clientId", g->client_id,
                     "consentType", g->consent_type, "principalId",
                     g->principal_id[0] ? g->principal_id : NULL, "resourceId", g->resource_id,
                     "scope", g->scope ? g->scope : "");
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
}

/* The grant id in r->params[0], lower-cased into id; false when it is not a GUID. */
static bool url_id(struct req *r, char id[UUID_STR_LEN])
{
    const char *k = r->params[0] ? r->params[0] : "";

    snprintf(id, UUID_STR_LEN, "%s", k);
    lower(id);
    return strlen(k) == UUID_STR_LEN - 1 && uuid_valid(id);
}

/* True when value is the value of one of the resource's enabled delegated permissions. */
static bool offered(json_t *scopes, const char *value, size_t n)
{
    json_t *s;
    size_t i;

    json_array_foreach(scopes, i, s)
    {
        const char *v = json_string_value(json_object_get(s, "value"));
        if (v && strlen(v) == n && strncmp(v, value, n) == 0 &&
            !json_is_false(json_object_get(s, "isEnabled")))
            return true;
    }
    return false;
}

/* True when the space-separated list holds word (n bytes). */
static bool has_word(const char *list, const char *word, size_t n)
{
    while (*list) {
        size_t k = strcspn(list, " ");
        if (k == n && strncmp(list, word, n) == 0)
            return true;
        list += k + (list[k] == ' ');
    }
    return false;
}

/*
 * Checks scope against the resource service principal's data: *norm gets the values joined by
 * single spaces, duplicates dropped (arena-owned), or *bad the first value the resource does
 * not offer (arena-owned).
 */
static void scope_check(struct req *r, const struct sp_row *resource, const char *scope,
                        const char **norm, const char **bad)
{
    json_t *data = graph_applications_parse(resource->data);
    json_t *scopes = json_object_get(data, "oauth2PermissionScopes");
    const char *p = scope ? scope : "";
    char *out = arena_calloc(r->arena, 1, strlen(p) + 1);
    size_t len = 0;

    *norm = *bad = NULL;
    while (*p && !*bad) {
        size_t n = strcspn(p, " ");
        if (n && !offered(scopes, p, n))
            *bad = arena_strndup(r->arena, p, n);
        else if (n && !has_word(out, p, n)) {
            if (len)
                out[len++] = ' ';
            memcpy(out + len, p, n);
            len += n;
        }
        p += n + (p[n] == ' ');
    }
    if (!*bad)
        *norm = out;
    json_decref(data);
}

/* --- reads ----------------------------------------------------------------------------------- */

static enum porch_err list_row(const struct grant_row *g, void *ctx)
{
    graph_page_add(ctx, grant_json(g));
    return PORCH_OK;
}

/* Lists the tenant's grants, narrowed to one client service principal when by_client. */
static enum porch_err list(struct req *r, struct resp *rs, bool by_client)
{
    struct graph_page page;
    struct odata_query q;
    struct sp_row s;
    struct db_conn *c = NULL;
    const struct store_query *sq;
    enum porch_err err = odata_parse(r, rs, &grant_schema, 0, &q);

    memset(&s, 0, sizeof(s));
    if (err != PORCH_OK)
        return err;
    graph_page_init(&page, &q);
    sq = &q.sq;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK && by_client)
        err = graph_applications_find_sp(c, r, &s);
    if (err == PORCH_OK && by_client)
        sq = graph_applications_scope(r, &q.sq, "client_id", arena_strdup(r->arena, s.id));
    if (err == PORCH_OK)
        err = store_grant_list(c, r->auth->tenant_id, sq, list_row, &page, NULL);
    if (c)
        db_release(c);
    store_sp_row_release(&s);
    if (err == PORCH_OK)
        return graph_send_collection(r, rs, SET, &q, page.items, page.more, -1);
    json_decref(page.items);
    return err == PORCH_E_NOT_FOUND ? graph_not_found(r, rs, r->params[0]) : err;
}

enum porch_err graph_grants_list(struct req *r, struct resp *rs)
{
    return list(r, rs, false);
}

enum porch_err graph_grants_sp_list(struct req *r, struct resp *rs)
{
    return list(r, rs, true);
}

enum porch_err graph_grants_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct grant_row g;
    struct db_conn *c = NULL;
    char id[UUID_STR_LEN];
    enum porch_err err = odata_parse_entity(r, rs, &grant_schema, &q);

    memset(&g, 0, sizeof(g));
    if (err != PORCH_OK)
        return err;
    if (!url_id(r, id))
        return graph_not_found(r, rs, r->params[0]);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_grant_get(c, r->auth->tenant_id, id, &g);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        err = graph_send_entity(r, rs, SET, &q, grant_json(&g));
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    store_grant_row_release(&g);
    return err;
}

/* --- writes ---------------------------------------------------------------------------------- */

/* A write checked in its transaction; fail/fail_prop name the 400 when the check fails. */
struct write {
    struct req *r;
    char id[UUID_STR_LEN]; /* updates and deletes: the grant the URL names */
    struct grant_row g;
    struct sp_row resource;
    const char *scope_in; /* the body's scope (borrowed) */
    const char *fail_prop;
    const char *fail_value; /* the unknown scope value, for scope failures */
    char *old_scope;        /* updates: the scope before */
};

static void invalid(struct write *w, const char *prop)
{
    if (!w->fail_prop)
        w->fail_prop = prop;
}

/* Loads the resource service principal and checks w->scope_in against it into w->g.scope. */
static enum porch_err load_resource(struct db_conn *c, struct write *w)
{
    const char *norm, *bad;
    enum porch_err err;

    store_sp_row_release(&w->resource);
    err = store_sp_get(c, w->g.tenant_id, w->g.resource_id, &w->resource);
    if (err == PORCH_E_NOT_FOUND)
        invalid(w, "resourceId");
    if (err != PORCH_OK)
        return err;
    scope_check(w->r, &w->resource, w->scope_in, &norm, &bad);
    if (bad) {
        w->fail_value = bad;
        invalid(w, "scope");
        return PORCH_E_INVALID;
    }
    free(w->g.scope);
    w->g.scope = xstrdup(norm);
    return PORCH_OK;
}

static enum porch_err create_tx(struct db_conn *c, void *ctx)
{
    struct write *w = ctx;
    struct sp_row client;
    struct user_row u;
    enum porch_err err = store_sp_get(c, w->g.tenant_id, w->g.client_id, &client);

    store_sp_row_release(&client);
    if (err == PORCH_E_NOT_FOUND)
        invalid(w, "clientId");
    if (err == PORCH_OK)
        err = load_resource(c, w);
    if (err == PORCH_OK && w->g.principal_id[0]) {
        memset(&u, 0, sizeof(u));
        err = store_user_get(c, w->g.tenant_id, w->g.principal_id, &u);
        store_user_row_release(&u);
        if (err == PORCH_E_NOT_FOUND)
            invalid(w, "principalId");
    }
    if (err == PORCH_OK)
        err = store_grant_insert(c, &w->g);
    return err;
}

static void copy_guid(char dst[UUID_STR_LEN], json_t *body, const char *name)
{
    const char *v = json_string_value(json_object_get(body, name));

    snprintf(dst, UUID_STR_LEN, "%s", v ? v : "");
    lower(dst);
}

/* Reads a checked create body into w; consentType and principalId must agree. */
static enum porch_err read_create(struct req *r, struct resp *rs, struct write *w)
{
    json_t *body;
    const char *ct;
    enum porch_err err = graph_body_check(r, rs, &create_type, true, &body);

    if (err != PORCH_OK)
        return err;
    snprintf(w->g.tenant_id, sizeof(w->g.tenant_id), "%s", r->auth->tenant_id);
    uuid_v4(w->g.id);
    copy_guid(w->g.client_id, body, "clientId");
    copy_guid(w->g.resource_id, body, "resourceId");
    copy_guid(w->g.principal_id, body, "principalId");
    ct = json_string_value(json_object_get(body, "consentType"));
    w->scope_in = json_string_value(json_object_get(body, "scope"));
    if (strcmp(ct, ALL) != 0 && strcmp(ct, ONE) != 0)
        invalid(w, "consentType");
    else if (strcmp(ct, ALL) == 0 ? w->g.principal_id[0] != '\0' : w->g.principal_id[0] == '\0')
        invalid(w, "principalId");
    snprintf(w->g.consent_type, sizeof(w->g.consent_type), "%s", ct);
    return w->fail_prop ? PORCH_E_INVALID : PORCH_OK;
}

/* The 400 for a failed check: the property, and for scope the value the resource lacks. */
static enum porch_err render_invalid(struct req *r, struct resp *rs, const struct write *w)
{
    if (w->fail_value)
        return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                           "Invalid value specified for property 'scope' of resource '" RESOURCE
                           "': '%.128s' is not a delegated permission of the resource.",
                           w->fail_value);
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST,
                       "Invalid value specified for property '%s' of resource '" RESOURCE "'.",
                       w->fail_prop);
}

static void write_release(struct write *w)
{
    store_grant_row_release(&w->g);
    store_sp_row_release(&w->resource);
    free(w->old_scope);
}

enum porch_err graph_grants_create(struct req *r, struct resp *rs)
{
    struct write w = {.r = r};
    struct db_conn *c = NULL;
    enum porch_err err = read_create(r, rs, &w);

    if (err == PORCH_OK)
        err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, create_tx, &w);
    if (c)
        db_release(c);
    if (err == PORCH_E_CONFLICT)
        err = graph_error(r, rs, err, GRAPH_E_CONFLICT, "Permission entry already exists.");
    else if (w.fail_prop && !rs->content_type)
        err = render_invalid(r, rs, &w);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(r, "Add delegated permission grant", CATEGORY, "Add", "ServicePrincipal",
                      w.g.resource_id, w.resource.display_name,
                      json_pack("[o, o, o]",
                                graph_audit_change("DelegatedPermissionGrant.Scope", NULL,
                                                   json_string(w.g.scope)),
                                graph_audit_change("DelegatedPermissionGrant.ConsentType", NULL,
                                                   json_string(w.g.consent_type)),
                                graph_audit_change("DelegatedPermissionGrant.ClientId", NULL,
                                                   json_string(w.g.client_id))),
                      true, NULL);
    err = graph_send_created(r, rs, SET, w.g.id, grant_json(&w.g));
out:
    write_release(&w);
    return err;
}

static enum porch_err patch_tx(struct db_conn *c, void *ctx)
{
    struct write *w = ctx;
    enum porch_err err;

    store_grant_row_release(&w->g);
    free(w->old_scope);
    w->old_scope = NULL;
    err = store_grant_get(c, w->r->auth->tenant_id, w->id, &w->g);
    if (err != PORCH_OK)
        return err;
    w->old_scope = xstrdup(w->g.scope);
    if (!w->scope_in)
        return PORCH_OK;
    err = load_resource(c, w);
    if (err == PORCH_OK)
        err = store_grant_update(c, &w->g);
    return err;
}

enum porch_err graph_grants_patch(struct req *r, struct resp *rs)
{
    struct write w = {.r = r};
    struct db_conn *c = NULL;
    json_t *body;
    enum porch_err err = graph_body_check(r, rs, &patch_type, false, &body);

    if (err != PORCH_OK)
        goto out;
    if (!url_id(r, w.id)) {
        err = graph_not_found(r, rs, r->params[0]);
        goto out;
    }
    w.scope_in = json_string_value(json_object_get(body, "scope"));
    if (!w.scope_in && json_object_get(body, "scope"))
        w.scope_in = "";
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, patch_tx, &w);
    if (c)
        db_release(c);
    if (w.fail_value)
        err = render_invalid(r, rs, &w);
    else if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err != PORCH_OK)
        goto out;
    graph_audit_write(
        r, "Update delegated permission grant", CATEGORY, "Update", "ServicePrincipal",
        w.g.resource_id, w.resource.display_name,
        json_pack("[o]", graph_audit_change("DelegatedPermissionGrant.Scope",
                                            json_string(w.old_scope), json_string(w.g.scope))),
        true, NULL);
    err = graph_send_no_content(rs);
out:
    write_release(&w);
    return err;
}

static enum porch_err delete_tx(struct db_conn *c, void *ctx)
{
    struct write *w = ctx;
    enum porch_err err;

    store_grant_row_release(&w->g);
    err = store_grant_get(c, w->r->auth->tenant_id, w->id, &w->g);
    if (err == PORCH_OK)
        err = store_grant_delete(c, w->g.tenant_id, w->g.id);
    return err;
}

enum porch_err graph_grants_delete(struct req *r, struct resp *rs)
{
    struct write w = {.r = r};
    struct db_conn *c = NULL;
    enum porch_err err = PORCH_OK;

    if (!url_id(r, w.id))
        return graph_not_found(r, rs, r->params[0]);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, delete_tx, &w);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK) {
        graph_audit_write(r, "Remove delegated permission grant", CATEGORY, "Delete",
                          "ServicePrincipal", w.g.resource_id, NULL,
                          json_pack("[o, o]",
                                    graph_audit_change("DelegatedPermissionGrant.Scope",
                                                       json_string(w.g.scope), NULL),
                                    graph_audit_change("DelegatedPermissionGrant.ClientId",
                                                       json_string(w.g.client_id), NULL)),
                          true, NULL);
        err = graph_send_no_content(rs);
    }
    write_release(&w);
    return err;
}
