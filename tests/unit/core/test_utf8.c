/* SPDX-License-Identifier: Apache-2.0 */
/* Strict UTF-8 decoding and code point counting. */
#include "unit.h"

#include <string.h>

#include "../../../src/core/utf8.c"

static void decodes_and_counts(void **state)
{
    uint32_t cp = 0;
    size_t n = 0;
    char low[8];
    (void)state;

    assert_int_equal(utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_decode("\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
    assert_int_equal(cp, 0x20ac);
    assert_int_equal(utf8_decode("\xf0\x9f\x94\x91", 4, &cp), 4);
    assert_int_equal(cp, 0x1f511);
    assert_true(utf8_count("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91", 10, &n));
    assert_int_equal(n, 4);
    assert_true(utf8_count("", 0, &n));
    assert_int_equal(n, 0);
    utf8_ascii_lower("AbC\xc3\x89", 5, low);
    assert_memory_equal(low, "abc\xc3\x89", 5);
}

static void rejects_malformed(void **state)
{
    static const char *const bad[] = {
        "\x80",         "\xc3",         "\xc0\x80",         "\xc1\xbf",         "\xe0\x80\xaf",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
        "\xe2\x28\xa1",
    };
    uint32_t cp;
    size_t n;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(utf8_decode(bad[i], strlen(bad[i]), &cp), 0);
        assert_false(utf8_count(bad[i], strlen(bad[i]), &n));
    }
    assert_false(utf8_count("a\0b", 3, &n));              /* NUL is refused */
    assert_int_equal(utf8_decode("\xe2\x82", 2, &cp), 0); /* truncated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_and_counts),
        cmocka_unit_test(rejects_malformed),
    };

    return cmocka_run_group_tests_name("core/utf8", tests, NULL, NULL);
}
