/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide set-up of the outbound layer, the only code that uses libcurl (DESIGN.md §8).
 */
#ifndef PORCH_OUTBOUND_H
#define PORCH_OUTBOUND_H

#include "core/err.h"

/**
 * Initializes libcurl's global state once per process; later calls return the first result.
 * Every outbound call runs it first, so calling it at start-up is optional but keeps the
 * one-time cost out of the first request. PORCH_E_INTERNAL when libcurl cannot initialize.
 * Thread-safe.
 */
enum porch_err outbound_init(void);

#endif
