/* SPDX-License-Identifier: Apache-2.0 */
/* The template engine: escaping, raw only through tmpl_set_raw, blocks, partials, {{t}}, caps. */
#include "unit.h"

#include <string.h>

#include "../../../src/ui/tmpl.c"

struct fix {
    struct tmpl_lib *lib;
    struct tmpl_data d;
    struct sbuf out;
};

static int setup(void **state)
{
    struct fix *f = xcalloc(1, sizeof(*f));

    f->lib = tmpl_lib_new();
    tmpl_data_init(&f->d);
    sbuf_init(&f->out, 64 * 1024);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    tmpl_lib_free(f->lib);
    tmpl_data_release(&f->d);
    sbuf_release(&f->out);
    free(f);
    return 0;
}

static enum porch_err add(struct fix *f, const char *name, const char *src)
{
    return tmpl_lib_add(f->lib, name, src, strlen(src), NULL);
}

/* Compiles src as a fresh template and renders it; the output is in f->out. */
static enum porch_err render(struct fix *f, const char *src)
{
    static unsigned n;
    char name[32];
    enum porch_err err;

    snprintf(name, sizeof(name), "t%u", n++);
    err = add(f, name, src);
    if (err != PORCH_OK)
        return err;
    sbuf_reset(&f->out);
    return tmpl_render(f->lib, name, &f->d, &f->out);
}

static void escapes_every_special_char(void **state)
{
    struct fix *f = *state;

    tmpl_set(&f->d, "v", "a&b<c>d\"e'f`g=h");
    assert_int_equal(render(f, "[{{v}}]"), PORCH_OK);
    assert_string_equal(f->out.buf, "[a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g&#61;h]");
    assert_int_equal(render(f, "<a title=\"{{ v }}\">"), PORCH_OK);
    assert_string_equal(f->out.buf, "<a title=\"a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g&#61;h\">");
    tmpl_set(&f->d, "v", "<script>alert(1)</script>");
    assert_int_equal(render(f, "{{v}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "&lt;script&gt;alert(1)&lt;/script&gt;");
    tmpl_set(&f->d, "v", "plain text, caf\xc3\xa9");
    assert_int_equal(render(f, "{{v}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "plain text, caf\xc3\xa9");
}

static void raw_only_through_raw_api(void **state)
{
    struct fix *f = *state;

    tmpl_set(&f->d, "h", "<b>x</b>");
    assert_int_equal(render(f, "{{{h}}}|{{raw h}}|{{h}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "||&lt;b&gt;x&lt;/b&gt;");
    tmpl_set(&f->d, "h", NULL);
    tmpl_set_raw(&f->d, "h", "<b>x</b>");
    assert_int_equal(render(f, "{{{h}}}|{{raw h}}|{{h}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "<b>x</b>|<b>x</b>|");
    f->d.strict = true;
    assert_int_equal(render(f, "{{h}}"), PORCH_E_INVALID);
    tmpl_set_raw(&f->d, "h", NULL);
    tmpl_set(&f->d, "h", "<b>");
    assert_int_equal(render(f, "{{{ h }}}"), PORCH_E_INVALID);
}

static void if_else_truthiness(void **state)
{
    struct fix *f = *state;
    const char *src = "{{#if v}}yes{{else}}no{{/if}}";

    tmpl_set_bool(&f->d, "v", true);
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "yes");
    tmpl_set_bool(&f->d, "v", false);
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "no");
    tmpl_set(&f->d, "v", "");
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "no");
    tmpl_set(&f->d, "v", "x");
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "yes");
    tmpl_set(&f->d, "v", NULL);
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "no");
    assert_int_equal(render(f, "a{{#if v}}b{{/if}}c"), PORCH_OK);
    assert_string_equal(f->out.buf, "ac");
    json_object_set_new(f->d.vars, "v", json_array());
    assert_int_equal(render(f, src), PORCH_OK);
    assert_string_equal(f->out.buf, "no");
    json_object_set_new(f->d.vars, "v", json_integer(3));
    assert_int_equal(render(f, "{{#if v}}{{v}}{{/if}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "3");
    assert_int_equal(render(f, "{{#if v}}{{#if w}}1{{else}}2{{/if}}{{else}}3{{/if}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "2");
}

static void each_reads_items(void **state)
{
    struct fix *f = *state;
    json_t *it;

    it = tmpl_list_add(&f->d, "users");
    json_object_set_new(it, "name", json_string("Ann<"));
    json_object_set_new(it, "admin", json_true());
    it = tmpl_list_add(&f->d, "users");
    json_object_set_new(it, "name", json_string("Bob"));
    tmpl_set(&f->d, "sep", ";");
    assert_int_equal(render(f, "{{#each users}}{{.name}}{{#if .admin}}*{{/if}}{{sep}}{{/each}}"),
                     PORCH_OK);
    assert_string_equal(f->out.buf, "Ann&lt;*;Bob;");
    json_object_set_new(f->d.vars, "tags", json_pack("[ss]", "a", "b&"));
    assert_int_equal(render(f, "{{#each tags}}[{{.}}]{{/each}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "[a][b&amp;]");
    json_object_set_new(f->d.vars, "rows", json_pack("[{s:[ss]},{s:[]}]", "c", "x", "y", "c"));
    assert_int_equal(render(f, "{{#each rows}}({{#each .c}}{{.}}{{/each}}){{/each}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "(xy)()");
    assert_int_equal(render(f, "{{#each nothing}}x{{/each}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "");
}

static void partials_include_and_stop(void **state)
{
    struct fix *f = *state;

    assert_int_equal(add(f, "greet", "hi {{who}}"), PORCH_OK);
    assert_int_equal(add(f, "greet", "again"), PORCH_E_CONFLICT);
    tmpl_set(&f->d, "who", "<you>");
    assert_int_equal(render(f, "[{{> greet}}]"), PORCH_OK);
    assert_string_equal(f->out.buf, "[hi &lt;you&gt;]");
    assert_int_equal(render(f, "{{> nope}}"), PORCH_E_NOT_FOUND);
    assert_int_equal(add(f, "loop", "x{{> loop}}"), PORCH_OK);
    sbuf_reset(&f->out);
    assert_int_equal(tmpl_render(f->lib, "loop", &f->d, &f->out), PORCH_E_TOO_BIG);
    assert_int_equal(tmpl_render(f->lib, "absent", &f->d, &f->out), PORCH_E_NOT_FOUND);
    assert_true(tmpl_lib_has(f->lib, "greet"));
    assert_false(tmpl_lib_has(f->lib, "absent"));
}

static void t_localizes_and_escapes(void **state)
{
    struct fix *f = *state;

    tmpl_set(&f->d, "name", "<Ann & Co>");
    assert_int_equal(render(f, "{{t \"signin.welcome\" name}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "Welcome, &lt;Ann &amp; Co&gt;");
    f->d.locale = "fr";
    assert_int_equal(render(f, "{{t \"signin.welcome\" name}}|{{t \"signin.forgot\"}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "Bienvenue, &lt;Ann &amp; Co&gt;|Forgot your password?");
    f->d.locale = "fr-CA";
    assert_int_equal(render(f, "{{t \"kmsi.title\"}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "Rester connecté ?");
    f->d.locale = NULL;
    assert_int_equal(render(f, "{{t \"no.such.key\"}}|{{t \"signin.welcome\"}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "no.such.key|Welcome, ");
    f->d.strict = true;
    assert_int_equal(render(f, "{{t \"no.such.key\"}}"), PORCH_E_INVALID);
    assert_int_equal(render(f, "{{t \"signin.welcome\"}}"), PORCH_E_INVALID);
    assert_int_equal(render(f, "{{t \"signin.welcome\" nobody}}"), PORCH_E_INVALID);
}

static void unknown_names_are_empty_or_fail_strict(void **state)
{
    struct fix *f = *state;

    assert_int_equal(render(f, "a{{x}}b{{{y}}}c{{#each z}}{{/each}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "abc");
    f->d.strict = true;
    assert_int_equal(render(f, "{{x}}"), PORCH_E_INVALID);
    assert_int_equal(render(f, "{{#if x}}{{/if}}"), PORCH_E_INVALID);
    assert_int_equal(render(f, "{{#each x}}{{/each}}"), PORCH_E_INVALID);
    json_object_set_new(f->d.vars, "obj", json_object());
    assert_int_equal(render(f, "{{obj}}"), PORCH_E_INVALID);
    tmpl_set(&f->d, "x", "1");
    assert_int_equal(render(f, "{{! a comment }}{{x}}{{#if x}}{{/if}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "1");
}

static void rejects_bad_syntax(void **state)
{
    static const char *const bad[] = {
        "{{",
        "x {{ y",
        "{{}}",
        "{{ }}",
        "{{#if a}}",
        "{{/if}}",
        "{{else}}",
        "{{#each a}}{{/if}}",
        "{{a b}}",
        "{{#if}}{{/if}}",
        "{{t key}}",
        "{{t \"\"}}",
        "{{#unless a}}",
        "{{a<}}",
        "{{{a}}",
        "{{raw}}",
        "{{> }}",
        "{{t}}",
        "{{#if a}}{{else}}{{else}}{{/if}}",
        "{{#each a}}{{else}}{{/each}}",
        "{{t \"k\" a b c d e}}",
        "{{/each}}",
        "{{t \"k x\"}}",
    };
    struct fix *f = *state;
    struct porch_error e = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum porch_err err = render(f, bad[i]);
        if (err != PORCH_E_INVALID && err != PORCH_E_TOO_BIG)
            fail_msg("'%s' parsed", bad[i]);
    }
    assert_int_equal(tmpl_lib_add(f->lib, "e", "a\nb\n{{#if x}}", 13, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "block not closed"));
    assert_int_equal(tmpl_lib_add(f->lib, "e", "a\nb\n{{?}}", 9, &e), PORCH_E_INVALID);
    assert_non_null(strstr(e.msg, "line 3"));
    assert_false(tmpl_lib_has(f->lib, "e"));
    assert_int_equal(render(f, "a }} b {x} {"), PORCH_OK);
    assert_string_equal(f->out.buf, "a }} b {x} {");
}

static void enforces_caps(void **state)
{
    struct fix *f = *state;
    struct sbuf small, src;

    sbuf_init(&small, 8);
    tmpl_set(&f->d, "v", "<<<");
    assert_int_equal(add(f, "cap", "{{v}}"), PORCH_OK);
    assert_int_equal(tmpl_render(f->lib, "cap", &f->d, &small), PORCH_E_TOO_BIG);
    sbuf_release(&small);

    sbuf_init(&src, 1024 * 1024);
    for (int i = 0; i <= TMPL_MAX_NEST; i++)
        assert_int_equal(sbuf_adds(&src, "{{#if a}}"), PORCH_OK);
    assert_int_equal(render(f, src.buf), PORCH_E_TOO_BIG);
    sbuf_reset(&src);
    for (int i = 0; i <= TMPL_MAX_OPS; i++)
        assert_int_equal(sbuf_adds(&src, "{{a}}"), PORCH_OK);
    assert_int_equal(render(f, src.buf), PORCH_E_TOO_BIG);
    sbuf_reset(&src);
    while (src.len <= TMPL_MAX_SOURCE)
        assert_int_equal(sbuf_adds(&src, "xxxxxxxx"), PORCH_OK);
    assert_int_equal(render(f, src.buf), PORCH_E_TOO_BIG);
    sbuf_release(&src);
}

static void escape_api_and_integers(void **state)
{
    struct fix *f = *state;

    sbuf_reset(&f->out);
    assert_int_equal(tmpl_escape(&f->out, "a=b\0c", 5), PORCH_OK);
    assert_int_equal(f->out.len, 9);
    assert_memory_equal(f->out.buf, "a&#61;b\0c", 9);
    json_object_set_new(f->d.vars, "n", json_integer(-42));
    assert_int_equal(render(f, "{{n}}"), PORCH_OK);
    assert_string_equal(f->out.buf, "-42");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(escapes_every_special_char, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_only_through_raw_api, setup, teardown),
        cmocka_unit_test_setup_teardown(if_else_truthiness, setup, teardown),
        cmocka_unit_test_setup_teardown(each_reads_items, setup, teardown),
        cmocka_unit_test_setup_teardown(partials_include_and_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(t_localizes_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_names_are_empty_or_fail_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(rejects_bad_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(enforces_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(escape_api_and_integers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
