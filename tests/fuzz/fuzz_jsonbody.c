/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for JSON request bodies: the depth pre-scan and jansson behind it. A
 * parsed document must never nest deeper than the limit the scan enforced.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "http/jsonbody.h"
#include "core/banned.h"

#define MAX_DEPTH 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned depth_of(json_t *j)
{
    unsigned d = 0, sub;
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_object(j)) {
        json_object_foreach(j, k, v)
        {
            sub = depth_of(v);
            d = sub > d ? sub : d;
        }
        return d + 1;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            sub = depth_of(v);
            d = sub > d ? sub : d;
        }
        return d + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct porch_error e;
    json_t *j = NULL;

    if (jsonbody_parse(a, (const char *)data, size, MAX_DEPTH, &j, &e) == PORCH_OK) {
        if (!j || depth_of(j) > MAX_DEPTH)
            abort();
    } else if (j) {
        abort();
    }
    arena_free(a);
    return 0;
}
