/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Journey rows in portable SQL. Update and delete carry `version = ?` in their WHERE clause,
 * so the row count alone tells a lost race (the row exists with another version) from a
 * vanished journey, which a follow-up existence check separates.
 */
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/ct.h"
#include "store/journey.h"
#include "core/banned.h"

#define JOURNEY_COLS                                                                               \
    "tenant_id, id_hash, kind, state, client_id, request, data, csrf_hash, created_at,"            \
    " expires_at, version"

void store_journey_row_release(struct journey_row *j)
{
    if (!j)
        return;
    free(j->request);
    free(j->data);
    memset(j, 0, sizeof(*j));
}

static enum porch_err read_row(struct db_stmt *st, struct journey_row *j)
{
    enum porch_err err = db_col_copy(st, 0, j->tenant_id, sizeof(j->tenant_id));

    if (err == PORCH_OK)
        err = db_col_copy(st, 1, j->id_hash, sizeof(j->id_hash));
    if (err == PORCH_OK)
        err = db_col_copy(st, 2, j->kind, sizeof(j->kind));
    if (err == PORCH_OK)
        err = db_col_copy(st, 3, j->state, sizeof(j->state));
    if (err == PORCH_OK)
        err = db_col_copy(st, 4, j->client_id, sizeof(j->client_id));
    if (err == PORCH_OK)
        err = db_col_copy(st, 7, j->csrf_hash, sizeof(j->csrf_hash));
    if (err != PORCH_OK)
        return err;
    j->request = xstrdup(db_col_is_null(st, 5) ? "{}" : db_col_text(st, 5));
    j->data = xstrdup(db_col_is_null(st, 6) ? "{}" : db_col_text(st, 6));
    j->created_at = db_col_int64(st, 8);
    j->expires_at = db_col_int64(st, 9);
    j->version = db_col_int64(st, 10);
    return PORCH_OK;
}

static enum porch_err insert(struct db_conn *c, const struct journey_row *j)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c,
                     "INSERT INTO journeys (" JOURNEY_COLS ")"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, j->tenant_id);
    db_bind_text(st, 2, j->id_hash);
    db_bind_text(st, 3, j->kind);
    db_bind_text(st, 4, j->state);
    db_bind_text(st, 5, j->client_id);
    db_bind_text(st, 6, j->request ? j->request : "{}");
    db_bind_text(st, 7, j->data ? j->data : "{}");
    db_bind_text(st, 8, j->csrf_hash);
    db_bind_int64(st, 9, j->created_at);
    db_bind_int64(st, 10, j->expires_at);
    db_bind_int64(st, 11, j->version);
    err = db_step(st, &row);
out:
    db_finalize(st);
    return err;
}

void store_journey_csrf_of(const char *id, char out[STORE_JOURNEY_TOKEN_LEN])
{
    static const char label[] = "porch-journey-csrf:";
    unsigned char h[DIGEST_SHA256_LEN];
    char msg[sizeof(label) + STORE_JOURNEY_TOKEN_LEN];
    size_t n = strnlen(id, STORE_JOURNEY_TOKEN_LEN - 1);

    memcpy(msg, label, sizeof(label) - 1);
    memcpy(msg + sizeof(label) - 1, id, n);
    digest_sha256(msg, sizeof(label) - 1 + n, h);
    b64url_encode(h, sizeof(h), out, STORE_JOURNEY_TOKEN_LEN);
    ct_cleanse(msg, sizeof(msg));
}

enum porch_err store_journey_create(struct db_conn *c, struct journey_row *j, int64_t now,
                                    char id_out[STORE_JOURNEY_TOKEN_LEN],
                                    char csrf_out[STORE_JOURNEY_TOKEN_LEN])
{
    enum porch_err err = PORCH_E_INVALID;
    char id[STORE_JOURNEY_TOKEN_LEN], csrf[STORE_JOURNEY_TOKEN_LEN];

    id_out[0] = '\0';
    csrf_out[0] = '\0';
    rand_token(id, sizeof(id), 32);
    store_journey_csrf_of(id, csrf);
    if (!j->tenant_id[0] || !j->kind[0] || !j->state[0] || !j->client_id[0] || j->expires_at <= now)
        goto out;
    (void)digest_sha256_b64url(id, j->id_hash);
    (void)digest_sha256_b64url(csrf, j->csrf_hash);
    j->created_at = now;
    j->version = 1;
    err = insert(c, j);
    if (err != PORCH_OK)
        goto out;
    memcpy(id_out, id, sizeof(id));
    memcpy(csrf_out, csrf, sizeof(csrf));
out:
    ct_cleanse(id, sizeof(id));
    ct_cleanse(csrf, sizeof(csrf));
    return err;
}

enum porch_err store_journey_get(struct db_conn *c, const char *tenant_id, const char *id,
                                 int64_t now, struct journey_row *out)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    char hash[DIGEST_SHA256_B64URL_LEN];
    bool row = false;

    memset(out, 0, sizeof(*out));
    err = digest_sha256_b64url(id, hash);
    if (err != PORCH_OK)
        goto out;
    err = db_prepare(c,
                     "SELECT " JOURNEY_COLS " FROM journeys"
                     " WHERE tenant_id = ? AND id_hash = ? AND expires_at > ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, tenant_id);
    db_bind_text(st, 2, hash);
    db_bind_int64(st, 3, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && !row)
        err = PORCH_E_NOT_FOUND;
    if (err == PORCH_OK)
        err = read_row(st, out);
out:
    db_finalize(st);
    if (err != PORCH_OK)
        store_journey_row_release(out);
    return err;
}

/* After zero changed rows: PORCH_E_CONFLICT if the journey still exists, else NOT_FOUND. */
static enum porch_err explain_miss(struct db_conn *c, const struct journey_row *j)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row = false;

    err = db_prepare(c, "SELECT 1 FROM journeys WHERE tenant_id = ? AND id_hash = ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, j->tenant_id);
    db_bind_text(st, 2, j->id_hash);
    err = db_step(st, &row);
    if (err == PORCH_OK)
        err = row ? PORCH_E_CONFLICT : PORCH_E_NOT_FOUND;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_journey_update(struct db_conn *c, struct journey_row *j)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c,
                     "UPDATE journeys SET state = ?, data = ?, expires_at = ?,"
                     " version = version + 1"
                     " WHERE tenant_id = ? AND id_hash = ? AND version = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, j->state);
    db_bind_text(st, 2, j->data ? j->data : "{}");
    db_bind_int64(st, 3, j->expires_at);
    db_bind_text(st, 4, j->tenant_id);
    db_bind_text(st, 5, j->id_hash);
    db_bind_int64(st, 6, j->version);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = explain_miss(c, j);
    if (err == PORCH_OK)
        j->version++;
out:
    db_finalize(st);
    return err;
}

enum porch_err store_journey_delete(struct db_conn *c, const struct journey_row *j)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    err = db_prepare(c, "DELETE FROM journeys WHERE tenant_id = ? AND id_hash = ? AND version = ?",
                     &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_text(st, 1, j->tenant_id);
    db_bind_text(st, 2, j->id_hash);
    db_bind_int64(st, 3, j->version);
    err = db_step(st, &row);
    if (err == PORCH_OK && db_changes(st) == 0)
        err = explain_miss(c, j);
out:
    db_finalize(st);
    return err;
}

enum porch_err store_journey_purge(struct db_conn *c, int64_t now, int64_t *n)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    bool row;

    if (n)
        *n = 0;
    err = db_prepare(c, "DELETE FROM journeys WHERE expires_at <= ?", &st);
    if (err != PORCH_OK)
        goto out;
    db_bind_int64(st, 1, now);
    err = db_step(st, &row);
    if (err == PORCH_OK && n)
        *n = db_changes(st);
out:
    db_finalize(st);
    return err;
}
