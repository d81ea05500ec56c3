/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Wall and monotonic time. Tests may pin the wall clock with clock_set_fixed().
 */
#ifndef PORCH_CLOCK_H
#define PORCH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/** Seconds since the epoch (or the fixed value when one is set). Thread-safe. */
int64_t clock_now(void);
/** Milliseconds from a monotonic clock, for durations and timeouts. Thread-safe. */
int64_t clock_mono_ms(void);
/** Pins clock_now() to t; t < 0 releases it. For tests only. */
void clock_set_fixed(int64_t t);
/** Formats t as "2026-01-02T03:04:05Z" into out (at least 21 bytes). Returns out. */
char *clock_format_iso(int64_t t, char *out, size_t n);
/** Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC). Returns 0 on success, -1 otherwise. */
int clock_parse_iso(const char *s, int64_t *out);

#endif
