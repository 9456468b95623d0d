/* The phases of block execution, shared by the sequential path (block_exec.c) and the parallel executor:
 * begin (environment, DAO change, system calls), the transactions, and finish (withdrawals, rewards,
 * roots, checks against the header). */
#ifndef BRAID_BLOCK_INTERNAL_H
#define BRAID_BLOCK_INTERNAL_H

#include "braid/braid_block.h"
#include <stdatomic.h>

#include "braid/braid_trie.h"
#include "braid/braid_tx.h"

/* A worker's encoding buffer, alone on its cache lines (workers append to theirs at once). */
typedef struct block_scratch {
    _Alignas(64) braid_buf buf;
} block_scratch;
block_scratch *block_scratch_create(unsigned workers);
void block_scratch_destroy(block_scratch *s, unsigned workers);

typedef struct block_run {
    const braid_block *block;
    braid_fork fork;
    braid_block_env env;
    const braid_parallel_for *pf; /* spreads root hashing over threads; NULL on the sequential path */
    block_scratch *scratch;       /* with pf: one reusable buffer per worker for encodings, kept by the caller */
    /* Optional, for hashing receipts while transactions still run: block_run_txs publishes here how many
     * receipts are complete, and the roots use these tries when the caller filled them. */
    atomic_size_t *receipts_done;
    bool defer_blooms; /* receipts' blooms are left to whoever reads receipts_done */
    /* Optional, called by block_run_txs before (done false) and after (done true) each transaction. */
    void (*tx_hook)(void *ctx, braid_vm *vm, size_t i, bool done);
    void *tx_hook_ctx;
    const braid_hash *tx_root;     /* the transactions root, when already computed */
    braid_ordered_trie *receipt_trie;
} block_run;

/* Clears `out`, sets up the environment, applies what precedes the transactions to `state`, and
 * allocates one receipt per transaction. */
void block_run_begin(block_run *run, braid_vm *vm, braid_state *state, const braid_chain_config *cfg,
                     const braid_block *b, const braid_block_hashes *hashes, braid_block_result *out);
/* Every transaction in order, sequentially. */
int block_run_txs(const block_run *run, braid_vm *vm, braid_state *state, const braid_block_options *opt,
                  braid_block_result *out);
int block_run_finish(const block_run *run, braid_state *state, const braid_block_options *opt,
                     braid_block_result *out);

/* Per-transaction accounting, in block order: the blob gas limit check, an invalid transaction, and
 * the receipt (cumulative gas; the caller adds the logs, then the bloom, see braid_receipts_bloom). */
int block_check_tx_limits(const block_run *run, size_t i, braid_block_result *out);
int block_tx_failed(braid_block_result *out, size_t i, braid_tx_error err);
braid_receipt *block_add_receipt(const block_run *run, size_t i, const braid_tx_outcome *o, braid_block_result *out);
/* ORs a receipt's bloom (already computed) into the block's. */
void block_or_bloom(const braid_receipt *r, braid_block_result *out);
/* Copies logs into the receipt, their storage in the result's log chunks (data pointers fixed up). */
void block_set_logs(braid_block_result *out, braid_receipt *r, const braid_log *logs, size_t n);
/* The same with the state's current transaction logs. */
void block_copy_logs(braid_block_result *out, braid_receipt *r, const braid_state *state);

#endif
