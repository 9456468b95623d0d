/* Parallel block execution (Block-STM) with results identical to braid_block_execute.
 *
 * A braid_executor owns a persistent pool of worker threads (created once) and one vm per worker. It
 * executes a block's transactions optimistically in parallel over multi-version memory, validates what
 * each transaction read, re-executes what conflicted, and commits in transaction order; everything
 * before and after the transactions (system calls, withdrawals, rewards, roots) is the sequential code.
 * With one thread, or when a block cannot gain from parallelism, it runs the sequential path.
 *
 * Test knobs, read from the environment when the executor is created: BRAID_STM_CHAOS=<seed> makes
 * workers yield and sleep at random points (to shake out interleavings); BRAID_STM_MIN_TXS=1 sends every
 * block with transactions through the parallel path, whatever the heuristics of when it pays;
 * BRAID_STM_OFF=1 sends every block through the sequential path (pipelined with hashing on the other
 * workers).
 *
 * Thread contract: an executor is driven by one thread at a time; it uses its own workers inside a
 * call. The state passed in must not be touched by anyone else during the call. */
#ifndef BRAID_PARALLEL_H
#define BRAID_PARALLEL_H

#include <stdbool.h>
#include <stdint.h>

#include "braid_block.h"

typedef struct braid_executor braid_executor;

typedef struct braid_stm_stats {
    uint64_t executions;  /* transaction incarnations run (the transaction count when nothing conflicts) */
    uint64_t aborts;      /* validations that failed and sent a transaction back */
    uint64_t suspensions; /* executions stopped on another transaction's pending write */
    uint64_t validations;
    uint64_t hinted;      /* sequential path: transactions that found keccak hints ready (keccak_hints.h) */
    bool sequential;             /* the sequential path ran */
    const char *sequential_why;  /* why, when it did */
} braid_stm_stats;

/* `threads` 0 means the number of cores. */
braid_executor *braid_executor_create(unsigned threads);
void braid_executor_destroy(braid_executor *ex);
unsigned braid_executor_threads(const braid_executor *ex);

/* braid_block_recover_senders, spread over the workers. */
int braid_executor_recover_senders(braid_executor *ex, braid_block *block, const braid_chain_config *cfg,
                                   size_t *failed, char *err, size_t err_len);

/* braid_block_execute, in parallel. `stats` may be NULL. */
int braid_executor_execute(braid_executor *ex, braid_state *state, const braid_chain_config *cfg,
                           const braid_block *block, const braid_block_hashes *hashes,
                           const braid_block_options *opt, braid_block_result *out, braid_stm_stats *stats);

#endif
