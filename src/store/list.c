/* SPDX-License-Identifier: Apache-2.0 */
/*
 * List statements shared by the repositories. The WHERE fragment is parenthesised so an OR
 * inside it can never escape the tenant filter.
 */
#include <stdbool.h>

#include "store/list.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

static bool has(const char *s)
{
    return s && *s;
}

static enum porch_err build_where(struct sbuf *sb, const struct store_list_spec *spec,
                                  const char *select, const struct store_query *q)
{
    enum porch_err err =
        sbuf_addf(sb, "SELECT %s FROM %s WHERE tenant_id = ?", select, spec->table);

    if (err == PORCH_OK && q && has(q->where))
        err = sbuf_addf(sb, " AND (%s)", q->where);
    return err;
}

static enum porch_err count_rows(struct db_conn *c, const struct store_list_spec *spec,
                                 const char *tenant_id, const struct store_query *q, int64_t *total)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sb;
    bool row = false;

    sbuf_init(&sb, STORE_LIST_MAX_SQL);
    err = build_where(&sb, spec, "COUNT(*)", q);
    if (err == PORCH_OK)
        err = db_prepare(c, sb.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    store_query_bind(st, 2, q);
    err = db_step(st, &row);
    *total = (err == PORCH_OK && row) ? db_col_int64(st, 0) : 0;
out:
    db_finalize(st);
    sbuf_release(&sb);
    return err;
}

static enum porch_err select_rows(struct db_conn *c, const struct store_list_spec *spec,
                                  const char *tenant_id, const struct store_query *q,
                                  store_list_row_fn fn, void *ctx)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sb;
    bool row = false;
    int idx;

    sbuf_init(&sb, STORE_LIST_MAX_SQL);
    err = build_where(&sb, spec, spec->cols, q);
    if (err == PORCH_OK)
        err = sbuf_addf(&sb, " ORDER BY %s",
                        q && has(q->order_by) ? q->order_by : spec->default_order);
    if (err == PORCH_OK && q)
        err = sbuf_adds(&sb, " LIMIT ? OFFSET ?");
    if (err == PORCH_OK)
        err = db_prepare(c, sb.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    idx = store_query_bind(st, 2, q);
    if (q) {
        db_bind_int64(st, idx, q->limit);
        db_bind_int64(st, idx + 1, q->offset);
    }
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        err = fn(st, ctx);
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
out:
    db_finalize(st);
    sbuf_release(&sb);
    return err;
}

enum porch_err store_list_run(struct db_conn *c, const struct store_list_spec *spec,
                              const char *tenant_id, const struct store_query *q,
                              store_list_row_fn fn, void *ctx, int64_t *total)
{
    enum porch_err err = PORCH_OK;

    if (total)
        err = count_rows(c, spec, tenant_id, q, total);
    if (err == PORCH_OK && !(q && q->limit == 0))
        err = select_rows(c, spec, tenant_id, q, fn, ctx);
    return err;
}

enum porch_err store_get_one(struct db_conn *c, const char *sql, const char *tenant_id,
                             const char *key, store_list_row_fn read, void *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c, sql, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, key);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        err = row ? read(st, out) : PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

char *store_col_dup(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return xstrdup(s ? s : "");
}

enum porch_err store_delete_one(struct db_conn *c, const char *sql, const char *tenant_id,
                                const char *key)
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
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}
