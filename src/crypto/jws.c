/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compact JWS. Signing writes the header by hand so its member order is fixed. Verification
 * works in a fixed order that touches as little untrusted data as possible before the
 * signature is checked: bound the size, split, decode and vet the header, pick the key by kid,
 * insist on the key's own algorithm, verify, and only then decode the payload.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "crypto/jws.h"
#include "crypto/jwk.h"
#include "core/b64.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

struct part {
    const char *s;
    size_t n;
};

/* Header members that name or carry keys, or demand extensions Porch does not implement. */
static const char *const forbidden_members[] = {"jku", "x5u", "x5c", "jwk", "crit", "b64"};

static enum porch_err add_b64url(struct sbuf *sb, const void *p, size_t n)
{
    enum porch_err err;
    char *tmp = xmalloc(B64_ENCODED_SIZE(n));
    size_t len = b64url_encode(p, n, tmp, B64_ENCODED_SIZE(n));

    err = sbuf_add(sb, tmp, len);
    free(tmp);
    return err;
}

static enum porch_err build_header(const struct jwk *k, const char *typ, struct sbuf *hdr)
{
    enum porch_err err = PORCH_OK;

    if (typ) {
        err = sbuf_adds(hdr, "{\"typ\":\"");
        if (err == PORCH_OK)
            err = sbuf_add_json_str(hdr, typ);
        if (err == PORCH_OK)
            err = sbuf_adds(hdr, "\",");
    } else {
        err = sbuf_addch(hdr, '{');
    }
    if (err == PORCH_OK)
        err = sbuf_addf(hdr, "\"alg\":\"%s\",\"kid\":\"", jwk_alg(k));
    if (err == PORCH_OK)
        err = sbuf_add_json_str(hdr, jwk_kid(k));
    if (err == PORCH_OK)
        err = sbuf_adds(hdr, "\"}");
    return err;
}

enum porch_err jws_sign(const struct jwk *k, const char *payload_json, const char *typ, char **out)
{
    enum porch_err err;
    struct sbuf hdr, tok;
    unsigned char *sig = NULL;
    size_t siglen = 0, plen;

    if (!k || !payload_json || !out)
        return PORCH_E_INVALID;
    *out = NULL;
    plen = strnlen(payload_json, JWS_MAX_LEN + 1);
    if (plen > JWS_MAX_LEN)
        return PORCH_E_TOO_BIG;
    sbuf_init(&hdr, JWS_MAX_HEADER);
    sbuf_init(&tok, JWS_MAX_LEN);
    err = build_header(k, typ, &hdr);
    if (err == PORCH_OK)
        err = add_b64url(&tok, hdr.buf, hdr.len);
    if (err == PORCH_OK)
        err = sbuf_addch(&tok, '.');
    if (err == PORCH_OK)
        err = add_b64url(&tok, payload_json, plen);
    if (err != PORCH_OK)
        goto out;
    err = jwk_sign(k, tok.buf, tok.len, &sig, &siglen);
    if (err == PORCH_OK)
        err = sbuf_addch(&tok, '.');
    if (err == PORCH_OK)
        err = add_b64url(&tok, sig, siglen);
    if (err != PORCH_OK)
        goto out;
    *out = sbuf_detach(&tok, NULL);
out:
    free(sig);
    sbuf_release(&hdr);
    sbuf_release(&tok);
    return err;
}

/* Splits s into exactly three non-empty parts at '.'. */
static bool split(const char *s, size_t len, struct part p[3])
{
    const char *end = s + len;

    for (int i = 0; i < 3; i++) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        const char *stop = dot ? dot : end;

        if ((i < 2) != (dot != NULL) || stop == s)
            return false;
        p[i].s = s;
        p[i].n = (size_t)(stop - s);
        s = stop + 1;
    }
    return true;
}

/* Decodes a base64url part into a new NUL-terminated buffer (caller frees). */
static enum porch_err decode_part(const struct part *p, size_t max, char **out, size_t *len)
{
    enum porch_err err;
    unsigned char *buf;

    *out = NULL;
    if (p->n > B64_ENCODED_SIZE(max))
        return PORCH_E_TOO_BIG;
    buf = xmalloc(p->n + 1);
    err = b64url_decode(p->s, p->n, buf, p->n < max ? p->n : max, len);
    if (err != PORCH_OK) {
        free(buf);
        return err;
    }
    buf[*len] = '\0';
    *out = (char *)buf;
    return PORCH_OK;
}

/* Checks the decoded header's members; *alg and *kid borrow from hdr. */
static enum porch_err vet_header(const json_t *hdr, const char **alg, const char **kid,
                                 struct porch_error *e)
{
    if (!json_is_object(hdr))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header is not a json object");
    for (size_t i = 0; i < sizeof(forbidden_members) / sizeof(forbidden_members[0]); i++) {
        if (json_object_get(hdr, forbidden_members[i]))
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header has forbidden member '%s'",
                                   forbidden_members[i]);
    }
    *alg = json_string_value(json_object_get(hdr, "alg"));
    *kid = json_string_value(json_object_get(hdr, "kid"));
    if (!*alg)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header has no alg");
    if (strcasecmp(*alg, "none") == 0 || strncasecmp(*alg, "HS", 2) == 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws alg is not allowed");
    if (!*kid)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header has no kid");
    return PORCH_OK;
}

/* Decodes and vets the header, then picks the key its kid names and checks its alg. */
static enum porch_err pick_key(const struct part *p, const struct jwk *const *keys, size_t nkeys,
                               const struct jwk **key, struct porch_error *e)
{
    enum porch_err err;
    char *text = NULL;
    size_t len = 0;
    json_t *hdr = NULL;
    const char *alg = NULL, *kid = NULL;

    *key = NULL;
    err = decode_part(p, JWS_MAX_HEADER, &text, &len);
    if (err != PORCH_OK) {
        PORCH_ERROR_SET(e, err, "jws header is not base64url or too long");
        goto out;
    }
    hdr = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    err = vet_header(hdr, &alg, &kid, e);
    if (err != PORCH_OK)
        goto out;
    for (size_t i = 0; i < nkeys && !*key; i++) {
        if (keys[i] && strcmp(jwk_kid(keys[i]), kid) == 0)
            *key = keys[i];
    }
    if (!*key) {
        err = PORCH_ERROR_SET(e, PORCH_E_NOT_FOUND, "jws kid matches no key");
        goto out;
    }
    if (strcmp(jwk_alg(*key), alg) != 0) {
        *key = NULL;
        err = PORCH_ERROR_SET(e, PORCH_E_DENIED, "jws alg does not match the key's alg");
    }
out:
    json_decref(hdr);
    free(text);
    return err;
}

static enum porch_err check_signature(const struct jwk *key, const char *compact,
                                      const struct part p[3], struct porch_error *e)
{
    enum porch_err err;
    unsigned char sig[JWK_MAX_SIG];
    size_t siglen = 0;

    err = b64url_decode(p[2].s, p[2].n, sig, sizeof(sig), &siglen);
    if (err == PORCH_E_TOO_BIG)
        return PORCH_ERROR_SET(e, PORCH_E_DENIED, "jws signature is too long");
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws signature is not base64url");
    /* the signing input is the first two parts and the dot between them, as received */
    err = jwk_verify(key, compact, (size_t)(p[2].s - 1 - compact), sig, siglen);
    if (err == PORCH_E_DENIED)
        return PORCH_ERROR_SET(e, err, "jws signature does not verify");
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "jws signature check failed");
    return PORCH_OK;
}

enum porch_err jws_verify(const char *compact, const struct jwk *const *keys, size_t nkeys,
                          char **payload_json, struct porch_error *e)
{
    enum porch_err err;
    struct part p[3];
    const struct jwk *key = NULL;
    char *payload = NULL;
    size_t len, plen = 0;

    if (!payload_json)
        return PORCH_E_INVALID;
    *payload_json = NULL;
    if (!compact || (!keys && nkeys))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws or key list missing");
    len = strnlen(compact, JWS_MAX_LEN + 1);
    if (len > JWS_MAX_LEN)
        return PORCH_ERROR_SET(e, PORCH_E_TOO_BIG, "jws longer than %d bytes", JWS_MAX_LEN);
    if (!split(compact, len, p))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws does not have three non-empty parts");
    err = pick_key(&p[0], keys, nkeys, &key, e);
    if (err == PORCH_OK)
        err = check_signature(key, compact, p, e);
    if (err != PORCH_OK)
        return err;
    err = decode_part(&p[1], JWS_MAX_LEN, &payload, &plen);
    if (err != PORCH_OK || strlen(payload) != plen) {
        free(payload);
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws payload is not base64url text");
    }
    *payload_json = payload;
    return PORCH_OK;
}

/* --- one chosen key (client assertions) ---------------------------------------------------- */

/* jws_header's rules: as vet_header, but "x5c" is tolerated (and ignored) and "kid" optional. */
static const char *const forbidden_chosen[] = {"jku", "x5u", "jwk", "crit", "b64"};

static enum porch_err vet_chosen(const json_t *hdr, const char **alg, struct porch_error *e)
{
    if (!json_is_object(hdr))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header is not a json object");
    for (size_t i = 0; i < sizeof(forbidden_chosen) / sizeof(forbidden_chosen[0]); i++) {
        if (json_object_get(hdr, forbidden_chosen[i]))
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header has forbidden member '%s'",
                                   forbidden_chosen[i]);
    }
    *alg = json_string_value(json_object_get(hdr, "alg"));
    if (!*alg)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws header has no alg");
    if (strcasecmp(*alg, "none") == 0 || strncasecmp(*alg, "HS", 2) == 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws alg is not allowed");
    return PORCH_OK;
}

/* Bounds, splits and decodes compact's header; *text (caller frees) and *hdr (decref) on OK. */
static enum porch_err open_chosen(const char *compact, struct part p[3], char **text, json_t **hdr,
                                  const char **alg, struct porch_error *e)
{
    enum porch_err err;
    size_t len, hlen = 0;

    *text = NULL;
    *hdr = NULL;
    if (!compact)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws missing");
    len = strnlen(compact, JWS_MAX_LEN + 1);
    if (len > JWS_MAX_LEN)
        return PORCH_ERROR_SET(e, PORCH_E_TOO_BIG, "jws longer than %d bytes", JWS_MAX_LEN);
    if (!split(compact, len, p))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws does not have three non-empty parts");
    err = decode_part(&p[0], JWS_MAX_HEADER, text, &hlen);
    if (err != PORCH_OK)
        return PORCH_ERROR_SET(e, err, "jws header is not base64url or too long");
    *hdr = json_loadb(*text, hlen, JSON_REJECT_DUPLICATES, NULL);
    err = vet_chosen(*hdr, alg, e);
    if (err != PORCH_OK) {
        json_decref(*hdr);
        free(*text);
        *hdr = NULL;
        *text = NULL;
    }
    return err;
}

enum porch_err jws_header(const char *compact, char **header_json, struct porch_error *e)
{
    enum porch_err err;
    struct part p[3];
    json_t *hdr = NULL;
    const char *alg = NULL;

    if (!header_json)
        return PORCH_E_INVALID;
    err = open_chosen(compact, p, header_json, &hdr, &alg, e);
    json_decref(hdr);
    return err;
}

enum porch_err jws_verify_key(const char *compact, const struct jwk *key, char **payload_json,
                              struct porch_error *e)
{
    enum porch_err err;
    struct part p[3];
    char *text = NULL, *payload = NULL;
    json_t *hdr = NULL;
    const char *alg = NULL;
    size_t plen = 0;

    if (!payload_json || !key)
        return PORCH_E_INVALID;
    *payload_json = NULL;
    err = open_chosen(compact, p, &text, &hdr, &alg, e);
    if (err != PORCH_OK)
        goto out;
    if (strcmp(jwk_alg(key), alg) != 0) {
        err = PORCH_ERROR_SET(e, PORCH_E_DENIED, "jws alg does not match the key's alg");
        goto out;
    }
    err = check_signature(key, compact, p, e);
    if (err != PORCH_OK)
        goto out;
    err = decode_part(&p[1], JWS_MAX_LEN, &payload, &plen);
    if (err != PORCH_OK || strlen(payload) != plen) {
        free(payload);
        err = PORCH_ERROR_SET(e, PORCH_E_INVALID, "jws payload is not base64url text");
        goto out;
    }
    *payload_json = payload;
out:
    json_decref(hdr);
    free(text);
    return err;
}
