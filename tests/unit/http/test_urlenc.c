/* SPDX-License-Identifier: Apache-2.0 */
/* Path, query/form decoding and percent-encoding: escapes, limits, ambiguity rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/http/urlenc.c"

static int setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static enum porch_err path(struct arena *a, const char *raw, const char **out)
{
    return urlenc_decode_path(a, raw, strlen(raw), out);
}

static void path_decodes_escapes(void **state)
{
    const char *out;

    assert_int_equal(path(*state, "/a%20b/c+d/%7Euser", &out), PORCH_OK);
    assert_string_equal(out, "/a b/c+d/~user");
    assert_int_equal(path(*state, "/", &out), PORCH_OK);
    assert_string_equal(out, "/");
    assert_int_equal(path(*state, "/caf%C3%A9", &out), PORCH_OK);
    assert_string_equal(out, "/caf\xc3\xa9");
    assert_int_equal(path(*state, "/x/", &out), PORCH_OK);
    assert_string_equal(out, "/x/");
}

static void path_rejects_ambiguity(void **state)
{
    static const char *const bad[] = {
        "",      "a/b",  "/%00",  "/%2F",  "/a%2fb", "/%",        "/%4",   "/%zz", "/%0a",
        "/a\tb", "/./x", "/../x", "/x/..", "/x/%2e", "/%2E%2e/y", "/a/./", "*",    "http://h/x",
    };
    const char *out = "set";

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(path(*state, bad[i], &out), PORCH_E_INVALID);
        assert_null(out);
    }
    assert_int_equal(path(*state, "/.well-known/x", &out), PORCH_OK);
    assert_int_equal(path(*state, "/a..b/...", &out), PORCH_OK);
}

static void form_splits_and_decodes(void **state)
{
    struct kvlist l;
    const char *s = "a=1&b=x+y%21&&=skipped&c&a=2&d=&e=%3D%26";

    assert_int_equal(urlenc_parse_form(*state, s, strlen(s), &l), PORCH_OK);
    assert_int_equal(l.n, 6);
    assert_string_equal(kvlist_get(&l, "b"), "x y!");
    assert_string_equal(kvlist_get(&l, "c"), "");
    assert_string_equal(kvlist_get(&l, "d"), "");
    assert_string_equal(kvlist_get(&l, "e"), "=&");
    assert_int_equal(kvlist_count(&l, "a"), 2);
    assert_string_equal(l.items[3].name, "a");
    assert_string_equal(l.items[3].value, "2");
    assert_int_equal(urlenc_parse_form(*state, "", 0, &l), PORCH_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(urlenc_parse_form(*state, "&&&", 3, &l), PORCH_OK);
    assert_int_equal(l.n, 0);
    /* only len bytes are read */
    assert_int_equal(urlenc_parse_form(*state, "k=v&z=1", 3, &l), PORCH_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].value, "v");
}

static void form_rejects_bad_escapes(void **state)
{
    static const char *const bad[] = {"a=%", "a=%4", "a=%g0", "a%00=1", "a=%00", "x=1&y=%%"};
    struct kvlist l;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(urlenc_parse_form(*state, bad[i], strlen(bad[i]), &l), PORCH_E_INVALID);
        assert_int_equal(l.n, 0);
    }
    /* a raw NUL byte (found by fuzz_form) is refused like %00 */
    assert_int_equal(urlenc_parse_form(*state, "a=b\0c", 5, &l), PORCH_E_INVALID);
    assert_int_equal(urlenc_parse_form(*state, "\0\0=x", 4, &l), PORCH_E_INVALID);
}

static void form_enforces_limits(void **state)
{
    struct sbuf sb;
    struct kvlist l;

    sbuf_init(&sb, 1 << 20);
    for (int i = 0; i < URLENC_MAX_PARAMS; i++)
        assert_int_equal(sbuf_addf(&sb, "p%d=%d&", i, i), PORCH_OK);
    assert_int_equal(urlenc_parse_form(*state, sb.buf, sb.len, &l), PORCH_OK);
    assert_int_equal(l.n, URLENC_MAX_PARAMS);
    assert_int_equal(sbuf_adds(&sb, "one=more"), PORCH_OK);
    assert_int_equal(urlenc_parse_form(*state, sb.buf, sb.len, &l), PORCH_E_TOO_BIG);
    sbuf_reset(&sb);
    for (int i = 0; i <= URLENC_MAX_NAME; i++)
        assert_int_equal(sbuf_addch(&sb, 'n'), PORCH_OK);
    assert_int_equal(urlenc_parse_form(*state, sb.buf, sb.len, &l), PORCH_E_TOO_BIG);
    sbuf_reset(&sb);
    assert_int_equal(sbuf_adds(&sb, "v="), PORCH_OK);
    for (int i = 0; i <= URLENC_MAX_VALUE; i++)
        assert_int_equal(sbuf_addch(&sb, 'v'), PORCH_OK);
    assert_int_equal(urlenc_parse_form(*state, sb.buf, sb.len, &l), PORCH_E_TOO_BIG);
    sbuf_release(&sb);
}

static void encode_round_trips(void **state)
{
    struct sbuf sb;
    struct kvlist l;
    const char *in = "https://app.example/cb?x=1&y=a b+c/~é";

    sbuf_init(&sb, 1024);
    assert_int_equal(urlenc_encode(&sb, in), PORCH_OK);
    assert_string_equal(sb.buf, "https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3Da%20b%2Bc%2F~%C3%A9");
    assert_int_equal(sbuf_adds(&sb, "=v"), PORCH_OK);
    assert_int_equal(urlenc_parse_form(*state, sb.buf, sb.len, &l), PORCH_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].name, in);
    sbuf_release(&sb);
    sbuf_init(&sb, 5);
    assert_int_equal(urlenc_encode(&sb, "ab"), PORCH_OK);
    assert_int_equal(urlenc_encode(&sb, "c d"), PORCH_E_TOO_BIG);
    assert_string_equal(sb.buf, "ab");
    sbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(path_decodes_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(path_rejects_ambiguity, setup, teardown),
        cmocka_unit_test_setup_teardown(form_splits_and_decodes, setup, teardown),
        cmocka_unit_test_setup_teardown(form_rejects_bad_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(form_enforces_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(encode_round_trips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
