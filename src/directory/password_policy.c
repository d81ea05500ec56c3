/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline password policy. The blocklist is compiled in from common-passwords.txt
 * (lower-case, sorted bytewise) as a string array, so a lookup is a binary search with no
 * start-up work and no allocation. Lengths are code points of strictly decoded UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/password_policy.h"
#include "core/utf8.h"
#include "crypto/password.h"
#include "common_passwords.h"
#include "core/banned.h"

/* Longer than every blocklist entry, so longer candidates skip the search. */
#define COMMON_MAX_LEN 64
/* Names shorter than this are not checked: "AB" would refuse half the dictionary. */
#define NAME_MIN_CHARS 3

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool password_policy_is_common(const char *word, size_t len)
{
    char low[COMMON_MAX_LEN + 1];

    if (len == 0 || len > COMMON_MAX_LEN)
        return false;
    utf8_ascii_lower(word, len, low);
    low[len] = '\0';
    if (strlen(low) != len)
        return false;
    return bsearch(low, common_passwords, common_passwords_count, sizeof(common_passwords[0]),
                   cmp_word) != NULL;
}

/*
 * True when lower (the lower-cased password, n bytes, chars code points) is mostly name:
 * fewer than min code points remain once every occurrence of name is taken out.
 */
static bool mostly_name(const char *lower, size_t n, size_t chars, const char *name, size_t min)
{
    char low_name[PASSWORD_POLICY_MAX_CHARS + 1];
    size_t nlen, nchars, hits = 0;
    const char *p = lower, *end = lower + n, *hit;

    if (!name)
        return false;
    nlen = strlen(name);
    if (nlen == 0 || nlen > PASSWORD_POLICY_MAX_CHARS || !utf8_count(name, nlen, &nchars) ||
        nchars < NAME_MIN_CHARS)
        return false;
    utf8_ascii_lower(name, nlen, low_name);
    while (p < end) {
        hit = memmem(p, (size_t)(end - p), low_name, nlen);
        if (!hit)
            break;
        hits++;
        p = hit + nlen;
    }
    /* A valid UTF-8 name can only match at code point boundaries, so this is exact. */
    return hits > 0 && chars - hits * nchars < min;
}

/* Fills res from the length rules; false when the password fails one. */
static bool length_ok(const struct password_policy *p, const char *pw, size_t len,
                      struct password_policy_result *res)
{
    res->min_chars = p->mfa ? PASSWORD_POLICY_MIN_MFA : PASSWORD_POLICY_MIN_SINGLE;
    res->max_chars = PASSWORD_POLICY_MAX_CHARS;
    if (len > PASSWORD_POLICY_MAX_CHARS * 4) {
        res->reason = PASSWORD_POLICY_TOO_LONG;
        return false;
    }
    if (!utf8_count(pw, len, &res->chars)) {
        res->chars = 0;
        res->reason = PASSWORD_POLICY_INVALID_ENCODING;
        return false;
    }
    /* The hash input is capped in bytes too; 256 four-byte characters still fit. */
    if (res->chars > PASSWORD_POLICY_MAX_CHARS || len > PASSWORD_MAX_LEN)
        res->reason = PASSWORD_POLICY_TOO_LONG;
    else if (res->chars < res->min_chars)
        res->reason = PASSWORD_POLICY_TOO_SHORT;
    return res->reason == PASSWORD_POLICY_OK;
}

enum porch_err password_policy_check(const struct password_policy *p, const char *password,
                                     size_t len, struct password_policy_result *res)
{
    char lower[PASSWORD_MAX_LEN];

    memset(res, 0, sizeof(*res));
    if (!password) {
        res->reason = PASSWORD_POLICY_TOO_SHORT;
        res->min_chars = p->mfa ? PASSWORD_POLICY_MIN_MFA : PASSWORD_POLICY_MIN_SINGLE;
        res->max_chars = PASSWORD_POLICY_MAX_CHARS;
        return PORCH_E_INVALID;
    }
    if (!length_ok(p, password, len, res))
        return PORCH_E_INVALID;
    if (password_policy_is_common(password, len)) {
        res->reason = PASSWORD_POLICY_BANNED;
        return PORCH_E_INVALID;
    }
    utf8_ascii_lower(password, len, lower);
    if (mostly_name(lower, len, res->chars, p->tenant_name, res->min_chars))
        res->reason = PASSWORD_POLICY_CONTAINS_TENANT_NAME;
    for (size_t i = 0; res->reason == PASSWORD_POLICY_OK && i < p->napp_names; i++) {
        if (mostly_name(lower, len, res->chars, p->app_names[i], res->min_chars))
            res->reason = PASSWORD_POLICY_CONTAINS_APP_NAME;
    }
    explicit_bzero(lower, sizeof(lower));
    return res->reason == PASSWORD_POLICY_OK ? PORCH_OK : PORCH_E_INVALID;
}

enum porch_err password_policy_hash(const struct password_policy *p, const char *password,
                                    size_t len, struct password_policy_result *res, char **hash)
{
    enum porch_err err;

    *hash = NULL;
    err = password_policy_check(p, password, len, res);
    if (err != PORCH_OK)
        return err;
    err = password_hash(password, len, hash);
    if (err != PORCH_OK)
        *hash = NULL;
    return err;
}

const char *password_policy_reason_str(enum password_policy_reason r)
{
    switch (r) {
    case PASSWORD_POLICY_OK:
        return "ok";
    case PASSWORD_POLICY_TOO_SHORT:
        return "too_short";
    case PASSWORD_POLICY_TOO_LONG:
        return "too_long";
    case PASSWORD_POLICY_BANNED:
        return "banned";
    case PASSWORD_POLICY_CONTAINS_TENANT_NAME:
        return "contains_tenant_name";
    case PASSWORD_POLICY_CONTAINS_APP_NAME:
        return "contains_app_name";
    case PASSWORD_POLICY_INVALID_ENCODING:
        return "invalid_encoding";
    }
    return "invalid";
}

char *password_policy_message(const struct password_policy_result *res, char *buf, size_t size)
{
    switch (res->reason) {
    case PASSWORD_POLICY_OK:
        snprintf(buf, size, "The password meets the policy.");
        break;
    case PASSWORD_POLICY_TOO_SHORT:
        snprintf(buf, size, "The password must be at least %zu characters long.", res->min_chars);
        break;
    case PASSWORD_POLICY_TOO_LONG:
        snprintf(buf, size, "The password must be at most %zu characters long.", res->max_chars);
        break;
    case PASSWORD_POLICY_BANNED:
        snprintf(buf, size, "The password is too common; choose one that is harder to guess.");
        break;
    case PASSWORD_POLICY_CONTAINS_TENANT_NAME:
        snprintf(buf, size, "The password must not be based on the organization's name.");
        break;
    case PASSWORD_POLICY_CONTAINS_APP_NAME:
        snprintf(buf, size, "The password must not be based on the application's name.");
        break;
    case PASSWORD_POLICY_INVALID_ENCODING:
        snprintf(buf, size, "The password must be valid UTF-8 text without NUL characters.");
        break;
    }
    return buf;
}
