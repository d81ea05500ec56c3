/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory audit rows in portable SQL. Lists append a compiled query's WHERE and ORDER BY,
 * which graph/odata.c builds from whitelisted column names and `?` placeholders only, to the
 * literal statements here; the tenant filter always comes first and is not part of it.
 */
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define AUDIT_COLS                                                                                 \
    "tenant_id, id, activity_at, activity_display_name, category, result, result_reason, "         \
    "operation_type, logged_by_service, correlation_id, initiated_by_app_id, initiated_by_sp_id, " \
    "initiated_by_display_name, initiated_by_user_id, target_id, target_display_name, data"
#define SQL_MAX 8192

static bool present(const char *s)
{
    return s && *s;
}

enum porch_err store_audit_insert(struct db_conn *c, const struct audit_record *rec)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    const char *text[] = {rec->activity_display_name,
                          rec->category,
                          rec->result,
                          rec->result_reason,
                          rec->operation_type,
                          rec->logged_by_service,
                          rec->correlation_id,
                          rec->initiated_by_app_id,
                          rec->initiated_by_sp_id,
                          rec->initiated_by_display_name,
                          rec->initiated_by_user_id,
                          rec->target_id,
                          rec->target_display_name};
    bool row;
    int idx = 4;

    if (!present(rec->tenant_id) || !present(rec->id) || !present(rec->activity_display_name) ||
        !present(rec->category) || !present(rec->result) || !present(rec->logged_by_service))
        goto out;
    err = db_prepare(c,
                     "INSERT INTO directory_audits (" AUDIT_COLS ") VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, rec->tenant_id);
    db_bind_text(st, 2, rec->id);
    db_bind_int64(st, 3, rec->activity_at);
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
        db_bind_text(st, idx++, text[i]);
    db_bind_text(st, idx, rec->data ? rec->data : "{}");
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

/* "SELECT <what> FROM directory_audits WHERE tenant_id = ? [AND (<where>)]" + tail. */
static enum porch_err build(struct sbuf *sb, const char *what, const struct store_query *q,
                            bool page)
{
    enum porch_err err;
    const char *order = q && q->order_by && *q->order_by ? q->order_by : STORE_AUDIT_DEFAULT_ORDER;

    err = sbuf_addf(sb, "SELECT %s FROM directory_audits WHERE tenant_id = ?", what);
    if (err == PORCH_OK && q && q->where && *q->where)
        err = sbuf_addf(sb, " AND (%s)", q->where);
    if (err == PORCH_OK && page)
        err = sbuf_addf(sb, " ORDER BY %s LIMIT ? OFFSET ?", order);
    return err;
}

enum porch_err store_audit_list(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, store_audit_each_fn fn, void *ctx)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sql;
    bool row = false;
    int idx;

    sbuf_init(&sql, SQL_MAX);
    err = build(&sql, "data", q, true);
    if (err == PORCH_OK)
        err = db_prepare(c, sql.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    idx = store_query_bind(st, 2, q);
    db_bind_int64(st, idx, q ? (int64_t)q->limit : 100);
    db_bind_int64(st, idx + 1, q ? (int64_t)q->offset : 0);
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        const char *data = db_col_text(st, 0);
        err = fn(data ? data : "{}", ctx);
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
out:
    db_finalize(st);
    sbuf_release(&sql);
    return err;
}

enum porch_err store_audit_count(struct db_conn *c, const char *tenant_id,
                                 const struct store_query *q, int64_t *n)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sql;
    bool row = false;

    *n = 0;
    sbuf_init(&sql, SQL_MAX);
    err = build(&sql, "COUNT(*)", q, false);
    if (err == PORCH_OK)
        err = db_prepare(c, sql.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    store_query_bind(st, 2, q);
    err = db_step(st, &row);
    if (err == PORCH_OK && row)
        *n = db_col_int64(st, 0);
out:
    db_finalize(st);
    sbuf_release(&sql);
    return err;
}

enum porch_err store_audit_get(struct db_conn *c, const char *tenant_id, const char *id,
                               char **data)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    *data = NULL;
    err = db_prepare(c, "SELECT data FROM directory_audits WHERE tenant_id = ? AND id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, id);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        *data = xstrdup(db_col_text(st, 0) ? db_col_text(st, 0) : "{}");
out:
    db_finalize(st);
    return err;
}
