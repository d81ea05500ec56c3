/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table. Patterns are matched by route_match() (http/route.c) on the decoded
 * path. Every row names its error style; public documents that browsers fetch cross-origin
 * (discovery, JWKS) carry R_CORS and have an OPTIONS row for the preflight.
 */
#include <stddef.h>

#include "http/errors.h"
#include "http/routes.h"
#include "http/server_health.h"
#include "oidc/oidc.h"
#include "core/banned.h"

#define DISCOVERY_V2 "/{tenant}/v2.0/.well-known/openid-configuration"
#define DISCOVERY_V1 "/{tenant}/.well-known/openid-configuration"
#define JWKS         "/{tenant}/discovery/v2.0/keys"

static const struct route routes[] = {
    {"GET", "/healthz", server_health_live, R_NO_LOG, 0},
    {"GET", "/readyz", server_health_ready, R_NO_LOG, 0},
    {"GET", "/error", http_error_page_get, R_ERR_HTML, 0},
    {"GET", DISCOVERY_V2, oidc_discovery_get, R_ERR_OAUTH | R_CORS, 0},
    {"OPTIONS", DISCOVERY_V2, route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},
    {"GET", DISCOVERY_V1, oidc_discovery_get, R_ERR_OAUTH | R_CORS, 0},
    {"OPTIONS", DISCOVERY_V1, route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},
    {"GET", JWKS, oidc_jwks_get, R_ERR_OAUTH | R_CORS, 0},
    {"OPTIONS", JWKS, route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},
    /* --- protocol endpoints (oidc/) --- */

    /* --- management API (graph/) --- */

};

const struct route *routes_match(struct arena *a, const char *method, const char *path,
                                 const char *params[REQ_MAX_PARAMS], unsigned *allowed)
{
    return route_match(routes, sizeof(routes) / sizeof(routes[0]), a, method, path, params,
                       allowed);
}
