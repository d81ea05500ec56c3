/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory extension properties (Graph extensionProperty) that an application declares:
 * custom attributes named extension_<appId without hyphens>_<name> for the target object
 * types, which users then carry (graph/users.h checks values against them). Reads need
 * Application.Read.All, writes Application.ReadWrite.All. Every handler is thread-safe with
 * distinct requests and renders its own Graph errors.
 */
#ifndef PORCH_GRAPH_EXTENSIONS_H
#define PORCH_GRAPH_EXTENSIONS_H

#include "core/err.h"

struct req;
struct resp;

/* Longest <name> part of an extension property. */
#define GRAPH_EXTENSIONS_NAME_MAX 120

/* GET /applications/{id}/extensionProperties: $filter on id, name, dataType */
enum porch_err graph_extensions_list(struct req *r, struct resp *rs);
/* POST /applications/{id}/extensionProperties {name, dataType, targetObjects[, isMultiValued]}:
   201 with the full name */
enum porch_err graph_extensions_create(struct req *r, struct resp *rs);
/* GET /applications/{id}/extensionProperties/{propId} */
enum porch_err graph_extensions_get(struct req *r, struct resp *rs);
/* DELETE /applications/{id}/extensionProperties/{propId}: 204 */
enum porch_err graph_extensions_delete(struct req *r, struct resp *rs);

/* Rows for one application key form k ("/{id}" or "(appId='{appId}')"), inside GRAPH_ROUTES. */
#define GRAPH_EXTENSION_ROUTES(v, k)                                                               \
    {"GET",                                                                                        \
     v "/applications" k "/extensionProperties",                                                   \
     graph_extensions_list,                                                                        \
     GRAPH_R,                                                                                      \
     0,                                                                                            \
     "Application.Read.All"},                                                                      \
        {"POST",                                                                                   \
         v "/applications" k "/extensionProperties",                                               \
         graph_extensions_create,                                                                  \
         GRAPH_W,                                                                                  \
         GRAPH_BODY_MAX,                                                                           \
         "Application.ReadWrite.All"},                                                             \
        {"GET",                                                                                    \
         v "/applications" k "/extensionProperties/{propId}",                                      \
         graph_extensions_get,                                                                     \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         "Application.Read.All"},                                                                  \
        {"DELETE",                                                                                 \
         v "/applications" k "/extensionProperties/{propId}",                                      \
         graph_extensions_delete,                                                                  \
         GRAPH_R,                                                                                  \
         0,                                                                                        \
         "Application.ReadWrite.All"},

#endif
