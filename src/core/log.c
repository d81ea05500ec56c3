/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Log lines are JSON objects so diagnostic and access lines can be read by the same tools:
 * {"time":"…","level":"error","func":"…","msg":"…"}.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sbuf.h"
#include "core/clock.h"
#include "core/banned.h"

enum log_level log_threshold = LOG_LEVEL_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
    log_threshold = level;
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_raw_line(const char *line, unsigned long len)
{
    ssize_t n;
    while (len > 0) {
        n = write(STDERR_FILENO, line, len);
        if (n <= 0)
            return;
        line += n;
        len -= (unsigned long)n;
    }
}

void log_write(enum log_level level, const char *func, const char *fmt, ...)
{
    char msg[1024];
    char ts[32];
    struct sbuf sb;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    clock_format_iso(clock_now(), ts, sizeof(ts));
    sbuf_init(&sb, 4096);
    (void)sbuf_addf(&sb, "{\"time\":\"%s\",\"level\":\"%s\",\"func\":\"", ts, level_names[level]);
    (void)sbuf_add_json_str(&sb, func);
    (void)sbuf_adds(&sb, "\",\"msg\":\"");
    (void)sbuf_add_json_str(&sb, msg);
    (void)sbuf_adds(&sb, "\"}\n");
    log_raw_line(sb.buf, sb.len);
    sbuf_release(&sb);
}
