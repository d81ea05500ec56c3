/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compiled list query handed from graph/odata.c to a repository: a WHERE fragment made only
 * of whitelisted column names, operators and `?` placeholders, the values to bind to them, an
 * ORDER BY made of whitelisted columns, and the page window. Repositories append it to their
 * own literal SQL (`… WHERE tenant_id = ? AND (<where>) ORDER BY <order_by> LIMIT ? OFFSET ?`),
 * so no client text ever becomes SQL.
 */
#ifndef PORCH_STORE_QUERY_H
#define PORCH_STORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_stmt;

struct store_bind {
    bool is_int;
    const char *text; /* when !is_int; NULL binds SQL NULL */
    int64_t i;
};

struct store_query {
    const char *where;    /* NULL/"" or a boolean SQL expression over the repository's columns */
    const struct store_bind *binds;
    size_t nbinds;
    const char *order_by; /* NULL/"" for the repository's default order; must end in a unique key */
    unsigned limit;       /* rows to return; 0 = none (count only) */
    unsigned offset;
};

/** Binds q's values to st starting at placeholder first (1-based). Returns the next index. */
int store_query_bind(struct db_stmt *st, int first, const struct store_query *q);

#endif
