/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one-time passcode repository (security-baseline.md, "Email/SMS OTP"; the policy on top
 * is directory/otp.h). A code is bound to a tenant, a journey (its id hash, store/journey.h), a
 * purpose and the lower-cased address it was sent to, and verifies only with all four.
 *
 * The code is never stored. code_hash is the unpadded base64url HMAC-SHA256, under a key the
 * caller passes (derived from the master key), of the code together with its binding, so a
 * database dump does not let anyone try the 10^8 possible 8-digit codes offline, and a hash
 * copied to another row never matches there.
 *
 * A journey holds at most one code per purpose (a unique index): issuing a code replaces the
 * earlier one of the same journey and purpose in place, in one statement, which voids it
 * whatever its state. Verification is one conditional UPDATE on the live row (not consumed,
 * not expired, fewer than max_attempts wrong tries): a right code sets consumed_at, a wrong
 * one adds one to attempts, and the row it returns decides the outcome. Concurrent
 * verifications on any number of nodes are therefore serialised by the row: at most one
 * succeeds, every wrong try is counted, and no try is counted past max_attempts.
 *
 * Every function filters by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_STORE_OTP_H
#define PORCH_STORE_OTP_H

#include <stdint.h>

#include "core/err.h"
#include "core/uuid.h"
#include "db/db.h"

/* Length of the HMAC key in bytes (secretbox_derive gives one). */
#define STORE_OTP_KEY_LEN 32
/* Longest code text accepted, in bytes. */
#define STORE_OTP_CODE_MAX 64
/* Longest address accepted, in bytes (an email path is at most 254, a phone number far less). */
#define STORE_OTP_ADDRESS_MAX 320

/* What a code is bound to. Strings are borrowed for the call. */
struct store_otp_ref {
    const char *tenant_id;
    const char *journey_hash;  /* the journey's id hash: 1..43 bytes */
    const char *purpose;       /* "signup", "signin" or "reset" */
    const char *address_lower; /* 1..STORE_OTP_ADDRESS_MAX bytes, normalised by the caller */
};

/* The outcome of store_otp_verify. */
enum store_otp_check {
    STORE_OTP_RIGHT,  /* the code matched and is consumed by this call */
    STORE_OTP_WRONG,  /* counted as a wrong try; the code stays live */
    STORE_OTP_VOIDED, /* void after max_attempts wrong tries (by this try or earlier ones) */
    STORE_OTP_NONE,   /* no live code for r: none issued, expired, consumed or replaced */
};

/**
 * Stores code (1..STORE_OTP_CODE_MAX bytes; the caller generates it and sends it) for r,
 * created at now and expiring at now + ttl, with no wrong tries, replacing (and so voiding)
 * any earlier code of r's journey and purpose, whatever its address or state. One statement,
 * so it is atomic; concurrent issues for one journey and purpose leave exactly one of the
 * codes live. id_out (optional) gets the new row's GUID. PORCH_E_INVALID for a missing or
 * oversized field, an unknown purpose or ttl <= 0; PORCH_E_CRYPTO if the HMAC fails; store
 * errors as db_step (PORCH_E_STORE also when the tenant does not exist).
 */
enum porch_err store_otp_issue(struct db_conn *c, const unsigned char key[STORE_OTP_KEY_LEN],
                               const struct store_otp_ref *r, const char *code, int64_t now,
                               int64_t ttl, char id_out[UUID_STR_LEN]);

/**
 * Checks code against r's live code at now, as the top of this file describes. A code is
 * live while it is not consumed, now < expires_at (so it is dead at exactly expires_at) and
 * it has fewer than max_attempts (>= 1) wrong tries. *result gets the outcome and *attempts
 * (optional) the wrong tries counted on the code after this call (0 for STORE_OTP_NONE).
 * Tries against no live code count nowhere. PORCH_E_INVALID as store_otp_issue or for
 * max_attempts < 1 (*result is then STORE_OTP_NONE); PORCH_E_CRYPTO if the HMAC fails; store
 * errors as db_step.
 */
enum porch_err store_otp_verify(struct db_conn *c, const unsigned char key[STORE_OTP_KEY_LEN],
                                const struct store_otp_ref *r, const char *code, int64_t now,
                                int64_t max_attempts, enum store_otp_check *result,
                                int64_t *attempts);

#endif
