/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs one cmocka group against every backend: an in-memory SQLite database, a SQLite file in
 * a fresh temporary directory, and, when PORCH_TEST_PG_URL names a PostgreSQL database, that
 * database. Each test gets a fresh, migrated pool in *state: a new memory database or file, or
 * on PostgreSQL a schema (porch_t<pid>) dropped and recreated and selected through the URL's
 * options=-csearch_path, so runs and concurrent test binaries stay independent.
 * Tests borrow connections with fx_conn() and return them with fx_release(), so that a failed
 * assertion, which skips the rest of the test, does not leave the pool busy at teardown.
 * Include after <cmocka.h> and the db headers.
 */
#ifndef PORCH_TEST_DB_FIXTURE_H
#define PORCH_TEST_DB_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum fx_kind { FX_MEMORY, FX_FILE, FX_PG };

static struct {
    enum fx_kind kind;
    char url[1024];  /* what each test's pool opens */
    char tmpdir[64]; /* FX_FILE: holds sub/test<N>.db */
    char file[128];  /* FX_FILE: the current test's database file */
    char schema[64]; /* FX_PG */
    const char *pg_base;
    unsigned seq;
    struct db_conn *held[16]; /* borrowed through fx_conn, released by teardown if a test failed */
    size_t nheld;
} fx;

/* Borrows a connection from the test's pool; give it back with fx_release. */
static struct db_conn *fx_conn(void **state)
{
    struct db_conn *c = NULL;

    assert_int_equal(db_acquire(*state, &c), PORCH_OK);
    assert_true(fx.nheld < sizeof(fx.held) / sizeof(fx.held[0]));
    fx.held[fx.nheld++] = c;
    return c;
}

static void fx_release(struct db_conn *c)
{
    for (size_t i = 0; i < fx.nheld; i++) {
        if (fx.held[i] == c) {
            fx.held[i] = fx.held[--fx.nheld];
            break;
        }
    }
    db_release(c);
}

static void fx_admin_exec(const char *sql)
{
    struct db *db = NULL;
    struct db_conn *c = NULL;

    assert_int_equal(db_open(fx.pg_base, 1, &db, NULL), PORCH_OK);
    assert_int_equal(db_acquire(db, &c), PORCH_OK);
    assert_int_equal(db_exec(c, sql), PORCH_OK);
    db_release(c);
    db_free(db);
}

static void fx_pg_schema(bool create)
{
    char sql[160];

    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", fx.schema);
    fx_admin_exec(sql);
    if (!create)
        return;
    snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", fx.schema);
    fx_admin_exec(sql);
}

static void fx_file_cleanup(void)
{
    char path[160];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};

    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", fx.file, suffixes[i]);
        unlink(path);
    }
}

/* Opens a fresh pool of 4 connections for the current backend, without migrating. */
static int fx_setup_empty(void **state)
{
    struct db *db = NULL;

    switch (fx.kind) {
    case FX_MEMORY:
        snprintf(fx.url, sizeof(fx.url), "sqlite::memory:");
        break;
    case FX_FILE:
        snprintf(fx.file, sizeof(fx.file), "%s/sub/test%u.db", fx.tmpdir, fx.seq++);
        snprintf(fx.url, sizeof(fx.url), "sqlite:%s", fx.file);
        break;
    case FX_PG:
        fx_pg_schema(true);
        break;
    }
    if (db_open(fx.url, 4, &db, NULL) != PORCH_OK)
        return -1;
    *state = db;
    return 0;
}

/* Same, migrated to the latest schema. */
static int fx_setup(void **state)
{
    if (fx_setup_empty(state) != 0)
        return -1;
    return db_migrate(*state, NULL, NULL) == PORCH_OK ? 0 : -1;
}

static int fx_teardown(void **state)
{
    while (fx.nheld > 0)
        db_release(fx.held[--fx.nheld]);
    db_free(*state);
    *state = NULL;
    if (fx.kind == FX_FILE)
        fx_file_cleanup();
    if (fx.kind == FX_PG)
        fx_pg_schema(false);
    return 0;
}

static int fx_run_pg(const char *name, const struct CMUnitTest *tests, size_t n)
{
    const char *base = getenv("PORCH_TEST_PG_URL");
    char group[128];

    if (!base || !*base) {
        printf("[  SKIPPED ] %s: skipping PostgreSQL: PORCH_TEST_PG_URL not set\n", name);
        return 0;
    }
    fx.kind = FX_PG;
    fx.pg_base = base;
    snprintf(fx.schema, sizeof(fx.schema), "porch_t%ld", (long)getpid());
    snprintf(fx.url, sizeof(fx.url), "%s%soptions=-csearch_path%%3D%s", base,
             strchr(base, '?') ? "&" : "?", fx.schema);
    snprintf(group, sizeof(group), "%s/postgres", name);
    return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
}

/* Runs tests (which use fx_setup/fx_teardown) on every available backend; returns failures. */
static int fx_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
    char group[128];
    char sub[96];
    int failed;

    fx.kind = FX_MEMORY;
    snprintf(group, sizeof(group), "%s/sqlite-memory", name);
    failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);

    snprintf(fx.tmpdir, sizeof(fx.tmpdir), "/tmp/porch-test-XXXXXX");
    if (!mkdtemp(fx.tmpdir))
        return failed + 1;
    fx.kind = FX_FILE;
    snprintf(group, sizeof(group), "%s/sqlite-file", name);
    failed += _cmocka_run_group_tests(group, tests, n, NULL, NULL);
    snprintf(sub, sizeof(sub), "%s/sub", fx.tmpdir);
    rmdir(sub);
    rmdir(fx.tmpdir);

    return failed + fx_run_pg(name, tests, n);
}

#endif
