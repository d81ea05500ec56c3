/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journey state machine and its persistence. The transition table is the whole policy:
 * a (kind, from, event) triple not listed is refused, and journey_set_state() is the only
 * place that writes a state, so every change is logged. Stored rows name kind and state as
 * text; names that no longer parse are a store error rather than a guess.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "crypto/ct.h"
#include "journey/journey.h"
#include "core/banned.h"

struct transition {
    enum journey_kind kind;
    enum journey_state from;
    enum journey_event event;
    enum journey_state to;
};

static const struct transition transitions[] = {
    {JOURNEY_SIGNIN, JOURNEY_START, JOURNEY_EV_BEGIN, JOURNEY_EMAIL},
    {JOURNEY_SIGNIN, JOURNEY_START, JOURNEY_EV_SSO, JOURNEY_DONE},
    {JOURNEY_SIGNIN, JOURNEY_EMAIL, JOURNEY_EV_EMAIL, JOURNEY_PASSWORD},
    {JOURNEY_SIGNIN, JOURNEY_PASSWORD, JOURNEY_EV_PASSWORD_BAD, JOURNEY_PASSWORD},
    {JOURNEY_SIGNIN, JOURNEY_PASSWORD, JOURNEY_EV_BACK, JOURNEY_EMAIL},
    {JOURNEY_SIGNIN, JOURNEY_PASSWORD, JOURNEY_EV_PASSWORD_OK, JOURNEY_KMSI},
    {JOURNEY_SIGNIN, JOURNEY_KMSI, JOURNEY_EV_KMSI, JOURNEY_DONE},
    {JOURNEY_SIGNIN, JOURNEY_START, JOURNEY_EV_FAIL, JOURNEY_FAILED},
    {JOURNEY_SIGNIN, JOURNEY_EMAIL, JOURNEY_EV_FAIL, JOURNEY_FAILED},
    {JOURNEY_SIGNIN, JOURNEY_PASSWORD, JOURNEY_EV_FAIL, JOURNEY_FAILED},
    {JOURNEY_SIGNIN, JOURNEY_KMSI, JOURNEY_EV_FAIL, JOURNEY_FAILED},
};

static const char *const kind_names[JOURNEY_KIND__COUNT] = {
    [JOURNEY_SIGNIN] = "signin",
};

static const char *const state_names[JOURNEY_STATE__COUNT] = {
    [JOURNEY_START] = "start", [JOURNEY_EMAIL] = "email", [JOURNEY_PASSWORD] = "password",
    [JOURNEY_KMSI] = "kmsi",   [JOURNEY_DONE] = "done",   [JOURNEY_FAILED] = "failed",
};

static const char *const event_names[JOURNEY_EVENT__COUNT] = {
    [JOURNEY_EV_BEGIN] = "begin",
    [JOURNEY_EV_SSO] = "sso",
    [JOURNEY_EV_EMAIL] = "email",
    [JOURNEY_EV_BACK] = "back",
    [JOURNEY_EV_PASSWORD_OK] = "password-ok",
    [JOURNEY_EV_PASSWORD_BAD] = "password-bad",
    [JOURNEY_EV_KMSI] = "kmsi",
    [JOURNEY_EV_FAIL] = "fail",
};

const char *journey_kind_name(enum journey_kind k)
{
    return (unsigned)k < JOURNEY_KIND__COUNT ? kind_names[k] : "?";
}

const char *journey_state_name(enum journey_state s)
{
    return (unsigned)s < JOURNEY_STATE__COUNT ? state_names[s] : "?";
}

const char *journey_event_name(enum journey_event e)
{
    return (unsigned)e < JOURNEY_EVENT__COUNT ? event_names[e] : "?";
}

/* Index of name in names[n], or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (names[i] && strcmp(names[i], name) == 0)
            return i;
    }
    return -1;
}

void journey_release(struct journey *j)
{
    if (!j)
        return;
    json_decref(j->request);
    json_decref(j->data);
    memset(j, 0, sizeof(*j));
}

/* The only writer of j->state (STYLE.md §5). */
static void journey_set_state(struct journey *j, enum journey_state to, enum journey_event ev)
{
    log_debug("journey %s: %s -> %s on %s", journey_kind_name(j->kind),
              journey_state_name(j->state), journey_state_name(to), journey_event_name(ev));
    j->state = to;
}

enum porch_err journey_transition(struct journey *j, enum journey_event ev)
{
    for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
        const struct transition *t = &transitions[i];

        if (t->kind == j->kind && t->from == j->state && t->event == ev) {
            journey_set_state(j, t->to, ev);
            return PORCH_OK;
        }
    }
    log_info("journey %s: refused '%s' in state '%s'", journey_kind_name(j->kind),
             journey_event_name(ev), journey_state_name(j->state));
    return PORCH_E_DENIED;
}

enum porch_err journey_csrf_verify(const struct journey *j, const char *token)
{
    char hash[DIGEST_SHA256_B64URL_LEN];

    if (!token || !*token || !j->csrf_hash[0])
        return PORCH_E_DENIED;
    (void)digest_sha256_b64url(token, hash);
    return ct_compare(hash, j->csrf_hash, sizeof(hash)) == 0 ? PORCH_OK : PORCH_E_DENIED;
}

/* Fills the row's columns from j; request/data become heap JSON text the caller frees. */
static void to_row(const struct journey *j, struct journey_row *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->tenant_id, sizeof(r->tenant_id), "%s", j->tenant_id);
    snprintf(r->id_hash, sizeof(r->id_hash), "%s", j->id_hash);
    snprintf(r->kind, sizeof(r->kind), "%s", journey_kind_name(j->kind));
    snprintf(r->state, sizeof(r->state), "%s", journey_state_name(j->state));
    snprintf(r->client_id, sizeof(r->client_id), "%s", j->client_id);
    snprintf(r->csrf_hash, sizeof(r->csrf_hash), "%s", j->csrf_hash);
    r->request = json_dumps(j->request, JSON_COMPACT);
    r->data = json_dumps(j->data, JSON_COMPACT);
    r->created_at = j->created_at;
    r->expires_at = j->expires_at;
    r->version = j->version;
}

/* Fills j (zeroed) from r. PORCH_E_STORE when a name or JSON text does not parse. */
static enum porch_err from_row(const struct journey_row *r, struct journey *j)
{
    int kind = name_index(kind_names, JOURNEY_KIND__COUNT, r->kind);
    int state = name_index(state_names, JOURNEY_STATE__COUNT, r->state);

    memset(j, 0, sizeof(*j));
    j->request = json_loads(r->request ? r->request : "{}", 0, NULL);
    j->data = json_loads(r->data ? r->data : "{}", 0, NULL);
    if (kind < 0 || state < 0 || !json_is_object(j->request) || !json_is_object(j->data)) {
        log_error("cannot parse stored journey of kind '%s' in state '%s'", r->kind, r->state);
        journey_release(j);
        return PORCH_E_STORE;
    }
    snprintf(j->tenant_id, sizeof(j->tenant_id), "%s", r->tenant_id);
    snprintf(j->id_hash, sizeof(j->id_hash), "%s", r->id_hash);
    snprintf(j->client_id, sizeof(j->client_id), "%s", r->client_id);
    snprintf(j->csrf_hash, sizeof(j->csrf_hash), "%s", r->csrf_hash);
    j->kind = (enum journey_kind)kind;
    j->state = (enum journey_state)state;
    j->created_at = r->created_at;
    j->expires_at = r->expires_at;
    j->version = r->version;
    return PORCH_OK;
}

static enum porch_err create(struct db_conn *c, const char *tenant_id, enum journey_kind kind,
                             const char *client_id, const json_t *request, int64_t now,
                             int64_t ttl, bool begin, struct journey *out,
                             char id_out[JOURNEY_TOKEN_LEN], char csrf_out[JOURNEY_TOKEN_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    struct journey_row r;

    memset(&r, 0, sizeof(r));
    memset(out, 0, sizeof(*out));
    id_out[0] = '\0';
    csrf_out[0] = '\0';
    if ((unsigned)kind >= JOURNEY_KIND__COUNT || (request && !json_is_object(request)))
        goto out;
    snprintf(out->tenant_id, sizeof(out->tenant_id), "%s", tenant_id ? tenant_id : "");
    snprintf(out->client_id, sizeof(out->client_id), "%s", client_id ? client_id : "");
    out->kind = kind;
    out->state = JOURNEY_START;
    out->request = request ? json_deep_copy(request) : json_object();
    out->data = json_object();
    out->expires_at = now + ttl;
    if (begin && (err = journey_transition(out, JOURNEY_EV_BEGIN)) != PORCH_OK)
        goto out;
    to_row(out, &r);
    err = store_journey_create(c, &r, now, id_out, csrf_out);
    if (err != PORCH_OK)
        goto out;
    snprintf(out->id_hash, sizeof(out->id_hash), "%s", r.id_hash);
    snprintf(out->csrf_hash, sizeof(out->csrf_hash), "%s", r.csrf_hash);
    out->created_at = r.created_at;
    out->version = r.version;
out:
    if (err != PORCH_OK)
        journey_release(out);
    store_journey_row_release(&r);
    return err;
}

enum porch_err journey_create(struct db_conn *c, const char *tenant_id, enum journey_kind kind,
                              const char *client_id, const json_t *request, int64_t now,
                              int64_t ttl, struct journey *out, char id_out[JOURNEY_TOKEN_LEN],
                              char csrf_out[JOURNEY_TOKEN_LEN])
{
    return create(c, tenant_id, kind, client_id, request, now, ttl, false, out, id_out, csrf_out);
}

enum porch_err journey_start(struct db_conn *c, const char *tenant_id, enum journey_kind kind,
                             const char *client_id, const json_t *request, int64_t now,
                             int64_t ttl, struct journey *out, char id_out[JOURNEY_TOKEN_LEN],
                             char csrf_out[JOURNEY_TOKEN_LEN])
{
    return create(c, tenant_id, kind, client_id, request, now, ttl, true, out, id_out, csrf_out);
}

enum porch_err journey_load(struct db_conn *c, const char *tenant_id, const char *id, int64_t now,
                            struct journey *out)
{
    enum porch_err err;
    struct journey_row r;

    memset(out, 0, sizeof(*out));
    err = store_journey_get(c, tenant_id, id, now, &r);
    if (err == PORCH_OK)
        err = from_row(&r, out);
    store_journey_row_release(&r);
    return err;
}

enum porch_err journey_save(struct db_conn *c, struct journey *j)
{
    enum porch_err err;
    struct journey_row r;

    to_row(j, &r);
    err = store_journey_update(c, &r);
    if (err == PORCH_OK)
        j->version = r.version;
    store_journey_row_release(&r);
    return err;
}

enum porch_err journey_finish(struct db_conn *c, struct journey *j)
{
    enum porch_err err;
    struct journey_row r;

    to_row(j, &r);
    err = store_journey_delete(c, &r);
    store_journey_row_release(&r);
    return err;
}

void journey_csrf_of(const char *id, char out[JOURNEY_TOKEN_LEN])
{
    store_journey_csrf_of(id, out);
}
