/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the SSO session repository on every backend: create/get, sliding idle expiry
 * bounded by the absolute one (under a fixed clock), logout, and revocation of everything a
 * user holds (explicitly and through sessions_valid_from, disabling and deletion).
 */
#include "unit.h"

#include "core/clock.h"
#include "db/db.h"
#include "store/tenant.h"
#include "store/refresh.h"
#include "../db/fixture.h"
#include "../../../src/store/session.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define UID    "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
#define CLIENT "6e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define T0     1700000000
#define HOUR   3600
#define IDLE   (24 * HOUR)
#define ABS    (14 * 24 * HOUR)

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
    clock_set_fixed(T0);
    return c;
}

static void create(struct db_conn *c, char id[STORE_SESSION_ID_LEN])
{
    struct session_row s;

    memset(&s, 0, sizeof(s));
    snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", TID);
    snprintf(s.user_id, sizeof(s.user_id), "%s", UID);
    s.auth_time = clock_now();
    s.persistent = true;
    assert_int_equal(store_session_create(c, &s, clock_now(), IDLE, ABS, id), PORCH_OK);
    assert_int_equal(strlen(id), 43);
    assert_int_equal(s.idle_expires_at, clock_now() + IDLE);
    assert_int_equal(s.absolute_expires_at, clock_now() + ABS);
}

static void create_get_and_logout(void **state)
{
    struct db_conn *c = seed(state);
    struct session_row s;
    char id[STORE_SESSION_ID_LEN];

    create(c, id);
    assert_int_equal(store_session_get(c, TID, id, clock_now(), &s), PORCH_OK);
    assert_string_equal(s.user_id, UID);
    assert_true(s.persistent);
    assert_int_equal(s.auth_time, T0);
    assert_string_not_equal(s.id_hash, id);
    assert_int_equal(store_session_get(c, TID, "forged", clock_now(), &s), PORCH_E_NOT_FOUND);
    assert_int_equal(
        store_session_get(c, "00000000-0000-4000-8000-000000000000", id, clock_now(), &s),
        PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_revoke(c, TID, id, clock_now()), PORCH_OK);
    assert_int_equal(store_session_get(c, TID, id, clock_now(), &s), PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_revoke(c, TID, id, clock_now()), PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_touch(c, TID, id, clock_now(), IDLE), PORCH_E_NOT_FOUND);
    fx_release(c);
    clock_set_fixed(-1);
}

static void idle_expiry_slides_until_absolute(void **state)
{
    struct db_conn *c = seed(state);
    struct session_row s;
    char id[STORE_SESSION_ID_LEN], idle[STORE_SESSION_ID_LEN];

    create(c, id);
    create(c, idle);
    /* Used every 20 hours, the session lives to its absolute expiry and no further. */
    for (int64_t t = T0 + 20 * HOUR; t < T0 + ABS; t += 20 * HOUR) {
        clock_set_fixed(t);
        assert_int_equal(store_session_touch(c, TID, id, clock_now(), IDLE), PORCH_OK);
        assert_int_equal(store_session_get(c, TID, id, clock_now(), &s), PORCH_OK);
        assert_int_equal(s.last_seen_at, t);
        assert_true(s.idle_expires_at <= s.absolute_expires_at);
    }
    assert_int_equal(s.idle_expires_at, T0 + ABS); /* capped */
    clock_set_fixed(T0 + ABS - 1);
    assert_int_equal(store_session_get(c, TID, id, clock_now(), &s), PORCH_OK);
    clock_set_fixed(T0 + ABS);
    assert_int_equal(store_session_get(c, TID, id, clock_now(), &s), PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_touch(c, TID, id, clock_now(), IDLE), PORCH_E_NOT_FOUND);

    /* The untouched one went idle after 24 h. */
    clock_set_fixed(T0 + IDLE - 1);
    assert_int_equal(store_session_get(c, TID, idle, clock_now(), &s), PORCH_OK);
    clock_set_fixed(T0 + IDLE);
    assert_int_equal(store_session_get(c, TID, idle, clock_now(), &s), PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_touch(c, TID, idle, clock_now(), IDLE), PORCH_E_NOT_FOUND);
    fx_release(c);
    clock_set_fixed(-1);
}

static void revoke_user_ends_everything(void **state)
{
    struct db_conn *c = seed(state);
    struct session_row s;
    struct refresh_row r;
    char a[STORE_SESSION_ID_LEN], b[STORE_SESSION_ID_LEN], grant[UUID_STR_LEN];
    char tok[STORE_REFRESH_TOKEN_LEN], next[STORE_REFRESH_TOKEN_LEN];

    create(c, a);
    create(c, b);
    memset(&r, 0, sizeof(r));
    assert_int_equal(store_refresh_grant_create(c, TID, &(struct refresh_grant){.client_id = CLIENT, .user_id = UID}, T0, grant), PORCH_OK);
    snprintf(r.tenant_id, sizeof(r.tenant_id), "%s", TID);
    snprintf(r.grant_id, sizeof(r.grant_id), "%s", grant);
    snprintf(r.client_id, sizeof(r.client_id), "%s", CLIENT);
    snprintf(r.user_id, sizeof(r.user_id), "%s", UID);
    r.absolute_expires_at = T0 + ABS;
    assert_int_equal(store_refresh_issue(c, &r, T0, ABS, tok), PORCH_OK);

    assert_int_equal(store_session_revoke_user(c, TID, UID, T0 + 1), PORCH_OK);
    assert_int_equal(store_session_get(c, TID, a, T0 + 1, &s), PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_get(c, TID, b, T0 + 1, &s), PORCH_E_NOT_FOUND);
    assert_int_equal(store_refresh_rotate(c, TID, CLIENT, tok, T0 + 1, ABS, &r, next),
                     PORCH_E_NOT_FOUND);
    assert_int_equal(store_session_revoke_user(c, TID, UID, T0 + 1), PORCH_OK); /* idempotent */
    fx_release(c);
    clock_set_fixed(-1);
}

static void user_state_voids_sessions(void **state)
{
    struct db_conn *c = seed(state);
    struct session_row s;
    char id[STORE_SESSION_ID_LEN];

    create(c, id);
    assert_int_equal(db_exec(c, "UPDATE users SET sessions_valid_from = 1700000001"), PORCH_OK);
    assert_int_equal(store_session_get(c, TID, id, T0 + 1, &s), PORCH_E_NOT_FOUND);
    clock_set_fixed(T0 + 1); /* a sign-in in the same second as the revocation counts */
    create(c, id);
    assert_int_equal(store_session_get(c, TID, id, T0 + 1, &s), PORCH_OK);
    assert_int_equal(db_exec(c, "UPDATE users SET account_enabled = 0"), PORCH_OK);
    assert_int_equal(store_session_get(c, TID, id, T0 + 1, &s), PORCH_E_NOT_FOUND);
    assert_int_equal(db_exec(c, "UPDATE users SET account_enabled = 1, deleted_at = 5"), PORCH_OK);
    assert_int_equal(store_session_get(c, TID, id, T0 + 1, &s), PORCH_E_NOT_FOUND);
    assert_int_equal(db_exec(c, "DELETE FROM users"), PORCH_OK);
    /* touch does not look at the user: NOT_FOUND means the cascade removed the row. */
    assert_int_equal(store_session_touch(c, TID, id, T0 + 1, IDLE), PORCH_E_NOT_FOUND);
    fx_release(c);
    clock_set_fixed(-1);
}

static void rejects_bad_input(void **state)
{
    struct db_conn *c = seed(state);
    struct session_row s;
    char id[STORE_SESSION_ID_LEN];

    memset(&s, 0, sizeof(s));
    snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", TID);
    assert_int_equal(store_session_create(c, &s, T0, IDLE, ABS, id), PORCH_E_INVALID);
    assert_string_equal(id, "");
    snprintf(s.user_id, sizeof(s.user_id), "00000000-0000-4000-8000-000000000000");
    assert_int_equal(store_session_create(c, &s, T0, IDLE, ABS, id), PORCH_E_STORE);
    snprintf(s.user_id, sizeof(s.user_id), "%s", UID);
    assert_int_equal(store_session_create(c, &s, T0, 0, ABS, id), PORCH_E_INVALID);
    fx_release(c);
    clock_set_fixed(-1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(create_get_and_logout),       T(idle_expiry_slides_until_absolute),
        T(revoke_user_ends_everything), T(user_state_voids_sessions),
        T(rejects_bad_input),
    };

    return fx_run("session", tests, sizeof(tests) / sizeof(tests[0]));
}
