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
#include "core/uuid.h"

struct db_conn;

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

/** The role with this id (a lower-case GUID), or NULL. */
const struct graph_role *graph_role_by_id(const char *id);

/* A delegated permission (oauth2PermissionScope) of the built-in service principal. */
struct graph_scope {
    const char *value; /* "User.Read", "openid" */
    const char *id;    /* Graph's permission id */
    const char *type;  /* "User" (users may consent) or "Admin" */
    const char *admin_display_name;
    const char *user_display_name;
};

extern const struct graph_scope graph_scopes[];
extern const size_t graph_nscopes;

/* The built-in service principal's display name. */
#define GRAPH_DISPLAY_NAME "Microsoft Graph"

/**
 * Creates the tenant's built-in Graph service principal unless it exists: appId GRAPH_APP_ID,
 * servicePrincipalNames [GRAPH_RESOURCE_URI, public_url (when not NULL), GRAPH_APP_ID], and
 * graph_roles / graph_scopes as appRoles and oauth2PermissionScopes. Several statements: run it
 * inside the caller's db_tx (tenants_create does). sp_id_out (optional) gets its object id.
 * PORCH_E_CONFLICT when another service principal already holds one of those names.
 */
enum porch_err graph_api_ensure(struct db_conn *c, const char *tenant_id, const char *public_url,
                                char sp_id_out[UUID_STR_LEN]);

#endif
