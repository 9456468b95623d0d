/* Running the blockchain tests of one ethereum/tests BlockchainTests file. */
#ifndef BRAID_CLI_BLOCKTEST_H
#define BRAID_CLI_BLOCKTEST_H

#include "braid/braid_evm.h"
#include "fixture_runner.h"

/* Imports each test's blocks onto its genesis, checks that blocks marked invalid are rejected and the
 * others imported, then the last block hash and the post-state. One pass or failure per test. */
/* `threads` > 1 executes each block with the parallel executor on that many threads. */
void blocktest_run_file(const char *path, braid_vm *vm, unsigned threads, fixture_report *rep);

#endif
