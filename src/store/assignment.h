/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The app role assignment repository (Graph `appRoleAssignment`): principal X holds app role
 * R of resource service principal Y. An assignment whose principal is a client's service
 * principal is an application permission; its role values go into the `roles` claim of that
 * client's tokens for Y. Ids are compared exactly (lower-case GUIDs). Thread-safety is that
 * of the connection passed in.
 *
 * List filters and orderings may reference the columns id, principal_id, principal_type,
 * resource_id, app_role_id and created_at.
 */
#ifndef PORCH_STORE_ASSIGNMENT_H
#define PORCH_STORE_ASSIGNMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

/* Most roles one principal may hold on one resource (and so carry in one token). */
#define STORE_ASSIGNMENT_MAX_ROLES 256

struct assignment_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char principal_id[UUID_STR_LEN];
    char principal_type[32]; /* "User", "Group", "ServicePrincipal" */
    char *principal_display_name;
    char resource_id[UUID_STR_LEN];
    char *resource_display_name;
    char app_role_id[UUID_STR_LEN];
    int64_t created_at;
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_assignment_row_release(struct assignment_row *a);

/**
 * Inserts a (NULL display names are stored as ""). PORCH_E_INVALID for a non-GUID id or an
 * empty principal type, PORCH_E_CONFLICT when the id is taken or the principal already holds
 * that role of that resource.
 */
enum porch_err store_assignment_insert(struct db_conn *c, const struct assignment_row *a);

/** Loads one assignment into out (release with store_assignment_row_release). */
enum porch_err store_assignment_get(struct db_conn *c, const char *tenant_id, const char *id,
                                    struct assignment_row *out);

/** Deletes one assignment. PORCH_E_NOT_FOUND if absent. */
enum porch_err store_assignment_delete(struct db_conn *c, const char *tenant_id, const char *id);

typedef enum porch_err (*store_assignment_each_fn)(const struct assignment_row *a, void *ctx);

/** Lists like store_app_list (default order created_at, id). */
enum porch_err store_assignment_list(struct db_conn *c, const char *tenant_id,
                                     const struct store_query *q, store_assignment_each_fn fn,
                                     void *ctx, int64_t *total);

/* What a token request's resource name resolves to, and what the client holds on it. */
struct assignment_grant {
    char resource_id[UUID_STR_LEN];     /* the resource's service principal object id */
    char resource_app_id[UUID_STR_LEN]; /* its appId: the token's aud */
    bool resource_enabled;
    char *resource_data; /* its JSON (for appRoles) when asked for, else NULL; caller frees */
    char role_ids[STORE_ASSIGNMENT_MAX_ROLES][UUID_STR_LEN]; /* held app role ids */
    size_t nroles;
};

/**
 * One round trip for the token endpoint: finds the service principal of tenant_id one of
 * whose servicePrincipalNames equals name exactly, and the app role ids that principal_id
 * holds on it. with_data also returns the resource's JSON, for mapping role ids to values
 * when the caller has no table of them. PORCH_E_NOT_FOUND when no service principal has that
 * name; PORCH_E_TOO_BIG past STORE_ASSIGNMENT_MAX_ROLES.
 */
enum porch_err store_assignment_resource_roles(struct db_conn *c, const char *tenant_id,
                                               const char *name, const char *principal_id,
                                               bool with_data, struct assignment_grant *out);

#endif
