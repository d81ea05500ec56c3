/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 helpers. Client secrets and refresh tokens are stored only as the base64url SHA-256 of
 * their text, so a database leak does not reveal usable credentials.
 */
#ifndef PORCH_DIGEST_H
#define PORCH_DIGEST_H

#include <stddef.h>

#include "core/err.h"

#define DIGEST_SHA256_LEN        32
#define DIGEST_SHA256_B64URL_LEN 44 /* 43 characters and the NUL */

/** Writes the SHA-256 of n bytes at in to out. Aborts (PORCH_BUG) if OpenSSL fails. Thread-safe. */
void digest_sha256(const void *in, size_t n, unsigned char out[DIGEST_SHA256_LEN]);

/**
 * Writes the unpadded base64url SHA-256 of the string s (without its NUL) to out, which the
 * caller owns. PORCH_E_INVALID when s is NULL (out is then ""). Thread-safe.
 */
enum porch_err digest_sha256_b64url(const char *s, char out[DIGEST_SHA256_B64URL_LEN]);

#endif
