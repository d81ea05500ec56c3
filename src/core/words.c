/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/words.h"
#include "core/banned.h"

bool words_has(const char *list, const char *word)
{
    size_t n = strlen(word);

    while (list && *list) {
        size_t k = strcspn(list, " ");
        if (k == n && strncmp(list, word, n) == 0)
            return true;
        list += k + strspn(list + k, " ");
    }
    return false;
}
