/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo user of `porch init --demo-user`: a policy-compliant random password hashed once,
 * and a local account inserted as a Graph POST /users body would be, on every backend.
 */
#include "unit.h"

#include "db/db.h"
#include "crypto/password.h"
#include "crypto/secretbox.h"
#include "directory/tenants.h"
#include "../db/fixture.h"
#include "../../../src/directory/demo_user.c"

static void passwords_are_random_and_from_the_alphabet(void **state)
{
    char a[DEMO_USER_PASSWORD_LEN + 1], b[DEMO_USER_PASSWORD_LEN + 1];

    (void)state;
    random_password(a);
    random_password(b);
    assert_int_equal(strlen(a), DEMO_USER_PASSWORD_LEN);
    assert_int_equal(strspn(a, alphabet), DEMO_USER_PASSWORD_LEN);
    assert_string_not_equal(a, b);
    assert_int_equal(strcspn(a, "0O1lI"), DEMO_USER_PASSWORD_LEN);
}

static void prepare_hashes_a_password_the_policy_accepts(void **state)
{
    struct demo_user u;
    struct password_policy pol = {false, "Porch Demo", NULL, 0};
    struct password_policy_result pr;
    bool ok = false, rehash = true;

    (void)state;
    assert_int_equal(demo_user_prepare("demo@example.com", "Porch Demo", &u, NULL), PORCH_OK);
    assert_string_equal(u.email, "demo@example.com");
    assert_int_equal(password_policy_check(&pol, u.password, strlen(u.password), &pr), PORCH_OK);
    assert_int_equal(password_verify(u.hash, u.password, strlen(u.password), &ok, &rehash),
                     PORCH_OK);
    assert_true(ok);
    demo_user_release(&u);
    assert_null(u.hash);
    assert_int_equal(u.password[0], '\0');
}

static void prepare_refuses_a_bad_email(void **state)
{
    static const char *const bad[] = {"demo", "demo@", "@example.com", "de mo@example.com",
                                      "demo@localhost"};
    struct porch_error e = {0};
    struct demo_user u;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(demo_user_prepare(bad[i], "Porch Demo", &u, &e), PORCH_E_INVALID);
        assert_non_null(strstr(e.msg, "demo user"));
        assert_null(u.hash);
        demo_user_release(&u);
    }
    assert_int_equal(demo_user_prepare(NULL, "Porch Demo", &u, &e), PORCH_E_INVALID);
    demo_user_release(&u);
}

static enum porch_err add_demo(struct db_conn *c, const struct tenant *t,
                               const char graph_sp_id[UUID_STR_LEN], void *ctx)
{
    (void)graph_sp_id;
    return demo_user_insert(c, t, ctx, NULL);
}

static void insert_makes_a_local_account_that_signs_in(void **state)
{
    static const unsigned char key[32] = {1, 2, 3};
    struct db_conn *c = fx_conn(state);
    struct secretbox *sb = NULL;
    struct demo_user u;
    struct tenant_spec spec = {"Porch Demo", "demo", NULL, "porch.test", NULL, add_demo, &u};
    struct tenant t;
    struct user_row row;
    bool ok = false, rehash = true;

    assert_int_equal(secretbox_from_key(key, &sb), PORCH_OK);
    assert_int_equal(demo_user_prepare("Demo@Example.com", spec.display_name, &u, NULL), PORCH_OK);
    assert_int_equal(tenants_create(c, sb, &spec, &t, NULL), PORCH_OK);
    assert_true(uuid_valid(u.id));
    assert_int_equal(store_user_find_by_identity(c, t.id, "emailAddress", t.default_domain,
                                                 "demo@example.com", &row),
                     PORCH_OK);
    assert_string_equal(row.id, u.id);
    assert_string_equal(row.display_name, "Demo User");
    assert_string_equal(row.creation_type, "LocalAccount");
    assert_true(row.account_enabled);
    assert_int_equal(row.nidentities, 1);
    assert_string_equal(row.identities[0].sign_in_type, "emailAddress");
    assert_string_equal(row.identities[0].issuer, "demo.porch.test");
    assert_string_equal(row.identities[0].issuer_assigned_id, "Demo@Example.com");
    assert_null(strstr(row.data, u.password));
    assert_int_equal(
        password_verify(row.password_hash, u.password, strlen(u.password), &ok, &rehash), PORCH_OK);
    assert_true(ok);
    store_user_row_release(&row);
    demo_user_release(&u);
    secretbox_free(sb);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(passwords_are_random_and_from_the_alphabet),
        cmocka_unit_test(prepare_hashes_a_password_the_policy_accepts),
        cmocka_unit_test(prepare_refuses_a_bad_email),
    };
    const struct CMUnitTest tests[] = {
        T(insert_makes_a_local_account_that_signs_in),
    };
    int failed = cmocka_run_group_tests_name("demo_user/rules", pure, NULL, NULL);
    return failed + fx_run("demo_user", tests, sizeof(tests) / sizeof(tests[0]));
}
