/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bearer authentication and permissions for the management API. The pipeline calls
 * graph_auth_check() for every R_GRAPH route before the body is read. The token must be a
 * compact JWS in `Authorization: Bearer` (never the query string), signed RS256 by a key the
 * tenant named in its `tid` claim publishes; its iss must be that tenant's issuer, its aud
 * Graph's app id or https://graph.microsoft.com, ver "2.0", exp/nbf within 5 minutes of skew,
 * and it must be an access token (idtyp "app", or roles or scp present). Nothing read from the
 * token before its signature verifies is trusted except `tid`, which only picks the key set.
 *
 * Permissions are Graph app-role names (roles claim; scp for delegated tokens). Implications:
 *   X.ReadWrite.All           implies X.Read.All (for every X)
 *   Directory.ReadWrite.All   implies Directory.Read.All, User.ReadWrite.All,
 *                             Application.ReadWrite.All, Organization.ReadWrite.All,
 *                             DelegatedPermissionGrant.ReadWrite.All (and through them the
 *                             .Read.All of each)
 *   Directory.Read.All        implies User.Read.All, Application.Read.All, Organization.Read.All,
 *                             DelegatedPermissionGrant.Read.All
 *
 * Failures: no or invalid token → 401 InvalidAuthenticationToken with WWW-Authenticate;
 * valid token without the route's permission → 403 Authorization_RequestDenied, recorded in
 * the tenant's audit log (as is a 401 for a token whose signature verified, e.g. expired).
 */
#ifndef PORCH_GRAPH_AUTH_H
#define PORCH_GRAPH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct oidc;
struct req;
struct resp;
struct tenant_docs;

#define GRAPH_AUTH_SKEW 300 /* seconds of clock skew allowed on exp and nbf */

/* The verified caller of a management API request. Arena-owned; reachable as req->auth. */
struct graph_auth {
    struct tenant_docs *tenant; /* the caller's tenant; the reference is released with the arena */
    const char *tenant_id;      /* tenant->tenant.id: scope every query with it */
    const char *client_app_id;  /* azp (appid): the calling application's client id */
    const char *client_sp_id;   /* oid of the client's service principal (app-only tokens) */
    const char *client_name;    /* app_displayname, or NULL */
    const char *user_id;        /* delegated tokens: the signed-in user's oid; else NULL */
    const char **perms;         /* roles (app-only) or scp values (delegated), as granted */
    size_t nperms;
    int64_t exp;
};

/**
 * Runs for R_GRAPH routes: authenticates r's bearer token, checks r->route->perm (a route
 * without one is refused: 403) and sets r->auth. On failure rs holds the rendered 401/403 and
 * the status is returned (PORCH_E_DENIED). Thread-safe with distinct requests.
 */
enum porch_err graph_auth_check(struct req *r, struct resp *rs);

/**
 * Verifies token as described above at time now, resolving the tenant through o. On success
 * *out is arena-owned (its tenant reference released when a is freed). On failure returns
 * PORCH_E_DENIED (or PORCH_E_UNAVAILABLE/PORCH_E_STORE when the store fails), *reason gets a
 * client-safe message and, when the signature had verified (the token is genuine but
 * unusable: expired, wrong audience), *out still describes the caller for the audit log.
 * Thread-safe.
 */
enum porch_err graph_auth_verify(struct oidc *o, const char *token, int64_t now, struct arena *a,
                                 struct graph_auth **out, const char **reason);

/** True when held grants need, directly or through the implication table above. */
bool graph_auth_implies(const char *held, const char *need);

/** True when any of a's permissions grants need. a may be NULL (false). */
bool graph_auth_allows(const struct graph_auth *a, const char *need);

#endif
