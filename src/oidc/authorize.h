/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The authorization endpoint's protocol half (RFC 6749 §4.1, OpenID Connect Core §3.1.2,
 * RFC 7636, RFC 9207): validating an authorization request into a stored form, and answering
 * it with a code or an error. The hosted pages (ui/signin.c) decide what happens in between.
 *
 * Validation order matters for safety. Until client_id and redirect_uri are known good, every
 * error is an error page (never a redirect: RFC 6749 §4.1.2.1, security-baseline.md); after
 * that, errors go back to the client at its redirect URI with state and iss. The redirect URI
 * must equal a registered web, spa or publicClient URI of the application byte for byte, except
 * that a publicClient loopback URI (http://127.0.0.1, [::1] or localhost) may differ in its port
 * (RFC 8252 §7.3: native apps listen on an ephemeral port). Every parameter must be UTF-8.
 *
 * The validated request is a JSON object (so a journey can store it) with these members, all
 * strings unless said: client_id, app_name, redirect_uri, platform ("web", "spa", "public"),
 * scope (the granted scopes, space-separated, in request order, deduplicated), resource (the
 * resource's appId; Graph's when only OIDC scopes were asked), state, nonce, code_challenge,
 * response_mode ("query" or "form_post"), prompt, login_hint, domain_hint, ui_locales, claims,
 * max_age (integer, -1 when absent), client_info (boolean). Absent optional strings are
 * absent members.
 */
#ifndef PORCH_AUTHORIZE_H
#define PORCH_AUTHORIZE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"

struct req;
struct resp;
struct db_conn;
struct tenant_docs;

/* How long an authorization code lives (security-baseline.md). */
#define AUTHZ_CODE_TTL 60

/* What to do with a request that failed validation. */
enum authz_verdict {
    AUTHZ_OK,             /* valid: *request is set */
    AUTHZ_ERROR_PAGE,     /* client or redirect URI not trusted: show an error page */
    AUTHZ_ERROR_REDIRECT, /* send the error to the client: *request is set (for the URI) */
};

/* An OAuth error for the client, or the reason of an error page. Strings are arena-owned or static. */
struct authz_error {
    const char *error;       /* "invalid_request", "consent_required", … */
    unsigned aadsts;         /* Entra's number */
    const char *description; /* plain text for the client or the page */
};

/**
 * Validates the authorization request in r (query for GET, form for POST) for tenant d,
 * reading the application (and consent grants) through c. On AUTHZ_OK and
 * AUTHZ_ERROR_REDIRECT, *request gets a new object (caller json_decref's); on
 * AUTHZ_ERROR_REDIRECT and AUTHZ_ERROR_PAGE *e says why. Returns PORCH_OK when a verdict was
 * reached, or a store error (the caller shows a generic error page).
 */
enum porch_err authz_validate(struct req *r, struct tenant_docs *d, struct db_conn *c,
                              json_t **request, enum authz_verdict *verdict,
                              struct authz_error *e);

/**
 * Before a code goes out for a request validated earlier (a journey can last 30 minutes):
 * *still_ok is true when the application still exists with its service principal enabled and
 * the redirect URI is still registered on the same platform. Store errors are returned.
 */
enum porch_err authz_recheck(struct req *r, struct tenant_docs *d, struct db_conn *c,
                             const json_t *request, bool *still_ok);

/**
 * Answers the request with an error at its redirect URI (query or form_post), with
 * error_description "AADSTS<n>: <text>", error_codes, state and iss. Returns PORCH_OK (the
 * answer is in rs) or PORCH_E_TOO_BIG when it does not fit.
 */
enum porch_err authz_respond_error(struct req *r, struct resp *rs, const struct tenant_docs *d,
                                   const json_t *request, const struct authz_error *e);

/**
 * Issues an authorization code for user_id (authenticated at auth_time, in the SSO session
 * whose id hash is session_hash, "" when none) and answers the request with it: a 302 to the
 * redirect URI with code, state and iss, or a form_post page. Store errors are returned
 * without an answer.
 */
enum porch_err authz_respond_code(struct req *r, struct resp *rs, const struct tenant_docs *d,
                                  struct db_conn *c, const json_t *request, const char *user_id,
                                  int64_t auth_time, const char *session_hash);

/** A string member of a validated request, or NULL. */
const char *authz_get(const json_t *request, const char *name);

/**
 * True when the request's max_age says a sign-in at auth_time is too old at now (OpenID
 * Connect Core §3.1.2.1; max_age 0 always re-authenticates).
 */
bool authz_too_old(const json_t *request, int64_t auth_time, int64_t now);

/**
 * The origin (scheme://host[:port]) of the request's redirect URI, for the hosted pages'
 * Content-Security-Policy form-action. Arena-owned; NULL when it cannot be parsed.
 */
const char *authz_redirect_origin(struct req *r, const json_t *request);

#endif
