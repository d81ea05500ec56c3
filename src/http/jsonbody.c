/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Depth-limited JSON body parsing. jansson recurses once per nesting level (up to its own
 * limit of 2048), so the cheaper, tighter limit from the configuration is enforced by a scan
 * that only tracks string state and bracket depth.
 */
#include <stdbool.h>

#include "http/jsonbody.h"
#include "core/banned.h"

unsigned jsonbody_depth(const char *buf, size_t len, unsigned max_depth)
{
    unsigned depth = 0, deepest = 0;
    bool in_string = false, escaped = false;

    for (size_t i = 0; i < len && deepest <= max_depth; i++) {
        char c = buf[i];

        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            depth++;
            if (depth > deepest)
                deepest = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

static void decref(void *obj)
{
    json_decref(obj);
}

enum porch_err jsonbody_parse(struct arena *a, const char *buf, size_t len, unsigned max_depth,
                              json_t **out, struct porch_error *e)
{
    json_error_t jerr;
    json_t *j;

    *out = NULL;
    if (jsonbody_depth(buf, len, max_depth) > max_depth)
        return PORCH_ERROR_SET(e, PORCH_E_TOO_BIG, "JSON nested deeper than %u levels", max_depth);
    j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "invalid JSON at line %d column %d (byte %d): %s", jerr.line,
                               jerr.column, jerr.position, jerr.text);
    *out = arena_defer(a, decref, j);
    return PORCH_OK;
}
