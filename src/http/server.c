/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's lifecycle: bind the listening socket ourselves (so a failure names the
 * address and errno), load the TLS files, start libmicrohttpd with its thread pool on epoll,
 * then wait for SIGTERM/SIGINT with sigtimedwait() in the calling thread. The signals are
 * blocked before the daemon starts, so its threads inherit the mask and only the caller ever
 * sees them. On a signal the daemon is quiesced (no new connections), in-flight requests get
 * up to drain_timeout seconds, and the daemon stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "http/server_int.h"
#include "core/banned.h"

#define CONNECTION_TIMEOUT_S 30
#define TLS_FILE_MAX         (1024 * 1024)
#define LISTEN_BACKLOG       1024
#define POOL_SLACK           (16 * 1024)

static atomic_bool stop_requested;
static atomic_bool running;
static atomic_uint bound_port;
static pthread_t run_thread;
/* Keeps server_stop() from signalling a thread that has already unblocked SIGTERM. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

void server_stop(void)
{
    pthread_mutex_lock(&run_lock);
    atomic_store(&stop_requested, true);
    if (atomic_load(&running))
        pthread_kill(run_thread, SIGTERM);
    pthread_mutex_unlock(&run_lock);
}

uint16_t server_port(void)
{
    return (uint16_t)atomic_load(&bound_port);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("libmicrohttpd: %s", msg);
}

/* Reads a whole PEM file into a NUL-terminated heap buffer. Caller frees. */
static enum porch_err read_pem(const char *path, char **out, struct porch_error *e)
{
    enum porch_err err = PORCH_E_IO;
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;

    *out = NULL;
    if (!f) {
        err =
            PORCH_ERROR_SET(e, PORCH_E_IO, "cannot read TLS file '%s': %s", path, strerror(errno));
        goto out;
    }
    buf = xmalloc(TLS_FILE_MAX + 1);
    n = fread(buf, 1, TLS_FILE_MAX + 1, f);
    if (ferror(f) || n == 0 || n > TLS_FILE_MAX) {
        err = PORCH_ERROR_SET(e, PORCH_E_IO,
                              "cannot read TLS file '%s': empty, unreadable "
                              "or larger than 1 MiB",
                              path);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    buf = NULL;
    err = PORCH_OK;
out:
    free(buf);
    if (f)
        fclose(f);
    return err;
}

static void free_secret(char *p)
{
    if (p) {
        explicit_bzero(p, strlen(p));
        free(p);
    }
}

static int bind_one(const struct addrinfo *ai)
{
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);

    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Records the port actually bound (listen_port 0 picks a free one, for tests). */
static void note_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET)
        atomic_store(&bound_port, ntohs(((struct sockaddr_in *)&ss)->sin_port));
    else if (ss.ss_family == AF_INET6)
        atomic_store(&bound_port, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
}

/* Resolves listen_host (numeric or a name) and binds the first address that works. */
static enum porch_err open_listener(const struct config *cfg, int *fd, bool *v6,
                                    struct porch_error *e)
{
    struct addrinfo hints = {0}, *res = NULL;
    char port[8];
    const char *host = cfg->listen_host;
    int rc, saved = 0;

    *fd = -1;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%u", (unsigned)cfg->listen_port);
    if (host && (host[0] == '\0' || strcmp(host, "*") == 0))
        host = NULL;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "cannot resolve listen address '%s': %s",
                               host ? host : "*", gai_strerror(rc));
    for (const struct addrinfo *ai = res; ai && *fd < 0; ai = ai->ai_next) {
        *fd = bind_one(ai);
        saved = errno;
        *v6 = ai->ai_family == AF_INET6;
    }
    freeaddrinfo(res);
    if (*fd < 0)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "cannot listen on '%s' port %u: %s",
                               host ? host : "*", (unsigned)cfg->listen_port, strerror(saved));
    note_port(*fd);
    return PORCH_OK;
}

static size_t pool_size(const struct config *cfg)
{
    size_t n = cfg->max_url + cfg->max_header_bytes + POOL_SLACK;

    return n < 32 * 1024 ? 32 * 1024 : n;
}

struct tls_pem {
    char *cert, *key;
};

static struct MHD_Daemon *start_daemon(struct server_state *st, int fd, bool v6,
                                       const struct tls_pem *pem)
{
    const struct config *cfg = st->srv->cfg;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_OptionItem opts[8];
    size_t n = 0;

    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    if (v6)
        flags |= MHD_USE_IPv6;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
    opts[n++] =
        (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool_size(cfg), NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT_S, NULL};
    if (cfg->threads > 1)
        opts[n++] =
            (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL};
    if (pem->cert) {
        flags |= MHD_USE_TLS;
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, pem->cert};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, pem->key};
    }
    opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(flags, 0, NULL, NULL, server_conn_access, st,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_URI_LOG_CALLBACK,
                            server_conn_uri, st, MHD_OPTION_NOTIFY_COMPLETED, server_conn_completed,
                            st, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

/* Blocks in the calling thread until SIGTERM, SIGINT or server_stop(). */
static void wait_for_stop(const sigset_t *set)
{
    struct timespec tick = {1, 0};

    while (!atomic_load(&stop_requested)) {
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT) {
            log_info("received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            break;
        }
    }
}

/* Stops accepting, waits for in-flight requests (at most drain_timeout s), stops. */
static void drain(struct server_state *st, struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    int64_t deadline = clock_mono_ms() + (int64_t)st->srv->cfg->drain_timeout * 1000;
    struct timespec pause = {0, 20 * 1000 * 1000};
    MHD_socket lfd;

    atomic_store(&st->draining, true);
    lfd = MHD_quiesce_daemon(d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    log_info("draining %u connections (%u requests in flight)", info ? info->num_connections : 0u,
             atomic_load(&st->inflight));
    while (atomic_load(&st->inflight) > 0 && clock_mono_ms() < deadline)
        nanosleep(&pause, NULL);
    if (atomic_load(&st->inflight) > 0)
        log_warn("drain timeout: %u requests still in flight", atomic_load(&st->inflight));
    MHD_stop_daemon(d);
    log_info("stopped");
}

/* Consumes signals that arrived for us while blocked, so restoring the mask cannot kill. */
static void flush_pending(const sigset_t *set)
{
    struct timespec zero = {0, 0};

    while (sigtimedwait(set, NULL, &zero) > 0)
        ;
}

static enum porch_err serve(struct server_state *st, int *fd, bool v6, const struct tls_pem *pem,
                            const sigset_t *set, struct porch_error *e)
{
    const struct config *cfg = st->srv->cfg;
    struct MHD_Daemon *d = start_daemon(st, *fd, v6, pem);

    if (!d)
        return PORCH_ERROR_SET(e, PORCH_E_IO, "cannot start the HTTP daemon on '%s' port %u",
                               cfg->listen_host ? cfg->listen_host : "*", (unsigned)server_port());
    *fd = -1; /* the daemon owns the socket now */
    log_info("listening on %s://%s%s%s:%u", st->tls ? "https" : "http", v6 ? "[" : "",
             cfg->listen_host && cfg->listen_host[0] ? cfg->listen_host : "*", v6 ? "]" : "",
             (unsigned)server_port());
    wait_for_stop(set);
    drain(st, d);
    return PORCH_OK;
}

enum porch_err server_run(struct porch_srv *srv, struct porch_error *e)
{
    struct server_state st = {.srv = srv, .tls = srv->cfg->tls_cert != NULL};
    struct tls_pem pem = {NULL, NULL};
    sigset_t set, old;
    enum porch_err err;
    bool v6 = false;
    int fd = -1;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    pthread_mutex_lock(&run_lock);
    run_thread = pthread_self();
    atomic_store(&running, true);
    pthread_mutex_unlock(&run_lock);
    if (st.tls) {
        err = read_pem(srv->cfg->tls_cert, &pem.cert, e);
        if (err == PORCH_OK)
            err = read_pem(srv->cfg->tls_key ? srv->cfg->tls_key : "", &pem.key, e);
        if (err != PORCH_OK)
            goto out;
    }
    err = open_listener(srv->cfg, &fd, &v6, e);
    if (err == PORCH_OK)
        err = serve(&st, &fd, v6, &pem, &set, e);
out:
    if (fd >= 0)
        close(fd);
    pthread_mutex_lock(&run_lock);
    atomic_store(&running, false);
    atomic_store(&bound_port, 0);
    atomic_store(&stop_requested, false);
    flush_pending(&set);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_unlock(&run_lock);
    free(pem.cert);
    free_secret(pem.key);
    return err;
}
