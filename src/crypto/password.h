/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password hashing with argon2id (libsodium crypto_pwhash) at the baseline parameters
 * m = 19 MiB, t = 2, p = 1 (OWASP Password Storage cheat sheet). Hashes are PHC strings such as
 * "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>". Imported legacy formats (bcrypt, sha-crypt,
 * PBKDF2, scrypt) are not handled here yet.
 */
#ifndef PORCH_PASSWORD_H
#define PORCH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Longest password hashed or checked; the policy layer accepts at least 256. */
#define PASSWORD_MAX_LEN 1024
/* argon2id cost: t (passes) and m (bytes). */
#define PASSWORD_OPSLIMIT 2
#define PASSWORD_MEMLIMIT (19 * 1024 * 1024)

/**
 * Hashes len bytes of password (any bytes, NULs included) with a fresh random salt. *out is a
 * NUL-terminated PHC string; caller frees. PORCH_E_TOO_BIG past PASSWORD_MAX_LEN,
 * PORCH_E_CRYPTO if hashing fails (out of memory). Takes about 19 MiB and tens of
 * milliseconds. Thread-safe.
 */
enum porch_err password_hash(const char *password, size_t len, char **out);

/**
 * Checks len bytes of password against hash. *ok is true when they match; *needs_rehash is
 * true when they match but hash was made with another algorithm or other parameters than
 * password_hash uses now, so the caller should store a fresh password_hash. A mismatch is
 * PORCH_OK with *ok false. PORCH_E_TOO_BIG past PASSWORD_MAX_LEN; PORCH_E_UNSUPPORTED when hash
 * is not an argon2 PHC string (legacy formats are verified elsewhere); PORCH_E_INVALID for NULL
 * arguments. Thread-safe.
 */
enum porch_err password_verify(const char *hash, const char *password, size_t len, bool *ok,
                               bool *needs_rehash);

#endif
