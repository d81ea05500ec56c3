/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service principal repository: Graph `servicePrincipal` objects, one per application
 * (appId) per tenant. id, appId, displayName, accountEnabled and createdDateTime are columns;
 * every other property is the JSON text in data. The strings of data's
 * "servicePrincipalNames" array are also kept, unique per tenant, in service_principal_names:
 * that is what a token request's `scope=<name>/.default` is resolved against
 * (store/assignment.h). Ids are compared exactly (lower-case GUIDs). Thread-safety is that of
 * the connection passed in.
 *
 * List filters and orderings may reference the columns id, app_id, display_name,
 * account_enabled and created_at.
 */
#ifndef PORCH_STORE_SP_H
#define PORCH_STORE_SP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

/* Most servicePrincipalNames one service principal may have. */
#define STORE_SP_MAX_NAMES 64

struct sp_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char app_id[UUID_STR_LEN];
    char *display_name;
    bool account_enabled;
    int64_t created_at;
    char *data; /* JSON object text */
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_sp_row_release(struct sp_row *s);

/**
 * Inserts s and its servicePrincipalNames. Several statements: run it inside the caller's
 * db_tx. PORCH_E_INVALID for a non-GUID id, missing strings, data that is not a JSON object or
 * names that are not strings (or more than STORE_SP_MAX_NAMES); PORCH_E_CONFLICT when id,
 * app_id or one of the names is taken in the tenant.
 */
enum porch_err store_sp_insert(struct db_conn *c, const struct sp_row *s);

/**
 * Loads the service principal with object id `id` (second form: appId) into out; the caller
 * releases it with store_sp_row_release. PORCH_E_NOT_FOUND when absent.
 */
enum porch_err store_sp_get(struct db_conn *c, const char *tenant_id, const char *id,
                            struct sp_row *out);
enum porch_err store_sp_get_by_app_id(struct db_conn *c, const char *tenant_id, const char *app_id,
                                      struct sp_row *out);

/**
 * Replaces display_name, account_enabled and data of (s->tenant_id, s->id) and rewrites its
 * names. Run it inside the caller's db_tx. PORCH_E_NOT_FOUND if absent, PORCH_E_CONFLICT when
 * another service principal holds one of the names.
 */
enum porch_err store_sp_update(struct db_conn *c, const struct sp_row *s);

/**
 * Deletes the service principal with its names, the app role assignments where it is the
 * principal or the resource, and the delegated permission grants where it is the client or
 * the resource. Run it inside the caller's db_tx. PORCH_E_NOT_FOUND if absent.
 */
enum porch_err store_sp_delete(struct db_conn *c, const char *tenant_id, const char *id);

typedef enum porch_err (*store_sp_each_fn)(const struct sp_row *s, void *ctx);

/** Lists like store_app_list (default order created_at, id). */
enum porch_err store_sp_list(struct db_conn *c, const char *tenant_id, const struct store_query *q,
                             store_sp_each_fn fn, void *ctx, int64_t *total);

#endif
