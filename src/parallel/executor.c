/* The Block-STM executor: the sequential phases of a block around a parallel section in which the
 * workers execute and validate transactions under the scheduler, then an in-order commit that builds the
 * receipts and applies the final writes to the parent state. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "state/state.h"
#include "spin.h"
#include "stm.h"

/* Which path pays is measured, not guessed: Block-STM wins when transactions are heavy and independent
 * and there are cores to spare; executing in order while the other cores hash the tries wins for light
 * transactions on few cores (see docs/BENCHMARKS.md). The executor times every block per gas used on the
 * path it took, keeps a moving average per path, runs the faster one, and re-tries the other every
 * PROBE_INTERVAL blocks so that a change of workload is noticed. Blocks below MIN_PARALLEL_TXS
 * transactions, or made mostly of one sender's nonce chain, never pay for Block-STM. */
#define MIN_PARALLEL_TXS 16
#define PROBE_INTERVAL 16
#define WARM_SAMPLES 2

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- parallel for, over the pool ---- */

typedef struct pf_job {
    size_t n;
    void (*fn)(void *arg, size_t i, unsigned worker);
    void *arg;
    size_t batch;
    atomic_size_t next;
} pf_job;

static void pf_worker(void *p, unsigned worker_index) {
    pf_job *job = p;
    /* Indices are taken in batches: one shared counter bumped per item would bounce between cores. */
    for (size_t start; (start = atomic_fetch_add(&job->next, job->batch)) < job->n;) {
        size_t end = start + job->batch < job->n ? start + job->batch : job->n;
        for (size_t i = start; i < end; i++) job->fn(job->arg, i, worker_index);
    }
}

static void pf_run(void *ctx, size_t n, void (*fn)(void *arg, size_t i, unsigned worker), void *arg) {
    braid_executor *ex = ctx;
    pf_job job = {.n = n, .fn = fn, .arg = arg, .batch = n / (ex->threads * 32) + 1};
    atomic_store(&job.next, 0);
    pool_run(ex->pool, pf_worker, &job);
}

braid_executor *braid_executor_create(unsigned threads) {
    braid_executor *ex = braid_xcalloc(1, sizeof *ex);
    ex->threads = threads ? threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (ex->threads == 0) ex->threads = 1;
    const char *min_txs = getenv("BRAID_STM_MIN_TXS");
    ex->forced = min_txs != NULL;
    ex->stm_off = getenv("BRAID_STM_OFF") != NULL;
    const char *chaos = getenv("BRAID_STM_CHAOS");
    uint64_t seed = chaos ? strtoull(chaos, NULL, 10) : 0;
    ex->chaos = chaos != NULL;
    ex->workers = aligned_alloc(64, ex->threads * sizeof *ex->workers);
    if (!ex->workers) abort();
    for (unsigned i = 0; i < ex->threads; i++) stm_worker_init(&ex->workers[i], ex, i, seed);
    if (ex->threads > 1) {
        ex->pool = pool_create(ex->threads);
        ex->mv = mv_create();
        ex->sched = sched_create();
        ex->pf = (braid_parallel_for){pf_run, ex, ex->threads};
        ex->scratch = block_scratch_create(ex->threads);
        ex->hints = kh_create();
    }
    return ex;
}

void braid_executor_destroy(braid_executor *ex) {
    if (!ex) return;
    pool_destroy(ex->pool);
    for (unsigned i = 0; i < ex->threads; i++) stm_worker_free(&ex->workers[i]);
    free(ex->workers);
    for (size_t i = 0; i < ex->cap_slots; i++) {
        free(ex->slots[i].reads);
        free(ex->slots[i].writes);
        free(ex->slots[i].logs);
        braid_buf_free(&ex->slots[i].log_data);
    }
    free(ex->slots);
    free(ex->prev_same_to);
    block_scratch_destroy(ex->scratch, ex->threads);
    kh_destroy(ex->hints);
    mv_destroy(ex->mv);
    sched_destroy(ex->sched);
    free(ex);
}

unsigned braid_executor_threads(const braid_executor *ex) { return ex->threads; }

/* ---- sender recovery ---- */

typedef struct recover_job {
    braid_block *block;
    const braid_chain_config *cfg;
    braid_fork fork;
    atomic_size_t next;
    atomic_size_t first_failed;
} recover_job;

static void recover_some(void *arg, unsigned worker_index) {
    (void)worker_index;
    recover_job *job = arg;
    char err[8];
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->block->n_txs) return;
        braid_signed_tx *t = &job->block->txs[i];
        if (braid_signed_tx_check(t, job->fork, err, sizeof err) ||
            braid_signed_tx_recover(t, job->fork, &job->cfg->chain_id, err, sizeof err)) {
            size_t cur = atomic_load(&job->first_failed);
            while (i < cur && !atomic_compare_exchange_weak(&job->first_failed, &cur, i)) {
            }
        }
    }
}

int braid_executor_recover_senders(braid_executor *ex, braid_block *block, const braid_chain_config *cfg,
                                   size_t *failed, char *err, size_t err_len) {
    if (ex->threads == 1 || block->n_txs < 2) return braid_block_recover_senders(block, cfg, failed, err, err_len);
    recover_job job = {.block = block, .cfg = cfg};
    job.fork = braid_chain_fork_at(cfg, block->header.number, block->header.timestamp);
    atomic_store(&job.next, 0);
    atomic_store(&job.first_failed, SIZE_MAX);
    pool_run(ex->pool, recover_some, &job);
    size_t first = atomic_load(&job.first_failed);
    if (first == SIZE_MAX) return 0;
    /* Redo the first failure alone for its message, exactly as the sequential path words it. */
    char sub[200];
    braid_signed_tx *t = &block->txs[first];
    if (braid_signed_tx_check(t, job.fork, sub, sizeof sub) == 0)
        braid_signed_tx_recover(t, job.fork, &cfg->chain_id, sub, sizeof sub);
    *failed = first;
    snprintf(err, err_len, "transaction %zu: %s", first, sub);
    return -1;
}

/* ---- the parallel section ---- */

static sched_task try_execute(braid_executor *ex, worker *w, sched_task task) {
    int r = stm_run_tx(w, task.tx);
    if (r == RUN_BLOCKED) {
        w->suspensions++;
        if (!sched_add_dependency(ex->sched, w->index, task.tx, w->blocking)) return task; /* it finished meanwhile */
        return (sched_task){TASK_NONE, 0, 0};
    }
    if (r == RUN_FULL) {
        atomic_store(&ex->give_up, true);
        return (sched_task){TASK_NONE, 0, 0};
    }
    bool wrote_new = stm_record(w, task.tx);
    return sched_finish_execution(ex->sched, w->index, task.tx, task.incarnation, wrote_new);
}

static sched_task try_validate(braid_executor *ex, worker *w, sched_task task) {
    bool valid = stm_validate(ex, w, task.tx);
    bool aborted = !valid && sched_try_validation_abort(ex->sched, task.tx, task.incarnation);
    if (aborted) {
        w->aborts++;
        stm_mark_estimates(ex, task.tx);
    }
    return sched_finish_validation(ex->sched, w->index, task.tx, aborted);
}

static void work(void *arg, unsigned index) {
    braid_executor *ex = arg;
    worker *w = &ex->workers[index];
    sched_task task = {TASK_NONE, 0, 0};
    unsigned idle = 0;
    while (!sched_done(ex->sched) && !atomic_load_explicit(&ex->give_up, memory_order_relaxed)) {
        if (task.kind == TASK_EXECUTE)
            task = try_execute(ex, w, task);
        else if (task.kind == TASK_VALIDATE)
            task = try_validate(ex, w, task);
        if (task.kind == TASK_NONE) {
            task = sched_next_task(ex->sched, index);
            if (task.kind == TASK_NONE)
                spin_wait(&idle);
            else
                idle = 0;
        }
    }
}

/* prev[i]: the last transaction before i with the same sender (by_sender) or the same callee, else
 * NO_TX (creations call nobody). */
static void link_previous(const braid_block *b, bool by_sender, uint32_t *prev) {
    size_t n = b->n_txs, mask = 64;
    while (mask < n * 2) mask *= 2;
    mask--;
    uint32_t *last = braid_xcalloc(mask + 1, sizeof *last); /* index + 1 of the address's last tx */
    for (size_t i = 0; i < n; i++) {
        const braid_tx *tx = &b->txs[i].tx;
        prev[i] = NO_TX;
        if (!by_sender && tx->is_create) continue;
        const braid_address *a = by_sender ? &tx->sender : &tx->to;
        uint64_t h;
        memcpy(&h, a->b + 4, 8);
        size_t k = (size_t)(h * 0x9e3779b97f4a7c15ull >> 20) & mask;
        for (;; k = (k + 1) & mask) {
            if (!last[k]) break;
            const braid_tx *o = &b->txs[last[k] - 1].tx;
            if (braid_address_eq(by_sender ? &o->sender : &o->to, a)) break;
        }
        if (last[k]) prev[i] = last[k] - 1;
        last[k] = (uint32_t)i + 1;
    }
    free(last);
}

/* A sender with several transactions writes its nonce and balance in each: the later ones would read
 * stale values and be re-executed, so those writes are declared up front as ESTIMATEs. Returns the
 * length of the longest such chain. `prev` is scratch. */
static size_t declare_nonce_chains(braid_executor *ex, const braid_block *b, uint32_t *prev) {
    size_t n = b->n_txs, longest = 1;
    link_previous(b, true, prev);
    uint32_t *chain = braid_xcalloc(n, sizeof *chain);
    for (size_t i = 0; i < n; i++) {
        if (prev[i] == NO_TX) continue;
        chain[i] = chain[prev[i]] + 1;
        if (chain[i] + 1 > longest) longest = chain[i] + 1;
        tx_slot *slot = &ex->slots[prev[i]];
        const braid_address *s = &b->txs[i].tx.sender;
        mv_key keys[2] = {{.addr = *s, .kind = MV_INFO}, {.addr = *s, .kind = MV_BALANCE}};
        for (int j = 0; j < 2; j++) {
            mv_entry *e = mv_entry_get(ex->mv, 0, &keys[j]);
            if (!e) break;
            mv_value none = {0};
            mv_write(ex->mv, 0, e, prev[i], MV_ESTIMATE, &none);
            if (slot->n_writes == slot->cap_writes) {
                slot->cap_writes = slot->cap_writes ? slot->cap_writes * 2 : 8;
                slot->writes = braid_xrealloc(slot->writes, slot->cap_writes * sizeof *slot->writes);
            }
            slot->writes[slot->n_writes++] = (stm_write){e, MV_ESTIMATE, none};
        }
    }
    free(chain);
    return longest;
}

/* The final state is, per location, what a transaction after the last one would read. Accounts' info
 * goes first (a deletion clears the record), each with its balance when that was written too (one
 * lookup of the account for both); then the other balances and the slots. */
typedef struct commit_pass {
    braid_executor *ex;
    state_account *last; /* the account of the previous location: slots of one account come in runs */
    bool broken;         /* an ESTIMATE survived: cannot happen once every transaction validated */
} commit_pass;

static state_account *account_of(commit_pass *p, const braid_address *addr) {
    if (!p->last || !braid_address_eq(&p->last->addr, addr)) p->last = state_account_get(p->ex->base, addr);
    return p->last;
}

static void commit_info(mv_entry *e, void *arg) {
    commit_pass *p = arg;
    mv_value v;
    if (!mv_read_final(e, &v)) {
        p->broken = true;
        return;
    }
    state_account *a = account_of(p, &e->key.addr);
    if (!v.info.exists) {
        state_account_clear(a);
    } else {
        a->exists = true;
        a->nonce = v.info.nonce;
        a->code = v.info.code;
    }
    mv_entry *balance = e + 1; /* allocated beside its info entry */
    if (balance->listed) {
        if (!mv_read_final(balance, &v)) p->broken = true;
        a->balance = v.u;
    }
}

static void commit_other(mv_entry *e, void *arg) {
    commit_pass *p = arg;
    if (e->key.kind == MV_BALANCE && (e - 1)->listed) return; /* done with its info */
    mv_value v;
    if (!mv_read_final(e, &v)) {
        p->broken = true;
        return;
    }
    state_account *a = account_of(p, &e->key.addr);
    if (e->key.kind == MV_BALANCE)
        a->balance = v.u;
    else if (a->exists)
        state_slot_get(p->ex->base, a, &e->key.slot)->value = v.u;
}

/* A transaction deleted an account that may hold storage: the block needs the sequential path after
 * all. Checked before anything is committed. */
static bool needs_sequential(const braid_executor *ex) {
    for (size_t i = 0; i < ex->run->block->n_txs; i++)
        if (ex->slots[i].err == BRAID_TX_VALID && ex->slots[i].needs_sequential) return true;
    return false;
}

/* In block order: limits, validity and receipts, each published (run->receipts_done) as it is made so
 * that other workers hash it meanwhile. */
static int commit_receipts(braid_executor *ex, braid_block_result *out) {
    const block_run *run = ex->run;
    size_t n = run->block->n_txs;
    for (size_t i = 0; i < n; i++) {
        tx_slot *slot = &ex->slots[i];
        if (block_check_tx_limits(run, i, out)) return -1;
        if (slot->err != BRAID_TX_VALID) return block_tx_failed(out, i, slot->err);
        if (run->block->txs[i].tx.gas_limit > run->block->header.gas_limit - out->gas_used)
            return block_tx_failed(out, i, BRAID_TX_ERR_GAS_LIMIT_REACHED);
        braid_receipt *r = block_add_receipt(run, i, &slot->outcome, out);
        if (slot->n_logs) {
            /* the slot's logs have their data at successive offsets of its log_data */
            size_t off = 0;
            for (size_t k = 0; k < slot->n_logs; k++) {
                /* no buffer when every log is empty, and NULL + 0 is undefined */
                slot->logs[k].data = slot->logs[k].data_len ? slot->log_data.data + off : NULL;
                off += slot->logs[k].data_len;
            }
            block_set_logs(out, r, slot->logs, slot->n_logs);
        }
        if (run->receipts_done) atomic_store_explicit(run->receipts_done, i + 1, memory_order_release);
    }
    return 0;
}

/* The final state of every location the block wrote, into the parent state. */
static void commit_state(braid_executor *ex) {
    const block_run *run = ex->run;
    commit_pass pass = {.ex = ex};
    mv_for_each_written(ex->mv, MV_WRITTEN_INFO, commit_info, &pass);
    mv_for_each_written(ex->mv, MV_WRITTEN_OTHER, commit_other, &pass);
    /* The beneficiary: its value plus the fees after its last absolute write. */
    mv_key key = {.addr = run->env.coinbase, .kind = MV_BALANCE};
    mv_entry *e = mv_entry_get(ex->mv, 0, &key);
    braid_u256 balance;
    uint32_t blocking;
    if (!e || !stm_beneficiary_balance(ex, e, (uint32_t)run->block->n_txs, &balance, &blocking)) pass.broken = true;
    if (pass.broken) abort(); /* the scheduler let a block finish with a pending write */
    state_account *coinbase = state_account_get(ex->base, &run->env.coinbase);
    if (coinbase->exists) coinbase->balance = balance;
}

/* ---- receipts made on one worker, hashed on the others ----
 *
 * One worker produces the receipts in order: by executing the transactions one after another (the
 * sequential path), or by committing what Block-STM executed. The other cores need not idle meanwhile:
 * they hash the leaves of the transactions trie at once, and each receipt's bloom and leaf as soon as
 * the producing worker publishes it, and the branches as their leaves complete, so that almost nothing
 * is left to hash at the end. */

typedef struct pipeline pipeline;
struct pipeline {
    braid_executor *ex;
    int (*produce)(pipeline *p); /* on worker 0: the receipts, published through receipts_done */
    const block_run *run;
    braid_state *state;
    const braid_block_options *opt;
    braid_block_result *out;
    int rc;
    braid_ordered_trie *tx_trie, *receipt_trie;
    keccak_hints *hints; /* when executing in order */
    atomic_size_t next_tx, next_receipt, receipts_done;
    atomic_size_t tx_leaves_set; /* the worker completing the transactions trie hashes its root too */
    braid_hash tx_root;
    /* Receipt batches whose leaves are set; one worker at a time (the one holding advance_lock) hashes
     * the branches over the set prefix, `advanced` batches so far. */
    atomic_uchar *receipt_batch_set;
    atomic_int advance_lock;
    size_t advanced;
    atomic_bool executed; /* the transactions are over (maybe with an error) */
    atomic_bool tries_ready;
    struct {
        _Alignas(64) uint8_t bits[BRAID_BLOOM_SIZE];
    } * blooms; /* each hashing worker's share of the block's bloom */
};

#define HASH_BATCH 32
#define HINTS_NEAR 32
#define ADVANCE_STEP 8

/* Encodes items [first, first + count) with `encode` into the worker's buffer and sets their leaves. */
static void set_leaves(pipeline *p, braid_ordered_trie *t, braid_buf *buf, size_t first, size_t count, bool receipts) {
    size_t off[HASH_BATCH + 1], lens[HASH_BATCH];
    const uint8_t *values[HASH_BATCH];
    braid_buf_clear(buf);
    for (size_t j = 0; j < count; j++) {
        off[j] = buf->len;
        if (receipts)
            braid_receipt_encode(&p->out->receipts[first + j], buf);
        else
            braid_signed_tx_encode(&p->run->block->txs[first + j], false, buf);
    }
    off[count] = buf->len;
    for (size_t j = 0; j < count; j++) {
        values[j] = buf->data + off[j]; /* after the encoding: the buffer no longer moves */
        lens[j] = off[j + 1] - off[j];
    }
    braid_ordered_trie_set_many(t, first, count, values, lens);
}

/* Hashes the receipt trie's branches over the prefix of batches set so far, unless another worker is
 * doing it (what it misses, a later call or the root catches up). */
static void advance_receipts(pipeline *p) {
    if (atomic_exchange_explicit(&p->advance_lock, 1, memory_order_acquire)) return;
    size_t n = p->run->block->n_txs, batches = (n + HASH_BATCH - 1) / HASH_BATCH, k = p->advanced;
    while (k < batches && atomic_load_explicit(&p->receipt_batch_set[k], memory_order_acquire)) k++;
    /* in steps of several batches: the branches they complete are then enough to hash side by side */
    if (k >= p->advanced + ADVANCE_STEP || (k == batches && k > p->advanced)) {
        braid_ordered_trie_advance(p->receipt_trie, k * HASH_BATCH < n ? k * HASH_BATCH : n);
        p->advanced = k;
    }
    atomic_store_explicit(&p->advance_lock, 0, memory_order_release);
}

/* Keccak hints for transactions less than `ahead` after the one executing; false when none to make. */
static bool predict(pipeline *p, size_t ahead) {
    return p->hints && kh_predict(p->hints, atomic_load_explicit(&p->receipts_done, memory_order_relaxed), ahead);
}

static void hash_leaves(pipeline *p, unsigned worker) {
    size_t n = p->run->block->n_txs;
    braid_buf *buf = &p->ex->scratch[worker].buf;
    for (size_t first; (first = atomic_fetch_add(&p->next_tx, HASH_BATCH)) < n;) {
        /* Hints for the transactions just ahead of the executing worker first: they are worth
         * something only until it gets there, the transactions trie until the end of the block. */
        while (predict(p, HINTS_NEAR)) {
        }
        size_t count = n - first < HASH_BATCH ? n - first : HASH_BATCH;
        set_leaves(p, p->tx_trie, buf, first, count, false);
        if (atomic_fetch_add(&p->tx_leaves_set, count) + count == n) braid_ordered_trie_root(p->tx_trie, &p->tx_root);
    }
    unsigned spins = 0;
    for (size_t first; (first = atomic_fetch_add(&p->next_receipt, HASH_BATCH)) < n;) {
        size_t count = n - first < HASH_BATCH ? n - first : HASH_BATCH;
        while (atomic_load_explicit(&p->receipts_done, memory_order_acquire) < first + count) {
            if (atomic_load_explicit(&p->executed, memory_order_acquire) &&
                atomic_load_explicit(&p->receipts_done, memory_order_acquire) < first + count)
                return; /* the block stopped early: its roots will not be needed */
            /* waiting for receipts: meanwhile hash ahead what the executing worker will hash */
            if (predict(p, SIZE_MAX))
                spins = 0;
            else
                spin_wait(&spins);
        }
        braid_receipts_bloom(&p->out->receipts[first], count);
        for (size_t i = first; i < first + count; i++)
            if (p->out->receipts[i].n_logs) braid_bloom_or(p->blooms[worker].bits, p->out->receipts[i].bloom);
        set_leaves(p, p->receipt_trie, buf, first, count, true);
        atomic_store_explicit(&p->receipt_batch_set[first / HASH_BATCH], 1, memory_order_release);
        advance_receipts(p);
    }
}

static void pipeline_work(void *arg, unsigned worker) {
    pipeline *p = arg;
    if (worker == 0) {
        p->rc = p->produce(p);
        atomic_store_explicit(&p->executed, true, memory_order_release);
    } else if (worker == 1) {
        /* laying out the tries is off the executing worker's path too */
        p->tx_trie = braid_ordered_trie_create(p->run->block->n_txs);
        p->receipt_trie = braid_ordered_trie_create(p->run->block->n_txs);
        atomic_store_explicit(&p->tries_ready, true, memory_order_release);
    }
    for (unsigned spins = 0; !atomic_load_explicit(&p->tries_ready, memory_order_acquire);) spin_wait(&spins);
    hash_leaves(p, worker);
}

/* Around each transaction executed in order: the hints made for it go to the vm, and now and then
 * the vm's mapping hashes are sampled to learn from. */
static void hint_hook(void *ctx, braid_vm *vm, size_t i, bool done) {
    braid_executor *ex = ctx;
    if (done) {
        if (!kh_sample(ex->hints, i)) return;
        braid_vm_set_keccak_log(vm, NULL);
        kh_learn(ex->hints, i, &ex->keccak_log);
        return;
    }
    kh_take(ex->hints, i, vm);
    if (kh_sample(ex->hints, i)) {
        ex->keccak_log.n = 0;
        braid_vm_set_keccak_log(vm, &ex->keccak_log);
    }
}

static int produce_by_executing(pipeline *p) {
    return block_run_txs(p->run, p->ex->workers[0].vm, p->state, p->opt, p->out);
}

static int produce_by_committing(pipeline *p) {
    int rc = commit_receipts(p->ex, p->out);
    if (rc == 0) commit_state(p->ex); /* while the others hash the last receipts */
    return rc;
}

/* Produces the receipts with `produce` while the other workers hash, then finishes the block. */
static int run_pipelined(braid_executor *ex, block_run *run, braid_state *state, const braid_block_options *opt,
                         braid_block_result *out, int (*produce)(pipeline *p)) {
    size_t n = run->block->n_txs;
    pipeline p = {.ex = ex, .produce = produce, .run = run, .state = state, .opt = opt, .out = out};
    if (produce == produce_by_executing) {
        p.hints = ex->hints;
        kh_begin_block(p.hints, run->block);
        run->tx_hook = hint_hook;
        run->tx_hook_ctx = ex;
    }
    atomic_store(&p.next_tx, 0);
    atomic_store(&p.next_receipt, 0);
    atomic_store(&p.receipts_done, 0);
    atomic_store(&p.tx_leaves_set, 0);
    atomic_store(&p.executed, false);
    atomic_store(&p.tries_ready, false);
    atomic_store(&p.advance_lock, 0);
    p.receipt_batch_set = braid_xcalloc((n + HASH_BATCH - 1) / HASH_BATCH, sizeof *p.receipt_batch_set);
    run->receipts_done = &p.receipts_done;
    run->defer_blooms = true;
    p.blooms = aligned_alloc(64, ex->threads * sizeof *p.blooms);
    if (!p.blooms) abort();
    memset(p.blooms, 0, ex->threads * sizeof *p.blooms);
    pool_run(ex->pool, pipeline_work, &p);
    if (p.hints) {
        kh_end_block(p.hints);
        braid_vm_set_keccak_log(ex->workers[0].vm, NULL); /* a transaction failed while sampled */
        run->tx_hook = NULL;
    }
    run->receipts_done = NULL;
    run->defer_blooms = false;
    for (unsigned w = 0; w < ex->threads; w++) braid_bloom_or(out->bloom, p.blooms[w].bits);
    free(p.blooms);
    free(p.receipt_batch_set);
    int rc = p.rc;
    if (rc == 0) {
        run->tx_root = &p.tx_root;
        run->receipt_trie = p.receipt_trie;
        rc = block_run_finish(run, state, opt, out);
        run->tx_root = NULL;
        run->receipt_trie = NULL;
    }
    braid_ordered_trie_destroy(p.tx_trie);
    braid_ordered_trie_destroy(p.receipt_trie);
    return rc;
}

static const char *sequential_reason(braid_executor *ex, const block_run *run, const braid_block_options *opt) {
    if (ex->threads == 1) return "one thread";
    if (ex->stm_off) return "Block-STM turned off (BRAID_STM_OFF)";
    if (opt->intermediate_roots && run->fork < BRAID_FORK_BYZANTIUM) return "intermediate state roots requested";
    if (ex->forced) return run->block->n_txs ? NULL : "no transactions";
    if (run->block->n_txs < MIN_PARALLEL_TXS) return "too few transactions to pay for parallelism";
    /* Each path's first block runs cold (buffers growing, pages faulting in): two samples each first. */
    if (ex->samples[PATH_STM] < WARM_SAMPLES) return NULL;
    if (ex->samples[PATH_SEQUENTIAL] < WARM_SAMPLES) return "measuring the sequential path";
    double stm = ex->ns_per_gas[PATH_STM], seq = ex->ns_per_gas[PATH_SEQUENTIAL];
    bool stm_faster = stm < seq;
    /* The other path is re-measured now and then, less often the further behind it was: a probe of a
     * path three times slower costs two blocks' time. */
    double gap = stm_faster ? seq / stm : stm / seq;
    unsigned interval = gap > 2 ? PROBE_INTERVAL * 4 : gap > 1.3 ? PROBE_INTERVAL * 2 : PROBE_INTERVAL;
    if (++ex->blocks_since_probe >= interval) {
        ex->blocks_since_probe = 0;
        return stm_faster ? "re-measuring the sequential path" : NULL;
    }
    return stm_faster ? NULL : "measured faster than Block-STM on recent blocks";
}


/* Folds a block's time per gas into the path's moving average. */
static void learn(braid_executor *ex, int path, double ns, uint64_t gas) {
    if (gas == 0 || ex->forced) return;
    double sample = ns / (double)gas;
    double *avg = &ex->ns_per_gas[path];
    /* A block far off its path's average means the workload changed (every figure here is per gas of
     * one kind of block): this path starts its average afresh, and the other path is re-measured at
     * the next block, its old average dropped. */
    if (ex->samples[path] >= WARM_SAMPLES && (sample > 1.5 * *avg || sample < *avg / 1.5)) {
        *avg = sample;
        if (ex->samples[!path] > 1) ex->samples[!path] = 1;
        return;
    }
    /* recent blocks weigh most; a cold first sample not at all */
    *avg = ex->samples[path] == 1 ? sample : *avg > 0 ? 0.3 * *avg + 0.7 * sample : sample;
    ex->samples[path]++;
}

int braid_executor_execute(braid_executor *ex, braid_state *state, const braid_chain_config *cfg,
                           const braid_block *block, const braid_block_hashes *hashes,
                           const braid_block_options *opt, braid_block_result *out, braid_stm_stats *stats) {
    block_run run;
    braid_stm_stats local;
    double start = now_ns();
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    block_run_begin(&run, ex->workers[0].vm, state, cfg, block, hashes, out);
    if (ex->pool) {
        run.pf = &ex->pf;
        run.scratch = ex->scratch;
    }
    const char *why = sequential_reason(ex, &run, opt);
    size_t n = block->n_txs;
    if (!why) {
        ex->run = &run;
        ex->base = state;
        atomic_store(&ex->give_up, false);
        if (n > ex->cap_slots) {
            tx_slot *grown = aligned_alloc(64, n * sizeof *grown);
            if (!grown) abort();
            if (ex->cap_slots) memcpy(grown, ex->slots, ex->cap_slots * sizeof *grown);
            memset(grown + ex->cap_slots, 0, (n - ex->cap_slots) * sizeof *grown);
            free(ex->slots);
            ex->slots = grown;
            ex->cap_slots = n;
            free(ex->prev_same_to);
            ex->prev_same_to = braid_xmalloc(n * sizeof *ex->prev_same_to);
        }
        for (size_t i = 0; i < n; i++) {
            ex->slots[i].n_reads = ex->slots[i].n_writes = 0;
            ex->slots[i].n_logs = 0;
            ex->slots[i].err = BRAID_TX_VALID;
            ex->slots[i].fee_ready = false;
            atomic_store(&ex->slots[i].lock, 0);
            atomic_store(&ex->slots[i].fee_lock, 0);
        }
        for (unsigned i = 0; i < ex->threads; i++) {
            worker *w = &ex->workers[i];
            if (w->overlay_codes != braid_state_codes(state)) {
                braid_state_destroy(w->overlay);
                w->overlay = braid_state_create(braid_state_codes(state), &w->source);
                w->overlay_codes = braid_state_codes(state);
            }
            w->executions = w->aborts = w->suspensions = w->validations = 0;
            w->block_tag++; /* a new table: entries found in earlier blocks are gone */
        }
        mv_begin(ex->mv, state, n, ex->threads);
        sched_begin(ex->sched, (uint32_t)n, ex->threads);
        size_t longest = declare_nonce_chains(ex, block, ex->prev_same_to);
        link_previous(block, false, ex->prev_same_to);
        if (longest * 2 > n && !ex->forced) {
            why = "one sender's nonce chain spans most of the block";
        } else {
            pool_run(ex->pool, work, ex);
            for (unsigned i = 0; i < ex->threads; i++) {
                stats->executions += ex->workers[i].executions;
                stats->aborts += ex->workers[i].aborts;
                stats->suspensions += ex->workers[i].suspensions;
                stats->validations += ex->workers[i].validations;
            }
            if (atomic_load(&ex->give_up) || !mv_ok(ex->mv))
                why = "the block touches more locations than the multi-version table holds";
            else if (needs_sequential(ex))
                why = "a transaction deleted an account that may hold storage";
            if (!why) {
                int rc = run_pipelined(ex, &run, state, opt, out, produce_by_committing);
                mv_end(ex->mv);
                if (rc == 0) learn(ex, PATH_STM, now_ns() - start, out->gas_used);
                return rc;
            }
        }
        mv_end(ex->mv);
    }
    stats->sequential = true;
    stats->sequential_why = why;
    int rc;
    if (!ex->pool || n < MIN_PARALLEL_TXS) {
        rc = block_run_txs(&run, ex->workers[0].vm, state, opt, out) ? -1 : block_run_finish(&run, state, opt, out);
    } else {
        rc = run_pipelined(ex, &run, state, opt, out, produce_by_executing);
        stats->hinted = kh_hinted(ex->hints); /* counted from the block's start, kept past its end */
    }
    bool measurable = ex->pool && n >= MIN_PARALLEL_TXS && !opt->intermediate_roots;
    if (rc == 0 && measurable) learn(ex, PATH_SEQUENTIAL, now_ns() - start, out->gas_used);
    return rc;
}
