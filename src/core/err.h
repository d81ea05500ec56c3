/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Status codes shared by every layer, and an optional detail record that callers may pass down
 * to learn where and why something failed. A status never travels inside a json_t.
 */
#ifndef PORCH_ERR_H
#define PORCH_ERR_H

#include <stddef.h>

enum porch_err {
    PORCH_OK = 0,
    PORCH_E_INVALID,     /* bad input from a caller or a client */
    PORCH_E_NOT_FOUND,   /* the object does not exist (in this tenant) */
    PORCH_E_DENIED,      /* authenticated but not allowed, or bad credentials */
    PORCH_E_TOO_BIG,     /* a size limit was reached */
    PORCH_E_STORE,       /* the store failed (SQL error, connection lost) */
    PORCH_E_CRYPTO,      /* a cryptographic operation failed */
    PORCH_E_CONFLICT,    /* a uniqueness rule was violated */
    PORCH_E_UNAVAILABLE, /* a dependency is down; try again later */
    PORCH_E_BUSY,        /* transient contention (SQLITE_BUSY, serialization failure) */
    PORCH_E_IO,          /* file or socket I/O failed */
    PORCH_E_UNSUPPORTED, /* valid but not implemented or not allowed here */
    PORCH_E_METHOD,      /* the path exists but not for this method */
    PORCH_E_INTERNAL,    /* anything else; details are logged, never shown */
    PORCH_E__COUNT
};

/* Detail about a failure. Filled by PORCH_ERROR_SET; every field is optional to read. */
struct porch_error {
    enum porch_err code;
    const char *file;
    int line;
    const char *func;
    char msg[256];
};

/** Returns a short lower-case name for err ("invalid", "not found", …). Static storage. */
const char *porch_err_str(enum porch_err err);

/**
 * Records code and a printf-style message in e (which may be NULL) with the call site.
 * Returns code, so it can be used as `return PORCH_ERROR_SET(e, PORCH_E_INVALID, "…")`.
 */
#define PORCH_ERROR_SET(e, code, ...)                                                              \
    porch_error_set((e), (code), __FILE__, __LINE__, __func__, __VA_ARGS__)

enum porch_err porch_error_set(struct porch_error *e, enum porch_err code, const char *file,
                               int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/** Programmer error: logs the call site and aborts. Never returns. */
#define PORCH_BUG(...) porch_bug(__FILE__, __LINE__, __func__, __VA_ARGS__)
_Noreturn void porch_bug(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
