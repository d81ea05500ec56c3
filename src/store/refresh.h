/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Token grants and refresh tokens. A grant groups everything one authorization code and the
 * refresh chain that grew from it issued; revoking the grant kills every token of the chain.
 * Refresh tokens are random (256 bits, base64url), returned once when issued and stored only
 * as their SHA-256.
 *
 * Rotation (security-baseline.md): every use of a refresh token marks it rotated and issues a
 * successor in the same grant, expiring at min(now + ttl, the chain's absolute expiry), in one
 * transaction. Presenting a rotated token again is reuse and revokes the whole grant, except
 * a retry within STORE_REFRESH_OVERLAP seconds of the rotation whose successor has not been
 * used yet: the client evidently lost the answer, so the unused successor is revoked and the
 * retry gets a fresh one. A grant therefore has at most one live token per chain, and a thief
 * replaying a token outside the window, or after the client moved on, ends the grant.
 *
 * Tokens are also dead once the grant or token is revoked, an expiry has passed, the user is
 * deleted or disabled, or the grant predates the user's sessions_valid_from.
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_REFRESH_H
#define PORCH_STORE_REFRESH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"
#include "db/db.h"

/* Size of a buffer for a refresh token (43 base64url characters and NUL, rounded up). */
#define STORE_REFRESH_TOKEN_LEN 48
/* Seconds after a rotation during which the rotated token may be retried. */
#define STORE_REFRESH_OVERLAP 10
/* Size of a client id field (application ids are GUIDs). */
#define STORE_CLIENT_ID_LEN 64

struct refresh_row {
    char tenant_id[UUID_STR_LEN];
    char token_hash[DIGEST_SHA256_B64URL_LEN];
    char grant_id[UUID_STR_LEN];
    char client_id[STORE_CLIENT_ID_LEN];
    char user_id[UUID_STR_LEN];
    char *scope; /* space-separated; heap, freed by store_refresh_row_release */
    int64_t created_at;
    int64_t expires_at;
    int64_t absolute_expires_at;
    /* from the grant, filled by store_refresh_rotate */
    int64_t auth_time;
    char session_id[DIGEST_SHA256_B64URL_LEN]; /* "" when none */
    bool public_client;
    char resource[UUID_STR_LEN];
};

/** Frees the heap members of r and zeroes it. NULL is a no-op. */
void store_refresh_row_release(struct refresh_row *r);

/* What a grant remembers of the sign-in that started it. Strings are borrowed. */
struct refresh_grant {
    const char *client_id;
    const char *user_id;
    int64_t auth_time;      /* when the user authenticated */
    const char *session_id; /* id hash of the SSO session; NULL or "" when none */
    bool public_client;     /* issued to a public client (no client authentication) */
    const char *resource;   /* appId of the resource its access tokens are for; NULL = "" */
};

/**
 * Creates a grant of g->client_id for tenant_id/g->user_id at now and writes its GUID to
 * id_out. PORCH_E_STORE when the user does not exist.
 */
enum porch_err store_refresh_grant_create(struct db_conn *c, const char *tenant_id,
                                          const struct refresh_grant *g, int64_t now,
                                          char id_out[UUID_STR_LEN]);

/**
 * Revokes grant_id and every refresh token in it, in one transaction of its own. Succeeds
 * when it is already revoked; PORCH_E_NOT_FOUND when no such grant exists.
 */
enum porch_err store_refresh_grant_revoke(struct db_conn *c, const char *tenant_id,
                                          const char *grant_id, int64_t now);

/** store_refresh_grant_revoke's statements only, inside the caller's db_tx(). */
enum porch_err store_refresh_grant_revoke_in_tx(struct db_conn *c, const char *tenant_id,
                                                const char *grant_id, int64_t now);

/**
 * Issues the first refresh token of a chain from r's tenant_id, grant_id, client_id, user_id,
 * scope and absolute_expires_at, created at now and expiring at min(now + ttl, absolute).
 * Writes the token to token_out (return it to the client; it is not stored) and fills r's
 * token_hash, created_at and expires_at. PORCH_E_INVALID for missing fields or an absolute
 * expiry not after now.
 */
enum porch_err store_refresh_issue(struct db_conn *c, struct refresh_row *r, int64_t now,
                                   int64_t ttl, char token_out[STORE_REFRESH_TOKEN_LEN]);

/**
 * Redeems token for client_id at now as the top of this file describes, in one transaction of
 * its own. On PORCH_OK, token_out holds the successor and out its row (release with
 * store_refresh_row_release). PORCH_E_NOT_FOUND when the token is unknown, another client's,
 * expired or dead; PORCH_E_CONFLICT when reuse was detected: the grant (out->grant_id) and
 * all its tokens are revoked, committed. PORCH_E_BUSY if concurrent redemptions kept racing.
 */
enum porch_err store_refresh_rotate(struct db_conn *c, const char *tenant_id, const char *client_id,
                                    const char *token, int64_t now, int64_t ttl,
                                    struct refresh_row *out,
                                    char token_out[STORE_REFRESH_TOKEN_LEN]);

/**
 * Revokes the grant of refresh token token (RFC 7009 revocation), if it was issued to
 * client_id. PORCH_E_NOT_FOUND when the token is unknown or another client's.
 */
enum porch_err store_refresh_revoke_token(struct db_conn *c, const char *tenant_id,
                                          const char *client_id, const char *token, int64_t now);

/**
 * PORCH_OK when grant grant_id exists and is not revoked; PORCH_E_DENIED when revoked,
 * PORCH_E_NOT_FOUND when unknown (or purged).
 */
enum porch_err store_refresh_grant_live(struct db_conn *c, const char *tenant_id,
                                        const char *grant_id);

/**
 * Reads, without changing anything, the granted scope (*scope, caller frees) and resource of
 * refresh token token of client_id, live or not, so a request can be judged before the token
 * is rotated. PORCH_E_NOT_FOUND when unknown or another client's.
 */
enum porch_err store_refresh_peek(struct db_conn *c, const char *tenant_id, const char *client_id,
                                  const char *token, char **scope,
                                  char resource[UUID_STR_LEN]);

#endif
