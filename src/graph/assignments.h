/* SPDX-License-Identifier: Apache-2.0 */
/*
 * App role assignments (Graph appRoleAssignment) under a service principal: from the
 * resource's side, /servicePrincipals/{id}/appRoleAssignedTo (who holds this API's roles),
 * and from the principal's, /servicePrincipals/{id}/appRoleAssignments (which roles this
 * client holds). Assigning a role to a client's service principal is admin consent for an
 * application permission: the role's value is in the roles claim of that client's next
 * token for the resource. Reads need Application.Read.All, writes
 * AppRoleAssignment.ReadWrite.All. Thread-safe with distinct requests.
 */
#ifndef PORCH_GRAPH_ASSIGNMENTS_H
#define PORCH_GRAPH_ASSIGNMENTS_H

#include "core/err.h"

struct req;
struct resp;

/* GET …/{id}/appRoleAssignedTo: assignments whose resource is {id} */
enum porch_err graph_assignments_assigned_to_list(struct req *r, struct resp *rs);
/* POST …/{id}/appRoleAssignedTo {principalId, resourceId = {id}, appRoleId}: 201 */
enum porch_err graph_assignments_assigned_to_create(struct req *r, struct resp *rs);
/* DELETE …/{id}/appRoleAssignedTo/{assignmentId}: 204 */
enum porch_err graph_assignments_assigned_to_delete(struct req *r, struct resp *rs);
/* GET …/{id}/appRoleAssignments: assignments whose principal is {id} */
enum porch_err graph_assignments_list(struct req *r, struct resp *rs);
/* POST …/{id}/appRoleAssignments {principalId = {id}, resourceId, appRoleId}: 201 */
enum porch_err graph_assignments_create(struct req *r, struct resp *rs);
/* DELETE …/{id}/appRoleAssignments/{assignmentId}: 204 */
enum porch_err graph_assignments_delete(struct req *r, struct resp *rs);

#define GRAPH_ASSIGNMENT_WRITE "AppRoleAssignment.ReadWrite.All"

#define GRAPH_ASSIGNMENT_ROUTES(v)                                                                 \
    {"GET",                                                                                        \
     v "/servicePrincipals/{id}/appRoleAssignedTo",                                                \
     graph_assignments_assigned_to_list,                                                           \
     GRAPH_R,                                                                                      \
     0,                                                                                            \
     "Application.Read.All"},                                                                      \
        {"POST",                                                                                   \
         v "/servicePrincipals/{id}/appRoleAssignedTo",                                            \
         graph_assignments_assigned_to_create,                                                     \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_ASSIGNMENT_WRITE},                                                                  \
        {"DELETE",                                                                                 \
         v "/servicePrincipals/{id}/appRoleAssignedTo/{aid}",                                      \
         graph_assignments_assigned_to_delete,                                                     \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         GRAPH_ASSIGNMENT_WRITE},                                                                  \
        {"GET",                                                                                    \
         v "/servicePrincipals/{id}/appRoleAssignments",                                           \
         graph_assignments_list,                                                                   \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         "Application.Read.All"},                                                                  \
        {"POST",                                                                                   \
         v "/servicePrincipals/{id}/appRoleAssignments",                                           \
         graph_assignments_create,                                                                 \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         GRAPH_ASSIGNMENT_WRITE},                                                                  \
        {"DELETE",                                                                                 \
         v "/servicePrincipals/{id}/appRoleAssignments/{aid}",                                     \
         graph_assignments_delete,                                                                 \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         GRAPH_ASSIGNMENT_WRITE},

#endif
