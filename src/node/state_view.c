/* Reading a block's state: flat tables at the head, the tries for earlier blocks. */
#include "state_view.h"

#include <string.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_trie.h"

/* rlp([nonce, balance, storageRoot, codeHash]) */
static bool decode_leaf(const uint8_t *p, size_t len, braid_store_account *out) {
    braid_rlp_item list, nonce, balance, sroot, chash;
    braid_rlp_iter it;
    braid_rlp_status st = BRAID_RLP_OK;
    if (braid_rlp_decode_exact(p, len, &list) != BRAID_RLP_OK || !list.is_list) return false;
    braid_rlp_iter_init(&it, &list);
    if (!braid_rlp_iter_next(&it, &nonce, &st) || !braid_rlp_iter_next(&it, &balance, &st) ||
        !braid_rlp_iter_next(&it, &sroot, &st) || !braid_rlp_iter_next(&it, &chash, &st))
        return false;
    if (braid_rlp_to_u64(&nonce, &out->nonce) != BRAID_RLP_OK || braid_rlp_to_u256(&balance, &out->balance) != BRAID_RLP_OK ||
        sroot.payload_len != 32 || chash.payload_len != 32)
        return false;
    memcpy(out->storage_root.b, sroot.payload, 32);
    memcpy(out->code_hash.b, chash.payload, 32);
    return true;
}

static bool trie_lookup(state_view *v, const braid_hash *root, const uint8_t *key, size_t key_len, braid_buf *out) {
    braid_mpt *t = braid_mpt_open(&v->nodes, root);
    int rc = braid_mpt_get(t, key, key_len, out);
    braid_mpt_close(t);
    return rc == 1;
}

bool state_view_account(state_view *v, const braid_address *addr, braid_store_account *out) {
    if (v->flat) return braid_store_get_account(v->t, addr, out);
    uint8_t k[32];
    braid_keccak256(addr->b, 20, k);
    braid_buf leaf;
    braid_buf_init(&leaf);
    bool ok = trie_lookup(v, &v->root, k, 32, &leaf) && decode_leaf(leaf.data, leaf.len, out);
    braid_buf_free(&leaf);
    return ok;
}

braid_u256 state_view_slot(state_view *v, const braid_address *addr, const braid_u256 *key) {
    if (v->flat) return braid_store_get_slot(v->t, addr, key);
    braid_store_account acc;
    if (!state_view_account(v, addr, &acc) || braid_hash_eq(&acc.storage_root, &BRAID_EMPTY_TRIE_ROOT))
        return BRAID_U256_ZERO;
    uint8_t be[32], k[32];
    braid_u256_to_be(*key, be);
    braid_keccak256(be, 32, k);
    braid_buf val;
    braid_buf_init(&val);
    braid_u256 out = BRAID_U256_ZERO;
    braid_rlp_item item;
    if (trie_lookup(v, &acc.storage_root, k, 32, &val) && braid_rlp_decode_exact(val.data, val.len, &item) == BRAID_RLP_OK &&
        !item.is_list)
        braid_rlp_to_u256(&item, &out);
    braid_buf_free(&val);
    return out;
}

static bool source_account(void *ctx, const braid_address *addr, braid_state_account *out) {
    state_view *v = ctx;
    braid_store_account acc;
    if (!state_view_account(v, addr, &acc)) return false;
    out->nonce = acc.nonce;
    out->balance = acc.balance;
    out->code = braid_store_code(v->t, v->codes, &acc.code_hash);
    if (!out->code) out->code = braid_code_empty();
    return true;
}

static braid_u256 source_storage(void *ctx, const braid_address *addr, const braid_u256 *key) {
    return state_view_slot(ctx, addr, key);
}

void state_view_init(state_view *v, braid_store_txn *t, braid_code_cache *codes, bool flat, const braid_hash *root) {
    memset(v, 0, sizeof *v);
    v->t = t;
    v->flat = flat;
    if (root) v->root = *root;
    v->codes = codes;
    braid_store_trie_nodes(t, &v->nodes);
    v->source = (braid_state_source){.ctx = v, .get_account = source_account, .get_storage = source_storage};
}
