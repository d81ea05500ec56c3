/* SPDX-License-Identifier: Apache-2.0 */
/* Locale tables and negotiation: ui_locales, Accept-Language q-values, garbage, fallback. */
#include "unit.h"

#include <string.h>

#include "core/sbuf.h"
#include "../../../src/ui/i18n.c"

static void pick_defaults_to_english(void **state)
{
    (void)state;
    assert_string_equal(i18n_pick(NULL, NULL), "en");
    assert_string_equal(i18n_pick("", ""), "en");
    assert_string_equal(i18n_pick("de ja", "de-DE, ja;q=0.5"), "en");
}

static void pick_ui_locales_first_supported(void **state)
{
    (void)state;
    assert_string_equal(i18n_pick("fr", NULL), "fr");
    assert_string_equal(i18n_pick("de fr-CA en", NULL), "fr");
    assert_string_equal(i18n_pick("FR-ca", NULL), "fr");
    assert_string_equal(i18n_pick("  de   en-GB  fr ", NULL), "en");
    assert_string_equal(i18n_pick("@@ fr", NULL), "fr");
    /* ui_locales wins over the header; an unusable one falls through to it */
    assert_string_equal(i18n_pick("en", "fr"), "en");
    assert_string_equal(i18n_pick("de", "fr"), "fr");
}

static void pick_sorts_accept_language_by_q(void **state)
{
    (void)state;
    assert_string_equal(i18n_pick(NULL, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), "fr");
    assert_string_equal(i18n_pick(NULL, "de, en;q=0.5, fr;q=0.9"), "fr");
    assert_string_equal(i18n_pick(NULL, "en;q=0.1, fr;q=0.2"), "fr");
    assert_string_equal(i18n_pick(NULL, "fr;q=0.5,en;q=0.5"), "fr");
    assert_string_equal(i18n_pick(NULL, "en;q=0.5,fr;q=0.5"), "en");
    assert_string_equal(i18n_pick(NULL, "fr;q=0, en"), "en");
    assert_string_equal(i18n_pick(NULL, "fr;q=0.000"), "en");
    assert_string_equal(i18n_pick(NULL, "  fr  ;  q=0.5  "), "fr");
    assert_string_equal(i18n_pick(NULL, "fr;Q=1.000"), "fr");
    assert_string_equal(i18n_pick(NULL, "fr;level=1;q=0.3"), "fr");
    assert_string_equal(i18n_pick(NULL, "*"), "en");
    assert_string_equal(i18n_pick(NULL, "en-US,en;q=0.9"), "en");
}

static void pick_skips_garbage(void **state)
{
    static const char *const junk[] = {
        ";;;,,,",  "fr;q=2",    "fr;q=1.001",       "fr;q=0.5555", "fr;q=",   "fr;q=.5",
        "fr;q=0.", "fr\x01",    "\xc3\xa9\xc3\xa9", "fr--CA",      "-fr",     "fr-",
        "1fr",     "frxxxxxxx", "fr-CA-xxxxxxxxx",  "fr;q=abc",    "fr;q=-1", "\t,\t",
    };
    struct sbuf big;

    (void)state;
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        assert_string_equal(i18n_pick(NULL, junk[i]), "en");
        assert_string_equal(i18n_pick(junk[i], NULL), "en");
    }
    assert_string_equal(i18n_pick(NULL, "garbage;;q=, fr;q=0.4"), "fr");
    /* only the first I18N_MAX_RANGES ranges and I18N_MAX_INPUT bytes count */
    sbuf_init(&big, 64 * 1024);
    for (int i = 0; i < I18N_MAX_RANGES; i++)
        assert_int_equal(sbuf_adds(&big, "de,"), PORCH_OK);
    assert_int_equal(sbuf_adds(&big, "fr"), PORCH_OK);
    assert_string_equal(i18n_pick(NULL, big.buf), "en");
    assert_string_equal(i18n_pick(big.buf, NULL), "en");
    sbuf_reset(&big);
    while (big.len < I18N_MAX_INPUT)
        assert_int_equal(sbuf_addch(&big, ' '), PORCH_OK);
    assert_int_equal(sbuf_adds(&big, "fr"), PORCH_OK);
    assert_string_equal(i18n_pick(big.buf, big.buf), "en");
    sbuf_release(&big);
}

static void parses_q_values(void **state)
{
    unsigned q = 7;

    (void)state;
    assert_true(parse_q("1", 1, &q));
    assert_int_equal(q, 1000);
    assert_true(parse_q("0.5", 3, &q));
    assert_int_equal(q, 500);
    assert_true(parse_q("0.123", 5, &q));
    assert_int_equal(q, 123);
    assert_true(parse_q("0", 1, &q));
    assert_int_equal(q, 0);
    assert_false(parse_q("0.1234", 6, &q));
    assert_false(parse_q("1.5", 3, &q));
    assert_false(parse_q("2", 1, &q));
    assert_false(parse_q("", 0, &q));
}

static void text_falls_back(void **state)
{
    (void)state;
    assert_string_equal(i18n_text("fr", "signin.title"), "Se connecter");
    assert_string_equal(i18n_text("fr-CA", "signin.title"), "Se connecter");
    assert_string_equal(i18n_text("FR", "signin.title"), "Se connecter");
    assert_string_equal(i18n_text("fr", "signin.forgot"), "Forgot your password?");
    assert_string_equal(i18n_text("de", "kmsi.yes"), "Yes");
    assert_string_equal(i18n_text(NULL, "kmsi.yes"), "Yes");
    assert_string_equal(i18n_text("x-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "kmsi.no"),
                        "No");
    assert_null(i18n_text("en", "no.such.key"));
    assert_null(i18n_text("fr", NULL));
}

static void every_locale_key_exists_in_english(void **state)
{
    (void)state;
    ensure_loaded();
    assert_true(i18n_count() >= 2);
    assert_string_equal(i18n_tag(0), "en");
    assert_null(i18n_tag(i18n_count()));
    for (size_t i = 0; i < i18n_count(); i++) {
        const char *key;
        json_t *v;
        json_object_foreach(tables[i], key, v)
        {
            if (!i18n_text("en", key))
                fail_msg("locale '%s': key '%s' is not in en.json", i18n_tag(i), key);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pick_defaults_to_english),
        cmocka_unit_test(pick_ui_locales_first_supported),
        cmocka_unit_test(pick_sorts_accept_language_by_q),
        cmocka_unit_test(pick_skips_garbage),
        cmocka_unit_test(parses_q_values),
        cmocka_unit_test(text_falls_back),
        cmocka_unit_test(every_locale_key_exists_in_english),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
