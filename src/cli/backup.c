/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `porch backup --to FILE`: a consistent copy of the SQLite store taken with SQLite's online
 * backup API while `porch serve` keeps running (a raw copy of a WAL database can be torn).
 * PostgreSQL stores are backed up with pg_dump; the command says so.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "db/db.h"
#include "core/banned.h"

int cli_backup(struct cli *c)
{
    const char *to = NULL;
    const struct cli_opt opts[] = {{"to", &to, NULL}, {NULL, NULL, NULL}};
    struct porch_error e = {0};
    struct db_conn *conn = NULL;
    enum porch_err err;
    int rc = cli_parse(c, opts, NULL, 0);

    if (rc)
        return rc;
    if (!to) {
        fprintf(stderr, "porch: backup: --to FILE is required\n");
        return 2;
    }
    err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = db_backup(conn, to, &e);
    if (conn)
        db_release(conn);
    if (err != PORCH_OK)
        return cli_fail("backup: %s", e.msg[0] ? e.msg : porch_err_str(err));
    printf("backed up %s to %s\n", c->cfg.db, to);
    return 0;
}
