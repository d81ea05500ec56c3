/* SPDX-License-Identifier: Apache-2.0 */
/* Directory extension property rows in portable SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/extprop.h"
#include "store/list.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define XP_COLS "tenant_id, id, app_object_id, name, data_type, is_multi_valued, target_objects"

static const struct store_list_spec list_spec = {"extension_properties", XP_COLS, "name, id"};

void store_extprop_row_release(struct extprop_row *x)
{
    if (!x)
        return;
    free(x->target_objects);
    x->target_objects = NULL;
}

static bool field_ok(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    return n > 0 && n < size;
}

enum porch_err store_extprop_insert(struct db_conn *c, const struct extprop_row *x)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!uuid_valid(x->tenant_id) || !uuid_valid(x->id) || !uuid_valid(x->app_object_id) ||
        !field_ok(x->name, sizeof(x->name)) || !field_ok(x->data_type, sizeof(x->data_type)) ||
        !x->target_objects)
        goto out;
    err = db_prepare(
        c, "INSERT INTO extension_properties (" XP_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, x->tenant_id);
    db_bind_text(st, 2, x->id);
    db_bind_text(st, 3, x->app_object_id);
    db_bind_text(st, 4, x->name);
    db_bind_text(st, 5, x->data_type);
    db_bind_int64(st, 6, x->is_multi_valued ? 1 : 0);
    db_bind_text(st, 7, x->target_objects);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

static enum porch_err read_row(struct db_stmt *st, void *out)
{
    struct extprop_row *x = out;
    enum porch_err err;
    const char *t;

    memset(x, 0, sizeof(*x));
    err = db_col_copy(st, 0, x->tenant_id, sizeof(x->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, x->id, sizeof(x->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, x->app_object_id, sizeof(x->app_object_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 3, x->name, sizeof(x->name));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, x->data_type, sizeof(x->data_type));
    if (err != PORCH_OK)
        return err;
    x->is_multi_valued = db_col_int64(st, 5) != 0;
    t = db_col_text(st, 6);
    x->target_objects = xstrdup(t ? t : "[]");
    return PORCH_OK;
}

static enum porch_err get_one(struct db_conn *c, const char *sql, const char *tenant_id,
                              const char *key, struct extprop_row *out)
{
    memset(out, 0, sizeof(*out));
    return store_get_one(c, sql, tenant_id, key, read_row, out);
}

enum porch_err store_extprop_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 struct extprop_row *out)
{
    return get_one(c, "SELECT " XP_COLS " FROM extension_properties WHERE tenant_id = ? AND id = ?",
                   tenant_id, id, out);
}

enum porch_err store_extprop_get_by_name(struct db_conn *c, const char *tenant_id, const char *name,
                                         struct extprop_row *out)
{
    return get_one(c,
                   "SELECT " XP_COLS " FROM extension_properties WHERE tenant_id = ? AND name = ?",
                   tenant_id, name, out);
}

enum porch_err store_extprop_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    return store_delete_one(c, "DELETE FROM extension_properties WHERE tenant_id = ? AND id = ?",
                            tenant_id, id);
}

struct each_ctx {
    store_extprop_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct extprop_row x;
    enum porch_err err = read_row(st, &x);

    if (err == PORCH_OK)
        err = ec->fn(&x, ec->ctx);
    store_extprop_row_release(&x);
    return err;
}

enum porch_err store_extprop_list(struct db_conn *c, const char *tenant_id,
                                  const struct store_query *q, store_extprop_each_fn fn, void *ctx,
                                  int64_t *total)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, total);
}
