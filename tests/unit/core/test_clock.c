/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "../../../src/core/clock.c"

static void clock_formats_and_parses_iso(void **state)
{
    char buf[32];
    int64_t t;
    (void)state;
    assert_string_equal(clock_format_iso(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
    assert_string_equal(clock_format_iso(1767323045, buf, sizeof(buf)), "2026-01-02T03:04:05Z");
    assert_int_equal(clock_parse_iso("2026-01-02T03:04:05Z", &t), 0);
    assert_int_equal(t, 1767323045);
    assert_int_equal(clock_parse_iso("2026-01-02T03:04:05.1234567Z", &t), 0);
    assert_int_equal(t, 1767323045);
    assert_int_equal(clock_parse_iso("2026-01-02T03:04:05", &t), -1);
    assert_int_equal(clock_parse_iso("2026-13-02T03:04:05Z", &t), -1);
    assert_int_equal(clock_parse_iso("2026-01-02T03:04:05+01:00", &t), -1);
    assert_int_equal(clock_parse_iso("", &t), -1);
}

static void clock_can_be_pinned(void **state)
{
    (void)state;
    clock_set_fixed(1000);
    assert_int_equal(clock_now(), 1000);
    clock_set_fixed(-1);
    assert_true(clock_now() > 1700000000);
    int64_t a = clock_mono_ms(), b = clock_mono_ms();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clock_formats_and_parses_iso),
        cmocka_unit_test(clock_can_be_pinned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
