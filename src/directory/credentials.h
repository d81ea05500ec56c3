/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application password credentials (client secrets) as a domain concept: generation (256
 * random bits, shown once), storage as a SHA-256 hash, removal, and verification of a
 * presented secret in constant time, telling an unknown client, a wrong secret and an
 * expired one apart so the token endpoint can answer as Entra does (AADSTS700016, 7000215,
 * 7000222).
 */
#ifndef PORCH_CREDENTIALS_H
#define PORCH_CREDENTIALS_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/credential.h"

struct db_conn;

/* A generated secret: base64url of 32 random bytes (43 characters) and the NUL. */
#define CREDENTIALS_SECRET_LEN 44
/* Default lifetime of a password: two years, as Graph's addPassword. */
#define CREDENTIALS_DEFAULT_LIFETIME (2 * 365 * 24 * 3600 + 24 * 3600)

/* What addPassword returns; the secret exists only here. Wipe it (ct_cleanse) after use. */
struct credentials_password {
    char key_id[UUID_STR_LEN];
    char hint[4];
    char secret[CREDENTIALS_SECRET_LEN];
    int64_t start_at, end_at;
};

/**
 * Adds a password to the application whose appId is app_id: a new secret and keyId, hint =
 * the secret's first 3 characters, start_at 0 = now, end_at 0 = start + two years. Stores
 * only the hash, on c (inside the caller's transaction if one is open), and hands the secret
 * back once in out. display_name may be NULL. PORCH_E_INVALID when end_at <= start_at,
 * PORCH_E_TOO_BIG when the application already has STORE_CREDENTIAL_MAX passwords. The
 * caller checks that the application exists. Thread-safe.
 */
enum porch_err credentials_add_password(struct db_conn *c, const char *tenant_id,
                                        const char *app_id, const char *display_name,
                                        int64_t start_at, int64_t end_at,
                                        struct credentials_password *out);

/** Removes password key_id of application app_id. PORCH_E_NOT_FOUND if it has none such. */
enum porch_err credentials_remove_password(struct db_conn *c, const char *tenant_id,
                                           const char *app_id, const char *key_id);

enum credentials_status {
    CREDENTIALS_VALID,          /* the secret matches a password valid now */
    CREDENTIALS_UNKNOWN_CLIENT, /* no application with that appId in the tenant */
    CREDENTIALS_BAD_SECRET,     /* no password matches (or the match is not valid yet) */
    CREDENTIALS_EXPIRED,        /* the secret matches only passwords that have expired */
};

/**
 * Checks secret against the passwords loaded in cl (store_credential_client without app
 * data) at time now. Every stored hash is compared, with ct_compare, whatever matched
 * earlier. Never CREDENTIALS_UNKNOWN_CLIENT. Thread-safe.
 */
enum credentials_status credentials_check_secret(const struct credential_client *cl,
                                                 const char *secret, int64_t now);

/**
 * Loads client_id's application from tenant_id into cl (one statement) and checks secret.
 * *status says how it went; PORCH_OK means the lookup worked, whatever *status is.
 * The caller owns cl (it holds no allocation in this mode).
 */
enum porch_err credentials_verify_secret(struct db_conn *c, const char *tenant_id,
                                         const char *client_id, const char *secret, int64_t now,
                                         struct credential_client *cl,
                                         enum credentials_status *status);

#endif
