/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostic logging to stderr. The macros check the level before formatting and add the
 * function name. Messages are lower-case, say what failed first, quote subjects, and never
 * contain tokens, codes, passwords or cookies. Thread-safe (one write(2) per line).
 */
#ifndef PORCH_LOG_H
#define PORCH_LOG_H

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

extern enum log_level log_threshold;

/** Sets the threshold; messages above it are dropped. Call before starting threads. */
void log_set_level(enum log_level level);
/** Parses "error", "warn", "info" or "debug". Returns 0 on success, -1 otherwise. */
int log_level_parse(const char *s, enum log_level *out);

void log_write(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Writes one already-formatted line (a JSON access-log record) to stderr atomically. */
void log_raw_line(const char *line, unsigned long len);

#define LOG_AT(lvl, ...)                                                                           \
    do {                                                                                           \
        if ((lvl) <= log_threshold)                                                                \
            log_write((lvl), __func__, __VA_ARGS__);                                               \
    } while (0)
#define log_error(...) LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
