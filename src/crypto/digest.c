/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 through the EVP one-shot interface; the base64url form is what the store keeps for
 * hashed secrets and what RFC 7638 thumbprints use.
 */
#include <string.h>

#include <openssl/evp.h>

#include "crypto/digest.h"
#include "core/b64.h"
#include "core/banned.h"

void digest_sha256(const void *in, size_t n, unsigned char out[DIGEST_SHA256_LEN])
{
    unsigned int len = 0;

    if (EVP_Digest(in, n, out, &len, EVP_sha256(), NULL) != 1 || len != DIGEST_SHA256_LEN)
        PORCH_BUG("sha-256 failed");
}

enum porch_err digest_sha256_b64url(const char *s, char out[DIGEST_SHA256_B64URL_LEN])
{
    unsigned char md[DIGEST_SHA256_LEN];

    out[0] = '\0';
    if (!s)
        return PORCH_E_INVALID;
    digest_sha256(s, strlen(s), md);
    b64url_encode(md, sizeof(md), out, DIGEST_SHA256_B64URL_LEN);
    return PORCH_OK;
}
