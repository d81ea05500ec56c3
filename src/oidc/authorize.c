/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorization request validation and the authorization response. See authorize.h for the
 * order of checks and the shape of a validated request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oidc/authorize.h"
#include "oidc/tenant_docs.h"
#include "core/utf8.h"
#include "core/words.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/uuid.h"
#include "db/db.h"
#include "directory/apps.h"
#include "directory/graph_api.h"
#include "directory/redirect_uri.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "http/urlenc.h"
#include "store/app.h"
#include "store/assignment.h"
#include "store/authcode.h"
#include "store/grant.h"
#include "store/sp.h"
#include "core/banned.h"

/* Longest value accepted for the free-text parameters; Entra's state limit is far above. */
#define MAX_STATE      4096
#define MAX_NONCE      1024
#define MAX_HINT       512
#define MAX_CLAIMS     8192
#define MAX_SCOPE      4096
#define MAX_SCOPES     32
#define PKCE_MIN       43
#define PKCE_MAX       128

static const char *const oidc_scopes[] = {"openid", "profile", "email", "offline_access", NULL};

struct authz {
    struct req *r;
    struct tenant_docs *d;
    struct db_conn *c;
    const struct kvlist *params;
    json_t *req;
    struct authz_error *e;
    struct app_row app;
    json_t *app_json;
    char sp_id[UUID_STR_LEN];
};

const char *authz_get(const json_t *request, const char *name)
{
    return json_string_value(json_object_get(request, name));
}

static const char *param(const struct authz *a, const char *name)
{
    return kvlist_get(a->params, name);
}

static enum authz_verdict refuse(struct authz *a, enum authz_verdict v, const char *error,
                               unsigned aadsts, const char *description)
{
    a->e->error = error;
    a->e->aadsts = aadsts;
    a->e->description = description;
    return v;
}

static enum authz_verdict bad_request(struct authz *a, const char *description)
{
    return refuse(a, AUTHZ_ERROR_REDIRECT, "invalid_request", 90014, description);
}

/* --- client and redirect URI ----------------------------------------------------------------- */

/* The port of a loopback URI removed, for RFC 8252 §7.3 comparison; NULL when not loopback. */
static const char *without_port(struct arena *ar, const char *uri)
{
    const char *host, *colon, *end;

    if (strncmp(uri, "http://", 7) != 0 || !redirect_uri_is_loopback(uri))
        return NULL;
    host = uri + 7;
    end = host + strcspn(host, "/?#");
    colon = host[0] == '[' ? strstr(host, "]:") : strchr(host, ':');
    if (colon && host[0] == '[')
        colon++;
    if (!colon || colon >= end)
        return arena_strdup(ar, uri);
    return arena_printf(ar, "%.*s%s", (int)(colon - uri), uri, end);
}

static bool in_list(struct arena *ar, const json_t *list, const char *uri, bool loopback_rule)
{
    const char *bare = loopback_rule ? without_port(ar, uri) : NULL;
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        if (strcmp(s, uri) == 0)
            return true;
        if (bare) {
            const char *b = without_port(ar, s);
            if (b && strcmp(b, bare) == 0)
                return true;
        }
    }
    return false;
}

/* The platform whose list holds uri: "web", "spa", "public", or NULL. */
static const char *platform_of(struct authz *a, const char *uri)
{
    json_t *j = a->app_json;
    struct arena *ar = a->r->arena;

    if (in_list(ar, json_object_get(json_object_get(j, "web"), "redirectUris"), uri, false))
        return "web";
    /* a browser app is served from a fixed origin: only native apps get the loopback port rule */
    if (in_list(ar, json_object_get(json_object_get(j, "spa"), "redirectUris"), uri, false))
        return "spa";
    if (in_list(ar, json_object_get(json_object_get(j, "publicClient"), "redirectUris"), uri,
                true))
        return "public";
    return NULL;
}

/* The client's service principal, created on first use as the token endpoint does. */
static enum porch_err client_sp(struct authz *a, bool *enabled)
{
    struct sp_row sp;
    enum porch_err err;

    memset(&sp, 0, sizeof(sp));
    err = store_sp_get_by_app_id(a->c, a->d->tenant.id, a->app.app_id, &sp);
    if (err == PORCH_E_NOT_FOUND) {
        char id[UUID_STR_LEN];
        err = apps_create_sp(a->c, &a->app, id);
        if (err == PORCH_OK || err == PORCH_E_CONFLICT)
            err = store_sp_get_by_app_id(a->c, a->d->tenant.id, a->app.app_id, &sp);
    }
    if (err == PORCH_OK) {
        snprintf(a->sp_id, sizeof(a->sp_id), "%s", sp.id);
        *enabled = sp.account_enabled;
    }
    store_sp_row_release(&sp);
    return err;
}

static enum porch_err check_client(struct authz *a, enum authz_verdict *v)
{
    struct arena *ar = a->r->arena;
    const char *id = param(a, "client_id"), *uri = param(a, "redirect_uri"), *platform;
    bool enabled = false;
    enum porch_err err;

    *v = AUTHZ_ERROR_PAGE;
    if (kvlist_count(a->params, "client_id") > 1 || kvlist_count(a->params, "redirect_uri") > 1) {
        refuse(a, *v, "invalid_request", 90014,
             "The request has more than one client_id or redirect_uri parameter.");
        return PORCH_OK;
    }
    if (!id || !*id) {
        refuse(a, *v, "invalid_request", 900144,
             "The request body must contain the following parameter: 'client_id'.");
        return PORCH_OK;
    }
    err = uuid_valid(id) ? store_app_get_by_app_id(a->c, a->d->tenant.id, id, &a->app)
                         : PORCH_E_NOT_FOUND;
    if (err == PORCH_E_NOT_FOUND) {
        refuse(a, *v, "unauthorized_client", 700016,
             arena_printf(ar,
                          "Application with identifier '%.64s' was not found in the directory "
                          "'%s'. This can happen if the application has not been installed by "
                          "the administrator of the tenant or consented to by any user in the "
                          "tenant. You might have sent your authentication request to the wrong "
                          "tenant.",
                          id, a->d->tenant.id));
        return PORCH_OK;
    }
    if (err != PORCH_OK)
        return err;
    a->app_json = json_loads(a->app.data ? a->app.data : "{}", 0, NULL);
    if (!uri || !*uri) {
        refuse(a, *v, "invalid_request", 900144,
             "The request body must contain the following parameter: 'redirect_uri'.");
        return PORCH_OK;
    }
    platform = strlen(uri) <= REDIRECT_URI_MAX_LEN ? platform_of(a, uri) : NULL;
    if (!platform) {
        refuse(a, *v, "invalid_request", 50011,
             arena_printf(ar,
                          "The redirect URI '%.300s' specified in the request does not match "
                          "the redirect URIs configured for the application '%s'. Make sure "
                          "the redirect URI sent in the request matches one added to your "
                          "application in the Azure portal.",
                          uri, a->app.app_id));
        return PORCH_OK;
    }
    err = client_sp(a, &enabled);
    if (err != PORCH_OK)
        return err;
    if (!enabled) {
        refuse(a, *v, "unauthorized_client", 7000112,
             arena_printf(ar, "Application '%s'(%.256s) is disabled.", a->app.app_id,
                          a->app.display_name ? a->app.display_name : ""));
        return PORCH_OK;
    }
    json_object_set_new(a->req, "client_id", json_string(a->app.app_id));
    json_object_set_new(a->req, "app_name",
                        json_string(a->app.display_name ? a->app.display_name : ""));
    json_object_set_new(a->req, "redirect_uri", json_string(uri));
    json_object_set_new(a->req, "platform", json_string(platform));
    json_object_set_new(a->req, "client_sp", json_string(a->sp_id));
    *v = AUTHZ_OK;
    return PORCH_OK;
}

/* --- scopes ---------------------------------------------------------------------------------- */

static bool is_oidc_scope(const char *s)
{
    for (size_t i = 0; oidc_scopes[i]; i++) {
        if (strcmp(s, oidc_scopes[i]) == 0)
            return true;
    }
    return false;
}

/* Splits "<resource>/<name>" at the last '/', or gives Graph for a bare name. */
static void split_scope(struct arena *ar, const char *s, const char **resource, const char **name)
{
    const char *slash = strrchr(s, '/');

    if (!slash) {
        *resource = GRAPH_APP_ID;
        *name = s;
        return;
    }
    *resource = arena_strndup(ar, s, (size_t)(slash - s));
    *name = slash + 1;
}

static bool is_graph_name(const struct authz *a, const char *resource)
{
    const char *pub = a->r->srv->cfg->public_url;

    return strcasecmp(resource, GRAPH_APP_ID) == 0 || strcmp(resource, GRAPH_RESOURCE_URI) == 0 ||
           (pub && strcmp(resource, pub) == 0);
}


/* True when the resource's JSON (its service principal) offers the delegated scope name. */
static bool resource_offers(const char *resource_data, const char *name)
{
    json_t *j = json_loads(resource_data ? resource_data : "{}", 0, NULL), *v;
    json_t *list = json_object_get(j, "oauth2PermissionScopes");
    bool found = false;
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *value = json_string_value(json_object_get(v, "value"));
        if (value && strcmp(value, name) == 0 &&
            !json_is_false(json_object_get(v, "isEnabled"))) {
            found = true;
            break;
        }
    }
    json_decref(j);
    return found;
}

static enum porch_err check_scopes(struct authz *a, enum authz_verdict *v)
{
    struct arena *ar = a->r->arena;
    const char *scope = param(a, "scope"), *resource = NULL, *p;
    const char *names[MAX_SCOPES];
    struct sbuf granted;
    struct assignment_grant res;
    char *consented = NULL;
    size_t nnames = 0;
    bool dflt = false;
    enum porch_err err = PORCH_OK;

    *v = AUTHZ_ERROR_REDIRECT;
    memset(&res, 0, sizeof(res));
    sbuf_init(&granted, MAX_SCOPE * 2);
    if (!scope || !*scope) {
        refuse(a, *v, "invalid_request", 900144,
             "The request body must contain the following parameter: 'scope'.");
        goto out;
    }
    if (strlen(scope) > MAX_SCOPE) {
        refuse(a, *v, "invalid_scope", 70011, "The provided value for 'scope' is too long.");
        goto out;
    }
    /* OIDC scopes first, in request order; resource scopes collected by their resource */
    for (p = scope; *p;) {
        size_t n = strcspn(p, " ");
        const char *s = arena_strndup(ar, p, n), *rname, *name;
        p += n + strspn(p + n, " ");
        if (n == 0)
            continue;
        if (is_oidc_scope(s)) {
            if (!words_has(granted.buf, s) &&
                (err = sbuf_addf(&granted, "%s%s", granted.len ? " " : "", s)) != PORCH_OK)
                goto out;
            continue;
        }
        split_scope(ar, s, &rname, &name);
        if (is_graph_name(a, rname))
            rname = GRAPH_APP_ID;
        if (resource && strcmp(resource, rname) != 0) {
            refuse(a, *v, "invalid_scope", 28000,
                 "Provided value for the input parameter scope is not valid because it "
                 "contains more than one resource. Scope openid profile is not valid.");
            goto out;
        }
        if (!*name || nnames == MAX_SCOPES) {
            refuse(a, *v, "invalid_scope", 70011,
                 arena_printf(ar, "The provided value for scope %.256s is not valid.", s));
            goto out;
        }
        resource = rname;
        if (strcmp(name, ".default") == 0)
            dflt = true;
        else
            names[nnames++] = name;
    }
    if (!resource) {
        json_object_set_new(a->req, "resource", json_string(GRAPH_APP_ID));
        goto done;
    }
    err = store_assignment_resource_roles(a->c, a->d->tenant.id, resource, "", true, &res);
    if (err == PORCH_E_NOT_FOUND) {
        err = PORCH_OK;
        refuse(a, *v, "invalid_resource", 500011,
             arena_printf(ar,
                          "The resource principal named %.256s was not found in the tenant "
                          "named %s. This can happen if the application has not been installed "
                          "by the administrator of the tenant or consented to by any user in the "
                          "tenant. You might have sent your authentication request to the wrong "
                          "tenant.",
                          resource, a->d->tenant.id));
        goto out;
    }
    if (err != PORCH_OK)
        goto out;
    err = store_grant_scopes(a->c, a->d->tenant.id, a->sp_id, res.resource_id, NULL, &consented);
    if (err != PORCH_OK)
        goto out;
    for (size_t i = 0; i < nnames; i++) {
        bool graph = strcmp(res.resource_app_id, GRAPH_APP_ID) == 0;
        if (!graph && !resource_offers(res.resource_data, names[i])) {
            refuse(a, *v, "invalid_scope", 70011,
                 arena_printf(ar,
                              "The provided value for the input parameter 'scope' is not valid. "
                              "The scope %.128s is not offered by the resource %.128s.",
                              names[i], resource));
            goto out;
        }
        if (!words_has(consented, names[i])) {
            refuse(a, *v, "consent_required", 65001,
                 arena_printf(ar,
                              "The user or administrator has not consented to use the "
                              "application with ID '%s' named '%.256s'. Send an interactive "
                              "authorization request for this user and resource.",
                              a->app.app_id, a->app.display_name ? a->app.display_name : ""));
            goto out;
        }
        if (!words_has(granted.buf, names[i]) &&
            (err = sbuf_addf(&granted, "%s%s", granted.len ? " " : "", names[i])) != PORCH_OK)
            goto out;
    }
    if (dflt && !*consented && nnames == 0) {
        refuse(a, *v, "consent_required", 65001,
               arena_printf(ar,
                            "The user or administrator has not consented to use the application "
                            "with ID '%s' named '%.256s'. Send an interactive authorization "
                            "request for this user and resource.",
                            a->app.app_id, a->app.display_name ? a->app.display_name : ""));
        goto out;
    }
    if (dflt) {
        for (p = consented; *p;) {
            size_t n = strcspn(p, " ");
            const char *s = arena_strndup(ar, p, n);
            p += n + strspn(p + n, " ");
            if (n && !words_has(granted.buf, s) &&
                (err = sbuf_addf(&granted, "%s%s", granted.len ? " " : "", s)) != PORCH_OK)
                goto out;
        }
    }
    json_object_set_new(a->req, "resource", json_string(res.resource_app_id));
done:
    json_object_set_new(a->req, "scope", json_string(granted.buf ? granted.buf : ""));
    *v = AUTHZ_OK;
out:
    free(consented);
    free(res.resource_data);
    sbuf_release(&granted);
    return err;
}

/* --- the other parameters -------------------------------------------------------------------- */

static bool pkce_value_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < PKCE_MIN || n > PKCE_MAX)
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
}

/* True when s is valid UTF-8 (JSON strings, and so the stored request, need it). */
static bool utf8_ok(const char *s)
{
    size_t n;

    return !s || utf8_count(s, strlen(s), &n);
}

static void copy_opt(struct authz *a, const char *name)
{
    const char *v = param(a, name);

    if (v && *v)
        json_object_set_new(a->req, name, json_string(v));
}

static bool prompt_ok(const char *p)
{
    static const char *const ok[] = {"none", "login", "select_account", "create", "consent", NULL};
    size_t words = 0;
    bool none = false;

    while (*p) {
        size_t n = strcspn(p, " ");
        bool found = false;
        for (size_t i = 0; ok[i] && n; i++) {
            if (strlen(ok[i]) == n && strncmp(p, ok[i], n) == 0)
                found = true;
        }
        if (n && !found)
            return false;
        if (n == 4 && strncmp(p, "none", 4) == 0)
            none = true;
        words += n > 0;
        p += n + strspn(p + n, " ");
    }
    return words > 0 && !(none && words > 1);
}

static enum authz_verdict check_rest(struct authz *a)
{
    struct arena *ar = a->r->arena;
    const char *rt = param(a, "response_type"), *mode = param(a, "response_mode");
    const char *cc = param(a, "code_challenge"), *ccm = param(a, "code_challenge_method");
    const char *prompt = param(a, "prompt"), *max_age = param(a, "max_age");
    const char *claims = param(a, "claims"), *ci = param(a, "client_info");
    const char *platform = authz_get(a->req, "platform");
    const char *state = param(a, "state"), *nonce = param(a, "nonce");

    /* state first: every error from here on carries it back; one we cannot carry is a page */
    if (!utf8_ok(state))
        return refuse(a, AUTHZ_ERROR_PAGE, "invalid_request", 90014,
                      "The state parameter is not valid UTF-8.");
    if (state && strlen(state) <= MAX_STATE)
        json_object_set_new(a->req, "state", json_string(state));
    if (mode && strcmp(mode, "query") != 0 && strcmp(mode, "form_post") != 0 &&
        strcmp(mode, "fragment") != 0)
        return bad_request(
            a, arena_printf(ar, "The response_mode '%.32s' is not supported.", mode));
    json_object_set_new(a->req, "response_mode", json_string(mode ? mode : "query"));
    for (size_t i = 0; i < a->params->n; i++) {
        const char *n = a->params->items[i].name;
        if (kvlist_count(a->params, n) > 1)
            return bad_request(
                a, arena_printf(ar, "The request has more than one '%.64s' parameter.", n));
    }
    if (state && strlen(state) > MAX_STATE)
        return bad_request(a, "The state parameter is too long.");
    if (!rt || !*rt)
        return refuse(a, AUTHZ_ERROR_REDIRECT, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'response_type'.");
    if (strcmp(rt, "code") != 0)
        return refuse(a, AUTHZ_ERROR_REDIRECT, "unsupported_response_type", 700054,
                    arena_printf(ar,
                                 "The response_type '%.64s' is not enabled for the application. "
                                 "Only 'code' is supported.",
                                 rt));
    if (param(a, "request"))
        return refuse(a, AUTHZ_ERROR_REDIRECT, "request_not_supported", 90014,
                    "Request objects (the 'request' parameter) are not supported.");
    if (param(a, "request_uri"))
        return refuse(a, AUTHZ_ERROR_REDIRECT, "request_uri_not_supported", 90014,
                    "The 'request_uri' parameter is not supported.");
    for (size_t i = 0; i < a->params->n; i++) {
        if (!utf8_ok(a->params->items[i].value))
            return bad_request(a, arena_printf(ar, "The '%.64s' parameter is not valid UTF-8.",
                                               utf8_ok(a->params->items[i].name)
                                                   ? a->params->items[i].name
                                                   : "?"));
    }
    if (nonce && strlen(nonce) > MAX_NONCE)
        return bad_request(a, "The nonce parameter is too long.");
    if (nonce && *nonce)
        json_object_set_new(a->req, "nonce", json_string(nonce));
    if (ccm && (!cc || !*cc))
        return bad_request(a, "code_challenge_method was sent without a code_challenge.");
    if (cc && *cc) {
        if (!ccm || strcmp(ccm, "S256") != 0)
            return refuse(a, AUTHZ_ERROR_REDIRECT, "invalid_request", 90014,
                        "The code_challenge_method must be 'S256'; 'plain' is not supported.");
        if (!pkce_value_ok(cc))
            return bad_request(a, "The code_challenge is not a valid S256 challenge.");
        json_object_set_new(a->req, "code_challenge", json_string(cc));
    } else if (strcmp(platform, "web") != 0) {
        return refuse(a, AUTHZ_ERROR_REDIRECT, "invalid_request", 9002325,
                    "Proof Key for Code Exchange is required for cross-origin authorization "
                    "code redemption.");
    }
    if (prompt && *prompt) {
        if (!prompt_ok(prompt))
            return refuse(a, AUTHZ_ERROR_REDIRECT, "invalid_request", 90023,
                        arena_printf(ar, "Invalid value '%.64s' for parameter 'prompt'.", prompt));
        json_object_set_new(a->req, "prompt", json_string(prompt));
    }
    if (max_age && *max_age) {
        char *end;
        long long m = strtoll(max_age, &end, 10);
        if (*end || m < 0 || end == max_age)
            return bad_request(a, "max_age must be a non-negative integer.");
        json_object_set_new(a->req, "max_age", json_integer(m));
    } else {
        json_object_set_new(a->req, "max_age", json_integer(-1));
    }
    if (claims && *claims) {
        json_t *j = strlen(claims) <= MAX_CLAIMS ? json_loads(claims, 0, NULL) : NULL;
        bool ok = json_is_object(j);
        json_decref(j);
        if (!ok)
            return bad_request(a, "The claims parameter is not a valid JSON object.");
        json_object_set_new(a->req, "claims", json_string(claims));
    }
    for (const char *const *h = (const char *const[]){"login_hint", "domain_hint", "ui_locales",
                                                      NULL};
         *h; h++) {
        const char *val = param(a, *h);
        if (val && strlen(val) > MAX_HINT)
            return bad_request(a, arena_printf(ar, "The %s parameter is too long.", *h));
        copy_opt(a, *h);
    }
    json_object_set_new(a->req, "client_info", json_boolean(ci && strcmp(ci, "1") == 0));
    return AUTHZ_OK;
}

enum porch_err authz_validate(struct req *r, struct tenant_docs *d, struct db_conn *c,
                              json_t **request, enum authz_verdict *verdict,
                              struct authz_error *e)
{
    struct authz a = {.r = r, .d = d, .c = c, .e = e};
    enum porch_err err;

    memset(e, 0, sizeof(*e));
    *request = NULL;
    a.params = strcmp(r->method, "POST") == 0 ? &r->form : &r->query;
    a.req = json_object();
    err = check_client(&a, verdict);
    if (err == PORCH_OK && *verdict == AUTHZ_OK)
        *verdict = check_rest(&a);
    if (err == PORCH_OK && *verdict == AUTHZ_OK)
        err = check_scopes(&a, verdict);
    store_app_row_release(&a.app);
    json_decref(a.app_json);
    if (err != PORCH_OK || *verdict == AUTHZ_ERROR_PAGE) {
        json_decref(a.req);
        return err;
    }
    *request = a.req;
    return PORCH_OK;
}

enum porch_err authz_recheck(struct req *r, struct tenant_docs *d, struct db_conn *c,
                             const json_t *request, bool *still_ok)
{
    struct authz a = {.r = r, .d = d, .c = c};
    const char *id = authz_get(request, "client_id"), *uri = authz_get(request, "redirect_uri");
    const char *was = authz_get(request, "platform"), *now_is;
    struct sp_row sp;
    enum porch_err err;

    *still_ok = false;
    memset(&sp, 0, sizeof(sp));
    if (!id || !uri || !was)
        return PORCH_OK;
    err = store_app_get_by_app_id(c, d->tenant.id, id, &a.app);
    if (err == PORCH_E_NOT_FOUND)
        return PORCH_OK;
    if (err != PORCH_OK)
        return err;
    a.app_json = json_loads(a.app.data ? a.app.data : "{}", 0, NULL);
    now_is = platform_of(&a, uri);
    err = store_sp_get_by_app_id(c, d->tenant.id, id, &sp);
    if (err == PORCH_OK)
        *still_ok = now_is && strcmp(now_is, was) == 0 && sp.account_enabled;
    if (err == PORCH_E_NOT_FOUND)
        err = PORCH_OK;
    store_sp_row_release(&sp);
    store_app_row_release(&a.app);
    json_decref(a.app_json);
    return err;
}

/* --- responses ------------------------------------------------------------------------------- */

bool authz_too_old(const json_t *request, int64_t auth_time, int64_t now)
{
    json_int_t m = json_integer_value(json_object_get(request, "max_age"));

    if (!json_is_integer(json_object_get(request, "max_age")) || m < 0)
        return false;
    return now - auth_time > (int64_t)m;
}

const char *authz_redirect_origin(struct req *r, const json_t *request)
{
    const char *uri = authz_get(request, "redirect_uri"), *p;
    size_t n;

    if (!uri || !(p = strstr(uri, "://")))
        return NULL;
    n = (size_t)(p + 3 - uri) + strcspn(p + 3, "/?#");
    return arena_strndup(r->arena, uri, n);
}

struct kvpair {
    const char *name, *value;
};

/* The form_post page: a form the browser submits by itself (a hashed inline script). */
#define FORM_POST_SCRIPT "document.forms[0].submit();"
/* base64 of SHA-256(FORM_POST_SCRIPT); tests/unit/oidc/test_authorize.c checks it */
#define FORM_POST_SCRIPT_HASH "sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ="

static enum porch_err respond(struct req *r, struct resp *rs, const json_t *request,
                              const struct kvpair *kv, size_t n)
{
    const char *uri = authz_get(request, "redirect_uri"), *mode = authz_get(request,
                                                                            "response_mode");
    const char *origin = authz_redirect_origin(r, request);
    struct sbuf sb;
    enum porch_err err = PORCH_OK;

    sbuf_init(&sb, 64 * 1024);
    if (mode && strcmp(mode, "form_post") == 0) {
        err = sbuf_adds(&sb, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Working"
                             "…</title></head><body><form method=\"post\" action=\"");
        if (err == PORCH_OK)
            err = http_html_escape(&sb, uri);
        if (err == PORCH_OK)
            err = sbuf_adds(&sb, "\">");
        for (size_t i = 0; err == PORCH_OK && i < n; i++) {
            if (!kv[i].value)
                continue;
            err = sbuf_addf(&sb, "<input type=\"hidden\" name=\"%s\" value=\"", kv[i].name);
            if (err == PORCH_OK)
                err = http_html_escape(&sb, kv[i].value);
            if (err == PORCH_OK)
                err = sbuf_adds(&sb, "\">");
        }
        if (err == PORCH_OK)
            err = sbuf_adds(&sb, "<noscript><button type=\"submit\">Continue</button></noscript>"
                                 "</form><script>" FORM_POST_SCRIPT "</script></body></html>");
        if (err == PORCH_OK)
            err = resp_body(rs, 200, "text/html; charset=utf-8", sb.buf, sb.len);
        if (err == PORCH_OK)
            resp_header_set(rs, "Content-Security-Policy",
                            arena_printf(r->arena,
                                         "default-src 'none'; script-src '" FORM_POST_SCRIPT_HASH
                                         "'; form-action %s; frame-ancestors 'none'; "
                                         "base-uri 'none'",
                                         origin ? origin : "'none'"));
    } else {
        char sep = mode && strcmp(mode, "fragment") == 0 ? '#' : (strchr(uri, '?') ? '&' : '?');
        err = sbuf_adds(&sb, uri);
        for (size_t i = 0; err == PORCH_OK && i < n; i++) {
            if (!kv[i].value)
                continue;
            err = sbuf_addf(&sb, "%c%s=", sep, kv[i].name);
            if (err == PORCH_OK)
                err = urlenc_encode(&sb, kv[i].value);
            sep = '&';
        }
        if (err == PORCH_OK) {
            rs->status = 302;
            resp_header_set(rs, "Location", arena_strdup(r->arena, sb.buf));
        }
    }
    sbuf_release(&sb);
    return err;
}

enum porch_err authz_respond_error(struct req *r, struct resp *rs, const struct tenant_docs *d,
                                   const json_t *request, const struct authz_error *e)
{
    const char *desc = arena_printf(r->arena, "AADSTS%u: %s", e->aadsts,
                                    e->description ? e->description : "");
    struct kvpair kv[] = {
        {"error", e->error},
        {"error_description", desc},
        {"error_codes", arena_printf(r->arena, "[%u]", e->aadsts)},
        {"error_uri", arena_printf(r->arena, "%s/error?code=%u", req_base_url(r), e->aadsts)},
        {"state", authz_get(request, "state")},
        {"iss", d->issuer},
    };

    return respond(r, rs, request, kv, sizeof(kv) / sizeof(kv[0]));
}

static char *opt_dup(struct req *r, const char *s)
{
    return s ? arena_strdup(r->arena, s) : NULL;
}

enum porch_err authz_respond_code(struct req *r, struct resp *rs, const struct tenant_docs *d,
                                  struct db_conn *c, const json_t *request, const char *user_id,
                                  int64_t auth_time, const char *session_hash)
{
    struct authcode_row row;
    char code[STORE_AUTHCODE_LEN];
    const char *platform = authz_get(request, "platform");
    enum porch_err err;

    memset(&row, 0, sizeof(row));
    snprintf(row.tenant_id, sizeof(row.tenant_id), "%s", d->tenant.id);
    snprintf(row.client_id, sizeof(row.client_id), "%s", authz_get(request, "client_id"));
    snprintf(row.user_id, sizeof(row.user_id), "%s", user_id);
    snprintf(row.session_id, sizeof(row.session_id), "%s", session_hash ? session_hash : "");
    /* the row's strings are not freed here: arena copies */
    row.redirect_uri = arena_strdup(r->arena, authz_get(request, "redirect_uri"));
    row.code_challenge = opt_dup(r, authz_get(request, "code_challenge"));
    row.nonce = opt_dup(r, authz_get(request, "nonce"));
    row.scope = arena_strdup(r->arena, authz_get(request, "scope"));
    row.auth_time = auth_time;
    row.public_client = platform && strcmp(platform, "web") != 0;
    row.client_info = json_is_true(json_object_get(request, "client_info"));
    snprintf(row.resource, sizeof(row.resource), "%s",
             authz_get(request, "resource") ? authz_get(request, "resource") : GRAPH_APP_ID);
    err = store_authcode_issue(c, &row, clock_now(), AUTHZ_CODE_TTL, code);
    if (err != PORCH_OK)
        return err;
    {
        struct kvpair kv[] = {
            {"code", arena_strdup(r->arena, code)},
            {"state", authz_get(request, "state")},
            {"iss", d->issuer},
        };
        err = respond(r, rs, request, kv, sizeof(kv) / sizeof(kv[0]));
    }
    memset(code, 0, sizeof(code));
    return err;
}
