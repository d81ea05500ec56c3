/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signing-key rows in portable SQL. A missing expiry is stored as NULL (not 0) so "still
 * published" is one indexed comparison on both backends.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/key.h"
#include "core/banned.h"

#define KEY_COLS "tenant_id, kid, alg, public_jwk, private_enc, created_at, active_at, expires_at"

/* True when s holds 1..size-1 characters and its NUL within size bytes. */
static bool field_ok(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    return n > 0 && n < size;
}

enum porch_err store_key_insert(struct db_conn *c, const struct key_row *k)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!field_ok(k->tenant_id, sizeof(k->tenant_id)) || !field_ok(k->kid, sizeof(k->kid)) ||
        !field_ok(k->alg, sizeof(k->alg)) || !k->public_jwk || !*k->public_jwk || !k->private_enc ||
        !*k->private_enc)
        goto out;
    err = db_prepare(c, "INSERT INTO signing_keys (" KEY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, k->tenant_id);
    db_bind_text(st, 2, k->kid);
    db_bind_text(st, 3, k->alg);
    db_bind_text(st, 4, k->public_jwk);
    db_bind_text(st, 5, k->private_enc);
    db_bind_int64(st, 6, k->created_at);
    db_bind_int64(st, 7, k->active_at);
    if (k->expires_at)
        db_bind_int64(st, 8, k->expires_at);
    else
        db_bind_null(st, 8);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

/* Reads the KEY_COLS of the current row into k, which the caller has zeroed. */
static enum porch_err read_row(struct db_stmt *st, struct key_row *k)
{
    enum porch_err err;

    err = db_col_copy(st, 0, k->tenant_id, sizeof(k->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, k->kid, sizeof(k->kid));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, k->alg, sizeof(k->alg));
    if (err != PORCH_OK)
        return err;
    k->public_jwk = xstrdup(db_col_is_null(st, 3) ? "" : db_col_text(st, 3));
    k->private_enc = xstrdup(db_col_is_null(st, 4) ? "" : db_col_text(st, 4));
    k->created_at = db_col_int64(st, 5);
    k->active_at = db_col_int64(st, 6);
    k->expires_at = db_col_is_null(st, 7) ? 0 : db_col_int64(st, 7);
    return PORCH_OK;
}

enum porch_err store_key_list(struct db_conn *c, const char *tenant_id, int64_t now,
                              struct key_row **rows, size_t *n)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct key_row *v = NULL;
    size_t len = 0;
    bool row = false;

    *rows = NULL;
    *n = 0;
    err = db_prepare(c,
                     "SELECT " KEY_COLS " FROM signing_keys"
                     " WHERE tenant_id = ? AND (expires_at IS NULL OR expires_at > ?)"
                     " ORDER BY active_at DESC, kid",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_int64(st, 2, now);
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        if (len == STORE_KEY_LIST_MAX) {
            err = PORCH_E_TOO_BIG;
            break;
        }
        v = xrealloc(v, (len + 1) * sizeof(*v));
        memset(&v[len], 0, sizeof(*v));
        err = read_row(st, &v[len++]);
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
    if (err != PORCH_OK)
        goto out;
    *rows = v;
    *n = len;
    v = NULL;
    len = 0;
out:
    store_key_rows_free(v, len);
    db_finalize(st);
    return err;
}

enum porch_err store_key_set_expiry(struct db_conn *c, const char *tenant_id,
                                    const char *except_kid, int64_t expires_at)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c,
                     "UPDATE signing_keys SET expires_at = ?"
                     " WHERE tenant_id = ? AND kid <> ? AND expires_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, expires_at);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, except_kid ? except_kid : ""); /* kids are never empty */
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

void store_key_rows_free(struct key_row *rows, size_t n)
{
    if (!rows)
        return;
    for (size_t i = 0; i < n; i++) {
        free(rows[i].public_jwk);
        free(rows[i].private_enc);
    }
    free(rows);
}
