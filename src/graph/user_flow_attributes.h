/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The identity/userFlowAttributes resource (Graph identityUserFlowAttribute, entra-compat
 * §2.7): the built-in attributes of an external tenant, read-only, and custom ones. A custom
 * attribute is a directory extension property (targetObjects ["User"]) of the tenant's
 * b2c-extensions-app (directory/builtin_apps.h), so its id is
 * extension_<that appId without hyphens>_<displayName> and users carry its values under that
 * name through the users API; its description is kept beside it (store/flowattr.h). Reads need
 * IdentityUserFlow.Read.All, writes IdentityUserFlow.ReadWrite.All. Every handler is
 * thread-safe with distinct requests and renders its own Graph errors.
 */
#ifndef PORCH_GRAPH_USER_FLOW_ATTRIBUTES_H
#define PORCH_GRAPH_USER_FLOW_ATTRIBUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct req;
struct resp;

/*
 * Longest displayName (the <Name> of the id) of a custom attribute. §2.7 gives none; this is
 * the extension property name limit (graph/extensions.h), a Porch choice.
 */
#define GRAPH_USER_FLOW_ATTRS_NAME_MAX 120
/* Most custom attributes in a tenant (Porch-local; B2C documents 100 per tenant). */
#define GRAPH_USER_FLOW_ATTRS_CUSTOM_MAX 100

/* A built-in attribute: its id, and the longest value the directory keeps (0: no limit). */
struct graph_user_flow_builtin {
    const char *id; /* "city": the programmatic name */
    const char *display_name;
    const char *description;
    size_t max_len;
};

/** The built-in attribute named id (ASCII case-insensitive: "City" finds "city"), or NULL. */
const struct graph_user_flow_builtin *graph_user_flow_attributes_builtin(const char *id);

/** True for a custom attribute displayName: 1..GRAPH_USER_FLOW_ATTRS_NAME_MAX of [A-Za-z0-9_]. */
bool graph_user_flow_attributes_name_ok(const char *name);

/* GET /identity/userFlowAttributes: the built-in attributes, then the custom ones by name */
enum porch_err graph_user_flow_attributes_list(struct req *r, struct resp *rs);
/* POST /identity/userFlowAttributes {displayName, dataType[, description]}: 201; 409 when taken */
enum porch_err graph_user_flow_attributes_create(struct req *r, struct resp *rs);
/* GET /identity/userFlowAttributes/{id} */
enum porch_err graph_user_flow_attributes_get(struct req *r, struct resp *rs);
/* PATCH /identity/userFlowAttributes/{id} {description}: 204; 400 for a built-in one */
enum porch_err graph_user_flow_attributes_patch(struct req *r, struct resp *rs);
/* DELETE /identity/userFlowAttributes/{id}: 204; 400 for a built-in one */
enum porch_err graph_user_flow_attributes_delete(struct req *r, struct resp *rs);

/* Rows inside GRAPH_ROUTES(v); r, w and max are its read flags, write flags and body cap. */
/* clang-format off */
#define GRAPH_USER_FLOW_ATTRIBUTE_ROUTES(v, r, w, max)                                             \
    {"GET", v "/identity/userFlowAttributes", graph_user_flow_attributes_list, r, 0,               \
     "IdentityUserFlow.Read.All"},                                                                 \
    {"POST", v "/identity/userFlowAttributes", graph_user_flow_attributes_create, w, max,          \
     "IdentityUserFlow.ReadWrite.All"},                                                            \
    {"GET", v "/identity/userFlowAttributes/{id}", graph_user_flow_attributes_get, r, 0,           \
     "IdentityUserFlow.Read.All"},                                                                 \
    {"PATCH", v "/identity/userFlowAttributes/{id}", graph_user_flow_attributes_patch, w, max,     \
     "IdentityUserFlow.ReadWrite.All"},                                                            \
    {"DELETE", v "/identity/userFlowAttributes/{id}", graph_user_flow_attributes_delete, r, 0,     \
     "IdentityUserFlow.ReadWrite.All"},
/* clang-format on */

#endif
