/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict UTF-8 decoding (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Length limits that the specs state in characters (passwords, display names) are counted in
 * code points with these functions, never in bytes.
 */
#ifndef PORCH_UTF8_H
#define PORCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Decodes the code point starting at s[0] of the n bytes at s into *cp and returns its length
 * in bytes (1..4), or 0 when the bytes there are not valid UTF-8 (or n is 0). Thread-safe.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/**
 * Counts the code points of the n bytes at s into *count. Returns false (and *count
 * unspecified) when s is not valid UTF-8 or contains U+0000. Thread-safe.
 */
bool utf8_count(const char *s, size_t n, size_t *count);

/** ASCII lower-casing (locale-independent) of n bytes from src into dst; other bytes copied. */
void utf8_ascii_lower(const char *src, size_t n, char *dst);

#endif
