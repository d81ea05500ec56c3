/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SSO session repository. A session is created at sign-in and named by a random value
 * (256 bits, base64url) that only the browser cookie holds: the row is keyed by its SHA-256,
 * so the raw id is returned once, by store_session_create, and never stored. A session is live
 * while it is not revoked, its idle and absolute expiries lie ahead, it was created no earlier
 * than the user's sessions_valid_from, and the user exists, is not deleted and is enabled.
 * Touching a live session slides its idle expiry forward, never past the absolute one.
 *
 * store_session_revoke_user ends everything a user holds: sessions, token grants and their
 * refresh tokens (revokeSignInSessions, disabling and deleting a user).
 *
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_SESSION_H
#define PORCH_STORE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"
#include "db/db.h"

/* Size of a buffer for a session id (43 base64url characters of 32 random bytes, and NUL). */
#define STORE_SESSION_ID_LEN 48

struct session_row {
    char tenant_id[UUID_STR_LEN];
    char id_hash[DIGEST_SHA256_B64URL_LEN];
    char user_id[UUID_STR_LEN];
    int64_t auth_time;
    int64_t created_at;
    int64_t last_seen_at;
    int64_t idle_expires_at;
    int64_t absolute_expires_at;
    bool persistent;    /* "stay signed in" accepted: the cookie outlives the browser */
    int64_t revoked_at; /* 0 = not revoked */
};

/**
 * Creates a session for s->tenant_id/s->user_id with s->auth_time and s->persistent, created
 * at now, idle until now + idle_ttl and ending at now + absolute_ttl at the latest. Writes
 * the new session id to id_out (hand it to the cookie; it is not stored) and fills the other
 * fields of s. PORCH_E_INVALID for an empty tenant or user or a non-positive lifetime,
 * PORCH_E_STORE when the user does not exist, PORCH_E_BUSY from the database.
 */
enum porch_err store_session_create(struct db_conn *c, struct session_row *s, int64_t now,
                                    int64_t idle_ttl, int64_t absolute_ttl,
                                    char id_out[STORE_SESSION_ID_LEN]);

/**
 * Loads the live session named by id (the raw cookie value) into out. PORCH_E_NOT_FOUND when
 * there is none, or it is revoked, expired or voided by its user (see the top of this file).
 */
enum porch_err store_session_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 int64_t now, struct session_row *out);

/**
 * Records use of the live session id at now: last_seen_at = now and idle expiry
 * min(now + idle_ttl, absolute expiry), in one conditional UPDATE. PORCH_E_NOT_FOUND when the
 * session is not live (the user check of store_session_get is not repeated here).
 */
enum porch_err store_session_touch(struct db_conn *c, const char *tenant_id, const char *id,
                                   int64_t now, int64_t idle_ttl);

/** Revokes the session id (logout). PORCH_E_NOT_FOUND when it is unknown or already revoked. */
enum porch_err store_session_revoke(struct db_conn *c, const char *tenant_id, const char *id,
                                    int64_t now);

/**
 * Revokes, in one transaction of its own, every session, token grant and refresh token of the
 * user tenant_id/user_id at now. Succeeds when there is nothing to revoke.
 */
enum porch_err store_session_revoke_user(struct db_conn *c, const char *tenant_id,
                                         const char *user_id, int64_t now);

#endif
