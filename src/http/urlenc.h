/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Percent-decoding of request paths, application/x-www-form-urlencoded decoding of query
 * strings and form bodies (WHATWG URL "urlencoded parsing", with hard caps), and the
 * percent-encoder used to build redirect URLs. Every input here is untrusted; each decoder
 * has a libFuzzer target in tests/fuzz/.
 */
#ifndef PORCH_HTTP_URLENC_H
#define PORCH_HTTP_URLENC_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/sbuf.h"
#include "http/req.h"

#define URLENC_MAX_PARAMS 256         /* name/value pairs in one query string or form body */
#define URLENC_MAX_NAME   256         /* bytes in one encoded parameter name */
#define URLENC_MAX_VALUE  (64 * 1024) /* bytes in one encoded parameter value */

/**
 * Percent-decodes the path part of a request target (raw[0..len), without the query) into
 * *out, arena-owned. The path must start with '/'. PORCH_E_INVALID for an invalid escape,
 * an encoded or raw NUL, a control character (raw or decoded), an encoded '/' (%2F: we reject
 * it rather than decode it, so a decoded path splits into segments exactly as the client's
 * did and a {param} never holds a '/'), or a "." or ".." segment (raw or encoded).
 * '+' stays '+'. Thread-safe with distinct arenas.
 */
enum porch_err urlenc_decode_path(struct arena *a, const char *raw, size_t len, const char **out);

/**
 * Decodes s[0..len) as application/x-www-form-urlencoded into *out: pairs split on '&',
 * name and value split on the first '=', '+' becomes a space, %XX is decoded. Pairs with an
 * empty name are skipped; a pair without '=' has the value "". Order and repeats are kept.
 * Every string and the array are arena-owned; on error *out is left empty.
 * PORCH_E_TOO_BIG for more than URLENC_MAX_PARAMS pairs or a name or value longer than
 * URLENC_MAX_NAME / URLENC_MAX_VALUE encoded bytes; PORCH_E_INVALID for an invalid escape
 * or a NUL byte, raw or encoded (%00), which would silently truncate a C string.
 */
enum porch_err urlenc_parse_form(struct arena *a, const char *s, size_t len, struct kvlist *out);

/**
 * Appends s percent-encoded to sb: RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) are
 * kept, every other byte becomes %XX (upper-case hex; a space is %20). The result is safe in
 * a path segment, a query name or value, and a form body. PORCH_E_TOO_BIG past sb's cap
 * (sb unchanged).
 */
/**
 * Decodes one application/x-www-form-urlencoded component of len bytes ('+' is a space,
 * %XX escapes) into an arena-owned string. PORCH_E_INVALID for a bad escape or a NUL.
 */
enum porch_err urlenc_decode_component(struct arena *a, const char *s, size_t len,
                                       const char **out);
enum porch_err urlenc_encode(struct sbuf *sb, const char *s);

#endif
