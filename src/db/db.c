/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The backend-independent half of the storage seam: URL dispatch to a driver, the connection
 * pool (a mutex, a condition variable and lazily opened connections), transactions with a
 * retry loop for lock and serialization failures, statement wrappers over the driver table,
 * the `?` → `$n` placeholder rewrite used by PostgreSQL, and the migrations runner over the
 * schemas compiled in by scripts/embed-migrations.cmake.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "db/db_driver.h"

struct migration {
    int version;
    const char *name;
    const char *sql;
};
#include "migrations.h"

#include "core/banned.h"

/* Attempts db_tx makes before giving PORCH_E_BUSY back to the caller. */
#define DB_TX_ATTEMPTS 6
/* Upper bound on the length of a connection target (path, URI or libpq URL). */
#define DB_TARGET_MAX 4096

struct db {
    const struct db_driver *drv;
    char *target; /* what drv->connect gets */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned max_conns;
    unsigned open_conns;  /* idle and borrowed */
    struct db_conn *idle; /* borrowed ones are owned by their thread */
};

static atomic_uint memory_dbs;

/* ---- helpers shared with the backends ---- */

enum porch_err db_rewrite_placeholders(const char *sql, struct sbuf *out, int *nparams)
{
    enum porch_err err = PORCH_OK;
    char quote = 0; /* ' or " while inside a literal or identifier */
    bool comment = false;
    int n = 0;

    for (const char *p = sql; *p && err == PORCH_OK; p++) {
        if (comment) {
            comment = *p != '\n';
        } else if (quote) {
            if (*p == quote)
                quote = 0; /* a doubled quote re-opens at the next character */
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            comment = true;
        } else if (*p == '?') {
            err = sbuf_addf(out, "$%d", ++n);
            continue;
        }
        err = sbuf_addch(out, *p);
    }
    *nparams = n;
    return err;
}

void db_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- opening ---- */

static enum porch_err sqlite_target(const char *rest, char **target, struct porch_error *e)
{
    char buf[64];

    if (strncmp(rest, "//", 2) == 0)
        rest += 2; /* sqlite:///abs/path */
    if (*rest == '\0')
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "sqlite url has no path");
    if (strcmp(rest, ":memory:") == 0) {
        /* One named shared-cache database per pool, so its connections see the same data. */
        snprintf(buf, sizeof(buf), "file:porchmem%ld_%u?mode=memory&cache=shared", (long)getpid(),
                 atomic_fetch_add(&memory_dbs, 1u));
        rest = buf;
    }
    *target = xstrdup(rest);
    return PORCH_OK;
}

enum porch_err db_open(const char *url, unsigned max_conns, struct db **out, struct porch_error *e)
{
    enum porch_err err = PORCH_OK;
    const struct db_driver *drv = NULL;
    char *target = NULL;
    struct db *db;

    *out = NULL;
    if (!url || strnlen(url, DB_TARGET_MAX) == DB_TARGET_MAX)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "database url missing or too long");
    if (strncmp(url, "sqlite:", 7) == 0) {
        drv = &db_sqlite_driver;
        err = sqlite_target(url + 7, &target, e);
    } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        drv = &db_postgres_driver;
        target = xstrdup(url);
    } else {
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID,
                              "unknown database url scheme (want sqlite: or postgres://)");
    }
    if (err != PORCH_OK)
        return err;
    db = xcalloc(1, sizeof(*db));
    db->drv = drv;
    db->target = target;
    db->max_conns = max_conns ? max_conns : 1;
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->cv, NULL);
    *out = db;
    return PORCH_OK;
}

void db_free(struct db *db)
{
    struct db_conn *c;
    unsigned closed = 0;

    if (!db)
        return;
    while (db->idle) {
        c = db->idle;
        db->idle = c->next;
        db->drv->close(c->impl);
        free(c);
        closed++;
    }
    if (closed != db->open_conns)
        PORCH_BUG("db_free with %u connections still borrowed", db->open_conns - closed);
    pthread_cond_destroy(&db->cv);
    pthread_mutex_destroy(&db->mu);
    free(db->target);
    free(db);
}

enum db_kind db_kind(const struct db *db)
{
    return db->drv->kind;
}

/* ---- the pool ---- */

/* Gives a slot back after a failed acquire: c is a broken connection, or NULL if none opened. */
static void pool_give_back(struct db *db, struct db_conn *c)
{
    pthread_mutex_lock(&db->mu);
    if (c) {
        c->next = db->idle;
        db->idle = c;
    } else {
        db->open_conns--;
    }
    pthread_cond_signal(&db->cv);
    pthread_mutex_unlock(&db->mu);
}

enum porch_err db_acquire(struct db *db, struct db_conn **out)
{
    enum porch_err err;
    struct db_conn *c;
    void *impl = NULL;

    *out = NULL;
    pthread_mutex_lock(&db->mu);
    while (!db->idle && db->open_conns >= db->max_conns)
        pthread_cond_wait(&db->cv, &db->mu);
    c = db->idle;
    if (c)
        db->idle = c->next;
    else
        db->open_conns++; /* reserve the slot; connect without holding the lock */
    pthread_mutex_unlock(&db->mu);

    if (c) {
        err = db->drv->check(c->impl);
    } else {
        err = db->drv->connect(db->target, &impl);
        if (err == PORCH_OK) {
            c = xcalloc(1, sizeof(*c));
            c->db = db;
            c->impl = impl;
        }
    }
    if (err != PORCH_OK) {
        pool_give_back(db, c);
        return err;
    }
    c->next = NULL;
    c->in_tx = false;
    *out = c;
    return PORCH_OK;
}

void db_release(struct db_conn *c)
{
    struct db *db;

    if (!c)
        return;
    db = c->db;
    if (c->in_tx || db->drv->tx_open(c->impl))
        db_rollback(c);
    pool_give_back(db, c);
}

enum porch_err db_ping(struct db_conn *c)
{
    return db_exec(c, "SELECT 1");
}

enum porch_err db_backup(struct db_conn *c, const char *dest, struct porch_error *e)
{
    if (!c->db->drv->backup)
        return PORCH_ERROR_SET(e, PORCH_E_UNSUPPORTED,
                               "the %s store is backed up with its own tools (pg_dump)",
                               c->db->drv->name);
    return c->db->drv->backup(c->impl, dest, e);
}

/* ---- transactions ---- */

enum porch_err db_begin(struct db_conn *c, bool write)
{
    enum porch_err err;

    if (c->in_tx)
        PORCH_BUG("nested transaction");
    err = c->db->drv->begin(c->impl, write);
    c->in_tx = err == PORCH_OK;
    return err;
}

enum porch_err db_commit(struct db_conn *c)
{
    enum porch_err err = c->db->drv->commit(c->impl);

    c->in_tx = c->db->drv->tx_open(c->impl);
    return err;
}

void db_rollback(struct db_conn *c)
{
    c->db->drv->rollback(c->impl);
    c->in_tx = false;
}

/* Waits a little longer after each failed attempt, with jitter so racers spread out. */
static void tx_backoff(int attempt)
{
    uint32_t r;

    rand_bytes(&r, sizeof(r));
    db_sleep_ms(5u * (unsigned)(attempt + 1) + r % 20u);
}

enum porch_err db_tx(struct db_conn *c, bool write, db_tx_fn fn, void *ctx)
{
    enum porch_err err = PORCH_E_BUSY;

    for (int attempt = 0; attempt < DB_TX_ATTEMPTS; attempt++) {
        if (attempt > 0)
            tx_backoff(attempt);
        err = db_begin(c, write);
        if (err == PORCH_OK)
            err = fn(c, ctx);
        if (err == PORCH_OK)
            err = db_commit(c);
        if (err != PORCH_OK && c->in_tx)
            db_rollback(c);
        if (err != PORCH_E_BUSY)
            break;
        log_debug("transaction busy, attempt %d", attempt + 1);
    }
    return err;
}

/* ---- statements ---- */

enum porch_err db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
    enum porch_err err;
    void *impl = NULL;

    *out = NULL;
    err = c->db->drv->prepare(c->impl, sql, &impl);
    if (err != PORCH_OK)
        return err;
    *out = xmalloc(sizeof(**out));
    (*out)->conn = c;
    (*out)->impl = impl;
    return PORCH_OK;
}

void db_bind_text(struct db_stmt *st, int idx, const char *text)
{
    st->conn->db->drv->bind_text(st->impl, idx, text);
}

void db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    st->conn->db->drv->bind_int64(st->impl, idx, v);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    st->conn->db->drv->bind_null(st->impl, idx);
}

enum porch_err db_step(struct db_stmt *st, bool *row)
{
    return st->conn->db->drv->step(st->impl, row);
}

int64_t db_changes(struct db_stmt *st)
{
    return st->conn->db->drv->changes(st->impl);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return st->conn->db->drv->col_text(st->impl, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
    return st->conn->db->drv->col_int64(st->impl, col);
}

bool db_col_is_null(struct db_stmt *st, int col)
{
    return st->conn->db->drv->col_is_null(st->impl, col);
}

enum porch_err db_col_copy(struct db_stmt *st, int col, char *dst, size_t size)
{
    const char *s = db_col_text(st, col);
    size_t n;

    if (!s)
        s = "";
    n = strlen(s);
    if (n >= size) {
        log_error("stored value in column %d too long (%zu bytes, room for %zu)", col, n, size - 1);
        return PORCH_E_STORE;
    }
    memcpy(dst, s, n + 1);
    return PORCH_OK;
}

void db_reset(struct db_stmt *st)
{
    st->conn->db->drv->reset(st->impl);
}

void db_finalize(struct db_stmt *st)
{
    if (!st)
        return;
    st->conn->db->drv->finalize(st->impl);
    free(st);
}

enum porch_err db_exec(struct db_conn *c, const char *sql)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = true;

    err = db_prepare(c, sql, &st);
    while (err == PORCH_OK && row)
        err = db_step(st, &row);
    db_finalize(st);
    return err;
}

/* ---- migrations ---- */

static const struct migration *dialect_migrations(const struct db *db)
{
    return db->drv->kind == DB_SQLITE ? migrations_sqlite : migrations_postgres;
}

static enum porch_err query_int(struct db_conn *c, const char *sql, int64_t *v)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    *v = 0;
    err = db_prepare(c, sql, &st);
    if (err == PORCH_OK)
        err = db_step(st, &row);
    if (err == PORCH_OK && row)
        *v = db_col_int64(st, 0);
    db_finalize(st);
    return err;
}

enum porch_err db_schema_version(struct db_conn *c, int *version)
{
    enum porch_err err;
    int64_t v = 0;

    *version = 0;
    err = query_int(c, c->db->drv->has_migrations_sql, &v);
    if (err == PORCH_OK && v > 0)
        err = query_int(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &v);
    if (err == PORCH_OK)
        *version = (int)v;
    return err;
}

static enum porch_err record_migration(struct db_conn *c, const struct migration *m)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c,
                     "INSERT INTO schema_migrations (version, name, applied_at) "
                     "VALUES (?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, m->version);
    db_bind_text(st, 2, m->name);
    db_bind_int64(st, 3, clock_now());
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

/*
 * Applies the first migration above the recorded version, if any. The lock (BEGIN IMMEDIATE on
 * SQLite, an advisory lock on PostgreSQL) is taken before the version is read, so a second
 * process that raced us re-reads the version after our commit and finds nothing to do.
 */
static enum porch_err migrate_one(struct db_conn *c, bool *done, struct porch_error *e)
{
    enum porch_err err;
    const struct migration *m = dialect_migrations(c->db);
    int version = 0;

    *done = false;
    err = c->db->drv->migration_lock(c->impl);
    if (err == PORCH_OK)
        err = db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                         "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    if (err == PORCH_OK)
        err = db_schema_version(c, &version);
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "cannot read the schema version");
    while (m->sql && m->version <= version)
        m++;
    if (!m->sql) {
        *done = true;
        return PORCH_OK;
    }
    log_info("applying migration %04d '%s'", m->version, m->name);
    err = c->db->drv->exec(c->impl, m->sql);
    if (err == PORCH_OK)
        err = record_migration(c, m);
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "migration %04d '%s' failed", m->version, m->name);
    return PORCH_OK;
}

enum porch_err db_migrate(struct db *db, int *applied, struct porch_error *e)
{
    enum porch_err err;
    struct db_conn *c = NULL;
    bool done = false;
    int n = 0;

    err = db_acquire(db, &c);
    if (err != PORCH_OK) {
        PORCH_ERROR_SET(e, err, "cannot connect to the database");
        goto out;
    }
    while (!done) {
        err = db_begin(c, true);
        if (err != PORCH_OK) {
            PORCH_ERROR_SET(e, err, "cannot begin the migration transaction");
            goto out;
        }
        err = migrate_one(c, &done, e);
        if (err != PORCH_OK)
            goto out;
        err = db_commit(c);
        if (err != PORCH_OK) {
            PORCH_ERROR_SET(e, err, "cannot commit the migration transaction");
            goto out;
        }
        n += done ? 0 : 1;
    }
out:
    if (applied)
        *applied = n;
    db_release(c);
    return err;
}
