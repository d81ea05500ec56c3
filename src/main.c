/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point: hands argv to the subcommand table in cli/cli.c. */
#include "cli/cli.h"
#include "core/banned.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
