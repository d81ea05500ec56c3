/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted pages: the .html templates in src/ui/templates, compiled into the binary, and
 * one call that renders a page inside the shared layout. Handlers fill a struct tmpl_data
 * with the page's values (see each template's header comment for the names it reads).
 */
#ifndef PORCH_UI_PAGES_H
#define PORCH_UI_PAGES_H

#include "core/err.h"
#include "core/sbuf.h"
#include "ui/tmpl.h"

/**
 * Parses every embedded template into a new library, named by file stem ("signin_email").
 * A template that does not parse is a build defect: this aborts through PORCH_BUG
 * (tests/unit/ui/test_pages.c parses them all). Call once at start-up; caller frees with
 * tmpl_lib_free() and may share the library read-only between threads.
 */
struct tmpl_lib *pages_load(void);

/**
 * Renders template page and wraps it in "layout", appending the whole document to out. Sets
 * in d (which it therefore modifies) the raw value "content" (the rendered page), "lang"
 * (d->locale or I18N_DEFAULT) and, unless the caller set one, "title" from the page's title
 * key. Errors as tmpl_render(); out then holds a partial page to discard. Thread-safe for a
 * shared lib and distinct d and out.
 */
enum porch_err pages_render(const struct tmpl_lib *lib, const char *page, struct tmpl_data *d,
                            struct sbuf *out);

#endif
