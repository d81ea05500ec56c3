/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bearer tokens for the management API, minted here with the tenants' own keys: valid,
 * expired, not yet valid, wrong audience or issuer, another tenant's key, alg none, HS256,
 * ID tokens; the 401/403 rendering and audit records of the pipeline check; and the
 * permission implication table. Runs on every store backend.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/b64.h"
#include "core/config.h"
#include "crypto/jwk.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "directory/tenants.h"
#include "oidc/oidc.h"
#include "store/audit.h"
#include "../db/fixture.h"
#include "../../../src/graph/auth.c"

static struct config cfg = {
    .public_url = (char *)(uintptr_t) "https://id.example.com",
    .discovery_cache_ttl = 60,
};

#define APP "aaaaaaaa-0000-0000-0000-000000000001"
#define SP  "bbbbbbbb-0000-0000-0000-000000000002"

struct env {
    struct secretbox *sb;
    struct oidc *o;
    struct tenant t1, t2;
    struct tenant_docs *d1, *d2;
    struct porch_srv srv;
    struct arena *a;
};

static void env_init(void **state, struct env *e)
{
    static const unsigned char key[32] = {3};
    struct tenant_spec s1 = {"Contoso", "contoso", NULL, "porch.test", NULL, NULL, NULL};
    struct tenant_spec s2 = {"Fabrikam", "fabrikam", NULL, "porch.test", NULL, NULL, NULL};
    struct db_conn *c = fx_conn(state);

    memset(e, 0, sizeof(*e));
    assert_int_equal(secretbox_from_key(key, &e->sb), PORCH_OK);
    assert_int_equal(tenants_create(c, e->sb, &s1, &e->t1, NULL), PORCH_OK);
    assert_int_equal(tenants_create(c, e->sb, &s2, &e->t2, NULL), PORCH_OK);
    fx_release(c);
    e->o = oidc_new(&cfg, *state, e->sb);
    assert_int_equal(oidc_tenant_docs(e->o, e->t1.id, &e->d1), PORCH_OK);
    assert_int_equal(oidc_tenant_docs(e->o, e->t2.id, &e->d2), PORCH_OK);
    assert_non_null(e->d1->signing_key);
    e->srv = (struct porch_srv){&cfg, *state, e->sb, e->o};
    e->a = arena_new();
}

static void env_free(struct env *e)
{
    arena_free(e->a);
    tenant_docs_unref(e->d1);
    tenant_docs_unref(e->d2);
    oidc_free(e->o);
    secretbox_free(e->sb);
}

/*
 * A token signed by signer for tenant 1 with the default app-only claims, after applying
 * overrides (stolen; a null member removes the claim). Arena-owned.
 */
static const char *mint(struct env *e, const struct jwk *signer, json_t *overrides)
{
    int64_t now = clock_now();
    json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:I, s:I, s:I, s:s}", "aud",
                          GRAPH_APP_ID, "iss", e->d1->issuer, "tid", e->t1.id, "oid", SP, "azp",
                          APP, "idtyp", "app", "ver", "2.0", "roles", "User.Read.All", "iat",
                          (json_int_t)now, "nbf", (json_int_t)now, "exp", (json_int_t)(now + 3600),
                          "app_displayname", "Script");
    const char *k;
    json_t *v;
    char *payload, *jwt = NULL;
    const char *out;

    json_object_foreach(overrides, k, v)
    {
        if (json_is_null(v))
            json_object_del(c, k);
        else
            json_object_set(c, k, v);
    }
    json_decref(overrides);
    payload = json_dumps(c, JSON_COMPACT);
    assert_int_equal(jws_sign(signer, payload, "JWT", &jwt), PORCH_OK);
    out = arena_strdup(e->a, jwt);
    free(jwt);
    free(payload);
    json_decref(c);
    return out;
}

static enum porch_err verify(struct env *e, const char *tok, const char **reason)
{
    struct graph_auth *g = NULL;

    return graph_auth_verify(e->o, tok, clock_now(), e->a, &g, reason);
}

static void expect_denied(struct env *e, const char *tok, const char *reason_part)
{
    const char *reason = NULL;

    assert_int_equal(verify(e, tok, &reason), PORCH_E_DENIED);
    if (reason_part && !strstr(reason, reason_part))
        fail_msg("reason '%s' lacks '%s'", reason, reason_part);
}

static void valid_token_describes_the_caller(void **state)
{
    struct env e;
    struct graph_auth *g = NULL;
    const char *reason = NULL;
    const char *tok;

    env_init(state, &e);
    tok = mint(&e, e.d1->signing_key,
               json_pack("{s:[s,s]}", "roles", "User.Read.All", "AuditLog.Read.All"));
    assert_int_equal(graph_auth_verify(e.o, tok, clock_now(), e.a, &g, &reason), PORCH_OK);
    assert_string_equal(g->tenant_id, e.t1.id);
    assert_string_equal(g->client_app_id, APP);
    assert_string_equal(g->client_sp_id, SP);
    assert_string_equal(g->client_name, "Script");
    assert_null(g->user_id);
    assert_int_equal(g->nperms, 2);
    assert_true(graph_auth_allows(g, "AuditLog.Read.All"));
    assert_false(graph_auth_allows(g, "User.ReadWrite.All"));
    /* the resource URI form of the audience is accepted too */
    tok = mint(&e, e.d1->signing_key, json_pack("{s:s}", "aud", GRAPH_RESOURCE_URI));
    assert_int_equal(verify(&e, tok, &reason), PORCH_OK);
    /* a delegated token: scp, the oid is the user */
    tok =
        mint(&e, e.d1->signing_key,
             json_pack("{s:s, s:n, s:n}", "scp", "User.Read Directory.Read.All", "roles", "idtyp"));
    assert_int_equal(graph_auth_verify(e.o, tok, clock_now(), e.a, &g, &reason), PORCH_OK);
    assert_string_equal(g->user_id, SP);
    assert_true(graph_auth_allows(g, "Organization.Read.All"));
    env_free(&e);
}

static void bad_tokens_are_refused(void **state)
{
    struct env e;
    int64_t now = clock_now();

    env_init(state, &e);
    expect_denied(&e,
                  mint(&e, e.d1->signing_key, json_pack("{s:I}", "exp", (json_int_t)(now - 301))),
                  "expired");
    /* within the skew it still works */
    assert_int_equal(
        verify(&e, mint(&e, e.d1->signing_key, json_pack("{s:I}", "exp", (json_int_t)(now - 200))),
               &(const char *){NULL}),
        PORCH_OK);
    expect_denied(&e,
                  mint(&e, e.d1->signing_key, json_pack("{s:I}", "nbf", (json_int_t)(now + 400))),
                  "not yet valid");
    expect_denied(&e, mint(&e, e.d1->signing_key, json_pack("{s:n}", "exp")), "expired");
    expect_denied(&e, mint(&e, e.d1->signing_key, json_pack("{s:s}", "aud", APP)), "audience");
    expect_denied(&e, mint(&e, e.d1->signing_key, json_pack("{s:s}", "iss", e.d2->issuer)),
                  "issuer");
    expect_denied(&e, mint(&e, e.d1->signing_key, json_pack("{s:s}", "ver", "1.0")), NULL);
    /* another tenant's key, claiming tenant 1; and tenant 2's token claiming tenant 1's tid */
    expect_denied(&e, mint(&e, e.d2->signing_key, NULL), NULL);
    /* a tenant that does not exist */
    expect_denied(&e,
                  mint(&e, e.d1->signing_key,
                       json_pack("{s:s}", "tid", "99999999-9999-9999-9999-999999999999")),
                  NULL);
    /* an ID token: aud is a client, no roles/scp/idtyp */
    expect_denied(
        &e,
        mint(&e, e.d1->signing_key,
             json_pack("{s:s, s:n, s:n, s:s}", "aud", APP, "roles", "idtyp", "nonce", "n")),
        "audience");
    expect_denied(&e, mint(&e, e.d1->signing_key, json_pack("{s:n, s:n}", "roles", "idtyp")),
                  "not an access token");
    expect_denied(&e, "", "CompactToken");
    expect_denied(&e, "a.b.c", "CompactToken");
    expect_denied(&e, "not a token", "CompactToken");
    env_free(&e);
}

/* header.payload.sig with a chosen header around a genuine payload. */
static const char *forge(struct env *e, const char *header_json, const char *sig)
{
    const char *good = mint(e, e->d1->signing_key, NULL);
    const char *dot = strchr(good, '.'), *dot2 = strchr(dot + 1, '.');
    char h[256];

    b64url_encode(header_json, strlen(header_json), h, sizeof(h));
    return arena_printf(e->a, "%s.%.*s.%s", h, (int)(dot2 - dot - 1), dot + 1, sig);
}

static void forged_algorithms_are_refused(void **state)
{
    struct env e;
    const char *kid;

    env_init(state, &e);
    kid = jwk_kid(e.d1->signing_key);
    expect_denied(&e, forge(&e, arena_printf(e.a, "{\"alg\":\"none\",\"kid\":\"%s\"}", kid), ""),
                  NULL);
    expect_denied(&e, forge(&e, arena_printf(e.a, "{\"alg\":\"none\",\"kid\":\"%s\"}", kid), "AA"),
                  NULL);
    expect_denied(
        &e, forge(&e, arena_printf(e.a, "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid), "c2lnbmF0dXJl"),
        NULL);
    expect_denied(
        &e, forge(&e, arena_printf(e.a, "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid), "c2lnbmF0dXJl"),
        NULL);
    env_free(&e);
}

static void implications(void **state)
{
    (void)state;
    assert_true(graph_auth_implies("User.ReadWrite.All", "User.Read.All"));
    assert_true(graph_auth_implies("Application.ReadWrite.All", "Application.Read.All"));
    assert_false(graph_auth_implies("User.Read.All", "User.ReadWrite.All"));
    assert_false(graph_auth_implies("User.ReadWrite.All", "Application.Read.All"));
    assert_true(graph_auth_implies("Directory.ReadWrite.All", "Directory.Read.All"));
    assert_true(graph_auth_implies("Directory.ReadWrite.All", "User.ReadWrite.All"));
    assert_true(graph_auth_implies("Directory.ReadWrite.All", "Application.Read.All"));
    assert_true(graph_auth_implies("Directory.ReadWrite.All", "Organization.ReadWrite.All"));
    assert_true(graph_auth_implies("Directory.Read.All", "User.Read.All"));
    assert_true(graph_auth_implies("Directory.Read.All", "Organization.Read.All"));
    assert_true(graph_auth_implies("Directory.Read.All", "DelegatedPermissionGrant.Read.All"));
    assert_true(graph_auth_implies("DelegatedPermissionGrant.ReadWrite.All",
                                   "DelegatedPermissionGrant.Read.All"));
    assert_true(
        graph_auth_implies("Directory.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"));
    assert_false(
        graph_auth_implies("Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All"));
    assert_false(
        graph_auth_implies("Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"));
    assert_false(graph_auth_implies("Directory.Read.All", "User.ReadWrite.All"));
    assert_false(graph_auth_implies("Directory.ReadWrite.All", "AuditLog.Read.All"));
    assert_false(graph_auth_implies("Directory.Read.All", "AuditLog.Read.All"));
    assert_false(graph_auth_implies("ReadWrite.All", "Read.All"));
    assert_false(graph_auth_implies("X.ReadWrite.All", "Y.Read.All"));
    assert_false(graph_auth_implies(NULL, "User.Read.All"));
}

/* --- the pipeline check -------------------------------------------------------------------- */

struct call {
    struct req r;
    struct resp rs;
    struct route route;
    struct kv h[1];
};

/* k starts zeroed; each call reuses it, dropping the previous response body. */
static enum porch_err check(struct env *e, struct call *k, const char *perm, const char *auth)
{
    sbuf_release(&k->rs.body);
    memset(k, 0, sizeof(*k));
    k->route = (struct route){"GET", "/v1.0/users", NULL, R_GRAPH | R_ERR_GRAPH, 0, perm};
    k->r.arena = e->a;
    k->r.srv = &e->srv;
    k->r.route = &k->route;
    k->r.method = "GET";
    k->r.path = "/v1.0/users";
    k->r.request_id = "cccccccc-0000-0000-0000-000000000003";
    k->r.client_ip = "192.0.2.1";
    k->h[0] = (struct kv){"Authorization", auth};
    k->r.headers = (struct kvlist){k->h, auth ? 1 : 0};
    resp_init(&k->rs, e->a, 1 << 16);
    return graph_auth_check(&k->r, &k->rs);
}

static int64_t audits(void **state, const char *tenant)
{
    struct db_conn *c = fx_conn(state);
    struct store_query q = {0};
    int64_t n = -1;

    assert_int_equal(store_audit_count(c, tenant, &q, &n), PORCH_OK);
    fx_release(c);
    return n;
}

static void pipeline_answers_401_and_403(void **state)
{
    struct env e;
    struct call k = {0};
    const char *tok;

    env_init(state, &e);
    /* no token */
    assert_int_equal(check(&e, &k, "User.Read.All", NULL), PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 401);
    assert_non_null(strstr(k.rs.body.buf, "\"InvalidAuthenticationToken\""));
    assert_non_null(strstr(k.rs.body.buf, "Access token is empty."));
    assert_string_equal(resp_header_get(&k.rs, "WWW-Authenticate"),
                        "Bearer realm=\"\", authorization_uri=\"https://id.example.com/common/"
                        "oauth2/v2.0/authorize\", client_id=\"" GRAPH_APP_ID "\"");
    /* another scheme is no token (and the query string is never read) */
    assert_int_equal(check(&e, &k, "User.Read.All", "Basic eDp5"), PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 401);
    /* garbage: invalid_token, nothing audited */
    assert_int_equal(check(&e, &k, "User.Read.All", "Bearer abc.def.ghi"), PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 401);
    assert_non_null(strstr(resp_header_get(&k.rs, "WWW-Authenticate"), "error=\"invalid_token\""));
    assert_int_equal(audits(state, e.t1.id), 0);
    /* genuine but expired: 401, audited */
    tok = mint(&e, e.d1->signing_key, json_pack("{s:I}", "exp", (json_int_t)(clock_now() - 900)));
    assert_int_equal(check(&e, &k, "User.Read.All", arena_printf(e.a, "Bearer %s", tok)),
                     PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 401);
    assert_int_equal(audits(state, e.t1.id), 1);
    /* valid, lacking the role: 403, audited */
    tok = mint(&e, e.d1->signing_key, NULL);
    assert_int_equal(check(&e, &k, "User.ReadWrite.All", arena_printf(e.a, "bearer %s", tok)),
                     PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 403);
    assert_non_null(strstr(k.rs.body.buf, "\"Authorization_RequestDenied\""));
    assert_non_null(strstr(k.rs.body.buf, "Insufficient privileges to complete the operation."));
    assert_int_equal(audits(state, e.t1.id), 2);
    assert_int_equal(audits(state, e.t2.id), 0);
    /* a route without a permission refuses everyone */
    assert_int_equal(check(&e, &k, NULL, arena_printf(e.a, "Bearer %s", tok)), PORCH_E_DENIED);
    assert_int_equal(k.rs.status, 403);
    /* implied role: allowed, caller attached */
    tok = mint(&e, e.d1->signing_key, json_pack("{s:[s]}", "roles", "Directory.ReadWrite.All"));
    assert_int_equal(check(&e, &k, "User.ReadWrite.All", arena_printf(e.a, "Bearer %s", tok)),
                     PORCH_OK);
    assert_non_null(k.r.auth);
    assert_string_equal(k.r.auth->tenant_id, e.t1.id);
    env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(valid_token_describes_the_caller, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(bad_tokens_are_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(forged_algorithms_are_refused, fx_setup, fx_teardown),
        cmocka_unit_test(implications),
        cmocka_unit_test_setup_teardown(pipeline_answers_401_and_403, fx_setup, fx_teardown),
    };

    return fx_run("graph/test_auth", tests, sizeof(tests) / sizeof(tests[0]));
}
