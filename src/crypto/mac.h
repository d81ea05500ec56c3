/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message authentication and key derivation on SHA-256: HMAC (RFC 2104) for tokens Porch
 * issues to itself and checks later (Graph paging tokens), and HKDF (RFC 5869) to derive
 * purpose-bound keys from the master key, so that every node sharing one database and one
 * master key derives the same keys without storing them.
 */
#ifndef PORCH_MAC_H
#define PORCH_MAC_H

#include <stddef.h>

#include "core/err.h"

#define MAC_SHA256_LEN 32

/**
 * Writes HMAC-SHA256 of n bytes at msg under keylen bytes of key to out (caller-owned).
 * PORCH_E_INVALID for a NULL or empty key, PORCH_E_CRYPTO if OpenSSL fails (out is then
 * zeroed). Thread-safe.
 */
enum porch_err mac_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
                               unsigned char out[MAC_SHA256_LEN]);

/**
 * HKDF-SHA256 (extract and expand) of keylen bytes of ikm with the fixed salt
 * "porch-hkdf-v1" and info (a NUL-terminated label naming the purpose), writing outlen bytes
 * (1..255*32) to out. PORCH_E_INVALID for bad arguments, PORCH_E_CRYPTO if OpenSSL fails (out
 * is then zeroed). Thread-safe.
 */
enum porch_err mac_hkdf_sha256(const void *ikm, size_t keylen, const char *info, unsigned char *out,
                               size_t outlen);

#endif
