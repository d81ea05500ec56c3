/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <string.h>

#include "../../../src/core/rand.c"
#include "../../../src/core/xalloc.c"

static void rand_tokens_are_url_safe_and_distinct(void **state)
{
    char a[64], b[64];
    (void)state;
    rand_token(a, sizeof(a), 32);
    rand_token(b, sizeof(b), 32);
    assert_int_equal(strlen(a), 43); /* 256 bits, unpadded base64url */
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    assert_string_not_equal(a, b);
}

static void rand_bytes_fill_the_buffer(void **state)
{
    unsigned char buf[4096];
    unsigned seen[256] = {0};
    unsigned distinct = 0;
    (void)state;
    memset(buf, 0, sizeof(buf));
    rand_bytes(buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        seen[buf[i]]++;
    for (int i = 0; i < 256; i++)
        distinct += seen[i] > 0;
    assert_true(distinct > 240); /* 4096 random bytes miss a value with probability ~1e-5 each */
}

static void xalloc_copies(void **state)
{
    char *s = xstrndup("hello", 3), *t = xstrdup("");
    (void)state;
    assert_string_equal(s, "hel");
    assert_string_equal(t, "");
    s = xrealloc(s, 100);
    assert_string_equal(s, "hel");
    free(s);
    free(t);
    free(xcalloc(0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rand_tokens_are_url_safe_and_distinct),
        cmocka_unit_test(rand_bytes_fill_the_buffer),
        cmocka_unit_test(xalloc_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
