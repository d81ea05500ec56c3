/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <string.h>

#include "../../../src/core/b64.c"

static void b64_matches_rfc4648_vectors(void **state)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const std[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *const url[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    char out[32];
    unsigned char back[32];
    size_t n;
    (void)state;
    for (size_t i = 0; i < 7; i++) {
        b64_encode(in[i], strlen(in[i]), out, sizeof(out));
        assert_string_equal(out, std[i]);
        b64url_encode(in[i], strlen(in[i]), out, sizeof(out));
        assert_string_equal(out, url[i]);
        assert_int_equal(b64url_decode(url[i], strlen(url[i]), back, sizeof(back), &n), PORCH_OK);
        assert_int_equal(n, strlen(in[i]));
        assert_memory_equal(back, in[i], n);
        assert_int_equal(b64_decode(std[i], strlen(std[i]), back, sizeof(back), &n), PORCH_OK);
        assert_int_equal(n, strlen(in[i]));
    }
}

static void b64_rejects_bad_input(void **state)
{
    unsigned char out[8];
    size_t n;
    (void)state;
    assert_int_equal(b64url_decode("Zm9v+g", 6, out, sizeof(out), &n), PORCH_E_INVALID);
    assert_int_equal(b64_decode("Zm9v-g==", 8, out, sizeof(out), &n), PORCH_E_INVALID);
    assert_int_equal(b64url_decode("Z", 1, out, sizeof(out), &n), PORCH_E_INVALID);
    assert_int_equal(b64_decode("Zm9", 3, out, sizeof(out), &n), PORCH_E_INVALID);
    /* non-canonical trailing bits */
    assert_int_equal(b64url_decode("Zh", 2, out, sizeof(out), &n), PORCH_E_INVALID);
    assert_int_equal(b64url_decode("Zm9vYmFyZm9v", 12, out, 4, &n), PORCH_E_TOO_BIG);
}

static void b64_encode_refuses_small_buffer(void **state)
{
    char out[4];
    (void)state;
    assert_int_equal(b64url_encode("foo", 3, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    char hex[7];
    hex_encode("\x01\xab\xff", 3, hex);
    assert_string_equal(hex, "01abff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64_matches_rfc4648_vectors),
        cmocka_unit_test(b64_rejects_bad_input),
        cmocka_unit_test(b64_encode_refuses_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
