/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POST /{tenant}/oauth2/v2.0/token. One handler parses what every grant shares (a form
 * without repeated parameters, the tenant, grant_type) and hands off to the grant's function
 * through grants[]; client_credentials is the only grant today, authorization_code and
 * refresh_token slot in beside it. A client whose application has no service principal in the
 * tenant yet gets one on its first request, as in Entra; a disabled one (accountEnabled false)
 * is refused with AADSTS7000112. The client_credentials path is benchmarked against raw
 * RSA signing, so it makes two store round trips (client with its credentials, then resource
 * with the client's roles), holds the connection for those only, and allocates little.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "oidc/oidc.h"
#include "oidc/access_token.h"
#include "oidc/client_auth.h"
#include "oidc/tenant_docs.h"
#include "oidc/user_token.h"
#include "oidc/signin_record.h"
#include "core/words.h"
#include "core/b64.h"
#include "crypto/digest.h"
#include "crypto/ct.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "directory/apps.h"
#include "directory/credentials.h"
#include "directory/graph_api.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "store/app.h"
#include "store/assignment.h"
#include "store/authcode.h"
#include "store/refresh.h"
#include "store/user.h"
#include "store/credential.h"
#include "store/sp.h"
#include "core/banned.h"

#define JSON_TYPE     "application/json; charset=utf-8"
#define DEFAULT_SCOPE "/.default"

struct token_ctx {
    struct req *r;
    struct resp *rs;
    struct tenant_docs *d;
    struct client_auth auth;
    const char *resource; /* scope without "/.default" */
    const char *azpacr;   /* "1" secret, "2" certificate */
    struct credential_client client;
    struct assignment_grant grant;
    json_t *resource_json; /* non-Graph resources: their appRoles */
    const char *roles[STORE_ASSIGNMENT_MAX_ROLES];
    size_t nroles;
};

/*
 * Renders an OAuth error. invalid_client is 401 (RFC 6749 §5.2), with a Basic challenge when
 * the client tried Basic; NEEDSWORK: the error table has no 401 row yet (PORCH_E_DENIED is
 * 403), so the status is set here until err.h gains an "unauthenticated" code.
 */
static enum porch_err oauth_fail(struct token_ctx *t, const char *error, unsigned aadsts,
                                 const char *description)
{
    enum porch_err err = PORCH_E_INVALID;

    if (strcmp(error, "invalid_client") == 0)
        err = PORCH_E_DENIED;
    else if (strcmp(error, "server_error") == 0)
        err = PORCH_E_INTERNAL;
    http_error_oauth(t->r, t->rs, err, error, aadsts, description);
    if (err == PORCH_E_DENIED) {
        t->rs->status = 401;
        if (t->auth.method == CLIENT_AUTH_SECRET_BASIC)
            resp_header_set(t->rs, "WWW-Authenticate",
                            arena_printf(t->r->arena, "Basic realm=\"%s\"", t->d->tenant.id));
    }
    return err;
}

/* RFC 6749 §3.2: parameters must not repeat. */
static const char *repeated_param(const struct req *r)
{
    for (size_t i = 0; i < r->form.n; i++) {
        for (size_t j = i + 1; j < r->form.n; j++) {
            if (strcmp(r->form.items[i].name, r->form.items[j].name) == 0)
                return r->form.items[i].name;
        }
    }
    return NULL;
}

/*
 * scope must be exactly one "<resource>/.default". *resource is the resource name as the
 * store keeps it: one trailing '/' dropped ("https://graph.microsoft.com//.default" is what
 * some clients send) and a GUID lower-cased.
 */
static enum porch_err parse_scope(struct token_ctx *t, const char *scope)
{
    size_t n = strlen(scope), dn = strlen(DEFAULT_SCOPE);
    char *res;

    if (strchr(scope, ' ') || n <= dn || strcmp(scope + n - dn, DEFAULT_SCOPE) != 0)
        return oauth_fail(t, "invalid_scope", 1002012,
                          arena_printf(t->r->arena,
                                       "The provided value for scope %.256s is not valid. Client "
                                       "credential flows must have a scope value with /.default "
                                       "suffixed to the resource identifier (application ID URI).",
                                       scope));
    res = arena_strndup(t->r->arena, scope, n - dn);
    if (n - dn > 1 && res[n - dn - 1] == '/')
        res[n - dn - 1] = '\0';
    if (uuid_valid(res)) {
        for (char *p = res; *p; p++)
            *p = (*p >= 'A' && *p <= 'F') ? (char)(*p - 'A' + 'a') : *p;
    }
    t->resource = res;
    return PORCH_OK;
}

/* Answers a failed secret check as Entra does. */
static enum porch_err secret_fail(struct token_ctx *t, enum credentials_status st)
{
    const char *id = t->auth.client_id;
    struct arena *a = t->r->arena;

    switch (st) {
    case CREDENTIALS_UNKNOWN_CLIENT:
        return oauth_fail(t, "invalid_client", 700016,
                          arena_printf(a,
                                       "Application with identifier '%.100s' was not found in "
                                       "the directory '%s'. This can happen if the application "
                                       "has not been installed by the administrator of the "
                                       "tenant or consented to by any user in the tenant.",
                                       id, t->d->tenant.id));
    case CREDENTIALS_EXPIRED:
        return oauth_fail(t, "invalid_client", 7000222,
                          arena_printf(a,
                                       "The provided client secret keys for app '%.100s' are "
                                       "expired. Create new keys for your app, or consider "
                                       "using certificate credentials for added security.",
                                       id));
    case CREDENTIALS_BAD_SECRET:
    case CREDENTIALS_VALID:
    default:
        break;
    }
    return oauth_fail(t, "invalid_client", 7000215,
                      arena_printf(a,
                                   "Invalid client secret provided. Ensure the secret being sent "
                                   "in the request is the client secret value, not the client "
                                   "secret ID, for a secret added to app '%.100s'.",
                                   id));
}

/* The token endpoint URLs (and the issuer) a client assertion may name as its audience. */
static void assertion_audiences(struct token_ctx *t, const char *aud[3])
{
    const char *base = req_base_url(t->r);

    aud[0] = arena_printf(t->r->arena, "%s/%s/oauth2/v2.0/token", base, t->d->tenant.id);
    aud[1] = arena_printf(t->r->arena, "%s/%s/oauth2/v2.0/token", base, t->r->params[0]);
    aud[2] = t->d->issuer;
}

static enum porch_err check_assertion(struct token_ctx *t, struct db_conn *c)
{
    enum porch_err err;
    struct client_auth_fail fail;
    const char *aud[3];

    err = store_credential_client(c, t->d->tenant.id, t->auth.client_id, true, &t->client);
    if (err == PORCH_E_NOT_FOUND)
        return secret_fail(t, CREDENTIALS_UNKNOWN_CLIENT);
    if (err != PORCH_OK)
        return err;
    assertion_audiences(t, aud);
    err = client_auth_verify_assertion(t->auth.assertion, t->auth.client_id, t->client.app_data,
                                       aud, 3, clock_now(), &fail);
    if (err != PORCH_OK)
        return oauth_fail(t, fail.error ? fail.error : "invalid_client",
                          fail.aadsts ? fail.aadsts : 700027, fail.description);
    t->azpacr = "2";
    return PORCH_OK;
}

struct first_use {
    const char *tenant_id;
    struct credential_client *cl;
};

static enum porch_err first_use_tx(struct db_conn *c, void *ctx)
{
    struct first_use *f = ctx;
    struct app_row app;
    enum porch_err err = store_app_get(c, f->tenant_id, f->cl->app_object_id, &app);

    if (err == PORCH_OK)
        err = apps_create_sp(c, &app, f->cl->sp_id);
    store_app_row_release(&app);
    return err;
}

/*
 * Graph creates a client's service principal when the application is first used in the
 * tenant, and so does this endpoint, in its own transaction. A request that loses the race to
 * a concurrent one takes the principal the winner created.
 */
static enum porch_err first_use(struct token_ctx *t, struct db_conn *c)
{
    struct first_use f = {t->d->tenant.id, &t->client};
    struct sp_row sp;
    enum porch_err err = db_tx(c, true, first_use_tx, &f);

    memset(&sp, 0, sizeof(sp));
    if (err == PORCH_OK) {
        t->client.sp_enabled = true;
        log_info("created the service principal of client '%s' on first use", t->auth.client_id);
        return PORCH_OK;
    }
    t->client.sp_id[0] = '\0';
    if (err == PORCH_E_CONFLICT)
        err = store_sp_get_by_app_id(c, t->d->tenant.id, t->auth.client_id, &sp);
    if (err == PORCH_OK) {
        snprintf(t->client.sp_id, sizeof(t->client.sp_id), "%s", sp.id);
        t->client.sp_enabled = sp.account_enabled;
    }
    store_sp_row_release(&sp);
    if (err == PORCH_E_NOT_FOUND) /* its identifierUris belong to another principal */
        return oauth_fail(t, "invalid_client", 7000229,
                          arena_printf(t->r->arena,
                                       "The client application %s is missing service principal "
                                       "in the tenant %s.",
                                       t->auth.client_id, t->d->tenant.id));
    return err;
}

/* First round trip: the client, its service principal and its credentials. */
static enum porch_err authenticate(struct token_ctx *t, struct db_conn *c)
{
    enum porch_err err;
    enum credentials_status st;

    if (t->auth.method == CLIENT_AUTH_PRIVATE_KEY_JWT) {
        err = check_assertion(t, c);
    } else {
        err = credentials_verify_secret(c, t->d->tenant.id, t->auth.client_id, t->auth.secret,
                                        clock_now(), &t->client, &st);
        if (err == PORCH_OK && st != CREDENTIALS_VALID)
            err = secret_fail(t, st);
        t->azpacr = "1";
    }
    if (err == PORCH_OK && !t->client.sp_id[0])
        err = first_use(t, c);
    if (err != PORCH_OK)
        return err;
    if (!t->client.sp_enabled)
        return oauth_fail(
            t, "unauthorized_client", 7000112,
            arena_printf(t->r->arena, "Application '%s' is disabled.", t->auth.client_id));
    return PORCH_OK;
}

/* Role values for the held role ids: Graph's from its table, others' from their appRoles. */
static void map_roles(struct token_ctx *t)
{
    const json_t *roles, *role;
    size_t i;

    t->nroles = 0;
    if (strcmp(t->grant.resource_app_id, GRAPH_APP_ID) == 0) {
        for (i = 0; i < t->grant.nroles; i++) {
            const struct graph_role *g = graph_role_by_id(t->grant.role_ids[i]);
            if (g)
                t->roles[t->nroles++] = g->value;
        }
        return;
    }
    t->resource_json = json_loads(t->grant.resource_data ? t->grant.resource_data : "{}", 0, NULL);
    roles = json_object_get(t->resource_json, "appRoles");
    json_array_foreach(roles, i, role)
    {
        const char *id = json_string_value(json_object_get(role, "id"));
        const char *value = json_string_value(json_object_get(role, "value"));
        if (!id || !value || json_is_false(json_object_get(role, "isEnabled")))
            continue;
        for (size_t j = 0; j < t->grant.nroles && t->nroles < STORE_ASSIGNMENT_MAX_ROLES; j++) {
            if (strcasecmp(id, t->grant.role_ids[j]) == 0) {
                t->roles[t->nroles++] = value;
                break;
            }
        }
    }
}

static bool is_graph(const struct token_ctx *t)
{
    const char *pub = t->r->srv->cfg->public_url;

    return strcmp(t->resource, GRAPH_APP_ID) == 0 || strcmp(t->resource, GRAPH_RESOURCE_URI) == 0 ||
           (pub && strcmp(t->resource, pub) == 0);
}

/* Second round trip: the resource named by the scope and the roles the client holds on it. */
static enum porch_err resolve_resource(struct token_ctx *t, struct db_conn *c)
{
    enum porch_err err = store_assignment_resource_roles(c, t->d->tenant.id, t->resource,
                                                         t->client.sp_id, !is_graph(t), &t->grant);

    if (err == PORCH_E_NOT_FOUND)
        return oauth_fail(
            t, "invalid_resource", 500011,
            arena_printf(t->r->arena,
                         "The resource principal named %.256s was not found in the tenant named "
                         "%s. This can happen if the application has not been installed by the "
                         "administrator of the tenant or consented to by any user in the tenant. "
                         "You might have sent your authentication request to the wrong tenant.",
                         t->resource, t->d->tenant.id));
    if (err == PORCH_OK)
        map_roles(t);
    return err;
}

/* Signs the access token and writes the token response. */
static enum porch_err issue(struct token_ctx *t)
{
    unsigned life = t->r->srv->cfg->token_lifetime;
    int64_t now = clock_now();
    struct access_token_claims cl = {.aud = t->grant.resource_app_id,
                                     .iss = t->d->issuer,
                                     .tid = t->d->tenant.id,
                                     .oid = t->client.sp_id,
                                     .azp = t->auth.client_id,
                                     .azpacr = t->azpacr,
                                     .idtyp = "app",
                                     .roles = t->roles,
                                     .nroles = t->nroles,
                                     .iat = now,
                                     .exp = now + (int64_t)life};
    char *jwt = NULL;
    const char *body;
    enum porch_err err;

    if (!t->d->signing_key)
        return oauth_fail(t, "server_error", 50000, NULL);
    err = access_token_sign(t->d->signing_key, &cl, &jwt);
    if (err != PORCH_OK)
        return oauth_fail(t, "server_error", 50000, NULL);
    body = arena_printf(t->r->arena,
                        "{\"token_type\":\"Bearer\",\"expires_in\":%u,\"ext_expires_in\":%u,"
                        "\"access_token\":\"%s\"}",
                        life, life, jwt);
    free(jwt);
    err = resp_body(t->rs, 200, JSON_TYPE, body, strlen(body));
    resp_header_set(t->rs, "Cache-Control", "no-store");
    resp_header_set(t->rs, "Pragma", "no-cache");
    return err;
}

static enum porch_err missing(struct token_ctx *t, const char *param)
{
    return oauth_fail(t, "invalid_request", 900144,
                      arena_printf(t->r->arena,
                                   "The request body must contain the following parameter: '%s'.",
                                   param));
}

static enum porch_err client_credentials(struct token_ctx *t)
{
    struct client_auth_fail fail;
    const char *scope = req_form(t->r, "scope");
    struct db_conn *c = NULL;
    enum porch_err err;

    if (client_auth_parse(t->r, &t->auth, &fail) != PORCH_OK)
        return oauth_fail(t, fail.error, fail.aadsts, fail.description);
    if (t->auth.method == CLIENT_AUTH_NONE)
        return oauth_fail(t, "invalid_client", 7000218,
                          "The request body must contain the following parameter: "
                          "'client_assertion' or 'client_secret'.");
    if (!scope || !*scope)
        return missing(t, "scope");
    err = parse_scope(t, scope);
    if (err != PORCH_OK)
        return err;
    err = db_acquire(t->r->srv->db, &c);
    if (err == PORCH_OK)
        err = authenticate(t, c);
    if (err == PORCH_OK)
        err = resolve_resource(t, c);
    if (c)
        db_release(c);
    if (err != PORCH_OK)
        return err;
    return issue(t);
}

/* --- user grants: authorization_code and refresh_token ------------------------------------- */

/* Absolute lifetime of a refresh chain (security-baseline.md). */
#define REFRESH_LIFETIME     (90 * 86400)
#define REFRESH_LIFETIME_SPA (24 * 3600)

/* What the two user grants hand to issue_user. */
struct user_grant {
    const char *scope;
    const char *resource;
    const char *nonce;
    const char *sid;
    const char *grant_id;
    const char *user_id;
    const char *refresh; /* the successor from a rotation; NULL: issue one if offline_access */
    int64_t auth_time;
    bool client_info;
    bool spa;
};


/* True when uri is one of the application's spa redirect URIs. */
static bool is_spa_uri(const char *app_data, const char *uri)
{
    json_t *j = json_loads(app_data ? app_data : "{}", 0, NULL), *v;
    bool found = false;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(j, "spa"), "redirectUris"), i, v)
    {
        if (json_is_string(v) && uri && strcmp(json_string_value(v), uri) == 0)
            found = true;
    }
    json_decref(j);
    return found;
}

/* True when the application can be a public client at all (spa or publicClient URIs). */
static bool can_be_public(const char *app_data)
{
    json_t *j = json_loads(app_data ? app_data : "{}", 0, NULL);
    bool yes = json_array_size(json_object_get(json_object_get(j, "spa"), "redirectUris")) > 0 ||
               json_array_size(
                   json_object_get(json_object_get(j, "publicClient"), "redirectUris")) > 0 ||
               json_is_true(json_object_get(j, "isFallbackPublicClient"));

    json_decref(j);
    return yes;
}

static enum porch_err confidential_only(struct token_ctx *t)
{
    return oauth_fail(t, "invalid_client", 7000218,
                      "The request body must contain the following parameter: "
                      "'client_assertion' or 'client_secret'.");
}

/*
 * Identifies the client of a user grant: authenticated when it sent credentials, else a
 * public client whose application has public redirect URIs. *authed says which.
 */
static enum porch_err user_client(struct token_ctx *t, struct db_conn *c, bool *authed)
{
    enum porch_err err;

    *authed = t->auth.method != CLIENT_AUTH_NONE;
    if (*authed)
        return authenticate(t, c);
    err = store_credential_client(c, t->d->tenant.id, t->auth.client_id, true, &t->client);
    if (err == PORCH_E_NOT_FOUND)
        return secret_fail(t, CREDENTIALS_UNKNOWN_CLIENT);
    if (err != PORCH_OK)
        return err;
    if (!can_be_public(t->client.app_data))
        return confidential_only(t);
    if (!t->client.sp_id[0] && (err = first_use(t, c)) != PORCH_OK)
        return err;
    if (!t->client.sp_enabled)
        return oauth_fail(
            t, "unauthorized_client", 7000112,
            arena_printf(t->r->arena, "Application '%s' is disabled.", t->auth.client_id));
    t->azpacr = "0";
    return PORCH_OK;
}

static enum porch_err invalid_grant(struct token_ctx *t, unsigned aadsts, const char *desc)
{
    return oauth_fail(t, "invalid_grant", aadsts, desc);
}

#define MSG_EXPIRED_GRANT                                                                          \
    "The provided authorization code or refresh token has expired due to inactivity. Send a "    \
    "new interactive authorization request for this user and resource."

/* The client_info member: base64url of {"uid":"<oid>","utid":"<tid>"}. */
static const char *client_info(struct token_ctx *t, const char *oid)
{
    char json[128], *out = arena_alloc(t->r->arena, 200);
    int n = snprintf(json, sizeof(json), "{\"uid\":\"%s\",\"utid\":\"%s\"}", oid, t->d->tenant.id);

    b64url_encode(json, (size_t)n, out, 200);
    return out;
}

/* The roles user_id holds on the resource, into t->roles (through map_roles). */
static enum porch_err user_roles(struct token_ctx *t, struct db_conn *c, const char *resource,
                                 const char *user_id)
{
    enum porch_err err = store_assignment_resource_roles(c, t->d->tenant.id, resource, user_id,
                                                         true, &t->grant);

    if (err == PORCH_E_NOT_FOUND)
        return oauth_fail(t, "invalid_resource", 500011,
                          arena_printf(t->r->arena,
                                       "The resource principal named %s was not found in the "
                                       "tenant named %s.",
                                       resource, t->d->tenant.id));
    if (err == PORCH_OK)
        map_roles(t);
    return err;
}

/* Loads the user, refreshes roles, issues the refresh token if due, signs and answers. */
static enum porch_err issue_user(struct token_ctx *t, struct db_conn *c, struct user_grant *g)
{
    unsigned life = t->r->srv->cfg->token_lifetime;
    int64_t now = clock_now();
    struct user_row user;
    char sub[USER_TOKEN_SUB_LEN], rt[STORE_REFRESH_TOKEN_LEN];
    char *id_token = NULL, *access = NULL;
    const char *ci = req_form(t->r, "client_info");
    json_t *body = NULL;
    enum porch_err err;

    memset(&user, 0, sizeof(user));
    rt[0] = '\0';
    err = store_user_get(c, t->d->tenant.id, g->user_id, &user);
    if (err == PORCH_E_NOT_FOUND || (err == PORCH_OK && !user.account_enabled)) {
        (void)store_refresh_grant_revoke(c, t->d->tenant.id, g->grant_id, now);
        err = invalid_grant(t, 50057, "The user account is disabled or no longer exists.");
        goto out;
    }
    if (err == PORCH_OK)
        err = user_roles(t, c, g->resource, user.id);
    if (err == PORCH_OK && !g->refresh && words_has(g->scope, "offline_access")) {
        struct refresh_row rr;
        memset(&rr, 0, sizeof(rr));
        snprintf(rr.tenant_id, sizeof(rr.tenant_id), "%s", t->d->tenant.id);
        snprintf(rr.grant_id, sizeof(rr.grant_id), "%s", g->grant_id);
        snprintf(rr.client_id, sizeof(rr.client_id), "%s", t->auth.client_id);
        snprintf(rr.user_id, sizeof(rr.user_id), "%s", user.id);
        rr.scope = arena_strdup(t->r->arena, g->scope);
        rr.absolute_expires_at = now + (g->spa ? REFRESH_LIFETIME_SPA : REFRESH_LIFETIME);
        err = store_refresh_issue(c, &rr, now, REFRESH_LIFETIME, rt);
    }
    if (err != PORCH_OK)
        goto out;
    if (!t->d->signing_key) {
        err = oauth_fail(t, "server_error", 50000, NULL);
        goto out;
    }
    user_token_subject(oidc_subject_key(t->r->srv->oidc), t->d->tenant.id, t->auth.client_id,
                       user.id, sub);
    {
        struct user_token_input in = {.key = t->d->signing_key,
                                      .iss = t->d->issuer,
                                      .tid = t->d->tenant.id,
                                      .client_id = t->auth.client_id,
                                      .azpacr = t->azpacr,
                                      .resource = g->resource,
                                      .scope = g->scope,
                                      .user = &user,
                                      .sub = sub,
                                      .nonce = g->nonce,
                                      .auth_time = g->auth_time,
                                      .sid = g->sid,
                                      .grant_id = g->grant_id,
                                      .roles = t->roles,
                                      .nroles = t->nroles,
                                      .now = now,
                                      .lifetime = life};
        err = user_token_access(&in, &access);
        if (err == PORCH_OK && words_has(g->scope, "openid"))
            err = user_token_id(&in, &id_token);
    }
    if (err != PORCH_OK) {
        err = oauth_fail(t, "server_error", 50000, NULL);
        goto out;
    }
    body = json_object();
    json_object_set_new(body, "token_type", json_string("Bearer"));
    json_object_set_new(body, "scope", json_string(g->scope));
    json_object_set_new(body, "expires_in", json_integer(life));
    json_object_set_new(body, "ext_expires_in", json_integer(life));
    json_object_set_new(body, "access_token", json_string(access));
    if (g->refresh || rt[0])
        json_object_set_new(body, "refresh_token", json_string(g->refresh ? g->refresh : rt));
    if (id_token)
        json_object_set_new(body, "id_token", json_string(id_token));
    if (g->client_info || (ci && strcmp(ci, "1") == 0))
        json_object_set_new(body, "client_info", json_string(client_info(t, user.id)));
    err = resp_json(t->rs, 200, body);
    body = NULL;
    resp_header_set(t->rs, "Cache-Control", "no-store");
    resp_header_set(t->rs, "Pragma", "no-cache");
out:
    json_decref(body);
    free(id_token);
    free(access);
    ct_cleanse(rt, sizeof(rt));
    store_user_row_release(&user);
    return err;
}

/* RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, in constant time. */
static bool pkce_ok(const char *challenge, const char *verifier)
{
    char computed[DIGEST_SHA256_B64URL_LEN];
    size_t n = verifier ? strlen(verifier) : 0;

    if (n < 43 || n > 128 ||
        strspn(verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
            n ||
        digest_sha256_b64url(verifier, computed) != PORCH_OK)
        return false;
    return strlen(computed) == strlen(challenge) &&
           ct_compare(computed, challenge, strlen(challenge)) == 0;
}

/* Checks a won code against the request; on failure revokes its grant and answers. */
static enum porch_err check_code(struct token_ctx *t, struct db_conn *c,
                                 const struct authcode_row *row, bool authed)
{
    const char *uri = req_form(t->r, "redirect_uri"), *verifier = req_form(t->r, "code_verifier");
    enum porch_err err = PORCH_OK;

    if (!row->public_client && !authed)
        err = confidential_only(t);
    else if (!uri || strcmp(uri, row->redirect_uri) != 0)
        err = invalid_grant(t, 500112,
                            "The redirect_uri does not match the one used in the authorization "
                            "request.");
    else if (row->code_challenge && !verifier)
        err = invalid_grant(t, 501481,
                            "The Code_Verifier is missing: the authorization request had a "
                            "code_challenge.");
    else if (row->code_challenge && !pkce_ok(row->code_challenge, verifier))
        err = invalid_grant(t, 501481,
                            "The Code_Verifier does not match the code_challenge supplied in "
                            "the authorization request.");
    else if (!row->code_challenge && verifier)
        err = invalid_grant(t, 501481,
                            "A code_verifier was sent, but the authorization request had no "
                            "code_challenge.");
    if (err != PORCH_OK)
        (void)store_refresh_grant_revoke(c, t->d->tenant.id, row->grant_id, clock_now());
    return err;
}

static enum porch_err authorization_code(struct token_ctx *t)
{
    struct client_auth_fail fail;
    const char *code = req_form(t->r, "code");
    struct authcode_row row;
    struct db_conn *c = NULL;
    bool authed = false;
    enum porch_err err;

    memset(&row, 0, sizeof(row));
    if (client_auth_parse(t->r, &t->auth, &fail) != PORCH_OK)
        return oauth_fail(t, fail.error, fail.aadsts, fail.description);
    if (!code || !*code)
        return missing(t, "code");
    if (!req_form(t->r, "redirect_uri"))
        return missing(t, "redirect_uri");
    err = db_acquire(t->r->srv->db, &c);
    if (err == PORCH_OK)
        err = user_client(t, c, &authed);
    if (err == PORCH_OK) {
        err = strlen(code) < STORE_AUTHCODE_LEN
                  ? store_authcode_consume(c, t->d->tenant.id, t->auth.client_id, code,
                                           clock_now(), &row)
                  : PORCH_E_NOT_FOUND;
        if (err == PORCH_E_CONFLICT) {
            (void)store_refresh_grant_revoke(c, t->d->tenant.id, row.grant_id, clock_now());
            log_warn("authorization code of client '%s' redeemed twice: grant %s revoked",
                     t->auth.client_id, row.grant_id);
            err = invalid_grant(t, 54005,
                                "OAuth2 Authorization code was already redeemed, please retry "
                                "with a new valid code or use an existing refresh token.");
        } else if (err == PORCH_E_NOT_FOUND) {
            err = invalid_grant(t, 70008, MSG_EXPIRED_GRANT);
        } else if (err == PORCH_OK) {
            err = check_code(t, c, &row, authed);
        }
    }
    if (err == PORCH_OK) {
        struct user_grant g = {.scope = row.scope,
                               .resource = row.resource,
                               .nonce = row.nonce,
                               .sid = row.session_id[0] ? row.session_id : NULL,
                               .grant_id = row.grant_id,
                               .user_id = row.user_id,
                               .auth_time = row.auth_time,
                               .client_info = row.client_info,
                               .spa = row.public_client &&
                                      is_spa_uri(t->client.app_data, row.redirect_uri)};
        err = issue_user(t, c, &g);
    }
    if (c)
        db_release(c);
    store_authcode_row_release(&row);
    return err;
}

static bool is_oidc_scope(const char *s)
{
    return strcmp(s, "openid") == 0 || strcmp(s, "profile") == 0 || strcmp(s, "email") == 0 ||
           strcmp(s, "offline_access") == 0;
}

/* The appId a scope's resource part names ("" for a bare name: Graph), or NULL if none. */
static const char *scope_resource(struct token_ctx *t, struct db_conn *c, const char *rname)
{
    const char *pub = t->r->srv->cfg->public_url;
    struct assignment_grant g;
    const char *id = NULL;

    if (!*rname || strcasecmp(rname, GRAPH_APP_ID) == 0 || strcmp(rname, GRAPH_RESOURCE_URI) == 0 ||
        (pub && strcmp(rname, pub) == 0))
        return GRAPH_APP_ID;
    memset(&g, 0, sizeof(g));
    if (store_assignment_resource_roles(c, t->d->tenant.id, rname, "", false, &g) == PORCH_OK)
        id = arena_strdup(t->r->arena, g.resource_app_id);
    free(g.resource_data);
    return id;
}

/*
 * A scope parameter on refresh may narrow what was granted, never widen it or name another
 * resource. Judged before the token is rotated (store_refresh_peek), so a refused request leaves
 * the client's token as it was. *effective gets the scopes to issue (NULL: all granted).
 */
static enum porch_err refresh_scope(struct token_ctx *t, struct db_conn *c, const char *token,
                                    const char **effective)
{
    const char *req = req_form(t->r, "scope"), *p;
    char resource[UUID_STR_LEN], *granted = NULL;
    struct sbuf out;
    bool dflt = false;
    enum porch_err err;

    *effective = NULL;
    if (!req || !*req)
        return PORCH_OK;
    err = store_refresh_peek(c, t->d->tenant.id, t->auth.client_id, token, &granted, resource);
    if (err == PORCH_E_NOT_FOUND)
        return PORCH_OK; /* the rotation answers it */
    if (err != PORCH_OK)
        return err;
    if (!resource[0])
        snprintf(resource, sizeof(resource), "%s", GRAPH_APP_ID);
    for (p = req; *p;) {
        size_t n = strcspn(p, " ");
        const char *s = arena_strndup(t->r->arena, p, n), *slash = strrchr(s, '/'), *name, *res;
        p += n + strspn(p + n, " ");
        if (!n || is_oidc_scope(s))
            continue;
        name = slash ? slash + 1 : s;
        res = scope_resource(t, c, slash ? arena_strndup(t->r->arena, s, (size_t)(slash - s)) : "");
        if (!res || strcasecmp(res, resource) != 0) {
            free(granted);
            return oauth_fail(t, "invalid_scope", 70011,
                              arena_printf(t->r->arena,
                                           "The refresh token was issued for another resource "
                                           "than %.256s. Send an interactive authorization "
                                           "request for this resource.",
                                           s));
        }
        if (strcmp(name, ".default") == 0) {
            dflt = true;
        } else if (!words_has(granted, name)) {
            free(granted);
            return oauth_fail(t, "invalid_grant", 65001,
                              arena_printf(t->r->arena,
                                           "The refresh token was not issued for the scope "
                                           "%.256s. Send an interactive authorization request "
                                           "for this user and resource.",
                                           s));
        }
    }
    /* the granted scopes the request names, in granted order; offline_access stays */
    sbuf_init(&out, 8192);
    for (p = granted; *p;) {
        size_t n = strcspn(p, " ");
        const char *s = arena_strndup(t->r->arena, p, n);
        bool keep = false;
        p += n + strspn(p + n, " ");
        if (!n)
            continue;
        if (is_oidc_scope(s))
            keep = strcmp(s, "offline_access") == 0 || words_has(req, s);
        else
            keep = dflt || words_has(req, s) ||
                   strstr(req, arena_printf(t->r->arena, "/%s", s)) != NULL;
        if (keep)
            (void)sbuf_addf(&out, "%s%s", out.len ? " " : "", s);
    }
    *effective = arena_strdup(t->r->arena, out.buf ? out.buf : "");
    sbuf_release(&out);
    free(granted);
    return PORCH_OK;
}

static enum porch_err refresh_token(struct token_ctx *t)
{
    struct client_auth_fail fail;
    const char *token = req_form(t->r, "refresh_token");
    char successor[STORE_REFRESH_TOKEN_LEN];
    struct refresh_row row;
    struct db_conn *c = NULL;
    const char *scope = NULL;
    bool authed = false;
    enum porch_err err;

    memset(&row, 0, sizeof(row));
    successor[0] = '\0';
    if (client_auth_parse(t->r, &t->auth, &fail) != PORCH_OK)
        return oauth_fail(t, fail.error, fail.aadsts, fail.description);
    if (!token || !*token)
        return missing(t, "refresh_token");
    err = db_acquire(t->r->srv->db, &c);
    if (err == PORCH_OK)
        err = user_client(t, c, &authed);
    if (err == PORCH_OK && strlen(token) < STORE_REFRESH_TOKEN_LEN)
        err = refresh_scope(t, c, token, &scope);
    if (err == PORCH_OK) {
        err = strlen(token) < STORE_REFRESH_TOKEN_LEN
                  ? store_refresh_rotate(c, t->d->tenant.id, t->auth.client_id, token,
                                         clock_now(), REFRESH_LIFETIME, &row, successor)
                  : PORCH_E_NOT_FOUND;
        if (err == PORCH_E_CONFLICT) {
            log_warn("refresh token of client '%s' reused: grant %s revoked", t->auth.client_id,
                     row.grant_id);
            err = invalid_grant(t, 70008,
                                "The refresh token has been revoked because it was used "
                                "before. Send a new interactive authorization request for this "
                                "user and resource.");
        } else if (err == PORCH_E_NOT_FOUND) {
            err = invalid_grant(t, 70008, MSG_EXPIRED_GRANT);
        } else if (err == PORCH_OK && !row.public_client && !authed) {
            (void)store_refresh_grant_revoke(c, t->d->tenant.id, row.grant_id, clock_now());
            err = confidential_only(t);
        }
    }
    if (err == PORCH_OK) {
        struct user_grant g = {.scope = scope ? scope : row.scope,
                               .resource = row.resource[0] ? row.resource : GRAPH_APP_ID,
                               .sid = row.session_id[0] ? row.session_id : NULL,
                               .grant_id = row.grant_id,
                               .user_id = row.user_id,
                               .refresh = successor,
                               .auth_time = row.auth_time};
        err = issue_user(t, c, &g);
    }
    if (c && (err == PORCH_OK || t->rs->status == 400)) {
        /* refreshes are the non-interactive sign-ins of the log */
        struct signin_record rec = {.tenant_id = t->d->tenant.id,
                                    .user_id = row.user_id[0] ? row.user_id : NULL,
                                    .app_id = t->auth.client_id,
                                    .resource_id = row.resource[0] ? row.resource : NULL,
                                    .interactive = false,
                                    .error_code = err == PORCH_OK ? 0 : SIGNIN_REFRESH_INVALID,
                                    .failure_reason = "The refresh token is invalid, expired "
                                                      "or revoked."};
        signin_record(t->r, c, &rec);
    }
    if (c)
        db_release(c);
    ct_cleanse(successor, sizeof(successor));
    store_refresh_row_release(&row);
    return err;
}

typedef enum porch_err (*grant_fn)(struct token_ctx *t);

/* Grant types this endpoint serves. */
static const struct {
    const char *name;
    grant_fn fn;
} grants[] = {
    {"client_credentials", client_credentials},
    {"authorization_code", authorization_code},
    {"refresh_token", refresh_token},
};

static enum porch_err dispatch(struct token_ctx *t)
{
    const char *gt = req_form(t->r, "grant_type");
    const char *rep = repeated_param(t->r);

    if (rep)
        return oauth_fail(t, "invalid_request", 90100,
                          arena_printf(t->r->arena,
                                       "The request body contains the parameter '%.64s' more "
                                       "than once.",
                                       rep));
    if (!gt || !*gt)
        return missing(t, "grant_type");
    for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
        if (strcmp(grants[i].name, gt) == 0)
            return grants[i].fn(t);
    }
    return oauth_fail(
        t, "unsupported_grant_type", 70003,
        arena_printf(t->r->arena, "The app requested an unsupported grant type '%.64s'.", gt));
}

enum porch_err oidc_token_post(struct req *r, struct resp *rs)
{
    struct token_ctx *t = arena_calloc(r->arena, 1, sizeof(*t));
    enum porch_err err = oidc_tenant_docs(r->srv->oidc, r->params[0], &t->d);

    t->r = r;
    t->rs = rs;
    if (err == PORCH_E_NOT_FOUND)
        return http_error_oauth(
            r, rs, err, "invalid_tenant", 90002,
            arena_printf(r->arena,
                         "Tenant '%.64s' not found. Check to make sure you have the correct "
                         "tenant ID and are signing into the correct cloud.",
                         r->params[0]));
    if (err != PORCH_OK)
        return err;
    err = dispatch(t);
    free(t->grant.resource_data);
    free(t->client.app_data);
    json_decref(t->resource_json);
    tenant_docs_unref(t->d);
    return err;
}

/* RFC 7009: refresh tokens can be revoked; anything else (access tokens) is answered 200 too. */
enum porch_err oidc_revoke_post(struct req *r, struct resp *rs)
{
    struct token_ctx *t = arena_calloc(r->arena, 1, sizeof(*t));
    struct client_auth_fail fail;
    const char *token = req_form(r, "token");
    struct db_conn *c = NULL;
    bool authed = false;
    enum porch_err err = oidc_tenant_docs(r->srv->oidc, r->params[0], &t->d);

    t->r = r;
    t->rs = rs;
    if (err != PORCH_OK)
        return err == PORCH_E_NOT_FOUND
                   ? http_error_oauth(r, rs, err, "invalid_tenant", 90002, "Tenant not found.")
                   : err;
    if (repeated_param(r))
        err = oauth_fail(t, "invalid_request", 90100, "A parameter was sent more than once.");
    else if (client_auth_parse(r, &t->auth, &fail) != PORCH_OK)
        err = oauth_fail(t, fail.error, fail.aadsts, fail.description);
    else if (!token || !*token)
        err = missing(t, "token");
    if (err == PORCH_OK)
        err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = user_client(t, c, &authed);
    if (err == PORCH_OK && strlen(token) < STORE_REFRESH_TOKEN_LEN) {
        err = store_refresh_revoke_token(c, t->d->tenant.id, t->auth.client_id, token,
                                         clock_now());
        if (err == PORCH_E_NOT_FOUND)
            err = PORCH_OK; /* §2.2: an invalid token is not an error */
    }
    if (c)
        db_release(c);
    if (err == PORCH_OK) {
        err = resp_body(rs, 200, JSON_TYPE, "{}", 2);
        resp_header_set(rs, "Cache-Control", "no-store");
    }
    free(t->client.app_data);
    free(t->grant.resource_data);
    json_decref(t->resource_json);
    tenant_docs_unref(t->d);
    return err;
}

enum porch_err oidc_code_redeem(struct req *r, const char *tenant_ref, const char *client_id,
                                const char *redirect_uri, const char *code,
                                const char *code_verifier, json_t **tokens, const char **error,
                                const char **description)
{
    struct kv items[] = {
        {"grant_type", "authorization_code"}, {"client_id", client_id},
        {"redirect_uri", redirect_uri},       {"code", code},
        {"code_verifier", code_verifier},
    };
    struct kvlist saved_form = r->form, saved_headers = r->headers;
    const char *saved_param = r->params[0];
    /* arena-owned: resp_init registers the body's release on the arena */
    struct resp *inner = arena_alloc(r->arena, sizeof(*inner));
    enum porch_err err;
    json_t *body;

    *tokens = NULL;
    *error = "server_error";
    *description = NULL;
    /* the same path as a public client's POST: these fields, no Authorization header */
    r->form.items = items;
    r->form.n = code_verifier ? 5 : 4;
    r->headers.n = 0;
    r->params[0] = tenant_ref;
    resp_init(inner, r->arena, 256 * 1024);
    err = oidc_token_post(r, inner);
    r->form = saved_form;
    r->headers = saved_headers;
    r->params[0] = saved_param;
    body = json_loadb(inner->body.buf ? inner->body.buf : "", inner->body.len, 0, NULL);
    if (err == PORCH_OK && json_is_string(json_object_get(body, "access_token"))) {
        *tokens = body;
        return PORCH_OK;
    }
    if (json_is_string(json_object_get(body, "error"))) {
        *error = arena_strdup(r->arena, json_string_value(json_object_get(body, "error")));
        const char *d = json_string_value(json_object_get(body, "error_description"));
        *description = arena_strdup(r->arena, d ? d : "");
    }
    json_decref(body);
    return err != PORCH_OK ? err : PORCH_E_INVALID;
}
