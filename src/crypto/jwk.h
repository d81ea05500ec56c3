/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Web Keys for signing and verifying tokens (RFC 7517, 7518, 7638). A struct jwk holds
 * one asymmetric key, the algorithm it may be used with (its allowlist, RFC 8725 §3.1) and its
 * key id. Keys Porch generates or loads from PEM get the RFC 7638 SHA-256 thumbprint as kid;
 * public keys parsed from JSON keep the kid they were published with.
 *
 * Supported now: RS256 with RSA keys of 2048 bits or more. ES256 slots into the algorithm table
 * in jwk.c. A struct jwk is immutable after creation, so threads may sign and verify with one
 * key at once; its owner is whoever created it (a tenant's key set, a cached upstream JWKS).
 */
#ifndef PORCH_JWK_H
#define PORCH_JWK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Largest PEM or JWK JSON text accepted. */
#define JWK_MAX_TEXT (16 * 1024)
/* Longest kid accepted from a published JWK. */
#define JWK_MAX_KID 256
/* Largest signature any supported algorithm produces (RSA 8192). */
#define JWK_MAX_SIG 1024

struct jwk;

/**
 * Generates a new private key for alg ("RS256": RSA 2048, e = 65537); kid is its RFC 7638
 * thumbprint. Caller frees *out with jwk_free. PORCH_E_UNSUPPORTED for another alg,
 * PORCH_E_CRYPTO if generation fails. Thread-safe.
 */
enum porch_err jwk_generate(const char *alg, struct jwk **out);

/**
 * Writes the private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). *pem is
 * NUL-terminated, *len excludes the NUL; caller frees with secretbox_wipe_free(*pem, *len).
 * Seal it with secretbox before it touches disk. PORCH_E_INVALID for a public-only key.
 */
enum porch_err jwk_private_pem(const struct jwk *k, char **pem, size_t *len);

/**
 * Loads a private key from len bytes of PEM (PKCS#8 or traditional; encrypted PEM is refused)
 * for use with alg, and recomputes kid as the thumbprint. Caller frees *out with jwk_free.
 * PORCH_E_INVALID for text that is not such a key, a key of the wrong type for alg or too
 * short; PORCH_E_TOO_BIG past JWK_MAX_TEXT; PORCH_E_UNSUPPORTED for an unknown alg.
 */
enum porch_err jwk_from_private_pem(const char *pem, size_t len, const char *alg, struct jwk **out);

/** Returns the key id; borrowed until jwk_free(k). */
const char *jwk_kid(const struct jwk *k);
/** Returns the algorithm name ("RS256"); static storage. */
const char *jwk_alg(const struct jwk *k);
/** True when k holds a private key (generated or loaded from PEM). */
bool jwk_is_private(const struct jwk *k);

/**
 * Writes the public members as one compact JSON object, in this order:
 * {"kty":"RSA","use":"sig","kid":"…","alg":"RS256","n":"…","e":"AQAB"}. Never includes private
 * members. Caller frees *json. PORCH_E_CRYPTO if the key cannot be exported. Thread-safe.
 */
enum porch_err jwk_public_json(const struct jwk *k, char **json);

/**
 * Parses one public JWK (from an upstream JWKS or a client's registered keys) for verifying.
 * Refuses, with PORCH_E_INVALID: text that is not a JSON object, private or symmetric members
 * ("d", "p", "q", "dp", "dq", "qi", "oth", "k"), missing or malformed "n"/"e", a modulus under
 * 2048 or over 8192 bits, an exponent that is even or below 3, "use" other than "sig", a kid
 * longer than JWK_MAX_KID. PORCH_E_UNSUPPORTED for a kty other than "RSA" or an "alg" other
 * than an RSA one Porch verifies (absent "alg" means RS256). Without "kid" the thumbprint is
 * used. PORCH_E_TOO_BIG past JWK_MAX_TEXT. Caller frees *out with jwk_free.
 */
enum porch_err jwk_from_public_json(const char *json, struct jwk **out);

/* Base64url SHA-1 (27 characters) and SHA-256 (43) certificate thumbprints, with the NUL. */
#define JWK_X5T_LEN      28
#define JWK_X5T_S256_LEN 44
/* Largest DER certificate accepted. */
#define JWK_MAX_CERT (16 * 1024)

/**
 * Reads the public key of a DER X.509 certificate (a Graph keyCredential of type
 * AsymmetricX509Cert) for verifying with alg ("RS256"). kid is the RFC 7638 thumbprint;
 * x5t and x5t_s256 (both optional) receive the certificate's base64url SHA-1 and SHA-256
 * thumbprints, as JWS "x5t"/"x5t#S256" headers carry them. The certificate's own validity
 * dates are not checked (the keyCredential's are the caller's). Caller frees *out with
 * jwk_free. PORCH_E_INVALID for bytes that are not one certificate or a key unfit for alg,
 * PORCH_E_TOO_BIG past JWK_MAX_CERT, PORCH_E_UNSUPPORTED for an unknown alg. Thread-safe.
 */
enum porch_err jwk_from_x509_der(const unsigned char *der, size_t len, const char *alg,
                                 struct jwk **out, char x5t[JWK_X5T_LEN],
                                 char x5t_s256[JWK_X5T_S256_LEN]);

/**
 * Signs n bytes at msg with the key's algorithm (RS256: RSASSA-PKCS1-v1_5 with SHA-256).
 * *sig is the JWS signature value (caller frees), *siglen its length. PORCH_E_INVALID for a
 * public-only key, PORCH_E_CRYPTO if OpenSSL fails. Thread-safe.
 */
enum porch_err jwk_sign(const struct jwk *k, const void *msg, size_t n, unsigned char **sig,
                        size_t *siglen);

/**
 * Checks a JWS signature value over n bytes at msg with the key's algorithm. PORCH_OK when it
 * verifies, PORCH_E_DENIED when it does not, PORCH_E_CRYPTO if OpenSSL fails. Thread-safe.
 */
enum porch_err jwk_verify(const struct jwk *k, const void *msg, size_t n, const unsigned char *sig,
                          size_t siglen);

/** Frees the key. NULL is a no-op. */
void jwk_free(struct jwk *k);

#endif
