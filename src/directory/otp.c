/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Passcode policy on top of store/otp.h and store/counter.h. The limits are checked before a
 * code exists, so a refused send never replaces the code the user already has. The cool-down
 * is enforced by the count of its counter (one send per window), which store_counter_hit
 * increments and reads in one statement, so two concurrent sends cannot both pass; the lock
 * deadline the winner sets only tells the others how long to wait.
 */
#include <stdio.h>
#include <string.h>

#include "core/rand.h"
#include "core/utf8.h"
#include "crypto/ct.h"
#include "crypto/digest.h"
#include "directory/otp.h"
#include "store/counter.h"
#include "store/purge.h"
#include "core/banned.h"

_Static_assert(OTP_DAY <= STORE_PURGE_COUNTER_AGE && OTP_COOLDOWN_MAX <= STORE_PURGE_COUNTER_AGE,
               "the purge would forget counters still in their window");
_Static_assert(OTP_DIGITS_MAX < OTP_CODE_LEN, "a code and its NUL fit in OTP_CODE_LEN");

#define JOURNEY_PREFIX "otp-send:journey:"
#define ADDR_PREFIX    "otp-send:addr:"

static const char *const purpose_names[] = {"signup", "signin", "reset"};

void otp_policy_default(struct otp_policy *p)
{
    p->digits = OTP_DEFAULT_DIGITS;
    p->ttl = OTP_DEFAULT_TTL;
    p->max_tries = OTP_DEFAULT_MAX_TRIES;
    p->cooldown = OTP_DEFAULT_COOLDOWN;
    p->daily_cap = OTP_DEFAULT_DAILY_CAP;
}

enum porch_err otp_policy_check(const struct otp_policy *p)
{
    if (!p || p->digits < OTP_DIGITS_MIN || p->digits > OTP_DIGITS_MAX || p->ttl < 1 ||
        p->ttl > OTP_TTL_MAX || p->max_tries < 1 || p->max_tries > OTP_MAX_TRIES_MAX ||
        p->cooldown < 0 || p->cooldown > OTP_COOLDOWN_MAX)
        return PORCH_E_INVALID;
    return PORCH_OK;
}

enum porch_err otp_key_derive(const struct secretbox *sb, unsigned char key[OTP_KEY_LEN])
{
    return secretbox_derive(sb, OTP_KEY_LABEL, key);
}

/*
 * Maps a uniform 32-bit draw x to 0..range-1 without modulo bias: draws at or above the
 * largest multiple of range that fits in 2^32 are refused (false), so every value keeps the
 * same number of preimages. The caller draws again.
 */
static bool draw_accept(uint32_t x, uint32_t range, uint32_t *v)
{
    const uint64_t limit = ((UINT64_C(1) << 32) / range) * range;

    if ((uint64_t)x >= limit)
        return false;
    *v = x % range;
    return true;
}

/* A code of digits (OTP_DIGITS_MIN..OTP_DIGITS_MAX) decimal digits, leading zeros kept. */
static void make_code(int64_t digits, char out[OTP_CODE_LEN])
{
    uint32_t range = 1, x, v = 0;

    for (int64_t i = 0; i < digits; i++)
        range *= 10;
    do {
        rand_bytes(&x, sizeof(x));
    } while (!draw_accept(x, range, &v));
    snprintf(out, OTP_CODE_LEN, "%0*u", (int)digits, (unsigned)v);
    ct_cleanse(&x, sizeof(x));
    ct_cleanse(&v, sizeof(v));
}

/* Checks t and fills r with its binding, lower-casing the address into addr. */
static enum porch_err target_ref(const struct otp_target *t, struct store_otp_ref *r,
                                 char addr[STORE_OTP_ADDRESS_MAX + 1])
{
    size_t n;

    if (!t || !t->tenant_id || !*t->tenant_id || !t->journey_hash || !*t->journey_hash ||
        !t->address || (unsigned)t->purpose >= sizeof(purpose_names) / sizeof(*purpose_names))
        return PORCH_E_INVALID;
    n = strnlen(t->address, STORE_OTP_ADDRESS_MAX + 1);
    if (n == 0 || n > STORE_OTP_ADDRESS_MAX)
        return PORCH_E_INVALID;
    utf8_ascii_lower(t->address, n, addr);
    addr[n] = '\0';
    *r = (struct store_otp_ref){.tenant_id = t->tenant_id,
                                .journey_hash = t->journey_hash,
                                .purpose = purpose_names[t->purpose],
                                .address_lower = addr};
    return PORCH_OK;
}

/* The counter names of r: per journey and address (cool-down) and per address (daily cap). */
static enum porch_err counter_names(const struct store_otp_ref *r,
                                    char journey[STORE_COUNTER_NAME_MAX + 1],
                                    char daily[STORE_COUNTER_NAME_MAX + 1])
{
    char ah[DIGEST_SHA256_B64URL_LEN];
    enum porch_err err = digest_sha256_b64url(r->address_lower, ah);
    int n1, n2;

    if (err != PORCH_OK)
        return err;
    n1 = snprintf(journey, STORE_COUNTER_NAME_MAX + 1, JOURNEY_PREFIX "%s:%s", r->journey_hash, ah);
    n2 = snprintf(daily, STORE_COUNTER_NAME_MAX + 1, ADDR_PREFIX "%s", ah);
    if (n1 <= 0 || n1 > STORE_COUNTER_NAME_MAX || n2 <= 0 || n2 > STORE_COUNTER_NAME_MAX)
        return PORCH_E_INVALID;
    return PORCH_OK;
}

/* Counts a send against the cool-down; res->outcome becomes OTP_COOLDOWN when refused. */
static enum porch_err cooldown_hit(struct db_conn *c, const struct otp_policy *p,
                                   const char *tenant_id, const char *name, int64_t now,
                                   struct otp_result *res)
{
    int64_t count = 0, locked = 0;
    enum porch_err err;

    if (p->cooldown <= 0)
        return PORCH_OK;
    err = store_counter_hit(c, tenant_id, name, now, p->cooldown, &count, &locked);
    if (err != PORCH_OK)
        return err;
    if (count > 1) {
        /* the winner's deadline; before it has set one, the longest possible wait */
        res->outcome = OTP_COOLDOWN;
        res->retry_after = locked > now ? locked - now : p->cooldown;
        return PORCH_OK;
    }
    return store_counter_lock(c, tenant_id, name, now, now + p->cooldown);
}

/* Counts a send against the daily cap; res->outcome becomes OTP_DAILY_CAP when refused. */
static enum porch_err daily_hit(struct db_conn *c, const struct otp_policy *p,
                                const char *tenant_id, const char *name, int64_t now,
                                struct otp_result *res)
{
    int64_t count = 0;
    enum porch_err err;

    if (p->daily_cap <= 0)
        return PORCH_OK;
    err = store_counter_hit(c, tenant_id, name, now, OTP_DAY, &count, NULL);
    if (err == PORCH_OK && count > p->daily_cap)
        res->outcome = OTP_DAILY_CAP;
    return err;
}

enum porch_err otp_issue(struct db_conn *c, const struct otp_policy *p,
                         const unsigned char key[OTP_KEY_LEN], const struct otp_target *t,
                         int64_t now, struct otp_result *res, char code_out[OTP_CODE_LEN])
{
    char addr[STORE_OTP_ADDRESS_MAX + 1], code[OTP_CODE_LEN] = "";
    char journey[STORE_COUNTER_NAME_MAX + 1], daily[STORE_COUNTER_NAME_MAX + 1];
    struct store_otp_ref r;
    enum porch_err err;

    *res = (struct otp_result){.outcome = OTP_OK};
    code_out[0] = '\0';
    err = otp_policy_check(p);
    if (err == PORCH_OK)
        err = target_ref(t, &r, addr);
    if (err == PORCH_OK)
        err = counter_names(&r, journey, daily);
    if (err == PORCH_OK)
        err = cooldown_hit(c, p, r.tenant_id, journey, now, res);
    if (err == PORCH_OK && res->outcome == OTP_OK)
        err = daily_hit(c, p, r.tenant_id, daily, now, res);
    if (err != PORCH_OK || res->outcome != OTP_OK)
        goto out;
    make_code(p->digits, code);
    err = store_otp_issue(c, key, &r, code, now, p->ttl, NULL);
    if (err == PORCH_OK)
        memcpy(code_out, code, sizeof(code));
out:
    ct_cleanse(code, sizeof(code));
    return err;
}

/* Copies in without ASCII white space into out. False when the result is empty or too long. */
static bool strip_space(const char *in, char out[STORE_OTP_CODE_MAX + 1])
{
    size_t n = 0;

    for (; in && *in; in++) {
        if (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r' || *in == '\f' || *in == '\v')
            continue;
        if (n == STORE_OTP_CODE_MAX)
            return false;
        out[n++] = *in;
    }
    out[n] = '\0';
    return n > 0;
}

enum porch_err otp_verify(struct db_conn *c, const struct otp_policy *p,
                          const unsigned char key[OTP_KEY_LEN], const struct otp_target *t,
                          const char *code, int64_t now, struct otp_result *res)
{
    char addr[STORE_OTP_ADDRESS_MAX + 1], input[STORE_OTP_CODE_MAX + 1];
    struct store_otp_ref r;
    enum store_otp_check check = STORE_OTP_NONE;
    int64_t attempts = 0;
    enum porch_err err;

    *res = (struct otp_result){.outcome = OTP_EXPIRED_OR_VOID};
    err = otp_policy_check(p);
    if (err == PORCH_OK)
        err = target_ref(t, &r, addr);
    if (err == PORCH_OK && !strip_space(code, input))
        err = PORCH_E_INVALID;
    if (err == PORCH_OK)
        err = store_otp_verify(c, key, &r, input, now, p->max_tries, &check, &attempts);
    ct_cleanse(input, sizeof(input));
    if (err != PORCH_OK)
        return err;
    switch (check) {
    case STORE_OTP_RIGHT:
        res->outcome = OTP_OK;
        break;
    case STORE_OTP_WRONG:
        res->outcome = OTP_WRONG;
        res->tries_left = p->max_tries - attempts;
        break;
    case STORE_OTP_VOIDED:
        res->outcome = OTP_TOO_MANY_TRIES;
        break;
    case STORE_OTP_NONE:
        break;
    }
    return PORCH_OK;
}
