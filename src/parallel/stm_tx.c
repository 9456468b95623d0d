/* One transaction inside Block-STM: its reads go through multi-version memory (recorded for
 * validation), its writes are collected from the overlay it ran on, and stopping on another transaction's
 * pending write unwinds the whole execution at once (longjmp back to stm_run_tx: the overlay and the
 * vm's frames are reused scratch, so nothing needs unwinding). */
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "state/state.h"
#include "spin.h"
#include "stm.h"

void stm_chaos(worker *w) {
    if (!w->ex->chaos) return;
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    unsigned r = (unsigned)(w->rng & 127);
    if (r < 16) {
        sched_yield();
    } else if (r == 127) {
        struct timespec ts = {0, (long)(w->rng >> 40) % 100000};
        nanosleep(&ts, NULL);
    }
}

static void grow(void **p, uint32_t *cap, size_t elem) {
    *cap = *cap ? *cap * 2 : 32;
    *p = braid_xrealloc(*p, *cap * elem);
}


bool stm_beneficiary_balance(braid_executor *ex, mv_entry *e, uint32_t tx, braid_u256 *out, uint32_t *blocking) {
    mv_value v;
    uint32_t from;
    if (mv_read_balance(ex->mv, e, tx, &v, blocking, &from) == MV_READ_BLOCKED) return false;
    for (uint32_t j = from; j < tx; j++) {
        tx_slot *s = &ex->slots[j];
        spin_lock(&s->fee_lock);
        bool ready = s->fee_ready;
        braid_u256 fee = s->fee;
        spin_unlock(&s->fee_lock);
        if (!ready) {
            *blocking = j;
            return false;
        }
        v.u = braid_u256_add(v.u, fee);
    }
    *out = v.u;
    return true;
}

static inline bool same_location(const mv_key *a, const mv_key *b) {
    if ((a->kind == MV_STORAGE) != (b->kind == MV_STORAGE) || !braid_address_eq(&a->addr, &b->addr)) return false;
    return a->kind != MV_STORAGE || braid_u256_eq(a->slot, b->slot);
}

/* The entry of `key` through the worker's per-execution cache. */
static mv_entry *entry_of(worker *w, const mv_key *key) {
    uint64_t h = mv_key_hash(key);
    size_t offset = key->kind == MV_BALANCE;
    __typeof__(w->cache[0]) *c = &w->cache[h & (ENTRY_CACHE - 1)];
    if (c->tag == w->block_tag && c->hash == h && same_location(&c->key, key)) return c->e + offset;
    mv_entry *e = mv_entry_get_hashed(w->ex->mv, w->index, key, h);
    if (!e) longjmp(w->jump, RUN_FULL);
    c->tag = w->block_tag;
    c->hash = h;
    c->key = *key;
    c->e = e - offset;
    return e;
}

/* Reading a location that has already cost this block an abort (a pair's reserves, a much-credited
 * balance) most likely conflicts with the previous transaction to the same contract: while that one
 * has not executed, wait for it, as for an ESTIMATE, instead of running on a value about to change.
 * Only ever a wait on a lower transaction, so it can neither deadlock nor change a result. */
static void wait_if_contended(worker *w, const mv_entry *e) {
    if (!atomic_load_explicit(&e->contended, memory_order_relaxed)) return;
    uint32_t prev = w->ex->prev_same_to[w->tx];
    if (prev == NO_TX || sched_executed(w->ex->sched, prev)) return;
    w->blocking = prev;
    longjmp(w->jump, RUN_BLOCKED);
}

static mv_value read_location(worker *w, const mv_key *key) {
    braid_executor *ex = w->ex;
    mv_entry *e = entry_of(w, key);
    wait_if_contended(w, e);
    mv_value v;
    bool beneficiary = key->kind == MV_BALANCE && braid_address_eq(&key->addr, &ex->run->env.coinbase);
    if (beneficiary ? !stm_beneficiary_balance(ex, e, w->tx, &v.u, &w->blocking)
                    : mv_read(ex->mv, e, w->tx, &v, &w->blocking) == MV_READ_BLOCKED)
        longjmp(w->jump, RUN_BLOCKED);
    if (w->n_reads == w->cap_reads) grow((void **)&w->reads, &w->cap_reads, sizeof *w->reads);
    w->reads[w->n_reads++] = (stm_read){e, v, beneficiary};
    stm_chaos(w);
    return v;
}

static bool source_account(void *ctx, const braid_address *addr, braid_state_account *out) {
    mv_key key = {.addr = *addr, .kind = MV_INFO};
    mv_value v = read_location(ctx, &key);
    if (!v.info.exists) return false;
    out->nonce = v.info.nonce;
    out->code = v.info.code;
    return true;
}

static braid_u256 source_balance(void *ctx, const braid_address *addr) {
    mv_key key = {.addr = *addr, .kind = MV_BALANCE};
    return read_location(ctx, &key).u;
}

static braid_u256 source_storage(void *ctx, const braid_address *addr, const braid_u256 *slot) {
    mv_key key = {.addr = *addr, .kind = MV_STORAGE, .slot = *slot};
    return read_location(ctx, &key).u;
}

void stm_worker_init(worker *w, braid_executor *ex, unsigned index, uint64_t chaos_seed) {
    memset(w, 0, sizeof *w);
    w->ex = ex;
    w->index = index;
    w->vm = braid_vm_create();
    w->source = (braid_state_source){w, source_account, source_storage, source_balance};
    w->rng = chaos_seed * 0x9e3779b97f4a7c15ull + index + 1;
}

void stm_worker_free(worker *w) {
    braid_vm_destroy(w->vm);
    braid_state_destroy(w->overlay);
    free(w->reads);
    free(w->writes);
    free(w->seen);
}

static void add_write(worker *w, const mv_key *key, mv_version_kind kind, const mv_value *v) {
    mv_entry *e = entry_of(w, key);
    if (w->n_writes == w->cap_writes) grow((void **)&w->writes, &w->cap_writes, sizeof *w->writes);
    w->writes[w->n_writes++] = (stm_write){e, (uint8_t)kind, *v};
}

/* The overlay after the transaction, as writes. Accounts keep what the source said when first loaded,
 * so changes are told apart from reads; slots written in the transaction carry their original value. */
static void collect_writes(worker *w, tx_slot *slot, const braid_u256 *fee) {
    braid_state *s = w->overlay;
    slot->needs_sequential = false;
    for (size_t i = 0; i < state_account_count(s); i++) {
        state_account *a = state_account_at(s, i);
        if (!a->exists && !a->loaded_exists) continue;
        bool deleted = a->loaded_exists && !a->exists;
        /* Deleting a contract that existed before would need its storage wiped in every later read:
         * rare (a pre-Cancun SELFDESTRUCT), so the block falls back to sequential execution instead. */
        if (deleted && a->loaded_code->len) slot->needs_sequential = true;
        mv_key key = {.addr = a->addr, .kind = MV_INFO};
        mv_value v;
        if (a->exists != a->loaded_exists || a->nonce != a->loaded_nonce || a->code != a->loaded_code) {
            v.info = (mv_info){a->exists, a->nonce, a->code};
            add_write(w, &key, MV_ABSOLUTE, &v);
        }
        key.kind = MV_BALANCE;
        if (deleted) {
            v.u = BRAID_U256_ZERO;
            add_write(w, &key, MV_ABSOLUTE, &v);
        } else if (a->balance_known) {
            if (!braid_u256_eq(a->balance, a->balance_base)) {
                v.u = a->balance;
                add_write(w, &key, MV_ABSOLUTE, &v);
            }
        } else {
            v.u = a->balance; /* a delta over a balance this transaction never read */
            /* the beneficiary's fee travels in the transaction's slot, not as a version */
            if (braid_address_eq(&a->addr, &w->ex->run->env.coinbase)) v.u = braid_u256_sub(v.u, *fee);
            if (!braid_u256_is_zero(v.u)) add_write(w, &key, MV_DELTA, &v);
        }
        if (deleted) continue;
        key.kind = MV_STORAGE;
        for (uint32_t k = 0; k < a->storage.count; k++) {
            const state_slot *st = &a->storage.entries[k];
            if (st->orig_epoch == 0 || braid_u256_eq(st->value, st->original)) continue;
            key.slot = st->key;
            v.u = st->value;
            add_write(w, &key, MV_ABSOLUTE, &v);
        }
    }
}

static void save_outcome(worker *w, tx_slot *slot, braid_tx_error err, const braid_tx_outcome *o) {
    slot->err = err;
    slot->outcome = *o;
    slot->outcome.output = NULL; /* vm-owned; the block result does not keep it */
    slot->outcome.output_len = 0;
    size_t n = err == BRAID_TX_VALID ? braid_state_log_count(w->overlay) : 0;
    const braid_log *logs = n ? braid_state_logs(w->overlay) : NULL;
    if (n > slot->cap_logs) {
        slot->cap_logs = n;
        slot->logs = braid_xrealloc(slot->logs, n * sizeof *slot->logs);
    }
    braid_buf_clear(&slot->log_data);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += logs[i].data_len;
    braid_buf_reserve(&slot->log_data, bytes);
    for (size_t i = 0; i < n; i++) {
        slot->logs[i] = logs[i];
        slot->logs[i].data_len = logs[i].data_len;
        braid_buf_append(&slot->log_data, logs[i].data, logs[i].data_len);
    }
    /* data pointers are fixed up at commit, once log_data no longer moves */
    slot->n_logs = n; /* their bloom is computed after the parallel section, batched with the others' */
}

/* A call to a contract whose storage is contended would stop at its first contended read anyway (see
 * wait_if_contended): held back before it starts, it wastes nothing. */
static bool hold_back(worker *w, uint32_t tx) {
    const braid_tx *t = &w->ex->run->block->txs[tx].tx;
    uint32_t prev = w->ex->prev_same_to[tx];
    if (prev == NO_TX || t->is_create) return false;
    mv_key key = {.addr = t->to, .kind = MV_INFO};
    const mv_entry *e = entry_of(w, &key);
    if (!atomic_load_explicit(&e->callee_contended, memory_order_relaxed) || sched_executed(w->ex->sched, prev))
        return false;
    w->blocking = prev;
    return true;
}

int stm_run_tx(worker *w, uint32_t tx) {
    braid_executor *ex = w->ex;
    const block_run *run = ex->run;
    tx_slot *slot = &ex->slots[tx];
    w->tx = tx;
    w->n_reads = 0;
    w->n_writes = 0;
    stm_chaos(w);
    int jumped = setjmp(w->jump);
    if (jumped) return jumped;
    if (hold_back(w, tx)) return RUN_BLOCKED;
    braid_state_reset(w->overlay);
    braid_tx_outcome outcome = {0};
    /* The block's remaining gas depends on every earlier transaction: checked in order at commit. */
    braid_tx_error err = braid_tx_apply(w->vm, w->overlay, run->fork, &run->env, &run->block->txs[tx].tx,
                                        run->block->header.gas_limit, &outcome);
    if (err == BRAID_TX_VALID) collect_writes(w, slot, &outcome.beneficiary_fee);
    save_outcome(w, slot, err, &outcome);
    w->executions++;
    return RUN_OK;
}

/* Tiny open-addressing set of entry pointers, for comparing the new write set with the last one. */
static void seen_clear(worker *w, size_t want) {
    size_t size = 64;
    while (size < want * 2) size *= 2;
    if (size - 1 > w->seen_mask) {
        free(w->seen);
        w->seen = braid_xcalloc(size, sizeof *w->seen);
        w->seen_mask = size - 1;
    } else {
        memset(w->seen, 0, (w->seen_mask + 1) * sizeof *w->seen);
    }
}

static bool seen_insert(worker *w, mv_entry *e) { /* true when newly inserted */
    size_t i = (size_t)(e->hash) & w->seen_mask;
    while (w->seen[i]) {
        if (w->seen[i] == e) return false;
        i = (i + 1) & w->seen_mask;
    }
    w->seen[i] = e;
    return true;
}

static bool seen_has(const worker *w, const mv_entry *e) {
    size_t i = (size_t)(e->hash) & w->seen_mask;
    while (w->seen[i]) {
        if (w->seen[i] == e) return true;
        i = (i + 1) & w->seen_mask;
    }
    return false;
}

bool stm_record(worker *w, uint32_t tx) {
    braid_executor *ex = w->ex;
    tx_slot *slot = &ex->slots[tx];
    stm_chaos(w);
    for (uint32_t i = 0; i < w->n_writes; i++)
        mv_write(ex->mv, w->index, w->writes[i].e, tx, (mv_version_kind)w->writes[i].kind, &w->writes[i].v);
    /* Locations written last time but not now lose their version; a location new this time means
     * validations of later transactions must run again. Small sets are compared pairwise. */
    bool new_location = false;
    if ((size_t)slot->n_writes * w->n_writes <= 256) {
        for (uint32_t i = 0; i < w->n_writes; i++) {
            bool seen = false;
            for (uint32_t k = 0; k < slot->n_writes && !seen; k++) seen = slot->writes[k].e == w->writes[i].e;
            new_location |= !seen;
        }
        for (uint32_t k = 0; k < slot->n_writes; k++) {
            bool kept = false;
            for (uint32_t i = 0; i < w->n_writes && !kept; i++) kept = slot->writes[k].e == w->writes[i].e;
            if (!kept) mv_remove(slot->writes[k].e, tx);
        }
        goto swap;
    }
    seen_clear(w, slot->n_writes > w->n_writes ? slot->n_writes : w->n_writes);
    for (uint32_t i = 0; i < slot->n_writes; i++) seen_insert(w, slot->writes[i].e);
    for (uint32_t i = 0; i < w->n_writes; i++) new_location |= !seen_has(w, w->writes[i].e);
    seen_clear(w, w->n_writes);
    for (uint32_t i = 0; i < w->n_writes; i++) seen_insert(w, w->writes[i].e);
    for (uint32_t i = 0; i < slot->n_writes; i++)
        if (!seen_has(w, slot->writes[i].e)) mv_remove(slot->writes[i].e, tx);

swap:
    spin_lock(&slot->fee_lock);
    slot->fee = slot->err == BRAID_TX_VALID ? slot->outcome.beneficiary_fee : BRAID_U256_ZERO;
    slot->fee_ready = true;
    spin_unlock(&slot->fee_lock);

    /* Hand the new sets to the slot and keep the old buffers as scratch. */
    stm_write *wt = slot->writes;
    uint32_t wc = slot->cap_writes;
    slot->writes = w->writes;
    slot->n_writes = w->n_writes;
    slot->cap_writes = w->cap_writes;
    w->writes = wt;
    w->cap_writes = wc;
    w->n_writes = 0;

    spin_lock(&slot->lock);
    stm_read *rt = slot->reads;
    uint32_t rc = slot->cap_reads;
    slot->reads = w->reads;
    slot->n_reads = w->n_reads;
    slot->cap_reads = w->cap_reads;
    spin_unlock(&slot->lock);
    w->reads = rt;
    w->cap_reads = rc;
    w->n_reads = 0;
    return new_location;
}

/* Marks a location whose read failed validation, and for a storage slot its contract too. */
static void mark_contended(braid_executor *ex, worker *w, mv_entry *e) {
    atomic_store_explicit(&e->contended, true, memory_order_relaxed);
    if (e->key.kind != MV_STORAGE) return;
    mv_key key = {.addr = e->key.addr, .kind = MV_INFO};
    mv_entry *info = mv_entry_get(ex->mv, w->index, &key);
    if (info) atomic_store_explicit(&info->callee_contended, true, memory_order_relaxed);
}

bool stm_validate(braid_executor *ex, worker *w, uint32_t tx) {
    tx_slot *slot = &ex->slots[tx];
    bool valid = true;
    w->validations++;
    spin_lock(&slot->lock);
    for (uint32_t i = 0; i < slot->n_reads && valid; i++) {
        const stm_read *r = &slot->reads[i];
        mv_value now;
        uint32_t blocking;
        if (r->beneficiary)
            valid = stm_beneficiary_balance(ex, r->e, tx, &now.u, &blocking) && braid_u256_eq(now.u, r->v.u);
        else
            valid = mv_read(ex->mv, r->e, tx, &now, &blocking) == MV_READ_OK && mv_value_eq(r->e, &now, &r->v);
        if (!valid) mark_contended(ex, w, r->e);
    }
    spin_unlock(&slot->lock);
    stm_chaos(w);
    return valid;
}

void stm_mark_estimates(braid_executor *ex, uint32_t tx) {
    tx_slot *slot = &ex->slots[tx];
    spin_lock(&slot->fee_lock);
    slot->fee_ready = false;
    spin_unlock(&slot->fee_lock);
    for (uint32_t i = 0; i < slot->n_writes; i++) mv_mark_estimate(slot->writes[i].e, tx);
}
