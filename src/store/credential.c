/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application password rows in portable SQL, and the client lookup behind client
 * authentication: application, service principal and passwords joined into one statement so
 * a token request costs one round trip for its client.
 */
#include <stdlib.h>
#include <string.h>

#include "store/credential.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define PW_COLS                                                                                    \
    "tenant_id, app_id, key_id, display_name, hint, secret_hash, start_at, end_at, created_at"

void store_credential_row_release(struct credential_row *p)
{
    if (!p)
        return;
    free(p->display_name);
    p->display_name = NULL;
}

static bool field_ok(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    return n > 0 && n < size;
}

enum porch_err store_credential_insert(struct db_conn *c, const struct credential_row *p)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!uuid_valid(p->tenant_id) || !uuid_valid(p->app_id) || !uuid_valid(p->key_id) ||
        !field_ok(p->hint, sizeof(p->hint)) || !field_ok(p->secret_hash, sizeof(p->secret_hash)) ||
        p->end_at <= p->start_at)
        goto out;
    err = db_prepare(
        c, "INSERT INTO app_passwords (" PW_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, p->tenant_id);
    db_bind_text(st, 2, p->app_id);
    db_bind_text(st, 3, p->key_id);
    db_bind_text(st, 4, p->display_name);
    db_bind_text(st, 5, p->hint);
    db_bind_text(st, 6, p->secret_hash);
    db_bind_int64(st, 7, p->start_at);
    db_bind_int64(st, 8, p->end_at);
    db_bind_int64(st, 9, p->created_at);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_credential_delete(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       const char *key_id)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(
        c, "DELETE FROM app_passwords WHERE tenant_id = ? AND app_id = ? AND key_id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, app_id);
    db_bind_text(st, 3, key_id);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

static enum porch_err read_row(struct db_stmt *st, struct credential_row *p)
{
    enum porch_err err;

    memset(p, 0, sizeof(*p));
    err = db_col_copy(st, 0, p->tenant_id, sizeof(p->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, p->app_id, sizeof(p->app_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, p->key_id, sizeof(p->key_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, p->hint, sizeof(p->hint));
    if (err == PORCH_OK)
        err = db_col_copy(st, 5, p->secret_hash, sizeof(p->secret_hash));
    if (err != PORCH_OK)
        return err;
    if (!db_col_is_null(st, 3))
        p->display_name = xstrdup(db_col_text(st, 3));
    p->start_at = db_col_int64(st, 6);
    p->end_at = db_col_int64(st, 7);
    p->created_at = db_col_int64(st, 8);
    return PORCH_OK;
}

enum porch_err store_credential_list(struct db_conn *c, const char *tenant_id, const char *app_id,
                                     store_credential_each_fn fn, void *ctx, size_t *count)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct credential_row p;
    bool row = false;
    size_t n = 0;

    err = db_prepare(c,
                     "SELECT " PW_COLS " FROM app_passwords WHERE tenant_id = ? AND app_id = ?"
                     " ORDER BY created_at, key_id",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, app_id);
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        err = read_row(st, &p);
        if (err == PORCH_OK && fn)
            err = fn(&p, ctx);
        store_credential_row_release(&p);
        n++;
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
    if (count)
        *count = n;
out:
    db_finalize(st);
    return err;
}

#define CLIENT_FROM                                                                                \
    " FROM applications a"                                                                         \
    " LEFT JOIN service_principals sp ON sp.tenant_id = a.tenant_id AND sp.app_id = a.app_id"

static const char client_pw_sql[] =
    "SELECT a.id, sp.id, sp.account_enabled, p.key_id, p.secret_hash, p.start_at, "
    "p.end_at" CLIENT_FROM
    " LEFT JOIN app_passwords p ON p.tenant_id = a.tenant_id AND p.app_id = a.app_id"
    " WHERE a.tenant_id = ? AND a.app_id = ?";

static const char client_data_sql[] = "SELECT a.id, sp.id, sp.account_enabled, a.data" CLIENT_FROM
                                      " WHERE a.tenant_id = ? AND a.app_id = ?";

/* Reads one row of either statement into out; the client columns only from the first. */
static enum porch_err read_client_row(struct db_stmt *st, bool first, bool with_app_data,
                                      struct credential_client *out)
{
    enum porch_err err = PORCH_OK;
    struct credential_secret *s;

    if (first) {
        err = db_col_copy(st, 0, out->app_object_id, sizeof(out->app_object_id));
        if (err == PORCH_OK)
            err = db_col_copy(st, 1, out->sp_id, sizeof(out->sp_id));
        out->sp_enabled = !db_col_is_null(st, 2) && db_col_int64(st, 2) != 0;
        if (with_app_data && err == PORCH_OK)
            out->app_data = xstrdup(db_col_is_null(st, 3) ? "{}" : db_col_text(st, 3));
    }
    if (err != PORCH_OK || with_app_data || db_col_is_null(st, 3))
        return err;
    if (out->npw == STORE_CREDENTIAL_MAX)
        return PORCH_E_TOO_BIG;
    s = &out->pw[out->npw++];
    err = db_col_copy(st, 3, s->key_id, sizeof(s->key_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, s->hash, sizeof(s->hash));
    s->start_at = db_col_int64(st, 5);
    s->end_at = db_col_int64(st, 6);
    return err;
}

enum porch_err store_credential_client(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       bool with_app_data, struct credential_client *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false, first = true;

    out->app_object_id[0] = out->sp_id[0] = '\0';
    out->sp_enabled = false;
    out->app_data = NULL;
    out->npw = 0;
    err = db_prepare(c, with_app_data ? client_data_sql : client_pw_sql, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, app_id);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    while (err == PORCH_OK && row) {
        err = read_client_row(st, first, with_app_data, out);
        first = false;
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
out:
    if (err != PORCH_OK) {
        free(out->app_data);
        out->app_data = NULL;
        out->npw = 0;
    }
    db_finalize(st);
    return err;
}
