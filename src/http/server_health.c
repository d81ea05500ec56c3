/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health probes. They live in the server archive (porch_http) rather than with the other
 * request helpers because /readyz reaches the store, which porch_httpreq does not link.
 * Both answer without a tenant and are left out of the access log (R_NO_LOG).
 */
#include <stddef.h>

#include "db/db.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "http/server_health.h"
#include "core/banned.h"

enum porch_err server_health_live(struct req *r, struct resp *rs)
{
    (void)r;
    return resp_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

enum porch_err server_health_ready(struct req *r, struct resp *rs)
{
    struct db_conn *conn = NULL;
    enum porch_err err = PORCH_E_UNAVAILABLE;

    if (!r->srv || !r->srv->db)
        goto out;
    if (db_acquire(r->srv->db, &conn) != PORCH_OK)
        goto out;
    if (db_ping(conn) == PORCH_OK)
        err = PORCH_OK;
out:
    if (conn)
        db_release(conn);
    if (err == PORCH_OK)
        return resp_json(rs, 200, json_pack("{s:s}", "status", "ready"));
    resp_header_set(rs, "Retry-After", "5");
    return resp_json(rs, http_error_status(err), json_pack("{s:s}", "status", "unavailable"));
}
