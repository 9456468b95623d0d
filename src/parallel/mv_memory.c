#include "mv_memory.h"

#include "spin.h"

#include <sched.h>
#include <stdlib.h>

#define ENTRIES_PER_CHUNK 1024
/* Table slots per transaction (the table is kept at most 70% full); a block that touches more
 * locations falls back to sequential execution. */
#define SLOTS_PER_TX 12
#define MAX_PROBES 256

typedef struct arena {
    mv_entry **chunks;
    size_t n_chunks, used; /* entries handed out in this block */
    /* entries this worker gave a first version: accounts' info entries, and all others */
    mv_entry **written[2];
    size_t n_written[2], cap_written[2];
} arena;

struct mv_memory {
    const braid_state *base;
    _Atomic(mv_entry *) *table;
    size_t mask;
    atomic_bool full;
    arena *arenas;
    unsigned n_arenas;
};



static inline uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

uint64_t mv_key_hash(const mv_key *k) {
    uint64_t a, b;
    uint32_t c;
    memcpy(&a, k->addr.b, 8);
    memcpy(&b, k->addr.b + 8, 8);
    memcpy(&c, k->addr.b + 16, 4);
    uint64_t h = mix(a ^ mix(b ^ ((uint64_t)c << 8 | (k->kind == MV_STORAGE))));
    if (k->kind == MV_STORAGE) h = mix(h ^ mix(k->slot.w[0] ^ mix(k->slot.w[1] ^ mix(k->slot.w[2] ^ k->slot.w[3]))));
    return h;
}


mv_memory *mv_create(void) { return braid_xcalloc(1, sizeof(mv_memory)); }

static void release_versions(mv_entry *e, void *arg) {
    (void)arg;
    if (e->versions != &e->first) free(e->versions);
    e->versions = &e->first;
}

void mv_destroy(mv_memory *m) {
    if (!m) return;
    for (unsigned i = 0; i < m->n_arenas; i++) {
        for (size_t c = 0; c < m->arenas[i].n_chunks; c++) free(m->arenas[i].chunks[c]);
        free(m->arenas[i].chunks);
        free(m->arenas[i].written[0]);
        free(m->arenas[i].written[1]);
    }
    free(m->arenas);
    free((void *)m->table);
    free(m);
}

void mv_begin(mv_memory *m, const braid_state *base, size_t n_txs, unsigned workers) {
    m->base = base;
    size_t want = (n_txs + 64) * SLOTS_PER_TX, size = 1 << 14; /* small blocks may still write a lot */
    while (size < want) size *= 2;
    if (size - 1 != m->mask) {
        free((void *)m->table);
        m->table = braid_xcalloc(size, sizeof *m->table);
        m->mask = size - 1;
    } else {
        memset((void *)m->table, 0, size * sizeof *m->table);
    }
    atomic_store(&m->full, false);
    if (m->n_arenas < workers) {
        m->arenas = braid_xrealloc(m->arenas, workers * sizeof *m->arenas);
        memset(m->arenas + m->n_arenas, 0, (workers - m->n_arenas) * sizeof *m->arenas);
        m->n_arenas = workers;
    }
    for (unsigned i = 0; i < m->n_arenas; i++) m->arenas[i].used = m->arenas[i].n_written[0] = m->arenas[i].n_written[1] = 0;
}

void mv_end(mv_memory *m) {
    mv_for_each_written(m, MV_WRITTEN_INFO, release_versions, NULL);
    mv_for_each_written(m, MV_WRITTEN_OTHER, release_versions, NULL);
}

bool mv_ok(const mv_memory *m) { return !atomic_load(&m->full); }

static mv_entry *arena_take(arena *a) {
    size_t chunk = a->used / ENTRIES_PER_CHUNK;
    if (chunk == a->n_chunks) {
        a->chunks = braid_xrealloc(a->chunks, (a->n_chunks + 1) * sizeof *a->chunks);
        a->chunks[a->n_chunks++] = braid_xmalloc(ENTRIES_PER_CHUNK * sizeof(mv_entry));
    }
    return &a->chunks[chunk][a->used % ENTRIES_PER_CHUNK];
}

/* An account's info and balance entries are allocated side by side, found through one table slot (the
 * info entry's), and get their parent values from one read of the parent state. */
static mv_entry *new_entries(mv_memory *m, unsigned worker, const mv_key *key, uint64_t h) {
    arena *a = &m->arenas[worker];
    bool pair = key->kind != MV_STORAGE;
    if (pair && a->used % ENTRIES_PER_CHUNK == ENTRIES_PER_CHUNK - 1) a->used++; /* keep a pair in one chunk */
    mv_entry *e = arena_take(a);
    memset(e, 0, (pair ? 2 : 1) * sizeof *e);
    e->hash = h;
    e->key = *key;
    e->versions = &e->first;
    e->cap = 1;
    if (!pair) {
        e->base.u = braid_state_peek_storage(m->base, &key->addr, &key->slot);
        return e;
    }
    e->key.kind = MV_INFO;
    mv_entry *bal = e + 1;
    bal->hash = h;
    bal->key = e->key;
    bal->key.kind = MV_BALANCE;
    bal->versions = &bal->first;
    bal->cap = 1;
    braid_state_account acc;
    if (braid_state_peek_account(m->base, &key->addr, &acc)) {
        e->base.info = (mv_info){true, acc.nonce, acc.code ? acc.code : braid_code_empty()};
        bal->base.u = acc.balance;
    } else {
        e->base.info = (mv_info){false, 0, braid_code_empty()};
        bal->base.u = BRAID_U256_ZERO;
    }
    return e;
}

static bool same_slot_key(const mv_entry *e, const mv_key *k) {
    if ((e->key.kind == MV_STORAGE) != (k->kind == MV_STORAGE) || !braid_address_eq(&e->key.addr, &k->addr))
        return false;
    return k->kind != MV_STORAGE || braid_u256_eq(e->key.slot, k->slot);
}

mv_entry *mv_entry_get(mv_memory *m, unsigned worker, const mv_key *key) {
    return mv_entry_get_hashed(m, worker, key, mv_key_hash(key));
}

mv_entry *mv_entry_get_hashed(mv_memory *m, unsigned worker, const mv_key *key, uint64_t h) {
    size_t i = h & m->mask;
    size_t offset = key->kind == MV_BALANCE; /* the balance entry follows its account's info entry */
    mv_entry *fresh = NULL;
    for (size_t probes = 0; probes <= MAX_PROBES; probes++, i = (i + 1) & m->mask) {
        mv_entry *e = atomic_load_explicit(&m->table[i], memory_order_acquire);
        if (!e) {
            /* Publish only fully built entries, parent values included: readers never see a half-made
             * one, and never fetch the parent value themselves. */
            if (!fresh) fresh = new_entries(m, worker, key, h);
            mv_entry *expected = NULL;
            if (atomic_compare_exchange_strong_explicit(&m->table[i], &expected, fresh, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                m->arenas[worker].used += key->kind == MV_STORAGE ? 1 : 2;
                return fresh + offset;
            }
            e = expected; /* someone else took the slot: look at theirs */
        }
        if (e->hash == h && same_slot_key(e, key)) return e + offset;
    }
    /* Long probes mean the table is near full (it is sized for the block and never grows while the
     * workers use it): give up on parallel execution rather than degrade. */
    atomic_store(&m->full, true);
    return NULL;
}

/* Index of the first version with tx >= `tx` (versions are sorted by tx). */
static uint32_t lower_bound(const mv_entry *e, uint32_t tx) {
    uint32_t lo = 0, hi = atomic_load_explicit(&e->n, memory_order_relaxed);
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (e->versions[mid].tx < tx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

mv_read_result mv_read(mv_memory *m, mv_entry *e, uint32_t tx, mv_value *out, uint32_t *blocking) {
    uint32_t from;
    return mv_read_balance(m, e, tx, out, blocking, &from);
}

mv_read_result mv_read_balance(mv_memory *m, mv_entry *e, uint32_t tx, mv_value *out, uint32_t *blocking,
                               uint32_t *deltas_from) {
    (void)m;
    *deltas_from = 0;
    /* Most locations are only ever read (the beneficiary's info, contract code): with no version the
     * parent's value is the answer without taking the lock. A version being added at this moment
     * makes the read one that happened just before it, which validation then judges. */
    if (atomic_load_explicit(&e->n, memory_order_acquire) == 0) {
        *out = e->base;
        return MV_READ_OK;
    }
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    mv_read_result r = MV_READ_OK;
    braid_u256 delta = BRAID_U256_ZERO;
    bool found = false;
    while (k > 0) {
        const mv_version *v = &e->versions[--k];
        if (v->kind == MV_ESTIMATE) {
            *blocking = v->tx;
            r = MV_READ_BLOCKED;
            break;
        }
        if (v->kind == MV_DELTA) { /* only balances have deltas */
            delta = braid_u256_add(delta, v->v.u);
            continue;
        }
        *out = v->v;
        *deltas_from = v->tx + 1;
        found = true;
        break;
    }
    if (r == MV_READ_OK && !found) *out = e->base;
    if (r == MV_READ_OK && e->key.kind == MV_BALANCE) out->u = braid_u256_add(out->u, delta);
    spin_unlock(&e->lock);
    return r;
}

bool mv_value_eq(const mv_entry *e, const mv_value *a, const mv_value *b) {
    if (e->key.kind == MV_INFO)
        return a->info.exists == b->info.exists && a->info.nonce == b->info.nonce && a->info.code == b->info.code;
    return braid_u256_eq(a->u, b->u);
}

void mv_write(mv_memory *m, unsigned worker, mv_entry *e, uint32_t tx, mv_version_kind kind, const mv_value *v) {
    spin_lock(&e->lock);
    uint32_t n = atomic_load_explicit(&e->n, memory_order_relaxed);
    uint32_t k = lower_bound(e, tx);
    if (k == n || e->versions[k].tx != tx) {
        if (n == e->cap) {
            uint32_t cap = e->cap * 4;
            mv_version *grown = braid_xmalloc(cap * sizeof *grown);
            memcpy(grown, e->versions, n * sizeof *grown);
            if (e->versions != &e->first) free(e->versions);
            e->versions = grown;
            e->cap = cap;
        }
        memmove(&e->versions[k + 1], &e->versions[k], (n - k) * sizeof *e->versions);
        e->versions[k].tx = tx;
        atomic_store_explicit(&e->n, n + 1, memory_order_release);
    }
    e->versions[k].kind = (uint8_t)kind;
    e->versions[k].v = *v;
    if (!e->listed) {
        e->listed = true;
        arena *a = &m->arenas[worker];
        int list = e->key.kind == MV_INFO ? MV_WRITTEN_INFO : MV_WRITTEN_OTHER;
        if (a->n_written[list] == a->cap_written[list]) {
            a->cap_written[list] = a->cap_written[list] ? a->cap_written[list] * 2 : 1024;
            a->written[list] = braid_xrealloc(a->written[list], a->cap_written[list] * sizeof *a->written[list]);
        }
        a->written[list][a->n_written[list]++] = e;
    }
    spin_unlock(&e->lock);
}

void mv_remove(mv_entry *e, uint32_t tx) {
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    uint32_t n = atomic_load_explicit(&e->n, memory_order_relaxed);
    if (k < n && e->versions[k].tx == tx) {
        memmove(&e->versions[k], &e->versions[k + 1], (n - k - 1) * sizeof *e->versions);
        atomic_store_explicit(&e->n, n - 1, memory_order_release);
    }
    spin_unlock(&e->lock);
}

void mv_mark_estimate(mv_entry *e, uint32_t tx) {
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    if (k < atomic_load_explicit(&e->n, memory_order_relaxed) && e->versions[k].tx == tx)
        e->versions[k].kind = MV_ESTIMATE;
    spin_unlock(&e->lock);
}

void mv_for_each_written(mv_memory *m, int list, void (*fn)(mv_entry *e, void *arg), void *arg) {
    for (unsigned i = 0; i < m->n_arenas; i++)
        for (size_t k = 0; k < m->arenas[i].n_written[list]; k++) fn(m->arenas[i].written[list][k], arg);
}

bool mv_read_final(const mv_entry *e, mv_value *out) {
    uint32_t n = atomic_load_explicit(&e->n, memory_order_relaxed);
    braid_u256 delta = BRAID_U256_ZERO;
    *out = e->base;
    while (n > 0) {
        const mv_version *v = &e->versions[--n];
        if (v->kind == MV_ESTIMATE) return false;
        if (v->kind == MV_DELTA) {
            delta = braid_u256_add(delta, v->v.u);
            continue;
        }
        *out = v->v;
        break;
    }
    if (e->key.kind == MV_BALANCE) out->u = braid_u256_add(out->u, delta);
    return true;
}
