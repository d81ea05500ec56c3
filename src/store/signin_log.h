/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sign-in log repository (table signin_logs), behind Graph auditLogs/signIns. A record is
 * written once per sign-in attempt and never changed; lists are filtered by a compiled query
 * (store/query.h) over the columns named below, newest first, and come back as rows the
 * caller renders. Old records are removed with store_signin_log_purge. Thread-safety is that
 * of the connection passed in.
 */
#ifndef PORCH_STORE_SIGNIN_LOG_H
#define PORCH_STORE_SIGNIN_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/query.h"

struct db_conn;

/*
 * Columns a compiled query may name: id, created_at (Unix seconds), user_id, app_id (lower-case
 * GUIDs as stored), user_display_name, user_principal_name, upn_lower (its ASCII lower-cased
 * copy), app_display_name, app_display_name_lower, ip_address, client_app_used,
 * correlation_id, is_interactive (0/1), resource_display_name, resource_id, error_code
 * (0 = success). Ties within a second are broken by id.
 */
#define STORE_SIGNIN_DEFAULT_ORDER "created_at DESC, id"

/* Longest text kept per column (bytes); longer values are cut at a character boundary. */
#define STORE_SIGNIN_MAX_TEXT 1024
/* Longest data JSON text accepted (bytes). */
#define STORE_SIGNIN_MAX_DATA (16 * 1024)
/*
 * Rows one purge statement deletes (rounded up to a whole second), so a large purge never holds
 * the write lock for long.
 */
#define STORE_SIGNIN_PURGE_BATCH 1000

/*
 * One sign-in attempt to record. Every pointer is borrowed for the call; NULL stores SQL NULL.
 * Text that is not valid UTF-8 (a raw User-Agent header, say) is stored with each invalid
 * byte replaced by '?', and text past STORE_SIGNIN_MAX_TEXT is cut, so a hostile value can
 * neither fail the insert nor bloat the table.
 */
struct signin_log {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN]; /* "" = generate a GUID, written back here */
    int64_t created_at;    /* Unix seconds; 0 = now (clock_now) */
    const char *user_id;   /* GUIDs: stored lower-cased */
    const char *user_display_name;
    const char *user_principal_name;
    const char *app_id;
    const char *app_display_name;
    const char *ip_address;
    const char *client_app_used; /* "Browser", "Mobile Apps and Desktop clients" */
    const char *correlation_id;
    const char *resource_display_name;
    const char *resource_id;
    const char *failure_reason;     /* status.failureReason */
    const char *additional_details; /* status.additionalDetails */
    const char *user_agent;
    const char *data; /* JSON object text of further signIn properties; NULL = "{}" */
    bool is_interactive;
    int error_code; /* status.errorCode: 0 = success, else the AADSTS number */
};

/* One stored sign-in as read back. Strings are heap-owned; NULL where the column is NULL. */
struct signin_log_row {
    char tenant_id[UUID_STR_LEN];
    char id[UUID_STR_LEN];
    int64_t created_at;
    char *user_id;
    char *user_display_name;
    char *user_principal_name;
    char *app_id;
    char *app_display_name;
    char *ip_address;
    char *client_app_used;
    char *correlation_id;
    char *resource_display_name;
    char *resource_id;
    char *failure_reason;
    char *additional_details;
    char *user_agent;
    char *data; /* JSON object text; never NULL */
    bool is_interactive;
    int error_code;
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_signin_log_row_release(struct signin_log_row *r);

/**
 * Inserts l. An empty l->id gets a new GUID, written back into l->id; created_at 0 becomes
 * clock_now(). PORCH_E_INVALID when tenant_id or a given id is not a GUID, or data is not a
 * JSON object of at most STORE_SIGNIN_MAX_DATA bytes; PORCH_E_CONFLICT for an id the tenant
 * already has; store errors (a tenant that does not exist fails its foreign key).
 */
enum porch_err store_signin_log_insert(struct db_conn *c, struct signin_log *l);

/** Called once per listed row; row is borrowed for the call only. */
typedef enum porch_err (*store_signin_log_each_fn)(const struct signin_log_row *row, void *ctx);

/**
 * Lists the tenant's sign-ins matching q (where, binds, order_by — default
 * STORE_SIGNIN_DEFAULT_ORDER — limit and offset; q NULL: all, newest first), calling fn for
 * each. Returns fn's first non-OK status or the database's error.
 */
enum porch_err store_signin_log_list(struct db_conn *c, const char *tenant_id,
                                     const struct store_query *q, store_signin_log_each_fn fn,
                                     void *ctx);

/** Counts the tenant's sign-ins matching q's where clause (limit/offset ignored) into *n. */
enum porch_err store_signin_log_count(struct db_conn *c, const char *tenant_id,
                                      const struct store_query *q, int64_t *n);

/**
 * Loads sign-in id of the tenant into out; the caller releases it with
 * store_signin_log_row_release. PORCH_E_NOT_FOUND when the tenant has no such record.
 */
enum porch_err store_signin_log_get(struct db_conn *c, const char *tenant_id, const char *id,
                                    struct signin_log_row *out);

/**
 * Retention: deletes the sign-ins of every tenant created before `before` (Unix seconds), in
 * statements of about STORE_SIGNIN_PURGE_BATCH rows, oldest first; *n (optional) gets the
 * number deleted, also when a later batch fails. Run it outside a transaction so each batch
 * commits alone. The one query here not scoped to a tenant, as retention is per deployment.
 */
enum porch_err store_signin_log_purge(struct db_conn *c, int64_t before, int64_t *n);

#endif
