/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cookie parsing and Set-Cookie. The parser only ever drops what it does not understand: a
 * request header is attacker-controlled, and refusing the whole request over one odd cookie
 * set by some other application on the same site would lock users out. What it keeps is
 * exactly what resp_cookie could have written, so a value read back is safe to echo into a
 * header again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/cookie.h"
#include "core/banned.h"

static bool is_tchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static bool is_octet(unsigned char ch)
{
    return ch >= 0x21 && ch <= 0x7e && ch != '"' && ch != ',' && ch != ';' && ch != '\\';
}

static bool is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

static bool all(const char *s, size_t n, bool (*ok)(unsigned char))
{
    for (size_t i = 0; i < n; i++) {
        if (!ok((unsigned char)s[i]))
            return false;
    }
    return true;
}

bool cookie_name_ok(const char *name)
{
    return name && *name && all(name, strlen(name), is_tchar);
}

bool cookie_value_ok(const char *value)
{
    return value && all(value, strlen(value), is_octet);
}

/* Adds the pair in [b, e) to out when it is well-formed; out has room for one more. */
static void add_pair(struct arena *a, const char *b, const char *e, struct kvlist *out)
{
    const char *eq = memchr(b, '=', (size_t)(e - b));
    const char *ne, *vb;

    if (!eq)
        return;
    while (b < eq && is_ows(*b))
        b++;
    ne = eq;
    while (ne > b && is_ows(ne[-1]))
        ne--;
    vb = eq + 1;
    while (vb < e && is_ows(*vb))
        vb++;
    while (e > vb && is_ows(e[-1]))
        e--;
    if (e - vb >= 2 && *vb == '"' && e[-1] == '"') {
        vb++;
        e--;
    }
    if (ne == b || !all(b, (size_t)(ne - b), is_tchar) || !all(vb, (size_t)(e - vb), is_octet))
        return;
    out->items[out->n].name = arena_strndup(a, b, (size_t)(ne - b));
    out->items[out->n].value = arena_strndup(a, vb, (size_t)(e - vb));
    out->n++;
}

/* Parses one Cookie header value into out until it holds COOKIE_MAX pairs. */
static void parse_header(struct arena *a, const char *s, struct kvlist *out)
{
    while (*s && out->n < COOKIE_MAX) {
        const char *e = strchr(s, ';');

        if (!e)
            e = s + strlen(s);
        add_pair(a, s, e, out);
        s = *e ? e + 1 : e;
    }
}

void cookie_parse(struct arena *a, const struct kvlist *headers, struct kvlist *out)
{
    out->items = arena_calloc(a, COOKIE_MAX, sizeof(*out->items));
    out->n = 0;
    for (size_t i = 0; i < headers->n && out->n < COOKIE_MAX; i++) {
        if (strcasecmp(headers->items[i].name, "Cookie") == 0 && headers->items[i].value)
            parse_header(a, headers->items[i].value, out);
    }
}

const char *req_cookie(struct req *r, const char *name)
{
    if (!r->cookies_parsed) {
        cookie_parse(r->arena, &r->headers, &r->cookies);
        r->cookies_parsed = true;
    }
    return kvlist_get(&r->cookies, name);
}

static const char *same_site(unsigned flags)
{
    if (flags & RESP_COOKIE_SAMESITE_NONE)
        return "None";
    if (flags & RESP_COOKIE_SAMESITE_STRICT)
        return "Strict";
    return "Lax";
}

enum porch_err resp_cookie(struct resp *rs, const char *name, const char *value, int64_t max_age,
                           unsigned flags)
{
    char age[32] = "";

    if (!cookie_name_ok(name) || (value && !cookie_value_ok(value)))
        return PORCH_E_INVALID;
    if (strlen(name) + (value ? strlen(value) : 0) > COOKIE_MAX_PAIR)
        return PORCH_E_TOO_BIG;
    if (!value)
        snprintf(age, sizeof(age), "Max-Age=0; ");
    else if (max_age > 0)
        snprintf(age, sizeof(age), "Max-Age=%" PRId64 "; ", max_age);
    resp_header(rs, "Set-Cookie",
                arena_printf(rs->arena, "%s=%s; Path=/; %sSecure; HttpOnly; SameSite=%s", name,
                             value ? value : "", age, same_site(flags)));
    return PORCH_OK;
}
