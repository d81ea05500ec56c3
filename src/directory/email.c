/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Email syntax checking by hand. Deliberately stricter than RFC 5322 (no quoted strings, no
 * comments, no IP literals): every address accepted here can be typed on a sign-in page, sent
 * to by an ordinary MTA and compared after ASCII lower-casing.
 */
#include <string.h>

#include "directory/email.h"
#include "core/utf8.h"
#include "core/banned.h"

#define LOCAL_MAX  64
#define DOMAIN_MAX 253
#define ADDR_MAX   254
#define LABEL_MAX  63

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 5322 atext, plus any byte of a multi-byte UTF-8 sequence (validated separately). */
static bool is_atext(unsigned char c)
{
    return is_alnum(c) || c >= 0x80 || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool local_ok(const char *s, size_t n)
{
    if (n == 0 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && s[i + 1] == '.')
            return false;
        if (s[i] != '.' && !is_atext((unsigned char)s[i]))
            return false;
    }
    return true;
}

static bool label_ok(const char *s, size_t n, bool last)
{
    bool digits_only = true;

    if (n == 0 || n > LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alnum(c) && c != '-' && c < 0x80)
            return false;
        if (c < '0' || c > '9')
            digits_only = false;
    }
    return !(last && digits_only);
}

static bool domain_ok(const char *s, size_t n)
{
    size_t start = 0, labels = 0;

    if (n == 0 || n > DOMAIN_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (!label_ok(s + start, i - start, i == n))
            return false;
        labels++;
        start = i + 1;
    }
    return labels >= 2;
}

/* Refuses C0/C1 controls and the Unicode spaces and invisible format characters. */
static bool visible(uint32_t cp)
{
    return cp > 0x20 && !(cp >= 0x7f && cp <= 0xa0) && !(cp >= 0x2000 && cp <= 0x200f) &&
           !(cp >= 0x2028 && cp <= 0x202f) && !(cp >= 0x205f && cp <= 0x206f) && cp != 0x3000 &&
           cp != 0xfeff;
}

static bool all_visible(const char *s, size_t n)
{
    uint32_t cp;
    size_t len;

    for (size_t i = 0; i < n; i += len) {
        len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || !visible(cp))
            return false;
    }
    return true;
}

bool email_valid(const char *addr)
{
    const char *at;
    size_t n, chars;

    if (!addr)
        return false;
    n = strnlen(addr, ADDR_MAX + 1);
    if (n > ADDR_MAX || !utf8_count(addr, n, &chars) || !all_visible(addr, n))
        return false;
    at = strchr(addr, '@');
    if (!at || strchr(at + 1, '@'))
        return false;
    return local_ok(addr, (size_t)(at - addr)) && domain_ok(at + 1, n - (size_t)(at - addr) - 1);
}
