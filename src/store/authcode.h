/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The authorization code repository. A code is random (256 bits, base64url), returned once
 * by store_authcode_issue and stored only as its SHA-256, together with everything the token
 * endpoint must check or copy into tokens: client, redirect_uri, PKCE challenge, nonce, scope,
 * user, SSO session and auth_time. Issuing a code also creates the token grant that the code
 * and its refresh chain belong to.
 *
 * Redemption is one conditional UPDATE (consumed_at IS NULL, not expired, same client, grant
 * not revoked) whose returned row decides the single winner, on any number of nodes. A second
 * redemption of a consumed code reports PORCH_E_CONFLICT and the grant id, so the caller
 * revokes what the first redemption issued (store_refresh_grant_revoke). Comparing
 * redirect_uri and the PKCE verifier is the caller's job, on the row it gets back.
 *
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_AUTHCODE_H
#define PORCH_STORE_AUTHCODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "store/refresh.h"

/* Size of a buffer for a code (43 base64url characters and NUL, rounded up). */
#define STORE_AUTHCODE_LEN 48

struct authcode_row {
    char tenant_id[UUID_STR_LEN];
    char code_hash[DIGEST_SHA256_B64URL_LEN];
    char client_id[STORE_CLIENT_ID_LEN];
    char *redirect_uri;   /* heap, as sent in the authorization request */
    char *code_challenge; /* heap; NULL when the request had none */
    char *nonce;          /* heap; NULL when the request had none */
    char *scope;          /* heap; space-separated, "" when none */
    char user_id[UUID_STR_LEN];
    char session_id[DIGEST_SHA256_B64URL_LEN]; /* id hash of the SSO session; "" when none */
    int64_t auth_time;
    int64_t created_at;
    int64_t expires_at;
    char grant_id[UUID_STR_LEN];
    bool public_client; /* the redirect URI was a spa or publicClient one: no client secret */
    bool client_info;   /* the request asked for client_info=1 */
    char resource[UUID_STR_LEN]; /* appId of the resource its access tokens are for */
};

/** Frees the heap members of a and zeroes it. NULL is a no-op. */
void store_authcode_row_release(struct authcode_row *a);

/**
 * Creates a grant for a's client and user and a code in it, in one transaction of its own,
 * created at now and expiring at now + ttl. Writes the code to code_out (it is not stored)
 * and fills a's code_hash, grant_id, created_at and expires_at. PORCH_E_INVALID when the
 * tenant, client, user or redirect_uri is missing or ttl is not positive; PORCH_E_STORE when
 * the user does not exist.
 */
enum porch_err store_authcode_issue(struct db_conn *c, struct authcode_row *a, int64_t now,
                                    int64_t ttl, char code_out[STORE_AUTHCODE_LEN]);

/**
 * Redeems code for client_id at now. PORCH_OK: this call won; out holds the code's row
 * (release with store_authcode_row_release). PORCH_E_CONFLICT: the code was already redeemed;
 * only out->grant_id is set, and the caller must revoke that grant. PORCH_E_NOT_FOUND: unknown,
 * expired, issued to another client, or its grant is revoked.
 */
enum porch_err store_authcode_consume(struct db_conn *c, const char *tenant_id,
                                      const char *client_id, const char *code, int64_t now,
                                      struct authcode_row *out);

#endif
