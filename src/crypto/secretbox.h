/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encryption at rest under the master key: AES-256-GCM with a random 96-bit nonce per message
 * and optional associated data that binds a ciphertext to the row it belongs to (for example
 * "signing-key:<tenant>:<kid>"), so it cannot be copied to another row and still open.
 * Sealed text is "v1." followed by base64url(nonce || ciphertext || tag).
 *
 * The process holds one struct secretbox, owned by whoever loaded it at start-up (serve or the
 * CLI command) and released with secretbox_free. It is immutable after creation, so any number
 * of threads may seal and open with it at once.
 */
#ifndef PORCH_SECRETBOX_H
#define PORCH_SECRETBOX_H

#include <stddef.h>

#include "core/err.h"

#define SECRETBOX_KEY_LEN 32
/* Largest plaintext seal accepts; secrets at rest are keys and tokens, never bulk data. */
#define SECRETBOX_MAX_PLAINTEXT (1024 * 1024)
/* Longest associated data string. */
#define SECRETBOX_MAX_AAD 1024

struct secretbox;

/**
 * Creates a box holding a copy of the 32-byte key. Caller frees with secretbox_free (which
 * wipes the copy); the caller should wipe its own. PORCH_E_INVALID when key or out is NULL.
 */
enum porch_err secretbox_from_key(const unsigned char key[SECRETBOX_KEY_LEN],
                                  struct secretbox **out);

/**
 * Loads the master key. A non-empty env_value (the PORCH_MASTER_KEY variable) wins and must
 * hold 32 bytes as base64, base64url (padding optional) or 64 hex digits. Otherwise key_file is
 * read: it must be a regular file owned by the effective user (or root), with no permissions
 * for group or others, holding one key in one of those encodings (surrounding whitespace
 * allowed). If key_file does not exist, a fresh
 * random key is written to it as base64url and a newline: the file appears whole or not at all
 * (written to a mode-0600 temporary with O_EXCL, then linked into place without replacing
 * anything), and missing parent directories are created with mode 0700.
 *
 * Errors, each with a one-line message in e (which may be NULL) naming the variable or file and
 * never containing key material: PORCH_E_INVALID for a malformed or wrong-length key, a file
 * open to group or others or owned by another user, or no source at all; PORCH_E_IO when the file
 * or its directory cannot be read or created. On success *out is caller-owned (secretbox_free).
 * Thread-safe, but two processes creating the same file race benignly: the loser reads the
 * winner's key.
 */
enum porch_err secretbox_load(const char *env_value, const char *key_file, struct secretbox **out,
                              struct porch_error *e);

/**
 * Encrypts n bytes at pt and authenticates them together with aad (NUL-terminated, may be
 * NULL, which is the same as ""). *out receives "v1.<base64url>", NUL-terminated; caller frees.
 * PORCH_E_TOO_BIG past SECRETBOX_MAX_PLAINTEXT or SECRETBOX_MAX_AAD, PORCH_E_CRYPTO if OpenSSL
 * fails. Thread-safe.
 */
enum porch_err secretbox_seal(const struct secretbox *sb, const void *pt, size_t n, const char *aad,
                              char **out);

/**
 * Decrypts text made by secretbox_seal with the same key and aad. On success *pt is a new
 * buffer of *n bytes followed by a NUL (not counted), which the caller releases with
 * secretbox_wipe_free(*pt, *n). PORCH_E_INVALID when in does not start with "v1." or the rest
 * is not base64url; PORCH_E_TOO_BIG when in is longer than any seal of SECRETBOX_MAX_PLAINTEXT
 * bytes; PORCH_E_CRYPTO when authentication fails (tampered or truncated ciphertext, wrong key,
 * wrong aad). On failure *pt is NULL and *n is 0. Thread-safe.
 */
enum porch_err secretbox_open(const struct secretbox *sb, const char *in, const char *aad,
                              unsigned char **pt, size_t *n);

/**
 * Derives a 32-byte key for one purpose from the master key with HKDF-SHA256, info = label
 * (for example "graph-skiptoken-v1"). Every process holding the same master key derives the
 * same key, so what one node signs another verifies. out is caller-owned; wipe it after use.
 * PORCH_E_INVALID for NULL arguments, PORCH_E_CRYPTO if OpenSSL fails. Thread-safe.
 */
enum porch_err secretbox_derive(const struct secretbox *sb, const char *label,
                                unsigned char out[SECRETBOX_KEY_LEN]);

/** Wipes n bytes at p and frees p. NULL is a no-op. */
void secretbox_wipe_free(void *p, size_t n);

/** Wipes the key and frees the box. NULL is a no-op. */
void secretbox_free(struct secretbox *sb);

#endif
