/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service principal rows in portable SQL. The names table is derived from data on every
 * write, so the JSON a client reads back and the names a token request resolves never
 * disagree.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/sp.h"
#include "store/list.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define SP_COLS "tenant_id, id, app_id, display_name, account_enabled, created_at, data"

static const struct store_list_spec list_spec = {"service_principals", SP_COLS, "created_at, id"};

void store_sp_row_release(struct sp_row *s)
{
    if (!s)
        return;
    free(s->display_name);
    free(s->data);
    s->display_name = s->data = NULL;
}

static bool row_valid(const struct sp_row *s)
{
    return uuid_valid(s->tenant_id) && uuid_valid(s->id) && uuid_valid(s->app_id) &&
           s->display_name && s->data && *s->data;
}

/* One statement bound to (tenant_id, key); *changes (optional) gets its row count. */
static enum porch_err exec2(struct db_conn *c, const char *sql, const char *tenant_id,
                            const char *key, int64_t *changes)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c, sql, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, key);
    err = db_step(st, &row);
    if (err == PORCH_OK && changes)
        *changes = db_changes(st);
out:
    db_finalize(st);
    return err;
}

/* Writes one names row per string of data's servicePrincipalNames. */
static enum porch_err insert_names(struct db_conn *c, const struct sp_row *s)
{
    enum porch_err err = PORCH_E_INVALID;
    json_t *root = json_loads(s->data, JSON_REJECT_DUPLICATES, NULL);
    const json_t *names = json_object_get(root, "servicePrincipalNames");
    struct db_stmt *st = NULL;
    const json_t *v;
    size_t i;
    bool row;

    if (!json_is_object(root) || (names && !json_is_array(names)) ||
        json_array_size(names) > STORE_SP_MAX_NAMES)
        goto out;
    err = db_prepare(c,
                     "INSERT INTO service_principal_names (tenant_id, name, sp_id)"
                     " VALUES (?, ?, ?)",
                     &st);
    json_array_foreach(names, i, v)
    {
        if (err != PORCH_OK)
            break;
        if (!json_is_string(v) || json_string_length(v) == 0) {
            err = PORCH_E_INVALID;
            break;
        }
        db_reset(st);
        db_bind_text(st, 1, s->tenant_id);
        db_bind_text(st, 2, json_string_value(v));
        db_bind_text(st, 3, s->id);
        err = db_step(st, &row);
    }
out:
    db_finalize(st);
    json_decref(root);
    return err;
}

enum porch_err store_sp_insert(struct db_conn *c, const struct sp_row *s)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!row_valid(s))
        goto out;
    err = db_prepare(c, "INSERT INTO service_principals (" SP_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, s->tenant_id);
    db_bind_text(st, 2, s->id);
    db_bind_text(st, 3, s->app_id);
    db_bind_text(st, 4, s->display_name);
    db_bind_int64(st, 5, s->account_enabled ? 1 : 0);
    db_bind_int64(st, 6, s->created_at);
    db_bind_text(st, 7, s->data);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        err = insert_names(c, s);
out:
    db_finalize(st);
    return err;
}


static enum porch_err read_row(struct db_stmt *st, void *out)
{
    struct sp_row *s = out;
    enum porch_err err;

    memset(s, 0, sizeof(*s));
    err = db_col_copy(st, 0, s->tenant_id, sizeof(s->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, s->id, sizeof(s->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, s->app_id, sizeof(s->app_id));
    if (err != PORCH_OK)
        return err;
    s->display_name = store_col_dup(st, 3);
    s->account_enabled = db_col_int64(st, 4) != 0;
    s->created_at = db_col_int64(st, 5);
    s->data = store_col_dup(st, 6);
    return PORCH_OK;
}

static enum porch_err get_one(struct db_conn *c, const char *sql, const char *tenant_id,
                              const char *key, struct sp_row *out)
{
    memset(out, 0, sizeof(*out));
    return store_get_one(c, sql, tenant_id, key, read_row, out);
}

enum porch_err store_sp_get(struct db_conn *c, const char *tenant_id, const char *id,
                            struct sp_row *out)
{
    return get_one(c, "SELECT " SP_COLS " FROM service_principals WHERE tenant_id = ? AND id = ?",
                   tenant_id, id, out);
}

enum porch_err store_sp_get_by_app_id(struct db_conn *c, const char *tenant_id, const char *app_id,
                                      struct sp_row *out)
{
    return get_one(c,
                   "SELECT " SP_COLS " FROM service_principals WHERE tenant_id = ? AND app_id = ?",
                   tenant_id, app_id, out);
}

enum porch_err store_sp_update(struct db_conn *c, const struct sp_row *s)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!s->display_name || !s->data || !*s->data)
        goto out;
    err = db_prepare(c,
                     "UPDATE service_principals SET display_name = ?, account_enabled = ?,"
                     " data = ? WHERE tenant_id = ? AND id = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, s->display_name);
    db_bind_int64(st, 2, s->account_enabled ? 1 : 0);
    db_bind_text(st, 3, s->data);
    db_bind_text(st, 4, s->tenant_id);
    db_bind_text(st, 5, s->id);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = exec2(c, "DELETE FROM service_principal_names WHERE tenant_id = ? AND sp_id = ?",
                    s->tenant_id, s->id, NULL);
    if (err == PORCH_OK)
        err = insert_names(c, s);
out:
    db_finalize(st);
    return err;
}

/* Statements that remove what depends on a service principal, each bound to (tenant, id). */
static const char *const dependents[] = {
    "DELETE FROM service_principal_names WHERE tenant_id = ? AND sp_id = ?",
    "DELETE FROM app_role_assignments WHERE tenant_id = ? AND principal_id = ?",
    "DELETE FROM app_role_assignments WHERE tenant_id = ? AND resource_id = ?",
    "DELETE FROM oauth2_permission_grants WHERE tenant_id = ? AND client_id = ?",
    "DELETE FROM oauth2_permission_grants WHERE tenant_id = ? AND resource_id = ?",
};

enum porch_err store_sp_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    enum porch_err err = PORCH_OK;
    int64_t n = 0;

    for (size_t i = 0; err == PORCH_OK && i < sizeof(dependents) / sizeof(dependents[0]); i++)
        err = exec2(c, dependents[i], tenant_id, id, NULL);
    if (err == PORCH_OK)
        err = exec2(c, "DELETE FROM service_principals WHERE tenant_id = ? AND id = ?", tenant_id,
                    id, &n);
    if (err == PORCH_OK && n == 0)
        err = PORCH_E_NOT_FOUND;
    return err;
}

struct each_ctx {
    store_sp_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct sp_row s;
    enum porch_err err = read_row(st, &s);

    if (err == PORCH_OK)
        err = ec->fn(&s, ec->ctx);
    store_sp_row_release(&s);
    return err;
}

enum porch_err store_sp_list(struct db_conn *c, const char *tenant_id, const struct store_query *q,
                             store_sp_each_fn fn, void *ctx, int64_t *total)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, total);
}
