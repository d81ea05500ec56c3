/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small template engine for the hosted pages. Templates are parsed once, at start-up, into
 * a compact program (struct tmpl_lib holds them by name); rendering walks the program and
 * appends to a capped struct sbuf. Every inserted value is HTML-escaped unless the caller
 * stored it with tmpl_set_raw(), the one way to insert markup (grep for it).
 *
 * Syntax (whitespace inside the braces is ignored):
 *   {{name}}                 the value, escaped (& < > " ' ` =)
 *   {{{name}}}, {{raw name}} a value stored with tmpl_set_raw(), unescaped
 *   {{#if name}} … {{else}} … {{/if}}
 *                            truthy: true, a non-empty string or list, a non-zero number
 *   {{#each list}} … {{/each}}
 *                            repeats for every object of a list; inside, {{.field}} (and
 *                            {{#if .field}}, {{#each .field}}) read the current item and {{.}}
 *                            the item itself when it is a string
 *   {{t "key" arg…}}         i18n_text(locale, key) escaped, with {0}…{9} replaced by the
 *                            escaped values of the named args
 *   {{> partial}}            renders another template of the same tmpl_lib here
 *   {{! comment}}            nothing
 * Names are 1-64 of [A-Za-z0-9_.-]; "raw", "t" and "else" are keywords, not names. Text
 * outside tags is copied as is; there is no way to escape a literal "{{".
 * Values placed in attributes must be quoted in the template (value="{{v}}"): escaping
 * covers quoted attributes, not unquoted ones, URLs in href (check the scheme before
 * setting the value) or anything inside <script> and <style>.
 *
 * Data model: struct tmpl_data wraps two jansson objects. vars holds strings, booleans,
 * integers and arrays of objects (or of strings); raw holds pre-rendered HTML and is only
 * reachable through {{{…}}}. An unknown name renders as nothing, or fails the render with
 * PORCH_E_INVALID when data->strict is set (tests).
 */
#ifndef PORCH_UI_TMPL_H
#define PORCH_UI_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/err.h"
#include "core/sbuf.h"

#define TMPL_MAX_SOURCE (64 * 1024) /* bytes of one template */
#define TMPL_MAX_OPS    4096        /* instructions in one compiled template */
#define TMPL_MAX_NEST   16          /* nested #if/#each blocks */
#define TMPL_MAX_ARGS   4           /* arguments of one {{t}} */
#define TMPL_MAX_NAME   64          /* bytes of a name, key or partial name */
#define TMPL_MAX_DEPTH  8           /* nested partials and #each scopes while rendering */

struct tmpl_lib;

/* The values a render reads. Owned by the caller; see tmpl_data_init(). */
struct tmpl_data {
    json_t *vars;       /* object: name -> string, boolean, integer, array */
    json_t *raw;        /* object: name -> trusted HTML; written only by tmpl_set_raw() */
    const char *locale; /* for {{t}}; NULL means I18N_DEFAULT; borrowed */
    bool strict;        /* unknown names and keys fail the render (tests) */
};

/** Creates an empty library. Caller frees with tmpl_lib_free(). */
struct tmpl_lib *tmpl_lib_new(void);
/** Frees lib and every template in it. NULL is a no-op. */
void tmpl_lib_free(struct tmpl_lib *lib);

/**
 * Parses src[0..len) and adds it to lib as name (copied), replacing nothing: a second
 * template of the same name is PORCH_E_CONFLICT. PORCH_E_INVALID for a syntax error
 * (unclosed or unknown tag, unbalanced block, bad name; a lone "}}" is text),
 * PORCH_E_TOO_BIG past the TMPL_MAX_* caps; e (optional) then says what and at which line. lib is
 * unchanged on error. Partials are resolved when rendering. Not thread-safe: build the library at
 * start-up, then share it read-only.
 */
enum porch_err tmpl_lib_add(struct tmpl_lib *lib, const char *name, const char *src, size_t len,
                            struct porch_error *e);

/** True when lib holds a template called name. Thread-safe. */
bool tmpl_lib_has(const struct tmpl_lib *lib, const char *name);

/**
 * Renders template name with d, appending to out. PORCH_E_NOT_FOUND for an unknown template
 * or partial, PORCH_E_TOO_BIG past out's cap or TMPL_MAX_DEPTH, PORCH_E_INVALID in strict
 * mode for an unknown name or localization key. On error out holds a partial page that the
 * caller discards. Thread-safe for a shared lib and distinct out.
 */
enum porch_err tmpl_render(const struct tmpl_lib *lib, const char *name, const struct tmpl_data *d,
                           struct sbuf *out);

/** Appends s[0..n) to out with & < > " ' ` = replaced by character references. */
enum porch_err tmpl_escape(struct sbuf *out, const char *s, size_t n);

/** Prepares d: empty vars and raw, default locale, not strict. Release with tmpl_data_release. */
void tmpl_data_init(struct tmpl_data *d);
/** Drops d's objects. */
void tmpl_data_release(struct tmpl_data *d);
/**
 * Sets vars[name] to a copy of value (escaped when rendered). Bytes are kept as they are,
 * invalid UTF-8 included. NULL value removes name.
 */
void tmpl_set(struct tmpl_data *d, const char *name, const char *value);
/** Sets vars[name] to a boolean, for {{#if}}. */
void tmpl_set_bool(struct tmpl_data *d, const char *name, bool value);
/**
 * Sets raw[name] to a copy of html, which {{{name}}} or {{raw name}} inserts UNESCAPED. Only
 * for markup this process produced (a rendered template); never for anything a user, client
 * or extension supplied. NULL html removes name.
 */
void tmpl_set_raw(struct tmpl_data *d, const char *name, const char *html);
/**
 * Appends a new empty object to the list vars[name] (created on first use) and returns it,
 * borrowed until d is released; fill it with json_object_set_new(item, "field", json_string(…)).
 */
json_t *tmpl_list_add(struct tmpl_data *d, const char *name);

#endif
