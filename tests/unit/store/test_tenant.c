/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the tenant repository, run on SQLite and, when configured, PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/db.h"
#include "../db/fixture.h"
#include "../../../src/store/tenant.c"

#define ID1 "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define ID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define ID3 "2b3c4d5e-6f70-4a7b-8c9d-0e1f2a3b4c5d"

static struct tenant make(const char *id, const char *sub, int64_t created_at)
{
    struct tenant t = {.created_at = created_at};

    snprintf(t.id, sizeof(t.id), "%s", id);
    snprintf(t.subdomain, sizeof(t.subdomain), "%s", sub);
    snprintf(t.display_name, sizeof(t.display_name), "%s Ltd", sub);
    snprintf(t.country, sizeof(t.country), "NL");
    snprintf(t.default_domain, sizeof(t.default_domain), "%s.porch.test", sub);
    return t;
}

static void finds_by_id_subdomain_and_domain(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant t = make("0F6C3C4E-8D2A-4B1E-9A37-5C1D2E3F4A5B", "Contoso", 100), got;

    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
    static const char *const refs[] = {ID1,
                                       "0F6C3C4E-8D2A-4B1E-9A37-5C1D2E3F4A5B",
                                       "contoso",
                                       "CONTOSO",
                                       "Contoso.Porch.Test",
                                       "contoso.porch.test"};
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        memset(&got, 0xff, sizeof(got));
        assert_int_equal(store_tenant_find(c, refs[i], &got), PORCH_OK);
        assert_string_equal(got.id, ID1);
        assert_string_equal(got.subdomain, "contoso");
        assert_string_equal(got.display_name, "Contoso Ltd");
        assert_string_equal(got.country, "NL");
        assert_string_equal(got.default_domain, "contoso.porch.test");
        assert_int_equal(got.created_at, 100);
    }
    fx_release(c);
}

static void misses_are_not_found(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant t = make(ID1, "contoso", 100), got;
    char longref[600];

    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
    assert_int_equal(store_tenant_find(c, "fabrikam", &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_tenant_find(c, "", &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_tenant_find(c, "x' OR '1'='1", &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_tenant_find(c, "contoso%", &got), PORCH_E_NOT_FOUND);
    memset(longref, 'a', sizeof(longref) - 1);
    longref[sizeof(longref) - 1] = '\0';
    assert_int_equal(store_tenant_find(c, longref, &got), PORCH_E_NOT_FOUND);
    fx_release(c);
}

static void duplicates_conflict(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant a = make(ID1, "contoso", 100);
    struct tenant b = make(ID2, "CONTOSO", 101);
    struct tenant d = make(ID3, "fabrikam", 102);

    assert_int_equal(store_tenant_insert(c, &a), PORCH_OK);
    assert_int_equal(store_tenant_insert(c, &b), PORCH_E_CONFLICT);
    snprintf(d.default_domain, sizeof(d.default_domain), "Contoso.PORCH.test");
    assert_int_equal(store_tenant_insert(c, &d), PORCH_E_CONFLICT);
    d = make(ID1, "fabrikam", 102);
    assert_int_equal(store_tenant_insert(c, &d), PORCH_E_CONFLICT);
    fx_release(c);
}

static void rejects_invalid_tenants(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant t = make("not-a-guid", "contoso", 100);

    assert_int_equal(store_tenant_insert(c, &t), PORCH_E_INVALID);
    t = make(ID1, "contoso", 100);
    t.subdomain[0] = '\0';
    assert_int_equal(store_tenant_insert(c, &t), PORCH_E_INVALID);
    t = make(ID1, "contoso", 100);
    memset(t.country, 'X', sizeof(t.country)); /* unterminated */
    assert_int_equal(store_tenant_insert(c, &t), PORCH_E_INVALID);
    fx_release(c);
}

struct collected {
    char subs[8][64];
    size_t n;
    size_t stop_after;
};

static enum porch_err collect(const struct tenant *t, void *ctx)
{
    struct collected *col = ctx;

    if (col->n == col->stop_after)
        return PORCH_E_DENIED;
    snprintf(col->subs[col->n++], sizeof(col->subs[0]), "%s", t->subdomain);
    return PORCH_OK;
}

static void lists_in_creation_order(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant a = make(ID3, "third", 300), b = make(ID2, "second", 200),
                  d = make(ID1, "first", 200);
    struct collected col = {.stop_after = 8};

    assert_int_equal(store_tenant_list(c, collect, &col), PORCH_OK);
    assert_int_equal(col.n, 0);
    assert_int_equal(store_tenant_insert(c, &a), PORCH_OK);
    assert_int_equal(store_tenant_insert(c, &b), PORCH_OK);
    assert_int_equal(store_tenant_insert(c, &d), PORCH_OK);
    assert_int_equal(store_tenant_list(c, collect, &col), PORCH_OK);
    assert_int_equal(col.n, 3);
    assert_string_equal(col.subs[0], "first"); /* same created_at: ordered by id */
    assert_string_equal(col.subs[1], "second");
    assert_string_equal(col.subs[2], "third");

    col = (struct collected){.stop_after = 1};
    assert_int_equal(store_tenant_list(c, collect, &col), PORCH_E_DENIED);
    assert_int_equal(col.n, 1);
    fx_release(c);
}

static void oversized_stored_values_fail(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant got;

    assert_int_equal(db_exec(c, "INSERT INTO tenants (id, subdomain, display_name, country, "
                                "default_domain, created_at) VALUES ('" ID1 "', 'big', 'Big', "
                                "'NLD', 'big.porch.test', 1)"),
                     PORCH_OK);
    assert_int_equal(store_tenant_find(c, "big", &got), PORCH_E_STORE);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(finds_by_id_subdomain_and_domain),
        T(misses_are_not_found),
        T(duplicates_conflict),
        T(rejects_invalid_tenants),
        T(lists_in_creation_order),
        T(oversized_stored_values_fail),
    };

    return fx_run("tenant", tests, sizeof(tests) / sizeof(tests[0]));
}
