/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable strings with a hard cap fixed at init (git strbuf, curl dynbuf). buf is always
 * NUL-terminated and never NULL. Not thread-safe; one owner at a time.
 */
#ifndef PORCH_SBUF_H
#define PORCH_SBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct sbuf {
    char *buf;
    size_t len, cap, max;
};

/** Initializes an empty buffer that may grow up to max bytes (excluding the NUL). */
void sbuf_init(struct sbuf *sb, size_t max);
/** Frees the buffer; sb is reset to empty and may be reused. */
void sbuf_release(struct sbuf *sb);
/** Empties the buffer, keeping its memory. */
void sbuf_reset(struct sbuf *sb);
/** Appends n bytes. PORCH_E_TOO_BIG past max (sb unchanged). */
enum porch_err sbuf_add(struct sbuf *sb, const void *data, size_t n);
/** Appends a string. */
enum porch_err sbuf_adds(struct sbuf *sb, const char *s);
/** Appends one byte. */
enum porch_err sbuf_addch(struct sbuf *sb, char c);
/** Appends formatted text. PORCH_E_TOO_BIG past max (sb unchanged). */
enum porch_err sbuf_addf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum porch_err sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/** Appends s as the inside of a JSON string (quotes not added), escaping as RFC 8259 requires. */
enum porch_err sbuf_add_json_str(struct sbuf *sb, const char *s);
/** Returns the buffer to the caller, who frees it; sb is reset. */
char *sbuf_detach(struct sbuf *sb, size_t *len);

#endif
