/* SPDX-License-Identifier: Apache-2.0 */
/* Capped string buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

static char empty[1];

void sbuf_init(struct sbuf *sb, size_t max)
{
    sb->buf = empty;
    sb->len = 0;
    sb->cap = 0;
    sb->max = max;
}

void sbuf_release(struct sbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    sbuf_init(sb, sb->max);
}

void sbuf_reset(struct sbuf *sb)
{
    sb->len = 0;
    sb->buf[0] = '\0';
}

static enum porch_err grow(struct sbuf *sb, size_t extra)
{
    size_t want, cap;

    if (extra > sb->max || sb->len > sb->max - extra)
        return PORCH_E_TOO_BIG;
    want = sb->len + extra + 1;
    if (want <= sb->cap)
        return PORCH_OK;
    cap = sb->cap ? sb->cap : 64;
    while (cap < want)
        cap *= 2;
    if (cap > sb->max + 1)
        cap = sb->max + 1;
    if (sb->cap) {
        sb->buf = xrealloc(sb->buf, cap);
    } else {
        sb->buf = xmalloc(cap);
        sb->buf[0] = '\0';
    }
    sb->cap = cap;
    return PORCH_OK;
}

enum porch_err sbuf_add(struct sbuf *sb, const void *data, size_t n)
{
    if (grow(sb, n) != PORCH_OK)
        return PORCH_E_TOO_BIG;
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    if (sb->cap)
        sb->buf[sb->len] = '\0';
    return PORCH_OK;
}

enum porch_err sbuf_adds(struct sbuf *sb, const char *s)
{
    return sbuf_add(sb, s, strlen(s));
}

enum porch_err sbuf_addch(struct sbuf *sb, char c)
{
    return sbuf_add(sb, &c, 1);
}

enum porch_err sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return PORCH_E_INVALID;
    if (grow(sb, (size_t)n) != PORCH_OK)
        return PORCH_E_TOO_BIG;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return PORCH_OK;
}

enum porch_err sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    enum porch_err err;

    va_start(ap, fmt);
    err = sbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return err;
}

enum porch_err sbuf_add_json_str(struct sbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t start_len = sb->len;
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        enum porch_err err;
        char esc[7];

        switch (*p) {
        case '"':
            err = sbuf_add(sb, "\\\"", 2);
            break;
        case '\\':
            err = sbuf_add(sb, "\\\\", 2);
            break;
        case '\n':
            err = sbuf_add(sb, "\\n", 2);
            break;
        case '\r':
            err = sbuf_add(sb, "\\r", 2);
            break;
        case '\t':
            err = sbuf_add(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[*p >> 4];
                esc[5] = hex[*p & 15];
                err = sbuf_add(sb, esc, 6);
            } else {
                err = sbuf_addch(sb, (char)*p);
            }
        }
        if (err != PORCH_OK) {
            sb->len = start_len;
            if (sb->cap)
                sb->buf[sb->len] = '\0';
            return err;
        }
    }
    return PORCH_OK;
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
    char *p;

    if (len)
        *len = sb->len;
    p = sb->cap ? sb->buf : xstrdup("");
    sbuf_init(sb, sb->max);
    return p;
}
