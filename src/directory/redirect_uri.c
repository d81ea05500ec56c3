/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redirect URI registration rules. The parser is deliberately narrow: it accepts the URI
 * shapes Entra registers (scheme "://" host [":" port] [path] [query], or a public client's
 * custom scheme) and refuses everything else, because the string registered here is what
 * sign-in later sends authorization codes to.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "directory/redirect_uri.h"
#include "core/banned.h"

/* Schemes that must never receive a code, whatever the platform. */
static const char *const banned_schemes[] = {"javascript", "data", "file", "vbscript", "about",
                                             "blob",       "ftp",  "ws",   "wss",      NULL};

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Characters allowed anywhere in a URI (RFC 3986 unreserved, reserved and '%'), minus '#'. */
static bool uri_char_ok(char c)
{
    return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("-._~:/?[]@!$&'()*+,;=%", c));
}

/* Length of a valid scheme at s (up to ':'), or 0. */
static size_t scheme_len(const char *s)
{
    size_t n = 0;

    if (!is_alpha(s[0]))
        return 0;
    while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
        n++;
    return s[n] == ':' ? n : 0;
}

static bool scheme_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Checks the character set and percent escapes of the whole URI. */
static const char *chars_reason(const char *uri)
{
    for (const char *c = uri; *c; c++) {
        if (*c == '#')
            return "fragments are not allowed";
        if (*c == '*')
            return "wildcards are not allowed";
        if (!uri_char_ok(*c))
            return "the URI contains a character that is not allowed";
        if (*c == '%' && !(is_hex(c[1]) && is_hex(c[2])))
            return "the URI contains an invalid percent escape";
    }
    return NULL;
}

/* A DNS name or IPv4 literal: labels of letters, digits and '-', no empty label. */
static bool reg_name_ok(const char *h, size_t n)
{
    size_t label = 0;

    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!(is_alpha(h[i]) || is_digit(h[i]) || h[i] == '-') || ++label > 63)
            return false;
    }
    return label > 0;
}

static bool ipv6_literal_ok(const char *h, size_t n)
{
    if (n < 4 || h[0] != '[' || h[n - 1] != ']')
        return false;
    for (size_t i = 1; i + 1 < n; i++) {
        if (!is_hex(h[i]) && h[i] != ':' && h[i] != '.')
            return false;
    }
    return true;
}

static bool port_ok(const char *p, size_t n)
{
    unsigned long v = 0;

    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        v = v * 10 + (unsigned long)(p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* The authority after "scheme://": host and optional port, no user info. */
static const char *authority_reason(const char *auth, size_t n, size_t *host_len)
{
    const char *colon;
    size_t hn = n;

    if (memchr(auth, '@', n))
        return "user information is not allowed in the URI";
    if (n > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', n);
        hn = close ? (size_t)(close - auth) + 1 : n;
        if (!ipv6_literal_ok(auth, hn))
            return "the host is not valid";
    } else {
        colon = memchr(auth, ':', n);
        hn = colon ? (size_t)(colon - auth) : n;
        if (!reg_name_ok(auth, hn))
            return "the host is not valid";
    }
    if (hn < n && (auth[hn] != ':' || !port_ok(auth + hn + 1, n - hn - 1)))
        return "the port is not valid";
    *host_len = hn;
    return NULL;
}

static bool host_is_loopback(const char *h, size_t n)
{
    return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
           (n == 9 && strncmp(h, "127.0.0.1", 9) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0);
}

/* Splits "scheme://authority/…" into the authority; NULL when there is no "//". */
static const char *authority(const char *uri, size_t slen, size_t *n)
{
    const char *a = uri + slen + 1;

    if (strncmp(a, "//", 2) != 0)
        return NULL;
    a += 2;
    *n = strcspn(a, "/?");
    return a;
}

static const char *http_reason(const char *uri, size_t slen, bool https)
{
    size_t n = 0, hn = 0;
    const char *a = authority(uri, slen, &n), *why;

    if (!a || n == 0)
        return "the URI must be absolute, with a host";
    why = authority_reason(a, n, &hn);
    if (why)
        return why;
    if (!https && !host_is_loopback(a, hn))
        return "https is required except for loopback addresses (localhost, 127.0.0.1, [::1])";
    return NULL;
}

/* A public client's own scheme: "com.example.app://callback", "msal<appId>://auth". */
static const char *custom_reason(const char *uri, size_t slen)
{
    size_t n = 0, hn = 0;
    const char *a;

    for (size_t i = 0; banned_schemes[i]; i++) {
        if (scheme_is(uri, slen, banned_schemes[i]))
            return "the URI scheme is not allowed";
    }
    if (strcmp(uri, "urn:ietf:wg:oauth:2.0:oob") == 0)
        return NULL;
    a = authority(uri, slen, &n);
    if (!a)
        return "the URI must be absolute (scheme://…)";
    if (n > 0)
        return authority_reason(a, n, &hn);
    return a[0] == '/' ? NULL : "the URI must be absolute (scheme://…)";
}

static const char *uri_reason(const char *uri, enum redirect_uri_platform p)
{
    size_t len = strlen(uri), slen;
    const char *why;

    if (len == 0)
        return "the URI is empty";
    if (len > REDIRECT_URI_MAX_LEN)
        return "the URI is longer than 256 characters";
    why = chars_reason(uri);
    if (why)
        return why;
    slen = scheme_len(uri);
    if (slen == 0)
        return "the URI must be absolute (scheme://…)";
    if (scheme_is(uri, slen, "https"))
        return http_reason(uri, slen, true);
    if (scheme_is(uri, slen, "http"))
        return http_reason(uri, slen, false);
    if (p != REDIRECT_URI_PUBLIC)
        return "only https (or http for loopback addresses) is allowed on this platform";
    return custom_reason(uri, slen);
}

enum porch_err redirect_uri_check(const char *uri, enum redirect_uri_platform p,
                                  const char **reason)
{
    const char *why = uri ? uri_reason(uri, p) : "the URI is empty";

    if (reason)
        *reason = why;
    return why ? PORCH_E_INVALID : PORCH_OK;
}

bool redirect_uri_is_loopback(const char *uri)
{
    size_t slen = scheme_len(uri), n = 0, hn = 0;
    const char *a = slen ? authority(uri, slen, &n) : NULL;

    if (!a || authority_reason(a, n, &hn))
        return false;
    return host_is_loopback(a, hn);
}
