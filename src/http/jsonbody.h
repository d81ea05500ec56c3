/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing of untrusted JSON request bodies. A linear pre-scan bounds the nesting depth before
 * jansson sees the text, so a deeply nested body costs one pass and no recursion; jansson then
 * parses with duplicate keys rejected.
 */
#ifndef PORCH_HTTP_JSONBODY_H
#define PORCH_HTTP_JSONBODY_H

#include <stddef.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"

/**
 * Returns the deepest array/object nesting in buf[0..len) outside strings (backslash escapes
 * honoured), stopping early once it exceeds max_depth. Never fails; malformed text is left
 * for the parser.
 */
unsigned jsonbody_depth(const char *buf, size_t len, unsigned max_depth);

/**
 * Parses buf[0..len) as one JSON object or array into *out, which is arena-owned (released
 * with json_decref when a is freed). PORCH_E_TOO_BIG when nesting exceeds max_depth;
 * PORCH_E_INVALID for malformed JSON, a top-level scalar or a duplicate key, with
 * "invalid JSON at line L column C (byte P): <reason>" in e (optional). *out is NULL on
 * error. Thread-safe with distinct arenas.
 */
enum porch_err jsonbody_parse(struct arena *a, const char *buf, size_t len, unsigned max_depth,
                              json_t **out, struct porch_error *e);

#endif
