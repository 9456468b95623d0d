/* Internals of the Block-STM executor shared by its files: per-transaction records, workers, and the
 * executor itself. */
#ifndef BRAID_STM_H
#define BRAID_STM_H

#include <setjmp.h>
#include <stdatomic.h>

#include "braid/braid_parallel.h"
#include "chain/block_internal.h"
#include "keccak_hints.h"
#include "mv_memory.h"
#include "pool.h"
#include "scheduler.h"

typedef struct stm_read {
    mv_entry *e;
    mv_value v;
    bool beneficiary; /* the beneficiary's balance: its fees are added on top (see stm_tx.c) */
} stm_read;

typedef struct stm_write {
    mv_entry *e;
    uint8_t kind; /* mv_version_kind */
    mv_value v;
} stm_write;

/* What one transaction's latest incarnation read, wrote and produced. Cache-line aligned: neighbouring
 * transactions run on different workers. */
typedef struct tx_slot {
    _Alignas(64) atomic_int lock; /* guards `reads` against a validator while a new incarnation swaps them in */
    stm_read *reads;
    uint32_t n_reads, cap_reads;
    stm_write *writes; /* the recorded write set (ESTIMATE-only before the first execution) */
    uint32_t n_writes, cap_writes;
    braid_tx_error err;
    braid_tx_outcome outcome;
    braid_log *logs; /* data points into log_data */
    size_t n_logs, cap_logs;
    braid_buf log_data;
    bool needs_sequential; /* deleted an account that may have had storage */
    /* The fee this transaction paid the beneficiary, kept out of multi-version memory so that the fees
     * of a block never conflict; fee_ready is 0 until recorded and again while the transaction is
     * aborted. Guarded by fee_lock. */
    atomic_int fee_lock;
    bool fee_ready;
    braid_u256 fee;
} tx_slot;

enum { RUN_OK = 0, RUN_BLOCKED = 1, RUN_FULL = 2 };
#define NO_TX UINT32_MAX
enum { PATH_SEQUENTIAL = 0, PATH_STM = 1 };

#define ENTRY_CACHE 256

typedef struct worker {
    _Alignas(64) struct braid_executor *ex;
    unsigned index;
    braid_vm *vm;
    braid_state *overlay;
    braid_code_cache *overlay_codes;
    braid_state_source source;
    /* the execution in progress */
    uint32_t tx;
    uint32_t blocking;
    jmp_buf jump;
    stm_read *reads;
    uint32_t n_reads, cap_reads;
    stm_write *writes;
    uint32_t n_writes, cap_writes;
    mv_entry **seen; /* scratch set for comparing large write sets */
    /* Entries this worker already found in this block, so that hot locations (a token's code, a pair's
     * reserves) and an account's balance after its info skip the shared table: an entry stays where it
     * is for the whole block. Direct-mapped; valid when tag == block_tag. */
    struct {
        uint64_t tag, hash;
        mv_key key;
        mv_entry *e; /* the table's entry: an account's info entry, or a slot's */
    } cache[ENTRY_CACHE];
    uint64_t block_tag;
    size_t seen_mask;
    uint64_t rng; /* chaos mode */
    uint64_t executions, aborts, suspensions, validations;
} worker;

struct braid_executor {
    unsigned threads;
    braid_pool *pool;
    worker *workers;
    mv_memory *mv;
    scheduler *sched;
    tx_slot *slots;
    size_t cap_slots;
    uint32_t *prev_same_to; /* per transaction: the previous one calling the same address, or NO_TX */
    bool chaos;
    bool forced; /* BRAID_STM_MIN_TXS set: every block with transactions takes the parallel path */
    bool stm_off; /* BRAID_STM_OFF set: none does */
    double ns_per_gas[2];        /* moving averages per path (0: not measured yet) */
    unsigned samples[2];         /* blocks measured per path */
    unsigned blocks_since_probe;
    braid_parallel_for pf;
    block_scratch *scratch; /* per worker, for the block's encodings (block_run.scratch) */
    keccak_hints *hints;    /* made by the hashing workers for the one executing in order */
    braid_keccak_log keccak_log;
    /* the block in progress */
    const block_run *run;
    braid_state *base;
    atomic_bool give_up;
};

/* Runs transaction w->tx on the worker's overlay: RUN_OK with its reads and writes in the worker,
 * RUN_BLOCKED with w->blocking, or RUN_FULL when the multi-version table overflowed. */
int stm_run_tx(worker *w, uint32_t tx);
/* Stores the worker's writes as tx's versions and its reads in the slot; true when the write set
 * reached a location the previous incarnation did not write. */
bool stm_record(worker *w, uint32_t tx);
bool stm_validate(struct braid_executor *ex, worker *w, uint32_t tx);
/* The beneficiary's balance as transaction `tx` sees it: the multi-version value plus the fees of the
 * transactions after the last absolute write. False (with *blocking) when one of them is not ready. */
bool stm_beneficiary_balance(struct braid_executor *ex, mv_entry *e, uint32_t tx, braid_u256 *out, uint32_t *blocking);
void stm_mark_estimates(struct braid_executor *ex, uint32_t tx);
void stm_worker_init(worker *w, struct braid_executor *ex, unsigned index, uint64_t chaos_seed);
void stm_worker_free(worker *w);
void stm_chaos(worker *w);

#endif
