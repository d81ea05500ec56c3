/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <string.h>

#include "../../../src/core/uuid.c"

static void uuid_is_version4_and_unique(void **state)
{
    char a[UUID_STR_LEN], b[UUID_STR_LEN];
    (void)state;
    uuid_v4(a);
    uuid_v4(b);
    assert_int_equal(strlen(a), 36);
    assert_true(uuid_valid(a));
    assert_int_equal(a[14], '4');
    assert_true(strchr("89ab", a[19]) != NULL);
    assert_string_not_equal(a, b);
}

static void uuid_valid_checks_shape(void **state)
{
    (void)state;
    assert_true(uuid_valid("00000003-0000-0000-C000-000000000000"));
    assert_false(uuid_valid("00000003-0000-0000-c000-00000000000"));
    assert_false(uuid_valid("00000003-0000-0000-c000-0000000000000"));
    assert_false(uuid_valid("00000003x0000-0000-c000-000000000000"));
    assert_false(uuid_valid("0000000g-0000-0000-c000-000000000000"));
    assert_false(uuid_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uuid_is_version4_and_unique),
        cmocka_unit_test(uuid_valid_checks_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
