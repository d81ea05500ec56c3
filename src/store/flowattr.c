/* SPDX-License-Identifier: Apache-2.0 */
/* User flow attribute descriptions in portable SQL. */
#include <stdlib.h>
#include <string.h>

#include "store/flowattr.h"
#include "store/list.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

enum porch_err store_flowattr_delete(struct db_conn *c, const char *tenant_id, const char *name)
{
    enum porch_err err = store_delete_one(
        c, "DELETE FROM user_flow_attributes WHERE tenant_id = ? AND name = ?", tenant_id, name);

    return err == PORCH_E_NOT_FOUND ? PORCH_OK : err;
}

enum porch_err store_flowattr_put(struct db_conn *c, const char *tenant_id, const char *name,
                                  const char *description)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!name || !*name || !description || strlen(description) > STORE_FLOWATTR_DESCRIPTION_MAX)
        goto out;
    err = store_flowattr_delete(c, tenant_id, name);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(
        c, "INSERT INTO user_flow_attributes (tenant_id, name, description) VALUES (?, ?, ?)", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, description);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

static enum porch_err read_description(struct db_stmt *st, void *out)
{
    *(char **)out = store_col_dup(st, 0);
    return PORCH_OK;
}

enum porch_err store_flowattr_get(struct db_conn *c, const char *tenant_id, const char *name,
                                  char **out)
{
    enum porch_err err;

    *out = NULL;
    err = store_get_one(
        c, "SELECT description FROM user_flow_attributes WHERE tenant_id = ? AND name = ?",
        tenant_id, name, read_description, out);
    if (err == PORCH_E_NOT_FOUND) {
        *out = xstrdup("");
        err = PORCH_OK;
    }
    return err;
}
