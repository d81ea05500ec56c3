/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sign-in log rows in portable SQL. The values come from sign-in requests (user agent, names
 * typed at the sign-in page), so every text is made valid UTF-8 and bounded here: a record
 * must never be lost to a hostile header, since failed sign-ins are what the log is for.
 * Lists go through store/list.h; the tenant filter always comes first.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/signin_log.h"
#include "store/list.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "core/banned.h"

#define SIGNIN_COLS                                                                                \
    "tenant_id, id, created_at, user_id, user_display_name, user_principal_name, upn_lower, "      \
    "app_id, app_display_name, app_display_name_lower, ip_address, client_app_used, "              \
    "correlation_id, is_interactive, resource_display_name, resource_id, error_code, "             \
    "failure_reason, additional_details, user_agent, data"

static const struct store_list_spec list_spec = {"signin_logs", SIGNIN_COLS,
                                                 STORE_SIGNIN_DEFAULT_ORDER};

/* Column indexes in SIGNIN_COLS of the texts that struct signin_log_row carries. */
enum {
    C_USER_ID = 3,
    C_USER_NAME = 4,
    C_UPN = 5,
    C_APP_ID = 7,
    C_APP_NAME = 8,
    C_IP = 10,
    C_CLIENT_APP = 11,
    C_CORRELATION = 12,
    C_INTERACTIVE = 13,
    C_RESOURCE_NAME = 14,
    C_RESOURCE_ID = 15,
    C_ERROR = 16,
    C_REASON = 17,
    C_DETAILS = 18,
    C_UA = 19,
    C_DATA = 20,
};

void store_signin_log_row_release(struct signin_log_row *r)
{
    if (!r)
        return;
    free(r->user_id);
    free(r->user_display_name);
    free(r->user_principal_name);
    free(r->app_id);
    free(r->app_display_name);
    free(r->ip_address);
    free(r->client_app_used);
    free(r->correlation_id);
    free(r->resource_display_name);
    free(r->resource_id);
    free(r->failure_reason);
    free(r->additional_details);
    free(r->user_agent);
    free(r->data);
    r->user_id = r->user_display_name = r->user_principal_name = NULL;
    r->app_id = r->app_display_name = r->ip_address = r->client_app_used = NULL;
    r->correlation_id = r->resource_display_name = r->resource_id = NULL;
    r->failure_reason = r->additional_details = r->user_agent = r->data = NULL;
}

/*
 * A heap copy of s that is valid UTF-8 (each invalid byte becomes '?') and at most
 * STORE_SIGNIN_MAX_TEXT bytes, cut before a character that would not fit; lower-cased
 * (ASCII) when lower. NULL for NULL.
 */
static char *clean(const char *s, bool lower)
{
    size_t n, used = 0;
    char *out;

    if (!s)
        return NULL;
    n = strlen(s);
    out = xmalloc((n < STORE_SIGNIN_MAX_TEXT ? n : STORE_SIGNIN_MAX_TEXT) + 1);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);

        if (used + (len ? len : 1) > STORE_SIGNIN_MAX_TEXT)
            break;
        if (len == 0) {
            out[used++] = '?';
            i++;
            continue;
        }
        memcpy(out + used, s + i, len);
        used += len;
        i += len;
    }
    out[used] = '\0';
    if (lower)
        utf8_ascii_lower(out, used, out);
    return out;
}

static bool data_valid(const char *data)
{
    json_t *j;
    bool ok;

    if (strlen(data) > STORE_SIGNIN_MAX_DATA)
        return false;
    j = json_loads(data, JSON_REJECT_DUPLICATES, NULL);
    ok = json_is_object(j);
    json_decref(j);
    return ok;
}

/* The cleaned texts of one insert, in SIGNIN_COLS order (placeholders 4 to 20 but 14 and 17). */
enum {
    T_USER_ID,
    T_USER_NAME,
    T_UPN,
    T_UPN_LOWER,
    T_APP_ID,
    T_APP_NAME,
    T_APP_LOWER,
    T_IP,
    T_CLIENT_APP,
    T_CORRELATION,
    T_RESOURCE_NAME,
    T_RESOURCE_ID,
    T_REASON,
    T_DETAILS,
    T_UA,
    NTEXT
};

static void clean_texts(const struct signin_log *l, char *t[NTEXT])
{
    t[T_USER_ID] = clean(l->user_id, true);
    t[T_USER_NAME] = clean(l->user_display_name, false);
    t[T_UPN] = clean(l->user_principal_name, false);
    t[T_UPN_LOWER] = clean(l->user_principal_name, true);
    t[T_APP_ID] = clean(l->app_id, true);
    t[T_APP_NAME] = clean(l->app_display_name, false);
    t[T_APP_LOWER] = clean(l->app_display_name, true);
    t[T_IP] = clean(l->ip_address, false);
    t[T_CLIENT_APP] = clean(l->client_app_used, false);
    t[T_CORRELATION] = clean(l->correlation_id, false);
    t[T_RESOURCE_NAME] = clean(l->resource_display_name, false);
    t[T_RESOURCE_ID] = clean(l->resource_id, false);
    t[T_REASON] = clean(l->failure_reason, false);
    t[T_DETAILS] = clean(l->additional_details, false);
    t[T_UA] = clean(l->user_agent, false);
}

static void bind_insert(struct db_stmt *st, const struct signin_log *l, char *const t[NTEXT],
                        const char *data)
{
    int idx = 1;

    db_bind_text(st, idx++, l->tenant_id);
    db_bind_text(st, idx++, l->id);
    db_bind_int64(st, idx++, l->created_at);
    for (int i = T_USER_ID; i <= T_CORRELATION; i++)
        db_bind_text(st, idx++, t[i]);
    db_bind_int64(st, idx++, l->is_interactive ? 1 : 0);
    db_bind_text(st, idx++, t[T_RESOURCE_NAME]);
    db_bind_text(st, idx++, t[T_RESOURCE_ID]);
    db_bind_int64(st, idx++, l->error_code);
    db_bind_text(st, idx++, t[T_REASON]);
    db_bind_text(st, idx++, t[T_DETAILS]);
    db_bind_text(st, idx++, t[T_UA]);
    db_bind_text(st, idx, data);
}

enum porch_err store_signin_log_insert(struct db_conn *c, struct signin_log *l)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    char *t[NTEXT] = {0};
    const char *data = l->data ? l->data : "{}";
    bool row;

    if (!uuid_valid(l->tenant_id) || (l->id[0] && !uuid_valid(l->id)) || !data_valid(data))
        goto out;
    err = db_prepare(c,
                     "INSERT INTO signin_logs (" SIGNIN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    if (!l->id[0])
        uuid_v4(l->id);
    if (l->created_at == 0)
        l->created_at = clock_now();
    clean_texts(l, t);
    bind_insert(st, l, t, data);
    err = db_step(st, &row);
out:
    for (int i = 0; i < NTEXT; i++)
        free(t[i]);
    db_finalize(st);
    return err;
}

static char *col_dup_null(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);

    return s ? xstrdup(s) : NULL;
}

static enum porch_err read_row(struct db_stmt *st, void *out)
{
    struct signin_log_row *r = out;
    enum porch_err err;

    memset(r, 0, sizeof(*r));
    err = db_col_copy(st, 0, r->tenant_id, sizeof(r->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, r->id, sizeof(r->id));
    if (err != PORCH_OK)
        return err;
    r->created_at = db_col_int64(st, 2);
    r->user_id = col_dup_null(st, C_USER_ID);
    r->user_display_name = col_dup_null(st, C_USER_NAME);
    r->user_principal_name = col_dup_null(st, C_UPN);
    r->app_id = col_dup_null(st, C_APP_ID);
    r->app_display_name = col_dup_null(st, C_APP_NAME);
    r->ip_address = col_dup_null(st, C_IP);
    r->client_app_used = col_dup_null(st, C_CLIENT_APP);
    r->correlation_id = col_dup_null(st, C_CORRELATION);
    r->is_interactive = db_col_int64(st, C_INTERACTIVE) != 0;
    r->resource_display_name = col_dup_null(st, C_RESOURCE_NAME);
    r->resource_id = col_dup_null(st, C_RESOURCE_ID);
    r->error_code = (int)db_col_int64(st, C_ERROR);
    r->failure_reason = col_dup_null(st, C_REASON);
    r->additional_details = col_dup_null(st, C_DETAILS);
    r->user_agent = col_dup_null(st, C_UA);
    r->data = store_col_dup(st, C_DATA);
    if (!r->data[0]) {
        free(r->data);
        r->data = xstrdup("{}");
    }
    return PORCH_OK;
}

struct each_ctx {
    store_signin_log_each_fn fn;
    void *ctx;
};

static enum porch_err each_row(struct db_stmt *st, void *arg)
{
    struct each_ctx *ec = arg;
    struct signin_log_row r;
    enum porch_err err = read_row(st, &r);

    if (err == PORCH_OK)
        err = ec->fn(&r, ec->ctx);
    store_signin_log_row_release(&r);
    return err;
}

enum porch_err store_signin_log_list(struct db_conn *c, const char *tenant_id,
                                     const struct store_query *q, store_signin_log_each_fn fn,
                                     void *ctx)
{
    struct each_ctx ec = {fn, ctx};

    return store_list_run(c, &list_spec, tenant_id, q, each_row, &ec, NULL);
}

static enum porch_err no_row(struct db_stmt *st, void *ctx)
{
    (void)st;
    (void)ctx;
    return PORCH_OK;
}

enum porch_err store_signin_log_count(struct db_conn *c, const char *tenant_id,
                                      const struct store_query *q, int64_t *n)
{
    struct store_query where = {0};

    *n = 0;
    if (q) {
        where.where = q->where;
        where.binds = q->binds;
        where.nbinds = q->nbinds;
    }
    /* limit 0: store_list_run counts and reads no rows */
    return store_list_run(c, &list_spec, tenant_id, &where, no_row, NULL, n);
}

enum porch_err store_signin_log_get(struct db_conn *c, const char *tenant_id, const char *id,
                                    struct signin_log_row *out)
{
    memset(out, 0, sizeof(*out));
    return store_get_one(c,
                         "SELECT " SIGNIN_COLS " FROM signin_logs WHERE tenant_id = ? AND id = ?",
                         tenant_id, id, read_row, out);
}

/*
 * Neither backend allows LIMIT on DELETE, so a batch is bounded by time instead: everything up
 * to the second of the STORE_SIGNIN_PURGE_BATCH-th oldest record (a few more when that second
 * holds several). Both the subquery and the delete walk signin_logs_age, so each batch costs
 * what it deletes rather than a scan of every old row.
 */
enum porch_err store_signin_log_purge(struct db_conn *c, int64_t before, int64_t *n)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t changed;
    bool row;

    if (n)
        *n = 0;
    err = db_prepare(c,
                     "DELETE FROM signin_logs WHERE created_at <= (SELECT MAX(created_at) FROM "
                     "(SELECT created_at FROM signin_logs WHERE created_at < ? "
                     "ORDER BY created_at LIMIT ?) oldest)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    do {
        db_reset(st);
        db_bind_int64(st, 1, before);
        db_bind_int64(st, 2, STORE_SIGNIN_PURGE_BATCH);
        err = db_step(st, &row);
        changed = err == PORCH_OK ? db_changes(st) : 0;
        if (n)
            *n += changed;
    } while (err == PORCH_OK && changed >= STORE_SIGNIN_PURGE_BATCH);
out:
    db_finalize(st);
    return err;
}
