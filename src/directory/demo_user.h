/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo user `porch init --demo-user EMAIL` creates, so that a fresh tenant can be signed in
 * to at once: a local account with an emailAddress identity, displayName "Demo User" and a
 * random password that the password policy accepts. It goes through the same validation as a
 * Graph POST /users body (directory/users.h) and the same hashing (password_policy_hash); the
 * password is handed back once, to be shown, and never logged.
 */
#ifndef PORCH_DEMO_USER_H
#define PORCH_DEMO_USER_H

#include <stddef.h>

#include "core/err.h"
#include "core/uuid.h"
#include "store/tenant.h"

struct db_conn;

#define DEMO_USER_DISPLAY_NAME "Demo User"
/* Characters in a generated password (letters and digits: about 5.8 bits each). */
#define DEMO_USER_PASSWORD_LEN 20
/* Longest email accepted (RFC 5321 path limit, as email.h). */
#define DEMO_USER_EMAIL_MAX 254

/* A demo user being made. Wipe it with demo_user_release. */
struct demo_user {
    char email[DEMO_USER_EMAIL_MAX + 1];
    char password[DEMO_USER_PASSWORD_LEN + 1]; /* the only copy in clear; shown once */
    char *hash;                                /* argon2id PHC string, heap */
    char id[UUID_STR_LEN];                     /* object id, once inserted */
};

/**
 * Checks email (email.h), then generates a password of DEMO_USER_PASSWORD_LEN letters and
 * digits that the password policy accepts for a tenant named tenant_name, and hashes it. Takes
 * tens of milliseconds and about 19 MiB; do it before the transaction. PORCH_E_INVALID with a
 * message in e for a bad email, PORCH_E_CRYPTO when hashing fails. Release out with
 * demo_user_release in every case. Thread-safe.
 */
enum porch_err demo_user_prepare(const char *email, const char *tenant_name, struct demo_user *out,
                                 struct porch_error *e);

/**
 * Inserts u as a user of t: the Graph body {displayName, mail, identities: [{signInType
 * "emailAddress", issuer t's default domain, issuerAssignedId email}], passwordProfile,
 * passwordPolicies "DisablePasswordExpiration"} validated by users_prepare_create, with u->hash
 * as its password. Sets u->id. Run it inside the caller's db_tx (tenant creation's); it may
 * run again when that transaction is retried. PORCH_E_INVALID or PORCH_E_CONFLICT with a
 * message in e.
 */
enum porch_err demo_user_insert(struct db_conn *c, const struct tenant *t, struct demo_user *u,
                                struct porch_error *e);

/** Wipes the password and frees the hash. u may be reused. */
void demo_user_release(struct demo_user *u);

#endif
