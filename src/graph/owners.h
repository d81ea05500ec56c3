/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owners of an application (Graph navigation applications/{id}/owners): users and service
 * principals of the tenant, listed as directoryObjects and changed through $ref. Reads need
 * Application.Read.All, writes Application.ReadWrite.All. Every handler is thread-safe with
 * distinct requests and renders its own Graph errors.
 */
#ifndef PORCH_GRAPH_OWNERS_H
#define PORCH_GRAPH_OWNERS_H

#include "core/err.h"

struct req;
struct resp;

/* Most owners one application may have. */
#define GRAPH_OWNERS_MAX 100

/* GET /applications/{id}/owners: users and service principals with their @odata.type */
enum porch_err graph_owners_list(struct req *r, struct resp *rs);
/* POST /applications/{id}/owners/$ref {"@odata.id": "…/directoryObjects/{ownerId}"}: 204 */
enum porch_err graph_owners_add(struct req *r, struct resp *rs);
/* DELETE /applications/{id}/owners/{ownerId}/$ref: 204; not an owner → 404 */
enum porch_err graph_owners_remove(struct req *r, struct resp *rs);

/* Rows for one application key form k ("/{id}" or "(appId='{appId}')"), inside GRAPH_ROUTES. */
#define GRAPH_OWNER_ROUTES(v, k)                                                                   \
    {"GET", v "/applications" k "/owners", graph_owners_list, GRAPH_R, 0, "Application.Read.All"}, \
        {"POST",         v "/applications" k "/owners/$ref", graph_owners_add, GRAPH_W,            \
         GRAPH_BODY_MAX, "Application.ReadWrite.All"},                                             \
        {"DELETE",                                                                                 \
         v "/applications" k "/owners/{ownerId}/$ref",                                             \
         graph_owners_remove,                                                                      \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         "Application.ReadWrite.All"},

#endif
