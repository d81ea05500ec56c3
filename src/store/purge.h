/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deletes the sign-in state that can no longer be used: expired journeys, authorization
 * codes, refresh tokens, token grants, SSO sessions, lockout counters and one-time passcodes,
 * and sign-in log records past their retention. `porch serve` runs it periodically
 * (--purge-interval).
 *
 * Unlike every other repository, the purge is cross-tenant by design: it deletes by expiry
 * alone, in every tenant at once, and never reads or returns what it deletes. It is the only
 * store code whose statements do not filter by tenant id.
 *
 * What is deleted, with now the time passed in:
 * - journeys that expired by now (store_journey_purge);
 * - authorization codes that expired more than STORE_PURGE_CODE_GRACE seconds ago, redeemed or
 *   not (until then a replayed code is still recognised as a replay);
 * - refresh tokens whose chain is over (absolute expiry passed), unused ones that expired,
 *   and revoked ones revoked more than STORE_PURGE_REVOKED_AGE ago. A rotated token is kept
 *   until its chain's absolute expiry even when its own expiry passed, because presenting it
 *   again is reuse and must still revoke the grant (store/refresh.h);
 * - token grants that hold no code and no refresh token any more and were revoked more than
 *   STORE_PURGE_REVOKED_AGE ago or created more than STORE_PURGE_GRANT_AGE ago;
 * - SSO sessions past their idle or absolute expiry, or revoked more than
 *   STORE_PURGE_REVOKED_AGE ago;
 * - counters whose window started more than STORE_PURGE_COUNTER_AGE ago and that hold no
 *   lock at now (so counter windows must not exceed that age);
 * - sign-in log records older than STORE_PURGE_SIGNIN_LOG_AGE (store_signin_log_purge);
 * - one-time passcodes that expired by now, used, voided or not (store/otp.h: a passcode
 *   never verifies at or after its expiry, so nothing needs it any more).
 *
 * Rows go in batches of STORE_PURGE_BATCH, each one statement and so one short transaction,
 * so a large backlog never holds the write lock for long; at most STORE_PURGE_MAX_BATCHES per
 * table per call, so a call (and a shutdown waiting for it) stays short, and the rest of a
 * backlog is left for the next call. A row that becomes usable again
 * while it is being purged (a counter hit concurrently) is kept: every batch re-checks the
 * condition on the row it deletes.
 */
#ifndef PORCH_STORE_PURGE_H
#define PORCH_STORE_PURGE_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

#define STORE_PURGE_CODE_GRACE     300
#define STORE_PURGE_REVOKED_AGE    86400
#define STORE_PURGE_GRANT_AGE      (90 * 86400) /* the longest refresh-chain lifetime */
#define STORE_PURGE_COUNTER_AGE    86400
#define STORE_PURGE_SIGNIN_LOG_AGE (30 * 86400) /* Entra keeps sign-in logs 30 days */
#define STORE_PURGE_BATCH          1000
#define STORE_PURGE_MAX_BATCHES    100

/* Rows deleted, per table. */
struct store_purge_counts {
    int64_t journeys;
    int64_t auth_codes;
    int64_t refresh_tokens;
    int64_t token_grants;
    int64_t sso_sessions;
    int64_t counters;
    int64_t signin_logs;
    int64_t otps;
};

/** Sum of every count in n. */
int64_t store_purge_total(const struct store_purge_counts *n);

/**
 * Deletes everything above that is dead at now, table by table in that order. *out (optional)
 * gets the counts; on an error it holds what was deleted before it, and the error (PORCH_E_BUSY,
 * PORCH_E_UNAVAILABLE, PORCH_E_STORE from db_step) is returned at once; calling again later
 * resumes. Thread-safety is that of the connection passed in; concurrent purges from several
 * nodes are safe (each row is deleted once).
 */
enum porch_err store_purge_expired(struct db_conn *c, int64_t now, struct store_purge_counts *out);

#endif
