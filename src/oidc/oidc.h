/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenID Connect provider endpoints and the per-process caches behind them: tenant lookups,
 * signing keys, and the prebuilt discovery and JWKS documents of each tenant.
 */
#ifndef PORCH_OIDC_H
#define PORCH_OIDC_H

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

/* GET /{tenant}/v2.0/.well-known/openid-configuration and /{tenant}/.well-known/openid-configuration */
enum porch_err oidc_discovery_get(struct req *r, struct resp *rs);
/* GET /{tenant}/discovery/v2.0/keys */
enum porch_err oidc_jwks_get(struct req *r, struct resp *rs);
/* POST /{tenant}/oauth2/v2.0/token (oidc/token.c) */
enum porch_err oidc_token_post(struct req *r, struct resp *rs);

#endif
