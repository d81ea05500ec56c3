/* SPDX-License-Identifier: Apache-2.0 */
/* Liveness and readiness probes (/healthz, /readyz) for load balancers and orchestrators. */
#ifndef PORCH_HTTP_SERVER_HEALTH_H
#define PORCH_HTTP_SERVER_HEALTH_H

#include "core/err.h"

struct req;
struct resp;

/** GET /healthz: 200 {"status":"ok"} while the process serves requests. */
enum porch_err server_health_live(struct req *r, struct resp *rs);
/**
 * GET /readyz: borrows a store connection and pings it; 200 {"status":"ready"} or 503
 * {"status":"unavailable"} (with Retry-After) when the store cannot be reached.
 */
enum porch_err server_health_ready(struct req *r, struct resp *rs);

#endif
