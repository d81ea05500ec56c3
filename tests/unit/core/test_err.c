/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <string.h>

#include "../../../src/core/err.c"

static void err_names_every_code(void **state)
{
    (void)state;
    for (int i = 0; i < PORCH_E__COUNT; i++) {
        assert_non_null(porch_err_str((enum porch_err)i));
        assert_true(strlen(porch_err_str((enum porch_err)i)) > 0);
    }
    assert_string_equal(porch_err_str(PORCH_E_NOT_FOUND), "not found");
    assert_string_equal(porch_err_str((enum porch_err)999), "unknown");
}

static void err_set_records_site_and_message(void **state)
{
    struct porch_error e = {0};
    (void)state;
    assert_int_equal(PORCH_ERROR_SET(&e, PORCH_E_INVALID, "bad '%s'", "x"), PORCH_E_INVALID);
    assert_int_equal(e.code, PORCH_E_INVALID);
    assert_string_equal(e.msg, "bad 'x'");
    assert_non_null(strstr(e.file, "test_err.c"));
    assert_string_equal(e.func, "err_set_records_site_and_message");
    assert_int_equal(PORCH_ERROR_SET(NULL, PORCH_E_STORE, "ignored"), PORCH_E_STORE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(err_names_every_code),
        cmocka_unit_test(err_set_records_site_and_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
