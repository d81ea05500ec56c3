/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bump allocator owned by one request (nginx r->pool, h2o req->pool). Everything allocated
 * from it, and every object handed to arena_defer(), is released at once by arena_free().
 * An arena is used by one thread at a time.
 */
#ifndef PORCH_ARENA_H
#define PORCH_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

typedef void (*arena_cleanup_fn)(void *obj);

/** Creates an arena. Caller frees with arena_free(). */
struct arena *arena_new(void);
/** Releases every block and runs every deferred cleanup, newest first. NULL is a no-op. */
void arena_free(struct arena *a);

/** Returns n bytes aligned for any type; arena-owned. Aborts on OOM. */
void *arena_alloc(struct arena *a, size_t n);
/** Same as arena_alloc, zeroed. */
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
/** Copies s into the arena; arena-owned. NULL stays NULL. */
char *arena_strdup(struct arena *a, const char *s);
/** Copies n bytes of s and terminates; arena-owned. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/** Formats into the arena; arena-owned. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/** Runs fn(obj) when the arena is freed (json_decref, EVP_PKEY_free, PQclear…). Returns obj. */
void *arena_defer(struct arena *a, arena_cleanup_fn fn, void *obj);

/** Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
