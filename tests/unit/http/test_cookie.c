/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cookie parsing (lenient, first occurrence wins, malformed pairs skipped, capped, several
 * headers, lazily cached on the request) and Set-Cookie (attributes, deletion, SameSite
 * flags, refusal of characters a cookie cannot hold, repeats kept).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/http/cookie.c"

/* A request whose headers are the given pairs, in an arena of its own. */
static struct req make_req(struct arena *a, struct kv *h, size_t n)
{
    struct req r = {0};

    r.arena = a;
    r.headers = (struct kvlist){h, n};
    return r;
}

static void parses_pairs(void **state)
{
    struct arena *a = arena_new();
    struct kv h[] = {
        {"Host", "id.example.com"},
        {"Cookie", "a=1; b = 2 ;c=\"3\";  __Host-porch-j-x=AbC-_9.~;e=;f=\"\""},
    };
    struct req r = make_req(a, h, 2);

    (void)state;
    assert_string_equal(req_cookie(&r, "a"), "1");
    assert_string_equal(req_cookie(&r, "b"), "2");
    assert_string_equal(req_cookie(&r, "c"), "3");
    assert_string_equal(req_cookie(&r, "__Host-porch-j-x"), "AbC-_9.~");
    assert_string_equal(req_cookie(&r, "e"), "");
    assert_string_equal(req_cookie(&r, "f"), "");
    assert_null(req_cookie(&r, "A")); /* names are case-sensitive */
    assert_null(req_cookie(&r, "Host"));
    assert_true(r.cookies_parsed);
    assert_int_equal(r.cookies.n, 6);
    arena_free(a);
}

static void skips_malformed_pairs(void **state)
{
    struct arena *a = arena_new();
    struct kv h[] = {
        {"cookie", "noeq; =novalue; sp ace=1; q=\"x; t=a b; u=a,b; v=a\\b; w=\"a\"b\"; "
                   "x(y)=1; ok=yes; ;;; =; ok2=yes2; ok3=\x01; ok4=\xc3\xa9; tab\t=\tt\t"},
    };
    struct req r = make_req(a, h, 1);

    (void)state;
    assert_string_equal(req_cookie(&r, "ok"), "yes");
    assert_string_equal(req_cookie(&r, "ok2"), "yes2");
    assert_string_equal(req_cookie(&r, "tab"), "t");
    assert_null(req_cookie(&r, "noeq"));
    assert_null(req_cookie(&r, ""));
    assert_null(req_cookie(&r, "sp ace"));
    assert_null(req_cookie(&r, "q"));
    assert_null(req_cookie(&r, "t"));
    assert_null(req_cookie(&r, "u"));
    assert_null(req_cookie(&r, "v"));
    assert_null(req_cookie(&r, "w"));
    assert_null(req_cookie(&r, "x(y)"));
    assert_null(req_cookie(&r, "ok3"));
    assert_null(req_cookie(&r, "ok4"));
    assert_int_equal(r.cookies.n, 3);
    arena_free(a);
}

static void first_wins_across_headers(void **state)
{
    struct arena *a = arena_new();
    struct kv h[] = {
        {"Cookie", "s=first; t=1"},
        {"Accept", "*/*"},
        {"COOKIE", "s=second; u=2"},
    };
    struct req r = make_req(a, h, 3);

    (void)state;
    assert_string_equal(req_cookie(&r, "s"), "first");
    assert_string_equal(req_cookie(&r, "t"), "1");
    assert_string_equal(req_cookie(&r, "u"), "2");
    arena_free(a);
}

static void no_cookies(void **state)
{
    struct arena *a = arena_new();
    struct kv h[] = {{"Cookie", ""}, {"Cookie", " ; "}};
    struct req r = make_req(a, h, 2), none = make_req(a, NULL, 0);

    (void)state;
    assert_null(req_cookie(&r, "a"));
    assert_int_equal(r.cookies.n, 0);
    assert_null(req_cookie(&none, "a"));
    assert_true(none.cookies_parsed);
    arena_free(a);
}

static void capped(void **state)
{
    struct arena *a = arena_new();
    char buf[COOKIE_MAX * 16 + 64];
    size_t o = 0;
    struct kv h[1];
    struct req r;

    (void)state;
    /* a malformed one first: the cap counts kept pairs */
    o += (size_t)snprintf(buf + o, sizeof(buf) - o, "junk; ");
    for (int i = 0; i < COOKIE_MAX + 5; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "c%d=%d; ", i, i);
    h[0] = (struct kv){"Cookie", buf};
    r = make_req(a, h, 1);
    assert_string_equal(req_cookie(&r, "c0"), "0");
    assert_string_equal(req_cookie(&r, "c63"), "63");
    assert_null(req_cookie(&r, "c64"));
    assert_int_equal(r.cookies.n, COOKIE_MAX);
    arena_free(a);
}

static void parsed_once(void **state)
{
    struct arena *a = arena_new();
    struct kv h[] = {{"Cookie", "a=1"}};
    struct req r = make_req(a, h, 1);
    size_t used;

    (void)state;
    assert_string_equal(req_cookie(&r, "a"), "1");
    used = arena_used(a);
    for (int i = 0; i < 10; i++)
        assert_string_equal(req_cookie(&r, "a"), "1");
    assert_int_equal(arena_used(a), used);
    arena_free(a);
}

static void set_cookie(void **state)
{
    struct arena *a = arena_new();
    struct resp rs;

    (void)state;
    resp_init(&rs, a, 64);
    assert_int_equal(resp_cookie(&rs, "__Host-porch-j-t", "abc_-9", 0, 0), PORCH_OK);
    assert_int_equal(resp_cookie(&rs, "__Host-porch-s-t", "xyz", 1209600, 0), PORCH_OK);
    assert_int_equal(resp_cookie(&rs, "__Host-porch-s-t", NULL, 1209600, 0), PORCH_OK);
    assert_int_equal(resp_cookie(&rs, "n", "", -5, RESP_COOKIE_SAMESITE_NONE), PORCH_OK);
    assert_int_equal(resp_cookie(&rs, "st", "1", 0, RESP_COOKIE_SAMESITE_STRICT), PORCH_OK);
    assert_int_equal(
        resp_cookie(&rs, "b", "1", 0, RESP_COOKIE_SAMESITE_STRICT | RESP_COOKIE_SAMESITE_NONE),
        PORCH_OK);
    assert_int_equal(rs.headers.n, 6); /* every Set-Cookie is kept */
    for (size_t i = 0; i < rs.headers.n; i++)
        assert_string_equal(rs.headers.items[i].name, "Set-Cookie");
    assert_string_equal(rs.headers.items[0].value,
                        "__Host-porch-j-t=abc_-9; Path=/; Secure; HttpOnly; SameSite=Lax");
    assert_string_equal(rs.headers.items[1].value,
                        "__Host-porch-s-t=xyz; Path=/; Max-Age=1209600; Secure; HttpOnly; "
                        "SameSite=Lax");
    assert_string_equal(rs.headers.items[2].value,
                        "__Host-porch-s-t=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    assert_string_equal(rs.headers.items[3].value, "n=; Path=/; Secure; HttpOnly; SameSite=None");
    assert_string_equal(rs.headers.items[4].value,
                        "st=1; Path=/; Secure; HttpOnly; SameSite=Strict");
    assert_string_equal(rs.headers.items[5].value, "b=1; Path=/; Secure; HttpOnly; SameSite=None");
    for (size_t i = 0; i < rs.headers.n; i++)
        assert_null(strcasestr(rs.headers.items[i].value, "domain"));
    arena_free(a);
}

static void set_cookie_refuses(void **state)
{
    static const char *const bad_names[] = {"",     "a b", "a;b",     "a,b",   "a\"b",
                                            "a\\b", "a=b", "a\tb",    "a\x01", "\x7f",
                                            "a(b)", "a:b", "\xc3\xa9"};
    static const char *const bad_values[] = {
        "a b",  "a;b",      "a,b",  "a\"b", "a\\b", "a\tb", "a\r\nSet-Cookie: x=y",
        "\x7f", "\xc3\xa9", "\"q\""};
    struct arena *a = arena_new();
    struct resp rs;
    char *big = malloc(COOKIE_MAX_PAIR + 2);

    (void)state;
    resp_init(&rs, a, 64);
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
        assert_int_equal(resp_cookie(&rs, bad_names[i], "v", 0, 0), PORCH_E_INVALID);
    assert_int_equal(resp_cookie(&rs, NULL, "v", 0, 0), PORCH_E_INVALID);
    for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
        assert_int_equal(resp_cookie(&rs, "n", bad_values[i], 0, 0), PORCH_E_INVALID);
    assert_non_null(big);
    memset(big, 'x', COOKIE_MAX_PAIR);
    big[COOKIE_MAX_PAIR] = '\0';
    assert_int_equal(resp_cookie(&rs, "n", big, 0, 0), PORCH_E_TOO_BIG);
    big[COOKIE_MAX_PAIR - 1] = '\0';
    assert_int_equal(rs.headers.n, 0);
    assert_int_equal(resp_cookie(&rs, "n", big, 0, 0), PORCH_OK);
    assert_int_equal(rs.headers.n, 1);
    free(big);
    arena_free(a);
}

static void round_trip(void **state)
{
    struct arena *a = arena_new();
    struct resp rs;
    struct kv h[1];
    struct req r;
    char *pair;

    (void)state;
    resp_init(&rs, a, 64);
    assert_int_equal(resp_cookie(&rs, "__Host-porch-s-abc", "Zm9v_-YmFy", 60, 0), PORCH_OK);
    /* a browser sends back the name=value part */
    pair = arena_strndup(a, rs.headers.items[0].value, strcspn(rs.headers.items[0].value, ";"));
    h[0] = (struct kv){"Cookie", pair};
    r = make_req(a, h, 1);
    assert_string_equal(req_cookie(&r, "__Host-porch-s-abc"), "Zm9v_-YmFy");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pairs),
        cmocka_unit_test(skips_malformed_pairs),
        cmocka_unit_test(first_wins_across_headers),
        cmocka_unit_test(no_cookies),
        cmocka_unit_test(capped),
        cmocka_unit_test(parsed_once),
        cmocka_unit_test(set_cookie),
        cmocka_unit_test(set_cookie_refuses),
        cmocka_unit_test(round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
