/* placeholder */
#include "cli.h"
int
acd_cli_schedule(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}
