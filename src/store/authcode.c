/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorization codes in portable SQL. The redemption is `UPDATE … RETURNING`, one statement
 * on both backends (SQLite >= 3.35), so the winner also gets the row without a second read
 * that a concurrent redemption could interleave with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/ct.h"
#include "store/authcode.h"
#include "core/banned.h"

#define CODE_COLS                                                                                  \
    "client_id, redirect_uri, code_challenge, nonce, scope, user_id, session_id, auth_time,"       \
    " created_at, expires_at, grant_id, public_client, client_info, resource"

void store_authcode_row_release(struct authcode_row *a)
{
    if (!a)
        return;
    free(a->redirect_uri);
    free(a->code_challenge);
    free(a->nonce);
    free(a->scope);
    memset(a, 0, sizeof(*a));
}

static char *dup_or_null(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? NULL : xstrdup(db_col_text(st, col));
}

/* Reads CODE_COLS of the current row into a (zeroed by the caller). */
static enum porch_err read_row(struct db_stmt *st, struct authcode_row *a)
{
    enum porch_err err = db_col_copy(st, 0, a->client_id, sizeof(a->client_id));

    if (err == PORCH_OK)
        err = db_col_copy(st, 5, a->user_id, sizeof(a->user_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 6, a->session_id, sizeof(a->session_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 10, a->grant_id, sizeof(a->grant_id));
    if (err != PORCH_OK)
        return err;
    a->redirect_uri = xstrdup(db_col_is_null(st, 1) ? "" : db_col_text(st, 1));
    a->code_challenge = dup_or_null(st, 2);
    a->nonce = dup_or_null(st, 3);
    a->scope = xstrdup(db_col_is_null(st, 4) ? "" : db_col_text(st, 4));
    a->auth_time = db_col_int64(st, 7);
    a->created_at = db_col_int64(st, 8);
    a->expires_at = db_col_int64(st, 9);
    a->public_client = db_col_int64(st, 11) != 0;
    a->client_info = db_col_int64(st, 12) != 0;
    err = db_col_copy(st, 13, a->resource, sizeof(a->resource));
    if (err != PORCH_OK)
        return err;
    return PORCH_OK;
}

static void bind_or_null(struct db_stmt *st, int idx, const char *s)
{
    if (s && *s)
        db_bind_text(st, idx, s);
    else
        db_bind_null(st, idx);
}

struct issue_ctx {
    struct authcode_row *a;
    const char *code;
};

static enum porch_err issue_tx(struct db_conn *c, void *ctx)
{
    struct issue_ctx *ic = ctx;
    struct authcode_row *a = ic->a;
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    struct refresh_grant g = {.client_id = a->client_id,
                              .user_id = a->user_id,
                              .auth_time = a->auth_time,
                              .session_id = a->session_id,
                              .public_client = a->public_client,
                              .resource = a->resource};

    err = store_refresh_grant_create(c, a->tenant_id, &g, a->created_at, a->grant_id);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "INSERT INTO auth_codes (tenant_id, code_hash, " CODE_COLS ")"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, a->tenant_id);
    db_bind_text(st, 2, a->code_hash);
    db_bind_text(st, 3, a->client_id);
    db_bind_text(st, 4, a->redirect_uri);
    bind_or_null(st, 5, a->code_challenge);
    bind_or_null(st, 6, a->nonce);
    db_bind_text(st, 7, a->scope ? a->scope : "");
    db_bind_text(st, 8, a->user_id);
    bind_or_null(st, 9, a->session_id);
    db_bind_int64(st, 10, a->auth_time);
    db_bind_int64(st, 11, a->created_at);
    db_bind_int64(st, 12, a->expires_at);
    db_bind_text(st, 13, a->grant_id);
    db_bind_int64(st, 14, a->public_client);
    db_bind_int64(st, 15, a->client_info);
    db_bind_text(st, 16, a->resource);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_authcode_issue(struct db_conn *c, struct authcode_row *a, int64_t now,
                                    int64_t ttl, char code_out[STORE_AUTHCODE_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    char code[STORE_AUTHCODE_LEN];
    struct issue_ctx ic = {a, code};

    code_out[0] = '\0';
    rand_token(code, sizeof(code), 32);
    if (!a->tenant_id[0] || !a->client_id[0] || !a->user_id[0] || !a->redirect_uri ||
        !*a->redirect_uri || ttl <= 0)
        goto out;
    (void)digest_sha256_b64url(code, a->code_hash);
    a->created_at = now;
    a->expires_at = now + ttl;
    err = db_tx(c, true, issue_tx, &ic);
    if (err == PORCH_OK)
        memcpy(code_out, code, sizeof(code));
out:
    ct_cleanse(code, sizeof(code));
    return err;
}

/* After a lost redemption: PORCH_E_CONFLICT with the grant id if the code was consumed. */
static enum porch_err explain_loss(struct db_conn *c, const char *tenant_id, const char *client_id,
                                   const char *hash, struct authcode_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c,
                     "SELECT grant_id FROM auth_codes WHERE tenant_id = ? AND code_hash = ?"
                     " AND client_id = ? AND consumed_at IS NOT NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, hash);
    db_bind_text(st, 3, client_id);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = db_col_copy(st, 0, out->grant_id, sizeof(out->grant_id));
    if (err == PORCH_OK)
        err = PORCH_E_CONFLICT;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_authcode_consume(struct db_conn *c, const char *tenant_id,
                                      const char *client_id, const char *code, int64_t now,
                                      struct authcode_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row = false;

    memset(out, 0, sizeof(*out));
    err = digest_sha256_b64url(code, hash);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "UPDATE auth_codes SET consumed_at = ?"
                     " WHERE tenant_id = ? AND code_hash = ? AND client_id = ?"
                     " AND consumed_at IS NULL AND expires_at > ? AND EXISTS (SELECT 1"
                     " FROM token_grants g WHERE g.tenant_id = auth_codes.tenant_id"
                     " AND g.id = auth_codes.grant_id AND g.revoked_at IS NULL)"
                     " RETURNING " CODE_COLS,
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, hash);
    db_bind_text(st, 4, client_id);
    db_bind_int64(st, 5, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && row) {
        snprintf(out->tenant_id, sizeof(out->tenant_id), "%s", tenant_id);
        snprintf(out->code_hash, sizeof(out->code_hash), "%s", hash);
        err = read_row(st, out);
        goto out;
    }
    if (err == PORCH_OK)
        err = explain_loss(c, tenant_id, client_id, hash, out);
out:
    db_finalize(st);
    if (err != PORCH_OK && err != PORCH_E_CONFLICT)
        store_authcode_row_release(out);
    return err;
}
