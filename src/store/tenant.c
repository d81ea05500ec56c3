/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tenant rows in portable SQL. The columns that identify a tenant (id, subdomain, default
 * domain) are stored lower-case so that case-insensitive lookups are plain equality on
 * indexed columns, the same on SQLite and PostgreSQL.
 */
#include <string.h>

#include "store/tenant.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define TENANT_NAME_SIZE sizeof(((struct tenant *)0)->display_name)
#define TENANT_COLS "id, subdomain, display_name, country, default_domain, created_at"

/* True when s holds 1..size-1 characters and its NUL within size bytes. */
static bool field_ok(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    return n > 0 && n < size;
}

/* ASCII lower-casing (locale-independent) into dst; false if s does not fit. */
static bool lower_copy(const char *s, char *dst, size_t size)
{
    size_t n = strnlen(s, size);

    if (n == size)
        return false;
    for (size_t i = 0; i <= n; i++)
        dst[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    return true;
}

static bool tenant_valid(const struct tenant *t)
{
    return field_ok(t->id, sizeof(t->id)) && uuid_valid(t->id) &&
           field_ok(t->subdomain, sizeof(t->subdomain)) &&
           field_ok(t->display_name, sizeof(t->display_name)) &&
           field_ok(t->country, sizeof(t->country)) &&
           field_ok(t->default_domain, sizeof(t->default_domain));
}

enum porch_err store_tenant_insert(struct db_conn *c, const struct tenant *t)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    struct tenant low;
    bool row;

    if (!tenant_valid(t))
        goto out;
    low = *t;
    lower_copy(t->id, low.id, sizeof(low.id));
    lower_copy(t->subdomain, low.subdomain, sizeof(low.subdomain));
    lower_copy(t->default_domain, low.default_domain, sizeof(low.default_domain));
    err = db_prepare(c, "INSERT INTO tenants (" TENANT_COLS ") VALUES (?, ?, ?, ?, ?, ?)", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, low.id);
    db_bind_text(st, 2, low.subdomain);
    db_bind_text(st, 3, low.display_name);
    db_bind_text(st, 4, low.country);
    db_bind_text(st, 5, low.default_domain);
    db_bind_int64(st, 6, low.created_at);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

/* Reads the TENANT_COLS of the current row. */
static enum porch_err read_row(struct db_stmt *st, struct tenant *t)
{
    enum porch_err err;

    memset(t, 0, sizeof(*t));
    err = db_col_copy(st, 0, t->id, sizeof(t->id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, t->subdomain, sizeof(t->subdomain));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, t->display_name, sizeof(t->display_name));
    if (err == PORCH_OK)
        err = db_col_copy(st, 3, t->country, sizeof(t->country));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, t->default_domain, sizeof(t->default_domain));
    t->created_at = db_col_int64(st, 5);
    return err;
}

enum porch_err store_tenant_find(struct db_conn *c, const char *ref, struct tenant *out)
{
    enum porch_err err = PORCH_E_NOT_FOUND;
    struct db_stmt *st = NULL;
    char low[256]; /* as long as the longest identifying column */
    bool row = false;

    if (!ref || !*ref || !lower_copy(ref, low, sizeof(low)))
        goto out;
    err = db_prepare(c,
                     "SELECT " TENANT_COLS " FROM tenants"
                     " WHERE id = ? OR subdomain = ? OR default_domain = ?"
                     " ORDER BY CASE WHEN id = ? THEN 0 WHEN subdomain = ? THEN 1 ELSE 2 END"
                     " LIMIT 1",
                     &st);
    if (err != PORCH_OK)
        goto out;
    for (int i = 1; i <= 5; i++)
        db_bind_text(st, i, low);
    err = db_step(st, &row);
    if (err != PORCH_OK)
        goto out;
    err = row ? read_row(st, out) : PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_tenant_list(struct db_conn *c, store_tenant_each_fn fn, void *ctx)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct tenant t;
    bool row = false;

    err = db_prepare(c, "SELECT " TENANT_COLS " FROM tenants ORDER BY created_at, id", &st);
    if (err == PORCH_OK)
        err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        err = read_row(st, &t);
        if (err == PORCH_OK)
            err = fn(&t, ctx);
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
    db_finalize(st);
    return err;
}

enum porch_err store_tenant_data_get(struct db_conn *c, const char *id, char **json)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    *json = NULL;
    err = db_prepare(c, "SELECT data FROM tenants WHERE id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, id);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        *json = xstrdup(db_col_text(st, 0) ? db_col_text(st, 0) : "{}");
out:
    db_finalize(st);
    return err;
}

enum porch_err store_tenant_update(struct db_conn *c, const char *id, const char *display_name,
                                   const char *data)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    bool row;

    if (!id || !data || !display_name || !field_ok(display_name, TENANT_NAME_SIZE))
        goto out;
    err = db_prepare(c, "UPDATE tenants SET display_name = ?, data = ? WHERE id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, display_name);
    db_bind_text(st, 2, data);
    db_bind_text(st, 3, id);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}
