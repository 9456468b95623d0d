/* An incremental, persistent Merkle-Patricia trie (Yellow Paper, appendix D).
 *
 * Where braid_trie_root rebuilds a root from every pair, a braid_mpt keeps the trie in a key-value
 * store of nodes (keccak256(rlp(node)) -> rlp(node)) and edits it: opening one at a root loads nothing,
 * get and put load nodes lazily along the paths they touch, and commit re-encodes and re-hashes only
 * the nodes that changed, writing them back through the store. Subtrees nobody touched stay as hash
 * references and are never decoded or hashed again.
 *
 * Nodes are the standard ones (branch, extension, leaf, hex-prefix paths); a node whose RLP is shorter
 * than 32 bytes is embedded in its parent instead of referenced by hash, both in what is read and in
 * what is written, and the root is always referenced by its hash. Keys are raw bytes: a "secure" trie
 * (state, storage) hashes its keys first, which braid_mpt_get_secure/braid_mpt_put_secure do. Values
 * are the bytes stored at the leaf; an empty value means "absent".
 *
 * The store is not trusted: a node that is missing, is not well-formed RLP, or does not have the shape
 * of a canonical trie node makes the operation that needed it return -1 and leaves the trie as it was.
 * The bytes are not checked against their hash (that would cost one keccak per node read).
 *
 * Thread contract: a braid_mpt belongs to one thread at a time, reads included (get loads and caches
 * nodes). Distinct tries may be used on distinct threads if their stores' callbacks allow it. The store
 * callbacks are called only from inside these functions, on the calling thread. */
#ifndef BRAID_MPT_H
#define BRAID_MPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_trie.h"

/* Longer keys are refused (-1): operations recurse once per nibble of the key. */
#define BRAID_MPT_MAX_KEY_LEN 1024

/* Where the nodes live. `get` must also find every node an earlier commit of this trie passed to `put`
 * (commit lets go of most decoded nodes and reloads them on demand). */
typedef struct braid_mpt_store {
    void *ctx;
    /* The RLP of the node whose keccak256 is `hash`: returns true and points *rlp and *len at bytes
     * that stay valid until the next braid_mpt_commit or braid_mpt_close (the trie copies what it
     * keeps), false when the node is absent. */
    bool (*get)(void *ctx, const braid_hash *hash, const uint8_t **rlp, size_t *len);
    /* Stores a node: called by commit for every new node whose RLP is 32 bytes or more, and for the root
     * whatever its size (never for the empty trie). The bytes are only valid during the call. */
    void (*put)(void *ctx, const braid_hash *hash, const uint8_t *rlp, size_t len);
} braid_mpt_store;

typedef struct braid_mpt braid_mpt;

/* Opens the trie whose root is `root` (BRAID_EMPTY_TRIE_ROOT: the empty trie). Reads nothing yet: a
 * missing root shows as -1 from the first get or put. The store is copied; its ctx must outlive the
 * trie. Never NULL. */
braid_mpt *braid_mpt_open(const braid_mpt_store *store, const braid_hash *root);
void braid_mpt_close(braid_mpt *t);

/* Looks a key up: 1 when found (the value is appended to *value), 0 when absent, -1 when a node on
 * the way is missing or malformed in the store, or the key is longer than BRAID_MPT_MAX_KEY_LEN. */
int braid_mpt_get(braid_mpt *t, const uint8_t *key, size_t key_len, braid_buf *value);

/* Sets a key's value; val_len 0 deletes the key. 0 on success (including deleting an absent key), -1
 * as for get, in which case the trie is unchanged. The bytes are copied. */
int braid_mpt_put(braid_mpt *t, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len);

/* Hashes what changed since the last commit (or the open), writes the new nodes through store->put,
 * and gives the root. The trie stays open at the new root for more gets and puts. Returns 0 (the nodes
 * it hashes are all in memory, so it cannot fail). It also lets go of the nodes decoded below the top
 * few levels, those loaded by reads included, which are reloaded through store->get when needed again:
 * memory stays proportional to what was touched between two commits. */
int braid_mpt_commit(braid_mpt *t, braid_hash *root);

/* The secure-trie forms used by the state and storage tries: the key is keccak256(key). */
int braid_mpt_get_secure(braid_mpt *t, const uint8_t *key, size_t key_len, braid_buf *value);
int braid_mpt_put_secure(braid_mpt *t, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len);

#endif
