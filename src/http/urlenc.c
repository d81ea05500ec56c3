/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URL and form decoding. Decoders never grow a buffer: the decoded text is at most as long
 * as the encoded text, so each string is decoded into one arena allocation of that size.
 * Limits are checked on the encoded input before anything is allocated.
 */
#include <stdbool.h>
#include <string.h>

#include "http/urlenc.h"
#include "core/b64.h"
#include "core/banned.h"

/* Decodes the escape at s[i] ('%'); -1 when fewer than two hex digits follow. */
static int unescape_at(const char *s, size_t len, size_t i)
{
    int hi, lo;

    if (len - i < 3)
        return -1;
    hi = hex_value((unsigned char)s[i + 1]);
    lo = hex_value((unsigned char)s[i + 2]);
    if (hi < 0 || lo < 0)
        return -1;
    return hi * 16 + lo;
}

static bool is_ctl(int c)
{
    return c < 0x20 || c == 0x7f;
}

/* True when the segment just written, out[start..end), is "." or "..". */
static bool dot_segment(const char *out, size_t start, size_t end)
{
    size_t n = end - start;

    return (n == 1 && out[start] == '.') || (n == 2 && out[start] == '.' && out[start + 1] == '.');
}

enum porch_err urlenc_decode_path(struct arena *a, const char *raw, size_t len, const char **out)
{
    char *buf;
    size_t o = 0, seg = 1;

    *out = NULL;
    if (len == 0 || raw[0] != '/')
        return PORCH_E_INVALID;
    buf = arena_alloc(a, len + 1);
    buf[o++] = '/';
    for (size_t i = 1; i < len; i++) {
        int c = (unsigned char)raw[i];

        if (c == '%') {
            c = unescape_at(raw, len, i);
            if (c < 0 || c == '/')
                return PORCH_E_INVALID;
            i += 2;
        } else if (c == '/') {
            if (dot_segment(buf, seg, o))
                return PORCH_E_INVALID;
            seg = o + 1;
        }
        if (is_ctl(c))
            return PORCH_E_INVALID;
        buf[o++] = (char)c;
    }
    if (dot_segment(buf, seg, o))
        return PORCH_E_INVALID;
    buf[o] = '\0';
    *out = buf;
    return PORCH_OK;
}

enum porch_err urlenc_decode_component(struct arena *a, const char *s, size_t len, const char **out)
{
    char *buf = arena_alloc(a, len + 1);
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];

        if (c == '\0') {
            return PORCH_E_INVALID;
        } else if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            c = unescape_at(s, len, i);
            if (c <= 0)
                return PORCH_E_INVALID;
            i += 2;
        }
        buf[o++] = (char)c;
    }
    buf[o] = '\0';
    *out = buf;
    return PORCH_OK;
}

/* Counts pairs with a non-empty name; stops counting past the cap. */
static size_t count_pairs(const char *s, size_t len)
{
    size_t n = 0, i = 0;

    while (i < len && n <= URLENC_MAX_PARAMS) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - s) : len;

        if (end > i && s[i] != '=')
            n++;
        i = end + 1;
    }
    return n;
}

static enum porch_err parse_pair(struct arena *a, const char *p, size_t n, struct kv *kv)
{
    const char *eq = memchr(p, '=', n);
    size_t name_len = eq ? (size_t)(eq - p) : n;
    size_t value_len = eq ? n - name_len - 1 : 0;
    enum porch_err err;

    if (name_len > URLENC_MAX_NAME || value_len > URLENC_MAX_VALUE)
        return PORCH_E_TOO_BIG;
    err = urlenc_decode_component(a, p, name_len, &kv->name);
    if (err != PORCH_OK)
        return err;
    return urlenc_decode_component(a, eq ? eq + 1 : p + n, value_len, &kv->value);
}

enum porch_err urlenc_parse_form(struct arena *a, const char *s, size_t len, struct kvlist *out)
{
    size_t cap = count_pairs(s, len), n = 0, i = 0;
    struct kv *items;

    out->items = NULL;
    out->n = 0;
    if (cap > URLENC_MAX_PARAMS)
        return PORCH_E_TOO_BIG;
    if (cap == 0)
        return PORCH_OK;
    items = arena_alloc(a, cap * sizeof(*items));
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - s) : len;

        if (end > i && s[i] != '=') {
            enum porch_err err = parse_pair(a, s + i, end - i, &items[n]);
            if (err != PORCH_OK)
                return err;
            n++;
        }
        i = end + 1;
    }
    out->items = items;
    out->n = n;
    return PORCH_OK;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

enum porch_err urlenc_encode(struct sbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t start = sb->len;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        enum porch_err err;

        if (unreserved(*p)) {
            err = sbuf_addch(sb, (char)*p);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            err = sbuf_add(sb, esc, sizeof(esc));
        }
        if (err != PORCH_OK) {
            sb->len = start;
            if (sb->cap)
                sb->buf[start] = '\0';
            return err;
        }
    }
    return PORCH_OK;
}
