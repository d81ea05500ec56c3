/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the storage seam, run on every backend the fixture offers: placeholder rewriting,
 * migrations (once, idempotent, concurrent), error mapping, row counts, transactions, the
 * db_tx retry loop, and a race on a conditional UPDATE that must have exactly one winner.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sys/stat.h>

#include "../../../src/db/db.c"
#include "db/fixture.h"

#define ITEMS_DDL                                                                                  \
    "CREATE TABLE items (id TEXT NOT NULL PRIMARY KEY, n BIGINT, used BIGINT NOT NULL DEFAULT 0)"

static int migrations_count(enum db_kind kind)
{
    const struct migration *m = kind == DB_SQLITE ? migrations_sqlite : migrations_postgres;
    int n = 0;

    while (m[n].sql)
        n++;
    return n;
}

static void insert_item(struct db_conn *c, const char *id, int64_t n, enum porch_err want)
{
    struct db_stmt *st = NULL;
    bool row = true;

    assert_int_equal(db_prepare(c, "INSERT INTO items (id, n) VALUES (?, ?)", &st), PORCH_OK);
    db_bind_text(st, 1, id);
    db_bind_int64(st, 2, n);
    assert_int_equal(db_step(st, &row), want);
    assert_false(row);
    db_finalize(st);
}

static int64_t count_items(struct db_conn *c)
{
    int64_t v = -1;

    assert_int_equal(query_int(c, "SELECT COUNT(*) FROM items", &v), PORCH_OK);
    return v;
}

static struct db_conn *items_conn(void **state)
{
    struct db_conn *c = fx_conn(state);

    assert_int_equal(db_exec(c, ITEMS_DDL), PORCH_OK);
    return c;
}

/* ---- pure ---- */

static void rewrites_placeholders_outside_quotes(void **state)
{
    struct sbuf sb;
    int n = -1;
    (void)state;

    sbuf_init(&sb, 1024);
    assert_int_equal(db_rewrite_placeholders("SELECT ?, '?', 'it''s ?', \"a?b\", ? -- ?\n"
                                             "FROM t WHERE x = ?",
                                             &sb, &n),
                     PORCH_OK);
    assert_string_equal(sb.buf, "SELECT $1, '?', 'it''s ?', \"a?b\", $2 -- ?\nFROM t WHERE x = $3");
    assert_int_equal(n, 3);
    sbuf_release(&sb);

    sbuf_init(&sb, 8);
    assert_int_equal(db_rewrite_placeholders("SELECT ?, ?", &sb, &n), PORCH_E_TOO_BIG);
    sbuf_release(&sb);
}

static void rejects_unknown_scheme(void **state)
{
    struct porch_error e = {0};
    struct db *db = NULL;
    (void)state;

    assert_int_equal(db_open("mysql://x", 2, &db, &e), PORCH_E_INVALID);
    assert_null(db);
    assert_non_null(strstr(e.msg, "scheme"));
    assert_int_equal(db_open("sqlite:", 2, &db, &e), PORCH_E_INVALID);
}

/* A pool can be made while the server is down; borrowing then fails without using up slots. */
static void unreachable_server_is_unavailable(void **state)
{
    struct db *db = NULL;
    struct db_conn *c = NULL;
    (void)state;

    assert_int_equal(db_open("postgres://porch@127.0.0.1:1/porch?connect_timeout=2", 1, &db, NULL),
                     PORCH_OK);
    assert_int_equal(db_kind(db), DB_POSTGRES);
    assert_int_equal(db_acquire(db, &c), PORCH_E_UNAVAILABLE);
    assert_null(c);
    assert_int_equal(db_acquire(db, &c), PORCH_E_UNAVAILABLE);
    db_free(db);
}

/* ---- every backend ---- */

static void migrates_once(void **state)
{
    struct db_conn *c;
    int applied = -1, version = -1;
    int want = migrations_count(db_kind(*state));

    c = fx_conn(state);
    assert_int_equal(db_schema_version(c, &version), PORCH_OK);
    assert_int_equal(version, 0);
    fx_release(c);

    assert_int_equal(db_migrate(*state, &applied, NULL), PORCH_OK);
    assert_int_equal(applied, want);
    assert_int_equal(db_migrate(*state, &applied, NULL), PORCH_OK);
    assert_int_equal(applied, 0);

    c = fx_conn(state);
    assert_int_equal(db_schema_version(c, &version), PORCH_OK);
    assert_int_equal(version, want);
    assert_int_equal(db_exec(c, "SELECT id, subdomain, data FROM tenants"), PORCH_OK);
    assert_int_equal(db_exec(c, "SELECT kid, expires_at FROM signing_keys"), PORCH_OK);
    fx_release(c);
}

static void text_of(struct db_conn *c, const char *sql, char *out, size_t size)
{
    struct db_stmt *st = NULL;
    bool row = false;

    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    assert_int_equal(db_col_copy(st, 0, out, size), PORCH_OK);
    db_finalize(st);
}

/* SQLite file: the directory is made private, and the durability pragmas are in force. */
static void sqlite_file_is_configured(void **state)
{
    struct db_conn *c;
    struct stat sb;
    char dir[160], v[16];

    if (fx.kind != FX_FILE)
        skip();
    snprintf(dir, sizeof(dir), "%s/sub", fx.tmpdir);
    assert_int_equal(stat(dir, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0700);
    c = fx_conn(state);
    text_of(c, "PRAGMA journal_mode", v, sizeof(v));
    assert_string_equal(v, "wal");
    text_of(c, "PRAGMA synchronous", v, sizeof(v));
    assert_string_equal(v, "2"); /* FULL */
    text_of(c, "PRAGMA foreign_keys", v, sizeof(v));
    assert_string_equal(v, "1");
    fx_release(c);
}

struct migrator {
    struct db *db;
    int applied;
    enum porch_err err;
};

static void *run_migrator(void *arg)
{
    struct migrator *m = arg;

    m->err = db_migrate(m->db, &m->applied, NULL);
    return NULL;
}

static void concurrent_migrators_apply_once(void **state)
{
    struct migrator m[3];
    pthread_t t[3];

    for (int i = 0; i < 3; i++) {
        m[i] = (struct migrator){.db = *state, .applied = -1};
        assert_int_equal(pthread_create(&t[i], NULL, run_migrator, &m[i]), 0);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(m[i].err, PORCH_OK);
    assert_int_equal(m[0].applied + m[1].applied + m[2].applied, migrations_count(db_kind(*state)));
}

static void maps_unique_violation_to_conflict(void **state)
{
    struct db_conn *c = items_conn(state);

    insert_item(c, "a", 1, PORCH_OK);
    insert_item(c, "a", 2, PORCH_E_CONFLICT);
    assert_int_equal(count_items(c), 1);
    fx_release(c);
}

static void reports_syntax_errors(void **state)
{
    struct db_conn *c = fx_conn(state);

    assert_int_equal(db_exec(c, "SELEKT 1"), PORCH_E_STORE);
    assert_int_equal(db_ping(c), PORCH_OK);
    fx_release(c);
}

static void counts_changes(void **state)
{
    struct db_conn *c = items_conn(state);
    struct db_stmt *st = NULL;
    bool row;

    insert_item(c, "a", 1, PORCH_OK);
    insert_item(c, "b", 1, PORCH_OK);
    insert_item(c, "c", 2, PORCH_OK);
    assert_int_equal(db_prepare(c, "UPDATE items SET used = used + 1 WHERE n = ?", &st), PORCH_OK);
    db_bind_int64(st, 1, 1);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_int_equal(db_changes(st), 2);
    db_reset(st);
    db_bind_int64(st, 1, 7);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_int_equal(db_changes(st), 0);
    db_finalize(st);

    assert_int_equal(db_prepare(c, "SELECT id FROM items ORDER BY id", &st), PORCH_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_step(st, &row), PORCH_OK);
        assert_true(row);
    }
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_false(row);
    assert_int_equal(db_changes(st), 0);
    db_finalize(st);
    fx_release(c);
}

static void round_trips_values(void **state)
{
    struct db_conn *c = items_conn(state);
    struct db_stmt *st = NULL;
    char small[4];
    bool row = false;

    assert_int_equal(db_prepare(c, "INSERT INTO items (id, n) VALUES (?, ?)", &st), PORCH_OK);
    db_bind_text(st, 1, "it's a '?' \"q\" é");
    db_bind_int64(st, 2, INT64_MIN);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_reset(st);
    db_bind_text(st, 1, "null-n");
    db_bind_null(st, 2);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_finalize(st);

    assert_int_equal(db_prepare(c,
                                "SELECT id, n, NULL FROM items WHERE id = ? OR id = ? "
                                "ORDER BY id",
                                &st),
                     PORCH_OK);
    db_bind_text(st, 1, "it's a '?' \"q\" é");
    db_bind_text(st, 2, "null-n");
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    assert_string_equal(db_col_text(st, 0), "it's a '?' \"q\" é");
    assert_true(db_col_int64(st, 1) == INT64_MIN);
    assert_true(db_col_is_null(st, 2));
    assert_null(db_col_text(st, 2));
    assert_int_equal(db_col_copy(st, 0, small, sizeof(small)), PORCH_E_STORE);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    assert_string_equal(db_col_text(st, 0), "null-n");
    assert_true(db_col_is_null(st, 1));
    assert_int_equal(db_col_copy(st, 1, small, sizeof(small)), PORCH_OK);
    assert_string_equal(small, "");
    db_finalize(st);
    fx_release(c);
}

static void commits_and_rolls_back(void **state)
{
    struct db_conn *c = items_conn(state);

    assert_int_equal(db_begin(c, true), PORCH_OK);
    insert_item(c, "a", 1, PORCH_OK);
    db_rollback(c);
    assert_int_equal(count_items(c), 0);

    assert_int_equal(db_begin(c, true), PORCH_OK);
    insert_item(c, "a", 1, PORCH_OK);
    assert_int_equal(db_commit(c), PORCH_OK);
    assert_int_equal(count_items(c), 1);

    /* Releasing a connection rolls its open transaction back. */
    assert_int_equal(db_begin(c, false), PORCH_OK);
    insert_item(c, "b", 1, PORCH_OK);
    fx_release(c);
    c = fx_conn(state);
    assert_int_equal(count_items(c), 1);
    assert_false(c->in_tx);
    fx_release(c);
}

struct flaky {
    const char *tag;
    int calls;
    int busy_until; /* calls before this one return PORCH_E_BUSY */
};

static enum porch_err flaky_insert(struct db_conn *c, void *ctx)
{
    struct flaky *f = ctx;
    char id[16];

    snprintf(id, sizeof(id), "%s%d", f->tag, ++f->calls);
    insert_item(c, id, 1, PORCH_OK);
    return f->calls < f->busy_until ? PORCH_E_BUSY : PORCH_OK;
}

static void tx_retries_busy(void **state)
{
    struct db_conn *c = items_conn(state);
    struct flaky f = {.tag = "a", .busy_until = 3};

    assert_int_equal(db_tx(c, true, flaky_insert, &f), PORCH_OK);
    assert_int_equal(f.calls, 3);
    assert_int_equal(count_items(c), 1); /* the failed attempts were rolled back */

    f = (struct flaky){.tag = "b", .busy_until = 1000};
    assert_int_equal(db_tx(c, true, flaky_insert, &f), PORCH_E_BUSY);
    assert_int_equal(f.calls, DB_TX_ATTEMPTS);
    assert_int_equal(count_items(c), 1);
    assert_false(c->in_tx);
    fx_release(c);
}

static enum porch_err failing_insert(struct db_conn *c, void *ctx)
{
    (void)ctx;
    insert_item(c, "x", 1, PORCH_OK);
    return PORCH_E_DENIED;
}

static void tx_rolls_back_on_error(void **state)
{
    struct db_conn *c = items_conn(state);

    assert_int_equal(db_tx(c, true, failing_insert, NULL), PORCH_E_DENIED);
    assert_int_equal(count_items(c), 0);
    fx_release(c);
}

/* Two holders of one write lock: the second waits out the busy timeout and reports BUSY. */
static void reports_busy_when_locked(void **state)
{
    struct db_conn *a = items_conn(state), *b = fx_conn(state);
    struct db_stmt *st = NULL;
    bool row;

    if (fx.kind == FX_MEMORY) {
        fx_release(b);
        fx_release(a);
        skip(); /* same mapping as the file case; no need to wait out the timeout twice */
    }
    insert_item(a, "a", 1, PORCH_OK);
    assert_int_equal(db_begin(a, true), PORCH_OK);
    assert_int_equal(db_exec(a, "UPDATE items SET used = 1 WHERE id = 'a'"), PORCH_OK);
    if (db_kind(*state) == DB_POSTGRES) {
        assert_int_equal(db_begin(b, true), PORCH_OK);
        assert_int_equal(db_exec(b, "SET LOCAL lock_timeout = '200ms'"), PORCH_OK);
        assert_int_equal(db_prepare(b, "UPDATE items SET used = 2 WHERE id = 'a'", &st), PORCH_OK);
        assert_int_equal(db_step(st, &row), PORCH_E_BUSY);
        db_finalize(st);
        db_rollback(b);
    } else {
        assert_int_equal(db_begin(b, true), PORCH_E_BUSY);
    }
    assert_int_equal(db_commit(a), PORCH_OK);
    fx_release(b);
    fx_release(a);
}

struct racer {
    struct db *db;
    pthread_barrier_t *go;
    const char *id;
    bool won;
    enum porch_err err;
};

static enum porch_err consume(struct db_conn *c, void *ctx)
{
    struct racer *r = ctx;
    struct db_stmt *st = NULL;
    enum porch_err err;
    bool row;

    r->won = false;
    err = db_prepare(c, "UPDATE items SET used = 1 WHERE id = ? AND used = 0", &st);
    if (err == PORCH_OK) {
        db_bind_text(st, 1, r->id);
        err = db_step(st, &row);
    }
    if (err == PORCH_OK)
        r->won = db_changes(st) == 1;
    db_finalize(st);
    return err;
}

static void *run_racer(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;

    r->err = db_acquire(r->db, &c);
    pthread_barrier_wait(r->go);
    if (r->err == PORCH_OK)
        r->err = db_tx(c, true, consume, r);
    db_release(c);
    return NULL;
}

static void conditional_update_has_one_winner(void **state)
{
    struct db_conn *c = items_conn(state);
    pthread_barrier_t go;
    struct racer r[2];
    pthread_t t[2];
    char id[16];

    for (int round = 0; round < 20; round++) {
        snprintf(id, sizeof(id), "code%d", round);
        insert_item(c, id, round, PORCH_OK);
        pthread_barrier_init(&go, NULL, 2);
        for (int i = 0; i < 2; i++) {
            r[i] = (struct racer){.db = *state, .go = &go, .id = id};
            assert_int_equal(pthread_create(&t[i], NULL, run_racer, &r[i]), 0);
        }
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&go);
        assert_int_equal(r[0].err, PORCH_OK);
        assert_int_equal(r[1].err, PORCH_OK);
        assert_true(r[0].won != r[1].won);
    }
    fx_release(c);
}

struct waiter {
    struct db *db;
    bool got;
};

static void *wait_for_conn(void *arg)
{
    struct waiter *w = arg;
    struct db_conn *c = NULL;

    w->got = db_acquire(w->db, &c) == PORCH_OK;
    db_release(c);
    return NULL;
}

static void pool_waits_for_a_free_connection(void **state)
{
    struct db_conn *c[4];
    struct waiter w = {.db = *state};
    pthread_t t;

    for (int i = 0; i < 4; i++)
        c[i] = fx_conn(state);
    assert_int_equal(pthread_create(&t, NULL, wait_for_conn, &w), 0);
    db_sleep_ms(50);
    assert_false(w.got);
    fx_release(c[2]);
    pthread_join(t, NULL);
    assert_true(w.got);
    for (int i = 0; i < 4; i++)
        if (i != 2)
            fx_release(c[i]);
}

/* PostgreSQL only: a connection killed under us is reset at the next acquire. */
static void reconnects_after_connection_loss(void **state)
{
    struct db_conn *c;

    if (db_kind(*state) != DB_POSTGRES)
        skip();
    c = fx_conn(state);
    assert_int_equal(db_exec(c, "SELECT pg_terminate_backend(pg_backend_pid())"),
                     PORCH_E_UNAVAILABLE);
    fx_release(c);
    c = fx_conn(state);
    assert_int_equal(db_ping(c), PORCH_OK);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

/* The SQLite backend caches compiled statements: reuse and nesting must not mix up values. */
static void reused_and_nested_statements_stay_independent(void **state)
{
    struct db_conn *c = fx_conn(state);
    static const char *const sql = "SELECT ? || 'x'";
    struct db_stmt *a = NULL, *b = NULL;
    bool row;

    for (int i = 0; i < 3; i++) {
        char want[24], v[16];
        snprintf(v, sizeof(v), "v%d", i);
        snprintf(want, sizeof(want), "v%dx", i);
        assert_int_equal(db_prepare(c, sql, &a), PORCH_OK);
        db_bind_text(a, 1, v);
        assert_int_equal(db_step(a, &row), PORCH_OK);
        assert_true(row);
        assert_string_equal(db_col_text(a, 0), want);
        db_finalize(a);
    }
    /* the same SQL while the first is still open gets a statement of its own */
    assert_int_equal(db_prepare(c, sql, &a), PORCH_OK);
    db_bind_text(a, 1, "outer");
    assert_int_equal(db_step(a, &row), PORCH_OK);
    assert_int_equal(db_prepare(c, sql, &b), PORCH_OK);
    db_bind_text(b, 1, "inner");
    assert_int_equal(db_step(b, &row), PORCH_OK);
    assert_string_equal(db_col_text(b, 0), "innerx");
    assert_string_equal(db_col_text(a, 0), "outerx");
    db_finalize(b);
    db_finalize(a);
    /* a parked statement comes back with no bindings left over */
    assert_int_equal(db_prepare(c, sql, &a), PORCH_OK);
    assert_int_equal(db_step(a, &row), PORCH_OK);
    assert_true(row);
    assert_true(db_col_is_null(a, 0));
    db_finalize(a);
    fx_release(c);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(rewrites_placeholders_outside_quotes),
        cmocka_unit_test(rejects_unknown_scheme),
        cmocka_unit_test(unreachable_server_is_unavailable),
    };
    const struct CMUnitTest backend[] = {
        cmocka_unit_test_setup_teardown(migrates_once, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(concurrent_migrators_apply_once, fx_setup_empty,
                                        fx_teardown),
        T(sqlite_file_is_configured),
        T(maps_unique_violation_to_conflict),
        T(reports_syntax_errors),
        T(counts_changes),
        T(round_trips_values),
        T(commits_and_rolls_back),
        T(tx_retries_busy),
        T(tx_rolls_back_on_error),
        T(reports_busy_when_locked),
        T(conditional_update_has_one_winner),
        T(pool_waits_for_a_free_connection),
        T(reconnects_after_connection_loss),
        T(reused_and_nested_statements_stay_independent),
    };
    int failed = cmocka_run_group_tests_name("db/pure", pure, NULL, NULL);

    return failed + fx_run("db", backend, sizeof(backend) / sizeof(backend[0]));
}
