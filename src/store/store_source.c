/* The head state in the flat tables as a braid_state_source.
 *
 * The parallel executor's workers read the base state at once, and an LMDB read transaction must not be
 * used by two threads at a time: each thread gets its own, all renewed onto the same snapshot (nothing
 * commits while a block executes: the sequencer that commits is the one waiting for the block). */
#include <pthread.h>
#include <stdlib.h>

#include "braid/braid_state.h"
#include "braid/braid_store.h"

#define MAX_READERS 256

struct braid_store_source {
    braid_state_source api;
    braid_store *store;
    braid_code_cache *codes;
    braid_store_txn *fixed; /* single-thread use over the caller's transaction */
    pthread_mutex_t lock;
    braid_store_txn *txns[MAX_READERS];
    unsigned n_txns;
    uint64_t generation; /* bumped by refresh; a thread's transaction older than it is renewed */
    uint64_t id;         /* names the source in threads' slots (an address could be reused) */
};

static uint64_t next_id = 1;

typedef struct thread_reader {
    uint64_t owner; /* source id, 0: free */
    uint64_t generation;
    braid_store_txn *txn;
} thread_reader;

/* One source at a time per thread in practice (the node's executor source); a few slots for tests. */
static _Thread_local thread_reader readers[4];

static braid_store_txn *txn_for_thread(braid_store_source *src) {
    if (src->fixed) return src->fixed;
    uint64_t gen = __atomic_load_n(&src->generation, __ATOMIC_ACQUIRE);
    thread_reader *free_slot = NULL;
    for (int i = 0; i < 4; i++) {
        thread_reader *r = &readers[i];
        if (r->owner == src->id) {
            if (r->generation != gen) {
                braid_store_txn_renew(r->txn);
                r->generation = gen;
            }
            return r->txn;
        }
        if (!r->owner && !free_slot) free_slot = r;
    }
    braid_store_txn *t = braid_store_begin_read(src->store);
    if (!t) return NULL;
    pthread_mutex_lock(&src->lock);
    bool registered = src->n_txns < MAX_READERS;
    if (registered) src->txns[src->n_txns++] = t;
    pthread_mutex_unlock(&src->lock);
    if (!registered) { /* not expected: as many threads as the executor has workers */
        braid_store_abort(t);
        return NULL;
    }
    /* Slots of sources destroyed since are never freed on this thread: take one over. The transaction
     * it held stays in its source's list, which aborts it (or already did). */
    static _Thread_local unsigned evict;
    if (!free_slot) free_slot = &readers[evict++ % 4];
    *free_slot = (thread_reader){src->id, gen, t};
    return t;
}

const braid_code *braid_store_code(braid_store_txn *t, braid_code_cache *codes, const braid_hash *hash) {
    const braid_code *code = braid_code_cache_find(codes, hash);
    if (code) return code;
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_CODE, hash->b, 32, &v)) return NULL;
    return braid_code_cache_get_hashed(codes, hash, v.data, v.len);
}

static bool get_account(void *ctx, const braid_address *addr, braid_state_account *out) {
    braid_store_source *src = ctx;
    braid_store_txn *t = txn_for_thread(src);
    braid_store_account acc;
    if (!t || !braid_store_get_account(t, addr, &acc)) return false;
    out->nonce = acc.nonce;
    out->balance = acc.balance;
    out->code = braid_store_code(t, src->codes, &acc.code_hash);
    if (!out->code) out->code = braid_code_empty(); /* a corrupt database: the node checks at start-up */
    return true;
}

static braid_u256 get_storage(void *ctx, const braid_address *addr, const braid_u256 *key) {
    braid_store_txn *t = txn_for_thread(ctx);
    return t ? braid_store_get_slot(t, addr, key) : BRAID_U256_ZERO;
}

braid_store_source *braid_store_source_create(braid_store *s, braid_code_cache *codes, braid_store_txn *txn) {
    braid_store_source *src = braid_xcalloc(1, sizeof *src);
    src->store = s;
    src->codes = codes;
    src->fixed = txn;
    src->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    src->api = (braid_state_source){.ctx = src, .get_account = get_account, .get_storage = get_storage};
    pthread_mutex_init(&src->lock, NULL);
    return src;
}

const braid_state_source *braid_store_source_get(braid_store_source *src) { return &src->api; }

void braid_store_source_refresh(braid_store_source *src) {
    pthread_mutex_lock(&src->lock);
    /* Idle threads would otherwise pin their old snapshot, and LMDB could not reuse the pages it frees. */
    for (unsigned i = 0; i < src->n_txns; i++) braid_store_txn_reset(src->txns[i]);
    __atomic_add_fetch(&src->generation, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&src->lock);
}

void braid_store_source_destroy(braid_store_source *src) {
    if (!src) return;
    /* Threads still holding slots for this source must not find it again: the node destroys its source
     * only at shutdown, after the executor's workers are gone. */
    for (unsigned i = 0; i < src->n_txns; i++) braid_store_abort(src->txns[i]);
    for (int i = 0; i < 4; i++)
        if (readers[i].owner == src->id) readers[i] = (thread_reader){0};
    pthread_mutex_destroy(&src->lock);
    free(src);
}
