/* SPDX-License-Identifier: Apache-2.0 */
/* Binding the values of a compiled list query. */
#include "store/query.h"
#include "db/db.h"
#include "core/banned.h"

int store_query_bind(struct db_stmt *st, int first, const struct store_query *q)
{
    int idx = first;

    for (size_t i = 0; q && i < q->nbinds; i++, idx++) {
        if (q->binds[i].is_int)
            db_bind_int64(st, idx, q->binds[i].i);
        else
            db_bind_text(st, idx, q->binds[i].text);
    }
    return idx;
}
