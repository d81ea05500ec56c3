/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organization and directoryAudits handlers against a real store on every backend:
 * shapes, $select and @odata.context, 404 for another tenant, PATCH with its body checks and
 * audit record, the audit list's filters, paging and single-record read.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "directory/tenants.h"
#include "graph/auth.h"
#include "http/server.h"
#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "../db/fixture.h"
#include "../../../src/graph/organization.c"

static struct config cfg = {
    .public_url = (char *)(uintptr_t) "https://id.example.com",
    .discovery_cache_ttl = 60,
};

struct env {
    struct secretbox *sb;
    struct oidc *o;
    struct tenant t1, t2;
    struct tenant_docs *d;
    struct porch_srv srv;
    struct graph_auth auth;
    const char *perms[1];
};

static void env_init(void **state, struct env *e)
{
    static const unsigned char key[32] = {5};
    struct tenant_spec s1 = {"Contoso", "contoso", "DE", "porch.test", NULL, NULL, NULL};
    struct tenant_spec s2 = {"Fabrikam", "fabrikam", NULL, "porch.test", NULL, NULL, NULL};
    struct db_conn *c = fx_conn(state);

    memset(e, 0, sizeof(*e));
    assert_int_equal(secretbox_from_key(key, &e->sb), PORCH_OK);
    assert_int_equal(tenants_create(c, e->sb, &s1, &e->t1, NULL), PORCH_OK);
    assert_int_equal(tenants_create(c, e->sb, &s2, &e->t2, NULL), PORCH_OK);
    fx_release(c);
    e->o = oidc_new(&cfg, *state, e->sb);
    assert_int_equal(oidc_tenant_docs(e->o, e->t1.id, &e->d), PORCH_OK);
    e->srv = (struct porch_srv){&cfg, *state, e->sb, e->o};
    e->perms[0] = "Directory.ReadWrite.All";
    e->auth = (struct graph_auth){e->d,
                                  e->d->tenant.id,
                                  "aaaaaaaa-0000-0000-0000-000000000001",
                                  "bbbbbbbb-0000-0000-0000-000000000002",
                                  "Script",
                                  NULL,
                                  e->perms,
                                  1,
                                  0};
}

static void env_free(struct env *e)
{
    tenant_docs_unref(e->d);
    oidc_free(e->o);
    secretbox_free(e->sb);
}

struct call {
    struct arena *a;
    struct req r;
    struct resp rs;
    struct kv q[4];
    json_t *body; /* parsed response */
};

/* Runs fn for method path with query kv pairs and an optional JSON body text. */
static enum porch_err call(struct env *e, struct call *k,
                           enum porch_err (*fn)(struct req *, struct resp *), const char *method,
                           const char *path, const char *param, const char *const *kv,
                           const char *json)
{
    enum porch_err err;
    size_t n = 0;

    memset(k, 0, sizeof(*k));
    k->a = arena_new();
    k->r = (struct req){.arena = k->a,
                        .srv = &e->srv,
                        .method = method,
                        .path = path,
                        .request_id = "cccccccc-0000-0000-0000-000000000003",
                        .client_ip = "192.0.2.9",
                        .auth = &e->auth};
    k->r.params[0] = param;
    for (; kv && kv[2 * n]; n++)
        k->q[n] = (struct kv){kv[2 * n], kv[2 * n + 1]};
    k->r.query = (struct kvlist){k->q, n};
    if (json)
        k->r.json = arena_defer(k->a, (arena_cleanup_fn)json_decref, json_loads(json, 0, NULL));
    resp_init(&k->rs, k->a, 1 << 20);
    err = fn(&k->r, &k->rs);
    if (k->rs.body.len)
        k->body = arena_defer(k->a, (arena_cleanup_fn)json_decref,
                              json_loadb(k->rs.body.buf, k->rs.body.len, 0, NULL));
    return err;
}

static const char *str(json_t *j, const char *path)
{
    char key[64];
    const char *dot;

    while ((dot = strchr(path, '/')) != NULL) {
        snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
        j = json_is_array(j) ? json_array_get(j, (size_t)strtoul(key, NULL, 10))
                             : json_object_get(j, key);
        path = dot + 1;
    }
    j = json_is_array(j) ? json_array_get(j, (size_t)strtoul(path, NULL, 10))
                         : json_object_get(j, path);
    return json_string_value(j);
}

static void organization_reads(void **state)
{
    struct env e;
    struct call k;
    char want[256];

    env_init(state, &e);
    assert_int_equal(
        call(&e, &k, graph_organization_list, "GET", "/v1.0/organization", NULL, NULL, NULL),
        PORCH_OK);
    assert_int_equal(k.rs.status, 200);
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/v1.0/$metadata#organization");
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 1);
    assert_string_equal(str(k.body, "value/0/id"), e.t1.id);
    assert_string_equal(str(k.body, "value/0/displayName"), "Contoso");
    assert_string_equal(str(k.body, "value/0/tenantType"), "CIAM");
    assert_string_equal(str(k.body, "value/0/countryLetterCode"), "DE");
    assert_string_equal(str(k.body, "value/0/verifiedDomains/0/name"), "contoso.porch.test");
    assert_true(json_is_true(json_object_get(
        json_array_get(
            json_object_get(json_array_get(json_object_get(k.body, "value"), 0), "verifiedDomains"),
            0),
        "isDefault")));
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_get, "GET", "/beta/organization/x", e.t1.id,
                          (const char *[]){"$select", "displayName,ID", NULL}, NULL),
                     PORCH_OK);
    snprintf(want, sizeof(want),
             "https://id.example.com/beta/$metadata#organization(displayName,id)/$entity");
    assert_string_equal(str(k.body, "@odata.context"), want);
    assert_int_equal(json_object_size(k.body), 3);
    arena_free(k.a);
    /* another tenant's id does not exist for this caller */
    assert_int_equal(
        call(&e, &k, graph_organization_get, "GET", "/v1.0/organization/x", e.t2.id, NULL, NULL),
        PORCH_E_NOT_FOUND);
    assert_int_equal(k.rs.status, 404);
    assert_string_equal(str(k.body, "error/code"), "Request_ResourceNotFound");
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_list, "GET", "/v1.0/organization", NULL,
                          (const char *[]){"$filter", "displayName eq 'x'", NULL}, NULL),
                     PORCH_E_UNSUPPORTED);
    assert_string_equal(str(k.body, "error/code"), "Request_UnsupportedQuery");
    arena_free(k.a);
    env_free(&e);
}

static void organization_patch_and_audit(void **state)
{
    struct env e;
    struct call k;

    env_init(state, &e);
    /* body checks */
    assert_int_equal(call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x",
                          e.t1.id, NULL, "{\"tenantType\":\"AAD\"}"),
                     PORCH_E_INVALID);
    assert_string_equal(str(k.body, "error/message"),
                        "Property 'tenantType' is read-only and cannot be set.");
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x",
                          e.t1.id, NULL, "{\"displayName\":42}"),
                     PORCH_E_INVALID);
    assert_string_equal(
        str(k.body, "error/message"),
        "Invalid value specified for property 'displayName' of resource 'Organization'.");
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x",
                          e.t1.id, NULL, "{\"nope\":1}"),
                     PORCH_E_INVALID);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x",
                          e.t1.id, NULL, "{\"@odata.type\":\"#microsoft.graph.user\"}"),
                     PORCH_E_INVALID);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x",
                          e.t2.id, NULL, "{\"displayName\":\"Mine now\"}"),
                     PORCH_E_NOT_FOUND);
    arena_free(k.a);
    /* the update */
    assert_int_equal(
        call(&e, &k, graph_organization_patch, "PATCH", "/v1.0/organization/x", e.t1.id, NULL,
             "{\"@odata.type\":\"#microsoft.graph.Organization\",\"id\":\"ignored\","
             "\"displayName\":\"Contoso Ltd\",\"technicalNotificationMails\":[\"it@contoso.com\"],"
             "\"privacyProfile\":{\"contactEmail\":\"p@contoso.com\",\"statementUrl\":null}}"),
        PORCH_OK);
    assert_int_equal(k.rs.status, 204);
    assert_int_equal(k.rs.body.len, 0);
    arena_free(k.a);
    assert_int_equal(
        call(&e, &k, graph_organization_get, "GET", "/v1.0/organization/x", e.t1.id, NULL, NULL),
        PORCH_OK);
    assert_string_equal(str(k.body, "displayName"), "Contoso Ltd");
    assert_string_equal(str(k.body, "technicalNotificationMails/0"), "it@contoso.com");
    assert_string_equal(str(k.body, "privacyProfile/contactEmail"), "p@contoso.com");
    arena_free(k.a);
    /* the audit log shows it, newest first, filterable */
    assert_int_equal(call(&e, &k, graph_audit_list, "GET", "/v1.0/auditLogs/directoryAudits", NULL,
                          (const char *[]){"$filter",
                                           "activityDisplayName eq 'Update organization' and "
                                           "initiatedBy/app/appId eq "
                                           "'AAAAAAAA-0000-0000-0000-000000000001'",
                                           NULL},
                          NULL),
                     PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 1);
    assert_string_equal(str(k.body, "value/0/result"), "success");
    assert_string_equal(str(k.body, "value/0/category"), "DirectoryManagement");
    assert_string_equal(str(k.body, "value/0/loggedByService"), "Core Directory");
    assert_string_equal(str(k.body, "value/0/initiatedBy/app/servicePrincipalId"),
                        "bbbbbbbb-0000-0000-0000-000000000002");
    assert_string_equal(str(k.body, "value/0/targetResources/0/id"), e.t1.id);
    assert_string_equal(str(k.body, "value/0/targetResources/0/modifiedProperties/0/displayName"),
                        "displayName");
    assert_string_equal(str(k.body, "value/0/targetResources/0/modifiedProperties/0/oldValue"),
                        "\"Contoso\"");
    assert_string_equal(str(k.body, "value/0/targetResources/0/modifiedProperties/0/newValue"),
                        "\"Contoso Ltd\"");
    {
        const char *id = arena_strdup(k.a, str(k.body, "value/0/id"));
        struct call g;
        assert_int_equal(call(&e, &g, graph_audit_get, "GET", "/v1.0/auditLogs/directoryAudits/x",
                              id, NULL, NULL),
                         PORCH_OK);
        assert_string_equal(str(g.body, "id"), id);
        assert_string_equal(
            str(g.body, "@odata.context"),
            "https://id.example.com/v1.0/$metadata#auditLogs/directoryAudits/$entity");
        arena_free(g.a);
    }
    arena_free(k.a);
    assert_int_equal(
        call(&e, &k, graph_audit_list, "GET", "/v1.0/auditLogs/directoryAudits", NULL,
             (const char *[]){"$filter", "targetResources/any(t:t/id eq 'nope')", NULL}, NULL),
        PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 0);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_audit_get, "GET", "/v1.0/auditLogs/directoryAudits/x",
                          "nope", NULL, NULL),
                     PORCH_E_NOT_FOUND);
    arena_free(k.a);
    env_free(&e);
}

static void audit_paging(void **state)
{
    struct env e;
    struct call k;
    const char *next, *tok;

    env_init(state, &e);
    for (int i = 0; i < 3; i++) {
        struct req r = {.arena = NULL,
                        .srv = &e.srv,
                        .auth = &e.auth,
                        .method = "GET",
                        .path = "/v1.0/x",
                        .request_id = "cccccccc-0000-0000-0000-000000000003"};
        r.arena = arena_new();
        graph_audit_write(&r, "Add user", "UserManagement", "Add", "User", "u", "U", NULL, true,
                          NULL);
        arena_free(r.arena);
    }
    assert_int_equal(call(&e, &k, graph_audit_list, "GET", "/v1.0/auditLogs/directoryAudits", NULL,
                          (const char *[]){"$top", "2", "$count", "true", NULL}, NULL),
                     PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 2);
    assert_int_equal(json_integer_value(json_object_get(k.body, "@odata.count")), 3);
    next = str(k.body, "@odata.nextLink");
    assert_non_null(next);
    tok = arena_strdup(k.a, strstr(next, "$skiptoken=") + 11);
    {
        struct call g;
        assert_int_equal(
            call(&e, &g, graph_audit_list, "GET", "/v1.0/auditLogs/directoryAudits", NULL,
                 (const char *[]){"$top", "2", "$count", "true", "$skiptoken", tok, NULL}, NULL),
            PORCH_OK);
        assert_int_equal(json_array_size(json_object_get(g.body, "value")), 1);
        assert_null(json_object_get(g.body, "@odata.nextLink"));
        arena_free(g.a);
    }
    arena_free(k.a);
    env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(organization_reads, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(organization_patch_and_audit, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(audit_paging, fx_setup, fx_teardown),
    };

    return fx_run("graph/test_organization", tests, sizeof(tests) / sizeof(tests[0]));
}
