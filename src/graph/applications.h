/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The applications resource and its actions, and the route rows of everything an
 * application registration involves: applications, service principals, app role
 * assignments (graph/assignments.h). Reads need Application.Read.All, writes
 * Application.ReadWrite.All; assignment writes AppRoleAssignment.ReadWrite.All. Every
 * handler is thread-safe with distinct requests and renders its own Graph errors.
 */
#ifndef PORCH_GRAPH_APPLICATIONS_H
#define PORCH_GRAPH_APPLICATIONS_H

#include "core/err.h"
#include "graph/assignments.h"
#include "graph/extensions.h"
#include "graph/owners.h"
#include "graph/service_principals.h"

struct req;
struct resp;

/* GET /applications: $select, $filter (id, appId, displayName, createdDateTime), $top, $count */
enum porch_err graph_applications_list(struct req *r, struct resp *rs);
/* GET /applications/$count */
enum porch_err graph_applications_count(struct req *r, struct resp *rs);
/* POST /applications: 201 with the application; no service principal is created */
enum porch_err graph_applications_create(struct req *r, struct resp *rs);
/* GET /applications/{id} and /applications(appId='{appId}') */
enum porch_err graph_applications_get(struct req *r, struct resp *rs);
/* PATCH …: 204 */
enum porch_err graph_applications_patch(struct req *r, struct resp *rs);
/* DELETE …: 204; its service principal, passwords and extension properties go with it */
enum porch_err graph_applications_delete(struct req *r, struct resp *rs);
/* POST …/addPassword: 200 passwordCredential with secretText (shown once) */
enum porch_err graph_applications_creds_add_password(struct req *r, struct resp *rs);
/* POST …/removePassword {"keyId"}: 204; unknown keyId → 404 */
enum porch_err graph_applications_creds_remove_password(struct req *r, struct resp *rs);

#define GRAPH_APP_READ  "Application.Read.All"
#define GRAPH_APP_WRITE "Application.ReadWrite.All"

/* Rows for one application key form: k is "/{id}" or "(appId='{appId}')". */
#define GRAPH_APP_KEY_ROUTES(v, k)                                                                 \
    {"GET", v "/applications" k, graph_applications_get, GRAPH_R, 0, GRAPH_APP_READ},              \
        {"PATCH", v "/applications" k, graph_applications_patch,                                   \
         GRAPH_W, GRAPH_BODY_MAX,      GRAPH_APP_WRITE},                                           \
        {"DELETE", v "/applications" k, graph_applications_delete, GRAPH_R, 0, GRAPH_APP_WRITE},   \
        {"POST",                                                                                   \
         v "/applications" k "/addPassword",                                                       \
         graph_applications_creds_add_password,                                                    \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_APP_WRITE},                                                                         \
        {"POST",                                                                                   \
         v "/applications" k "/removePassword",                                                    \
         graph_applications_creds_remove_password,                                                 \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_APP_WRITE},                                                                         \
        GRAPH_OWNER_ROUTES(v, k) GRAPH_EXTENSION_ROUTES(v, k)

/*
 * Every row of applications, service principals and app role assignments for one version
 * root; expanded inside GRAPH_ROUTES (http/routes.c), which defines GRAPH_R, GRAPH_W and
 * GRAPH_BODY_MAX. Literal segments ($count) come before {id}.
 */
#define GRAPH_APP_ROUTES(v)                                                                        \
    {"GET", v "/applications", graph_applications_list, GRAPH_R, 0, GRAPH_APP_READ},               \
        {"POST",  v "/applications", graph_applications_create,                                    \
         GRAPH_W, GRAPH_BODY_MAX,    GRAPH_APP_WRITE},                                             \
        {"GET", v "/applications/$count", graph_applications_count, GRAPH_R, 0, GRAPH_APP_READ},   \
        GRAPH_APP_KEY_ROUTES(v, "/{id}") GRAPH_APP_KEY_ROUTES(v, "(appId='{appId}')")              \
            GRAPH_SP_ROUTES(v) GRAPH_ASSIGNMENT_ROUTES(v)

#endif
