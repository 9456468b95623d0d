/* Merkle-Patricia trie roots (Yellow Paper, appendix D).
 *
 * braid_trie_root computes the root hash of the trie holding a set of key/value pairs, without keeping
 * the trie: enough for post-state roots, storage roots and the transaction/receipt/withdrawal roots.
 * Keys are raw bytes: a "secure" trie (state, storage) is the caller hashing its keys with keccak-256
 * first. Values are the bytes stored at the leaf (for state and storage, already RLP-encoded); a pair
 * with an empty value means "absent" and is ignored, as in the trie tests' deletion semantics.
 *
 * Thread contract: stateless; the pairs array is only read (and reordered) by the calling thread. */
#ifndef BRAID_TRIE_H
#define BRAID_TRIE_H

#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_u256.h"

typedef struct braid_trie_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *val;
    size_t val_len;
} braid_trie_kv;

/* A way to run fn(arg, i, worker) for every i in [0, n), possibly on several threads, returning when
 * all are done (the parallel executor's workers provide one). `worker` < `workers` names the thread, so
 * that callers can give each its own scratch space. */
typedef struct braid_parallel_for {
    void (*run)(void *ctx, size_t n, void (*fn)(void *arg, size_t i, unsigned worker), void *arg);
    void *ctx;
    unsigned workers;
} braid_parallel_for;

/* keccak256(rlp("")): the root of the empty trie. */
extern const braid_hash BRAID_EMPTY_TRIE_ROOT;

/* An account's value in the state trie, RLP [nonce, balance, storageRoot, codeHash], appended to `out`:
 * at most BRAID_ACCOUNT_LEAF_MAX bytes. */
#define BRAID_ACCOUNT_LEAF_MAX 112
void braid_trie_account_leaf(braid_buf *out, uint64_t nonce, braid_u256 balance, const braid_hash *storage_root,
                             const braid_hash *code_hash);

/* Computes the root of the trie of `n` pairs. The array is sorted in place by key. When two pairs have
 * the same key, the later one in the original order wins (the array order is an insertion order).
 * Returns 0, or -1 when a key is longer than 65535 bytes. */
int braid_trie_root(braid_trie_kv *kvs, size_t n, braid_hash *root);

/* braid_trie_root with the 16 subtries under the root branch built through `pf` (NULL: one thread).
 * The same result; the caller's array is reordered by first nibble rather than fully sorted. */
int braid_trie_root_parallel(braid_trie_kv *kvs, size_t n, braid_hash *root, const braid_parallel_for *pf);

/* The root of the trie whose keys are rlp(0), rlp(1), ..., rlp(n-1) and whose values are the given
 * encodings: the transactions, receipts and withdrawals roots of a block. */
int braid_trie_root_ordered(const braid_buf *values, size_t n, braid_hash *root);
/* The same through braid_ordered_trie, its leaves hashed through `pf` (NULL: one thread). */
int braid_trie_root_ordered_parallel(const braid_buf *values, size_t n, braid_hash *root, const braid_parallel_for *pf);

/* An ordered trie (keys rlp(0), ..., rlp(n-1)) filled leaf by leaf: each leaf is hashed when its value
 * is set, possibly on several threads at once (distinct indexes), so that hashing can keep pace with
 * whatever produces the values; each branch is hashed once every leaf below it is set and `advance`
 * reaches it. The value bytes are not kept. Every index must be set once before asking for the root.
 * Threads: set/set_many on distinct indexes concurrently; advance and root on one thread at a time,
 * after the sets of the indexes they cover (made visible to it). */
typedef struct braid_ordered_trie braid_ordered_trie;
braid_ordered_trie *braid_ordered_trie_create(size_t n);
void braid_ordered_trie_destroy(braid_ordered_trie *t);
void braid_ordered_trie_set(braid_ordered_trie *t, size_t i, const uint8_t *value, size_t len);
/* Sets indexes first .. first+count-1 at once (hashed together: faster than one by one). */
void braid_ordered_trie_set_many(braid_ordered_trie *t, size_t first, size_t count, const uint8_t *const *values,
                                 const size_t *lens);
/* Hashes every node whose leaves all have indexes below `upto` (all of which must be set). */
void braid_ordered_trie_advance(braid_ordered_trie *t, size_t upto);
/* Hashes what is left and gives the root. */
void braid_ordered_trie_root(braid_ordered_trie *t, braid_hash *root);

#endif
