/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The users handlers against a real store on every backend: create (201, Location, no
 * password in the body, the policy's refusal, case-insensitive identity conflicts), the default
 * property set against $select, the identities filter with the local-issuer rule, lookup by
 * userPrincipalName, another tenant's user as 404, PATCH (identities replaced, a new password
 * and disabling revoke sessions), revokeSignInSessions, DELETE and the audit records.
 */
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/config.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "directory/tenants.h"
#include "graph/audit.h"
#include "graph/auth.h"
#include "http/server.h"
#include "oidc/oidc.h"
#include "oidc/tenant_docs.h"
#include "../db/fixture.h"
#include "../../../src/graph/users.c"
#include "../../../src/graph/users_write.c"

static struct config cfg = {
    .public_url = (char *)(uintptr_t) "https://id.example.com",
    .discovery_cache_ttl = 60,
};

#define STRONG "correct horse battery staple 42"

struct env {
    struct secretbox *sb;
    struct oidc *o;
    struct tenant t1, t2;
    struct tenant_docs *d1, *d2;
    struct porch_srv srv;
    struct graph_auth auth;
    const char *perms[1];
};

static void env_init(void **state, struct env *e)
{
    static const unsigned char key[32] = {7};
    struct tenant_spec s1 = {"Contoso", "contoso", "DE", "porch.test", NULL, NULL, NULL};
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
    e->srv = (struct porch_srv){&cfg, *state, e->sb, e->o};
    e->perms[0] = "User.ReadWrite.All";
    e->auth = (struct graph_auth){e->d1,
                                  e->d1->tenant.id,
                                  "aaaaaaaa-0000-0000-0000-000000000001",
                                  "bbbbbbbb-0000-0000-0000-000000000002",
                                  "Script",
                                  NULL,
                                  e->perms,
                                  1,
                                  0};
}

/* Makes the caller tenant 1 or 2. */
static void env_tenant(struct env *e, int which)
{
    e->auth.tenant = which == 1 ? e->d1 : e->d2;
    e->auth.tenant_id = e->auth.tenant->tenant.id;
}

static void env_free(struct env *e)
{
    tenant_docs_unref(e->d1);
    tenant_docs_unref(e->d2);
    oidc_free(e->o);
    secretbox_free(e->sb);
}

struct call {
    struct arena *a;
    struct req r;
    struct resp rs;
    struct kv q[6];
    json_t *body;
};

static enum porch_err call(struct env *e, struct call *k,
                           enum porch_err (*fn)(struct req *, struct resp *), const char *method,
                           const char *param, const char *const *kv, const char *json)
{
    enum porch_err err;
    size_t n = 0;

    memset(k, 0, sizeof(*k));
    k->a = arena_new();
    k->r = (struct req){.arena = k->a,
                        .srv = &e->srv,
                        .method = method,
                        .path = param ? "/v1.0/users/x" : "/v1.0/users",
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

static const char *str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static json_t *item(struct call *k, size_t i)
{
    return json_array_get(json_object_get(k->body, "value"), i);
}

/* Creates a user from body and returns its id (static buffer per slot). */
static const char *create(struct env *e, const char *body, char out[UUID_STR_LEN])
{
    struct call k;

    assert_int_equal(call(e, &k, graph_users_create, "POST", NULL, NULL, body), PORCH_OK);
    assert_int_equal(k.rs.status, 201);
    snprintf(out, UUID_STR_LEN, "%s", str(k.body, "id"));
    arena_free(k.a);
    return out;
}

static void users_create_rules(void **state)
{
    struct env e;
    struct call k;
    char want[512];

    env_init(state, &e);
    assert_int_equal(
        call(&e, &k, graph_users_create, "POST", NULL, NULL,
             "{\"displayName\":\"Alice\",\"identities\":[{\"signInType\":\"emailAddress\","
             "\"issuer\":\"contoso.porch.test\",\"issuerAssignedId\":\"Alice@Example.com\"}],"
             "\"passwordProfile\":{\"password\":\"" STRONG "\","
             "\"forceChangePasswordNextSignIn\":false},\"mail\":\"alice@example.com\"}"),
        PORCH_OK);
    assert_int_equal(k.rs.status, 201);
    snprintf(want, sizeof(want), "https://id.example.com/v1.0/users/%s", str(k.body, "id"));
    assert_string_equal(resp_header_get(&k.rs, "Location"), want);
    assert_string_equal(str(k.body, "creationType"), "LocalAccount");
    assert_true(json_is_null(json_object_get(k.body, "passwordProfile")));
    assert_null(strstr(k.rs.body.buf, "horse"));
    assert_null(strstr(k.rs.body.buf, "argon2"));
    arena_free(k.a);
    /* weak passwords: too short, and the tenant's name */
    assert_int_equal(
        call(&e, &k, graph_users_create, "POST", NULL, NULL,
             "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"b@x.com\"}],"
             "\"passwordProfile\":{\"password\":\"Passw0rd!\"}}"),
        PORCH_E_INVALID);
    assert_int_equal(k.rs.status, 400);
    assert_non_null(strstr(str(json_object_get(k.body, "error"), "message"),
                           "does not comply with password complexity requirements"));
    assert_non_null(strstr(str(json_object_get(k.body, "error"), "message"), "15"));
    arena_free(k.a);
    assert_int_equal(
        call(&e, &k, graph_users_create, "POST", NULL, NULL,
             "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"b@x.com\"}],"
             "\"passwordProfile\":{\"password\":\"ContosoContoso12\"}}"),
        PORCH_E_INVALID);
    arena_free(k.a);
    /* the same email in another case is taken */
    assert_int_equal(call(&e, &k, graph_users_create, "POST", NULL, NULL,
                          "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":"
                          "\"ALICE@example.COM\"}],\"passwordProfile\":{\"password\":\"" STRONG
                          "\"}}"),
                     PORCH_E_INVALID);
    assert_string_equal(str(json_object_get(k.body, "error"), "code"), "Request_BadRequest");
    assert_string_equal(str(json_object_get(k.body, "error"), "message"),
                        "Another object with the same value for property identities already "
                        "exists.");
    arena_free(k.a);
    /* read-only properties */
    assert_int_equal(
        call(&e, &k, graph_users_create, "POST", NULL, NULL,
             "{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"google.com\","
             "\"issuerAssignedId\":\"g1\"}],\"creationType\":\"Invitation\"}"),
        PORCH_E_INVALID);
    arena_free(k.a);
    env_free(&e);
}

static void users_reads(void **state)
{
    struct env e;
    struct call k;
    char alice[UUID_STR_LEN], bob[UUID_STR_LEN];

    env_init(state, &e);
    create(&e,
           "{\"displayName\":\"Alice\",\"identities\":[{\"signInType\":\"emailAddress\","
           "\"issuerAssignedId\":\"alice@example.com\"}],\"passwordProfile\":{\"password\":"
           "\"" STRONG "\"}}",
           alice);
    /* an extension attribute nobody registered */
    assert_int_equal(call(&e, &k, graph_users_create, "POST", NULL, NULL,
                          "{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"x.com\","
                          "\"issuerAssignedId\":\"1\"}],"
                          "\"extension_0123456789abcdef0123456789abcdef_x\":\"v\"}"),
                     PORCH_E_INVALID);
    assert_non_null(strstr(str(json_object_get(k.body, "error"), "message"),
                           "does not exist as a declared property or extension property"));
    arena_free(k.a);
    create(&e,
           "{\"displayName\":\"bob\",\"identities\":[{\"signInType\":\"federated\","
           "\"issuer\":\"google.com\",\"issuerAssignedId\":\"G-123\"}]}",
           bob);
    /* the default set */
    assert_int_equal(call(&e, &k, graph_users_list, "GET", NULL, NULL, NULL), PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 2);
    assert_string_equal(str(item(&k, 0), "displayName"), "Alice");
    assert_int_equal(json_object_size(item(&k, 0)), 11);
    assert_null(json_object_get(item(&k, 0), "identities"));
    assert_true(json_is_array(json_object_get(item(&k, 0), "businessPhones")));
    arena_free(k.a);
    /* $select, unknown property */
    assert_int_equal(call(&e, &k, graph_users_list, "GET", NULL,
                          (const char *[]){"$select", "id,identities,accountEnabled", NULL}, NULL),
                     PORCH_OK);
    assert_int_equal(json_object_size(item(&k, 1)), 3);
    assert_true(json_is_true(json_object_get(item(&k, 1), "accountEnabled")));
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_users_list, "GET", NULL,
                          (const char *[]){"$select", "id,nope", NULL}, NULL),
                     PORCH_E_INVALID);
    arena_free(k.a);
    /* identities filter: the issuer of local identities is ignored */
    assert_int_equal(
        call(&e, &k, graph_users_list, "GET", NULL,
             (const char *[]){"$filter",
                              "identities/any(c:c/issuerAssignedId eq "
                              "'ALICE@example.com' and c/issuer eq 'contoso.onmicrosoft.com')",
                              NULL},
             NULL),
        PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 1);
    assert_string_equal(str(item(&k, 0), "id"), alice);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_users_list, "GET", NULL,
                          (const char *[]){"$filter",
                                           "identities/any(c:c/issuerAssignedId eq 'G-123' and "
                                           "c/issuer eq 'facebook.com')",
                                           NULL},
                          NULL),
                     PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 0);
    arena_free(k.a);
    /* get by id and by userPrincipalName; another tenant sees nothing */
    assert_int_equal(call(&e, &k, graph_users_get, "GET", bob, NULL, NULL), PORCH_OK);
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/v1.0/$metadata#users/$entity");
    assert_int_equal(json_object_size(k.body), 12);
    {
        char upn[300];
        struct call g;
        snprintf(upn, sizeof(upn), "%s", str(k.body, "userPrincipalName"));
        for (char *p = upn; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        assert_int_equal(call(&e, &g, graph_users_get, "GET", upn, NULL, NULL), PORCH_OK);
        assert_string_equal(str(g.body, "id"), bob);
        arena_free(g.a);
    }
    arena_free(k.a);
    env_tenant(&e, 2);
    assert_int_equal(call(&e, &k, graph_users_get, "GET", bob, NULL, NULL), PORCH_E_NOT_FOUND);
    assert_int_equal(k.rs.status, 404);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_users_list, "GET", NULL, NULL, NULL), PORCH_OK);
    assert_int_equal(json_array_size(json_object_get(k.body, "value")), 0);
    arena_free(k.a);
    env_free(&e);
}

static void users_writes(void **state)
{
    struct env e;
    struct call k;
    struct user_row u;
    struct db_conn *c;
    char id[UUID_STR_LEN];
    const char *patch_body;

    env_init(state, &e);
    create(&e,
           "{\"displayName\":\"Carol\",\"identities\":[{\"signInType\":\"emailAddress\","
           "\"issuerAssignedId\":\"carol@example.com\"}],\"passwordProfile\":{\"password\":"
           "\"" STRONG "\"}}",
           id);
    clock_set_fixed(clock_now() + 100);
    patch_body = "{\"identities\":[{\"signInType\":\"userName\",\"issuerAssignedId\":\"carol1\"}],"
                 "\"passwordProfile\":{\"password\":\"another long passphrase 77\"},"
                 "\"jobTitle\":\"Chef\"}";
    assert_int_equal(call(&e, &k, graph_users_patch, "PATCH", id, NULL, patch_body), PORCH_OK);
    assert_int_equal(k.rs.status, 204);
    arena_free(k.a);
    c = fx_conn(state);
    assert_int_equal(store_user_get(c, e.t1.id, id, &u), PORCH_OK);
    assert_int_equal(u.nidentities, 1);
    assert_string_equal(u.identities[0].issuer_assigned_id, "carol1");
    assert_int_equal(u.sessions_valid_from, clock_now());
    assert_int_equal(u.password_changed_at, clock_now());
    store_user_row_release(&u);
    fx_release(c);
    /* disabling revokes too; revokeSignInSessions */
    clock_set_fixed(clock_now() + 100);
    assert_int_equal(
        call(&e, &k, graph_users_patch, "PATCH", id, NULL, "{\"accountEnabled\":false}"), PORCH_OK);
    arena_free(k.a);
    c = fx_conn(state);
    assert_int_equal(store_user_get(c, e.t1.id, id, &u), PORCH_OK);
    assert_int_equal(u.sessions_valid_from, clock_now());
    assert_false(u.account_enabled);
    store_user_row_release(&u);
    fx_release(c);
    clock_set_fixed(clock_now() + 100);
    assert_int_equal(call(&e, &k, graph_users_revoke, "POST", id, NULL, NULL), PORCH_OK);
    assert_int_equal(k.rs.status, 200);
    assert_true(json_is_true(json_object_get(k.body, "value")));
    assert_string_equal(str(k.body, "@odata.context"),
                        "https://id.example.com/v1.0/$metadata#Edm.Boolean");
    arena_free(k.a);
    /* a weak new password changes nothing */
    assert_int_equal(call(&e, &k, graph_users_patch, "PATCH", id, NULL,
                          "{\"passwordProfile\":{\"password\":\"short\"}}"),
                     PORCH_E_INVALID);
    arena_free(k.a);
    /* other tenant: 404 for every write */
    env_tenant(&e, 2);
    assert_int_equal(call(&e, &k, graph_users_patch, "PATCH", id, NULL, "{\"jobTitle\":\"x\"}"),
                     PORCH_E_NOT_FOUND);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_users_delete, "DELETE", id, NULL, NULL), PORCH_E_NOT_FOUND);
    arena_free(k.a);
    env_tenant(&e, 1);
    assert_int_equal(call(&e, &k, graph_users_delete, "DELETE", id, NULL, NULL), PORCH_OK);
    assert_int_equal(k.rs.status, 204);
    arena_free(k.a);
    assert_int_equal(call(&e, &k, graph_users_get, "GET", id, NULL, NULL), PORCH_E_NOT_FOUND);
    arena_free(k.a);
    /* the audit trail, without the password */
    assert_int_equal(call(&e, &k, graph_audit_list, "GET", NULL,
                          (const char *[]){"$orderby", "activityDateTime asc", NULL}, NULL),
                     PORCH_OK);
    {
        static const char *const want[] = {"Add user",
                                           "Update user",
                                           "Reset user password",
                                           "Update user",
                                           "Invalidate all refresh tokens for user",
                                           "Delete user"};
        json_t *v = json_object_get(k.body, "value");
        assert_int_equal(json_array_size(v), 6);
        for (size_t i = 0; i < 6; i++) {
            const char *got = str(json_array_get(v, i), "activityDisplayName");
            int found = 0;
            for (size_t j = 0; j < 6; j++)
                found |= strcmp(got, want[j]) == 0;
            assert_true(found);
            assert_string_equal(str(json_array_get(v, i), "category"), "UserManagement");
        }
    }
    assert_null(strstr(k.rs.body.buf, "passphrase"));
    assert_null(strstr(k.rs.body.buf, "horse"));
    arena_free(k.a);
    clock_set_fixed(-1);
    env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(users_create_rules, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(users_reads, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(users_writes, fx_setup, fx_teardown),
    };

    return fx_run("graph/test_graph_users", tests, sizeof(tests) / sizeof(tests[0]));
}
