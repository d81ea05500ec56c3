/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tenant's signing keys as a domain concept: creation (the private part sealed under the
 * master key, bound to its tenant and kid), rotation (publish first, sign later, keep the
 * old public keys until what they signed has expired) and choice of the signing key.
 */
#ifndef PORCH_KEYRING_H
#define PORCH_KEYRING_H

#include <stdint.h>

#include "core/err.h"

struct db_conn;
struct secretbox;
struct jwk;

/**
 * Generates a key (alg "RS256") for tenant_id that signs from active_at on, seals its private
 * part and stores it. Runs on c, inside the caller's transaction if one is open.
 * kid_out (optional, >= 96 bytes) receives the key id.
 */
enum porch_err keyring_add(struct db_conn *c, const struct secretbox *sb, const char *tenant_id,
                           const char *alg, int64_t active_at, char *kid_out);

/**
 * Rotation: adds a key that signs from now + delay and schedules every older key to leave
 * JWKS once tokens it may sign until then have expired (activation + token_lifetime + 5 min).
 * One transaction. kid_out (optional, >= 96 bytes) gets the new key id.
 */
enum porch_err keyring_rotate(struct db_conn *c, const struct secretbox *sb,
                              const char *tenant_id, int64_t delay, int64_t token_lifetime,
                              char *kid_out);

/** The additional authenticated data that binds a sealed private key to its row. Static fmt. */
#define KEYRING_AAD_FMT "signing-key:%s:%s"

/**
 * Loads and unseals the key that signs at time now (latest active_at <= now).
 * Caller frees *out with jwk_free(). PORCH_E_NOT_FOUND if the tenant has none.
 */
enum porch_err keyring_signing_key(struct db_conn *c, const struct secretbox *sb,
                                   const char *tenant_id, int64_t now, struct jwk **out);

#endif
