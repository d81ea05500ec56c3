/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tokens issued to a client on behalf of a signed-in user (entra-compat.md §4.3): the ID token
 * (aud = the client) and the delegated access token (aud = the resource's appId, with scp).
 * Both are RS256 JWTs signed with the tenant's current key. The subject is pairwise: sub is
 * derived from the tenant, the client and the user's object id with a key derived from the
 * master key, so two apps cannot correlate a user by sub (they can by oid, as in Entra) and
 * every node computes the same value. UserInfo echoes the access token's sub, which equals the
 * ID token's because both are computed for the client (azp).
 */
#ifndef PORCH_USER_TOKEN_H
#define PORCH_USER_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct jwk;
struct user_row;

/* Size of a buffer for a pairwise subject (43 base64url characters and NUL). */
#define USER_TOKEN_SUB_LEN 48

struct user_token_input {
    const struct jwk *key;    /* the tenant's signing key */
    const char *iss;          /* the tenant's issuer */
    const char *tid;          /* tenant id */
    const char *client_id;    /* the client: ID token aud, access token azp */
    const char *azpacr;       /* "0" public, "1" secret, "2" certificate */
    const char *resource;     /* access token aud (an appId) */
    const char *scope;        /* the granted scopes, space-separated */
    const struct user_row *user;
    const char *sub;          /* pairwise subject (user_token_subject) */
    const char *nonce;        /* ID token; NULL when the request had none */
    int64_t auth_time;        /* ID token */
    const char *sid;          /* ID token; NULL when there is no SSO session */
    const char *grant_id;     /* access token (xms_gid); NULL to leave out */
    const char *const *roles; /* app roles the user holds on the resource */
    size_t nroles;
    int64_t now;
    unsigned lifetime; /* seconds */
};

/**
 * The pairwise subject of user oid for client_id in tenant tid: base64url(HMAC-SHA256(key,
 * tid ":" client_id ":" oid)). key is 32 bytes. Thread-safe.
 */
void user_token_subject(const unsigned char key[32], const char *tid, const char *client_id,
                        const char *oid, char out[USER_TOKEN_SUB_LEN]);

/**
 * The user's sign-in name for preferred_username: the first local identity's value
 * (emailAddress or userName), else the userPrincipalName. Borrowed from u; may be NULL.
 */
const char *user_token_username(const struct user_row *u);

/**
 * The user's email for the email claim: mail, else an emailAddress identity. Borrowed; NULL
 * when the user has none.
 */
const char *user_token_email(const struct user_row *u);

/**
 * Signs the ID token: aud, iss, iat, nbf, exp, auth_time, email (with the email scope),
 * family_name/given_name/name/preferred_username/oid (with profile), nonce, sid, sub, tid,
 * uti, ver. *jwt is caller-owned. PORCH_E_INVALID for missing members. Thread-safe.
 */
enum porch_err user_token_id(const struct user_token_input *in, char **jwt);

/**
 * Signs the delegated access token: access_token.h's claims with sub = in->sub, scp = the
 * granted scopes other than the OIDC ones (or those when there are no others), name and
 * preferred_username with profile, and roles. Thread-safe.
 */
enum porch_err user_token_access(const struct user_token_input *in, char **jwt);

#endif
