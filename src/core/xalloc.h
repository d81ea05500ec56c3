/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The only allocation entry points. They abort on out-of-memory, so callers never check for
 * NULL; every size that input can drive must be bounded before it gets here.
 */
#ifndef PORCH_XALLOC_H
#define PORCH_XALLOC_H

#include <stddef.h>

/** Allocates n bytes (n == 0 allocates 1). Caller frees with free(). Thread-safe. */
void *xmalloc(size_t n);
/** Allocates nmemb * size zeroed bytes; aborts on overflow. Caller frees. */
void *xcalloc(size_t nmemb, size_t size);
/** Resizes p to n bytes. Caller frees the result. */
void *xrealloc(void *p, size_t n);
/** Copies s. Caller frees. */
char *xstrdup(const char *s);
/** Copies at most n bytes of s and terminates. Caller frees. */
char *xstrndup(const char *s, size_t n);

#endif
