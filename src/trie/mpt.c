/* The incremental Merkle-Patricia trie over a node store (see braid_mpt.h).
 *
 * In memory the trie is a tree of decoded nodes whose unexplored parts are hash nodes: a node's
 * reference as its parent holds it (its hash, or its own RLP when that is under 32 bytes) with nothing
 * decoded yet. get and put replace hash nodes by the nodes they name as they walk down. Every node
 * remembers its reference while it is clean; put marks what it changes dirty, and every ancestor of a
 * dirty node is dirty, so commit visits only the dirty nodes and finds the clean ones' references
 * ready. Node paths keep the packed-nibble form of the hex-prefix encoding, so decoding a path is a
 * copy and encoding one is trie_put_path, shared with the from-scratch encoder.
 *
 * Failures can only come from the store, and only while a node is being loaded. put and delete load
 * everything they need on the way down, before they change anything (delete loads the sibling a
 * branch may collapse into first), so that -1 leaves the trie as it was. */
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "mpt_internal.h"

struct braid_mpt {
    braid_mpt_store store;
    mpt_node *root;             /* NULL: the empty trie */
    braid_hash hash;            /* the root's hash while the root is clean */
    braid_buf scratch;          /* commit's encodings */
    struct dirty_entry *dirty;  /* commit's list of the dirty nodes */
    size_t n_dirty, cap_dirty;
};

/* How many nibbles a[ai..] and b[bi..] share, looking at most n. */
static size_t match(const braid_trie_kv *a, size_t ai, const braid_trie_kv *b, size_t bi, size_t n) {
    size_t i = 0;
    while (i < n && nibble(a, ai + i) == nibble(b, bi + i)) i++;
    return i;
}

/* Whether the leaf's path is exactly the rest of the key from nibble pos. */
static bool leaf_holds(const mpt_short *s, const braid_trie_kv *key, size_t pos) {
    size_t rest = nibble_len(key) - pos;
    return path_len(s) == rest && match(&s->p, s->from, key, pos, rest) == rest;
}

/* Replaces the hash node in *slot by the node it names. An extension's child must be a branch. */
static int resolve(braid_mpt *t, mpt_node **slot, bool want_branch) {
    mpt_node *h = *slot;
    braid_hash hash;
    memcpy(hash.b, h->ref, 32);
    const uint8_t *rlp;
    size_t len;
    if (!t->store.get(t->store.ctx, &hash, &rlp, &len)) return -1;
    mpt_node *n = mpt_decode(rlp, len);
    if (!n) return -1;
    if (want_branch && n->kind != MPT_BRANCH) {
        mpt_node_free(n);
        return -1;
    }
    memcpy(n->ref, hash.b, 32);
    n->ref_len = 32;
    mpt_node_free(h);
    *slot = n;
    return 0;
}

static inline int load(braid_mpt *t, mpt_node **slot, bool want_branch) {
    return (*slot && (*slot)->kind == MPT_HASH) ? resolve(t, slot, want_branch) : 0;
}

/* ---- open, get ---- */

braid_mpt *braid_mpt_open(const braid_mpt_store *store, const braid_hash *root) {
    braid_mpt *t = braid_xcalloc(1, sizeof *t);
    t->store = *store;
    t->hash = *root;
    if (!braid_hash_eq(root, &BRAID_EMPTY_TRIE_ROOT)) t->root = mpt_new_hash(root->b, NULL);
    return t;
}

void braid_mpt_close(braid_mpt *t) {
    if (!t) return;
    mpt_node_free(t->root);
    braid_buf_free(&t->scratch);
    free(t->dirty);
    free(t);
}

int braid_mpt_get(braid_mpt *t, const uint8_t *key, size_t key_len, braid_buf *value) {
    if (key_len > BRAID_MPT_MAX_KEY_LEN) return -1;
    braid_trie_kv k = {key, key_len, NULL, 0};
    size_t pos = 0, end = nibble_len(&k);
    mpt_node **slot = &t->root;
    bool want_branch = false;
    for (;;) {
        if (!*slot) return 0;
        if (load(t, slot, want_branch) < 0) return -1;
        mpt_node *n = *slot;
        if (n->kind == MPT_BRANCH) {
            mpt_branch *b = (mpt_branch *)n;
            if (pos == end) {
                braid_buf_append(value, b->val, b->val_len);
                return b->val_len != 0;
            }
            slot = &b->kids[nibble(&k, pos++)];
            want_branch = false;
            continue;
        }
        mpt_short *s = (mpt_short *)n;
        size_t plen = path_len(s);
        if (plen > end - pos || match(&s->p, s->from, &k, pos, plen) != plen) return 0;
        pos += plen;
        if (n->kind == MPT_LEAF) {
            if (pos != end) return 0;
            braid_buf_append(value, s->p.val, s->p.val_len);
            return 1;
        }
        slot = &s->child;
        want_branch = true;
    }
}

/* ---- put ---- */

/* Sets a value buffer; 0 when it already held these bytes (so nothing becomes dirty), else 1. */
static int set_value(uint8_t **val, size_t *len, const uint8_t *v, size_t n) {
    if (*len == n && (n == 0 || memcmp(*val, v, n) == 0)) return 0;
    free(*val);
    *val = copy_bytes(v, n);
    *len = n;
    return 1;
}

/* Inserts key -> key->val (non-empty) into the subtrie at *slot, which starts at nibble pos of the
 * key. 1 when something changed, 0 when the key already had this value, -1 when a node failed to
 * load (before anything changed). */
static int insert(braid_mpt *t, mpt_node **slot, const braid_trie_kv *key, size_t pos) {
    if (!*slot) {
        *slot = mpt_new_leaf(key, pos);
        return 1;
    }
    if (load(t, slot, false) < 0) return -1;
    mpt_node *n = *slot;
    size_t end = nibble_len(key);
    int rc;
    if (n->kind == MPT_BRANCH) {
        mpt_branch *b = (mpt_branch *)n;
        if (pos == end) rc = set_value(&b->val, &b->val_len, key->val, key->val_len);
        else rc = insert(t, &b->kids[nibble(key, pos)], key, pos + 1);
        if (rc > 0) mark_dirty(n);
        return rc;
    }

    mpt_short *s = (mpt_short *)n;
    size_t plen = path_len(s), rest = end - pos;
    size_t c = match(&s->p, s->from, key, pos, plen < rest ? plen : rest);
    if (n->kind == MPT_LEAF && c == plen && c == rest) {
        rc = set_value((uint8_t **)&s->p.val, &s->p.val_len, key->val, key->val_len);
        if (rc > 0) mark_dirty(n);
        return rc;
    }
    if (n->kind == MPT_EXT && c == plen) {
        if (load(t, &s->child, true) < 0) return -1;
        rc = insert(t, &s->child, key, pos + c);
        if (rc > 0) mark_dirty(n);
        return rc;
    }

    /* The paths part after c nibbles: a branch there takes the old node on one side and the new key
     * on another, under an extension over the c shared nibbles when there are any. */
    mpt_branch *b = mpt_new_branch();
    if (c == plen) { /* a leaf whose key ends where the new one goes on: its value moves to the branch */
        b->val = (uint8_t *)s->p.val;
        b->val_len = s->p.val_len;
        s->p.val = NULL;
        mpt_node_free(n);
    } else {
        unsigned nib = nibble(&s->p, s->from + c);
        if (n->kind == MPT_EXT && plen == c + 1) { /* nothing left of the extension: its branch moves up */
            b->kids[nib] = s->child;
            s->child = NULL;
            mpt_node_free(n);
        } else {
            s->from += (uint32_t)(c + 1);
            mark_dirty(n);
            b->kids[nib] = n;
        }
    }
    if (c == rest) {
        b->val = copy_bytes(key->val, key->val_len);
        b->val_len = key->val_len;
    } else {
        b->kids[nibble(key, pos + c)] = mpt_new_leaf(key, pos + c + 1);
    }
    if (c == 0) {
        *slot = &b->h;
    } else {
        mpt_short *e = mpt_new_short(MPT_EXT, key, pos, pos + c);
        e->child = &b->h;
        *slot = &e->h;
    }
    return 1;
}

/* ---- delete ---- */

/* The branch at *slot is down to one entry: it becomes a leaf holding its value, or its only child
 * with the child's nibble put in front of its path (an extension over one nibble when the child is a
 * branch). That child was loaded before the entry went. */
static void collapse(mpt_node **slot) {
    mpt_branch *b = (mpt_branch *)*slot;
    int i = 0;
    while (i < 16 && !b->kids[i]) i++;
    uint8_t nib = (uint8_t)i;
    braid_trie_kv one = {&nib, 1, NULL, 0}; /* nibble 1 of this byte is i */
    if (i == 16) {
        mpt_short *s = mpt_new_short(MPT_LEAF, &one, 0, 0);
        s->p.val = b->val;
        s->p.val_len = b->val_len;
        *slot = &s->h;
    } else {
        mpt_node *c = b->kids[i];
        if (c->kind == MPT_BRANCH) {
            mpt_short *e = mpt_new_short(MPT_EXT, &one, 1, 2);
            e->child = c;
            *slot = &e->h;
        } else {
            mpt_prepend_path((mpt_short *)c, &one, 1, 2);
            *slot = c;
        }
    }
    free(b); /* its value or child now belongs to the new node */
}

/* Removes the key from the subtrie at *slot (starting at nibble pos): 1 when it was there, 0 when it
 * was not, -1 when a node failed to load (before anything changed). */
static int erase(braid_mpt *t, mpt_node **slot, const braid_trie_kv *key, size_t pos) {
    if (!*slot) return 0;
    if (load(t, slot, false) < 0) return -1;
    mpt_node *n = *slot;
    size_t end = nibble_len(key);
    int rc;
    if (n->kind == MPT_LEAF) {
        if (!leaf_holds((mpt_short *)n, key, pos)) return 0;
        mpt_node_free(n);
        *slot = NULL;
        return 1;
    }
    if (n->kind == MPT_EXT) {
        mpt_short *s = (mpt_short *)n;
        size_t plen = path_len(s);
        if (plen > end - pos || match(&s->p, s->from, key, pos, plen) != plen) return 0;
        if (load(t, &s->child, true) < 0) return -1;
        rc = erase(t, &s->child, key, pos + plen);
        if (rc <= 0) return rc;
        mpt_node *c = s->child;
        if (c->kind == MPT_BRANCH) {
            mark_dirty(n);
        } else { /* the branch collapsed into a leaf or extension: one path now covers both */
            mpt_prepend_path((mpt_short *)c, &s->p, s->from, s->to);
            s->child = NULL;
            mpt_node_free(n);
            *slot = c;
        }
        return 1;
    }

    mpt_branch *b = (mpt_branch *)n;
    mpt_node **target = NULL;
    if (pos == end) {
        if (!b->val_len) return 0;
    } else {
        target = &b->kids[nibble(key, pos)];
        if (!*target) return 0;
        if (load(t, target, false) < 0) return -1;
        if ((*target)->kind != MPT_LEAF) { /* it may shrink but does not vanish: no collapse here */
            rc = erase(t, target, key, pos + 1);
            if (rc > 0) mark_dirty(n);
            return rc;
        }
        if (!leaf_holds((mpt_short *)*target, key, pos + 1)) return 0;
    }
    /* An entry goes. When that leaves one, the branch collapses into it, so load it first. */
    int entries = b->val_len != 0;
    for (int i = 0; i < 16; i++) entries += b->kids[i] != NULL;
    if (entries == 2) {
        for (int i = 0; i < 16; i++)
            if (&b->kids[i] != target && load(t, &b->kids[i], false) < 0) return -1;
    }
    if (target) {
        mpt_node_free(*target);
        *target = NULL;
    } else {
        free(b->val);
        b->val = NULL;
        b->val_len = 0;
    }
    if (entries == 2) collapse(slot);
    else mark_dirty(n);
    return 1;
}

int braid_mpt_put(braid_mpt *t, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len) {
    if (key_len > BRAID_MPT_MAX_KEY_LEN) return -1;
    braid_trie_kv k = {key, key_len, val, val_len};
    int rc = val_len ? insert(t, &t->root, &k, 0) : erase(t, &t->root, &k, 0);
    return rc < 0 ? -1 : 0;
}

/* ---- commit ---- */

/* Nodes are hashed this many at a time (braid_keccak256_many). */
#define HASH_BATCH 64
/* Decoded nodes this many levels below the root stay in memory after a commit: the top of a large trie
 * is on nearly every path a block touches. Deeper ones become hash nodes again, else memory would grow
 * with every path ever touched; they are cheap to reload. */
#define KEEP_DEPTH 3

typedef struct dirty_entry {
    mpt_node *n;
    uint32_t height; /* 0 for a node without dirty children, else one above its tallest dirty child */
} dirty_entry;

/* Lists the dirty nodes of the subtrie (n dirty); returns n's height. */
static uint32_t collect(braid_mpt *t, mpt_node *n) {
    uint32_t h = 0, ch;
    if (n->kind == MPT_EXT) {
        mpt_node *c = ((mpt_short *)n)->child;
        if (c->dirty) h = collect(t, c) + 1;
    } else if (n->kind == MPT_BRANCH) {
        mpt_branch *b = (mpt_branch *)n;
        for (int i = 0; i < 16; i++)
            if (b->kids[i] && b->kids[i]->dirty && (ch = collect(t, b->kids[i]) + 1) > h) h = ch;
    }
    if (t->n_dirty == t->cap_dirty) {
        t->cap_dirty = t->cap_dirty ? 2 * t->cap_dirty : 256;
        t->dirty = braid_xrealloc(t->dirty, t->cap_dirty * sizeof *t->dirty);
    }
    t->dirty[t->n_dirty++] = (dirty_entry){n, h};
    return h;
}

/* Encodes nodes[0, count) (none the child of another), sets their references, and stores the ones
 * referenced by hash, whose hashes are computed together. */
static void hash_batch(braid_mpt *t, dirty_entry *nodes, size_t count) {
    size_t off[HASH_BATCH + 1];
    braid_buf *b = &t->scratch;
    braid_buf_clear(b);
    for (size_t i = 0; i < count; i++) {
        off[i] = b->len;
        mpt_encode(b, nodes[i].n);
    }
    off[count] = b->len;
    const uint8_t *msgs[HASH_BATCH];
    size_t lens[HASH_BATCH], m = 0;
    uint8_t *outs[HASH_BATCH];
    for (size_t i = 0; i < count; i++) {
        mpt_node *n = nodes[i].n;
        size_t len = off[i + 1] - off[i];
        n->dirty = false;
        if (len < 32) {
            memcpy(n->ref, b->data + off[i], len);
            n->ref_len = (uint8_t)len;
        } else {
            msgs[m] = b->data + off[i];
            lens[m] = len;
            outs[m++] = n->ref;
            n->ref_len = 32;
        }
    }
    braid_keccak256_many(msgs, lens, m, outs);
    for (size_t i = 0; i < count; i++) {
        mpt_node *n = nodes[i].n;
        if (n->ref_len != 32) continue;
        braid_hash h;
        memcpy(h.b, n->ref, 32);
        t->store.put(t->store.ctx, &h, b->data + off[i], off[i + 1] - off[i]);
    }
}

/* Turns decoded nodes from `depth` down that are referenced by hash back into hash nodes. */
static void prune(mpt_node **slot, unsigned depth) {
    mpt_node *n = *slot;
    if (!n || n->kind == MPT_HASH) return;
    if (depth >= KEEP_DEPTH && n->ref_len == 32) {
        *slot = mpt_new_hash(n->ref, NULL);
        mpt_node_free(n);
        return;
    }
    if (n->kind == MPT_EXT) prune(&((mpt_short *)n)->child, depth + 1);
    if (n->kind == MPT_BRANCH)
        for (int i = 0; i < 16; i++) prune(&((mpt_branch *)n)->kids[i], depth + 1);
}

int braid_mpt_commit(braid_mpt *t, braid_hash *root) {
    if (!t->root) {
        t->hash = BRAID_EMPTY_TRIE_ROOT;
    } else if (t->root->dirty) {
        /* Children are hashed before parents by going up in height; nodes of one height are unrelated,
         * so they can be hashed together. */
        t->n_dirty = 0;
        uint32_t top = collect(t, t->root);
        size_t *start = braid_xcalloc(top + 2, sizeof *start);
        for (size_t i = 0; i < t->n_dirty; i++) start[t->dirty[i].height + 1]++;
        for (uint32_t h = 0; h <= top; h++) start[h + 1] += start[h];
        dirty_entry *order = braid_xmalloc(t->n_dirty * sizeof *order);
        size_t *fill = braid_xmalloc((top + 1) * sizeof *fill);
        memcpy(fill, start, (top + 1) * sizeof *fill);
        for (size_t i = 0; i < t->n_dirty; i++) order[fill[t->dirty[i].height]++] = t->dirty[i];
        for (uint32_t h = 0; h <= top; h++)
            for (size_t i = start[h]; i < start[h + 1]; i += HASH_BATCH)
                hash_batch(t, order + i, start[h + 1] - i < HASH_BATCH ? start[h + 1] - i : HASH_BATCH);
        free(fill);
        free(order);
        free(start);
        if (t->root->ref_len == 32) {
            memcpy(t->hash.b, t->root->ref, 32);
        } else { /* the root is referenced by hash even when it is short */
            braid_buf_clear(&t->scratch);
            mpt_encode(&t->scratch, t->root);
            braid_keccak256(t->scratch.data, t->scratch.len, t->hash.b);
            t->store.put(t->store.ctx, &t->hash, t->scratch.data, t->scratch.len);
        }
    }
    prune(&t->root, 0); /* also what reads loaded since the last commit */
    *root = t->hash;
    return 0;
}

/* ---- secure tries ---- */

int braid_mpt_get_secure(braid_mpt *t, const uint8_t *key, size_t key_len, braid_buf *value) {
    braid_hash h = braid_keccak256_hash(key, key_len);
    return braid_mpt_get(t, h.b, 32, value);
}

int braid_mpt_put_secure(braid_mpt *t, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len) {
    braid_hash h = braid_keccak256_hash(key, key_len);
    return braid_mpt_put(t, h.b, 32, val, val_len);
}
