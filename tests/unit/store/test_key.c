/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the signing-key repository, run on SQLite and, when configured, PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/store/key.c"

#define TID1 "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

static struct key_row make(const char *tid, const char *kid, int64_t active_at, int64_t expires_at)
{
    struct key_row k = {
        .created_at = active_at - 10, .active_at = active_at, .expires_at = expires_at};

    snprintf(k.tenant_id, sizeof(k.tenant_id), "%s", tid);
    snprintf(k.kid, sizeof(k.kid), "%s", kid);
    snprintf(k.alg, sizeof(k.alg), "RS256");
    k.public_jwk = (char *)(uintptr_t) "{\"kty\":\"RSA\"}";
    k.private_enc = (char *)(uintptr_t) "sealed:abc";
    return k;
}

static struct db_conn *setup_keys(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct key_row k;

    fx_add_tenant(c, TID1, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    k = make(TID1, "old", 1000, 0);
    assert_int_equal(store_key_insert(c, &k), PORCH_OK);
    k = make(TID1, "new", 2000, 0);
    assert_int_equal(store_key_insert(c, &k), PORCH_OK);
    k = make(TID2, "other", 1500, 0);
    assert_int_equal(store_key_insert(c, &k), PORCH_OK);
    return c;
}

static void lists_newest_first(void **state)
{
    struct db_conn *c = setup_keys(state);
    struct key_row *rows = NULL;
    size_t n = 0;

    assert_int_equal(store_key_list(c, TID1, 5000, &rows, &n), PORCH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].kid, "new");
    assert_string_equal(rows[1].kid, "old");
    assert_string_equal(rows[0].tenant_id, TID1);
    assert_string_equal(rows[0].alg, "RS256");
    assert_string_equal(rows[0].public_jwk, "{\"kty\":\"RSA\"}");
    assert_string_equal(rows[0].private_enc, "sealed:abc");
    assert_int_equal(rows[0].created_at, 1990);
    assert_int_equal(rows[0].active_at, 2000);
    assert_int_equal(rows[0].expires_at, 0);
    store_key_rows_free(rows, n);

    assert_int_equal(store_key_list(c, "00000000-0000-4000-8000-000000000000", 5000, &rows, &n),
                     PORCH_OK);
    assert_int_equal(n, 0);
    assert_null(rows);
    fx_release(c);
}

static void expiry_retires_old_keys(void **state)
{
    struct db_conn *c = setup_keys(state);
    struct key_row *rows = NULL, k = make(TID1, "expiring", 500, 4000);
    size_t n = 0;

    assert_int_equal(store_key_insert(c, &k), PORCH_OK);
    assert_int_equal(store_key_set_expiry(c, TID1, "new", 3000), PORCH_OK);

    assert_int_equal(store_key_list(c, TID1, 2999, &rows, &n), PORCH_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].kid, "new");
    assert_int_equal(rows[0].expires_at, 0);
    assert_string_equal(rows[1].kid, "old");
    assert_int_equal(rows[1].expires_at, 3000);
    assert_string_equal(rows[2].kid, "expiring");
    assert_int_equal(rows[2].expires_at, 4000); /* an existing expiry is kept */
    store_key_rows_free(rows, n);

    assert_int_equal(store_key_list(c, TID1, 3000, &rows, &n), PORCH_OK);
    assert_int_equal(n, 2); /* expires_at == now is no longer published */
    store_key_rows_free(rows, n);
    assert_int_equal(store_key_list(c, TID1, 4000, &rows, &n), PORCH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].kid, "new");
    store_key_rows_free(rows, n);

    /* The other tenant's key is untouched. */
    assert_int_equal(store_key_list(c, TID2, 1000000, &rows, &n), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].expires_at, 0);
    store_key_rows_free(rows, n);

    assert_int_equal(store_key_set_expiry(c, TID2, NULL, 10), PORCH_OK);
    assert_int_equal(store_key_list(c, TID2, 10, &rows, &n), PORCH_OK);
    assert_int_equal(n, 0);
    fx_release(c);
}

static void rejects_duplicates_and_bad_rows(void **state)
{
    struct db_conn *c = setup_keys(state);
    struct key_row k = make(TID1, "new", 3000, 0);

    assert_int_equal(store_key_insert(c, &k), PORCH_E_CONFLICT);
    k = make(TID2, "new", 3000, 0); /* kids are per tenant */
    assert_int_equal(store_key_insert(c, &k), PORCH_OK);
    k = make(TID1, "k2", 3000, 0);
    k.public_jwk = NULL;
    assert_int_equal(store_key_insert(c, &k), PORCH_E_INVALID);
    k = make(TID1, "", 3000, 0);
    assert_int_equal(store_key_insert(c, &k), PORCH_E_INVALID);
    k = make("00000000-0000-4000-8000-000000000000", "k3", 3000, 0);
    assert_int_equal(store_key_insert(c, &k), PORCH_E_STORE); /* no such tenant */
    fx_release(c);
}

static void oversized_stored_values_fail(void **state)
{
    struct db_conn *c = setup_keys(state);
    struct key_row *rows = (struct key_row *)1;
    size_t n = 7;

    assert_int_equal(db_exec(c, "UPDATE signing_keys SET alg = 'ALGORITHM-NAME-TOO-LONG' "
                                "WHERE kid = 'old'"),
                     PORCH_OK);
    assert_int_equal(store_key_list(c, TID1, 0, &rows, &n), PORCH_E_STORE);
    assert_null(rows);
    assert_int_equal(n, 0);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(lists_newest_first),
        T(expiry_retires_old_keys),
        T(rejects_duplicates_and_bad_rows),
        T(oversized_stored_values_fail),
    };

    return fx_run("key", tests, sizeof(tests) / sizeof(tests[0]));
}
