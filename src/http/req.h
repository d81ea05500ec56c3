/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request and response that handlers see. Built by http/server.c from a libmicrohttpd
 * connection, but free of libmicrohttpd types so oidc/, graph/ and ui/ build and test without
 * it. Everything hanging off a request is arena-owned and lives until the response is sent.
 */
#ifndef PORCH_HTTP_REQ_H
#define PORCH_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/sbuf.h"

struct porch_srv; /* the server context (config, store, key cache); see http/server.h */
struct route;
struct graph_auth; /* a verified management API caller; see graph/auth.h */

/* One decoded name/value pair (query string, form body, header, cookie). */
struct kv {
    const char *name;
    const char *value;
};

struct kvlist {
    struct kv *items;
    size_t n;
};

#define REQ_MAX_PARAMS 4

struct req {
    struct arena *arena;
    struct porch_srv *srv;          /* borrowed for the server's lifetime */
    const struct route *route;      /* the matched route */
    const char *method;             /* "GET", "POST", … */
    const char *path;               /* percent-decoded path, no query */
    const char *params[REQ_MAX_PARAMS]; /* path parameters in route order ({tenant}, …) */
    struct kvlist query;            /* decoded query parameters, in order, repeats kept */
    struct kvlist headers;          /* request headers as received */
    struct kvlist form;             /* decoded application/x-www-form-urlencoded body */
    json_t *json;                   /* parsed JSON body (arena_defer'd), or NULL */
    const char *body;               /* raw body, NUL-terminated, or NULL */
    size_t body_len;
    const char *client_ip;          /* peer address, or X-Forwarded-For from a trusted proxy */
    const char *scheme;             /* "http" or "https" as the client saw it */
    const char *host;               /* Host (or X-Forwarded-Host from a trusted proxy) */
    const char *request_id;         /* GUID generated for this request */
    const char *client_request_id;  /* the client's client-request-id, if a valid GUID */
    void *user;                     /* for handlers: anything they stash for later stages */
    struct graph_auth *auth;        /* R_GRAPH routes: the verified caller (arena-owned), else NULL */
    struct kvlist cookies;          /* Cookie headers, parsed by req_cookie() (http/cookie.h) */
    bool cookies_parsed;            /* cookies is filled (false in a zeroed req) */
};

enum resp_header_flags { RESP_HEADER_REPLACE = 1 << 0 };

struct resp {
    unsigned status;                /* 200 unless set */
    const char *content_type;       /* static or arena-owned */
    struct sbuf body;               /* capped at the route's response limit */
    struct kvlist headers;          /* extra headers, arena-owned */
    size_t headers_cap;
    struct arena *arena;
};

/** First value of a query parameter, or NULL. */
const char *req_query(const struct req *r, const char *name);
/** First value of a form parameter, or NULL. */
const char *req_form(const struct req *r, const char *name);
/** Number of times name occurs in list (for "repeated parameters are invalid" checks). */
size_t kvlist_count(const struct kvlist *l, const char *name);
/** First value for name (case-sensitive), or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *name);
/** First request header value for name (case-insensitive), or NULL. */
const char *req_header(const struct req *r, const char *name);
/** Base URL the client used: public-url when configured, else scheme://host. Arena-owned. */
const char *req_base_url(const struct req *r);

/**
 * Prepares rs for a request: status 200, no content type, an empty body capped at max_body
 * bytes, no extra headers. The body buffer is released when a is freed, so rs must outlive a.
 */
void resp_init(struct resp *rs, struct arena *a, size_t max_body);
/** Adds a response header; name and value are copied into the arena. Repeats are kept. */
void resp_header(struct resp *rs, const char *name, const char *value);
/** Like resp_header, but first drops every header of that name (case-insensitive). */
void resp_header_set(struct resp *rs, const char *name, const char *value);
/** First value of a response header set so far (case-insensitive), or NULL. Borrowed. */
const char *resp_header_get(const struct resp *rs, const char *name);
/**
 * Sets status and a JSON body ("application/json; charset=utf-8") from a jansson value,
 * serialized compactly. Steals j (NULL gives PORCH_E_INTERNAL). PORCH_E_TOO_BIG past the
 * body cap, leaving rs without a body. The content type is only set on success.
 */
enum porch_err resp_json(struct resp *rs, unsigned status, json_t *j);
/**
 * Sets status and a body copied from buf with the given content type (static or
 * arena-owned). PORCH_E_TOO_BIG past the body cap, leaving rs without a body.
 */
enum porch_err resp_body(struct resp *rs, unsigned status, const char *content_type,
                         const char *buf, size_t len);

#endif
