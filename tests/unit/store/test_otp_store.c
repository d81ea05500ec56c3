/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The passcode repository on every backend, under explicit times: a right code verifies once,
 * wrong tries are counted and the max-th voids the code, a code is dead at exactly its expiry,
 * it is bound to tenant, journey, purpose and address, a new code replaces the journey's
 * earlier one, the stored hash is keyed and bound (never the code), the purge removes
 * expired codes, and concurrent verifications on separate connections let at most one right
 * code through and never count past the limit. (Named test_otp_store so that it does not
 * clash with tests/unit/directory/test_otp.c: executables are named after their file.)
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/purge.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/store/otp.c"

#define TID  "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define J1   "q4W1Ik2Qq3ePj0Lw3gC7sJb9hRmFzX2yN6tV8uY0aBc"
#define J2   "Zz9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9Ed8Cb7Aa6"
#define ADDR "alice@contoso.example"
#define CODE "12345678"
#define NOW  1700000000
#define TTL  600
#define MAX  5

static const unsigned char key[STORE_OTP_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char key2[STORE_OTP_KEY_LEN] = "fedcba9876543210fedcba9876543210";

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);

    fx_add_tenant(c, TID, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    return c;
}

static const struct store_otp_ref ref1 = {TID, J1, "signup", ADDR};

static void issue(struct db_conn *c, const struct store_otp_ref *r, const char *code, int64_t now)
{
    char id[UUID_STR_LEN];

    assert_int_equal(store_otp_issue(c, key, r, code, now, TTL, id), PORCH_OK);
    assert_true(uuid_valid(id));
}

/* Verifies and checks the outcome and the attempts it reports. */
static void check(struct db_conn *c, const struct store_otp_ref *r, const char *code, int64_t now,
                  enum store_otp_check want, int64_t want_attempts)
{
    enum store_otp_check got = STORE_OTP_RIGHT;
    int64_t attempts = -1;

    assert_int_equal(store_otp_verify(c, key, r, code, now, MAX, &got, &attempts), PORCH_OK);
    assert_int_equal(got, want);
    assert_int_equal(attempts, want_attempts);
}

static int64_t count_rows(struct db_conn *c, const char *sql)
{
    struct db_stmt *st = NULL;
    bool row = false;
    int64_t n;

    assert_int_equal(db_prepare(c, sql, &st), PORCH_OK);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    n = db_col_int64(st, 0);
    db_finalize(st);
    return n;
}

static void right_code_once(void **state)
{
    struct db_conn *c = seed(state);

    issue(c, &ref1, CODE, NOW);
    check(c, &ref1, CODE, NOW + 1, STORE_OTP_RIGHT, 0);
    check(c, &ref1, CODE, NOW + 2, STORE_OTP_NONE, 0); /* single use */
    check(c, &ref1, "87654321", NOW + 2, STORE_OTP_NONE, 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps WHERE consumed_at = 1700000001"
                                   " AND attempts = 0"),
                     1);
    fx_release(c);
}

static void wrong_tries_void_the_code(void **state)
{
    struct db_conn *c = seed(state);

    issue(c, &ref1, CODE, NOW);
    for (int64_t i = 1; i < MAX; i++)
        check(c, &ref1, "00000000", NOW + i, STORE_OTP_WRONG, i);
    check(c, &ref1, "11111111", NOW + 10, STORE_OTP_VOIDED, MAX); /* the 5th voids it */
    check(c, &ref1, CODE, NOW + 11, STORE_OTP_VOIDED, MAX);       /* the right code too */
    check(c, &ref1, "22222222", NOW + 12, STORE_OTP_VOIDED, MAX); /* not counted any more */
    assert_int_equal(count_rows(c, "SELECT attempts FROM otps"), MAX);
    /* once expired, a voided code is just dead */
    check(c, &ref1, CODE, NOW + TTL, STORE_OTP_NONE, 0);
    /* a right code before the limit still works after wrong ones */
    issue(c, &ref1, CODE, NOW + 20);
    check(c, &ref1, "00000000", NOW + 21, STORE_OTP_WRONG, 1);
    check(c, &ref1, CODE, NOW + 22, STORE_OTP_RIGHT, 1);
    fx_release(c);
}

static void dead_at_exactly_its_expiry(void **state)
{
    struct db_conn *c = seed(state);
    const struct store_otp_ref r2 = {TID, J2, "signup", ADDR};

    issue(c, &ref1, CODE, NOW);
    issue(c, &r2, CODE, NOW);
    check(c, &ref1, CODE, NOW + TTL, STORE_OTP_NONE, 0);
    check(c, &ref1, CODE, NOW + TTL + 1, STORE_OTP_NONE, 0);
    check(c, &ref1, "00000000", NOW + TTL, STORE_OTP_NONE, 0); /* not counted either */
    check(c, &r2, CODE, NOW + TTL - 1, STORE_OTP_RIGHT, 0);
    fx_release(c);
}

static void bound_to_tenant_journey_purpose_and_address(void **state)
{
    struct db_conn *c = seed(state);
    const struct store_otp_ref other[] = {
        {TID2, J1, "signup", ADDR},
        {TID, J2, "signup", ADDR},
        {TID, J1, "signin", ADDR},
        {TID, J1, "reset", ADDR},
        {TID, J1, "signup", "mallory@contoso.example"},
        {TID, J1, "signup", "Alice@contoso.example"}, /* the caller lower-cases */
    };

    issue(c, &ref1, CODE, NOW);
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        check(c, &other[i], CODE, NOW + 1, STORE_OTP_NONE, 0);
    /* none of them counted against the real code */
    check(c, &ref1, CODE, NOW + 2, STORE_OTP_RIGHT, 0);
    fx_release(c);
}

static void a_new_code_replaces_the_old(void **state)
{
    struct db_conn *c = seed(state);
    const struct store_otp_ref reset = {TID, J1, "reset", ADDR};
    const struct store_otp_ref moved = {TID, J1, "signup", "bob@contoso.example"};

    issue(c, &ref1, CODE, NOW);
    check(c, &ref1, "00000000", NOW + 1, STORE_OTP_WRONG, 1);
    issue(c, &ref1, "87654321", NOW + 30);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps"), 1);
    /* the old code is now just a wrong one; the count started over with the new code */
    check(c, &ref1, CODE, NOW + 31, STORE_OTP_WRONG, 1);
    check(c, &ref1, "87654321", NOW + 32, STORE_OTP_RIGHT, 1);
    /* after use, a new code for the same journey and purpose is live again */
    issue(c, &ref1, CODE, NOW + 40);
    check(c, &ref1, CODE, NOW + 41, STORE_OTP_RIGHT, 0);
    /* another purpose of the same journey keeps its own code */
    issue(c, &reset, "55555555", NOW + 50);
    issue(c, &ref1, CODE, NOW + 51);
    issue(c, &moved, "66666666", NOW + 52); /* same journey and purpose, other address */
    check(c, &ref1, CODE, NOW + 53, STORE_OTP_NONE, 0);
    check(c, &moved, "66666666", NOW + 54, STORE_OTP_RIGHT, 0);
    check(c, &reset, "55555555", NOW + 55, STORE_OTP_RIGHT, 0);
    /* expiry restarts with the new code */
    issue(c, &ref1, CODE, NOW + 100);
    check(c, &ref1, CODE, NOW + 100 + TTL - 1, STORE_OTP_RIGHT, 0);
    fx_release(c);
}

static void hash_is_keyed_and_bound(void **state)
{
    struct db_conn *c = seed(state);
    const struct store_otp_ref r2 = {TID, J2, "signup", ADDR};
    struct db_stmt *st = NULL;
    char plain[DIGEST_SHA256_B64URL_LEN], h1[DIGEST_SHA256_B64URL_LEN] = "";
    char h2[DIGEST_SHA256_B64URL_LEN] = "";
    enum store_otp_check got;
    bool row;

    issue(c, &ref1, CODE, NOW);
    issue(c, &r2, CODE, NOW);
    assert_int_equal(db_prepare(c, "SELECT code_hash FROM otps ORDER BY journey_hash", &st),
                     PORCH_OK);
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    snprintf(h1, sizeof(h1), "%s", db_col_text(st, 0));
    assert_int_equal(db_step(st, &row), PORCH_OK);
    assert_true(row);
    snprintf(h2, sizeof(h2), "%s", db_col_text(st, 0));
    db_finalize(st);
    assert_int_equal(strlen(h1), 43);
    assert_null(strstr(h1, CODE));
    assert_int_not_equal(strcmp(h1, h2), 0); /* one code, two bindings, two hashes */
    assert_int_equal(digest_sha256_b64url(CODE, plain), PORCH_OK);
    assert_int_not_equal(strcmp(h1, plain), 0);
    assert_int_not_equal(strcmp(h2, plain), 0);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps WHERE code_hash LIKE '%12345678%'"),
                     0);
    /* another key does not recognise the code */
    assert_int_equal(store_otp_verify(c, key2, &ref1, CODE, NOW + 1, MAX, &got, NULL), PORCH_OK);
    assert_int_equal(got, STORE_OTP_WRONG);
    check(c, &ref1, CODE, NOW + 2, STORE_OTP_RIGHT, 1);
    fx_release(c);
}

static void refuses_bad_arguments(void **state)
{
    struct db_conn *c = seed(state);
    char longcode[STORE_OTP_CODE_MAX + 2], longaddr[STORE_OTP_ADDRESS_MAX + 2];
    const struct store_otp_ref bad[] = {
        {NULL, J1, "signup", ADDR},    {"", J1, "signup", ADDR},    {TID, "", "signup", ADDR},
        {TID, J1, "login", ADDR},      {TID, J1, NULL, ADDR},       {TID, J1, "signup", ""},
        {TID, J1, "signup", longaddr}, {TID, NULL, "signup", ADDR},
    };
    enum store_otp_check got = STORE_OTP_RIGHT;

    memset(longcode, '1', sizeof(longcode) - 1);
    longcode[sizeof(longcode) - 1] = '\0';
    memset(longaddr, 'a', sizeof(longaddr) - 1);
    longaddr[sizeof(longaddr) - 1] = '\0';
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(store_otp_issue(c, key, &bad[i], CODE, NOW, TTL, NULL), PORCH_E_INVALID);
        assert_int_equal(store_otp_verify(c, key, &bad[i], CODE, NOW, MAX, &got, NULL),
                         PORCH_E_INVALID);
        assert_int_equal(got, STORE_OTP_NONE);
    }
    assert_int_equal(store_otp_issue(c, key, &ref1, "", NOW, TTL, NULL), PORCH_E_INVALID);
    assert_int_equal(store_otp_issue(c, key, &ref1, longcode, NOW, TTL, NULL), PORCH_E_INVALID);
    assert_int_equal(store_otp_issue(c, key, &ref1, CODE, NOW, 0, NULL), PORCH_E_INVALID);
    assert_int_equal(store_otp_issue(c, NULL, &ref1, CODE, NOW, TTL, NULL), PORCH_E_INVALID);
    longcode[STORE_OTP_CODE_MAX] = '\0'; /* the longest accepted */
    assert_int_equal(store_otp_issue(c, key, &ref1, longcode, NOW, TTL, NULL), PORCH_OK);
    assert_int_equal(store_otp_verify(c, key, &ref1, longcode, NOW, 0, &got, NULL),
                     PORCH_E_INVALID);
    /* an unknown tenant is refused by the foreign key */
    assert_int_not_equal(store_otp_issue(c, key,
                                         &(struct store_otp_ref){"2b3c4d5e-6f70-4a81-9b2c-"
                                                                 "3d4e5f607182",
                                                                 J1, "signup", ADDR},
                                         CODE, NOW, TTL, NULL),
                         PORCH_OK);
    check(c, &ref1, longcode, NOW + 1, STORE_OTP_RIGHT, 0);
    fx_release(c);
}

static void purge_removes_expired_codes(void **state)
{
    struct db_conn *c = seed(state);
    struct store_purge_counts n;
    const struct store_otp_ref r2 = {TID2, J2, "reset", ADDR};
    const struct store_otp_ref r3 = {TID, J2, "signin", ADDR};

    issue(c, &ref1, CODE, NOW);     /* expires at NOW + TTL */
    issue(c, &r2, CODE, NOW);       /* the other tenant, same expiry */
    issue(c, &r3, CODE, NOW + 100); /* still live at NOW + TTL */
    check(c, &r3, CODE, NOW + 101, STORE_OTP_RIGHT, 0);
    assert_int_equal(store_purge_expired(c, NOW + TTL - 1, &n), PORCH_OK);
    assert_int_equal(n.otps, 0);
    assert_int_equal(store_purge_expired(c, NOW + TTL, &n), PORCH_OK);
    assert_int_equal(n.otps, 2);
    assert_int_equal(store_purge_total(&n), 2);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps"), 1);
    assert_int_equal(store_purge_expired(c, NOW + 100 + TTL, &n), PORCH_OK);
    assert_int_equal(n.otps, 1); /* consumed, then expired */
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps"), 0);
    /* deleting a tenant takes its codes with it */
    issue(c, &r2, CODE, NOW);
    assert_int_equal(db_exec(c, "DELETE FROM tenants WHERE id = '" TID2 "'"), PORCH_OK);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps"), 0);
    fx_release(c);
}

/* ---- concurrency: racers on their own connections, released together ---- */

#define RACERS 8

struct racer {
    struct db *db;
    const char *code;
    pthread_barrier_t *go;
    enum porch_err err;
    enum store_otp_check got;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;

    pthread_barrier_wait(r->go);
    r->err = db_acquire(r->db, &c);
    if (r->err == PORCH_OK)
        r->err = store_otp_verify(c, key, &ref1, r->code, NOW + 1, MAX, &r->got, NULL);
    if (c)
        db_release(c);
    return NULL;
}

/* Runs RACERS verifications, racer i with codes[i], all released at once. */
static void run_race(void **state, const char *const *codes, struct racer *r)
{
    pthread_barrier_t go;
    pthread_t th[RACERS];

    pthread_barrier_init(&go, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (struct racer){*state, codes[i], &go, PORCH_E_INTERNAL, STORE_OTP_NONE};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
}

static void concurrent_right_codes_win_once(void **state)
{
    struct db_conn *c = seed(state);
    const char *codes[RACERS];
    struct racer r[RACERS];
    int right = 0;

    issue(c, &ref1, CODE, NOW);
    fx_release(c);
    for (int i = 0; i < RACERS; i++)
        codes[i] = CODE;
    run_race(state, codes, r);
    for (int i = 0; i < RACERS; i++) {
        assert_true(r[i].err == PORCH_OK || r[i].err == PORCH_E_BUSY);
        if (r[i].err == PORCH_OK) {
            assert_true(r[i].got == STORE_OTP_RIGHT || r[i].got == STORE_OTP_NONE);
            right += r[i].got == STORE_OTP_RIGHT;
        }
    }
    assert_int_equal(right, 1);
    c = fx_conn(state);
    assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps WHERE consumed_at IS NOT NULL"
                                   " AND attempts = 0"),
                     1);
    fx_release(c);
}

static void concurrent_wrong_codes_stop_at_the_limit(void **state)
{
    struct db_conn *c = seed(state);
    const char *codes[RACERS];
    struct racer r[RACERS];
    int wrong = 0, voided = 0, right = 0, ok = 0;

    issue(c, &ref1, CODE, NOW);
    fx_release(c);
    /* seven wrong guesses and the right code, all at once */
    for (int i = 0; i < RACERS; i++)
        codes[i] = i == 3 ? CODE : "99999999";
    run_race(state, codes, r);
    for (int i = 0; i < RACERS; i++) {
        assert_true(r[i].err == PORCH_OK || r[i].err == PORCH_E_BUSY);
        if (r[i].err != PORCH_OK)
            continue;
        ok++;
        wrong += r[i].got == STORE_OTP_WRONG;
        voided += r[i].got == STORE_OTP_VOIDED;
        right += r[i].got == STORE_OTP_RIGHT;
        if (i != 3)
            assert_int_not_equal(r[i].got, STORE_OTP_RIGHT);
    }
    c = fx_conn(state);
    /* every answered wrong try was counted, never past the limit */
    assert_true(count_rows(c, "SELECT attempts FROM otps") <= MAX);
    assert_true(wrong <= MAX - 1);
    if (right) {
        /* the right code won before the limit: the code is consumed, later tries missed */
        assert_int_equal(count_rows(c, "SELECT COUNT(*) FROM otps WHERE consumed_at IS NOT NULL"),
                         1);
        assert_int_equal(count_rows(c, "SELECT attempts FROM otps"), wrong);
    } else if (ok == RACERS) {
        /* the right code came after the fifth wrong one and met a void code */
        assert_int_equal(count_rows(c, "SELECT attempts FROM otps"), MAX);
        assert_int_equal(wrong, MAX - 1);
        assert_int_equal(voided, RACERS - (MAX - 1));
    }
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(right_code_once),
        T(wrong_tries_void_the_code),
        T(dead_at_exactly_its_expiry),
        T(bound_to_tenant_journey_purpose_and_address),
        T(a_new_code_replaces_the_old),
        T(hash_is_keyed_and_bound),
        T(refuses_bad_arguments),
        T(purge_removes_expired_codes),
        T(concurrent_right_codes_win_once),
        T(concurrent_wrong_codes_stop_at_the_limit),
    };

    return fx_run("otp_store", tests, sizeof(tests) / sizeof(tests[0]));
}
