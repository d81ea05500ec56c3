/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request pipeline, driven by libmicrohttpd's callbacks. The URI callback creates the
 * request context and arena before any header is parsed. The first access-handler call
 * enforces the URL, header and body-size limits, builds struct req (decoded path, query,
 * headers, client address through trusted proxies, request ids) and matches the route, so
 * an oversized, misrouted or (on the management API) unauthenticated request is answered
 * before its body is read. Later calls collect the body up to the route's limit; the last
 * one decodes it, runs the handler and queues the response. NOTIFY_COMPLETED logs and frees
 * everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/uuid.h"
#include "graph/auth.h"
#include "http/errors.h"
#include "http/jsonbody.h"
#include "http/route.h"
#include "http/routes.h"
#include "http/server_int.h"
#include "http/urlenc.h"
#include "core/banned.h"

#define HOST_MAX 255

void *server_conn_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct server_state *st = cls;
    struct arena *a = arena_new();
    struct server_ctx *x = arena_calloc(a, 1, sizeof(*x));
    size_t len = strlen(uri);
    char id[UUID_STR_LEN];

    (void)c;
    x->arena = a;
    x->st = st;
    x->start_ms = clock_mono_ms();
    x->uri_too_long = len > st->srv->cfg->max_url;
    x->raw_uri = arena_strndup(a, uri, x->uri_too_long ? strcspn(uri, "?") : len);
    uuid_v4(id);
    x->req.arena = a;
    x->req.srv = st->srv;
    x->req.request_id = arena_strdup(a, id);
    x->req.client_ip = "";
    x->req.scheme = st->tls ? "https" : "http";
    resp_init(&x->resp, a, SERVER_MAX_RESPONSE);
    atomic_fetch_add(&st->inflight, 1);
    return x;
}

/* Renders err (status/message overrides optional) and queues it. */
static enum MHD_Result fail(struct server_ctx *x, struct MHD_Connection *c, enum porch_err err,
                            unsigned status, const char *message)
{
    http_error_render_status(&x->req, &x->resp, err, status, message);
    return server_resp_queue(x, c);
}

static const char *peer_ip(struct arena *a, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    const char *ok = NULL;

    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        ok = inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
    } else if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            ok = inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, buf, sizeof(buf));
        else
            ok = inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
    }
    return ok ? arena_strdup(a, buf) : "";
}

struct header_walk {
    struct server_ctx *x;
    size_t n, cap, bytes;
};

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct header_walk *w = cls;
    struct kv *kv;

    (void)kind;
    if (w->n == w->cap)
        return MHD_NO;
    if (!value)
        value = "";
    kv = &w->x->req.headers.items[w->n++];
    kv->name = arena_strdup(w->x->arena, key);
    kv->value = arena_strdup(w->x->arena, value);
    w->bytes += strlen(key) + strlen(value) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* Copies the request headers into req->headers; PORCH_E_TOO_BIG past either header limit. */
static enum porch_err collect_headers(struct server_ctx *x, struct MHD_Connection *c)
{
    const struct config *cfg = x->st->srv->cfg;
    struct header_walk w = {x, 0, 0, 0};
    int n = MHD_get_connection_values(c, MHD_HEADER_KIND, NULL, NULL);

    if (n <= 0)
        return PORCH_OK;
    if ((unsigned)n > cfg->max_headers)
        return PORCH_E_TOO_BIG;
    w.cap = (size_t)n;
    x->req.headers.items = arena_calloc(x->arena, w.cap, sizeof(struct kv));
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &w);
    x->req.headers.n = w.n;
    return w.bytes > cfg->max_header_bytes ? PORCH_E_TOO_BIG : PORCH_OK;
}

static bool valid_ip(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/*
 * Walks X-Forwarded-For from the right, past every address of a trusted proxy; the first
 * untrusted one is the client. A malformed entry ends the walk at the last good hop, so a
 * client cannot smuggle a chosen address past its own proxy.
 */
static const char *forwarded_client(struct server_ctx *x, const char *peer, const char *xff)
{
    const struct config *cfg = x->st->srv->cfg;
    const char *client = peer;
    size_t end = strlen(xff);

    while (end > 0) {
        size_t start = end, s, e = end;
        char *tok;

        while (start > 0 && xff[start - 1] != ',')
            start--;
        for (s = start; s < e && (xff[s] == ' ' || xff[s] == '\t'); s++)
            ;
        while (e > s && (xff[e - 1] == ' ' || xff[e - 1] == '\t'))
            e--;
        if (e == s || e - s >= INET6_ADDRSTRLEN)
            break;
        tok = arena_strndup(x->arena, xff + s, e - s);
        if (!valid_ip(tok))
            break;
        client = tok;
        if (!config_ip_trusted(cfg, tok) || start == 0)
            break;
        end = start - 1;
    }
    return client;
}

static bool valid_host(const char *h)
{
    size_t n = strlen(h);

    if (n == 0 || n > HOST_MAX)
        return false;
    return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") == n;
}

/*
 * Client address (r->client_ip holds the peer on entry), scheme, host and
 * client-request-id; PORCH_E_INVALID for a bad Host.
 */
static enum porch_err identify(struct server_ctx *x)
{
    struct req *r = &x->req;
    const char *peer = r->client_ip;
    const char *host = req_header(r, "Host"), *v;
    bool trusted = peer[0] && config_ip_trusted(x->st->srv->cfg, peer);

    v = req_header(r, "client-request-id");
    if (v && uuid_valid(v))
        r->client_request_id = v;
    if (trusted) {
        v = req_header(r, "X-Forwarded-For");
        if (v)
            r->client_ip = forwarded_client(x, peer, v);
        v = req_header(r, "X-Forwarded-Proto");
        if (v && (strcasecmp(v, "https") == 0 || strcasecmp(v, "http") == 0))
            r->scheme = strcasecmp(v, "https") == 0 ? "https" : "http";
        v = req_header(r, "X-Forwarded-Host");
        if (v && valid_host(v))
            host = v;
    }
    if (host && !valid_host(host))
        return PORCH_E_INVALID;
    r->host = host;
    return PORCH_OK;
}

/* Splits the target into the decoded path and the query parameters. */
static enum MHD_Result parse_target(struct server_ctx *x, struct MHD_Connection *c)
{
    const char *raw = x->raw_uri, *q = strchr(raw, '?');
    size_t plen = q ? (size_t)(q - raw) : strlen(raw);
    enum porch_err err;

    if (urlenc_decode_path(x->arena, raw, plen, &x->req.path) != PORCH_OK)
        return fail(x, c, PORCH_E_INVALID, 0, "The request path is not valid.");
    if (!q)
        return MHD_YES;
    err = urlenc_parse_form(x->arena, q + 1, strlen(q + 1), &x->req.query);
    if (err == PORCH_E_TOO_BIG)
        return fail(x, c, err, MHD_HTTP_URI_TOO_LONG, "The query string has too many parameters.");
    if (err != PORCH_OK)
        return fail(x, c, err, 0, "The query string is not valid.");
    return MHD_YES;
}

/* True when the media type of ct (before any ';' parameter) is want, case-insensitively. */
static bool media_type_is(const char *ct, const char *want)
{
    size_t n = strcspn(ct, ";"), wn = strlen(want);

    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    return n == wn && strncasecmp(ct, want, wn) == 0;
}

/* The route's body cap in bytes (ROUTE_BODY_DEFAULT resolves to cfg->max_body). */
static size_t body_cap(const struct server_ctx *x)
{
    size_t max = x->req.route->max_body;

    return max == ROUTE_BODY_DEFAULT ? x->st->srv->cfg->max_body : max;
}

/* Content-Length against the route's cap, and the media type of body routes. */
static enum MHD_Result check_body_headers(struct server_ctx *x, struct MHD_Connection *c)
{
    const struct route *rt = x->req.route;
    size_t max = body_cap(x);
    const char *cl = req_header(&x->req, "Content-Length");
    const char *ct = req_header(&x->req, "Content-Type");
    bool has_body = req_header(&x->req, "Transfer-Encoding") != NULL;
    unsigned long long n = 0;
    char *end = NULL;

    if (cl) {
        errno = 0;
        n = strtoull(cl, &end, 10);
        if (errno || end == cl || *end || cl[0] == '-')
            return fail(x, c, PORCH_E_INVALID, 0, "The Content-Length header is not valid.");
        if (n > max)
            return fail(x, c, PORCH_E_TOO_BIG, 0, NULL);
        has_body = has_body || n > 0;
    }
    if (has_body && max == 0)
        return fail(x, c, PORCH_E_TOO_BIG, 0, NULL);
    if (has_body && (rt->flags & R_BODY_FORM) &&
        !(ct && media_type_is(ct, "application/x-www-form-urlencoded")))
        return fail(x, c, PORCH_E_UNSUPPORTED, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                    "The body must be application/x-www-form-urlencoded.");
    if (has_body && (rt->flags & R_BODY_JSON) && !(ct && media_type_is(ct, "application/json")))
        return fail(x, c, PORCH_E_UNSUPPORTED, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                    "The body must be application/json.");
    return MHD_YES;
}

/* True for the management API's version roots and everything under them. */
static bool graph_path(const char *p)
{
    return strncmp(p, "/v1.0/", 6) == 0 || strcmp(p, "/v1.0") == 0 ||
           strncmp(p, "/beta/", 6) == 0 || strcmp(p, "/beta") == 0;
}

/*
 * No row for a management API path: Graph answers at routing, before authentication, with
 * 400 BadRequest naming the first unknown segment, or 405 for a known path.
 */
static enum MHD_Result graph_unrouted(struct server_ctx *x, struct MHD_Connection *c,
                                      unsigned allowed)
{
    struct req *r = &x->req;

    if (allowed) {
        resp_header_set(&x->resp, "Allow", route_allow_header(x->arena, allowed));
        http_error_graph_status(r, &x->resp, PORCH_E_METHOD, MHD_HTTP_METHOD_NOT_ALLOWED,
                                "Request_BadRequest",
                                "Specified HTTP method is not allowed for the request target.");
    } else {
        http_error_graph(r, &x->resp, PORCH_E_INVALID, "BadRequest",
                         arena_printf(x->arena, "Resource not found for the segment '%s'.",
                                      routes_unknown_segment(x->arena, r->path)));
    }
    return server_resp_queue(x, c);
}

static enum MHD_Result dispatch(struct server_ctx *x, struct MHD_Connection *c)
{
    struct req *r = &x->req;
    unsigned allowed = 0;

    r->route = routes_match(x->arena, r->method, r->path, r->params, &allowed);
    if (!r->route && graph_path(r->path))
        return graph_unrouted(x, c, allowed);
    if (!r->route && !allowed)
        return fail(x, c, PORCH_E_NOT_FOUND, 0, NULL);
    if (!r->route) {
        resp_header_set(&x->resp, "Allow", route_allow_header(x->arena, allowed));
        return fail(x, c, PORCH_E_METHOD, 0, NULL);
    }
    /* bearer authentication before the body is read: 401/403 never wait for an upload */
    if ((r->route->flags & R_GRAPH) && graph_auth_check(r, &x->resp) != PORCH_OK) {
        if (!x->resp.content_type)
            http_error_render(r, &x->resp, PORCH_E_DENIED);
        return server_resp_queue(x, c);
    }
    return check_body_headers(x, c);
}

/* First access-handler call: everything that can be decided before the body is read. */
static enum MHD_Result begin(struct server_ctx *x, struct MHD_Connection *c, const char *method)
{
    enum porch_err err;
    enum MHD_Result rc;

    x->req.method = arena_strdup(x->arena, method);
    x->req.client_ip = peer_ip(x->arena, c);
    if (x->uri_too_long)
        return fail(x, c, PORCH_E_TOO_BIG, MHD_HTTP_URI_TOO_LONG, "The request URI is too long.");
    err = collect_headers(x, c);
    if (err != PORCH_OK)
        return fail(x, c, err, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "The request headers are too large.");
    if (identify(x) != PORCH_OK)
        return fail(x, c, PORCH_E_INVALID, 0, "The Host header is not valid.");
    rc = parse_target(x, c);
    if (rc != MHD_YES || x->queued)
        return rc;
    return dispatch(x, c);
}

/* Appends one chunk of upload data, growing the buffer geometrically up to the route cap. */
static enum MHD_Result take_body(struct server_ctx *x, struct MHD_Connection *c, const char *data,
                                 size_t *size)
{
    size_t max = body_cap(x), n = *size;

    if (n > max - x->body_len) {
        /*
         * Past the limit (a chunked body, or more data than Content-Length promised).
         * libmicrohttpd 0.9.75 refuses a response queued mid-body, so fail() returns MHD_NO
         * and the connection is closed without reading the rest.
         */
        return fail(x, c, PORCH_E_TOO_BIG, 0, NULL);
    }
    if (x->body_len + n + 1 > x->body_alloc) {
        size_t want = x->body_alloc ? x->body_alloc * 2 : 4096;
        char *nb;

        if (want < x->body_len + n + 1)
            want = x->body_len + n + 1;
        if (want > max + 1)
            want = max + 1;
        nb = arena_alloc(x->arena, want);
        if (x->body_len)
            memcpy(nb, x->body, x->body_len);
        x->body = nb;
        x->body_alloc = want;
    }
    memcpy(x->body + x->body_len, data, n);
    x->body_len += n;
    *size = 0;
    return MHD_YES;
}

/* Decodes the collected body as the route's flags ask. */
static enum MHD_Result decode_body(struct server_ctx *x, struct MHD_Connection *c)
{
    struct req *r = &x->req;
    struct porch_error e = {0};
    enum porch_err err;

    if (x->body) {
        x->body[x->body_len] = '\0';
        r->body = x->body;
        r->body_len = x->body_len;
    }
    if ((r->route->flags & R_BODY_FORM) && r->body) {
        err = urlenc_parse_form(x->arena, r->body, r->body_len, &r->form);
        if (err != PORCH_OK)
            return fail(x, c, err, 0,
                        err == PORCH_E_TOO_BIG ? NULL : "The form body is not valid.");
    }
    if ((r->route->flags & R_BODY_JSON) && r->body) {
        err = jsonbody_parse(x->arena, r->body, r->body_len, x->st->srv->cfg->json_max_depth,
                             &r->json, &e);
        if (err != PORCH_OK)
            return fail(x, c, err, MHD_HTTP_BAD_REQUEST, e.msg);
    }
    return MHD_YES;
}

static enum MHD_Result finish(struct server_ctx *x, struct MHD_Connection *c)
{
    struct req *r = &x->req;
    enum MHD_Result rc = decode_body(x, c);
    enum porch_err err;

    if (rc != MHD_YES || x->queued)
        return rc;
    err = r->route->fn(r, &x->resp);
    if (err != PORCH_OK && !x->resp.content_type)
        http_error_render(r, &x->resp, err);
    return server_resp_queue(x, c);
}

enum MHD_Result server_conn_access(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
    struct server_ctx *x = *con_cls;

    (void)cls;
    (void)url;
    (void)version;
    if (!x)
        return MHD_NO;
    if (!x->started) {
        x->started = true;
        return begin(x, c, method);
    }
    if (x->queued) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size)
        return take_body(x, c, upload_data, upload_data_size);
    return finish(x, c);
}

void server_conn_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    struct server_state *st = cls;
    struct server_ctx *x = *con_cls;

    (void)c;
    if (!x)
        return;
    *con_cls = NULL;
    if (!x->req.route || !(x->req.route->flags & R_NO_LOG))
        server_resp_log(x, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    arena_free(x->arena);
    atomic_fetch_sub(&st->inflight, 1);
}
