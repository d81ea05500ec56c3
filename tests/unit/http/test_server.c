/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The real server on a free loopback port, driven with plain sockets. A stub route table
 * (this file defines routes_match, so http/routes.c and its store-backed handlers are not
 * linked) covers every pipeline path: limits, routing errors, bodies, headers, proxies, the
 * access log and graceful shutdown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../../src/http/server.c"
#include "core/uuid.h"
#include "http/route.h"
#include "http/routes.h"

/* ---- stub handlers and table ---------------------------------------------------------- */

static enum porch_err h_ok(struct req *r, struct resp *rs)
{
    (void)r;
    return resp_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

static enum porch_err h_echo(struct req *r, struct resp *rs)
{
    const char *a = req_query(r, "a");

    return resp_json(rs, 200,
                     json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?}", "client_ip", r->client_ip,
                               "scheme", r->scheme, "host", r->host, "path", r->path, "a", a,
                               "tenant", r->params[0]));
}

static enum porch_err h_form(struct req *r, struct resp *rs)
{
    return resp_json(rs, 200,
                     json_pack("{s:s?, s:I}", "x", req_form(r, "x"), "n", (json_int_t)r->form.n));
}

static enum porch_err h_json(struct req *r, struct resp *rs)
{
    return resp_json(rs, 200, json_pack("{s:O?}", "k", json_object_get(r->json, "k")));
}

static enum porch_err h_store_fail(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_E_STORE;
}

static enum porch_err h_page_fail(struct req *r, struct resp *rs)
{
    (void)r;
    (void)rs;
    return PORCH_E_INVALID;
}

static enum porch_err h_slow(struct req *r, struct resp *rs)
{
    struct timespec ts = {0, 600 * 1000 * 1000};

    (void)r;
    nanosleep(&ts, NULL);
    return resp_body(rs, 200, "text/plain", "slow", 4);
}

static enum porch_err h_307(struct req *r, struct resp *rs)
{
    (void)r;
    resp_header(rs, "Location", "/echo");
    rs->status = 307;
    return PORCH_OK;
}

static enum porch_err h_cache(struct req *r, struct resp *rs)
{
    (void)r;
    resp_header(rs, "Cache-Control", "max-age=86400, private");
    return resp_body(rs, 200, "text/html; charset=utf-8", "<p>hi</p>", 9);
}

ROUTE_TABLE_BEGIN
static const struct route stub_routes[] = {
    {"GET", "/healthz", h_ok, R_NO_LOG, 0},
    {"GET", "/echo", h_echo, 0, 0},
    {"POST", "/form", h_form, R_BODY_FORM | R_ERR_OAUTH, ROUTE_BODY_DEFAULT},
    {"POST", "/json", h_json, R_BODY_JSON | R_ERR_GRAPH, 1024},
    {"GET", "/fail", h_store_fail, R_ERR_OAUTH, 0},
    {"GET", "/page", h_page_fail, R_ERR_HTML, 0},
    {"GET", "/cached", h_cache, 0, 0},
    {"GET", "/slow", h_slow, 0, 0},
    {"GET", "/r307", h_307, 0, 0},
    {"GET", "/{tenant}/doc", h_echo, R_CORS | R_ERR_OAUTH, 0},
    {"OPTIONS", "/{tenant}/doc", route_cors_preflight, R_CORS | R_ERR_OAUTH, 0},
};
ROUTE_TABLE_END

const struct route *routes_match(struct arena *a, const char *method, const char *path,
                                 const char *params[REQ_MAX_PARAMS], unsigned *allowed)
{
    return route_match(stub_routes, sizeof(stub_routes) / sizeof(stub_routes[0]), a, method, path,
                       params, allowed);
}

/* The stub table has no management API rows; server_conn.c asks only for /v1.0 paths. */
const char *routes_unknown_segment(struct arena *a, const char *path)
{
    (void)a;
    return path;
}

/* ---- server fixture ------------------------------------------------------------------- */

static char host_127[] = "127.0.0.1";
static struct config cfg;
static struct porch_srv srv;
static pthread_t server_thread;
static enum porch_err server_result = PORCH_E_INTERNAL;
static bool server_up;

static void *server_main(void *arg)
{
    struct porch_error e = {0};

    (void)arg;
    server_result = server_run(&srv, &e);
    if (server_result != PORCH_OK)
        fprintf(stderr, "server_run: %s\n", e.msg);
    return NULL;
}

static int start_server(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.listen_host = host_127;
    cfg.listen_port = 0;
    cfg.threads = 2;
    cfg.max_url = 1024;
    cfg.max_header_bytes = 4096;
    cfg.max_headers = 20;
    cfg.max_body = 1024;
    cfg.json_max_depth = 8;
    cfg.drain_timeout = 5;
    if (config_parse_cidr("127.0.0.1/32", &cfg.trust_proxy[0]) != 0)
        return -1;
    cfg.trust_proxy_n = 1;
    srv.cfg = &cfg;
    if (pthread_create(&server_thread, NULL, server_main, NULL) != 0)
        return -1;
    for (int i = 0; i < 500 && server_port() == 0; i++)
        usleep(10 * 1000);
    server_up = server_port() != 0;
    return server_up ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_up) {
        server_stop();
        pthread_join(server_thread, NULL);
        server_up = false;
    }
    return 0;
}

/* ---- raw HTTP client ------------------------------------------------------------------ */

static int connect_server(void)
{
    struct sockaddr_in sa = {0};
    struct timeval tv = {5, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(server_port());
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return; /* the server may close early (413), which is fine */
        s += w;
        n -= (size_t)w;
    }
}

/* Reads until EOF or timeout; caller frees. */
static char *read_all(int fd)
{
    size_t cap = 1 << 20, len = 0;
    char *buf = xmalloc(cap + 1);
    ssize_t n;

    while (len < cap && (n = recv(fd, buf + len, cap - len, 0)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    return buf;
}

static char *request(const char *raw)
{
    int fd = connect_server();
    char *out;

    send_all(fd, raw, strlen(raw));
    out = read_all(fd);
    close(fd);
    return out;
}

static unsigned status_of(const char *resp)
{
    unsigned s = 0;

    if (strncmp(resp, "HTTP/1.1 ", 9) == 0)
        s = (unsigned)strtoul(resp + 9, NULL, 10);
    return s;
}

/* Value of a response header (case-insensitive name) copied into buf, or NULL. */
static const char *header_of(const char *resp, const char *name, char *buf, size_t n)
{
    const char *end = strstr(resp, "\r\n\r\n");
    size_t nl = strlen(name);

    for (const char *p = strstr(resp, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            size_t vl;
            while (*v == ' ')
                v++;
            vl = strcspn(v, "\r\n");
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
    }
    return NULL;
}

static const char *body_of(const char *resp)
{
    const char *p = strstr(resp, "\r\n\r\n");

    return p ? p + 4 : "";
}

#define GET(path, extra)                                                                           \
    "GET " path " HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\n" extra "\r\n"

/* ---- tests ---------------------------------------------------------------------------- */

static void baseline_headers_on_success(void **state)
{
    char *r =
        request(GET("/healthz", "client-request-id: AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE\r\n"));
    char v[256], rid[64];

    (void)state;
    assert_int_equal(status_of(r), 200);
    assert_string_equal(body_of(r), "{\"status\":\"ok\"}");
    assert_string_equal(header_of(r, "Content-Type", v, sizeof(v)),
                        "application/json; charset=utf-8");
    assert_string_equal(
        header_of(r, "Content-Security-Policy", v, sizeof(v)),
        "default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'");
    assert_string_equal(header_of(r, "X-Frame-Options", v, sizeof(v)), "DENY");
    assert_string_equal(header_of(r, "Referrer-Policy", v, sizeof(v)), "no-referrer");
    assert_string_equal(header_of(r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
    assert_string_equal(header_of(r, "Cache-Control", v, sizeof(v)), "no-store");
    assert_null(header_of(r, "Strict-Transport-Security", v, sizeof(v)));
    assert_non_null(header_of(r, "request-id", rid, sizeof(rid)));
    assert_true(uuid_valid(rid));
    assert_string_equal(header_of(r, "x-ms-request-id", v, sizeof(v)), rid);
    assert_string_equal(header_of(r, "client-request-id", v, sizeof(v)),
                        "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE");
    assert_string_equal(header_of(r, "Content-Length", v, sizeof(v)), "15");
    free(r);
    r = request(GET("/healthz", "client-request-id: not-a-guid\r\n"));
    assert_null(header_of(r, "client-request-id", v, sizeof(v)));
    free(r);
}

static void html_csp_and_handler_cache_control(void **state)
{
    char *r = request(GET("/cached", ""));
    char v[256];

    (void)state;
    assert_int_equal(status_of(r), 200);
    assert_string_equal(header_of(r, "Cache-Control", v, sizeof(v)), "max-age=86400, private");
    assert_non_null(strstr(header_of(r, "Content-Security-Policy", v, sizeof(v)),
                           "style-src 'self' 'unsafe-inline'"));
    free(r);
    r = request(GET("/page", ""));
    assert_int_equal(status_of(r), 400);
    assert_string_equal(header_of(r, "Content-Type", v, sizeof(v)), "text/html; charset=utf-8");
    assert_non_null(
        strstr(header_of(r, "Content-Security-Policy", v, sizeof(v)), "form-action 'self'"));
    assert_non_null(strstr(body_of(r), "<!DOCTYPE html>"));
    free(r);
}

static void head_has_no_body(void **state)
{
    char *r = request("HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    char v[64];

    (void)state;
    assert_int_equal(status_of(r), 200);
    assert_string_equal(body_of(r), "");
    assert_string_equal(header_of(r, "Content-Length", v, sizeof(v)), "15");
    free(r);
}

static void unknown_path_is_json_404(void **state)
{
    char *r = request(GET("/nope", ""));
    char v[128];

    (void)state;
    assert_int_equal(status_of(r), 404);
    assert_string_equal(header_of(r, "Content-Type", v, sizeof(v)),
                        "application/json; charset=utf-8");
    assert_non_null(strstr(body_of(r), "\"error\":\"invalid_request\""));
    assert_non_null(header_of(r, "request-id", v, sizeof(v)));
    free(r);
    r = request(GET("/healthz/", ""));
    assert_int_equal(status_of(r), 404);
    free(r);
}

static void wrong_method_is_405_with_allow(void **state)
{
    char *r =
        request("PUT /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    char v[128];

    (void)state;
    assert_int_equal(status_of(r), 405);
    assert_string_equal(header_of(r, "Allow", v, sizeof(v)), "GET, HEAD");
    free(r);
}

static void long_url_is_414(void **state)
{
    char req[4096];
    char *r;

    (void)state;
    memset(req, 'a', sizeof(req));
    memcpy(req, "GET /echo?a=", 12);
    snprintf(req + 2000, sizeof(req) - 2000, " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    r = request(req);
    assert_int_equal(status_of(r), 414);
    free(r);
}

static void too_many_headers_is_431(void **state)
{
    struct sbuf sb;
    char *r;

    (void)state;
    sbuf_init(&sb, 8192);
    sbuf_adds(&sb, "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
    for (int i = 0; i < 25; i++)
        sbuf_addf(&sb, "X-H%d: v\r\n", i);
    sbuf_adds(&sb, "\r\n");
    r = request(sb.buf);
    assert_int_equal(status_of(r), 431);
    free(r);
    sbuf_reset(&sb);
    sbuf_adds(&sb, "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Big: ");
    for (int i = 0; i < 4200; i++)
        sbuf_addch(&sb, 'b');
    sbuf_adds(&sb, "\r\n\r\n");
    r = request(sb.buf);
    assert_int_equal(status_of(r), 431);
    free(r);
    sbuf_release(&sb);
}

static void large_content_length_is_413_before_body(void **state)
{
    int64_t t0 = clock_mono_ms();
    char *r = request("POST /form HTTP/1.1\r\nHost: t\r\nContent-Type: "
                      "application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n");

    (void)state;
    assert_int_equal(status_of(r), 413);
    assert_true(clock_mono_ms() - t0 < 4000); /* answered without waiting for the body */
    free(r);
    r = request(
        "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
    assert_int_equal(status_of(r), 413); /* max_body 0 refuses any body */
    free(r);
}

static void chunked_body_past_limit_is_refused(void **state)
{
    struct sbuf sb;
    char *r;

    (void)state;
    sbuf_init(&sb, 16384);
    sbuf_adds(&sb, "POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                   "application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 4; i++) {
        sbuf_adds(&sb, "200\r\n");
        for (int j = 0; j < 0x200; j++)
            sbuf_addch(&sb, 'x');
        sbuf_adds(&sb, "\r\n");
    }
    sbuf_adds(&sb, "0\r\n\r\n");
    r = request(sb.buf);
    /* either a 413 or a closed connection, never a 200 */
    assert_true(status_of(r) == 413 || status_of(r) == 0);
    free(r);
    sbuf_release(&sb);
}

static void form_and_json_bodies(void **state)
{
    char *r;

    (void)state;
    r = request("POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "application/x-www-form-urlencoded; charset=UTF-8\r\nContent-Length: 11\r\n\r\n"
                "x=a+b%21&y=");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(body_of(r), "{\"x\":\"a b!\",\"n\":2}");
    free(r);
    r = request("POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "text/plain\r\nContent-Length: 3\r\n\r\nx=1");
    assert_int_equal(status_of(r), 415);
    free(r);
    r = request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "application/json; charset=utf-8\r\nContent-Length: 10\r\n\r\n{\"k\":[1]}\n");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(body_of(r), "{\"k\":[1]}");
    free(r);
    r = request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "application/json\r\nContent-Length: 6\r\n\r\n{\"k\":1");
    assert_int_equal(status_of(r), 400);
    assert_non_null(strstr(body_of(r), "invalid JSON at line 1"));
    assert_non_null(strstr(body_of(r), "\"innerError\"")); /* R_ERR_GRAPH */
    free(r);
    r = request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "application/json\r\nContent-Length: 20\r\n\r\n[[[[[[[[[[]]]]]]]]]]");
    assert_int_equal(status_of(r), 400);
    free(r);
    r = request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
                "application/x-www-form-urlencoded\r\nContent-Length: 2\r\n\r\n{}");
    assert_int_equal(status_of(r), 415);
    free(r);
}

static void handler_failure_renders_generic_503(void **state)
{
    char *r = request(GET("/fail", ""));
    char v[64];

    (void)state;
    assert_int_equal(status_of(r), 503);
    assert_string_equal(header_of(r, "Retry-After", v, sizeof(v)), "5");
    assert_non_null(strstr(body_of(r), "\"temporarily_unavailable\""));
    free(r);
}

static void proxies_and_hosts(void **state)
{
    char v[64];
    char *r;

    (void)state;
    r = request(GET("/echo?a=1",
                    "X-Forwarded-For: 198.51.100.1, 203.0.113.9, 127.0.0.1\r\n"
                    "X-Forwarded-Proto: https\r\nX-Forwarded-Host: id.example.com\r\n"));
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(body_of(r), "\"client_ip\":\"203.0.113.9\""));
    assert_non_null(strstr(body_of(r), "\"scheme\":\"https\""));
    assert_non_null(strstr(body_of(r), "\"host\":\"id.example.com\""));
    assert_non_null(strstr(body_of(r), "\"a\":\"1\""));
    assert_string_equal(header_of(r, "Strict-Transport-Security", v, sizeof(v)),
                        "max-age=31536000");
    free(r);
    r = request(GET("/echo", "X-Forwarded-For: 198.51.100.1, junk\r\n"));
    assert_non_null(strstr(body_of(r), "\"client_ip\":\"127.0.0.1\""));
    free(r);
    r = request("GET /echo HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(r), 400);
    free(r);
    r = request(GET("/a%2Fb/doc", ""));
    assert_int_equal(status_of(r), 400);
    free(r);
    r = request(GET("/../echo", ""));
    assert_int_equal(status_of(r), 400);
    free(r);
}

static void cors_documents(void **state)
{
    char *r = request(GET("/contoso/doc", ""));
    char v[128];

    (void)state;
    assert_int_equal(status_of(r), 200);
    assert_string_equal(header_of(r, "Access-Control-Allow-Origin", v, sizeof(v)), "*");
    assert_non_null(strstr(body_of(r), "\"tenant\":\"contoso\""));
    free(r);
    r = request("OPTIONS /contoso/doc HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(r), 204);
    assert_string_equal(header_of(r, "Access-Control-Allow-Methods", v, sizeof(v)), "GET, OPTIONS");
    free(r);
    r = request(GET("/echo", ""));
    assert_null(header_of(r, "Access-Control-Allow-Origin", v, sizeof(v)));
    free(r);
}

static void no_307(void **state)
{
    char *r = request(GET("/r307", ""));
    char v[64];

    (void)state;
    assert_int_equal(status_of(r), 302);
    assert_string_equal(header_of(r, "Location", v, sizeof(v)), "/echo");
    free(r);
}

/* Captures stderr into a file while fn runs, then waits for an access line. */
static void access_log_has_no_query(void **state)
{
    char path[] = "/tmp/porch-test-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    char buf[8192] = "";
    char *r;

    (void)state;
    assert_true(fd >= 0);
    dup2(fd, STDERR_FILENO);
    r = request(GET("/contoso/doc?secret=hunter2&a=1", "Authorization: Bearer tok123\r\n"
                                                       "Cookie: sid=cookie456\r\n"));
    free(r);
    r = request(GET("/healthz", ""));
    free(r);
    for (int i = 0; i < 200 && !strstr(buf, "\"/contoso/doc\""); i++) {
        ssize_t n;
        usleep(10 * 1000);
        n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
    }
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    unlink(path);
    assert_non_null(strstr(buf, "\"type\":\"access\",\"method\":\"GET\",\"path\":\"/contoso/doc\","
                                "\"status\":200"));
    assert_non_null(strstr(buf, "\"client_ip\":\"127.0.0.1\""));
    assert_non_null(strstr(buf, "\"tenant\":\"contoso\""));
    assert_non_null(strstr(buf, "\"request_id\":\""));
    assert_null(strstr(buf, "hunter2"));
    assert_null(strstr(buf, "tok123"));
    assert_null(strstr(buf, "cookie456"));
    assert_null(strstr(buf, "healthz")); /* R_NO_LOG */
}

struct slow_call {
    char *resp;
};

static void *slow_client(void *arg)
{
    struct slow_call *c = arg;

    c->resp = request(GET("/slow", ""));
    return NULL;
}

/* Last: SIGTERM to the serving thread drains the in-flight request, then server_run returns. */
static void sigterm_drains_and_stops(void **state)
{
    struct slow_call call = {NULL};
    pthread_t t;
    int64_t t0;

    (void)state;
    assert_int_equal(pthread_create(&t, NULL, slow_client, &call), 0);
    t0 = clock_mono_ms();
    while (atomic_load(&bound_port) && clock_mono_ms() - t0 < 200)
        usleep(10 * 1000); /* let the slow request reach its handler */
    pthread_kill(server_thread, SIGTERM);
    pthread_join(server_thread, NULL);
    server_up = false;
    pthread_join(t, NULL);
    assert_int_equal(server_result, PORCH_OK);
    assert_int_equal(status_of(call.resp), 200);
    assert_string_equal(body_of(call.resp), "slow");
    assert_int_equal(server_port(), 0);
    free(call.resp);
}

static void tls_file_missing_is_io(void **state)
{
    static char missing[] = "/nonexistent/porch-cert.pem";
    struct config c = cfg;
    struct porch_srv s = {.cfg = &c};
    struct porch_error e = {0};

    (void)state;
    c.tls_cert = missing;
    c.tls_key = missing;
    assert_int_equal(server_run(&s, &e), PORCH_E_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/porch-cert.pem"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(baseline_headers_on_success),
        cmocka_unit_test(html_csp_and_handler_cache_control),
        cmocka_unit_test(head_has_no_body),
        cmocka_unit_test(unknown_path_is_json_404),
        cmocka_unit_test(wrong_method_is_405_with_allow),
        cmocka_unit_test(long_url_is_414),
        cmocka_unit_test(too_many_headers_is_431),
        cmocka_unit_test(large_content_length_is_413_before_body),
        cmocka_unit_test(chunked_body_past_limit_is_refused),
        cmocka_unit_test(form_and_json_bodies),
        cmocka_unit_test(handler_failure_renders_generic_503),
        cmocka_unit_test(proxies_and_hosts),
        cmocka_unit_test(cors_documents),
        cmocka_unit_test(no_307),
        cmocka_unit_test(access_log_has_no_query),
        cmocka_unit_test(sigterm_drains_and_stops),
        cmocka_unit_test(tls_file_missing_is_io),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
