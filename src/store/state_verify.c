/* Recomputing the state root from the flat tables alone, from scratch: what a restart after a crash can
 * check the incrementally maintained root (and every account's storage root) against. */
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_store.h"
#include "braid/braid_trie.h"

typedef struct kv_arena {
    braid_buf bytes;     /* keys and values, back to back */
    size_t *offsets;     /* per pair: key offset, key len, value offset, value len */
    size_t n, cap;
} kv_arena;

static void arena_add(kv_arena *a, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
    if (a->n == a->cap) a->offsets = braid_xrealloc(a->offsets, (a->cap = a->cap ? 2 * a->cap : 256) * 4 * sizeof(size_t));
    size_t *o = &a->offsets[4 * a->n++];
    o[0] = a->bytes.len;
    o[1] = klen;
    braid_buf_append(&a->bytes, key, klen);
    o[2] = a->bytes.len;
    o[3] = vlen;
    braid_buf_append(&a->bytes, val, vlen);
}

static braid_hash arena_root(kv_arena *a) {
    braid_trie_kv *kvs = braid_xmalloc((a->n ? a->n : 1) * sizeof *kvs);
    for (size_t i = 0; i < a->n; i++) {
        const size_t *o = &a->offsets[4 * i];
        kvs[i] = (braid_trie_kv){a->bytes.data + o[0], o[1], a->bytes.data + o[2], o[3]};
    }
    braid_hash root;
    braid_trie_root(kvs, a->n, &root);
    free(kvs);
    return root;
}

static void arena_clear(kv_arena *a) {
    a->n = 0;
    braid_buf_clear(&a->bytes);
}

typedef struct verify_run {
    braid_store_txn *t;
    kv_arena accounts, slots;
    size_t bad_storage; /* accounts whose stored storage root differs from their slots' */
    braid_address first_bad;
} verify_run;

static bool add_slot(void *ctx, braid_store_val key, braid_store_val val) {
    kv_arena *a = ctx;
    if (key.len != 52 || val.len > 32) return true;
    uint8_t hk[32], leaf[33];
    braid_keccak256(key.data + 20, 32, hk);
    braid_buf b = {leaf, 0, sizeof leaf};
    braid_rlp_put_u256(&b, braid_u256_from_be_n(val.data, val.len));
    arena_add(a, hk, 32, leaf, b.len);
    return true;
}

static bool add_account(void *ctx, braid_store_val key, braid_store_val val) {
    verify_run *r = ctx;
    braid_store_account acc;
    if (key.len != 20 || !braid_store_account_decode(val.data, val.len, &acc)) return true;
    arena_clear(&r->slots);
    braid_store_scan(r->t, BRAID_T_STORAGE, key.data, 20, add_slot, &r->slots);
    braid_hash sroot = arena_root(&r->slots);
    if (!braid_hash_eq(&sroot, &acc.storage_root) && r->bad_storage++ == 0) memcpy(r->first_bad.b, key.data, 20);
    uint8_t hk[32], leaf[BRAID_ACCOUNT_LEAF_MAX];
    braid_keccak256(key.data, 20, hk);
    braid_buf b = {leaf, 0, sizeof leaf};
    braid_trie_account_leaf(&b, acc.nonce, acc.balance, &sroot, &acc.code_hash);
    arena_add(&r->accounts, hk, 32, leaf, b.len);
    return true;
}

int braid_store_verify_state(braid_store_txn *t, braid_hash *root, char *err, size_t err_len) {
    verify_run r = {.t = t};
    braid_buf_init(&r.accounts.bytes);
    braid_buf_init(&r.slots.bytes);
    braid_store_scan(t, BRAID_T_ACCOUNTS, NULL, 0, add_account, &r);
    *root = arena_root(&r.accounts);
    braid_buf_free(&r.accounts.bytes);
    braid_buf_free(&r.slots.bytes);
    free(r.accounts.offsets);
    free(r.slots.offsets);
    if (r.bad_storage) {
        char hex[43];
        braid_hex_encode(r.first_bad.b, 20, hex);
        return braid_errorf(err, err_len, "%zu accounts' storage roots differ from their slots (the first: %s)",
                            r.bad_storage, hex);
    }
    return 0;
}
