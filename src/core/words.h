/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Space-separated word lists, the shape of OAuth scope and prompt parameters (RFC 6749 §3.3).
 */
#ifndef PORCH_WORDS_H
#define PORCH_WORDS_H

#include <stdbool.h>

/** True when the space-separated list (NULL is empty) holds word exactly. Thread-safe. */
bool words_has(const char *list, const char *word);

#endif
