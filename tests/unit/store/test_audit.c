/* SPDX-License-Identifier: Apache-2.0 */
/* The directory audit repository on every backend: insert, get, list order, filters, count. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/store/audit.c"

#define T1 "11111111-1111-1111-1111-111111111111"
#define T2 "22222222-2222-2222-2222-222222222222"

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

static void add(struct db_conn *c, const char *tid, const char *id, int64_t at,
                const char *activity, const char *result)
{
    char data[256];
    struct audit_record rec = {0};

    snprintf(data, sizeof(data), "{\"id\":\"%s\",\"activityDisplayName\":\"%s\"}", id, activity);
    rec.tenant_id = tid;
    rec.id = id;
    rec.activity_at = at;
    rec.activity_display_name = activity;
    rec.category = "UserManagement";
    rec.result = result;
    rec.logged_by_service = "Core Directory";
    rec.initiated_by_app_id = "aaaaaaaa-0000-0000-0000-000000000001";
    rec.target_id = "target-1";
    rec.data = data;
    assert_int_equal(store_audit_insert(c, &rec), PORCH_OK);
}

struct seen {
    char ids[8][64];
    size_t n;
};

static enum porch_err collect(const char *data, void *ctx)
{
    struct seen *s = ctx;
    const char *p = strstr(data, "\"id\":\"");

    assert_non_null(p);
    assert_true(s->n < 8);
    snprintf(s->ids[s->n++], 64, "%.*s", (int)strcspn(p + 6, "\""), p + 6);
    return PORCH_OK;
}

static void insert_get_list_count(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct store_query q = {.limit = 10};
    struct store_bind b[2] = {{false, "Add user", 0}, {true, NULL, 150}};
    struct seen s = {0};
    struct audit_record bad = {0};
    char *data = NULL;
    int64_t n = 0;

    tenant(c, T1, "one");
    tenant(c, T2, "two");
    add(c, T1, "a1", 100, "Add user", "success");
    add(c, T1, "a2", 200, "Update user", "success");
    add(c, T1, "a3", 200, "Add user", "failure");
    add(c, T2, "b1", 300, "Add user", "success");
    /* newest first; same second: the later insert first */
    assert_int_equal(store_audit_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.ids[0], "a3");
    assert_string_equal(s.ids[1], "a2");
    assert_string_equal(s.ids[2], "a1");
    /* a compiled filter and paging */
    q.where = "activity_display_name = ? AND activity_at >= ?";
    q.binds = b;
    q.nbinds = 2;
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_audit_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "a3");
    assert_int_equal(store_audit_count(c, T1, &q, &n), PORCH_OK);
    assert_int_equal(n, 1);
    q = (struct store_query){.order_by = "activity_at ASC, seq ASC", .limit = 1, .offset = 1};
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_audit_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "a2");
    assert_int_equal(store_audit_count(c, T1, NULL, &n), PORCH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_audit_count(c, T2, NULL, &n), PORCH_OK);
    assert_int_equal(n, 1);
    /* get: tenant-scoped */
    assert_int_equal(store_audit_get(c, T1, "a2", &data), PORCH_OK);
    assert_non_null(strstr(data, "Update user"));
    free(data);
    assert_int_equal(store_audit_get(c, T2, "a2", &data), PORCH_E_NOT_FOUND);
    assert_null(data);
    /* ids are unique per tenant; required fields are required */
    bad = (struct audit_record){.tenant_id = T1,
                                .id = "a1",
                                .activity_at = 1,
                                .activity_display_name = "x",
                                .category = "c",
                                .result = "success",
                                .logged_by_service = "Core Directory"};
    assert_int_equal(store_audit_insert(c, &bad), PORCH_E_CONFLICT);
    bad.id = "a9";
    bad.category = NULL;
    assert_int_equal(store_audit_insert(c, &bad), PORCH_E_INVALID);
    fx_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(insert_get_list_count, fx_setup, fx_teardown),
    };

    return fx_run("store/test_audit", tests, sizeof(tests) / sizeof(tests[0]));
}
