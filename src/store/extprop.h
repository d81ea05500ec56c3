/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The directory extension property repository (Graph `extensionProperty`): a custom
 * attribute `extension_<appId without dashes>_<name>` that an application declares for
 * target object types. name is the full extension name and is unique per tenant. Ids are
 * compared exactly (lower-case GUIDs). Thread-safety is that of the connection passed in.
 *
 * List filters and orderings may reference the columns id, app_object_id, name, data_type
 * and is_multi_valued.
 */
#ifndef PORCH_STORE_EXTPROP_H
#define PORCH_STORE_EXTPROP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

struct extprop_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char app_object_id[UUID_STR_LEN]; /* the declaring application's object id */
    char name[256];                   /* extension_<appid>_<name> */
    char data_type[32];               /* "String", "Integer", "Boolean", "DateTime", … */
    bool is_multi_valued;
    char *target_objects; /* JSON array text, e.g. ["User"] */
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_extprop_row_release(struct extprop_row *x);

/**
 * Inserts x. PORCH_E_INVALID for a non-GUID id, an empty or unterminated name or data type, or
 * a NULL target_objects; PORCH_E_CONFLICT when the id or the name is taken in the tenant.
 */
enum porch_err store_extprop_insert(struct db_conn *c, const struct extprop_row *x);

/** Loads one property by id (second form: by full name) into out (release it after). */
enum porch_err store_extprop_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 struct extprop_row *out);
enum porch_err store_extprop_get_by_name(struct db_conn *c, const char *tenant_id, const char *name,
                                         struct extprop_row *out);

/** Deletes one property. PORCH_E_NOT_FOUND if absent. */
enum porch_err store_extprop_delete(struct db_conn *c, const char *tenant_id, const char *id);

typedef enum porch_err (*store_extprop_each_fn)(const struct extprop_row *x, void *ctx);

/** Lists like store_app_list (default order name, id). */
enum porch_err store_extprop_list(struct db_conn *c, const char *tenant_id,
                                  const struct store_query *q, store_extprop_each_fn fn, void *ctx,
                                  int64_t *total);

#endif
