/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tenant repository. A tenant is found by its GUID, its subdomain or its default domain,
 * all case-insensitively: subdomain and default_domain are stored lower-case and lookups
 * lower-case the reference first. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_TENANT_H
#define PORCH_STORE_TENANT_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "db/db.h"

struct tenant {
    char id[UUID_STR_LEN];
    char subdomain[64];
    char display_name[257];
    char country[3];
    char default_domain[256];
    int64_t created_at;
};

/**
 * Inserts t, storing id, subdomain and default_domain lower-case. PORCH_E_INVALID if id is not
 * a GUID or a field is empty or unterminated, PORCH_E_CONFLICT if the id, subdomain or default
 * domain is taken, PORCH_E_BUSY/PORCH_E_STORE from the database.
 */
enum porch_err store_tenant_insert(struct db_conn *c, const struct tenant *t);

/**
 * Finds the tenant whose id, subdomain or default domain equals ref, ignoring case, into out.
 * An id match wins over a subdomain match, which wins over a default-domain match.
 * PORCH_E_NOT_FOUND when none does, PORCH_E_STORE if a stored value does not fit out.
 */
enum porch_err store_tenant_find(struct db_conn *c, const char *ref, struct tenant *out);

/** Called once per tenant; a status other than PORCH_OK stops the walk and is returned. */
typedef enum porch_err (*store_tenant_each_fn)(const struct tenant *t, void *ctx);

/**
 * Calls fn for every tenant, ordered by created_at then id. t is borrowed for the call only.
 * Returns fn's first non-OK status, or the database's error.
 */
enum porch_err store_tenant_list(struct db_conn *c, store_tenant_each_fn fn, void *ctx);

/**
 * Reads the tenant's JSON data column (organization properties that have no column of their
 * own) into *json, caller frees. PORCH_E_NOT_FOUND when no tenant has this id (exact, lower-case).
 */
enum porch_err store_tenant_data_get(struct db_conn *c, const char *id, char **json);

/**
 * Sets the display name (1..256 bytes) and the JSON data text of tenant id. PORCH_E_INVALID
 * for an empty or too long name or NULL data, PORCH_E_NOT_FOUND when no tenant has this id.
 */
enum porch_err store_tenant_update(struct db_conn *c, const char *id, const char *display_name,
                                   const char *data);

#endif
