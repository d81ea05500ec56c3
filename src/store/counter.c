/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counters in portable SQL: `INSERT … ON CONFLICT DO UPDATE … RETURNING` increments and reads
 * in one statement on both backends. In the update, `counters.<col>` is the stored row, and
 * every SET expression sees the values from before the update, so the window test is the same
 * in both assignments.
 */
#include <string.h>

#include "store/counter.h"
#include "core/banned.h"

static bool name_ok(const char *name)
{
    size_t n = name ? strnlen(name, STORE_COUNTER_NAME_MAX + 1) : 0;

    return n > 0 && n <= STORE_COUNTER_NAME_MAX;
}

enum porch_err store_counter_hit(struct db_conn *c, const char *tenant_id, const char *name,
                                 int64_t now, int64_t window, int64_t *count, int64_t *locked_until)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row = false;

    *count = 0;
    if (locked_until)
        *locked_until = 0;
    if (!name_ok(name) || window <= 0)
        goto out;
    err = db_prepare(c,
                     "INSERT INTO counters (tenant_id, name, count, window_start, locked_until)"
                     " VALUES (?, ?, 1, ?, 0) ON CONFLICT (tenant_id, name) DO UPDATE SET"
                     " count = CASE WHEN counters.window_start <= ? THEN 1"
                     " ELSE counters.count + 1 END,"
                     " window_start = CASE WHEN counters.window_start <= ? THEN ?"
                     " ELSE counters.window_start END"
                     " RETURNING count, locked_until",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, name);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, now - window);
    db_bind_int64(st, 5, now - window);
    db_bind_int64(st, 6, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_STORE;
    if (err != PORCH_OK)
        goto out;
    *count = db_col_int64(st, 0);
    if (locked_until)
        *locked_until = db_col_int64(st, 1);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_counter_get(struct db_conn *c, const char *tenant_id, const char *name,
                                 int64_t now, int64_t window, int64_t *count, int64_t *locked_until)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    *count = 0;
    if (locked_until)
        *locked_until = 0;
    err = db_prepare(c,
                     "SELECT CASE WHEN window_start <= ? THEN 0 ELSE count END, locked_until"
                     " FROM counters WHERE tenant_id = ? AND name = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now - window);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, name);
    err = db_step(st, &row);
    if (err != PORCH_OK || !row)
        goto out;
    *count = db_col_int64(st, 0);
    if (locked_until)
        *locked_until = db_col_int64(st, 1);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_counter_lock(struct db_conn *c, const char *tenant_id, const char *name,
                                  int64_t now, int64_t until)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!name_ok(name))
        goto out;
    err = db_prepare(c,
                     "INSERT INTO counters (tenant_id, name, count, window_start, locked_until)"
                     " VALUES (?, ?, 0, ?, ?) ON CONFLICT (tenant_id, name)"
                     " DO UPDATE SET locked_until = excluded.locked_until",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, name);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, until);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_counter_reset(struct db_conn *c, const char *tenant_id, const char *name)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c, "DELETE FROM counters WHERE tenant_id = ? AND name = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, name);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}
