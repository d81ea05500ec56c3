/* SPDX-License-Identifier: Apache-2.0 */
/* `porch serve`: wires the store, the caches and the HTTP server together and runs them. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/log.h"
#include "db/db.h"
#include "http/server.h"
#include "oidc/oidc.h"
#include "core/banned.h"

int cli_serve(struct cli *c)
{
    struct porch_srv srv = {0};
    struct porch_error e = {0};
    enum porch_err err;

    if (cli_parse(c, NULL, NULL, 0))
        return 2;
    srv.cfg = &c->cfg;
    srv.db = c->db;
    srv.sb = c->sb;
    srv.oidc = oidc_new(&c->cfg, c->db, c->sb);
    err = server_run(&srv, &e);
    oidc_free(srv.oidc);
    if (err != PORCH_OK)
        return cli_fail("%s", e.msg[0] ? e.msg : porch_err_str(err));
    return 0;
}
