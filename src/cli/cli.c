/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command table, global option handling, and setup/teardown of the store and master key
 * for the commands that need them (git's commands[] with RUN_SETUP-style flags).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "crypto/secretbox.h"
#include "db/db.h"
#include "core/banned.h"

static int cmd_version(struct cli *c);
static int cmd_help(struct cli *c);

static const struct cli_cmd commands[] = {
    {"serve", cli_serve, NEED_CONFIG | NEED_STORE | NEED_MASTER_KEY,
     "porch serve [options]\n"
     "Serves the OpenID Connect endpoints, hosted pages and management API until SIGTERM.\n"},
    {"init", cli_init, NEED_CONFIG | NEED_STORE | NEED_MASTER_KEY,
     "porch init --tenant-name NAME --subdomain SUB [--country CC] [--demo-user EMAIL]\n"
     "           [--json] [options]\n"
     "Creates the store (if needed) and a tenant with its signing key, a bootstrap admin\n"
     "client for the management API (prints its clientId and clientSecret once) and the\n"
     "\"Porch token viewer\" app, whose page /TENANT-ID/tokenviewer signs in and shows the\n"
     "tokens. --demo-user creates a local account with that email and a random password,\n"
     "printed once.\n"},
    {"tenant", cli_tenant, NEED_CONFIG | NEED_STORE | NEED_MASTER_KEY,
     "porch tenant create --tenant-name NAME --subdomain SUB [--country CC]\n"
     "                    [--demo-user EMAIL] [--json]\n"
     "porch tenant list [--json]\n"
     "porch tenant show TENANT [--json]\n"
     "Creates, lists and shows tenants. TENANT is an id, subdomain or default domain.\n"},
    {"keys", cli_keys, NEED_CONFIG | NEED_STORE | NEED_MASTER_KEY,
     "porch keys rotate --tenant TENANT [--activation-delay SECONDS] [--json]\n"
     "Adds a signing key that is published at once and signs after the delay\n"
     "(default --key-activation-delay); older keys stay published until their tokens expire.\n"},
    {"db", cli_db, NEED_CONFIG | NEED_STORE,
     "porch db migrate [options]\n"
     "Applies pending schema migrations (serve and init also do this at start-up).\n"},
    {"backup", cli_backup, NEED_CONFIG | NEED_STORE,
     "porch backup --to FILE [options]\n"
     "Writes a consistent copy of the SQLite store to a new file (mode 0600) while porch serve\n"
     "keeps running. PostgreSQL stores are backed up with pg_dump.\n"},
    {"version", cmd_version, 0, "porch version\nPrints the version.\n"},
    {"help", cmd_help, 0,
     "porch help [COMMAND|options]\n"
     "Shows help for a command; 'options' prints the option table as Markdown.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("porch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int cli_usage(const struct cli_cmd *cmd)
{
    printf("usage: %s\n", cmd->usage);
    if (cmd->needs & NEED_CONFIG)
        config_usage(stdout);
    return 0;
}

static void usage_all(FILE *f)
{
    fprintf(f, "usage: porch <command> [options]\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t n = strcspn(commands[i].usage, "\n");
        fprintf(f, "  %.*s\n", (int)n, commands[i].usage);
    }
    fprintf(f, "\nRun 'porch <command> --help' for the options of a command.\n");
}

static const struct cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static int cmd_version(struct cli *c)
{
    (void)c;
    printf("porch %s\n", PORCH_VERSION);
    return 0;
}

static int cmd_help(struct cli *c)
{
    const struct cli_cmd *cmd = c->argc > 1 ? find_cmd(c->argv[1]) : NULL;

    if (c->argc > 1 && strcmp(c->argv[1], "options") == 0) {
        config_markdown(stdout);
        return 0;
    }
    if (c->argc > 1 && !cmd) {
        fprintf(stderr, "porch: unknown command '%s'\n", c->argv[1]);
        return 2;
    }
    if (cmd)
        return cli_usage(cmd);
    usage_all(stdout);
    return 0;
}

int cli_parse(struct cli *c, const struct cli_opt *opts, const char **pos, int npos)
{
    int np = 0;

    for (int i = 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        const struct cli_opt *o = NULL;

        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (np >= npos) {
                fprintf(stderr, "porch: unexpected argument '%s'\n", a);
                return 2;
            }
            pos[np++] = a;
            continue;
        }
        for (const struct cli_opt *p = opts; p && p->name; p++) {
            size_t n = strlen(p->name);
            if (strncmp(a + 2, p->name, n) == 0 && (a[2 + n] == '\0' || a[2 + n] == '='))
                o = p;
        }
        if (!o) {
            fprintf(stderr, "porch: unknown option '%s'\n", a);
            return 2;
        }
        if (o->flag) {
            *o->flag = true;
        } else if (strchr(a, '=')) {
            *o->value = strchr(a, '=') + 1;
        } else if (i + 1 < c->argc) {
            *o->value = c->argv[++i];
        } else {
            fprintf(stderr, "porch: --%s: missing value\n", o->name);
            return 2;
        }
    }
    return 0;
}

static int setup(struct cli *c, unsigned needs)
{
    struct porch_error e = {0};
    enum log_level lvl;

    if (c->cfg.log_level && log_level_parse(c->cfg.log_level, &lvl) == 0)
        log_set_level(lvl);
    if (needs & NEED_STORE) {
        int applied = 0;
        if (db_open(c->cfg.db, c->cfg.db_pool, &c->db, &e) != PORCH_OK)
            return cli_fail("--db: %s", e.msg[0] ? e.msg : "cannot open the store");
        if (db_migrate(c->db, &applied, &e) != PORCH_OK)
            return cli_fail("cannot migrate the store: %s", e.msg[0] ? e.msg : "failed");
        c->migrations_applied = applied;
        if (applied)
            log_info("applied %d migration(s)", applied);
    }
    if (needs & NEED_MASTER_KEY) {
        if (secretbox_load(getenv("PORCH_MASTER_KEY"), c->cfg.master_key_file, &c->sb, &e) !=
            PORCH_OK)
            return cli_fail("--master-key-file: %s", e.msg[0] ? e.msg : "cannot load the key");
    }
    return 0;
}

static void teardown(struct cli *c)
{
    secretbox_free(c->sb);
    db_free(c->db);
    config_release(&c->cfg);
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

int cli_main(int argc, char **argv)
{
    const struct cli_cmd *cmd;
    struct cli c;
    struct porch_error e = {0};
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage_all(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        argv[1] = (char *)(uintptr_t) "version";
    cmd = find_cmd(argv[1]);
    if (!cmd) {
        fprintf(stderr, "porch: unknown command '%s' (see 'porch --help')\n", argv[1]);
        return 2;
    }
    if (wants_help(argc - 1, argv + 1))
        return cli_usage(cmd);
    memset(&c, 0, sizeof(c));
    c.argc = argc - 1;
    c.argv = argv + 1;
    if ((cmd->needs & NEED_CONFIG) && config_load(&c.cfg, &c.argc, c.argv, &e) != PORCH_OK) {
        fprintf(stderr, "porch: %s\n", e.msg);
        return 2;
    }
    rc = setup(&c, cmd->needs);
    if (rc == 0)
        rc = cmd->fn(&c);
    teardown(&c);
    return rc;
}
