/* The code cache: jump-destination analysis, deduplication by code hash, and concurrent use. */
#include <pthread.h>

#include "braid/braid_keccak.h"
#include "braid/braid_state.h"
#include "test_util.h"

static void test_jumpdests(braid_code_cache *c) {
    /* JUMPDEST, PUSH1 0x5b (data, not a destination), JUMPDEST, PUSH32 with 0x5b bytes, JUMPDEST */
    uint8_t code[1 + 2 + 1 + 33 + 1];
    size_t n = 0;
    code[n++] = 0x5b;
    code[n++] = 0x60;
    code[n++] = 0x5b;
    code[n++] = 0x5b;
    code[n++] = 0x7f;
    for (int i = 0; i < 32; i++) code[n++] = 0x5b;
    code[n++] = 0x5b;
    const braid_code *k = braid_code_cache_get(c, code, n);
    CHECK(k->len == n);
    CHECK(braid_code_is_jumpdest(k, 0));
    CHECK(!braid_code_is_jumpdest(k, 1));
    CHECK(!braid_code_is_jumpdest(k, 2)); /* PUSH1 data */
    CHECK(braid_code_is_jumpdest(k, 3));
    for (size_t i = 5; i < 37; i++) CHECKF(!braid_code_is_jumpdest(k, i), "push data at %zu", i);
    CHECK(braid_code_is_jumpdest(k, 37));
    CHECK(!braid_code_is_jumpdest(k, 38)); /* past the end */
    CHECK(!braid_code_is_jumpdest(k, UINT64_MAX));
    /* the padding after the code is zero (STOP) so PUSH data and the final opcode read safely */
    int zero = 1;
    for (int i = 0; i < BRAID_CODE_PADDING; i++) zero &= k->bytes[n + i] == 0;
    CHECK(zero);

    /* code ending inside a PUSH: the missing immediate bytes are not destinations either */
    const uint8_t truncated[] = {0x5b, 0x62, 0x5b};
    const braid_code *t = braid_code_cache_get(c, truncated, sizeof truncated);
    CHECK(braid_code_is_jumpdest(t, 0));
    CHECK(!braid_code_is_jumpdest(t, 2));

    /* a long code crossing several bitmap words */
    uint8_t big[300];
    for (size_t i = 0; i < sizeof big; i++) big[i] = i % 3 == 0 ? 0x5b : 0x00;
    const braid_code *b = braid_code_cache_get(c, big, sizeof big);
    int ok = 1;
    for (size_t i = 0; i < sizeof big; i++) ok &= braid_code_is_jumpdest(b, i) == (i % 3 == 0);
    CHECK(ok);
}

static void test_dedup(braid_code_cache *c) {
    const uint8_t a[] = {0x60, 0x01, 0x00}, b[] = {0x60, 0x02, 0x00};
    const braid_code *x = braid_code_cache_get(c, a, sizeof a);
    const braid_code *y = braid_code_cache_get(c, a, sizeof a);
    const braid_code *z = braid_code_cache_get(c, b, sizeof b);
    CHECK(x == y);
    CHECK(x != z);
    CHECK(memcmp(x->bytes, a, sizeof a) == 0);
    braid_hash h;
    braid_keccak256(a, sizeof a, h.b);
    CHECK(braid_hash_eq(&x->hash, &h));
    CHECK(braid_code_cache_get_hashed(c, &h, a, sizeof a) == x);

    const braid_code *e = braid_code_cache_get(c, NULL, 0);
    CHECK(e == braid_code_empty());
    CHECK(braid_hash_eq(&e->hash, &BRAID_EMPTY_CODE_HASH));
    /* keccak256("") as published */
    static const uint8_t empty_hash[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                           0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                           0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
    CHECK_MEM(BRAID_EMPTY_CODE_HASH.b, empty_hash, 32);

    /* growth: many distinct codes, all still found afterwards */
    const braid_code *first = NULL;
    int stable = 1;
    for (uint32_t i = 0; i < 5000; i++) {
        uint8_t code[5] = {0x63, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        const braid_code *k = braid_code_cache_get(c, code, sizeof code);
        if (i == 0) first = k;
        stable &= k->len == 5 && memcmp(k->bytes, code, 5) == 0;
    }
    uint8_t code0[5] = {0x63, 0, 0, 0, 0};
    CHECK(stable);
    CHECK(braid_code_cache_get(c, code0, 5) == first);
}

typedef struct {
    braid_code_cache *cache;
    const braid_code *seen[256];
} thread_arg;

static void *insert_many(void *p) {
    thread_arg *a = p;
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < 256; i++) {
            uint8_t code[3] = {0x61, (uint8_t)i, 0x5b};
            a->seen[i] = braid_code_cache_get(a->cache, code, sizeof code);
        }
    return NULL;
}

/* Threads inserting the same codes at once must end up sharing one object per code. */
static void test_threads(void) {
    braid_code_cache *c = braid_code_cache_create();
    thread_arg args[4];
    pthread_t th[4];
    for (int t = 0; t < 4; t++) {
        args[t].cache = c;
        pthread_create(&th[t], NULL, insert_many, &args[t]);
    }
    for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
    int same = 1;
    for (int i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++) same &= args[t].seen[i] == args[0].seen[i];
    CHECK(same);
    braid_code_cache_destroy(c);
}

int main(void) {
    braid_code_cache *c = braid_code_cache_create();
    test_jumpdests(c);
    test_dedup(c);
    braid_code_cache_destroy(c);
    test_threads();
    return test_summary("code_cache");
}
