/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client secrets (generated, stored hashed, verified in constant time, told apart as unknown /
 * wrong / expired) and the bootstrap administrator client, on every backend.
 */
#include "unit.h"

#include <jansson.h>

#include "db/db.h"
#include "core/clock.h"
#include "crypto/secretbox.h"
#include "directory/apps.h"
#include "directory/graph_api.h"
#include "directory/tenants.h"
#include "store/app.h"
#include "store/assignment.h"
#include "store/sp.h"
#include "../db/fixture.h"
#include "../../../src/directory/credentials.c"

static struct tenant make_tenant(struct db_conn *c, char graph_sp[UUID_STR_LEN])
{
    static const unsigned char key[32] = {7};
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://id.porch.test",
                               NULL,      NULL};
    struct secretbox *sb = NULL;
    struct tenant t;

    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    secretbox_free(sb);
    assert_int_equal(graph_api_ensure(c, t.id, "https://id.porch.test", graph_sp), PORCH_OK);
    return t;
}

static void add_verify_remove(void **state)
{
    struct db_conn *c = fx_conn(state);
    char graph_sp[UUID_STR_LEN];
    struct tenant t = make_tenant(c, graph_sp);
    struct apps_created app;
    struct credentials_password pw, pw2;
    struct credential_client cl;
    enum credentials_status st;
    int64_t now = clock_now();

    assert_int_equal(apps_create(c, t.id, "Shop", &app), PORCH_OK);
    assert_int_equal(credentials_add_password(c, t.id, app.app_id, "ci", 0, 0, &pw), PORCH_OK);
    assert_true(strlen(pw.secret) >= 40);
    assert_int_equal(strncmp(pw.hint, pw.secret, 3), 0);
    assert_int_equal(strlen(pw.hint), 3);
    assert_true(uuid_valid(pw.key_id));
    assert_true(pw.end_at - pw.start_at >= 2 * 365 * 24 * 3600);
    /* the secret itself is nowhere in the store */
    assert_int_equal(credentials_verify_secret(c, t.id, app.app_id, pw.secret, now, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_VALID);
    assert_string_equal(cl.sp_id, app.sp_id);
    assert_true(cl.sp_enabled);
    assert_string_not_equal(cl.pw[0].hash, pw.secret);
    assert_int_equal(credentials_verify_secret(c, t.id, app.app_id, "wrong", now, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_BAD_SECRET);
    assert_int_equal(credentials_verify_secret(c, t.id, "00000000-0000-4000-8000-000000000000",
                                               pw.secret, now, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_UNKNOWN_CLIENT);
    assert_int_equal(credentials_verify_secret(c, t.id, app.app_id, pw.secret, pw.end_at, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_EXPIRED);
    /* an expired secret does not hide a valid one and vice versa */
    assert_int_equal(credentials_add_password(c, t.id, app.app_id, NULL, now - 100, now - 50, &pw2),
                     PORCH_OK);
    assert_int_equal(credentials_verify_secret(c, t.id, app.app_id, pw2.secret, now, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_EXPIRED);
    assert_int_equal(credentials_add_password(c, t.id, app.app_id, NULL, now, now - 1, &pw2),
                     PORCH_E_INVALID);
    assert_int_equal(credentials_remove_password(c, t.id, app.app_id, pw.key_id), PORCH_OK);
    assert_int_equal(credentials_verify_secret(c, t.id, app.app_id, pw.secret, now, &cl, &st),
                     PORCH_OK);
    assert_int_equal(st, CREDENTIALS_BAD_SECRET);
    assert_int_equal(credentials_remove_password(c, t.id, app.app_id, pw.key_id),
                     PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void password_count_is_capped(void **state)
{
    struct db_conn *c = fx_conn(state);
    char graph_sp[UUID_STR_LEN];
    struct tenant t = make_tenant(c, graph_sp);
    struct apps_created app;
    struct credentials_password pw;

    assert_int_equal(apps_create(c, t.id, "Shop", &app), PORCH_OK);
    for (int i = 0; i < STORE_CREDENTIAL_MAX; i++)
        assert_int_equal(credentials_add_password(c, t.id, app.app_id, NULL, 0, 0, &pw), PORCH_OK);
    assert_int_equal(credentials_add_password(c, t.id, app.app_id, NULL, 0, 0, &pw),
                     PORCH_E_TOO_BIG);
    fx_release(c);
}

static void apps_create_uses_graph_defaults(void **state)
{
    struct db_conn *c = fx_conn(state);
    char graph_sp[UUID_STR_LEN];
    struct tenant t = make_tenant(c, graph_sp);
    struct apps_created app;
    struct app_row a;
    struct sp_row s;
    json_t *j;

    assert_int_equal(apps_create(c, t.id, "", &app), PORCH_E_INVALID);
    assert_int_equal(apps_create(c, t.id, "Shop", &app), PORCH_OK);
    assert_int_equal(store_app_get(c, t.id, app.id, &a), PORCH_OK);
    assert_string_equal(a.app_id, app.app_id);
    j = json_loads(a.data, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "signInAudience")), "AzureADMyOrg");
    assert_true(json_is_array(json_object_get(j, "identifierUris")));
    assert_true(json_is_array(json_object_get(json_object_get(j, "web"), "redirectUris")));
    assert_true(json_is_array(json_object_get(json_object_get(j, "spa"), "redirectUris")));
    assert_true(
        json_is_array(json_object_get(json_object_get(j, "api"), "oauth2PermissionScopes")));
    assert_true(json_is_array(json_object_get(j, "requiredResourceAccess")));
    json_decref(j);
    store_app_row_release(&a);
    assert_int_equal(store_sp_get_by_app_id(c, t.id, app.app_id, &s), PORCH_OK);
    assert_string_equal(s.id, app.sp_id);
    j = json_loads(s.data, 0, NULL);
    assert_true(json_is_false(json_object_get(j, "appRoleAssignmentRequired")));
    assert_string_equal(json_string_value(json_object_get(j, "servicePrincipalType")),
                        "Application");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "servicePrincipalNames"), 0)),
        app.app_id);
    json_decref(j);
    store_sp_row_release(&s);
    fx_release(c);
}

static void bootstrap_admin_holds_every_graph_role(void **state)
{
    struct db_conn *c = fx_conn(state);
    char graph_sp[UUID_STR_LEN];
    struct tenant t = make_tenant(c, graph_sp);
    struct apps_bootstrap b;
    struct assignment_grant *g = calloc(1, sizeof(*g));
    struct credential_client cl;
    enum credentials_status st;

    assert_int_equal(apps_bootstrap_admin(c, t.id, graph_sp, &b), PORCH_OK);
    assert_int_equal(
        credentials_verify_secret(c, t.id, b.app.app_id, b.password.secret, clock_now(), &cl, &st),
        PORCH_OK);
    assert_int_equal(st, CREDENTIALS_VALID);
    assert_int_equal(
        store_assignment_resource_roles(c, t.id, GRAPH_RESOURCE_URI, b.app.sp_id, false, g),
        PORCH_OK);
    assert_string_equal(g->resource_id, graph_sp);
    assert_string_equal(g->resource_app_id, GRAPH_APP_ID);
    assert_int_equal(g->nroles, graph_nroles);
    assert_int_equal(
        store_assignment_resource_roles(c, t.id, "https://id.porch.test", b.app.sp_id, false, g),
        PORCH_OK);
    free(g);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(add_verify_remove),
        T(password_count_is_capped),
        T(apps_create_uses_graph_defaults),
        T(bootstrap_admin_holds_every_graph_role),
    };
    return fx_run("credentials", tests, sizeof(tests) / sizeof(tests[0]));
}
