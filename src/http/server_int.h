/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the server files only (server.c, server_conn.c, server_resp.c): the daemon
 * state that callbacks see, the per-request context, and the callbacks themselves. This is
 * one of the few headers that include microhttpd.h; nothing outside http/server*.c may
 * include it.
 */
#ifndef PORCH_HTTP_SERVER_INT_H
#define PORCH_HTTP_SERVER_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "core/arena.h"
#include "http/req.h"
#include "http/server.h"

#define SERVER_MAX_RESPONSE (8u * 1024 * 1024) /* response body cap */
#define SERVER_LOG_PATH_MAX 256                /* bytes of a path in one access-log line */

/* What every callback gets as its closure. Lives on server_run()'s stack. */
struct server_state {
    struct porch_srv *srv;
    bool tls;
    atomic_bool draining; /* set once SIGTERM arrived: responses carry Connection: close */
    atomic_uint inflight; /* requests between the URI callback and NOTIFY_COMPLETED */
};

/* One request, from the URI callback to NOTIFY_COMPLETED; allocated in its own arena. */
struct server_ctx {
    struct arena *arena;
    struct server_state *st;
    struct req req;
    struct resp resp;
    const char *raw_uri; /* request target as received (cut for logging when too long) */
    int64_t start_ms;
    char *body; /* arena buffer, body_alloc bytes */
    size_t body_len, body_alloc;
    unsigned status; /* status queued, 0 until then */
    size_t bytes;    /* body bytes queued */
    bool uri_too_long;
    bool started; /* the access handler saw this request */
    bool queued;  /* a response is queued; drop further upload data */
};

/** MHD_OPTION_URI_LOG_CALLBACK: creates the request context and its arena. */
void *server_conn_uri(void *cls, const char *uri, struct MHD_Connection *c);
/** The MHD access handler: limits, request building, body, route handler, response. */
enum MHD_Result server_conn_access(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls);
/** MHD_OPTION_NOTIFY_COMPLETED: writes the access-log line and frees the arena. */
void server_conn_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe);

/**
 * Queues x->resp on c with the content type, the handler's headers and the baseline
 * security headers, request ids, CORS and HSTS where they apply. Marks x->queued.
 * Returns what MHD_queue_response returned.
 */
enum MHD_Result server_resp_queue(struct server_ctx *x, struct MHD_Connection *c);
/** Writes the JSON access-log line for x (never the query string, body or credentials). */
void server_resp_log(const struct server_ctx *x, bool completed);

#endif
