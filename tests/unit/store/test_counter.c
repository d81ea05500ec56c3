/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the shared counters on every backend: increment-and-read, window restart, lock,
 * reset, tenant isolation, and 20 threads x 10 increments counting exactly 200.
 */
#include "unit.h"

#include <pthread.h>

#include "db/db.h"
#include "store/tenant.h"
#include "../db/fixture.h"
#include "../db/tenant_fixture.h"
#include "../../../src/store/counter.c"

#define TID  "0f6c3c4e-8d2a-4b1e-9a37-5c1d2e3f4a5b"
#define TID2 "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
#define NOW  1700000000
#define NAME "signin-fail:user:2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"

static struct db_conn *seed(void **state)
{
    struct db_conn *c = fx_conn(state);

    fx_add_tenant(c, TID, "contoso");
    fx_add_tenant(c, TID2, "fabrikam");
    return c;
}

static void hit_window_lock_reset(void **state)
{
    struct db_conn *c = seed(state);
    int64_t n = -1, until = -1;

    assert_int_equal(store_counter_get(c, TID, NAME, NOW, 60, &n, &until), PORCH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(until, 0);
    for (int64_t i = 1; i <= 3; i++) {
        assert_int_equal(store_counter_hit(c, TID, NAME, NOW + i, 60, &n, &until), PORCH_OK);
        assert_int_equal(n, i);
    }
    assert_int_equal(store_counter_hit(c, TID2, NAME, NOW, 60, &n, NULL), PORCH_OK);
    assert_int_equal(n, 1); /* per tenant */
    assert_int_equal(store_counter_get(c, TID, NAME, NOW + 59, 60, &n, NULL), PORCH_OK);
    assert_int_equal(n, 3);
    /* The window started at NOW + 1 and ends 60 s later: counting starts over. */
    assert_int_equal(store_counter_get(c, TID, NAME, NOW + 61, 60, &n, NULL), PORCH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_counter_hit(c, TID, NAME, NOW + 61, 60, &n, NULL), PORCH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_counter_hit(c, TID, NAME, NOW + 62, 60, &n, NULL), PORCH_OK);
    assert_int_equal(n, 2);

    assert_int_equal(store_counter_lock(c, TID, NAME, NOW + 62, NOW + 600), PORCH_OK);
    assert_int_equal(store_counter_hit(c, TID, NAME, NOW + 63, 60, &n, &until), PORCH_OK);
    assert_int_equal(n, 3); /* locking keeps the count */
    assert_int_equal(until, NOW + 600);
    assert_int_equal(store_counter_lock(c, TID, "ip:192.0.2.1", NOW, NOW + 30), PORCH_OK);
    assert_int_equal(store_counter_get(c, TID, "ip:192.0.2.1", NOW, 60, &n, &until), PORCH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(until, NOW + 30);

    assert_int_equal(store_counter_reset(c, TID, NAME), PORCH_OK);
    assert_int_equal(store_counter_get(c, TID, NAME, NOW + 63, 60, &n, &until), PORCH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(until, 0);
    assert_int_equal(store_counter_reset(c, TID, NAME), PORCH_OK);
    assert_int_equal(store_counter_hit(c, TID, "", NOW, 60, &n, NULL), PORCH_E_INVALID);
    assert_int_equal(store_counter_hit(c, TID, NAME, NOW, 0, &n, NULL), PORCH_E_INVALID);
    fx_release(c);
}

struct racer {
    struct db *db;
    pthread_barrier_t *go;
    enum porch_err result;
    int64_t max;
};

#define THREADS 20
#define HITS    10

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db_conn *c = NULL;
    int64_t n;

    pthread_barrier_wait(r->go);
    r->result = PORCH_OK;
    for (int i = 0; i < HITS && r->result == PORCH_OK; i++) {
        r->result = db_acquire(r->db, &c);
        if (r->result != PORCH_OK)
            break;
        r->result = store_counter_hit(c, TID, "ip:198.51.100.7", NOW, 3600, &n, NULL);
        if (r->result == PORCH_OK && n > r->max)
            r->max = n;
        db_release(c);
    }
    return NULL;
}

static void concurrent_hits_all_count(void **state)
{
    struct db_conn *c = seed(state);
    pthread_barrier_t go;
    pthread_t th[THREADS];
    struct racer r[THREADS];
    int64_t n = 0, max = 0;

    fx_release(c);
    pthread_barrier_init(&go, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        r[i] = (struct racer){*state, &go, PORCH_E_INTERNAL, 0};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(r[i].result, PORCH_OK);
        max = r[i].max > max ? r[i].max : max;
    }
    assert_int_equal(max, THREADS * HITS); /* some caller saw the final total */
    c = fx_conn(state);
    assert_int_equal(store_counter_get(c, TID, "ip:198.51.100.7", NOW, 3600, &n, NULL), PORCH_OK);
    assert_int_equal(n, THREADS * HITS);
    fx_release(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(hit_window_lock_reset),
        T(concurrent_hits_all_count),
    };

    return fx_run("counter", tests, sizeof(tests) / sizeof(tests[0]));
}
