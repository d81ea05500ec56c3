/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the user flow attribute description repository, on every backend. */
#include "unit.h"

#include <stdlib.h>

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "../../../src/store/flowattr.c"

#define NAME "extension_abc_Hobby"

static void put_get_replace_delete(void **state)
{
    struct db_conn *c = two_tenants(state);
    char *d = NULL;

    assert_int_equal(store_flowattr_get(c, TID1, NAME, &d), PORCH_OK);
    assert_string_equal(d, "");
    free(d);
    assert_int_equal(store_flowattr_put(c, TID1, NAME, "Your hobby"), PORCH_OK);
    assert_int_equal(store_flowattr_put(c, TID2, NAME, "Other tenant"), PORCH_OK);
    assert_int_equal(store_flowattr_get(c, TID1, NAME, &d), PORCH_OK);
    assert_string_equal(d, "Your hobby");
    free(d);
    assert_int_equal(store_flowattr_put(c, TID1, NAME, "What you do for fun"), PORCH_OK);
    assert_int_equal(store_flowattr_get(c, TID1, NAME, &d), PORCH_OK);
    assert_string_equal(d, "What you do for fun");
    free(d);
    assert_int_equal(store_flowattr_delete(c, TID1, NAME), PORCH_OK);
    assert_int_equal(store_flowattr_delete(c, TID1, NAME), PORCH_OK);
    assert_int_equal(store_flowattr_get(c, TID1, NAME, &d), PORCH_OK);
    assert_string_equal(d, "");
    free(d);
    assert_int_equal(store_flowattr_get(c, TID2, NAME, &d), PORCH_OK);
    assert_string_equal(d, "Other tenant");
    free(d);
    fx_release(c);
}

static void rejects_bad_input(void **state)
{
    struct db_conn *c = two_tenants(state);
    char big[STORE_FLOWATTR_DESCRIPTION_MAX + 2];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(store_flowattr_put(c, TID1, "", "x"), PORCH_E_INVALID);
    assert_int_equal(store_flowattr_put(c, TID1, NAME, NULL), PORCH_E_INVALID);
    assert_int_equal(store_flowattr_put(c, TID1, NAME, big), PORCH_E_INVALID);
    big[STORE_FLOWATTR_DESCRIPTION_MAX] = '\0';
    assert_int_equal(store_flowattr_put(c, TID1, NAME, big), PORCH_OK);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(put_get_replace_delete),
        T(rejects_bad_input),
    };
    return fx_run("flowattr", tests, sizeof(tests) / sizeof(tests[0]));
}
