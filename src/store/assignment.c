/* SPDX-License-Identifier: Apache-2.0 */
/*
 * App role assignment rows in portable SQL, and the join the token endpoint uses to turn a
 * resource name into an audience and a set of roles.
 */
#include <stdlib.h>
#include <string.h>

#include "store/assignment.h"
#include "store/list.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define ASG_COLS                                                                                   \
    "tenant_id, id, principal_id, principal_type, principal_display_name, resource_id,"            \
    " resource_display_name, app_role_id, created_at"

static const struct store_list_spec list_spec = {"app_role_assignments", ASG_COLS,
                                                 "created_at, id"};

void store_assignment_row_release(struct assignment_row *a)
{
    if (!a)
        return;
    free(a->principal_display_name);
    free(a->resource_display_name);
    a->principal_display_name = a->resource_display_name = NULL;
}

static bool row_valid(const struct assignment_row *a)
{
    size_t n = strnlen(a->principal_type, sizeof(a->principal_type));

    return uuid_valid(a->tenant_id) && uuid_valid(a->id) && uuid_valid(a->principal_id) &&
           uuid_valid(a->resource_id) && uuid_valid(a->app_role_id) && n > 0 &&
           n < sizeof(a->principal_type);
}

enum porch_err store_assignment_insert(struct db_conn *c, const struct assignment_row *a)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!row_valid(a))
        goto out;
    err = db_prepare(c,
                     "INSERT INTO app_role_assignments (" ASG_COLS ")"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, a->tenant_id);
    db_bind_text(st, 2, a->id);
    db_bind_text(st, 3, a->principal_id);
    db_bind_text(st, 4, a->principal_type);
    db_bind_text(st, 5, a->principal_display_name ? a->principal_display_name : "");
    db_bind_text(st, 6, a->resource_id);
    db_bind_text(st, 7, a->resource_display_name ? a->resource_display_name : "");
    db_bind_text(st, 8, a->app_role_id);
    db_bind_int64(st, 9, a->created_at);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

static enum porch_err read_row(struct db_stmt *st, struct assignment_row *a)
{
    enum porch_err err;

    memset(a, 0, sizeof(*a));
    err = db_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, a->id, sizeof(a->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, a->principal_id, sizeof(a->principal_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 3, a->principal_type, sizeof(a->principal_type));
    if (err == PORCH_OK)
        err = db_col_copy(st, 5, a->resource_id, sizeof(a->resource_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 7, a->app_role_id, sizeof(a->app_role_id));
    if (err != PORCH_OK)
        return err;
    a->principal_display_name = store_col_dup(st, 4);
    a->resource_display_name = store_col_dup(st, 6);
    a->created_at = db_col_int64(st, 8);
    return PORCH_OK;
}

enum porch_err store_assignment_get(struct db_conn *c, const char *tenant_id, const char *id,
                                    struct assignment_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    memset(out, 0, sizeof(*out));
    err = db_prepare(
        c, "SELECT " ASG_COLS " FROM app_role_assignments WHERE tenant_id = ? AND id = ?", &st);
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

enum porch_err store_assignment_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    return store_delete_one(c, "DELETE FROM app_role_assignments WHERE tenant_id = ? AND id = ?",
                            tenant_id, id);
}

struct each_ctx {
    store_assignment_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct assignment_row a;
    enum porch_err err = read_row(st, &a);

    if (err == PORCH_OK)
        err = ec->fn(&a, ec->ctx);
    store_assignment_row_release(&a);
    return err;
}

enum porch_err store_assignment_list(struct db_conn *c, const char *tenant_id,
                                     const struct store_query *q, store_assignment_each_fn fn,
                                     void *ctx, int64_t *total)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, total);
}

#define GRANT_SQL(data)                                                                            \
    "SELECT sp.id, sp.app_id, sp.account_enabled, r.app_role_id, " data                            \
    " FROM service_principal_names n"                                                              \
    " JOIN service_principals sp ON sp.tenant_id = n.tenant_id AND sp.id = n.sp_id"                \
    " LEFT JOIN app_role_assignments r ON r.tenant_id = sp.tenant_id AND r.resource_id = sp.id"    \
    " AND r.principal_id = ?"                                                                      \
    " WHERE n.tenant_id = ? AND n.name = ?"

/* Reads the resource columns (first row) and the role id of the current row into out. */
static enum porch_err read_grant_row(struct db_stmt *st, bool first, bool with_data,
                                     struct assignment_grant *out)
{
    enum porch_err err = PORCH_OK;

    if (first) {
        err = db_col_copy(st, 0, out->resource_id, sizeof(out->resource_id));
        if (err == PORCH_OK)
            err = db_col_copy(st, 1, out->resource_app_id, sizeof(out->resource_app_id));
        out->resource_enabled = db_col_int64(st, 2) != 0;
        if (with_data)
            out->resource_data = store_col_dup(st, 4);
    }
    if (err != PORCH_OK || db_col_is_null(st, 3))
        return err;
    if (out->nroles == STORE_ASSIGNMENT_MAX_ROLES)
        return PORCH_E_TOO_BIG;
    return db_col_copy(st, 3, out->role_ids[out->nroles++], UUID_STR_LEN);
}

enum porch_err store_assignment_resource_roles(struct db_conn *c, const char *tenant_id,
                                               const char *name, const char *principal_id,
                                               bool with_data, struct assignment_grant *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false, first = true;

    out->resource_id[0] = out->resource_app_id[0] = '\0';
    out->resource_data = NULL;
    out->nroles = 0;
    err = db_prepare(c, with_data ? GRANT_SQL("sp.data") : GRANT_SQL("NULL"), &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, principal_id);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, name);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    while (err == PORCH_OK && row) {
        err = read_grant_row(st, first, with_data, out);
        first = false;
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
out:
    if (err != PORCH_OK) {
        free(out->resource_data);
        out->resource_data = NULL;
        out->nroles = 0;
    }
    db_finalize(st);
    return err;
}
