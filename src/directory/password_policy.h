/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The password policy of the security baseline: a minimum length of 15 characters when the
 * password is the only factor and 8 when MFA is required, at least 256 characters accepted (up
 * to PASSWORD_POLICY_MAX_CHARS), no composition rules, the whole password checked (never
 * truncated), lengths counted in Unicode code points, and a blocklist of the 10,000 most common
 * passwords plus the tenant's and its applications' names, compared case-insensitively.
 * Passwords that pass are hashed with argon2id through crypto/password.h.
 */
#ifndef PORCH_PASSWORD_POLICY_H
#define PORCH_PASSWORD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define PASSWORD_POLICY_MIN_SINGLE 15   /* minimum when the password is the only factor */
#define PASSWORD_POLICY_MIN_MFA    8    /* minimum when a second factor is required */
#define PASSWORD_POLICY_MAX_CHARS  1024 /* longest accepted, in code points (and in bytes) */

/* Why a password was refused; password_policy_reason_str() gives the API's code. */
enum password_policy_reason {
    PASSWORD_POLICY_OK = 0,
    PASSWORD_POLICY_TOO_SHORT,            /* "too_short"; min_chars says the minimum */
    PASSWORD_POLICY_TOO_LONG,             /* "too_long"; max_chars says the maximum */
    PASSWORD_POLICY_BANNED,               /* "banned": one of the common passwords */
    PASSWORD_POLICY_CONTAINS_TENANT_NAME, /* "contains_tenant_name" */
    PASSWORD_POLICY_CONTAINS_APP_NAME,    /* "contains_app_name" */
    PASSWORD_POLICY_INVALID_ENCODING,     /* "invalid_encoding": not UTF-8, or a NUL */
};

/* What the policy is checked against. Every pointer is borrowed for the call only. */
struct password_policy {
    bool mfa;                     /* a second factor is required: the minimum is 8, not 15 */
    const char *tenant_name;      /* the tenant's display name; NULL or "" for none */
    const char *const *app_names; /* display names of the tenant's applications */
    size_t napp_names;
};

/* The verdict, with the numbers an error message needs. */
struct password_policy_result {
    enum password_policy_reason reason;
    size_t min_chars; /* the minimum that applied */
    size_t max_chars; /* PASSWORD_POLICY_MAX_CHARS */
    size_t chars;     /* code points counted (0 when the encoding is invalid) */
};

/**
 * Checks the len bytes of password (not NUL-terminated; a NUL byte is invalid_encoding) against
 * p. PORCH_OK when it is acceptable, PORCH_E_INVALID when not, with the reason in *res (always
 * filled). A name (tenant or application) counts against the password when, after every
 * case-insensitive occurrence of it is removed, fewer than the minimum number of characters
 * remain: "Contoso2024!" is refused for tenant "Contoso", a long passphrase that mentions it is
 * not. Names shorter than 3 characters are ignored. The blocklist is compared after ASCII
 * lower-casing. Thread-safe.
 */
enum porch_err password_policy_check(const struct password_policy *p, const char *password,
                                     size_t len, struct password_policy_result *res);

/**
 * password_policy_check(), then password_hash() when the password passes. *hash (caller frees)
 * is the argon2id PHC string; it is NULL on failure. PORCH_E_INVALID with *res when the policy
 * refuses the password, PORCH_E_CRYPTO when hashing fails. Takes about 19 MiB and tens of
 * milliseconds. Thread-safe.
 */
enum porch_err password_policy_hash(const struct password_policy *p, const char *password,
                                    size_t len, struct password_policy_result *res, char **hash);

/** The API's reason code for r ("too_short", "banned", …); "ok" for PASSWORD_POLICY_OK. */
const char *password_policy_reason_str(enum password_policy_reason r);

/**
 * Writes a sentence for an administrator or end user explaining res into buf (NUL-terminated,
 * truncated to size), e.g. "The password must be at least 15 characters long.". Never
 * includes the password. Returns buf.
 */
char *password_policy_message(const struct password_policy_result *res, char *buf, size_t size);

/** True when the ASCII-lower-cased word is on the built-in blocklist. For tests and tools. */
bool password_policy_is_common(const char *word, size_t len);

#endif
