/* The state root: the Merkle-Patricia root over every existing account, each with its storage root.
 * Computed from scratch over the overlay; the node will keep tries incrementally instead. */
#include "state.h"

#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_trie.h"

static braid_hash storage_root(const state_account *a, braid_buf *scratch) {
    const slot_map *m = &a->storage;
    size_t n = 0;
    for (uint32_t i = 0; i < m->count; i++) n += !braid_u256_is_zero(m->entries[i].value);
    if (n == 0) return BRAID_EMPTY_TRIE_ROOT;
    /* Keys are keccak(slot) (32 bytes) and values rlp(value) (at most 33 bytes): fixed strides. */
    braid_buf_clear(scratch);
    uint8_t *mem = braid_buf_extend(scratch, n * (32 + 33));
    braid_trie_kv *kvs = braid_xmalloc(n * sizeof *kvs);
    size_t k = 0;
    for (uint32_t i = 0; i < m->count; i++) {
        const state_slot *slot = &m->entries[i];
        if (braid_u256_is_zero(slot->value)) continue;
        uint8_t *key = mem + k * 65, *val = key + 32;
        uint8_t be[32];
        braid_u256_to_be(slot->key, be);
        braid_keccak256(be, 32, key);
        braid_u256_to_be(slot->value, be);
        unsigned len = braid_u256_byte_len(slot->value);
        size_t vlen;
        if (len == 1 && be[31] < 0x80) {
            val[0] = be[31];
            vlen = 1;
        } else {
            val[0] = (uint8_t)(0x80 + len);
            memcpy(val + 1, be + 32 - len, len);
            vlen = len + 1;
        }
        kvs[k++] = (braid_trie_kv){key, 32, val, vlen};
    }
    braid_hash root;
    braid_trie_root(kvs, n, &root);
    free(kvs);
    return root;
}

/* Each account's leaf: its hashed address, and rlp([nonce, balance, storageRoot, codeHash]) (at most
 * 3 + 9 + 33 + 33 + 33 bytes). Leaves are independent, so they are built in parallel when possible. */

typedef struct leaf_job {
    const state_account **accounts;
    uint8_t (*keys)[32];
    uint8_t (*values)[BRAID_ACCOUNT_LEAF_MAX];
    size_t *value_len;
} leaf_job;

static void build_leaf(void *arg, size_t i, unsigned worker) {
    (void)worker;
    leaf_job *job = arg;
    const state_account *a = job->accounts[i];
    braid_buf scratch;
    braid_buf_init(&scratch);
    braid_keccak256(a->addr.b, 20, job->keys[i]);
    braid_hash sroot = storage_root(a, &scratch);
    braid_buf_free(&scratch);
    braid_buf v = {job->values[i], 0, BRAID_ACCOUNT_LEAF_MAX}; /* fits: never reallocates */
    braid_trie_account_leaf(&v, a->nonce, a->balance, &sroot, &a->code->hash);
    job->value_len[i] = v.len;
}

braid_hash braid_state_root_parallel(braid_state *s, const braid_parallel_for *pf) {
    size_t n = 0;
    for (size_t i = 0; i < s->n_accounts; i++) n += state_account_at(s, i)->exists;
    size_t cap = n ? n : 1;
    leaf_job job = {
        .accounts = braid_xmalloc(cap * sizeof *job.accounts),
        .keys = braid_xmalloc(cap * 32),
        .values = braid_xmalloc(cap * BRAID_ACCOUNT_LEAF_MAX),
        .value_len = braid_xmalloc(cap * sizeof *job.value_len),
    };
    size_t k = 0;
    for (size_t i = 0; i < s->n_accounts; i++) {
        const state_account *a = state_account_at(s, i);
        if (a->exists) job.accounts[k++] = a;
    }
    if (pf && n > 64)
        pf->run(pf->ctx, n, build_leaf, &job);
    else
        for (size_t i = 0; i < n; i++) build_leaf(&job, i, 0);
    braid_trie_kv *kvs = braid_xmalloc(cap * sizeof *kvs);
    for (size_t i = 0; i < n; i++) kvs[i] = (braid_trie_kv){job.keys[i], 32, job.values[i], job.value_len[i]};
    braid_hash root;
    braid_trie_root_parallel(kvs, n, &root, pf);
    free(kvs);
    free(job.accounts);
    free(job.keys);
    free(job.values);
    free(job.value_len);
    return root;
}

braid_hash braid_state_root(braid_state *s) { return braid_state_root_parallel(s, NULL); }
