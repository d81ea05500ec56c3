/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict UTF-8 decoding by hand (no locale, no iconv), so the same bytes give the same answer
 * on every machine. The table-free form follows RFC 3629 §4's well-formed byte sequences.
 */
#include "core/utf8.h"
#include "core/banned.h"

/* True when b is a continuation byte (10xxxxxx). */
static bool cont(unsigned char b)
{
    return (b & 0xc0) == 0x80;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t v, min;

    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        len = 2;
        v = u[0] & 0x1fu;
        min = 0x80;
    } else if ((u[0] & 0xf0) == 0xe0) {
        len = 3;
        v = u[0] & 0x0fu;
        min = 0x800;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        len = 4;
        v = u[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (!cont(u[i]))
            return 0;
        v = (v << 6) | (u[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

bool utf8_count(const char *s, size_t n, size_t *count)
{
    size_t i = 0, k = 0, len;
    uint32_t cp;

    while (i < n) {
        len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || cp == 0)
            return false;
        i += len;
        k++;
    }
    *count = k;
    return true;
}

void utf8_ascii_lower(const char *src, size_t n, char *dst)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
}
