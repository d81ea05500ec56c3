/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `porch serve`: wires the store, the caches and the HTTP server together and runs them,
 * with a background thread that purges expired sign-in state every --purge-interval seconds
 * (store/purge.h). The purge thread starts before the server and is stopped after it has
 * drained, while the store is still open; a failed purge (store down) is logged and retried at
 * the next interval. Every node runs its own purge; concurrent purges are harmless.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "http/server.h"
#include "oidc/oidc.h"
#include "store/purge.h"
#include "core/banned.h"

struct purger {
    struct db *db;
    unsigned interval;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on CLOCK_MONOTONIC, so wall-clock jumps do not matter */
    bool stop;           /* under lock */
    bool running;
};

static void purge_once(const struct purger *p)
{
    struct store_purge_counts n = {0};
    struct db_conn *c = NULL;
    enum porch_err err;

    err = db_acquire(p->db, &c);
    if (err == PORCH_OK) {
        err = store_purge_expired(c, clock_now(), &n);
        db_release(c);
    }
    if (store_purge_total(&n) > 0)
        log_info("purged expired rows: %" PRId64 " journeys, %" PRId64 " codes, %" PRId64
                 " refresh tokens, %" PRId64 " grants, %" PRId64 " sessions, %" PRId64
                 " counters, %" PRId64 " sign-in logs, %" PRId64 " passcodes",
                 n.journeys, n.auth_codes, n.refresh_tokens, n.token_grants, n.sso_sessions,
                 n.counters, n.signin_logs, n.otps);
    if (err != PORCH_OK)
        log_warn("cannot purge expired rows: %s; retrying in %u s", porch_err_str(err),
                 p->interval);
}

/* Waits one interval under p->lock (held). Returns false when asked to stop. */
static bool wait_interval(struct purger *p)
{
    struct timespec deadline;
    int rc = 0;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)p->interval;
    while (!p->stop && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&p->wake, &p->lock, &deadline);
    return !p->stop;
}

static void *purge_main(void *arg)
{
    struct purger *p = arg;

    pthread_mutex_lock(&p->lock);
    while (wait_interval(p)) {
        pthread_mutex_unlock(&p->lock);
        purge_once(p);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/*
 * Starts the purge thread unless interval is 0. SIGTERM and SIGINT are blocked while it is
 * created, so it inherits a mask that leaves them to server_run (http/server.h).
 */
static void purger_start(struct purger *p, struct db *db, unsigned interval)
{
    pthread_condattr_t attr;
    sigset_t set, old;

    *p = (struct purger){.db = db, .interval = interval};
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (interval == 0)
        return;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    p->running = pthread_create(&p->thread, NULL, purge_main, p) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!p->running)
        log_warn("cannot start the purge thread; expired rows will not be deleted");
}

/* Stops the purge thread, waiting for a purge in progress to finish. */
static void purger_stop(struct purger *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (p->running)
        pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
}

int cli_serve(struct cli *c)
{
    struct porch_srv srv = {0};
    struct porch_error e = {0};
    struct purger purger;
    enum porch_err err;

    if (cli_parse(c, NULL, NULL, 0))
        return 2;
    srv.cfg = &c->cfg;
    srv.db = c->db;
    srv.sb = c->sb;
    srv.oidc = oidc_new(&c->cfg, c->db, c->sb);
    purger_start(&purger, c->db, c->cfg.purge_interval);
    err = server_run(&srv, &e);
    purger_stop(&purger);
    oidc_free(srv.oidc);
    if (err != PORCH_OK)
        return cli_fail("%s", e.msg[0] ? e.msg : porch_err_str(err));
    return 0;
}
