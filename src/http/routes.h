/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's route table (http/routes.c): every endpoint Porch serves, with its handler,
 * flags and body limit, in one static table (STYLE.md §5).
 */
#ifndef PORCH_HTTP_ROUTES_H
#define PORCH_HTTP_ROUTES_H

#include "core/arena.h"
#include "http/req.h"
#include "http/route.h"

/**
 * Matches method and the decoded path against the route table; see route_match() for the
 * meaning of the result, params (arena-owned copies) and *allowed. Thread-safe.
 */
const struct route *routes_match(struct arena *a, const char *method, const char *path,
                                 const char *params[REQ_MAX_PARAMS], unsigned *allowed);

/**
 * For a path no row matches: the first segment of path that no row's pattern has at that
 * position after a matching prefix (the segment Graph names in "Resource not found for the
 * segment '…'"), or the last segment when every segment matched a prefix. Arena-owned.
 */
const char *routes_unknown_segment(struct arena *a, const char *path);

#endif
