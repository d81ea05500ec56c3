/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSO sessions in portable SQL. Liveness is decided inside the statements (revoked_at, both
 * expiries, the user's sessions_valid_from and state), so every node answers the same and a
 * revocation takes effect on the next request anywhere. min() is spelled as CASE because
 * SQLite has min() and PostgreSQL LEAST().
 */
#include <string.h>

#include "core/rand.h"
#include "crypto/ct.h"
#include "store/session.h"
#include "core/banned.h"

#define SESSION_COLS                                                                               \
    "s.tenant_id, s.id_hash, s.user_id, s.auth_time, s.created_at, s.last_seen_at,"                \
    " s.idle_expires_at, s.absolute_expires_at, s.persistent, s.revoked_at"

static enum porch_err read_row(struct db_stmt *st, struct session_row *s)
{
    enum porch_err err;

    memset(s, 0, sizeof(*s));
    err = db_col_copy(st, 0, s->tenant_id, sizeof(s->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, s->id_hash, sizeof(s->id_hash));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, s->user_id, sizeof(s->user_id));
    if (err != PORCH_OK)
        return err;
    s->auth_time = db_col_int64(st, 3);
    s->created_at = db_col_int64(st, 4);
    s->last_seen_at = db_col_int64(st, 5);
    s->idle_expires_at = db_col_int64(st, 6);
    s->absolute_expires_at = db_col_int64(st, 7);
    s->persistent = db_col_int64(st, 8) != 0;
    s->revoked_at = db_col_is_null(st, 9) ? 0 : db_col_int64(st, 9);
    return PORCH_OK;
}

enum porch_err store_session_create(struct db_conn *c, struct session_row *s, int64_t now,
                                    int64_t idle_ttl, int64_t absolute_ttl,
                                    char id_out[STORE_SESSION_ID_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    char id[STORE_SESSION_ID_LEN];
    bool row;

    id_out[0] = '\0';
    rand_token(id, sizeof(id), 32);
    if (!s->tenant_id[0] || !s->user_id[0] || idle_ttl <= 0 || absolute_ttl <= 0)
        goto out;
    (void)digest_sha256_b64url(id, s->id_hash);
    s->created_at = now;
    s->last_seen_at = now;
    s->absolute_expires_at = now + absolute_ttl;
    s->idle_expires_at = idle_ttl < absolute_ttl ? now + idle_ttl : s->absolute_expires_at;
    s->revoked_at = 0;
    err = db_prepare(c,
                     "INSERT INTO sso_sessions (tenant_id, id_hash, user_id, auth_time, created_at,"
                     " last_seen_at, idle_expires_at, absolute_expires_at, persistent)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, s->tenant_id);
    db_bind_text(st, 2, s->id_hash);
    db_bind_text(st, 3, s->user_id);
    db_bind_int64(st, 4, s->auth_time);
    db_bind_int64(st, 5, s->created_at);
    db_bind_int64(st, 6, s->last_seen_at);
    db_bind_int64(st, 7, s->idle_expires_at);
    db_bind_int64(st, 8, s->absolute_expires_at);
    db_bind_int64(st, 9, s->persistent ? 1 : 0);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        memcpy(id_out, id, sizeof(id));
out:
    ct_cleanse(id, sizeof(id));
    db_finalize(st);
    return err;
}

enum porch_err store_session_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 int64_t now, struct session_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row = false;

    memset(out, 0, sizeof(*out));
    err = digest_sha256_b64url(id, hash);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "SELECT " SESSION_COLS " FROM sso_sessions s JOIN users u"
                     " ON u.tenant_id = s.tenant_id AND u.id = s.user_id"
                     " WHERE s.tenant_id = ? AND s.id_hash = ? AND s.revoked_at IS NULL"
                     " AND s.idle_expires_at > ? AND s.absolute_expires_at > ?"
                     " AND s.created_at >= u.sessions_valid_from AND u.deleted_at IS NULL"
                     " AND u.account_enabled = 1",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, hash);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = read_row(st, out);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_session_touch(struct db_conn *c, const char *tenant_id, const char *id,
                                   int64_t now, int64_t idle_ttl)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row;

    err = digest_sha256_b64url(id, hash);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "UPDATE sso_sessions SET last_seen_at = ?, idle_expires_at ="
                     " CASE WHEN ? < absolute_expires_at THEN ? ELSE absolute_expires_at END"
                     " WHERE tenant_id = ? AND id_hash = ? AND revoked_at IS NULL"
                     " AND idle_expires_at > ? AND absolute_expires_at > ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    db_bind_int64(st, 2, now + idle_ttl);
    db_bind_int64(st, 3, now + idle_ttl);
    db_bind_text(st, 4, tenant_id);
    db_bind_text(st, 5, hash);
    db_bind_int64(st, 6, now);
    db_bind_int64(st, 7, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_session_revoke(struct db_conn *c, const char *tenant_id, const char *id,
                                    int64_t now)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row;

    err = digest_sha256_b64url(id, hash);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "UPDATE sso_sessions SET revoked_at = ?"
                     " WHERE tenant_id = ? AND id_hash = ? AND revoked_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    db_bind_text(st, 2, tenant_id);
    db_bind_text(st, 3, hash);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

struct revoke_ctx {
    const char *tenant_id;
    const char *user_id;
    int64_t now;
};

static enum porch_err revoke_user_tx(struct db_conn *c, void *ctx)
{
    static const char *const sql[] = {
        "UPDATE sso_sessions SET revoked_at = ?"
        " WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
        "UPDATE token_grants SET revoked_at = ?"
        " WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
        "UPDATE refresh_tokens SET revoked_at = ?"
        " WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
    };
    const struct revoke_ctx *r = ctx;
    enum porch_err err = PORCH_OK;
    struct db_stmt *st = NULL;
    bool row;

    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && err == PORCH_OK; i++) {
        err = db_prepare(c, sql[i], &st);
        if (err != PORCH_OK)
            break;
        db_bind_int64(st, 1, r->now);
        db_bind_text(st, 2, r->tenant_id);
        db_bind_text(st, 3, r->user_id);
        err = db_step(st, &row);
        db_finalize(st);
        st = NULL;
    }
    return err;
}

enum porch_err store_session_revoke_user(struct db_conn *c, const char *tenant_id,
                                         const char *user_id, int64_t now)
{
    struct revoke_ctx r = {tenant_id, user_id, now};

    return db_tx(c, true, revoke_user_tx, &r);
}
