/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of grants and refresh-token rotation on every backend: a rotation chain, a retry
 * inside the overlap window, reuse after the window and reuse after the successor was used
 * (both revoke the grant and every token in it), absolute and sliding expiry, client binding,
 * revokeSignInSessions, and concurrent redemptions of one token.
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/store/refresh.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define UID    "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
#define CLIENT "6e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define NOW    1700000000
#define DAY    86400
#define TTL    (90 * DAY)

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant t = {.created_at = 1};

    snprintf(t.id, sizeof(t.id), "%s", TID);
    snprintf(t.subdomain, sizeof(t.subdomain), "contoso");
    snprintf(t.display_name, sizeof(t.display_name), "Contoso");
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "contoso.porch.test");
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
    assert_int_equal(db_exec(c, "INSERT INTO users (tenant_id, id, user_principal_name, upn_lower,"
                                " sessions_valid_from, created_at) VALUES ('" TID "', '" UID "',"
                                " 'a@contoso.porch.test', 'a@contoso.porch.test', 0, 1)"),
                     PORCH_OK);
    return c;
}

/* A new grant and the first token of its chain, absolute lifetime abs_ttl. */
static void start_chain(struct db_conn *c, int64_t abs_ttl, char grant[UUID_STR_LEN],
                        char tok[STORE_REFRESH_TOKEN_LEN])
{
    struct refresh_row r;

    memset(&r, 0, sizeof(r));
    assert_int_equal(store_refresh_grant_create(c, TID, &(struct refresh_grant){.client_id = CLIENT, .user_id = UID}, NOW, grant), PORCH_OK);
    snprintf(r.tenant_id, sizeof(r.tenant_id), "%s", TID);
    snprintf(r.grant_id, sizeof(r.grant_id), "%s", grant);
    snprintf(r.client_id, sizeof(r.client_id), "%s", CLIENT);
    snprintf(r.user_id, sizeof(r.user_id), "%s", UID);
    r.scope = (char *)(uintptr_t) "openid offline_access";
    r.absolute_expires_at = NOW + abs_ttl;
    assert_int_equal(store_refresh_issue(c, &r, NOW, TTL, tok), PORCH_OK);
    assert_int_equal(strlen(tok), 43);
    assert_int_equal(r.expires_at, NOW + (abs_ttl < TTL ? abs_ttl : TTL));
}

static enum porch_err rotate(struct db_conn *c, const char *tok, int64_t now,
                             char next[STORE_REFRESH_TOKEN_LEN], struct refresh_row *out)
{
    struct refresh_row r;
    enum porch_err err = store_refresh_rotate(c, TID, CLIENT, tok, now, TTL, &r, next);

    if (out)
        *out = r;
    else
        store_refresh_row_release(&r);
    return err;
}

static void rotation_chain(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], t0[48], t1[48], t2[48], t3[48];
    struct refresh_row r;

    start_chain(c, TTL, grant, t0);
    assert_int_equal(rotate(c, t0, NOW + 100, t1, &r), PORCH_OK);
    assert_string_not_equal(t0, t1);
    assert_string_equal(r.grant_id, grant);
    assert_string_equal(r.scope, "openid offline_access");
    assert_string_equal(r.user_id, UID);
    assert_int_equal(r.absolute_expires_at, NOW + TTL); /* inherited, never extended */
    assert_int_equal(r.expires_at, NOW + TTL);          /* capped by the absolute expiry */
    store_refresh_row_release(&r);
    assert_int_equal(rotate(c, t1, NOW + 200, t2, NULL), PORCH_OK);
    assert_int_equal(rotate(c, t2, NOW + 300, t3, NULL), PORCH_OK);
    assert_int_equal(rotate(c, "unknown", NOW, t3, NULL), PORCH_E_NOT_FOUND);
    assert_string_equal(t3, "");
    /* Another client cannot redeem it, and that does not burn it. */
    assert_int_equal(store_refresh_rotate(c, TID, "other", t2, NOW + 300, TTL, &r, t3),
                     PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void retry_inside_overlap_window(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], t0[48], t1[48], t1b[48], t1c[48], t2[48];

    start_chain(c, TTL, grant, t0);
    assert_int_equal(rotate(c, t0, NOW + 100, t1, NULL), PORCH_OK);
    /* The client lost the answer and retries: a fresh successor, the unused one dies. */
    assert_int_equal(rotate(c, t0, NOW + 100 + STORE_REFRESH_OVERLAP, t1b, NULL), PORCH_OK);
    assert_string_not_equal(t1, t1b);
    assert_int_equal(rotate(c, t1, NOW + 111, t2, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(rotate(c, t0, NOW + 105, t1c, NULL), PORCH_OK); /* window is not extended */
    assert_int_equal(rotate(c, t1b, NOW + 106, t2, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(rotate(c, t1c, NOW + 107, t2, NULL), PORCH_OK);
    /* The successor was used: a retry of t0 now is reuse, even inside the window. */
    assert_int_equal(rotate(c, t0, NOW + 108, t1b, NULL), PORCH_E_CONFLICT);
    assert_int_equal(rotate(c, t2, NOW + 109, t1b, NULL), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void reuse_after_window_revokes_grant(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], other[UUID_STR_LEN], t0[48], t1[48], t2[48], x[48], o0[48];
    struct refresh_row r;

    start_chain(c, TTL, grant, t0);
    start_chain(c, TTL, other, o0);
    assert_int_equal(rotate(c, t0, NOW + 100, t1, NULL), PORCH_OK);
    assert_int_equal(rotate(c, t1, NOW + 200, t2, NULL), PORCH_OK);
    assert_int_equal(rotate(c, t0, NOW + 100 + STORE_REFRESH_OVERLAP + 1, x, &r), PORCH_E_CONFLICT);
    assert_string_equal(r.grant_id, grant);
    assert_string_equal(x, "");
    /* Every token of the grant is dead, including the live leaf. */
    assert_int_equal(rotate(c, t2, NOW + 300, x, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(rotate(c, t1, NOW + 300, x, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(rotate(c, t0, NOW + 300, x, NULL), PORCH_E_NOT_FOUND);
    /* Other grants are untouched. */
    assert_int_equal(rotate(c, o0, NOW + 300, x, NULL), PORCH_OK);
    fx_release(c);
}

static void absolute_and_sliding_expiry(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], t0[48], t1[48], t2[48];
    struct refresh_row r;

    start_chain(c, DAY, grant, t0); /* an SPA: 24 h absolute */
    assert_int_equal(rotate(c, t0, NOW + DAY - 10, t1, &r), PORCH_OK);
    assert_int_equal(r.expires_at, NOW + DAY);
    store_refresh_row_release(&r);
    assert_int_equal(rotate(c, t1, NOW + DAY, t2, NULL), PORCH_E_NOT_FOUND);

    start_chain(c, 10 * TTL, grant, t0);
    assert_int_equal(rotate(c, t0, NOW + TTL, t1, NULL), PORCH_E_NOT_FOUND); /* sliding */
    fx_release(c);
}

static void sessions_valid_from_and_disable(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], t0[48], t1[48];

    start_chain(c, TTL, grant, t0);
    assert_int_equal(db_exec(c, "UPDATE users SET account_enabled = 0"), PORCH_OK);
    assert_int_equal(rotate(c, t0, NOW + 1, t1, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(db_exec(c, "UPDATE users SET account_enabled = 1"), PORCH_OK);
    assert_int_equal(rotate(c, t0, NOW + 1, t1, NULL), PORCH_OK);
    assert_int_equal(db_exec(c, "UPDATE users SET sessions_valid_from = 1700000002"), PORCH_OK);
    assert_int_equal(rotate(c, t1, NOW + 3, t0, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(store_refresh_grant_revoke(c, TID, "nope", NOW), PORCH_E_NOT_FOUND);
    fx_release(c);
}

struct racer {
    struct db *db;
    const char *tok;
    pthread_barrier_t *go;
    enum porch_err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;
    char next[STORE_REFRESH_TOKEN_LEN];

    pthread_barrier_wait(r->go);
    r->result = db_acquire(r->db, &c);
    if (r->result == PORCH_OK)
        r->result = rotate(c, r->tok, NOW + 1, next, NULL);
    if (c)
        db_release(c);
    return NULL;
}

#define RACERS 8

/* Concurrent redemptions inside the window are retries: none is taken for reuse. */
static void concurrent_redemptions(void **state)
{
    struct db_conn *c = seed(state);
    char grant[UUID_STR_LEN], t0[48];
    pthread_barrier_t go;
    pthread_t th[RACERS];
    struct racer r[RACERS];
    int ok = 0;

    start_chain(c, TTL, grant, t0);
    fx_release(c);
    pthread_barrier_init(&go, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (struct racer){*state, t0, &go, PORCH_E_INTERNAL};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < RACERS; i++) {
        ok += r[i].result == PORCH_OK;
        assert_true(r[i].result == PORCH_OK || r[i].result == PORCH_E_BUSY);
    }
    assert_true(ok >= 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(rotation_chain),
        T(retry_inside_overlap_window),
        T(reuse_after_window_revokes_grant),
        T(absolute_and_sliding_expiry),
        T(sessions_valid_from_and_disable),
        T(concurrent_redemptions),
    };

    return fx_run("refresh", tests, sizeof(tests) / sizeof(tests[0]));
}
