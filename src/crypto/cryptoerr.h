/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to crypto/: empties OpenSSL's per-thread error queue where crypto/ gives up, logging
 * it at debug level, so a stale error never shows up in an unrelated later failure.
 */
#ifndef PORCH_CRYPTOERR_H
#define PORCH_CRYPTOERR_H

/** Logs every queued OpenSSL error at debug level, prefixed by what, and clears the queue. */
void cryptoerr_drain(const char *what);

#endif
