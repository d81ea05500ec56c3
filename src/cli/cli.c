/* SPDX-License-Identifier: Apache-2.0 */
/* placeholder until the subcommand table lands */
#include <stdio.h>
#include "cli/cli.h"
#include "core/banned.h"

int cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
