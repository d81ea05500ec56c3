/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process configuration. One option table (config.c) feeds the config file, PORCH_*
 * environment variables and command-line flags, in that order of precedence (flags win).
 * Values are validated once into an immutable struct config; a bad value stops start-up
 * with one line naming the option.
 */
#ifndef PORCH_CONFIG_H
#define PORCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CONFIG_MAX_CIDRS 32

struct cidr {
    unsigned char addr[16]; /* IPv4 stored as IPv4-mapped IPv6 */
    unsigned prefix;        /* 0–128, in IPv6 terms */
};

struct config {
    char *config_file;        /* --config */
    char *listen;             /* host:port, [v6]:port */
    char *listen_host;        /* parsed from listen */
    uint16_t listen_port;
    char *public_url;         /* https://id.example.com (no trailing slash), or NULL */
    char *db;                 /* sqlite:PATH or postgres://… */
    char *data_dir;           /* where porch init/serve keep files (outbox, default DB) */
    char *master_key_file;
    char *tls_cert, *tls_key;
    struct cidr trust_proxy[CONFIG_MAX_CIDRS];
    size_t trust_proxy_n;
    char *log_level;
    unsigned threads;
    unsigned db_pool;         /* connections in the store pool */
    char *tenant_domain_suffix;
    unsigned key_activation_delay; /* seconds between publishing a new key and signing with it */
    unsigned token_lifetime;       /* access and ID token lifetime, seconds */
    unsigned discovery_cache_ttl;  /* seconds a tenant's discovery/JWKS document is cached */
    size_t max_url;          /* bytes in the request target */
    size_t max_header_bytes; /* bytes of all request headers together */
    unsigned max_headers;    /* number of request headers */
    size_t max_body;         /* default body limit for routes that take one */
    unsigned json_max_depth;
    unsigned drain_timeout;  /* seconds SIGTERM waits for in-flight requests */
    unsigned purge_interval; /* seconds between expiry purges (store/purge.h); 0 = none */
    /* Mail (outbound/mail.h). No smtp_url: development mode, messages go to outbox_dir. */
    char *smtp_url;           /* smtp://host:587 or smtps://host:465, or NULL */
    char *smtp_from;          /* bare address; required with smtp_url, else no-reply@localhost */
    char *smtp_username;      /* with smtp_password_file, or NULL */
    char *smtp_password_file; /* 0600 file holding the SMTP password (never a flag value) */
    char *smtp_password;      /* read from smtp_password_file at load; wiped by config_release */
    char *smtp_ca_file;       /* PEM bundle that verifies the SMTP server, or NULL: system store */
    bool smtp_starttls;       /* smtp:// must upgrade with STARTTLS (refuse a server without it) */
    char *outbox_dir;         /* development outbox (default DATA-DIR/outbox) */
};

/**
 * Fills cfg from defaults, the config file (the --config flag or PORCH_CONFIG), the
 * environment and argv. Flags not in the option table are left for the caller:
 * argv is rewritten in place to hold only them (*argc updated). On error, e->msg is a
 * one-line message naming the option. Caller frees with config_release().
 */
enum porch_err config_load(struct config *cfg, int *argc, char **argv, struct porch_error *e);
/** Frees every string owned by cfg. */
void config_release(struct config *cfg);
/** Writes "--flag VALUE  (PORCH_VAR, default)  meaning" lines for --help to f (a FILE *). */
void config_usage(void *f);
/** True when addr (text IPv4 or IPv6) lies in one of the CIDRs. */
bool config_ip_trusted(const struct config *cfg, const char *addr);
/** Parses "10.0.0.0/8", "::1", "192.168.1.5" into c. 0 on success, -1 otherwise. */
int config_parse_cidr(const char *s, struct cidr *c);
/** Writes the option table as a Markdown table (for docs/configuration.md) to f. */
void config_markdown(void *f);

#endif
