/* The incremental trie (braid_mpt) over an in-memory node store, against two oracles: the roots in the
 * ethereum/tests TrieTests fixtures, and braid_trie_root (the from-scratch encoder) over random key
 * sets after every round of random puts, overwrites and deletes. Then a hostile store (missing nodes,
 * malformed RLP, random corruption: -1, never a crash, and a failed put changes nothing), and the
 * incremental promise itself: one changed key among 10,000 writes only the nodes on its path. */
#include <jansson.h>
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_keccak.h"
#include "braid/braid_mpt.h"
#include "braid/braid_rlp.h"
#include "braid/braid_trie.h"
#include "test_util.h"

#define TRIE_FIXTURES "fixtures/ethereum-tests/TrieTests/"

/* ---- an in-memory node store ---- */

typedef struct mem_entry {
    braid_hash h;
    uint8_t *rlp;
    size_t len;
    bool used, hidden; /* hidden: get says absent, as for a node lost from the database */
} mem_entry;

typedef struct mem_store {
    mem_entry *e;
    size_t cap, count;
    size_t puts, gets, small_puts; /* small_puts: nodes under 32 bytes, which only the root may be */
    braid_hash last_small;
    uint8_t *lent; /* what the last get returned: freed by the next, so that ASan sees any kept pointer */
} mem_store;

static size_t slot_of(const mem_store *s, const braid_hash *h) {
    uint64_t x;
    memcpy(&x, h->b, 8);
    size_t i = (size_t)x & (s->cap - 1);
    while (s->e[i].used && !braid_hash_eq(&s->e[i].h, h)) i = (i + 1) & (s->cap - 1);
    return i;
}

static mem_entry *store_find(mem_store *s, const braid_hash *h) {
    if (!s->cap) return NULL;
    mem_entry *e = &s->e[slot_of(s, h)];
    return e->used ? e : NULL;
}

static void store_insert(mem_store *s, const braid_hash *h, const uint8_t *rlp, size_t len) {
    if (2 * (s->count + 1) > s->cap) {
        mem_store bigger = *s;
        bigger.cap = s->cap ? 2 * s->cap : 1024;
        bigger.e = braid_xcalloc(bigger.cap, sizeof *bigger.e);
        for (size_t i = 0; i < s->cap; i++)
            if (s->e[i].used) bigger.e[slot_of(&bigger, &s->e[i].h)] = s->e[i];
        free(s->e);
        *s = bigger;
    }
    mem_entry *e = &s->e[slot_of(s, h)];
    if (e->used) { /* content-addressed: the same hash is the same node */
        CHECK(e->len == len && memcmp(e->rlp, rlp, len) == 0);
        e->hidden = false;
        return;
    }
    e->used = true;
    e->h = *h;
    e->rlp = braid_xmalloc(len ? len : 1);
    if (len) memcpy(e->rlp, rlp, len);
    e->len = len;
    s->count++;
}

static bool store_get(void *ctx, const braid_hash *hash, const uint8_t **rlp, size_t *len) {
    mem_store *s = ctx;
    s->gets++;
    mem_entry *e = store_find(s, hash);
    if (!e || e->hidden) return false;
    free(s->lent);
    s->lent = braid_xmalloc(e->len ? e->len : 1);
    if (e->len) memcpy(s->lent, e->rlp, e->len);
    *rlp = s->lent;
    *len = e->len;
    return true;
}

static void store_put(void *ctx, const braid_hash *hash, const uint8_t *rlp, size_t len) {
    mem_store *s = ctx;
    s->puts++;
    braid_hash h = braid_keccak256_hash(rlp, len);
    CHECK(braid_hash_eq(&h, hash));
    if (len < 32) {
        s->small_puts++;
        s->last_small = *hash;
    }
    store_insert(s, hash, rlp, len);
}

static void store_free(mem_store *s) {
    for (size_t i = 0; i < s->cap; i++) free(s->e[i].rlp);
    free(s->e);
    free(s->lent);
    memset(s, 0, sizeof *s);
}

static braid_mpt_store store_of(mem_store *s) { return (braid_mpt_store){s, store_get, store_put}; }

static braid_mpt *open_at(mem_store *s, const braid_hash *root) {
    braid_mpt_store st = store_of(s);
    return braid_mpt_open(&st, root);
}

/* Commits and checks what went to the store: only the root may be short. */
static braid_hash commit(braid_mpt *t, mem_store *s) {
    braid_hash root;
    s->small_puts = 0;
    CHECK(braid_mpt_commit(t, &root) == 0);
    CHECK(s->small_puts == 0 || (s->small_puts == 1 && braid_hash_eq(&s->last_small, &root)));
    return root;
}

static const char *hex32(const braid_hash *h, char out[67]) {
    braid_hex_encode(h->b, 32, out);
    return out;
}

/* ---- TrieTests ---- */

/* Fixture strings are hex when they start with 0x and raw bytes otherwise; null is an empty value. */
static void fixture_bytes(const json_t *v, braid_buf *out) {
    braid_buf_clear(out);
    if (json_is_null(v)) return;
    const char *s = json_string_value(v);
    if (strncmp(s, "0x", 2) == 0) CHECKF(braid_hex_decode(s, out) == 0, "bad hex %s", s);
    else braid_buf_append(out, s, json_string_length(v));
}

typedef struct op_list {
    braid_buf *keys, *vals;
    braid_trie_kv *kv; /* (key, value) in order, keys already hashed for secure tries */
    size_t n;
} op_list;

static void ops_add(op_list *o, const json_t *key, const json_t *val, bool secure) {
    braid_buf *k = &o->keys[o->n], *v = &o->vals[o->n];
    fixture_bytes(key, k);
    fixture_bytes(val, v);
    if (secure) {
        braid_hash h = braid_keccak256_hash(k->data, k->len);
        braid_buf_clear(k);
        braid_buf_append(k, h.b, 32);
    }
    o->kv[o->n] = (braid_trie_kv){k->data, k->len, v->data, v->len};
    o->n++;
}

static void ops_load(op_list *o, const json_t *in, bool secure) {
    size_t cap = (json_is_array(in) ? json_array_size(in) : json_object_size(in)) + 1;
    o->keys = braid_xcalloc(cap, sizeof *o->keys);
    o->vals = braid_xcalloc(cap, sizeof *o->vals);
    o->kv = braid_xcalloc(cap, sizeof *o->kv);
    o->n = 0;
    if (json_is_array(in)) {
        size_t i;
        json_t *e;
        json_array_foreach(in, i, e) ops_add(o, json_array_get(e, 0), json_array_get(e, 1), secure);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)in, k, v) {
            json_t *key = json_string(k);
            ops_add(o, key, v, secure);
            json_decref(key);
        }
    }
}

static void ops_free(op_list *o) {
    for (size_t i = 0; i < o->n; i++) {
        braid_buf_free(&o->keys[i]);
        braid_buf_free(&o->vals[i]);
    }
    free(o->keys);
    free(o->vals);
    free(o->kv);
}

/* braid_trie_root over the first n operations (later ones win, empty values delete). */
static braid_hash oracle_prefix(const op_list *o, size_t n) {
    braid_trie_kv *copy = braid_xmalloc((n + 1) * sizeof *copy);
    if (n) memcpy(copy, o->kv, n * sizeof *copy);
    braid_hash r;
    CHECK(braid_trie_root(copy, n, &r) == 0);
    free(copy);
    return r;
}

enum { MODE_ONCE, MODE_EACH, MODE_REOPEN, MODES };

/* Applies the operations in order (mode: one commit at the end, a commit after each, or a commit, close
 * and reopen from the store after each); the final root must be the fixture's. */
static void run_fixture(const char *file, const char *name, const op_list *o, const char *want, int mode,
                        bool reversed) {
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    braid_hash root = BRAID_EMPTY_TRIE_ROOT;
    char hex[67];
    for (size_t j = 0; j < o->n; j++) {
        size_t i = reversed ? o->n - 1 - j : j;
        const braid_trie_kv *kv = &o->kv[i];
        CHECKF(braid_mpt_put(t, kv->key, kv->key_len, kv->val, kv->val_len) == 0, "%s %s: put %zu", file, name, i);
        if (mode == MODE_ONCE) continue;
        root = commit(t, &s);
        if (!reversed) {
            braid_hash want_step = oracle_prefix(o, j + 1);
            CHECKF(braid_hash_eq(&root, &want_step), "%s %s mode %d: after op %zu got %s", file, name, mode, j,
                   hex32(&root, hex));
        }
        if (mode == MODE_REOPEN) {
            braid_mpt_close(t);
            t = open_at(&s, &root);
        }
    }
    root = commit(t, &s);
    uint8_t w[32];
    CHECKF(braid_hex_decode_fixed(want, w, 32) == 0 && memcmp(w, root.b, 32) == 0, "%s %s mode %d%s: got %s want %s",
           file, name, mode, reversed ? " reversed" : "", hex32(&root, hex), want);

    /* Every surviving key reads back, from a trie opened afresh on the store. */
    braid_mpt_close(t);
    t = open_at(&s, &root);
    braid_buf got = {0};
    for (size_t i = 0; i < o->n; i++) {
        const braid_trie_kv *kv = NULL; /* the operation on this key applied last */
        for (size_t j = 0; j < o->n; j++) {
            const braid_trie_kv *x = &o->kv[reversed ? o->n - 1 - j : j];
            if (x->key_len == o->kv[i].key_len && memcmp(x->key, o->kv[i].key, x->key_len) == 0) kv = x;
        }
        braid_buf_clear(&got);
        int rc = braid_mpt_get(t, kv->key, kv->key_len, &got);
        CHECKF(rc == (kv->val_len != 0) && got.len == kv->val_len && (!got.len || !memcmp(got.data, kv->val, got.len)),
               "%s %s: get %zu: rc %d", file, name, i, rc);
    }
    braid_buf_free(&got);
    braid_mpt_close(t);
    store_free(&s);
}

static void run_trie_file(const char *path, bool secure, bool any_order) {
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    CHECKF(root != NULL, "cannot load %s: %s", path, err.text);
    if (!root) return;
    const char *name;
    json_t *t;
    int tests = 0;
    json_object_foreach(root, name, t) {
        op_list o;
        ops_load(&o, json_object_get(t, "in"), secure);
        const char *want = json_string_value(json_object_get(t, "root"));
        for (int mode = 0; mode < MODES; mode++) {
            run_fixture(path, name, &o, want, mode, false);
            if (any_order) run_fixture(path, name, &o, want, mode, true);
        }
        tests++;
        ops_free(&o);
    }
    CHECKF(tests > 0, "%s: no tests", path);
    json_decref(root);
}

/* The secure wrappers against the fixtures: the raw keys go in and are hashed inside. */
static void run_secure_api(const char *path) {
    json_t *root = json_load_file(path, 0, NULL);
    CHECK(root != NULL);
    if (!root) return;
    const char *name;
    json_t *t;
    json_object_foreach(root, name, t) {
        op_list o;
        ops_load(&o, json_object_get(t, "in"), false);
        mem_store s = {0};
        braid_mpt *m = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
        for (size_t i = 0; i < o.n; i++)
            CHECK(braid_mpt_put_secure(m, o.kv[i].key, o.kv[i].key_len, o.kv[i].val, o.kv[i].val_len) == 0);
        braid_hash r = commit(m, &s);
        uint8_t w[32];
        CHECKF(braid_hex_decode_fixed(json_string_value(json_object_get(t, "root")), w, 32) == 0 &&
                   memcmp(w, r.b, 32) == 0,
               "%s %s: secure api root", path, name);
        braid_buf got = {0};
        for (size_t i = 0; i < o.n; i++) {
            braid_buf_clear(&got);
            int rc = braid_mpt_get_secure(m, o.kv[i].key, o.kv[i].key_len, &got);
            CHECK(rc == 0 || rc == 1);
        }
        braid_buf_free(&got);
        braid_mpt_close(m);
        store_free(&s);
        ops_free(&o);
    }
    json_decref(root);
}

static void run_trie_fixtures(void) {
    run_trie_file(SHARED_PATH(TRIE_FIXTURES "trietest.json"), false, false);
    run_trie_file(SHARED_PATH(TRIE_FIXTURES "trietest_secureTrie.json"), true, false);
    run_trie_file(SHARED_PATH(TRIE_FIXTURES "trieanyorder.json"), false, true);
    run_trie_file(SHARED_PATH(TRIE_FIXTURES "trieanyorder_secureTrie.json"), true, true);
    run_trie_file(SHARED_PATH(TRIE_FIXTURES "hex_encoded_securetrie_test.json"), true, true);
    run_secure_api(SHARED_PATH(TRIE_FIXTURES "trietest_secureTrie.json"));
    run_secure_api(SHARED_PATH(TRIE_FIXTURES "trieanyorder_secureTrie.json"));
}

/* ---- randomised differential tests ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static size_t rnd_below(size_t n) { return (size_t)(rnd() % n); }

/* A pool of distinct keys, each live with a value or absent: the model the trie is checked against. */
typedef struct pool_key {
    uint8_t key[40];
    size_t key_len;
    braid_buf val; /* empty: absent */
} pool_key;

typedef struct pool {
    pool_key *k;
    size_t n;
} pool;

enum { KEYS_HASHED, KEYS_SHORT };

static void pool_make(pool *p, size_t n, int kind) {
    p->k = braid_xcalloc(n, sizeof *p->k);
    p->n = 0;
    /* Short keys come from a few bytes that share nibbles, so that paths share prefixes, keys end inside
     * other keys' paths (branch values), and many nodes are short enough to be embedded. */
    static const uint8_t alphabet[] = {0x00, 0x01, 0x10, 0x11, 0x12, 0x21, 0xab, 0xff};
    size_t tries = 0;
    while (p->n < n && tries++ < 100 * n) {
        pool_key k = {0};
        if (kind == KEYS_HASHED) {
            uint64_t r[4] = {rnd(), rnd(), rnd(), rnd()};
            braid_keccak256((const uint8_t *)r, sizeof r, k.key);
            k.key_len = 32;
        } else {
            k.key_len = rnd_below(6);
            for (size_t i = 0; i < k.key_len; i++) k.key[i] = alphabet[rnd_below(sizeof alphabet)];
        }
        bool dup = false;
        for (size_t i = 0; i < p->n && !dup; i++)
            dup = p->k[i].key_len == k.key_len && memcmp(p->k[i].key, k.key, k.key_len) == 0;
        if (!dup) p->k[p->n++] = k;
    }
}

static void pool_free(pool *p) {
    for (size_t i = 0; i < p->n; i++) braid_buf_free(&p->k[i].val);
    free(p->k);
}

/* A random value: often one byte (small leaves get embedded), sometimes long. */
static void random_value(braid_buf *v) {
    braid_buf_clear(v);
    size_t r = rnd_below(10), len = r < 4 ? 1 : r < 8 ? 1 + rnd_below(40) : 1 + rnd_below(200);
    for (size_t i = 0; i < len; i++) braid_buf_push(v, (uint8_t)rnd());
}

static braid_hash pool_root(const pool *p) {
    braid_trie_kv *kv = braid_xmalloc((p->n + 1) * sizeof *kv);
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->k[i].val.len) kv[m++] = (braid_trie_kv){p->k[i].key, p->k[i].key_len, p->k[i].val.data, p->k[i].val.len};
    braid_hash r;
    CHECK(braid_trie_root(kv, m, &r) == 0);
    free(kv);
    return r;
}

/* Every pool key reads back as the model says. */
static void pool_check_reads(const pool *p, braid_mpt *t, const char *what) {
    braid_buf got = {0};
    size_t bad = 0;
    for (size_t i = 0; i < p->n; i++) {
        braid_buf_clear(&got);
        int rc = braid_mpt_get(t, p->k[i].key, p->k[i].key_len, &got);
        const braid_buf *v = &p->k[i].val;
        if (rc != (v->len != 0) || got.len != v->len || (v->len && memcmp(got.data, v->data, v->len) != 0)) bad++;
    }
    CHECKF(bad == 0, "%s: %zu of %zu keys read back wrong", what, bad, p->n);
    braid_buf_free(&got);
}

/* Rounds of random operations on the pool's keys, a commit after each round compared with
 * braid_trie_root; the trie is reopened from the store every `reopen_every` rounds (0: never) and
 * committed after every operation when `commit_each`. Ends by deleting everything. */
static void differential(const char *what, int kind, size_t keys, int rounds, size_t ops, int reopen_every,
                         bool commit_each) {
    pool p;
    pool_make(&p, keys, kind);
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    char hex[67], hex2[67];
    size_t failed_rounds = 0;
    for (int round = 0; round < rounds; round++) {
        for (size_t o = 0; o < ops; o++) {
            pool_key *k = &p.k[rnd_below(p.n)];
            /* Deleting more often late in the run lets the trie shrink through its collapses. */
            bool del = rnd_below(100) < (size_t)(round < rounds / 2 ? 25 : 60);
            if (del) braid_buf_clear(&k->val);
            else random_value(&k->val);
            CHECK(braid_mpt_put(t, k->key, k->key_len, k->val.data, k->val.len) == 0);
            if (commit_each) {
                braid_hash got = commit(t, &s), want = pool_root(&p);
                if (!braid_hash_eq(&got, &want)) failed_rounds++;
            }
        }
        braid_hash got = commit(t, &s), want = pool_root(&p);
        if (!braid_hash_eq(&got, &want)) {
            failed_rounds++;
            fprintf(stderr, "%s round %d: got %s want %s\n", what, round, hex32(&got, hex), hex32(&want, hex2));
        }
        if (reopen_every && round % reopen_every == reopen_every - 1) {
            braid_mpt_close(t);
            t = open_at(&s, &got);
        }
        pool_check_reads(&p, t, what);
    }
    CHECKF(failed_rounds == 0, "%s: %zu wrong roots", what, failed_rounds);

    /* Absent keys near present ones read 0. */
    braid_buf got = {0};
    for (size_t i = 0; i < p.n; i++) {
        uint8_t k[41];
        memcpy(k, p.k[i].key, p.k[i].key_len);
        k[p.k[i].key_len] = 0x7e; /* no pool key has this byte */
        CHECK(braid_mpt_get(t, k, p.k[i].key_len + 1, &got) == 0);
    }
    braid_buf_free(&got);

    for (size_t i = 0; i < p.n; i++) {
        CHECK(braid_mpt_put(t, p.k[i].key, p.k[i].key_len, NULL, 0) == 0);
        braid_buf_clear(&p.k[i].val);
        if (i % 97 == 0) {
            braid_hash r = commit(t, &s), want = pool_root(&p);
            CHECKF(braid_hash_eq(&r, &want), "%s: deleting, after %zu", what, i);
        }
    }
    braid_hash r = commit(t, &s);
    CHECKF(braid_hash_eq(&r, &BRAID_EMPTY_TRIE_ROOT), "%s: all deleted: %s", what, hex32(&r, hex));
    braid_mpt_close(t);
    store_free(&s);
    pool_free(&p);
}

static void run_differential(void) {
    differential("hashed keys", KEYS_HASHED, 2000, 16, 300, 3, false);
    differential("hashed keys, always reopened", KEYS_HASHED, 300, 12, 60, 1, false);
    differential("short keys", KEYS_SHORT, 400, 30, 80, 4, false);
    differential("short keys, commit each", KEYS_SHORT, 120, 20, 30, 5, true);
    differential("few short keys, commit each", KEYS_SHORT, 12, 200, 6, 3, true);
    differential("few hashed keys, commit each", KEYS_HASHED, 6, 200, 4, 2, true);
}

/* Hand-written edges: the empty key, overwriting with the same value, deleting what is absent, the
 * longest key and one past it. */
static void test_edges(void) {
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    braid_hash r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &BRAID_EMPTY_TRIE_ROOT) && s.puts == 0);
    CHECK(braid_mpt_put(t, (const uint8_t *)"x", 1, NULL, 0) == 0);
    braid_buf got = {0};
    CHECK(braid_mpt_get(t, (const uint8_t *)"x", 1, &got) == 0 && got.len == 0);
    CHECK(braid_mpt_get(t, NULL, 0, &got) == 0);

    CHECK(braid_mpt_put(t, NULL, 0, (const uint8_t *)"root", 4) == 0);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x12", 1, (const uint8_t *)"a", 1) == 0);
    braid_trie_kv kv[2] = {{(const uint8_t *)"", 0, (const uint8_t *)"root", 4},
                           {(const uint8_t *)"\x12", 1, (const uint8_t *)"a", 1}};
    braid_hash want;
    CHECK(braid_trie_root(kv, 2, &want) == 0);
    r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &want));
    CHECK(braid_mpt_get(t, NULL, 0, &got) == 1 && got.len == 4 && memcmp(got.data, "root", 4) == 0);

    /* Nothing changes, so nothing is written. */
    size_t puts = s.puts;
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x12", 1, (const uint8_t *)"a", 1) == 0);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x13", 1, NULL, 0) == 0);
    braid_hash r2 = commit(t, &s);
    CHECK(braid_hash_eq(&r, &r2) && s.puts == puts);

    uint8_t *big = braid_xcalloc(BRAID_MPT_MAX_KEY_LEN + 1, 1);
    big[BRAID_MPT_MAX_KEY_LEN - 1] = 7;
    CHECK(braid_mpt_put(t, big, BRAID_MPT_MAX_KEY_LEN + 1, (const uint8_t *)"v", 1) == -1);
    CHECK(braid_mpt_get(t, big, BRAID_MPT_MAX_KEY_LEN + 1, &got) == -1);
    CHECK(braid_mpt_put(t, big, BRAID_MPT_MAX_KEY_LEN, (const uint8_t *)"v", 1) == 0);
    CHECK(braid_mpt_put(t, big, BRAID_MPT_MAX_KEY_LEN - 1, (const uint8_t *)"w", 1) == 0);
    braid_trie_kv kv4[4] = {kv[0], kv[1], {big, BRAID_MPT_MAX_KEY_LEN, (const uint8_t *)"v", 1},
                            {big, BRAID_MPT_MAX_KEY_LEN - 1, (const uint8_t *)"w", 1}};
    CHECK(braid_trie_root(kv4, 4, &want) == 0);
    r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &want));
    braid_mpt_close(t);
    t = open_at(&s, &r);
    braid_buf_clear(&got);
    CHECK(braid_mpt_get(t, big, BRAID_MPT_MAX_KEY_LEN, &got) == 1 && got.len == 1 && got.data[0] == 'v');
    free(big);
    braid_buf_free(&got);
    braid_mpt_close(t);
    store_free(&s);
}

/* ---- a hostile store ---- */

static braid_hash store_node(mem_store *s, const braid_buf *rlp) {
    braid_hash h = braid_keccak256_hash(rlp->data, rlp->len);
    store_insert(s, &h, rlp->data, rlp->len);
    return h;
}

/* Builders for hand-made nodes. */
static void leaf_node(braid_buf *b, const uint8_t *path, size_t path_len, const uint8_t *val, size_t val_len) {
    size_t m = braid_rlp_list_begin(b);
    braid_rlp_put_bytes(b, path, path_len);
    braid_rlp_put_bytes(b, val, val_len);
    braid_rlp_list_end(b, m);
}

/* A trie whose root node is `rlp`: every get and put must give -1, and the root must not move. */
static void expect_bad_root(mem_store *s, const braid_buf *rlp, const char *what) {
    braid_hash root = store_node(s, rlp);
    braid_mpt *t = open_at(s, &root);
    braid_buf got = {0};
    static const uint8_t *keys[] = {(const uint8_t *)"", (const uint8_t *)"\x12", (const uint8_t *)"\x12\x34",
                                    (const uint8_t *)"\xab\xcd"};
    static const size_t lens[] = {0, 1, 2, 2};
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        bad += braid_mpt_get(t, keys[i], lens[i], &got) != -1;
        bad += braid_mpt_put(t, keys[i], lens[i], (const uint8_t *)"v", 1) != -1;
        bad += braid_mpt_put(t, keys[i], lens[i], NULL, 0) != -1;
    }
    braid_hash r = commit(t, s);
    CHECKF(bad == 0 && braid_hash_eq(&r, &root), "%s: %d operations did not fail", what, bad);
    braid_buf_free(&got);
    braid_mpt_close(t);
}

static void test_malformed_nodes(void) {
    mem_store s = {0};
    braid_buf b = {0};
    /* Children of the bad nodes below are references to a good stored branch, so that a bad node
     * accepted by mistake would show as an operation that succeeds. */
    braid_buf_clear(&b);
    size_t mb = braid_rlp_list_begin(&b);
    for (int i = 0; i < 16; i++) {
        if (i == 1 || i == 2) leaf_node(&b, (const uint8_t *)"\x30", 1, (const uint8_t *)"value 1234", 10);
        else braid_buf_push(&b, 0x80);
    }
    braid_buf_push(&b, 0x80);
    braid_rlp_list_end(&b, mb);
    braid_hash good = store_node(&s, &b);
    const uint8_t *h32 = good.b;
    uint8_t long_val[40];
    memset(long_val, 'x', sizeof long_val);

    /* The root hash names nothing. */
    braid_hash nowhere = braid_keccak256_hash((const uint8_t *)"nowhere", 7);
    braid_mpt *t = open_at(&s, &nowhere);
    braid_buf got = {0};
    CHECK(braid_mpt_get(t, (const uint8_t *)"a", 1, &got) == -1);
    CHECK(braid_mpt_put(t, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1) == -1);
    braid_hash r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &nowhere) && s.puts == 0);
    braid_mpt_close(t);

    /* Each builds a root node into b (commas and all, hence variadic). */
#define BAD(what, ...)                 \
    do {                               \
        braid_buf_clear(&b);           \
        __VA_ARGS__;                   \
        expect_bad_root(&s, &b, what); \
    } while (0)

    BAD("empty bytes", (void)0);
    BAD("empty list", braid_buf_push(&b, 0xc0));
    BAD("a string", braid_rlp_put_bytes(&b, (const uint8_t *)"abc", 3));
    BAD("one item", { size_t m = braid_rlp_list_begin(&b); braid_buf_push(&b, 0x20); braid_rlp_list_end(&b, m); });
    BAD("three items", {
        size_t m = braid_rlp_list_begin(&b);
        braid_buf_push(&b, 0x20), braid_buf_push(&b, 'a'), braid_buf_push(&b, 'b');
        braid_rlp_list_end(&b, m);
    });
    BAD("eighteen items", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 18; i++) braid_buf_push(&b, 0x80);
        braid_rlp_list_end(&b, m);
    });
    BAD("hex-prefix flag 4", leaf_node(&b, (const uint8_t *)"\x41", 1, (const uint8_t *)"v", 1));
    BAD("even path, padding not zero", leaf_node(&b, (const uint8_t *)"\x21\x23", 2, (const uint8_t *)"v", 1));
    BAD("empty path byte string", leaf_node(&b, NULL, 0, (const uint8_t *)"v", 1));
    BAD("leaf without value", leaf_node(&b, (const uint8_t *)"\x20", 1, NULL, 0));
    BAD("leaf value a list", {
        size_t m = braid_rlp_list_begin(&b);
        braid_buf_push(&b, 0x20);
        braid_buf_push(&b, 0xc0);
        braid_rlp_list_end(&b, m);
    });
    BAD("path a list", {
        size_t m = braid_rlp_list_begin(&b);
        braid_buf_push(&b, 0xc0);
        braid_buf_push(&b, 'v');
        braid_rlp_list_end(&b, m);
    });
    BAD("extension over no nibbles", leaf_node(&b, (const uint8_t *)"\x00", 1, h32, 32));
    BAD("extension to nothing", leaf_node(&b, (const uint8_t *)"\x11", 1, NULL, 0));
    BAD("extension child 5 bytes", leaf_node(&b, (const uint8_t *)"\x11", 1, h32, 5));
    BAD("extension to an embedded leaf", {
        size_t m = braid_rlp_list_begin(&b);
        braid_buf_push(&b, 0x11);
        leaf_node(&b, (const uint8_t *)"\x20", 1, (const uint8_t *)"v", 1);
        braid_rlp_list_end(&b, m);
    });
    BAD("branch with a value only", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) braid_buf_push(&b, 0x80);
        braid_buf_push(&b, 'v');
        braid_rlp_list_end(&b, m);
    });
    BAD("branch with one child only", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) braid_rlp_put_bytes(&b, h32, i == 3 ? 32 : 0);
        braid_buf_push(&b, 0x80);
        braid_rlp_list_end(&b, m);
    });
    BAD("branch child 5 bytes", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) braid_rlp_put_bytes(&b, h32, i == 3 ? 5 : i == 4 ? 32 : 0);
        braid_buf_push(&b, 0x80);
        braid_rlp_list_end(&b, m);
    });
    BAD("branch child embedded though 32 bytes or more", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) {
            if (i == 1) leaf_node(&b, (const uint8_t *)"\x20", 1, long_val, sizeof long_val);
            else braid_rlp_put_bytes(&b, h32, i == 4 ? 32 : 0);
        }
        braid_buf_push(&b, 0x80);
        braid_rlp_list_end(&b, m);
    });
    BAD("branch child embedded and malformed", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) {
            if (i == 1) leaf_node(&b, (const uint8_t *)"\x51", 1, (const uint8_t *)"v", 1);
            else braid_rlp_put_bytes(&b, h32, i == 4 ? 32 : 0);
        }
        braid_buf_push(&b, 0x80);
        braid_rlp_list_end(&b, m);
    });
    BAD("branch value a list", {
        size_t m = braid_rlp_list_begin(&b);
        for (int i = 0; i < 16; i++) braid_rlp_put_bytes(&b, h32, i < 2 ? 32 : 0);
        braid_buf_push(&b, 0xc0);
        braid_rlp_list_end(&b, m);
    });
    BAD("long-form length for a short list", {
        braid_buf_push(&b, 0xf8), braid_buf_push(&b, 3), braid_buf_push(&b, 0x20), braid_buf_push(&b, 0x61);
        braid_buf_push(&b, 0x62);
    });
    BAD("length past the end", { braid_buf_push(&b, 0xf9), braid_buf_push(&b, 0xff), braid_buf_push(&b, 0xff); });
    BAD("truncated leaf", {
        leaf_node(&b, (const uint8_t *)"\x20", 1, long_val, sizeof long_val);
        b.len--;
    });
    BAD("trailing byte", {
        leaf_node(&b, (const uint8_t *)"\x20", 1, long_val, sizeof long_val);
        braid_buf_push(&b, 0);
    });
#undef BAD

    /* An extension whose hashed child is a leaf, not a branch: fails when reached, and only then. */
    braid_buf child = {0};
    leaf_node(&child, (const uint8_t *)"\x20", 1, long_val, sizeof long_val);
    braid_hash ch = store_node(&s, &child);
    braid_buf_clear(&b);
    leaf_node(&b, (const uint8_t *)"\x00\xab", 2, ch.b, 32);
    braid_hash root = store_node(&s, &b);
    t = open_at(&s, &root);
    CHECK(braid_mpt_get(t, (const uint8_t *)"\x12", 1, &got) == 0); /* off the extension's path */
    CHECK(braid_mpt_get(t, (const uint8_t *)"\xab", 1, &got) == -1);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\xab\x01", 2, (const uint8_t *)"v", 1) == -1);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\xab", 1, NULL, 0) == -1);
    r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &root));
    braid_mpt_close(t);

    /* The same extension over a branch is fine. */
    braid_buf_clear(&child);
    size_t m = braid_rlp_list_begin(&child);
    for (int i = 0; i < 16; i++) {
        if (i == 1 || i == 2) leaf_node(&child, (const uint8_t *)"\x30", 1, (const uint8_t *)"value 1234", 10);
        else braid_buf_push(&child, 0x80);
    }
    braid_buf_push(&child, 0x80);
    braid_rlp_list_end(&child, m);
    CHECK(child.len >= 32);
    ch = store_node(&s, &child);
    braid_buf_clear(&b);
    leaf_node(&b, (const uint8_t *)"\x00\xab", 2, ch.b, 32);
    root = store_node(&s, &b);
    t = open_at(&s, &root);
    braid_buf_clear(&got);
    CHECK(braid_mpt_get(t, (const uint8_t *)"\xab\x10", 2, &got) == 1 && got.len == 10);
    braid_trie_kv kv[2] = {{(const uint8_t *)"\xab\x10", 2, (const uint8_t *)"value 1234", 10},
                           {(const uint8_t *)"\xab\x20", 2, (const uint8_t *)"value 1234", 10}};
    braid_hash want;
    CHECK(braid_trie_root(kv, 2, &want) == 0 && braid_hash_eq(&want, &root));
    braid_mpt_close(t);

    braid_buf_free(&child);
    braid_buf_free(&got);
    braid_buf_free(&b);
    store_free(&s);
}

/* A delete that would collapse a branch into a sibling that cannot be loaded fails before changing
 * anything. */
static void test_missing_sibling(void) {
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    uint8_t long_val[40];
    memset(long_val, 'y', sizeof long_val);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x10", 1, (const uint8_t *)"a", 1) == 0); /* embedded leaf */
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x20", 1, long_val, sizeof long_val) == 0); /* hashed leaf */
    braid_hash root = commit(t, &s);
    braid_mpt_close(t);
    CHECK(s.count == 2);
    for (size_t i = 0; i < s.cap; i++)
        if (s.e[i].used && !braid_hash_eq(&s.e[i].h, &root)) s.e[i].hidden = true;

    t = open_at(&s, &root);
    braid_buf got = {0};
    CHECK(braid_mpt_get(t, (const uint8_t *)"\x10", 1, &got) == 1);
    CHECK(braid_mpt_get(t, (const uint8_t *)"\x20", 1, &got) == -1);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x10", 1, NULL, 0) == -1);
    braid_hash r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &root));
    /* Changes that do not need the lost node still work. */
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x10", 1, (const uint8_t *)"b", 1) == 0);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x30", 1, (const uint8_t *)"c", 1) == 0);
    CHECK(braid_mpt_put(t, (const uint8_t *)"\x10", 1, NULL, 0) == 0); /* three entries: no collapse */
    braid_trie_kv kv[2] = {{(const uint8_t *)"\x20", 1, long_val, sizeof long_val},
                           {(const uint8_t *)"\x30", 1, (const uint8_t *)"c", 1}};
    braid_hash want;
    CHECK(braid_trie_root(kv, 2, &want) == 0);
    r = commit(t, &s);
    CHECK(braid_hash_eq(&r, &want));
    braid_buf_free(&got);
    braid_mpt_close(t);
    store_free(&s);
}

/* Nodes lost from a larger trie: every operation either fails with -1, changing nothing, or acts as on
 * the model; the root after the survivors is the model's. */
static void test_missing_nodes(void) {
    pool p;
    pool_make(&p, 300, KEYS_HASHED);
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    for (size_t i = 0; i < p.n; i++) {
        random_value(&p.k[i].val);
        CHECK(braid_mpt_put(t, p.k[i].key, p.k[i].key_len, p.k[i].val.data, p.k[i].val.len) == 0);
    }
    braid_hash root = commit(t, &s);
    braid_mpt_close(t);
    size_t hidden = 0, n = 0;
    for (size_t i = 0; i < s.cap; i++) {
        if (!s.e[i].used || braid_hash_eq(&s.e[i].h, &root)) continue;
        if (n++ % 7 == 3) s.e[i].hidden = true, hidden++;
    }
    CHECK(hidden > 10);

    t = open_at(&s, &root);
    size_t failed = 0, done = 0;
    braid_buf got = {0};
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < p.n; i++) {
            pool_key *k = &p.k[i];
            braid_buf_clear(&got);
            int rc = braid_mpt_get(t, k->key, k->key_len, &got);
            CHECK(rc == -1 || (rc == (k->val.len != 0) && got.len == k->val.len &&
                               (!got.len || memcmp(got.data, k->val.data, got.len) == 0)));
            braid_buf v = {0};
            if (rnd_below(2)) random_value(&v);
            rc = braid_mpt_put(t, k->key, k->key_len, v.data, v.len);
            CHECK(rc == 0 || rc == -1);
            if (rc == 0) {
                braid_buf_free(&k->val);
                k->val = v;
                done++;
            } else {
                braid_buf_free(&v);
                failed++;
            }
        }
        braid_hash r = commit(t, &s), want = pool_root(&p);
        CHECKF(braid_hash_eq(&r, &want), "missing nodes: round %d: root differs from the model", round);
    }
    CHECK(failed > 0 && done > 0);
    braid_buf_free(&got);
    braid_mpt_close(t);
    store_free(&s);
    pool_free(&p);
}

/* Random corruption of stored nodes (bytes flipped, truncated, extended): no crash, no read out of
 * bounds (ASan), every answer in range. A value may come back changed (the node bytes are not checked
 * against their hash), so values are not compared. */
static void test_corruption(void) {
    pool p;
    pool_make(&p, 60, KEYS_SHORT);
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    for (size_t i = 0; i < p.n; i++) {
        random_value(&p.k[i].val);
        CHECK(braid_mpt_put(t, p.k[i].key, p.k[i].key_len, p.k[i].val.data, p.k[i].val.len) == 0);
    }
    braid_hash root = commit(t, &s);
    braid_mpt_close(t);

    size_t out_of_range = 0, failures = 0;
    braid_buf got = {0};
    for (int iter = 0; iter < 3000; iter++) {
        /* pick a node, keep its bytes, corrupt them */
        size_t e;
        do e = rnd_below(s.cap);
        while (!s.e[e].used);
        mem_entry *ent = &s.e[e];
        uint8_t *saved = braid_xmalloc(ent->len), *orig = ent->rlp;
        memcpy(saved, orig, ent->len);
        size_t saved_len = ent->len;
        int how = (int)rnd_below(3);
        if (how == 0) {
            for (int f = 0, nf = 1 + (int)rnd_below(3); f < nf; f++)
                orig[rnd_below(ent->len)] ^= (uint8_t)(1 + rnd_below(255));
        } else if (how == 1) {
            ent->len = rnd_below(ent->len);
        } else {
            ent->rlp = braid_xmalloc(saved_len + 8);
            memcpy(ent->rlp, saved, saved_len);
            for (int i = 0; i < 8; i++) ent->rlp[saved_len + i] = (uint8_t)rnd();
            ent->len = saved_len + 1 + rnd_below(8);
            ent->rlp[1] ^= (uint8_t)rnd_below(4);
        }
        t = open_at(&s, &root);
        for (size_t i = 0; i < p.n; i += 1 + rnd_below(4)) {
            braid_buf_clear(&got);
            int rc = braid_mpt_get(t, p.k[i].key, p.k[i].key_len, &got);
            out_of_range += rc < -1 || rc > 1;
            failures += rc == -1;
            braid_buf v = {0};
            if (rnd_below(2)) random_value(&v);
            rc = braid_mpt_put(t, p.k[i].key, p.k[i].key_len, v.data, v.len);
            out_of_range += rc != 0 && rc != -1;
            braid_buf_free(&v);
        }
        braid_mpt_close(t); /* uncommitted: the store keeps the original nodes */
        if (ent->rlp != orig) free(ent->rlp);
        ent->rlp = orig;
        memcpy(orig, saved, saved_len);
        ent->len = saved_len;
        free(saved);
    }
    CHECK(out_of_range == 0);
    CHECK(failures > 100);
    /* Intact again: everything reads back. */
    t = open_at(&s, &root);
    pool_check_reads(&p, t, "after corruption");
    braid_mpt_close(t);
    braid_buf_free(&got);
    store_free(&s);
    pool_free(&p);
}

/* ---- incremental commits ---- */

static unsigned key_nibble(const uint8_t *key, size_t i) { return i % 2 ? key[i / 2] & 15 : key[i / 2] >> 4; }

/* One key changed among 10,000: the commit writes only the nodes on its path, and reading it back from
 * a fresh open loads only those. */
static void test_incremental(void) {
    enum { N = 10000 };
    pool p;
    pool_make(&p, N, KEYS_HASHED);
    CHECK(p.n == N);
    mem_store s = {0};
    braid_mpt *t = open_at(&s, &BRAID_EMPTY_TRIE_ROOT);
    for (size_t i = 0; i < p.n; i++) {
        random_value(&p.k[i].val);
        if (p.k[i].val.len < 2) braid_buf_push(&p.k[i].val, 1);
        CHECK(braid_mpt_put(t, p.k[i].key, p.k[i].key_len, p.k[i].val.data, p.k[i].val.len) == 0);
    }
    braid_hash root = commit(t, &s);
    braid_hash want = pool_root(&p);
    CHECK(braid_hash_eq(&root, &want));
    CHECKF(s.puts > N, "%zu nodes for %d keys", s.puts, N);
    braid_mpt_close(t);

    /* A key's path is bounded by the longest prefix it shares with any other key, `depth` nibbles: its
     * leaf starts at most one nibble below, and every branch or extension above consumes at least one
     * nibble, so at most depth + 1 of them plus the leaf (about 5 with 10,000 random keys). */
    size_t worst = 0;
    for (int trial = 0; trial < 20; trial++) {
        size_t i = rnd_below(p.n);
        size_t depth = 0; /* nibbles shared with the nearest key */
        for (size_t j = 0; j < p.n; j++) {
            if (j == i) continue;
            size_t d = 0;
            while (d < 64 && key_nibble(p.k[i].key, d) == key_nibble(p.k[j].key, d)) d++;
            if (d > depth) depth = d;
        }
        size_t bound = depth + 2;

        t = open_at(&s, &root);
        s.gets = s.puts = 0;
        random_value(&p.k[i].val);
        braid_buf_push(&p.k[i].val, 2);
        CHECK(braid_mpt_put(t, p.k[i].key, 32, p.k[i].val.data, p.k[i].val.len) == 0);
        size_t gets = s.gets;
        root = commit(t, &s);
        CHECKF(s.puts >= 2 && s.puts <= bound, "one key changed: %zu nodes written, depth %zu", s.puts, depth);
        CHECKF(gets <= bound, "one key changed: %zu nodes read, depth %zu", gets, depth);
        if (s.puts > worst) worst = s.puts;

        /* The same with the trie kept open across commits. */
        s.puts = 0;
        size_t i2 = rnd_below(p.n);
        random_value(&p.k[i2].val);
        braid_buf_push(&p.k[i2].val, 3);
        CHECK(braid_mpt_put(t, p.k[i2].key, 32, p.k[i2].val.data, p.k[i2].val.len) == 0);
        root = commit(t, &s);
        CHECKF(s.puts >= 2 && s.puts <= 12, "kept open: %zu nodes written", s.puts);
        braid_mpt_close(t);
    }
    want = pool_root(&p);
    CHECK(braid_hash_eq(&root, &want));
    printf("mpt: 10000 keys, one changed: at most %zu nodes written\n", worst);
    store_free(&s);
    pool_free(&p);
}

int main(void) {
    run_trie_fixtures();
    test_edges();
    run_differential();
    test_malformed_nodes();
    test_missing_sibling();
    test_missing_nodes();
    test_corruption();
    test_incremental();
    return test_summary("mpt");
}
