/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application rows in portable SQL. Deleting an application also deletes the rows that only
 * make sense with it (its passwords, keyed by appId, and its extension properties); the
 * service principal is a separate object in Graph and stays.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/app.h"
#include "store/list.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define APP_COLS "tenant_id, id, app_id, display_name, created_at, data"

static const struct store_list_spec list_spec = {"applications", APP_COLS, "created_at, id"};

void store_app_row_release(struct app_row *a)
{
    if (!a)
        return;
    free(a->display_name);
    free(a->data);
    a->display_name = a->data = NULL;
}

static bool row_valid(const struct app_row *a)
{
    return uuid_valid(a->tenant_id) && uuid_valid(a->id) && uuid_valid(a->app_id) &&
           a->display_name && a->data && *a->data;
}

enum porch_err store_app_insert(struct db_conn *c, const struct app_row *a)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!row_valid(a))
        goto out;
    err = db_prepare(c, "INSERT INTO applications (" APP_COLS ") VALUES (?, ?, ?, ?, ?, ?)", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, a->tenant_id);
    db_bind_text(st, 2, a->id);
    db_bind_text(st, 3, a->app_id);
    db_bind_text(st, 4, a->display_name);
    db_bind_int64(st, 5, a->created_at);
    db_bind_text(st, 6, a->data);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}


/* Reads APP_COLS of the current row into a (zeroed here); strings are copies. */
static enum porch_err read_row(struct db_stmt *st, void *out)
{
    struct app_row *a = out;
    enum porch_err err;

    memset(a, 0, sizeof(*a));
    err = db_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, a->id, sizeof(a->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, a->app_id, sizeof(a->app_id));
    if (err != PORCH_OK)
        return err;
    a->display_name = store_col_dup(st, 3);
    a->created_at = db_col_int64(st, 4);
    a->data = store_col_dup(st, 5);
    return PORCH_OK;
}

static enum porch_err get_one(struct db_conn *c, const char *sql, const char *tenant_id,
                              const char *key, struct app_row *out)
{
    memset(out, 0, sizeof(*out));
    return store_get_one(c, sql, tenant_id, key, read_row, out);
}

enum porch_err store_app_get(struct db_conn *c, const char *tenant_id, const char *id,
                             struct app_row *out)
{
    return get_one(c, "SELECT " APP_COLS " FROM applications WHERE tenant_id = ? AND id = ?",
                   tenant_id, id, out);
}

enum porch_err store_app_get_by_app_id(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       struct app_row *out)
{
    return get_one(c, "SELECT " APP_COLS " FROM applications WHERE tenant_id = ? AND app_id = ?",
                   tenant_id, app_id, out);
}

enum porch_err store_app_update(struct db_conn *c, const struct app_row *a)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!a->display_name || !a->data || !*a->data)
        goto out;
    err = db_prepare(c,
                     "UPDATE applications SET display_name = ?, data = ?"
                     " WHERE tenant_id = ? AND id = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, a->display_name);
    db_bind_text(st, 2, a->data);
    db_bind_text(st, 3, a->tenant_id);
    db_bind_text(st, 4, a->id);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

/* Runs one DELETE bound to (tenant_id, key); *changes (optional) gets its row count. */
static enum porch_err delete_where(struct db_conn *c, const char *sql, const char *tenant_id,
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

enum porch_err store_app_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    struct app_row a;
    enum porch_err err = store_app_get(c, tenant_id, id, &a);
    int64_t n = 0;

    if (err != PORCH_OK)
        goto out;
    err = delete_where(c, "DELETE FROM app_passwords WHERE tenant_id = ? AND app_id = ?", tenant_id,
                       a.app_id, NULL);
    if (err == PORCH_OK)
        err = delete_where(c,
                           "DELETE FROM extension_properties WHERE tenant_id = ?"
                           " AND app_object_id = ?",
                           tenant_id, id, NULL);
    if (err == PORCH_OK)
        err = delete_where(c, "DELETE FROM applications WHERE tenant_id = ? AND id = ?", tenant_id,
                           id, &n);
    if (err == PORCH_OK && n == 0)
        err = PORCH_E_NOT_FOUND;
out:
    store_app_row_release(&a);
    return err;
}

struct each_ctx {
    store_app_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct app_row a;
    enum porch_err err = read_row(st, &a);

    if (err == PORCH_OK)
        err = ec->fn(&a, ec->ctx);
    store_app_row_release(&a);
    return err;
}

enum porch_err store_app_list(struct db_conn *c, const char *tenant_id, const struct store_query *q,
                              store_app_each_fn fn, void *ctx, int64_t *total)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, total);
}
