/* Deterministic keys and parallel signing for the benchmark's workloads. */
#include "keys.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <secp256k1.h>

#include "braid/braid_keccak.h"

braid_hash bench_derive(const char *tag, uint64_t seed, uint64_t index) {
    braid_keccak_ctx k;
    uint8_t be[16];
    for (int i = 0; i < 8; i++) {
        be[i] = (uint8_t)(seed >> (56 - 8 * i));
        be[8 + i] = (uint8_t)(index >> (56 - 8 * i));
    }
    braid_keccak_init(&k);
    braid_keccak_update(&k, (const uint8_t *)tag, strlen(tag));
    braid_keccak_update(&k, be, sizeof be);
    braid_hash h;
    braid_keccak_final(&k, h.b);
    return h;
}

braid_address bench_derive_address(const char *tag, uint64_t seed, uint64_t index) {
    braid_hash h = bench_derive(tag, seed, index);
    braid_address a;
    memcpy(a.b, h.b + 12, 20);
    return a;
}

/* Runs fn(ctx, lo, hi) over [0, n) split into one contiguous range per thread. */
typedef void (*range_fn)(void *ctx, size_t lo, size_t hi);

typedef struct range_job {
    range_fn fn;
    void *ctx;
    size_t lo, hi;
} range_job;

static void *range_main(void *arg) {
    range_job *j = arg;
    j->fn(j->ctx, j->lo, j->hi);
    return NULL;
}

static void parallel_ranges(size_t n, unsigned threads, range_fn fn, void *ctx) {
    if (threads == 0) threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads == 0) threads = 1;
    if (threads > 64) threads = 64;
    if ((size_t)threads > n / 64 + 1) threads = (unsigned)(n / 64 + 1); /* small jobs stay on one thread */
    range_job jobs[64];
    pthread_t tids[64];
    for (unsigned t = 0; t < threads; t++)
        jobs[t] = (range_job){fn, ctx, n * t / threads, n * (t + 1) / threads};
    unsigned started = 0;
    for (unsigned t = 1; t < threads; t++, started++)
        if (pthread_create(&tids[t], NULL, range_main, &jobs[t]) != 0) break;
    /* a thread that could not start has its range run here */
    range_main(&jobs[0]);
    for (unsigned t = started + 1; t < threads; t++)
        range_main(&jobs[t]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
}

/* Key derivation needs the generator tables of a context; one is made per call and only read. */
typedef struct derive_ctx {
    const secp256k1_context *secp;
    uint64_t seed;
    uint8_t (*keys)[32];
    braid_address *addrs;
} derive_ctx;

static void derive_range(void *arg, size_t lo, size_t hi) {
    derive_ctx *c = arg;
    for (size_t i = lo; i < hi; i++) {
        /* A hash is a valid key unless it is zero or not below the curve order (odds about 2^-128);
         * stepping the index past such values keeps the stream deterministic. */
        braid_hash h;
        for (uint64_t attempt = 0;; attempt++) {
            h = bench_derive("braid-bench-key", c->seed, ((uint64_t)i << 8) | attempt);
            if (secp256k1_ec_seckey_verify(c->secp, h.b)) break;
        }
        memcpy(c->keys[i], h.b, 32);
        secp256k1_pubkey pub;
        uint8_t ser[65];
        size_t len = sizeof ser;
        if (!secp256k1_ec_pubkey_create(c->secp, &pub, h.b) ||
            !secp256k1_ec_pubkey_serialize(c->secp, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED))
            abort(); /* cannot happen for a verified key */
        braid_hash ph = braid_keccak256_hash(ser + 1, 64);
        memcpy(c->addrs[i].b, ph.b + 12, 20);
    }
}

void bench_derive_senders(uint64_t seed, size_t n, unsigned threads, uint8_t (*keys)[32],
                          braid_address *addrs) {
#ifdef SECP256K1_CONTEXT_NONE
    secp256k1_context *secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
#else
    secp256k1_context *secp = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
#endif
    if (!secp) abort();
    derive_ctx c = {secp, seed, keys, addrs};
    parallel_ranges(n, threads, derive_range, &c);
    secp256k1_context_destroy(secp);
}

typedef struct sign_ctx {
    braid_signed_tx *txs;
    const uint8_t (*keys)[32];
    const braid_address *addrs;
    size_t failed; /* the lowest failing index, SIZE_MAX when none */
    char err[200];
    pthread_mutex_t lock;
} sign_ctx;

static void sign_range(void *arg, size_t lo, size_t hi) {
    sign_ctx *c = arg;
    for (size_t i = lo; i < hi; i++) {
        char err[160] = "";
        int rc = braid_signed_tx_sign(&c->txs[i], c->keys[i], err, sizeof err);
        if (rc == 0 && !braid_address_eq(&c->txs[i].tx.sender, &c->addrs[i])) {
            snprintf(err, sizeof err, "the signer is not the sender's derived address");
            rc = -1;
        }
        if (rc != 0) {
            pthread_mutex_lock(&c->lock);
            if (i < c->failed) {
                c->failed = i;
                snprintf(c->err, sizeof c->err, "transaction %zu: %s", i, err);
            }
            pthread_mutex_unlock(&c->lock);
            return;
        }
    }
}

int bench_sign_all(braid_signed_tx *txs, size_t n, const uint8_t (*keys)[32], const braid_address *addrs,
                   unsigned threads, char *err, size_t err_len) {
    sign_ctx c = {.txs = txs, .keys = keys, .addrs = addrs, .failed = SIZE_MAX};
    pthread_mutex_init(&c.lock, NULL);
    parallel_ranges(n, threads, sign_range, &c);
    pthread_mutex_destroy(&c.lock);
    if (c.failed == SIZE_MAX) return 0;
    snprintf(err, err_len, "signing: %s", c.err);
    return -1;
}
