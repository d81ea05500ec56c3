/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared counters for lockout and throttling (security-baseline.md): a named count per tenant
 * over a fixed window, and a lock deadline. Names say what they count, e.g.
 * "signin-fail:user:<id>" or "ip:<addr>". Every node increments the same row, and
 * store_counter_hit increments and reads in one statement, so concurrent failures are all
 * counted and each caller sees its own total.
 *
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_COUNTER_H
#define PORCH_STORE_COUNTER_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Longest counter name in bytes. */
#define STORE_COUNTER_NAME_MAX 256

/**
 * Adds one to the counter name at now and reads it back: when its window (which started at
 * window_start) is older than window seconds, the count restarts at 1 with window_start = now.
 * *count gets the new count and *locked_until (optional) the lock deadline (0 = none).
 * PORCH_E_INVALID for an empty or too long name or a non-positive window.
 */
enum porch_err store_counter_hit(struct db_conn *c, const char *tenant_id, const char *name,
                                 int64_t now, int64_t window, int64_t *count,
                                 int64_t *locked_until);

/**
 * Reads the counter without changing it: *count is 0 when there is none or its window has
 * passed; *locked_until (optional) is the lock deadline, 0 when none.
 */
enum porch_err store_counter_get(struct db_conn *c, const char *tenant_id, const char *name,
                                 int64_t now, int64_t window, int64_t *count,
                                 int64_t *locked_until);

/** Locks name until until (creating the counter if needed); the count is kept. */
enum porch_err store_counter_lock(struct db_conn *c, const char *tenant_id, const char *name,
                                  int64_t now, int64_t until);

/** Deletes the counter and its lock (successful sign-in). Succeeds when there is none. */
enum porch_err store_counter_reset(struct db_conn *c, const char *tenant_id, const char *name);

#endif
