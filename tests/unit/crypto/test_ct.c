/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for crypto/ct.c: constant-time compare and cleanse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../../src/crypto/ct.c"

static void ct_compare_equal_and_different(void **state)
{
    (void)state;
    assert_int_equal(ct_compare("abcdef", "abcdef", 6), 0);
    assert_int_not_equal(ct_compare("abcdef", "abcdeg", 6), 0);
    assert_int_not_equal(ct_compare("xbcdef", "abcdef", 6), 0);
    assert_int_equal(ct_compare("a", "b", 0), 0);
}

static void ct_cleanse_zeroes(void **state)
{
    unsigned char buf[16];
    (void)state;
    memset(buf, 0xaa, sizeof(buf));
    ct_cleanse(buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    ct_cleanse(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ct_compare_equal_and_different),
        cmocka_unit_test(ct_cleanse_zeroes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
