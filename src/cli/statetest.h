/* Running the state tests of one ethereum/tests GeneralStateTests file. */
#ifndef BRAID_CLI_STATETEST_H
#define BRAID_CLI_STATETEST_H

#include <stdbool.h>
#include <stdio.h>

#include "braid/braid_bytes.h"
#include "braid/braid_evm.h"
#include "braid/braid_fork.h"
#include "braid/braid_state.h"
#include "braid/braid_tx.h"
#include "fixture_runner.h"

/* A case that passed, as statetest_options.on_case receives it (braid evmbench times it). Valid during
 * the call only. */
typedef struct statetest_case {
    const char *file, *test_name;
    const char *label; /* the file's _info.labels entry for the data index, or NULL */
    braid_fork fork;
    size_t data_index, gas_index, value_index;
    const braid_tx *tx;
    const braid_block_env *env;
    const void *test; /* for statetest_case_state */
    braid_code_cache *codes;
} statetest_case;

/* A fresh copy of the case's pre-state (the caller destroys it). */
braid_state *statetest_case_state(const statetest_case *c);

typedef struct statetest_options {
    bool fork_filter; /* run only `fork` */
    braid_fork fork;
    FILE *trace; /* EIP-3155 trace destination, or NULL */
    uint64_t time_limit_ms; /* a case's transaction is stopped after this long, and fails; 0: no limit */
    /* Called for every case that passed, on the worker's vm. */
    void (*on_case)(const statetest_case *c, braid_vm *vm, void *arg, fixture_report *rep);
    void *on_case_arg;
} statetest_options;


/* Runs every case of the file, appending failures to rep->text. Never aborts on bad input: a file or
 * test that cannot be read counts as one failure with a message naming it. */
void statetest_run_file(const char *path, const statetest_options *opt, braid_vm *vm, fixture_report *rep);

#endif
