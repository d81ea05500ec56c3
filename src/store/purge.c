/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expiry purge. Each table has one DELETE that removes up to a batch of dead rows, run
 * until a batch comes back short. The batch is picked by a subquery with LIMIT (DELETE …
 * LIMIT is not portable), and the outer WHERE repeats the subquery's condition: on
 * PostgreSQL a row changed by a concurrent transaction after the subquery chose it is
 * re-checked against that condition before it is deleted, so a row brought back to life (a
 * counter hit again) survives. Children go before their parents (codes and refresh tokens
 * before grants), so a grant is only deleted once nothing refers to it.
 *
 * These statements do not filter by tenant id: the purge is cross-tenant by design (purge.h).
 */
#include "store/journey.h"
#include "store/signin_log.h"
#include "store/purge.h"
#include "core/banned.h"

/*
 * Runs sql, whose placeholders are the nargs values of args followed by the batch size, until
 * it deletes fewer rows than a batch. Adds the rows deleted to *total.
 */
static enum porch_err run_batches(struct db_conn *c, const char *sql, const int64_t *args,
                                  int nargs, int64_t *total)
{
    enum porch_err err;
    struct db_stmt *st = NULL;
    int64_t n = STORE_PURGE_BATCH;
    bool row;

    err = db_prepare(c, sql, &st);
    for (int b = 0; err == PORCH_OK && n == STORE_PURGE_BATCH && b < STORE_PURGE_MAX_BATCHES; b++) {
        db_reset(st);
        for (int i = 0; i < nargs; i++)
            db_bind_int64(st, i + 1, args[i]);
        db_bind_int64(st, nargs + 1, STORE_PURGE_BATCH);
        err = db_step(st, &row);
        n = err == PORCH_OK ? db_changes(st) : 0;
        *total += n;
    }
    db_finalize(st);
    return err;
}

static enum porch_err purge_codes(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t cutoff = now - STORE_PURGE_CODE_GRACE;
    const int64_t args[] = {cutoff, cutoff};

    return run_batches(c,
                       "DELETE FROM auth_codes WHERE expires_at < ?"
                       " AND (tenant_id, code_hash) IN (SELECT tenant_id, code_hash"
                       " FROM auth_codes WHERE expires_at < ? LIMIT ?)",
                       args, 2, n);
}

static enum porch_err purge_refresh(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t revoked = now - STORE_PURGE_REVOKED_AGE;
    const int64_t args[] = {now, now, revoked, now, now, revoked};

    return run_batches(c,
                       "DELETE FROM refresh_tokens WHERE (absolute_expires_at < ?"
                       " OR (rotated_at IS NULL AND expires_at < ?) OR revoked_at < ?)"
                       " AND (tenant_id, token_hash) IN (SELECT tenant_id, token_hash"
                       " FROM refresh_tokens WHERE absolute_expires_at < ?"
                       " OR (rotated_at IS NULL AND expires_at < ?) OR revoked_at < ? LIMIT ?)",
                       args, 6, n);
}

static enum porch_err purge_grants(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t revoked = now - STORE_PURGE_REVOKED_AGE, old = now - STORE_PURGE_GRANT_AGE;
    const int64_t args[] = {revoked, old, revoked, old};

    return run_batches(
        c,
        "DELETE FROM token_grants WHERE (revoked_at < ? OR created_at < ?)"
        " AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.tenant_id = token_grants.tenant_id"
        " AND r.grant_id = token_grants.id)"
        " AND NOT EXISTS (SELECT 1 FROM auth_codes a WHERE a.tenant_id = token_grants.tenant_id"
        " AND a.grant_id = token_grants.id)"
        " AND (tenant_id, id) IN (SELECT g.tenant_id, g.id FROM token_grants g"
        " WHERE (g.revoked_at < ? OR g.created_at < ?)"
        " AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.tenant_id = g.tenant_id"
        " AND r.grant_id = g.id)"
        " AND NOT EXISTS (SELECT 1 FROM auth_codes a WHERE a.tenant_id = g.tenant_id"
        " AND a.grant_id = g.id) LIMIT ?)",
        args, 4, n);
}

static enum porch_err purge_sessions(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t revoked = now - STORE_PURGE_REVOKED_AGE;
    const int64_t args[] = {now, now, revoked, now, now, revoked};

    return run_batches(c,
                       "DELETE FROM sso_sessions WHERE (absolute_expires_at < ?"
                       " OR idle_expires_at < ? OR revoked_at < ?)"
                       " AND (tenant_id, id_hash) IN (SELECT tenant_id, id_hash"
                       " FROM sso_sessions WHERE absolute_expires_at < ?"
                       " OR idle_expires_at < ? OR revoked_at < ? LIMIT ?)",
                       args, 6, n);
}

static enum porch_err purge_counters(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t old = now - STORE_PURGE_COUNTER_AGE;
    const int64_t args[] = {old, now, old, now};

    return run_batches(c,
                       "DELETE FROM counters WHERE window_start < ? AND locked_until < ?"
                       " AND (tenant_id, name) IN (SELECT tenant_id, name FROM counters"
                       " WHERE window_start < ? AND locked_until < ? LIMIT ?)",
                       args, 4, n);
}

/* A passcode is dead at its expiry, whatever else happened to it (store/otp.h). */
static enum porch_err purge_otps(struct db_conn *c, int64_t now, int64_t *n)
{
    const int64_t args[] = {now, now};

    return run_batches(c,
                       "DELETE FROM otps WHERE expires_at <= ?"
                       " AND (tenant_id, id) IN (SELECT tenant_id, id"
                       " FROM otps WHERE expires_at <= ? LIMIT ?)",
                       args, 2, n);
}

int64_t store_purge_total(const struct store_purge_counts *n)
{
    return n->journeys + n->auth_codes + n->refresh_tokens + n->token_grants + n->sso_sessions +
           n->counters + n->signin_logs + n->otps;
}

enum porch_err store_purge_expired(struct db_conn *c, int64_t now, struct store_purge_counts *out)
{
    struct store_purge_counts n = {0};
    enum porch_err err;

    err = store_journey_purge(c, now, &n.journeys);
    if (err == PORCH_OK)
        err = purge_codes(c, now, &n.auth_codes);
    if (err == PORCH_OK)
        err = purge_refresh(c, now, &n.refresh_tokens);
    if (err == PORCH_OK)
        err = purge_grants(c, now, &n.token_grants);
    if (err == PORCH_OK)
        err = purge_sessions(c, now, &n.sso_sessions);
    if (err == PORCH_OK)
        err = purge_counters(c, now, &n.counters);
    if (err == PORCH_OK)
        err = store_signin_log_purge(c, now - STORE_PURGE_SIGNIN_LOG_AGE, &n.signin_logs);
    if (err == PORCH_OK)
        err = purge_otps(c, now, &n.otps);
    if (out)
        *out = n;
    return err;
}
