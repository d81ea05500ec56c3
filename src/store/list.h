/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared body of the repositories' list functions: one tenant's rows of one table,
 * narrowed by a compiled struct store_query (store/query.h), ordered, windowed, and
 * optionally counted. Table, column list and default order are literal SQL from the calling
 * repository; the query's WHERE and ORDER BY come from graph/odata.c, which builds them only
 * from the column names each repository header documents. Thread-safety is that of the
 * connection passed in.
 */
#ifndef PORCH_STORE_LIST_H
#define PORCH_STORE_LIST_H

#include <stdint.h>

#include "core/err.h"
#include "store/query.h"

struct db_conn;
struct db_stmt;

/* Longest SQL text a list statement may grow to (columns, WHERE and ORDER BY together). */
#define STORE_LIST_MAX_SQL (16 * 1024)

/** Reads the current row of st; a status other than PORCH_OK stops the walk. */
typedef enum porch_err (*store_list_row_fn)(struct db_stmt *st, void *ctx);

struct store_list_spec {
    const char *table;         /* "applications" */
    const char *cols;          /* "id, app_id, display_name, created_at, data" */
    const char *default_order; /* "created_at, id": must end in a unique key */
};

/**
 * Runs `SELECT <cols> FROM <table> WHERE tenant_id = ? [AND (<q->where>)] ORDER BY
 * <q->order_by or default_order> [LIMIT ? OFFSET ?]` and calls fn once per row (st is
 * borrowed for that call). q NULL means every row in the default order; q->limit 0 reads no
 * rows (count only). When total is not NULL it receives COUNT(*) under the same WHERE,
 * ignoring the window. PORCH_E_TOO_BIG past STORE_LIST_MAX_SQL; fn's first non-OK status or
 * the database's error otherwise.
 */
enum porch_err store_list_run(struct db_conn *c, const struct store_list_spec *spec,
                              const char *tenant_id, const struct store_query *q,
                              store_list_row_fn fn, void *ctx, int64_t *total);

/**
 * Runs sql, whose two placeholders are the tenant id and a key, and reads its one row with
 * read(st, out). PORCH_E_NOT_FOUND when there is no row; read's status or the database's error
 * otherwise.
 */
enum porch_err store_get_one(struct db_conn *c, const char *sql, const char *tenant_id,
                             const char *key, store_list_row_fn read, void *out);

/**
 * Runs a DELETE whose two placeholders are the tenant id and a key. PORCH_E_NOT_FOUND when it
 * deleted nothing.
 */
enum porch_err store_delete_one(struct db_conn *c, const char *sql, const char *tenant_id,
                                const char *key);

/** Copies text column col of the current row ("" for NULL). Caller frees. */
char *store_col_dup(struct db_stmt *st, int col);

#endif
