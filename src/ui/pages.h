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

/** The library of every page, loaded on first use and kept for the process. Thread-safe. */
const struct tmpl_lib *pages_shared(void);

struct req;
struct resp;

/**
 * Renders page in the layout (pages_render with pages_shared()) as rs's body with status,
 * the hosted pages' Content-Security-Policy (no script; forms may post to us and, when
 * form_origin is not NULL, to that origin, which a sign-in's final redirect needs) and
 * Cache-Control: no-store. Errors of pages_render and resp_body; rs has no body then.
 */
enum porch_err pages_respond(struct req *r, struct resp *rs, unsigned status, const char *page,
                             struct tmpl_data *d, const char *form_origin);

#endif
