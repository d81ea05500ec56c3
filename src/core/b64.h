/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) coding, and lower-case hex. */
#ifndef PORCH_B64_H
#define PORCH_B64_H

#include <stddef.h>

#include "core/err.h"

/** Output size (with NUL) needed to encode n bytes. */
#define B64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/**
 * Encodes n bytes of in as unpadded base64url into out (NUL-terminated).
 * Returns the length written, or 0 (out = "") if out_size is too small.
 */
size_t b64url_encode(const void *in, size_t n, char *out, size_t out_size);
/** Encodes as padded standard base64. Same contract as b64url_encode. */
size_t b64_encode(const void *in, size_t n, char *out, size_t out_size);
/**
 * Decodes base64url (padding optional) of length n into out. PORCH_E_INVALID on a bad
 * character or length, PORCH_E_TOO_BIG if out_size is too small. *out_len gets the length.
 */
enum porch_err b64url_decode(const char *in, size_t n, unsigned char *out, size_t out_size,
                             size_t *out_len);
/** Decodes standard base64 (padding required when the length is not a multiple of 4). */
enum porch_err b64_decode(const char *in, size_t n, unsigned char *out, size_t out_size,
                          size_t *out_len);
/** The value of one hex digit (either case), or -1. */
int hex_value(int c);
/** Writes 2n lower-case hex digits and a NUL into out (size >= 2n+1). */
void hex_encode(const void *in, size_t n, char *out);

#endif
