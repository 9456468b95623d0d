/* Ordered tries: keys rlp(0), rlp(1), ..., rlp(n-1), the transactions, receipts and withdrawals tries.
 *
 * The shape of such a trie depends on n alone, so it is laid out once when created: the keys in trie
 * order (generated, not sorted), the depth of each leaf, and every branch and extension node with the
 * leaves below it. Leaves are hashed as their values arrive, on any thread; a node is hashed as soon as
 * every leaf below it is set (braid_ordered_trie_advance), and nodes of equal height are hashed together
 * so that their keccaks run several at a time (braid_keccak256_many). A producer that sets leaves in
 * index order therefore leaves almost nothing to hash when it asks for the root. */
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "trie_internal.h"

#define EMPTY (-1)
#define LEAF(pos) (-2 - (int32_t)(pos))
#define LEAF_POS(c) ((size_t)(-2 - (c)))
#define NODE_BATCH 32

typedef struct node {
    uint32_t lo, hi;    /* the leaves below, as positions in trie order */
    uint32_t max_index; /* the largest i of rlp(i) below: hashable once leaves 0..max_index are set */
    uint16_t depth;     /* the nibble the node starts at */
    uint16_t split;     /* a branch: the nibble it branches on; an extension: where its path ends */
    uint8_t height;     /* leaves are 0, a node is one above its tallest child */
    bool extension;
    int32_t child[16];  /* node id, LEAF(position) or EMPTY; an extension has only child[0] */
    trie_leaf_ref ref;
} node;

struct braid_ordered_trie {
    size_t n;
    uint8_t *keys;     /* rlp(i), 9 bytes apart */
    braid_trie_kv *kv; /* the keys in trie order (values only while their leaf is being hashed) */
    uint32_t *index;   /* index[k]: the i of kv[k] */
    size_t *pos;       /* pos[i]: where rlp(i) sits in kv */
    size_t *depth;     /* per kv entry: the nibble its leaf starts at */
    trie_leaf_ref *refs;
    node *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *order; /* node ids by (max_index, height): children always come before their parent */
    size_t cursor;   /* order[0, cursor) are hashed */
    int32_t top;
    braid_buf scratch; /* the advancing thread's */
    braid_hash root;   /* the root once every node is hashed; with n == 1, the single leaf's hash */
};

/* Lays out the subtrie of kv[lo, hi), whose keys share their first `depth` nibbles; returns its child
 * reference (node id or leaf). Recursion depth: one per nibble of an rlp(i) key, at most 18. */
static int32_t build(braid_ordered_trie *t, uint32_t lo, uint32_t hi, size_t depth) {
    if (hi - lo == 1) {
        t->depth[lo] = depth;
        return LEAF(lo);
    }
    size_t split = trie_common_prefix(&t->kv[lo], &t->kv[hi - 1], depth);
    node b = {.lo = lo, .hi = hi, .depth = (uint16_t)split, .split = (uint16_t)split};
    /* rlp(i) keys are prefix-free: none ends at the branch, each goes on under some nibble */
    uint32_t i = lo;
    for (unsigned k = 0; k < 16; k++) {
        uint32_t j = i;
        while (j < hi && nibble(&t->kv[j], split) == k) j++;
        int32_t c = j == i ? EMPTY : build(t, i, j, split + 1);
        b.child[k] = c;
        if (c >= 0) {
            if (t->nodes[c].height >= b.height) b.height = t->nodes[c].height;
            if (t->nodes[c].max_index > b.max_index) b.max_index = t->nodes[c].max_index;
        } else if (c != EMPTY && t->index[LEAF_POS(c)] > b.max_index) {
            b.max_index = t->index[LEAF_POS(c)];
        }
        i = j;
    }
    b.height++;
    if (t->n_nodes + 2 > t->cap_nodes) {
        t->cap_nodes = t->cap_nodes * 2 + 16;
        t->nodes = braid_xrealloc(t->nodes, t->cap_nodes * sizeof *t->nodes);
    }
    int32_t id = (int32_t)t->n_nodes++;
    t->nodes[id] = b;
    if (split == depth) return id;
    node e = {.lo = lo, .hi = hi, .max_index = b.max_index, .depth = (uint16_t)depth, .split = (uint16_t)split,
              .height = (uint8_t)(b.height + 1), .extension = true};
    for (int k = 0; k < 16; k++) e.child[k] = EMPTY;
    e.child[0] = id;
    t->nodes[t->n_nodes] = e;
    return (int32_t)t->n_nodes++;
}

typedef struct ready_key {
    uint64_t key; /* max_index, then height */
    uint32_t id;
} ready_key;

static int by_readiness(const void *a, const void *b) {
    uint64_t x = ((const ready_key *)a)->key, y = ((const ready_key *)b)->key;
    return (x > y) - (x < y);
}

braid_ordered_trie *braid_ordered_trie_create(size_t n) {
    braid_ordered_trie *t = braid_xcalloc(1, sizeof *t);
    size_t cap = n ? n : 1;
    t->n = n;
    t->keys = braid_xmalloc(cap * 9);
    t->kv = braid_xmalloc(cap * sizeof *t->kv);
    t->index = braid_xmalloc(cap * sizeof *t->index);
    t->pos = braid_xmalloc(cap * sizeof *t->pos);
    t->depth = braid_xmalloc(cap * sizeof *t->depth);
    t->refs = braid_xmalloc(cap * sizeof *t->refs);
    braid_buf_init(&t->scratch);
    /* Trie order of rlp(i): the single bytes 0x01..0x7f (i = 1..127), then 0x80 (i = 0), then the
     * longer encodings, whose first byte grows with their length and whose big-endian rest follows i. */
    size_t k = 0;
    for (size_t i = 1; i < n && i < 128; i++) t->index[k++] = (uint32_t)i;
    if (n) t->index[k++] = 0;
    for (size_t i = 128; i < n; i++) t->index[k++] = (uint32_t)i;
    for (k = 0; k < n; k++) {
        size_t i = t->index[k];
        braid_buf key = {t->keys + 9 * i, 0, 9}; /* rlp of a u64 fits: never grows */
        braid_rlp_put_u64(&key, i);
        t->kv[k] = (braid_trie_kv){t->keys + 9 * i, key.len, NULL, 0};
        t->pos[i] = k;
    }
    if (n < 2) return t;
    t->top = build(t, 0, (uint32_t)n, 0);
    ready_key *keys = braid_xmalloc(t->n_nodes * sizeof *keys);
    for (size_t i = 0; i < t->n_nodes; i++)
        keys[i] = (ready_key){(uint64_t)t->nodes[i].max_index << 8 | t->nodes[i].height, (uint32_t)i};
    qsort(keys, t->n_nodes, sizeof *keys, by_readiness);
    t->order = braid_xmalloc(t->n_nodes * sizeof *t->order);
    for (size_t i = 0; i < t->n_nodes; i++) t->order[i] = keys[i].id;
    free(keys);
    return t;
}

void braid_ordered_trie_destroy(braid_ordered_trie *t) {
    if (!t) return;
    free(t->keys);
    free(t->kv);
    free(t->index);
    free(t->pos);
    free(t->depth);
    free(t->refs);
    free(t->nodes);
    free(t->order);
    braid_buf_free(&t->scratch);
    free(t);
}

void braid_ordered_trie_set(braid_ordered_trie *t, size_t i, const uint8_t *value, size_t len) {
    braid_ordered_trie_set_many(t, i, 1, &value, &len);
}

void braid_ordered_trie_set_many(braid_ordered_trie *t, size_t first, size_t count, const uint8_t *const *values,
                                 const size_t *lens) {
    if (t->n == 1) { /* the root node is hashed whatever its size */
        braid_trie_kv kv = t->kv[0];
        braid_buf b;
        braid_buf_init(&b);
        size_t m = braid_rlp_list_begin(&b);
        trie_put_path(&b, &kv, 0, nibble_len(&kv), true);
        braid_rlp_put_bytes(&b, values[0], lens[0]);
        braid_rlp_list_end(&b, m);
        braid_keccak256(b.data, b.len, t->root.b);
        braid_buf_free(&b);
        return;
    }
    braid_buf scratch;
    braid_buf_init(&scratch);
    for (size_t done = 0; done < count;) {
        size_t batch = count - done < TRIE_LEAF_BATCH ? count - done : TRIE_LEAF_BATCH, pos[TRIE_LEAF_BATCH];
        for (size_t j = 0; j < batch; j++) {
            size_t k = t->pos[first + done + j];
            pos[j] = k;
            /* values are set only for the batch: the kv entries are this caller's while it owns the indexes */
            t->kv[k].val = values[done + j];
            t->kv[k].val_len = lens[done + j];
        }
        trie_leaf_refs_batch(t->kv, t->depth, t->refs, pos, batch, &scratch);
        done += batch;
    }
    braid_buf_free(&scratch);
}

static const trie_leaf_ref *child_ref(const braid_ordered_trie *t, int32_t c) {
    return c >= 0 ? &t->nodes[c].ref : &t->refs[LEAF_POS(c)];
}

static void encode(const braid_ordered_trie *t, const node *nd, braid_buf *b) {
    size_t list = braid_rlp_list_begin(b);
    if (nd->extension) {
        trie_put_path(b, &t->kv[nd->lo], nd->depth, nd->split, false);
        const trie_leaf_ref *r = child_ref(t, nd->child[0]);
        braid_buf_append(b, r->bytes, r->len);
    } else {
        for (int k = 0; k < 16; k++) {
            if (nd->child[k] == EMPTY) {
                braid_buf_push(b, 0x80);
            } else {
                const trie_leaf_ref *r = child_ref(t, nd->child[k]);
                braid_buf_append(b, r->bytes, r->len);
            }
        }
        braid_buf_push(b, 0x80); /* no value: no key ends at a branch */
    }
    braid_rlp_list_end(b, list);
}

/* Encodes and hashes the nodes ids[0, count) (count <= NODE_BATCH), all of one height. */
static void hash_nodes(braid_ordered_trie *t, const uint32_t *ids, size_t count) {
    size_t off[NODE_BATCH + 1];
    braid_buf *b = &t->scratch;
    braid_buf_clear(b);
    for (size_t j = 0; j < count; j++) {
        off[j] = b->len;
        encode(t, &t->nodes[ids[j]], b);
    }
    off[count] = b->len;
    const uint8_t *msgs[NODE_BATCH] = {0};
    size_t lens[NODE_BATCH] = {0}, m = 0;
    uint8_t hashes[NODE_BATCH][32], *outs[NODE_BATCH] = {0};
    for (size_t j = 0; j < count; j++) {
        node *nd = &t->nodes[ids[j]];
        size_t len = off[j + 1] - off[j];
        if (len < 32 && ids[j] != (uint32_t)t->top) { /* embedded in its parent as it is */
            memcpy(nd->ref.bytes, b->data + off[j], len);
            nd->ref.len = (uint8_t)len;
            continue;
        }
        msgs[m] = b->data + off[j]; /* the buffer no longer moves */
        lens[m] = len;
        outs[m] = hashes[m];
        m++;
    }
    braid_keccak256_many(msgs, lens, m, outs);
    for (size_t j = 0, h = 0; j < count; j++) {
        node *nd = &t->nodes[ids[j]];
        size_t len = off[j + 1] - off[j];
        if (len < 32 && ids[j] != (uint32_t)t->top) continue;
        if (ids[j] == (uint32_t)t->top) memcpy(t->root.b, hashes[h], 32); /* the root is hashed even when short */
        nd->ref.bytes[0] = 0xa0;
        memcpy(nd->ref.bytes + 1, hashes[h++], 32);
        nd->ref.len = 33;
    }
}

void braid_ordered_trie_advance(braid_ordered_trie *t, size_t upto) {
    if (t->n < 2) return;
    size_t from = t->cursor, to = from;
    while (to < t->n_nodes && t->nodes[t->order[to]].max_index < upto) to++;
    if (to == from) return;
    /* A child is lower than its parent and ready no later: height by height, it is always hashed first. */
    unsigned tallest = 0;
    for (size_t k = from; k < to; k++)
        if (t->nodes[t->order[k]].height > tallest) tallest = t->nodes[t->order[k]].height;
    for (unsigned h = 1; h <= tallest; h++) {
        uint32_t ids[NODE_BATCH];
        size_t count = 0;
        for (size_t k = from; k < to; k++) {
            if (t->nodes[t->order[k]].height != h) continue;
            ids[count++] = t->order[k];
            if (count == NODE_BATCH) {
                hash_nodes(t, ids, count);
                count = 0;
            }
        }
        if (count) hash_nodes(t, ids, count);
    }
    t->cursor = to;
}

void braid_ordered_trie_root(braid_ordered_trie *t, braid_hash *root) {
    if (t->n == 0) {
        *root = BRAID_EMPTY_TRIE_ROOT;
        return;
    }
    braid_ordered_trie_advance(t, t->n);
    *root = t->root;
}

/* ---- roots of whole value arrays ---- */

int braid_trie_root_ordered(const braid_buf *values, size_t n, braid_hash *root) {
    /* Through the general sorted-pairs builder: the ordered trie above is checked against it. */
    braid_trie_kv *kvs = braid_xmalloc((n ? n : 1) * sizeof *kvs);
    uint8_t *keys = braid_xmalloc((n ? n : 1) * 9);
    for (size_t i = 0; i < n; i++) {
        braid_buf key = {keys + 9 * i, 0, 9};
        braid_rlp_put_u64(&key, i);
        kvs[i] = (braid_trie_kv){keys + 9 * i, key.len, values[i].data, values[i].len};
    }
    int rc = braid_trie_root(kvs, n, root);
    free(keys);
    free(kvs);
    return rc;
}

typedef struct leaves_job {
    braid_ordered_trie *t;
    const braid_buf *values;
} leaves_job;

static void set_chunk(void *arg, size_t chunk, unsigned worker) {
    (void)worker;
    leaves_job *job = arg;
    size_t first = chunk * TRIE_LEAF_BATCH, count = job->t->n - first < TRIE_LEAF_BATCH ? job->t->n - first : TRIE_LEAF_BATCH;
    const uint8_t *values[TRIE_LEAF_BATCH];
    size_t lens[TRIE_LEAF_BATCH];
    for (size_t j = 0; j < count; j++) {
        values[j] = job->values[first + j].data;
        lens[j] = job->values[first + j].len;
    }
    braid_ordered_trie_set_many(job->t, first, count, values, lens);
}

int braid_trie_root_ordered_parallel(const braid_buf *values, size_t n, braid_hash *root,
                                     const braid_parallel_for *pf) {
    bool nonempty = true; /* an empty value deletes its key: only the general builder knows that */
    for (size_t i = 0; i < n; i++) nonempty &= values[i].len > 0;
    if (n < 2 || !nonempty) return braid_trie_root_ordered(values, n, root);
    braid_ordered_trie *t = braid_ordered_trie_create(n);
    leaves_job job = {t, values};
    size_t chunks = (n + TRIE_LEAF_BATCH - 1) / TRIE_LEAF_BATCH;
    if (pf && chunks > 1)
        pf->run(pf->ctx, chunks, set_chunk, &job);
    else
        for (size_t c = 0; c < chunks; c++) set_chunk(&job, c, 0);
    braid_ordered_trie_root(t, root);
    braid_ordered_trie_destroy(t);
    return 0;
}
