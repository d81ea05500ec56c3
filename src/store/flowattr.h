/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user flow attribute repository: the description of a custom user flow attribute
 * (Graph identityUserFlowAttribute), keyed by the full name of the extension property that is
 * the attribute itself (store/extprop.h). Names are compared exactly. Thread-safety is that of
 * the connection passed in.
 */
#ifndef PORCH_STORE_FLOWATTR_H
#define PORCH_STORE_FLOWATTR_H

#include "core/err.h"

struct db_conn;

/* Longest description kept, in bytes. */
#define STORE_FLOWATTR_DESCRIPTION_MAX 1024

/**
 * Sets name's description (replacing any). PORCH_E_INVALID for an empty name or a description
 * longer than STORE_FLOWATTR_DESCRIPTION_MAX. Two statements: run it inside the caller's db_tx.
 */
enum porch_err store_flowattr_put(struct db_conn *c, const char *tenant_id, const char *name,
                                  const char *description);

/**
 * name's description into *out (caller frees; "" when there is no row, which is not an
 * error).
 */
enum porch_err store_flowattr_get(struct db_conn *c, const char *tenant_id, const char *name,
                                  char **out);

/** Deletes name's row; absent is not an error. */
enum porch_err store_flowattr_delete(struct db_conn *c, const char *tenant_id, const char *name);

#endif
