/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client authentication methods and client assertions. A request that combines methods is
 * refused rather than resolved, so no precedence rule can be played against another
 * (RFC 6749 §2.3: a client MUST NOT use more than one method per request).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "oidc/client_auth.h"
#include "core/b64.h"
#include "core/clock.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "http/req.h"
#include "http/urlenc.h"
#include "core/banned.h"

/* Longest Basic credential accepted (base64 text). */
#define BASIC_MAX 4096

static enum porch_err refuse(struct client_auth_fail *fail, const char *error, unsigned aadsts,
                             const char *description)
{
    fail->error = error;
    fail->aadsts = aadsts;
    fail->description = description;
    return PORCH_E_INVALID;
}

/* Decodes "Basic base64(id:secret)" into out. */
static enum porch_err parse_basic(struct req *r, const char *h, struct client_auth *out,
                                  struct client_auth_fail *fail)
{
    const char *b64 = h + 6;
    size_t n = strnlen(b64, BASIC_MAX + 1), len = 0;
    unsigned char *buf;
    const char *colon;

    while (*b64 == ' ')
        b64++, n--;
    if (n == 0 || n > BASIC_MAX)
        return refuse(fail, "invalid_client", 7000216, "The Authorization header is malformed.");
    buf = arena_alloc(r->arena, n + 1);
    if (b64_decode(b64, n, buf, n, &len) != PORCH_OK || memchr(buf, '\0', len))
        return refuse(fail, "invalid_client", 7000216, "The Authorization header is malformed.");
    buf[len] = '\0';
    colon = memchr(buf, ':', len);
    if (!colon)
        return refuse(fail, "invalid_client", 7000216, "The Authorization header is malformed.");
    /* RFC 6749 §2.3.1: both halves are form-url-encoded before they are joined */
    if (urlenc_decode_component(r->arena, (const char *)buf, (size_t)(colon - (char *)buf),
                                &out->client_id) != PORCH_OK ||
        urlenc_decode_component(r->arena, colon + 1, len - (size_t)(colon + 1 - (char *)buf),
                                &out->secret) != PORCH_OK ||
        !*out->client_id)
        return refuse(fail, "invalid_client", 7000216, "The Authorization header is malformed.");
    out->method = CLIENT_AUTH_SECRET_BASIC;
    return PORCH_OK;
}

/* Applies the form's credentials on top of what the header gave. */
static enum porch_err parse_form(struct req *r, struct client_auth *out,
                                 struct client_auth_fail *fail)
{
    const char *id = req_form(r, "client_id");
    const char *secret = req_form(r, "client_secret");
    const char *assertion = req_form(r, "client_assertion");
    const char *type = req_form(r, "client_assertion_type");
    int methods = (out->method != CLIENT_AUTH_NONE) + (secret != NULL) + (assertion != NULL);

    if (methods > 1)
        return refuse(fail, "invalid_request", 90023,
                      "Only one client authentication method may be used per request.");
    if (out->method == CLIENT_AUTH_SECRET_BASIC) {
        if (id && strcmp(id, out->client_id) != 0)
            return refuse(fail, "invalid_request", 90023,
                          "The client_id in the body does not match the Authorization header.");
        return PORCH_OK;
    }
    if (assertion && (!type || strcmp(type, CLIENT_AUTH_ASSERTION_TYPE) != 0))
        return refuse(fail, "invalid_request", 900144,
                      "The request body must contain the following parameter: "
                      "'client_assertion_type' with the value '" CLIENT_AUTH_ASSERTION_TYPE "'.");
    if (!id || !*id)
        return refuse(fail, "invalid_request", 900144,
                      "The request body must contain the following parameter: 'client_id'.");
    out->client_id = id;
    out->secret = secret;
    out->assertion = assertion;
    if (secret)
        out->method = CLIENT_AUTH_SECRET_POST;
    else if (assertion)
        out->method = CLIENT_AUTH_PRIVATE_KEY_JWT;
    return PORCH_OK;
}

enum porch_err client_auth_parse(struct req *r, struct client_auth *out,
                                 struct client_auth_fail *fail)
{
    const char *h = req_header(r, "Authorization");
    enum porch_err err = PORCH_OK;

    memset(out, 0, sizeof(*out));
    memset(fail, 0, sizeof(*fail));
    if (h && strncasecmp(h, "Basic ", 6) == 0)
        err = parse_basic(r, h, out, fail);
    else if (h)
        err = refuse(fail, "invalid_client", 7000216,
                     "Only the Basic scheme is accepted in the Authorization header.");
    if (err == PORCH_OK)
        err = parse_form(r, out, fail);
    return err;
}

/* --- private_key_jwt ------------------------------------------------------------------------ */

static enum porch_err deny(struct client_auth_fail *fail, unsigned aadsts, const char *description)
{
    fail->error = "invalid_client";
    fail->aadsts = aadsts;
    fail->description = description;
    return PORCH_E_DENIED;
}

/* The keyCredential's certificate as a key, if it is one the header names and valid now. */
static struct jwk *match_cert(const json_t *kc, const json_t *hdr, int64_t now)
{
    const char *type = json_string_value(json_object_get(kc, "type"));
    const char *key = json_string_value(json_object_get(kc, "key"));
    const char *key_id = json_string_value(json_object_get(kc, "keyId"));
    const char *start = json_string_value(json_object_get(kc, "startDateTime"));
    const char *end = json_string_value(json_object_get(kc, "endDateTime"));
    const char *kid = json_string_value(json_object_get(hdr, "kid"));
    const char *x5t = json_string_value(json_object_get(hdr, "x5t"));
    const char *x5t256 = json_string_value(json_object_get(hdr, "x5t#S256"));
    char t1[JWK_X5T_LEN] = "", t256[JWK_X5T_S256_LEN] = "";
    unsigned char der[JWK_MAX_CERT];
    struct jwk *k = NULL;
    size_t len = 0;
    int64_t t;

    if (!type || strcmp(type, "AsymmetricX509Cert") != 0 || !key)
        return NULL;
    if ((start && (clock_parse_iso(start, &t) != 0 || now < t)) ||
        (end && (clock_parse_iso(end, &t) != 0 || now >= t)))
        return NULL;
    if (b64_decode(key, strlen(key), der, sizeof(der), &len) != PORCH_OK ||
        jwk_from_x509_der(der, len, "RS256", &k, t1, t256) != PORCH_OK)
        return NULL;
    if ((x5t && strcmp(x5t, t1) == 0) || (x5t256 && strcmp(x5t256, t256) == 0) ||
        (kid && key_id && strcasecmp(kid, key_id) == 0))
        return k;
    jwk_free(k);
    return NULL;
}

/* Finds the certificate the assertion's header names among app_json's keyCredentials. */
static struct jwk *find_key(const char *assertion, const char *app_json, int64_t now)
{
    char *htext = NULL;
    json_t *hdr = NULL, *app = NULL;
    const json_t *kcs, *kc;
    struct jwk *k = NULL;
    size_t i;

    if (jws_header(assertion, &htext, NULL) != PORCH_OK)
        goto out;
    hdr = json_loads(htext, 0, NULL);
    app = json_loads(app_json ? app_json : "{}", 0, NULL);
    kcs = json_object_get(app, "keyCredentials");
    json_array_foreach(kcs, i, kc)
    {
        k = match_cert(kc, hdr, now);
        if (k)
            break;
    }
out:
    json_decref(app);
    json_decref(hdr);
    free(htext);
    return k;
}

static bool aud_ok(const json_t *aud, const char *const *audiences, size_t n)
{
    const json_t *v;
    size_t i;

    if (json_is_string(aud)) {
        for (i = 0; i < n; i++) {
            if (strcmp(json_string_value(aud), audiences[i]) == 0)
                return true;
        }
        return false;
    }
    json_array_foreach(aud, i, v)
    {
        if (aud_ok(v, audiences, n))
            return true;
    }
    return false;
}

static enum porch_err check_claims(const json_t *cl, const char *client_id,
                                   const char *const *audiences, size_t naud, int64_t now,
                                   struct client_auth_fail *fail)
{
    const char *iss = json_string_value(json_object_get(cl, "iss"));
    const char *sub = json_string_value(json_object_get(cl, "sub"));
    const char *jti = json_string_value(json_object_get(cl, "jti"));
    const json_t *exp = json_object_get(cl, "exp"), *nbf = json_object_get(cl, "nbf");
    const json_t *iat = json_object_get(cl, "iat");
    json_int_t start;

    if (!iss || !sub || strcmp(iss, client_id) != 0 || strcmp(sub, client_id) != 0)
        return deny(fail, 700021,
                    "Client assertion application identifier doesn't match "
                    "'client_id' parameter.");
    if (!aud_ok(json_object_get(cl, "aud"), audiences, naud))
        return deny(fail, 700027, "Client assertion audience is not this token endpoint.");
    if (!jti || !*jti)
        return deny(fail, 700027, "Client assertion contains no jti claim.");
    if (!json_is_integer(exp) || (nbf && !json_is_integer(nbf)) || (iat && !json_is_integer(iat)))
        return deny(fail, 700024, "Client assertion is not within its valid time range.");
    start = nbf ? json_integer_value(nbf) : iat ? json_integer_value(iat) : now;
    if (json_integer_value(exp) + CLIENT_AUTH_SKEW <= now || start > now + CLIENT_AUTH_SKEW ||
        json_integer_value(exp) - start > CLIENT_AUTH_MAX_LIFETIME)
        return deny(fail, 700024, "Client assertion is not within its valid time range.");
    return PORCH_OK;
}

enum porch_err client_auth_verify_assertion(const char *assertion, const char *client_id,
                                            const char *app_json, const char *const *audiences,
                                            size_t naudiences, int64_t now,
                                            struct client_auth_fail *fail)
{
    enum porch_err err;
    struct jwk *k = find_key(assertion, app_json, now);
    char *payload = NULL;
    json_t *claims = NULL;

    memset(fail, 0, sizeof(*fail));
    if (!k) {
        err = deny(fail, 700027,
                   "Client assertion failed signature validation: no registered certificate "
                   "matches its x5t, x5t#S256 or kid.");
        goto out;
    }
    err = jws_verify_key(assertion, k, &payload, NULL);
    if (err != PORCH_OK) {
        err = deny(fail, 700027, "Client assertion failed signature validation.");
        goto out;
    }
    claims = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(claims)) {
        err = deny(fail, 700027, "Client assertion payload is not a JSON object.");
        goto out;
    }
    err = check_claims(claims, client_id, audiences, naudiences, now, fail);
out:
    json_decref(claims);
    free(payload);
    jwk_free(k);
    return err;
}
