/* SPDX-License-Identifier: Apache-2.0 */
/* Request accessors and response helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/http/req.c"

static void lookups(void **state)
{
    struct kv q[] = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
    struct kv h[] = {{"Content-Type", "text/plain"}, {"X-Thing", "y"}};
    struct kv fm[] = {{"grant_type", "authorization_code"}};
    struct req r = {0};

    (void)state;
    r.query = (struct kvlist){q, 3};
    r.headers = (struct kvlist){h, 2};
    r.form = (struct kvlist){fm, 1};
    assert_string_equal(req_query(&r, "a"), "1");
    assert_null(req_query(&r, "A"));
    assert_int_equal(kvlist_count(&r.query, "a"), 2);
    assert_int_equal(kvlist_count(&r.query, "z"), 0);
    assert_string_equal(req_header(&r, "content-type"), "text/plain");
    assert_string_equal(req_header(&r, "X-THING"), "y");
    assert_null(req_header(&r, "Cookie"));
    assert_string_equal(req_form(&r, "grant_type"), "authorization_code");
    assert_null(req_form(&r, "code"));
}

static char public_url[] = "https://id.example.com";

static void base_url(void **state)
{
    struct arena *a = arena_new();
    struct config cfg = {0};
    struct porch_srv srv = {.cfg = &cfg};
    struct req r = {.arena = a, .srv = &srv, .scheme = "https", .host = "h.example:8443"};

    (void)state;
    assert_string_equal(req_base_url(&r), "https://h.example:8443");
    cfg.public_url = public_url;
    assert_string_equal(req_base_url(&r), "https://id.example.com");
    arena_free(a);
}

static void headers_and_bodies(void **state)
{
    struct arena *a = arena_new();
    struct resp rs;
    char big[100];

    (void)state;
    resp_init(&rs, a, 64);
    assert_int_equal(rs.status, 200);
    assert_null(rs.content_type);
    for (int i = 0; i < 20; i++)
        resp_header(&rs, "X-N", "v");
    assert_int_equal(rs.headers.n, 20);
    resp_header_set(&rs, "x-n", "only");
    assert_int_equal(rs.headers.n, 1);
    assert_string_equal(resp_header_get(&rs, "X-N"), "only");
    assert_null(resp_header_get(&rs, "Other"));
    assert_int_equal(resp_json(&rs, 201, json_pack("{s:s}", "k", "v")), PORCH_OK);
    assert_int_equal(rs.status, 201);
    assert_string_equal(rs.body.buf, "{\"k\":\"v\"}");
    assert_string_equal(rs.content_type, "application/json; charset=utf-8");
    memset(big, 'x', sizeof(big));
    assert_int_equal(resp_body(&rs, 200, "text/plain", big, sizeof(big)), PORCH_E_TOO_BIG);
    assert_null(rs.content_type);
    assert_int_equal(rs.body.len, 0);
    assert_int_equal(resp_json(&rs, 200, NULL), PORCH_E_INTERNAL);
    assert_int_equal(resp_body(&rs, 202, "text/plain", "ok", 2), PORCH_OK);
    assert_string_equal(rs.body.buf, "ok");
    arena_free(a); /* releases the body buffer */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups),
        cmocka_unit_test(base_url),
        cmocka_unit_test(headers_and_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
