/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Locale tables and language negotiation. The embedded locale files (gen/ui_locales.h) are
 * parsed into one jansson object per tag under pthread_once; after that every lookup is a
 * read-only hash lookup, so concurrent callers need no lock. A locale file that does not
 * parse is a build defect and aborts through PORCH_BUG (tests/unit/ui/test_i18n.c loads them).
 * The Accept-Language parser follows RFC 9110 §12.5.4 and §12.4.2 but skips what it cannot
 * read instead of failing: a bad header must never break a page.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/err.h"
#include "ui/i18n.h"
#include "ui_locales.h"
#include "core/banned.h"

#define MAX_LOCALES 64

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static json_t *tables[MAX_LOCALES]; /* parallel to ui_locales[]; never freed */

/* One language range from Accept-Language: a tag inside the header and its q-value * 1000. */
struct range {
    const char *tag;
    size_t len;
    unsigned q;
};

static void load_table(size_t i)
{
    json_error_t jerr;
    const char *key;
    json_t *v;
    json_t *t = json_loads(ui_locales[i].text, JSON_REJECT_DUPLICATES, &jerr);

    if (!t || !json_is_object(t))
        PORCH_BUG("cannot parse locale '%s': %s (line %d)", ui_locales[i].name, jerr.text,
                  jerr.line);
    json_object_foreach(t, key, v)
    {
        if (!json_is_string(v))
            PORCH_BUG("locale '%s': key '%s' is not a string", ui_locales[i].name, key);
    }
    tables[i] = t;
}

static void load(void)
{
    if (ui_locales_count > MAX_LOCALES)
        PORCH_BUG("too many locales: %zu", ui_locales_count);
    for (size_t i = 0; i < ui_locales_count; i++)
        load_table(i);
}

static void ensure_loaded(void)
{
    pthread_once(&load_once, load);
}

size_t i18n_count(void)
{
    return ui_locales_count;
}

const char *i18n_tag(size_t i)
{
    return i < ui_locales_count ? ui_locales[i].name : NULL;
}

/* Index of the locale whose tag is exactly tag[0..len) (case-insensitive), or -1. */
static long find_exact(const char *tag, size_t len)
{
    for (size_t i = 0; i < ui_locales_count; i++) {
        const char *name = ui_locales[i].name;
        if (strlen(name) == len && strncasecmp(name, tag, len) == 0)
            return (long)i;
    }
    return -1;
}

/* The supported locale for tag[0..len): the tag itself, else its primary language. */
static const char *match(const char *tag, size_t len)
{
    long i = find_exact(tag, len);

    if (i < 0)
        i = find_exact(tag, strcspn(tag, "-") < len ? strcspn(tag, "-") : len);
    return i < 0 ? NULL : ui_locales[i].name;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * True for a language tag as Accept-Language and ui_locales carry it: 1-8 letters, then any
 * number of "-" and 1-8 letters or digits, at most I18N_MAX_TAG bytes. "*" is not a tag.
 */
static bool tag_valid(const char *s, size_t len)
{
    size_t run = 0;
    bool first = true;

    if (len == 0 || len > I18N_MAX_TAG)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-') {
            if (run == 0)
                return false;
            run = 0;
            first = false;
            continue;
        }
        if (!is_alpha(s[i]) && (first || !is_digit(s[i])))
            return false;
        if (++run > 8)
            return false;
    }
    return run > 0;
}

/* ui_locales: space-separated tags in order of preference. */
static const char *pick_ui_locales(const char *s)
{
    size_t n = strnlen(s, I18N_MAX_INPUT), seen = 0;
    const char *end = s + n;

    while (s < end && seen < I18N_MAX_RANGES) {
        size_t len = strcspn(s, " ");
        const char *hit;

        if (len > (size_t)(end - s))
            len = (size_t)(end - s);
        if (len) {
            seen++;
            hit = tag_valid(s, len) ? match(s, len) : NULL;
            if (hit)
                return hit;
        }
        s += len + (s + len < end);
    }
    return NULL;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims optional white space from both ends of s[0..*len). */
static const char *trim(const char *s, size_t *len)
{
    while (*len && is_ows(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_ows(s[*len - 1]))
        (*len)--;
    return s;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths. */
static bool parse_q(const char *s, size_t len, unsigned *q)
{
    unsigned v, scale = 100;

    if (len == 0 || (s[0] != '0' && s[0] != '1') || len == 2 || len > 5)
        return false;
    v = s[0] == '1' ? 1000 : 0;
    if (len > 1 && s[1] != '.')
        return false;
    for (size_t i = 2; i < len; i++, scale /= 10) {
        if (!is_digit(s[i]) || (v == 1000 && s[i] != '0'))
            return false;
        v += (unsigned)(s[i] - '0') * scale;
    }
    *q = v;
    return true;
}

/* Parameters after the range: ";q=0.8". Other parameters are ignored; a bad q rejects. */
static bool parse_params(const char *s, size_t len, unsigned *q)
{
    *q = 1000;
    while (len) {
        size_t plen = strcspn(s, ";");
        const char *p;

        if (plen > len)
            plen = len;
        p = trim(s, &plen);
        if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' &&
            !parse_q(p + 2, plen - 2, q))
            return false;
        plen = (size_t)(p - s) + plen;
        while (plen < len && s[plen] != ';')
            plen++;
        s += plen + (plen < len);
        len -= plen + (plen < len);
    }
    return true;
}

/* One comma-separated element: OWS range OWS *( ";" OWS param ) OWS. */
static bool parse_range(const char *s, size_t len, struct range *out)
{
    size_t tlen;

    s = trim(s, &len);
    tlen = 0;
    while (tlen < len && s[tlen] != ';' && !is_ows(s[tlen]))
        tlen++;
    if (!tag_valid(s, tlen))
        return false; /* also "*": the default covers it */
    out->tag = s;
    out->len = tlen;
    while (tlen < len && is_ows(s[tlen]))
        tlen++;
    if (tlen < len && s[tlen] != ';')
        return false;
    return parse_params(s + tlen + (tlen < len), len - tlen - (tlen < len), &out->q) && out->q > 0;
}

/* Inserts r keeping v sorted by q, highest first; equal q keeps arrival order. */
static void insert_sorted(struct range *v, size_t n, const struct range *r)
{
    size_t i = n;

    while (i > 0 && v[i - 1].q < r->q) {
        v[i] = v[i - 1];
        i--;
    }
    v[i] = *r;
}

static const char *pick_accept_language(const char *s)
{
    struct range v[I18N_MAX_RANGES], r;
    size_t n = 0, left = strnlen(s, I18N_MAX_INPUT);

    while (left && n < I18N_MAX_RANGES) {
        size_t len = strcspn(s, ",");

        if (len > left)
            len = left;
        if (parse_range(s, len, &r))
            insert_sorted(v, n++, &r);
        s += len + (len < left);
        left -= len + (len < left);
    }
    for (size_t i = 0; i < n; i++) {
        const char *hit = match(v[i].tag, v[i].len);
        if (hit)
            return hit;
    }
    return NULL;
}

const char *i18n_pick(const char *ui_locales_param, const char *accept_language)
{
    const char *hit = NULL;

    if (ui_locales_param)
        hit = pick_ui_locales(ui_locales_param);
    if (!hit && accept_language)
        hit = pick_accept_language(accept_language);
    return hit ? hit : I18N_DEFAULT;
}

static const char *lookup(const char *tag, size_t len, const char *key)
{
    long i = find_exact(tag, len);
    json_t *v;

    if (i < 0)
        return NULL;
    v = json_object_get(tables[i], key);
    return v ? json_string_value(v) : NULL;
}

const char *i18n_text(const char *locale, const char *key)
{
    const char *text = NULL;
    size_t len, primary;

    ensure_loaded();
    if (!key)
        return NULL;
    if (!locale)
        locale = I18N_DEFAULT;
    len = strnlen(locale, I18N_MAX_TAG + 1);
    primary = strcspn(locale, "-");
    if (len <= I18N_MAX_TAG)
        text = lookup(locale, len, key);
    if (!text && primary < len)
        text = lookup(locale, primary, key);
    if (!text)
        text = lookup(I18N_DEFAULT, strlen(I18N_DEFAULT), key);
    return text;
}
