/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application password (client secret) repository. A row belongs to an application by
 * its appId (the OAuth client_id), so the token endpoint finds a client's secrets by what the
 * client presents. Only the SHA-256 of a secret is stored (secret_hash, base64url); the
 * secret itself is shown once by directory/credentials.c and never reaches the store.
 * Thread-safety is that of the connection passed in.
 *
 * Passwords are read per application (Graph shows them inside the application object as
 * passwordCredentials), so there is no store_query list here.
 */
#ifndef PORCH_STORE_CREDENTIAL_H
#define PORCH_STORE_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "crypto/digest.h"

struct db_conn;

/* Most passwords one application may have (directory/credentials.c enforces it on add). */
#define STORE_CREDENTIAL_MAX 16

struct credential_row {
    char tenant_id[UUID_STR_LEN];
    char app_id[UUID_STR_LEN]; /* the application's appId */
    char key_id[UUID_STR_LEN];
    char *display_name; /* may be NULL */
    char hint[8];       /* first characters of the secret */
    char secret_hash[DIGEST_SHA256_B64URL_LEN];
    int64_t start_at, end_at, created_at;
};

/** Frees the strings of a row filled by this module and clears them. NULL is a no-op. */
void store_credential_row_release(struct credential_row *p);

/**
 * Inserts p. PORCH_E_INVALID for a non-GUID id, an empty hint or hash, or end_at <= start_at;
 * PORCH_E_CONFLICT when the key id is taken for that application.
 */
enum porch_err store_credential_insert(struct db_conn *c, const struct credential_row *p);

/** Deletes the password key_id of application app_id. PORCH_E_NOT_FOUND if absent. */
enum porch_err store_credential_delete(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       const char *key_id);

typedef enum porch_err (*store_credential_each_fn)(const struct credential_row *p, void *ctx);

/**
 * Calls fn for every password of application app_id, oldest first; p is borrowed for the call.
 * *count (optional) gets how many there were.
 */
enum porch_err store_credential_list(struct db_conn *c, const char *tenant_id, const char *app_id,
                                     store_credential_each_fn fn, void *ctx, size_t *count);

struct credential_secret {
    char key_id[UUID_STR_LEN];
    char hash[DIGEST_SHA256_B64URL_LEN];
    int64_t start_at, end_at;
};

/* A client as the token endpoint sees it, from one round trip. */
struct credential_client {
    char app_object_id[UUID_STR_LEN];
    char sp_id[UUID_STR_LEN]; /* "" when the application has no service principal */
    bool sp_enabled;
    char *app_data; /* the application's JSON when asked for (keyCredentials), else NULL */
    struct credential_secret pw[STORE_CREDENTIAL_MAX];
    size_t npw;
};

/**
 * Loads the application whose appId is app_id in tenant_id, its service principal's id and
 * state, and either its password hashes (with_app_data false) or its JSON (true, for
 * certificate credentials), in one statement. The caller frees out->app_data.
 * PORCH_E_NOT_FOUND when the tenant has no such application; PORCH_E_TOO_BIG past
 * STORE_CREDENTIAL_MAX passwords.
 */
enum porch_err store_credential_client(struct db_conn *c, const char *tenant_id, const char *app_id,
                                       bool with_app_data, struct credential_client *out);

#endif
