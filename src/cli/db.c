/* SPDX-License-Identifier: Apache-2.0 */
/* `porch db migrate`. Setup has already migrated (NEED_STORE); this reports the outcome. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "db/db.h"
#include "core/banned.h"

int cli_db(struct cli *c)
{
    const char *sub = c->argc > 1 ? c->argv[1] : "";
    struct db_conn *conn = NULL;
    int version = 0;
    enum porch_err err;

    if (strcmp(sub, "migrate") != 0) {
        fprintf(stderr, "porch: db: expected migrate\n");
        return 2;
    }
    c->argc--;
    c->argv++;
    if (cli_parse(c, NULL, NULL, 0))
        return 2;
    err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = db_schema_version(conn, &version);
    if (conn)
        db_release(conn);
    if (err != PORCH_OK)
        return cli_fail("cannot read the schema version: %s", porch_err_str(err));
    printf("applied %d migration%s; schema at version %d\n", c->migrations_applied,
           c->migrations_applied == 1 ? "" : "s", version);
    return 0;
}
