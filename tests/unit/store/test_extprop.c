/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the directory extension property repository, on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "../../../src/store/extprop.c"

#define X1 "11111111-1111-4111-8111-111111111111"
#define X2 "22222222-2222-4222-8222-222222222222"
#define AP "aaaaaaaa-1111-4111-8111-111111111111"

static enum porch_err count(const struct extprop_row *x, void *ctx)
{
    (void)x;
    (*(int *)ctx)++;
    return PORCH_OK;
}

static void crud_and_unique_name(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct extprop_row x = {.tenant_id = TID1,
                            .id = X1,
                            .app_object_id = AP,
                            .name = "extension_abc_hobby",
                            .data_type = "String",
                            .is_multi_valued = true,
                            .target_objects = (char *)(uintptr_t) "[\"User\"]"};
    struct extprop_row got;
    int n = 0;

    assert_int_equal(store_extprop_insert(c, &x), PORCH_OK);
    snprintf(x.id, sizeof(x.id), "%s", X2);
    assert_int_equal(store_extprop_insert(c, &x), PORCH_E_CONFLICT);
    snprintf(x.tenant_id, sizeof(x.tenant_id), "%s", TID2);
    assert_int_equal(store_extprop_insert(c, &x), PORCH_OK);
    assert_int_equal(store_extprop_get(c, TID1, X1, &got), PORCH_OK);
    assert_true(got.is_multi_valued);
    assert_string_equal(got.target_objects, "[\"User\"]");
    store_extprop_row_release(&got);
    assert_int_equal(store_extprop_get_by_name(c, TID2, "extension_abc_hobby", &got), PORCH_OK);
    assert_string_equal(got.id, X2);
    store_extprop_row_release(&got);
    assert_int_equal(store_extprop_list(c, TID1, NULL, count, &n, NULL), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_extprop_delete(c, TID1, X1), PORCH_OK);
    assert_int_equal(store_extprop_get(c, TID1, X1, &got), PORCH_E_NOT_FOUND);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {T(crud_and_unique_name)};
    return fx_run("store_extprop", tests, sizeof(tests) / sizeof(tests[0]));
}
