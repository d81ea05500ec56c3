/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Account lockout and per-IP throttling on every backend, under explicit times: the tenth
 * failure in a row waits 60 s, each later one doubles it up to 15 min, a success resets it,
 * a wait always ends; counts are per account and per tenant; the per-IP limit throttles for
 * its window, IPv6 by /64 and IPv4-mapped addresses as IPv4.
 */
#include "unit.h"

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/directory/lockout.c"

#define TID  "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define UID  "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
#define UID2 "3c4d5e6f-7081-4a92-8c3d-4e5f60718293"
#define NOW  1700000000

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);

    fx_add_tenant(c, TID, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    return c;
}

static void policy_defaults_and_checks(void **state)
{
    struct lockout_policy p, bad;

    (void)state;
    lockout_policy_default(&p);
    assert_int_equal(p.threshold, 10);
    assert_int_equal(p.base_wait, 60);
    assert_int_equal(p.max_wait, 900);
    assert_int_equal(p.window, 86400);
    assert_int_equal(p.ip_limit, 50);
    assert_int_equal(p.ip_window, 300);
    assert_int_equal(lockout_policy_check(&p), PORCH_OK);
    bad = p;
    bad.base_wait = 0;
    assert_int_equal(lockout_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.max_wait = 59;
    assert_int_equal(lockout_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.max_wait = LOCKOUT_WAIT_MAX + 1; /* a lock always ends, and soon */
    assert_int_equal(lockout_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.window = LOCKOUT_WINDOW_MAX + 1;
    assert_int_equal(lockout_policy_check(&bad), PORCH_E_INVALID);
    bad = p;
    bad.ip_window = 0;
    assert_int_equal(lockout_policy_check(&bad), PORCH_E_INVALID);
    /* disabled parts are not checked further */
    bad = p;
    bad.threshold = 0;
    bad.base_wait = 0;
    bad.ip_limit = 0;
    bad.ip_window = 0;
    assert_int_equal(lockout_policy_check(&bad), PORCH_OK);
}

static void waits_double_up_to_the_cap(void **state)
{
    static const int64_t waits[] = {60, 120, 240, 480, 900, 900, 900};
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t t = NOW, until = -1;

    lockout_policy_default(&p);
    for (int i = 1; i <= 9; i++) {
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, t++, &until), PORCH_OK);
        assert_int_equal(until, 0);
        assert_int_equal(lockout_account_check(c, &p, TID, UID, t, &until), PORCH_OK);
        assert_int_equal(until, 0);
    }
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, t, &until), PORCH_OK);
        assert_int_equal(until, t + waits[i]);
        /* the wait holds until its last second and then ends */
        assert_int_equal(lockout_account_check(c, &p, TID, UID, t, &until), PORCH_OK);
        assert_int_equal(until, t + waits[i]);
        assert_int_equal(lockout_account_check(c, &p, TID, UID, t + waits[i] - 1, &until),
                         PORCH_OK);
        assert_int_equal(until, t + waits[i]);
        t += waits[i];
        assert_int_equal(lockout_account_check(c, &p, TID, UID, t, &until), PORCH_OK);
        assert_int_equal(until, 0);
    }
    /* a success starts over: nine more failures are free again */
    assert_int_equal(lockout_account_reset(c, TID, UID), PORCH_OK);
    for (int i = 1; i <= 9; i++) {
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, t, &until), PORCH_OK);
        assert_int_equal(until, 0);
    }
    assert_int_equal(lockout_account_fail(c, &p, TID, UID, t, &until), PORCH_OK);
    assert_int_equal(until, t + 60);
    assert_int_equal(lockout_account_reset(c, TID, UID), PORCH_OK);
    assert_int_equal(lockout_account_check(c, &p, TID, UID, t, &until), PORCH_OK);
    assert_int_equal(until, 0);
    fx_release(c);
}

static void per_account_per_tenant(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t until = -1;

    lockout_policy_default(&p);
    for (int i = 0; i < 10; i++)
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, NOW + 60);
    assert_int_equal(lockout_account_check(c, &p, TID, UID2, NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    assert_int_equal(lockout_account_check(c, &p, TID2, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    /* the failures are not tied to an address: the IP counter is separate */
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.1", NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    assert_int_equal(lockout_account_reset(c, TID2, UID), PORCH_OK);
    assert_int_equal(lockout_account_check(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, NOW + 60);
    fx_release(c);
}

/* attempt counts before the password is checked: the tenth sets the lock, a success resets */
static void attempts_are_counted_up_front(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t until = -1;
    bool allowed = false;

    lockout_policy_default(&p);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(lockout_account_attempt(c, &p, TID, UID, NOW, &allowed), PORCH_OK);
        assert_true(allowed);
    }
    assert_int_equal(lockout_account_check(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    /* the tenth may still check its password, but is locked if it fails */
    assert_int_equal(lockout_account_attempt(c, &p, TID, UID, NOW, &allowed), PORCH_OK);
    assert_true(allowed);
    assert_int_equal(lockout_account_check(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, NOW + 60);
    assert_int_equal(lockout_account_attempt(c, &p, TID, UID, NOW + 59, &allowed), PORCH_OK);
    assert_false(allowed);
    /* after the wait one more try, which doubles the wait when it fails */
    assert_int_equal(lockout_account_attempt(c, &p, TID, UID, NOW + 60, &allowed), PORCH_OK);
    assert_true(allowed);
    assert_int_equal(lockout_account_check(c, &p, TID, UID, NOW + 60, &until), PORCH_OK);
    assert_true(until > NOW + 60 + 60);
    /* a right password resets everything */
    assert_int_equal(lockout_account_reset(c, TID, UID), PORCH_OK);
    assert_int_equal(lockout_account_attempt(c, &p, TID, UID, NOW + 61, &allowed), PORCH_OK);
    assert_true(allowed);
    fx_release(c);
}

static void failures_are_forgotten_after_the_window(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t until = -1;

    lockout_policy_default(&p);
    for (int i = 0; i < 9; i++)
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW + i, &until), PORCH_OK);
    /* the window started at NOW: a day later the count starts over */
    for (int i = 0; i < 9; i++) {
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW + p.window + i, &until),
                         PORCH_OK);
        assert_int_equal(until, 0);
    }
    assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW + p.window + 9, &until), PORCH_OK);
    assert_int_equal(until, NOW + p.window + 9 + 60);
    fx_release(c);
}

static void later_deadline_wins_and_disabled_never_locks(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p, off;
    int64_t until = -1;

    lockout_policy_default(&p);
    for (int i = 0; i < 9; i++)
        assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW, &until), PORCH_OK);
    /* a concurrent failure already set a later deadline: this one does not shorten it */
    assert_int_equal(store_counter_lock(c, TID, USER_PREFIX UID, NOW, NOW + 500), PORCH_OK);
    assert_int_equal(lockout_account_fail(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, NOW + 500);
    assert_int_equal(lockout_account_check(c, &p, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, NOW + 500);

    off = p;
    off.threshold = 0;
    assert_int_equal(lockout_account_check(c, &off, TID, UID, NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(lockout_account_fail(c, &off, TID, UID2, NOW, &until), PORCH_OK);
        assert_int_equal(until, 0);
    }
    assert_int_equal(lockout_account_check(c, &p, TID, UID2, NOW, &until), PORCH_OK);
    assert_int_equal(until, 0);
    fx_release(c);
}

static void bad_arguments(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p, bad;
    char longid[STORE_COUNTER_NAME_MAX + 2];
    int64_t until = -1;

    lockout_policy_default(&p);
    bad = p;
    bad.window = 0;
    assert_int_equal(lockout_account_fail(c, &bad, TID, UID, NOW, &until), PORCH_E_INVALID);
    assert_int_equal(until, 0);
    assert_int_equal(lockout_account_check(c, &bad, TID, UID, NOW, &until), PORCH_E_INVALID);
    assert_int_equal(lockout_account_fail(c, &p, TID, "", NOW, &until), PORCH_E_INVALID);
    assert_int_equal(lockout_account_fail(c, &p, TID, NULL, NOW, &until), PORCH_E_INVALID);
    assert_int_equal(lockout_account_reset(c, TID, ""), PORCH_E_INVALID);
    memset(longid, 'a', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    assert_int_equal(lockout_account_check(c, &p, TID, longid, NOW, &until), PORCH_E_INVALID);
    bad = p;
    bad.ip_window = -1;
    assert_int_equal(lockout_ip_fail(c, &bad, TID, "192.0.2.1", NOW, &until), PORCH_E_INVALID);
    fx_release(c);
}

static void ip_limit_throttles_for_the_window(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t ra = -1, t = NOW;

    lockout_policy_default(&p);
    for (int i = 1; i < 50; i++) {
        assert_int_equal(lockout_ip_fail(c, &p, TID, "192.0.2.7", t, &ra), PORCH_OK);
        assert_int_equal(ra, 0);
        assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.7", t, &ra), PORCH_OK);
        assert_int_equal(ra, 0);
        t += 2;
    }
    assert_int_equal(lockout_ip_fail(c, &p, TID, "192.0.2.7", t, &ra), PORCH_OK);
    assert_int_equal(ra, 300);
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.7", t + 100, &ra), PORCH_OK);
    assert_int_equal(ra, 200);
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.7", t + 299, &ra), PORCH_OK);
    assert_int_equal(ra, 1);
    /* other addresses and other tenants are not affected */
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.8", t, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    assert_int_equal(lockout_ip_check(c, &p, TID2, "192.0.2.7", t, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    /* the throttle ends, and so has the window: counting starts over */
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.7", t + 300, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    assert_int_equal(lockout_ip_fail(c, &p, TID, "192.0.2.7", t + 300, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.7", t + 300, &ra), PORCH_OK);
    assert_int_equal(ra, 0);

    /* failures spread thinner than the limit per window never throttle */
    for (int i = 0; i < 200; i++) {
        assert_int_equal(lockout_ip_fail(c, &p, TID, "198.51.100.1", NOW + i * 7, &ra), PORCH_OK);
        assert_int_equal(ra, 0);
    }
    fx_release(c);
}

static void ip_disabled(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t ra = -1;

    lockout_policy_default(&p);
    p.ip_limit = 0;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(lockout_ip_fail(c, &p, TID, "192.0.2.9", NOW, &ra), PORCH_OK);
        assert_int_equal(ra, 0);
    }
    assert_int_equal(lockout_ip_check(c, &p, TID, "192.0.2.9", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    fx_release(c);
}

static void ipv6_counts_by_prefix(void **state)
{
    struct db_conn *c = seed(state);
    struct lockout_policy p;
    int64_t ra = -1;

    lockout_policy_default(&p);
    p.ip_limit = 3;
    /* three addresses of one /64, spelled differently */
    assert_int_equal(lockout_ip_fail(c, &p, TID, "2001:db8:1:2::1", NOW, &ra), PORCH_OK);
    assert_int_equal(lockout_ip_fail(c, &p, TID, "2001:DB8:1:2:ffff:0:0:9", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    assert_int_equal(lockout_ip_check(c, &p, TID, "2001:db8:1:3::1", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    assert_int_equal(lockout_ip_fail(c, &p, TID, "2001:0db8:0001:0002:abcd::%eth0", NOW, &ra),
                     PORCH_OK);
    assert_int_equal(ra, 300);
    assert_int_equal(lockout_ip_check(c, &p, TID, "2001:db8:1:2:1:2:3:4", NOW + 1, &ra), PORCH_OK);
    assert_int_equal(ra, 299);
    assert_int_equal(lockout_ip_check(c, &p, TID, "2001:db8:1:3::1", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 0);

    /* IPv4-mapped IPv6 is the IPv4 address */
    assert_int_equal(lockout_ip_fail(c, &p, TID, "203.0.113.5", NOW, &ra), PORCH_OK);
    assert_int_equal(lockout_ip_fail(c, &p, TID, "::ffff:203.0.113.5", NOW, &ra), PORCH_OK);
    assert_int_equal(lockout_ip_fail(c, &p, TID, "::FFFF:cb00:7105", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 300);
    assert_int_equal(lockout_ip_check(c, &p, TID, "203.0.113.5", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 300);
    assert_int_equal(lockout_ip_check(c, &p, TID, "203.0.113.6", NOW, &ra), PORCH_OK);
    assert_int_equal(ra, 0);
    fx_release(c);
}

static void ip_names(void **state)
{
    static const char *const bad[] = {
        "",           "localhost", "1.2.3", "1.2.3.4.5",         "::g",
        "1.2.3.4/24", " 1.2.3.4",  "%eth0", "1:2:3:4:5:6:7:8:9", "2001:db8::1::2"};
    char name[STORE_COUNTER_NAME_MAX + 1];

    (void)state;
    assert_int_equal(ip_name("192.0.2.1", name), PORCH_OK);
    assert_string_equal(name, "signin-fail:ip:192.0.2.1");
    assert_int_equal(ip_name("2001:db8:0:0:1:2:3:4", name), PORCH_OK);
    assert_string_equal(name, "signin-fail:ip:2001:db8::/64");
    assert_int_equal(ip_name("::1", name), PORCH_OK);
    assert_string_equal(name, "signin-fail:ip:::/64");
    assert_int_equal(ip_name("fe80::1%eth0", name), PORCH_OK);
    assert_string_equal(name, "signin-fail:ip:fe80::/64");
    assert_int_equal(ip_name("::ffff:10.0.0.1", name), PORCH_OK);
    assert_string_equal(name, "signin-fail:ip:10.0.0.1");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(ip_name(bad[i], name), PORCH_E_INVALID);
    assert_int_equal(ip_name(NULL, name), PORCH_E_INVALID);
    /* longer than any address, even with a zone id: refused before parsing */
    assert_int_equal(
        ip_name("fe80::1%0123456789012345678901234567890123456789012345678901234567", name),
        PORCH_E_INVALID);
    assert_int_equal(user_name(UID, name), PORCH_OK);
    assert_string_equal(name, "signin-fail:user:" UID);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(policy_defaults_and_checks),
        cmocka_unit_test(ip_names),
    };
    const struct CMUnitTest tests[] = {
        T(waits_double_up_to_the_cap),
        T(per_account_per_tenant),
        T(attempts_are_counted_up_front),
        T(failures_are_forgotten_after_the_window),
        T(later_deadline_wins_and_disabled_never_locks),
        T(bad_arguments),
        T(ip_limit_throttles_for_the_window),
        T(ip_disabled),
        T(ipv6_counts_by_prefix),
    };
    int failed = cmocka_run_group_tests_name("lockout", plain, NULL, NULL);

    return failed + fx_run("lockout", tests, sizeof(tests) / sizeof(tests[0]));
}
