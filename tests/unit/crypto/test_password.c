/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for crypto/password.c. Only one hash runs at the real cost; the rehash and
 * length cases use hashes made directly with cheap parameters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../../src/crypto/password.c"

/* A hash with deliberately weak parameters, for checking verify and rehash quickly. */
static void cheap_hash(const char *pw, size_t len, int alg, unsigned long long ops,
                       char out[crypto_pwhash_STRBYTES])
{
    pthread_once(&init_once, start_sodium);
    assert_int_equal(crypto_pwhash_str_alg(out, pw, len, ops, 64 * 1024, alg), 0);
}

static void password_hash_and_verify(void **state)
{
    static const char pw[] = "correct horse battery staple";
    char *hash = NULL;
    bool ok = false, rehash = true;
    (void)state;
    assert_int_equal(password_hash(pw, strlen(pw), &hash), PORCH_OK);
    assert_int_equal(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
    assert_int_equal(password_verify(hash, pw, strlen(pw), &ok, &rehash), PORCH_OK);
    assert_true(ok);
    assert_false(rehash);
    assert_int_equal(password_verify(hash, pw, strlen(pw) - 1, &ok, &rehash), PORCH_OK);
    assert_false(ok);
    assert_false(rehash);
    assert_int_equal(
        password_verify(hash, "Correct horse battery staple", strlen(pw), &ok, &rehash), PORCH_OK);
    assert_false(ok);
    free(hash);
}

static void password_flags_old_parameters(void **state)
{
    char hash[crypto_pwhash_STRBYTES];
    bool ok = false, rehash = false;
    (void)state;
    cheap_hash("pw", 2, crypto_pwhash_ALG_ARGON2ID13, 1, hash);
    assert_int_equal(password_verify(hash, "pw", 2, &ok, &rehash), PORCH_OK);
    assert_true(ok);
    assert_true(rehash);
    /* argon2i with the right-looking shape still moves to argon2id */
    cheap_hash("pw", 2, crypto_pwhash_ALG_ARGON2I13, 3, hash);
    assert_int_equal(strncmp(hash, "$argon2i$", 9), 0);
    assert_int_equal(password_verify(hash, "pw", 2, &ok, &rehash), PORCH_OK);
    assert_true(ok);
    assert_true(rehash);
    assert_int_equal(password_verify(hash, "px", 2, &ok, &rehash), PORCH_OK);
    assert_false(ok);
    assert_false(rehash);
}

static void password_checks_whole_length(void **state)
{
    char hash[crypto_pwhash_STRBYTES], *out = NULL, *longpw = xmalloc(PASSWORD_MAX_LEN + 1);
    bool ok = true, rehash = true;
    (void)state;
    /* bytes after a NUL count */
    cheap_hash("a\0b", 3, crypto_pwhash_ALG_ARGON2ID13, 1, hash);
    assert_int_equal(password_verify(hash, "a\0c", 3, &ok, &rehash), PORCH_OK);
    assert_false(ok);
    assert_int_equal(password_verify(hash, "a", 1, &ok, &rehash), PORCH_OK);
    assert_false(ok);
    assert_int_equal(password_verify(hash, "a\0b", 3, &ok, &rehash), PORCH_OK);
    assert_true(ok);
    memset(longpw, 'x', PASSWORD_MAX_LEN + 1);
    assert_int_equal(password_hash(longpw, PASSWORD_MAX_LEN + 1, &out), PORCH_E_TOO_BIG);
    assert_null(out);
    assert_int_equal(password_verify(hash, longpw, PASSWORD_MAX_LEN + 1, &ok, &rehash),
                     PORCH_E_TOO_BIG);
    assert_false(ok);
    free(longpw);
}

static void password_refuses_foreign_hashes(void **state)
{
    bool ok = true, rehash = true;
    (void)state;
    assert_int_equal(password_verify("$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012",
                                     "pw", 2, &ok, &rehash),
                     PORCH_E_UNSUPPORTED);
    assert_false(ok);
    assert_int_equal(password_verify("", "pw", 2, &ok, &rehash), PORCH_E_UNSUPPORTED);
    assert_int_equal(password_verify("$argon2id$v=19$garbage", "pw", 2, &ok, &rehash), PORCH_OK);
    assert_false(ok);
    assert_int_equal(password_verify(NULL, "pw", 2, &ok, &rehash), PORCH_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(password_hash_and_verify),
        cmocka_unit_test(password_flags_old_parameters),
        cmocka_unit_test(password_checks_whole_length),
        cmocka_unit_test(password_refuses_foreign_hashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
