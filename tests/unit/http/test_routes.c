/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching: parameters, 404 vs 405 with Allow, HEAD, trailing slashes, the real table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/http/route.c"
#include "../../../src/http/routes.c"
#include "http/urlenc.h"

static enum porch_err h1(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_OK;
}

static enum porch_err h2(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_E_INTERNAL;
}

ROUTE_TABLE_BEGIN
static const struct route table[] = {
    {"GET", "/x", h1, 0, 0},
    {"POST", "/x", h2, R_BODY_FORM, 1024},
    {"GET", "/{tenant}/users/{id}", h1, R_ERR_GRAPH, 0},
    {"DELETE", "/{tenant}/users/{id}", h2, R_ERR_GRAPH, 0},
    {"GET", "/{tenant}/users", h2, 0, 0},
    {"GET", "/apps(appId='{appId}')", h2, 0, 0},
    {"POST", "/apps(appId='{appId}')/addPassword", h1, 0, 0},
};
ROUTE_TABLE_END

#define N (sizeof(table) / sizeof(table[0]))

static void params_and_methods(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed;
    const struct route *rt;

    (void)state;
    rt = route_match(table, N, a, "GET", "/t1/users/42", p, &allowed);
    assert_ptr_equal(rt, &table[2]);
    assert_string_equal(p[0], "t1");
    assert_string_equal(p[1], "42");
    assert_null(p[2]);
    assert_int_equal(allowed, ROUTE_M_GET | ROUTE_M_HEAD | ROUTE_M_DELETE);
    assert_string_equal(route_allow_header(a, allowed), "GET, HEAD, DELETE");
    assert_ptr_equal(route_match(table, N, a, "DELETE", "/t1/users/42", p, NULL), &table[3]);
    assert_ptr_equal(route_match(table, N, a, "HEAD", "/x", p, &allowed), &table[0]);
    assert_null(p[0]);
    assert_ptr_equal(route_match(table, N, a, "POST", "/x", p, &allowed), &table[1]);
    assert_ptr_equal(route_match(table, N, a, "GET", "/t/users", p, &allowed), &table[4]);
    assert_string_equal(p[0], "t");
    arena_free(a);
}

static void not_found_vs_method(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed = 123;

    (void)state;
    assert_null(route_match(table, N, a, "GET", "/nope", p, &allowed));
    assert_int_equal(allowed, 0);
    assert_null(route_match(table, N, a, "PUT", "/x", p, &allowed));
    assert_int_equal(allowed, ROUTE_M_GET | ROUTE_M_HEAD | ROUTE_M_POST);
    assert_string_equal(route_allow_header(a, allowed), "GET, HEAD, POST");
    assert_null(route_match(table, N, a, "BREW", "/x", p, &allowed));
    assert_int_equal(allowed, ROUTE_M_GET | ROUTE_M_HEAD | ROUTE_M_POST);
    assert_null(route_match(table, N, a, "get", "/x", p, &allowed));
    arena_free(a);
}

static void exact_segments(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed;

    (void)state;
    assert_null(route_match(table, N, a, "GET", "/x/", p, &allowed));
    assert_int_equal(allowed, 0);
    assert_null(route_match(table, N, a, "GET", "/xx", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/t/users/", p, &allowed)); /* empty {id} */
    assert_null(route_match(table, N, a, "GET", "//users/1", p, &allowed)); /* empty {tenant} */
    assert_null(route_match(table, N, a, "GET", "/t/users/1/more", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "", p, &allowed));
    arena_free(a);
}

static void encoded_slash_never_reaches_a_param(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS], *path;

    (void)state;
    /* %2F is refused by the decoder, so "a%2Fb" cannot become one {tenant} holding '/' */
    assert_int_equal(urlenc_decode_path(a, "/a%2Fb/users/1", 14, &path), PORCH_E_INVALID);
    /* other escapes decode inside one segment */
    assert_int_equal(urlenc_decode_path(a, "/a%20b/users/1", 14, &path), PORCH_OK);
    assert_ptr_equal(route_match(table, N, a, "GET", path, p, NULL), &table[2]);
    assert_string_equal(p[0], "a b");
    arena_free(a);
}

static void real_table(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed;
    const struct route *rt;

    (void)state;
    rt = routes_match(a, "GET", "/healthz", p, &allowed);
    assert_non_null(rt);
    assert_true(rt->flags & R_NO_LOG);
    assert_int_equal(rt->max_body, 0);
    assert_non_null(routes_match(a, "HEAD", "/readyz", p, &allowed));
    rt = routes_match(a, "GET", "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration", p,
                      &allowed);
    assert_non_null(rt);
    assert_ptr_equal(rt->fn, oidc_discovery_get);
    assert_string_equal(p[0], "contoso.onmicrosoft.com");
    assert_true(rt->flags & R_CORS);
    assert_true(rt->flags & R_ERR_OAUTH);
    assert_string_equal(route_allow_header(a, allowed), "GET, HEAD, OPTIONS");
    rt = routes_match(a, "OPTIONS", "/t/discovery/v2.0/keys", p, &allowed);
    assert_ptr_equal(rt->fn, route_cors_preflight);
    rt = routes_match(a, "GET", "/t/.well-known/openid-configuration", p, &allowed);
    assert_ptr_equal(rt->fn, oidc_discovery_get);
    assert_ptr_equal(routes_match(a, "GET", "/t/discovery/v2.0/keys", p, &allowed)->fn,
                     oidc_jwks_get);
    assert_null(routes_match(a, "POST", "/healthz", p, &allowed));
    assert_string_equal(route_allow_header(a, allowed), "GET, HEAD");
    assert_null(routes_match(a, "GET", "/healthz/", p, &allowed));
    assert_int_equal(allowed, 0);
    arena_free(a);
}

/* Every management API row: bearer auth, Graph errors, a permission, both version roots. */
static void graph_rows(void **state)
{
    struct arena *a = arena_new();
    size_t n = sizeof(routes) / sizeof(routes[0]), graph = 0;
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        const struct route *rt = &routes[i];
        bool v1 = strncmp(rt->pattern, "/v1.0/", 6) == 0,
             beta = strncmp(rt->pattern, "/beta/", 6) == 0;
        if (!v1 && !beta) {
            assert_false(rt->flags & R_GRAPH);
            continue;
        }
        graph++;
        assert_true((rt->flags & (R_GRAPH | R_ERR_GRAPH)) == (R_GRAPH | R_ERR_GRAPH));
        assert_non_null(rt->perm);
        assert_true(rt->max_body <= 256 * 1024);
        assert_non_null(routes_match(
            a, rt->method, arena_printf(a, "/%s/%s", v1 ? "beta" : "v1.0", rt->pattern + 6), p,
            &allowed));
    }
    assert_true(graph > 0);
    assert_string_equal(routes_unknown_segment(a, "/v1.0/foo/bar"), "foo");
    assert_string_equal(routes_unknown_segment(a, "/v1.0/organization/x/y"), "y");
    assert_string_equal(routes_unknown_segment(a, "/beta/auditLogs/nope"), "nope");
    assert_string_equal(routes_unknown_segment(a, "/v1.0/auditLogs"), "auditLogs");
    assert_string_equal(routes_unknown_segment(a, "/v1.0"), "v1.0");
    arena_free(a);
}

static void preflight(void **state)
{
    struct arena *a = arena_new();
    struct req r = {.arena = a};
    struct resp rs;

    (void)state;
    resp_init(&rs, a, 16);
    assert_int_equal(route_cors_preflight(&r, &rs), PORCH_OK);
    assert_int_equal(rs.status, 204);
    assert_string_equal(resp_header_get(&rs, "Access-Control-Allow-Origin"), "*");
    assert_string_equal(resp_header_get(&rs, "Access-Control-Allow-Methods"), "GET, OPTIONS");
    assert_null(resp_header_get(&rs, "Access-Control-Allow-Headers"));
    /* the token endpoint and UserInfo take POSTs with a bearer token from browser apps */
    r.path = "/t/openid/v2.0/userinfo";
    resp_init(&rs, a, 16);
    assert_int_equal(route_cors_preflight(&r, &rs), PORCH_OK);
    assert_string_equal(resp_header_get(&rs, "Access-Control-Allow-Methods"),
                        "GET, POST, OPTIONS");
    assert_non_null(strstr(resp_header_get(&rs, "Access-Control-Allow-Headers"), "Authorization"));
    arena_free(a);
}
/* Graph's alternate keys: a parameter between literals inside one segment. */
static void alternate_key_segments(void **state)
{
    struct arena *a = arena_new();
    const char *p[REQ_MAX_PARAMS];
    unsigned allowed;
    const struct route *m;

    (void)state;
    m = route_match(table, N, a, "GET", "/apps(appId='abc-1')", p, &allowed);
    assert_non_null(m);
    assert_ptr_equal(m->fn, h2);
    assert_string_equal(p[0], "abc-1");
    m = route_match(table, N, a, "POST", "/apps(appId='x')/addPassword", p, &allowed);
    assert_non_null(m);
    assert_string_equal(p[0], "x");
    assert_null(route_match(table, N, a, "GET", "/apps(appId='')", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/apps(appId='x'", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/apps(appId='x')junk", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/apps(appId=x)", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/apps(appId='x')/", p, &allowed));
    assert_null(route_match(table, N, a, "GET", "/apps(id='x')", p, &allowed));
    /* the capture may contain the tail's characters, but the tail must end the segment */
    m = route_match(table, N, a, "GET", "/apps(appId='a')')", p, &allowed);
    assert_non_null(m);
    assert_string_equal(p[0], "a')");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(params_and_methods), cmocka_unit_test(not_found_vs_method),
        cmocka_unit_test(exact_segments),     cmocka_unit_test(encoded_slash_never_reaches_a_param),
        cmocka_unit_test(real_table),         cmocka_unit_test(preflight),
        cmocka_unit_test(graph_rows),         cmocka_unit_test(alternate_key_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
