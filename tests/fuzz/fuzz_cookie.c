/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Cookie header parser. The input is split at newlines into up to
 * four Cookie headers. Besides memory safety it checks what the parser promises: at most
 * COOKIE_MAX pairs, every name a token and every value cookie-octets (so resp_cookie accepts
 * each pair again), req_cookie giving the first occurrence, and a round trip: the pairs
 * joined as "n=v; n=v" parse back to the same list.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/sbuf.h"
#include "http/cookie.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 4

/* rs is initialised on a and must outlive it */
static void check_pairs(struct arena *a, struct resp *rs, const struct kvlist *l)
{
    if (l->n > COOKIE_MAX)
        abort();
    resp_init(rs, a, 64);
    for (size_t i = 0; i < l->n; i++) {
        if (!cookie_name_ok(l->items[i].name) || !cookie_value_ok(l->items[i].value))
            abort();
        if (strlen(l->items[i].name) + strlen(l->items[i].value) <= COOKIE_MAX_PAIR &&
            resp_cookie(rs, l->items[i].name, l->items[i].value, 1, 0) != PORCH_OK)
            abort();
    }
}

static void round_trip(struct arena *a, const struct kvlist *l)
{
    struct sbuf sb;
    struct kv h;
    struct kvlist back;

    sbuf_init(&sb, 16 * 1024 * 1024);
    for (size_t i = 0; i < l->n; i++) {
        if (sbuf_addf(&sb, "%s%s=%s", i ? "; " : "", l->items[i].name, l->items[i].value) !=
            PORCH_OK)
            abort();
    }
    h = (struct kv){"Cookie", sb.buf};
    cookie_parse(a, &(struct kvlist){&h, 1}, &back);
    if (back.n != l->n)
        abort();
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(back.items[i].name, l->items[i].name) ||
            strcmp(back.items[i].value, l->items[i].value))
            abort();
    }
    sbuf_release(&sb);
}

/* req_cookie answers the first pair of each name. */
static void first_wins(struct arena *a, const struct kvlist *headers, const struct kvlist *l)
{
    struct req r = {0};

    r.arena = a;
    r.headers = *headers;
    for (size_t i = 0; i < l->n; i++) {
        const char *v = req_cookie(&r, l->items[i].name);
        size_t first = 0;

        while (strcmp(l->items[first].name, l->items[i].name) != 0)
            first++;
        if (!v || strcmp(v, l->items[first].value) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    char *buf = arena_strndup(a, (const char *)data, size);
    struct kv h[MAX_HEADERS];
    struct kvlist headers = {h, 0}, l;
    struct resp rs;
    char *s = buf;

    /* a NUL byte in the input ends the text there, as it would end a header value */
    while (headers.n < MAX_HEADERS) {
        char *nl = strchr(s, '\n');

        h[headers.n] = (struct kv){headers.n % 2 ? "cookie" : "Cookie", s};
        headers.n++;
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    cookie_parse(a, &headers, &l);
    check_pairs(a, &rs, &l);
    round_trip(a, &l);
    first_wins(a, &headers, &l);
    arena_free(a);
    return 0;
}
