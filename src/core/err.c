/* SPDX-License-Identifier: Apache-2.0 */
/* Status names, the detail recorder and the programmer-error abort. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/banned.h"

static const char *const names[PORCH_E__COUNT] = {
    [PORCH_OK] = "ok",
    [PORCH_E_INVALID] = "invalid",
    [PORCH_E_NOT_FOUND] = "not found",
    [PORCH_E_DENIED] = "denied",
    [PORCH_E_TOO_BIG] = "too big",
    [PORCH_E_STORE] = "store failure",
    [PORCH_E_CRYPTO] = "crypto failure",
    [PORCH_E_CONFLICT] = "conflict",
    [PORCH_E_UNAVAILABLE] = "unavailable",
    [PORCH_E_BUSY] = "busy",
    [PORCH_E_IO] = "i/o failure",
    [PORCH_E_UNSUPPORTED] = "unsupported",
    [PORCH_E_METHOD] = "method not allowed",
    [PORCH_E_INTERNAL] = "internal error",
};

const char *porch_err_str(enum porch_err err)
{
    if ((unsigned)err >= PORCH_E__COUNT)
        return "unknown";
    return names[err];
}

enum porch_err porch_error_set(struct porch_error *e, enum porch_err code, const char *file,
                               int line, const char *func, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return code;
    e->code = code;
    e->file = file;
    e->line = line;
    e->func = func;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return code;
}

void porch_bug(const char *file, int line, const char *func, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "BUG: %s:%d %s: ", file, line, func);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
