/* SPDX-License-Identifier: Apache-2.0 */
/* JSON body parsing: depth pre-scan (strings and escapes), duplicates, error positions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/http/jsonbody.c"

static enum porch_err parse(struct arena *a, const char *s, unsigned depth, json_t **j,
                            struct porch_error *e)
{
    return jsonbody_parse(a, s, strlen(s), depth, j, e);
}

static void depth_ignores_brackets_in_strings(void **state)
{
    (void)state;
    assert_int_equal(jsonbody_depth("{\"a\":[[1]]}", 11, 10), 3);
    assert_int_equal(jsonbody_depth("{\"a\":\"[[[[{{{{\"}", 16, 10), 1);
    assert_int_equal(jsonbody_depth("{\"a\\\"[[[\":1}", 12, 10), 1);
    assert_int_equal(jsonbody_depth("[\"\\\\\",[[1]]]", 13, 10), 3);
    assert_int_equal(jsonbody_depth("]]]]{", 5, 10), 1);
    assert_int_equal(jsonbody_depth("", 0, 10), 0);
}

static void parses_and_defers(void **state)
{
    struct arena *a = arena_new();
    json_t *j = NULL;

    (void)state;
    assert_int_equal(parse(a, "{\"a\":{\"b\":[1,2]}}", 3, &j, NULL), PORCH_OK);
    assert_non_null(j);
    assert_int_equal(
        json_integer_value(json_array_get(json_object_get(json_object_get(j, "a"), "b"), 1)), 2);
    arena_free(a); /* json_decref runs here; ASan reports a leak otherwise */
}

static void rejects_too_deep_before_parsing(void **state)
{
    struct arena *a = arena_new();
    struct porch_error e = {0};
    char deep[20001];
    json_t *j = (json_t *)1;

    (void)state;
    memset(deep, '[', 20000);
    deep[20000] = '\0';
    assert_int_equal(parse(a, deep, 64, &j, &e), PORCH_E_TOO_BIG);
    assert_null(j);
    assert_int_equal(parse(a, "{\"a\":{\"b\":{}}}", 2, &j, &e), PORCH_E_TOO_BIG);
    assert_int_equal(parse(a, "{\"a\":{\"b\":{}}}", 3, &j, &e), PORCH_OK);
    arena_free(a);
}

static void rejects_invalid_with_position(void **state)
{
    struct arena *a = arena_new();
    struct porch_error e = {0};
    json_t *j;

    (void)state;
    assert_int_equal(parse(a, "{\"a\":1,}", 8, &j, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "line 1 column"));
    assert_int_equal(parse(a, "{\"a\":1,\"a\":2}", 8, &j, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "duplicate"));
    assert_int_equal(parse(a, "42", 8, &j, &e), PORCH_E_INVALID);
    assert_int_equal(parse(a, "", 8, &j, &e), PORCH_E_INVALID);
    assert_int_equal(parse(a, "{\"a\":\"\\ud800\"}", 8, &j, &e), PORCH_E_INVALID);
    assert_int_equal(jsonbody_parse(a, "{}\0{}", 5, 8, &j, NULL), PORCH_E_INVALID);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(depth_ignores_brackets_in_strings),
        cmocka_unit_test(parses_and_defers),
        cmocka_unit_test(rejects_too_deep_before_parsing),
        cmocka_unit_test(rejects_invalid_with_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
