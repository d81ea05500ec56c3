/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the template engine. The input is parsed as a template; one that
 * parses is rendered twice (lenient and strict) against values full of markup, into a capped
 * buffer. Besides memory safety it checks that values never reach the output unescaped:
 * every value is full of the characters escaping replaces, so each of those characters may
 * only appear in the output when the template text itself holds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/sbuf.h"
#include "ui/tmpl.h"
#include "core/banned.h"

#define MARKER "<zq\"'`=>"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fill(struct tmpl_data *d)
{
    json_t *it;

    tmpl_set(d, "a", MARKER);
    tmpl_set(d, "b", "");
    tmpl_set_bool(d, "yes", true);
    tmpl_set_raw(d, "html", "RAW");
    it = tmpl_list_add(d, "list");
    json_object_set_new(it, "x", json_string(MARKER));
    json_object_set_new(it, "sub", json_pack("[s]", MARKER));
    json_object_set_new(d->vars, "n", json_integer(7));
}

static void render(const struct tmpl_lib *lib, struct tmpl_data *d, bool strict, const uint8_t *src,
                   size_t size)
{
    struct sbuf out;
    enum porch_err err;

    sbuf_init(&out, 256 * 1024);
    d->strict = strict;
    d->locale = strict ? "fr-CA" : NULL;
    err = tmpl_render(lib, "main", d, &out);
    for (const char *c = "<>\"'`="; err == PORCH_OK && *c; c++) {
        if (!memchr(src, *c, size) && memchr(out.buf, *c, out.len))
            abort();
    }
    sbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tmpl_lib *lib = tmpl_lib_new();
    struct tmpl_data d;

    tmpl_data_init(&d);
    fill(&d);
    tmpl_lib_add(lib, "part", "[{{a}}{{> part}}]", 17, NULL);
    if (tmpl_lib_add(lib, "main", (const char *)data, size, NULL) == PORCH_OK) {
        render(lib, &d, false, data, size);
        render(lib, &d, true, data, size);
    }
    tmpl_data_release(&d);
    tmpl_lib_free(lib);
    return 0;
}
