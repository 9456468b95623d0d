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
#include "braid/braid_mpt.h"

#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "trie_internal.h"

enum { N_HASH, N_LEAF, N_EXT, N_BRANCH };

/* The header every node starts with; a hash node is only this. */
typedef struct node {
    uint8_t kind;
    bool dirty;      /* changed since its reference was computed */
    bool embedded;   /* a hash node living inside its branch's allocation (see decode_branch) */
    uint8_t ref_len; /* 32: ref is the node's hash; 1..31: ref is its RLP, embedded in its parent */
    uint8_t ref[32];
} node;

/* A leaf or an extension. Its path is nibbles [from, to) of p.key; a leaf's value is p.val. */
typedef struct short_node {
    node h;
    uint32_t from, to;
    braid_trie_kv p; /* owns key and val */
    node *child;     /* an extension's branch */
} short_node;

typedef struct branch_node {
    node h;
    node *kids[16];
    uint8_t *val; /* the value of the key that ends here; NULL with val_len 0 when none */
    size_t val_len;
} branch_node;

struct braid_mpt {
    braid_mpt_store store;
    node *root;       /* NULL: the empty trie */
    braid_hash hash;  /* the root's hash while the root is clean */
    braid_buf scratch;
    struct dirty_entry *dirty; /* commit's list of the dirty nodes */
    size_t n_dirty, cap_dirty;
};

static inline size_t path_len(const short_node *s) { return s->to - s->from; }

static uint8_t *copy_bytes(const uint8_t *src, size_t n) {
    if (n == 0) return NULL;
    uint8_t *p = braid_xmalloc(n);
    memcpy(p, src, n);
    return p;
}

static void mark_dirty(node *n) {
    n->dirty = true;
    n->ref_len = 0;
}

/* ---- building and freeing nodes ---- */

/* A hash node, in `mem` when given (embedded in a branch), else allocated. */
static node *new_hash(const uint8_t hash[32], node *mem) {
    node *n = mem ? mem : braid_xmalloc(sizeof *n);
    n->kind = N_HASH;
    n->dirty = false;
    n->embedded = mem != NULL;
    n->ref_len = 32;
    memcpy(n->ref, hash, 32);
    return n;
}

static branch_node *new_branch(void) {
    branch_node *b = braid_xcalloc(1, sizeof *b);
    b->h.kind = N_BRANCH;
    mark_dirty(&b->h);
    return b;
}

/* A leaf or extension whose path is nibbles [from, to) of `src`. The bytes holding them are copied as
 * they are, so the path keeps the parity of `from` and an aligned path stays aligned for encoding. */
static short_node *new_short(int kind, const braid_trie_kv *src, size_t from, size_t to) {
    short_node *s = braid_xcalloc(1, sizeof *s);
    s->h.kind = (uint8_t)kind;
    mark_dirty(&s->h);
    size_t first = from / 2, last = (to + 1) / 2;
    s->p.key = last > first ? copy_bytes(src->key + first, last - first) : NULL;
    s->p.key_len = last - first;
    s->from = (uint32_t)(from % 2);
    s->to = (uint32_t)(s->from + (to - from));
    return s;
}

static node *new_leaf(const braid_trie_kv *key, size_t from) {
    short_node *s = new_short(N_LEAF, key, from, nibble_len(key));
    s->p.val = copy_bytes(key->val, key->val_len);
    s->p.val_len = key->val_len;
    return &s->h;
}

static void node_free(node *n) {
    if (!n || n->embedded) return;
    if (n->kind == N_LEAF || n->kind == N_EXT) {
        short_node *s = (short_node *)n;
        free((void *)s->p.key);
        free((void *)s->p.val);
        node_free(s->child);
    } else if (n->kind == N_BRANCH) {
        branch_node *b = (branch_node *)n;
        for (int i = 0; i < 16; i++) node_free(b->kids[i]);
        free(b->val);
    }
    free(n);
}

/* Gives `s` the path prefix || its own path, where the prefix is nibbles [from, to) of `pre`. */
static void prepend_path(short_node *s, const braid_trie_kv *pre, size_t from, size_t to) {
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

/* How many nibbles a[ai..] and b[bi..] share, looking at most n. */
static size_t match(const braid_trie_kv *a, size_t ai, const braid_trie_kv *b, size_t bi, size_t n) {
    size_t i = 0;
    while (i < n && nibble(a, ai + i) == nibble(b, bi + i)) i++;
    return i;
}

/* Whether the leaf's path is exactly the rest of the key from nibble pos. */
static bool leaf_holds(const short_node *s, const braid_trie_kv *key, size_t pos) {
    size_t rest = nibble_len(key) - pos;
    return path_len(s) == rest && match(&s->p, s->from, key, pos, rest) == rest;
}

/* ---- decoding what the store holds ---- */

static node *decode_node(const uint8_t *rlp, size_t len);

/* A child reference inside a node: an empty string (no child: *out NULL), the 32-byte hash of a
 * stored node (a hash node, built in *mem when given, which then moves on), or a node under 32 bytes
 * embedded as it is. Anything else is malformed (false). */
static bool decode_ref(const braid_rlp_item *it, node **out, node **mem) {
    *out = NULL;
    if (!it->is_list) {
        if (it->payload_len == 0) return true;
        if (it->payload_len != 32) return false;
        *out = new_hash(it->payload, mem ? (*mem)++ : NULL);
        return true;
    }
    /* A node of 32 bytes or more must be referenced by hash: accepting it embedded would make the
     * parent encode differently once re-encoded. */
    if (it->raw_len >= 32) return false;
    node *n = decode_node(it->raw, it->raw_len);
    if (!n) return false;
    memcpy(n->ref, it->raw, it->raw_len);
    n->ref_len = (uint8_t)it->raw_len;
    *out = n;
    return true;
}

static node *decode_short(const braid_rlp_item *items) {
    const braid_rlp_item *path = &items[0], *rest = &items[1];
    if (path->is_list || path->payload_len == 0 || path->payload_len > BRAID_MPT_MAX_KEY_LEN + 1) return NULL;
    uint8_t flags = path->payload[0] >> 4;
    if (flags > 3) return NULL;
    bool odd = flags & 1, leaf = flags & 2;
    if (!odd && (path->payload[0] & 0x0f)) return NULL; /* an even path's padding nibble is zero */
    short_node *s = braid_xcalloc(1, sizeof *s);
    s->h.kind = leaf ? N_LEAF : N_EXT;
    s->from = odd ? 1 : 2; /* the hex-prefix bytes are the packed path, after the flag nibble(s) */
    s->to = (uint32_t)(2 * path->payload_len);
    if (leaf) {
        /* an empty value means an absent key, which no leaf holds */
        if (rest->is_list || rest->payload_len == 0) goto bad;
    } else {
        /* an extension leads, over at least one nibble, to a branch (checked when that is loaded) */
        if (s->to == s->from || !decode_ref(rest, &s->child, NULL) || !s->child) goto bad;
        if (s->child->kind != N_HASH && s->child->kind != N_BRANCH) goto bad;
    }
    s->p.key = copy_bytes(path->payload, path->payload_len);
    s->p.key_len = path->payload_len;
    if (leaf) {
        s->p.val = copy_bytes(rest->payload, rest->payload_len);
        s->p.val_len = rest->payload_len;
    }
    return &s->h;
bad:
    node_free(&s->h);
    return NULL;
}

/* The hash nodes of a branch's children are allocated with the branch, after it: a large trie's
 * branches are mostly hash references, and sixteen separate allocations for them cost more than the
 * decoding. They stay there when a child is loaded (which replaces the pointer, not the memory) and
 * never move to another parent: a child moves only when a branch collapses, and that loads it first. */
static node *decode_branch(const braid_rlp_item *items) {
    size_t hashes = 0;
    for (int i = 0; i < 16; i++) hashes += !items[i].is_list && items[i].payload_len == 32;
    branch_node *b = braid_xcalloc(1, sizeof *b + hashes * sizeof(node));
    node *mem = (node *)(b + 1);
    b->h.kind = N_BRANCH;
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
    node_free(&b->h);
    return NULL;
}

/* A clean node from its RLP (its reference left for the caller to set), or NULL when malformed. The
 * recursion through embedded nodes is shallow: each is shorter than its parent and under 32 bytes. */
static node *decode_node(const uint8_t *rlp, size_t len) {
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

/* Replaces the hash node in *slot by the node it names. An extension's child must be a branch. */
static int resolve(braid_mpt *t, node **slot, bool want_branch) {
    node *h = *slot;
    braid_hash hash;
    memcpy(hash.b, h->ref, 32);
    const uint8_t *rlp;
    size_t len;
    if (!t->store.get(t->store.ctx, &hash, &rlp, &len)) return -1;
    node *n = decode_node(rlp, len);
    if (!n) return -1;
    if (want_branch && n->kind != N_BRANCH) {
        node_free(n);
        return -1;
    }
    memcpy(n->ref, hash.b, 32);
    n->ref_len = 32;
    node_free(h);
    *slot = n;
    return 0;
}

static inline int load(braid_mpt *t, node **slot, bool want_branch) {
    return (*slot && (*slot)->kind == N_HASH) ? resolve(t, slot, want_branch) : 0;
}

/* ---- open, get ---- */

braid_mpt *braid_mpt_open(const braid_mpt_store *store, const braid_hash *root) {
    braid_mpt *t = braid_xcalloc(1, sizeof *t);
    t->store = *store;
    t->hash = *root;
    if (!braid_hash_eq(root, &BRAID_EMPTY_TRIE_ROOT)) t->root = new_hash(root->b, NULL);
    return t;
}

void braid_mpt_close(braid_mpt *t) {
    if (!t) return;
    node_free(t->root);
    braid_buf_free(&t->scratch);
    free(t->dirty);
    free(t);
}

int braid_mpt_get(braid_mpt *t, const uint8_t *key, size_t key_len, braid_buf *value) {
    if (key_len > BRAID_MPT_MAX_KEY_LEN) return -1;
    braid_trie_kv k = {key, key_len, NULL, 0};
    size_t pos = 0, end = nibble_len(&k);
    node **slot = &t->root;
    bool want_branch = false;
    for (;;) {
        if (!*slot) return 0;
        if (load(t, slot, want_branch) < 0) return -1;
        node *n = *slot;
        if (n->kind == N_BRANCH) {
            branch_node *b = (branch_node *)n;
            if (pos == end) {
                braid_buf_append(value, b->val, b->val_len);
                return b->val_len != 0;
            }
            slot = &b->kids[nibble(&k, pos++)];
            want_branch = false;
            continue;
        }
        short_node *s = (short_node *)n;
        size_t plen = path_len(s);
        if (plen > end - pos || match(&s->p, s->from, &k, pos, plen) != plen) return 0;
        pos += plen;
        if (n->kind == N_LEAF) {
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
static int insert(braid_mpt *t, node **slot, const braid_trie_kv *key, size_t pos) {
    if (!*slot) {
        *slot = new_leaf(key, pos);
        return 1;
    }
    if (load(t, slot, false) < 0) return -1;
    node *n = *slot;
    size_t end = nibble_len(key);
    int rc;
    if (n->kind == N_BRANCH) {
        branch_node *b = (branch_node *)n;
        if (pos == end) rc = set_value(&b->val, &b->val_len, key->val, key->val_len);
        else rc = insert(t, &b->kids[nibble(key, pos)], key, pos + 1);
        if (rc > 0) mark_dirty(n);
        return rc;
    }

    short_node *s = (short_node *)n;
    size_t plen = path_len(s), rest = end - pos;
    size_t c = match(&s->p, s->from, key, pos, plen < rest ? plen : rest);
    if (n->kind == N_LEAF && c == plen && c == rest) {
        rc = set_value((uint8_t **)&s->p.val, &s->p.val_len, key->val, key->val_len);
        if (rc > 0) mark_dirty(n);
        return rc;
    }
    if (n->kind == N_EXT && c == plen) {
        if (load(t, &s->child, true) < 0) return -1;
        rc = insert(t, &s->child, key, pos + c);
        if (rc > 0) mark_dirty(n);
        return rc;
    }

    /* The paths part after c nibbles: a branch there takes the old node on one side and the new key
     * on another, under an extension over the c shared nibbles when there are any. */
    branch_node *b = new_branch();
    if (c == plen) { /* a leaf whose key ends where the new one goes on: its value moves to the branch */
        b->val = (uint8_t *)s->p.val;
        b->val_len = s->p.val_len;
        s->p.val = NULL;
        node_free(n);
    } else {
        unsigned nib = nibble(&s->p, s->from + c);
        if (n->kind == N_EXT && plen == c + 1) { /* nothing left of the extension: its branch moves up */
            b->kids[nib] = s->child;
            s->child = NULL;
            node_free(n);
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
        b->kids[nibble(key, pos + c)] = new_leaf(key, pos + c + 1);
    }
    if (c == 0) {
        *slot = &b->h;
    } else {
        short_node *e = new_short(N_EXT, key, pos, pos + c);
        e->child = &b->h;
        *slot = &e->h;
    }
    return 1;
}

/* ---- delete ---- */

/* The branch at *slot is down to one entry: it becomes a leaf holding its value, or its only child
 * with the child's nibble put in front of its path (an extension over one nibble when the child is a
 * branch). That child was loaded before the entry went. */
static void collapse(node **slot) {
    branch_node *b = (branch_node *)*slot;
    int i = 0;
    while (i < 16 && !b->kids[i]) i++;
    uint8_t nib = (uint8_t)i;
    braid_trie_kv one = {&nib, 1, NULL, 0}; /* nibble 1 of this byte is i */
    if (i == 16) {
        short_node *s = new_short(N_LEAF, &one, 0, 0);
        s->p.val = b->val;
        s->p.val_len = b->val_len;
        *slot = &s->h;
    } else {
        node *c = b->kids[i];
        if (c->kind == N_BRANCH) {
            short_node *e = new_short(N_EXT, &one, 1, 2);
            e->child = c;
            *slot = &e->h;
        } else {
            prepend_path((short_node *)c, &one, 1, 2);
            *slot = c;
        }
    }
    free(b); /* its value or child now belongs to the new node */
}

/* Removes the key from the subtrie at *slot (starting at nibble pos): 1 when it was there, 0 when it
 * was not, -1 when a node failed to load (before anything changed). */
static int erase(braid_mpt *t, node **slot, const braid_trie_kv *key, size_t pos) {
    if (!*slot) return 0;
    if (load(t, slot, false) < 0) return -1;
    node *n = *slot;
    size_t end = nibble_len(key);
    int rc;
    if (n->kind == N_LEAF) {
        if (!leaf_holds((short_node *)n, key, pos)) return 0;
        node_free(n);
        *slot = NULL;
        return 1;
    }
    if (n->kind == N_EXT) {
        short_node *s = (short_node *)n;
        size_t plen = path_len(s);
        if (plen > end - pos || match(&s->p, s->from, key, pos, plen) != plen) return 0;
        if (load(t, &s->child, true) < 0) return -1;
        rc = erase(t, &s->child, key, pos + plen);
        if (rc <= 0) return rc;
        node *c = s->child;
        if (c->kind == N_BRANCH) {
            mark_dirty(n);
        } else { /* the branch collapsed into a leaf or extension: one path now covers both */
            prepend_path((short_node *)c, &s->p, s->from, s->to);
            s->child = NULL;
            node_free(n);
            *slot = c;
        }
        return 1;
    }

    branch_node *b = (branch_node *)n;
    node **target = NULL;
    if (pos == end) {
        if (!b->val_len) return 0;
    } else {
        target = &b->kids[nibble(key, pos)];
        if (!*target) return 0;
        if (load(t, target, false) < 0) return -1;
        if ((*target)->kind != N_LEAF) { /* it may shrink but does not vanish: no collapse here */
            rc = erase(t, target, key, pos + 1);
            if (rc > 0) mark_dirty(n);
            return rc;
        }
        if (!leaf_holds((short_node *)*target, key, pos + 1)) return 0;
    }
    /* An entry goes. When that leaves one, the branch collapses into it, so load it first. */
    int entries = b->val_len != 0;
    for (int i = 0; i < 16; i++) entries += b->kids[i] != NULL;
    if (entries == 2) {
        for (int i = 0; i < 16; i++)
            if (&b->kids[i] != target && load(t, &b->kids[i], false) < 0) return -1;
    }
    if (target) {
        node_free(*target);
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
    node *n;
    uint32_t height; /* 0 for a node without dirty children, else one above its tallest dirty child */
} dirty_entry;

/* Lists the dirty nodes of the subtrie (n dirty); returns n's height. */
static uint32_t collect(braid_mpt *t, node *n) {
    uint32_t h = 0, ch;
    if (n->kind == N_EXT) {
        node *c = ((short_node *)n)->child;
        if (c->dirty) h = collect(t, c) + 1;
    } else if (n->kind == N_BRANCH) {
        branch_node *b = (branch_node *)n;
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

static void put_ref(braid_buf *b, const node *c) {
    if (!c) {
        braid_buf_push(b, 0x80);
    } else if (c->ref_len == 32) {
        braid_buf_push(b, 0xa0);
        braid_buf_append(b, c->ref, 32);
    } else {
        braid_buf_append(b, c->ref, c->ref_len);
    }
}

/* Appends the node's RLP; its children's references must be current. */
static void encode(braid_buf *b, const node *n) {
    size_t list = braid_rlp_list_begin(b);
    if (n->kind == N_BRANCH) {
        const branch_node *br = (const branch_node *)n;
        for (int i = 0; i < 16; i++) put_ref(b, br->kids[i]);
        braid_rlp_put_bytes(b, br->val, br->val_len);
    } else {
        const short_node *s = (const short_node *)n;
        trie_put_path(b, &s->p, s->from, s->to, n->kind == N_LEAF);
        if (n->kind == N_LEAF) braid_rlp_put_bytes(b, s->p.val, s->p.val_len);
        else put_ref(b, s->child);
    }
    braid_rlp_list_end(b, list);
}

/* Encodes nodes[0, count) (none the child of another), sets their references, and stores the ones
 * referenced by hash, whose hashes are computed together. */
static void hash_batch(braid_mpt *t, dirty_entry *nodes, size_t count) {
    size_t off[HASH_BATCH + 1];
    braid_buf *b = &t->scratch;
    braid_buf_clear(b);
    for (size_t i = 0; i < count; i++) {
        off[i] = b->len;
        encode(b, nodes[i].n);
    }
    off[count] = b->len;
    const uint8_t *msgs[HASH_BATCH];
    size_t lens[HASH_BATCH], m = 0;
    uint8_t *outs[HASH_BATCH];
    for (size_t i = 0; i < count; i++) {
        node *n = nodes[i].n;
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
        node *n = nodes[i].n;
        if (n->ref_len != 32) continue;
        braid_hash h;
        memcpy(h.b, n->ref, 32);
        t->store.put(t->store.ctx, &h, b->data + off[i], off[i + 1] - off[i]);
    }
}

/* Turns decoded nodes from `depth` down that are referenced by hash back into hash nodes. */
static void prune(node **slot, unsigned depth) {
    node *n = *slot;
    if (!n || n->kind == N_HASH) return;
    if (depth >= KEEP_DEPTH && n->ref_len == 32) {
        *slot = new_hash(n->ref, NULL);
        node_free(n);
        return;
    }
    if (n->kind == N_EXT) prune(&((short_node *)n)->child, depth + 1);
    if (n->kind == N_BRANCH)
        for (int i = 0; i < 16; i++) prune(&((branch_node *)n)->kids[i], depth + 1);
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
            encode(&t->scratch, t->root);
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
