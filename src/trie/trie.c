/* Merkle-Patricia trie roots computed directly from sorted pairs (Yellow Paper, appendix D).
 *
 * With the keys sorted, every subtrie is a contiguous range that shares a key prefix, so the root can be
 * built by one recursive pass without materialising any nodes: a range of one pair is a leaf, a range
 * whose keys share more nibbles is an extension over a branch, otherwise a branch whose children are the
 * sub-ranges split by the next nibble. Each node is RLP-encoded at the end of one scratch buffer; once it
 * is complete it is replaced there by its reference (the node itself when its encoding is under 32 bytes,
 * else its keccak-256), which is exactly what its parent must contain. The recursion depth is one level
 * per branch, so at most one per nibble of the longest key: 65 for 32-byte keys. */
#include "braid/braid_trie.h"

#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "trie_internal.h"

void braid_trie_account_leaf(braid_buf *out, uint64_t nonce, braid_u256 balance, const braid_hash *storage_root,
                             const braid_hash *code_hash) {
    size_t list = braid_rlp_list_begin(out);
    braid_rlp_put_u64(out, nonce);
    braid_rlp_put_u256(out, balance);
    braid_rlp_put_bytes(out, storage_root->b, 32);
    braid_rlp_put_bytes(out, code_hash->b, 32);
    braid_rlp_list_end(out, list);
}

/* keccak256(0x80) */
const braid_hash BRAID_EMPTY_TRIE_ROOT = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                           0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                           0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};

#define MAX_KEY_LEN 65535

static bool prefix_free(const braid_trie_kv *kv, size_t m);
static void root_with_leaf_refs(const braid_trie_kv *kv, size_t m, braid_hash *root, const braid_parallel_for *pf);

/* ---- sorting ---- */

static int key_cmp(const braid_trie_kv *a, const braid_trie_kv *b) {
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = n ? memcmp(a->key, b->key, n) : 0;
    if (c) return c;
    return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* Stable merge sort: equal keys keep their input order, which decides which duplicate wins. */
static void merge_sort(braid_trie_kv *a, braid_trie_kv *tmp, size_t n) {
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            braid_trie_kv x = a[i];
            size_t j = i;
            for (; j > 0 && key_cmp(&a[j - 1], &x) > 0; j--) a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    if (key_cmp(&a[h - 1], &a[h]) <= 0) return; /* already in order, common for pre-sorted input */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = key_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
    while (i < h) tmp[k++] = a[i++];
    memcpy(a, tmp, k * sizeof *a); /* the rest of the right half is already in place */
}

/* ---- nibbles ---- */

/* Length, in nibbles from the start of the key, of the common prefix of two keys known to agree on
 * their first `from` nibbles. Compares whole bytes where it can: keys often share long prefixes. */
size_t trie_common_prefix(const braid_trie_kv *a, const braid_trie_kv *b, size_t from) {
    size_t n = nibble_len(a) < nibble_len(b) ? nibble_len(a) : nibble_len(b);
    size_t i = from;
    if (i % 2 && i < n) {
        if (nibble(a, i) != nibble(b, i)) return i;
        i++;
    }
    while (i < n && a->key[i / 2] == b->key[i / 2]) i += 2;
    if (i < n && nibble(a, i) == nibble(b, i)) i++;
    return i;
}

/* Appends the hex-prefix encoding of nibbles [from, to) of the key as an RLP string: a first byte
 * holding the flags (0x20 for a leaf, 0x10 for an odd length) and, for an odd length, the first
 * nibble; then the remaining nibbles packed two per byte. Written in place because a path can be as
 * long as a key (64 KiB), too large for a temporary on the stack. */
void trie_put_path(braid_buf *b, const braid_trie_kv *kv, size_t from, size_t to, bool leaf) {
    size_t count = to - from;
    size_t len = count / 2 + 1;
    uint8_t first = leaf ? 0x20 : 0x00;
    if (count % 2) first |= (uint8_t)(0x10 | nibble(kv, from++));
    if (len == 1) {
        braid_buf_push(b, first); /* below 0x80, so the byte is its own RLP encoding */
        return;
    }
    if (len < 56) {
        braid_buf_push(b, (uint8_t)(0x80 + len));
    } else {
        unsigned n = len > 0xffff ? 3 : len > 0xff ? 2 : 1;
        braid_buf_push(b, (uint8_t)(0xb7 + n));
        for (unsigned i = n; i-- > 0;) braid_buf_push(b, (uint8_t)(len >> (8 * i)));
    }
    uint8_t *p = braid_buf_extend(b, len);
    *p++ = first;
    if (from % 2 == 0) {
        memcpy(p, kv->key + from / 2, (to - from) / 2); /* byte-aligned: straight from the key */
    } else {
        for (size_t i = from; i < to; i += 2) *p++ = (uint8_t)(nibble(kv, i) << 4 | nibble(kv, i + 1));
    }
}

/* ---- node encoding ---- */

/* Replaces the node encoded at b->data[start..] with its reference: a node of 32 bytes or more is
 * replaced by the RLP string of its hash; a shorter one stays, embedded in its parent. */
static void make_ref(braid_buf *b, size_t start) {
    size_t len = b->len - start;
    if (len < 32) return;
    uint8_t h[32];
    braid_keccak256(b->data + start, len, h);
    b->len = start;
    braid_rlp_put_bytes(b, h, 32);
}

/* Encodes the node for kv[lo, hi): distinct keys, sorted, that agree on their first `depth` nibbles.
 * With `refs`, single-key children take their precomputed reference. */
static void encode_node(braid_buf *b, const braid_trie_kv *kv, size_t lo, size_t hi, size_t depth,
                        const trie_leaf_ref *refs) {
    if (hi - lo == 1) {
        size_t m = braid_rlp_list_begin(b);
        trie_put_path(b, &kv[lo], depth, nibble_len(&kv[lo]), true);
        braid_rlp_put_bytes(b, kv[lo].val, kv[lo].val_len);
        braid_rlp_list_end(b, m);
        return;
    }

    /* In sorted order the prefix shared by the whole range is the one shared by its two ends. */
    size_t split = trie_common_prefix(&kv[lo], &kv[hi - 1], depth);
    size_t ext = 0;
    if (split > depth) {
        ext = braid_rlp_list_begin(b);
        trie_put_path(b, &kv[lo], depth, split, false);
    }

    /* The branch at `split`. A key that ends exactly there sorts first and becomes its value; the
     * others are grouped by their next nibble, each group a child subtrie. */
    size_t branch = braid_rlp_list_begin(b);
    const braid_trie_kv *value = NULL;
    size_t i = lo;
    if (nibble_len(&kv[lo]) == split) value = &kv[i++];
    for (unsigned n = 0; n < 16; n++) {
        size_t j = i;
        while (j < hi && nibble(&kv[j], split) == n) j++;
        if (j == i + 1 && refs) {
            braid_buf_append(b, refs[i].bytes, refs[i].len);
        } else if (j > i) {
            size_t child = b->len;
            encode_node(b, kv, i, j, split + 1, refs);
            make_ref(b, child);
        } else {
            braid_buf_push(b, 0x80);
        }
        i = j;
    }
    if (value) braid_rlp_put_bytes(b, value->val, value->val_len);
    else braid_buf_push(b, 0x80);
    braid_rlp_list_end(b, branch);

    if (split > depth) {
        make_ref(b, branch);
        braid_rlp_list_end(b, ext);
    }
}

/* ---- public ---- */

int braid_trie_root(braid_trie_kv *kvs, size_t n, braid_hash *root) {
    bool sorted = true;
    for (size_t i = 0; i < n; i++) {
        if (kvs[i].key_len > MAX_KEY_LEN) return -1;
        if (i > 0 && key_cmp(&kvs[i - 1], &kvs[i]) > 0) sorted = false;
    }
    braid_trie_kv *live = braid_xmalloc((n ? n : 1) * sizeof *live);
    if (!sorted) merge_sort(kvs, live, n);

    /* Keep the last of each run of equal keys, then drop empty values (deletions). The survivors go to
     * a separate array so that the caller's array stays a sorted permutation of its input. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && key_cmp(&kvs[i], &kvs[i + 1]) == 0) continue;
        if (kvs[i].val_len == 0) continue;
        live[m++] = kvs[i];
    }

    if (m == 0) {
        *root = BRAID_EMPTY_TRIE_ROOT;
    } else if (m >= 32 && prefix_free(live, m)) {
        root_with_leaf_refs(live, m, root, NULL);
    } else {
        braid_buf scratch = {0};
        braid_buf_reserve(&scratch, 4096);
        encode_node(&scratch, live, 0, m, 0, NULL);
        braid_keccak256(scratch.data, scratch.len, root->b); /* the root is hashed even when short */
        braid_buf_free(&scratch);
    }
    free(live);
    return 0;
}

/* ---- the root branch built in parallel ---- */

typedef struct subtrie_job {
    braid_trie_kv *kvs;
    size_t start[17]; /* bucket b holds kvs[start[b], start[b+1]) */
    braid_buf refs[16]; /* each child's reference, or empty */
    bool ok[16];
} subtrie_job;

static void build_subtrie(void *arg, size_t b, unsigned worker) {
    (void)worker;
    subtrie_job *job = arg;
    braid_trie_kv *kv = job->kvs + job->start[b];
    size_t n = job->start[b + 1] - job->start[b];
    braid_buf_clear(&job->refs[b]);
    job->ok[b] = true;
    if (n == 0) return;
    braid_trie_kv *tmp = braid_xmalloc(n * sizeof *tmp);
    merge_sort(kv, tmp, n);
    size_t m = 0; /* dedup in place: the last of equal keys wins, empty values are deletions */
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && key_cmp(&kv[i], &kv[i + 1]) == 0) continue;
        if (kv[i].val_len == 0) continue;
        tmp[m++] = kv[i];
    }
    if (m) {
        /* a key ending at the root cannot sit under a branch child: the caller falls back */
        if (nibble_len(&tmp[0]) == 0) job->ok[b] = false;
        else {
            encode_node(&job->refs[b], tmp, 0, m, 1, NULL);
            make_ref(&job->refs[b], 0);
        }
    }
    free(tmp);
}

int braid_trie_root_parallel(braid_trie_kv *kvs, size_t n, braid_hash *root, const braid_parallel_for *pf) {
    if (n < 64) return braid_trie_root(kvs, n, root);
    subtrie_job job;
    memset(&job, 0, sizeof job);
    /* Stable counting sort by first nibble keeps the duplicate rule (later wins) inside each bucket. */
    size_t count[16] = {0};
    for (size_t i = 0; i < n; i++) {
        if (kvs[i].key_len == 0 || kvs[i].key_len > MAX_KEY_LEN) return braid_trie_root(kvs, n, root);
        count[kvs[i].key[0] >> 4]++;
    }
    for (int b = 0; b < 16; b++) job.start[b + 1] = job.start[b] + count[b];
    braid_trie_kv *sorted = braid_xmalloc(n * sizeof *sorted);
    size_t pos[16];
    memcpy(pos, job.start, sizeof pos);
    for (size_t i = 0; i < n; i++) sorted[pos[kvs[i].key[0] >> 4]++] = kvs[i];
    memcpy(kvs, sorted, n * sizeof *kvs);
    free(sorted);
    job.kvs = kvs;
    if (pf)
        pf->run(pf->ctx, 16, build_subtrie, &job);
    else
        for (size_t b = 0; b < 16; b++) build_subtrie(&job, b, 0);

    /* With fewer than two children the root is not a branch at depth 0: the plain path handles it. */
    int children = 0, rc = 0;
    bool ok = true;
    for (int b = 0; b < 16; b++) {
        children += job.refs[b].len != 0;
        ok &= job.ok[b];
    }
    if (!ok || children < 2) {
        rc = braid_trie_root(kvs, n, root);
    } else {
        braid_buf node;
        braid_buf_init(&node);
        size_t list = braid_rlp_list_begin(&node);
        for (int b = 0; b < 16; b++) {
            if (job.refs[b].len)
                braid_buf_append(&node, job.refs[b].data, job.refs[b].len);
            else
                braid_buf_push(&node, 0x80);
        }
        braid_buf_push(&node, 0x80);
        braid_rlp_list_end(&node, list);
        braid_keccak256(node.data, node.len, root->b);
        braid_buf_free(&node);
    }
    for (int b = 0; b < 16; b++) braid_buf_free(&job.refs[b]);
    return rc;
}

/* ---- leaves hashed in batches ---- */

/* The references of the leaves kv[pos[j]] (j < count), each at its depth: the leaf nodes are encoded
 * side by side, then those of 32 bytes or more are hashed together (braid_keccak256_many). */
void trie_leaf_refs_batch(const braid_trie_kv *kv, const size_t *depth, trie_leaf_ref *refs, const size_t *pos,
                            size_t count, braid_buf *scratch) {
    size_t off[TRIE_LEAF_BATCH], len[TRIE_LEAF_BATCH];
    braid_buf_clear(scratch);
    for (size_t j = 0; j < count; j++) {
        const braid_trie_kv *k = &kv[pos[j]];
        off[j] = scratch->len;
        size_t m = braid_rlp_list_begin(scratch);
        trie_put_path(scratch, k, depth[pos[j]], nibble_len(k), true);
        braid_rlp_put_bytes(scratch, k->val, k->val_len);
        braid_rlp_list_end(scratch, m);
        len[j] = scratch->len - off[j];
    }
    const uint8_t *msgs[TRIE_LEAF_BATCH] = {0};
    size_t lens[TRIE_LEAF_BATCH] = {0}, n = 0;
    uint8_t hashes[TRIE_LEAF_BATCH][32], *outs[TRIE_LEAF_BATCH] = {0};
    for (size_t j = 0; j < count; j++) {
        trie_leaf_ref *r = &refs[pos[j]];
        if (len[j] < 32) { /* short leaves are embedded in their parent as they are */
            memcpy(r->bytes, scratch->data + off[j], len[j]);
            r->len = (uint8_t)len[j];
            continue;
        }
        msgs[n] = scratch->data + off[j];
        lens[n] = len[j];
        outs[n] = hashes[n];
        n++;
    }
    braid_keccak256_many(msgs, lens, n, outs);
    for (size_t j = 0, h = 0; j < count; j++) {
        if (len[j] < 32) continue;
        trie_leaf_ref *r = &refs[pos[j]];
        r->bytes[0] = 0xa0; /* RLP string of 32 bytes */
        memcpy(r->bytes + 1, hashes[h++], 32);
        r->len = 33;
    }
}

typedef struct leaf_job {
    const braid_trie_kv *kv;
    const size_t *depth;
    trie_leaf_ref *refs;
    size_t m;
} leaf_job;

/* Leaves [chunk * TRIE_LEAF_BATCH, ...) of the job. */
static void build_leaf_chunk(void *arg, size_t chunk, unsigned worker) {
    (void)worker;
    leaf_job *job = arg;
    size_t first = chunk * TRIE_LEAF_BATCH, count = job->m - first < TRIE_LEAF_BATCH ? job->m - first : TRIE_LEAF_BATCH;
    size_t pos[TRIE_LEAF_BATCH];
    for (size_t j = 0; j < count; j++) pos[j] = first + j;
    braid_buf scratch;
    braid_buf_init(&scratch);
    trie_leaf_refs_batch(job->kv, job->depth, job->refs, pos, count, &scratch);
    braid_buf_free(&scratch);
}

/* The depth of each leaf of kv[0, m) (sorted, distinct, no key a prefix of another): one nibble past its
 * longest common prefix with either neighbour, i.e. just below the deepest branch on its path. */
void trie_leaf_depths(const braid_trie_kv *kv, size_t m, size_t *depth) {
    size_t prev = 0;
    for (size_t i = 0; i < m; i++) {
        size_t next = i + 1 < m ? trie_common_prefix(&kv[i], &kv[i + 1], 0) : 0;
        depth[i] = m == 1 ? 0 : (prev > next ? prev : next) + 1;
        prev = next;
    }
}

/* The root of kv[0, m) (m >= 2; sorted, distinct, no empty values, prefix-free) with every leaf hashed
 * first, in batches, through `pf` when given: only the branches are then hashed one by one. */
static void root_with_leaf_refs(const braid_trie_kv *kv, size_t m, braid_hash *root, const braid_parallel_for *pf) {
    size_t *depth = braid_xmalloc(m * sizeof *depth);
    trie_leaf_depths(kv, m, depth);
    trie_leaf_ref *refs = braid_xmalloc(m * sizeof *refs);
    leaf_job job = {kv, depth, refs, m};
    size_t chunks = (m + TRIE_LEAF_BATCH - 1) / TRIE_LEAF_BATCH;
    if (pf)
        pf->run(pf->ctx, chunks, build_leaf_chunk, &job);
    else
        for (size_t c = 0; c < chunks; c++) build_leaf_chunk(&job, c, 0);
    braid_buf scratch = {0};
    braid_buf_reserve(&scratch, 4096);
    encode_node(&scratch, kv, 0, m, 0, refs);
    braid_keccak256(scratch.data, scratch.len, root->b);
    braid_buf_free(&scratch);
    free(refs);
    free(depth);
}

static bool prefix_free(const braid_trie_kv *kv, size_t m) {
    for (size_t i = 0; i + 1 < m; i++) {
        size_t shorter = nibble_len(&kv[i]) < nibble_len(&kv[i + 1]) ? nibble_len(&kv[i]) : nibble_len(&kv[i + 1]);
        if (trie_common_prefix(&kv[i], &kv[i + 1], 0) == shorter) return false;
    }
    return true;
}

