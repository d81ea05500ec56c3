/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signing-key repository. A tenant's key stays published (in its JWKS) until expires_at,
 * which rotation sets on the old keys once a new one is in place. private_enc is the private
 * key sealed under the master key; this module stores it as given and never inspects it.
 * Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_KEY_H
#define PORCH_STORE_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "db/db.h"

/* Most keys store_key_list returns for one tenant. */
#define STORE_KEY_LIST_MAX 256

struct key_row {
    char tenant_id[UUID_STR_LEN];
    char kid[96];
    char alg[16];
    char *public_jwk;                          /* JWK JSON */
    char *private_enc;                         /* sealed private key */
    int64_t created_at, active_at, expires_at; /* expires_at 0 = no expiry */
};

/**
 * Inserts k (expires_at 0 is stored as NULL). PORCH_E_INVALID if a field is empty or
 * unterminated, PORCH_E_CONFLICT if the tenant already has a key with this kid, PORCH_E_STORE
 * if the tenant does not exist or the database fails.
 */
enum porch_err store_key_insert(struct db_conn *c, const struct key_row *k);

/**
 * Loads the keys of tenant_id still published at now (no expiry, or expires_at > now), newest
 * active_at first. *rows (caller frees with store_key_rows_free) and *n are set on success and
 * are NULL/0 on failure. PORCH_E_TOO_BIG past STORE_KEY_LIST_MAX keys, PORCH_E_STORE if a
 * stored value does not fit its field.
 */
enum porch_err store_key_list(struct db_conn *c, const char *tenant_id, int64_t now,
                              struct key_row **rows, size_t *n);

/**
 * Sets expires_at on every key of tenant_id other than except_kid (NULL: every key) that has
 * no expiry yet. Keys that already expire keep their time.
 */
enum porch_err store_key_set_expiry(struct db_conn *c, const char *tenant_id,
                                    const char *except_kid, int64_t expires_at);

/** Frees rows returned by store_key_list, with their strings. NULL is a no-op. */
void store_key_rows_free(struct key_row *rows, size_t n);

#endif
