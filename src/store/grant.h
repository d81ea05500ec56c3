/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The delegated permission grant repository (Graph `oAuth2PermissionGrant`): client service
 * principal X may use scopes S of resource service principal Y for every user
 * (consentType "AllPrincipals", principal_id empty) or for one user ("Principal"). Sign-in
 * reads them; the management API writes them. Ids are compared exactly (lower-case GUIDs).
 * Thread-safety is that of the connection passed in.
 *
 * List filters and orderings may reference the columns id, client_id, consent_type,
 * principal_id, resource_id and scope.
 */
#ifndef PORCH_STORE_GRANT_H
#define PORCH_STORE_GRANT_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

struct grant_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char client_id[UUID_STR_LEN];    /* client service principal object id */
    char consent_type[16];           /* "AllPrincipals" or "Principal" */
    char principal_id[UUID_STR_LEN]; /* "" (stored as NULL) for AllPrincipals */
    char resource_id[UUID_STR_LEN];  /* resource service principal object id */
    char *scope;                     /* space-separated scope values */
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_grant_row_release(struct grant_row *g);

/**
 * Inserts g. PORCH_E_INVALID for a non-GUID id (principal_id may be ""), an empty consent
 * type or a NULL scope; PORCH_E_CONFLICT when the id is taken or the tenant already has a grant
 * for the same client, resource, consent type and principal.
 */
enum porch_err store_grant_insert(struct db_conn *c, const struct grant_row *g);

/** Loads one grant into out (release with store_grant_row_release). */
enum porch_err store_grant_get(struct db_conn *c, const char *tenant_id, const char *id,
                               struct grant_row *out);

/** Replaces the scope of (g->tenant_id, g->id). PORCH_E_NOT_FOUND if absent. */
enum porch_err store_grant_update(struct db_conn *c, const struct grant_row *g);

/** Deletes one grant. PORCH_E_NOT_FOUND if absent. */
enum porch_err store_grant_delete(struct db_conn *c, const char *tenant_id, const char *id);

typedef enum porch_err (*store_grant_each_fn)(const struct grant_row *g, void *ctx);

/** Lists like store_app_list (default order id). */
enum porch_err store_grant_list(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, store_grant_each_fn fn, void *ctx,
                                int64_t *total);

/**
 * The delegated scopes that client_id (the client's service principal id) holds on
 * resource_id (the resource's service principal id): every AllPrincipals grant's scope, and
 * principal_id's own Principal grants when principal_id is not NULL, joined with spaces (may
 * repeat). *scopes is caller-freed, "" when there is no grant.
 */
enum porch_err store_grant_scopes(struct db_conn *c, const char *tenant_id, const char *client_id,
                                  const char *resource_id, const char *principal_id,
                                  char **scopes);

#endif
