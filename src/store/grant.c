/* SPDX-License-Identifier: Apache-2.0 */
/* Delegated permission grant rows in portable SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/grant.h"
#include "store/list.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define GRANT_COLS "tenant_id, id, client_id, consent_type, principal_id, resource_id, scope"

static const struct store_list_spec list_spec = {"oauth2_permission_grants", GRANT_COLS, "id"};

void store_grant_row_release(struct grant_row *g)
{
    if (!g)
        return;
    free(g->scope);
    g->scope = NULL;
}

static bool row_valid(const struct grant_row *g)
{
    size_t n = strnlen(g->consent_type, sizeof(g->consent_type));

    return uuid_valid(g->tenant_id) && uuid_valid(g->id) && uuid_valid(g->client_id) &&
           uuid_valid(g->resource_id) && (!g->principal_id[0] || uuid_valid(g->principal_id)) &&
           n > 0 && n < sizeof(g->consent_type) && g->scope;
}

enum porch_err store_grant_insert(struct db_conn *c, const struct grant_row *g)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!row_valid(g))
        goto out;
    err = db_prepare(c,
                     "INSERT INTO oauth2_permission_grants (" GRANT_COLS ")"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, g->tenant_id);
    db_bind_text(st, 2, g->id);
    db_bind_text(st, 3, g->client_id);
    db_bind_text(st, 4, g->consent_type);
    db_bind_text(st, 5, g->principal_id[0] ? g->principal_id : NULL);
    db_bind_text(st, 6, g->resource_id);
    db_bind_text(st, 7, g->scope);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

static enum porch_err read_row(struct db_stmt *st, struct grant_row *g)
{
    enum porch_err err;
    const char *scope;

    memset(g, 0, sizeof(*g));
    err = db_col_copy(st, 0, g->tenant_id, sizeof(g->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, g->id, sizeof(g->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, g->client_id, sizeof(g->client_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 3, g->consent_type, sizeof(g->consent_type));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, g->principal_id, sizeof(g->principal_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 5, g->resource_id, sizeof(g->resource_id));
    if (err != PORCH_OK)
        return err;
    scope = db_col_text(st, 6);
    g->scope = xstrdup(scope ? scope : "");
    return PORCH_OK;
}

enum porch_err store_grant_get(struct db_conn *c, const char *tenant_id, const char *id,
                               struct grant_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    memset(out, 0, sizeof(*out));
    err = db_prepare(
        c, "SELECT " GRANT_COLS " FROM oauth2_permission_grants WHERE tenant_id = ? AND id = ?",
        &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, id);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        err = row ? read_row(st, out) : PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_grant_update(struct db_conn *c, const struct grant_row *g)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!g->scope)
        goto out;
    err = db_prepare(
        c, "UPDATE oauth2_permission_grants SET scope = ? WHERE tenant_id = ? AND id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, g->scope);
    db_bind_text(st, 2, g->tenant_id);
    db_bind_text(st, 3, g->id);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_grant_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    return store_delete_one(
        c, "DELETE FROM oauth2_permission_grants WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

struct each_ctx {
    store_grant_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct grant_row g;
    enum porch_err err = read_row(st, &g);

    if (err == PORCH_OK)
        err = ec->fn(&g, ec->ctx);
    store_grant_row_release(&g);
    return err;
}

enum porch_err store_grant_list(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, store_grant_each_fn fn, void *ctx,
                                int64_t *total)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, total);
}

enum porch_err store_grant_scopes(struct db_conn *c, const char *tenant_id, const char *client_id,
                                  const char *resource_id, const char *principal_id,
                                  char **scopes)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sb;
    bool row = false;

    *scopes = NULL;
    sbuf_init(&sb, 64 * 1024);
    err = db_prepare(c,
                     "SELECT scope FROM oauth2_permission_grants WHERE tenant_id = ?"
                     " AND client_id = ? AND resource_id = ? AND (consent_type = 'AllPrincipals'"
                     " OR (consent_type = 'Principal' AND principal_id = ?)) ORDER BY id",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, client_id);
    db_bind_text(st, 3, resource_id);
    db_bind_text(st, 4, principal_id && *principal_id ? principal_id : "-");
    while ((err = db_step(st, &row)) == PORCH_OK && row) {
        const char *s = db_col_is_null(st, 0) ? "" : db_col_text(st, 0);
        if (sb.len && (err = sbuf_addch(&sb, ' ')) != PORCH_OK)
            break;
        if ((err = sbuf_adds(&sb, s)) != PORCH_OK)
            break;
    }
    if (err == PORCH_OK)
        *scopes = sbuf_detach(&sb, NULL);
out:
    sbuf_release(&sb);
    db_finalize(st);
    return err;
}
