/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The management API as a resource: every tenant has a built-in service principal for it
 * with Microsoft Graph's well-known appId, identifier URIs and application permissions (app
 * roles), so clients get tokens for it with scope=https://graph.microsoft.com/.default and
 * grants are ordinary appRoleAssignments.
 */
#ifndef PORCH_GRAPH_API_H
#define PORCH_GRAPH_API_H

#include <stddef.h>

#include "core/err.h"

#define GRAPH_APP_ID       "00000003-0000-0000-c000-000000000000"
#define GRAPH_RESOURCE_URI "https://graph.microsoft.com"

struct graph_role {
    const char *value;        /* "User.ReadWrite.All": the permission name in the roles claim */
    const char *id;           /* Graph's app role id (a GUID that never changes) */
    const char *display_name; /* "Read and write all users' full profiles" */
    const char *description;
};

/* Every app role the built-in service principal offers, in a fixed order. */
extern const struct graph_role graph_roles[];
extern const size_t graph_nroles;

/** The role with this value (case-sensitive), or NULL. */
const struct graph_role *graph_role_by_value(const char *value);

#endif
