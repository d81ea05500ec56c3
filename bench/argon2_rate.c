/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine's argon2id ceiling at Porch's parameters: password verifications per second on
 * N threads for S seconds (bench/run.sh builds and runs it). A password sign-in costs one
 * verification, so sign-ins/s over this rate says how much of the budget the rest of the
 * sign-in (HTTP, store, pages, tokens) eats.
 *
 *   argon2_rate THREADS SECONDS
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/password.h"

static char hash[crypto_pwhash_STRBYTES];
static atomic_long done;
static atomic_int stop;

static void *worker(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        if (crypto_pwhash_str_verify(hash, "correct horse battery staple", 28) != 0)
            abort();
        atomic_fetch_add(&done, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    int secs = argc > 2 ? atoi(argv[2]) : 5;
    pthread_t t[256];
    struct timespec a, b;

    if (sodium_init() < 0 || n < 1 || n > 256 || secs < 1)
        return 2;
    if (crypto_pwhash_str_alg(hash, "correct horse battery staple", 28, PASSWORD_OPSLIMIT,
                              PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    struct timespec d = {secs, 0};
    nanosleep(&d, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.1f\n", (double)atomic_load(&done) /
                         ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9));
    return 0;
}
