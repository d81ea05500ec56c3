/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HMAC-SHA256 and HKDF-SHA256 through OpenSSL 3's provider interfaces (EVP_MAC, EVP_KDF), so
 * the FIPS provider can supply them unchanged.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/mac.h"
#include "crypto/ct.h"
#include "crypto/cryptoerr.h"
#include "core/banned.h"

/* OSSL_PARAM takes non-const pointers for values it only reads. */
static char digest_name[] = "SHA256";
static char hkdf_salt[] = "porch-hkdf-v1";

enum porch_err mac_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
                               unsigned char out[MAC_SHA256_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    OSSL_PARAM params[2];
    size_t len = 0;

    memset(out, 0, MAC_SHA256_LEN);
    if (!key || keylen == 0 || (!msg && n))
        goto out;
    err = PORCH_E_CRYPTO;
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    if (!ctx)
        goto out;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key, keylen, params) != 1 || EVP_MAC_update(ctx, msg, n) != 1 ||
        EVP_MAC_final(ctx, out, &len, MAC_SHA256_LEN) != 1 || len != MAC_SHA256_LEN)
        goto out;
    err = PORCH_OK;
out:
    if (err == PORCH_E_CRYPTO) {
        ct_cleanse(out, MAC_SHA256_LEN);
        cryptoerr_drain("hmac-sha256");
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return err;
}

enum porch_err mac_hkdf_sha256(const void *ikm, size_t keylen, const char *info, unsigned char *out,
                               size_t outlen)
{
    enum porch_err err = PORCH_E_INVALID;
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;
    OSSL_PARAM params[5];

    if (!ikm || keylen == 0 || !info || !out || outlen == 0 || outlen > 255 * MAC_SHA256_LEN)
        goto out;
    err = PORCH_E_CRYPTO;
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (!ctx)
        goto out;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
    params[1] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm, keylen);
    params[2] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, hkdf_salt, sizeof(hkdf_salt) - 1);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)info,
                                                  strlen(info));
    params[4] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, outlen, params) != 1)
        goto out;
    err = PORCH_OK;
out:
    if (err == PORCH_E_CRYPTO) {
        ct_cleanse(out, outlen);
        cryptoerr_drain("hkdf-sha256");
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return err;
}
