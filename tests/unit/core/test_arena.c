/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "../../../src/core/arena.c"

static int cleanups;
static void count_cleanup(void *p)
{
    (void)p;
    cleanups++;
}

static void arena_allocates_aligned_and_frees_everything(void **state)
{
    struct arena *a = arena_new();
    (void)state;
    for (int i = 0; i < 1000; i++) {
        void *p = arena_alloc(a, (size_t)(i % 37) + 1);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)(i % 37) + 1);
    }
    /* a big allocation gets its own block and stays usable */
    char *big = arena_alloc(a, 100000);
    memset(big, 1, 100000);
    assert_true(arena_used(a) >= 100000);
    arena_free(a);
}

static void arena_runs_cleanups_on_free(void **state)
{
    struct arena *a = arena_new();
    int x, y;
    (void)state;
    cleanups = 0;
    assert_ptr_equal(arena_defer(a, count_cleanup, &x), &x);
    arena_defer(a, count_cleanup, &y);
    assert_null(arena_defer(a, count_cleanup, NULL));
    arena_free(a);
    assert_int_equal(cleanups, 2);
    arena_free(NULL);
}

static void arena_copies_strings(void **state)
{
    struct arena *a = arena_new();
    (void)state;
    assert_string_equal(arena_strdup(a, "hello"), "hello");
    assert_null(arena_strdup(a, NULL));
    assert_string_equal(arena_strndup(a, "hello", 3), "hel");
    assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
    char *z = arena_calloc(a, 10, 10);
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocates_aligned_and_frees_everything),
        cmocka_unit_test(arena_runs_cleanups_on_free),
        cmocka_unit_test(arena_copies_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
