/* SPDX-License-Identifier: Apache-2.0 */
/* Shared setup for the application-registry store tests: two tenants and row builders. */
#ifndef PORCH_TEST_APPS_FIXTURE_H
#define PORCH_TEST_APPS_FIXTURE_H

#include <stdio.h>

#include "store/tenant.h"

#define TID1 "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

static void add_tenant(struct db_conn *c, const char *id, const char *sub)
{
    struct tenant t = {.created_at = 1};

    snprintf(t.id, sizeof(t.id), "%s", id);
    snprintf(t.subdomain, sizeof(t.subdomain), "%s", sub);
    snprintf(t.display_name, sizeof(t.display_name), "%s", sub);
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "%s.porch.test", sub);
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
}

static inline struct db_conn *two_tenants(void **state)
{
    struct db_conn *c = fx_conn(state);

    add_tenant(c, TID1, "contoso");
    add_tenant(c, TID2, "fabrikam");
    return c;
}

static inline int64_t count_rows(struct db_conn *c, const char *sql)
{
    struct db_stmt *st = NULL;
    bool row = false;
    int64_t n;

    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    n = db_col_int64(st, 0);
    db_finalize(st);
    return n;
}

#endif
