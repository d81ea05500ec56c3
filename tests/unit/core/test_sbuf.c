/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "../../../src/core/sbuf.c"

static void sbuf_rejects_growth_past_cap(void **state)
{
    struct sbuf sb;
    (void)state;
    sbuf_init(&sb, 4);
    assert_int_equal(sbuf_addf(&sb, "%s", "12345"), PORCH_E_TOO_BIG);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.buf, "");
    assert_int_equal(sbuf_adds(&sb, "1234"), PORCH_OK);
    assert_int_equal(sbuf_addch(&sb, 'x'), PORCH_E_TOO_BIG);
    assert_string_equal(sb.buf, "1234");
    sbuf_release(&sb);
}

static void sbuf_formats_and_detaches(void **state)
{
    struct sbuf sb;
    size_t len;
    char *p;
    (void)state;
    sbuf_init(&sb, 1024);
    for (int i = 0; i < 100; i++)
        assert_int_equal(sbuf_addf(&sb, "%d,", i % 10), PORCH_OK);
    assert_int_equal(sb.len, 200);
    p = sbuf_detach(&sb, &len);
    assert_int_equal(len, 200);
    assert_memory_equal(p, "0,1,2,", 6);
    assert_int_equal(sb.len, 0);
    free(p);
}

static void sbuf_escapes_json(void **state)
{
    struct sbuf sb;
    (void)state;
    sbuf_init(&sb, 64);
    assert_int_equal(sbuf_add_json_str(&sb, "a\"b\\c\n\x01"), PORCH_OK);
    assert_string_equal(sb.buf, "a\\\"b\\\\c\\n\\u0001");
    sbuf_reset(&sb);
    sb.max = 3;
    assert_int_equal(sbuf_add_json_str(&sb, "\"\"\""), PORCH_E_TOO_BIG);
    assert_int_equal(sb.len, 0);
    sbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sbuf_rejects_growth_past_cap),
        cmocka_unit_test(sbuf_formats_and_detaches),
        cmocka_unit_test(sbuf_escapes_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
