/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application repository: Graph `application` objects. id (object id), appId (client id),
 * displayName and createdDateTime are columns; every other Graph property is the JSON text in
 * data, stored and returned as given (directory/apps.c owns its shape). Ids are compared
 * exactly: callers pass lower-case GUIDs. Thread-safety is that of the connection passed in.
 *
 * List filters and orderings (struct store_query) may reference the columns id, app_id,
 * display_name and created_at.
 */
#ifndef PORCH_STORE_APP_H
#define PORCH_STORE_APP_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

struct app_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    char app_id[UUID_STR_LEN];
    char *display_name;
    int64_t created_at;
    char *data; /* JSON object text */
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_app_row_release(struct app_row *a);

/**
 * Inserts a. PORCH_E_INVALID when an id is not a GUID or display_name/data is missing,
 * PORCH_E_CONFLICT when id or app_id is taken in the tenant, PORCH_E_STORE/BUSY otherwise.
 */
enum porch_err store_app_insert(struct db_conn *c, const struct app_row *a);

/**
 * Loads the application with object id `id` (or, for the second form, appId `app_id`) of
 * tenant_id into out, whose strings the caller releases with store_app_row_release.
 * PORCH_E_NOT_FOUND when the tenant has no such application.
 */
enum porch_err store_app_get(struct db_conn *c, const char *tenant_id, const char *id,
                             struct app_row *out);
enum porch_err store_app_get_by_app_id(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       struct app_row *out);

/** Replaces display_name and data of (a->tenant_id, a->id). PORCH_E_NOT_FOUND if absent. */
enum porch_err store_app_update(struct db_conn *c, const struct app_row *a);

/**
 * Deletes the application and, with it, its password credentials and extension properties.
 * Several statements: run it inside the caller's db_tx. PORCH_E_NOT_FOUND if absent.
 */
enum porch_err store_app_delete(struct db_conn *c, const char *tenant_id, const char *id);

/** Called per listed row; a is borrowed for the call only. Non-OK stops the walk. */
typedef enum porch_err (*store_app_each_fn)(const struct app_row *a, void *ctx);

/**
 * Lists the tenant's applications narrowed and windowed by q (NULL: all, by created_at, id),
 * calling fn per row. total (optional) gets the count under q's filter.
 */
enum porch_err store_app_list(struct db_conn *c, const char *tenant_id, const struct store_query *q,
                              store_app_each_fn fn, void *ctx, int64_t *total);

#endif
