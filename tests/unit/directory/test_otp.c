/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The passcode policy on every backend, under explicit times: defaults and policy checks,
 * unbiased digit draws and a sanity check of their distribution, a right code once, wrong
 * tries until the code is void, expiry at exactly 10 minutes, binding to journey, purpose and
 * address (ASCII case ignored), a new code voiding the old one, the 30 s cool-down per
 * journey and address, the daily cap per address, and concurrent sends for one journey of
 * which exactly one gets a code.
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/directory/otp.c"

#define TID  "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define J1   "q4W1Ik2Qq3ePj0Lw3gC7sJb9hRmFzX2yN6tV8uY0aBc"
#define J2   "Zz9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9Ed8Cb7Aa6"
#define ADDR "alice@contoso.example"
#define NOW  1700000000

static const unsigned char key[OTP_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);

    fx_add_tenant(c, TID, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    return c;
}

static struct otp_policy pol(void)
{
    struct otp_policy p;

    otp_policy_default(&p);
    return p;
}

static const struct otp_target t1 = {TID, J1, OTP_SIGNUP, ADDR};

/* Sends a code for t at now and expects it to be issued; code gets it. */
static void send_ok(struct db_conn *c, const struct otp_target *t, int64_t now,
                    char code[OTP_CODE_LEN])
{
    struct otp_policy p = pol();
    struct otp_result res;

    assert_int_equal(otp_issue(c, &p, key, t, now, &res, code), PORCH_OK);
    assert_int_equal(res.outcome, OTP_OK);
    assert_int_equal(res.retry_after, 0);
    assert_int_equal(strlen(code), 8);
    assert_int_equal(strspn(code, "0123456789"), 8);
}

/* Sends a code for t at now and expects want; returns retry_after. */
static int64_t send_refused(struct db_conn *c, const struct otp_target *t, int64_t now,
                            enum otp_outcome want)
{
    struct otp_policy p = pol();
    struct otp_result res;
    char code[OTP_CODE_LEN] = "x";

    assert_int_equal(otp_issue(c, &p, key, t, now, &res, code), PORCH_OK);
    assert_int_equal(res.outcome, want);
    assert_string_equal(code, "");
    return res.retry_after;
}

/* Checks code for t at now and expects want; returns tries_left. */
static int64_t verify(struct db_conn *c, const struct otp_target *t, const char *code, int64_t now,
                      enum otp_outcome want)
{
    struct otp_policy p = pol();
    struct otp_result res;

    assert_int_equal(otp_verify(c, &p, key, t, code, now, &res), PORCH_OK);
    assert_int_equal(res.outcome, want);
    if (want != OTP_WRONG)
        assert_int_equal(res.tries_left, 0);
    return res.tries_left;
}

/* A code for t that is not code (the next number, wrapping). */
static void other_code(const char *code, char out[OTP_CODE_LEN])
{
    snprintf(out, OTP_CODE_LEN, "%08u", (unsigned)((strtoul(code, NULL, 10) + 1) % 100000000));
}

static void policy_defaults_and_checks(void **state)
{
    struct otp_policy p = pol(), bad;

    (void)state;
    assert_int_equal(p.digits, 8);
    assert_int_equal(p.ttl, 600);
    assert_int_equal(p.max_tries, 5);
    assert_int_equal(p.cooldown, 30);
    assert_int_equal(p.daily_cap, 10);
    assert_int_equal(otp_policy_check(&p), PORCH_OK);
    assert_int_equal(otp_policy_check(NULL), PORCH_E_INVALID);
    bad = p;
    bad.digits = OTP_DIGITS_MIN - 1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad.digits = OTP_DIGITS_MAX + 1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.ttl = 0;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad.ttl = OTP_TTL_MAX + 1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.max_tries = 0;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad.max_tries = OTP_MAX_TRIES_MAX + 1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.cooldown = -1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    bad.cooldown = OTP_COOLDOWN_MAX + 1;
    assert_int_equal(otp_policy_check(&bad), PORCH_E_INVALID);
    /* disabled limits */
    bad = p;
    bad.cooldown = 0;
    bad.daily_cap = 0;
    assert_int_equal(otp_policy_check(&bad), PORCH_OK);
}

static void draws_have_no_modulo_bias(void **state)
{
    uint32_t v = 12345;

    (void)state;
    /* 2^32 = 42 * 10^8 + 94967296: the top 94967296 draws are refused */
    assert_true(draw_accept(0, 100000000, &v));
    assert_int_equal(v, 0);
    assert_true(draw_accept(4199999999u, 100000000, &v));
    assert_int_equal(v, 99999999);
    assert_false(draw_accept(4200000000u, 100000000, &v));
    assert_false(draw_accept(UINT32_MAX, 100000000, &v));
    /* 2^32 = 4 * 10^9 + 294967296 */
    assert_true(draw_accept(3999999999u, 1000000000, &v));
    assert_int_equal(v, 999999999);
    assert_false(draw_accept(4000000000u, 1000000000, &v));
    /* 2^32 = 4294 * 10^6 + 967296 */
    assert_true(draw_accept(4293999999u, 1000000, &v));
    assert_int_equal(v, 999999);
    assert_false(draw_accept(4294000000u, 1000000, &v));
}

/*
 * Sanity, not a randomness test: over 20000 codes every digit appears about as often in
 * every position (chi-square over the 10 digits with 9 degrees of freedom, each position and
 * all together, far above the 0.01% critical value of 33.7 only when something is broken),
 * leading zeros are kept, and codes rarely repeat.
 */
static void digits_are_evenly_spread(void **state)
{
    enum { N = 20000, D = 8 };
    static int count[D][10];
    int total[10] = {0}, lead_zero = 0;
    char code[OTP_CODE_LEN], first[OTP_CODE_LEN];
    int same = 0;

    (void)state;
    memset(count, 0, sizeof(count));
    make_code(D, first);
    for (int i = 0; i < N; i++) {
        make_code(D, code);
        assert_int_equal(strlen(code), D);
        same += strcmp(code, first) == 0;
        for (int k = 0; k < D; k++) {
            assert_true(code[k] >= '0' && code[k] <= '9');
            count[k][code[k] - '0']++;
            total[code[k] - '0']++;
        }
        lead_zero += code[0] == '0';
    }
    for (int k = 0; k < D; k++) {
        double chi = 0, e = N / 10.0;

        for (int d = 0; d < 10; d++)
            chi += (count[k][d] - e) * (count[k][d] - e) / e;
        assert_true(chi < 40.0);
    }
    {
        double chi = 0, e = N * D / 10.0;

        for (int d = 0; d < 10; d++)
            chi += (total[d] - e) * (total[d] - e) / e;
        assert_true(chi < 40.0);
    }
    assert_true(lead_zero > N / 20); /* about N / 10 */
    assert_true(same <= 2);
    make_code(6, code);
    assert_int_equal(strlen(code), 6);
    make_code(9, code);
    assert_int_equal(strlen(code), 9);
}

static void right_code_once(void **state)
{
    struct db_conn *c = seed(state);
    char code[OTP_CODE_LEN];

    send_ok(c, &t1, NOW, code);
    verify(c, &t1, code, NOW + 5, OTP_OK);
    verify(c, &t1, code, NOW + 6, OTP_EXPIRED_OR_VOID); /* single use */
    fx_release(c);
}

static void wrong_tries_until_void(void **state)
{
    struct db_conn *c = seed(state);
    char code[OTP_CODE_LEN], wrong[OTP_CODE_LEN];

    send_ok(c, &t1, NOW, code);
    other_code(code, wrong);
    for (int64_t i = 1; i < OTP_DEFAULT_MAX_TRIES; i++)
        assert_int_equal(verify(c, &t1, wrong, NOW + i, OTP_WRONG), OTP_DEFAULT_MAX_TRIES - i);
    verify(c, &t1, "not a code", NOW + 10, OTP_TOO_MANY_TRIES); /* malformed counts too */
    verify(c, &t1, code, NOW + 11, OTP_TOO_MANY_TRIES);
    /* a new code (after the cool-down) starts over */
    send_ok(c, &t1, NOW + 30, code);
    other_code(code, wrong);
    assert_int_equal(verify(c, &t1, wrong, NOW + 31, OTP_WRONG), 4);
    verify(c, &t1, code, NOW + 32, OTP_OK);
    fx_release(c);
}

static void expires_at_exactly_ten_minutes(void **state)
{
    struct db_conn *c = seed(state);
    const struct otp_target t2 = {TID, J2, OTP_SIGNUP, ADDR};
    char code[OTP_CODE_LEN], code2[OTP_CODE_LEN];

    send_ok(c, &t1, NOW, code);
    send_ok(c, &t2, NOW, code2);
    verify(c, &t1, code, NOW + 600, OTP_EXPIRED_OR_VOID);
    verify(c, &t2, code2, NOW + 599, OTP_OK);
    fx_release(c);
}

static void bound_to_journey_purpose_and_address(void **state)
{
    struct db_conn *c = seed(state);
    const struct otp_target other[] = {
        {TID, J2, OTP_SIGNUP, ADDR},  {TID, J1, OTP_SIGNIN, ADDR},
        {TID, J1, OTP_RESET, ADDR},   {TID, J1, OTP_SIGNUP, "mallory@contoso.example"},
        {TID2, J1, OTP_SIGNUP, ADDR},
    };
    const struct otp_target upper = {TID, J1, OTP_SIGNUP, "Alice@CONTOSO.example"};
    char code[OTP_CODE_LEN], spaced[OTP_CODE_LEN + 8];

    send_ok(c, &t1, NOW, code);
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        verify(c, &other[i], code, NOW + 1, OTP_EXPIRED_OR_VOID);
    /* the address is compared without ASCII case, the code without white space */
    snprintf(spaced, sizeof(spaced), " %.4s %s\n", code, code + 4);
    verify(c, &upper, spaced, NOW + 2, OTP_OK);
    fx_release(c);
}

static void a_new_code_voids_the_old(void **state)
{
    struct db_conn *c = seed(state);
    char old[OTP_CODE_LEN], code[OTP_CODE_LEN];

    send_ok(c, &t1, NOW, old);
    send_ok(c, &t1, NOW + 30, code);
    /* the old code is now only a wrong guess at the new one (unless both drew the same) */
    if (strcmp(code, old) != 0)
        assert_int_equal(verify(c, &t1, old, NOW + 31, OTP_WRONG), 4);
    verify(c, &t1, code, NOW + 32, OTP_OK);
    fx_release(c);
}

static void cooldown_per_journey_and_address(void **state)
{
    struct db_conn *c = seed(state);
    const struct otp_target j2 = {TID, J2, OTP_SIGNUP, ADDR};
    const struct otp_target bob = {TID, J1, OTP_SIGNUP, "bob@contoso.example"};
    const struct otp_target reset = {TID, J1, OTP_RESET, "ALICE@contoso.example"};
    char code[OTP_CODE_LEN], other[OTP_CODE_LEN];

    send_ok(c, &t1, NOW, code);
    assert_int_equal(send_refused(c, &t1, NOW + 1, OTP_COOLDOWN), 29);
    assert_int_equal(send_refused(c, &t1, NOW + 29, OTP_COOLDOWN), 1);
    /* per journey and address, whatever the purpose or the case of the address */
    assert_int_equal(send_refused(c, &reset, NOW + 10, OTP_COOLDOWN), 20);
    /* a refused send leaves the code the user has alone */
    verify(c, &t1, code, NOW + 29, OTP_OK);
    send_ok(c, &j2, NOW + 1, other);
    send_ok(c, &bob, NOW + 1, other);
    send_ok(c, &t1, NOW + 30, code);
    assert_int_equal(send_refused(c, &t1, NOW + 31, OTP_COOLDOWN), 29);
    /* disabled */
    {
        struct otp_policy p = pol();
        struct otp_result res;

        p.cooldown = 0;
        assert_int_equal(otp_issue(c, &p, key, &t1, NOW + 32, &res, code), PORCH_OK);
        assert_int_equal(res.outcome, OTP_OK);
    }
    fx_release(c);
}

static void daily_cap_per_address(void **state)
{
    struct db_conn *c = seed(state);
    char code[OTP_CODE_LEN], journey[16];
    struct otp_target t = {TID, journey, OTP_SIGNIN, ADDR};
    const struct otp_target bob = {TID, "jbob", OTP_SIGNIN, "bob@contoso.example"};
    const struct otp_target other_tenant = {TID2, "jx", OTP_SIGNIN, ADDR};

    /* ten codes in ten journeys, then the address is capped in every journey */
    for (int i = 0; i < OTP_DEFAULT_DAILY_CAP; i++) {
        snprintf(journey, sizeof(journey), "j%d", i);
        send_ok(c, &t, NOW + i * 100, code);
        /* cool-down refusals in between do not count against the cap */
        send_refused(c, &t, NOW + i * 100 + 1, OTP_COOLDOWN);
    }
    snprintf(journey, sizeof(journey), "jnew");
    assert_int_equal(send_refused(c, &t, NOW + 950, OTP_DAILY_CAP), 0);
    snprintf(journey, sizeof(journey), "j0");
    send_refused(c, &t, NOW + 2000, OTP_DAILY_CAP);
    /* the last code sent still works */
    snprintf(journey, sizeof(journey), "j%d", OTP_DEFAULT_DAILY_CAP - 1);
    verify(c, &t, code, NOW + 960, OTP_OK);
    /* other addresses and tenants have their own caps */
    send_ok(c, &bob, NOW + 2000, code);
    send_ok(c, &other_tenant, NOW + 2000, code);
    /* a day after the first code, the window starts over */
    snprintf(journey, sizeof(journey), "jday");
    send_refused(c, &t, NOW + OTP_DAY - 1, OTP_DAILY_CAP);
    send_ok(c, &t, NOW + OTP_DAY + 30, code);
    fx_release(c);
}

static void refuses_bad_input(void **state)
{
    struct db_conn *c = seed(state);
    struct otp_policy p = pol(), bad = pol();
    struct otp_result res;
    char code[OTP_CODE_LEN] = "x", longcode[STORE_OTP_CODE_MAX + 2];
    const struct otp_target targets[] = {
        {NULL, J1, OTP_SIGNUP, ADDR},         {TID, "", OTP_SIGNUP, ADDR},
        {TID, J1, (enum otp_purpose)7, ADDR}, {TID, J1, OTP_SIGNUP, ""},
        {TID, J1, OTP_SIGNUP, NULL},
    };

    bad.ttl = 0;
    assert_int_equal(otp_issue(c, &bad, key, &t1, NOW, &res, code), PORCH_E_INVALID);
    assert_string_equal(code, "");
    assert_int_equal(otp_verify(c, &bad, key, &t1, "12345678", NOW, &res), PORCH_E_INVALID);
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        assert_int_equal(otp_issue(c, &p, key, &targets[i], NOW, &res, code), PORCH_E_INVALID);
        assert_int_equal(otp_verify(c, &p, key, &targets[i], "12345678", NOW, &res),
                         PORCH_E_INVALID);
    }
    send_ok(c, &t1, NOW, code);
    memset(longcode, '1', sizeof(longcode) - 1);
    longcode[sizeof(longcode) - 1] = '\0';
    assert_int_equal(otp_verify(c, &p, key, &t1, longcode, NOW + 1, &res), PORCH_E_INVALID);
    assert_int_equal(otp_verify(c, &p, key, &t1, " \t", NOW + 1, &res), PORCH_E_INVALID);
    assert_int_equal(otp_verify(c, &p, key, &t1, NULL, NOW + 1, &res), PORCH_E_INVALID);
    /* none of these counted */
    assert_int_equal(verify(c, &t1, "x", NOW + 2, OTP_WRONG), 4);
    verify(c, &t1, code, NOW + 3, OTP_OK);
    fx_release(c);
}

static void key_derivation_is_stable(void **state)
{
    static const unsigned char master[SECRETBOX_KEY_LEN] = "master key for the otp unit test";
    struct secretbox *sb = NULL;
    unsigned char k1[OTP_KEY_LEN], k2[OTP_KEY_LEN];

    (void)state;
    assert_int_equal(secretbox_from_key(master, &sb), PORCH_OK);
    assert_int_equal(otp_key_derive(sb, k1), PORCH_OK);
    assert_int_equal(otp_key_derive(sb, k2), PORCH_OK);
    assert_memory_equal(k1, k2, OTP_KEY_LEN);
    assert_memory_not_equal(k1, master, OTP_KEY_LEN);
    assert_int_equal(secretbox_derive(sb, "porch-page-mac-v1", k2), PORCH_OK);
    assert_memory_not_equal(k1, k2, OTP_KEY_LEN);
    assert_int_equal(otp_key_derive(NULL, k1), PORCH_E_INVALID);
    secretbox_free(sb);
}

/* ---- concurrency: sends for one journey and address on separate connections ---- */

#define RACERS 6

struct racer {
    struct db *db;
    pthread_barrier_t *go;
    enum porch_err err;
    struct otp_result res;
    char code[OTP_CODE_LEN];
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;
    struct otp_policy p = pol();

    pthread_barrier_wait(r->go);
    r->err = db_acquire(r->db, &c);
    if (r->err == PORCH_OK)
        r->err = otp_issue(c, &p, key, &t1, NOW, &r->res, r->code);
    if (c)
        db_release(c);
    return NULL;
}

static void concurrent_sends_give_one_code(void **state)
{
    struct db_conn *c = seed(state);
    pthread_barrier_t go;
    pthread_t th[RACERS];
    struct racer r[RACERS];
    int sent = 0, cooled = 0, winner = -1;

    fx_release(c);
    pthread_barrier_init(&go, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (struct racer){.db = *state, .go = &go, .err = PORCH_E_INTERNAL};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < RACERS; i++) {
        assert_true(r[i].err == PORCH_OK || r[i].err == PORCH_E_BUSY);
        if (r[i].err != PORCH_OK)
            continue;
        if (r[i].res.outcome == OTP_OK)
            winner = i;
        sent += r[i].res.outcome == OTP_OK;
        cooled += r[i].res.outcome == OTP_COOLDOWN;
        if (r[i].res.outcome == OTP_COOLDOWN)
            assert_true(r[i].res.retry_after >= 1 && r[i].res.retry_after <= 30);
    }
    assert_true(sent <= 1);
    if (sent + cooled == RACERS) /* nobody gave up on a busy store: exactly one code */
        assert_int_equal(sent, 1);
    if (sent == 1) {
        c = fx_conn(state);
        verify(c, &t1, r[winner].code, NOW + 1, OTP_OK);
        fx_release(c);
    }
    assert_true(sent + cooled >= 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_defaults_and_checks),
        cmocka_unit_test(draws_have_no_modulo_bias),
        cmocka_unit_test(digits_are_evenly_spread),
        cmocka_unit_test(key_derivation_is_stable),
        T(right_code_once),
        T(wrong_tries_until_void),
        T(expires_at_exactly_ten_minutes),
        T(bound_to_journey_purpose_and_address),
        T(a_new_code_voids_the_old),
        T(cooldown_per_journey_and_address),
        T(daily_cap_per_address),
        T(refuses_bad_input),
        T(concurrent_sends_give_one_code),
    };

    return fx_run("otp", tests, sizeof(tests) / sizeof(tests[0]));
}
