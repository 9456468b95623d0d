/* Pieces of the trie encoder shared by trie.c (roots of sorted pairs) and ordered_trie.c (the
 * transactions, receipts and withdrawals tries, keyed rlp(0), rlp(1), ...). */
#ifndef BRAID_TRIE_INTERNAL_H
#define BRAID_TRIE_INTERNAL_H

#include "braid/braid_trie.h"

/* Leaves are hashed this many at a time (braid_keccak256_many). */
#define TRIE_LEAF_BATCH 64

static inline unsigned nibble(const braid_trie_kv *kv, size_t i) {
    uint8_t byte = kv->key[i / 2];
    return i % 2 ? byte & 0x0f : byte >> 4;
}

static inline size_t nibble_len(const braid_trie_kv *kv) { return 2 * kv->key_len; }

/* A node's reference as its parent holds it: the node itself when its encoding is shorter than 32
 * bytes, else the RLP string of its hash. */
typedef struct trie_leaf_ref {
    uint8_t bytes[33];
    uint8_t len;
} trie_leaf_ref;

/* Length, in nibbles, of the common prefix of two keys known to agree on their first `from` nibbles. */
size_t trie_common_prefix(const braid_trie_kv *a, const braid_trie_kv *b, size_t from);
/* Appends the hex-prefix encoding of nibbles [from, to) of the key as an RLP string. */
void trie_put_path(braid_buf *b, const braid_trie_kv *kv, size_t from, size_t to, bool leaf);
/* The references of the leaves kv[pos[j]] (j < count <= TRIE_LEAF_BATCH), each starting at nibble
 * depth[pos[j]], hashed together. */
void trie_leaf_refs_batch(const braid_trie_kv *kv, const size_t *depth, trie_leaf_ref *refs, const size_t *pos,
                          size_t count, braid_buf *scratch);
/* The depth of each leaf of kv[0, m) (sorted, distinct, prefix-free): just below its deepest branch. */
void trie_leaf_depths(const braid_trie_kv *kv, size_t m, size_t *depth);

#endif
