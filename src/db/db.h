/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage seam (STYLE.md §7). A `struct db` is a pool of connections to one database,
 * SQLite or PostgreSQL, chosen by URL. Repositories in store/ write portable SQL once with `?`
 * placeholders; the PostgreSQL backend rewrites them to $n. Values are text, 64-bit integers
 * or NULL only (binary data is stored base64-encoded), which keeps both dialects identical.
 *
 * Threading: the pool is thread-safe; a `struct db_conn` and its statements belong to one
 * thread between db_acquire() and db_release().
 */
#ifndef PORCH_DB_H
#define PORCH_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_conn;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRES };

/**
 * Opens a pool of up to max_conns connections for url: "sqlite:PATH" (the file and its
 * directory are created as needed; "sqlite::memory:" gives a private in-memory database per
 * pool, shared by its connections) or "postgres://…"/"postgresql://…". Connections are opened
 * lazily, so a pool can be created while the server is down. Caller frees with db_free().
 * PORCH_E_INVALID for an unknown scheme (detail in e).
 */
enum porch_err db_open(const char *url, unsigned max_conns, struct db **out,
                       struct porch_error *e);
/** Closes every connection. Statements and connections must have been released. */
void db_free(struct db *db);
enum db_kind db_kind(const struct db *db);

/**
 * Borrows a connection, waiting while all are in use. Reconnects a broken one.
 * PORCH_E_UNAVAILABLE if the database cannot be reached (the caller answers 503).
 */
enum porch_err db_acquire(struct db *db, struct db_conn **out);
/** Returns a connection to the pool; an open transaction is rolled back first. */
void db_release(struct db_conn *c);

/** Runs `SELECT 1`. PORCH_OK when the database answers. */
enum porch_err db_ping(struct db_conn *c);

/**
 * Transactions. write=true takes the write lock up front (BEGIN IMMEDIATE on SQLite).
 * Errors: PORCH_E_BUSY when the database stayed locked past the busy timeout or
 * PostgreSQL reported a serialization failure/deadlock (retry the transaction), PORCH_E_STORE
 * otherwise. PostgreSQL transactions run at READ COMMITTED: consume single-use rows with one
 * conditional UPDATE/DELETE and decide by db_changes(), which PostgreSQL keeps race-free by
 * re-checking the WHERE clause of a blocked update against the committed row.
 */
enum porch_err db_begin(struct db_conn *c, bool write);
enum porch_err db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);

typedef enum porch_err (*db_tx_fn)(struct db_conn *c, void *ctx);
/**
 * Runs fn inside a transaction, committing if it returns PORCH_OK and rolling back otherwise,
 * and retrying the whole transaction (up to a few times, with jitter) on PORCH_E_BUSY.
 * Returns fn's error or the commit's.
 */
enum porch_err db_tx(struct db_conn *c, bool write, db_tx_fn fn, void *ctx);

/**
 * Prepares sql (with `?` placeholders). Statement belongs to c; free with db_finalize().
 * PORCH_E_STORE on a syntax error (logged with the SQL text, never with values). PostgreSQL
 * parses the statement only when it first runs, so there the error comes from db_step().
 */
enum porch_err db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out);
/** Binds a value to the 1-based placeholder idx. text is copied. NULL text binds NULL. */
void db_bind_text(struct db_stmt *st, int idx, const char *text);
void db_bind_int64(struct db_stmt *st, int idx, int64_t v);
void db_bind_null(struct db_stmt *st, int idx);
/**
 * Executes or advances the statement. *row is true when a row is available for db_col_*.
 * PORCH_E_CONFLICT on a unique-constraint violation, PORCH_E_BUSY on lock/serialization
 * failure, PORCH_E_UNAVAILABLE when the connection to the server was lost (the next
 * db_acquire() of this connection reconnects), PORCH_E_STORE otherwise. On PostgreSQL any
 * failure aborts the open transaction: roll back before running more statements.
 */
enum porch_err db_step(struct db_stmt *st, bool *row);
/** Rows changed by the last INSERT/UPDATE/DELETE executed on st. */
int64_t db_changes(struct db_stmt *st);
/** Column accessors for the current row (0-based). Text is borrowed until the next step. */
const char *db_col_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
int64_t db_col_int64(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);
/**
 * Copies the text of column col (NULL reads as "") into dst of size bytes. PORCH_E_STORE,
 * logged, when the stored value does not fit: a fixed-size field met data it cannot hold.
 */
enum porch_err db_col_copy(struct db_stmt *st, int col, char *dst, size_t size);
/** Resets bindings and the cursor so the statement can run again. */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

/** Prepares, binds nothing, and steps until done: for DDL and fixed statements. */
enum porch_err db_exec(struct db_conn *c, const char *sql);

/**
 * Applies pending numbered migrations of the pool's dialect, each in its own transaction,
 * recording them in schema_migrations. *applied (optional) gets the count. Safe to run from
 * several processes at once.
 */
enum porch_err db_migrate(struct db *db, int *applied, struct porch_error *e);
/**
 * Writes a consistent copy of a SQLite store to a new file at dest (mode 0600) with SQLite's
 * online backup API, while the server keeps running. An existing dest is never overwritten
 * (PORCH_E_CONFLICT). PostgreSQL: PORCH_E_UNSUPPORTED (use pg_dump). Detail in e.
 */
enum porch_err db_backup(struct db_conn *c, const char *dest, struct porch_error *e);

/** Highest applied migration number (0 for an empty database). */
enum porch_err db_schema_version(struct db_conn *c, int *version);

#endif
