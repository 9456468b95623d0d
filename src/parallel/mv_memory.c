#include "mv_memory.h"

#include <sched.h>
#include <stdlib.h>

#define ENTRIES_PER_CHUNK 1024
/* Locations per transaction the table is sized for; a block that touches more falls back. */
#define SLOTS_PER_TX 32

typedef struct arena {
    mv_entry **chunks;
    size_t n_chunks, used; /* entries handed out in this block */
} arena;

struct mv_memory {
    const braid_state *base;
    _Atomic(mv_entry *) *table;
    size_t mask;
    atomic_size_t count;
    atomic_bool full;
    arena *arenas;
    unsigned n_arenas;
};

static inline void spin_lock(atomic_int *l) {
    for (;;) {
        if (!atomic_exchange_explicit(l, 1, memory_order_acquire)) return;
        while (atomic_load_explicit(l, memory_order_relaxed)) __builtin_ia32_pause();
    }
}
static inline void spin_unlock(atomic_int *l) { atomic_store_explicit(l, 0, memory_order_release); }

static inline uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static uint64_t key_hash(const mv_key *k) {
    uint64_t a, b;
    uint32_t c;
    memcpy(&a, k->addr.b, 8);
    memcpy(&b, k->addr.b + 8, 8);
    memcpy(&c, k->addr.b + 16, 4);
    uint64_t h = mix(a ^ mix(b ^ ((uint64_t)c << 8 | k->kind)));
    if (k->kind == MV_STORAGE) h = mix(h ^ mix(k->slot.w[0] ^ mix(k->slot.w[1] ^ mix(k->slot.w[2] ^ k->slot.w[3]))));
    return h;
}

static bool key_eq(const mv_key *a, const mv_key *b) {
    return a->kind == b->kind && braid_address_eq(&a->addr, &b->addr) &&
           (a->kind != MV_STORAGE || braid_u256_eq(a->slot, b->slot));
}

mv_memory *mv_create(void) { return braid_xcalloc(1, sizeof(mv_memory)); }

static void release_versions(mv_entry *e, void *arg) {
    (void)arg;
    free(e->versions);
    e->versions = NULL;
}

void mv_destroy(mv_memory *m) {
    if (!m) return;
    for (unsigned i = 0; i < m->n_arenas; i++) {
        for (size_t c = 0; c < m->arenas[i].n_chunks; c++) free(m->arenas[i].chunks[c]);
        free(m->arenas[i].chunks);
    }
    free(m->arenas);
    free((void *)m->table);
    free(m);
}

void mv_begin(mv_memory *m, const braid_state *base, size_t n_txs, unsigned workers) {
    m->base = base;
    size_t want = (n_txs + 64) * SLOTS_PER_TX, size = 1024;
    while (size < want) size *= 2;
    if (size - 1 != m->mask) {
        free((void *)m->table);
        m->table = braid_xcalloc(size, sizeof *m->table);
        m->mask = size - 1;
    } else {
        memset((void *)m->table, 0, size * sizeof *m->table);
    }
    atomic_store(&m->count, 0);
    atomic_store(&m->full, false);
    if (m->n_arenas < workers) {
        m->arenas = braid_xrealloc(m->arenas, workers * sizeof *m->arenas);
        memset(m->arenas + m->n_arenas, 0, (workers - m->n_arenas) * sizeof *m->arenas);
        m->n_arenas = workers;
    }
    for (unsigned i = 0; i < m->n_arenas; i++) m->arenas[i].used = 0;
}

void mv_end(mv_memory *m) { mv_for_each(m, release_versions, NULL); }

bool mv_ok(const mv_memory *m) { return !atomic_load(&m->full); }

static mv_entry *arena_take(arena *a) {
    size_t chunk = a->used / ENTRIES_PER_CHUNK;
    if (chunk == a->n_chunks) {
        a->chunks = braid_xrealloc(a->chunks, (a->n_chunks + 1) * sizeof *a->chunks);
        a->chunks[a->n_chunks++] = braid_xmalloc(ENTRIES_PER_CHUNK * sizeof(mv_entry));
    }
    return &a->chunks[chunk][a->used % ENTRIES_PER_CHUNK];
}

mv_entry *mv_entry_get(mv_memory *m, unsigned worker, const mv_key *key) {
    uint64_t h = key_hash(key);
    size_t i = h & m->mask;
    mv_entry *fresh = NULL;
    for (size_t probes = 0; probes <= m->mask; probes++, i = (i + 1) & m->mask) {
        mv_entry *e = atomic_load_explicit(&m->table[i], memory_order_acquire);
        if (!e) {
            if (!fresh) {
                /* Publish only a fully built entry: readers never see a half-made one. */
                if (atomic_fetch_add(&m->count, 1) * 10 > m->mask * 7) {
                    atomic_store(&m->full, true);
                    return NULL;
                }
                fresh = arena_take(&m->arenas[worker]);
                memset(fresh, 0, sizeof *fresh);
                fresh->hash = h;
                fresh->key = *key;
            }
            mv_entry *expected = NULL;
            if (atomic_compare_exchange_strong_explicit(&m->table[i], &expected, fresh, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                m->arenas[worker].used++;
                return fresh;
            }
            e = expected; /* someone else took the slot: look at theirs */
        }
        if (e->hash == h && key_eq(&e->key, key)) {
            if (fresh) atomic_fetch_sub(&m->count, 1);
            return e;
        }
    }
    atomic_store(&m->full, true);
    return NULL;
}

/* The parent state's value, read once per entry (under its lock). */
static void load_base(mv_memory *m, mv_entry *e) {
    if (e->base_loaded) return;
    braid_state_account acc;
    switch ((mv_kind)e->key.kind) {
    case MV_INFO:
        if (braid_state_peek_account(m->base, &e->key.addr, &acc))
            e->base.info = (mv_info){true, acc.nonce, acc.code ? acc.code : braid_code_empty()};
        else
            e->base.info = (mv_info){false, 0, braid_code_empty()};
        break;
    case MV_BALANCE:
        e->base.u = braid_state_peek_account(m->base, &e->key.addr, &acc) ? acc.balance : BRAID_U256_ZERO;
        break;
    case MV_STORAGE:
        e->base.u = braid_state_peek_storage(m->base, &e->key.addr, &e->key.slot);
        break;
    }
    e->base_loaded = true;
}

/* Index of the first version with tx >= `tx` (versions are sorted by tx). */
static uint32_t lower_bound(const mv_entry *e, uint32_t tx) {
    uint32_t lo = 0, hi = e->n;
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
        found = true;
        break;
    }
    if (r == MV_READ_OK && !found) {
        load_base(m, e);
        *out = e->base;
    }
    if (r == MV_READ_OK && e->key.kind == MV_BALANCE) out->u = braid_u256_add(out->u, delta);
    spin_unlock(&e->lock);
    return r;
}

bool mv_value_eq(const mv_entry *e, const mv_value *a, const mv_value *b) {
    if (e->key.kind == MV_INFO)
        return a->info.exists == b->info.exists && a->info.nonce == b->info.nonce && a->info.code == b->info.code;
    return braid_u256_eq(a->u, b->u);
}

void mv_write(mv_entry *e, uint32_t tx, mv_version_kind kind, const mv_value *v) {
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    if (k == e->n || e->versions[k].tx != tx) {
        if (e->n == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 4;
            e->versions = braid_xrealloc(e->versions, e->cap * sizeof *e->versions);
        }
        memmove(&e->versions[k + 1], &e->versions[k], (e->n - k) * sizeof *e->versions);
        e->n++;
        e->versions[k].tx = tx;
    }
    e->versions[k].kind = (uint8_t)kind;
    e->versions[k].v = *v;
    spin_unlock(&e->lock);
}

void mv_remove(mv_entry *e, uint32_t tx) {
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    if (k < e->n && e->versions[k].tx == tx) {
        memmove(&e->versions[k], &e->versions[k + 1], (e->n - k - 1) * sizeof *e->versions);
        e->n--;
    }
    spin_unlock(&e->lock);
}

void mv_mark_estimate(mv_entry *e, uint32_t tx) {
    spin_lock(&e->lock);
    uint32_t k = lower_bound(e, tx);
    if (k < e->n && e->versions[k].tx == tx) e->versions[k].kind = MV_ESTIMATE;
    spin_unlock(&e->lock);
}

void mv_for_each(mv_memory *m, void (*fn)(mv_entry *e, void *arg), void *arg) {
    if (!m->table) return;
    for (size_t i = 0; i <= m->mask; i++) {
        mv_entry *e = atomic_load_explicit(&m->table[i], memory_order_relaxed);
        if (e) fn(e, arg);
    }
}
