/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET|POST /{tenant}/openid/v2.0/userinfo (OpenID Connect Core §5.3, RFC 6750). The bearer
 * token must be one of this tenant's user access tokens for Graph: signed by a published key
 * of the tenant (so alg none, HMAC and foreign keys fail in jws_verify), our issuer, Graph's
 * audience, this tenant's tid, in date, and delegated (scp). ID tokens fail on aud; app-only
 * tokens on scp. The answer's sub is the token's, which is the ID token's (user_token.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "oidc/user_token.h"
#include "core/words.h"
#include "core/clock.h"
#include "crypto/jws.h"
#include "db/db.h"
#include "directory/graph_api.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "store/refresh.h"
#include "store/user.h"
#include "core/banned.h"

#define SKEW 300

static enum porch_err unauthorized(struct req *r, struct resp *rs, const char *error,
                                   const char *description)
{
    http_error_oauth(r, rs, PORCH_E_DENIED, error ? error : "invalid_token", 0,
                     description);
    rs->status = 401;
    if (error)
        resp_header_set(rs, "WWW-Authenticate",
                        arena_printf(r->arena, "Bearer error=\"%s\", error_description=\"%s\"",
                                     error, description));
    else
        resp_header_set(rs, "WWW-Authenticate", "Bearer");
    return PORCH_E_DENIED;
}

/* The token from the Authorization header or, on POST, the access_token form field. */
static const char *find_token(struct req *r, bool *twice)
{
    const char *h = req_header(r, "Authorization"), *f = NULL;

    *twice = false;
    if (strcmp(r->method, "POST") == 0)
        f = req_form(r, "access_token");
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7 + strspn(h + 7, " ");
        *twice = f != NULL;
        return *h ? h : NULL;
    }
    return f && *f ? f : NULL;
}


/* Every check after the signature; the failure text or NULL. */
static const char *check(const struct tenant_docs *d, json_t *c, int64_t now)
{
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *aud = json_string_value(json_object_get(c, "aud"));
    const char *tid = json_string_value(json_object_get(c, "tid"));
    json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf");

    if (!iss || strcmp(iss, d->issuer) != 0 || !tid || strcmp(tid, d->tenant.id) != 0)
        return "The token was not issued by this tenant.";
    if (!aud || (strcmp(aud, GRAPH_APP_ID) != 0 && strcmp(aud, GRAPH_RESOURCE_URI) != 0))
        return "The token is not an access token for the UserInfo endpoint.";
    if (!json_is_integer(exp) || json_integer_value(exp) + SKEW < now)
        return "The token is expired.";
    if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) - SKEW > now))
        return "The token is not yet valid.";
    if (!json_is_string(json_object_get(c, "scp")) || !json_is_string(json_object_get(c, "oid")) ||
        !json_is_string(json_object_get(c, "sub")))
        return "The token is not a delegated (user) token.";
    return NULL;
}

static void set_str(json_t *o, const char *name, const char *v)
{
    if (v && *v)
        json_object_set_new(o, name, json_string(v));
}

enum porch_err oidc_userinfo(struct req *r, struct resp *rs)
{
    struct tenant_docs *d = NULL;
    struct db_conn *c = NULL;
    struct user_row u;
    const char *token, *why, *scp, *gid;
    char *payload = NULL;
    json_t *claims = NULL, *out;
    bool twice;
    enum porch_err err = oidc_tenant_docs(r->srv->oidc, r->params[0], &d);

    memset(&u, 0, sizeof(u));
    if (err == PORCH_E_NOT_FOUND)
        return http_error_oauth(r, rs, err, "invalid_tenant", 90002, "Tenant not found.");
    if (err != PORCH_OK)
        return err;
    token = find_token(r, &twice);
    if (twice) {
        err = http_error_oauth(r, rs, PORCH_E_INVALID, "invalid_request", 90014,
                               "The access token was sent both in the header and the body.");
        goto out;
    }
    if (!token) {
        err = unauthorized(r, rs, NULL, NULL);
        goto out;
    }
    /* (json_is_object evaluates its argument twice: parse first) */
    if (strlen(token) <= JWS_MAX_LEN &&
        jws_verify(token, (const struct jwk *const *)d->verify_keys, d->nverify, &payload,
                   NULL) == PORCH_OK)
        claims = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(claims)) {
        err = unauthorized(r, rs, "invalid_token", "The token signature is not valid.");
        goto out;
    }
    why = check(d, claims, clock_now());
    if (why) {
        err = unauthorized(r, rs, "invalid_token", why);
        goto out;
    }
    err = db_acquire(r->srv->db, &c);
    gid = json_string_value(json_object_get(claims, "xms_gid"));
    if (err == PORCH_OK && gid && strlen(gid) < UUID_STR_LEN) {
        /* a replayed code or reused refresh token revoked the grant: its tokens die with it */
        err = store_refresh_grant_live(c, d->tenant.id, gid);
        if (err == PORCH_E_DENIED || err == PORCH_E_NOT_FOUND) {
            db_release(c);
            err = unauthorized(r, rs, "invalid_token", "The token has been revoked.");
            goto out;
        }
    }
    if (err == PORCH_OK)
        err = store_user_get(c, d->tenant.id, json_string_value(json_object_get(claims, "oid")),
                             &u);
    if (c)
        db_release(c);
    if (err == PORCH_E_NOT_FOUND || (err == PORCH_OK && !u.account_enabled)) {
        err = unauthorized(r, rs, "invalid_token", "The user is disabled or no longer exists.");
        goto out;
    }
    if (err != PORCH_OK)
        goto out;
    scp = json_string_value(json_object_get(claims, "scp"));
    out = json_object();
    set_str(out, "sub", json_string_value(json_object_get(claims, "sub")));
    set_str(out, "oid", u.id);
    set_str(out, "tid", d->tenant.id);
    if (words_has(scp, "profile")) {
        set_str(out, "name", u.display_name);
        set_str(out, "given_name", u.given_name);
        set_str(out, "family_name", u.surname);
        set_str(out, "preferred_username", user_token_username(&u));
    }
    if (words_has(scp, "email"))
        set_str(out, "email", user_token_email(&u));
    err = resp_json(rs, 200, out);
    resp_header_set(rs, "Cache-Control", "no-store");
out:
    json_decref(claims);
    free(payload);
    store_user_row_release(&u);
    tenant_docs_unref(d);
    return err;
}
