/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expiry purge on every backend: for each table, rows just past and just short of each
 * rule, in two tenants at once; rotated refresh tokens kept for reuse detection until their
 * chain ends; grants kept while a code or token refers to them; locked counters kept; a
 * second run deleting nothing; and a backlog larger than a batch.
 */
#include "unit.h"

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/store/purge.c"

#define TID  "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define UID  "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
#define T    1700000000
#define DAY  86400

static void add_tenant(struct db_conn *c, const char *id, const char *sub)
{
    struct tenant t = {.created_at = 1};
    struct db_stmt *st = NULL;
    bool row;

    snprintf(t.id, sizeof(t.id), "%s", id);
    snprintf(t.subdomain, sizeof(t.subdomain), "%s", sub);
    snprintf(t.display_name, sizeof(t.display_name), "%s", sub);
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "%s.porch.test", sub);
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
    assert_int_equal(
        db_prepare(c,
                   "INSERT INTO users (tenant_id, id, user_principal_name, upn_lower,"
                   " sessions_valid_from, created_at) VALUES (?, ?, 'a@x', 'a@x', 0, 1)",
                   &st),
        PORCH_OK);
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, UID);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_finalize(st);
}

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);

    add_tenant(c, TID, "contoso");
    add_tenant(c, TID2, "fabrikam");
    return c;
}

/*
 * Runs sql with the text values s[0..ns) then the integers v[0..nv) bound in that order; an
 * integer 0 binds NULL (for the nullable timestamps).
 */
static void run(struct db_conn *c, const char *sql, const char *const *s, int ns, const int64_t *v,
                int nv)
{
    struct db_stmt *st = NULL;
    bool row;

    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    for (int i = 0; i < ns; i++)
        db_bind_text(st, i + 1, s[i]);
    for (int i = 0; i < nv; i++) {
        if (v[i] == 0)
            db_bind_null(st, ns + i + 1);
        else
            db_bind_int64(st, ns + i + 1, v[i]);
    }
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_finalize(st);
}

static void journey(struct db_conn *c, const char *tid, const char *id, int64_t expires)
{
    const char *s[] = {tid, id};
    const int64_t v[] = {expires};

    run(c,
        "INSERT INTO journeys (tenant_id, id_hash, kind, state, client_id, csrf_hash, created_at,"
        " expires_at) VALUES (?, ?, 'signin', 'email', 'app', 'x', 1, ?)",
        s, 2, v, 1);
}

/* revoked 0 = NULL */
static void grant(struct db_conn *c, const char *tid, const char *id, int64_t created,
                  int64_t revoked)
{
    const char *s[] = {tid, id, UID};
    const int64_t v[] = {created, revoked};

    run(c,
        "INSERT INTO token_grants (tenant_id, id, client_id, user_id, created_at, revoked_at)"
        " VALUES (?, ?, 'app', ?, ?, ?)",
        s, 3, v, 2);
}

/* consumed 0 = NULL */
static void code(struct db_conn *c, const char *tid, const char *hash, const char *grant_id,
                 int64_t expires, int64_t consumed)
{
    const char *s[] = {tid, hash, UID, grant_id};
    const int64_t v[] = {expires, consumed};

    run(c,
        "INSERT INTO auth_codes (tenant_id, code_hash, client_id, redirect_uri, user_id,"
        " grant_id, auth_time, created_at, expires_at, consumed_at)"
        " VALUES (?, ?, 'app', 'https://app/cb', ?, ?, 1, 1, ?, ?)",
        s, 4, v, 2);
}

/* rotated and revoked 0 = NULL */
static void token(struct db_conn *c, const char *tid, const char *hash, const char *grant_id,
                  int64_t expires, int64_t absolute, int64_t rotated, int64_t revoked)
{
    const char *s[] = {tid, hash, grant_id, UID};
    const int64_t v[] = {expires, absolute, rotated, revoked};

    run(c,
        "INSERT INTO refresh_tokens (tenant_id, token_hash, grant_id, client_id, user_id,"
        " created_at, expires_at, absolute_expires_at, rotated_at, revoked_at)"
        " VALUES (?, ?, ?, 'app', ?, 1, ?, ?, ?, ?)",
        s, 4, v, 4);
}

/* revoked 0 = NULL */
static void session(struct db_conn *c, const char *tid, const char *id, int64_t idle,
                    int64_t absolute, int64_t revoked)
{
    const char *s[] = {tid, id, UID};
    const int64_t v[] = {idle, absolute, revoked};

    run(c,
        "INSERT INTO sso_sessions (tenant_id, id_hash, user_id, auth_time, created_at,"
        " last_seen_at, idle_expires_at, absolute_expires_at, revoked_at)"
        " VALUES (?, ?, ?, 1, 1, 1, ?, ?, ?)",
        s, 3, v, 3);
}

static void counter(struct db_conn *c, const char *tid, const char *name, int64_t window_start,
                    int64_t locked_until)
{
    struct db_stmt *st = NULL;
    bool row;

    assert_int_equal(db_prepare(c,
                                "INSERT INTO counters (tenant_id, name, count, window_start,"
                                " locked_until) VALUES (?, ?, 3, ?, ?)",
                                &st),
                     PORCH_OK);
    db_bind_text(st, 1, tid);
    db_bind_text(st, 2, name);
    db_bind_int64(st, 3, window_start);
    db_bind_int64(st, 4, locked_until);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_finalize(st);
}

static void signin(struct db_conn *c, const char *tid, const char *id, int64_t created)
{
    const char *s[] = {tid, id};
    const int64_t v[] = {created};

    run(c, "INSERT INTO signin_logs (tenant_id, id, created_at) VALUES (?, ?, ?)", s, 2, v, 1);
}

/* Whether sql (tenant and key placeholders) finds a row. */
static bool exists(struct db_conn *c, const char *sql, const char *tid, const char *key)
{
    struct db_stmt *st = NULL;
    bool row = false;

    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    db_bind_text(st, 1, tid);
    db_bind_text(st, 2, key);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    db_finalize(st);
    return row;
}

#define HAS_JOURNEY(t, k)                                                                          \
    exists(c, "SELECT 1 FROM journeys WHERE tenant_id = ? AND id_hash = ?", t, k)
#define HAS_CODE(t, k)                                                                             \
    exists(c, "SELECT 1 FROM auth_codes WHERE tenant_id = ? AND code_hash = ?", t, k)
#define HAS_TOKEN(t, k)                                                                            \
    exists(c, "SELECT 1 FROM refresh_tokens WHERE tenant_id = ? AND token_hash = ?", t, k)
#define HAS_GRANT(t, k) exists(c, "SELECT 1 FROM token_grants WHERE tenant_id = ? AND id = ?", t, k)
#define HAS_SESSION(t, k)                                                                          \
    exists(c, "SELECT 1 FROM sso_sessions WHERE tenant_id = ? AND id_hash = ?", t, k)
#define HAS_COUNTER(t, k) exists(c, "SELECT 1 FROM counters WHERE tenant_id = ? AND name = ?", t, k)

#define HAS_LOG(t, k) exists(c, "SELECT 1 FROM signin_logs WHERE tenant_id = ? AND id = ?", t, k)

static void journeys_codes_sessions_counters(void **state)
{
    struct db_conn *c = seed(state);
    struct store_purge_counts n;

    journey(c, TID, "j-dead", T - 1);
    journey(c, TID2, "j-dead", T - 1000);
    journey(c, TID, "j-live", T + 1);
    grant(c, TID, "g", T - 100, 0);
    code(c, TID, "c-old", "g", T - STORE_PURGE_CODE_GRACE - 1, T - 400);
    grant(c, TID2, "g", T - 100, 0);
    code(c, TID2, "c-unused-old", "g", T - DAY, 0);
    code(c, TID, "c-grace", "g", T - STORE_PURGE_CODE_GRACE + 1, T - 200);
    code(c, TID, "c-live", "g", T + 60, 0);
    session(c, TID, "s-idle", T - 1, T + DAY, 0);
    session(c, TID2, "s-abs", T + 100, T - 1, 0);
    session(c, TID, "s-revoked-old", T + 100, T + DAY, T - STORE_PURGE_REVOKED_AGE - 1);
    session(c, TID, "s-revoked-new", T + 100, T + DAY, T - 10);
    session(c, TID, "s-live", T + 100, T + DAY, 0);
    counter(c, TID, "k-old", T - STORE_PURGE_COUNTER_AGE - 1, 0);
    counter(c, TID2, "k-old", T - 2 * DAY, T - 1);
    counter(c, TID, "k-old-locked", T - 2 * DAY, T + 10);
    counter(c, TID, "k-new", T - 100, 0);
    signin(c, TID, "l-old", T - STORE_PURGE_SIGNIN_LOG_AGE - 1);
    signin(c, TID2, "l-new", T - STORE_PURGE_SIGNIN_LOG_AGE + 1);

    assert_int_equal(store_purge_expired(c, T, &n), PORCH_OK);
    assert_int_equal(n.journeys, 2);
    assert_int_equal(n.auth_codes, 2);
    assert_int_equal(n.sso_sessions, 3);
    assert_int_equal(n.counters, 2);
    assert_int_equal(n.signin_logs, 1);
    assert_int_equal(n.refresh_tokens, 0);
    assert_int_equal(n.token_grants, 0);
    assert_int_equal(store_purge_total(&n), 10);

    assert_false(HAS_JOURNEY(TID, "j-dead"));
    assert_false(HAS_JOURNEY(TID2, "j-dead"));
    assert_true(HAS_JOURNEY(TID, "j-live"));
    assert_false(HAS_CODE(TID, "c-old"));
    assert_false(HAS_CODE(TID2, "c-unused-old"));
    assert_true(HAS_CODE(TID, "c-grace"));
    assert_true(HAS_CODE(TID, "c-live"));
    assert_false(HAS_SESSION(TID, "s-idle"));
    assert_false(HAS_SESSION(TID2, "s-abs"));
    assert_false(HAS_SESSION(TID, "s-revoked-old"));
    assert_true(HAS_SESSION(TID, "s-revoked-new"));
    assert_true(HAS_SESSION(TID, "s-live"));
    assert_false(HAS_COUNTER(TID, "k-old"));
    assert_false(HAS_COUNTER(TID2, "k-old"));
    assert_true(HAS_COUNTER(TID, "k-old-locked"));
    assert_true(HAS_COUNTER(TID, "k-new"));
    assert_false(HAS_LOG(TID, "l-old"));
    assert_true(HAS_LOG(TID2, "l-new"));

    /* nothing left to do */
    assert_int_equal(store_purge_expired(c, T, &n), PORCH_OK);
    assert_int_equal(store_purge_total(&n), 0);
    assert_int_equal(store_purge_expired(c, T, NULL), PORCH_OK);
    fx_release(c);
}

static void tokens_and_grants(void **state)
{
    struct db_conn *c = seed(state);
    struct store_purge_counts n;
    const int64_t old = T - STORE_PURGE_REVOKED_AGE - 1;

    /* a live chain: a rotated predecessor past its own expiry stays for reuse detection */
    grant(c, TID, "g-live", T - 10 * DAY, 0);
    token(c, TID, "r-rotated", "g-live", T - 1, T + DAY, T - 2 * DAY, 0);
    token(c, TID, "r-live", "g-live", T + DAY, T + DAY, 0, 0);
    token(c, TID, "r-unused-expired", "g-live", T - 1, T + DAY, 0, 0);
    token(c, TID, "r-revoked-new", "g-live", T + DAY, T + DAY, 0, T - 10);
    /* an ended chain: everything goes, then the grant (created long ago) */
    grant(c, TID2, "g-ended", T - STORE_PURGE_GRANT_AGE - 1, 0);
    token(c, TID2, "r-ended-rotated", "g-ended", T - 5 * DAY, T - 1, T - 6 * DAY, 0);
    token(c, TID2, "r-ended-last", "g-ended", T - 1, T - 1, 0, 0);
    /* revoked a while ago: tokens and grant go */
    grant(c, TID, "g-revoked-old", T - 10 * DAY, old);
    token(c, TID, "r-revoked-old", "g-revoked-old", T + DAY, T + DAY, T - 3 * DAY, old);
    /* revoked recently: kept a day */
    grant(c, TID, "g-revoked-new", T - 10 * DAY, T - 10);
    /* revoked long ago, but a code (in its grace period) still refers to it */
    grant(c, TID, "g-code", T - 10 * DAY, old);
    code(c, TID, "c-grace", "g-code", T - 10, T - 20);
    /* old and never revoked, but still holds a live token */
    grant(c, TID, "g-old-live", T - STORE_PURGE_GRANT_AGE - 1, 0);
    token(c, TID, "r-old-live", "g-old-live", T + DAY, T + DAY, 0, 0);
    /* young and empty (no offline_access): kept until the age limit */
    grant(c, TID, "g-young", T - DAY, 0);

    assert_int_equal(store_purge_expired(c, T, &n), PORCH_OK);
    assert_int_equal(n.refresh_tokens, 4);
    assert_int_equal(n.token_grants, 2);
    assert_int_equal(n.auth_codes, 0);
    assert_true(HAS_TOKEN(TID, "r-rotated"));
    assert_true(HAS_TOKEN(TID, "r-live"));
    assert_false(HAS_TOKEN(TID, "r-unused-expired"));
    assert_true(HAS_TOKEN(TID, "r-revoked-new"));
    assert_false(HAS_TOKEN(TID2, "r-ended-rotated"));
    assert_false(HAS_TOKEN(TID2, "r-ended-last"));
    assert_false(HAS_TOKEN(TID, "r-revoked-old"));
    assert_true(HAS_TOKEN(TID, "r-old-live"));
    assert_true(HAS_GRANT(TID, "g-live"));
    assert_false(HAS_GRANT(TID2, "g-ended"));
    assert_false(HAS_GRANT(TID, "g-revoked-old"));
    assert_true(HAS_GRANT(TID, "g-revoked-new"));
    assert_true(HAS_GRANT(TID, "g-code"));
    assert_true(HAS_GRANT(TID, "g-old-live"));
    assert_true(HAS_GRANT(TID, "g-young"));

    /* a day later the chain has ended and the revocations are old */
    assert_int_equal(store_purge_expired(c, T + 2 * DAY, &n), PORCH_OK);
    assert_int_equal(n.auth_codes, 1);
    assert_int_equal(n.refresh_tokens, 4);
    assert_int_equal(n.token_grants, 3);   /* g-revoked-new, g-code, g-old-live */
    assert_true(HAS_GRANT(TID, "g-live")); /* young, empty now, kept to its age limit */
    assert_true(HAS_GRANT(TID, "g-young"));
    assert_int_equal(store_purge_expired(c, T + STORE_PURGE_GRANT_AGE, &n), PORCH_OK);
    assert_int_equal(n.token_grants, 2);
    fx_release(c);
}

static void backlog_in_batches(void **state)
{
    struct db_conn *c = seed(state);
    struct store_purge_counts n;
    const int total = 2 * STORE_PURGE_BATCH + 7;
    char name[32];

    assert_int_equal(db_begin(c, true), PORCH_OK);
    for (int i = 0; i < total; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        counter(c, i % 2 ? TID : TID2, name, T - 2 * DAY, 0);
    }
    counter(c, TID, "keep", T, 0);
    assert_int_equal(db_commit(c), PORCH_OK);
    assert_int_equal(store_purge_expired(c, T, &n), PORCH_OK);
    assert_int_equal(n.counters, total);
    assert_true(HAS_COUNTER(TID, "keep"));
    assert_false(HAS_COUNTER(TID, "k1"));
    fx_release(c);
}

#define TS(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TS(journeys_codes_sessions_counters),
        TS(tokens_and_grants),
        TS(backlog_in_batches),
    };

    return fx_run("purge", tests, sizeof(tests) / sizeof(tests[0]));
}
