/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tenants for store-backed tests: rows the foreign keys of tenant-owned tables need. Include
 * after fixture.h in tests that link the store layer.
 */
#ifndef PORCH_TEST_TENANT_FIXTURE_H
#define PORCH_TEST_TENANT_FIXTURE_H

#include <stdio.h>

#include "store/tenant.h"

/* Inserts tenant id with subdomain sub (display name sub, default domain sub.porch.test). */
static inline void fx_add_tenant(struct db_conn *c, const char *id, const char *sub)
{
    struct tenant t = {.created_at = 1};

    snprintf(t.id, sizeof(t.id), "%s", id);
    snprintf(t.subdomain, sizeof(t.subdomain), "%s", sub);
    snprintf(t.display_name, sizeof(t.display_name), "%s", sub);
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "%s.porch.test", sub);
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
}

#endif
