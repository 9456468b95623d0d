/* The parallel trie and state roots equal the sequential ones. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_state.h"
#include "braid/braid_trie.h"
#include "test_util.h"

typedef struct pf_job {
    size_t n;
    void (*fn)(void *arg, size_t i, unsigned worker);
    void *arg;
    atomic_size_t next;
    atomic_uint worker;
} pf_job;

static void *pf_thread(void *p) {
    pf_job *job = p;
    unsigned w = atomic_fetch_add(&job->worker, 1);
    for (size_t i; (i = atomic_fetch_add(&job->next, 1)) < job->n;) job->fn(job->arg, i, w);
    return NULL;
}

static void pf_run(void *ctx, size_t n, void (*fn)(void *arg, size_t i, unsigned worker), void *arg) {
    (void)ctx;
    pf_job job = {.n = n, .fn = fn, .arg = arg};
    atomic_store(&job.next, 0);
    atomic_store(&job.worker, 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, pf_thread, &job);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
}

static const braid_parallel_for threads4 = {pf_run, NULL, 4};

static uint64_t rnd(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* n pairs of `key_len`-byte keys; with `dup`, a quarter repeat an earlier key (some as deletions);
 * with `one_nibble`, every key starts with the same nibble. */
static void compare(size_t n, size_t key_len, bool dup, bool one_nibble, uint64_t seed) {
    uint8_t *keys = braid_xmalloc(n * key_len + 1), *vals = braid_xmalloc(n * 8 + 1);
    braid_trie_kv *a = braid_xmalloc((n + 1) * sizeof *a), *b = braid_xmalloc((n + 1) * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        uint8_t *k = keys + i * key_len;
        for (size_t j = 0; j < key_len; j++) k[j] = (uint8_t)rnd(&seed);
        if (one_nibble) k[0] = (uint8_t)(0x50 | (k[0] & 0x0f));
        if (dup && i > 0 && rnd(&seed) % 4 == 0) memcpy(k, keys + (rnd(&seed) % i) * key_len, key_len);
        uint64_t v = rnd(&seed);
        memcpy(vals + 8 * i, &v, 8);
        size_t vlen = dup && rnd(&seed) % 8 == 0 ? 0 : 1 + v % 8;
        a[i] = b[i] = (braid_trie_kv){k, key_len, vals + 8 * i, vlen};
    }
    braid_hash ra, rb;
    braid_trie_root(a, n, &ra);
    braid_trie_root_parallel(b, n, &rb, &threads4);
    CHECKF(braid_hash_eq(&ra, &rb), "n=%zu key_len=%zu dup=%d one_nibble=%d", n, key_len, dup, one_nibble);
    free(keys);
    free(vals);
    free(a);
    free(b);
}

/* Ordered tries (transactions, receipts): rlp(i) keys, values of every size including large ones. */
static void compare_ordered(size_t n, uint64_t seed) {
    braid_buf *vals = braid_xcalloc(n + 1, sizeof *vals);
    for (size_t i = 0; i < n; i++) {
        size_t len = 1 + rnd(&seed) % (i % 97 == 0 ? 3000 : 120);
        uint8_t *p = braid_buf_extend(&vals[i], len);
        for (size_t k = 0; k < len; k++) p[k] = (uint8_t)rnd(&seed);
    }
    braid_hash a, b, c;
    braid_trie_root_ordered(vals, n, &a);
    braid_trie_root_ordered_parallel(vals, n, &b, &threads4);
    CHECKF(braid_hash_eq(&a, &b), "ordered trie of %zu values", n);
    braid_ordered_trie *t = braid_ordered_trie_create(n);
    for (size_t i = n; i-- > 0;) braid_ordered_trie_set(t, i, vals[i].data, vals[i].len); /* any order */
    braid_ordered_trie_root(t, &c);
    braid_ordered_trie_destroy(t);
    CHECKF(braid_hash_eq(&a, &c), "ordered trie of %zu values filled leaf by leaf", n);
    /* In index order, in batches of random size, hashing the branches as they complete. */
    t = braid_ordered_trie_create(n);
    for (size_t i = 0; i < n;) {
        size_t count = 1 + rnd(&seed) % 300;
        if (count > n - i) count = n - i;
        const uint8_t *v[300];
        size_t len[300];
        for (size_t k = 0; k < count; k++) {
            v[k] = vals[i + k].data;
            len[k] = vals[i + k].len;
        }
        braid_ordered_trie_set_many(t, i, count, v, len);
        i += count;
        braid_ordered_trie_advance(t, i);
    }
    braid_ordered_trie_root(t, &c);
    braid_ordered_trie_destroy(t);
    CHECKF(braid_hash_eq(&a, &c), "ordered trie of %zu values hashed as its leaves arrive", n);
    for (size_t i = 0; i < n; i++) braid_buf_free(&vals[i]);
    free(vals);
}

static void compare_state(size_t accounts, uint64_t seed) {
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *s = braid_state_create(codes, NULL);
    for (size_t i = 0; i < accounts; i++) {
        braid_address addr;
        for (int j = 0; j < 20; j++) addr.b[j] = (uint8_t)rnd(&seed);
        uint8_t code[4] = {0x60, (uint8_t)i, 0x00, (uint8_t)(i >> 8)};
        braid_state_put_account(s, &addr, rnd(&seed) % 5, braid_u256_from_u64(rnd(&seed)),
                                i % 3 ? braid_code_empty() : braid_code_cache_get(codes, code, sizeof code));
        for (size_t k = 0; k < i % 7; k++)
            braid_state_put_storage(s, &addr, braid_u256_from_u64(rnd(&seed) % 100), braid_u256_from_u64(rnd(&seed) % 3));
    }
    braid_hash one = braid_state_root(s), par = braid_state_root_parallel(s, &threads4);
    CHECKF(braid_hash_eq(&one, &par), "state of %zu accounts", accounts);
    braid_state_destroy(s);
    braid_code_cache_destroy(codes);
}

int main(void) {
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 100, 1000, 20000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        compare(sizes[i], 32, false, false, 1 + i);
        compare(sizes[i], 32, true, false, 100 + i);
        compare(sizes[i], 32, false, true, 200 + i);
        compare(sizes[i], 3, true, false, 300 + i); /* short keys: many shared prefixes */
    }
    compare(5000, 1, true, false, 7); /* one-byte keys: heavy duplication */
    static const size_t ordered[] = {0, 1, 2, 3, 16, 127, 128, 129, 255, 256, 300, 5000, 70000};
    for (size_t i = 0; i < sizeof ordered / sizeof ordered[0]; i++) compare_ordered(ordered[i], 500 + i);
    static const size_t states[] = {0, 1, 50, 65, 3000};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) compare_state(states[i], 400 + i);
    return test_summary("trie_parallel");
}
