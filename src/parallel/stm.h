/* Internals of the Block-STM executor shared by its files: per-transaction records, workers, and the
 * executor itself. */
#ifndef BRAID_STM_H
#define BRAID_STM_H

#include <setjmp.h>
#include <stdatomic.h>

#include "braid/braid_parallel.h"
#include "chain/block_internal.h"
#include "mv_memory.h"
#include "pool.h"
#include "scheduler.h"

typedef struct stm_read {
    mv_entry *e;
    mv_value v;
} stm_read;

typedef struct stm_write {
    mv_entry *e;
    uint8_t kind; /* mv_version_kind */
    mv_value v;
} stm_write;

/* What one transaction's latest incarnation read, wrote and produced. */
typedef struct tx_slot {
    atomic_int lock; /* guards `reads` against a validator while a new incarnation swaps them in */
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
} tx_slot;

enum { RUN_OK = 0, RUN_BLOCKED = 1, RUN_FULL = 2 };

typedef struct worker {
    struct braid_executor *ex;
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
    mv_entry **seen; /* scratch set for comparing write sets */
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
    bool chaos;
    size_t min_parallel_txs;
    braid_parallel_for pf;
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
void stm_mark_estimates(struct braid_executor *ex, uint32_t tx);
void stm_worker_init(worker *w, struct braid_executor *ex, unsigned index, uint64_t chaos_seed);
void stm_worker_free(worker *w);
void stm_chaos(worker *w);

#endif
