#include "keccak_hints.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"

#define KH_PATTERNS 32
#define KH_PER_TX 4
/* How far ahead of the executing worker hints are made: far enough that helpers never wait on it,
 * near enough that the ring stays in cache. */
#define KH_RING 256
/* Transactions hinted per call: their inputs fill the lanes of one SIMD keccak. */
#define KH_BATCH 4
/* Every transaction of a block's first KH_LEARN_ALL is sampled, then one in KH_LEARN_EVERY. */
#define KH_LEARN_ALL 32
#define KH_LEARN_EVERY 16
#define KH_MIN_HITS 2

/* Where a hashed key word came from. */
enum { SRC_SENDER, SRC_CALLEE, SRC_CALLDATA0, KH_SOURCES = SRC_CALLDATA0 + 4 };

typedef struct kh_pattern {
    braid_address callee;
    uint8_t source;
    uint32_t hits;
    uint8_t slot[32]; /* the mapping's slot word */
} kh_pattern;

/* One transaction's hints. `state` is tx << 2 | one of the SLOT_ states: a helper fills a slot it
 * moved from FREE (or from READY for a transaction already passed) to WRITING; the executing worker
 * copies one it moved from READY to READING; neither touches a slot the other holds. */
enum { SLOT_FREE, SLOT_WRITING, SLOT_READY, SLOT_READING };
typedef struct kh_slot {
    _Alignas(64) _Atomic uint64_t state;
    uint32_t n;
    uint8_t input[KH_PER_TX][64];
    uint8_t hash[KH_PER_TX][32];
} kh_slot;

struct keccak_hints {
    const braid_block *block;
    kh_pattern learned[KH_PATTERNS]; /* this block's samples */
    size_t n_learned, sampled;
    kh_pattern active[KH_PATTERNS]; /* what earlier blocks taught: read-only during a block */
    size_t n_active;
    size_t hinted;
    _Alignas(64) atomic_size_t next; /* the next transaction to hint */
    kh_slot ring[KH_RING];
};

keccak_hints *kh_create(void) {
    keccak_hints *kh = aligned_alloc(64, sizeof *kh);
    if (!kh) abort();
    memset(kh, 0, sizeof *kh);
    return kh;
}

void kh_destroy(keccak_hints *kh) { free(kh); }

void kh_begin_block(keccak_hints *kh, const braid_block *block) {
    kh->block = block;
    kh->n_learned = kh->sampled = kh->hinted = 0;
    atomic_store(&kh->next, 0);
    for (size_t i = 0; i < KH_RING; i++) atomic_store(&kh->ring[i].state, SLOT_FREE);
}

bool kh_sample(const keccak_hints *kh, size_t i) {
    (void)kh;
    return i < KH_LEARN_ALL || i % KH_LEARN_EVERY == 0;
}

/* The transaction's key word from `source`, false when it has none. */
static bool key_word(const braid_tx *tx, unsigned source, uint8_t out[32]) {
    if (source == SRC_SENDER || source == SRC_CALLEE) {
        memset(out, 0, 12);
        memcpy(out + 12, (source == SRC_SENDER ? &tx->sender : &tx->to)->b, 20);
        return true;
    }
    size_t off = 4 + 32 * (size_t)(source - SRC_CALLDATA0); /* after the 4-byte selector */
    if (tx->data_len < off + 32) return false;
    memcpy(out, tx->data + off, 32);
    return true;
}

static bool same_pattern(const kh_pattern *p, const braid_address *callee, unsigned source, const uint8_t *slot) {
    return p->source == source && braid_address_eq(&p->callee, callee) && memcmp(p->slot, slot, 32) == 0;
}

void kh_learn(keccak_hints *kh, size_t i, const braid_keccak_log *log) {
    const braid_tx *tx = &kh->block->txs[i].tx;
    if (tx->is_create) return;
    kh->sampled++;
    for (size_t k = 0; k < log->n; k++) {
        const uint8_t *input = log->inputs[k];
        unsigned source = 0;
        uint8_t word[32];
        while (source < KH_SOURCES && !(key_word(tx, source, word) && memcmp(word, input, 32) == 0)) source++;
        if (source == KH_SOURCES) continue; /* a key computed in the contract: not foreseeable */
        size_t p = 0;
        while (p < kh->n_learned && !same_pattern(&kh->learned[p], &tx->to, source, input + 32)) p++;
        if (p < kh->n_learned) {
            kh->learned[p].hits++;
        } else if (p < KH_PATTERNS) {
            kh_pattern *n = &kh->learned[kh->n_learned++];
            n->callee = tx->to;
            n->source = (uint8_t)source;
            n->hits = 1;
            memcpy(n->slot, input + 32, 32);
        }
    }
}

size_t kh_hinted(const keccak_hints *kh) { return kh->hinted; }

void kh_end_block(keccak_hints *kh) {
    if (kh->sampled == 0) return; /* nothing executed in order: the last lesson stands */
    kh->n_active = 0;
    for (size_t p = 0; p < kh->n_learned; p++)
        if (kh->learned[p].hits >= KH_MIN_HITS) kh->active[kh->n_active++] = kh->learned[p];
}

void kh_take(keccak_hints *kh, size_t i, braid_vm *vm) {
    kh_slot *s = &kh->ring[i % KH_RING];
    uint64_t ready = (uint64_t)i << 2 | SLOT_READY;
    if (atomic_load_explicit(&s->state, memory_order_relaxed) != ready ||
        !atomic_compare_exchange_strong_explicit(&s->state, &ready, (uint64_t)i << 2 | SLOT_READING,
                                                 memory_order_acquire, memory_order_relaxed))
        return;
    kh->hinted++;
    for (uint32_t k = 0; k < s->n; k++) braid_vm_keccak_remember(vm, s->input[k], 64, s->hash[k]);
    atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
}

/* Claims transaction j's slot for writing: false when another worker holds it. A slot still READY
 * holds a transaction at least KH_RING before j, which the executing worker has passed. */
static bool claim(kh_slot *s, size_t j) {
    uint64_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    if ((st & 3) == SLOT_WRITING || (st & 3) == SLOT_READING) return false;
    return atomic_compare_exchange_strong_explicit(&s->state, &st, (uint64_t)j << 2 | SLOT_WRITING,
                                                   memory_order_acquire, memory_order_relaxed);
}

/* The slot's inputs for transaction j, from the patterns of its callee. */
static void fill_inputs(const keccak_hints *kh, kh_slot *s, const braid_tx *tx) {
    s->n = 0;
    for (size_t p = 0; p < kh->n_active && s->n < KH_PER_TX && !tx->is_create; p++) {
        const kh_pattern *pat = &kh->active[p];
        if (!braid_address_eq(&pat->callee, &tx->to) || !key_word(tx, pat->source, s->input[s->n])) continue;
        memcpy(s->input[s->n] + 32, pat->slot, 32);
        s->n++;
    }
}

bool kh_predict(keccak_hints *kh, size_t executing, size_t ahead) {
    if (kh->n_active == 0) return false;
    size_t n = kh->block->n_txs, next = atomic_load_explicit(&kh->next, memory_order_relaxed), j, end;
    /* within the ring: the slots of [j, end) are then not the one the executing worker reads */
    if (ahead > KH_RING) ahead = KH_RING;
    do {
        j = next > executing ? next : executing + 1; /* those up to `executing` are too late */
        end = executing + ahead < n ? executing + ahead : n;
        if (j >= end) return false;
        if (end > j + KH_BATCH) end = j + KH_BATCH;
    } while (!atomic_compare_exchange_weak_explicit(&kh->next, &next, end, memory_order_relaxed, memory_order_relaxed));

    /* the batch's inputs hashed side by side */
    const uint8_t *msgs[KH_BATCH * KH_PER_TX];
    size_t lens[KH_BATCH * KH_PER_TX], count = 0;
    uint8_t *outs[KH_BATCH * KH_PER_TX];
    bool claimed[KH_BATCH];
    for (size_t t = j; t < end; t++) {
        kh_slot *s = &kh->ring[t % KH_RING];
        claimed[t - j] = claim(s, t);
        if (!claimed[t - j]) continue;
        fill_inputs(kh, s, &kh->block->txs[t].tx);
        for (uint32_t k = 0; k < s->n; k++, count++) {
            msgs[count] = s->input[k];
            lens[count] = 64;
            outs[count] = s->hash[k];
        }
    }
    if (count) braid_keccak256_many(msgs, lens, count, outs);
    for (size_t t = j; t < end; t++)
        if (claimed[t - j])
            atomic_store_explicit(&kh->ring[t % KH_RING].state, (uint64_t)t << 2 | SLOT_READY, memory_order_release);
    return true;
}
