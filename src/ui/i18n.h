/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Localized strings for the hosted pages. Every src/ui/locales/<tag>.json (a flat JSON object
 * of "key": "text") is compiled into the binary and parsed once, on first use. Lookups fall
 * back from the requested tag to its primary language and then to English, so a locale file
 * may translate only some keys. Language negotiation takes the OIDC ui_locales parameter
 * first, then the Accept-Language header, then English. Both inputs are untrusted; the
 * parser is fuzzed (tests/fuzz/fuzz_accept_language.c).
 */
#ifndef PORCH_UI_I18N_H
#define PORCH_UI_I18N_H

#include <stddef.h>

#define I18N_DEFAULT    "en"
#define I18N_MAX_TAG    35   /* RFC 5646 §4.4.1: what a tag needs to hold, and our cap */
#define I18N_MAX_RANGES 32   /* language ranges considered per header or ui_locales */
#define I18N_MAX_INPUT  4096 /* bytes of either input considered; the rest is ignored */

/**
 * Chooses the page language: the first tag in ui_locales (space-separated BCP 47 tags, in
 * order of preference) that is supported, then the Accept-Language ranges in order of
 * q-value (q=0 ranges and "*" are skipped; ties keep header order), then I18N_DEFAULT. A tag
 * matches a locale of the same tag or, failing that, of its primary language ("fr-CA" →
 * "fr"); comparison is case-insensitive. Malformed entries are skipped, never fatal. Either
 * argument may be NULL. Returns a supported locale tag in static storage, never NULL.
 * Thread-safe.
 */
const char *i18n_pick(const char *ui_locales, const char *accept_language);

/**
 * Returns the text for key in locale, trying locale, then its primary language, then
 * I18N_DEFAULT. locale NULL means I18N_DEFAULT. The text is plain (not HTML) and may hold
 * {0}…{9} placeholders. Static storage, valid for the process lifetime; NULL when no
 * locale in the chain has the key. Thread-safe.
 */
const char *i18n_text(const char *locale, const char *key);

/** Number of compiled-in locales. Thread-safe. */
size_t i18n_count(void);
/** The tag of locale i (< i18n_count()), e.g. "en". Static storage. Thread-safe. */
const char *i18n_tag(size_t i);

#endif
