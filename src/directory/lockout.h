/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Account lockout and per-IP throttling of failed sign-ins (security-baseline.md, "Failed
 * sign-ins" and "Per-IP throttling"), over the shared counters of store/counter.h, so every
 * node sees the same counts.
 *
 * Account: failures are counted per user object id ("signin-fail:user:<id>"), so every
 * identifier (email, username, federated) of one account shares the count. After threshold
 * failures in a row the account waits base_wait seconds; each further failure after a wait
 * doubles it, up to max_wait. The lock is a deadline, never permanent. A success resets the
 * count. Failures are remembered for window seconds from the first one (a fixed window: when
 * it ends, the count starts over).
 *
 * IP: failures from one client address across all accounts of a tenant are counted over
 * ip_window seconds ("signin-fail:ip:<addr>"); the ip_limit-th one throttles the address for
 * ip_window seconds from then. IPv4 addresses count one by one; IPv6 addresses count by their
 * /64 prefix (one subscriber usually holds a whole /64, so per-address counting would be
 * trivially evaded); IPv4-mapped IPv6 addresses count as the IPv4 address.
 *
 * The sign-in handler's sequence:
 *   lockout_ip_check      → retry_after > 0: 429 + Retry-After, nothing else done or counted
 *   look the user up      → unknown: lockout_ip_fail, generic error
 *   lockout_account_check → until > 0: lockout_ip_fail, the same generic error as a wrong
 *                           password, WITHOUT checking the password (a right password during
 *                           the wait gets the same answer) and without lockout_account_fail
 *   check the password    → wrong: lockout_account_fail + lockout_ip_fail, generic error
 *                         → right: lockout_account_reset (the IP count is kept: an attacker's
 *                           own successful sign-ins must not clear it)
 * lockout_account_attempt replaces check + fail with one counter update made before the
 * password is checked, so concurrent guesses (many threads or nodes) cannot all pass the check
 * before any failure is counted; a right password then calls lockout_account_reset.
 * On a store error the caller refuses the sign-in (503): these checks fail closed.
 *
 * All functions filter by tenant id. Thread-safety is that of the connection passed in.
 */
#ifndef PORCH_LOCKOUT_H
#define PORCH_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Defaults (security-baseline.md), in failures and seconds. */
#define LOCKOUT_THRESHOLD 10
#define LOCKOUT_BASE_WAIT 60
#define LOCKOUT_MAX_WAIT  900
#define LOCKOUT_WINDOW    86400
#define LOCKOUT_IP_LIMIT  50
#define LOCKOUT_IP_WINDOW 300
/* Longest window accepted: store_purge_expired forgets counters older than a day. */
#define LOCKOUT_WINDOW_MAX 86400
/* Longest wait accepted: a lock always ends. */
#define LOCKOUT_WAIT_MAX 86400

/* The policy, so that it can become a per-tenant setting. Seconds unless said otherwise. */
struct lockout_policy {
    int64_t threshold; /* failures in a row before the first wait; <= 0 disables the lockout */
    int64_t base_wait; /* the first wait, >= 1 */
    int64_t max_wait;  /* the longest wait, base_wait..LOCKOUT_WAIT_MAX */
    int64_t window;    /* how long failures are remembered, 1..LOCKOUT_WINDOW_MAX */
    int64_t ip_limit;  /* failures per address per ip_window; <= 0 disables IP throttling */
    int64_t ip_window; /* 1..LOCKOUT_WINDOW_MAX */
};

/** Fills p with the defaults above. */
void lockout_policy_default(struct lockout_policy *p);

/**
 * PORCH_OK when p is usable by the functions below, PORCH_E_INVALID otherwise (each of them
 * checks it too). Disabled parts (threshold or ip_limit <= 0) are not checked further.
 */
enum porch_err lockout_policy_check(const struct lockout_policy *p);

/**
 * Before checking a password: is the account tenant_id/user_id in a wait at now? *until gets
 * the end of the wait, or 0 when there is none (always 0 when the lockout is disabled).
 * PORCH_E_INVALID for a bad policy or an empty user id; store errors as store_counter_get.
 */
enum porch_err lockout_account_check(struct db_conn *c, const struct lockout_policy *p,
                                     const char *tenant_id, const char *user_id, int64_t now,
                                     int64_t *until);

/**
 * After a wrong password: counts the failure at now and, from the threshold-th failure in a
 * row on, locks the account until now + base_wait * 2^(failures - threshold), at most
 * now + max_wait. *until gets the lock deadline (0 when this failure did not lock). Concurrent
 * failures are all counted; the later deadline wins. Do not call it for attempts refused by
 * lockout_account_check (they did not check the password). Errors as lockout_account_check.
 */
enum porch_err lockout_account_fail(struct db_conn *c, const struct lockout_policy *p,
                                    const char *tenant_id, const char *user_id, int64_t now,
                                    int64_t *until);

/**
 * Before checking a password, race-free: counts this attempt as a failure at once and, from the
 * threshold-th attempt in a row on, sets the lock as lockout_account_fail would. *allowed is
 * false when an earlier lock is still running: answer with the generic error without checking
 * the password. A right password must be followed by lockout_account_reset, which undoes the
 * count. Errors as lockout_account_check.
 */
enum porch_err lockout_account_attempt(struct db_conn *c, const struct lockout_policy *p,
                                       const char *tenant_id, const char *user_id, int64_t now,
                                       bool *allowed);

/** After a successful sign-in: forgets the account's failures and lock. */
enum porch_err lockout_account_reset(struct db_conn *c, const char *tenant_id, const char *user_id);

/**
 * Before doing any work for a sign-in from ip (text IPv4 or IPv6, as in req->client_ip): is
 * the address throttled at now? *retry_after gets the seconds until it is not (>= 1), or 0
 * when it may proceed (always 0 when IP throttling is disabled). PORCH_E_INVALID for a bad
 * policy or an address that does not parse.
 */
enum porch_err lockout_ip_check(struct db_conn *c, const struct lockout_policy *p,
                                const char *tenant_id, const char *ip, int64_t now,
                                int64_t *retry_after);

/**
 * After any failed sign-in from ip (unknown user, locked account, wrong password): counts it
 * and, at the ip_limit-th failure within ip_window (and at any later one that still arrives,
 * e.g. from requests already in flight), throttles the address for ip_window seconds from now.
 * *retry_after gets the seconds of throttling this failure started (0 when none); the current
 * request may still get its normal answer. Errors as lockout_ip_check.
 */
enum porch_err lockout_ip_fail(struct db_conn *c, const struct lockout_policy *p,
                               const char *tenant_id, const char *ip, int64_t now,
                               int64_t *retry_after);

#endif
