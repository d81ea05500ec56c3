/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validation rules of identity/userFlowAttributes without a store: built-in ids (any
 * case), custom displayName characters and length, dataType mapping both ways, and which ids
 * name one of the tenant's custom attributes.
 */
#include "unit.h"

#include <string.h>

#include "../../../src/graph/user_flow_attributes.c"

#define TID "11111111-1111-4111-8111-111111111111"

static void builtins_match_any_case(void **state)
{
    (void)state;
    assert_int_equal(NBUILTINS, 10);
    assert_string_equal(graph_user_flow_attributes_builtin("City")->id, "city");
    assert_string_equal(graph_user_flow_attributes_builtin("GIVENNAME")->id, "givenName");
    assert_int_equal(graph_user_flow_attributes_builtin("streetAddress")->max_len, 1024);
    assert_int_equal(graph_user_flow_attributes_builtin("postalCode")->max_len, 40);
    assert_int_equal(graph_user_flow_attributes_builtin("surname")->max_len, 64);
    assert_null(graph_user_flow_attributes_builtin("mail"));
    assert_null(graph_user_flow_attributes_builtin(""));
    assert_null(graph_user_flow_attributes_builtin(NULL));
}

static void names(void **state)
{
    char n[GRAPH_USER_FLOW_ATTRS_NAME_MAX + 2];

    (void)state;
    assert_true(graph_user_flow_attributes_name_ok("Hobby"));
    assert_true(graph_user_flow_attributes_name_ok("loyalty_Number2"));
    assert_true(graph_user_flow_attributes_name_ok("_"));
    assert_false(graph_user_flow_attributes_name_ok(""));
    assert_false(graph_user_flow_attributes_name_ok(NULL));
    assert_false(graph_user_flow_attributes_name_ok("Favorite color"));
    assert_false(graph_user_flow_attributes_name_ok("a-b"));
    assert_false(graph_user_flow_attributes_name_ok("caf\xc3\xa9"));
    assert_false(graph_user_flow_attributes_name_ok("x'y"));
    memset(n, 'a', GRAPH_USER_FLOW_ATTRS_NAME_MAX);
    n[GRAPH_USER_FLOW_ATTRS_NAME_MAX] = '\0';
    assert_true(graph_user_flow_attributes_name_ok(n));
    n[GRAPH_USER_FLOW_ATTRS_NAME_MAX] = 'a';
    n[GRAPH_USER_FLOW_ATTRS_NAME_MAX + 1] = '\0';
    assert_false(graph_user_flow_attributes_name_ok(n));
}

static void data_types_map_both_ways(void **state)
{
    (void)state;
    assert_string_equal(ext_type_of("string"), "String");
    assert_string_equal(ext_type_of("Boolean"), "Boolean");
    assert_string_equal(ext_type_of("int64"), "LargeInteger");
    assert_null(ext_type_of("dateTime"));
    assert_null(ext_type_of("stringCollection"));
    assert_null(ext_type_of(NULL));
    assert_string_equal(graph_type_of("String"), "string");
    assert_string_equal(graph_type_of("LargeInteger"), "int64");
    assert_string_equal(graph_type_of("Integer"), "int64");
    assert_string_equal(graph_type_of("Boolean"), "boolean");
    assert_string_equal(graph_type_of("DateTime"), "dateTime");
    assert_string_equal(graph_type_of("Binary"), "unknownFutureValue");
}

static void custom_ids_belong_to_the_tenant(void **state)
{
    char prefix[BUILTIN_APPS_B2C_PREFIX_LEN], id[300], out[256];

    (void)state;
    builtin_apps_b2c_prefix(TID, prefix);
    snprintf(id, sizeof(id), "%sHobby", prefix);
    assert_true(custom_name(TID, id, out));
    assert_string_equal(out, id);
    for (char *p = id; *p && p < id + strlen(prefix) - 1; p++)
        *p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
    assert_true(custom_name(TID, id, out));
    assert_string_equal(out + strlen(prefix), "Hobby");
    assert_int_equal(strncmp(out, prefix, strlen(prefix)), 0);
    assert_false(custom_name("22222222-2222-4222-8222-222222222222", id, out));
    assert_false(custom_name(TID, prefix, out));
    snprintf(id, sizeof(id), "%sa b", prefix);
    assert_false(custom_name(TID, id, out));
    assert_false(custom_name(TID, "extension_00_Hobby", out));
    assert_false(custom_name(TID, NULL, out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtins_match_any_case),
        cmocka_unit_test(names),
        cmocka_unit_test(data_types_map_both_ways),
        cmocka_unit_test(custom_ids_belong_to_the_tenant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
