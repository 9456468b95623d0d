#include "scheduler.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_bytes.h"
#include "spin.h"

typedef struct padded_counter {
    _Alignas(64) atomic_int_fast64_t v;
} padded_counter;

typedef enum tx_status { READY, EXECUTING, EXECUTED, ABORTING } tx_status;

/* One per transaction, alone on its cache line: neighbouring transactions run on different workers. */
typedef struct tx_state {
    _Alignas(64) atomic_int lock;
    uint32_t incarnation;
    uint8_t status;
    uint32_t *deps; /* transactions waiting for this one */
    uint32_t n_deps, cap_deps;
} tx_state;

struct scheduler {
    uint32_t n;
    /* Shared counters on their own cache lines: every worker hammers them. */
    _Alignas(64) atomic_uint_fast64_t execution_idx;
    _Alignas(64) atomic_uint_fast64_t validation_idx;
    _Alignas(64) atomic_uint_fast64_t decrease_cnt;
    padded_counter *active; /* tasks in flight, one counter per worker so that workers don't share a line */
    unsigned workers, cap_workers;
    _Alignas(64) atomic_bool done_marker;
    tx_state *txs;
    uint32_t cap;
};



scheduler *sched_create(void) { return braid_xcalloc(1, sizeof(scheduler)); }

void sched_destroy(scheduler *s) {
    if (!s) return;
    for (uint32_t i = 0; i < s->cap; i++) free(s->txs[i].deps);
    free(s->txs);
    free(s->active);
    free(s);
}

void sched_begin(scheduler *s, uint32_t n, unsigned workers) {
    if (workers > s->cap_workers) {
        free(s->active);
        s->active = aligned_alloc(64, workers * sizeof *s->active);
        if (!s->active) abort();
        s->cap_workers = workers;
    }
    s->workers = workers;
    for (unsigned w = 0; w < workers; w++) atomic_store(&s->active[w].v, 0);
    if (n > s->cap) {
        tx_state *grown = aligned_alloc(64, n * sizeof *grown);
        if (!grown) abort();
        if (s->cap) memcpy(grown, s->txs, s->cap * sizeof *grown);
        memset(grown + s->cap, 0, (n - s->cap) * sizeof *grown);
        free(s->txs);
        s->txs = grown;
        s->cap = n;
    }
    for (uint32_t i = 0; i < n; i++) {
        atomic_store(&s->txs[i].lock, 0);
        s->txs[i].incarnation = 0;
        s->txs[i].status = READY;
        s->txs[i].n_deps = 0;
    }
    s->n = n;
    atomic_store(&s->execution_idx, 0);
    atomic_store(&s->validation_idx, 0);
    atomic_store(&s->decrease_cnt, 0);
    atomic_store(&s->done_marker, n == 0);
}

bool sched_done(const scheduler *s) { return atomic_load(&s->done_marker); }

static void decrease_index(scheduler *s, atomic_uint_fast64_t *idx, uint64_t target) {
    uint64_t cur = atomic_load(idx);
    while (cur > target && !atomic_compare_exchange_weak(idx, &cur, target)) {
    }
    atomic_fetch_add(&s->decrease_cnt, 1);
}

static void check_done(scheduler *s) {
    uint64_t observed = atomic_load(&s->decrease_cnt);
    uint64_t e = atomic_load(&s->execution_idx), v = atomic_load(&s->validation_idx);
    if ((e < v ? e : v) < s->n) return;
    /* Summing the counters one by one is enough: new work only appears through an index decrease,
     * which the second look at decrease_cnt catches. */
    int_fast64_t active = 0;
    for (unsigned w = 0; w < s->workers; w++) active += atomic_load(&s->active[w].v);
    if (active == 0 && observed == atomic_load(&s->decrease_cnt))
        atomic_store(&s->done_marker, true);
}

/* Moves a READY transaction to EXECUTING; on failure gives back the task slot. */
static sched_task try_incarnate(scheduler *s, unsigned w, uint64_t idx) {
    if (idx < s->n) {
        tx_state *t = &s->txs[idx];
        spin_lock(&t->lock);
        if (t->status == READY) {
            t->status = EXECUTING;
            sched_task task = {TASK_EXECUTE, (uint32_t)idx, t->incarnation};
            spin_unlock(&t->lock);
            return task;
        }
        spin_unlock(&t->lock);
    }
    atomic_fetch_sub_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return (sched_task){TASK_NONE, 0, 0};
}

static sched_task next_to_execute(scheduler *s, unsigned w) {
    if (atomic_load(&s->execution_idx) >= s->n) {
        check_done(s);
        return (sched_task){TASK_NONE, 0, 0};
    }
    atomic_fetch_add_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return try_incarnate(s, w, atomic_fetch_add(&s->execution_idx, 1));
}

static sched_task next_to_validate(scheduler *s, unsigned w) {
    if (atomic_load(&s->validation_idx) >= s->n) {
        check_done(s);
        return (sched_task){TASK_NONE, 0, 0};
    }
    atomic_fetch_add_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    uint64_t idx = atomic_fetch_add(&s->validation_idx, 1);
    if (idx < s->n) {
        tx_state *t = &s->txs[idx];
        spin_lock(&t->lock);
        if (t->status == EXECUTED) {
            sched_task task = {TASK_VALIDATE, (uint32_t)idx, t->incarnation};
            spin_unlock(&t->lock);
            return task;
        }
        spin_unlock(&t->lock);
    }
    atomic_fetch_sub_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return (sched_task){TASK_NONE, 0, 0};
}

sched_task sched_next_task(scheduler *s, unsigned w) {
    if (atomic_load(&s->done_marker)) return (sched_task){TASK_NONE, 0, 0};
    if (atomic_load(&s->validation_idx) < atomic_load(&s->execution_idx)) {
        sched_task t = next_to_validate(s, w);
        if (t.kind != TASK_NONE) return t;
    } else {
        sched_task t = next_to_execute(s, w);
        if (t.kind != TASK_NONE) return t;
    }
    return (sched_task){TASK_NONE, 0, 0};
}

bool sched_add_dependency(scheduler *s, unsigned w, uint32_t tx, uint32_t blocking) {
    tx_state *b = &s->txs[blocking];
    spin_lock(&b->lock);
    if (b->status == EXECUTED) {
        spin_unlock(&b->lock);
        return false;
    }
    /* Mark the waiter before releasing the blocker, so that resuming it finds it ABORTING. */
    tx_state *t = &s->txs[tx];
    spin_lock(&t->lock);
    t->status = ABORTING;
    spin_unlock(&t->lock);
    if (b->n_deps == b->cap_deps) {
        b->cap_deps = b->cap_deps ? b->cap_deps * 2 : 4;
        b->deps = braid_xrealloc(b->deps, b->cap_deps * sizeof *b->deps);
    }
    b->deps[b->n_deps++] = tx;
    spin_unlock(&b->lock);
    atomic_fetch_sub_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return true;
}

bool sched_executed(scheduler *s, uint32_t tx) {
    tx_state *t = &s->txs[tx];
    spin_lock(&t->lock);
    bool executed = t->status == EXECUTED;
    spin_unlock(&t->lock);
    return executed;
}

static void set_ready(scheduler *s, uint32_t tx) {
    tx_state *t = &s->txs[tx];
    spin_lock(&t->lock);
    t->incarnation++;
    t->status = READY;
    spin_unlock(&t->lock);
}

sched_task sched_finish_execution(scheduler *s, unsigned w, uint32_t tx, uint32_t incarnation, bool wrote_new_location) {
    tx_state *t = &s->txs[tx];
    spin_lock(&t->lock);
    t->status = EXECUTED;
    uint32_t n_deps = t->n_deps, small[16], *deps = small;
    if (n_deps > 16) deps = braid_xmalloc(n_deps * sizeof *deps);
    if (n_deps) memcpy(deps, t->deps, n_deps * sizeof *deps);
    t->n_deps = 0;
    spin_unlock(&t->lock);
    if (n_deps) {
        uint32_t min = UINT32_MAX;
        for (uint32_t i = 0; i < n_deps; i++) {
            set_ready(s, deps[i]);
            if (deps[i] < min) min = deps[i];
        }
        decrease_index(s, &s->execution_idx, min);
    }
    if (deps != small) free(deps);
    if (atomic_load(&s->validation_idx) > tx) {
        if (!wrote_new_location) return (sched_task){TASK_VALIDATE, tx, incarnation};
        decrease_index(s, &s->validation_idx, tx);
    }
    atomic_fetch_sub_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return (sched_task){TASK_NONE, 0, 0};
}

bool sched_try_validation_abort(scheduler *s, uint32_t tx, uint32_t incarnation) {
    tx_state *t = &s->txs[tx];
    spin_lock(&t->lock);
    bool ok = t->incarnation == incarnation && t->status == EXECUTED;
    if (ok) t->status = ABORTING;
    spin_unlock(&t->lock);
    return ok;
}

sched_task sched_finish_validation(scheduler *s, unsigned w, uint32_t tx, bool aborted) {
    if (aborted) {
        set_ready(s, tx);
        decrease_index(s, &s->validation_idx, (uint64_t)tx + 1);
        /* the validation's task slot passes to the re-execution, or try_incarnate releases it */
        if (atomic_load(&s->execution_idx) > tx) return try_incarnate(s, w, tx);
    }
    atomic_fetch_sub_explicit(&s->active[w].v, 1, memory_order_seq_cst);
    return (sched_task){TASK_NONE, 0, 0};
}
