/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sending a response and logging it. Every response, handler-made or error, leaves through
 * server_resp_queue(), which adds the baseline security headers of the security baseline
 * ("Hosted pages") with a Content-Security-Policy chosen by content type, the request ids
 * Graph and MSAL read, CORS for public documents and HSTS over TLS (served directly, or
 * reported by a trusted proxy). The access log is one JSON line per request without query
 * string, body or credentials.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "http/route.h"
#include "http/server_int.h"
#include "core/banned.h"

/* API responses load nothing; pages may load their own styles and images. */
static const char csp_api[] =
    "default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
static const char csp_html[] =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";

static const struct {
    const char *name, *value;
} baseline[] = {
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
    {"Cache-Control", "no-store"},
};

static bool header_value_ok(const char *v)
{
    return strpbrk(v, "\r\n") == NULL;
}

static const char *csp_for(const char *content_type)
{
    if (content_type && strncasecmp(content_type, "text/html", 9) == 0)
        return csp_html;
    return csp_api;
}

/* Adds name: value unless the handler already set that header. */
static void add_default(struct MHD_Response *m, const struct resp *rs, const char *name,
                        const char *value)
{
    if (!resp_header_get(rs, name))
        MHD_add_response_header(m, name, value);
}

static void add_headers(struct server_ctx *x, struct MHD_Response *m)
{
    const struct resp *rs = &x->resp;
    const struct req *r = &x->req;

    for (size_t i = 0; i < rs->headers.n; i++) {
        const struct kv *h = &rs->headers.items[i];
        if (header_value_ok(h->name) && header_value_ok(h->value))
            MHD_add_response_header(m, h->name, h->value);
        else
            log_warn("dropping response header '%s' with a line break", h->name);
    }
    if (rs->content_type)
        MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    add_default(m, rs, "Content-Security-Policy", csp_for(rs->content_type));
    for (size_t i = 0; i < sizeof(baseline) / sizeof(baseline[0]); i++)
        add_default(m, rs, baseline[i].name, baseline[i].value);
    if (x->st->tls || (r->scheme && strcmp(r->scheme, "https") == 0))
        add_default(m, rs, "Strict-Transport-Security", "max-age=31536000");
    if (r->route && (r->route->flags & R_CORS))
        add_default(m, rs, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(m, "request-id", r->request_id);
    MHD_add_response_header(m, "x-ms-request-id", r->request_id);
    if (r->client_request_id)
        MHD_add_response_header(m, "client-request-id", r->client_request_id);
    if (atomic_load(&x->st->draining))
        MHD_add_response_header(m, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* 307/308 would make a browser re-POST credentials to the target (security baseline). */
static unsigned final_status(const struct server_ctx *x)
{
    unsigned s = x->resp.status ? x->resp.status : 200;

    if (s == 307 || s == 308) {
        log_warn("status %u replaced by 303/302", s);
        s = strcmp(x->req.method ? x->req.method : "", "POST") == 0 ? 303 : 302;
    }
    return s;
}

enum MHD_Result server_resp_queue(struct server_ctx *x, struct MHD_Connection *c)
{
    struct MHD_Response *m;
    enum MHD_Result rc;

    /* The body stays in x->resp until NOTIFY_COMPLETED, after the last byte is sent. */
    m = MHD_create_response_from_buffer(x->resp.body.len, x->resp.body.buf, MHD_RESPMEM_PERSISTENT);
    x->queued = true;
    if (!m)
        return MHD_NO;
    add_headers(x, m);
    x->status = final_status(x);
    x->bytes = x->req.method && strcmp(x->req.method, "HEAD") == 0 ? 0 : x->resp.body.len;
    rc = MHD_queue_response(c, x->status, m);
    MHD_destroy_response(m);
    return rc;
}

static void add_field(struct sbuf *sb, const char *name, const char *value)
{
    (void)sbuf_addf(sb, ",\"%s\":\"", name);
    (void)sbuf_add_json_str(sb, value ? value : "");
    (void)sbuf_addch(sb, '"');
}

/* The path as decoded, else the raw target up to '?', cut to SERVER_LOG_PATH_MAX. */
static const char *log_path(const struct server_ctx *x, char *buf, size_t n)
{
    const char *p = x->req.path ? x->req.path : x->raw_uri;
    size_t len = p ? strcspn(p, x->req.path ? "" : "?") : 0;

    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

void server_resp_log(const struct server_ctx *x, bool completed)
{
    const struct req *r = &x->req;
    char ts[32], path[SERVER_LOG_PATH_MAX + 1];
    struct sbuf sb;

    clock_format_iso(clock_now(), ts, sizeof(ts));
    sbuf_init(&sb, 4096);
    (void)sbuf_addf(&sb, "{\"time\":\"%s\",\"level\":\"info\",\"type\":\"access\"", ts);
    add_field(&sb, "method", r->method);
    add_field(&sb, "path", log_path(x, path, sizeof(path)));
    (void)sbuf_addf(&sb, ",\"status\":%u,\"bytes\":%zu,\"duration_ms\":%lld", x->status, x->bytes,
                    (long long)(clock_mono_ms() - x->start_ms));
    add_field(&sb, "client_ip", r->client_ip);
    add_field(&sb, "request_id", r->request_id);
    if (r->route && strstr(r->route->pattern, "{tenant}") && r->params[0])
        add_field(&sb, "tenant", r->params[0]);
    if (!completed)
        (void)sbuf_adds(&sb, ",\"aborted\":true");
    (void)sbuf_adds(&sb, "}\n");
    log_raw_line(sb.buf, sb.len);
    sbuf_release(&sb);
}
