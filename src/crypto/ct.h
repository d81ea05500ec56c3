/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time comparison and secret wiping. Every comparison of a secret (client secret hash,
 * CSRF token, code verifier) goes through ct_compare so its timing does not depend on where the
 * inputs first differ, and every buffer that held a secret is wiped with ct_cleanse before free.
 */
#ifndef PORCH_CT_H
#define PORCH_CT_H

#include <stddef.h>

/**
 * Compares n bytes of a and b in time that depends only on n. Returns 0 when they are equal
 * and non-zero otherwise (no ordering). Both buffers are borrowed. Thread-safe.
 */
int ct_compare(const void *a, const void *b, size_t n);

/**
 * Overwrites n bytes at p with zeros in a way the compiler may not optimise away. p may be
 * NULL when n is 0. Thread-safe.
 */
void ct_cleanse(void *p, size_t n);

#endif
