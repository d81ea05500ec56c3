/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline password policy: lengths in code points, encoding, blocklist, names, hashing. */
#include "unit.h"

#include "core/xalloc.h"
#include "../../../src/directory/password_policy.c"

static const struct password_policy single = {false, "Contoso Retail", NULL, 0};

/* A password of n copies of the UTF-8 sequence unit. Caller frees. */
static char *repeat(const char *unit, size_t n, size_t *len)
{
    size_t u = strlen(unit);
    char *s = xmalloc(u * n + 1);

    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    *len = u * n;
    return s;
}

static enum password_policy_reason check(const struct password_policy *p, const char *pw)
{
    struct password_policy_result res;

    password_policy_check(p, pw, strlen(pw), &res);
    return res.reason;
}

static void lengths_count_code_points(void **state)
{
    static const struct password_policy mfa = {true, NULL, NULL, 0};
    struct password_policy_result res;
    char *pw;
    size_t len;
    (void)state;

    assert_int_equal(check(&single, "correct horse b"), PASSWORD_POLICY_OK); /* 15 */
    assert_int_equal(check(&single, "correct horse "), PASSWORD_POLICY_TOO_SHORT);
    assert_int_equal(password_policy_check(&single, "short", 5, &res), PORCH_E_INVALID);
    assert_int_equal(res.min_chars, 15);
    assert_int_equal(check(&mfa, "zq8#Lm2v"), PASSWORD_POLICY_OK);
    assert_int_equal(check(&mfa, "zq8#Lm2"), PASSWORD_POLICY_TOO_SHORT);

    /* 14 two-byte characters are 28 bytes but still too short; 15 pass. */
    pw = repeat("\xc3\xa9", 14, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_E_INVALID);
    assert_int_equal(res.reason, PASSWORD_POLICY_TOO_SHORT);
    assert_int_equal(res.chars, 14);
    free(pw);
    pw = repeat("\xe2\x82\xac", 15, &len); /* euro signs, 3 bytes each */
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_OK);
    free(pw);
    /* 256 four-byte characters (1024 bytes) are accepted, and so are 1024 ASCII ones. */
    pw = repeat("\xf0\x9f\x94\x91", 256, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_OK);
    free(pw);
    pw = repeat("k", 256, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_OK);
    free(pw);
    pw = repeat("k", 1024, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_OK);
    free(pw);
    pw = repeat("k", 1025, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_E_INVALID);
    assert_int_equal(res.reason, PASSWORD_POLICY_TOO_LONG);
    assert_int_equal(res.max_chars, 1024);
    free(pw);
    pw = repeat("\xf0\x9f\x94\x91", 300, &len);
    assert_int_equal(password_policy_check(&single, pw, len, &res), PORCH_E_INVALID);
    assert_int_equal(res.reason, PASSWORD_POLICY_TOO_LONG);
    free(pw);
}

static void encoding_is_strict(void **state)
{
    static const char *const bad[] = {
        "abcdefghijklmnop\xff",             /* invalid byte */
        "abcdefghijklmnop\xc3",             /* truncated */
        "abcdefghijklmnop\xc0\xaf",         /* overlong '/' */
        "abcdefghijklmnop\xed\xa0\x80",     /* surrogate */
        "abcdefghijklmnop\xf4\x90\x80\x80", /* above U+10FFFF */
    };
    struct password_policy_result res;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(check(&single, bad[i]), PASSWORD_POLICY_INVALID_ENCODING);
    assert_int_equal(password_policy_check(&single, "abcdefghijklmnop\0qrs", 20, &res),
                     PORCH_E_INVALID);
    assert_int_equal(res.reason, PASSWORD_POLICY_INVALID_ENCODING);
}

static void blocklist_is_case_insensitive(void **state)
{
    static const struct password_policy mfa = {true, NULL, NULL, 0};
    (void)state;

    assert_true(common_passwords_count > 9000);
    for (size_t i = 1; i < common_passwords_count; i++)
        assert_true(strcmp(common_passwords[i - 1], common_passwords[i]) < 0);
    assert_true(password_policy_is_common("password", 8));
    assert_true(password_policy_is_common("PassWord", 8));
    assert_true(password_policy_is_common("Qwertyuiop", 10));
    assert_true(password_policy_is_common("?????", 5));
    assert_false(password_policy_is_common("zq8#Lm2v", 8));
    assert_int_equal(check(&mfa, "Password1"), PASSWORD_POLICY_BANNED);
    assert_int_equal(check(&mfa, "BASEBALL"), PASSWORD_POLICY_BANNED);
    assert_int_equal(check(&mfa, "iloveyou"), PASSWORD_POLICY_BANNED);
}

static void tenant_and_app_names(void **state)
{
    static const char *const apps[] = {"Woodgrove Groceries", "ab"};
    static const struct password_policy p = {true, "Contoso", apps, 2};
    (void)state;

    assert_int_equal(check(&p, "contoso1"), PASSWORD_POLICY_CONTAINS_TENANT_NAME);
    assert_int_equal(check(&p, "CONTOSO!"), PASSWORD_POLICY_CONTAINS_TENANT_NAME);
    assert_int_equal(check(&p, "Contoso2024Contoso"), PASSWORD_POLICY_CONTAINS_TENANT_NAME);
    assert_int_equal(check(&p, "i work at contoso since 2019"), PASSWORD_POLICY_OK);
    assert_int_equal(check(&p, "woodgrove groceries!"), PASSWORD_POLICY_CONTAINS_APP_NAME);
    assert_int_equal(check(&p, "abababab12"), PASSWORD_POLICY_OK); /* short names ignored */
    assert_int_equal(check(&single, "Contoso Retail 1"), PASSWORD_POLICY_CONTAINS_TENANT_NAME);
}

static void hashes_only_good_passwords(void **state)
{
    struct password_policy_result res;
    char *hash = NULL, msg[128];
    bool ok = false, rehash = true;
    (void)state;

    assert_int_equal(password_policy_hash(&single, "password", 8, &res, &hash), PORCH_E_INVALID);
    assert_null(hash);
    assert_string_equal(password_policy_reason_str(res.reason), "too_short");
    password_policy_message(&res, msg, sizeof(msg));
    assert_string_equal(msg, "The password must be at least 15 characters long.");
    assert_int_equal(password_policy_hash(&single, "glass-otter-lantern-7", 21, &res, &hash),
                     PORCH_OK);
    assert_non_null(hash);
    assert_int_equal(password_verify(hash, "glass-otter-lantern-7", 21, &ok, &rehash), PORCH_OK);
    assert_true(ok);
    assert_false(rehash);
    free(hash);
    assert_string_equal(password_policy_reason_str(PASSWORD_POLICY_BANNED), "banned");
    assert_string_equal(password_policy_reason_str(PASSWORD_POLICY_INVALID_ENCODING),
                        "invalid_encoding");
    assert_string_equal(password_policy_reason_str(PASSWORD_POLICY_CONTAINS_TENANT_NAME),
                        "contains_tenant_name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lengths_count_code_points),     cmocka_unit_test(encoding_is_strict),
        cmocka_unit_test(blocklist_is_case_insensitive), cmocka_unit_test(tenant_and_app_names),
        cmocka_unit_test(hashes_only_good_passwords),
    };

    return cmocka_run_group_tests_name("directory/password_policy", tests, NULL, NULL);
}
