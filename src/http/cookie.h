/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cookies: reading the Cookie request header(s) and writing Set-Cookie.
 *
 * Reading follows the syntax of RFC 6265 §4.2.1 (`name=value; name2=value2`) leniently, as a
 * server should: whitespace around pairs, names and values is ignored, a value in double
 * quotes loses them, and a malformed pair (no '=', an empty name, a name that is not an HTTP
 * token, a value with characters outside cookie-octet) is skipped without affecting the
 * others. Values are returned as sent (no percent-decoding). Several Cookie headers are read in
 * order as one list. Only the first COOKIE_MAX well-formed pairs are kept; when a name occurs
 * more than once, the first occurrence wins (browsers send the most specific path first).
 *
 * Writing always produces `Path=/; Secure; HttpOnly` and a SameSite attribute, and never a
 * Domain attribute, so the rules of the `__Host-` and `__Secure-` name prefixes hold for every
 * cookie Porch sets (RFC 6265bis §4.1.3). Secure cookies are stored by browsers only over https
 * (and on http://localhost): Porch's hosted pages are served over TLS.
 */
#ifndef PORCH_HTTP_COOKIE_H
#define PORCH_HTTP_COOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/req.h"

/* Most cookies considered per request. */
#define COOKIE_MAX 64
/* Longest name plus value resp_cookie writes (what browsers store at most). */
#define COOKIE_MAX_PAIR 4096

enum resp_cookie_flags {
    RESP_COOKIE_SAMESITE_NONE = 1 << 0,   /* SameSite=None: sent on cross-site POSTs too */
    RESP_COOKIE_SAMESITE_STRICT = 1 << 1, /* SameSite=Strict: not even on top-level navigations */
};

/**
 * Value of the first cookie called name (case-sensitive) in the request's Cookie headers, or
 * NULL. The headers are parsed on the first call, into the request's arena, and cached in r;
 * the result is arena-owned. Never log what it returns.
 */
const char *req_cookie(struct req *r, const char *name);

/**
 * Parses every header called Cookie (case-insensitive) in headers, in order, into out as
 * described at the top of this file: at most COOKIE_MAX pairs, all arena-owned. Always
 * succeeds; out->n is 0 when nothing usable was sent. For req_cookie and the fuzzer.
 */
void cookie_parse(struct arena *a, const struct kvlist *headers, struct kvlist *out);

/** True when name is a non-empty HTTP token (RFC 9110 §5.6.2), usable as a cookie name. */
bool cookie_name_ok(const char *name);
/** True when value consists of cookie-octets only (RFC 6265 §4.1.1); "" is fine. */
bool cookie_value_ok(const char *value);

/**
 * Adds a Set-Cookie header to rs: `name=value; Path=/; [Max-Age=N; ]Secure; HttpOnly;
 * SameSite=Lax` (flags choose None or Strict instead; None wins if both are set). Max-Age is
 * written only when max_age > 0; otherwise the cookie lasts for the browser session. value
 * NULL deletes the cookie: an empty value with Max-Age=0 (max_age is ignored). Set the same
 * flags when deleting as when setting. Headers of the same name are kept, so several cookies
 * may be set. PORCH_E_INVALID for a name or value that is not allowed (see cookie_name_ok and
 * cookie_value_ok: no CTLs, spaces, quotes, commas, semicolons or backslashes), and
 * PORCH_E_TOO_BIG when name and value exceed COOKIE_MAX_PAIR bytes; rs is then unchanged.
 */
enum porch_err resp_cookie(struct resp *rs, const char *name, const char *value, int64_t max_age,
                           unsigned flags);

#endif
