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

braid_hash braid_state_root(braid_state *s) {
    size_t n = 0;
    for (size_t i = 0; i < s->n_accounts; i++)
        n += s->chunks[i / ACCOUNTS_PER_CHUNK][i % ACCOUNTS_PER_CHUNK].exists;
    braid_trie_kv *kvs = braid_xmalloc((n ? n : 1) * sizeof *kvs);
    uint8_t(*keys)[32] = braid_xmalloc((n ? n : 1) * 32);
    braid_buf vals, scratch;
    braid_buf_init(&vals);
    braid_buf_init(&scratch);
    size_t *offs = braid_xmalloc((n ? n : 1) * sizeof *offs);
    size_t k = 0;
    for (size_t i = 0; i < s->n_accounts; i++) {
        const state_account *a = &s->chunks[i / ACCOUNTS_PER_CHUNK][i % ACCOUNTS_PER_CHUNK];
        if (!a->exists) continue;
        braid_keccak256(a->addr.b, 20, keys[k]);
        braid_hash sroot = storage_root(a, &scratch);
        offs[k] = vals.len;
        size_t list = braid_rlp_list_begin(&vals);
        braid_rlp_put_u64(&vals, a->nonce);
        braid_rlp_put_u256(&vals, a->balance);
        braid_rlp_put_bytes(&vals, sroot.b, 32);
        braid_rlp_put_bytes(&vals, a->code->hash.b, 32);
        braid_rlp_list_end(&vals, list);
        k++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t end = i + 1 < n ? offs[i + 1] : vals.len;
        kvs[i] = (braid_trie_kv){keys[i], 32, vals.data + offs[i], end - offs[i]};
    }
    braid_hash root;
    braid_trie_root(kvs, n, &root);
    free(kvs);
    free(keys);
    free(offs);
    braid_buf_free(&vals);
    braid_buf_free(&scratch);
    return root;
}
