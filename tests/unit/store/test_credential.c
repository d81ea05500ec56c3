/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the application password repository and the client lookup, on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "store/app.h"
#include "store/sp.h"
#include "../../../src/store/credential.c"

#define APP "11111111-1111-4111-8111-111111111111"
#define CID "aaaaaaaa-1111-4111-8111-111111111111"
#define SP  "bbbbbbbb-1111-4111-8111-111111111111"
#define K1  "cccccccc-1111-4111-8111-111111111111"
#define K2  "cccccccc-2222-4222-8222-222222222222"

static void add_client(struct db_conn *c, bool with_sp)
{
    struct app_row a = {.tenant_id = TID1, .id = APP, .app_id = CID, .created_at = 1};
    struct sp_row s = {.tenant_id = TID1, .id = SP, .app_id = CID, .account_enabled = true};

    a.display_name = (char *)(uintptr_t) "Client";
    a.data = (char *)(uintptr_t) "{\"keyCredentials\":[]}";
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    s.display_name = a.display_name;
    s.data = (char *)(uintptr_t) "{}";
    if (with_sp)
        assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
}

static struct credential_row pw(const char *key_id, const char *hash, int64_t end)
{
    struct credential_row p = {.tenant_id = TID1,
                               .app_id = CID,
                               .hint = "abc",
                               .start_at = 10,
                               .end_at = end,
                               .created_at = 10};

    snprintf(p.key_id, sizeof(p.key_id), "%s", key_id);
    snprintf(p.secret_hash, sizeof(p.secret_hash), "%s", hash);
    return p;
}

static void client_with_passwords(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct credential_row p = pw(K1, "hash-one", 100);
    struct credential_client cl;
    size_t n = 0;

    add_client(c, true);
    assert_int_equal(store_credential_insert(c, &p), PORCH_OK);
    assert_int_equal(store_credential_insert(c, &p), PORCH_E_CONFLICT);
    p = pw(K2, "hash-two", 200);
    p.display_name = (char *)(uintptr_t) "ci";
    assert_int_equal(store_credential_insert(c, &p), PORCH_OK);
    p = pw(K2, "bad", 5); /* ends before it starts */
    assert_int_equal(store_credential_insert(c, &p), PORCH_E_INVALID);
    assert_int_equal(store_credential_list(c, TID1, CID, NULL, NULL, &n), PORCH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_credential_client(c, TID1, CID, false, &cl), PORCH_OK);
    assert_string_equal(cl.app_object_id, APP);
    assert_string_equal(cl.sp_id, SP);
    assert_true(cl.sp_enabled);
    assert_null(cl.app_data);
    assert_int_equal(cl.npw, 2);
    assert_int_equal(cl.pw[0].end_at + cl.pw[1].end_at, 300);
    assert_int_equal(store_credential_client(c, TID1, CID, true, &cl), PORCH_OK);
    assert_string_equal(cl.app_data, "{\"keyCredentials\":[]}");
    assert_int_equal(cl.npw, 0);
    free(cl.app_data);
    assert_int_equal(store_credential_client(c, TID2, CID, false, &cl), PORCH_E_NOT_FOUND);
    assert_int_equal(store_credential_delete(c, TID1, CID, K1), PORCH_OK);
    assert_int_equal(store_credential_delete(c, TID1, CID, K1), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void client_without_sp_or_passwords(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct credential_client cl;

    add_client(c, false);
    assert_int_equal(store_credential_client(c, TID1, CID, false, &cl), PORCH_OK);
    assert_string_equal(cl.sp_id, "");
    assert_false(cl.sp_enabled);
    assert_int_equal(cl.npw, 0);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {T(client_with_passwords), T(client_without_sp_or_passwords)};
    return fx_run("store_credential", tests, sizeof(tests) / sizeof(tests[0]));
}
