/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for crypto/digest.c against the FIPS 180-2 "abc" vector. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../../src/crypto/digest.c"

static void digest_sha256_known_answer(void **state)
{
    unsigned char md[DIGEST_SHA256_LEN];
    char hex[2 * DIGEST_SHA256_LEN + 1];
    (void)state;
    digest_sha256("abc", 3, md);
    hex_encode(md, sizeof(md), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_sha256("", 0, md);
    hex_encode(md, sizeof(md), hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void digest_sha256_b64url_form(void **state)
{
    char out[DIGEST_SHA256_B64URL_LEN];
    (void)state;
    assert_int_equal(digest_sha256_b64url("abc", out), PORCH_OK);
    assert_string_equal(out, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    assert_int_equal(strlen(out), 43);
    assert_int_equal(digest_sha256_b64url(NULL, out), PORCH_E_INVALID);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digest_sha256_known_answer),
        cmocka_unit_test(digest_sha256_b64url_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
