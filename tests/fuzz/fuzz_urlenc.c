/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for request-target decoding as the server does it: split at the first
 * '?', percent-decode the path, decode the query string. Checks the decoder's promises:
 * a decoded path starts with '/', has no '/'-producing escape, no dot segment, no control
 * character, and is never longer than its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/urlenc.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *in, size_t len, const char *out)
{
    size_t n = strlen(out);

    if (n > len || out[0] != '/' || strstr(out, "/./") || strstr(out, "/../"))
        abort();
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            abort();
    }
    if (memchr(in, '\0', len))
        abort(); /* an embedded NUL must have been refused as a control character */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    const char *s = (const char *)data, *q = memchr(s, '?', size), *path = NULL;
    size_t plen = q ? (size_t)(q - s) : size;
    struct kvlist l;

    if (urlenc_decode_path(a, s, plen, &path) == PORCH_OK)
        check_path(s, plen, path);
    if (q && urlenc_parse_form(a, q + 1, size - plen - 1, &l) == PORCH_OK) {
        if (l.n > URLENC_MAX_PARAMS)
            abort();
        for (size_t i = 0; i < l.n; i++) {
            if (!l.items[i].name[0] || strlen(l.items[i].name) > URLENC_MAX_NAME)
                abort();
        }
    }
    arena_free(a);
    return 0;
}
