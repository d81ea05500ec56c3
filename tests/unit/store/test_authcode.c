/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the authorization code repository on every backend: issue and redeem, expiry,
 * client binding, second redemption reporting the grant, a revoked grant, and 50 threads
 * racing to redeem one code with exactly one winner.
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/tenant.h"
#include "store/refresh.h"
#include "../db/fixture.h"
#include "../../../src/store/authcode.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define UID    "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
#define CLIENT "6e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define NOW    1700000000

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

static void issue(struct db_conn *c, struct authcode_row *a, char code[STORE_AUTHCODE_LEN])
{
    memset(a, 0, sizeof(*a));
    snprintf(a->tenant_id, sizeof(a->tenant_id), "%s", TID);
    snprintf(a->client_id, sizeof(a->client_id), "%s", CLIENT);
    snprintf(a->user_id, sizeof(a->user_id), "%s", UID);
    snprintf(a->session_id, sizeof(a->session_id), "sessionhash");
    a->redirect_uri = (char *)(uintptr_t) "https://app.example/cb";
    a->code_challenge = (char *)(uintptr_t) "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    a->scope = (char *)(uintptr_t) "openid offline_access";
    a->auth_time = NOW - 5;
    assert_int_equal(store_authcode_issue(c, a, NOW, 60, code), PORCH_OK);
    assert_int_equal(strlen(code), 43);
}

static void issue_and_redeem(void **state)
{
    struct db_conn *c = seed(state);
    struct authcode_row a, got;
    char code[STORE_AUTHCODE_LEN];

    issue(c, &a, code);
    assert_int_equal(a.expires_at, NOW + 60);
    assert_true(uuid_valid(a.grant_id));
    assert_string_not_equal(a.code_hash, code); /* only the hash is stored */

    assert_int_equal(store_authcode_consume(c, TID, CLIENT, code, NOW + 59, &got), PORCH_OK);
    assert_string_equal(got.redirect_uri, "https://app.example/cb");
    assert_string_equal(got.code_challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert_null(got.nonce);
    assert_string_equal(got.scope, "openid offline_access");
    assert_string_equal(got.user_id, UID);
    assert_string_equal(got.session_id, "sessionhash");
    assert_string_equal(got.grant_id, a.grant_id);
    assert_int_equal(got.auth_time, NOW - 5);
    store_authcode_row_release(&got);

    /* The second redemption names the grant, so the caller can revoke it. */
    assert_int_equal(store_authcode_consume(c, TID, CLIENT, code, NOW + 1, &got), PORCH_E_CONFLICT);
    assert_string_equal(got.grant_id, a.grant_id);
    assert_int_equal(store_authcode_consume(c, TID, CLIENT, "nope", NOW, &got), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void expiry_client_and_revoked_grant(void **state)
{
    struct db_conn *c = seed(state);
    struct authcode_row a, got;
    char code[STORE_AUTHCODE_LEN], code2[STORE_AUTHCODE_LEN];

    issue(c, &a, code);
    assert_int_equal(store_authcode_consume(c, TID, CLIENT, code, NOW + 60, &got),
                     PORCH_E_NOT_FOUND); /* 60 s means expired at NOW + 60 */
    issue(c, &a, code);
    assert_int_equal(store_authcode_consume(c, TID, "other-client", code, NOW, &got),
                     PORCH_E_NOT_FOUND);
    assert_int_equal(
        store_authcode_consume(c, "00000000-0000-4000-8000-000000000000", CLIENT, code, NOW, &got),
        PORCH_E_NOT_FOUND);
    assert_int_equal(store_authcode_consume(c, TID, CLIENT, code, NOW, &got), PORCH_OK);
    store_authcode_row_release(&got);

    issue(c, &a, code2);
    assert_int_equal(store_refresh_grant_revoke(c, TID, a.grant_id, NOW), PORCH_OK);
    assert_int_equal(store_authcode_consume(c, TID, CLIENT, code2, NOW, &got), PORCH_E_NOT_FOUND);

    a.redirect_uri = NULL;
    assert_int_equal(store_authcode_issue(c, &a, NOW, 60, code), PORCH_E_INVALID);
    assert_string_equal(code, "");
    fx_release(c);
}

struct racer {
    struct db *db;
    const char *code;
    pthread_barrier_t *go;
    enum porch_err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;
    struct authcode_row got;

    pthread_barrier_wait(r->go);
    r->result = db_acquire(r->db, &c);
    if (r->result == PORCH_OK)
        r->result = store_authcode_consume(c, TID, CLIENT, r->code, NOW, &got);
    if (r->result == PORCH_OK)
        store_authcode_row_release(&got);
    if (c)
        db_release(c);
    return NULL;
}

#define RACERS 50

static void fifty_threads_one_winner(void **state)
{
    struct db_conn *c = seed(state);
    struct authcode_row a;
    char code[STORE_AUTHCODE_LEN];
    pthread_barrier_t go;
    pthread_t th[RACERS];
    struct racer r[RACERS];
    int won = 0, replayed = 0;

    issue(c, &a, code);
    fx_release(c);
    pthread_barrier_init(&go, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (struct racer){*state, code, &go, PORCH_E_INTERNAL};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < RACERS; i++) {
        won += r[i].result == PORCH_OK;
        replayed += r[i].result == PORCH_E_CONFLICT;
    }
    assert_int_equal(won, 1);
    assert_int_equal(replayed, RACERS - 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(issue_and_redeem),
        T(expiry_client_and_revoked_grant),
        T(fifty_threads_one_winner),
    };

    return fx_run("authcode", tests, sizeof(tests) / sizeof(tests[0]));
}
