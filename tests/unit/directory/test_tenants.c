/* SPDX-License-Identifier: Apache-2.0 */
/* Tenant rules and creation (tenant + first key in one transaction), on every backend. */
#include "unit.h"

#include "db/db.h"
#include "crypto/jwk.h"
#include "crypto/secretbox.h"
#include "store/key.h"
#include "store/sp.h"
#include "../db/fixture.h"
#include "../../../src/directory/tenants.c"

static struct secretbox *box(void)
{
    static const unsigned char key[32] = {1, 2, 3};
    struct secretbox *sb = NULL;
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    return sb;
}

static void prepare_normalizes(void **state)
{
    struct tenant_spec spec = {"Contoso Retail",     "Contoso", "nl", "porch.test",
                               "https://porch.test", NULL,      NULL};
    struct tenant t;
    (void)state;
    assert_int_equal(tenants_prepare(&spec, &t, NULL), PORCH_OK);
    assert_string_equal(t.subdomain, "contoso");
    assert_string_equal(t.default_domain, "contoso.porch.test");
    assert_string_equal(t.country, "NL");
    assert_true(uuid_valid(t.id));
    spec.country = NULL;
    assert_int_equal(tenants_prepare(&spec, &t, NULL), PORCH_OK);
    assert_string_equal(t.country, "US");
}

static void prepare_rejects_bad_fields(void **state)
{
    static const char *const bad_subs[] = {"a", "-abc", "abc-", "ab_c", "a.b", "ab c", "v1", "common",
                                           "HealthZ", "caf\xc3\xa9"};
    struct tenant_spec spec = {"Contoso", "contoso", "US", "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct porch_error e = {0};
    struct tenant t;
    (void)state;
    for (size_t i = 0; i < sizeof(bad_subs) / sizeof(bad_subs[0]); i++) {
        spec.subdomain = bad_subs[i];
        assert_int_equal(tenants_prepare(&spec, &t, &e), PORCH_E_INVALID);
        assert_non_null(strstr(e.msg, "subdomain"));
    }
    spec.subdomain = "contoso";
    spec.display_name = "";
    assert_int_equal(tenants_prepare(&spec, &t, &e), PORCH_E_INVALID);
    spec.display_name = "bad\nname";
    assert_int_equal(tenants_prepare(&spec, &t, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "tenant name"));
    spec.display_name = "Contoso";
    spec.country = "USA";
    assert_int_equal(tenants_prepare(&spec, &t, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "country"));
}

static void create_writes_tenant_and_sealed_key(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct tenant t, found;
    struct key_row *rows = NULL;
    size_t n = 0;
    struct jwk *k = NULL;

    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    assert_int_equal(store_tenant_find(c, "CONTOSO.porch.test", &found), PORCH_OK);
    assert_string_equal(found.id, t.id);
    assert_int_equal(store_key_list(c, t.id, clock_now(), &rows, &n), PORCH_OK);
    assert_int_equal(n, 1);
    assert_null(strstr(rows[0].private_enc, "PRIVATE KEY"));
    assert_null(strstr(rows[0].public_jwk, "\"d\""));
    assert_int_equal(keyring_signing_key(c, sb, t.id, clock_now(), &k), PORCH_OK);
    assert_string_equal(jwk_kid(k), rows[0].kid);
    jwk_free(k);
    store_key_rows_free(rows, n);
    secretbox_free(sb);
    fx_release(c);
}

static void create_adds_the_graph_service_principal(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct tenant t;
    struct sp_row s;
    char id[UUID_STR_LEN];

    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    assert_int_equal(store_sp_get_by_app_id(c, t.id, GRAPH_APP_ID, &s), PORCH_OK);
    assert_string_equal(s.display_name, "Microsoft Graph");
    assert_non_null(strstr(s.data, "\"https://graph.microsoft.com\",\"https://porch.test\""));
    assert_non_null(strstr(s.data, "741f803b-c850-494e-b5df-cde7c675a1ca"));
    assert_non_null(strstr(s.data, "e1fe6dd8-ba31-4d61-89e7-88639da4683d"));
    /* idempotent */
    assert_int_equal(graph_api_ensure(c, t.id, "https://porch.test", id), PORCH_OK);
    assert_string_equal(id, s.id);
    store_sp_row_release(&s);
    assert_non_null(graph_role_by_value("AuditLog.Read.All"));
    assert_null(graph_role_by_value("auditlog.read.all"));
    secretbox_free(sb);
    fx_release(c);
}

static void duplicate_subdomain_changes_nothing(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct porch_error e = {0};
    struct tenant t;
    int count = 0;
    struct db_stmt *st = NULL;
    bool row;

    assert_int_equal(tenants_create(c, sb, &spec, NULL, NULL), PORCH_OK);
    spec.display_name = "Someone else";
    spec.subdomain = "CONTOSO";
    assert_int_equal(tenants_create(c, sb, &spec, &t, &e), PORCH_E_CONFLICT);
    assert_non_null(strstr(e.msg, "already exists"));
    assert_int_equal(db_prepare(c, "SELECT COUNT(*) FROM signing_keys", &st), PORCH_OK);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    count = (int)db_col_int64(st, 0);
    db_finalize(st);
    assert_int_equal(count, 1);
    secretbox_free(sb);
    fx_release(c);
}

static void wrong_master_key_cannot_unseal(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box(), *other = NULL;
    static const unsigned char key2[32] = {9};
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct tenant t;
    struct jwk *k = NULL;

    assert_int_equal(secretbox_from_key(key2, &other), PORCH_OK);
    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    assert_int_equal(keyring_signing_key(c, other, t.id, clock_now(), &k), PORCH_E_CRYPTO);
    assert_null(k);
    secretbox_free(other);
    secretbox_free(sb);
    fx_release(c);
}

static void rotation_publishes_before_signing(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    struct tenant t;
    struct key_row *rows = NULL;
    size_t n = 0;
    struct jwk *k = NULL;
    char kid[96], first[96];
    int64_t now = clock_now();

    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    assert_int_equal(keyring_signing_key(c, sb, t.id, now, &k), PORCH_OK);
    snprintf(first, sizeof(first), "%s", jwk_kid(k));
    jwk_free(k);
    assert_int_equal(keyring_rotate(c, sb, t.id, 600, 3600, kid), PORCH_OK);
    assert_string_not_equal(kid, first);
    /* both published now; the old one still signs until the new one is active */
    assert_int_equal(store_key_list(c, t.id, now, &rows, &n), PORCH_OK);
    assert_int_equal(n, 2);
    store_key_rows_free(rows, n);
    assert_int_equal(keyring_signing_key(c, sb, t.id, now, &k), PORCH_OK);
    assert_string_equal(jwk_kid(k), first);
    jwk_free(k);
    assert_int_equal(keyring_signing_key(c, sb, t.id, now + 601, &k), PORCH_OK);
    assert_string_equal(jwk_kid(k), kid);
    jwk_free(k);
    /* the old key leaves JWKS only after tokens it signed have expired */
    assert_int_equal(store_key_list(c, t.id, now + 600 + 3600 + 299, &rows, &n), PORCH_OK);
    assert_int_equal(n, 2);
    store_key_rows_free(rows, n);
    assert_int_equal(store_key_list(c, t.id, now + 600 + 3600 + 301, &rows, &n), PORCH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].kid, kid);
    store_key_rows_free(rows, n);
    secretbox_free(sb);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(prepare_normalizes),
        cmocka_unit_test(prepare_rejects_bad_fields),
    };
    const struct CMUnitTest tests[] = {
        T(create_writes_tenant_and_sealed_key), T(create_adds_the_graph_service_principal),
        T(duplicate_subdomain_changes_nothing), T(wrong_master_key_cannot_unseal),
        T(rotation_publishes_before_signing),
    };
    int failed = cmocka_run_group_tests_name("tenants/rules", pure, NULL, NULL);
    return failed + fx_run("tenants", tests, sizeof(tests) / sizeof(tests[0]));
}
