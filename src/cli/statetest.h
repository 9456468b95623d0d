/* Running the state tests of one ethereum/tests GeneralStateTests file. */
#ifndef BRAID_CLI_STATETEST_H
#define BRAID_CLI_STATETEST_H

#include <stdbool.h>
#include <stdio.h>

#include "braid/braid_bytes.h"
#include "braid/braid_evm.h"
#include "braid/braid_fork.h"
#include "fixture_runner.h"

typedef struct statetest_options {
    bool fork_filter; /* run only `fork` */
    braid_fork fork;
    FILE *trace; /* EIP-3155 trace destination, or NULL */
} statetest_options;


/* Runs every case of the file, appending failures to rep->text. Never aborts on bad input: a file or
 * test that cannot be read counts as one failure with a message naming it. */
void statetest_run_file(const char *path, const statetest_options *opt, braid_vm *vm, fixture_report *rep);

#endif
