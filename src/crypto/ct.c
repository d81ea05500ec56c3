/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thin wrappers over OpenSSL's CRYPTO_memcmp and OPENSSL_cleanse, so that layers above crypto/
 * can compare and wipe secrets without including OpenSSL.
 */
#include <stddef.h>

#include <openssl/crypto.h>

#include "crypto/ct.h"
#include "core/banned.h"

int ct_compare(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n);
}

void ct_cleanse(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}
