/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journey repository (DESIGN.md §6): one row per interactive flow, keyed by the SHA-256
 * of a random id (256 bits, base64url) that only the browser cookie or the native API's
 * continuation token holds, with its kind, state, client, the authorization request it will
 * answer and the data collected so far (JSON text), the hash of its CSRF token, and a version
 * for optimistic concurrency: every update and the final delete name the version they read,
 * so of two concurrent posts to one journey exactly one moves it on.
 *
 * State and kind are stored as names, so renumbering enums never reinterprets stored rows.
 * The journey layer (journey/journey.h) owns the state machine; this file only stores it.
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_JOURNEY_H
#define PORCH_STORE_JOURNEY_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "store/refresh.h"

/* Size of a buffer for a journey id or CSRF token (43 base64url characters and NUL). */
#define STORE_JOURNEY_TOKEN_LEN 48
/* Size of the kind and state name fields. */
#define STORE_JOURNEY_NAME_LEN 32

struct journey_row {
    char tenant_id[UUID_STR_LEN];
    char id_hash[DIGEST_SHA256_B64URL_LEN];
    char kind[STORE_JOURNEY_NAME_LEN];
    char state[STORE_JOURNEY_NAME_LEN];
    char client_id[STORE_CLIENT_ID_LEN];
    char *request; /* heap JSON text */
    char *data;    /* heap JSON text */
    char csrf_hash[DIGEST_SHA256_B64URL_LEN];
    int64_t created_at;
    int64_t expires_at;
    int64_t version;
};

/** Frees the heap members of j and zeroes it. NULL is a no-op. */
void store_journey_row_release(struct journey_row *j);

/**
 * The CSRF token of the journey named by id: base64url(SHA-256("porch-journey-csrf:" id)).
 * Derived rather than random so a page can be shown again (a browser refresh) from the cookie
 * alone; it is as secret as the journey id it comes from, which only the cookie holds.
 */
void store_journey_csrf_of(const char *id, char out[STORE_JOURNEY_TOKEN_LEN]);

/**
 * Inserts j (tenant_id, kind, state, client_id, request, data and expires_at from the caller;
 * request/data NULL store "{}") with a new id and CSRF token, written to id_out and csrf_out
 * (neither is stored; the CSRF token is store_journey_csrf_of(id)). Fills id_hash,
 * csrf_hash, created_at (now) and version (1).
 * PORCH_E_INVALID for an empty tenant, kind, state or client or expires_at not after now.
 */
enum porch_err store_journey_create(struct db_conn *c, struct journey_row *j, int64_t now,
                                    char id_out[STORE_JOURNEY_TOKEN_LEN],
                                    char csrf_out[STORE_JOURNEY_TOKEN_LEN]);

/**
 * Loads the unexpired journey named by id (the raw cookie or continuation token) into out
 * (release with store_journey_row_release). PORCH_E_NOT_FOUND when unknown or expired.
 */
enum porch_err store_journey_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 int64_t now, struct journey_row *out);

/**
 * Writes j's state, data and expires_at if the stored version is still j->version, and bumps
 * the version (j->version too). PORCH_E_CONFLICT when another update came first (reload),
 * PORCH_E_NOT_FOUND when the journey is gone.
 */
enum porch_err store_journey_update(struct db_conn *c, struct journey_row *j);

/**
 * Deletes the journey if its version is still j->version: finishing a journey is single use.
 * PORCH_E_CONFLICT when the version moved, PORCH_E_NOT_FOUND when the journey is gone.
 */
enum porch_err store_journey_delete(struct db_conn *c, const struct journey_row *j);

/** Deletes every journey of every tenant that expired by now; *n (optional) gets the count. */
enum porch_err store_journey_purge(struct db_conn *c, int64_t now, int64_t *n);

#endif
