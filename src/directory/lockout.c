/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lockout and throttling policy on top of store/counter.h. The count lives in the counter row
 * and the wait in its locked_until, so a wait outlives a restart and is shared by every node.
 * A lock is only ever moved later by this module, so two concurrent failures computing
 * different waits cannot shorten each other's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "directory/lockout.h"
#include "store/counter.h"
#include "store/purge.h"
#include "core/banned.h"

_Static_assert(LOCKOUT_WINDOW_MAX <= STORE_PURGE_COUNTER_AGE,
               "the purge would forget counters still in their window");

#define USER_PREFIX "signin-fail:user:"
#define IP_PREFIX   "signin-fail:ip:"
/* Longest address text accepted, zone id included ("fe80::1%eth0"). */
#define IP_TEXT_MAX 64

void lockout_policy_default(struct lockout_policy *p)
{
    p->threshold = LOCKOUT_THRESHOLD;
    p->base_wait = LOCKOUT_BASE_WAIT;
    p->max_wait = LOCKOUT_MAX_WAIT;
    p->window = LOCKOUT_WINDOW;
    p->ip_limit = LOCKOUT_IP_LIMIT;
    p->ip_window = LOCKOUT_IP_WINDOW;
}

enum porch_err lockout_policy_check(const struct lockout_policy *p)
{
    if (p->threshold > 0 &&
        (p->base_wait < 1 || p->max_wait < p->base_wait || p->max_wait > LOCKOUT_WAIT_MAX ||
         p->window < 1 || p->window > LOCKOUT_WINDOW_MAX))
        return PORCH_E_INVALID;
    if (p->ip_limit > 0 && (p->ip_window < 1 || p->ip_window > LOCKOUT_WINDOW_MAX))
        return PORCH_E_INVALID;
    return PORCH_OK;
}

/* base * 2^(failures - threshold), capped at max, without overflowing on the way. */
static int64_t wait_for(const struct lockout_policy *p, int64_t failures)
{
    int64_t wait = p->base_wait;

    for (int64_t i = p->threshold; i < failures && wait < p->max_wait; i++)
        wait *= 2;
    return wait < p->max_wait ? wait : p->max_wait;
}

static enum porch_err user_name(const char *user_id, char name[STORE_COUNTER_NAME_MAX + 1])
{
    int n;

    if (!user_id || !*user_id)
        return PORCH_E_INVALID;
    n = snprintf(name, STORE_COUNTER_NAME_MAX + 1, USER_PREFIX "%s", user_id);
    return n > 0 && n <= STORE_COUNTER_NAME_MAX ? PORCH_OK : PORCH_E_INVALID;
}

/* Zeroes the interface identifier: the counter covers the whole /64. */
static void v6_prefix(unsigned char a[16], char *out, size_t n)
{
    char text[INET6_ADDRSTRLEN];

    memset(a + 8, 0, 8);
    if (!inet_ntop(AF_INET6, a, text, sizeof(text)))
        text[0] = '\0';
    snprintf(out, n, "%s/64", text);
}

/*
 * The counter name for an address: IPv4 in dotted form, IPv4-mapped IPv6 as IPv4, other IPv6
 * as its /64 in canonical text, so every spelling of one address maps to one counter.
 */
static enum porch_err ip_name(const char *ip, char name[STORE_COUNTER_NAME_MAX + 1])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[IP_TEXT_MAX + 1], key[INET6_ADDRSTRLEN + 4];
    unsigned char a[16];
    size_t len = ip ? strnlen(ip, IP_TEXT_MAX + 1) : 0;

    if (len == 0 || len > IP_TEXT_MAX)
        return PORCH_E_INVALID;
    memcpy(text, ip, len);
    text[len] = '\0';
    text[strcspn(text, "%")] = '\0'; /* a link-local zone id names our interface, not theirs */
    if (inet_pton(AF_INET, text, a) == 1) {
        if (!inet_ntop(AF_INET, a, key, sizeof(key)))
            return PORCH_E_INVALID;
    } else if (inet_pton(AF_INET6, text, a) == 1) {
        if (memcmp(a, mapped, sizeof(mapped)) == 0) {
            if (!inet_ntop(AF_INET, a + 12, key, sizeof(key)))
                return PORCH_E_INVALID;
        } else {
            v6_prefix(a, key, sizeof(key));
        }
    } else {
        return PORCH_E_INVALID;
    }
    snprintf(name, STORE_COUNTER_NAME_MAX + 1, IP_PREFIX "%s", key);
    return PORCH_OK;
}

/* The lock deadline of counter name if it lies ahead of now, else 0, in *until. */
static enum porch_err lock_deadline(struct db_conn *c, const char *tenant_id, const char *name,
                                    int64_t now, int64_t window, int64_t *until)
{
    int64_t count = 0, locked = 0;
    enum porch_err err = store_counter_get(c, tenant_id, name, now, window, &count, &locked);

    *until = err == PORCH_OK && locked > now ? locked : 0;
    return err;
}

enum porch_err lockout_account_check(struct db_conn *c, const struct lockout_policy *p,
                                     const char *tenant_id, const char *user_id, int64_t now,
                                     int64_t *until)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    enum porch_err err;

    *until = 0;
    err = lockout_policy_check(p);
    if (err == PORCH_OK)
        err = user_name(user_id, name);
    if (err != PORCH_OK || p->threshold <= 0)
        return err;
    return lock_deadline(c, tenant_id, name, now, p->window, until);
}

enum porch_err lockout_account_fail(struct db_conn *c, const struct lockout_policy *p,
                                    const char *tenant_id, const char *user_id, int64_t now,
                                    int64_t *until)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    int64_t count = 0, locked = 0, want;
    enum porch_err err;

    *until = 0;
    err = lockout_policy_check(p);
    if (err == PORCH_OK)
        err = user_name(user_id, name);
    if (err != PORCH_OK || p->threshold <= 0)
        return err;
    err = store_counter_hit(c, tenant_id, name, now, p->window, &count, &locked);
    if (err != PORCH_OK || count < p->threshold)
        return err;
    want = now + wait_for(p, count);
    if (want > locked)
        err = store_counter_lock(c, tenant_id, name, now, want);
    if (err == PORCH_OK)
        *until = want > locked ? want : locked;
    return err;
}

enum porch_err lockout_account_attempt(struct db_conn *c, const struct lockout_policy *p,
                                       const char *tenant_id, const char *user_id, int64_t now,
                                       bool *allowed)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    int64_t count = 0, locked = 0;
    enum porch_err err;

    *allowed = true;
    err = lockout_policy_check(p);
    if (err == PORCH_OK)
        err = user_name(user_id, name);
    if (err != PORCH_OK || p->threshold <= 0)
        return err;
    err = store_counter_hit(c, tenant_id, name, now, p->window, &count, &locked);
    if (err != PORCH_OK)
        return err;
    if (locked > now) {
        *allowed = false;
        return PORCH_OK;
    }
    if (count >= p->threshold)
        err = store_counter_lock(c, tenant_id, name, now, now + wait_for(p, count));
    return err;
}

enum porch_err lockout_account_reset(struct db_conn *c, const char *tenant_id, const char *user_id)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    enum porch_err err = user_name(user_id, name);

    if (err != PORCH_OK)
        return err;
    return store_counter_reset(c, tenant_id, name);
}

enum porch_err lockout_ip_check(struct db_conn *c, const struct lockout_policy *p,
                                const char *tenant_id, const char *ip, int64_t now,
                                int64_t *retry_after)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    int64_t locked = 0;
    enum porch_err err;

    *retry_after = 0;
    err = lockout_policy_check(p);
    if (err == PORCH_OK)
        err = ip_name(ip, name);
    if (err != PORCH_OK || p->ip_limit <= 0)
        return err;
    err = lock_deadline(c, tenant_id, name, now, p->ip_window, &locked);
    if (err == PORCH_OK && locked)
        *retry_after = locked - now;
    return err;
}

enum porch_err lockout_ip_fail(struct db_conn *c, const struct lockout_policy *p,
                               const char *tenant_id, const char *ip, int64_t now,
                               int64_t *retry_after)
{
    char name[STORE_COUNTER_NAME_MAX + 1];
    int64_t count = 0, locked = 0;
    enum porch_err err;

    *retry_after = 0;
    err = lockout_policy_check(p);
    if (err == PORCH_OK)
        err = ip_name(ip, name);
    if (err != PORCH_OK || p->ip_limit <= 0)
        return err;
    err = store_counter_hit(c, tenant_id, name, now, p->ip_window, &count, &locked);
    if (err != PORCH_OK || count < p->ip_limit)
        return err;
    if (now + p->ip_window > locked)
        err = store_counter_lock(c, tenant_id, name, now, now + p->ip_window);
    if (err == PORCH_OK)
        *retry_after = (now + p->ip_window > locked ? now + p->ip_window : locked) - now;
    return err;
}
