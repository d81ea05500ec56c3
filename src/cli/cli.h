/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The `porch <cmd> [<sub>] [options]` dispatcher and what every command shares: the loaded
 * configuration, the store and the master key, set up according to what the command needs.
 */
#ifndef PORCH_CLI_H
#define PORCH_CLI_H

#include <stdbool.h>

#include "core/config.h"

struct db;
struct secretbox;

enum cli_needs {
    NEED_CONFIG = 1 << 0,     /* parse global options */
    NEED_STORE = 1 << 1,      /* open the store and apply migrations */
    NEED_MASTER_KEY = 1 << 2, /* load (or create) the master key */
};

struct cli {
    struct config cfg;
    struct db *db;
    struct secretbox *sb;
    int migrations_applied; /* by setup, for commands with NEED_STORE */
    int argc; /* what is left after global options: argv[0] is the (sub)command */
    char **argv;
};

typedef int (*cli_fn)(struct cli *c);

struct cli_cmd {
    const char *name;
    cli_fn fn;
    unsigned needs;
    const char *usage; /* first line: synopsis; the rest: description */
};

/* One command-specific option: a flag with a value (value != NULL) or a switch (flag != NULL). */
struct cli_opt {
    const char *name; /* without "--" */
    const char **value;
    bool *flag;
};

/** Runs the subcommand named by argv[1]. Returns the process exit status. */
int cli_main(int argc, char **argv);

/**
 * Parses c->argv[1..] against opts; positional arguments go to pos (up to npos). Prints a
 * one-line error and returns 2 on an unknown option, a missing value or too many
 * positionals; 0 otherwise. "--help" sets *help (if given).
 */
int cli_parse(struct cli *c, const struct cli_opt *opts, const char **pos, int npos);

/** Prints "porch: <msg>" to stderr. Returns 1 (the exit status for a failed command). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Prints a command's usage and the global options. Returns 0. */
int cli_usage(const struct cli_cmd *cmd);

/* commands (one file each) */
int cli_serve(struct cli *c);
int cli_init(struct cli *c);
int cli_tenant(struct cli *c);
int cli_keys(struct cli *c);
int cli_db(struct cli *c);
int cli_backup(struct cli *c);

#endif
