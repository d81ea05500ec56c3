/* SPDX-License-Identifier: Apache-2.0 */
/* The `porch <cmd> [<sub>]` dispatcher. */
#ifndef PORCH_CLI_H
#define PORCH_CLI_H

/** Runs the subcommand named by argv[1]. Returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
