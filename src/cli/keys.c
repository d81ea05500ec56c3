/* SPDX-License-Identifier: Apache-2.0 */
/* `porch keys rotate`: adds a signing key to a tenant (publish now, sign after a delay). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "db/db.h"
#include "directory/keyring.h"
#include "store/tenant.h"
#include "core/banned.h"

static int parse_delay(const char *s, unsigned fallback, int64_t *out)
{
    char *end;
    long long v;

    if (!s) {
        *out = fallback;
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < 0 || v > 30LL * 86400)
        return -1;
    *out = v;
    return 0;
}

static int rotate(struct cli *c)
{
    const char *ref = NULL, *delay_s = NULL;
    bool as_json = false;
    const struct cli_opt opts[] = {{"tenant", &ref, NULL},
                                   {"activation-delay", &delay_s, NULL},
                                   {"json", NULL, &as_json},
                                   {NULL, NULL, NULL}};
    struct db_conn *conn = NULL;
    struct tenant t;
    int64_t delay;
    char kid[96], iso[32];
    enum porch_err err;
    int rc = cli_parse(c, opts, NULL, 0);

    if (rc)
        return rc;
    if (!ref) {
        fprintf(stderr, "porch: keys rotate: --tenant is required\n");
        return 2;
    }
    if (parse_delay(delay_s, c->cfg.key_activation_delay, &delay) != 0) {
        fprintf(stderr, "porch: --activation-delay: must be a number of seconds from 0 to 2592000\n");
        return 2;
    }
    err = db_acquire(c->db, &conn);
    if (err == PORCH_OK)
        err = store_tenant_find(conn, ref, &t);
    if (err == PORCH_OK)
        err = keyring_rotate(conn, c->sb, t.id, delay, c->cfg.token_lifetime, kid);
    if (conn)
        db_release(conn);
    if (err == PORCH_E_NOT_FOUND)
        return cli_fail("no tenant '%s'", ref);
    if (err != PORCH_OK)
        return cli_fail("cannot rotate keys of '%s': %s", ref, porch_err_str(err));
    clock_format_iso(clock_now() + delay, iso, sizeof(iso));
    if (as_json)
        printf("{\"tenantId\":\"%s\",\"kid\":\"%s\",\"alg\":\"RS256\",\"activeAt\":\"%s\"}\n", t.id,
               kid, iso);
    else
        printf("added key %s to tenant %s; published now, signs from %s\n", kid, t.id, iso);
    return 0;
}

int cli_keys(struct cli *c)
{
    const char *sub = c->argc > 1 ? c->argv[1] : "";

    c->argc--;
    c->argv++;
    if (strcmp(sub, "rotate") == 0)
        return rotate(c);
    fprintf(stderr, "porch: keys: expected rotate\n");
    return 2;
}
