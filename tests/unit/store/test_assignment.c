/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the app role assignment repository and the token endpoint's join, on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "store/sp.h"
#include "../../../src/store/assignment.c"

#define CLIENT "11111111-1111-4111-8111-111111111111"
#define API    "22222222-2222-4222-8222-222222222222"
#define APIAPP "aaaaaaaa-2222-4222-8222-222222222222"
#define ROLE1  "cccccccc-1111-4111-8111-111111111111"
#define ROLE2  "cccccccc-2222-4222-8222-222222222222"
#define ASG1   "dddddddd-1111-4111-8111-111111111111"
#define ASG2   "dddddddd-2222-4222-8222-222222222222"

static void add_api(struct db_conn *c, const char *tid)
{
    struct sp_row s = {.tenant_id = "", .account_enabled = true, .created_at = 1};

    snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", tid);
    snprintf(s.id, sizeof(s.id), "%s", API);
    snprintf(s.app_id, sizeof(s.app_id), "%s", APIAPP);
    s.display_name = (char *)(uintptr_t) "Orders API";
    s.data = (char *)(uintptr_t) "{\"servicePrincipalNames\":[\"api://orders\",\"" APIAPP "\"]}";
    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
}

static struct assignment_row make(const char *tid, const char *id, const char *role)
{
    struct assignment_row a = {.principal_type = "ServicePrincipal", .created_at = 7};

    snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tid);
    snprintf(a.id, sizeof(a.id), "%s", id);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", CLIENT);
    snprintf(a.resource_id, sizeof(a.resource_id), "%s", API);
    snprintf(a.app_role_id, sizeof(a.app_role_id), "%s", role);
    a.principal_display_name = (char *)(uintptr_t) "Client";
    return a;
}

static void insert_get_delete(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct assignment_row a = make(TID1, ASG1, ROLE1), got;

    assert_int_equal(store_assignment_insert(c, &a), PORCH_OK);
    a.id[0] = 'e';
    assert_int_equal(store_assignment_insert(c, &a), PORCH_E_CONFLICT); /* same role twice */
    assert_int_equal(store_assignment_get(c, TID1, ASG1, &got), PORCH_OK);
    assert_string_equal(got.principal_type, "ServicePrincipal");
    assert_string_equal(got.principal_display_name, "Client");
    assert_string_equal(got.resource_display_name, "");
    assert_string_equal(got.app_role_id, ROLE1);
    assert_int_equal(got.created_at, 7);
    store_assignment_row_release(&got);
    assert_int_equal(store_assignment_get(c, TID2, ASG1, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_assignment_delete(c, TID2, ASG1), PORCH_E_NOT_FOUND);
    assert_int_equal(store_assignment_delete(c, TID1, ASG1), PORCH_OK);
    assert_int_equal(store_assignment_delete(c, TID1, ASG1), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static enum porch_err count(const struct assignment_row *a, void *ctx)
{
    (void)a;
    (*(int *)ctx)++;
    return PORCH_OK;
}

static void resource_roles_by_any_name(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct assignment_row a;
    struct assignment_grant *g = calloc(1, sizeof(*g));
    int n = 0;

    add_api(c, TID1);
    add_api(c, TID2);
    a = make(TID1, ASG1, ROLE1);
    assert_int_equal(store_assignment_insert(c, &a), PORCH_OK);
    a = make(TID1, ASG2, ROLE2);
    assert_int_equal(store_assignment_insert(c, &a), PORCH_OK);
    assert_int_equal(store_assignment_list(c, TID1, NULL, count, &n, NULL), PORCH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_assignment_resource_roles(c, TID1, "api://orders", CLIENT, false, g),
                     PORCH_OK);
    assert_string_equal(g->resource_id, API);
    assert_string_equal(g->resource_app_id, APIAPP);
    assert_true(g->resource_enabled);
    assert_null(g->resource_data);
    assert_int_equal(g->nroles, 2);
    assert_int_equal(store_assignment_resource_roles(c, TID1, APIAPP, CLIENT, true, g), PORCH_OK);
    assert_non_null(strstr(g->resource_data, "api://orders"));
    free(g->resource_data);
    /* another principal holds nothing; another tenant's assignments never count */
    assert_int_equal(store_assignment_resource_roles(c, TID1, APIAPP, API, false, g), PORCH_OK);
    assert_int_equal(g->nroles, 0);
    assert_int_equal(store_assignment_resource_roles(c, TID2, APIAPP, CLIENT, false, g), PORCH_OK);
    assert_int_equal(g->nroles, 0);
    assert_int_equal(store_assignment_resource_roles(c, TID1, "api://nope", CLIENT, false, g),
                     PORCH_E_NOT_FOUND);
    free(g);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(insert_get_delete),
        T(resource_roles_by_any_name),
    };
    return fx_run("store_assignment", tests, sizeof(tests) / sizeof(tests[0]));
}
