/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The authorization endpoint's pure parts: the loopback port rule of redirect URI matching,
 * prompt and PKCE syntax, max_age, the redirect origin for the pages' CSP, and the hash of the
 * form_post script that the page's CSP allows. The whole flow runs end to end in
 * tests/e2e/signin_*.test.js.
 */
#include "unit.h"

#include <jansson.h>

#include "core/arena.h"
#include "core/b64.h"
#include "crypto/digest.h"
#include "../../../src/oidc/authorize.c"

static void loopback_port_is_ignored_only_on_loopback(void **state)
{
    struct arena *a = arena_new();
    json_t *list = json_pack("[s,s]", "http://127.0.0.1/cb", "https://app.example/cb");

    (void)state;
    assert_true(in_list(a, list, "http://127.0.0.1:53117/cb", true));
    assert_true(in_list(a, list, "http://127.0.0.1/cb", true));
    assert_false(in_list(a, list, "http://127.0.0.1:53117/cb", false)); /* web: exact only */
    assert_false(in_list(a, list, "http://127.0.0.1:53117/cb/", true));
    assert_false(in_list(a, list, "http://127.0.0.1:53117/other", true));
    assert_false(in_list(a, list, "https://app.example:444/cb", true));
    assert_false(in_list(a, list, "https://app.example/cb/", true));
    assert_false(in_list(a, list, "https://APP.example/cb", true));
    assert_false(in_list(a, list, "https://app.example/cb?x=1", true));
    assert_true(in_list(a, list, "https://app.example/cb", false));
    json_decref(list);
    list = json_pack("[s]", "http://[::1]:8000/x");
    assert_true(in_list(a, list, "http://[::1]:9/x", true));
    assert_false(in_list(a, list, "http://[::1]:9/y", true));
    json_decref(list);
    arena_free(a);
}

static void prompt_values(void **state)
{
    (void)state;
    assert_true(prompt_ok("none"));
    assert_true(prompt_ok("login"));
    assert_true(prompt_ok("select_account create"));
    assert_false(prompt_ok("none login"));
    assert_false(prompt_ok("bogus"));
    assert_false(prompt_ok(""));
    assert_false(prompt_ok("   "));
}

static void pkce_syntax(void **state)
{
    (void)state;
    assert_true(pkce_value_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    assert_false(pkce_value_ok("short"));
    assert_false(pkce_value_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
}

static void max_age(void **state)
{
    json_t *r = json_pack("{s:I}", "max_age", (json_int_t)10);

    (void)state;
    assert_false(authz_too_old(r, 1000, 1010));
    assert_true(authz_too_old(r, 1000, 1011));
    json_object_set_new(r, "max_age", json_integer(-1));
    assert_false(authz_too_old(r, 0, 1000000));
    json_object_set_new(r, "max_age", json_integer(0));
    assert_true(authz_too_old(r, 1000, 1001));
    json_decref(r);
}

static void redirect_origin(void **state)
{
    struct req r;
    json_t *q = json_pack("{s:s}", "redirect_uri", "https://app.example:8443/a/b?c=d");

    (void)state;
    memset(&r, 0, sizeof(r));
    r.arena = arena_new();
    assert_string_equal(authz_redirect_origin(&r, q), "https://app.example:8443");
    json_object_set_new(q, "redirect_uri", json_string("com.example.app:/cb"));
    assert_null(authz_redirect_origin(&r, q));
    json_decref(q);
    arena_free(r.arena);
}

static void form_post_script_hash_matches(void **state)
{
    unsigned char h[DIGEST_SHA256_LEN];
    char b64[64];

    (void)state;
    digest_sha256(FORM_POST_SCRIPT, strlen(FORM_POST_SCRIPT), h);
    b64_encode(h, sizeof(h), b64, sizeof(b64));
    assert_string_equal(FORM_POST_SCRIPT_HASH + strlen("sha256-"), b64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loopback_port_is_ignored_only_on_loopback),
        cmocka_unit_test(prompt_values),
        cmocka_unit_test(pkce_syntax),
        cmocka_unit_test(max_age),
        cmocka_unit_test(redirect_origin),
        cmocka_unit_test(form_post_script_hash_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
