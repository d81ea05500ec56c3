/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for application/x-www-form-urlencoded bodies. Besides memory safety it
 * checks the caps and a round trip: re-encoding every decoded pair and decoding again must
 * give the same pairs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/sbuf.h"
#include "http/urlenc.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(struct arena *a, const struct kvlist *l)
{
    struct sbuf sb;
    struct kvlist back;

    sbuf_init(&sb, 16 * 1024 * 1024);
    for (size_t i = 0; i < l->n; i++) {
        if (i && sbuf_addch(&sb, '&') != PORCH_OK)
            abort();
        if (urlenc_encode(&sb, l->items[i].name) != PORCH_OK || sbuf_addch(&sb, '=') != PORCH_OK ||
            urlenc_encode(&sb, l->items[i].value) != PORCH_OK)
            abort();
    }
    /* encoding may triple a value past URLENC_MAX_VALUE; only compare when it fits */
    if (urlenc_parse_form(a, sb.buf, sb.len, &back) == PORCH_OK) {
        if (back.n != l->n)
            abort();
        for (size_t i = 0; i < l->n; i++) {
            if (strcmp(back.items[i].name, l->items[i].name) ||
                strcmp(back.items[i].value, l->items[i].value))
                abort();
        }
    }
    sbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct kvlist l;

    if (urlenc_parse_form(a, (const char *)data, size, &l) == PORCH_OK) {
        if (l.n > URLENC_MAX_PARAMS)
            abort();
        round_trip(a, &l);
    }
    arena_free(a);
    return 0;
}
