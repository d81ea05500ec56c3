/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Graph user bodies: identities, email syntax, passwordProfile and passwordPolicies, required
 * sets, types, read-only properties, extensions, defaults, updates and their audit changes.
 */
#include "unit.h"

#include "directory/email.h"
#include "directory/identities.h"
#include "../../../src/directory/users.c"

#define TID    "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define DOMAIN "contoso.porch.test"
#define PW     "\"passwordProfile\":{\"password\":\"glass-otter-lantern-7\"}"

static const struct users_ctx ctx = {TID, DOMAIN, 1700000000, NULL, NULL};

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);

    if (!j)
        fail_msg("bad test JSON: %s: %s", err.text, text);
    return j;
}

/* The last body create() parsed: the result's password is borrowed from it. */
static json_t *held;

static int drop_held(void **state)
{
    (void)state;
    json_decref(held);
    held = NULL;
    return 0;
}

/* Creates from text; returns the status and leaves the message in e. */
static enum porch_err create(const char *text, struct users_result *r, struct porch_error *e)
{
    json_decref(held);
    held = parse(text);
    return users_prepare_create(&ctx, held, r, e);
}

static void expect_bad(const char *text, const char *msg_part)
{
    struct users_result r;
    struct porch_error e = {0};

    if (create(text, &r, &e) != PORCH_E_INVALID)
        fail_msg("accepted: %s", text);
    if (!strstr(e.msg, msg_part))
        fail_msg("message '%s' lacks '%s' for %s", e.msg, msg_part, text);
    users_result_release(&r);
}

static void expect_ok(const char *text)
{
    struct users_result r;
    struct porch_error e = {0};

    if (create(text, &r, &e) != PORCH_OK)
        fail_msg("refused (%s): %s", e.msg, text);
    users_result_release(&r);
}

static void emails(void **state)
{
    static const char *const good[] = {
        "a@b.co",
        "Dylan.O'Neil+tag@Woodgrove.com",
        "x_y-z@sub.example-site.org",
        "caf\xc3\xa9@exampl\xc3\xa9.fr",
        "!#$%&'*+/=?^_`{|}~-@example.com",
    };
    static const char *const bad[] = {
        "",          "plain",     "@example.com",    "a@",          "a@b",         "a@@b.com",
        "a@b@c.com", "a b@c.com", "a@b .com",        ".a@b.com",    "a.@b.com",    "a..b@c.com",
        "a@-b.com",  "a@b-.com",  "a@b..com",        "a@b.123",     "\"q\"@b.com", "a@[1.2.3.4]",
        "a\t@b.com", "a@b.com\n", "a\xc2\xa0@b.com", "a\xff@b.com", "a@b_c.com",
    };
    char longlocal[80], longaddr[300];
    (void)state;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(email_valid(good[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (email_valid(bad[i]))
            fail_msg("accepted '%s'", bad[i]);
    }
    memset(longlocal, 'a', 65);
    snprintf(longlocal + 65, sizeof(longlocal) - 65, "@b.com");
    assert_false(email_valid(longlocal));
    longlocal[1] = '@';
    memset(longaddr, 'a', sizeof(longaddr));
    memcpy(longaddr, "x@", 2);
    for (size_t i = 40; i < 250; i += 40)
        longaddr[i] = '.';
    longaddr[255] = '\0';
    assert_false(email_valid(longaddr)); /* over 254 */
}

static void local_identities(void **state)
{
    struct users_result r;
    struct porch_error e = {0};
    (void)state;

    assert_int_equal(create("{\"displayName\":\"Dylan\",\"identities\":["
                            "{\"signInType\":\"emailAddress\",\"issuer\":\"CONTOSO.porch.test\","
                            "\"issuerAssignedId\":\"Dylan@Woodgrove.com\"},"
                            "{\"signInType\":\"username\",\"issuerAssignedId\":\"dylan123\"}],"
                            "\"mail\":\"dylan@woodgrove.com\"," PW "}",
                            &r, &e),
                     PORCH_OK);
    assert_true(uuid_valid(r.row.id));
    assert_string_equal(r.row.tenant_id, TID);
    assert_int_equal(r.row.nidentities, 2);
    assert_string_equal(r.row.identities[0].issuer, DOMAIN);
    assert_string_equal(r.row.identities[0].issuer_assigned_id, "Dylan@Woodgrove.com");
    assert_string_equal(r.row.identities[1].sign_in_type, "userName");
    assert_string_equal(r.row.identities[1].issuer, DOMAIN);
    assert_string_equal(r.row.creation_type, "LocalAccount");
    assert_string_equal(r.row.user_type, "Member");
    assert_true(r.row.account_enabled);
    assert_string_equal(r.password, "glass-otter-lantern-7");
    assert_int_equal(r.password_len, 21);
    assert_int_equal(r.row.created_at, 1700000000);
    assert_non_null(strstr(r.row.user_principal_name, r.row.id));
    assert_non_null(strstr(r.row.user_principal_name, "@" DOMAIN));
    assert_non_null(strstr(r.row.data, "\"passwordPolicies\":\"DisablePasswordExpiration\""));
    assert_non_null(strstr(r.row.data, "\"otherMails\":[]"));
    assert_null(strstr(r.row.data, "glass-otter"));
    assert_null(strstr(r.row.data, "displayName"));
    {
        char *changes = json_dumps(r.changes, 0);
        assert_null(strstr(changes, "glass-otter"));
        assert_non_null(strstr(changes, "passwordProfile"));
        free(changes);
    }
    users_result_release(&r);

    expect_bad("{\"identities\":[{\"signInType\":\"emailAddress\",\"issuer\":\"contoso.onmicrosoft"
               ".com\",\"issuerAssignedId\":\"a@b.com\"}]," PW "}",
               "must be the tenant's default domain '" DOMAIN "'");
    expect_bad(
        "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"nope\"}]," PW "}",
        "valid email address");
    expect_bad("{\"identities\":[{\"signInType\":\"userName\",\"issuerAssignedId\":\"_bad\"}]," PW
               "}",
               "userName identity");
    expect_bad("{\"identities\":[{\"signInType\":\"userName\",\"issuerAssignedId\":\"a.b\"}]," PW
               "}",
               "userName identity");
    expect_bad("{\"identities\":[{\"signInType\":\"userName\",\"issuerAssignedId\":\"a"
               "12345678901234567890123456789012345678901234567890123456789012345\"}]," PW "}",
               "userName identity");
    expect_ok("{\"identities\":[{\"signInType\":\"userName\",\"issuerAssignedId\":\"9a-b_c\"}]," PW
              "}");
    /* emailAddress1 etc. are email identities too. */
    expect_bad("{\"identities\":[{\"signInType\":\"emailAddress1\",\"issuerAssignedId\":\"x\"}]," PW
               "}",
               "valid email address");
    /* Duplicates by the store's key: case-insensitive for local ones. */
    expect_bad(
        "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"A@b.com\"},"
        "{\"signInType\":\"emailAddress2\",\"issuerAssignedId\":\"a@B.com\"}]," PW "}",
        "same sign-in identity twice");
    /* A local identity needs a password; forceChange must be false. */
    expect_bad(
        "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"a@b.com\"}]}",
        "A value is required for property 'passwordProfile' of resource 'User'.");
    expect_bad(
        "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"a@b.com\"}],"
        "\"passwordProfile\":{\"password\":\"glass-otter-lantern-7\","
        "\"forceChangePasswordNextSignIn\":true}}",
        "forceChangePasswordNextSignIn must be false");
    expect_bad(
        "{\"identities\":[{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"a@b.com\"}],"
        "\"passwordPolicies\":\"None\"," PW "}",
        "must be 'DisablePasswordExpiration'");
}

static void federated_and_upn_identities(void **state)
{
    struct users_result r;
    struct porch_error e = {0};
    char many[2048];
    size_t k;
    (void)state;

    /* Federated only: nothing is required. */
    assert_int_equal(create("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":"
                            "\"Google.com\",\"issuerAssignedId\":\"1234\\u00075\"}]}",
                            &r, &e),
                     PORCH_E_INVALID);
    users_result_release(&r);
    assert_int_equal(create("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":"
                            "\"Google.com\",\"issuerAssignedId\":\"AbC-123\"}]}",
                            &r, &e),
                     PORCH_OK);
    assert_string_equal(r.row.identities[0].issuer, "Google.com");
    assert_null(r.row.creation_type);
    assert_null(r.password);
    users_result_release(&r);
    /* Federated subjects differing in case are different identities. */
    expect_ok("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\","
              "\"issuerAssignedId\":\"a\"},{\"signInType\":\"federated\",\"issuer\":\"G.com\","
              "\"issuerAssignedId\":\"A\"}]}");
    expect_bad("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\","
               "\"issuerAssignedId\":\"a\"},{\"signInType\":\"federated\",\"issuer\":\"G.COM\","
               "\"issuerAssignedId\":\"a\"}]}",
               "twice");
    expect_bad("{\"identities\":[{\"signInType\":\"federated\",\"issuerAssignedId\":\"a\"}]}",
               "'issuer' of resource 'objectIdentity'");
    expect_bad("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\"}]}",
               "'issuerAssignedId'");
    expect_bad("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\","
               "\"issuerAssignedId\":\"a\",\"extra\":1}]}",
               "'extra' does not exist on type 'microsoft.graph.objectIdentity'");
    expect_bad("{\"identities\":[{\"issuer\":\"g.com\",\"issuerAssignedId\":\"a\"}]}",
               "'signInType'");
    expect_bad("{\"identities\":{}}", "'identities'");
    expect_bad("{\"identities\":[\"x\"]}", "'identities'");
    /* At most 10. */
    k = (size_t)snprintf(many, sizeof(many), "{\"identities\":[");
    for (int i = 0; i < 11; i++)
        k += (size_t)snprintf(many + k, sizeof(many) - k,
                              "%s{\"signInType\":\"federated\",\"issuer\":\"g.com\","
                              "\"issuerAssignedId\":\"s%d\"}",
                              i ? "," : "", i);
    snprintf(many + k, sizeof(many) - k, "]}");
    expect_bad(many, "at most 10 identities");

    /* The userPrincipalName identity sets the UPN and is not stored. */
    assert_int_equal(
        create("{\"identities\":[{\"signInType\":\"userPrincipalName\",\"issuer\":\"" DOMAIN
               "\",\"issuerAssignedId\":\"Dylan@CONTOSO.porch.test\"},"
               "{\"signInType\":\"federated\",\"issuer\":\"g.com\","
               "\"issuerAssignedId\":\"s\"}]}",
               &r, &e),
        PORCH_OK);
    assert_string_equal(r.row.user_principal_name, "Dylan@" DOMAIN);
    assert_int_equal(r.row.nidentities, 1);
    users_result_release(&r);
    expect_bad("{\"userPrincipalName\":\"a@" DOMAIN "\",\"identities\":[{\"signInType\":"
               "\"userPrincipalName\",\"issuerAssignedId\":\"b@" DOMAIN "\"}]}",
               "must match userPrincipalName");
    expect_bad("{\"identities\":[{\"signInType\":\"userPrincipalName\",\"issuerAssignedId\":"
               "\"b@other.com\"}]}",
               "valid userPrincipalName");
}

static void generic_required_set(void **state)
{
    (void)state;
    expect_bad("{\"displayName\":\"x\"}", "'accountEnabled'");
    expect_bad("{\"accountEnabled\":true,\"mailNickname\":\"x\",\"userPrincipalName\":\"x@" DOMAIN
               "\"," PW "}",
               "A value is required for property 'displayName' of resource 'User'.");
    expect_bad("{\"accountEnabled\":true,\"displayName\":\"x\",\"userPrincipalName\":\"x@" DOMAIN
               "\"," PW "}",
               "'mailNickname'");
    expect_bad("{\"accountEnabled\":true,\"displayName\":\"x\",\"mailNickname\":\"x\","
               "\"userPrincipalName\":\"x@" DOMAIN "\"}",
               "'passwordProfile'");
    expect_bad("{\"accountEnabled\":true,\"displayName\":\"x\",\"mailNickname\":\"x\"," PW "}",
               "'userPrincipalName'");
    expect_ok("{\"accountEnabled\":false,\"displayName\":\"x\",\"mailNickname\":\"x\","
              "\"userPrincipalName\":\"x.y@" DOMAIN "\",\"passwordProfile\":{\"password\":\"p\","
              "\"forceChangePasswordNextSignIn\":true}}");
}

#define FED                                                                                        \
    "\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\",\"issuerAssignedId\":"     \
    "\"s\"}]"

static void types_and_values(void **state)
{
    char big[400];
    (void)state;

    expect_bad("{" FED ",\"accountEnabled\":\"yes\"}",
               "Invalid value specified for property 'accountEnabled' of resource 'User'.");
    expect_bad("{" FED ",\"displayName\":5}", "property 'displayName'");
    expect_bad("{" FED ",\"displayName\":\"\"}", "property 'displayName'");
    expect_bad("{" FED ",\"displayName\":\"a\\u0001b\"}", "property 'displayName'");
    memset(big, 'x', 257);
    snprintf(big + 257, sizeof(big) - 257, "\"}");
    {
        char body[600];
        snprintf(body, sizeof(body), "{" FED ",\"displayName\":\"%s", big);
        expect_bad(body, "property 'displayName'");
        big[256] = '"';
        big[257] = '}';
        big[258] = '\0';
        snprintf(body, sizeof(body), "{" FED ",\"displayName\":\"%s", big);
        expect_ok(body); /* exactly 256 */
    }
    /* 256 code points of two bytes each are fine too. */
    {
        char body[1200];
        size_t k = (size_t)snprintf(body, sizeof(body), "{" FED ",\"displayName\":\"");
        for (int i = 0; i < 256; i++)
            k += (size_t)snprintf(body + k, sizeof(body) - k, "\xc3\xa9");
        snprintf(body + k, sizeof(body) - k, "\"}");
        expect_ok(body);
    }
    expect_bad("{" FED ",\"mail\":\"not-an-email\"}", "property 'mail'");
    expect_bad("{" FED ",\"otherMails\":[\"a@b.com\",\"bad\"]}", "property 'otherMails'");
    expect_bad("{" FED ",\"otherMails\":null}", "property 'otherMails'");
    expect_ok("{" FED ",\"otherMails\":[\"a@b.com\",\"c@d.org\"],\"mail\":null}");
    expect_bad("{" FED ",\"mailNickname\":\"a b\"}", "property 'mailNickname'");
    expect_bad("{" FED ",\"userPrincipalName\":\"x@other.com\"}", "property 'userPrincipalName'");
    expect_bad("{" FED ",\"userPrincipalName\":\".x@" DOMAIN "\"}", "property 'userPrincipalName'");
    expect_bad("{" FED ",\"userType\":\"Admin\"}", "property 'userType'");
    expect_ok("{" FED ",\"userType\":\"guest\",\"usageLocation\":\"nl\",\"preferredLanguage\":"
              "\"en-US\",\"businessPhones\":[\"+1 555 0100\"],\"ageGroup\":\"adult\"}");
    expect_bad("{" FED ",\"businessPhones\":[\"1\",\"2\"]}", "property 'businessPhones'");
    expect_bad("{" FED ",\"usageLocation\":\"N1\"}", "property 'usageLocation'");
    expect_bad("{" FED ",\"passwordProfile\":\"x\"}", "property 'passwordProfile'");
    expect_bad("{" FED ",\"passwordProfile\":{\"password\":5}}", "property 'passwordProfile'");
    expect_bad("{" FED ",\"passwordProfile\":{\"hash\":\"x\"}}", "property 'passwordProfile'");
    expect_bad("{" FED ",\"passwordPolicies\":\"DisableStrongPassword\"}",
               "'DisableStrongPassword' is not supported");
    expect_bad("{" FED
               ",\"passwordPolicies\":\"DisablePasswordExpiration, DisableStrongPassword\"}",
               "'DisableStrongPassword' is not supported");
    expect_bad("{" FED ",\"passwordPolicies\":\"Whatever\"}", "property 'passwordPolicies'");
    expect_ok("{" FED ",\"passwordPolicies\":\"None\"}");
    expect_bad("[]", "must be a JSON object");
}

static void read_only_unknown_and_extensions(void **state)
{
    struct users_result r;
    struct porch_error e = {0};
    (void)state;

    expect_bad("{" FED ",\"creationType\":\"Invitation\"}",
               "Property 'creationType' is read-only and cannot be set.");
    expect_bad("{" FED ",\"signInSessionsValidFromDateTime\":\"2020-01-01T00:00:00Z\"}",
               "read-only");
    expect_bad("{" FED ",\"id\":\"0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b\"}",
               "Property 'id' is read-only");
    expect_bad("{" FED ",\"passwordHash\":\"x\"}",
               "The property 'passwordHash' does not exist on type 'microsoft.graph.user'.");
    expect_bad("{" FED ",\"@odata.type\":\"#microsoft.graph.group\"}",
               "'#microsoft.graph.group' could not be resolved");
    expect_bad("{" FED ",\"manager@odata.bind\":\"x\"}", "does not exist");
    assert_int_equal(create("{" FED ",\"@odata.type\":\"#microsoft.graph.user\","
                            "\"@odata.context\":\"x\",\"createdDateTime\":\"2001-01-01T00:00:00Z\","
                            "\"lastPasswordChangeDateTime\":\"x\",\"extension_0123456789abcdef"
                            "0123456789ABCDEF_loyaltyNumber\":\"A-1\",\"extension_0123456789abcdef"
                            "0123456789abcdef_vip\":true,\"extension_0123456789abcdef0123456789"
                            "abcdef_points\":42}",
                            &r, &e),
                     PORCH_OK);
    assert_int_equal(r.row.created_at, 1700000000);
    assert_non_null(strstr(r.row.data, "\"extension_0123456789abcdef0123456789ABCDEF_loyaltyNumber"
                                       "\":\"A-1\""));
    assert_non_null(strstr(r.row.data, "_vip\":true"));
    assert_non_null(strstr(r.row.data, "_points\":42"));
    assert_null(strstr(r.row.data, "createdDateTime"));
    assert_null(strstr(r.row.data, "@odata"));
    users_result_release(&r);
    expect_bad("{" FED ",\"extension_0123456789abcdef0123456789abcdef_x\":[1]}",
               "property 'extension_0123456789abcdef0123456789abcdef_x'");
    expect_bad("{" FED ",\"extension_0123456789abcdef0123456789abcdeg_x\":1}", "does not exist");
    expect_bad("{" FED ",\"extension_0123_x\":1}", "does not exist");
}

static enum porch_err refuse_tier(void *c, const char *name, const json_t *v, struct porch_error *e)
{
    (void)v;
    (*(int *)c)++;
    if (strstr(name, "_tier"))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "extension '%s' is not registered", name);
    return PORCH_OK;
}

static void extension_hook(void **state)
{
    int calls = 0;
    struct users_ctx x = {TID, DOMAIN, 1, refuse_tier, &calls};
    struct users_result r;
    struct porch_error e = {0};
    json_t *body = parse("{" FED ",\"extension_0123456789abcdef0123456789abcdef_ok\":\"v\","
                         "\"extension_0123456789abcdef0123456789abcdef_tier\":\"v\"}");
    (void)state;

    assert_int_equal(users_prepare_create(&x, body, &r, &e), PORCH_E_INVALID);
    assert_int_equal(calls, 2);
    assert_non_null(strstr(e.msg, "is not registered"));
    users_result_release(&r);
    json_decref(body);
}

static void update_applies_and_audits(void **state)
{
    struct users_result created, upd;
    struct porch_error e = {0};
    json_t *body, *ch, *j;
    char *text;
    (void)state;

    assert_int_equal(
        create("{\"displayName\":\"Dylan\",\"city\":\"Oslo\",\"identities\":["
               "{\"signInType\":\"emailAddress\",\"issuerAssignedId\":\"d@w.com\"}]," PW "}",
               &created, &e),
        PORCH_OK);
    body = parse("{\"displayName\":\"Dylan W\",\"city\":null,\"jobTitle\":\"Chef\","
                 "\"id\":\"IGNORED\",\"createdDateTime\":\"x\","
                 "\"passwordProfile\":{\"password\":\"new-secret-phrase-9\"}}");
    /* id naming the user itself is ignored; another id is refused. */
    assert_int_equal(users_prepare_update(&ctx, &created.row, body, &upd, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "'id' is read-only"));
    users_result_release(&upd);
    json_object_set_new(body, "id", json_string(created.row.id));
    assert_int_equal(users_prepare_update(&ctx, &created.row, body, &upd, &e), PORCH_OK);
    assert_string_equal(upd.row.id, created.row.id);
    assert_string_equal(upd.row.display_name, "Dylan W");
    assert_string_equal(upd.row.user_principal_name, created.row.user_principal_name);
    assert_string_equal(upd.row.creation_type, "LocalAccount");
    assert_null(strstr(upd.row.data, "Oslo"));
    assert_non_null(strstr(upd.row.data, "\"jobTitle\":\"Chef\""));
    assert_string_equal(upd.password, "new-secret-phrase-9");
    assert_true(upd.columns_changed);
    assert_false(upd.identities_changed);
    assert_int_equal(upd.row.nidentities, 1);
    text = json_dumps(upd.changes, JSON_COMPACT);
    assert_null(strstr(text, "new-secret"));
    free(text);
    assert_int_equal(json_array_size(upd.changes), 4); /* displayName, city, jobTitle, profile */
    ch = json_array_get(upd.changes, 0);
    assert_string_equal(json_string_value(json_object_get(ch, "displayName")), "displayName");
    assert_string_equal(json_string_value(json_object_get(ch, "oldValue")), "\"Dylan\"");
    assert_string_equal(json_string_value(json_object_get(ch, "newValue")), "\"Dylan W\"");
    users_result_release(&upd);
    json_decref(body);

    /* Identities are replaced whole; rules see the resulting user. */
    body = parse("{\"identities\":[{\"signInType\":\"federated\",\"issuer\":\"g.com\","
                 "\"issuerAssignedId\":\"s\"}]}");
    assert_int_equal(users_prepare_update(&ctx, &created.row, body, &upd, &e), PORCH_OK);
    assert_true(upd.identities_changed);
    assert_false(upd.columns_changed);
    assert_int_equal(upd.row.nidentities, 1);
    assert_string_equal(upd.row.identities[0].sign_in_type, "federated");
    users_result_release(&upd);
    json_decref(body);
    body = parse("{\"passwordProfile\":{\"forceChangePasswordNextSignIn\":true}}");
    assert_int_equal(users_prepare_update(&ctx, &created.row, body, &upd, &e), PORCH_E_INVALID);
    users_result_release(&upd);
    json_decref(body);
    body = parse("{\"accountEnabled\":null}");
    assert_int_equal(users_prepare_update(&ctx, &created.row, body, &upd, &e), PORCH_E_INVALID);
    users_result_release(&upd);
    json_decref(body);

    /* The Graph view: UPN identity added, secrets never. */
    created.row.password_hash = xstrdup("$argon2id$secret");
    assert_int_equal(users_to_json(&created.row, DOMAIN, &j), PORCH_OK);
    text = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(text, "argon2"));
    assert_non_null(strstr(text, "\"passwordProfile\":null"));
    assert_non_null(strstr(text, "\"createdDateTime\":\"2023-11-14T22:13:20Z\""));
    assert_int_equal(json_array_size(json_object_get(j, "identities")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "identities"), 1), "signInType")),
                        "userPrincipalName");
    assert_string_equal(json_string_value(json_object_get(j, "displayName")), "Dylan");
    free(text);
    json_decref(j);
    users_result_release(&created);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emails),
        cmocka_unit_test(local_identities),
        cmocka_unit_test(federated_and_upn_identities),
        cmocka_unit_test(generic_required_set),
        cmocka_unit_test(types_and_values),
        cmocka_unit_test(read_only_unknown_and_extensions),
        cmocka_unit_test(extension_hook),
        cmocka_unit_test(update_applies_and_audits),
    };

    return cmocka_run_group_tests_name("directory/users", tests, NULL, drop_held);
}
