/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenID Connect provider endpoints and the per-process caches behind them: tenant lookups,
 * signing keys, and the prebuilt discovery and JWKS documents of each tenant.
 */
#ifndef PORCH_OIDC_H
#define PORCH_OIDC_H

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;
struct config;
struct db;
struct oidc;
struct secretbox;

/**
 * Creates the caches. cfg, db and sb (which unseals signing keys; may be NULL when nothing
 * will be signed) are borrowed for the lifetime of the result. Caller frees.
 */
struct oidc *oidc_new(const struct config *cfg, struct db *db, const struct secretbox *sb);
void oidc_free(struct oidc *o);

/** The 32-byte key of pairwise subjects (oidc/user_token.h), derived from the master key. */
const unsigned char *oidc_subject_key(const struct oidc *o);
/** The 32-byte key for MACs on hosted pages that have no journey (logout CSRF). */
const unsigned char *oidc_page_key(const struct oidc *o);

/* GET /{tenant}/v2.0/.well-known/openid-configuration and /{tenant}/.well-known/openid-configuration */
enum porch_err oidc_discovery_get(struct req *r, struct resp *rs);
/* GET /{tenant}/discovery/v2.0/keys */
enum porch_err oidc_jwks_get(struct req *r, struct resp *rs);
/* POST /{tenant}/oauth2/v2.0/token (oidc/token.c) */
enum porch_err oidc_token_post(struct req *r, struct resp *rs);
/* GET|POST /{tenant}/openid/v2.0/userinfo (oidc/userinfo.c) */
enum porch_err oidc_userinfo(struct req *r, struct resp *rs);
/* POST /{tenant}/oauth2/v2.0/revoke, RFC 7009 (oidc/token.c) */
enum porch_err oidc_revoke_post(struct req *r, struct resp *rs);

/**
 * Redeems code for the public client client_id exactly as the token endpoint's
 * authorization_code grant does for a public client (PKCE verifier, redirect_uri, single use),
 * for pages Porch hosts as clients of itself (the token viewer). PORCH_OK: *tokens is the
 * token response object (caller json_decref's). Otherwise *error and *description
 * (arena-owned) say why, as an OAuth error and its text.
 */
enum porch_err oidc_code_redeem(struct req *r, const char *tenant_ref, const char *client_id,
                                const char *redirect_uri, const char *code,
                                const char *code_verifier, json_t **tokens, const char **error,
                                const char **description);

#endif
