/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compact JWS (RFC 7515) signing and strict verification, following RFC 8725: the algorithm
 * comes from the key, never from the token; "none" and HMAC algorithms are never accepted; keys
 * come only from the caller's list (headers naming or embedding keys are refused); and input
 * size is bounded before anything is decoded. Claims (exp, iss, aud, typ…) are the caller's job.
 */
#ifndef PORCH_JWS_H
#define PORCH_JWS_H

#include <stddef.h>

#include "core/err.h"

struct jwk;

/* Longest compact JWS produced or accepted. */
#define JWS_MAX_LEN (16 * 1024)
/* Longest decoded protected header accepted. */
#define JWS_MAX_HEADER 2048

/**
 * Signs payload_json (a compact JSON text, used byte for byte) with k. The protected header is
 * {"typ":"<typ>","alg":"<jwk_alg(k)>","kid":"<jwk_kid(k)>"}, with "typ" left out when typ is
 * NULL. *out is b64url(header) "." b64url(payload) "." b64url(signature); caller frees.
 * PORCH_E_TOO_BIG when the result would exceed JWS_MAX_LEN, PORCH_E_INVALID for a public-only
 * key or NULL input, PORCH_E_CRYPTO if signing fails. Thread-safe.
 */
enum porch_err jws_sign(const struct jwk *k, const char *payload_json, const char *typ, char **out);

/**
 * Verifies compact against the nkeys keys (borrowed). The token must have exactly three
 * non-empty base64url parts and a protected header that is a JSON object with string "alg" and
 * "kid" and none of "jku", "x5u", "x5c", "jwk", "crit"; "alg" may be neither "none" nor HS*; the
 * first key whose kid equals the header's must have that alg; its signature must verify. On
 * success *payload_json is the decoded payload, NUL-terminated (caller frees); it is not
 * parsed here.
 *
 * Errors, with the reason in e (which may be NULL; it never quotes the token): PORCH_E_TOO_BIG
 * past JWS_MAX_LEN or JWS_MAX_HEADER; PORCH_E_INVALID for a malformed token or forbidden
 * header; PORCH_E_NOT_FOUND when no key has the kid (the caller may refresh its key set once
 * and retry); PORCH_E_DENIED when alg does not match the key or the signature does not verify;
 * PORCH_E_CRYPTO if OpenSSL fails. On failure *payload_json is NULL. Thread-safe.
 */
enum porch_err jws_verify(const char *compact, const struct jwk *const *keys, size_t nkeys,
                          char **payload_json, struct porch_error *e);

/**
 * For JWTs whose key the header chooses among a small trusted set (client assertions signed
 * with a registered certificate): decodes and vets the protected header without checking the
 * signature. The header must be a JSON object with a string "alg" that is neither "none" nor
 * HS*, and without "jku", "x5u", "jwk", "crit" or "b64"; "kid" is optional; an "x5c" chain
 * is tolerated (MSAL may send one) but never used. *header_json is the decoded header text
 * (caller frees) for the caller to read "kid", "x5t" or "x5t#S256" from. Errors as
 * jws_verify (PORCH_E_TOO_BIG, PORCH_E_INVALID), reason in e. Thread-safe.
 */
enum porch_err jws_header(const char *compact, char **header_json, struct porch_error *e);

/**
 * Verifies compact with the one key the caller chose after jws_header: the header is vetted
 * as jws_header does, its "alg" must be the key's, and the signature must verify. On success
 * *payload_json is the decoded payload (caller frees). Errors as jws_verify, never
 * PORCH_E_NOT_FOUND. Thread-safe.
 */
enum porch_err jws_verify_key(const char *compact, const struct jwk *key, char **payload_json,
                              struct porch_error *e);

#endif
