/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for crypto/jws.c: sign/verify round trip and the RFC 8725 attacks verification
 * must refuse (alg none, HMAC with the public key as secret, unknown or missing kid, key-bearing
 * headers, modified payload, wrong part count, oversized input).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../../src/crypto/jws.c"

static struct jwk *k1, *k2;

static int setup(void **state)
{
    (void)state;
    if (jwk_generate("RS256", &k1) != PORCH_OK || jwk_generate("RS256", &k2) != PORCH_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jwk_free(k1);
    jwk_free(k2);
    return 0;
}

static char *b64url_str(const void *p, size_t n)
{
    char *out = xmalloc(B64_ENCODED_SIZE(n));
    b64url_encode(p, n, out, B64_ENCODED_SIZE(n));
    return out;
}

/* Builds a token from a literal header, signed by k (RS256 over the received bytes). */
static char *craft(const struct jwk *k, const char *header, const char *payload)
{
    struct sbuf sb;
    char *h = b64url_str(header, strlen(header)), *p = b64url_str(payload, strlen(payload)), *s;
    unsigned char *sig = NULL;
    size_t siglen = 0;

    sbuf_init(&sb, 1 << 20);
    assert_int_equal(sbuf_addf(&sb, "%s.%s", h, p), PORCH_OK);
    assert_int_equal(jwk_sign(k, sb.buf, sb.len, &sig, &siglen), PORCH_OK);
    s = b64url_str(sig, siglen);
    assert_int_equal(sbuf_addf(&sb, ".%s", s), PORCH_OK);
    free(h);
    free(p);
    free(s);
    free(sig);
    return sbuf_detach(&sb, NULL);
}

static void expect_reject(const char *token, const struct jwk *key, enum porch_err want)
{
    const struct jwk *keys[] = {k2, key};
    struct porch_error e = {0};
    static char sentinel[] = "x";
    char *payload = sentinel;

    assert_int_equal(jws_verify(token, keys, 2, &payload, &e), want);
    assert_int_equal(e.code, want);
    assert_null(payload);
}

static void jws_sign_then_verify(void **state)
{
    const struct jwk *keys[] = {k2, k1};
    struct jwk *pub = NULL;
    char *tok = NULL, *payload = NULL, *pubjson = NULL, *hdr, want[200];
    struct part p[3];
    size_t len = 0;
    (void)state;
    assert_int_equal(jws_sign(k1, "{\"sub\":\"a\",\"n\":1}", "JWT", &tok), PORCH_OK);
    assert_true(split(tok, strlen(tok), p));
    assert_int_equal(decode_part(&p[0], JWS_MAX_HEADER, &hdr, &len), PORCH_OK);
    snprintf(want, sizeof(want), "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"%s\"}", jwk_kid(k1));
    assert_string_equal(hdr, want);
    free(hdr);
    assert_int_equal(jws_verify(tok, keys, 2, &payload, NULL), PORCH_OK);
    assert_string_equal(payload, "{\"sub\":\"a\",\"n\":1}");
    free(payload);
    /* with the published public key only */
    assert_int_equal(jwk_public_json(k1, &pubjson), PORCH_OK);
    assert_int_equal(jwk_from_public_json(pubjson, &pub), PORCH_OK);
    keys[1] = pub;
    assert_int_equal(jws_verify(tok, keys, 2, &payload, NULL), PORCH_OK);
    free(payload);
    free(tok);
    /* no typ */
    assert_int_equal(jws_sign(k1, "{}", NULL, &tok), PORCH_OK);
    assert_int_equal(jws_verify(tok, keys, 2, &payload, NULL), PORCH_OK);
    assert_string_equal(payload, "{}");
    free(payload);
    free(tok);
    assert_int_equal(jws_sign(pub, "{}", NULL, &tok), PORCH_E_INVALID);
    assert_null(tok);
    jwk_free(pub);
    free(pubjson);
}

static void jws_rejects_alg_none_and_hmac(void **state)
{
    char hdr[200], *h, *p, tok[1024], *pubjson = NULL, *t;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    (void)state;
    p = b64url_str("{\"sub\":\"admin\"}", 15);
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"none\",\"kid\":\"%s\"}", jwk_kid(k1));
    h = b64url_str(hdr, strlen(hdr));
    snprintf(tok, sizeof(tok), "%s.%s.", h, p);
    expect_reject(tok, k1, PORCH_E_INVALID);
    snprintf(tok, sizeof(tok), "%s.%s.AAAA", h, p);
    expect_reject(tok, k1, PORCH_E_INVALID);
    free(h);
    /* HS256 keyed with the RSA public key's JSON, the classic key-confusion attack */
    assert_int_equal(jwk_public_json(k1, &pubjson), PORCH_OK);
    snprintf(hdr, sizeof(hdr), "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"%s\"}", jwk_kid(k1));
    h = b64url_str(hdr, strlen(hdr));
    snprintf(tok, sizeof(tok), "%s.%s", h, p);
    assert_non_null(HMAC(EVP_sha256(), pubjson, (int)strlen(pubjson), (unsigned char *)tok,
                         strlen(tok), mac, &maclen));
    t = b64url_str(mac, maclen);
    snprintf(tok + strlen(tok), sizeof(tok) - strlen(tok), ".%s", t);
    expect_reject(tok, k1, PORCH_E_INVALID);
    free(t);
    free(h);
    free(p);
    free(pubjson);
    /* a properly signed token whose header claims another algorithm */
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS384\",\"kid\":\"%s\"}", jwk_kid(k1));
    t = craft(k1, hdr, "{}");
    expect_reject(t, k1, PORCH_E_DENIED);
    free(t);
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"hs512\",\"kid\":\"%s\"}", jwk_kid(k1));
    t = craft(k1, hdr, "{}");
    expect_reject(t, k1, PORCH_E_INVALID);
    free(t);
}

static void jws_rejects_unknown_or_missing_kid(void **state)
{
    const struct jwk *only1[] = {k1};
    char *tok = NULL, *payload = NULL;
    struct porch_error e = {0};
    (void)state;
    assert_int_equal(jws_sign(k2, "{}", "JWT", &tok), PORCH_OK);
    assert_int_equal(jws_verify(tok, only1, 1, &payload, &e), PORCH_E_NOT_FOUND);
    assert_null(payload);
    assert_int_equal(jws_verify(tok, NULL, 0, &payload, &e), PORCH_E_NOT_FOUND);
    free(tok);
    tok = craft(k1, "{\"alg\":\"RS256\"}", "{}");
    expect_reject(tok, k1, PORCH_E_INVALID);
    assert_int_equal(jws_verify(tok, only1, 1, &payload, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "kid"));
    free(tok);
    tok = craft(k1, "{\"alg\":\"RS256\",\"kid\":7}", "{}");
    expect_reject(tok, k1, PORCH_E_INVALID);
    free(tok);
}

static void jws_rejects_key_bearing_headers(void **state)
{
    static const char *const members[] = {"\"jku\":\"https://evil.example/jwks\"",
                                          "\"x5u\":\"https://evil.example/cert\"",
                                          "\"jwk\":{\"kty\":\"RSA\"}",
                                          "\"x5c\":[\"AAAA\"]",
                                          "\"crit\":[\"exp\"]",
                                          "\"b64\":false"};
    char hdr[300], *tok;
    (void)state;
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\",%s}", jwk_kid(k1),
                 members[i]);
        tok = craft(k1, hdr, "{}");
        expect_reject(tok, k1, PORCH_E_INVALID);
        free(tok);
    }
    /* a header that is not a JSON object, or repeats a member */
    tok = craft(k1, "[\"RS256\"]", "{}");
    expect_reject(tok, k1, PORCH_E_INVALID);
    free(tok);
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"%s\"}", jwk_kid(k1));
    tok = craft(k1, hdr, "{}");
    expect_reject(tok, k1, PORCH_E_INVALID);
    free(tok);
}

static void jws_rejects_modified_token(void **state)
{
    char *tok = NULL, *other = NULL, *forged, *p;
    struct part a[3], b[3];
    (void)state;
    assert_int_equal(jws_sign(k1, "{\"sub\":\"alice\"}", "JWT", &tok), PORCH_OK);
    assert_int_equal(jws_sign(k1, "{\"sub\":\"admin\"}", "JWT", &other), PORCH_OK);
    assert_true(split(tok, strlen(tok), a));
    assert_true(split(other, strlen(other), b));
    /* alice's header and signature around admin's payload */
    forged = xmalloc(strlen(tok) + strlen(other));
    p = forged;
    memcpy(p, a[0].s, a[0].n + 1);
    p += a[0].n + 1;
    memcpy(p, b[1].s, b[1].n + 1);
    p += b[1].n + 1;
    memcpy(p, a[2].s, a[2].n);
    p[a[2].n] = '\0';
    expect_reject(forged, k1, PORCH_E_DENIED);
    /* one flipped signature character */
    memcpy(forged, tok, strlen(tok) + 1);
    p = forged + (a[2].s - tok) + 5;
    *p = *p == 'A' ? 'B' : 'A';
    expect_reject(forged, k1, PORCH_E_DENIED);
    free(forged);
    free(other);
    free(tok);
}

static void jws_rejects_wrong_part_count(void **state)
{
    char *tok = NULL, buf[4096];
    struct part p[3];
    (void)state;
    assert_int_equal(jws_sign(k1, "{}", "JWT", &tok), PORCH_OK);
    assert_true(split(tok, strlen(tok), p));
    snprintf(buf, sizeof(buf), "%.*s", (int)(p[0].n + 1 + p[1].n), tok);
    expect_reject(buf, k1, PORCH_E_INVALID); /* 2 parts */
    snprintf(buf, sizeof(buf), "%s.%s", tok, p[2].s);
    expect_reject(buf, k1, PORCH_E_INVALID); /* 4 parts */
    snprintf(buf, sizeof(buf), "%s.", tok);
    expect_reject(buf, k1, PORCH_E_INVALID);
    snprintf(buf, sizeof(buf), ".%s", tok);
    expect_reject(buf, k1, PORCH_E_INVALID);
    expect_reject("", k1, PORCH_E_INVALID);
    expect_reject("..", k1, PORCH_E_INVALID);
    expect_reject("a.b.c", k1, PORCH_E_INVALID);
    free(tok);
}

static void jws_rejects_oversized(void **state)
{
    char *big = xmalloc(JWS_MAX_LEN + 2), *tok = NULL;
    (void)state;
    memset(big, 'A', JWS_MAX_LEN + 1);
    big[JWS_MAX_LEN + 1] = '\0';
    big[10] = '.';
    big[20] = '.';
    expect_reject(big, k1, PORCH_E_TOO_BIG);
    /* a payload whose token would not fit */
    big[0] = '"';
    memset(big + 1, 'a', JWS_MAX_LEN - 1000);
    big[JWS_MAX_LEN - 999] = '"';
    big[JWS_MAX_LEN - 998] = '\0';
    assert_int_equal(jws_sign(k1, big, "JWT", &tok), PORCH_E_TOO_BIG);
    assert_null(tok);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jws_sign_then_verify),
        cmocka_unit_test(jws_rejects_alg_none_and_hmac),
        cmocka_unit_test(jws_rejects_unknown_or_missing_kid),
        cmocka_unit_test(jws_rejects_key_bearing_headers),
        cmocka_unit_test(jws_rejects_modified_token),
        cmocka_unit_test(jws_rejects_wrong_part_count),
        cmocka_unit_test(jws_rejects_oversized),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
