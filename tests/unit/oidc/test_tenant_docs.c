/* SPDX-License-Identifier: Apache-2.0 */
/* Discovery/JWKS rendering and the tenant cache, against a real store on every backend. */
#include "unit.h"

#include <ctype.h>

#include "core/config.h"
#include "crypto/jwk.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "directory/keyring.h"
#include "directory/tenants.h"
#include "store/key.h"
#include "../db/fixture.h"
#include "../../../src/oidc/tenant_docs.c"
#include "../../../src/oidc/oidc.c"

static struct config cfg = {
    .public_url = (char *)(uintptr_t) "https://id.example.com",
    .discovery_cache_ttl = 60,
};

static void create(struct db_conn *c, struct secretbox *sb, struct tenant *t)
{
    struct tenant_spec spec = {"Contoso", "contoso", NULL, "porch.test", "https://porch.test",
                               NULL,      NULL};
    assert_int_equal(tenants_create(c, sb, &spec, t, NULL), PORCH_OK);
}

static struct secretbox *box(void)
{
    static const unsigned char key[32] = {7};
    struct secretbox *sb = NULL;
    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    return sb;
}

static void discovery_names_the_tenant_id_everywhere(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct oidc *o = oidc_new(&cfg, *state, sb);
    struct tenant_docs *d = NULL;
    struct tenant t;
    json_t *doc;
    char want[256];
    const char *k;
    json_t *v;

    create(c, sb, &t);
    fx_release(c);
    assert_int_equal(oidc_tenant_docs(o, "CONTOSO", &d), PORCH_OK);
    doc = json_loadb(d->discovery, d->discovery_len, 0, NULL);
    assert_non_null(doc);
    snprintf(want, sizeof(want), "https://id.example.com/%s/v2.0", t.id);
    assert_string_equal(json_string_value(json_object_get(doc, "issuer")), want);
    snprintf(want, sizeof(want), "https://id.example.com/%s/", t.id);
    json_object_foreach(doc, k, v)
    {
        size_t kl = strlen(k);
        if ((kl > 9 && strcmp(k + kl - 9, "_endpoint") == 0) || strcmp(k, "jwks_uri") == 0)
            assert_true(strncmp(json_string_value(v), want, strlen(want)) == 0);
    }
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "response_types_supported"), 0)), "code");
    /* the cache also holds the key that signs now, and its public half for verification */
    assert_non_null(d->signing_key);
    assert_int_equal(d->nverify, 1);
    assert_string_equal(jwk_kid(d->signing_key), jwk_kid(d->verify_keys[0]));
    json_decref(doc);
    tenant_docs_unref(d);
    oidc_free(o);
    secretbox_free(sb);
}

static void aliases_resolve_and_unknowns_do_not(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct oidc *o = oidc_new(&cfg, *state, sb);
    struct tenant_docs *d = NULL;
    struct tenant t;
    char upper[UUID_STR_LEN];

    create(c, sb, &t);
    fx_release(c);
    for (size_t i = 0; i < sizeof(upper); i++)
        upper[i] = (char)toupper((unsigned char)t.id[i]);
    const char *refs[] = {t.id, upper, "contoso", "contoso.porch.test", "Contoso.Porch.Test"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(oidc_tenant_docs(o, refs[i], &d), PORCH_OK);
        assert_string_equal(d->tenant.id, t.id);
        tenant_docs_unref(d);
    }
    assert_int_equal(oidc_tenant_docs(o, "fabrikam", &d), PORCH_E_NOT_FOUND);
    assert_int_equal(oidc_tenant_docs(o, "con'toso", &d), PORCH_E_NOT_FOUND);
    assert_int_equal(oidc_tenant_docs(o, "", &d), PORCH_E_NOT_FOUND);
    oidc_free(o);
    secretbox_free(sb);
}

static void jwks_has_public_keys_and_follows_rotation(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct config nocache = cfg;
    struct oidc *o;
    struct tenant_docs *d = NULL;
    struct tenant t;
    json_t *set, *keys;
    char kid[96];

    nocache.discovery_cache_ttl = 0;
    o = oidc_new(&nocache, *state, sb);
    create(c, sb, &t);
    assert_int_equal(oidc_tenant_docs(o, "contoso", &d), PORCH_OK);
    set = json_loadb(d->jwks, d->jwks_len, 0, NULL);
    keys = json_object_get(set, "keys");
    assert_int_equal(json_array_size(keys), 1);
    assert_null(json_object_get(json_array_get(keys, 0), "d"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 0), "kty")), "RSA");
    json_decref(set);
    tenant_docs_unref(d);
    assert_int_equal(keyring_rotate(c, sb, t.id, 3600, 3600, kid), PORCH_OK);
    fx_release(c);
    assert_int_equal(oidc_tenant_docs(o, "contoso", &d), PORCH_OK);
    assert_non_null(strstr(d->jwks, kid));
    set = json_loadb(d->jwks, d->jwks_len, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(set, "keys")), 2);
    json_decref(set);
    tenant_docs_unref(d);
    oidc_free(o);
    secretbox_free(sb);
}

static void cached_documents_survive_until_ttl(void **state)
{
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = box();
    struct oidc *o = oidc_new(&cfg, *state, sb);
    struct tenant_docs *d = NULL, *d2 = NULL;
    struct tenant t;
    char kid[96];

    create(c, sb, &t);
    assert_int_equal(oidc_tenant_docs(o, "contoso", &d), PORCH_OK);
    assert_int_equal(keyring_rotate(c, sb, t.id, 3600, 3600, kid), PORCH_OK);
    fx_release(c);
    assert_int_equal(oidc_tenant_docs(o, "contoso", &d2), PORCH_OK);
    assert_ptr_equal(d, d2); /* served from memory */
    tenant_docs_unref(d2);
    oidc_invalidate(o);
    assert_int_equal(oidc_tenant_docs(o, "contoso", &d2), PORCH_OK);
    assert_ptr_not_equal(d, d2);
    assert_non_null(strstr(d2->jwks, kid));
    tenant_docs_unref(d);
    tenant_docs_unref(d2);
    oidc_free(o);
    secretbox_free(sb);
}

static void private_members_in_store_are_refused(void **state)
{
    struct tenant t = {.id = "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"};
    struct key_row k = {.public_jwk = (char *)(uintptr_t) "{\"kty\":\"RSA\",\"d\":\"x\"}"};
    struct tenant_docs *d = NULL;
    (void)state;
    assert_int_equal(tenant_docs_build(&cfg, &t, &k, 1, &d), PORCH_E_STORE);
    assert_null(d);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest pure[] = {cmocka_unit_test(private_members_in_store_are_refused)};
    const struct CMUnitTest tests[] = {
        T(discovery_names_the_tenant_id_everywhere),
        T(aliases_resolve_and_unknowns_do_not),
        T(jwks_has_public_keys_and_follows_rotation),
        T(cached_documents_survive_until_ttl),
    };
    int failed = cmocka_run_group_tests_name("tenant_docs/rules", pure, NULL, NULL);
    return failed + fx_run("tenant_docs", tests, sizeof(tests) / sizeof(tests[0]));
}
