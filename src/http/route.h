/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table's row type. Patterns are literal paths whose `{name}` segments match one
 * non-empty path segment each and are handed to the handler in req->params, in order. A
 * `{name}` may also sit between literals inside one segment (Graph's alternate keys,
 * `/applications(appId='{appId}')`): it then takes the non-empty text between them.
 * Flags declare the cross-cutting checks the pipeline runs before the handler.
 */
#ifndef PORCH_HTTP_ROUTE_H
#define PORCH_HTTP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct req;
struct resp;

typedef enum porch_err (*handler_fn)(struct req *r, struct resp *rs);

enum route_flags {
    R_ERR_OAUTH = 1 << 0, /* errors render as OAuth/Entra JSON (protocol endpoints) */
    R_ERR_GRAPH = 1 << 1, /* errors render as the Graph envelope (management API) */
    R_ERR_HTML = 1 << 2,  /* errors render as the HTML error page (hosted pages) */
    R_BODY_FORM = 1 << 3, /* decode an application/x-www-form-urlencoded body into req->form */
    R_BODY_JSON = 1 << 4, /* parse a JSON body (depth-limited) into req->json */
    R_NO_LOG = 1 << 5,    /* no access-log line (health probes) */
    R_CORS = 1 << 6,      /* public document: Access-Control-Allow-Origin: * on the response */
    R_GRAPH = 1 << 7,     /* management API: bearer token with route->perm (graph/auth.h) */
};

struct route {
    const char *method;
    const char *pattern;
    handler_fn fn;
    unsigned flags;
    size_t max_body; /* 0: no body accepted (413 on any); ROUTE_BODY_DEFAULT: cfg->max_body;
                        else a cap in bytes */
    const char *perm; /* R_GRAPH: the Graph permission the caller needs ("User.Read.All");
                         rows without it may leave it out (routes.c allows short rows) */
};

#define ROUTE_BODY_DEFAULT SIZE_MAX

/*
 * Route tables are positional rows, and rows that need no permission stop after max_body.
 * Wrap a table in ROUTE_TABLE_BEGIN / ROUTE_TABLE_END so those short rows compile under
 * -Wmissing-field-initializers (the omitted perm is NULL).
 */
#define ROUTE_TABLE_BEGIN                                                                          \
    _Pragma("GCC diagnostic push")                                                                 \
        _Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")
#define ROUTE_TABLE_END _Pragma("GCC diagnostic pop")

/* Method bits for the set of methods a path answers to (the Allow header). */
enum route_method {
    ROUTE_M_GET = 1 << 0,
    ROUTE_M_HEAD = 1 << 1,
    ROUTE_M_POST = 1 << 2,
    ROUTE_M_PUT = 1 << 3,
    ROUTE_M_PATCH = 1 << 4,
    ROUTE_M_DELETE = 1 << 5,
    ROUTE_M_OPTIONS = 1 << 6,
};

/** The bit for a method name (case-sensitive, as HTTP requires), or 0 for any other. */
unsigned route_method_bit(const char *method);

/**
 * Finds the row of table[0..n) for method and the decoded path. A GET row also answers
 * HEAD. Literal segments compare exactly; `{name}` takes one non-empty segment; a trailing
 * slash is never ignored. On a match, params[] gets the captured segments (arena-owned
 * copies, in pattern order; unused slots NULL). *allowed (optional) always gets the methods
 * of every row whose pattern matches path: NULL with *allowed == 0 means 404, NULL with a
 * non-zero *allowed means 405. Thread-safe.
 */
const struct route *route_match(const struct route *table, size_t n, struct arena *a,
                                const char *method, const char *path,
                                const char *params[], unsigned *allowed);

/** Formats a method set as an Allow header value ("GET, HEAD, OPTIONS"); arena-owned. */
const char *route_allow_header(struct arena *a, unsigned allowed);

/**
 * Handler for OPTIONS on R_CORS routes: 204 with Access-Control-Allow-Origin: *,
 * Access-Control-Allow-Methods: GET, OPTIONS (GET, POST, OPTIONS and the headers MSAL sends,
 * Authorization included, on the /oauth2/ and /openid/ protocol endpoints) and a one-day max age.
 */
enum porch_err route_cors_preflight(struct req *r, struct resp *rs);

#endif
