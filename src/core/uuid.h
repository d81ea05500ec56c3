/* SPDX-License-Identifier: Apache-2.0 */
/* Random (version 4) GUIDs in the lower-case 8-4-4-4-12 form Graph uses. */
#ifndef PORCH_UUID_H
#define PORCH_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 37 /* 36 characters and the NUL */

/** Writes a new random GUID into out. Thread-safe. */
void uuid_v4(char out[UUID_STR_LEN]);
/** True when s is a GUID in 8-4-4-4-12 hex form (either case). */
bool uuid_valid(const char *s);

#endif
