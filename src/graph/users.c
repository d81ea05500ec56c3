/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The read side of the users resource: the OData schema (filterable columns of store/user.h,
 * the identities lambda, orders and $search fields), list, /$count and get, and the response
 * shape (Graph's default property set unless $select names others). Directory extension
 * attributes (extension_<32 hex>_<name>) are not in the static schema, so a request that
 * selects one gets a request-local copy of the schema that lists them too. Filters on the
 * issuer of identities ignore it for local identities (emailAddress…, userName), as
 * objectIdentity's filter rules say, by rewriting the compiled comparison (see
 * local_issuer_rule). users_write.c holds the writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/graph.h"
#include "graph/auth.h"
#include "graph/odata.h"
#include "graph/users.h"
#include "graph/users_int.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/uuid.h"
#include "db/db.h"
#include "directory/users.h"
#include "http/req.h"
#include "http/server.h"
#include "oidc/tenant_docs.h"
#include "store/user.h"
#include "core/banned.h"

#define SET            "users"
#define MAX_EXT_SELECT 32

static const char *const user_props[] = {
    "id",
    "deletedDateTime",
    "accountEnabled",
    "ageGroup",
    "businessPhones",
    "city",
    "companyName",
    "consentProvidedForMinor",
    "country",
    "createdDateTime",
    "creationType",
    "department",
    "displayName",
    "employeeId",
    "employeeType",
    "faxNumber",
    "givenName",
    "identities",
    "jobTitle",
    "lastPasswordChangeDateTime",
    "mail",
    "mailNickname",
    "mobilePhone",
    "officeLocation",
    "otherMails",
    "passwordPolicies",
    "passwordProfile",
    "postalCode",
    "preferredLanguage",
    "showInAddressList",
    "signInSessionsValidFromDateTime",
    "state",
    "streetAddress",
    "surname",
    "usageLocation",
    "userPrincipalName",
    "userType",
    NULL,
};

/* Graph's default property set of a user (entra-compat §1.3). */
static const char *const default_props[] = {
    "businessPhones", "displayName",    "givenName",         "id",      "jobTitle",          "mail",
    "mobilePhone",    "officeLocation", "preferredLanguage", "surname", "userPrincipalName", NULL,
};

static const struct odata_field user_fields[] = {
    {"id", "id", NULL, ODATA_T_GUID, ODATA_OPS_EQ, 0},
    {"displayName", "display_name", "display_name_lower", ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"givenName", "given_name", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"surname", "surname", NULL, ODATA_T_STRING, ODATA_OPS_STR, 0},
    {"mail", "mail", "mail_lower", ODATA_T_STRING, ODATA_OPS_STR | ODATA_OP_ENDSWITH, 0},
    {"userPrincipalName", "user_principal_name", "upn_lower", ODATA_T_STRING,
     ODATA_OPS_STR | ODATA_OP_ENDSWITH, 0},
    {"accountEnabled", "account_enabled", NULL, ODATA_T_BOOL, ODATA_OPS_EQ, 0},
    {"creationType", "creation_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"userType", "user_type", NULL, ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"createdDateTime", "created_at", NULL, ODATA_T_DATETIME, ODATA_OPS_ORD, 0},
};

/* Inside identities/any(c: …); the columns of store/user.h's lambda section. */
static const struct odata_field identity_fields[] = {
    {"signInType", "ui.sign_in_type", "LOWER(ui.sign_in_type)", ODATA_T_STRING, ODATA_OPS_EQ, 0},
    {"issuer", "ui.issuer", "ui.issuer_lower", ODATA_T_STRING, ODATA_OP_EQ, 0},
    {"issuerAssignedId", "ui.issuer_assigned_id", "ui.id_lower", ODATA_T_STRING, ODATA_OPS_STR, 0},
};

static const struct odata_lambda user_lambdas[] = {
    {"identities", "user_identities ui", "ui.tenant_id = users.tenant_id AND ui.user_id = users.id",
     identity_fields, sizeof(identity_fields) / sizeof(identity_fields[0]), true},
};

static const struct odata_order user_orders[] = {
    {"displayName", "display_name_lower", false},
    {"userPrincipalName", "upn_lower", false},
    {"createdDateTime", "created_at", true},
};

static const struct odata_search user_search[] = {
    {"displayName", "display_name_lower"},
    {"mail", "mail_lower"},
};

static const struct odata_schema users_schema = {
    .type_name = "user",
    .resource = "User",
    .props = user_props,
    .fields = user_fields,
    .nfields = sizeof(user_fields) / sizeof(user_fields[0]),
    .lambdas = user_lambdas,
    .nlambdas = sizeof(user_lambdas) / sizeof(user_lambdas[0]),
    .orders = user_orders,
    .norders = sizeof(user_orders) / sizeof(user_orders[0]),
    .search = user_search,
    .nsearch = sizeof(user_search) / sizeof(user_search[0]),
    .tiebreak = "id",
    .default_order = STORE_USER_ORDER_DEFAULT,
    .flags = ODATA_S_DIRECTORY | ODATA_S_COUNT,
};

/* The compiled issuer comparison, and what it becomes: local identities match any issuer. */
#define ISSUER_CMP       "ui.issuer_lower = ?"
#define ISSUER_CMP_LOCAL "(ui.sign_in_class = 'local' OR ui.issuer_lower = ?)"

/* --- shape ---------------------------------------------------------------------------------- */

static bool is_default(const char *k)
{
    for (size_t i = 0; default_props[i]; i++)
        if (strcmp(default_props[i], k) == 0)
            return true;
    return false;
}

/* The member of obj whose name equals name ignoring case (extension names), or NULL. */
static const char *member_ci(json_t *obj, const char *name)
{
    const char *k;
    json_t *v;

    json_object_foreach(obj, k, v)
    {
        if (strcasecmp(k, name) == 0)
            return k;
    }
    return NULL;
}

/* Renames an extension member to the spelling $select used, so graph_select keeps it. */
static void select_extension(json_t *obj, const char *name)
{
    const char *k = member_ci(obj, name);
    json_t *v;

    if (!k || strcmp(k, name) == 0)
        return;
    v = json_incref(json_object_get(obj, k));
    json_object_del(obj, k);
    json_object_set_new(obj, name, v);
}

void graph_users_shape(json_t *obj, const struct odata_query *q)
{
    const char *k;
    json_t *v, *tmp;

    if (q && q->select) {
        for (size_t i = 0; i < q->nselect; i++) {
            if (users_int_is_extension(q->select[i]))
                select_extension(obj, q->select[i]);
            else if (!json_object_get(obj, q->select[i]))
                json_object_set_new(obj, q->select[i], json_null());
        }
        return;
    }
    json_object_foreach_safe(obj, tmp, k, v)
    {
        if (!is_default(k))
            json_object_del(obj, k);
    }
    for (size_t i = 0; default_props[i]; i++)
        if (!json_object_get(obj, default_props[i]))
            json_object_set_new(obj, default_props[i],
                                strcmp(default_props[i], "businessPhones") == 0 ? json_array()
                                                                                : json_null());
}

enum porch_err graph_users_json(struct req *r, const struct user_row *u, json_t **out)
{
    return users_to_json(u, r->auth->tenant->tenant.default_domain, out);
}

/* --- query parsing -------------------------------------------------------------------------- */

/*
 * The schema for r: users_schema, or, when $select names extension attributes, a copy in r's
 * arena whose property list has them too (as the client spelled them).
 */
static const struct odata_schema *schema_for(struct req *r)
{
    const char *v = req_query(r, "$select");
    const char **props;
    struct odata_schema *s;
    size_t n = sizeof(user_props) / sizeof(user_props[0]) - 1, next;

    if (!v)
        return &users_schema;
    props = arena_calloc(r->arena, n + MAX_EXT_SELECT + 1, sizeof(char *));
    memcpy(props, user_props, n * sizeof(char *));
    next = n;
    for (const char *p = v; *p && next < n + MAX_EXT_SELECT; p += *p == ',') {
        size_t lead = strspn(p, " "), len = strcspn(p + lead, ","), m = len;
        char *name;

        while (m > 0 && p[lead + m - 1] == ' ')
            m--;
        name = arena_strndup(r->arena, p + lead, m);
        if (users_int_is_extension(name))
            props[next++] = name;
        p += lead + len;
    }
    if (next == n)
        return &users_schema;
    s = arena_calloc(r->arena, 1, sizeof(*s));
    *s = users_schema;
    s->props = props;
    return s;
}

/* Replaces every ISSUER_CMP in where by ISSUER_CMP_LOCAL (the binds keep their order). */
static const char *local_issuer_rule(struct arena *a, const char *where)
{
    struct sbuf sb;
    const char *p = where, *hit, *out = where;
    enum porch_err err = PORCH_OK;

    if (!where || !strstr(where, ISSUER_CMP))
        return where;
    sbuf_init(&sb, 4 * strlen(where) + 64);
    while (err == PORCH_OK && (hit = strstr(p, ISSUER_CMP)) != NULL) {
        err = sbuf_add(&sb, p, (size_t)(hit - p));
        if (err == PORCH_OK)
            err = sbuf_adds(&sb, ISSUER_CMP_LOCAL);
        p = hit + strlen(ISSUER_CMP);
    }
    if (err == PORCH_OK)
        err = sbuf_adds(&sb, p);
    if (err == PORCH_OK)
        out = arena_strndup(a, sb.buf, sb.len);
    sbuf_release(&sb);
    return out;
}

/* odata_parse for the users collection, with the identity issuer rule applied. */
static enum porch_err parse_list(struct req *r, struct resp *rs, unsigned flags,
                                 struct odata_query *q)
{
    enum porch_err err = odata_parse(r, rs, schema_for(r), flags, q);

    if (err == PORCH_OK)
        q->sq.where = local_issuer_rule(r->arena, q->sq.where);
    return err;
}

bool users_int_is_extension(const char *name)
{
    const char *p = name + strlen(USERS_INT_EXT_PREFIX), *rest;
    size_t hex;

    if (strncasecmp(name, USERS_INT_EXT_PREFIX, strlen(USERS_INT_EXT_PREFIX)) != 0)
        return false;
    hex = strspn(p, "0123456789abcdefABCDEF");
    rest = p + hex;
    return hex == 32 && rest[0] == '_' && rest[1] && strlen(rest + 1) <= 128;
}

/* --- lookups -------------------------------------------------------------------------------- */

enum porch_err users_int_load(struct db_conn *c, const char *tenant_id, const char *key,
                              struct user_row *out)
{
    char id[UUID_STR_LEN];
    struct store_bind bind = {false, NULL, 0};
    struct store_query q = {"upn_lower = ?", &bind, 1, NULL, 1, 0};
    struct user_row *rows = NULL;
    size_t n = 0;
    char *lower = NULL;
    enum porch_err err;

    memset(out, 0, sizeof(*out));
    if (uuid_valid(key)) {
        lower = store_user_lower(key);
        err = store_user_get(c, tenant_id, lower, out);
        goto out;
    }
    /* Graph also addresses a user by userPrincipalName */
    if (!strchr(key, '@') || strlen(key) > 320) {
        err = PORCH_E_NOT_FOUND;
        goto out;
    }
    lower = store_user_lower(key);
    bind.text = lower;
    err = store_user_list(c, tenant_id, &q, &rows, &n);
    if (err == PORCH_OK && n == 0)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK) {
        snprintf(id, sizeof(id), "%s", rows[0].id);
        err = store_user_get(c, tenant_id, id, out);
    }
out:
    store_user_rows_free(rows, n);
    free(lower);
    return err;
}

/* --- handlers ------------------------------------------------------------------------------- */

/* Converts rows into the page, shaped for q. */
static enum porch_err fill_page(struct req *r, const struct odata_query *q,
                                const struct user_row *rows, size_t n, struct graph_page *page)
{
    for (size_t i = 0; i < n; i++) {
        json_t *o = NULL;
        enum porch_err err = graph_users_json(r, &rows[i], &o);

        if (err != PORCH_OK)
            return err;
        graph_users_shape(o, q);
        graph_page_add(page, o);
    }
    return PORCH_OK;
}

enum porch_err graph_users_list(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct graph_page page = {NULL, 0, 0, false};
    struct user_row *rows = NULL;
    struct db_conn *c = NULL;
    size_t n = 0;
    int64_t count = -1;
    enum porch_err err = parse_list(r, rs, 0, &q);

    if (err != PORCH_OK)
        return err;
    graph_page_init(&page, &q);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_user_list(c, r->auth->tenant_id, &q.sq, &rows, &n);
    if (err == PORCH_OK && q.count)
        err = store_user_count(c, r->auth->tenant_id, &q.sq, &count);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        err = fill_page(r, &q, rows, n, &page);
    if (err != PORCH_OK)
        goto out;
    err = graph_send_collection(r, rs, SET, &q, page.items, page.more, count);
    page.items = NULL;
out:
    store_user_rows_free(rows, n);
    json_decref(page.items);
    return err;
}

enum porch_err graph_users_count(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct db_conn *c = NULL;
    int64_t count = 0;
    enum porch_err err = parse_list(r, rs, ODATA_COUNT_SEGMENT, &q);

    if (err != PORCH_OK)
        return err;
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_user_count(c, r->auth->tenant_id, &q.sq, &count);
    if (c)
        db_release(c);
    return err == PORCH_OK ? graph_send_count(rs, count) : err;
}

enum porch_err graph_users_get(struct req *r, struct resp *rs)
{
    struct odata_query q;
    struct user_row u;
    struct db_conn *c = NULL;
    json_t *o = NULL;
    enum porch_err err = odata_parse_entity(r, rs, schema_for(r), &q);

    if (err != PORCH_OK)
        return err;
    memset(&u, 0, sizeof(u));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = users_int_load(c, r->auth->tenant_id, r->params[0], &u);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        return graph_not_found(r, rs, r->params[0]);
    if (err == PORCH_OK)
        err = graph_users_json(r, &u, &o);
    store_user_row_release(&u);
    if (err != PORCH_OK)
        return err;
    graph_users_shape(o, &q);
    return graph_send_entity(r, rs, SET, &q, o);
}
