/* The hashing precompiles sha256 (0x02) and ripemd160 (0x03), and identity (0x04). All three are priced
 * base + per_word * ceil(len / 32). */
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "braid/braid_precompile.h"

static uint64_t word_priced(size_t len, uint64_t base, uint64_t per_word) {
    /* No (len + 31) / 32: len near SIZE_MAX would wrap. */
    uint64_t words = (uint64_t)(len / 32) + (len % 32 != 0);
    uint64_t cost;
    if (__builtin_mul_overflow(words, per_word, &cost) || __builtin_add_overflow(cost, base, &cost))
        return UINT64_MAX;
    return cost;
}

uint64_t braid_pc_sha256_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return word_priced(len, 60, 12);
}

int braid_pc_sha256_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    static const uint8_t empty[1];
    /* SHA256() is OpenSSL's one-shot interface, not deprecated in 3.x (unlike SHA256_Init). */
    SHA256(len ? in : empty, len, braid_buf_extend(out, 32));
    return 0;
}

/* OpenSSL 3 deprecates the low-level RIPEMD160() and serves the digest from a provider; fetching it is
 * costly and takes locks, so it is done once. The fetched method is immutable and shared by all threads. */
static EVP_MD *ripemd_md;
static pthread_once_t ripemd_once = PTHREAD_ONCE_INIT;

static void ripemd_fetch(void) {
    ripemd_md = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
    if (!ripemd_md) {
        /* A consensus rule cannot be skipped: a libcrypto without RIPEMD-160 (OpenSSL 3.0 before 3.0.7
         * keeps it in the legacy provider only) is an unusable build environment. */
        fprintf(stderr, "braid: libcrypto provides no RIPEMD160 digest\n");
        abort();
    }
}

uint64_t braid_pc_ripemd160_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return word_priced(len, 600, 120);
}

int braid_pc_ripemd160_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    pthread_once(&ripemd_once, ripemd_fetch);
    static const uint8_t empty[1];
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned digest_len = 0;
    if (!EVP_Digest(len ? in : empty, len, digest, &digest_len, ripemd_md, NULL) || digest_len != 20)
        abort(); /* only allocation failure inside OpenSSL gets here */
    uint8_t *o = braid_buf_extend(out, 32);
    memset(o, 0, 12);
    memcpy(o + 12, digest, 20);
    return 0;
}

uint64_t braid_pc_identity_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return word_priced(len, 15, 3);
}

int braid_pc_identity_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    braid_buf_append(out, in, len);
    return 0;
}
