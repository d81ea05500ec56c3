/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the delegated permission grant repository, on every backend. */
#include "unit.h"

#include "db/db.h"
#include "../db/fixture.h"
#include "apps_fixture.h"
#include "../../../src/store/grant.c"

#define G1 "11111111-1111-4111-8111-111111111111"
#define G2 "22222222-2222-4222-8222-222222222222"
#define CL "aaaaaaaa-1111-4111-8111-111111111111"
#define RS "bbbbbbbb-1111-4111-8111-111111111111"
#define US "cccccccc-1111-4111-8111-111111111111"

static enum porch_err count(const struct grant_row *g, void *ctx)
{
    (void)g;
    (*(int *)ctx)++;
    return PORCH_OK;
}

static void crud_and_list(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct grant_row g = {.tenant_id = TID1,
                          .id = G1,
                          .client_id = CL,
                          .consent_type = "AllPrincipals",
                          .resource_id = RS,
                          .scope = (char *)(uintptr_t) "openid profile"};
    struct grant_row got;
    struct store_bind b = {.text = "Principal"};
    struct store_query q = {.where = "consent_type = ?", .binds = &b, .nbinds = 1, .limit = 9};
    int n = 0;
    int64_t total = 0;

    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    g = (struct grant_row){.tenant_id = TID1,
                           .id = G2,
                           .client_id = CL,
                           .consent_type = "Principal",
                           .principal_id = US,
                           .resource_id = RS,
                           .scope = (char *)(uintptr_t) "User.Read"};
    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    assert_int_equal(store_grant_get(c, TID1, G1, &got), PORCH_OK);
    assert_string_equal(got.principal_id, "");
    assert_string_equal(got.scope, "openid profile");
    store_grant_row_release(&got);
    g.scope = (char *)(uintptr_t) "User.Read email";
    assert_int_equal(store_grant_update(c, &g), PORCH_OK);
    assert_int_equal(store_grant_get(c, TID1, G2, &got), PORCH_OK);
    assert_string_equal(got.principal_id, US);
    assert_string_equal(got.scope, "User.Read email");
    store_grant_row_release(&got);
    assert_int_equal(store_grant_get(c, TID2, G2, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_grant_list(c, TID1, &q, count, &n, &total), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
    assert_int_equal(store_grant_delete(c, TID1, G2), PORCH_OK);
    assert_int_equal(store_grant_delete(c, TID1, G2), PORCH_E_NOT_FOUND);
    fx_release(c);
}

/* One grant per (client, resource, consent type, principal); a NULL principal counts as one. */
static void duplicate_key_conflicts(void **state)
{
    struct db_conn *c = two_tenants(state);
    struct grant_row g = {.tenant_id = TID1,
                          .id = G1,
                          .client_id = CL,
                          .consent_type = "AllPrincipals",
                          .resource_id = RS,
                          .scope = (char *)(uintptr_t) "openid"};

    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    snprintf(g.id, sizeof(g.id), "%s", G2);
    assert_int_equal(store_grant_insert(c, &g), PORCH_E_CONFLICT);
    snprintf(g.consent_type, sizeof(g.consent_type), "Principal");
    snprintf(g.principal_id, sizeof(g.principal_id), "%s", US);
    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    snprintf(g.id, sizeof(g.id), "33333333-3333-4333-8333-333333333333");
    assert_int_equal(store_grant_insert(c, &g), PORCH_E_CONFLICT);
    snprintf(g.tenant_id, sizeof(g.tenant_id), "%s", TID2);
    assert_int_equal(store_grant_insert(c, &g), PORCH_OK);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {T(crud_and_list), T(duplicate_key_conflicts)};
    return fx_run("store_grant", tests, sizeof(tests) / sizeof(tests[0]));
}
