/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The token viewer every new tenant gets: fixed appId, spa redirect URIs filtered by the
 * platform's rules, Graph's defaults and a service principal, on every backend; and the
 * b2c-extensions-app: an appId derived from the tenant id, created once.
 */
#include "unit.h"

#include "db/db.h"
#include "crypto/secretbox.h"
#include "directory/tenants.h"
#include "store/sp.h"
#include "../db/fixture.h"
#include "../../../src/directory/builtin_apps.c"

static struct secretbox *box(void)
{
    static const unsigned char key[32] = {1, 2, 3};
    struct secretbox *sb = NULL;
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    return sb;
}

struct viewer_ctx {
    const char *const *bases;
    size_t nbases;
    struct builtin_apps_viewer out;
};

static enum porch_err add_viewer(struct db_conn *c, const struct tenant *t,
                                 const char graph_sp_id[UUID_STR_LEN], void *ctx)
{
    struct viewer_ctx *v = ctx;
    (void)graph_sp_id;
    return builtin_apps_token_viewer(c, t->id, v->bases, v->nbases, &v->out);
}

/* Creates a tenant with the viewer for bases; t gets the tenant. */
static void tenant_with_viewer(struct db_conn *c, struct viewer_ctx *v, struct tenant *t)
{
    struct secretbox *sb = box();
    struct tenant_spec spec = {"Contoso",  "contoso", NULL, "porch.test", "https://porch.test",
                               add_viewer, v};

    assert_int_equal(tenants_create(c, sb, &spec, t, NULL), PORCH_OK);
    secretbox_free(sb);
}

static void viewer_is_an_ordinary_spa_application(void **state)
{
    static const char *const bases[] = {"http://127.0.0.1:8080", "http://localhost:8080"};
    struct db_conn *c = fx_conn(state);
    struct viewer_ctx v = {.bases = bases, .nbases = 2};
    struct tenant t;
    struct app_row a;
    struct sp_row s;
    json_t *data, *uris;
    char want[300];

    tenant_with_viewer(c, &v, &t);
    assert_string_equal(v.out.app.app_id, PORCH_TOKEN_VIEWER_APP_ID);
    assert_int_equal(v.out.nuris, 2);
    snprintf(want, sizeof(want), "http://127.0.0.1:8080/%s/tokenviewer", t.id);
    assert_string_equal(v.out.uris[0], want);
    assert_int_equal(store_app_get_by_app_id(c, t.id, PORCH_TOKEN_VIEWER_APP_ID, &a), PORCH_OK);
    assert_string_equal(a.id, v.out.app.id);
    assert_string_equal(a.display_name, "Porch token viewer");
    data = json_loads(a.data, 0, NULL);
    assert_non_null(data);
    uris = json_object_get(json_object_get(data, "spa"), "redirectUris");
    assert_int_equal(json_array_size(uris), 2);
    assert_string_equal(json_string_value(json_array_get(uris, 0)), want);
    snprintf(want, sizeof(want), "http://localhost:8080/%s/tokenviewer", t.id);
    assert_string_equal(json_string_value(json_array_get(uris, 1)), want);
    assert_string_equal(json_string_value(json_object_get(data, "signInAudience")), "AzureADMyOrg");
    assert_int_equal(json_array_size(json_object_get(data, "passwordCredentials")), 0);
    assert_int_equal(json_array_size(json_object_get(json_object_get(data, "web"), "redirectUris")),
                     0);
    assert_non_null(json_object_get(data, "requiredResourceAccess"));
    json_decref(data);
    assert_int_equal(store_sp_get_by_app_id(c, t.id, PORCH_TOKEN_VIEWER_APP_ID, &s), PORCH_OK);
    assert_string_equal(s.id, v.out.app.sp_id);
    store_sp_row_release(&s);
    store_app_row_release(&a);
    fx_release(c);
}

static void bases_the_spa_platform_refuses_are_skipped(void **state)
{
    static const char *const bases[] = {"http://porch.example.com", "https://id.example.com",
                                        "http://[::1]:9000"};
    struct db_conn *c = fx_conn(state);
    struct viewer_ctx v = {.bases = bases, .nbases = 3};
    struct tenant t;

    tenant_with_viewer(c, &v, &t);
    assert_int_equal(v.out.nuris, 2);
    assert_non_null(strstr(v.out.uris[0], "https://id.example.com/"));
    assert_non_null(strstr(v.out.uris[1], "http://[::1]:9000/"));
    fx_release(c);
}

static void no_usable_base_still_creates_the_app(void **state)
{
    static const char *const bases[] = {"http://porch.example.com"};
    struct db_conn *c = fx_conn(state);
    struct viewer_ctx v = {.bases = bases, .nbases = 1};
    struct tenant t;
    struct app_row a;

    tenant_with_viewer(c, &v, &t);
    assert_int_equal(v.out.nuris, 0);
    assert_int_equal(store_app_get_by_app_id(c, t.id, PORCH_TOKEN_VIEWER_APP_ID, &a), PORCH_OK);
    assert_non_null(strstr(a.data, "\"spa\":{\"redirectUris\":[]}"));
    store_app_row_release(&a);
    fx_release(c);
}

static void same_app_id_in_every_tenant_once(void **state)
{
    static const char *const bases[] = {"https://id.example.com"};
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct viewer_ctx v = {.bases = bases, .nbases = 1};
    struct tenant_spec spec = {"Fabrikam", "fabrikam", NULL, "porch.test", NULL, add_viewer, &v};
    struct tenant t1, t2;
    struct builtin_apps_viewer again;

    tenant_with_viewer(c, &v, &t1);
    assert_int_equal(tenants_create(c, sb, &spec, &t2, NULL), PORCH_OK);
    assert_string_equal(v.out.app.app_id, PORCH_TOKEN_VIEWER_APP_ID);
    assert_int_equal(builtin_apps_token_viewer(c, t2.id, bases, 1, &again), PORCH_E_CONFLICT);
    assert_int_equal(builtin_apps_token_viewer(c, t2.id, bases, BUILTIN_APPS_MAX_URIS + 1, &again),
                     PORCH_E_INVALID);
    secretbox_free(sb);
    fx_release(c);
}

static void b2c_app_id_is_a_guid_per_tenant(void **state)
{
    char a[UUID_STR_LEN], b[UUID_STR_LEN], again[UUID_STR_LEN];
    char prefix[BUILTIN_APPS_B2C_PREFIX_LEN];

    (void)state;
    builtin_apps_b2c_app_id("11111111-1111-4111-8111-111111111111", a);
    builtin_apps_b2c_app_id("22222222-2222-4222-8222-222222222222", b);
    builtin_apps_b2c_app_id("11111111-1111-4111-8111-111111111111", again);
    assert_true(uuid_valid(a));
    assert_string_equal(a, again);
    assert_string_not_equal(a, b);
    assert_int_equal(a[14], '5');
    assert_non_null(strchr("89ab", a[19]));
    for (const char *p = a; *p; p++)
        assert_true(*p == '-' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
    assert_true(builtin_apps_is_b2c_extensions("11111111-1111-4111-8111-111111111111", a));
    for (char *p = again; *p; p++)
        *p = (*p >= 'a' && *p <= 'f') ? (char)(*p - 'a' + 'A') : *p;
    assert_true(builtin_apps_is_b2c_extensions("11111111-1111-4111-8111-111111111111", again));
    assert_false(builtin_apps_is_b2c_extensions("11111111-1111-4111-8111-111111111111", b));
    assert_false(builtin_apps_is_b2c_extensions("11111111-1111-4111-8111-111111111111", NULL));
    builtin_apps_b2c_prefix("11111111-1111-4111-8111-111111111111", prefix);
    assert_int_equal(strlen(prefix), BUILTIN_APPS_B2C_PREFIX_LEN - 1);
    assert_int_equal(strncmp(prefix, "extension_", 10), 0);
    assert_null(strchr(prefix, '-'));
    assert_int_equal(prefix[strlen(prefix) - 1], '_');
}

static void b2c_app_is_created_once(void **state)
{
    static const char *const bases[] = {"https://id.example.com"};
    struct db_conn *c = fx_conn(state);
    struct viewer_ctx v = {.bases = bases, .nbases = 1};
    struct apps_created first, second;
    struct tenant t;
    struct app_row a;
    struct sp_row s;
    char app_id[UUID_STR_LEN];

    tenant_with_viewer(c, &v, &t);
    assert_int_equal(builtin_apps_b2c_extensions(c, t.id, &first), PORCH_OK);
    builtin_apps_b2c_app_id(t.id, app_id);
    assert_string_equal(first.app_id, app_id);
    assert_true(uuid_valid(first.sp_id));
    assert_int_equal(builtin_apps_b2c_extensions(c, t.id, &second), PORCH_OK);
    assert_string_equal(second.id, first.id);
    assert_string_equal(second.app_id, app_id);
    assert_int_equal(store_app_get_by_app_id(c, t.id, app_id, &a), PORCH_OK);
    assert_string_equal(a.display_name, PORCH_B2C_EXTENSIONS_APP_NAME);
    assert_non_null(strstr(a.data, "cannot be deleted"));
    store_app_row_release(&a);
    assert_int_equal(store_sp_get_by_app_id(c, t.id, app_id, &s), PORCH_OK);
    store_sp_row_release(&s);
    assert_int_equal(builtin_apps_b2c_extensions(c, t.id, NULL), PORCH_OK);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(viewer_is_an_ordinary_spa_application),
        T(bases_the_spa_platform_refuses_are_skipped),
        T(no_usable_base_still_creates_the_app),
        T(same_app_id_in_every_tenant_once),
        cmocka_unit_test(b2c_app_id_is_a_guid_per_tenant),
        T(b2c_app_is_created_once),
    };
    return fx_run("builtin_apps", tests, sizeof(tests) / sizeof(tests[0]));
}
