/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User tokens: the pairwise subject, which identity becomes preferred_username and email, the
 * scope-dependent members of the ID token, and scp in delegated access tokens.
 */
#include "unit.h"

#include <jansson.h>

#include "core/b64.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "../../../src/oidc/user_token.c"

static const unsigned char key1[32] = {1}, key2[32] = {2};

static void subject_is_pairwise_and_stable(void **state)
{
    char a[USER_TOKEN_SUB_LEN], b[USER_TOKEN_SUB_LEN], c[USER_TOKEN_SUB_LEN], d[USER_TOKEN_SUB_LEN];

    (void)state;
    user_token_subject(key1, "t", "client-a", "user", a);
    user_token_subject(key1, "t", "client-a", "user", b);
    user_token_subject(key1, "t", "client-b", "user", c);
    user_token_subject(key2, "t", "client-a", "user", d);
    assert_int_equal(strlen(a), 43);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, d);
}

static char t_fed[] = "federated", t_email[] = "emailAddress", i_google[] = "https://accounts.google.com",
            i_local[] = "t.porch.localhost", v_sub[] = "12345", v_alice[] = "Alice@Example.com",
            n_alice[] = "Alice", upn[] = "6f1c@t.porch.localhost", work_mail[] = "alice@work.example";
static struct user_identity ids[] = {
    {t_fed, i_google, v_sub},
    {t_email, i_local, v_alice},
};

static void fill_user(struct user_row *u)
{
    memset(u, 0, sizeof(*u));
    snprintf(u->id, sizeof(u->id), "%s", "6f1c2e5a-0000-4000-8000-000000000001");
    u->display_name = n_alice;
    u->given_name = n_alice;
    u->user_principal_name = upn;
    u->identities = ids;
    u->nidentities = 2;
}

static void username_and_email(void **state)
{
    struct user_row u;

    (void)state;
    fill_user(&u);
    assert_string_equal(user_token_username(&u), "Alice@Example.com");
    assert_string_equal(user_token_email(&u), "Alice@Example.com");
    u.mail = work_mail;
    assert_string_equal(user_token_email(&u), "alice@work.example");
    u.nidentities = 1;
    assert_string_equal(user_token_username(&u), "6f1c@t.porch.localhost");
}

static json_t *payload(const char *jwt)
{
    const char *p = strchr(jwt, '.') + 1;
    size_t n = (size_t)(strchr(p, '.') - p), len = 0;
    unsigned char buf[8192];

    assert_int_equal(b64url_decode(p, n, buf, sizeof(buf), &len), PORCH_OK);
    return json_loadb((const char *)buf, len, 0, NULL);
}

static void id_token_members_follow_scopes(void **state)
{
    struct jwk *k = NULL;
    struct user_row u;
    char *jwt = NULL;
    json_t *c;
    struct user_token_input in = {.iss = "https://p/t/v2.0", .tid = "t", .client_id = "app",
                                  .azpacr = "1", .resource = "00000003-0000-0000-c000-000000000000",
                                  .scope = "openid", .sub = "pairwise", .nonce = "n-1",
                                  .auth_time = 1000, .sid = "sess", .now = 2000, .lifetime = 3600};

    (void)state;
    assert_int_equal(jwk_generate("RS256", &k), PORCH_OK);
    fill_user(&u);
    in.key = k;
    in.user = &u;
    assert_int_equal(user_token_id(&in, &jwt), PORCH_OK);
    c = payload(jwt);
    assert_string_equal(json_string_value(json_object_get(c, "aud")), "app");
    assert_string_equal(json_string_value(json_object_get(c, "nonce")), "n-1");
    assert_string_equal(json_string_value(json_object_get(c, "sid")), "sess");
    assert_string_equal(json_string_value(json_object_get(c, "sub")), "pairwise");
    assert_int_equal(json_integer_value(json_object_get(c, "auth_time")), 1000);
    assert_int_equal(json_integer_value(json_object_get(c, "exp")), 5600);
    assert_null(json_object_get(c, "name"));
    assert_null(json_object_get(c, "email"));
    assert_null(json_object_get(c, "scp"));
    json_decref(c);
    free(jwt);
    in.scope = "openid profile email";
    in.nonce = NULL;
    assert_int_equal(user_token_id(&in, &jwt), PORCH_OK);
    c = payload(jwt);
    assert_string_equal(json_string_value(json_object_get(c, "name")), "Alice");
    assert_string_equal(json_string_value(json_object_get(c, "oid")), u.id);
    assert_string_equal(json_string_value(json_object_get(c, "preferred_username")),
                        "Alice@Example.com");
    assert_string_equal(json_string_value(json_object_get(c, "email")), "Alice@Example.com");
    assert_null(json_object_get(c, "nonce"));
    assert_null(json_object_get(c, "family_name"));
    json_decref(c);
    free(jwt);
    jwk_free(k);
}

static void access_token_scp(void **state)
{
    struct jwk *k = NULL;
    struct user_row u;
    char *jwt = NULL;
    json_t *c;
    struct user_token_input in = {.iss = "https://p/t/v2.0", .tid = "t", .client_id = "app",
                                  .azpacr = "0", .resource = "00000003-0000-0000-c000-000000000000",
                                  .scope = "openid profile offline_access User.Read",
                                  .sub = "pairwise", .now = 2000, .lifetime = 60};

    (void)state;
    assert_int_equal(jwk_generate("RS256", &k), PORCH_OK);
    fill_user(&u);
    in.key = k;
    in.user = &u;
    assert_int_equal(user_token_access(&in, &jwt), PORCH_OK);
    c = payload(jwt);
    assert_string_equal(json_string_value(json_object_get(c, "scp")), "openid profile User.Read");
    assert_string_equal(json_string_value(json_object_get(c, "azpacr")), "0");
    assert_string_equal(json_string_value(json_object_get(c, "sub")), "pairwise");
    assert_string_equal(json_string_value(json_object_get(c, "oid")), u.id);
    assert_null(json_object_get(c, "idtyp"));
    json_decref(c);
    free(jwt);
    in.resource = "11111111-1111-4111-8111-111111111111";
    in.scope = "openid offline_access access_as_user";
    assert_int_equal(user_token_access(&in, &jwt), PORCH_OK);
    c = payload(jwt);
    assert_string_equal(json_string_value(json_object_get(c, "scp")), "access_as_user");
    assert_string_equal(json_string_value(json_object_get(c, "aud")), in.resource);
    json_decref(c);
    free(jwt);
    jwk_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_is_pairwise_and_stable),
        cmocka_unit_test(username_and_email),
        cmocka_unit_test(id_token_members_follow_scopes),
        cmocka_unit_test(access_token_scp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
