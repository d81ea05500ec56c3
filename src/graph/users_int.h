/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What users.c (reads) and users_write.c (writes) share inside the users resource: loading a
 * user by object id or userPrincipalName, and recognizing directory extension names.
 */
#ifndef PORCH_GRAPH_USERS_INT_H
#define PORCH_GRAPH_USERS_INT_H

#include <stdbool.h>

#include "core/err.h"

struct db_conn;
struct user_row;

#define USERS_INT_EXT_PREFIX "extension_"

/**
 * Loads the live user of tenant_id that key names (its object id, any case, or its
 * userPrincipalName, compared case-insensitively), with identities and password hash, into
 * out (release with store_user_row_release; zeroed on failure). PORCH_E_NOT_FOUND when there
 * is none. Thread-safety is that of c.
 */
enum porch_err users_int_load(struct db_conn *c, const char *tenant_id, const char *key,
                              struct user_row *out);

/** True for "extension_<32 hex digits>_<name>" (prefix in any case, name 1..128 bytes). */
bool users_int_is_extension(const char *name);

#endif
