/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The users resource of an external tenant (entra-compat §2.5): list, count, get, create,
 * update, delete and revokeSignInSessions, with Graph's default property set unless $select
 * names others. Reads need User.Read.All, writes User.ReadWrite.All. Validation and the Graph
 * JSON of a user live in directory/users.h, storage in store/user.h; this module is the HTTP
 * face: OData options, passwords through the policy, session revocation and the audit log.
 * users.c holds the read side, users_write.c the writes.
 */
#ifndef PORCH_GRAPH_USERS_H
#define PORCH_GRAPH_USERS_H

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;
struct user_row;
struct odata_query;

/* GET /users: collection ($select, $filter, $orderby, $top, $count, $search, paging) */
enum porch_err graph_users_list(struct req *r, struct resp *rs);
/* GET /users/$count: plain-text number; needs ConsistencyLevel: eventual */
enum porch_err graph_users_count(struct req *r, struct resp *rs);
/* GET /users/{id}: default property set or $select; another tenant's id → 404 */
enum porch_err graph_users_get(struct req *r, struct resp *rs);
/* POST /users: 201 + the full user + Location; audited "Add user" */
enum porch_err graph_users_create(struct req *r, struct resp *rs);
/* PATCH /users/{id}: 204; audited "Update user" (and "Reset user password") */
enum porch_err graph_users_patch(struct req *r, struct resp *rs);
/* DELETE /users/{id}: 204; audited "Delete user" */
enum porch_err graph_users_delete(struct req *r, struct resp *rs);
/* POST /users/{id}/revokeSignInSessions: 200 {"value": true}; audited */
enum porch_err graph_users_revoke(struct req *r, struct resp *rs);

/**
 * The Graph JSON of u (its full property set, never a password) for r's tenant. *out is a new
 * reference (caller json_decref). PORCH_E_STORE when the stored data is not a JSON object.
 * Thread-safe.
 */
enum porch_err graph_users_json(struct req *r, const struct user_row *u, json_t **out);

/**
 * Cuts obj down to what the response shows: without $select, Graph's default property set
 * (missing members as null, businessPhones as []); with $select, every named property that
 * obj lacks is added as null (an unset extension attribute stays absent), and
 * graph_send_*() drops the rest. Thread-safe.
 */
void graph_users_shape(json_t *obj, const struct odata_query *q);

/*
 * Route rows for one version root v, for GRAPH_ROUTES in http/routes.c; r_read and r_write are
 * the read and JSON-body route flags, body_max the body cap (revokeSignInSessions takes an
 * optional empty JSON body, as SDKs send one). /users/$count precedes /users/{id} so the
 * literal segment wins.
 */
/* clang-format off */
#define GRAPH_USER_ROUTES(v, r_read, r_write, body_max)                                            \
    {"GET", v "/users", graph_users_list, r_read, 0, "User.Read.All"},                             \
    {"GET", v "/users/$count", graph_users_count, r_read, 0, "User.Read.All"},                     \
    {"GET", v "/users/{id}", graph_users_get, r_read, 0, "User.Read.All"},                         \
    {"POST", v "/users", graph_users_create, r_write, body_max, "User.ReadWrite.All"},             \
    {"PATCH", v "/users/{id}", graph_users_patch, r_write, body_max, "User.ReadWrite.All"},        \
    {"DELETE", v "/users/{id}", graph_users_delete, r_read, 0, "User.ReadWrite.All"},              \
    {"POST", v "/users/{id}/revokeSignInSessions", graph_users_revoke, r_write, body_max,          \
     "User.ReadWrite.All"},
/* clang-format on */

#endif
