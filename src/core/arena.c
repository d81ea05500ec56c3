/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request arena: a chain of blocks, bump-allocated. Large requests get a block of their own so
 * a big body does not waste the rest of a normal block.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define BLOCK_SIZE 8192
#define ALIGN      16

struct block {
    struct block *next;
    size_t used, size;
    _Alignas(ALIGN) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    arena_cleanup_fn fn;
    void *obj;
};

struct arena {
    struct block *head;
    struct cleanup *cleanups;
    size_t total;
};

static struct block *block_new(size_t size)
{
    struct block *b = xmalloc(sizeof(*b) + size);
    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

struct arena *arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->head = block_new(BLOCK_SIZE);
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    while (a->cleanups) {
        struct cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->obj);
    }
    while (a->head) {
        struct block *b = a->head;
        a->head = b->next;
        free(b);
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct block *b = a->head;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    void *p;

    if (need < n) {
        fprintf(stderr, "fatal: arena allocation overflow\n");
        abort();
    }
    if (need > BLOCK_SIZE / 4) {
        /* big allocations get their own block, kept behind the current one */
        struct block *big = block_new(need);
        big->used = need;
        big->next = b->next;
        b->next = big;
        a->total += need;
        return big->data;
    }
    if (b->size - b->used < need) {
        b = block_new(BLOCK_SIZE);
        b->next = a->head;
        a->head = b;
    }
    p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
    void *p;
    if (size && nmemb > SIZE_MAX / size) {
        fprintf(stderr, "fatal: arena allocation overflow\n");
        abort();
    }
    p = arena_alloc(a, nmemb * size);
    memset(p, 0, nmemb * size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *p;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return arena_strdup(a, "");
    p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_defer(struct arena *a, arena_cleanup_fn fn, void *obj)
{
    struct cleanup *c;

    if (!obj)
        return NULL;
    c = arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->obj = obj;
    c->next = a->cleanups;
    a->cleanups = c;
    return obj;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
