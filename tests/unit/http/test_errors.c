/* SPDX-License-Identifier: Apache-2.0 */
/* The error table and its three renderings (OAuth JSON, Graph envelope, HTML page). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/http/errors.c"
#include "core/config.h"
#include "http/server.h"

#define RID  "11111111-2222-4333-8444-555555555555"
#define CRID "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

static char public_url[] = "https://id.example.com";

static void decref(void *j)
{
    json_decref(j);
}

struct fixture {
    struct arena *a;
    struct config cfg;
    struct porch_srv srv;
    struct route route;
    struct req r;
    struct resp rs;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    f->a = arena_new();
    f->cfg.public_url = public_url;
    f->srv.cfg = &f->cfg;
    f->r.arena = f->a;
    f->r.srv = &f->srv;
    f->r.request_id = RID;
    f->r.client_request_id = CRID;
    resp_init(&f->rs, f->a, 64 * 1024);
    clock_set_fixed(1452304932); /* 2016-01-09 02:02:12Z */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    arena_free(f->a);
    free(f);
    clock_set_fixed(-1);
    return 0;
}

static json_t *body(struct fixture *f)
{
    json_t *j = json_loadb(f->rs.body.buf, f->rs.body.len, 0, NULL);

    assert_non_null(j);
    return arena_defer(f->a, decref, j);
}

static void table_statuses(void **state)
{
    (void)state;
    assert_int_equal(http_error_status(PORCH_OK), 200);
    assert_int_equal(http_error_status(PORCH_E_INVALID), 400);
    assert_int_equal(http_error_status(PORCH_E_NOT_FOUND), 404);
    assert_int_equal(http_error_status(PORCH_E_DENIED), 403);
    assert_int_equal(http_error_status(PORCH_E_TOO_BIG), 413);
    assert_int_equal(http_error_status(PORCH_E_CONFLICT), 409);
    assert_int_equal(http_error_status(PORCH_E_UNAVAILABLE), 503);
    assert_int_equal(http_error_status(PORCH_E_STORE), 503);
    assert_int_equal(http_error_status(PORCH_E_METHOD), 405);
    assert_int_equal(http_error_status(PORCH_E_UNSUPPORTED), 400);
    assert_int_equal(http_error_status(PORCH_E_CRYPTO), 500);
    assert_int_equal(http_error_status(PORCH_E_INTERNAL), 500);
    assert_int_equal(http_error_status((enum porch_err)999), 500);
}

static void oauth_shape(void **state)
{
    struct fixture *f = *state;
    json_t *j;

    assert_int_equal(
        http_error_oauth(&f->r, &f->rs, PORCH_E_INVALID, "invalid_scope", 70011,
                         "The provided value for the input parameter 'scope' isn't valid."),
        PORCH_E_INVALID);
    assert_int_equal(f->rs.status, 400);
    assert_string_equal(f->rs.content_type, "application/json; charset=utf-8");
    assert_string_equal(resp_header_get(&f->rs, "cache-control"), "no-store");
    j = body(f);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_scope");
    assert_string_equal(json_string_value(json_object_get(j, "error_description")),
                        "AADSTS70011: The provided value for the input parameter 'scope' isn't "
                        "valid.\r\nTrace ID: " RID "\r\nCorrelation ID: " CRID
                        "\r\nTimestamp: 2016-01-09 02:02:12Z");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "error_codes"), 0)),
                     70011);
    assert_string_equal(json_string_value(json_object_get(j, "timestamp")), "2016-01-09 02:02:12Z");
    assert_string_equal(json_string_value(json_object_get(j, "trace_id")), RID);
    assert_string_equal(json_string_value(json_object_get(j, "correlation_id")), CRID);
    assert_string_equal(json_string_value(json_object_get(j, "error_uri")),
                        "https://id.example.com/error?code=70011");
}

static void oauth_defaults_and_new_correlation(void **state)
{
    struct fixture *f = *state;
    const char *corr;
    json_t *j;

    f->r.client_request_id = NULL;
    f->cfg.public_url = NULL;
    f->r.scheme = "http";
    f->r.host = "localhost:8080";
    http_error_oauth(&f->r, &f->rs, PORCH_E_NOT_FOUND, NULL, 0, NULL);
    assert_int_equal(f->rs.status, 404);
    j = body(f);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_request");
    corr = json_string_value(json_object_get(j, "correlation_id"));
    assert_true(uuid_valid(corr));
    assert_string_not_equal(corr, RID);
    assert_non_null(strstr(json_string_value(json_object_get(j, "error_uri")),
                           "http://localhost:8080/error?code="));
}

static void server_errors_hide_detail(void **state)
{
    struct fixture *f = *state;
    json_t *j;

    http_error_oauth(&f->r, &f->rs, PORCH_E_STORE, NULL, 0, "SELECT * FROM users failed");
    assert_int_equal(f->rs.status, 503);
    assert_string_equal(resp_header_get(&f->rs, "Retry-After"), "5");
    assert_null(strstr(f->rs.body.buf, "SELECT"));
    j = body(f);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "temporarily_unavailable");
    http_error_graph(&f->r, &f->rs, PORCH_E_INTERNAL, NULL, "key file /etc/x missing");
    assert_int_equal(f->rs.status, 500);
    assert_null(strstr(f->rs.body.buf, "/etc/x"));
    http_error_html(&f->r, &f->rs, PORCH_E_CRYPTO, "EVP_DigestSign failed");
    assert_null(strstr(f->rs.body.buf, "EVP"));
}

static void graph_envelope(void **state)
{
    struct fixture *f = *state;
    json_t *j, *err, *inner;

    http_error_graph(&f->r, &f->rs, PORCH_E_NOT_FOUND, NULL, "Resource 'x' does not exist.");
    assert_int_equal(f->rs.status, 404);
    j = body(f);
    assert_int_equal(json_object_size(j), 1);
    err = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(err, "code")),
                        "Request_ResourceNotFound");
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "Resource 'x' does not exist.");
    inner = json_object_get(err, "innerError");
    assert_string_equal(json_string_value(json_object_get(inner, "date")), "2016-01-09T02:02:12");
    assert_string_equal(json_string_value(json_object_get(inner, "request-id")), RID);
    assert_string_equal(json_string_value(json_object_get(inner, "client-request-id")), CRID);
    http_error_graph(&f->r, &f->rs, PORCH_E_DENIED, "Authorization_RequestDenied", NULL);
    assert_int_equal(f->rs.status, 403);
}

static void html_page_escapes(void **state)
{
    struct fixture *f = *state;

    http_error_html(&f->r, &f->rs, PORCH_E_INVALID, "<script>alert('x')</script> & \"q\"");
    assert_int_equal(f->rs.status, 400);
    assert_string_equal(f->rs.content_type, "text/html; charset=utf-8");
    assert_null(strstr(f->rs.body.buf, "<script>"));
    assert_non_null(strstr(f->rs.body.buf,
                           "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert_non_null(strstr(f->rs.body.buf, RID));
    assert_null(strstr(f->rs.body.buf, "http"));
    assert_null(strstr(f->rs.body.buf, "<script src"));
}

static void render_follows_route_flags(void **state)
{
    struct fixture *f = *state;

    http_error_render(&f->r, &f->rs, PORCH_E_METHOD); /* no route: OAuth JSON */
    assert_int_equal(f->rs.status, 405);
    assert_non_null(strstr(f->rs.body.buf, "\"error_codes\""));
    f->route.flags = R_ERR_GRAPH;
    f->r.route = &f->route;
    http_error_render(&f->r, &f->rs, PORCH_E_CONFLICT);
    assert_int_equal(f->rs.status, 409);
    assert_non_null(strstr(f->rs.body.buf, "\"innerError\""));
    f->route.flags = R_ERR_HTML;
    http_error_render_status(&f->r, &f->rs, PORCH_E_TOO_BIG, 431, "Headers too large.");
    assert_int_equal(f->rs.status, 431);
    assert_non_null(strstr(f->rs.body.buf, "Headers too large."));
    f->route.flags = R_ERR_OAUTH;
    http_error_render_status(&f->r, &f->rs, PORCH_E_UNSUPPORTED, 415, NULL);
    assert_int_equal(f->rs.status, 415);
}

static void invalid_utf8_falls_back(void **state)
{
    struct fixture *f = *state;

    http_error_oauth(&f->r, &f->rs, PORCH_E_INVALID, NULL, 0, "bad \xff byte");
    assert_int_equal(f->rs.status, 400);
    assert_string_equal(f->rs.body.buf, "{\"error\":\"invalid_request\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_statuses),
        cmocka_unit_test_setup_teardown(oauth_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(oauth_defaults_and_new_correlation, setup, teardown),
        cmocka_unit_test_setup_teardown(server_errors_hide_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(graph_envelope, setup, teardown),
        cmocka_unit_test_setup_teardown(html_page_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(render_follows_route_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_falls_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
