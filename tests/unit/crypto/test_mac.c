/* SPDX-License-Identifier: Apache-2.0 */
/* HMAC-SHA256 against RFC 4231, HKDF-SHA256 determinism and label separation, secretbox_derive. */
#include "unit.h"

#include <string.h>

#include "core/b64.h"
#include "crypto/secretbox.h"
#include "../../../src/crypto/mac.c"

static void hmac_rfc4231_case2(void **state)
{
    unsigned char out[MAC_SHA256_LEN];
    char hex[2 * MAC_SHA256_LEN + 1];
    static const char msg[] = "what do ya want for nothing?";

    (void)state;
    assert_int_equal(mac_hmac_sha256("Jefe", 4, msg, strlen(msg), out), PORCH_OK);
    hex_encode(out, sizeof(out), hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_int_equal(mac_hmac_sha256(NULL, 0, msg, 1, out), PORCH_E_INVALID);
}

static void hkdf_labels_separate(void **state)
{
    static const unsigned char master[32] = {1, 2, 3};
    unsigned char a[32], b[32], c[32];
    struct secretbox *sb = NULL;

    (void)state;
    assert_int_equal(mac_hkdf_sha256(master, 32, "one", a, 32), PORCH_OK);
    assert_int_equal(mac_hkdf_sha256(master, 32, "one", b, 32), PORCH_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(mac_hkdf_sha256(master, 32, "two", c, 32), PORCH_OK);
    assert_memory_not_equal(a, c, 32);
    assert_int_equal(mac_hkdf_sha256(master, 32, "one", a, 0), PORCH_E_INVALID);
    assert_int_equal(secretbox_from_key(master, &sb), PORCH_OK);
    assert_int_equal(secretbox_derive(sb, "one", c), PORCH_OK);
    assert_memory_equal(b, c, 32);
    assert_int_equal(secretbox_derive(NULL, "one", c), PORCH_E_INVALID);
    secretbox_free(sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hmac_rfc4231_case2),
        cmocka_unit_test(hkdf_labels_separate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
