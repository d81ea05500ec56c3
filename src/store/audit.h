/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The directory audit repository (table directory_audits). A record is written once and never
 * changed; lists are filtered by a compiled query (store/query.h) over the columns named in
 * STORE_AUDIT_COLUMNS and return the stored directoryAudit JSON text. Thread-safety is that
 * of the connection passed in.
 */
#ifndef PORCH_STORE_AUDIT_H
#define PORCH_STORE_AUDIT_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"
#include "store/query.h"

/*
 * Columns a compiled query may name: activity_at (Unix seconds), activity_display_name,
 * category, result, result_reason, operation_type, logged_by_service, correlation_id,
 * initiated_by_app_id, initiated_by_sp_id, initiated_by_display_name, initiated_by_user_id,
 * target_id, target_display_name, id, seq (insertion order, the tie-break).
 */
#define STORE_AUDIT_DEFAULT_ORDER "activity_at DESC, seq DESC"

/* One record. Every pointer is borrowed for the call; NULL stores SQL NULL (data: "{}"). */
struct audit_record {
    const char *tenant_id;
    const char *id; /* GUID */
    int64_t activity_at;
    const char *activity_display_name;
    const char *category;
    const char *result; /* "success" | "failure" */
    const char *result_reason;
    const char *operation_type;
    const char *logged_by_service;
    const char *correlation_id;
    const char *initiated_by_app_id;
    const char *initiated_by_sp_id;
    const char *initiated_by_display_name;
    const char *initiated_by_user_id;
    const char *target_id;
    const char *target_display_name;
    const char *data; /* the full directoryAudit JSON */
};

/**
 * Inserts rec. PORCH_E_INVALID when tenant_id, id, activity_display_name, category, result or
 * logged_by_service is missing; PORCH_E_CONFLICT for a duplicate id in the tenant; store errors.
 */
enum porch_err store_audit_insert(struct db_conn *c, const struct audit_record *rec);

/** Called once per listed record with its data JSON text, borrowed for the call only. */
typedef enum porch_err (*store_audit_each_fn)(const char *data, void *ctx);

/**
 * Lists the tenant's records matching q (where, binds, order_by — default
 * STORE_AUDIT_DEFAULT_ORDER — limit and offset), calling fn for each. Returns fn's first
 * non-OK status or the database's error.
 */
enum porch_err store_audit_list(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, store_audit_each_fn fn, void *ctx);

/** Counts the tenant's records matching q's where clause (limit/offset ignored) into *n. */
enum porch_err store_audit_count(struct db_conn *c, const char *tenant_id,
                                 const struct store_query *q, int64_t *n);

/**
 * Reads the data JSON of record id of the tenant into *data (caller frees).
 * PORCH_E_NOT_FOUND when the tenant has no such record.
 */
enum porch_err store_audit_get(struct db_conn *c, const char *tenant_id, const char *id,
                               char **data);

#endif
