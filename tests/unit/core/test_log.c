/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../../src/core/log.c"

/* Runs fn with stderr redirected to a buffer. */
static void capture(void (*fn)(void), char *buf, size_t n)
{
    char path[] = "/tmp/porch-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    ssize_t got;

    dup2(fd, STDERR_FILENO);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    got = read(fd, buf, n - 1);
    buf[got > 0 ? got : 0] = '\0';
    close(fd);
    unlink(path);
}

static void emit(void)
{
    log_set_level(LOG_LEVEL_WARN);
    log_info("hidden");
    log_warn("cannot open '%s'", "a\"b\n");
    log_set_level(LOG_LEVEL_INFO);
}

static void log_writes_json_lines_above_threshold(void **state)
{
    char buf[2048];
    (void)state;
    capture(emit, buf, sizeof(buf));
    assert_null(strstr(buf, "hidden"));
    assert_int_equal(strchr(buf, '\n') - buf + 1, (long)strlen(buf)); /* exactly one line */
    assert_true(strncmp(buf, "{\"time\":\"", 9) == 0);
    assert_non_null(strstr(buf, ",\"level\":\"warn\",\"func\":\"emit\","));
    /* the quote and newline from the subject are escaped, so the line stays one JSON object */
    assert_non_null(strstr(buf, "\"msg\":\"cannot open 'a\\\"b\\n'\"}\n"));
}

static void log_parses_levels(void **state)
{
    enum log_level l;
    (void)state;
    assert_int_equal(log_level_parse("debug", &l), 0);
    assert_int_equal(l, LOG_LEVEL_DEBUG);
    assert_int_equal(log_level_parse("error", &l), 0);
    assert_int_equal(l, LOG_LEVEL_ERROR);
    assert_int_equal(log_level_parse("verbose", &l), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_writes_json_lines_above_threshold),
        cmocka_unit_test(log_parses_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
