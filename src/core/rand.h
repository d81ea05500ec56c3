/* SPDX-License-Identifier: Apache-2.0 */
/* Cryptographically secure randomness from the kernel (getrandom(2)). */
#ifndef PORCH_RAND_H
#define PORCH_RAND_H

#include <stddef.h>

/** Fills buf with n random bytes. Aborts if the kernel cannot supply them. Thread-safe. */
void rand_bytes(void *buf, size_t n);
/** Writes a base64url token of nbytes random bytes into out (size >= 4*nbytes/3+2). */
void rand_token(char *out, size_t out_size, size_t nbytes);

#endif
