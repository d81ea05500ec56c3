/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for crypto/jwk.c: generation, PEM round trip, public JSON (member set, order,
 * RFC 7638 thumbprint) and the checks on JWKs parsed from untrusted JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "crypto/ct.h"
#include "../../../src/crypto/jwk.c"

/* RFC 7638 §3.1 example key and its thumbprint. */
#define RFC_N                                                                                      \
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1"             \
    "L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4"             \
    "QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbO"             \
    "pbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csF"             \
    "Cur-kEgU8awapJzKnqDKgw"
#define RFC_THUMBPRINT "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

static struct jwk *key; /* one RSA key for the whole group: generation is slow under ASan */

static int setup(void **state)
{
    (void)state;
    return jwk_generate("RS256", &key) == PORCH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    jwk_free(key);
    return 0;
}

static void jwk_generate_pem_reload_keeps_kid_and_json(void **state)
{
    struct jwk *again = NULL;
    char *pem = NULL, *j1 = NULL, *j2 = NULL;
    size_t len = 0;
    (void)state;
    assert_string_equal(jwk_alg(key), "RS256");
    assert_int_equal(strlen(jwk_kid(key)), 43);
    assert_true(jwk_is_private(key));
    assert_int_equal(jwk_private_pem(key, &pem, &len), PORCH_OK);
    assert_int_equal(strlen(pem), len);
    assert_non_null(strstr(pem, "-----BEGIN PRIVATE KEY-----\n"));
    assert_int_equal(jwk_from_private_pem(pem, len, "RS256", &again), PORCH_OK);
    assert_string_equal(jwk_kid(again), jwk_kid(key));
    assert_true(jwk_is_private(again));
    assert_int_equal(jwk_public_json(key, &j1), PORCH_OK);
    assert_int_equal(jwk_public_json(again, &j2), PORCH_OK);
    assert_string_equal(j1, j2);
    free(j1);
    free(j2);
    jwk_free(again);
    assert_int_equal(jwk_from_private_pem(pem, len, "ES256", &again), PORCH_E_UNSUPPORTED);
    assert_int_equal(jwk_from_private_pem(pem, len - 40, "RS256", &again), PORCH_E_INVALID);
    assert_null(again);
    ct_cleanse(pem, len);
    free(pem);
    assert_int_equal(jwk_generate("HS256", &again), PORCH_E_UNSUPPORTED);
    assert_int_equal(jwk_generate("none", &again), PORCH_E_UNSUPPORTED);
    assert_null(again);
}

static void jwk_public_json_has_only_public_members(void **state)
{
    static const char *const order[] = {"kty", "use", "kid", "alg", "n", "e"};
    char *json = NULL, prefix[128];
    json_t *root;
    const char *name;
    json_t *v;
    size_t i = 0;
    unsigned char n[600];
    size_t nlen = 0;
    (void)state;
    assert_int_equal(jwk_public_json(key, &json), PORCH_OK);
    snprintf(prefix, sizeof(prefix),
             "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"%s\",\"alg\":\"RS256\",", jwk_kid(key));
    assert_int_equal(strncmp(json, prefix, strlen(prefix)), 0);
    assert_non_null(strstr(json, ",\"e\":\"AQAB\"}"));
    assert_null(strchr(json, ' '));
    root = json_loads(json, JSON_PRESERVE_ORDER, NULL);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 6);
    json_object_foreach(root, name, v)
    {
        assert_string_equal(name, order[i++]);
        assert_true(json_is_string(v));
    }
    assert_int_equal(b64url_decode(json_string_value(json_object_get(root, "n")),
                                   json_string_length(json_object_get(root, "n")), n, sizeof(n),
                                   &nlen),
                     PORCH_OK);
    assert_int_equal(nlen, 256);
    json_decref(root);
    free(json);
}

static void jwk_public_json_round_trip_verifies(void **state)
{
    struct jwk *pub = NULL;
    char *j1 = NULL, *j2 = NULL, *pem = NULL;
    unsigned char *sig = NULL;
    size_t siglen = 0, len = 0;
    (void)state;
    assert_int_equal(jwk_public_json(key, &j1), PORCH_OK);
    assert_int_equal(jwk_from_public_json(j1, &pub), PORCH_OK);
    assert_false(jwk_is_private(pub));
    assert_string_equal(jwk_kid(pub), jwk_kid(key));
    assert_int_equal(jwk_public_json(pub, &j2), PORCH_OK);
    assert_string_equal(j1, j2);
    assert_int_equal(jwk_sign(key, "message", 7, &sig, &siglen), PORCH_OK);
    assert_int_equal(siglen, 256);
    assert_int_equal(jwk_verify(pub, "message", 7, sig, siglen), PORCH_OK);
    assert_int_equal(jwk_verify(pub, "messagf", 7, sig, siglen), PORCH_E_DENIED);
    sig[10] ^= 1;
    assert_int_equal(jwk_verify(pub, "message", 7, sig, siglen), PORCH_E_DENIED);
    assert_int_equal(jwk_verify(pub, "message", 7, sig, 255), PORCH_E_DENIED);
    free(sig);
    assert_int_equal(jwk_sign(pub, "message", 7, &sig, &siglen), PORCH_E_INVALID);
    assert_int_equal(jwk_private_pem(pub, &pem, &len), PORCH_E_INVALID);
    assert_null(pem);
    free(j1);
    free(j2);
    jwk_free(pub);
}

static void jwk_rfc7638_thumbprint(void **state)
{
    struct jwk *pub = NULL;
    (void)state;
    assert_int_equal(
        jwk_from_public_json("{\"kty\":\"RSA\",\"n\":\"" RFC_N "\",\"e\":\"AQAB\"}", &pub),
        PORCH_OK);
    assert_string_equal(jwk_kid(pub), RFC_THUMBPRINT);
    assert_string_equal(jwk_alg(pub), "RS256");
    jwk_free(pub);
    /* a published kid is kept */
    assert_int_equal(
        jwk_from_public_json("{\"kty\":\"RSA\",\"n\":\"" RFC_N "\",\"e\":\"AQAB\","
                             "\"alg\":\"RS256\",\"kid\":\"2011-04-29\",\"use\":\"sig\"}",
                             &pub),
        PORCH_OK);
    assert_string_equal(jwk_kid(pub), "2011-04-29");
    jwk_free(pub);
}

#define WITH_N(rest) "{\"kty\":\"RSA\",\"n\":\"" RFC_N "\"" rest "}"

static void jwk_from_public_json_refuses_bad_keys(void **state)
{
    static const struct {
        const char *json;
        enum porch_err want;
    } cases[] = {
        {WITH_N(",\"e\":\"AQAB\",\"d\":\"AQAB\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"p\":\"AQAB\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"k\":\"AQAB\""), PORCH_E_INVALID},
        {WITH_N(""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AAE\""), PORCH_E_INVALID},      /* e = 1 */
        {WITH_N(",\"e\":\"AQAA\""), PORCH_E_INVALID},     /* e = 65536, even */
        {WITH_N(",\"e\":\"AQABAQAB\""), PORCH_E_INVALID}, /* 6 bytes */
        {WITH_N(",\"e\":\"A*AB\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":65537"), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"use\":\"enc\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"kid\":\"\""), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"kid\":7"), PORCH_E_INVALID},
        {WITH_N(",\"e\":\"AQAB\",\"alg\":\"HS256\""), PORCH_E_UNSUPPORTED},
        {WITH_N(",\"e\":\"AQAB\",\"alg\":\"ES256\""), PORCH_E_UNSUPPORTED},
        {WITH_N(",\"e\":\"AQAB\",\"alg\":\"none\""), PORCH_E_UNSUPPORTED},
        {WITH_N(",\"e\":\"AQAB\",\"e\":\"AQAB\""), PORCH_E_INVALID}, /* duplicate member */
        /* 129-byte modulus */
        {"{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":"
         "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4c"
         "bbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBX"
         "Arwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2\"}",
         PORCH_E_INVALID},
        {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AQAB\",\"y\":\"AQAB\"}", PORCH_E_UNSUPPORTED},
        {"{\"kty\":\"oct\",\"k\":\"AQAB\"}", PORCH_E_UNSUPPORTED},
        {"{\"n\":\"" RFC_N "\",\"e\":\"AQAB\"}", PORCH_E_INVALID},
        {"[1,2]", PORCH_E_INVALID},
        {"{\"kty\":\"RSA\"", PORCH_E_INVALID},
        {"", PORCH_E_INVALID},
    };
    struct jwk *pub = NULL;
    char *big;
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum porch_err got = jwk_from_public_json(cases[i].json, &pub);
        if (got != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, porch_err_str(got),
                     porch_err_str(cases[i].want));
        assert_null(pub);
    }
    big = xcalloc(1, JWK_MAX_TEXT + 2);
    memset(big, ' ', JWK_MAX_TEXT + 1);
    assert_int_equal(jwk_from_public_json(big, &pub), PORCH_E_TOO_BIG);
    free(big);
}

static void jwk_from_private_pem_refuses_bad_pem(void **state)
{
    static const char garbage[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    struct jwk *k = NULL;
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long n;
    (void)state;
    assert_int_equal(jwk_from_private_pem(garbage, sizeof(garbage) - 1, "RS256", &k),
                     PORCH_E_INVALID);
    assert_int_equal(jwk_from_private_pem(garbage, JWK_MAX_TEXT + 1, "RS256", &k), PORCH_E_TOO_BIG);
    /* a public key PEM is not a private key */
    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_PUBKEY(bio, key->pkey), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_int_equal(jwk_from_private_pem(data, (size_t)n, "RS256", &k), PORCH_E_INVALID);
    BIO_free(bio);
    /* an encrypted PEM is refused without prompting for a passphrase */
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, key->pkey, EVP_aes_256_cbc(),
                                              (const unsigned char *)"pass", 4, NULL, NULL),
                     1);
    n = BIO_get_mem_data(bio, &data);
    assert_non_null(strstr(data, "ENCRYPTED"));
    assert_int_equal(jwk_from_private_pem(data, (size_t)n, "RS256", &k), PORCH_E_INVALID);
    BIO_free(bio);
    assert_null(k);
    assert_int_equal(ERR_peek_error(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jwk_generate_pem_reload_keeps_kid_and_json),
        cmocka_unit_test(jwk_public_json_has_only_public_members),
        cmocka_unit_test(jwk_public_json_round_trip_verifies),
        cmocka_unit_test(jwk_rfc7638_thumbprint),
        cmocka_unit_test(jwk_from_public_json_refuses_bad_keys),
        cmocka_unit_test(jwk_from_private_pem_refuses_bad_pem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
