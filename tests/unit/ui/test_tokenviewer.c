/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token viewer's pure parts: JWT decoding, the claims table, the choice of redirect URI,
 * the state cookie check, the authorize URL, and the page rendered from a token response with
 * hostile claim values (which must come out escaped).
 */
#include "unit.h"

#include <string.h>

#include "../../../src/ui/tokenviewer.c"

/* A compact JWS of header and payload (JSON text) with a dummy signature; caller frees. */
static char *make_jwt(const char *header, const char *payload)
{
    char h[1024], p[4096], *out = malloc(sizeof(h) + sizeof(p) + 8);

    assert_non_null(out);
    assert_true(b64url_encode(header, strlen(header), h, sizeof(h)) > 0);
    assert_true(b64url_encode(payload, strlen(payload), p, sizeof(p)) > 0);
    snprintf(out, sizeof(h) + sizeof(p) + 8, "%s.%s.c2ln", h, p);
    return out;
}

static void decodes_header_and_payload(void **state)
{
    char *jwt = make_jwt("{\"typ\":\"JWT\",\"alg\":\"RS256\"}", "{\"sub\":\"x\",\"exp\":1}");
    json_t *h = NULL, *p = NULL;

    (void)state;
    assert_int_equal(jwt_decode(jwt, &h, &p), PORCH_OK);
    assert_string_equal(json_string_value(json_object_get(h, "alg")), "RS256");
    assert_int_equal(json_integer_value(json_object_get(p, "exp")), 1);
    json_decref(h);
    json_decref(p);
    free(jwt);
}

static void refuses_what_is_not_a_jws_of_objects(void **state)
{
    char *arr = make_jwt("{\"alg\":\"none\"}", "[1,2]");
    char *dup = make_jwt("{\"alg\":\"none\"}", "{\"a\":1,\"a\":2}");
    static const char *const bad[] = {"", "abc", "a.b", "a.b.c.d", "e30.!!!.x", ".e30.x"};
    json_t *h = (json_t *)1, *p = (json_t *)1;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(jwt_decode(bad[i], &h, &p), PORCH_E_INVALID);
        assert_null(h);
        assert_null(p);
    }
    assert_int_equal(jwt_decode(arr, &h, &p), PORCH_E_INVALID);
    assert_int_equal(jwt_decode(dup, &h, &p), PORCH_E_INVALID);
    assert_null(h);
    free(arr);
    free(dup);
}

static void claims_table_keeps_order_and_explains(void **state)
{
    struct arena *a = arena_new();
    json_t *payload = json_loads("{\"zz\":\"custom\",\"exp\":1767225600,\"aud\":[\"a\",\"b\"],"
                                 "\"email\":\"demo@example.com\",\"azpacr\":\"0\",\"n\":7}",
                                 0, NULL);
    json_t *rows = claims_table(a, "en", payload);

    (void)state;
    assert_int_equal(json_array_size(rows), 6);
#define ROW(i, f) json_string_value(json_object_get(json_array_get(rows, i), f))
    assert_string_equal(ROW(0, "name"), "zz");
    assert_string_equal(ROW(0, "value"), "custom");
    assert_string_equal(ROW(0, "meaning"), "");
    assert_string_equal(ROW(1, "name"), "exp");
    assert_string_equal(ROW(1, "value"), "1767225600 (2026-01-01T00:00:00Z)");
    assert_non_null(strstr(ROW(1, "meaning"), "Expires"));
    assert_string_equal(ROW(2, "value"), "[\"a\",\"b\"]");
    assert_non_null(strstr(ROW(2, "meaning"), "Audience"));
    assert_string_equal(ROW(3, "value"), "demo@example.com");
    assert_string_equal(ROW(5, "value"), "7");
#undef ROW
    json_decref(rows);
    rows = claims_table(a, "fr", payload);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(rows, 2), "meaning")), "Audience"));
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(rows, 1), "meaning")), "Expire"));
    json_decref(rows);
    json_decref(payload);
    arena_free(a);
}

static void every_known_claim_is_explained_in_every_locale(void **state)
{
    struct arena *a = arena_new();

    (void)state;
    for (size_t l = 0; l < i18n_count(); l++) {
        for (size_t i = 0; i < sizeof(known_claims) / sizeof(known_claims[0]); i++) {
            const char *m = claim_meaning(a, i18n_tag(l), known_claims[i]);
            if (!*m)
                fail_msg("no text for claim '%s' in '%s'", known_claims[i], i18n_tag(l));
        }
    }
    arena_free(a);
}

static void registered_uri_must_name_this_page(void **state)
{
    struct arena *a = arena_new();
    const char *use = NULL;

    (void)state;
    assert_true(names_page(a, "https://ID.example.com/t/tokenviewer",
                           "https://id.example.com/t/tokenviewer", &use));
    assert_string_equal(use, "https://ID.example.com/t/tokenviewer");
    /* loopback: another port is the same page, and the address in use is sent */
    assert_true(names_page(a, "http://127.0.0.1:8080/t/tokenviewer",
                           "http://127.0.0.1:9000/t/tokenviewer", &use));
    assert_string_equal(use, "http://127.0.0.1:9000/t/tokenviewer");
    assert_true(names_page(a, "http://[::1]/t/tokenviewer", "http://[::1]:9/t/tokenviewer", &use));
    assert_false(names_page(a, "http://127.0.0.1:8080/t/tokenviewer",
                            "http://localhost:8080/t/tokenviewer", &use));
    assert_false(names_page(a, "https://id.example.com:8443/t/tokenviewer",
                            "https://id.example.com/t/tokenviewer", &use));
    assert_false(names_page(a, "https://127.0.0.1:8443/t/tokenviewer",
                            "https://127.0.0.1:9443/t/tokenviewer", &use));
    assert_false(names_page(a, "http://127.0.0.1:8080/t/tokenviewer",
                            "http://127.0.0.1:8080/u/tokenviewer", &use));
    assert_string_equal(without_port(a, "http://[::1]:80/x"), "http://[::1]/x");
    assert_string_equal(without_port(a, "http://[::1]/x"), "http://[::1]/x");
    assert_string_equal(without_port(a, "http://h:1?q=:2"), "http://h?q=:2");
    arena_free(a);
}

static void state_must_match_the_cookie(void **state)
{
    struct kv h[] = {{"Cookie", "other=1; __Host-porch-tv=abcDEF.the-verifier"}};
    struct req r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.arena = arena_new();
    r.headers.items = h;
    r.headers.n = 1;
    assert_string_equal(verifier_for(&r, "abcDEF"), "the-verifier");
    assert_null(verifier_for(&r, "abcDEG"));
    assert_null(verifier_for(&r, "abcDE"));
    assert_null(verifier_for(&r, ""));
    assert_null(verifier_for(&r, NULL));
    arena_free(r.arena);

    h[0].value = "__Host-porch-tv=nodot";
    memset(&r, 0, sizeof(r));
    r.arena = arena_new();
    r.headers.items = h;
    r.headers.n = 1;
    assert_null(verifier_for(&r, "nodot"));
    arena_free(r.arena);
}

static void authorize_url_is_encoded(void **state)
{
    struct kv q[] = {{"prompt", "login"}};
    struct view v = {.redirect_uri = "http://127.0.0.1:8080/t/tokenviewer",
                     .base = "http://127.0.0.1:8080/t"};
    struct req r;
    const char *url;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.arena = arena_new();
    r.query.items = q;
    r.query.n = 1;
    url = authorize_url(&r, &v, "st", "no", "ch");
    assert_string_equal(
        url, "http://127.0.0.1:8080/t/oauth2/v2.0/authorize?client_id=" PORCH_TOKEN_VIEWER_APP_ID
             "&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Ft%2Ftokenviewer"
             "&scope=openid%20profile%20email%20offline_access&code_challenge=ch"
             "&code_challenge_method=S256&state=st&nonce=no&client_info=1&prompt=login");
    q[0].value = "consent";
    url = authorize_url(&r, &v, "st", "no", "ch");
    assert_null(strstr(url, "prompt"));
    arena_free(r.arena);
}

static void page_shows_tokens_escaped(void **state)
{
    char *id = make_jwt("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"k1\"}",
                        "{\"aud\":\"app\",\"exp\":1767225600,"
                        "\"name\":\"<script>alert('x')</script>\"}");
    char *at = make_jwt("{\"alg\":\"RS256\"}", "{\"scp\":\"openid\",\"azpacr\":\"0\"}");
    json_t *tokens = json_pack("{s:s, s:s, s:s, s:s, s:s}", "token_type", "Bearer", "id_token", id,
                               "access_token", at, "refresh_token", "secret-refresh", "client_info",
                               "eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ");
    struct tenant_docs d;
    struct view v = {
        .d = &d, .locale = "en", .redirect_uri = "http://h/t/tokenviewer", .base = "http://h/t"};
    struct req r;
    struct resp rs;

    (void)state;
    memset(&d, 0, sizeof(d));
    snprintf(d.tenant.display_name, sizeof(d.tenant.display_name), "%s", "Contoso & Co");
    memset(&r, 0, sizeof(r));
    r.arena = arena_new();
    r.request_id = "rid";
    resp_init(&rs, r.arena, 1024 * 1024);
    assert_int_equal(show_tokens(&r, &rs, &v, tokens), PORCH_OK);
    assert_int_equal(rs.status, 200);
    assert_null(strstr(rs.body.buf, "<script"));
    assert_null(strstr(rs.body.buf, "Reads:")); /* the template's comment stays out */
    assert_non_null(strstr(rs.body.buf, "<style>\nmain:has(.tv)"));
    assert_non_null(strstr(rs.body.buf, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert_non_null(strstr(rs.body.buf, "Contoso &amp; Co"));
    assert_non_null(strstr(rs.body.buf, "ID token"));
    assert_non_null(strstr(rs.body.buf, "Access token"));
    assert_non_null(strstr(rs.body.buf, "2026-01-01T00:00:00Z"));
    assert_non_null(strstr(rs.body.buf, "&quot;kid&quot;: &quot;k1&quot;"));
    assert_non_null(strstr(rs.body.buf, "&quot;uid&quot;:&quot;u&quot;"));
    assert_null(strstr(rs.body.buf, "secret-refresh"));
    assert_non_null(strstr(rs.body.buf, "href=\"http://h/t/oauth2/v2.0/logout\""));
    assert_non_null(strstr(rs.body.buf, "href=\"http://h/t/tokenviewer\""));
    assert_string_equal(resp_header_get(&rs, "Cache-Control"), "no-store");
    json_decref(tokens);
    free(id);
    free(at);
    arena_free(r.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_header_and_payload),
        cmocka_unit_test(refuses_what_is_not_a_jws_of_objects),
        cmocka_unit_test(claims_table_keeps_order_and_explains),
        cmocka_unit_test(every_known_claim_is_explained_in_every_locale),
        cmocka_unit_test(registered_uri_must_name_this_page),
        cmocka_unit_test(state_must_match_the_cookie),
        cmocka_unit_test(authorize_url_is_encoded),
        cmocka_unit_test(page_shows_tokens_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
