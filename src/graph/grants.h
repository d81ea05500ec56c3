/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Delegated permission grants (Graph oAuth2PermissionGrant): admin consent for delegated
 * scopes. clientId is the client's service principal, resourceId the API's, consentType
 * "AllPrincipals" (every user; principalId null) or "Principal" (one user), scope the
 * space-separated values granted, each one of the resource's oauth2PermissionScopes. At most
 * one grant exists per (client, resource, consent type, principal): a second POST answers 409.
 * Reads need DelegatedPermissionGrant.Read.All (implied by Directory.Read.All and by
 * DelegatedPermissionGrant.ReadWrite.All), writes DelegatedPermissionGrant.ReadWrite.All
 * (implied by Directory.ReadWrite.All), as Graph's permission tables say. Every handler is
 * thread-safe with distinct requests and renders its own Graph errors.
 */
#ifndef PORCH_GRAPH_GRANTS_H
#define PORCH_GRAPH_GRANTS_H

#include "core/err.h"

struct req;
struct resp;

/* GET /oauth2PermissionGrants: $filter on id, clientId, resourceId, consentType, principalId */
enum porch_err graph_grants_list(struct req *r, struct resp *rs);
/* POST /oauth2PermissionGrants: 201 with the grant */
enum porch_err graph_grants_create(struct req *r, struct resp *rs);
/* GET /oauth2PermissionGrants/{id} */
enum porch_err graph_grants_get(struct req *r, struct resp *rs);
/* PATCH /oauth2PermissionGrants/{id} {"scope"}: 204; the other properties are read-only */
enum porch_err graph_grants_patch(struct req *r, struct resp *rs);
/* DELETE /oauth2PermissionGrants/{id}: 204 */
enum porch_err graph_grants_delete(struct req *r, struct resp *rs);
/* GET /servicePrincipals/{id}/oauth2PermissionGrants: the grants whose client is {id} */
enum porch_err graph_grants_sp_list(struct req *r, struct resp *rs);

#define GRAPH_GRANT_READ  "DelegatedPermissionGrant.Read.All"
#define GRAPH_GRANT_WRITE "DelegatedPermissionGrant.ReadWrite.All"

/* The rows for one version root (inside GRAPH_ROUTES, which defines GRAPH_R/GRAPH_W). */
#define GRAPH_GRANT_ROUTES(v)                                                                      \
    {"GET", v "/oauth2PermissionGrants", graph_grants_list, GRAPH_R, 0, GRAPH_GRANT_READ},         \
        {"POST",                                                                                   \
         v "/oauth2PermissionGrants",                                                              \
         graph_grants_create,                                                                      \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_GRANT_WRITE},                                                                       \
        {"GET", v "/oauth2PermissionGrants/{id}", graph_grants_get, GRAPH_R, 0, GRAPH_GRANT_READ}, \
        {"PATCH",                                                                                  \
         v "/oauth2PermissionGrants/{id}",                                                         \
         graph_grants_patch,                                                                       \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_GRANT_WRITE},                                                                       \
        {"DELETE",         v "/oauth2PermissionGrants/{id}", graph_grants_delete, GRAPH_R, 0,      \
         GRAPH_GRANT_WRITE},                                                                       \
        {"GET",                                                                                    \
         v "/servicePrincipals/{id}/oauth2PermissionGrants",                                       \
         graph_grants_sp_list,                                                                     \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         GRAPH_GRANT_READ},

#endif
