/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redirect URI registration rules per platform: what Entra registers is accepted exactly as
 * given, and hostile mutations (wildcards, fragments, user info, plain http to a non-loopback
 * host, look-alike loopback names, bad ports, control characters, dangerous schemes, length)
 * are refused with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../../src/directory/redirect_uri.c"

static void ok(const char *uri, enum redirect_uri_platform p)
{
    const char *why = "unset";

    if (redirect_uri_check(uri, p, &why) != PORCH_OK)
        fail_msg("'%s' refused: %s", uri, why);
    assert_null(why);
}

static void bad(const char *uri, enum redirect_uri_platform p)
{
    const char *why = NULL;

    if (redirect_uri_check(uri, p, &why) != PORCH_E_INVALID)
        fail_msg("'%s' accepted", uri);
    assert_non_null(why);
}

static void accepts_registrable_uris(void **state)
{
    static const char *const web[] = {
        "https://app.example.com/cb",
        "https://app.example.com/cb/",
        "https://APP.example.com/CB",
        "https://app.example.com:8443/auth/callback?x=1&y=2",
        "http://localhost",
        "http://localhost:3000/cb",
        "http://LOCALHOST:3000/",
        "http://127.0.0.1:65535/cb",
        "http://[::1]:8080/cb",
        "https://[2001:db8::1]/cb",
        "https://xn--bcher-kva.example/cb",
        "https://a.example.com/%20path",
        NULL,
    };

    (void)state;
    for (size_t i = 0; web[i]; i++) {
        ok(web[i], REDIRECT_URI_WEB);
        ok(web[i], REDIRECT_URI_SPA);
        ok(web[i], REDIRECT_URI_PUBLIC);
    }
    ok("msal6731de76-14a6-49ae-97bc-6eba6914391e://auth", REDIRECT_URI_PUBLIC);
    ok("com.example.app://callback", REDIRECT_URI_PUBLIC);
    ok("myapp:///callback", REDIRECT_URI_PUBLIC);
    ok("urn:ietf:wg:oauth:2.0:oob", REDIRECT_URI_PUBLIC);
}

static void refuses_hostile_mutations(void **state)
{
    static const char *const all[] = {
        "",
        "/relative/cb",
        "app.example.com/cb",
        "//app.example.com/cb",
        "https://app.example.com/cb#frag",
        "https://app.example.com/cb#",
        "https://*.example.com/cb",
        "https://app.example.com/*",
        "https://user@app.example.com/cb",
        "https://user:pw@app.example.com/cb",
        "https://localhost@evil.com/cb",
        "https:///cb",
        "https://",
        "https://app.example.com:0/cb",
        "https://app.example.com:65536/cb",
        "https://app.example.com:/cb",
        "https://app.example.com:80a/cb",
        "https://app..example.com/cb",
        "https://.example.com/cb",
        "https://app.example.com./cb",
        "https://ex ample.com/cb",
        "https://app.example.com/c b",
        "https://app.example.com/cb\n",
        "https://app.example.com/cb\r\nX: y",
        "https://app.example.com/\tcb",
        "https://app.example.com/<script>",
        "https://app.example.com/\"",
        "https://app.example.com/a\\b",
        "https://app.example.com/%zz",
        "https://app.example.com/%4",
        "https://[::1/cb",
        "https://[zz::1]/cb",
        "https://ex\xc3\xa4mple.com/cb",
        "http://evil.com/cb",
        "http://localhost.evil.com/cb",
        "http://127.0.0.1.nip.io/cb",
        "http://127.0.0.2/cb",
        "http://[::2]/cb",
        "http://0x7f000001/cb",
        "http://localhost:99999/",
        "javascript:alert(1)",
        "javascript://localhost/%0aalert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "vbscript:msgbox",
        NULL,
    };
    char longer[REDIRECT_URI_MAX_LEN + 32];

    (void)state;
    for (size_t i = 0; all[i]; i++) {
        bad(all[i], REDIRECT_URI_WEB);
        bad(all[i], REDIRECT_URI_SPA);
        bad(all[i], REDIRECT_URI_PUBLIC);
    }
    memset(longer, 'a', sizeof(longer));
    memcpy(longer, "https://x.example.com/", 22);
    longer[REDIRECT_URI_MAX_LEN + 1] = '\0';
    bad(longer, REDIRECT_URI_WEB);
    longer[REDIRECT_URI_MAX_LEN] = '\0';
    ok(longer, REDIRECT_URI_WEB);
    assert_int_equal(redirect_uri_check(NULL, REDIRECT_URI_WEB, NULL), PORCH_E_INVALID);
}

static void custom_schemes_only_for_public_clients(void **state)
{
    (void)state;
    bad("com.example.app://callback", REDIRECT_URI_WEB);
    bad("com.example.app://callback", REDIRECT_URI_SPA);
    bad("urn:ietf:wg:oauth:2.0:oob", REDIRECT_URI_WEB);
    bad("ftp://files.example.com/", REDIRECT_URI_PUBLIC);
    bad("myapp:callback", REDIRECT_URI_PUBLIC);
    bad("1app://cb", REDIRECT_URI_PUBLIC);
    bad("com.example.app://user@host/cb", REDIRECT_URI_PUBLIC);
}

static void loopback_detection(void **state)
{
    (void)state;
    assert_true(redirect_uri_is_loopback("http://localhost:3000/cb"));
    assert_true(redirect_uri_is_loopback("http://127.0.0.1/"));
    assert_true(redirect_uri_is_loopback("http://[::1]:1/"));
    assert_false(redirect_uri_is_loopback("http://localhost.evil.com/"));
    assert_false(redirect_uri_is_loopback("https://example.com/"));
    assert_false(redirect_uri_is_loopback("nonsense"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_registrable_uris),
        cmocka_unit_test(refuses_hostile_mutations),
        cmocka_unit_test(custom_schemes_only_for_public_clients),
        cmocka_unit_test(loopback_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
