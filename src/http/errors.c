/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error rendering. The table below is the only place where a porch_err becomes an HTTP
 * status, an OAuth `error`, an AADSTS-style number and a Graph code. AADSTS numbers are
 * Entra's where Entra has a matching one (90100 bad parameter, 90033 transient error, 50000
 * generic service error); clients only key on `error`, `error_codes[0]` for a few well-known
 * codes that handlers pass explicitly.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/uuid.h"
#include "http/errors.h"
#include "http/route.h"
#include "core/banned.h"

#define RETRY_AFTER_SECONDS "5"

struct err_row {
    unsigned status;
    const char *oauth; /* OAuth `error` */
    unsigned aadsts;   /* AADSTS number in error_description and error_codes */
    const char *graph; /* Graph error.code */
    const char *message;
};

static const struct err_row rows[PORCH_E__COUNT] = {
    [PORCH_E_INVALID] = {400, "invalid_request", 90100, "Request_BadRequest",
                         "The request is not valid."},
    [PORCH_E_NOT_FOUND] = {404, "invalid_request", 90002, "Request_ResourceNotFound",
                           "The requested resource does not exist."},
    [PORCH_E_DENIED] = {403, "access_denied", 50105, "Authorization_RequestDenied",
                        "Insufficient privileges to complete the operation."},
    [PORCH_E_TOO_BIG] = {413, "invalid_request", 90100, "Request_BadRequest",
                         "The request is too large."},
    [PORCH_E_STORE] = {503, "temporarily_unavailable", 90033, "serviceNotAvailable",
                       "The service is temporarily unavailable. Please try again later."},
    [PORCH_E_CONFLICT] = {409, "invalid_request", 90100, "Request_MultipleObjectsWithSameKeyValue",
                          "Another object with the same value already exists."},
    [PORCH_E_UNAVAILABLE] = {503, "temporarily_unavailable", 90033, "serviceNotAvailable",
                             "The service is temporarily unavailable. Please try again later."},
    [PORCH_E_BUSY] = {503, "temporarily_unavailable", 90033, "serviceNotAvailable",
                      "The service is temporarily unavailable. Please try again later."},
    [PORCH_E_UNSUPPORTED] = {400, "invalid_request", 90100, "Request_BadRequest",
                             "The request is not supported."},
    [PORCH_E_METHOD] = {405, "invalid_request", 90100, "Request_BadRequest",
                        "The method is not allowed for this resource."},
};

static const struct err_row fallback = {500, "server_error", 50000, "generalException",
                                        "An internal error occurred."};

static const struct err_row *row_for(enum porch_err err)
{
    if ((unsigned)err >= PORCH_E__COUNT || rows[err].status == 0)
        return &fallback;
    return &rows[err];
}

unsigned http_error_status(enum porch_err err)
{
    if (err == PORCH_OK)
        return 200;
    return row_for(err)->status;
}

/* Server-side failures always show the generic text: no SQL, paths or key names. */
static const char *pick_message(const struct err_row *row, const char *message)
{
    if (!message || row->status >= 500)
        return row->message;
    return message;
}

/* "2016-01-09 02:02:12Z" (OAuth) or "2021-04-20T17:22:30" (Graph innerError.date). */
static void format_utc(char *out, size_t n, bool graph)
{
    time_t t = (time_t)clock_now();
    struct tm tm;
    size_t len = 0;

    if (gmtime_r(&t, &tm))
        len = graph ? strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm)
                    : strftime(out, n, "%Y-%m-%d %H:%M:%SZ", &tm);
    if (len == 0)
        out[0] = '\0';
}

static const char *safe(const char *s)
{
    return s ? s : "";
}

static void add_common_headers(struct resp *rs, unsigned status)
{
    resp_header_set(rs, "Cache-Control", "no-store");
    if (status == 503)
        resp_header_set(rs, "Retry-After", RETRY_AFTER_SECONDS);
}

/* Last resort when a value cannot be serialized (a description that is not UTF-8). */
static void minimal_json(struct resp *rs, unsigned status, const char *field, const char *code)
{
    char buf[160];
    int n = snprintf(buf, sizeof(buf), "{\"%s\":\"%s\"}", field, code);

    (void)resp_body(rs, status, "application/json; charset=utf-8", buf,
                    n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : 0);
}

static void oauth_render(struct req *r, struct resp *rs, unsigned status, const char *error,
                         unsigned aadsts, const char *description)
{
    char ts[32], corr_buf[UUID_STR_LEN];
    const char *corr = r->client_request_id;
    const char *full, *uri;
    json_t *j;

    if (!corr) {
        uuid_v4(corr_buf);
        corr = corr_buf;
    }
    format_utc(ts, sizeof(ts), false);
    full = arena_printf(r->arena,
                        "AADSTS%u: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\n"
                        "Timestamp: %s",
                        aadsts, description, safe(r->request_id), corr, ts);
    uri = arena_printf(r->arena, "%s/error?code=%u", req_base_url(r), aadsts);
    j = json_pack("{s:s, s:s, s:[I], s:s, s:s, s:s, s:s}", "error", error, "error_description",
                  full, "error_codes", (json_int_t)aadsts, "timestamp", ts, "trace_id",
                  safe(r->request_id), "correlation_id", corr, "error_uri", uri);
    add_common_headers(rs, status);
    if (resp_json(rs, status, j) != PORCH_OK)
        minimal_json(rs, status, "error", error);
}

enum porch_err http_error_oauth(struct req *r, struct resp *rs, enum porch_err err,
                                const char *error, unsigned aadsts, const char *description)
{
    const struct err_row *row = row_for(err);

    oauth_render(r, rs, row->status, error ? error : row->oauth, aadsts ? aadsts : row->aadsts,
                 pick_message(row, description));
    return err;
}

static void graph_render(struct req *r, struct resp *rs, unsigned status, const char *code,
                         const char *message)
{
    char date[32];
    const char *rid = safe(r->request_id);
    json_t *j;

    format_utc(date, sizeof(date), true);
    j = json_pack("{s:{s:s, s:s, s:{s:s, s:s, s:s}}}", "error", "code", code, "message", message,
                  "innerError", "date", date, "request-id", rid, "client-request-id",
                  r->client_request_id ? r->client_request_id : rid);
    add_common_headers(rs, status);
    if (resp_json(rs, status, j) != PORCH_OK)
        minimal_json(rs, status, "error", code);
}

enum porch_err http_error_graph(struct req *r, struct resp *rs, enum porch_err err,
                                const char *code, const char *message)
{
    const struct err_row *row = row_for(err);

    graph_render(r, rs, row->status, code ? code : row->graph, pick_message(row, message));
    return err;
}

enum porch_err http_error_graph_status(struct req *r, struct resp *rs, enum porch_err err,
                                       unsigned status, const char *code, const char *message)
{
    graph_render(r, rs, status, code, message);
    return err;
}

enum porch_err http_html_escape(struct sbuf *sb, const char *s)
{
    enum porch_err err = PORCH_OK;

    for (; *s && err == PORCH_OK; s++) {
        switch (*s) {
        case '&':
            err = sbuf_adds(sb, "&amp;");
            break;
        case '<':
            err = sbuf_adds(sb, "&lt;");
            break;
        case '>':
            err = sbuf_adds(sb, "&gt;");
            break;
        case '"':
            err = sbuf_adds(sb, "&quot;");
            break;
        case '\'':
            err = sbuf_adds(sb, "&#39;");
            break;
        default:
            err = sbuf_addch(sb, *s);
        }
    }
    return err;
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<meta name=\"robots\" content=\"noindex\"><title>Something went wrong</title><style>"
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f4;color:#1b1b1b}"
    "main{max-width:32rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:6px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.3rem;margin-top:0}"
    "small{color:#555;word-break:break-all}</style></head>\n<body><main>"
    "<h1>Something went wrong</h1><p>";

static void html_render(struct req *r, struct resp *rs, unsigned status, const char *message)
{
    struct sbuf sb;
    enum porch_err err;

    sbuf_init(&sb, 16 * 1024);
    err = sbuf_adds(&sb, html_head);
    if (err == PORCH_OK)
        err = http_html_escape(&sb, message);
    if (err == PORCH_OK)
        err = sbuf_adds(&sb, "</p><p><small>Request ID: ");
    if (err == PORCH_OK)
        err = http_html_escape(&sb, safe(r->request_id));
    if (err == PORCH_OK)
        err = sbuf_adds(&sb, "</small></p></main></body></html>\n");
    add_common_headers(rs, status);
    if (err == PORCH_OK)
        err = resp_body(rs, status, "text/html; charset=utf-8", sb.buf, sb.len);
    if (err != PORCH_OK)
        (void)resp_body(rs, status, "text/plain; charset=utf-8", "error\n", 6);
    sbuf_release(&sb);
}

enum porch_err http_error_html(struct req *r, struct resp *rs, enum porch_err err,
                               const char *message)
{
    const struct err_row *row = row_for(err);

    html_render(r, rs, row->status, pick_message(row, message));
    return err;
}

static void render(struct req *r, struct resp *rs, const struct err_row *row, unsigned status,
                   const char *message)
{
    unsigned flags = r->route ? r->route->flags : 0;

    if (flags & R_ERR_GRAPH)
        graph_render(r, rs, status, row->graph, message);
    else if (flags & R_ERR_HTML)
        html_render(r, rs, status, message);
    else
        oauth_render(r, rs, status, row->oauth, row->aadsts, message);
}

void http_error_render(struct req *r, struct resp *rs, enum porch_err err)
{
    const struct err_row *row = row_for(err);

    render(r, rs, row, row->status, row->message);
}

void http_error_render_status(struct req *r, struct resp *rs, enum porch_err err, unsigned status,
                              const char *message)
{
    const struct err_row *row = row_for(err);

    render(r, rs, row, status ? status : row->status, message ? message : row->message);
}

enum porch_err http_error_page_get(struct req *r, struct resp *rs)
{
    const char *code = req_query(r, "code");
    char msg[256];
    size_t n = code ? strspn(code, "0123456789") : 0;

    if (!code || n == 0 || n > 9 || code[n] != '\0')
        return http_error_html(r, rs, PORCH_E_INVALID, "This page explains error codes: "
                                                       "add ?code= and the number.");
    snprintf(msg, sizeof(msg),
             "Error AADSTS%s was returned to the application that sent you here. When you ask "
             "for help, quote the trace ID and timestamp from the application's message.",
             code);
    html_render(r, rs, 200, msg);
    return PORCH_OK;
}
