/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to db/: the backend table (STYLE.md §7, like curl's Curl_ssl). db.c owns the pool,
 * URL dispatch, transactions and migrations; db_sqlite.c and db_postgres.c each fill one
 * `struct db_driver` and keep their library types (sqlite3 *, PGconn *) behind void pointers,
 * so no other file sees sqlite3.h or libpq-fe.h.
 */
#ifndef PORCH_DB_DRIVER_H
#define PORCH_DB_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "db/db.h"

/* How long a backend waits for a lock before reporting PORCH_E_BUSY. */
#define DB_BUSY_TIMEOUT_MS 5000

struct db_conn {
    struct db *db;
    void *impl;           /* the backend's connection */
    bool in_tx;           /* db_begin() succeeded and no commit/rollback yet */
    struct db_conn *next; /* idle list link */
};

struct db_stmt {
    struct db_conn *conn;
    void *impl; /* the backend's statement */
};

/*
 * Every function that can fail returns PORCH_OK, PORCH_E_CONFLICT (unique violation),
 * PORCH_E_BUSY (lock or serialization failure: retry the transaction), PORCH_E_UNAVAILABLE
 * (the server cannot be reached) or PORCH_E_STORE, and logs the failure itself.
 */
struct db_driver {
    const char *name;
    enum db_kind kind;
    /* Opens a connection to target (a file name, URI or libpq connection string). */
    enum porch_err (*connect)(const char *target, void **impl);
    void (*close)(void *impl);
    /* Makes sure the connection works, reconnecting a broken one. */
    enum porch_err (*check)(void *impl);
    /* Runs text holding one or more statements without parameters (migrations). */
    enum porch_err (*exec)(void *impl, const char *sql);
    /* True while the connection has a transaction open. */
    bool (*tx_open)(void *impl);
    enum porch_err (*begin)(void *impl, bool write);
    enum porch_err (*commit)(void *impl);
    void (*rollback)(void *impl);
    /* Inside a transaction: waits until no other process is migrating. */
    enum porch_err (*migration_lock)(void *impl);
    /* One row, one integer column: 1 when schema_migrations exists, else 0. */
    const char *has_migrations_sql;

    enum porch_err (*prepare)(void *impl, const char *sql, void **stmt);
    void (*bind_text)(void *stmt, int idx, const char *text);
    void (*bind_int64)(void *stmt, int idx, int64_t v);
    void (*bind_null)(void *stmt, int idx);
    enum porch_err (*step)(void *stmt, bool *row);
    int64_t (*changes)(void *stmt);
    const char *(*col_text)(void *stmt, int col);
    int64_t (*col_int64)(void *stmt, int col);
    bool (*col_is_null)(void *stmt, int col);
    void (*reset)(void *stmt);
    void (*finalize)(void *stmt);

    /* Copies the whole database, consistently, into a new file at dest (NULL: unsupported). */
    enum porch_err (*backup)(void *impl, const char *dest, struct porch_error *e);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_postgres_driver;

/**
 * Appends sql to out with every `?` placeholder outside quoted literals, quoted identifiers
 * and `--` comments replaced by $1..$n, and sets *nparams to n. PORCH_E_TOO_BIG past out's cap.
 * Pure; thread-safe.
 */
enum porch_err db_rewrite_placeholders(const char *sql, struct sbuf *out, int *nparams);

/** Sleeps for ms milliseconds (restarting after signals). Thread-safe. */
void db_sleep_ms(unsigned ms);

#endif
