/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET|POST /{tenant}/oauth2/v2.0/logout (OpenID Connect RP-Initiated Logout 1.0).
 *
 * With an id_token_hint that this tenant signed (expired ones too: the user may come back
 * long after the token's hour) the request is the app's: the SSO session ends, and when
 * post_logout_redirect_uri is one of the hint's client's registered redirect URIs (exactly) the
 * browser goes there with state. Without a valid hint, a logged-in user is asked to confirm
 * with a POST carrying a CSRF token bound to the session (HMAC of the session cookie under a
 * key derived from the master key), and the page never redirects to a URI nobody vouched for.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ui/signin.h"
#include "ui/i18n.h"
#include "ui/pages.h"
#include "ui/tmpl.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "crypto/jws.h"
#include "crypto/mac.h"
#include "db/db.h"
#include "http/cookie.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "http/urlenc.h"
#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "store/app.h"
#include "store/session.h"
#include "core/banned.h"

struct logout {
    struct req *r;
    struct resp *rs;
    struct tenant_docs *d;
    struct db_conn *c;
    const char *locale;
    const char *cookie; /* the SSO session cookie, or NULL */
};

static const char *param(struct req *r, const char *name)
{
    return strcmp(r->method, "POST") == 0 ? req_form(r, name) : req_query(r, name);
}

static enum porch_err page(struct logout *l, unsigned status, const char *name, const char *csrf,
                           const char *message)
{
    struct tmpl_data td;
    enum porch_err err;

    tmpl_data_init(&td);
    td.locale = l->locale;
    tmpl_set(&td, "action",
             arena_printf(l->r->arena, "%s/%s/oauth2/v2.0/logout", req_base_url(l->r),
                          l->d->tenant.id));
    tmpl_set(&td, "csrf", csrf);
    tmpl_set(&td, "message", message);
    tmpl_set(&td, "request_id", l->r->request_id);
    err = pages_respond(l->r, l->rs, status, name, &td, NULL);
    tmpl_data_release(&td);
    return err;
}

/* The CSRF token of the confirmation form: base64url(HMAC(page key, "logout:" cookie)). */
static const char *csrf_for(struct logout *l)
{
    unsigned char mac[MAC_SHA256_LEN];
    char *out = arena_alloc(l->r->arena, 48);
    const char *msg = arena_printf(l->r->arena, "logout:%s:%s", l->d->tenant.id, l->cookie);

    if (mac_hmac_sha256(oidc_page_key(l->r->srv->oidc), 32, msg, strlen(msg), mac) != PORCH_OK)
        return NULL;
    b64url_encode(mac, sizeof(mac), out, 48);
    return out;
}

/* Ends the browser's session (if any) and drops its cookie. */
static enum porch_err end_session(struct logout *l)
{
    enum porch_err err = PORCH_OK;

    if (l->cookie) {
        err = store_session_revoke(l->c, l->d->tenant.id, l->cookie, clock_now());
        if (err == PORCH_E_NOT_FOUND)
            err = PORCH_OK;
        if (err == PORCH_OK)
            err = resp_cookie(l->rs, signin_sso_cookie(l->r, l->d->tenant.id), NULL, 0, 0);
    }
    return err;
}

/*
 * The client (aud) of a hint this tenant signed for this browser's session, or NULL. Expiry is
 * deliberately not checked; the session is: an ID token names its SSO session in sid, and a
 * hint whose sid is not the hash of this browser's session cookie (someone else's token, or
 * one from an earlier session) does not speak for this user, who is asked to confirm instead.
 */
static bool same_session(struct logout *l, const json_t *sid);

static const char *hint_client(struct logout *l, const char *hint)
{
    char *payload = NULL;
    json_t *c = NULL;
    const char *aud = NULL, *iss, *tid;

    if (strlen(hint) > JWS_MAX_LEN ||
        jws_verify(hint, (const struct jwk *const *)l->d->verify_keys, l->d->nverify, &payload,
                   NULL) != PORCH_OK)
        goto out;
    c = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
    iss = json_string_value(json_object_get(c, "iss"));
    tid = json_string_value(json_object_get(c, "tid"));
    if (iss && strcmp(iss, l->d->issuer) == 0 && tid && strcmp(tid, l->d->tenant.id) == 0 &&
        json_is_string(json_object_get(c, "aud")) && !json_object_get(c, "scp") &&
        !json_object_get(c, "roles") && same_session(l, json_object_get(c, "sid")))
        aud = arena_strdup(l->r->arena, json_string_value(json_object_get(c, "aud")));
out:
    json_decref(c);
    free(payload);
    return aud;
}

/* True when sid names this browser's session (or the browser has none left to end). */
static bool same_session(struct logout *l, const json_t *sid)
{
    char hash[DIGEST_SHA256_B64URL_LEN];

    if (!l->cookie)
        return true;
    if (!json_is_string(sid) || digest_sha256_b64url(l->cookie, hash) != PORCH_OK)
        return false;
    return strlen(hash) == strlen(json_string_value(sid)) &&
           ct_compare(hash, json_string_value(sid), strlen(hash)) == 0;
}

/* True when uri is a registered redirect URI (any platform) of application client_id. */
static bool registered(struct logout *l, const char *client_id, const char *uri)
{
    static const char *const platforms[] = {"web", "spa", "publicClient", NULL};
    struct app_row app;
    json_t *j, *v;
    bool found = false;
    size_t i;

    memset(&app, 0, sizeof(app));
    if (store_app_get_by_app_id(l->c, l->d->tenant.id, client_id, &app) != PORCH_OK)
        return false;
    j = json_loads(app.data ? app.data : "{}", 0, NULL);
    for (const char *const *p = platforms; *p && !found; p++) {
        json_array_foreach(json_object_get(json_object_get(j, *p), "redirectUris"), i, v)
        {
            if (json_is_string(v) && strcmp(json_string_value(v), uri) == 0)
                found = true;
        }
    }
    if (!found) {
        const char *lo = json_string_value(json_object_get(json_object_get(j, "web"),
                                                           "logoutUrl"));
        found = lo && strcmp(lo, uri) == 0;
    }
    json_decref(j);
    store_app_row_release(&app);
    return found;
}

static enum porch_err redirect(struct logout *l, const char *uri, const char *state)
{
    struct sbuf sb;
    enum porch_err err;

    sbuf_init(&sb, 8192);
    err = sbuf_adds(&sb, uri);
    if (err == PORCH_OK && state) {
        err = sbuf_adds(&sb, strchr(uri, '?') ? "&state=" : "?state=");
        if (err == PORCH_OK)
            err = urlenc_encode(&sb, state);
    }
    if (err == PORCH_OK) {
        l->rs->status = 302;
        resp_header_set(l->rs, "Location", arena_strdup(l->r->arena, sb.buf));
    }
    sbuf_release(&sb);
    return err;
}

static enum porch_err logout_get(struct logout *l)
{
    const char *hint = param(l->r, "id_token_hint");
    const char *uri = param(l->r, "post_logout_redirect_uri");
    const char *state = param(l->r, "state");
    const char *client = hint && *hint ? hint_client(l, hint) : NULL;
    enum porch_err err;

    if (client && (!uri || registered(l, client, uri))) {
        err = end_session(l);
        if (err == PORCH_OK && uri)
            return redirect(l, uri, state);
        return err == PORCH_OK ? page(l, 200, "signed_out", NULL, NULL) : err;
    }
    if (hint && *hint && !client)
        log_info("logout with an id_token_hint this tenant did not sign: asking the user");
    if (!l->cookie)
        return page(l, 200, "signed_out", NULL, NULL);
    return page(l, 200, "logout_confirm", csrf_for(l), NULL);
}

static enum porch_err logout_post(struct logout *l)
{
    const char *csrf = req_form(l->r, "csrf"), *want;
    enum porch_err err;

    if (!l->cookie)
        return page(l, 200, "signed_out", NULL, NULL);
    want = csrf_for(l);
    if (!csrf || !want || strlen(csrf) != strlen(want) ||
        ct_compare(csrf, want, strlen(want)) != 0) {
        (void)page(l, 403, "error", NULL, i18n_text(l->locale, "error.csrf"));
        return PORCH_E_DENIED;
    }
    err = end_session(l);
    return err == PORCH_OK ? page(l, 200, "signed_out", NULL, NULL) : err;
}

enum porch_err ui_logout(struct req *r, struct resp *rs)
{
    struct logout l = {.r = r, .rs = rs};
    enum porch_err err;

    l.locale = i18n_pick(param(r, "ui_locales"), req_header(r, "Accept-Language"));
    err = oidc_tenant_docs(r->srv->oidc, r->params[0], &l.d);
    if (err == PORCH_E_NOT_FOUND) {
        l.d = NULL;
        return http_error_html(r, rs, err, "This tenant does not exist.");
    }
    if (err != PORCH_OK)
        return err;
    l.cookie = req_cookie(r, signin_sso_cookie(r, l.d->tenant.id));
    if (l.cookie && strlen(l.cookie) >= STORE_SESSION_ID_LEN)
        l.cookie = NULL;
    err = db_acquire(r->srv->db, &l.c);
    if (err == PORCH_OK)
        err = strcmp(r->method, "POST") == 0 ? logout_post(&l) : logout_get(&l);
    if (l.c)
        db_release(l.c);
    tenant_docs_unref(l.d);
    return err;
}
