/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sign-in log repository on every backend: insert (generated id and time, validation,
 * hostile text), get, list order, compiled filters, paging, count, purge in batches and
 * tenant isolation.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../../../src/store/signin_log.c"

#define T1 "11111111-1111-1111-1111-111111111111"
#define T2 "22222222-2222-2222-2222-222222222222"
#define U1 "aaaaaaaa-0000-0000-0000-000000000001"
#define A1 "bbbbbbbb-0000-0000-0000-000000000001"

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

/* Inserts a minimal record with a fixed id ("" = generated) and returns its id in out. */
static void add(struct db_conn *c, const char *tid, const char *id, int64_t at, const char *upn,
                const char *app, int error, char out[UUID_STR_LEN])
{
    struct signin_log l = {0};

    snprintf(l.tenant_id, sizeof(l.tenant_id), "%s", tid);
    snprintf(l.id, sizeof(l.id), "%s", id);
    l.created_at = at;
    l.user_id = U1;
    l.user_principal_name = upn;
    l.app_id = A1;
    l.app_display_name = app;
    l.error_code = error;
    l.is_interactive = true;
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
    if (out)
        snprintf(out, UUID_STR_LEN, "%s", l.id);
}

struct seen {
    char ids[16][UUID_STR_LEN];
    int64_t at[16];
    size_t n;
};

static enum porch_err collect(const struct signin_log_row *row, void *ctx)
{
    struct seen *s = ctx;

    assert_true(s->n < 16);
    assert_non_null(row->data);
    s->at[s->n] = row->created_at;
    snprintf(s->ids[s->n++], UUID_STR_LEN, "%s", row->id);
    return PORCH_OK;
}

static enum porch_err stop(const struct signin_log_row *row, void *ctx)
{
    (void)row;
    (void)ctx;
    return PORCH_E_DENIED;
}

static void insert_and_get(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct signin_log l = {0};
    struct signin_log_row r = {0};

    tenant(c, T1, "one");
    tenant(c, T2, "two");
    clock_set_fixed(1767225600);
    snprintf(l.tenant_id, sizeof(l.tenant_id), T1);
    l.user_id = "AAAAAAAA-0000-0000-0000-000000000001";
    l.user_display_name = "Ann";
    l.user_principal_name = "Ann@Contoso.com";
    l.app_id = "BBBBBBBB-0000-0000-0000-000000000001";
    l.app_display_name = "Web Shop";
    l.ip_address = "192.0.2.7";
    l.client_app_used = "Browser";
    l.correlation_id = "cccccccc-0000-0000-0000-000000000003";
    l.resource_display_name = "Shop API";
    l.resource_id = "dddddddd-0000-0000-0000-000000000004";
    l.failure_reason = "Invalid username or password.";
    l.additional_details = "The password was wrong.";
    l.user_agent = "Mozilla/5.0";
    l.data = "{\"location\":{\"city\":\"Oslo\"}}";
    l.is_interactive = true;
    l.error_code = 50126;
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
    clock_set_fixed(-1);
    /* id generated and written back, time defaulted */
    assert_true(uuid_valid(l.id));
    assert_int_equal(l.created_at, 1767225600);
    assert_int_equal(store_signin_log_get(c, T1, l.id, &r), PORCH_OK);
    assert_string_equal(r.tenant_id, T1);
    assert_string_equal(r.id, l.id);
    assert_int_equal(r.created_at, 1767225600);
    assert_string_equal(r.user_id, U1); /* GUIDs lower-cased */
    assert_string_equal(r.app_id, A1);
    assert_string_equal(r.user_display_name, "Ann");
    assert_string_equal(r.user_principal_name, "Ann@Contoso.com"); /* kept as given */
    assert_string_equal(r.app_display_name, "Web Shop");
    assert_string_equal(r.ip_address, "192.0.2.7");
    assert_string_equal(r.client_app_used, "Browser");
    assert_string_equal(r.correlation_id, "cccccccc-0000-0000-0000-000000000003");
    assert_string_equal(r.resource_display_name, "Shop API");
    assert_string_equal(r.resource_id, "dddddddd-0000-0000-0000-000000000004");
    assert_string_equal(r.failure_reason, "Invalid username or password.");
    assert_string_equal(r.additional_details, "The password was wrong.");
    assert_string_equal(r.user_agent, "Mozilla/5.0");
    assert_string_equal(r.data, "{\"location\":{\"city\":\"Oslo\"}}");
    assert_true(r.is_interactive);
    assert_int_equal(r.error_code, 50126);
    store_signin_log_row_release(&r);
    assert_null(r.user_id);
    store_signin_log_row_release(NULL);
    /* another tenant does not see it */
    assert_int_equal(store_signin_log_get(c, T2, l.id, &r), PORCH_E_NOT_FOUND);
    assert_null(r.data);
    /* same id again in the tenant: conflict; in another tenant: fine */
    l.created_at = 5;
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_E_CONFLICT);
    snprintf(l.tenant_id, sizeof(l.tenant_id), T2);
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
    fx_release(c);
}

static void insert_nulls_and_rejects(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct signin_log l = {0};
    struct signin_log_row r = {0};

    tenant(c, T1, "one");
    snprintf(l.tenant_id, sizeof(l.tenant_id), T1);
    l.created_at = 100;
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
    assert_int_equal(store_signin_log_get(c, T1, l.id, &r), PORCH_OK);
    assert_null(r.user_id);
    assert_null(r.user_principal_name);
    assert_null(r.app_display_name);
    assert_null(r.failure_reason);
    assert_null(r.user_agent);
    assert_string_equal(r.data, "{}");
    assert_false(r.is_interactive);
    assert_int_equal(r.error_code, 0);
    store_signin_log_row_release(&r);
    /* bad tenant id, bad record id, data that is not a JSON object */
    memset(&l, 0, sizeof(l));
    snprintf(l.tenant_id, sizeof(l.tenant_id), "one");
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_E_INVALID);
    snprintf(l.tenant_id, sizeof(l.tenant_id), T1);
    snprintf(l.id, sizeof(l.id), "not-a-guid");
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_E_INVALID);
    l.id[0] = '\0';
    l.data = "[1]";
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_E_INVALID);
    l.data = "{\"a\":";
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_E_INVALID);
    assert_string_equal(l.id, ""); /* nothing written back on failure */
    /* a tenant that does not exist fails its foreign key */
    l.data = NULL;
    snprintf(l.tenant_id, sizeof(l.tenant_id), T2);
    assert_int_not_equal(store_signin_log_insert(c, &l), PORCH_OK);
    fx_release(c);
}

static void hostile_text_is_stored_clean(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct signin_log l = {0};
    struct signin_log_row r = {0};
    char *long_ua = malloc(3 * STORE_SIGNIN_MAX_TEXT);
    size_t n = 0;

    tenant(c, T1, "one");
    /* "é" is two bytes: an odd cap must not split one */
    long_ua[n++] = 'x';
    while (n + 2 < 3 * STORE_SIGNIN_MAX_TEXT - 1) {
        long_ua[n++] = (char)0xC3;
        long_ua[n++] = (char)0xA9;
    }
    long_ua[n] = '\0';
    snprintf(l.tenant_id, sizeof(l.tenant_id), T1);
    l.user_agent = long_ua;
    l.user_principal_name = "bad\xff\xfe"
                            "byte@x.com";
    l.app_display_name = "\xc3"; /* a truncated sequence */
    assert_int_equal(store_signin_log_insert(c, &l), PORCH_OK);
    assert_int_equal(store_signin_log_get(c, T1, l.id, &r), PORCH_OK);
    assert_string_equal(r.user_principal_name, "bad??byte@x.com");
    assert_string_equal(r.app_display_name, "?");
    assert_int_equal(strlen(r.user_agent), STORE_SIGNIN_MAX_TEXT - 1);
    assert_int_equal(r.user_agent[0], 'x');
    assert_int_equal((unsigned char)r.user_agent[STORE_SIGNIN_MAX_TEXT - 2], 0xA9);
    store_signin_log_row_release(&r);
    free(long_ua);
    fx_release(c);
}

static void list_order_filters_paging(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct store_query q = {.limit = 10};
    struct store_bind b[2] = {{false, "ann@contoso.com", 0}, {true, NULL, 150}};
    struct seen s = {0};
    int64_t n = -1;

    tenant(c, T1, "one");
    tenant(c, T2, "two");
    add(c, T1, "00000000-0000-4000-8000-000000000001", 100, "Ann@Contoso.com", "Shop", 0, NULL);
    add(c, T1, "00000000-0000-4000-8000-000000000003", 200, "bob@contoso.com", "Shop", 50126, NULL);
    add(c, T1, "00000000-0000-4000-8000-000000000002", 200, "ANN@contoso.com", "Admin", 0, NULL);
    add(c, T1, "00000000-0000-4000-8000-000000000004", 300, "ann@contoso.com", "Shop", 0, NULL);
    add(c, T2, "00000000-0000-4000-8000-000000000005", 400, "ann@contoso.com", "Shop", 0, NULL);
    /* newest first; ties within a second by id */
    assert_int_equal(store_signin_log_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000004");
    assert_string_equal(s.ids[1], "00000000-0000-4000-8000-000000000002");
    assert_string_equal(s.ids[2], "00000000-0000-4000-8000-000000000003");
    assert_string_equal(s.ids[3], "00000000-0000-4000-8000-000000000001");
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T1, NULL, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000004");
    /* a compiled filter over the lower-cased copy and the time */
    q.where = "upn_lower = ? AND created_at >= ?";
    q.binds = b;
    q.nbinds = 2;
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000004");
    assert_string_equal(s.ids[1], "00000000-0000-4000-8000-000000000002");
    assert_int_equal(store_signin_log_count(c, T1, &q, &n), PORCH_OK);
    assert_int_equal(n, 2);
    /* the error code and the lower-cased app name */
    b[0] = (struct store_bind){true, NULL, 50126};
    q = (struct store_query){.where = "error_code = ?", .binds = b, .nbinds = 1, .limit = 10};
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000003");
    b[0] = (struct store_bind){false, "admin", 0};
    q.where = "app_display_name_lower = ?";
    assert_int_equal(store_signin_log_count(c, T1, &q, &n), PORCH_OK);
    assert_int_equal(n, 1);
    /* paging: a window of the default order, with a count that ignores it */
    q = (struct store_query){.limit = 2, .offset = 1};
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000002");
    assert_string_equal(s.ids[1], "00000000-0000-4000-8000-000000000003");
    assert_int_equal(store_signin_log_count(c, T1, &q, &n), PORCH_OK);
    assert_int_equal(n, 4);
    q.offset = 4;
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T1, &q, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 0);
    /* tenant isolation */
    assert_int_equal(store_signin_log_count(c, T2, NULL, &n), PORCH_OK);
    assert_int_equal(n, 1);
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_signin_log_list(c, T2, NULL, collect, &s), PORCH_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "00000000-0000-4000-8000-000000000005");
    /* the callback's status stops the walk */
    assert_int_equal(store_signin_log_list(c, T1, NULL, stop, NULL), PORCH_E_DENIED);
    fx_release(c);
}

static enum porch_err add_old_rows(struct db_conn *c, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < STORE_SIGNIN_PURGE_BATCH + 5; i++) {
        struct signin_log l = {0};
        enum porch_err err;

        snprintf(l.tenant_id, sizeof(l.tenant_id), "%s", i % 2 ? T1 : T2);
        l.created_at = 1000 + i / 10; /* ten a second: the first batch ends on a second */
        err = store_signin_log_insert(c, &l);
        if (err != PORCH_OK)
            return err;
    }
    return PORCH_OK;
}

static void purge_in_batches(void **state)
{
    struct db_conn *c = fx_conn(state);
    char keep1[UUID_STR_LEN], keep2[UUID_STR_LEN], edge[UUID_STR_LEN];
    struct signin_log_row r = {0};
    int64_t n = -1;

    tenant(c, T1, "one");
    tenant(c, T2, "two");
    assert_int_equal(db_tx(c, true, add_old_rows, NULL), PORCH_OK);
    add(c, T1, "", 2000, "a@x.com", "Shop", 0, edge); /* exactly at the cutoff: kept */
    add(c, T1, "", 5000, "a@x.com", "Shop", 0, keep1);
    add(c, T2, "", 5000, "a@x.com", "Shop", 0, keep2);
    assert_int_equal(store_signin_log_purge(c, 2000, &n), PORCH_OK);
    assert_int_equal(n, STORE_SIGNIN_PURGE_BATCH + 5);
    assert_int_equal(store_signin_log_count(c, T1, NULL, &n), PORCH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_signin_log_count(c, T2, NULL, &n), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_signin_log_get(c, T1, edge, &r), PORCH_OK);
    store_signin_log_row_release(&r);
    assert_int_equal(store_signin_log_get(c, T2, keep2, &r), PORCH_OK);
    store_signin_log_row_release(&r);
    /* nothing left to purge; n is optional */
    assert_int_equal(store_signin_log_purge(c, 2000, &n), PORCH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_signin_log_purge(c, 5001, NULL), PORCH_OK);
    assert_int_equal(store_signin_log_get(c, T1, keep1, &r), PORCH_E_NOT_FOUND);
    fx_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(insert_and_get, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(insert_nulls_and_rejects, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(hostile_text_is_stored_clean, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(list_order_filters_paging, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(purge_in_batches, fx_setup, fx_teardown),
    };

    return fx_run("store/test_signin_log", tests, sizeof(tests) / sizeof(tests[0]));
}
