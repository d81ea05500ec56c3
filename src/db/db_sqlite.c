/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend: one sqlite3 handle per pooled connection, opened in WAL mode with
 * synchronous=FULL, foreign keys on and a busy timeout. Write transactions use BEGIN IMMEDIATE,
 * so two writers queue on the database lock instead of failing when a reader upgrades.
 * The in-memory test database uses shared cache, where locks are per table and report
 * SQLITE_LOCKED without calling the busy handler, so step() polls for those itself.
 *
 * Each connection keeps the statements the store prepares most (its literal SQL) compiled in a
 * small cache, keyed by the SQL text: the repositories run the same few statements on every
 * request, and compiling them again each time costs more than running most of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "db/db_driver.h"
#include "core/banned.h"

struct sq_stmt {
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t changes;
    int bind_rc;  /* first failed bind since the last reset */
    bool started; /* a row has been returned since the last reset */
    bool cached;  /* owned by the connection's cache: finalize parks it instead */
    bool in_use;  /* cached and handed out */
};

#define SQ_CACHE_SLOTS 48

/* A pooled connection: the handle and its statement cache (filled first come, first kept). */
struct sq_conn {
    sqlite3 *db;
    struct sq_stmt cache[SQ_CACHE_SLOTS];
    size_t ncache;
};

static enum porch_err classify(int rc)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return PORCH_E_CONFLICT;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return PORCH_E_BUSY;
    return PORCH_E_STORE;
}

/* Logs a failed statement: expected outcomes quietly, real failures at error level. */
static enum porch_err report(sqlite3 *db, int rc, const char *sql)
{
    enum porch_err err = classify(rc);

    if (err == PORCH_E_STORE)
        log_error("sql failed: %s (code %d) in '%s'", sqlite3_errmsg(db), rc, sql ? sql : "");
    else
        log_debug("sql %s: %s in '%s'", porch_err_str(err), sqlite3_errmsg(db), sql ? sql : "");
    return err;
}

/* Creates every missing directory above the file at path, mode 0700. */
static enum porch_err make_parent_dirs(const char *path)
{
    enum porch_err err = PORCH_OK;
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');

    if (!slash || slash == dir)
        goto out;
    *slash = '\0';
    for (char *p = dir + 1; err == PORCH_OK; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            log_error("cannot create directory '%s': %s", dir, strerror(errno));
            err = PORCH_E_UNAVAILABLE;
        }
        if (end)
            break;
        *p = '/';
    }
out:
    free(dir);
    return err;
}

/*
 * Shared-cache locks (the in-memory database) report SQLITE_LOCKED at once instead of calling
 * the busy handler. Returns true after a short sleep while rc is such a lock and the busy
 * timeout, counted from the first call for this *deadline, has not run out.
 */
static bool wait_for_lock(int rc, int64_t *deadline)
{
    int64_t now;

    if ((rc & 0xff) != SQLITE_LOCKED)
        return false;
    now = clock_mono_ms();
    if (*deadline == 0)
        *deadline = now + DB_BUSY_TIMEOUT_MS;
    else if (now > *deadline)
        return false;
    db_sleep_ms(1);
    return true;
}

/* Prepares the first statement of sql; *out is NULL when sql holds only blanks or comments. */
static enum porch_err prepare_one(sqlite3 *db, const char *sql, struct sq_stmt **out,
                                  const char **tail)
{
    sqlite3_stmt *st = NULL;
    int64_t deadline = 0;
    int rc;

    *out = NULL;
    do
        rc = sqlite3_prepare_v2(db, sql, -1, &st, tail);
    while (wait_for_lock(rc, &deadline));
    if (rc != SQLITE_OK)
        return report(db, rc, sql);
    if (st) {
        *out = xcalloc(1, sizeof(**out));
        (*out)->db = db;
        (*out)->st = st;
    }
    return PORCH_OK;
}

/* A parked statement compiled from exactly sql, or NULL. */
static struct sq_stmt *cache_find(struct sq_conn *c, const char *sql)
{
    for (size_t i = 0; i < c->ncache; i++) {
        struct sq_stmt *s = &c->cache[i];
        if (!s->in_use && strcmp(sqlite3_sql(s->st), sql) == 0)
            return s;
    }
    return NULL;
}

static enum porch_err sq_prepare(void *impl, const char *sql, void **out)
{
    struct sq_conn *c = impl;
    enum porch_err err;
    struct sq_stmt *s = cache_find(c, sql);

    if (s) {
        s->in_use = true;
        *out = s;
        return PORCH_OK;
    }
    err = prepare_one(c->db, sql, &s, NULL);
    if (err == PORCH_OK && !s) {
        log_error("cannot prepare sql: no statement in '%s'", sql);
        err = PORCH_E_STORE;
    }
    if (s && c->ncache < SQ_CACHE_SLOTS) {
        /* keep it: the wrapper moves into the cache slot */
        c->cache[c->ncache] = *s;
        free(s);
        s = &c->cache[c->ncache++];
        s->cached = true;
        s->in_use = true;
    }
    *out = s;
    return err;
}

static void note_bind(struct sq_stmt *s, int rc)
{
    if (rc != SQLITE_OK && s->bind_rc == SQLITE_OK)
        s->bind_rc = rc;
}

static void sq_bind_text(void *stmt, int idx, const char *text)
{
    struct sq_stmt *s = stmt;

    if (text)
        note_bind(s, sqlite3_bind_text(s->st, idx, text, -1, SQLITE_TRANSIENT));
    else
        note_bind(s, sqlite3_bind_null(s->st, idx));
}

static void sq_bind_int64(void *stmt, int idx, int64_t v)
{
    struct sq_stmt *s = stmt;

    note_bind(s, sqlite3_bind_int64(s->st, idx, v));
}

static void sq_bind_null(void *stmt, int idx)
{
    struct sq_stmt *s = stmt;

    note_bind(s, sqlite3_bind_null(s->st, idx));
}

/*
 * Steps once, waiting out shared-cache locks. A statement that has not returned a row yet can
 * be reset and rerun safely; one in the middle of its rows cannot.
 */
static int step_waiting(struct sq_stmt *s)
{
    int64_t deadline = 0;
    int rc;

    for (;;) {
        rc = sqlite3_step(s->st);
        if (s->started || !wait_for_lock(rc, &deadline))
            break;
        sqlite3_reset(s->st);
    }
    return rc;
}

static enum porch_err sq_step(void *stmt, bool *row)
{
    struct sq_stmt *s = stmt;
    int rc;

    *row = false;
    if (s->bind_rc != SQLITE_OK) {
        log_error("cannot bind parameter: %s in '%s'", sqlite3_errstr(s->bind_rc),
                  sqlite3_sql(s->st));
        return PORCH_E_STORE;
    }
    rc = step_waiting(s);
    if (rc == SQLITE_ROW) {
        s->started = true;
        *row = true;
        return PORCH_OK;
    }
    if (rc != SQLITE_DONE)
        return report(s->db, rc, sqlite3_sql(s->st));
    s->changes = sqlite3_stmt_readonly(s->st) ? 0 : sqlite3_changes64(s->db);
    return PORCH_OK;
}

static int64_t sq_changes(void *stmt)
{
    return ((struct sq_stmt *)stmt)->changes;
}

static const char *sq_col_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(((struct sq_stmt *)stmt)->st, col);
}

static int64_t sq_col_int64(void *stmt, int col)
{
    return sqlite3_column_int64(((struct sq_stmt *)stmt)->st, col);
}

static bool sq_col_is_null(void *stmt, int col)
{
    return sqlite3_column_type(((struct sq_stmt *)stmt)->st, col) == SQLITE_NULL;
}

static void sq_reset(void *stmt)
{
    struct sq_stmt *s = stmt;

    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->changes = 0;
    s->bind_rc = SQLITE_OK;
    s->started = false;
}

static void sq_finalize(void *stmt)
{
    struct sq_stmt *s = stmt;

    if (s->cached) {
        sq_reset(s);
        s->in_use = false;
        return;
    }
    sqlite3_finalize(s->st);
    free(s);
}

/* Runs every statement of sql in turn, as sqlite3_exec does, but waiting out locks. */
static enum porch_err exec_db(sqlite3 *db, const char *sql)
{
    enum porch_err err = PORCH_OK;
    struct sq_stmt *s = NULL;
    const char *p = sql;
    bool row;

    while (err == PORCH_OK && *p) {
        err = prepare_one(db, p, &s, &p);
        if (err != PORCH_OK || !s)
            break;
        do
            err = sq_step(s, &row);
        while (err == PORCH_OK && row);
        sq_finalize(s);
        s = NULL;
    }
    return err;
}

static enum porch_err sq_exec(void *impl, const char *sql)
{
    return exec_db(((struct sq_conn *)impl)->db, sql);
}

static enum porch_err sq_connect(const char *target, void **impl)
{
    enum porch_err err = PORCH_E_UNAVAILABLE;
    sqlite3 *db = NULL;
    bool uri = strncmp(target, "file:", 5) == 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc;

    *impl = NULL;
    if (!uri && make_parent_dirs(target) != PORCH_OK)
        goto out;
    rc = sqlite3_open_v2(target, &db, flags | (uri ? SQLITE_OPEN_URI : 0), NULL);
    if (rc != SQLITE_OK) {
        log_error("cannot open sqlite database '%s': %s", target,
                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
    if (exec_db(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA foreign_keys=ON") != PORCH_OK) {
        log_error("cannot configure sqlite database '%s'", target);
        goto out;
    }
    struct sq_conn *c = xcalloc(1, sizeof(*c));
    c->db = db;
    *impl = c;
    db = NULL;
    err = PORCH_OK;
out:
    sqlite3_close(db);
    return err;
}

static void sq_close(void *impl)
{
    struct sq_conn *c = impl;

    for (size_t i = 0; i < c->ncache; i++)
        sqlite3_finalize(c->cache[i].st);
    sqlite3_close(c->db);
    free(c);
}

static enum porch_err sq_check(void *impl)
{
    (void)impl;
    return PORCH_OK; /* a file handle does not go away like a socket */
}

static bool sq_tx_open(void *impl)
{
    return sqlite3_get_autocommit(((struct sq_conn *)impl)->db) == 0;
}

static enum porch_err sq_begin(void *impl, bool write)
{
    return sq_exec(impl, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static enum porch_err sq_commit(void *impl)
{
    return sq_exec(impl, "COMMIT");
}

static void sq_rollback(void *impl)
{
    if (sq_tx_open(impl))
        (void)sq_exec(impl, "ROLLBACK");
}

static enum porch_err sq_migration_lock(void *impl)
{
    (void)impl;
    return PORCH_OK; /* BEGIN IMMEDIATE already holds the database write lock */
}

/* Copies page by page, letting writers in between steps; a busy source is waited out. */
static enum porch_err copy_pages(sqlite3 *src, sqlite3 *dst, struct porch_error *e)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int rc;

    if (!b)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "cannot start the backup: %s", sqlite3_errmsg(dst));
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            db_sleep_ms(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "backup failed: %s", sqlite3_errstr(rc));
    return PORCH_OK;
}

static enum porch_err sq_backup(void *impl, const char *dest, struct porch_error *e)
{
    struct sq_conn *c = impl;
    enum porch_err err;
    sqlite3 *dst = NULL;
    int fd;

    /* create it ourselves, exclusively and private, so nothing is overwritten or exposed */
    fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return PORCH_ERROR_SET(e, errno == EEXIST ? PORCH_E_CONFLICT : PORCH_E_IO,
                               "cannot create '%s': %s", dest, strerror(errno));
    close(fd);
    if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        err = PORCH_ERROR_SET(e, PORCH_E_IO, "cannot open '%s': %s", dest,
                              dst ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    err = copy_pages(c->db, dst, e);
out:
    sqlite3_close(dst);
    if (err != PORCH_OK)
        unlink(dest);
    return err;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .kind = DB_SQLITE,
    .connect = sq_connect,
    .close = sq_close,
    .check = sq_check,
    .exec = sq_exec,
    .tx_open = sq_tx_open,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .migration_lock = sq_migration_lock,
    .has_migrations_sql = "SELECT COUNT(*) FROM sqlite_master "
                          "WHERE type = 'table' AND name = 'schema_migrations'",
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .changes = sq_changes,
    .col_text = sq_col_text,
    .col_int64 = sq_col_int64,
    .col_is_null = sq_col_is_null,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .backup = sq_backup,
};
