/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL backend over libpq. A statement keeps its SQL with `?` rewritten to $n and
 * its parameters as text; the first step runs PQexecParams and later steps walk the rows of
 * the PGresult. Transactions run at READ COMMITTED: single-use rows are consumed with one
 * conditional UPDATE/DELETE, and PostgreSQL re-checks the WHERE clause of a blocked UPDATE
 * against the committed row, so the row count names exactly one winner without SERIALIZABLE.
 * A broken connection is reset when it is next borrowed, so the pool heals by itself.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "db/db_driver.h"
#include "core/banned.h"

/* Longest SQL text a statement may have after the rewrite. */
#define PG_SQL_MAX (1024 * 1024)
/* pg_advisory_xact_lock key held while migrating: "porch" as a big-endian integer. */
#define PG_MIGRATION_LOCK "SELECT pg_advisory_xact_lock(482906104680)"

struct pg_stmt {
    PGconn *conn;
    char *sql; /* rewritten with $n */
    int nparams;
    char **values; /* text of each parameter; NULL binds SQL NULL */
    bool bind_failed;
    bool executed;
    PGresult *res;
    int row, nrows;
    int64_t changes;
};

/* Copies the first line of msg into buf: libpq messages end in newlines and may carry DETAIL. */
static const char *first_line(const char *msg, char *buf, size_t size)
{
    size_t n = msg ? strcspn(msg, "\n") : 0;

    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(buf, msg, n);
    buf[n] = '\0';
    return buf;
}

static enum porch_err classify(PGconn *conn, const char *state)
{
    if (state && strcmp(state, "23505") == 0)
        return PORCH_E_CONFLICT;
    if (state &&
        (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        return PORCH_E_BUSY;
    if (PQstatus(conn) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
        (state && strncmp(state, "57P0", 4) == 0))
        return PORCH_E_UNAVAILABLE;
    return PORCH_E_STORE;
}

/*
 * Classifies and logs a failed command. Only the primary message is logged: DETAIL lines can
 * quote the values of a violated key, and bound values never reach the log.
 */
static enum porch_err report(PGconn *conn, const PGresult *res, const char *sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    enum porch_err err = classify(conn, state);
    char buf[512];

    first_line(msg ? msg : PQerrorMessage(conn), buf, sizeof(buf));
    if (err == PORCH_E_CONFLICT || err == PORCH_E_BUSY)
        log_debug("sql %s: %s (sqlstate %s) in '%s'", porch_err_str(err), buf, state, sql);
    else
        log_error("sql failed: %s (sqlstate %s) in '%s'", buf, state ? state : "none", sql);
    return err;
}

static void notice_to_log(void *arg, const char *message)
{
    char buf[512];

    (void)arg;
    log_debug("postgresql notice: %s", first_line(message, buf, sizeof(buf)));
}

static enum porch_err pg_connect(const char *target, void **impl)
{
    /* With expand_dbname, settings in the URL override these defaults. */
    static const char *const keys[] = {"connect_timeout", "client_encoding", "application_name",
                                       "dbname", NULL};
    const char *values[] = {"5", "UTF8", "porch", target, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    char buf[512];

    *impl = NULL;
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        log_error("cannot connect to postgresql: %s",
                  first_line(conn ? PQerrorMessage(conn) : "out of memory", buf, sizeof(buf)));
        PQfinish(conn);
        return PORCH_E_UNAVAILABLE;
    }
    PQsetNoticeProcessor(conn, notice_to_log, NULL);
    *impl = conn;
    return PORCH_OK;
}

static void pg_close(void *impl)
{
    PQfinish(impl);
}

static enum porch_err pg_check(void *impl)
{
    PGconn *conn = impl;
    char buf[512];

    if (PQstatus(conn) == CONNECTION_OK)
        return PORCH_OK;
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) {
        log_warn("cannot reconnect to postgresql: %s",
                 first_line(PQerrorMessage(conn), buf, sizeof(buf)));
        return PORCH_E_UNAVAILABLE;
    }
    log_info("reconnected to postgresql");
    return PORCH_OK;
}

static enum porch_err pg_exec(void *impl, const char *sql)
{
    PGconn *conn = impl;
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    enum porch_err err = PORCH_OK;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        err = report(conn, res, sql);
    PQclear(res);
    return err;
}

static bool pg_tx_open(void *impl)
{
    PGTransactionStatusType ts = PQtransactionStatus(impl);

    return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR || ts == PQTRANS_ACTIVE;
}

static enum porch_err pg_begin(void *impl, bool write)
{
    (void)write; /* row locks, taken by each UPDATE, are what serialize writers */
    return pg_exec(impl, "BEGIN ISOLATION LEVEL READ COMMITTED");
}

static void pg_rollback(void *impl)
{
    if (pg_tx_open(impl))
        (void)pg_exec(impl, "ROLLBACK");
}

static enum porch_err pg_commit(void *impl)
{
    /* COMMIT of an aborted transaction "succeeds" as a ROLLBACK; report it as the failure it is. */
    if (PQtransactionStatus(impl) == PQTRANS_INERROR) {
        log_error("cannot commit: the transaction was aborted by an earlier error");
        pg_rollback(impl);
        return PORCH_E_STORE;
    }
    return pg_exec(impl, "COMMIT");
}

static enum porch_err pg_migration_lock(void *impl)
{
    return pg_exec(impl, PG_MIGRATION_LOCK);
}

static enum porch_err pg_prepare(void *impl, const char *sql, void **out)
{
    struct pg_stmt *s;
    struct sbuf sb;
    int n = 0;

    *out = NULL;
    sbuf_init(&sb, PG_SQL_MAX);
    if (db_rewrite_placeholders(sql, &sb, &n) != PORCH_OK) {
        log_error("cannot prepare sql: too long ('%.64s...')", sql);
        sbuf_release(&sb);
        return PORCH_E_STORE;
    }
    s = xcalloc(1, sizeof(*s));
    s->conn = impl;
    s->sql = sbuf_detach(&sb, NULL);
    s->nparams = n;
    s->values = xcalloc(n ? (size_t)n : 1, sizeof(*s->values));
    s->row = -1;
    *out = s;
    return PORCH_OK;
}

static void set_param(struct pg_stmt *s, int idx, char *value)
{
    if (idx < 1 || idx > s->nparams) {
        s->bind_failed = true;
        free(value);
        return;
    }
    free(s->values[idx - 1]);
    s->values[idx - 1] = value;
}

static void pg_bind_text(void *stmt, int idx, const char *text)
{
    set_param(stmt, idx, text ? xstrdup(text) : NULL);
}

static void pg_bind_int64(void *stmt, int idx, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRId64, v);
    set_param(stmt, idx, xstrdup(buf));
}

static void pg_bind_null(void *stmt, int idx)
{
    set_param(stmt, idx, NULL);
}

static enum porch_err execute(struct pg_stmt *s)
{
    const char *tag;

    s->executed = true;
    s->res = PQexecParams(s->conn, s->sql, s->nparams, NULL, (const char *const *)s->values, NULL,
                          NULL, 0);
    switch (PQresultStatus(s->res)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        if (PQresultStatus(s->res) == PGRES_TUPLES_OK)
            s->nrows = PQntuples(s->res);
        tag = PQcmdStatus(s->res);
        if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
            strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0)
            s->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
        return PORCH_OK;
    default:
        return report(s->conn, s->res, s->sql);
    }
}

static enum porch_err pg_step(void *stmt, bool *row)
{
    struct pg_stmt *s = stmt;
    enum porch_err err;

    *row = false;
    if (s->bind_failed) {
        log_error("cannot bind parameter: index out of range in '%s'", s->sql);
        return PORCH_E_STORE;
    }
    if (!s->executed) {
        err = execute(s);
        if (err != PORCH_OK)
            return err;
    }
    if (s->row < s->nrows)
        s->row++;
    *row = s->row < s->nrows;
    return PORCH_OK;
}

static int64_t pg_changes(void *stmt)
{
    return ((struct pg_stmt *)stmt)->changes;
}

static const char *pg_col_text(void *stmt, int col)
{
    struct pg_stmt *s = stmt;

    if (!s->res || s->row < 0 || s->row >= s->nrows || col < 0 || col >= PQnfields(s->res))
        return NULL;
    if (PQgetisnull(s->res, s->row, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(void *stmt, int col)
{
    const char *v = pg_col_text(stmt, col);

    return v ? strtoll(v, NULL, 10) : 0;
}

static bool pg_col_is_null(void *stmt, int col)
{
    return pg_col_text(stmt, col) == NULL;
}

static void pg_reset(void *stmt)
{
    struct pg_stmt *s = stmt;

    PQclear(s->res);
    s->res = NULL;
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
    }
    s->bind_failed = false;
    s->executed = false;
    s->row = -1;
    s->nrows = 0;
    s->changes = 0;
}

static void pg_finalize(void *stmt)
{
    struct pg_stmt *s = stmt;

    pg_reset(s);
    free(s->values);
    free(s->sql);
    free(s);
}

const struct db_driver db_postgres_driver = {
    .name = "postgres",
    .kind = DB_POSTGRES,
    .connect = pg_connect,
    .close = pg_close,
    .check = pg_check,
    .exec = pg_exec,
    .tx_open = pg_tx_open,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .migration_lock = pg_migration_lock,
    .has_migrations_sql = "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
                          "THEN 0 ELSE 1 END",
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .changes = pg_changes,
    .col_text = pg_col_text,
    .col_int64 = pg_col_int64,
    .col_is_null = pg_col_is_null,
    .reset = pg_reset,
    .finalize = pg_finalize,
};
