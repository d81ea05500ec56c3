/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2): which method a
 * request uses (client_secret_basic, client_secret_post, private_key_jwt), with exactly one
 * method per request, and the checks of a private_key_jwt assertion against the
 * certificates in an application's keyCredentials. Checking a secret is
 * directory/credentials.h's job. Everything here is free of the store, so grant handlers
 * (client_credentials now; authorization_code and refresh_token later) share it.
 */
#ifndef PORCH_CLIENT_AUTH_H
#define PORCH_CLIENT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct req;

#define CLIENT_AUTH_ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
/* Clock skew allowed on exp and nbf, and the longest assertion lifetime accepted (seconds). */
#define CLIENT_AUTH_SKEW         300
#define CLIENT_AUTH_MAX_LIFETIME 600

enum client_auth_method {
    CLIENT_AUTH_NONE = 0,
    CLIENT_AUTH_SECRET_BASIC,
    CLIENT_AUTH_SECRET_POST,
    CLIENT_AUTH_PRIVATE_KEY_JWT,
};

struct client_auth {
    enum client_auth_method method;
    const char *client_id; /* arena-owned or borrowed from r->form */
    const char *secret;    /* basic and post */
    const char *assertion; /* private_key_jwt */
};

/* Why a request or an assertion was refused, in Entra's terms. */
struct client_auth_fail {
    const char *error;       /* OAuth error: "invalid_request", "invalid_client" */
    unsigned aadsts;         /* Entra error number */
    const char *description; /* static or arena-owned text; never quotes a secret */
};

/**
 * Works out the method from the Authorization header and the form. Basic credentials are
 * base64, then split at the first ':', then form-url-decoded (RFC 6749 §2.3.1). A form
 * client_id must equal Basic's. Strings are arena-owned or borrowed from r. PORCH_E_INVALID
 * (with *fail filled) for more than one method, a malformed Basic header, an assertion of
 * another type, or a missing client_id; no method at all is PORCH_OK with CLIENT_AUTH_NONE
 * (the grant decides whether that is allowed).
 */
enum porch_err client_auth_parse(struct req *r, struct client_auth *out,
                                 struct client_auth_fail *fail);

/**
 * Verifies a private_key_jwt assertion for client_id: the key is the keyCredential of
 * app_json (the application's stored JSON) of type AsymmetricX509Cert, valid at now, that the
 * header names by "x5t", "x5t#S256" or "kid" (= keyId); iss and sub must equal client_id; aud
 * (string or array) must contain one of audiences; exp must be present and not past (with
 * CLIENT_AUTH_SKEW), nbf not in the future, exp minus nbf/iat at most CLIENT_AUTH_MAX_LIFETIME;
 * jti must be present. PORCH_E_DENIED with *fail filled when any check fails; PORCH_E_INVALID
 * for an assertion that is not a JWT. Thread-safe. NEEDSWORK: jti replay is not yet refused.
 */
enum porch_err client_auth_verify_assertion(const char *assertion, const char *client_id,
                                            const char *app_json, const char *const *audiences,
                                            size_t naudiences, int64_t now,
                                            struct client_auth_fail *fail);

#endif
