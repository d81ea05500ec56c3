/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenSSL reports failures through a per-thread queue rather than return values. It is read
 * once, at the point where crypto/ gives up, and left empty.
 */
#include <openssl/err.h>

#include "crypto/cryptoerr.h"
#include "core/log.h"
#include "core/banned.h"

void cryptoerr_drain(const char *what)
{
    char buf[160];
    unsigned long err;

    if (log_threshold < LOG_LEVEL_DEBUG) {
        ERR_clear_error();
        return;
    }
    err = ERR_get_error();
    while (err) {
        ERR_error_string_n(err, buf, sizeof(buf));
        log_debug("%s: %s", what, buf);
        err = ERR_get_error();
    }
}
