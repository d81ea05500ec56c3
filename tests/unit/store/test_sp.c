/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the service principal repository (names, cascades), on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "store/assignment.h"
#include "store/grant.h"
#include "../../../src/store/sp.c"

#define S1 "11111111-1111-4111-8111-111111111111"
#define S2 "22222222-2222-4222-8222-222222222222"
#define C1 "aaaaaaaa-1111-4111-8111-111111111111"
#define C2 "aaaaaaaa-2222-4222-8222-222222222222"
#define R1 "bbbbbbbb-1111-4111-8111-111111111111"

static struct sp_row make(const char *tid, const char *id, const char *app_id, const char *data)
{
    struct sp_row s = {.account_enabled = true, .created_at = 5};

    snprintf(s.tenant_id, sizeof(s.tenant_id), "%s", tid);
    snprintf(s.id, sizeof(s.id), "%s", id);
    snprintf(s.app_id, sizeof(s.app_id), "%s", app_id);
    s.display_name = (char *)(uintptr_t) "Api";
    s.data = (char *)(uintptr_t)data;
    return s;
}

static void names_are_unique_per_tenant(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct sp_row s = make(TID1, S1, C1, "{\"servicePrincipalNames\":[\"api://shop\",\"" C1 "\"]}");
    struct sp_row got;

    assert_int_equal(db_begin(c, true), PORCH_OK);
    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
    assert_int_equal(db_commit(c), PORCH_OK);
    assert_int_equal(store_sp_get_by_app_id(c, TID1, C1, &got), PORCH_OK);
    assert_string_equal(got.id, S1);
    assert_true(got.account_enabled);
    store_sp_row_release(&got);
    assert_int_equal(store_sp_get(c, TID2, S1, &got), PORCH_E_NOT_FOUND);
    /* the same name in the same tenant is refused; in another tenant it is fine */
    s = make(TID1, S2, C2, "{\"servicePrincipalNames\":[\"api://shop\"]}");
    assert_int_equal(db_begin(c, true), PORCH_OK);
    assert_int_equal(store_sp_insert(c, &s), PORCH_E_CONFLICT);
    db_rollback(c);
    s = make(TID2, S2, C2, "{\"servicePrincipalNames\":[\"api://shop\"]}");
    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
    s = make(TID1, S2, C2, "{\"servicePrincipalNames\":[42]}");
    assert_int_equal(db_begin(c, true), PORCH_OK);
    assert_int_equal(store_sp_insert(c, &s), PORCH_E_INVALID);
    db_rollback(c);
    /* update rewrites the names */
    s = make(TID1, S1, C1, "{\"servicePrincipalNames\":[\"api://renamed\"]}");
    s.account_enabled = false;
    assert_int_equal(store_sp_update(c, &s), PORCH_OK);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM service_principal_names WHERE name = "
                                   "'api://shop'"),
                     1);
    assert_int_equal(store_sp_get(c, TID1, S1, &got), PORCH_OK);
    assert_false(got.account_enabled);
    store_sp_row_release(&got);
    fx_release(c);
}

static void delete_takes_assignments_and_grants(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct sp_row s = make(TID1, S1, C1, "{\"servicePrincipalNames\":[\"" C1 "\"]}");
    struct sp_row r = make(TID1, S2, C2, "{\"servicePrincipalNames\":[\"" C2 "\"]}");
    struct assignment_row a = {.tenant_id = TID1,
                               .id = R1,
                               .principal_id = S1,
                               .principal_type = "ServicePrincipal",
                               .resource_id = S2,
                               .app_role_id = C1,
                               .created_at = 1};
    struct grant_row g = {.tenant_id = TID1,
                          .id = R1,
                          .client_id = S2,
                          .consent_type = "AllPrincipals",
                          .resource_id = S1,
                          .scope = (char *)(uintptr_t) "User.Read"};

    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
    assert_int_equal(store_sp_insert(c, &r), PORCH_OK);
    assert_int_equal(store_assignment_insert(c, &a), PORCH_OK);
    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    assert_int_equal(db_begin(c, true), PORCH_OK);
    assert_int_equal(store_sp_delete(c, TID1, S1), PORCH_OK);
    assert_int_equal(db_commit(c), PORCH_OK);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM app_role_assignments"), 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM oauth2_permission_grants"), 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM service_principal_names"), 1);
    assert_int_equal(store_sp_delete(c, TID1, S1), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static enum porch_err count(const struct sp_row *s, void *ctx)
{
    (void)s;
    (*(int *)ctx)++;
    return PORCH_OK;
}

static void list_by_tenant(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct sp_row s = make(TID1, S1, C1, "{}");
    struct store_bind b = {.is_int = true, .i = 0};
    struct store_query q = {.where = "account_enabled = ?", .binds = &b, .nbinds = 1, .limit = 5};
    int n = 0;
    int64_t total = 0;

    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
    s = make(TID1, S2, C2, "{}");
    s.account_enabled = false;
    assert_int_equal(store_sp_insert(c, &s), PORCH_OK);
    assert_int_equal(store_sp_list(c, TID1, NULL, count, &n, &total), PORCH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(total, 2);
    n = 0;
    assert_int_equal(store_sp_list(c, TID1, &q, count, &n, &total), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
    n = 0;
    assert_int_equal(store_sp_list(c, TID2, NULL, count, &n, NULL), PORCH_OK);
    assert_int_equal(n, 0);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(names_are_unique_per_tenant),
        T(delete_takes_assignments_and_grants),
        T(list_by_tenant),
    };
    return fx_run("store_sp", tests, sizeof(tests) / sizeof(tests[0]));
}
