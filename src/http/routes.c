/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table. Patterns are matched by route_match() (http/route.c) on the decoded
 * path. Every row names its error style; public documents that browsers fetch cross-origin
 * (discovery, JWKS) carry R_CORS and have an OPTIONS row for the preflight. Management API
 * rows carry R_GRAPH and the permission they need (graph/auth.h checks it before the body is
 * read), and exist once per version root (/v1.0 and /beta) through GRAPH_ROUTES.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "http/errors.h"
#include "http/routes.h"
#include "http/server_health.h"
#include "graph/applications.h"
#include "graph/audit.h"
#include "graph/grants.h"
#include "graph/organization.h"
#include "graph/signins.h"
#include "graph/user_flow_attributes.h"
#include "graph/users.h"
#include "oidc/oidc.h"
#include "ui/signin.h"
#include "ui/tokenviewer.h"
#include "core/banned.h"

#define DISCOVERY_V2 "/{tenant}/v2.0/.well-known/openid-configuration"
#define DISCOVERY_V1 "/{tenant}/.well-known/openid-configuration"
#define JWKS         "/{tenant}/discovery/v2.0/keys"
#define AUTHORIZE    "/{tenant}/oauth2/v2.0/authorize"
#define LOGOUT       "/{tenant}/oauth2/v2.0/logout"
#define USERINFO     "/{tenant}/openid/v2.0/userinfo"

/* Management API: read rows, JSON-body rows and their body cap. */
#define GRAPH_R        (R_GRAPH | R_ERR_GRAPH)
#define GRAPH_W        (R_GRAPH | R_ERR_GRAPH | R_BODY_JSON)
#define GRAPH_BODY_MAX (256 * 1024)

/* Every management API row, for one version root ("/v1.0" or "/beta"). */
#define GRAPH_ROUTES(v)                                                                            \
    {"GET", v "/organization", graph_organization_list, GRAPH_R, 0, "Organization.Read.All"},      \
    {"GET", v "/organization/{id}", graph_organization_get, GRAPH_R, 0, "Organization.Read.All"},  \
    {"PATCH", v "/organization/{id}", graph_organization_patch, GRAPH_W, GRAPH_BODY_MAX,           \
     "Organization.ReadWrite.All"},                                                                \
    {"GET", v "/auditLogs/directoryAudits", graph_audit_list, GRAPH_R, 0, "AuditLog.Read.All"},    \
    {"GET", v "/auditLogs/directoryAudits/{id}", graph_audit_get, GRAPH_R, 0, "AuditLog.Read.All"},  \
    GRAPH_SIGNIN_ROUTES(v) \
    GRAPH_APP_ROUTES(v) \
    GRAPH_GRANT_ROUTES(v) \
    GRAPH_USER_ROUTES(v, GRAPH_R, GRAPH_W, GRAPH_BODY_MAX) \
    GRAPH_USER_FLOW_ATTRIBUTE_ROUTES(v, GRAPH_R, GRAPH_W, GRAPH_BODY_MAX)

ROUTE_TABLE_BEGIN
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
    {"POST", "/{tenant}/oauth2/v2.0/token", oidc_token_post, R_ERR_OAUTH | R_BODY_FORM | R_CORS,
     64 * 1024},
    {"OPTIONS", "/{tenant}/oauth2/v2.0/token", route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},
    {"POST", "/{tenant}/oauth2/v2.0/revoke", oidc_revoke_post, R_ERR_OAUTH | R_BODY_FORM | R_CORS,
     16 * 1024},
    {"OPTIONS", "/{tenant}/oauth2/v2.0/revoke", route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},
    {"GET", USERINFO, oidc_userinfo, R_ERR_OAUTH | R_CORS, 0},
    {"POST", USERINFO, oidc_userinfo, R_ERR_OAUTH | R_BODY_FORM | R_CORS, 16 * 1024},
    {"OPTIONS", USERINFO, route_cors_preflight, R_ERR_OAUTH | R_CORS, 0},

    /* --- hosted pages (ui/) --- */
    {"GET", AUTHORIZE, ui_authorize, R_ERR_HTML, 0},
    {"POST", AUTHORIZE, ui_authorize, R_ERR_HTML | R_BODY_FORM, 64 * 1024},
    {"GET", "/{tenant}/signin", ui_signin_get, R_ERR_HTML, 0},
    {"POST", "/{tenant}/signin/email", ui_signin_email_post, R_ERR_HTML | R_BODY_FORM, 8 * 1024},
    {"POST", "/{tenant}/signin/password", ui_signin_password_post, R_ERR_HTML | R_BODY_FORM,
     8 * 1024},
    {"POST", "/{tenant}/signin/kmsi", ui_signin_kmsi_post, R_ERR_HTML | R_BODY_FORM, 8 * 1024},
    {"GET", LOGOUT, ui_logout, R_ERR_HTML, 0},
    {"POST", LOGOUT, ui_logout, R_ERR_HTML | R_BODY_FORM, 8 * 1024},
    {"GET", "/{tenant}/tokenviewer", ui_tokenviewer_get, R_ERR_HTML, 0},

    /* --- management API (graph/) --- */
    GRAPH_ROUTES("/v1.0")
    GRAPH_ROUTES("/beta")

};
ROUTE_TABLE_END

const struct route *routes_match(struct arena *a, const char *method, const char *path,
                                 const char *params[REQ_MAX_PARAMS], unsigned *allowed)
{
    return route_match(routes, sizeof(routes) / sizeof(routes[0]), a, method, path, params,
                       allowed);
}

/* Segments of pattern that match path's leading segments, literally or as a {name}. */
static size_t matched_prefix(const char *pattern, const char *path)
{
    size_t n = 0;

    while (*pattern == '/' && *path == '/') {
        size_t pl = strcspn(pattern + 1, "/"), sl = strcspn(path + 1, "/");
        bool param = pl > 2 && pattern[1] == '{';

        if (sl == 0 || (!param && (pl != sl || strncmp(pattern + 1, path + 1, pl) != 0)))
            break;
        n++;
        pattern += pl + 1;
        path += sl + 1;
    }
    return n;
}

const char *routes_unknown_segment(struct arena *a, const char *path)
{
    size_t best = 0, i;
    const char *seg = path;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        size_t n = matched_prefix(routes[i].pattern, path);
        best = n > best ? n : best;
    }
    /* seg walks to the segment after the longest matched prefix, or stays on the last one */
    for (i = 0; *seg == '/'; i++) {
        size_t len = strcspn(seg + 1, "/");
        if (i == best || seg[len + 1] != '/')
            return arena_strndup(a, seg + 1, len);
        seg += len + 1;
    }
    return "";
}
