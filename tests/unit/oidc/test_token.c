/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token endpoint's parts that need no server: client authentication parsing (one method
 * per request, Basic decoding), scope parsing, access token claims, and private_key_jwt
 * assertions checked against an application's certificate credentials.
 */
#include "unit.h"

#include <jansson.h>

#include "core/arena.h"
#include "core/b64.h"
#include "crypto/jwk.h"
#include "../../../src/oidc/client_auth.c"
#include "../../../src/oidc/access_token.c"
#include "../../../src/oidc/token.c"

/* A throwaway RSA key and a self-signed certificate for it (CN=porch-test-client). */
static const char test_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCRCXkYHtuU+uFe\n"
    "iBkD8VKmMnKX/jIOdHqaMS0+Fmr7szFuPtlS9/XYJfCT4MtTuIsNfMP1f5DHJtP7\n"
    "3YQuv3R3y+wYVvi3uupED4q8d3HfWp/3OrgIxjhon5u7z0/pzi7cnYdsVZAH5TCG\n"
    "h6Hxiko/a/PYtwlJQ9NrBH0XydxBpl83ajk3Qr7q4FZM0VUkLU21B/XhSm2D+8ra\n"
    "JEns1yMdZ6yYjEAOTbkkZLh/FhY6dCUhW+Fu8jhqgPrB4mZ6QLeP8zcI0vk1rN4Q\n"
    "kLn3fGsPOfkS7kGkn0TtwW5w4ueXYxskD8/tyHMsDLHiPSHfZopHWmJwpPo+h5yM\n"
    "tG5W6rUBAgMBAAECggEAAZCduf8GPUGmOh4DkBVz3/dyIVX0rg9/bae7blyxT5Ev\n"
    "xrneoCys/kWthnjx1K/Mb0sx9ZWIZz+x4Jkzpon6DJtaiyowEZJumeilhXJP/BoX\n"
    "GQStDOovnGBhfqmmWfZXrtlzxz1WmiE00HTI8Glesve8GDHkY6Ib1z8jhuTOj7ZC\n"
    "zvgBeyzXhuxcLQlQab7sVymfntrVHv2B3Nxgqjs802rcxmMbkYdkOfXTO7OOkDZu\n"
    "2Arth+fmJcwcr6WtrY/6tDZef4ixMdgsMfmZc1qi9bKj8tXKOR4rYSyEsbKMh75H\n"
    "6EruBwkLc/rI8QOKNukT9AGE6m3y1LGf2EYGGGZS4QKBgQDCF423eZ+A7trwn0yW\n"
    "3y9bpR8CBl3QKtZyHxYZp3ue1MzXaBgp5YzFOxx7um8f0um8Pz5zNo4cb4lY6zGV\n"
    "0B89O+diJdAyHfo236REvEC6Xm70KqL6LM89hF0sY4tuKFR5g6FGdkPjHji9um0f\n"
    "UT8kjmSm9ZNRGn91v6h6PdX+cQKBgQC/TF4hpaB0Jcksg8DElVTNJjuqDeWb60TO\n"
    "TV0xLoonDNjZ5VRhOxiP3SKygjSOUF9DMh2Vvd6Xc6fD9ODwEu00NMtzLIY/UX1U\n"
    "dY6sjFdoWD2X/ZzZt0wR952Y0NcNcXqNU48637X74nqyYmCmB43bFISgZHIu2+no\n"
    "enYHxAiHkQKBgQCQ9m6OPnR3I+66EQBvHrqMRENoi8C9nYEVM0qaVpDqDB4CNGj3\n"
    "wc7l8ERR1OjyZ+DTDJlkC7cQXe3DT8Z1EkCCx58FmyBojiM3oMlb3Q6rI6TTEJUx\n"
    "LQ6L77R3VtHosI6HQ1zM97+0ffn7GqYt4cy7TO64FGq3BId2NnNq+Yw+wQKBgBFp\n"
    "VQQA/Dq2Gbpof4olAWPuv+15eFWZs1iHqBzK3J4zSCWE/woeg9zMRtUyjrAJVrJa\n"
    "BGFVt8XXLATk6/hN8LMYvw/LlKh8tUiTrpm76FTB+1EzLyyNx2m3POvkzj4V/w6P\n"
    "9XBpXjn/4iUMWTmjZGD1XCDxI4dqUr7rLoUEbbZRAoGBAL8Cbp8itE8yKj57sUoq\n"
    "cmDoPkVuqsglGdzJnmGLbQwbnEJp3Hq8Nj5cx2D5Xy9tysNFGlawYe1TMpB8vGGQ\n"
    "MghkiJ7ZZGw5oHiToxTGx3Evp+acWPSETlSbvi36ZbyqP/Sglulk53BDnjAPi5KK\n"
    "x6lgprLdwq7cJ+B1WQJR3GVs\n"
    "-----END PRIVATE KEY-----\n";
static const char test_cert_b64[] =
    "MIIDGzCCAgOgAwIBAgIUGpWyDzRQNOI6DYVp6Ik84sQKieEwDQYJKoZIhvcNAQELBQAwHDEaMBgG"
    "A1UEAwwRcG9yY2gtdGVzdC1jbGllbnQwIBcNMjYxMTIyMDMzMDUyWhgPMjEyNjEwMjkwMzMwNTJa"
    "MBwxGjAYBgNVBAMMEXBvcmNoLXRlc3QtY2xpZW50MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB"
    "CgKCAQEAkQl5GB7blPrhXogZA/FSpjJyl/4yDnR6mjEtPhZq+7Mxbj7ZUvf12CXwk+DLU7iLDXzD"
    "9X+QxybT+92ELr90d8vsGFb4t7rqRA+KvHdx31qf9zq4CMY4aJ+bu89P6c4u3J2HbFWQB+Uwhoeh"
    "8YpKP2vz2LcJSUPTawR9F8ncQaZfN2o5N0K+6uBWTNFVJC1NtQf14Uptg/vK2iRJ7NcjHWesmIxA"
    "Dk25JGS4fxYWOnQlIVvhbvI4aoD6weJmekC3j/M3CNL5NazeEJC593xrDzn5Eu5BpJ9E7cFucOLn"
    "l2MbJA/P7chzLAyx4j0h32aKR1picKT6PoecjLRuVuq1AQIDAQABo1MwUTAdBgNVHQ4EFgQU71ml"
    "AO234EeHvbvIEMBPM3ya1c0wHwYDVR0jBBgwFoAU71mlAO234EeHvbvIEMBPM3ya1c0wDwYDVR0T"
    "AQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAN96e2jS754OQPtklb3Qexf0pC0aJxaaK+SHZ"
    "yOTUOSneodTjMU7YvsuiJVAY0A4of+HrgLP/7zQFzSZvyQdH8vygul4AKtwFzgO7hJmdOh1vSvMO"
    "dCDtm/x4Zjv53oBnI0m2TvqfMsILAxJQj+kbHB7hgA/6ibl1YRjGfP4zhYwk8Z4k93qHi8KrNwft"
    "RNuv8QQENYkWhJlv2GxNNUzrIP/IkfVB1bhGxXQUZSdawDutKcpn3rAWF/PrpQ16Dal5qj2gv4S9"
    "Mbxj60Dzsi3lRR1JZYInhmyT/I/00OAChyE4YpjNc/STEBQa47TiYNpA0Bav6N8rTGxN+HhZ3LxA"
    "7w==";

#define CLIENT "6e1c8f0a-3b9d-4c5e-8f70-1a2b3c4d5e6f"
#define AUD    "https://id.porch.test/contoso/oauth2/v2.0/token"

struct fake {
    struct arena *a;
    struct req r;
    struct resp rs;
    struct kv headers[4];
    struct kv form[8];
};

static struct fake *fake_new(void)
{
    struct fake *f = calloc(1, sizeof(*f));

    f->a = arena_new();
    f->r.arena = f->a;
    f->r.request_id = "00000000-0000-4000-8000-000000000001";
    f->r.headers.items = f->headers;
    f->r.form.items = f->form;
    resp_init(&f->rs, f->a, 64 * 1024);
    return f;
}

static void fake_free(struct fake *f)
{
    arena_free(f->a);
    free(f);
}

static void header(struct fake *f, const char *n, const char *v)
{
    f->headers[f->r.headers.n++] = (struct kv){n, v};
}

static void form(struct fake *f, const char *n, const char *v)
{
    f->form[f->r.form.n++] = (struct kv){n, v};
}

static const char *basic(struct fake *f, const char *userpass)
{
    char b64[256];

    b64_encode(userpass, strlen(userpass), b64, sizeof(b64));
    return arena_printf(f->a, "Basic %s", b64);
}

static void parses_each_method(void **state)
{
    struct fake *f = fake_new();
    struct client_auth ca;
    struct client_auth_fail fail;
    (void)state;

    header(f, "Authorization", basic(f, "my%20app:s3cr%2Bt+x"));
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_OK);
    assert_int_equal(ca.method, CLIENT_AUTH_SECRET_BASIC);
    assert_string_equal(ca.client_id, "my app");
    assert_string_equal(ca.secret, "s3cr+t x");
    fake_free(f);

    f = fake_new();
    form(f, "client_id", CLIENT);
    form(f, "client_secret", "abc");
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_OK);
    assert_int_equal(ca.method, CLIENT_AUTH_SECRET_POST);
    assert_string_equal(ca.secret, "abc");
    fake_free(f);

    f = fake_new();
    form(f, "client_id", CLIENT);
    form(f, "client_assertion", "a.b.c");
    form(f, "client_assertion_type", CLIENT_AUTH_ASSERTION_TYPE);
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_OK);
    assert_int_equal(ca.method, CLIENT_AUTH_PRIVATE_KEY_JWT);
    fake_free(f);

    f = fake_new();
    form(f, "client_id", CLIENT);
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_OK);
    assert_int_equal(ca.method, CLIENT_AUTH_NONE);
    fake_free(f);
}

static void refuses_mixed_or_malformed(void **state)
{
    struct fake *f = fake_new();
    struct client_auth ca;
    struct client_auth_fail fail;
    (void)state;

    header(f, "Authorization", basic(f, CLIENT ":abc"));
    form(f, "client_secret", "abc");
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
    assert_string_equal(fail.error, "invalid_request");
    fake_free(f);

    f = fake_new();
    form(f, "client_id", CLIENT);
    form(f, "client_secret", "abc");
    form(f, "client_assertion", "a.b.c");
    form(f, "client_assertion_type", CLIENT_AUTH_ASSERTION_TYPE);
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
    fake_free(f);

    f = fake_new();
    header(f, "Authorization", basic(f, CLIENT ":abc"));
    form(f, "client_id", "someone-else");
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
    fake_free(f);

    f = fake_new();
    form(f, "client_secret", "abc");
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
    assert_int_equal(fail.aadsts, 900144);
    fake_free(f);

    f = fake_new();
    form(f, "client_id", CLIENT);
    form(f, "client_assertion", "a.b.c");
    form(f, "client_assertion_type", "urn:other");
    assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
    fake_free(f);

    static const char *const bad[] = {"Basic", "Basic !!!!", "Bearer abc", "Basic bm9jb2xvbg=="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        f = fake_new();
        header(f, "Authorization", bad[i]);
        assert_int_equal(client_auth_parse(&f->r, &ca, &fail), PORCH_E_INVALID);
        assert_string_equal(fail.error, "invalid_client");
        fake_free(f);
    }
}

static void scope_is_one_resource_default(void **state)
{
    struct fake *f = fake_new();
    struct token_ctx t = {.r = &f->r, .rs = &f->rs};
    static const char *const bad[] = {"https://graph.microsoft.com", "User.Read", "/.default",
                                      "https://graph.microsoft.com/.default openid",
                                      "https://graph.microsoft.com/User.Read"};
    (void)state;

    assert_int_equal(parse_scope(&t, "https://graph.microsoft.com/.default"), PORCH_OK);
    assert_string_equal(t.resource, "https://graph.microsoft.com");
    assert_int_equal(parse_scope(&t, "https://graph.microsoft.com//.default"), PORCH_OK);
    assert_string_equal(t.resource, "https://graph.microsoft.com");
    assert_int_equal(parse_scope(&t, "00000003-0000-0000-C000-000000000000/.default"), PORCH_OK);
    assert_string_equal(t.resource, "00000003-0000-0000-c000-000000000000");
    assert_int_equal(parse_scope(&t, "api://orders/.default"), PORCH_OK);
    assert_string_equal(t.resource, "api://orders");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        f->rs.content_type = NULL;
        assert_int_equal(parse_scope(&t, bad[i]), PORCH_E_INVALID);
        assert_int_equal(f->rs.status, 400);
        assert_non_null(strstr(f->rs.body.buf, "AADSTS1002012"));
        assert_non_null(strstr(f->rs.body.buf, "\"invalid_scope\""));
    }
    fake_free(f);
}

static void claims_are_entra_v2(void **state)
{
    static const char *const roles[] = {"User.Read.All", "Application.ReadWrite.All"};
    struct access_token_claims c = {.aud = "00000003-0000-0000-c000-000000000000",
                                    .iss = "https://id.porch.test/t/v2.0",
                                    .tid = "t",
                                    .oid = "sp",
                                    .azp = CLIENT,
                                    .azpacr = "1",
                                    .idtyp = "app",
                                    .roles = roles,
                                    .nroles = 2,
                                    .iat = 1000,
                                    .exp = 4600};
    char *json = NULL;
    json_t *j;
    (void)state;

    assert_int_equal(access_token_claims_json(&c, &json), PORCH_OK);
    j = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "aud")), c.aud);
    assert_string_equal(json_string_value(json_object_get(j, "sub")), "sp");
    assert_string_equal(json_string_value(json_object_get(j, "oid")), "sp");
    assert_string_equal(json_string_value(json_object_get(j, "idtyp")), "app");
    assert_string_equal(json_string_value(json_object_get(j, "ver")), "2.0");
    assert_string_equal(json_string_value(json_object_get(j, "azpacr")), "1");
    assert_int_equal(json_integer_value(json_object_get(j, "nbf")), 1000);
    assert_int_equal(json_integer_value(json_object_get(j, "exp")), 4600);
    assert_int_equal(json_array_size(json_object_get(j, "roles")), 2);
    assert_int_equal(strlen(json_string_value(json_object_get(j, "uti"))), 22);
    json_decref(j);
    free(json);
    c.nroles = 0;
    assert_int_equal(access_token_claims_json(&c, &json), PORCH_OK);
    assert_null(strstr(json, "roles"));
    free(json);
    c.tid = NULL;
    assert_int_equal(access_token_claims_json(&c, &json), PORCH_E_INVALID);
}

/* --- private_key_jwt ------------------------------------------------------------------------ */

struct cert {
    struct jwk *key;
    char x5t[JWK_X5T_LEN], x5t256[JWK_X5T_S256_LEN];
};

static void load_cert(struct cert *c)
{
    unsigned char der[4096];
    size_t len = 0;
    struct jwk *pub = NULL;

    assert_int_equal(jwk_from_private_pem(test_key_pem, strlen(test_key_pem), "RS256", &c->key),
                     PORCH_OK);
    assert_int_equal(b64_decode(test_cert_b64, strlen(test_cert_b64), der, sizeof(der), &len),
                     PORCH_OK);
    assert_int_equal(jwk_from_x509_der(der, len, "RS256", &pub, c->x5t, c->x5t256), PORCH_OK);
    assert_string_equal(jwk_kid(pub), jwk_kid(c->key)); /* same public key */
    assert_int_equal(strlen(c->x5t), 27);
    assert_int_equal(strlen(c->x5t256), 43);
    jwk_free(pub);
    assert_int_equal(jwk_from_x509_der(der, len - 1, "RS256", &pub, NULL, NULL), PORCH_E_INVALID);
}

/* Signs header and claims (JSON texts) with the test key into a compact JWS. */
static char *sign(const struct cert *c, const char *hdr, const char *claims)
{
    static char out[8192];
    char h[1024], p[2048], s[1024];
    unsigned char *sig = NULL;
    size_t siglen = 0;
    int n;

    b64url_encode(hdr, strlen(hdr), h, sizeof(h));
    b64url_encode(claims, strlen(claims), p, sizeof(p));
    n = snprintf(out, sizeof(out), "%s.%s", h, p);
    assert_int_equal(jwk_sign(c->key, out, (size_t)n, &sig, &siglen), PORCH_OK);
    b64url_encode(sig, siglen, s, sizeof(s));
    free(sig);
    snprintf(out + n, sizeof(out) - (size_t)n, ".%s", s);
    return out;
}

static const char *claims(int64_t iat, int64_t exp, const char *iss, const char *aud)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "{\"aud\":\"%s\",\"iss\":\"%s\",\"sub\":\"%s\",\"jti\":\"j1\",\"iat\":%lld,"
             "\"nbf\":%lld,\"exp\":%lld}",
             aud, iss, iss, (long long)iat, (long long)iat, (long long)exp);
    return buf;
}

static const char *app_json(const char *end)
{
    static char buf[4096];

    snprintf(buf, sizeof(buf),
             "{\"keyCredentials\":[{\"type\":\"AsymmetricX509Cert\",\"usage\":\"Verify\","
             "\"keyId\":\"9f3c1d2e-0000-4000-8000-00000000abcd\",\"key\":\"%s\","
             "\"startDateTime\":\"2020-01-01T00:00:00Z\",\"endDateTime\":\"%s\"}]}",
             test_cert_b64, end);
    return buf;
}

static void assertions(void **state)
{
    struct cert c;
    struct client_auth_fail fail;
    const char *aud[] = {AUD, "https://id.porch.test/t/v2.0"};
    const char *app = app_json("2099-01-01T00:00:00Z");
    int64_t now = 1900000000;
    char hdr[256];
    (void)state;

    load_cert(&c);
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"%s\"}", c.x5t);
#define V(jwt, a) client_auth_verify_assertion((jwt), CLIENT, (a), aud, 2, now, &fail)
    assert_int_equal(V(sign(&c, hdr, claims(now, now + 600, CLIENT, AUD)), app), PORCH_OK);
    /* by x5t#S256 and by kid = keyId; x5c is tolerated */
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"x5t#S256\":\"%s\",\"x5c\":[\"MIIB\"]}",
             c.x5t256);
    assert_int_equal(V(sign(&c, hdr, claims(now, now + 60, CLIENT, aud[1])), app), PORCH_OK);
    snprintf(hdr, sizeof(hdr),
             "{\"alg\":\"RS256\",\"kid\":\"9F3C1D2E-0000-4000-8000-00000000ABCD\"}");
    assert_int_equal(V(sign(&c, hdr, claims(now, now + 60, CLIENT, AUD)), app), PORCH_OK);
    /* claims */
    assert_int_equal(
        V(sign(&c, hdr, claims(now, now + 60, CLIENT, "https://elsewhere/token")), app),
        PORCH_E_DENIED);
    assert_int_equal(V(sign(&c, hdr, claims(now, now + 60, "someone-else", AUD)), app),
                     PORCH_E_DENIED);
    assert_int_equal(fail.aadsts, 700021);
    assert_int_equal(V(sign(&c, hdr, claims(now - 1000, now - 400, CLIENT, AUD)), app),
                     PORCH_E_DENIED);
    assert_int_equal(fail.aadsts, 700024);
    assert_int_equal(V(sign(&c, hdr, claims(now, now + 601, CLIENT, AUD)), app), PORCH_E_DENIED);
    assert_int_equal(V(sign(&c, hdr, claims(now + 400, now + 500, CLIENT, AUD)), app),
                     PORCH_E_DENIED);
    /* keys: an expired credential, no matching thumbprint, a forged signature, alg none */
    assert_int_equal(
        V(sign(&c, hdr, claims(now, now + 60, CLIENT, AUD)), app_json("2021-01-01T00:00:00Z")),
        PORCH_E_DENIED);
    assert_int_equal(
        V(sign(&c, "{\"alg\":\"RS256\",\"x5t\":\"AAAA\"}", claims(now, now + 60, CLIENT, AUD)),
          app),
        PORCH_E_DENIED);
    {
        char *jwt = sign(&c, hdr, claims(now, now + 60, CLIENT, AUD));
        jwt[strlen(jwt) - 2] = jwt[strlen(jwt) - 2] == 'A' ? 'B' : 'A';
        assert_int_equal(V(jwt, app), PORCH_E_DENIED);
    }
    assert_int_equal(V("eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.", app), PORCH_E_DENIED);
    assert_int_equal(V("not-a-jwt", "{}"), PORCH_E_DENIED);
#undef V
    jwk_free(c.key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_each_method),
        cmocka_unit_test(refuses_mixed_or_malformed),
        cmocka_unit_test(scope_is_one_resource_default),
        cmocka_unit_test(claims_are_entra_v2),
        cmocka_unit_test(assertions),
    };
    return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
