/* SPDX-License-Identifier: Apache-2.0 */
/*
 * v2.0 access tokens as Entra issues them (entra-compat.md §4.3): an RS256 JWT with header
 * typ/alg/kid and the claims an app-only or user token carries. Built by hand into one buffer
 * (member order fixed, no JSON library on the hot path) and signed with the tenant's current
 * key.
 */
#ifndef PORCH_ACCESS_TOKEN_H
#define PORCH_ACCESS_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct jwk;

/* Longest claims text; far above what roles of one resource add up to. */
#define ACCESS_TOKEN_MAX_CLAIMS (12 * 1024)

struct access_token_claims {
    const char *aud;          /* the resource's appId */
    const char *iss;          /* the tenant's issuer */
    const char *tid;          /* tenant id */
    const char *oid;          /* the client's service principal (app-only) or the user; also sub */
    const char *azp;          /* the client's appId */
    const char *azpacr;       /* "0" public, "1" secret, "2" certificate */
    const char *idtyp;        /* "app" for app-only tokens, NULL to leave out */
    const char *sub;          /* NULL: same as oid (app-only); user tokens: the pairwise subject */
    const char *scp;          /* delegated scopes, space-separated; NULL to leave out */
    const char *name;         /* user tokens with the profile scope; NULL to leave out */
    const char *preferred_username; /* likewise */
    const char *grant_id; /* user tokens: the token grant, as xms_gid, so Porch's own resources
                             (UserInfo) refuse the token once the grant is revoked; NULL to leave out */
    const char *const *roles; /* role values; none means no roles claim */
    size_t nroles;
    int64_t iat; /* also nbf */
    int64_t exp;
};

/**
 * Writes the claims as compact JSON into *json (caller frees): aud, iss, iat, nbf, exp, azp,
 * azpacr, idtyp, name, oid, preferred_username, roles, scp, sub, tid, uti (16 random bytes,
 * base64url), ver "2.0"; optional members are left out when NULL.
 * PORCH_E_TOO_BIG past ACCESS_TOKEN_MAX_CLAIMS, PORCH_E_INVALID for a missing member.
 */
enum porch_err access_token_claims_json(const struct access_token_claims *c, char **json);

/**
 * Signs c with k as a JWT with header {"typ":"JWT","alg":…,"kid":…}. *jwt is caller-owned.
 * Errors from access_token_claims_json and jws_sign. Thread-safe.
 */
enum porch_err access_token_sign(const struct jwk *k, const struct access_token_claims *c,
                                 char **jwt);

#endif
