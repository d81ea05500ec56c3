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
#include "store/assignment.h"
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

typedef enum porch_err (*grant_fn)(struct token_ctx *t);

/* Grant types this endpoint serves. */
static const struct {
    const char *name;
    grant_fn fn;
} grants[] = {
    {"client_credentials", client_credentials},
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
