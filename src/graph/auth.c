/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bearer tokens for the management API. The tenant is the only thing read from a token
 * before its signature is checked, and only to choose whose published keys check it: a
 * token claiming another tenant simply fails against that tenant's keys. Messages follow the
 * ones Graph sends for the same failures, so scripts that match on them keep working.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "graph/auth.h"
#include "graph/audit.h"
#include "graph/graph.h"
#include "core/b64.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "crypto/jws.h"
#include "directory/graph_api.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/route.h"
#include "http/server.h"
#include "oidc/tenant_docs.h"
#include "core/banned.h"

#define MSG_EMPTY     "Access token is empty."
#define MSG_MALFORMED "CompactToken parsing failed with error code: 80049217"
#define MSG_INVALID   "Access token validation failure."
#define MSG_AUDIENCE  "Access token validation failure. Invalid audience."
#define MSG_ISSUER    "Access token validation failure. Invalid issuer."
#define MSG_EXPIRED   "Lifetime validation failed, the token is expired."
#define MSG_NOT_YET   "Lifetime validation failed, the token is not yet valid."
#define MSG_NOT_AT    "Access token validation failure. The token is not an access token."

/* --- permissions --------------------------------------------------------------------------- */

static const struct {
    const char *held, *need;
} implied[] = {
    {"Directory.ReadWrite.All", "Directory.Read.All"},
    {"Directory.ReadWrite.All", "User.ReadWrite.All"},
    {"Directory.ReadWrite.All", "Application.ReadWrite.All"},
    {"Directory.ReadWrite.All", "Organization.ReadWrite.All"},
    {"Directory.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"},
    {"Directory.Read.All", "User.Read.All"},
    {"Directory.Read.All", "Application.Read.All"},
    {"Directory.Read.All", "Organization.Read.All"},
    {"Directory.Read.All", "DelegatedPermissionGrant.Read.All"},
};

/* "X.ReadWrite.All" grants "X.Read.All". */
static bool write_implies_read(const char *held, const char *need)
{
    static const char rw[] = ".ReadWrite.All", ro[] = ".Read.All";
    size_t hl = strlen(held), nl = strlen(need);
    size_t hp = hl - (sizeof(rw) - 1), np = nl - (sizeof(ro) - 1);

    if (hl <= sizeof(rw) - 1 || nl <= sizeof(ro) - 1)
        return false;
    return strcmp(held + hp, rw) == 0 && strcmp(need + np, ro) == 0 && hp == np &&
           strncmp(held, need, hp) == 0;
}

bool graph_auth_implies(const char *held, const char *need)
{
    if (!held || !need)
        return false;
    if (strcmp(held, need) == 0 || write_implies_read(held, need))
        return true;
    /* the table is acyclic, so the recursion ends */
    for (size_t i = 0; i < sizeof(implied) / sizeof(implied[0]); i++)
        if (strcmp(implied[i].held, held) == 0 && graph_auth_implies(implied[i].need, need))
            return true;
    return false;
}

bool graph_auth_allows(const struct graph_auth *a, const char *need)
{
    for (size_t i = 0; a && i < a->nperms; i++)
        if (graph_auth_implies(a->perms[i], need))
            return true;
    return false;
}

/* --- token --------------------------------------------------------------------------------- */

/* The tid claim of the unverified payload, to pick the key set; NULL if there is none. */
static const char *peek_tid(struct arena *a, const char *token)
{
    const char *p1 = strchr(token, '.'), *p2 = p1 ? strchr(p1 + 1, '.') : NULL;
    size_t n = 0, len = p2 ? (size_t)(p2 - p1 - 1) : 0;
    unsigned char *buf;
    const char *tid = NULL;
    json_t *j;

    if (!p2 || len == 0 || len > JWS_MAX_LEN)
        return NULL;
    buf = arena_alloc(a, len);
    if (b64url_decode(p1 + 1, len, buf, len, &n) != PORCH_OK)
        return NULL;
    j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_string(json_object_get(j, "tid")) &&
        uuid_valid(json_string_value(json_object_get(j, "tid"))))
        tid = arena_strdup(a, json_string_value(json_object_get(j, "tid")));
    json_decref(j);
    return tid;
}

static const char *claim_str(struct arena *a, json_t *c, const char *name)
{
    const char *s = json_string_value(json_object_get(c, name));

    return s ? arena_strdup(a, s) : NULL;
}

static void docs_release(void *d)
{
    tenant_docs_unref(d);
}

static void add_perm(struct arena *a, struct graph_auth *g, const char *p, size_t len)
{
    if (len > 0 && g->nperms < 64)
        g->perms[g->nperms++] = arena_strndup(a, p, len);
}

/* roles (an array) and scp (space-separated) into g->perms, at most 64. */
static void collect_perms(struct arena *a, json_t *c, struct graph_auth *g)
{
    json_t *roles = json_object_get(c, "roles"), *v;
    const char *scp = json_string_value(json_object_get(c, "scp"));
    size_t i;

    g->perms = arena_calloc(a, 64, sizeof(char *));
    json_array_foreach(roles, i, v)
    {
        if (json_is_string(v))
            add_perm(a, g, json_string_value(v), strlen(json_string_value(v)));
    }
    while (scp && *scp) {
        size_t n = strcspn(scp, " ");
        add_perm(a, g, scp, n);
        scp += n + strspn(scp + n, " ");
    }
}

static struct graph_auth *describe(struct arena *a, struct tenant_docs *d, json_t *c)
{
    struct graph_auth *g = arena_calloc(a, 1, sizeof(*g));
    bool app = json_object_get(c, "scp") == NULL;

    g->tenant = d;
    g->tenant_id = d->tenant.id;
    g->client_app_id = claim_str(a, c, "azp");
    if (!g->client_app_id)
        g->client_app_id = claim_str(a, c, "appid");
    g->client_name = claim_str(a, c, "app_displayname");
    if (app)
        g->client_sp_id = claim_str(a, c, "oid");
    else
        g->user_id = claim_str(a, c, "oid");
    g->exp = json_integer_value(json_object_get(c, "exp"));
    collect_perms(a, c, g);
    return g;
}

/* Every check after the signature; returns the failure message or NULL. */
static const char *check_claims(const struct tenant_docs *d, json_t *c, const char *tid,
                                int64_t now)
{
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *aud = json_string_value(json_object_get(c, "aud"));
    const char *ver = json_string_value(json_object_get(c, "ver"));
    const char *idtyp = json_string_value(json_object_get(c, "idtyp"));
    json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf");

    if (!ver || strcmp(ver, "2.0") != 0 || !json_is_string(json_object_get(c, "tid")) ||
        strcmp(json_string_value(json_object_get(c, "tid")), tid) != 0)
        return MSG_INVALID;
    if (!iss || strcmp(iss, d->issuer) != 0)
        return MSG_ISSUER;
    if (!aud || (strcmp(aud, GRAPH_APP_ID) != 0 && strcmp(aud, GRAPH_RESOURCE_URI) != 0))
        return MSG_AUDIENCE;
    if (!json_is_integer(exp) || json_integer_value(exp) + GRAPH_AUTH_SKEW < now)
        return MSG_EXPIRED;
    if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) - GRAPH_AUTH_SKEW > now))
        return MSG_NOT_YET;
    /* ID tokens carry neither; an app-only access token says idtyp "app" or carries roles */
    if (!(idtyp && strcmp(idtyp, "app") == 0) && !json_object_get(c, "roles") &&
        !json_object_get(c, "scp"))
        return MSG_NOT_AT;
    return NULL;
}

static void json_release(void *j)
{
    json_decref(j);
}

enum porch_err graph_auth_verify(struct oidc *o, const char *token, int64_t now, struct arena *a,
                                 struct graph_auth **out, const char **reason)
{
    enum porch_err err = PORCH_E_DENIED;
    struct tenant_docs *d = NULL;
    const char *tid;
    char *payload = NULL;
    json_t *c;

    *out = NULL;
    *reason = MSG_MALFORMED;
    tid = strlen(token) <= JWS_MAX_LEN ? peek_tid(a, token) : NULL;
    if (!tid)
        goto out;
    *reason = MSG_INVALID;
    err = oidc_tenant_docs(o, tid, &d);
    if (err != PORCH_OK) {
        err = err == PORCH_E_NOT_FOUND ? PORCH_E_DENIED : err;
        goto out;
    }
    arena_defer(a, docs_release, d);
    err = jws_verify(token, (const struct jwk *const *)d->verify_keys, d->nverify, &payload, NULL);
    if (err != PORCH_OK) {
        err = PORCH_E_DENIED; /* whatever the reason, the client sent a bad token */
        goto out;
    }
    c = arena_defer(a, json_release, json_loads(payload, JSON_REJECT_DUPLICATES, NULL));
    err = PORCH_E_DENIED;
    if (!json_is_object(c))
        goto out;
    *out = describe(a, d, c);
    *reason = check_claims(d, c, tid, now);
    err = *reason ? PORCH_E_DENIED : PORCH_OK;
out:
    free(payload);
    return err;
}

/* --- the pipeline check -------------------------------------------------------------------- */

/* The token of `Authorization: Bearer <token>`, or NULL. */
static const char *bearer(const struct req *r)
{
    const char *h = req_header(r, "Authorization");

    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    h += strspn(h, " ");
    return *h ? h : NULL;
}

static enum porch_err unauthorized(struct req *r, struct resp *rs, const struct graph_auth *g,
                                   bool presented, const char *reason)
{
    const char *tenant = g ? g->tenant_id : "common";
    const char *www =
        arena_printf(r->arena,
                     "Bearer realm=\"\", authorization_uri=\"%s/%s/oauth2/v2.0/"
                     "authorize\", client_id=\"" GRAPH_APP_ID "\"%s",
                     req_base_url(r), tenant, presented ? ", error=\"invalid_token\"" : "");

    resp_header_set(rs, "WWW-Authenticate", www);
    return http_error_graph_status(r, rs, PORCH_E_DENIED, 401, GRAPH_E_TOKEN, reason);
}

enum porch_err graph_auth_check(struct req *r, struct resp *rs)
{
    const char *token = bearer(r), *reason = MSG_EMPTY, *perm = r->route ? r->route->perm : NULL;
    struct graph_auth *g = NULL;
    enum porch_err err;

    if (!token)
        return unauthorized(r, rs, NULL, false, reason);
    err = graph_auth_verify(r->srv->oidc, token, clock_now(), r->arena, &g, &reason);
    if (err == PORCH_E_DENIED && g) {
        r->auth = g;
        graph_audit_denied(r, reason);
        r->auth = NULL;
    }
    if (err == PORCH_E_DENIED)
        return unauthorized(r, rs, g, true, reason);
    if (err != PORCH_OK)
        return http_error_graph(r, rs, err, NULL, NULL);
    r->auth = g;
    if (!perm || !graph_auth_allows(g, perm)) {
        graph_audit_denied(r, perm ? arena_printf(r->arena, "Missing permission '%s'", perm)
                                   : "The route declares no permission");
        return http_error_graph(r, rs, PORCH_E_DENIED, GRAPH_E_DENIED,
                                "Insufficient privileges to complete the operation.");
    }
    return PORCH_OK;
}
