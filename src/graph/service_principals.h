/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The servicePrincipals resource: an application's presence in the tenant, which is what
 * tokens are issued to (client) and for (resource). Created explicitly with
 * POST /servicePrincipals {"appId"} as in Graph (POST /applications does not create one), or by
 * the token endpoint on the client's first request (oidc/token.c);
 * by object id or the alternate key servicePrincipals(appId='…'). The tenant's built-in
 * Microsoft Graph service principal is listed and readable but cannot be changed or deleted.
 * Reads need Application.Read.All, writes Application.ReadWrite.All. Thread-safe with
 * distinct requests.
 */
#ifndef PORCH_GRAPH_SERVICE_PRINCIPALS_H
#define PORCH_GRAPH_SERVICE_PRINCIPALS_H

#include "core/err.h"

struct req;
struct resp;

/* GET /servicePrincipals: $select, $filter (id, appId, displayName, accountEnabled), $top */
enum porch_err graph_service_principals_list(struct req *r, struct resp *rs);
/* POST /servicePrincipals {"appId"}: 201; the application must exist in the tenant (400), and
   have no service principal yet (409) */
enum porch_err graph_service_principals_create(struct req *r, struct resp *rs);
/* GET /servicePrincipals/{id} and /servicePrincipals(appId='{appId}') */
enum porch_err graph_service_principals_get(struct req *r, struct resp *rs);
/* PATCH …: 204 */
enum porch_err graph_service_principals_patch(struct req *r, struct resp *rs);
/* DELETE …: 204; its assignments and grants go with it */
enum porch_err graph_service_principals_delete(struct req *r, struct resp *rs);

#define GRAPH_SP_KEY_ROUTES(v, k)                                                                  \
    {"GET", v "/servicePrincipals" k, graph_service_principals_get, GRAPH_R,                       \
     0,     "Application.Read.All"},                                                               \
        {"PATCH", v "/servicePrincipals" k, graph_service_principals_patch,                        \
         GRAPH_W, GRAPH_BODY_MAX,           "Application.ReadWrite.All"},                          \
        {"DELETE", v "/servicePrincipals" k,   graph_service_principals_delete, GRAPH_R,           \
         0,        "Application.ReadWrite.All"},

/* The rows for one version root (inside GRAPH_ROUTES, which defines GRAPH_R/GRAPH_W). */
#define GRAPH_SP_ROUTES(v)                                                                         \
    {"GET", v "/servicePrincipals", graph_service_principals_list, GRAPH_R,                        \
     0,     "Application.Read.All"},                                                               \
        {"POST",  v "/servicePrincipals", graph_service_principals_create,                         \
         GRAPH_W, GRAPH_BODY_MAX,         "Application.ReadWrite.All"},                            \
        GRAPH_SP_KEY_ROUTES(v, "/{id}") GRAPH_SP_KEY_ROUTES(v, "(appId='{appId}')")

#endif
