/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The write side of the users resource: POST /users, PATCH and DELETE /users/{id} and
 * revokeSignInSessions. Bodies are validated by directory/users.c (users_prepare_*), with the
 * extension-attribute hook requiring a registered extensionProperty of a matching type.
 * Passwords go through the policy (the tenant's display name on the blocklist) and are hashed
 * with argon2id before any store connection is held, and never reach a response or the audit
 * log. A new password, and disabling the account, move sessions_valid_from to now, which the
 * sign-in code reads to reject older sessions and refresh tokens. Uniqueness conflicts
 * (identities, userPrincipalName) answer 400 Request_BadRequest with Graph's "Another object
 * with the same value for property … already exists." message, as Graph does for users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph/audit.h"
#include "graph/auth.h"
#include "graph/graph.h"
#include "graph/users.h"
#include "graph/users_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "directory/password_policy.h"
#include "directory/users.h"
#include "http/req.h"
#include "http/server.h"
#include "oidc/tenant_docs.h"
#include "store/extprop.h"
#include "store/user.h"
#include "core/banned.h"

#define SET      "users"
#define CATEGORY "UserManagement"

#define MSG_WEAK_PASSWORD                                                                          \
    "The specified password does not comply with password complexity requirements. Please "        \
    "provide a different password."

/* --- extension attributes ------------------------------------------------------------------- */

struct ext_ctx {
    struct db_conn *c;
    const char *tenant_id;
};

/* A JSON value fits an extensionProperty's dataType (null always does: it removes the value). */
static bool ext_type_ok(const char *type, const json_t *v)
{
    if (json_is_null(v))
        return true;
    if (strcasecmp(type, "Boolean") == 0)
        return json_is_boolean(v);
    if (strcasecmp(type, "Integer") == 0 || strcasecmp(type, "LargeInteger") == 0)
        return json_is_integer(v);
    return json_is_string(v);
}

/* users_ctx.extension_check: the attribute must be registered for users, with a fitting type. */
static enum porch_err extension_check(void *ctx, const char *name, const json_t *value,
                                      struct porch_error *e)
{
    struct ext_ctx *x = ctx;
    struct extprop_row row;
    enum porch_err err;

    memset(&row, 0, sizeof(row));
    err = store_extprop_get_by_name(x->c, x->tenant_id, name, &row);
    if (err == PORCH_E_NOT_FOUND ||
        (err == PORCH_OK && (!row.target_objects || !strstr(row.target_objects, "\"User\""))))
        err = PORCH_ERROR_SET(
            e, PORCH_E_INVALID,
            "Property '%.160s' does not exist as a declared property or extension property.", name);
    else if (err == PORCH_OK && !ext_type_ok(row.data_type, value))
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                              "Invalid value specified for property '%.160s' of resource 'User'.",
                              name);
    store_extprop_row_release(&row);
    return err;
}

/* --- shared steps --------------------------------------------------------------------------- */

static const char *default_domain(const struct req *r)
{
    return r->auth->tenant->tenant.default_domain;
}

/*
 * Validates r's body for create (current NULL) or update on connection c (the extension hook
 * reads the registry). PORCH_E_INVALID is rendered as 400 with the rule's message.
 */
static enum porch_err prepare(struct req *r, struct resp *rs, struct db_conn *c,
                              const struct user_row *current, int64_t now, struct users_result *res)
{
    struct ext_ctx x = {c, r->auth->tenant_id};
    struct users_ctx ctx = {r->auth->tenant_id, default_domain(r), now, extension_check, &x};
    struct porch_error e;
    enum porch_err err;

    memset(&e, 0, sizeof(e));
    err = current ? users_prepare_update(&ctx, current, r->json, res, &e)
                  : users_prepare_create(&ctx, r->json, res, &e);
    if (err == PORCH_E_INVALID)
        return graph_error(r, rs, err, GRAPH_E_BAD_REQUEST, "%s", e.msg);
    return err;
}

/*
 * Checks res's password against the policy and hashes it into *hash (caller frees). A weak
 * password answers 400 with Graph's message and the policy's reason; the password itself is
 * never logged or echoed.
 */
static enum porch_err hash_password(struct req *r, struct resp *rs, const struct users_result *res,
                                    char **hash)
{
    struct password_policy pol = {false, r->auth->tenant->tenant.display_name, NULL, 0};
    struct password_policy_result pr;
    char why[256];
    enum porch_err err;

    err = password_policy_hash(&pol, res->password, res->password_len, &pr, hash);
    if (err == PORCH_E_INVALID)
        return graph_error(r, rs, err, GRAPH_E_BAD_REQUEST, "%s %s", MSG_WEAK_PASSWORD,
                           password_policy_message(&pr, why, sizeof(why)));
    return err;
}

/* The store's uniqueness and shape refusals as Graph answers them for users: 400. */
static enum porch_err store_refusal(struct req *r, struct resp *rs, enum porch_err err,
                                    const struct porch_error *e)
{
    if (err != PORCH_E_CONFLICT && err != PORCH_E_INVALID)
        return err;
    return graph_error(r, rs, PORCH_E_INVALID, GRAPH_E_BAD_REQUEST, "%s",
                       e->msg[0] ? e->msg : "The request is not valid.");
}

/* The name an audit record shows for u: its display name, else its userPrincipalName. */
static const char *audit_name(const struct user_row *u)
{
    return u->display_name && *u->display_name ? u->display_name : u->user_principal_name;
}

static void audit(struct req *r, const char *activity, const char *op, const struct user_row *u,
                  json_t *changes)
{
    graph_audit_write(r, activity, CATEGORY, op, "User", u->id, audit_name(u), changes, true, NULL);
}

/* --- POST /users ---------------------------------------------------------------------------- */

/* Validates, hashes the password and inserts; res holds the stored row on success. */
static enum porch_err create_user(struct req *r, struct resp *rs, int64_t now,
                                  struct users_result *res)
{
    struct db_conn *c = NULL;
    struct porch_error e;
    enum porch_err err;

    memset(&e, 0, sizeof(e));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = prepare(r, rs, c, NULL, now, res);
    if (c)
        db_release(c);
    c = NULL;
    if (err == PORCH_OK && res->password) {
        err = hash_password(r, rs, res, &res->row.password_hash);
        res->row.password_changed_at = now;
    }
    if (err == PORCH_OK)
        err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_refusal(r, rs, store_user_insert(c, &res->row, &e), &e);
    if (c)
        db_release(c);
    return err;
}

enum porch_err graph_users_create(struct req *r, struct resp *rs)
{
    struct users_result res;
    json_t *o = NULL;
    enum porch_err err;

    memset(&res, 0, sizeof(res));
    err = create_user(r, rs, clock_now(), &res);
    if (err != PORCH_OK)
        goto out;
    audit(r, "Add user", "Add", &res.row, json_incref(res.changes));
    err = graph_users_json(r, &res.row, &o);
    if (err == PORCH_OK)
        err = graph_send_created(r, rs, SET, res.row.id, o);
out:
    users_result_release(&res);
    return err;
}

/* --- PATCH /users/{id} ---------------------------------------------------------------------- */

struct patch {
    const struct users_result *res;
    const char *hash; /* new password hash, or NULL */
    bool revoke;      /* move sessions_valid_from to now */
    int64_t now;
    struct porch_error *e;
};

static enum porch_err patch_tx(struct db_conn *c, void *ctx)
{
    struct patch *p = ctx;
    const struct user_row *u = &p->res->row;
    enum porch_err err = PORCH_OK;

    if (p->res->columns_changed)
        err = store_user_update(c, u, p->e);
    if (err == PORCH_OK && p->res->identities_changed)
        err = store_user_replace_identities_in_tx(c, u->tenant_id, u->id, u->identities,
                                                  u->nidentities, p->e);
    if (err == PORCH_OK && p->hash)
        err = store_user_set_password(c, u->tenant_id, u->id, p->hash, p->now);
    if (err == PORCH_OK && p->revoke)
        err = store_user_revoke_sessions(c, u->tenant_id, u->id, p->now);
    return err;
}

/* Loads the user r names and validates the body against it (404 and 400 rendered). */
static enum porch_err patch_prepare(struct req *r, struct resp *rs, int64_t now,
                                    struct user_row *cur, struct users_result *res)
{
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    if (err == PORCH_OK)
        err = users_int_load(c, r->auth->tenant_id, r->params[0], cur);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    else if (err == PORCH_OK)
        err = prepare(r, rs, c, cur, now, res);
    if (c)
        db_release(c);
    return err;
}

/* Writes the audit records of a PATCH: the profile change and, apart, the password reset. */
static void patch_audit(struct req *r, const struct users_result *res, bool password)
{
    json_t *changes = json_array(), *ch;
    size_t i;

    json_array_foreach(res->changes, i, ch)
    {
        const char *name = json_string_value(json_object_get(ch, "displayName"));
        if (!password || !name || strcmp(name, "passwordProfile") != 0)
            json_array_append(changes, ch);
    }
    if (json_array_size(changes) > 0 || !password)
        audit(r, "Update user", "Update", &res->row, json_incref(changes));
    if (password)
        audit(r, "Reset user password", "Update", &res->row, NULL);
    json_decref(changes);
}

enum porch_err graph_users_patch(struct req *r, struct resp *rs)
{
    struct user_row cur;
    struct users_result res;
    struct porch_error e;
    struct db_conn *c = NULL;
    char *hash = NULL;
    int64_t now = clock_now();
    struct patch p = {&res, NULL, false, now, &e};
    enum porch_err err;

    memset(&cur, 0, sizeof(cur));
    memset(&res, 0, sizeof(res));
    memset(&e, 0, sizeof(e));
    err = patch_prepare(r, rs, now, &cur, &res);
    if (err == PORCH_OK && res.password)
        err = hash_password(r, rs, &res, &hash);
    if (err != PORCH_OK)
        goto out;
    p.hash = hash;
    p.revoke = hash || (cur.account_enabled && !res.row.account_enabled);
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = db_tx(c, true, patch_tx, &p);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND)
        err = graph_not_found(r, rs, r->params[0]);
    else
        err = store_refusal(r, rs, err, &e);
    if (err != PORCH_OK)
        goto out;
    patch_audit(r, &res, hash != NULL);
    err = graph_send_no_content(rs);
out:
    free(hash);
    store_user_row_release(&cur);
    users_result_release(&res);
    return err;
}

/* --- DELETE /users/{id} and revokeSignInSessions -------------------------------------------- */

/* Loads the user r names into u and runs the change (404 rendered when there is none). */
static enum porch_err change_user(struct req *r, struct resp *rs, bool delete, struct user_row *u)
{
    struct db_conn *c = NULL;
    enum porch_err err = db_acquire(r->srv->db, &c);

    if (err == PORCH_OK)
        err = users_int_load(c, r->auth->tenant_id, r->params[0], u);
    if (err == PORCH_OK)
        err = delete ? store_user_delete(c, u->tenant_id, u->id)
                     : store_user_revoke_sessions(c, u->tenant_id, u->id, clock_now());
    if (c)
        db_release(c);
    return err == PORCH_E_NOT_FOUND ? graph_not_found(r, rs, r->params[0]) : err;
}

enum porch_err graph_users_delete(struct req *r, struct resp *rs)
{
    struct user_row u;
    enum porch_err err;

    memset(&u, 0, sizeof(u));
    err = change_user(r, rs, true, &u);
    if (err == PORCH_OK) {
        audit(r, "Delete user", "Delete", &u, NULL);
        err = graph_send_no_content(rs);
    }
    store_user_row_release(&u);
    return err;
}

enum porch_err graph_users_revoke(struct req *r, struct resp *rs)
{
    struct user_row u;
    enum porch_err err;

    memset(&u, 0, sizeof(u));
    err = change_user(r, rs, false, &u);
    if (err == PORCH_OK) {
        /* Entra's activity name for revokeSignInSessions */
        audit(r, "Invalidate all refresh tokens for user", "Update", &u, NULL);
        err = resp_json(rs, 200,
                        json_pack("{s:s, s:b}", "@odata.context",
                                  graph_context(r, "Edm.Boolean", NULL, false), "value", 1));
    }
    store_user_row_release(&u);
    return err;
}
