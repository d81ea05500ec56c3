/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User rows and their identities in portable SQL. The case-insensitive columns have lower-cased
 * twins written beside them here, so every lookup is an equality on an indexed column on both
 * backends. Identity uniqueness is left entirely to the unique index: an insert that loses a
 * race gets PORCH_E_CONFLICT from the database and the whole transaction is rolled back.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/user.h"
#include "core/sbuf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define USER_COLS                                                                                  \
    "users.tenant_id, users.id, users.display_name, users.given_name, users.surname, "             \
    "users.mail, users.user_principal_name, users.account_enabled, users.creation_type, "          \
    "users.user_type, users.password_hash, users.password_changed_at, "                            \
    "users.sessions_valid_from, users.created_at, users.deleted_at, users.data"

#define MSG_UPN_TAKEN                                                                              \
    "Another object with the same value for property userPrincipalName already exists."
#define MSG_IDENTITY_TAKEN                                                                         \
    "Another object with the same value for property identities already exists."

/* Identities of this many users are loaded by one statement when listing. */
#define IDENT_BATCH 200

char *store_user_lower(const char *value)
{
    size_t n = value ? strlen(value) : 0;
    char *out = xmalloc(n + 1);

    utf8_ascii_lower(value ? value : "", n, out);
    out[n] = '\0';
    return out;
}

/* Lower-cased copy, or NULL for NULL (a nullable column's twin). */
static char *lower_or_null(const char *value)
{
    return value ? store_user_lower(value) : NULL;
}

/* Escapes '!', '%' and '_' of the lower-cased value with '!' between prefix and suffix. */
static char *like_pattern(const char *value, const char *prefix, const char *suffix)
{
    char *low = store_user_lower(value);
    size_t n = strlen(low), k = 0;
    char *out = xmalloc(2 * n + 3);

    if (*prefix)
        out[k++] = *prefix;
    for (size_t i = 0; i < n; i++) {
        if (low[i] == '!' || low[i] == '%' || low[i] == '_')
            out[k++] = '!';
        out[k++] = low[i];
    }
    if (*suffix)
        out[k++] = *suffix;
    out[k] = '\0';
    free(low);
    return out;
}

char *store_user_like_prefix(const char *value)
{
    return like_pattern(value, "", "%");
}

char *store_user_like_contains(const char *term)
{
    return like_pattern(term, "%", "%");
}

enum store_user_class store_user_identity_class(const char *sign_in_type)
{
    if (!sign_in_type)
        return STORE_USER_FEDERATED;
    if (strncasecmp(sign_in_type, "emailAddress", 12) == 0 ||
        strcasecmp(sign_in_type, "userName") == 0)
        return STORE_USER_LOCAL;
    return STORE_USER_FEDERATED;
}

static void identity_release(struct user_identity *id)
{
    free(id->sign_in_type);
    free(id->issuer);
    free(id->issuer_assigned_id);
    memset(id, 0, sizeof(*id));
}

void store_user_row_release(struct user_row *u)
{
    if (!u)
        return;
    free(u->display_name);
    free(u->given_name);
    free(u->surname);
    free(u->mail);
    free(u->user_principal_name);
    free(u->creation_type);
    free(u->user_type);
    free(u->password_hash);
    free(u->data);
    for (size_t i = 0; i < u->nidentities; i++)
        identity_release(&u->identities[i]);
    free(u->identities);
    memset(u, 0, sizeof(*u));
}

void store_user_rows_free(struct user_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        store_user_row_release(&rows[i]);
    free(rows);
}

/* ---- identities ---- */

/* The columns an identity is stored and compared by. Strings are heap-owned. */
struct ident_key {
    const char *cls;
    char *issuer_lower, *id_lower, *issuer_key, *normalized_id;
};

static void ident_key_make(const char *tenant_id, const char *type, const char *issuer,
                           const char *value, struct ident_key *k)
{
    bool local = store_user_identity_class(type) == STORE_USER_LOCAL;

    k->cls = local ? "local" : "federated";
    k->issuer_lower = store_user_lower(issuer);
    k->id_lower = store_user_lower(value);
    k->issuer_key = local ? xstrdup(tenant_id) : store_user_lower(issuer);
    k->normalized_id = local ? store_user_lower(value) : xstrdup(value);
}

static void ident_key_release(struct ident_key *k)
{
    free(k->issuer_lower);
    free(k->id_lower);
    free(k->issuer_key);
    free(k->normalized_id);
}

static bool identity_ok(const struct user_identity *id)
{
    return id->sign_in_type && *id->sign_in_type && id->issuer && *id->issuer &&
           id->issuer_assigned_id && *id->issuer_assigned_id;
}

static enum porch_err insert_identities(struct db_conn *c, const char *tenant_id,
                                        const char *user_id, const struct user_identity *ids,
                                        size_t n, struct porch_error *e)
{
    enum porch_err err = PORCH_OK;
    struct db_stmt *st = NULL;
    struct ident_key k;
    bool row;

    if (n == 0)
        goto out;
    err = db_prepare(c,
                     "INSERT INTO user_identities (tenant_id, user_id, ord, sign_in_type, "
                     "sign_in_class, issuer, issuer_lower, issuer_key, issuer_assigned_id, "
                     "id_lower, normalized_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    for (size_t i = 0; err == PORCH_OK && i < n; i++) {
        ident_key_make(tenant_id, ids[i].sign_in_type, ids[i].issuer, ids[i].issuer_assigned_id,
                       &k);
        db_reset(st);
        db_bind_text(st, 1, tenant_id);
        db_bind_text(st, 2, user_id);
        db_bind_int64(st, 3, (int64_t)i);
        db_bind_text(st, 4, ids[i].sign_in_type);
        db_bind_text(st, 5, k.cls);
        db_bind_text(st, 6, ids[i].issuer);
        db_bind_text(st, 7, k.issuer_lower);
        db_bind_text(st, 8, k.issuer_key);
        db_bind_text(st, 9, ids[i].issuer_assigned_id);
        db_bind_text(st, 10, k.id_lower);
        db_bind_text(st, 11, k.normalized_id);
        ident_key_release(&k);
        err = db_step(st, &row);
    }
    if (err == PORCH_E_CONFLICT)
        PORCH_ERROR_SET(e, err, MSG_IDENTITY_TAKEN);
out:
    db_finalize(st);
    return err;
}

/* Loads the identities of u (tenant_id and id set) in their stored order. */
static enum porch_err load_identities(struct db_conn *c, struct user_row *u)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c,
                     "SELECT sign_in_type, issuer, issuer_assigned_id FROM user_identities"
                     " WHERE tenant_id = ? AND user_id = ? ORDER BY ord",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, u->tenant_id);
    db_bind_text(st, 2, u->id);
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        struct user_identity *id;
        if (u->nidentities == STORE_USER_IDENTITIES_MAX) {
            err = PORCH_E_TOO_BIG;
            goto out;
        }
        u->identities = xrealloc(u->identities, (u->nidentities + 1) * sizeof(*u->identities));
        id = &u->identities[u->nidentities++];
        id->sign_in_type = xstrdup(db_col_text(st, 0));
        id->issuer = xstrdup(db_col_text(st, 1));
        id->issuer_assigned_id = xstrdup(db_col_text(st, 2));
        err = db_step(st, &row);
    }
out:
    db_finalize(st);
    return err;
}

/* ---- rows ---- */

static bool row_ok(const struct user_row *u)
{
    if (!uuid_valid(u->tenant_id) || !uuid_valid(u->id) || !u->user_principal_name ||
        !*u->user_principal_name || u->nidentities > STORE_USER_IDENTITIES_MAX ||
        (u->nidentities && !u->identities))
        return false;
    for (size_t i = 0; i < u->nidentities; i++) {
        if (!identity_ok(&u->identities[i]))
            return false;
    }
    return true;
}

/* Binds the 12 updatable columns of u from placeholder first on; returns the next index. */
static int bind_columns(struct db_stmt *st, int first, const struct user_row *u)
{
    const char *dn = u->display_name ? u->display_name : "";
    char *dn_low = store_user_lower(dn), *mail_low = lower_or_null(u->mail);
    char *upn_low = store_user_lower(u->user_principal_name);
    int i = first;

    db_bind_text(st, i++, dn);
    db_bind_text(st, i++, dn_low);
    db_bind_text(st, i++, u->given_name);
    db_bind_text(st, i++, u->surname);
    db_bind_text(st, i++, u->mail);
    db_bind_text(st, i++, mail_low);
    db_bind_text(st, i++, u->user_principal_name);
    db_bind_text(st, i++, upn_low);
    db_bind_int64(st, i++, u->account_enabled ? 1 : 0);
    db_bind_text(st, i++, u->creation_type);
    db_bind_text(st, i++, u->user_type ? u->user_type : "Member");
    db_bind_text(st, i++, u->data ? u->data : "{}");
    free(dn_low);
    free(mail_low);
    free(upn_low);
    return i;
}

static enum porch_err insert_row(struct db_conn *c, const struct user_row *u, const char *tid,
                                 const char *id, struct porch_error *e)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int i;
    bool row;

    err = db_prepare(c,
                     "INSERT INTO users (display_name, display_name_lower, given_name, surname, "
                     "mail, mail_lower, user_principal_name, upn_lower, account_enabled, "
                     "creation_type, user_type, data, tenant_id, id, password_hash, "
                     "password_changed_at, sessions_valid_from, created_at, deleted_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    i = bind_columns(st, 1, u);
    db_bind_text(st, i++, tid);
    db_bind_text(st, i++, id);
    db_bind_text(st, i++, u->password_hash);
    if (u->password_hash && u->password_changed_at)
        db_bind_int64(st, i++, u->password_changed_at);
    else
        db_bind_null(st, i++);
    db_bind_int64(st, i++, u->sessions_valid_from ? u->sessions_valid_from : u->created_at);
    db_bind_int64(st, i++, u->created_at);
    db_bind_null(st, i);
    err = db_step(st, &row);
    if (err == PORCH_E_CONFLICT)
        PORCH_ERROR_SET(e, err, MSG_UPN_TAKEN);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_user_insert_in_tx(struct db_conn *c, const struct user_row *u,
                                       struct porch_error *e)
{
    enum porch_err err;
    char *tid = NULL, *id = NULL;

    if (!row_ok(u))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "user row incomplete or too many identities");
    tid = store_user_lower(u->tenant_id);
    id = store_user_lower(u->id);
    err = insert_row(c, u, tid, id, e);
    if (err == PORCH_OK)
        err = insert_identities(c, tid, id, u->identities, u->nidentities, e);
    free(tid);
    free(id);
    return err;
}

struct insert_ctx {
    const struct user_row *u;
    struct porch_error *e;
};

static enum porch_err insert_tx(struct db_conn *c, void *ctx)
{
    struct insert_ctx *ic = ctx;

    return store_user_insert_in_tx(c, ic->u, ic->e);
}

enum porch_err store_user_insert(struct db_conn *c, const struct user_row *u, struct porch_error *e)
{
    struct insert_ctx ic = {u, e};

    if (!row_ok(u))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "user row incomplete or too many identities");
    return db_tx(c, true, insert_tx, &ic);
}

static char *dup_or_null(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? NULL : xstrdup(db_col_text(st, col));
}

/* Reads USER_COLS of the current row into u, which the caller has zeroed. */
static enum porch_err read_row(struct db_stmt *st, struct user_row *u, bool with_hash)
{
    enum porch_err err;

    err = db_col_copy(st, 0, u->tenant_id, sizeof(u->tenant_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 1, u->id, sizeof(u->id));
    if (err != PORCH_OK)
        return err;
    u->display_name = xstrdup(db_col_is_null(st, 2) ? "" : db_col_text(st, 2));
    u->given_name = dup_or_null(st, 3);
    u->surname = dup_or_null(st, 4);
    u->mail = dup_or_null(st, 5);
    u->user_principal_name = xstrdup(db_col_is_null(st, 6) ? "" : db_col_text(st, 6));
    u->account_enabled = db_col_int64(st, 7) != 0;
    u->creation_type = dup_or_null(st, 8);
    u->user_type = dup_or_null(st, 9);
    u->password_hash = with_hash ? dup_or_null(st, 10) : NULL;
    u->password_changed_at = db_col_is_null(st, 11) ? 0 : db_col_int64(st, 11);
    u->sessions_valid_from = db_col_int64(st, 12);
    u->created_at = db_col_int64(st, 13);
    u->deleted_at = db_col_is_null(st, 14) ? 0 : db_col_int64(st, 14);
    u->data = xstrdup(db_col_is_null(st, 15) ? "{}" : db_col_text(st, 15));
    return PORCH_OK;
}

/* Runs st (bound by the caller), reads its first row into out with identities. */
static enum porch_err fetch_one(struct db_conn *c, struct db_stmt *st, struct user_row *out)
{
    enum porch_err err;
    bool row = false;

    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = read_row(st, out, true);
    /* The statement must be done before the next one runs on this connection. */
    db_reset(st);
    if (err == PORCH_OK)
        err = load_identities(c, out);
    if (err != PORCH_OK)
        store_user_row_release(out);
    return err;
}

enum porch_err store_user_get(struct db_conn *c, const char *tenant_id, const char *id,
                              struct user_row *out)
{
    enum porch_err err = PORCH_E_NOT_FOUND;
    struct db_stmt *st = NULL;
    char *tid = NULL, *uid = NULL;

    memset(out, 0, sizeof(*out));
    if (!tenant_id || !id || !uuid_valid(id))
        goto out;
    tid = store_user_lower(tenant_id);
    uid = store_user_lower(id);
    err = db_prepare(c,
                     "SELECT " USER_COLS " FROM users"
                     " WHERE users.tenant_id = ? AND users.id = ? AND users.deleted_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tid);
    db_bind_text(st, 2, uid);
    err = fetch_one(c, st, out);
out:
    db_finalize(st);
    free(tid);
    free(uid);
    return err;
}

enum porch_err store_user_find_by_identity(struct db_conn *c, const char *tenant_id,
                                           const char *sign_in_type, const char *issuer,
                                           const char *issuer_assigned_id, struct user_row *out)
{
    enum porch_err err = PORCH_E_NOT_FOUND;
    struct db_stmt *st = NULL;
    struct ident_key k = {0};
    char *tid = NULL;

    memset(out, 0, sizeof(*out));
    if (!tenant_id || !sign_in_type || !issuer_assigned_id || !*issuer_assigned_id)
        goto out;
    tid = store_user_lower(tenant_id);
    ident_key_make(tid, sign_in_type, issuer ? issuer : "", issuer_assigned_id, &k);
    err = db_prepare(c,
                     "SELECT " USER_COLS " FROM users JOIN user_identities ui"
                     " ON ui.tenant_id = users.tenant_id AND ui.user_id = users.id"
                     " WHERE ui.tenant_id = ? AND ui.sign_in_class = ? AND ui.issuer_key = ?"
                     " AND ui.normalized_id = ? AND users.deleted_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tid);
    db_bind_text(st, 2, k.cls);
    db_bind_text(st, 3, k.issuer_key);
    db_bind_text(st, 4, k.normalized_id);
    err = fetch_one(c, st, out);
out:
    db_finalize(st);
    ident_key_release(&k);
    free(tid);
    return err;
}

enum porch_err store_user_update(struct db_conn *c, const struct user_row *u, struct porch_error *e)
{
    enum porch_err err = PORCH_E_INVALID;
    struct db_stmt *st = NULL;
    char *tid = NULL, *id = NULL;
    int i;
    bool row;

    if (!uuid_valid(u->tenant_id) || !uuid_valid(u->id) || !u->user_principal_name ||
        !*u->user_principal_name)
        goto out;
    tid = store_user_lower(u->tenant_id);
    id = store_user_lower(u->id);
    err = db_prepare(c,
                     "UPDATE users SET display_name = ?, display_name_lower = ?, given_name = ?,"
                     " surname = ?, mail = ?, mail_lower = ?, user_principal_name = ?,"
                     " upn_lower = ?, account_enabled = ?, creation_type = ?, user_type = ?,"
                     " data = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                     &st);
    if (err != PORCH_OK)
        goto out;
    i = bind_columns(st, 1, u);
    db_bind_text(st, i++, tid);
    db_bind_text(st, i, id);
    err = db_step(st, &row);
    if (err == PORCH_E_CONFLICT)
        PORCH_ERROR_SET(e, err, MSG_UPN_TAKEN);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    free(tid);
    free(id);
    return err;
}

/*
 * Runs a one-row statement whose last two placeholders are tenant id and user id, after the n
 * values in vals. PORCH_E_NOT_FOUND when no row changed.
 */
static enum porch_err change_one(struct db_conn *c, const char *sql, const char *tenant_id,
                                 const char *id, const struct store_bind *vals, size_t n)
{
    enum porch_err err = PORCH_E_NOT_FOUND;
    struct store_query q = {.binds = vals, .nbinds = n};
    struct db_stmt *st = NULL;
    char *tid = NULL, *uid = NULL;
    int i;
    bool row;

    if (!tenant_id || !id || !uuid_valid(id))
        goto out;
    tid = store_user_lower(tenant_id);
    uid = store_user_lower(id);
    err = db_prepare(c, sql, &st);
    if (err != PORCH_OK)
        goto out;
    i = store_query_bind(st, 1, &q);
    db_bind_text(st, i++, tid);
    db_bind_text(st, i, uid);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    free(tid);
    free(uid);
    return err;
}

static enum porch_err user_exists(struct db_conn *c, const char *tenant_id, const char *id)
{
    /* A no-op update locks the row, so a concurrent delete cannot slip in between. */
    return change_one(c,
                      "UPDATE users SET sessions_valid_from = sessions_valid_from"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      tenant_id, id, NULL, 0);
}

enum porch_err store_user_replace_identities_in_tx(struct db_conn *c, const char *tenant_id,
                                                   const char *user_id,
                                                   const struct user_identity *ids, size_t n,
                                                   struct porch_error *e)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char *tid = NULL, *uid = NULL;
    bool row;

    if (n > STORE_USER_IDENTITIES_MAX || (n && !ids))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "too many identities");
    for (size_t i = 0; i < n; i++) {
        if (!identity_ok(&ids[i]))
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "identity %zu incomplete", i);
    }
    err = user_exists(c, tenant_id, user_id);
    if (err != PORCH_OK)
        goto out;
    tid = store_user_lower(tenant_id);
    uid = store_user_lower(user_id);
    err = db_prepare(c, "DELETE FROM user_identities WHERE tenant_id = ? AND user_id = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tid);
    db_bind_text(st, 2, uid);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        err = insert_identities(c, tid, uid, ids, n, e);
out:
    db_finalize(st);
    free(tid);
    free(uid);
    return err;
}

struct replace_ctx {
    const char *tenant_id, *user_id;
    const struct user_identity *ids;
    size_t n;
    struct porch_error *e;
};

static enum porch_err replace_tx(struct db_conn *c, void *ctx)
{
    struct replace_ctx *rc = ctx;

    return store_user_replace_identities_in_tx(c, rc->tenant_id, rc->user_id, rc->ids, rc->n,
                                               rc->e);
}

enum porch_err store_user_replace_identities(struct db_conn *c, const char *tenant_id,
                                             const char *user_id, const struct user_identity *ids,
                                             size_t n, struct porch_error *e)
{
    struct replace_ctx rc = {tenant_id, user_id, ids, n, e};

    return db_tx(c, true, replace_tx, &rc);
}

enum porch_err store_user_delete(struct db_conn *c, const char *tenant_id, const char *id)
{
    return change_one(c, "DELETE FROM users WHERE tenant_id = ? AND id = ?", tenant_id, id, NULL,
                      0);
}

enum porch_err store_user_set_password(struct db_conn *c, const char *tenant_id, const char *id,
                                       const char *hash, int64_t changed_at)
{
    struct store_bind v[2] = {{.text = hash}, {.is_int = true, .i = changed_at}};

    return change_one(c,
                      "UPDATE users SET password_hash = ?, password_changed_at = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      tenant_id, id, v, 2);
}

enum porch_err store_user_set_enabled(struct db_conn *c, const char *tenant_id, const char *id,
                                      bool enabled)
{
    struct store_bind v = {.is_int = true, .i = enabled ? 1 : 0};

    return change_one(c,
                      "UPDATE users SET account_enabled = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      tenant_id, id, &v, 1);
}

enum porch_err store_user_revoke_sessions(struct db_conn *c, const char *tenant_id, const char *id,
                                          int64_t now)
{
    struct store_bind v = {.is_int = true, .i = now};

    return change_one(c,
                      "UPDATE users SET sessions_valid_from = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      tenant_id, id, &v, 1);
}

/* ---- lists ---- */

/* "FROM users WHERE … [AND (<where>)]" for tenant-bound list and count statements. */
static enum porch_err add_from_where(struct sbuf *sql, const struct store_query *q)
{
    enum porch_err err;

    err = sbuf_adds(sql, " FROM users WHERE users.tenant_id = ? AND users.deleted_at IS NULL");
    if (err == PORCH_OK && q && q->where && *q->where)
        err = sbuf_addf(sql, " AND (%s)", q->where);
    return err;
}

/* The index of the row with this id among rows[0..n), or n. */
static size_t row_index(const struct user_row *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].id, id) == 0)
            return i;
    }
    return n;
}

static void append_identity(struct user_row *u, struct db_stmt *st)
{
    struct user_identity *id;

    u->identities = xrealloc(u->identities, (u->nidentities + 1) * sizeof(*u->identities));
    id = &u->identities[u->nidentities++];
    id->sign_in_type = xstrdup(db_col_text(st, 1));
    id->issuer = xstrdup(db_col_text(st, 2));
    id->issuer_assigned_id = xstrdup(db_col_text(st, 3));
}

/* Loads the identities of rows[first..first+n) with one statement. */
static enum porch_err load_batch(struct db_conn *c, const char *tid, struct user_row *rows,
                                 size_t first, size_t n)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sql;
    size_t at;
    bool row = false;

    sbuf_init(&sql, 64 + 3 * IDENT_BATCH + 128);
    err = sbuf_adds(&sql, "SELECT user_id, sign_in_type, issuer, issuer_assigned_id"
                          " FROM user_identities WHERE tenant_id = ? AND user_id IN (?");
    for (size_t i = 1; err == PORCH_OK && i < n; i++)
        err = sbuf_adds(&sql, ", ?");
    if (err == PORCH_OK)
        err = sbuf_adds(&sql, ") ORDER BY user_id, ord");
    if (err == PORCH_OK)
        err = db_prepare(c, sql.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tid);
    for (size_t i = 0; i < n; i++)
        db_bind_text(st, (int)i + 2, rows[first + i].id);
    err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        at = row_index(rows + first, n, db_col_text(st, 0));
        if (at < n && rows[first + at].nidentities < STORE_USER_IDENTITIES_MAX)
            append_identity(&rows[first + at], st);
        err = db_step(st, &row);
    }
out:
    db_finalize(st);
    sbuf_release(&sql);
    return err;
}

static enum porch_err load_page_identities(struct db_conn *c, const char *tid,
                                           struct user_row *rows, size_t n)
{
    enum porch_err err = PORCH_OK;

    for (size_t first = 0; err == PORCH_OK && first < n; first += IDENT_BATCH)
        err = load_batch(c, tid, rows, first, n - first < IDENT_BATCH ? n - first : IDENT_BATCH);
    return err;
}

/* Prepares and binds the list statement for q. */
static enum porch_err prepare_list(struct db_conn *c, const char *tid, const struct store_query *q,
                                   unsigned limit, struct db_stmt **st)
{
    enum porch_err err;
    struct sbuf sql;
    const char *order = q && q->order_by && *q->order_by ? q->order_by : STORE_USER_ORDER_DEFAULT;
    int i;

    sbuf_init(&sql, 64 * 1024);
    err = sbuf_adds(&sql, "SELECT " USER_COLS);
    if (err == PORCH_OK)
        err = add_from_where(&sql, q);
    if (err == PORCH_OK)
        err = sbuf_addf(&sql, " ORDER BY %s LIMIT ? OFFSET ?", order);
    if (err == PORCH_OK)
        err = db_prepare(c, sql.buf, st);
    if (err == PORCH_OK) {
        db_bind_text(*st, 1, tid);
        i = store_query_bind(*st, 2, q);
        db_bind_int64(*st, i++, limit);
        db_bind_int64(*st, i, q ? q->offset : 0);
    }
    sbuf_release(&sql);
    return err;
}

enum porch_err store_user_list(struct db_conn *c, const char *tenant_id,
                               const struct store_query *q, struct user_row **rows, size_t *n)
{
    enum porch_err err = PORCH_E_TOO_BIG;
    struct db_stmt *st = NULL;
    struct user_row *v = NULL;
    unsigned limit = q ? q->limit : STORE_USER_LIST_MAX;
    char *tid = store_user_lower(tenant_id ? tenant_id : "");
    size_t len = 0;
    bool row = false;

    *rows = NULL;
    *n = 0;
    if (limit > STORE_USER_LIST_MAX)
        goto out;
    err = limit ? prepare_list(c, tid, q, limit, &st) : PORCH_OK;
    if (err == PORCH_OK && st)
        err = db_step(st, &row);
    while (err == PORCH_OK && row) {
        v = xrealloc(v, (len + 1) * sizeof(*v));
        memset(&v[len], 0, sizeof(*v));
        err = read_row(st, &v[len++], false);
        if (err == PORCH_OK)
            err = db_step(st, &row);
    }
    db_finalize(st);
    st = NULL;
    if (err == PORCH_OK)
        err = load_page_identities(c, tid, v, len);
    if (err != PORCH_OK) {
        store_user_rows_free(v, len);
        goto out;
    }
    *rows = v;
    *n = len;
out:
    free(tid);
    return err;
}

enum porch_err store_user_count(struct db_conn *c, const char *tenant_id,
                                const struct store_query *q, int64_t *count)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    struct sbuf sql;
    char *tid = store_user_lower(tenant_id ? tenant_id : "");
    bool row = false;

    *count = 0;
    sbuf_init(&sql, 64 * 1024);
    err = sbuf_adds(&sql, "SELECT COUNT(*)");
    if (err == PORCH_OK)
        err = add_from_where(&sql, q);
    if (err == PORCH_OK)
        err = db_prepare(c, sql.buf, &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tid);
    store_query_bind(st, 2, q);
    err = db_step(st, &row);
    if (err == PORCH_OK && row)
        *count = db_col_int64(st, 0);
out:
    db_finalize(st);
    sbuf_release(&sql);
    free(tid);
    return err;
}
