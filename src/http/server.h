/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server: libmicrohttpd with its internal thread pool, the per-request arena, the
 * limits, the handler pipeline, security headers, request ids and the JSON access log.
 */
#ifndef PORCH_HTTP_SERVER_H
#define PORCH_HTTP_SERVER_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

struct db;
struct oidc;
struct secretbox;

/* What handlers reach through req->srv. Owned by `porch serve`; outlives the server. */
struct porch_srv {
    const struct config *cfg;
    struct db *db;
    const struct secretbox *sb; /* master key: unseals signing keys and upstream secrets */
    struct oidc *oidc; /* tenant, key and document caches (oidc/oidc.h) */
};

/**
 * Starts listening on cfg->listen_host/listen_port (TLS when cfg->tls_cert is set), serves
 * until SIGTERM or SIGINT, then stops accepting, waits up to cfg->drain_timeout seconds for
 * in-flight requests, and returns. PORCH_E_IO when the socket cannot be bound or the TLS
 * files cannot be read (detail in e). Blocks the calling thread.
 *
 * Signals: SIGTERM and SIGINT are blocked in the calling thread for the duration (the
 * daemon's threads inherit the mask) and taken with sigtimedwait(); call it from the main
 * thread, or block both signals in any thread started earlier, or the default action will
 * kill the process. One server per process.
 */
enum porch_err server_run(struct porch_srv *srv, struct porch_error *e);

/**
 * Asks a running server_run() to shut down as SIGTERM would (for tests and embedding).
 * Async-signal-unsafe; thread-safe. Before server_run() starts, the next run returns at once.
 */
void server_stop(void);

/** Port the running server listens on (useful with listen_port 0), or 0. Thread-safe. */
uint16_t server_port(void);

#endif
