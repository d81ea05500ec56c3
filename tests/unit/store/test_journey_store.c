/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the journey repository on every backend: create/get by raw id, expiry, optimistic
 * version checks on update and delete, purge, and bad input.
 */
#include "unit.h"

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/store/journey.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define CLIENT "6e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define NOW    1700000000

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct tenant t = {.created_at = 1};

    snprintf(t.id, sizeof(t.id), "%s", TID);
    snprintf(t.subdomain, sizeof(t.subdomain), "contoso");
    snprintf(t.display_name, sizeof(t.display_name), "Contoso");
    snprintf(t.country, sizeof(t.country), "US");
    snprintf(t.default_domain, sizeof(t.default_domain), "contoso.porch.test");
    assert_int_equal(store_tenant_insert(c, &t), PORCH_OK);
    return c;
}

static void create(struct db_conn *c, struct journey_row *j, char id[STORE_JOURNEY_TOKEN_LEN])
{
    char csrf[STORE_JOURNEY_TOKEN_LEN];

    memset(j, 0, sizeof(*j));
    snprintf(j->tenant_id, sizeof(j->tenant_id), "%s", TID);
    snprintf(j->kind, sizeof(j->kind), "signin");
    snprintf(j->state, sizeof(j->state), "start");
    snprintf(j->client_id, sizeof(j->client_id), "%s", CLIENT);
    j->request = (char *)(uintptr_t) "{\"redirect_uri\":\"https://app.example/cb\"}";
    j->expires_at = NOW + 900;
    assert_int_equal(store_journey_create(c, j, NOW, id, csrf), PORCH_OK);
    assert_int_equal(strlen(id), 43);
    assert_int_equal(strlen(csrf), 43);
    assert_string_not_equal(id, csrf);
    assert_int_equal(j->version, 1);
    j->request = NULL;
}

static void create_get_update_delete(void **state)
{
    struct db_conn *c = seed(state);
    struct journey_row j, a, b;
    char id[STORE_JOURNEY_TOKEN_LEN];

    create(c, &j, id);
    assert_int_equal(store_journey_get(c, TID, id, NOW, &a), PORCH_OK);
    assert_string_equal(a.kind, "signin");
    assert_string_equal(a.state, "start");
    assert_string_equal(a.client_id, CLIENT);
    assert_string_equal(a.request, "{\"redirect_uri\":\"https://app.example/cb\"}");
    assert_string_equal(a.data, "{}");
    assert_string_equal(a.csrf_hash, j.csrf_hash);
    assert_int_equal(a.version, 1);
    assert_int_equal(store_journey_get(c, TID, id, NOW, &b), PORCH_OK);

    /* Two requests read version 1; the first update wins, the second conflicts. */
    snprintf(a.state, sizeof(a.state), "email");
    free(a.data);
    a.data = xstrdup("{\"email\":\"a@b.c\"}");
    assert_int_equal(store_journey_update(c, &a), PORCH_OK);
    assert_int_equal(a.version, 2);
    snprintf(b.state, sizeof(b.state), "failed");
    assert_int_equal(store_journey_update(c, &b), PORCH_E_CONFLICT);
    assert_int_equal(b.version, 1);
    assert_int_equal(store_journey_delete(c, &b), PORCH_E_CONFLICT);
    store_journey_row_release(&b);
    assert_int_equal(store_journey_get(c, TID, id, NOW, &b), PORCH_OK);
    assert_string_equal(b.state, "email");
    assert_string_equal(b.data, "{\"email\":\"a@b.c\"}");
    assert_int_equal(b.version, 2);

    assert_int_equal(store_journey_delete(c, &a), PORCH_OK);
    assert_int_equal(store_journey_delete(c, &a), PORCH_E_NOT_FOUND);
    assert_int_equal(store_journey_update(c, &b), PORCH_E_NOT_FOUND);
    store_journey_row_release(&b);
    assert_int_equal(store_journey_get(c, TID, id, NOW, &b), PORCH_E_NOT_FOUND);
    store_journey_row_release(&a);
    store_journey_row_release(&j);
    fx_release(c);
}

static void expiry_and_purge(void **state)
{
    struct db_conn *c = seed(state);
    struct journey_row j, got;
    char id[STORE_JOURNEY_TOKEN_LEN], id2[STORE_JOURNEY_TOKEN_LEN], csrf[48];
    int64_t n = 0;

    create(c, &j, id);
    assert_int_equal(store_journey_get(c, TID, id, NOW + 899, &got), PORCH_OK);
    store_journey_row_release(&got);
    assert_int_equal(store_journey_get(c, TID, id, NOW + 900, &got), PORCH_E_NOT_FOUND);
    assert_int_equal(store_journey_get(c, "00000000-0000-4000-8000-000000000000", id, NOW, &got),
                     PORCH_E_NOT_FOUND);
    create(c, &j, id2);
    assert_int_equal(store_journey_purge(c, NOW + 900, &n), PORCH_OK);
    assert_int_equal(n, 2);

    j.expires_at = NOW;
    assert_int_equal(store_journey_create(c, &j, NOW, id, csrf), PORCH_E_INVALID);
    assert_string_equal(id, "");
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(create_get_update_delete),
        T(expiry_and_purge),
    };

    return fx_run("journey_store", tests, sizeof(tests) / sizeof(tests[0]));
}
