/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../src/core/config.c"

static int load(struct config *cfg, struct porch_error *e, int n, const char **args)
{
    static char *argv[32];
    int argc = n + 1;
    argv[0] = (char *)(uintptr_t) "serve";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)(uintptr_t)args[i];
    argv[argc] = NULL;
    return config_load(cfg, &argc, argv, e) == PORCH_OK ? argc : -1;
}

static int setup(void **state)
{
    (void)state;
    unsetenv("PORCH_LISTEN");
    unsetenv("PORCH_THREADS");
    unsetenv("PORCH_CONFIG");
    unsetenv("PORCH_TRUST_PROXY");
    return 0;
}

static void config_defaults_are_derived(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    (void)state;
    assert_int_equal(load(&cfg, &e, 0, NULL), 1);
    assert_string_equal(cfg.listen_host, "127.0.0.1");
    assert_int_equal(cfg.listen_port, 8080);
    assert_string_equal(cfg.public_url, "http://127.0.0.1:8080");
    assert_string_equal(cfg.db, "sqlite:./porch-data/porch.db");
    assert_string_equal(cfg.master_key_file, "./porch-data/master.key");
    assert_true(cfg.threads >= 2);
    assert_int_equal(cfg.db_pool, cfg.threads + 2);
    config_release(&cfg);
}

static void config_flags_beat_env_beat_file(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    char path[] = "/tmp/porch-config-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    (void)state;
    fprintf(f, "# comment\nlisten 127.0.0.1:7000\nthreads 3\nlog-level = debug\n");
    fclose(f);
    setenv("PORCH_THREADS", "5", 1);
    const char *args[] = {"--config", path, "--listen=127.0.0.1:9000", "--tenant-name", "x"};
    assert_int_equal(load(&cfg, &e, 5, args), 3);
    assert_int_equal(cfg.listen_port, 9000);
    assert_int_equal(cfg.threads, 5);
    assert_string_equal(cfg.log_level, "debug");
    config_release(&cfg);
    unlink(path);
}

static void config_leaves_unknown_flags_in_order(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    char a0[] = "init", a1[] = "--tenant-name", a2[] = "A b", a3[] = "--threads", a4[] = "4",
         a5[] = "--json";
    char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
    int argc = 6;
    (void)state;
    assert_int_equal(config_load(&cfg, &argc, argv, &e), PORCH_OK);
    assert_int_equal(argc, 4);
    assert_string_equal(argv[1], "--tenant-name");
    assert_string_equal(argv[2], "A b");
    assert_string_equal(argv[3], "--json");
    config_release(&cfg);
}

static void config_errors_name_the_option(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    (void)state;
    const char *a1[] = {"--threads", "1000"};
    assert_int_equal(load(&cfg, &e, 2, a1), -1);
    assert_non_null(strstr(e.msg, "--threads"));
    const char *a2[] = {"--listen", "nowhere"};
    assert_int_equal(load(&cfg, &e, 2, a2), -1);
    assert_non_null(strstr(e.msg, "--listen"));
    const char *a3[] = {"--db", "mysql://x"};
    assert_int_equal(load(&cfg, &e, 2, a3), -1);
    assert_non_null(strstr(e.msg, "--db"));
    const char *a4[] = {"--tls-cert", "/x.pem"};
    assert_int_equal(load(&cfg, &e, 2, a4), -1);
    assert_non_null(strstr(e.msg, "--tls-key"));
    const char *a5[] = {"--public-url", "ftp://x"};
    assert_int_equal(load(&cfg, &e, 2, a5), -1);
    assert_non_null(strstr(e.msg, "--public-url"));
    const char *a6[] = {"--log-level", "loud"};
    assert_int_equal(load(&cfg, &e, 2, a6), -1);
    assert_non_null(strstr(e.msg, "--log-level"));
    const char *a7[] = {"--threads"};
    assert_int_equal(load(&cfg, &e, 1, a7), -1);
    assert_non_null(strstr(e.msg, "missing value"));
    setenv("PORCH_THREADS", "many", 1);
    assert_int_equal(load(&cfg, &e, 0, NULL), -1);
    assert_non_null(strstr(e.msg, "--threads"));
    unsetenv("PORCH_THREADS");
}

static void config_public_url_loses_trailing_slash(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    (void)state;
    const char *a[] = {"--public-url", "https://id.example.com/", "--listen", "[::1]:8443"};
    assert_int_equal(load(&cfg, &e, 4, a), 1);
    assert_string_equal(cfg.public_url, "https://id.example.com");
    assert_string_equal(cfg.listen_host, "::1");
    assert_int_equal(cfg.listen_port, 8443);
    config_release(&cfg);
}

static void config_trust_proxy_matches_cidrs(void **state)
{
    struct config cfg;
    struct porch_error e = {0};
    (void)state;
    const char *a[] = {"--trust-proxy", "10.0.0.0/8", "--trust-proxy", "::1", "--trust-proxy",
                       "192.168.1.0/25"};
    assert_int_equal(load(&cfg, &e, 6, a), 1);
    assert_int_equal(cfg.trust_proxy_n, 3);
    assert_true(config_ip_trusted(&cfg, "10.1.2.3"));
    assert_true(config_ip_trusted(&cfg, "::1"));
    assert_true(config_ip_trusted(&cfg, "192.168.1.127"));
    assert_false(config_ip_trusted(&cfg, "192.168.1.128"));
    assert_false(config_ip_trusted(&cfg, "11.0.0.1"));
    assert_false(config_ip_trusted(&cfg, "not an ip"));
    config_release(&cfg);
    const char *bad[] = {"--trust-proxy", "10.0.0.0/33"};
    assert_int_equal(load(&cfg, &e, 2, bad), -1);
    assert_non_null(strstr(e.msg, "--trust-proxy"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(config_defaults_are_derived, setup),
        cmocka_unit_test_setup(config_flags_beat_env_beat_file, setup),
        cmocka_unit_test_setup(config_leaves_unknown_flags_in_order, setup),
        cmocka_unit_test_setup(config_errors_name_the_option, setup),
        cmocka_unit_test_setup(config_public_url_loses_trailing_slash, setup),
        cmocka_unit_test_setup(config_trust_proxy_matches_cidrs, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
