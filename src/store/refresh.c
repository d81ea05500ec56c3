/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Token grants and refresh-token rotation in portable SQL. Each rotation step is one
 * conditional UPDATE whose row count decides (DESIGN.md §5): on SQLite the write transaction
 * serializes redemptions outright; on PostgreSQL (READ COMMITTED) a redemption that loses the
 * race sees zero rows, re-reads the committed state and is judged again, at most a few times.
 * A detected reuse revokes the grant and still commits, so the rotate transaction returns
 * PORCH_OK to db_tx and reports the outcome through its context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rand.h"
#include "core/xalloc.h"
#include "core/log.h"
#include "crypto/ct.h"
#include "store/refresh.h"
#include "core/banned.h"

/* Attempts of one redemption against concurrent ones before PORCH_E_BUSY. */
#define ROTATE_ATTEMPTS 3

void store_refresh_row_release(struct refresh_row *r)
{
    if (!r)
        return;
    free(r->scope);
    memset(r, 0, sizeof(*r));
}

/* Steps st (an UPDATE or INSERT) and stores the number of changed rows in *changes. */
static enum porch_err run(struct db_stmt *st, int64_t *changes)
{
    bool row;
    enum porch_err err = db_step(st, &row);

    *changes = err == PORCH_OK ? db_changes(st) : 0;
    return err;
}

enum porch_err store_refresh_grant_create(struct db_conn *c, const char *tenant_id,
                                          const struct refresh_grant *g, int64_t now,
                                          char id_out[UUID_STR_LEN])
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t n;

    uuid_v4(id_out);
    err = db_prepare(c,
                     "INSERT INTO token_grants (tenant_id, id, client_id, user_id, created_at,"
                     " auth_time, session_id, public_client, resource)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, id_out);
    db_bind_text(st, 3, g->client_id);
    db_bind_text(st, 4, g->user_id);
    db_bind_int64(st, 5, now);
    db_bind_int64(st, 6, g->auth_time);
    if (g->session_id && *g->session_id)
        db_bind_text(st, 7, g->session_id);
    else
        db_bind_null(st, 7);
    db_bind_int64(st, 8, g->public_client);
    db_bind_text(st, 9, g->resource ? g->resource : "");
    err = run(st, &n);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_refresh_grant_revoke_in_tx(struct db_conn *c, const char *tenant_id,
                                                const char *grant_id, int64_t now)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t n = 0;

    err = db_prepare(c,
                     "UPDATE token_grants SET revoked_at = COALESCE(revoked_at, ?)"
                     " WHERE tenant_id = ? AND id = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, grant_id);
    err = run(st, &n);
    if (err == PORCH_OK && n == 0)
        err = PORCH_E_NOT_FOUND;
    if (err != PORCH_OK)
        goto out;
    db_finalize(st);
    st = NULL;
    err = db_prepare(c,
                     "UPDATE refresh_tokens SET revoked_at = ?"
                     " WHERE tenant_id = ? AND grant_id = ? AND revoked_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, grant_id);
    err = run(st, &n);
out:
    db_finalize(st);
    return err;
}

struct grant_ref {
    const char *tenant_id;
    const char *grant_id;
    int64_t now;
};

static enum porch_err grant_revoke_tx(struct db_conn *c, void *ctx)
{
    const struct grant_ref *g = ctx;

    return store_refresh_grant_revoke_in_tx(c, g->tenant_id, g->grant_id, g->now);
}

enum porch_err store_refresh_grant_revoke(struct db_conn *c, const char *tenant_id,
                                          const char *grant_id, int64_t now)
{
    struct grant_ref g = {tenant_id, grant_id, now};

    return db_tx(c, true, grant_revoke_tx, &g);
}

/*
 * Inserts r (all but token_hash, created_at and expires_at filled) as the token tok, created
 * at now and expiring at min(now + ttl, r->absolute_expires_at); fills those three fields.
 */
static enum porch_err insert_token(struct db_conn *c, struct refresh_row *r, int64_t now,
                                   int64_t ttl, const char *tok)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t n;

    (void)digest_sha256_b64url(tok, r->token_hash);
    r->created_at = now;
    r->expires_at = now + ttl < r->absolute_expires_at ? now + ttl : r->absolute_expires_at;
    err = db_prepare(c,
                     "INSERT INTO refresh_tokens (tenant_id, token_hash, grant_id, client_id,"
                     " user_id, scope, created_at, expires_at, absolute_expires_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, r->tenant_id);
    db_bind_text(st, 2, r->token_hash);
    db_bind_text(st, 3, r->grant_id);
    db_bind_text(st, 4, r->client_id);
    db_bind_text(st, 5, r->user_id);
    db_bind_text(st, 6, r->scope ? r->scope : "");
    db_bind_int64(st, 7, r->created_at);
    db_bind_int64(st, 8, r->expires_at);
    db_bind_int64(st, 9, r->absolute_expires_at);
    err = run(st, &n);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_refresh_issue(struct db_conn *c, struct refresh_row *r, int64_t now,
                                   int64_t ttl, char token_out[STORE_REFRESH_TOKEN_LEN])
{
    char tok[STORE_REFRESH_TOKEN_LEN];
    enum porch_err err;

    token_out[0] = '\0';
    if (!r->tenant_id[0] || !r->grant_id[0] || !r->client_id[0] || !r->user_id[0] || ttl <= 0 ||
        r->absolute_expires_at <= now)
        return PORCH_E_INVALID;
    rand_token(tok, sizeof(tok), 32);
    err = insert_token(c, r, now, ttl, tok);
    if (err == PORCH_OK)
        memcpy(token_out, tok, sizeof(tok));
    ct_cleanse(tok, sizeof(tok));
    return err;
}

/* One redemption: inputs, the presented token's state as last read, and the outcome. */
struct rotate_ctx {
    const char *tenant_id;
    const char *client_id;
    int64_t now;
    int64_t ttl;
    char hash[DIGEST_SHA256_B64URL_LEN]; /* of the presented token */
    struct refresh_row cur;              /* presented token; becomes the successor's row */
    int64_t rotated_at;                  /* 0 = not rotated */
    char successor[DIGEST_SHA256_B64URL_LEN];
    char lost_to[DIGEST_SHA256_B64URL_LEN]; /* successor we failed to replace once */
    bool dead;
    bool reuse;
    bool lost; /* a concurrent redemption changed the row first: judge again */
    char token[STORE_REFRESH_TOKEN_LEN];
};

/* Reads the presented token's row and liveness into r. PORCH_E_NOT_FOUND when unknown. */
static enum porch_err load_presented(struct db_conn *c, struct rotate_ctx *r)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    store_refresh_row_release(&r->cur);
    err = db_prepare(c,
                     "SELECT r.grant_id, r.client_id, r.user_id, r.scope, r.expires_at,"
                     " r.absolute_expires_at, r.rotated_at, r.replaced_by_hash,"
                     " CASE WHEN r.revoked_at IS NULL AND g.revoked_at IS NULL"
                     " AND u.deleted_at IS NULL AND u.account_enabled = 1"
                     " AND g.created_at >= u.sessions_valid_from THEN 0 ELSE 1 END,"
                     " g.auth_time, g.session_id, g.public_client, g.resource"
                     " FROM refresh_tokens r"
                     " JOIN token_grants g ON g.tenant_id = r.tenant_id AND g.id = r.grant_id"
                     " JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id"
                     " WHERE r.tenant_id = ? AND r.token_hash = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, r->tenant_id);
    db_bind_text(st, 2, r->hash);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err != PORCH_OK)
        goto out;
    snprintf(r->cur.tenant_id, sizeof(r->cur.tenant_id), "%s", r->tenant_id);
    err = db_col_copy(st, 0, r->cur.grant_id, sizeof(r->cur.grant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, r->cur.client_id, sizeof(r->cur.client_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, r->cur.user_id, sizeof(r->cur.user_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 7, r->successor, sizeof(r->successor));
    if (err != PORCH_OK)
        goto out;
    r->cur.scope = xstrdup(db_col_is_null(st, 3) ? "" : db_col_text(st, 3));
    r->cur.expires_at = db_col_int64(st, 4);
    r->cur.absolute_expires_at = db_col_int64(st, 5);
    r->rotated_at = db_col_is_null(st, 6) ? 0 : db_col_int64(st, 6);
    r->cur.auth_time = db_col_int64(st, 9);
    if (!db_col_is_null(st, 10))
        err = db_col_copy(st, 10, r->cur.session_id, sizeof(r->cur.session_id));
    r->cur.public_client = db_col_int64(st, 11) != 0;
    if (err == PORCH_OK)
        err = db_col_copy(st, 12, r->cur.resource, sizeof(r->cur.resource));
    r->dead = db_col_int64(st, 8) != 0 || strcmp(r->cur.client_id, r->client_id) != 0;
out:
    db_finalize(st);
    return err;
}

/*
 * Makes new_hash the presented token's successor: either the first rotation (rotated_at
 * NULL), or, within the overlap window, a replacement of the unused successor, which is
 * revoked. *won is false when a concurrent redemption changed the row first.
 */
static enum porch_err claim(struct db_conn *c, struct rotate_ctx *r, const char *new_hash,
                            bool *won)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t n = 0;

    *won = false;
    if (r->rotated_at) {
        err = db_prepare(c,
                         "UPDATE refresh_tokens SET revoked_at = ? WHERE tenant_id = ?"
                         " AND token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL",
                         &st);
        if (err != PORCH_OK)
            goto out;
        db_bind_int64(st, 1, r->now);
        db_bind_text(st, 2, r->tenant_id);
        db_bind_text(st, 3, r->successor);
        err = run(st, &n);
        if (err != PORCH_OK || n == 0)
            goto out;
        db_finalize(st);
        st = NULL;
    }
    /* rotated_at keeps the first rotation's time, so retries do not stretch the window. */
    err = db_prepare(c,
                     "UPDATE refresh_tokens SET rotated_at = COALESCE(rotated_at, ?),"
                     " replaced_by_hash = ? WHERE tenant_id = ? AND token_hash = ?"
                     " AND revoked_at IS NULL AND (rotated_at IS NULL OR replaced_by_hash = ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, r->now);
    db_bind_text(st, 2, new_hash);
    db_bind_text(st, 3, r->tenant_id);
    db_bind_text(st, 4, r->hash);
    db_bind_text(st, 5, r->rotated_at ? r->successor : "");
    err = run(st, &n);
    *won = err == PORCH_OK && n == 1;
out:
    db_finalize(st);
    return err;
}

/* Claims a successor for r->cur and inserts it; sets r->lost when a concurrent one won. */
static enum porch_err issue_successor(struct db_conn *c, struct rotate_ctx *r)
{
    enum porch_err err;
    char tok[STORE_REFRESH_TOKEN_LEN], hash[DIGEST_SHA256_B64URL_LEN];
    bool won = false;

    rand_token(tok, sizeof(tok), 32);
    (void)digest_sha256_b64url(tok, hash);
    err = claim(c, r, hash, &won);
    if (err == PORCH_OK && !won) {
        r->lost = true;
        if (r->rotated_at)
            snprintf(r->lost_to, sizeof(r->lost_to), "%s", r->successor);
    }
    if (err == PORCH_OK && won)
        err = insert_token(c, &r->cur, r->now, r->ttl, tok);
    if (err == PORCH_OK && won)
        memcpy(r->token, tok, sizeof(tok));
    ct_cleanse(tok, sizeof(tok));
    return err;
}

/* Judges the presented token once against its current committed state. */
static enum porch_err judge(struct db_conn *c, struct rotate_ctx *r)
{
    enum porch_err err = load_presented(c, r);

    r->lost = false;
    if (err != PORCH_OK)
        return err;
    if (r->dead)
        return PORCH_E_NOT_FOUND;
    if (!r->rotated_at && (r->cur.expires_at <= r->now || r->cur.absolute_expires_at <= r->now))
        return PORCH_E_NOT_FOUND;
    if (r->rotated_at &&
        (r->now - r->rotated_at > STORE_REFRESH_OVERLAP || r->cur.absolute_expires_at <= r->now ||
         strcmp(r->successor, r->lost_to) == 0)) {
        r->reuse = true;
        return store_refresh_grant_revoke_in_tx(c, r->tenant_id, r->cur.grant_id, r->now);
    }
    return issue_successor(c, r);
}

static enum porch_err rotate_tx(struct db_conn *c, void *ctx)
{
    struct rotate_ctx *r = ctx;
    enum porch_err err = PORCH_OK;

    r->reuse = false;
    r->lost = true;
    r->lost_to[0] = '\0';
    r->token[0] = '\0';
    for (int i = 0; i < ROTATE_ATTEMPTS && err == PORCH_OK && r->lost; i++)
        err = judge(c, r);
    if (err == PORCH_OK && r->lost)
        err = PORCH_E_BUSY; /* db_tx retries the whole redemption */
    return err;
}

enum porch_err store_refresh_rotate(struct db_conn *c, const char *tenant_id, const char *client_id,
                                    const char *token, int64_t now, int64_t ttl,
                                    struct refresh_row *out,
                                    char token_out[STORE_REFRESH_TOKEN_LEN])
{
    struct rotate_ctx r = {.tenant_id = tenant_id, .client_id = client_id, .now = now, .ttl = ttl};
    enum porch_err err;

    memset(out, 0, sizeof(*out));
    token_out[0] = '\0';
    err = digest_sha256_b64url(token, r.hash);
    if (err != PORCH_OK)
        goto out;
    err = db_tx(c, true, rotate_tx, &r);
    if (err == PORCH_OK && r.reuse) {
        log_warn("refresh token reuse detected; grant '%s' revoked", r.cur.grant_id);
        snprintf(out->grant_id, sizeof(out->grant_id), "%s", r.cur.grant_id);
        err = PORCH_E_CONFLICT;
        goto out;
    }
    if (err != PORCH_OK)
        goto out;
    *out = r.cur;
    memset(&r.cur, 0, sizeof(r.cur));
    memcpy(token_out, r.token, sizeof(r.token));
out:
    ct_cleanse(r.token, sizeof(r.token));
    store_refresh_row_release(&r.cur);
    return err;
}

enum porch_err store_refresh_revoke_token(struct db_conn *c, const char *tenant_id,
                                          const char *client_id, const char *token, int64_t now)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN], grant[UUID_STR_LEN];
    bool row = false;

    err = digest_sha256_b64url(token, hash);
    if (err != PORCH_OK)
        return PORCH_E_NOT_FOUND;
    err = db_prepare(c,
                     "SELECT grant_id FROM refresh_tokens WHERE tenant_id = ? AND token_hash = ?"
                     " AND client_id = ?",
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
        err = db_col_copy(st, 0, grant, sizeof(grant));
    db_finalize(st);
    st = NULL;
    if (err == PORCH_OK)
        err = store_refresh_grant_revoke(c, tenant_id, grant, now);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_refresh_grant_live(struct db_conn *c, const char *tenant_id,
                                        const char *grant_id)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c, "SELECT revoked_at FROM token_grants WHERE tenant_id = ? AND id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, grant_id);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK && !db_col_is_null(st, 0))
        err = PORCH_E_DENIED;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_refresh_peek(struct db_conn *c, const char *tenant_id, const char *client_id,
                                  const char *token, char **scope,
                                  char resource[UUID_STR_LEN])
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row = false;

    *scope = NULL;
    resource[0] = '\0';
    if (digest_sha256_b64url(token, hash) != PORCH_OK)
        return PORCH_E_NOT_FOUND;
    err = db_prepare(c,
                     "SELECT r.scope, g.resource FROM refresh_tokens r JOIN token_grants g"
                     " ON g.tenant_id = r.tenant_id AND g.id = r.grant_id"
                     " WHERE r.tenant_id = ? AND r.token_hash = ? AND r.client_id = ?",
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
        err = db_col_copy(st, 1, resource, UUID_STR_LEN);
    if (err == PORCH_OK)
        *scope = xstrdup(db_col_is_null(st, 0) ? "" : db_col_text(st, 0));
out:
    db_finalize(st);
    return err;
}
