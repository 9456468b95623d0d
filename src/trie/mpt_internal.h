/* The nodes of braid_mpt (see mpt.c): their in-memory form, building and freeing them, and their RLP
 * both ways. Shared by mpt.c (the operations and commit) and mpt_node.c. */
#ifndef BRAID_MPT_INTERNAL_H
#define BRAID_MPT_INTERNAL_H

#include "braid/braid_mpt.h"
#include "trie_internal.h"

/* Node kinds. A hash node is a reference to a stored node not decoded yet. */
enum { MPT_HASH, MPT_LEAF, MPT_EXT, MPT_BRANCH };

/* The header every node starts with; a hash node is only this. */
typedef struct mpt_node {
    uint8_t kind;
    bool dirty;      /* changed since its reference was computed */
    bool embedded;   /* a hash node living inside its branch's allocation (see decode_branch) */
    uint8_t ref_len; /* 32: ref is the node's hash; 1..31: ref is its RLP, embedded in its parent */
    uint8_t ref[32];
} mpt_node;

/* A leaf or an extension. Its path is nibbles [from, to) of p.key; a leaf's value is p.val. */
typedef struct mpt_short {
    mpt_node h;
    uint32_t from, to;
    braid_trie_kv p; /* owns key and val */
    mpt_node *child; /* an extension's branch */
} mpt_short;

typedef struct mpt_branch {
    mpt_node h;
    mpt_node *kids[16];
    uint8_t *val; /* the value of the key that ends here; NULL with val_len 0 when none */
    size_t val_len;
} mpt_branch;

static inline size_t path_len(const mpt_short *s) { return s->to - s->from; }

static inline uint8_t *copy_bytes(const uint8_t *src, size_t n) {
    if (n == 0) return NULL;
    uint8_t *p = braid_xmalloc(n);
    memcpy(p, src, n);
    return p;
}

static inline void mark_dirty(mpt_node *n) {
    n->dirty = true;
    n->ref_len = 0;
}

/* A hash node, in `mem` when given (embedded in a branch), else allocated. */
mpt_node *mpt_new_hash(const uint8_t hash[32], mpt_node *mem);
/* New nodes are dirty. */
mpt_branch *mpt_new_branch(void);
/* A leaf or extension whose path is nibbles [from, to) of `src`. */
mpt_short *mpt_new_short(int kind, const braid_trie_kv *src, size_t from, size_t to);
/* A leaf for key -> key->val, its path the key from nibble `from`. */
mpt_node *mpt_new_leaf(const braid_trie_kv *key, size_t from);
/* Frees a node and everything decoded below it. */
void mpt_node_free(mpt_node *n);
/* Gives `s` the path prefix || its own path, where the prefix is nibbles [from, to) of `pre`. */
void mpt_prepend_path(mpt_short *s, const braid_trie_kv *pre, size_t from, size_t to);

/* A clean node from its RLP (its reference left for the caller to set), or NULL when the bytes are not
 * a well-formed, canonical node. */
mpt_node *mpt_decode(const uint8_t *rlp, size_t len);
/* Appends the node's RLP; its children's references must be current. */
void mpt_encode(braid_buf *b, const mpt_node *n);

#endif
