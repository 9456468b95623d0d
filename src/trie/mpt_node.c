/* braid_mpt's nodes: building, freeing, decoding what the store holds (hostile: every malformed or
 * non-canonical shape is refused) and encoding. */
#include <stdlib.h>

#include "braid/braid_rlp.h"
#include "mpt_internal.h"

/* ---- building and freeing nodes ---- */

mpt_node *mpt_new_hash(const uint8_t hash[32], mpt_node *mem) {
    mpt_node *n = mem ? mem : braid_xmalloc(sizeof *n);
    n->kind = MPT_HASH;
    n->dirty = false;
    n->embedded = mem != NULL;
    n->ref_len = 32;
    memcpy(n->ref, hash, 32);
    return n;
}

mpt_branch *mpt_new_branch(void) {
    mpt_branch *b = braid_xcalloc(1, sizeof *b);
    b->h.kind = MPT_BRANCH;
    mark_dirty(&b->h);
    return b;
}

/* The bytes holding the path are copied as they are, so the path keeps the parity of `from` and an
 * aligned path stays aligned for encoding. */
mpt_short *mpt_new_short(int kind, const braid_trie_kv *src, size_t from, size_t to) {
    mpt_short *s = braid_xcalloc(1, sizeof *s);
    s->h.kind = (uint8_t)kind;
    mark_dirty(&s->h);
    size_t first = from / 2, last = (to + 1) / 2;
    s->p.key = last > first ? copy_bytes(src->key + first, last - first) : NULL;
    s->p.key_len = last - first;
    s->from = (uint32_t)(from % 2);
    s->to = (uint32_t)(s->from + (to - from));
    return s;
}

mpt_node *mpt_new_leaf(const braid_trie_kv *key, size_t from) {
    mpt_short *s = mpt_new_short(MPT_LEAF, key, from, nibble_len(key));
    s->p.val = copy_bytes(key->val, key->val_len);
    s->p.val_len = key->val_len;
    return &s->h;
}

void mpt_node_free(mpt_node *n) {
    if (!n || n->embedded) return;
    if (n->kind == MPT_LEAF || n->kind == MPT_EXT) {
        mpt_short *s = (mpt_short *)n;
        free((void *)s->p.key);
        free((void *)s->p.val);
        mpt_node_free(s->child);
    } else if (n->kind == MPT_BRANCH) {
        mpt_branch *b = (mpt_branch *)n;
        for (int i = 0; i < 16; i++) mpt_node_free(b->kids[i]);
        free(b->val);
    }
    free(n);
}

void mpt_prepend_path(mpt_short *s, const braid_trie_kv *pre, size_t from, size_t to) {
    size_t n = (to - from) + path_len(s);
    uint8_t *buf = braid_xcalloc((n + 1) / 2, 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v = i < to - from ? nibble(pre, from + i) : nibble(&s->p, s->from + i - (to - from));
        buf[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
    }
    free((void *)s->p.key);
    s->p.key = buf;
    s->p.key_len = (n + 1) / 2;
    s->from = 0;
    s->to = (uint32_t)n;
    mark_dirty(&s->h);
}

/* ---- decoding what the store holds ---- */

/* A child reference inside a node: an empty string (no child: *out NULL), the 32-byte hash of a
 * stored node (a hash node, built in *mem when given, which then moves on), or a node under 32 bytes
 * embedded as it is. Anything else is malformed (false). */
static bool decode_ref(const braid_rlp_item *it, mpt_node **out, mpt_node **mem) {
    *out = NULL;
    if (!it->is_list) {
        if (it->payload_len == 0) return true;
        if (it->payload_len != 32) return false;
        *out = mpt_new_hash(it->payload, mem ? (*mem)++ : NULL);
        return true;
    }
    /* A node of 32 bytes or more must be referenced by hash: accepting it embedded would make the
     * parent encode differently once re-encoded. */
    if (it->raw_len >= 32) return false;
    mpt_node *n = mpt_decode(it->raw, it->raw_len);
    if (!n) return false;
    memcpy(n->ref, it->raw, it->raw_len);
    n->ref_len = (uint8_t)it->raw_len;
    *out = n;
    return true;
}

static mpt_node *decode_short(const braid_rlp_item *items) {
    const braid_rlp_item *path = &items[0], *rest = &items[1];
    if (path->is_list || path->payload_len == 0 || path->payload_len > BRAID_MPT_MAX_KEY_LEN + 1) return NULL;
    uint8_t flags = path->payload[0] >> 4;
    if (flags > 3) return NULL;
    bool odd = flags & 1, leaf = flags & 2;
    if (!odd && (path->payload[0] & 0x0f)) return NULL; /* an even path's padding nibble is zero */
    mpt_short *s = braid_xcalloc(1, sizeof *s);
    s->h.kind = leaf ? MPT_LEAF : MPT_EXT;
    s->from = odd ? 1 : 2; /* the hex-prefix bytes are the packed path, after the flag nibble(s) */
    s->to = (uint32_t)(2 * path->payload_len);
    if (leaf) {
        /* an empty value means an absent key, which no leaf holds */
        if (rest->is_list || rest->payload_len == 0) goto bad;
    } else {
        /* an extension leads, over at least one nibble, to a branch (checked when that is loaded) */
        if (s->to == s->from || !decode_ref(rest, &s->child, NULL) || !s->child) goto bad;
        if (s->child->kind != MPT_HASH && s->child->kind != MPT_BRANCH) goto bad;
    }
    s->p.key = copy_bytes(path->payload, path->payload_len);
    s->p.key_len = path->payload_len;
    if (leaf) {
        s->p.val = copy_bytes(rest->payload, rest->payload_len);
        s->p.val_len = rest->payload_len;
    }
    return &s->h;
bad:
    mpt_node_free(&s->h);
    return NULL;
}

/* The hash nodes of a branch's children are allocated with the branch, after it: a large trie's
 * branches are mostly hash references, and sixteen separate allocations for them cost more than the
 * decoding. They stay there when a child is loaded (which replaces the pointer, not the memory) and
 * never move to another parent: a child moves only when a branch collapses, and that loads it first. */
static mpt_node *decode_branch(const braid_rlp_item *items) {
    size_t hashes = 0;
    for (int i = 0; i < 16; i++) hashes += !items[i].is_list && items[i].payload_len == 32;
    mpt_branch *b = braid_xcalloc(1, sizeof *b + hashes * sizeof(mpt_node));
    mpt_node *mem = (mpt_node *)(b + 1);
    b->h.kind = MPT_BRANCH;
    int entries = 0;
    for (int i = 0; i < 16; i++) {
        if (!decode_ref(&items[i], &b->kids[i], &mem)) goto bad;
        entries += b->kids[i] != NULL;
    }
    if (items[16].is_list) goto bad;
    b->val = copy_bytes(items[16].payload, items[16].payload_len);
    b->val_len = items[16].payload_len;
    entries += b->val_len != 0;
    /* with fewer than two entries it would have been a leaf or an extension: delete relies on that */
    if (entries < 2) goto bad;
    return &b->h;
bad:
    mpt_node_free(&b->h);
    return NULL;
}

/* The recursion through embedded nodes is shallow: each is shorter than its parent and under 32 bytes. */
mpt_node *mpt_decode(const uint8_t *rlp, size_t len) {
    braid_rlp_item list, items[17];
    if (braid_rlp_decode_exact(rlp, len, &list) != BRAID_RLP_OK || !list.is_list) return NULL;
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, &list);
    braid_rlp_status st;
    size_t n = 0;
    braid_rlp_item extra;
    while (n < 17 && braid_rlp_iter_next(&it, &items[n], &st)) n++;
    if (st != BRAID_RLP_OK || braid_rlp_iter_next(&it, &extra, &st) || st != BRAID_RLP_OK) return NULL;
    if (n == 2) return decode_short(items);
    if (n == 17) return decode_branch(items);
    return NULL;
}

/* ---- encoding ---- */

static void put_ref(braid_buf *b, const mpt_node *c) {
    if (!c) {
        braid_buf_push(b, 0x80);
    } else if (c->ref_len == 32) {
        braid_buf_push(b, 0xa0);
        braid_buf_append(b, c->ref, 32);
    } else {
        braid_buf_append(b, c->ref, c->ref_len);
    }
}

void mpt_encode(braid_buf *b, const mpt_node *n) {
    size_t list = braid_rlp_list_begin(b);
    if (n->kind == MPT_BRANCH) {
        const mpt_branch *br = (const mpt_branch *)n;
        for (int i = 0; i < 16; i++) put_ref(b, br->kids[i]);
        braid_rlp_put_bytes(b, br->val, br->val_len);
    } else {
        const mpt_short *s = (const mpt_short *)n;
        trie_put_path(b, &s->p, s->from, s->to, n->kind == MPT_LEAF);
        if (n->kind == MPT_LEAF) braid_rlp_put_bytes(b, s->p.val, s->p.val_len);
        else put_ref(b, s->child);
    }
    braid_rlp_list_end(b, list);
}
