/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server: libmicrohttpd with its internal thread pool, the per-request arena, the
 * limits, the handler pipeline, security headers, request ids and the JSON access log.
 */
#ifndef PORCH_HTTP_SERVER_H
#define PORCH_HTTP_SERVER_H

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
 * Starts listening on cfg->listen (TLS when cfg->tls_cert is set), serves until SIGTERM or
 * SIGINT, then stops accepting, waits up to cfg->drain_timeout seconds for in-flight
 * requests, and returns. PORCH_E_IO when the socket cannot be bound or the TLS files cannot
 * be read (detail in e).
 */
enum porch_err server_run(struct porch_srv *srv, struct porch_error *e);

#endif
