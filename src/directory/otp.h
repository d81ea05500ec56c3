/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-time passcodes for sign-up, sign-in and password reset (security-baseline.md, "Email/SMS
 * OTP"): the policy over store/otp.h and the shared counters of store/counter.h, so every node
 * enforces the same limits.
 *
 * A code is `digits` (default 8) decimal digits from the kernel CSPRNG without modulo bias,
 * valid for ttl seconds (dead at exactly created + ttl), single use, and bound to its tenant,
 * journey, purpose and address: it verifies only with all four. Each wrong try is counted on
 * the code; the max_tries-th wrong try voids it. Sending a new code for a journey and purpose
 * voids the earlier one.
 *
 * Sending is limited twice, before a code is made: one code per journey and address per
 * cooldown seconds ("otp-send:journey:<journey hash>:<address hash>", a counter whose window
 * is the cooldown), and daily_cap codes per address per day across all journeys of the tenant
 * ("otp-send:addr:<address hash>", a fixed window of a day from the first code). The address
 * hash is the base64url SHA-256 of the lower-cased address, so counter names have a fixed
 * length and the counters table holds no addresses. A send refused by the cooldown is not
 * counted against the daily cap; one refused by the daily cap still starts a cooldown.
 *
 * The handler's sequence (a hosted page or the native API, inside the journey):
 *   send a code     → otp_issue
 *                     OTP_OK: mail or text code_out, then wipe it; never log or store it
 *                     OTP_COOLDOWN: nothing sent; the earlier code stays valid; tell the user
 *                       to wait retry_after seconds
 *                     OTP_DAILY_CAP: nothing sent; a generic "try again later"
 *   check a code    → otp_verify
 *                     OTP_OK: the code is consumed; move the journey on
 *                     OTP_WRONG: show the form again (tries_left more tries)
 *                     OTP_TOO_MANY_TRIES, OTP_EXPIRED_OR_VOID: the code is dead; offer a new
 *                       one (otp_issue, within the limits above)
 * Where the address may not exist (sign-in, reset), the caller gives the same answers whether
 * it does or not. On a store error nothing was sent or accepted: the caller answers 503 (these
 * checks fail closed).
 *
 * All functions filter by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_OTP_H
#define PORCH_OTP_H

#include <stdint.h>

#include "core/err.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "store/otp.h"

/* Defaults (security-baseline.md), in digits, seconds and codes. */
#define OTP_DEFAULT_DIGITS    8
#define OTP_DEFAULT_TTL       600
#define OTP_DEFAULT_MAX_TRIES 5
#define OTP_DEFAULT_COOLDOWN  30
#define OTP_DEFAULT_DAILY_CAP 10
/* Limits policy values must stay within. */
#define OTP_DIGITS_MIN    6
#define OTP_DIGITS_MAX    9 /* 10^9 < 2^32: one 32-bit draw per try */
#define OTP_TTL_MAX       3600
#define OTP_MAX_TRIES_MAX 10
#define OTP_COOLDOWN_MAX  3600
/* The window of the daily cap. */
#define OTP_DAY 86400

/* Size of a buffer for a code (OTP_DIGITS_MAX digits and the NUL, rounded up). */
#define OTP_CODE_LEN 16
/* Length of the key that hashes codes, and the label secretbox_derive derives it under. */
#define OTP_KEY_LEN   STORE_OTP_KEY_LEN
#define OTP_KEY_LABEL "porch-otp-code-v1"

/* The policy, so that it can become a per-tenant setting. Seconds unless said otherwise. */
struct otp_policy {
    int64_t digits;    /* code length, OTP_DIGITS_MIN..OTP_DIGITS_MAX */
    int64_t ttl;       /* how long a code is valid, 1..OTP_TTL_MAX */
    int64_t max_tries; /* wrong tries that void a code, 1..OTP_MAX_TRIES_MAX */
    int64_t cooldown;  /* between two codes for one journey and address, 0..OTP_COOLDOWN_MAX;
                          0 disables the cool-down */
    int64_t daily_cap; /* codes per address per day; <= 0 disables the cap */
};

/* What a code is for; stored by name ("signup", "signin", "reset"). */
enum otp_purpose { OTP_SIGNUP, OTP_SIGNIN, OTP_RESET };

/* What a code is bound to. Strings are borrowed for the call. */
struct otp_target {
    const char *tenant_id;
    const char *journey_hash; /* the journey's id hash (store/journey.h), 1..43 bytes */
    enum otp_purpose purpose;
    const char *address; /* email address or phone number, 1..STORE_OTP_ADDRESS_MAX bytes;
                            ASCII case is ignored */
};

enum otp_outcome {
    OTP_OK,              /* issue: code_out holds a new code; verify: the code is consumed */
    OTP_WRONG,           /* verify: not the code; tries_left tries remain */
    OTP_EXPIRED_OR_VOID, /* verify: no live code for the target (none sent, expired, used,
                            replaced by a newer one, or sent for another journey or address) */
    OTP_TOO_MANY_TRIES,  /* verify: the code is void after max_tries wrong tries */
    OTP_COOLDOWN,        /* issue: too soon after the last code; retry_after seconds to wait */
    OTP_DAILY_CAP,       /* issue: the address had daily_cap codes within a day */
};

struct otp_result {
    enum otp_outcome outcome;
    int64_t retry_after; /* OTP_COOLDOWN: seconds until a code may be sent, >= 1; else 0 */
    int64_t tries_left;  /* OTP_WRONG: wrong tries left before the code is void, >= 1; else 0 */
};

/** Fills p with the defaults above. */
void otp_policy_default(struct otp_policy *p);

/**
 * PORCH_OK when p is usable by the functions below, PORCH_E_INVALID otherwise (each of them
 * checks it too).
 */
enum porch_err otp_policy_check(const struct otp_policy *p);

/**
 * Derives the key that hashes codes from the master key (secretbox_derive with OTP_KEY_LABEL),
 * so every node derives the same one. key is caller-owned; wipe it with ct_cleanse when done.
 * Errors as secretbox_derive.
 */
enum porch_err otp_key_derive(const struct secretbox *sb, unsigned char key[OTP_KEY_LEN]);

/**
 * Sends nothing itself: checks the cool-down and the daily cap for t at now and, when both
 * allow it, makes a new code and stores it for t (store_otp_issue, voiding the journey's
 * earlier code of the same purpose). res gets the outcome (OTP_OK, OTP_COOLDOWN or
 * OTP_DAILY_CAP); code_out gets the code on OTP_OK and "" otherwise. PORCH_E_INVALID for a bad
 * policy or target; store errors as store_counter_hit and store_otp_issue, with code_out ""
 * (a code that may not have been stored is never handed out).
 */
enum porch_err otp_issue(struct db_conn *c, const struct otp_policy *p,
                         const unsigned char key[OTP_KEY_LEN], const struct otp_target *t,
                         int64_t now, struct otp_result *res, char code_out[OTP_CODE_LEN]);

/**
 * Checks code, as the user typed it (ASCII white space is ignored), against t's live code at
 * now. res gets OTP_OK, OTP_WRONG, OTP_TOO_MANY_TRIES or OTP_EXPIRED_OR_VOID. Any non-empty
 * input counts as a try, malformed or not; of concurrent checks at most one gets OTP_OK.
 * PORCH_E_INVALID for a bad policy or target, or a code that is empty or longer than
 * STORE_OTP_CODE_MAX bytes (nothing counted); store errors as store_otp_verify.
 */
enum porch_err otp_verify(struct db_conn *c, const struct otp_policy *p,
                          const unsigned char key[OTP_KEY_LEN], const struct otp_target *t,
                          const char *code, int64_t now, struct otp_result *res);

#endif
