/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the application repository, on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "store/credential.h"
#include "store/extprop.h"
#include "../../../src/store/app.c"

static struct app_row make(const char *tid, const char *id, const char *app_id, const char *name,
                           int64_t at)
{
    struct app_row a = {.created_at = at};

    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tid);
    snprintf(a.id, sizeof(a.id), "%s", id);
    snprintf(a.app_id, sizeof(a.app_id), "%s", app_id);
    a.display_name = (char *)(uintptr_t)name;
    a.data = (char *)(uintptr_t) "{\"signInAudience\":\"AzureADMyOrg\"}";
    return a;
}

#define A1 "11111111-1111-4111-8111-111111111111"
#define A2 "22222222-2222-4222-8222-222222222222"
#define A3 "33333333-3333-4333-8333-333333333333"
#define C1 "aaaaaaaa-1111-4111-8111-111111111111"
#define C2 "aaaaaaaa-2222-4222-8222-222222222222"
#define C3 "aaaaaaaa-3333-4333-8333-333333333333"

static void insert_get_update(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct app_row a = make(TID1, A1, C1, "Web shop", 100), got;

    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    assert_int_equal(store_app_insert(c, &a), PORCH_E_CONFLICT);
    assert_int_equal(store_app_get(c, TID1, A1, &got), PORCH_OK);
    assert_string_equal(got.app_id, C1);
    assert_string_equal(got.display_name, "Web shop");
    assert_string_equal(got.data, a.data);
    assert_int_equal(got.created_at, 100);
    store_app_row_release(&got);
    assert_int_equal(store_app_get_by_app_id(c, TID1, C1, &got), PORCH_OK);
    assert_string_equal(got.id, A1);
    store_app_row_release(&got);
    /* another tenant never sees it */
    assert_int_equal(store_app_get(c, TID2, A1, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_app_get_by_app_id(c, TID2, C1, &got), PORCH_E_NOT_FOUND);
    a.display_name = (char *)(uintptr_t) "Renamed";
    assert_int_equal(store_app_update(c, &a), PORCH_OK);
    assert_int_equal(store_app_get(c, TID1, A1, &got), PORCH_OK);
    assert_string_equal(got.display_name, "Renamed");
    store_app_row_release(&got);
    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", TID2);
    assert_int_equal(store_app_update(c, &a), PORCH_E_NOT_FOUND);
    a = make(TID1, "not-a-guid", C2, "x", 1);
    assert_int_equal(store_app_insert(c, &a), PORCH_E_INVALID);
    fx_release(c);
}

static enum porch_err collect(const struct app_row *a, void *ctx)
{
    char *names = ctx;
    size_t n = strlen(names);

    snprintf(names + n, 256 - n, "%s;", a->display_name);
    return PORCH_OK;
}

static void list_filters_orders_and_counts(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct app_row a;
    char names[256] = "";
    int64_t total = -1;
    struct store_bind b = {.text = "B%"};
    struct store_query q = {.where = "display_name LIKE ?",
                            .binds = &b,
                            .nbinds = 1,
                            .order_by = "display_name DESC, id",
                            .limit = 10};

    a = make(TID1, A1, C1, "Alpha", 3);
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    a = make(TID1, A2, C2, "Beta", 2);
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    a = make(TID1, A3, C3, "Bravo", 1);
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    a = make(TID2, A1, C1, "Bogus", 1);
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    assert_int_equal(store_app_list(c, TID1, NULL, collect, names, &total), PORCH_OK);
    assert_string_equal(names, "Bravo;Beta;Alpha;");
    assert_int_equal(total, 3);
    names[0] = '\0';
    assert_int_equal(store_app_list(c, TID1, &q, collect, names, &total), PORCH_OK);
    assert_string_equal(names, "Bravo;Beta;");
    assert_int_equal(total, 2);
    names[0] = '\0';
    q.limit = 1;
    q.offset = 1;
    assert_int_equal(store_app_list(c, TID1, &q, collect, names, NULL), PORCH_OK);
    assert_string_equal(names, "Beta;");
    names[0] = '\0';
    q.limit = 0;
    assert_int_equal(store_app_list(c, TID1, &q, collect, names, &total), PORCH_OK);
    assert_string_equal(names, "");
    assert_int_equal(total, 2);
    fx_release(c);
}

static void delete_takes_passwords_and_extensions(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct app_row a = make(TID1, A1, C1, "Web shop", 1);
    struct credential_row p = {.tenant_id = TID1,
                               .app_id = C1,
                               .key_id = A2,
                               .hint = "abc",
                               .secret_hash = "h",
                               .start_at = 1,
                               .end_at = 2};
    struct extprop_row x = {.tenant_id = TID1,
                            .id = A3,
                            .app_object_id = A1,
                            .name = "extension_x_hobby",
                            .data_type = "String",
                            .target_objects = (char *)(uintptr_t) "[\"User\"]"};

    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    a = make(TID2, A1, C1, "Same ids elsewhere", 1);
    assert_int_equal(store_app_insert(c, &a), PORCH_OK);
    assert_int_equal(store_credential_insert(c, &p), PORCH_OK);
    assert_int_equal(store_extprop_insert(c, &x), PORCH_OK);
    assert_int_equal(db_begin(c, true), PORCH_OK);
    assert_int_equal(store_app_delete(c, TID1, A1), PORCH_OK);
    assert_int_equal(db_commit(c), PORCH_OK);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM app_passwords"), 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM extension_properties"), 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM applications"), 1);
    assert_int_equal(store_app_delete(c, TID1, A1), PORCH_E_NOT_FOUND);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(insert_get_update),
        T(list_filters_orders_and_counts),
        T(delete_takes_passwords_and_extensions),
    };
    return fx_run("store_app", tests, sizeof(tests) / sizeof(tests[0]));
}
