/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The option table and its three readers. Each row names an option once; the flag is
 * "--" + name, the environment variable is "PORCH_" + NAME with '-' as '_', and the config
 * file uses the bare name ("listen 0.0.0.0:8080"). Sources are layered defaults < file <
 * environment < flags, and every value is validated once, here, into struct config.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

enum opt_type { OPT_STR, OPT_UINT, OPT_SIZE, OPT_CIDRS, OPT_LEVEL, OPT_BOOL };

struct opt {
    const char *name;
    enum opt_type type;
    size_t offset;
    const char *def; /* NULL: unset unless derived */
    unsigned long min, max;
    const char *help;
};

#define O(f) offsetof(struct config, f)

static const struct opt opts[] = {
    {"config", OPT_STR, O(config_file), NULL, 0, 0, "configuration file of \"name value\" lines"},
    {"listen", OPT_STR, O(listen), "127.0.0.1:8080", 0, 0, "address and port to serve on (HOST:PORT, [V6]:PORT)"},
    {"public-url", OPT_STR, O(public_url), NULL, 0, 0,
     "external base URL of this server, used in issuers and endpoint URLs (default: http(s)://LISTEN)"},
    {"data-dir", OPT_STR, O(data_dir), "./porch-data", 0, 0, "directory for the default database, master key and outbox"},
    {"db", OPT_STR, O(db), NULL, 0, 0, "store: sqlite:PATH or postgres://… (default: sqlite:DATA-DIR/porch.db)"},
    {"master-key-file", OPT_STR, O(master_key_file), NULL, 0, 0,
     "file with the key that encrypts secrets at rest, created 0600 if missing (default: DATA-DIR/master.key; PORCH_MASTER_KEY overrides)"},
    {"tls-cert", OPT_STR, O(tls_cert), NULL, 0, 0, "PEM certificate chain; with --tls-key, serve https directly"},
    {"tls-key", OPT_STR, O(tls_key), NULL, 0, 0, "PEM private key for --tls-cert"},
    {"trust-proxy", OPT_CIDRS, 0, NULL, 0, 0,
     "CIDR of a reverse proxy whose X-Forwarded-For/-Proto/-Host headers are believed (repeatable; comma-separated in the environment)"},
    {"log-level", OPT_LEVEL, O(log_level), "info", 0, 0, "error, warn, info or debug"},
    {"threads", OPT_UINT, O(threads), "0", 0, 256, "HTTP worker threads (0: one per CPU, at least 2)"},
    {"db-pool", OPT_UINT, O(db_pool), "0", 0, 1024, "store connections (0: threads + 2)"},
    {"tenant-domain-suffix", OPT_STR, O(tenant_domain_suffix), "porch.localhost", 0, 0,
     "suffix of each tenant's default domain (<subdomain>.<suffix>)"},
    {"key-activation-delay", OPT_UINT, O(key_activation_delay), "3600", 0, 30 * 86400,
     "seconds a rotated signing key is published in JWKS before it signs, so relying parties can pick it up"},
    {"token-lifetime", OPT_UINT, O(token_lifetime), "3600", 300, 86400, "access and ID token lifetime in seconds"},
    {"discovery-cache-ttl", OPT_UINT, O(discovery_cache_ttl), "60", 0, 3600,
     "seconds a tenant's discovery and JWKS documents are cached in memory"},
    {"max-url", OPT_SIZE, O(max_url), "8192", 256, 65536, "longest request target in bytes (414 beyond)"},
    {"max-header-bytes", OPT_SIZE, O(max_header_bytes), "16384", 1024, 262144,
     "largest total size of request headers in bytes (431 beyond)"},
    {"max-headers", OPT_UINT, O(max_headers), "64", 8, 1024, "most request headers (431 beyond)"},
    {"max-body", OPT_SIZE, O(max_body), "1048576", 1024, 67108864,
     "largest request body in bytes for routes that take one (413 beyond; some routes set less)"},
    {"json-max-depth", OPT_UINT, O(json_max_depth), "32", 2, 256, "deepest nesting accepted in JSON bodies"},
    {"drain-timeout", OPT_UINT, O(drain_timeout), "20", 0, 600,
     "seconds SIGTERM waits for in-flight requests before stopping"},
    {"purge-interval", OPT_UINT, O(purge_interval), "600", 0, 86400,
     "seconds between deletions of expired sessions, journeys, codes, tokens and lockout counters, and of sign-in logs older than 30 days (0: never)"},
    {"smtp-url", OPT_STR, O(smtp_url), NULL, 0, 0,
     "SMTP server for mail: smtp://HOST:587 (STARTTLS) or smtps://HOST:465 (implicit TLS); unset: development mode, mail is written to --outbox-dir"},
    {"smtp-from", OPT_STR, O(smtp_from), NULL, 0, 0,
     "sender address of every mail, e.g. no-reply@contoso.com (required with --smtp-url; default without it: no-reply@localhost)"},
    {"smtp-username", OPT_STR, O(smtp_username), NULL, 0, 0,
     "SMTP user name; needs --smtp-password-file"},
    {"smtp-password-file", OPT_STR, O(smtp_password_file), NULL, 0, 0,
     "file (mode 0600) holding the SMTP password, read at start-up; passwords are never given as flags"},
    {"smtp-ca-file", OPT_STR, O(smtp_ca_file), NULL, 0, 0,
     "PEM bundle that verifies the SMTP server's certificate (default: the system store)"},
    {"smtp-starttls", OPT_BOOL, O(smtp_starttls), "true", 0, 0,
     "with smtp://, require STARTTLS and refuse a server that does not offer it (false: plain SMTP, only without credentials)"},
    {"outbox-dir", OPT_STR, O(outbox_dir), NULL, 0, 0,
     "development mode (no --smtp-url): directory, created 0700, that receives each mail as an .eml file (default: DATA-DIR/outbox)"},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* Raw values gathered from the sources; the last source to set one wins. */
struct raw {
    char *val[NOPTS];
};

static void raw_set(struct raw *r, size_t i, const char *v)
{
    free(r->val[i]);
    r->val[i] = xstrdup(v);
}

static void raw_append(struct raw *r, size_t i, const char *v, int *fresh)
{
    /* repeated list flags accumulate; the first flag replaces what file/env said */
    if (*fresh || !r->val[i]) {
        raw_set(r, i, v);
        *fresh = 0;
        return;
    }
    size_t n = strlen(r->val[i]) + strlen(v) + 2;
    char *s = xmalloc(n);
    snprintf(s, n, "%s,%s", r->val[i], v);
    free(r->val[i]);
    r->val[i] = s;
}

static const struct opt *find_opt(const char *name, size_t len, size_t *idx)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) {
            *idx = i;
            return &opts[i];
        }
    }
    return NULL;
}

static void env_name(const char *name, char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "PORCH_");
    for (; *name && o + 1 < n; name++)
        out[o++] = *name == '-' ? '_' : (char)toupper((unsigned char)*name);
    out[o] = '\0';
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static enum porch_err read_file(struct raw *r, const char *path, struct porch_error *e)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    unsigned lineno = 0;
    enum porch_err err = PORCH_OK;

    if (!f)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--config: cannot open '%s': %s", path,
                               strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        char *s = trim(line), *v;
        size_t idx, nlen;
        int fresh = 0;

        lineno++;
        if (*s == '\0' || *s == '#')
            continue;
        nlen = strcspn(s, " \t=");
        v = trim(s + nlen + (s[nlen] ? 1 : 0));
        if (*v == '=')
            v = trim(v + 1);
        if (!find_opt(s, nlen, &idx) || idx == 0) {
            err = PORCH_ERROR_SET(e, PORCH_E_INVALID, "--config: %s:%u: unknown option '%.*s'",
                                  path, lineno, (int)nlen, s);
            break;
        }
        if (opts[idx].type == OPT_CIDRS)
            raw_append(r, idx, v, &fresh);
        else
            raw_set(r, idx, v);
    }
    fclose(f);
    return err;
}

static void read_env(struct raw *r)
{
    char name[64];
    for (size_t i = 1; i < NOPTS; i++) {
        const char *v;
        env_name(opts[i].name, name, sizeof(name));
        v = getenv(name);
        if (v && *v)
            raw_set(r, i, v);
    }
}

/*
 * Takes table options out of argv (both "--name value" and "--name=value"), leaving the
 * rest in order for the subcommand's own parser.
 */
static enum porch_err read_flags(struct raw *r, int *argc, char **argv, struct porch_error *e)
{
    int in = 1, out = 1, fresh_list = 1;

    while (in < *argc) {
        const char *a = argv[in], *eq, *v;
        size_t idx;

        if (strcmp(a, "--") == 0) {
            while (in < *argc)
                argv[out++] = argv[in++];
            break;
        }
        eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (strncmp(a, "--", 2) != 0 ||
            !find_opt(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2), &idx)) {
            argv[out++] = argv[in++];
            continue;
        }
        if (eq) {
            v = eq + 1;
            in++;
        } else if (in + 1 < *argc) {
            v = argv[in + 1];
            in += 2;
        } else {
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: missing value", opts[idx].name);
        }
        if (opts[idx].type == OPT_CIDRS)
            raw_append(r, idx, v, &fresh_list);
        else
            raw_set(r, idx, v);
    }
    *argc = out;
    argv[out] = NULL;
    return PORCH_OK;
}

static int parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int config_parse_cidr(const char *s, struct cidr *c)
{
    char buf[INET6_ADDRSTRLEN + 8];
    char *slash;
    unsigned long prefix;
    struct in_addr v4;
    int is_v4;

    if (strlen(s) >= sizeof(buf))
        return -1;
    snprintf(buf, sizeof(buf), "%s", s);
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(c, 0, sizeof(*c));
    is_v4 = inet_pton(AF_INET, buf, &v4) == 1;
    if (is_v4) {
        c->addr[10] = c->addr[11] = 0xff;
        memcpy(c->addr + 12, &v4, 4);
    } else if (inet_pton(AF_INET6, buf, c->addr) != 1) {
        return -1;
    }
    prefix = is_v4 ? 32 : 128;
    if (slash && (parse_ulong(slash + 1, &prefix) || prefix > (is_v4 ? 32ul : 128ul)))
        return -1;
    c->prefix = (unsigned)(is_v4 ? prefix + 96 : prefix);
    return 0;
}

static bool cidr_contains(const struct cidr *c, const unsigned char a[16])
{
    unsigned full = c->prefix / 8, rest = c->prefix % 8;

    if (memcmp(c->addr, a, full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (c->addr[full] & mask) == (a[full] & mask);
}

bool config_ip_trusted(const struct config *cfg, const char *addr)
{
    struct cidr one;

    if (cfg->trust_proxy_n == 0 || config_parse_cidr(addr, &one) != 0)
        return false;
    for (size_t i = 0; i < cfg->trust_proxy_n; i++) {
        if (cidr_contains(&cfg->trust_proxy[i], one.addr))
            return true;
    }
    return false;
}

static enum porch_err set_cidrs(struct config *cfg, const char *list, struct porch_error *e)
{
    char *copy = xstrdup(list), *p = copy, *tok;
    enum porch_err err = PORCH_OK;

    while ((tok = strsep(&p, ",")) != NULL) {
        tok = trim(tok);
        if (*tok == '\0')
            continue;
        if (cfg->trust_proxy_n == CONFIG_MAX_CIDRS) {
            err = PORCH_ERROR_SET(e, PORCH_E_INVALID, "--trust-proxy: at most %d ranges",
                                  CONFIG_MAX_CIDRS);
            break;
        }
        if (config_parse_cidr(tok, &cfg->trust_proxy[cfg->trust_proxy_n]) != 0) {
            err = PORCH_ERROR_SET(e, PORCH_E_INVALID, "--trust-proxy: '%s' is not an IP or CIDR",
                                  tok);
            break;
        }
        cfg->trust_proxy_n++;
    }
    free(copy);
    return err;
}

static enum porch_err parse_bool(const struct opt *o, const char *v, bool *out,
                                 struct porch_error *e)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return PORCH_OK;
        }
    }
    return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: must be true or false", o->name);
}

static enum porch_err apply(struct config *cfg, const struct opt *o, const char *v,
                            struct porch_error *e)
{
    char *slot = (char *)cfg + o->offset;
    unsigned long n;
    enum log_level lvl;

    switch (o->type) {
    case OPT_STR:
        if (*v == '\0')
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: must not be empty", o->name);
        *(char **)(void *)slot = xstrdup(v);
        return PORCH_OK;
    case OPT_LEVEL:
        if (log_level_parse(v, &lvl) != 0)
            return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                                   "--%s: must be one of error, warn, info, debug", o->name);
        *(char **)(void *)slot = xstrdup(v);
        return PORCH_OK;
    case OPT_UINT:
    case OPT_SIZE:
        if (parse_ulong(v, &n) || n < o->min || n > o->max)
            return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: must be a number from %lu to %lu",
                                   o->name, o->min, o->max);
        if (o->type == OPT_UINT)
            *(unsigned *)(void *)slot = (unsigned)n;
        else
            *(size_t *)(void *)slot = (size_t)n;
        return PORCH_OK;
    case OPT_CIDRS:
        return set_cidrs(cfg, v, e);
    case OPT_BOOL:
        return parse_bool(o, v, (bool *)(void *)slot, e);
    }
    return PORCH_OK;
}

static enum porch_err parse_listen(struct config *cfg, struct porch_error *e)
{
    const char *l = cfg->listen, *colon;
    unsigned long port;
    size_t hlen;
    unsigned char tmp[16];

    if (l[0] == '[') {
        const char *close = strchr(l, ']');
        if (!close || close[1] != ':')
            goto bad;
        colon = close + 1;
        hlen = (size_t)(close - l - 1);
        cfg->listen_host = xstrndup(l + 1, hlen);
        if (inet_pton(AF_INET6, cfg->listen_host, tmp) != 1)
            goto bad;
    } else {
        colon = strrchr(l, ':');
        if (!colon || colon == l)
            goto bad;
        cfg->listen_host = xstrndup(l, (size_t)(colon - l));
        if (inet_pton(AF_INET, cfg->listen_host, tmp) != 1 &&
            strcmp(cfg->listen_host, "localhost") != 0)
            goto bad;
    }
    if (parse_ulong(colon + 1, &port) || port == 0 || port > 65535)
        goto bad;
    cfg->listen_port = (uint16_t)port;
    return PORCH_OK;
bad:
    return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                           "--listen: '%s' is not HOST:PORT (an IP address and a port 1-65535)", l);
}

static char *join_path(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *s = xmalloc(n);
    snprintf(s, n, "%s/%s", dir, file);
    return s;
}

static enum porch_err check_public_url(struct config *cfg, struct porch_error *e)
{
    char *u = cfg->public_url;
    size_t len;
    const char *host;

    if (strncmp(u, "https://", 8) == 0)
        host = u + 8;
    else if (strncmp(u, "http://", 7) == 0)
        host = u + 7;
    else
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--public-url: must start with https:// or http://");
    if (*host == '\0' || *host == '/' || strpbrk(u, "?#") || strpbrk(u, " \t\r\n\"<>\\"))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--public-url: must be a base URL without query, fragment or spaces");
    len = strlen(u);
    while (len > 0 && u[len - 1] == '/')
        u[--len] = '\0';
    return PORCH_OK;
}

/* A bare address that is safe in an SMTP command and a header; outbound/mail.c checks again. */
static bool bare_address(const char *s)
{
    const char *at = strchr(s, '@');

    if (!at || at == s || at[1] == '\0' || strchr(at + 1, '@') || strlen(s) > 254)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c == 0x7f || strchr("<>()[]\\,;:\"", c))
            return false;
    }
    return true;
}

/* Reads until EOF or n bytes into buf. 0 on success (*len set), -1 with errno on failure. */
static int read_upto(int fd, char *buf, size_t n, size_t *len)
{
    *len = 0;
    while (*len < n) {
        ssize_t got = read(fd, buf + *len, n - *len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        *len += (size_t)got;
    }
    return 0;
}

/*
 * Reads the SMTP password: a regular file of ours (or root's) that nobody else can read, at
 * most 1 KiB, one line (a final newline is dropped), no control characters.
 */
static enum porch_err read_password(struct config *cfg, struct porch_error *e)
{
    const char *path = cfg->smtp_password_file;
    char buf[1025];
    size_t len = 0;
    struct stat st;
    enum porch_err err = PORCH_E_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--smtp-password-file: cannot open '%s': %s",
                               path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_uid != geteuid() && st.st_uid != 0) ||
        (st.st_mode & (S_IRWXG | S_IRWXO))) {
        PORCH_ERROR_SET(e, err,
                        "--smtp-password-file: '%s' must be a regular file of this user that "
                        "group and others cannot access (chmod 600)",
                        path);
        goto out;
    }
    if (read_upto(fd, buf, sizeof(buf), &len) != 0) {
        err = PORCH_ERROR_SET(e, PORCH_E_IO, "--smtp-password-file: cannot read '%s': %s", path,
                              strerror(errno));
        goto out;
    }
    if (len == sizeof(buf)) {
        PORCH_ERROR_SET(e, err, "--smtp-password-file: '%s' is longer than 1024 bytes", path);
        goto out;
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)buf[i] < ' ' || buf[i] == 0x7f) {
            PORCH_ERROR_SET(e, err, "--smtp-password-file: '%s' must hold one line", path);
            goto out;
        }
    }
    if (len == 0) {
        PORCH_ERROR_SET(e, err, "--smtp-password-file: '%s' is empty", path);
        goto out;
    }
    cfg->smtp_password = xstrndup(buf, len);
    err = PORCH_OK;
out:
    explicit_bzero(buf, sizeof(buf));
    close(fd);
    return err;
}

static enum porch_err derive_mail(struct config *cfg, struct porch_error *e)
{
    const char *u = cfg->smtp_url;
    bool smtps = u && strncmp(u, "smtps://", 8) == 0;

    if (!cfg->outbox_dir)
        cfg->outbox_dir = join_path(cfg->data_dir, "outbox");
    if (u && !smtps && strncmp(u, "smtp://", 7) != 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--smtp-url: must be smtp://HOST[:PORT] or smtps://HOST[:PORT]");
    if (u && (u[smtps ? 8 : 7] == '\0' || u[smtps ? 8 : 7] == '/' || strpbrk(u, " \t\r\n")))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--smtp-url: needs a host and no spaces");
    /* a password in the URL would show in process listings; it belongs in the password file */
    if (u && strcspn(u + (smtps ? 8 : 7), "/") > strcspn(u + (smtps ? 8 : 7), "@"))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--smtp-url: no user name or password in the URL; use "
                               "--smtp-username and --smtp-password-file");
    if (!u && (cfg->smtp_username || cfg->smtp_password_file || cfg->smtp_ca_file))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: needs --smtp-url",
                               cfg->smtp_username        ? "smtp-username"
                               : cfg->smtp_password_file ? "smtp-password-file"
                                                         : "smtp-ca-file");
    if (u && !cfg->smtp_from)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--smtp-from: required with --smtp-url");
    if (!cfg->smtp_from)
        cfg->smtp_from = xstrdup("no-reply@localhost");
    if (!bare_address(cfg->smtp_from))
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--smtp-from: must be a bare address such as no-reply@example.com");
    if (!cfg->smtp_username != !cfg->smtp_password_file)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: required together with --%s",
                               cfg->smtp_username ? "smtp-password-file" : "smtp-username",
                               cfg->smtp_username ? "smtp-username" : "smtp-password-file");
    if (cfg->smtp_username && !smtps && !cfg->smtp_starttls)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--smtp-starttls: credentials are never sent without TLS; use "
                               "smtps:// or keep STARTTLS on");
    return cfg->smtp_password_file ? read_password(cfg, e) : PORCH_OK;
}

/* Fills the options whose defaults depend on others, then checks combinations. */
static enum porch_err derive(struct config *cfg, struct porch_error *e)
{
    enum porch_err err = parse_listen(cfg, e);
    long ncpu;

    if (err != PORCH_OK)
        return err;
    if (!cfg->db) {
        char *path = join_path(cfg->data_dir, "porch.db");
        size_t n = strlen(path) + 8;
        cfg->db = xmalloc(n);
        snprintf(cfg->db, n, "sqlite:%s", path);
        free(path);
    }
    if (strncmp(cfg->db, "sqlite:", 7) != 0 && strncmp(cfg->db, "postgres://", 11) != 0 &&
        strncmp(cfg->db, "postgresql://", 13) != 0)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID,
                               "--db: must be sqlite:PATH, postgres://… or postgresql://…");
    if (!cfg->master_key_file)
        cfg->master_key_file = join_path(cfg->data_dir, "master.key");
    if (!cfg->tls_cert != !cfg->tls_key)
        return PORCH_ERROR_SET(e, PORCH_E_INVALID, "--%s: required together with --%s",
                               cfg->tls_cert ? "tls-key" : "tls-cert",
                               cfg->tls_cert ? "tls-cert" : "tls-key");
    if (!cfg->public_url) {
        size_t n = strlen(cfg->listen) + 16;
        cfg->public_url = xmalloc(n);
        snprintf(cfg->public_url, n, "%s://%s", cfg->tls_cert ? "https" : "http", cfg->listen);
    }
    err = check_public_url(cfg, e);
    if (err != PORCH_OK)
        return err;
    if (cfg->threads == 0) {
        ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->threads = ncpu < 2 ? 2 : (ncpu > 64 ? 64 : (unsigned)ncpu);
    }
    if (cfg->db_pool == 0)
        cfg->db_pool = cfg->threads + 2;
    return derive_mail(cfg, e);
}

static enum porch_err apply_all(struct config *cfg, struct raw *r, struct porch_error *e)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const char *v = r->val[i] ? r->val[i] : opts[i].def;
        enum porch_err err;

        if (!v)
            continue;
        err = apply(cfg, &opts[i], v, e);
        if (err != PORCH_OK)
            return err;
    }
    return derive(cfg, e);
}

enum porch_err config_load(struct config *cfg, int *argc, char **argv, struct porch_error *e)
{
    struct raw flags = {{0}}, merged = {{0}};
    enum porch_err err;
    const char *file;

    memset(cfg, 0, sizeof(*cfg));
    err = read_flags(&flags, argc, argv, e);
    if (err != PORCH_OK)
        goto out;
    file = flags.val[0] ? flags.val[0] : getenv("PORCH_CONFIG");
    if (file && *file) {
        err = read_file(&merged, file, e);
        if (err != PORCH_OK)
            goto out;
        raw_set(&merged, 0, file);
    }
    read_env(&merged);
    for (size_t i = 0; i < NOPTS; i++) {
        if (flags.val[i])
            raw_set(&merged, i, flags.val[i]);
    }
    err = apply_all(cfg, &merged, e);
out:
    for (size_t i = 0; i < NOPTS; i++) {
        free(flags.val[i]);
        free(merged.val[i]);
    }
    if (err != PORCH_OK)
        config_release(cfg);
    return err;
}

void config_release(struct config *cfg)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (opts[i].type == OPT_STR || opts[i].type == OPT_LEVEL) {
            char **slot = (char **)(void *)((char *)cfg + opts[i].offset);
            free(*slot);
            *slot = NULL;
        }
    }
    free(cfg->listen_host);
    cfg->listen_host = NULL;
    if (cfg->smtp_password) {
        explicit_bzero(cfg->smtp_password, strlen(cfg->smtp_password));
        free(cfg->smtp_password);
        cfg->smtp_password = NULL;
    }
    cfg->trust_proxy_n = 0;
}

void config_usage(void *fp)
{
    FILE *f = fp;
    char env[64];

    fprintf(f, "Options (also PORCH_* environment variables and --config file lines):\n");
    for (size_t i = 0; i < NOPTS; i++) {
        env_name(opts[i].name, env, sizeof(env));
        fprintf(f, "  --%-22s %s", opts[i].name, opts[i].help);
        if (opts[i].def)
            fprintf(f, " [%s]", opts[i].def);
        fprintf(f, "\n");
    }
}

void config_markdown(void *fp)
{
    FILE *f = fp;
    char env[64];

    fprintf(f, "| Flag | Environment | Default | Meaning |\n|---|---|---|---|\n");
    for (size_t i = 0; i < NOPTS; i++) {
        env_name(opts[i].name, env, sizeof(env));
        fprintf(f, "| `--%s` | `%s` | %s%s%s | %s |\n", opts[i].name, i == 0 ? "PORCH_CONFIG" : env,
                opts[i].def ? "`" : "", opts[i].def ? opts[i].def : "—",
                opts[i].def ? "`" : "", opts[i].help);
    }
}
