/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The auditLogs/signIns handlers against a real store on every backend: the signIn shape
 * (columns, fixed values, deviceDetail from the user agent, data members and what they may
 * not replace, beta-only members), @odata.context, every supported $filter and the 400s for
 * the rest, paging with signed skip tokens bound to tenant and query, $count, single reads
 * and 404 across tenants.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "graph/auth.h"
#include "http/server.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/graph/signins.c"

#define T1 "11111111-1111-1111-1111-111111111111"
#define T2 "22222222-2222-2222-2222-222222222222"
#define U1 "aaaaaaaa-0000-0000-0000-000000000001"
#define U2 "aaaaaaaa-0000-0000-0000-000000000002"
#define A1 "bbbbbbbb-0000-0000-0000-000000000001"
#define A2 "bbbbbbbb-0000-0000-0000-000000000002"
#define CHROME_WIN                                                                                 \
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "            \
    "Chrome/120.0.6099.130 Safari/537.36"

static struct config cfg = {
    .public_url = (char *)(uintptr_t) "https://id.example.com",
};

struct env {
    struct secretbox *sb;
    struct porch_srv srv;
    struct graph_auth auth;
    const char *perms[1];
};

static void tenant(struct db_conn *c, const char *id, const char *sub)
{
    struct tenant t = {0};

    snprintf(t.id, sizeof(t.id), "%s", id);
    snprintf(t.subdomain, sizeof(t.subdomain), "%s", sub);
    snprintf(t.display_name, sizeof(t.display_name), "%s", sub);
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "%s.porch.test", sub);
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
}

static void add(struct db_conn *c, const char *tid, const char *id, int64_t at, const char *uid,
                const char *upn, const char *app_id, const char *app, int error, const char *data)
{
    struct signin_log l = {0};

    snprintf(l.tenant_id, sizeof(l.tenant_id), "%s", tid);
    snprintf(l.id, sizeof(l.id), "%s", id);
    l.created_at = at;
    l.user_id = uid;
    l.user_display_name = "Someone";
    l.user_principal_name = upn;
    l.app_id = app_id;
    l.app_display_name = app;
    l.ip_address = "192.0.2.7";
    l.client_app_used = "Browser";
    l.correlation_id = "cccccccc-0000-0000-0000-000000000003";
    l.error_code = error;
    l.failure_reason = error ? "Invalid username or password." : NULL;
    l.user_agent = CHROME_WIN;
    l.is_interactive = true;
    l.data = data;
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
}

/* Tenants T1 and T2; T1 has four sign-ins (s1 oldest … s4 newest), T2 one. */
static void env_init(void **state, struct env *e)
{
    static const unsigned char key[32] = {7};
    struct db_conn *c = fx_conn(state);

    memset(e, 0, sizeof(*e));
    assert_int_equal(secretbox_from_key(key, &e->sb), PORCH_OK);
    tenant(c, T1, "one");
    tenant(c, T2, "two");
    add(c, T1, "00000000-0000-4000-8000-000000000001", 1767225600, U1, "Ann@Contoso.com", A1,
        "Web Shop", 0, NULL);
    add(c, T1, "00000000-0000-4000-8000-000000000002", 1767225660, U2, "bob@contoso.com", A1,
        "Web Shop", 50126, NULL);
    add(c, T1, "00000000-0000-4000-8000-000000000003", 1767229200, U1, "ann@contoso.com", A2,
        "Graph Explorer", 0,
        "{\"location\":{\"city\":\"Oslo\"},\"userId\":\"forged\",\"riskState\":\"atRisk\","
        "\"appliedEventListeners\":[]}");
    add(c, T1, "00000000-0000-4000-8000-000000000004", 1767232800, U2, "bob@contoso.com", A2,
        "Graph Explorer", 0, NULL);
    add(c, T2, "00000000-0000-4000-8000-000000000009", 1767232800, U1, "ann@contoso.com", A1,
        "Web Shop", 0, NULL);
    fx_release(c);
    e->srv = (struct porch_srv){&cfg, *state, e->sb, NULL};
    e->perms[0] = "AuditLog.Read.All";
    e->auth = (struct graph_auth){NULL, T1, A1, NULL, "Script", NULL, e->perms, 1, 0};
}

static void env_free(struct env *e)
{
    secretbox_free(e->sb);
}

struct call {
    struct arena *a;
    struct req r;
    struct resp rs;
    struct kv q[4];
    json_t *body; /* parsed response */
};

/* Runs fn for GET path with query kv pairs (NULL-terminated) and path parameter param. */
static enum porch_err call(struct env *e, struct call *k,
                           enum porch_err (*fn)(struct req *, struct resp *), const char *path,
                           const char *param, const char *const *kv)
{
    enum porch_err err;
    size_t n = 0;

    memset(k, 0, sizeof(*k));
    k->a = arena_new();
    k->r = (struct req){.arena = k->a,
                        .srv = &e->srv,
                        .method = "GET",
                        .path = path,
                        .request_id = "cccccccc-0000-0000-0000-000000000003",
                        .client_ip = "192.0.2.9",
                        .auth = &e->auth};
    k->r.params[0] = param;
    for (; kv && kv[2 * n]; n++)
        k->q[n] = (struct kv){kv[2 * n], kv[2 * n + 1]};
    k->r.query = (struct kvlist){k->q, n};
    resp_init(&k->rs, k->a, 1 << 20);
    err = fn(&k->r, &k->rs);
    if (k->rs.body.len)
        k->body = arena_defer(k->a, (arena_cleanup_fn)json_decref,
                              json_loadb(k->rs.body.buf, k->rs.body.len, 0, NULL));
    return err;
}

static json_t *at(json_t *j, const char *path)
{
    char key[64];
    const char *dot;

    while ((dot = strchr(path, '/')) != NULL) {
        snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
        j = json_is_array(j) ? json_array_get(j, (size_t)strtoul(key, NULL, 10))
                             : json_object_get(j, key);
        path = dot + 1;
    }
    return json_is_array(j) ? json_array_get(j, (size_t)strtoul(path, NULL, 10))
                            : json_object_get(j, path);
}

static const char *str(json_t *j, const char *path)
{
    return json_string_value(at(j, path));
}

static size_t nvalue(const struct call *k)
{
    return json_array_size(json_object_get(k->body, "value"));
}

/* Lists with one $filter and checks the ids returned, newest first ("4,2" = s4 then s2). */
static void expect_filter(struct env *e, const char *filter, const char *ids)
{
    struct call k;
    char got[64] = "";

    assert_int_equal(call(e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$filter", filter, NULL}),
                     PORCH_OK);
    for (size_t i = 0; i < nvalue(&k); i++) {
        const char *id = str(json_array_get(json_object_get(k.body, "value"), i), "id");
        size_t len = strlen(got);
        snprintf(got + len, sizeof(got) - len, "%s%c", len ? "," : "", id[strlen(id) - 1]);
    }
    if (strcmp(got, ids) != 0)
        fail_msg("filter '%s': got '%s', want '%s'", filter, got, ids);
    arena_free(k.a);
}

/* Lists with one $filter and checks the 400 and its Graph error code. */
static void expect_rejected(struct env *e, const char *filter, const char *code)
{
    struct call k;

    assert_int_not_equal(call(e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                              (const char *[]){"$filter", filter, NULL}),
                         PORCH_OK);
    assert_int_equal(k.rs.status, 400);
    if (!str(k.body, "error/code") || strcmp(str(k.body, "error/code"), code) != 0)
        fail_msg("filter '%s': got code '%s', want '%s'", filter,
                 str(k.body, "error/code") ? str(k.body, "error/code") : "(none)", code);
    arena_free(k.a);
}

static void list_shape(void **state)
{
    struct env e;
    struct call k;
    json_t *s2, *s3;

    env_init(state, &e);
    assert_int_equal(call(&e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL, NULL),
                     PORCH_OK);
    assert_int_equal(k.rs.status, 200);
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/v1.0/$metadata#auditLogs/signIns");
    assert_null(json_object_get(k.body, "@odata.nextLink"));
    assert_int_equal(nvalue(&k), 4);
    assert_string_equal(str(k.body, "value/0/id"), "00000000-0000-4000-8000-000000000004");
    assert_string_equal(str(k.body, "value/3/id"), "00000000-0000-4000-8000-000000000001");
    s2 = at(k.body, "value/2");
    assert_string_equal(str(s2, "createdDateTime"), "2026-01-01T00:01:00Z");
    assert_string_equal(str(s2, "userDisplayName"), "Someone");
    assert_string_equal(str(s2, "userPrincipalName"), "bob@contoso.com");
    assert_string_equal(str(s2, "userId"), U2);
    assert_string_equal(str(s2, "appId"), A1);
    assert_string_equal(str(s2, "appDisplayName"), "Web Shop");
    assert_string_equal(str(s2, "ipAddress"), "192.0.2.7");
    assert_string_equal(str(s2, "clientAppUsed"), "Browser");
    assert_string_equal(str(s2, "correlationId"), "cccccccc-0000-0000-0000-000000000003");
    assert_string_equal(str(s2, "conditionalAccessStatus"), "notApplied");
    assert_int_equal(json_array_size(at(s2, "appliedConditionalAccessPolicies")), 0);
    assert_true(json_is_true(at(s2, "isInteractive")));
    assert_string_equal(str(s2, "deviceDetail/browser"), "Chrome 120.0.6099");
    assert_string_equal(str(s2, "deviceDetail/operatingSystem"), "Windows 10");
    assert_string_equal(str(s2, "deviceDetail/deviceId"), "");
    assert_string_equal(str(s2, "deviceDetail/trustType"), "");
    assert_true(json_is_false(at(s2, "deviceDetail/isCompliant")));
    assert_true(json_is_false(at(s2, "deviceDetail/isManaged")));
    assert_true(json_is_null(at(s2, "location/city")));
    assert_true(json_is_null(at(s2, "location/geoCoordinates/latitude")));
    assert_true(json_is_null(at(s2, "resourceDisplayName")));
    assert_true(json_is_null(at(s2, "resourceId")));
    assert_string_equal(str(s2, "resourceTenantId"), T1);
    assert_string_equal(str(s2, "homeTenantId"), T1);
    assert_string_equal(str(s2, "riskDetail"), "none");
    assert_string_equal(str(s2, "riskLevelAggregated"), "none");
    assert_string_equal(str(s2, "riskLevelDuringSignIn"), "none");
    assert_string_equal(str(s2, "riskState"), "none");
    assert_int_equal(json_array_size(at(s2, "riskEventTypes")), 0);
    assert_int_equal(json_array_size(at(s2, "riskEventTypes_v2")), 0);
    assert_int_equal(json_integer_value(at(s2, "status/errorCode")), 50126);
    assert_string_equal(str(s2, "status/failureReason"), "Invalid username or password.");
    assert_true(json_is_null(at(s2, "status/additionalDetails")));
    assert_string_equal(str(s2, "userAgent"), CHROME_WIN);
    /* data replaces defaults, never a column-backed property; beta-only members stay out */
    s3 = at(k.body, "value/1");
    assert_string_equal(str(s3, "location/city"), "Oslo");
    assert_string_equal(str(s3, "riskState"), "atRisk");
    assert_string_equal(str(s3, "userId"), U1);
    assert_null(json_object_get(s3, "appliedEventListeners"));
    assert_int_equal(json_integer_value(at(s3, "status/errorCode")), 0);
    assert_true(json_is_null(at(s3, "status/failureReason")));
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_signins_list, "/beta/auditLogs/signIns", NULL,
                          (const char *[]){"$select", "id,location", NULL}),
                     PORCH_OK);
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/beta/$metadata#auditLogs/signIns(id,location)");
    assert_int_equal(json_object_size(at(k.body, "value/0")), 2);
    assert_string_equal(str(k.body, "value/1/location/city"), "Oslo");
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_signins_list, "/beta/auditLogs/signIns", NULL, NULL),
                     PORCH_OK);
    assert_non_null(at(k.body, "value/1/appliedEventListeners"));
    arena_free(k.a);
    env_free(&e);
}

static void filters(void **state)
{
    struct env e;

    env_init(state, &e);
    expect_filter(&e, "createdDateTime ge 2026-01-01T00:01:00Z", "4,3,2");
    expect_filter(&e, "createdDateTime gt 2026-01-01T00:01:00Z", "4,3");
    expect_filter(&e, "createdDateTime le 2026-01-01T00:01:00Z", "2,1");
    expect_filter(&e, "createdDateTime lt 2026-01-01T00:01:00Z", "1");
    expect_filter(&e, "createdDateTime eq 2026-01-01T00:00:00Z", "1");
    expect_filter(&e,
                  "createdDateTime ge 2026-01-01T00:00:00Z and "
                  "createdDateTime lt 2026-01-01T01:00:00Z",
                  "2,1");
    expect_filter(&e, "userId eq '" U1 "'", "3,1");
    expect_filter(&e, "userId eq 'AAAAAAAA-0000-0000-0000-000000000002'", "4,2");
    expect_filter(&e, "appId eq '" A2 "'", "4,3");
    expect_filter(&e, "userPrincipalName eq 'ANN@contoso.com'", "3,1");
    expect_filter(&e, "startswith(userPrincipalName,'Bo')", "4,2");
    expect_filter(&e, "status/errorCode eq 50126", "2");
    expect_filter(&e, "status/errorCode eq 0 and appId eq '" A1 "'", "1");
    expect_filter(&e, "startswith(appDisplayName,'graph')", "4,3");
    expect_filter(&e, "appDisplayName eq 'Web Shop'", "2,1");
    expect_filter(&e, "startsWith(appDisplayName,'Graph') and userId eq '" U2 "'", "4");
    expect_filter(&e, "userId eq '" U1 "' and startswith(appDisplayName,'Web')", "1");
    expect_filter(&e, "startswith(appDisplayName,'nope')", "");
    expect_filter(&e, "userId eq '" U1 "' or status/errorCode eq 50126", "3,2,1");
    /* unsupported properties, operators and functions */
    expect_rejected(&e, "ipAddress eq '192.0.2.7'", "Request_UnsupportedQuery");
    expect_rejected(&e, "userId ne '" U1 "'", "Request_UnsupportedQuery");
    expect_rejected(&e, "userId in ('" U1 "')", "Request_UnsupportedQuery");
    expect_rejected(&e, "status/errorCode gt 0", "Request_UnsupportedQuery");
    expect_rejected(&e, "endswith(userPrincipalName,'.com')", "Request_UnsupportedQuery");
    expect_rejected(&e, "contains(appDisplayName,'x')", "Request_UnsupportedQuery");
    expect_rejected(&e, "startswith(appId,'b')", "Request_UnsupportedQuery");
    /* malformed values */
    expect_rejected(&e, "createdDateTime ge 'yesterday'", "Request_BadRequest");
    expect_rejected(&e, "userId eq 'not-a-guid'", "Request_BadRequest");
    expect_rejected(&e, "status/errorCode eq 'x'", "Request_BadRequest");
    expect_rejected(&e, "userId eq", "Request_BadRequest");
    env_free(&e);
}

static void options_and_paging(void **state)
{
    struct env e;
    struct call k, g;
    const char *next, *tok;

    env_init(state, &e);
    assert_int_equal(call(&e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "3", "$count", "true", NULL}),
                     PORCH_OK);
    assert_int_equal(nvalue(&k), 3);
    assert_int_equal(json_integer_value(json_object_get(k.body, "@odata.count")), 4);
    next = str(k.body, "@odata.nextLink");
    assert_non_null(next);
    assert_non_null(strstr(next, "https://id.example.com/v1.0/auditLogs/signIns?"));
    tok = arena_strdup(k.a, strstr(next, "$skiptoken=") + 11);
    /* the next page */
    assert_int_equal(call(&e, &g, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "3", "$count", "true", "$skiptoken", tok, NULL}),
                     PORCH_OK);
    assert_int_equal(nvalue(&g), 1);
    assert_string_equal(str(g.body, "value/0/id"), "00000000-0000-4000-8000-000000000001");
    assert_null(json_object_get(g.body, "@odata.nextLink"));
    arena_free(g.a);
    /* the token is bound to the query … */
    assert_int_equal(call(&e, &g, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "2", "$count", "true", "$skiptoken", tok, NULL}),
                     PORCH_E_INVALID);
    assert_int_equal(g.rs.status, 400);
    assert_string_equal(str(g.body, "error/code"), "Request_BadRequest");
    arena_free(g.a);
    /* … the path … */
    assert_int_equal(call(&e, &g, graph_signins_list, "/beta/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "3", "$count", "true", "$skiptoken", tok, NULL}),
                     PORCH_E_INVALID);
    arena_free(g.a);
    /* … and the tenant */
    e.auth.tenant_id = T2;
    assert_int_equal(call(&e, &g, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "3", "$count", "true", "$skiptoken", tok, NULL}),
                     PORCH_E_INVALID);
    arena_free(g.a);
    /* T2 sees only its own record */
    assert_int_equal(call(&e, &g, graph_signins_list, "/v1.0/auditLogs/signIns", NULL, NULL),
                     PORCH_OK);
    assert_int_equal(nvalue(&g), 1);
    assert_string_equal(str(g.body, "value/0/id"), "00000000-0000-4000-8000-000000000009");
    assert_string_equal(str(g.body, "value/0/homeTenantId"), T2);
    arena_free(g.a);
    e.auth.tenant_id = T1;
    arena_free(k.a);
    /* $top bounds, $orderby, $skip, $search, unknown $select */
    static const char *const bad[][2] = {
        {"$top", "0"},    {"$top", "1000"},       {"$orderby", "createdDateTime desc"},
        {"$skip", "1"},   {"$search", "\"x:y\""}, {"$select", "nope"},
        {"$expand", "x"}, {"$count", "maybe"},    {"$skiptoken", "AAAA"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(call(&e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                                  (const char *[]){bad[i][0], bad[i][1], NULL}),
                             PORCH_OK);
        assert_int_equal(k.rs.status, 400);
        arena_free(k.a);
    }
    assert_int_equal(call(&e, &k, graph_signins_list, "/v1.0/auditLogs/signIns", NULL,
                          (const char *[]){"$top", "999", NULL}),
                     PORCH_OK);
    assert_int_equal(nvalue(&k), 4);
    arena_free(k.a);
    env_free(&e);
}

static void single_record(void **state)
{
    struct env e;
    struct call k;

    env_init(state, &e);
    assert_int_equal(call(&e, &k, graph_signins_get, "/v1.0/auditLogs/signIns/x",
                          "00000000-0000-4000-8000-000000000002", NULL),
                     PORCH_OK);
    assert_int_equal(k.rs.status, 200);
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/v1.0/$metadata#auditLogs/signIns/$entity");
    assert_string_equal(str(k.body, "id"), "00000000-0000-4000-8000-000000000002");
    assert_int_equal(json_integer_value(at(k.body, "status/errorCode")), 50126);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_signins_get, "/beta/auditLogs/signIns/x",
                          "00000000-0000-4000-8000-000000000003",
                          (const char *[]){"$select", "status,userId", NULL}),
                     PORCH_OK);
    assert_string_equal(
        str(k.body, "@odata.context"),
        "https://id.example.com/beta/$metadata#auditLogs/signIns(status,userId)/$entity");
    assert_int_equal(json_object_size(k.body), 3);
    arena_free(k.a);
    /* another tenant's record and an unknown id are 404 */
    assert_int_equal(call(&e, &k, graph_signins_get, "/v1.0/auditLogs/signIns/x",
                          "00000000-0000-4000-8000-000000000009", NULL),
                     PORCH_E_NOT_FOUND);
    assert_int_equal(k.rs.status, 404);
    assert_string_equal(str(k.body, "error/code"), "Request_ResourceNotFound");
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_signins_get, "/v1.0/auditLogs/signIns/x", "nope", NULL),
                     PORCH_E_NOT_FOUND);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_signins_get, "/v1.0/auditLogs/signIns/x",
                          "00000000-0000-4000-8000-000000000002",
                          (const char *[]){"$top", "1", NULL}),
                     PORCH_E_INVALID);
    arena_free(k.a);
    env_free(&e);
}

static void user_agents(void **state)
{
    static const struct {
        const char *ua, *browser, *os;
    } cases[] = {
        {CHROME_WIN, "Chrome 120.0.6099", "Windows 10"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
         "Edge 120.0.2210", "Windows 10"},
        {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.2 Safari/605.1.15",
         "Safari 17.2", "MacOs"},
        {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
         "Safari 17.2", "Ios"},
        {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox 121.0",
         "Linux"},
        {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0.6099.144 Mobile Safari/537.36",
         "Chrome 120.0.6099", "Android"},
        {"node", "", ""},
        {"Chrome/", "Chrome", ""},
        {NULL, "", ""},
    };
    char b[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ua_browser(cases[i].ua, b, sizeof(b));
        assert_string_equal(b, cases[i].browser);
        assert_string_equal(ua_os(cases[i].ua), cases[i].os);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_agents),
        cmocka_unit_test_setup_teardown(list_shape, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(filters, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(options_and_paging, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(single_record, fx_setup, fx_teardown),
    };

    return fx_run("graph/test_signins", tests, sizeof(tests) / sizeof(tests[0]));
}
