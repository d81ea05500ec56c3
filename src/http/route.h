/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table's row type. Patterns are literal paths whose `{name}` segments match one
 * non-empty path segment each and are handed to the handler in req->params, in order.
 * Flags declare the cross-cutting checks the pipeline runs before the handler.
 */
#ifndef PORCH_HTTP_ROUTE_H
#define PORCH_HTTP_ROUTE_H

#include <stddef.h>

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
};

struct route {
    const char *method;
    const char *pattern;
    handler_fn fn;
    unsigned flags;
    size_t max_body; /* 0: no body accepted (413 on any); else a cap in bytes */
};

#endif
