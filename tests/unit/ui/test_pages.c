/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded templates: every one parses, renders in strict mode (no unknown name or key)
 * in every locale with hostile sample values that come out escaped, and every {{t}} key it
 * uses exists in en.json.
 */
#include "unit.h"

#include <string.h>

#include "../../../src/ui/pages.c"

/* Mirrors the op layout of tmpl.c closely enough to walk the {{t}} keys. */
#include "../../../src/ui/tmpl.c"

#define HOSTILE "\"><script>alert('x')</script>"

/* The token viewer's values (ui/tokenviewer.c): lists of decoded tokens and claims. */
static void fill_tokenviewer(struct tmpl_data *d)
{
    json_t *token = tmpl_list_add(d, "tokens"), *row = tmpl_list_add(d, "response");

    tmpl_set(d, "tenant", HOSTILE);
    tmpl_set(d, "signin_url", HOSTILE);
    tmpl_set(d, "signout_url", HOSTILE);
    json_object_set_new(row, "name", json_string(HOSTILE));
    json_object_set_new(row, "value", json_string(HOSTILE));
    json_object_set_new(token, "claims", json_pack("[{s:s, s:s, s:s}]", "name", HOSTILE, "value",
                                                   HOSTILE, "meaning", HOSTILE));
    json_object_set_new(token, "title", json_string(HOSTILE));
    json_object_set_new(token, "expires", json_string(HOSTILE));
    json_object_set_new(token, "header", json_string(HOSTILE));
    json_object_set_new(token, "payload", json_string(HOSTILE));
}

static void fill(struct tmpl_data *d)
{
    static const char *const names[] = {"action",  "csrf",       "email",    "error",
                                        "message", "request_id", "back_url", "forgot_url"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        tmpl_set(d, names[i], HOSTILE);
    tmpl_set_bool(d, "can_go_back", true);
    fill_tokenviewer(d);
    d->strict = true;
}

static void every_template_parses(void **state)
{
    struct tmpl_lib *lib = pages_load();

    (void)state;
    assert_int_equal(lib->n, ui_templates_count);
    for (size_t i = 0; i < ui_templates_count; i++)
        assert_true(tmpl_lib_has(lib, ui_templates[i].name));
    tmpl_lib_free(lib);
}

static void every_t_key_is_in_english(void **state)
{
    struct tmpl_lib *lib = pages_load();

    (void)state;
    for (size_t i = 0; i < lib->n; i++) {
        for (size_t k = 0; k < lib->items[i].nops; k++) {
            const struct op *op = &lib->items[i].ops[k];
            if (op->kind == OP_T && !i18n_text("en", op->name))
                fail_msg("template '%s': key '%s' is not in en.json", lib->items[i].name, op->name);
        }
    }
    tmpl_lib_free(lib);
}

static void every_page_renders_escaped(void **state)
{
    struct tmpl_lib *lib = pages_load();
    struct sbuf out;

    (void)state;
    sbuf_init(&out, 256 * 1024);
    for (size_t l = 0; l < i18n_count(); l++) {
        for (size_t i = 0; i < ui_templates_count; i++) {
            struct tmpl_data d;
            if (strcmp(ui_templates[i].name, "layout") == 0)
                continue;
            tmpl_data_init(&d);
            fill(&d);
            d.locale = i18n_tag(l);
            sbuf_reset(&out);
            if (pages_render(lib, ui_templates[i].name, &d, &out) != PORCH_OK)
                fail_msg("page '%s' in '%s' does not render", ui_templates[i].name, d.locale);
            assert_non_null(strstr(out.buf, "<!DOCTYPE html>"));
            assert_non_null(strstr(out.buf, "</html>"));
            assert_null(strstr(out.buf, "<script"));
            assert_null(strstr(out.buf, "{{"));
            /* every form carries the (escaped) CSRF token */
            if (strstr(ui_templates[i].text, "<form"))
                assert_non_null(strstr(out.buf, "name=\"csrf\" value=\"&quot;&gt;&lt;script"));
            tmpl_data_release(&d);
        }
    }
    sbuf_release(&out);
    tmpl_lib_free(lib);
}

static void pages_take_title_and_lang_from_locale(void **state)
{
    struct tmpl_lib *lib = pages_load();
    struct tmpl_data d;
    struct sbuf out;

    (void)state;
    sbuf_init(&out, 256 * 1024);
    tmpl_data_init(&d);
    fill(&d);
    d.locale = "fr";
    assert_int_equal(pages_render(lib, "signin_email", &d, &out), PORCH_OK);
    assert_non_null(strstr(out.buf, "<html lang=\"fr\">"));
    assert_non_null(strstr(out.buf, "<title>Se connecter</title>"));
    assert_non_null(strstr(out.buf, "Adresse e-mail"));
    tmpl_data_release(&d);

    tmpl_data_init(&d);
    tmpl_set(&d, "title", "Custom");
    sbuf_reset(&out);
    assert_int_equal(pages_render(lib, "kmsi", &d, &out), PORCH_OK);
    assert_non_null(strstr(out.buf, "<title>Custom</title>"));
    assert_non_null(strstr(out.buf, "Stay signed in?"));
    assert_non_null(strstr(out.buf, "<html lang=\"en\">"));
    tmpl_set(&d, "title", NULL);
    sbuf_reset(&out);
    assert_int_equal(pages_render(lib, "error", &d, &out), PORCH_OK);
    assert_non_null(strstr(out.buf, "<title>Something went wrong</title>"));
    assert_int_equal(pages_render(lib, "nope", &d, &out), PORCH_E_NOT_FOUND);
    tmpl_data_release(&d);
    sbuf_release(&out);
    tmpl_lib_free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_template_parses),
        cmocka_unit_test(every_t_key_is_in_english),
        cmocka_unit_test(every_page_renders_escaped),
        cmocka_unit_test(pages_take_title_and_lang_from_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
