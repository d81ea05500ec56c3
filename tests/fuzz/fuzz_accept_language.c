/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for language negotiation. The input is split at its first NUL (or
 * newline) into ui_locales and Accept-Language. Whatever they hold, i18n_pick must return a
 * supported locale that has the English texts through fallback.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/i18n.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *ui, const char *al)
{
    const char *tag = i18n_pick(ui, al);
    size_t i;

    for (i = 0; i < i18n_count(); i++) {
        if (strcmp(i18n_tag(i), tag) == 0)
            break;
    }
    if (i == i18n_count() || !i18n_text(tag, "signin.title"))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    size_t split;

    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    buf[size + 1] = '\0';
    split = strcspn(buf, "\n");
    buf[split] = '\0';
    check(buf, split < size ? buf + split + 1 : NULL);
    check(NULL, buf);
    check(buf, NULL);
    i18n_text(buf, "kmsi.title");
    free(buf);
    return 0;
}
