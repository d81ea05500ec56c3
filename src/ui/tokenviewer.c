/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token viewer page. It is an ordinary public client of the tenant (PKCE, state in a
 * __Host- cookie), so what it shows is exactly what an app would get. The redirect URI is
 * chosen from the viewer's registered ones to match the address the browser is on, because
 * the state cookie only comes back to the host that set it. Token content reaches the page
 * only through escaped template values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ui/tokenviewer.h"
#include "core/arena.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/rand.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "directory/builtin_apps.h"
#include "directory/redirect_uri.h"
#include "http/cookie.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "http/urlenc.h"
#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "store/app.h"
#include "ui/i18n.h"
#include "ui/pages.h"
#include "ui/tmpl.h"
#include "core/banned.h"

#define COOKIE_MAX_AGE 600
#define STATE_BYTES    16
#define VERIFIER_BYTES 32 /* RFC 7636 §4.1: 43 base64url characters */
#define SCOPE          "openid profile email offline_access"
#define JWT_PART_MAX   (32 * 1024) /* decoded bytes of a token's header or payload */
#define URL_MAX        (8 * 1024)

/* What one request of the page works with. Strings are arena-owned. */
struct view {
    struct tenant_docs *d;
    const char *locale;
    const char *redirect_uri; /* the page's own URL as registered: start and callback */
    const char *base;         /* redirect_uri without "/tokenviewer": "<base>/<tenant-id>" */
};

/* Claims whose meaning the page explains (key "tokenviewer.claim.<name>"). */
/* clang-format off */
static const char *const known_claims[] = {
    "aud", "iss", "iat", "nbf", "exp", "sub", "oid", "tid", "ver", "name", "given_name",
    "family_name", "preferred_username", "email", "nonce", "auth_time", "sid", "scp", "roles",
    "azp", "azpacr", "idp", "at_hash", "uti", "rh", "appid", "idtyp",
};
/* clang-format on */

/* Claims that are times, shown with their UTC date too. */
static const char *const time_claims[] = {"iat", "nbf", "exp", "auth_time"};

static bool in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0)
            return true;
    }
    return false;
}

/* A localized string; "" when no locale has key (a missing key must not blank the page). */
static const char *tv_text(const char *locale, const char *key)
{
    const char *s = i18n_text(locale, key);

    return s ? s : "";
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* Decodes one base64url JSON part of a JWT (n bytes at s) into *out (caller decrefs). */
static enum porch_err decode_part(const char *s, size_t n, json_t **out)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    enum porch_err err = PORCH_E_INVALID;

    *out = NULL;
    if (n == 0 || n > JWT_PART_MAX * 4 / 3 + 4)
        return PORCH_E_INVALID;
    buf = xmalloc(JWT_PART_MAX);
    if (b64url_decode(s, n, buf, JWT_PART_MAX, &len) != PORCH_OK)
        goto out;
    *out = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        goto out;
    }
    err = PORCH_OK;
out:
    free(buf);
    return err;
}

/*
 * Splits a compact JWS into its decoded header and payload (caller decrefs both). The
 * signature is not checked: the token came from our own token endpoint a moment ago.
 */
static enum porch_err jwt_decode(const char *jwt, json_t **header, json_t **payload)
{
    const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    enum porch_err err;

    *header = NULL;
    *payload = NULL;
    if (!dot2 || strchr(dot2 + 1, '.'))
        return PORCH_E_INVALID;
    err = decode_part(jwt, (size_t)(dot1 - jwt), header);
    if (err == PORCH_OK)
        err = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), payload);
    if (err != PORCH_OK) {
        json_decref(*header);
        *header = NULL;
    }
    return err;
}

/* j pretty-printed, as the page shows it (arena-owned). */
static const char *pretty(struct arena *a, const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    const char *copy = arena_strdup(a, s ? s : "");

    free(s);
    return copy;
}

/* A claim's value as the table shows it: strings as they are, times with their UTC date. */
static const char *claim_text(struct arena *a, const char *name, const json_t *v)
{
    char iso[32];
    char *s;
    const char *copy;

    if (json_is_string(v))
        return arena_strdup(a, json_string_value(v));
    if (json_is_integer(v) && in(time_claims, sizeof(time_claims) / sizeof(time_claims[0]), name))
        return arena_printf(a, "%" JSON_INTEGER_FORMAT " (%s)", json_integer_value(v),
                            clock_format_iso((int64_t)json_integer_value(v), iso, sizeof(iso)));
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    copy = arena_strdup(a, s ? s : "");
    free(s);
    return copy;
}

/* The explanation of a well-known claim in locale, or "" (static or arena-owned). */
static const char *claim_meaning(struct arena *a, const char *locale, const char *name)
{
    const char *text;

    if (!in(known_claims, sizeof(known_claims) / sizeof(known_claims[0]), name))
        return "";
    text = i18n_text(locale, arena_printf(a, "tokenviewer.claim.%s", name));
    return text ? text : "";
}

/*
 * The claims table of payload: an array of {name, value, meaning}, in the token's order (caller
 * decrefs). Values are plain text; the template escapes them.
 */
static json_t *claims_table(struct arena *a, const char *locale, json_t *payload)
{
    json_t *rows = json_array(), *v;
    const char *k;

    json_object_foreach(payload, k, v)
    {
        json_array_append_new(rows,
                              json_pack("{s:s, s:s, s:s}", "name", k, "value", claim_text(a, k, v),
                                        "meaning", claim_meaning(a, locale, k)));
    }
    return rows;
}

/* ---- the redirect URI -------------------------------------------------------------------- */

/* uri without the port of its authority (arena-owned). */
static const char *without_port(struct arena *a, const char *uri)
{
    const char *auth = strstr(uri, "://"), *end, *colon;

    if (!auth)
        return uri;
    auth += 3;
    end = auth + strcspn(auth, "/?");
    colon = end;
    while (colon > auth && colon[-1] != ':' && colon[-1] != ']')
        colon--;
    if (colon == auth || colon[-1] != ':')
        return uri;
    return arena_printf(a, "%.*s%s", (int)(colon - 1 - uri), uri, end);
}

/*
 * Whether the registered URI u names the page at want; *use gets the string to send as
 * redirect_uri. Registered strings are compared ignoring case (a browser lower-cases the host
 * it shows us); loopback URIs also match on another port, as the authorize endpoint allows
 * (RFC 8252 §7.3), and then the address actually used is sent.
 */
static bool names_page(struct arena *a, const char *u, const char *want, const char **use)
{
    if (strcasecmp(u, want) == 0) {
        *use = u;
        return true;
    }
    if (strncmp(u, "http://", 7) == 0 && strncmp(want, "http://", 7) == 0 &&
        redirect_uri_is_loopback(u) && redirect_uri_is_loopback(want) &&
        strcmp(without_port(a, u), without_port(a, want)) == 0) {
        *use = want;
        return true;
    }
    return false;
}

static void decref(void *j)
{
    json_decref(j);
}

/* The viewer's spa.redirectUris in tenant tid (arena-owned). PORCH_E_NOT_FOUND without it. */
static enum porch_err viewer_uris(struct req *r, const char *tid, const json_t **out)
{
    struct db_conn *c = NULL;
    struct app_row app;
    json_t *data = NULL;
    enum porch_err err;

    memset(&app, 0, sizeof(app));
    err = db_acquire(r->srv->db, &c);
    if (err == PORCH_OK)
        err = store_app_get_by_app_id(c, tid, PORCH_TOKEN_VIEWER_APP_ID, &app);
    if (c)
        db_release(c);
    if (err == PORCH_OK)
        data = json_loads(app.data ? app.data : "{}", 0, NULL);
    store_app_row_release(&app);
    if (err != PORCH_OK)
        return err;
    arena_defer(r->arena, decref, data);
    *out = json_object_get(json_object_get(data, "spa"), "redirectUris");
    return PORCH_OK;
}

/*
 * Picks v->redirect_uri: the registered URI of the address the browser used, else the one
 * under the public URL. PORCH_E_NOT_FOUND when neither is registered; *hint then gets a
 * registered page URL to offer instead (or NULL).
 */
static enum porch_err pick_redirect(struct req *r, struct view *v, const json_t *uris,
                                    const char **hint)
{
    const char *tid = v->d->tenant.id, *own = NULL, *pub = NULL, *u, *use;
    const char *here = r->host ? arena_printf(r->arena, "%s://%s/%s" PORCH_TOKEN_VIEWER_PATH,
                                              r->scheme ? r->scheme : "http", r->host, tid)
                               : NULL;
    const char *at_base =
        arena_printf(r->arena, "%s/%s" PORCH_TOKEN_VIEWER_PATH, req_base_url(r), tid);
    size_t i;
    json_t *e;

    *hint = NULL;
    json_array_foreach(uris, i, e)
    {
        u = json_string_value(e);
        if (!u)
            continue;
        if (!own && here && names_page(r->arena, u, here, &use))
            own = use;
        if (!pub && names_page(r->arena, u, at_base, &use))
            pub = use;
        if (!*hint && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0))
            *hint = u;
    }
    v->redirect_uri = own ? own : pub;
    if (!v->redirect_uri)
        return PORCH_E_NOT_FOUND;
    v->base = arena_strndup(r->arena, v->redirect_uri,
                            strlen(v->redirect_uri) - strlen(PORCH_TOKEN_VIEWER_PATH));
    return PORCH_OK;
}

/* ---- pages ------------------------------------------------------------------------------- */

/* The error page with message (plain text), a link to start again when there is one. */
static enum porch_err show_error(struct req *r, struct resp *rs, const struct view *v,
                                 enum porch_err why, const char *message, const char *back)
{
    struct tmpl_data d;
    enum porch_err err;

    tmpl_data_init(&d);
    d.locale = v->locale;
    tmpl_set(&d, "message", message);
    tmpl_set(&d, "request_id", r->request_id);
    tmpl_set(&d, "back_url", back);
    err = pages_respond(r, rs, http_error_status(why), "error", &d, NULL);
    tmpl_data_release(&d);
    return err == PORCH_OK ? why : err;
}

/* Adds one decoded token to the page's "tokens" list; a token that does not decode is skipped. */
static void add_token(struct req *r, const struct view *v, struct tmpl_data *d,
                      const char *title_key, const char *jwt)
{
    json_t *header = NULL, *payload = NULL, *item, *exp;
    char iso[32];

    if (!jwt || jwt_decode(jwt, &header, &payload) != PORCH_OK)
        return;
    item = tmpl_list_add(d, "tokens");
    json_object_set_new(item, "title", json_string(tv_text(v->locale, title_key)));
    exp = json_object_get(payload, "exp");
    json_object_set_new(
        item, "expires",
        json_string(json_is_integer(exp)
                        ? clock_format_iso((int64_t)json_integer_value(exp), iso, sizeof(iso))
                        : ""));
    json_object_set_new(item, "header", json_string(pretty(r->arena, header)));
    json_object_set_new(item, "payload", json_string(pretty(r->arena, payload)));
    json_object_set_new(item, "claims", claims_table(r->arena, v->locale, payload));
    json_decref(header);
    json_decref(payload);
}

/* The token response without the tokens: what else the app was told. */
static void add_response(struct req *r, const struct view *v, struct tmpl_data *d, json_t *tokens)
{
    const char *k;
    json_t *val, *ci, *item;

    json_object_foreach(tokens, k, val)
    {
        const char *text;
        if (strcmp(k, "id_token") == 0 || strcmp(k, "access_token") == 0)
            continue;
        if (strcmp(k, "refresh_token") == 0)
            text = tv_text(v->locale, "tokenviewer.refresh_issued");
        else if (strcmp(k, "client_info") == 0 && json_is_string(val) &&
                 decode_part(json_string_value(val), json_string_length(val), &ci) == PORCH_OK) {
            text = claim_text(r->arena, k, ci);
            json_decref(ci);
        } else
            text = claim_text(r->arena, k, val);
        item = tmpl_list_add(d, "response");
        json_object_set_new(item, "name", json_string(k));
        json_object_set_new(item, "value", json_string(text ? text : ""));
    }
}

static enum porch_err show_tokens(struct req *r, struct resp *rs, const struct view *v,
                                  json_t *tokens)
{
    struct tmpl_data d;
    enum porch_err err;

    tmpl_data_init(&d);
    d.locale = v->locale;
    tmpl_set(&d, "tenant", v->d->tenant.display_name);
    tmpl_set(&d, "signin_url", v->redirect_uri);
    tmpl_set(&d, "signout_url", arena_printf(r->arena, "%s/oauth2/v2.0/logout", v->base));
    add_token(r, v, &d, "tokenviewer.id_token",
              json_string_value(json_object_get(tokens, "id_token")));
    add_token(r, v, &d, "tokenviewer.access_token",
              json_string_value(json_object_get(tokens, "access_token")));
    add_response(r, v, &d, tokens);
    if (!json_object_get(d.vars, "tokens"))
        json_object_set_new(d.vars, "tokens", json_array());
    if (!json_object_get(d.vars, "response"))
        json_object_set_new(d.vars, "response", json_array());
    err = pages_respond(r, rs, 200, "tokenviewer", &d, NULL);
    tmpl_data_release(&d);
    return err;
}

/* ---- start and callback ------------------------------------------------------------------ */

/* Appends "&name=<value percent-encoded>" (or "?" first) to sb. */
static enum porch_err add_param(struct sbuf *sb, const char *name, const char *value)
{
    enum porch_err err = sbuf_addf(sb, "%c%s=", strchr(sb->buf, '?') ? '&' : '?', name);

    return err == PORCH_OK ? urlenc_encode(sb, value) : err;
}

/* The authorize URL for this sign-in (arena-owned), or NULL when it does not fit. */
static const char *authorize_url(struct req *r, const struct view *v, const char *state,
                                 const char *nonce, const char *challenge)
{
    static const char *const prompts[] = {"login", "select_account", "create", "none"};
    const char *prompt = req_query(r, "prompt");
    struct sbuf sb;
    enum porch_err err;
    const char *url = NULL;

    sbuf_init(&sb, URL_MAX);
    err = sbuf_addf(&sb, "%s/oauth2/v2.0/authorize", v->base);
    if (err == PORCH_OK)
        err = add_param(&sb, "client_id", PORCH_TOKEN_VIEWER_APP_ID);
    if (err == PORCH_OK)
        err = add_param(&sb, "response_type", "code");
    if (err == PORCH_OK)
        err = add_param(&sb, "redirect_uri", v->redirect_uri);
    if (err == PORCH_OK)
        err = add_param(&sb, "scope", SCOPE);
    if (err == PORCH_OK)
        err = add_param(&sb, "code_challenge", challenge);
    if (err == PORCH_OK)
        err = add_param(&sb, "code_challenge_method", "S256");
    if (err == PORCH_OK)
        err = add_param(&sb, "state", state);
    if (err == PORCH_OK)
        err = add_param(&sb, "nonce", nonce);
    if (err == PORCH_OK)
        err = add_param(&sb, "client_info", "1");
    if (err == PORCH_OK && prompt && in(prompts, sizeof(prompts) / sizeof(prompts[0]), prompt))
        err = add_param(&sb, "prompt", prompt);
    if (err == PORCH_OK)
        url = arena_strdup(r->arena, sb.buf);
    sbuf_release(&sb);
    return url;
}

/* No code yet: a new state, nonce and PKCE pair, the cookie, and off to authorize. */
static enum porch_err start(struct req *r, struct resp *rs, const struct view *v)
{
    char state[B64_ENCODED_SIZE(STATE_BYTES)], nonce[B64_ENCODED_SIZE(STATE_BYTES)];
    char verifier[B64_ENCODED_SIZE(VERIFIER_BYTES)], challenge[DIGEST_SHA256_B64URL_LEN];
    char cookie[sizeof(state) + sizeof(verifier)];
    const char *url;
    enum porch_err err;

    rand_token(state, sizeof(state), STATE_BYTES);
    rand_token(nonce, sizeof(nonce), STATE_BYTES);
    rand_token(verifier, sizeof(verifier), VERIFIER_BYTES);
    err = digest_sha256_b64url(verifier, challenge);
    snprintf(cookie, sizeof(cookie), "%s.%s", state, verifier);
    url = authorize_url(r, v, state, nonce, challenge);
    if (err == PORCH_OK && !url)
        err = PORCH_E_TOO_BIG;
    if (err == PORCH_OK)
        err = resp_cookie(rs, TOKENVIEWER_COOKIE, cookie, COOKIE_MAX_AGE, 0);
    if (err == PORCH_OK) {
        rs->status = 302;
        resp_header_set(rs, "Location", url);
        resp_header_set(rs, "Cache-Control", "no-store");
    }
    ct_cleanse(verifier, sizeof(verifier));
    ct_cleanse(cookie, sizeof(cookie));
    return err;
}

/*
 * The verifier of this sign-in from the cookie, when the cookie's state equals the state
 * the authorize endpoint sent back (arena-owned), else NULL.
 */
static const char *verifier_for(struct req *r, const char *state)
{
    const char *cookie = req_cookie(r, TOKENVIEWER_COOKIE);
    const char *dot = cookie ? strchr(cookie, '.') : NULL;
    size_t n = dot ? (size_t)(dot - cookie) : 0;

    if (!dot || !state || strlen(state) != n || n == 0 || ct_compare(cookie, state, n) != 0)
        return NULL;
    return dot[1] ? dot + 1 : NULL;
}

/* Back with a code: check the state, redeem the code and show the tokens. */
static enum porch_err callback(struct req *r, struct resp *rs, const struct view *v,
                               const char *code)
{
    const char *verifier = verifier_for(r, req_query(r, "state"));
    const char *error = NULL, *description = NULL;
    json_t *tokens = NULL;
    enum porch_err err;

    if (!verifier)
        return show_error(r, rs, v, PORCH_E_INVALID, tv_text(v->locale, "tokenviewer.error.state"),
                          v->redirect_uri);
    err = oidc_code_redeem(r, v->d->tenant.id, PORCH_TOKEN_VIEWER_APP_ID, v->redirect_uri, code,
                           verifier, &tokens, &error, &description);
    if (err != PORCH_OK)
        return show_error(r, rs, v, err, description ? description : error, v->redirect_uri);
    err = show_tokens(r, rs, v, tokens);
    json_decref(tokens);
    return err;
}

/* The tenant, the locale and the redirect URI; on failure the error page is rendered. */
static enum porch_err prepare(struct req *r, struct resp *rs, struct view *v)
{
    const json_t *uris = NULL;
    const char *hint = NULL;
    enum porch_err err;

    v->locale = i18n_pick(NULL, req_header(r, "Accept-Language"));
    err = oidc_tenant_docs(r->srv->oidc, r->params[0], &v->d);
    if (err == PORCH_E_NOT_FOUND)
        return show_error(r, rs, v, err, tv_text(v->locale, "tokenviewer.error.tenant"), NULL);
    if (err == PORCH_OK)
        err = viewer_uris(r, v->d->tenant.id, &uris);
    if (err == PORCH_E_NOT_FOUND)
        return show_error(r, rs, v, err, tv_text(v->locale, "tokenviewer.error.no_app"), NULL);
    if (err != PORCH_OK)
        return err;
    err = pick_redirect(r, v, uris, &hint);
    if (err == PORCH_E_NOT_FOUND)
        return show_error(r, rs, v, err, tv_text(v->locale, "tokenviewer.error.address"), hint);
    return err;
}

enum porch_err ui_tokenviewer_get(struct req *r, struct resp *rs)
{
    struct view v = {0};
    const char *code = req_query(r, "code"), *error = req_query(r, "error");
    enum porch_err err = prepare(r, rs, &v);

    if (err != PORCH_OK)
        goto out;
    if (error || code)
        resp_cookie(rs, TOKENVIEWER_COOKIE, NULL, 0, 0);
    if (error) {
        const char *desc = req_query(r, "error_description");
        err = show_error(r, rs, &v, PORCH_E_INVALID, desc && *desc ? desc : error, v.redirect_uri);
    } else if (code) {
        err = callback(r, rs, &v, code);
    } else {
        err = start(r, rs, &v);
    }
out:
    tenant_docs_unref(v.d);
    return err;
}
