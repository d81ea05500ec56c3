/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hosted sign-in. See signin.h for the rules; the protocol checks are oidc/authorize.c's.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ui/signin.h"
#include "ui/i18n.h"
#include "ui/pages.h"
#include "ui/tmpl.h"
#include "core/words.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/password.h"
#include "db/db.h"
#include "directory/email.h"
#include "directory/lockout.h"
#include "http/cookie.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/server.h"
#include "journey/journey.h"
#include "oidc/authorize.h"
#include "oidc/oidc.h"
#include "oidc/signin_record.h"
#include "oidc/tenant_docs.h"
#include "store/session.h"
#include "store/user.h"
#include "core/banned.h"

/* One request on a hosted page: the tenant, a store connection and the journey. */
struct page {
    struct req *r;
    struct resp *rs;
    struct tenant_docs *d;
    struct db_conn *c;
    struct journey j;
    bool have_journey;
    const char *csrf;   /* the journey's CSRF token, as the form sent it */
    const char *locale; /* the page language */
};

const char *signin_journey_cookie(struct req *r, const char *tenant_id)
{
    return arena_printf(r->arena, "__Host-porch-j-%s", tenant_id);
}

const char *signin_sso_cookie(struct req *r, const char *tenant_id)
{
    return arena_printf(r->arena, "__Host-porch-s-%s", tenant_id);
}

static void page_release(struct page *p)
{
    if (p->c)
        db_release(p->c);
    journey_release(&p->j);
    tenant_docs_unref(p->d);
}

/* The language of the page: the request's ui_locales, then Accept-Language. */
static const char *pick_locale(struct req *r, const json_t *request)
{
    return i18n_pick(request ? authz_get(request, "ui_locales") : NULL,
                     req_header(r, "Accept-Language"));
}

/* The branded error page: message is plain text (escaped), NULL for the generic one. */
static enum porch_err error_page(struct page *p, unsigned status, const char *message)
{
    struct tmpl_data td;
    enum porch_err err;

    tmpl_data_init(&td);
    td.locale = p->locale;
    tmpl_set(&td, "message", message);
    tmpl_set(&td, "request_id", p->r->request_id);
    err = pages_respond(p->r, p->rs, status, "error", &td, NULL);
    tmpl_data_release(&td);
    return err;
}

static const char *action(struct page *p, const char *step)
{
    return arena_printf(p->r->arena, "%s/%s/signin/%s", req_base_url(p->r), p->d->tenant.id,
                        step);
}

/* Renders one step of the journey; error is an i18n key or NULL. */
static enum porch_err step_page(struct page *p, const char *page, const char *step,
                                const char *error_key, unsigned status)
{
    struct tmpl_data td;
    const char *email = json_string_value(json_object_get(p->j.data, "email"));
    enum porch_err err;

    if (!email)
        email = authz_get(p->j.request, "login_hint");
    tmpl_data_init(&td);
    td.locale = p->locale;
    tmpl_set(&td, "action", action(p, step));
    tmpl_set(&td, "csrf", p->csrf);
    tmpl_set(&td, "email", email);
    tmpl_set(&td, "app_name", authz_get(p->j.request, "app_name"));
    if (error_key)
        tmpl_set(&td, "error", i18n_text(p->locale, error_key));
    tmpl_set_bool(&td, "can_go_back", strcmp(page, "signin_password") == 0);
    err = pages_respond(p->r, p->rs, status, page, &td, authz_redirect_origin(p->r, p->j.request));
    tmpl_data_release(&td);
    return err;
}

/* Resolves the tenant and opens a connection; on failure the error page is in p->rs. */
static enum porch_err page_open(struct page *p, struct req *r, struct resp *rs)
{
    enum porch_err err;

    memset(p, 0, sizeof(*p));
    p->r = r;
    p->rs = rs;
    p->locale = pick_locale(r, NULL);
    err = oidc_tenant_docs(r->srv->oidc, r->params[0], &p->d);
    if (err == PORCH_E_NOT_FOUND) {
        (void)error_page(p, 404, i18n_text(p->locale, "error.tenant"));
        return err;
    }
    if (err == PORCH_OK)
        err = db_acquire(r->srv->db, &p->c);
    return err;
}

/* A handler's failure: a store error becomes the generic page with the table's status. */
static enum porch_err page_fail(struct page *p, enum porch_err err)
{
    if (p->rs->body.len == 0 && err != PORCH_OK)
        (void)error_page(p, http_error_status(err), NULL);
    return err;
}

static enum porch_err expired(struct page *p)
{
    error_page(p, 400, i18n_text(p->locale, "error.journey"));
    return PORCH_E_INVALID;
}

/* Loads the journey of the cookie and checks the form's CSRF token. */
static enum porch_err journey_open(struct page *p)
{
    const char *id = req_cookie(p->r, signin_journey_cookie(p->r, p->d->tenant.id));
    const char *csrf = req_form(p->r, "csrf");
    enum porch_err err;

    if (!id || strlen(id) >= JOURNEY_TOKEN_LEN)
        return expired(p);
    err = journey_load(p->c, p->d->tenant.id, id, clock_now(), &p->j);
    if (err == PORCH_E_NOT_FOUND)
        return expired(p);
    if (err != PORCH_OK)
        return err;
    p->have_journey = true;
    p->locale = pick_locale(p->r, p->j.request);
    if (!csrf || kvlist_count(&p->r->form, "csrf") != 1 ||
        journey_csrf_verify(&p->j, csrf) != PORCH_OK) {
        log_warn("sign-in post without a valid CSRF token (journey %.8s…)", p->j.id_hash);
        error_page(p, 403, i18n_text(p->locale, "error.csrf"));
        return PORCH_E_DENIED;
    }
    p->csrf = csrf;
    return PORCH_OK;
}

/* GET /{tenant}/signin: the current step again (a browser refresh); changes nothing. */
enum porch_err ui_signin_get(struct req *r, struct resp *rs)
{
    struct page p;
    char csrf[JOURNEY_TOKEN_LEN];
    const char *id;
    enum porch_err err = page_open(&p, r, rs);

    if (err != PORCH_OK)
        goto out;
    id = req_cookie(r, signin_journey_cookie(r, p.d->tenant.id));
    if (!id || strlen(id) >= JOURNEY_TOKEN_LEN) {
        err = expired(&p);
        goto out;
    }
    err = journey_load(p.c, p.d->tenant.id, id, clock_now(), &p.j);
    if (err == PORCH_E_NOT_FOUND) {
        err = expired(&p);
        goto out;
    }
    if (err != PORCH_OK)
        goto out;
    p.locale = pick_locale(r, p.j.request);
    journey_csrf_of(id, csrf);
    p.csrf = arena_strdup(r->arena, csrf);
    memset(csrf, 0, sizeof(csrf));
    switch (p.j.state) {
    case JOURNEY_EMAIL:
        err = step_page(&p, "signin_email", "email", NULL, 200);
        break;
    case JOURNEY_PASSWORD:
        err = step_page(&p, "signin_password", "password", NULL, 200);
        break;
    case JOURNEY_KMSI:
        err = step_page(&p, "kmsi", "kmsi", NULL, 200);
        break;
    default:
        err = expired(&p);
        break;
    }
out:
    err = page_fail(&p, err);
    page_release(&p);
    return err;
}

/* Moves the journey by ev and stores it; a lost race or a skipped step is an error page. */
static enum porch_err advance(struct page *p, enum journey_event ev)
{
    enum porch_err err = journey_transition(&p->j, ev);

    if (err == PORCH_E_DENIED) {
        error_page(p, 400, i18n_text(p->locale, "error.step"));
        return err;
    }
    if (err == PORCH_OK && p->j.state != JOURNEY_DONE)
        err = journey_save(p->c, &p->j);
    if (err == PORCH_E_CONFLICT || err == PORCH_E_NOT_FOUND) {
        error_page(p, 409, i18n_text(p->locale, "error.step"));
        return PORCH_E_CONFLICT;
    }
    return err;
}

static void record(struct page *p, const struct user_row *u, const char *user_id,
                   const char *name, int code, const char *reason)
{
    struct user_row loaded;
    struct signin_record rec = {.tenant_id = p->d->tenant.id,
                                .user = u,
                                .user_id = user_id,
                                .sign_in_name = name,
                                .app_id = authz_get(p->j.request, "client_id"),
                                .app_name = authz_get(p->j.request, "app_name"),
                                .resource_id = authz_get(p->j.request, "resource"),
                                .interactive = true,
                                .error_code = code,
                                .failure_reason = reason};

    /* a success names the user as the log shows it */
    memset(&loaded, 0, sizeof(loaded));
    if (!u && user_id && store_user_get(p->c, p->d->tenant.id, user_id, &loaded) == PORCH_OK)
        rec.user = &loaded;
    signin_record(p->r, p->c, &rec);
    store_user_row_release(&loaded);
}

/* --- the authorization endpoint ------------------------------------------------------------- */

static bool prompt_has(const json_t *request, const char *word)
{
    return words_has(authz_get(request, "prompt"), word);
}

/* A live SSO session that may answer request without asking the user; false otherwise. */
static bool sso_usable(struct page *p, const json_t *request, struct session_row *s,
                       const char **cookie)
{
    int64_t now = clock_now();

    *cookie = req_cookie(p->r, signin_sso_cookie(p->r, p->d->tenant.id));
    if (!*cookie || strlen(*cookie) >= STORE_SESSION_ID_LEN ||
        store_session_get(p->c, p->d->tenant.id, *cookie, now, s) != PORCH_OK)
        return false;
    if (prompt_has(request, "login") || prompt_has(request, "select_account") ||
        prompt_has(request, "create") || authz_too_old(request, s->auth_time, now))
        return false;
    return true;
}

static enum porch_err start_journey(struct page *p, json_t *request)
{
    char id[JOURNEY_TOKEN_LEN], csrf[JOURNEY_TOKEN_LEN];
    enum porch_err err;

    err = journey_start(p->c, p->d->tenant.id, JOURNEY_SIGNIN, authz_get(request, "client_id"),
                        request, clock_now(), SIGNIN_JOURNEY_TTL, &p->j, id, csrf);
    if (err != PORCH_OK)
        return err;
    p->have_journey = true;
    p->csrf = arena_strdup(p->r->arena, csrf);
    err = resp_cookie(p->rs, signin_journey_cookie(p->r, p->d->tenant.id), id,
                          SIGNIN_JOURNEY_TTL, 0);
    memset(id, 0, sizeof(id));
    memset(csrf, 0, sizeof(csrf));
    if (err == PORCH_OK)
        err = step_page(p, "signin_email", "email", NULL, 200);
    return err;
}

enum porch_err ui_authorize(struct req *r, struct resp *rs)
{
    struct page p;
    struct session_row s;
    struct authz_error e;
    enum authz_verdict verdict;
    const char *cookie = NULL;
    json_t *request = NULL;
    enum porch_err err = page_open(&p, r, rs);

    memset(&s, 0, sizeof(s));
    if (err == PORCH_OK)
        err = authz_validate(r, p.d, p.c, &request, &verdict, &e);
    if (err != PORCH_OK)
        goto out;
    if (request)
        p.locale = pick_locale(r, request);
    if (verdict == AUTHZ_ERROR_PAGE) {
        err = error_page(&p, 400, arena_printf(r->arena, "AADSTS%u: %s", e.aadsts,
                                               e.description));
        goto out;
    }
    if (verdict == AUTHZ_ERROR_REDIRECT) {
        err = authz_respond_error(r, rs, p.d, request, &e);
        goto out;
    }
    if (sso_usable(&p, request, &s, &cookie)) {
        (void)store_session_touch(p.c, p.d->tenant.id, cookie, clock_now(), SIGNIN_SSO_IDLE);
        p.j.request = request; /* for record(); released below, not by journey_release */
        record(&p, NULL, s.user_id, NULL, SIGNIN_OK, NULL);
        p.j.request = NULL;
        err = authz_respond_code(r, rs, p.d, p.c, request, s.user_id, s.auth_time, s.id_hash);
        goto out;
    }
    if (prompt_has(request, "none")) {
        e.error = "login_required";
        e.aadsts = 50058;
        e.description = "A silent sign-in request was sent but no user is signed in.";
        err = authz_respond_error(r, rs, p.d, request, &e);
        goto out;
    }
    err = start_journey(&p, request);
out:
    json_decref(request);
    err = page_fail(&p, err);
    page_release(&p);
    return err;
}

/* --- the steps ------------------------------------------------------------------------------- */

enum porch_err ui_signin_email_post(struct req *r, struct resp *rs)
{
    struct page p;
    const char *email = req_form(r, "email");
    enum porch_err err = page_open(&p, r, rs);

    if (err == PORCH_OK)
        err = journey_open(&p);
    if (err != PORCH_OK)
        goto out;
    if (p.j.state != JOURNEY_EMAIL) {
        err = advance(&p, JOURNEY_EV_EMAIL); /* refused: renders the step error */
        goto out;
    }
    if (!email || !*email || strlen(email) > 256 || !email_valid(email)) {
        json_object_set_new(p.j.data, "email", json_string(email && strlen(email) <= 256
                                                               ? email
                                                               : ""));
        err = step_page(&p, "signin_email", "email",
                        email && *email ? "signin.error.email" : "signin.error.email_missing",
                        200);
        goto out;
    }
    json_object_set_new(p.j.data, "email", json_string(email));
    err = advance(&p, JOURNEY_EV_EMAIL);
    if (err == PORCH_OK)
        err = step_page(&p, "signin_password", "password", NULL, 200);
out:
    err = page_fail(&p, err);
    page_release(&p);
    return err;
}

static const char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    char *h = NULL;

    if (password_hash("porch: no such user", 19, &h) == PORCH_OK)
        dummy_hash = h;
}

/*
 * Checks the password of the account named in the journey, doing the same work whether or
 * not it exists. *u is loaded when it does; *code says the outcome (SIGNIN_OK or why not).
 */
static enum porch_err check_password(struct page *p, const char *password, struct user_row *u,
                                     bool *found, int *code)
{
    const struct lockout_policy *pol = NULL;
    struct lockout_policy def;
    const char *email = json_string_value(json_object_get(p->j.data, "email"));
    size_t len = strlen(password);
    bool ok = false, rehash = false, allowed = true;
    int64_t now = clock_now();
    enum porch_err err;

    lockout_policy_default(&def);
    pol = &def;
    *code = SIGNIN_BAD_PASSWORD;
    err = store_user_find_by_identity(p->c, p->d->tenant.id, "emailAddress",
                                      p->d->tenant.default_domain, email ? email : "", u);
    *found = err == PORCH_OK;
    if (err != PORCH_OK && err != PORCH_E_NOT_FOUND)
        return err;
    err = PORCH_OK;
    if (*found) {
        /* counted before the hash is checked, so parallel guesses cannot overtake the lock */
        err = lockout_account_attempt(p->c, pol, p->d->tenant.id, u->id, now, &allowed);
        if (err != PORCH_OK)
            return err;
    }
    if (len <= PASSWORD_MAX_LEN) {
        if (*found && allowed && u->password_hash) {
            if (password_verify(u->password_hash, password, len, &ok, &rehash) != PORCH_OK)
                ok = false;
        } else {
            /* the same work for unknown and locked accounts as for a real check */
            pthread_once(&dummy_once, dummy_make);
            if (dummy_hash)
                (void)password_verify(dummy_hash, password, len, &ok, &rehash);
            ok = false;
        }
    }
    if (!*found)
        *code = SIGNIN_UNKNOWN_USER;
    else if (!allowed)
        *code = SIGNIN_LOCKED; /* right or wrong, the same answer during the wait */
    else if (!ok)
        *code = SIGNIN_BAD_PASSWORD;
    else if (!u->account_enabled)
        *code = SIGNIN_DISABLED;
    else
        *code = SIGNIN_OK;
    if (*code == SIGNIN_OK) {
        err = lockout_account_reset(p->c, p->d->tenant.id, u->id);
        if (err == PORCH_OK && rehash) {
            char *h = NULL;
            if (password_hash(password, len, &h) == PORCH_OK)
                (void)store_user_set_password(p->c, p->d->tenant.id, u->id, h,
                                              u->password_changed_at);
            free(h);
        }
    }
    return err;
}

static const char *failure_reason(int code)
{
    switch (code) {
    case SIGNIN_UNKNOWN_USER:
        return "The user account does not exist in the directory.";
    case SIGNIN_LOCKED:
        return "The account is locked because the user tried to sign in too many times with an "
               "incorrect user ID or password.";
    case SIGNIN_DISABLED:
        return "The user account is disabled.";
    default:
        return "Invalid username or password or Invalid on-premise username or password.";
    }
}

static enum porch_err throttled(struct page *p, int64_t retry_after)
{
    enum porch_err err;

    record(p, NULL, NULL, json_string_value(json_object_get(p->j.data, "email")),
           SIGNIN_THROTTLED, "Too many failed sign-ins from this IP address.");
    err = error_page(p, 429, i18n_text(p->locale, "error.throttled"));
    resp_header_set(p->rs, "Retry-After", arena_printf(p->r->arena, "%lld",
                                                       (long long)retry_after));
    return err;
}

enum porch_err ui_signin_password_post(struct req *r, struct resp *rs)
{
    struct page p;
    struct user_row u;
    struct lockout_policy pol;
    const char *password = req_form(r, "password");
    int64_t retry = 0;
    bool found = false;
    int code = SIGNIN_BAD_PASSWORD;
    enum porch_err err = page_open(&p, r, rs);

    memset(&u, 0, sizeof(u));
    lockout_policy_default(&pol);
    if (err == PORCH_OK)
        err = journey_open(&p);
    if (err != PORCH_OK)
        goto out;
    if (req_form(r, "back")) {
        err = advance(&p, JOURNEY_EV_BACK);
        if (err == PORCH_OK)
            err = step_page(&p, "signin_email", "email", NULL, 200);
        goto out;
    }
    if (p.j.state != JOURNEY_PASSWORD) {
        err = advance(&p, JOURNEY_EV_PASSWORD_OK); /* refused: renders the step error */
        goto out;
    }
    err = lockout_ip_check(p.c, &pol, p.d->tenant.id, r->client_ip, clock_now(), &retry);
    if (err == PORCH_E_INVALID) /* an address we cannot parse is not throttled */
        err = PORCH_OK, retry = 0;
    if (err == PORCH_OK && retry > 0) {
        err = throttled(&p, retry);
        goto out;
    }
    if (err == PORCH_OK)
        err = check_password(&p, password ? password : "", &u, &found, &code);
    if (err != PORCH_OK)
        goto out;
    if (code != SIGNIN_OK) {
        (void)lockout_ip_fail(p.c, &pol, p.d->tenant.id, r->client_ip, clock_now(), &retry);
        record(&p, found ? &u : NULL, NULL, json_string_value(json_object_get(p.j.data, "email")),
               code, failure_reason(code));
        err = advance(&p, JOURNEY_EV_PASSWORD_BAD);
        if (err == PORCH_OK)
            err = step_page(&p, "signin_password", "password", "signin.error.generic", 200);
        goto out;
    }
    json_object_set_new(p.j.data, "user_id", json_string(u.id));
    json_object_set_new(p.j.data, "auth_time", json_integer(clock_now()));
    err = advance(&p, JOURNEY_EV_PASSWORD_OK);
    if (err == PORCH_OK)
        err = step_page(&p, "kmsi", "kmsi", NULL, 200);
out:
    store_user_row_release(&u);
    err = page_fail(&p, err);
    page_release(&p);
    return err;
}

/* A new session for the user, replacing the browser's old one (a new id at every sign-in). */
static enum porch_err new_session(struct page *p, const char *user_id, int64_t auth_time,
                                  bool persistent, struct session_row *s)
{
    const char *name = signin_sso_cookie(p->r, p->d->tenant.id);
    const char *old = req_cookie(p->r, name);
    char id[STORE_SESSION_ID_LEN];
    enum porch_err err;

    if (old && strlen(old) < STORE_SESSION_ID_LEN)
        (void)store_session_revoke(p->c, p->d->tenant.id, old, clock_now());
    memset(s, 0, sizeof(*s));
    snprintf(s->tenant_id, sizeof(s->tenant_id), "%s", p->d->tenant.id);
    snprintf(s->user_id, sizeof(s->user_id), "%s", user_id);
    s->auth_time = auth_time;
    s->persistent = persistent;
    err = store_session_create(p->c, s, clock_now(), SIGNIN_SSO_IDLE, SIGNIN_SSO_ABSOLUTE, id);
    if (err == PORCH_OK)
        err = resp_cookie(p->rs, name, id, persistent ? SIGNIN_SSO_ABSOLUTE : 0, 0);
    memset(id, 0, sizeof(id));
    return err;
}

enum porch_err ui_signin_kmsi_post(struct req *r, struct resp *rs)
{
    struct page p;
    struct session_row s;
    const char *kmsi = req_form(r, "kmsi"), *user_id;
    int64_t auth_time;
    bool still_ok = false;
    enum porch_err err = page_open(&p, r, rs);

    if (err == PORCH_OK)
        err = journey_open(&p);
    if (err != PORCH_OK)
        goto out;
    err = advance(&p, JOURNEY_EV_KMSI);
    if (err == PORCH_OK)
        err = journey_finish(p.c, &p.j);
    if (err == PORCH_E_CONFLICT || err == PORCH_E_NOT_FOUND) {
        err = error_page(&p, 409, i18n_text(p.locale, "error.step"));
        goto out;
    }
    if (err != PORCH_OK)
        goto out;
    user_id = json_string_value(json_object_get(p.j.data, "user_id"));
    auth_time = json_integer_value(json_object_get(p.j.data, "auth_time"));
    if (!user_id) {
        err = expired(&p);
        goto out;
    }
    /* the app's registration may have changed since /authorize checked it */
    err = authz_recheck(r, p.d, p.c, p.j.request, &still_ok);
    if (err != PORCH_OK)
        goto out;
    if (!still_ok) {
        err = error_page(&p, 400, i18n_text(p.locale, "error.app_changed"));
        goto out;
    }
    err = new_session(&p, user_id, auth_time, kmsi && strcmp(kmsi, "yes") == 0, &s);
    if (err == PORCH_OK)
        err = resp_cookie(rs, signin_journey_cookie(r, p.d->tenant.id), NULL, 0, 0);
    if (err != PORCH_OK)
        goto out;
    record(&p, NULL, user_id, json_string_value(json_object_get(p.j.data, "email")), SIGNIN_OK,
           NULL);
    err = authz_respond_code(r, rs, p.d, p.c, p.j.request, user_id, auth_time, s.id_hash);
out:
    err = page_fail(&p, err);
    page_release(&p);
    return err;
}
