/* secp256k1 key recovery and the ecrecover precompile (0x01). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "braid/braid_keccak.h"
#include "braid/braid_precompile.h"
#include "braid/braid_secp256k1.h"

/* The curve order n, big-endian. */
static const uint8_t secp256k1_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

/* Recovery needs no secret-key tables, so one context built once serves every thread: libsecp256k1
 * only reads it after creation. */
static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_create(void) {
#ifdef SECP256K1_CONTEXT_NONE
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
#else
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
#endif
    if (!ctx) abort();
}

static int is_zero(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/* 1 <= x <= n-1. libsecp256k1 rejects both ends too, but the rule is consensus, so it is stated here
 * rather than inherited from library behaviour. */
static int in_scalar_range(const uint8_t x[32]) {
    return !is_zero(x, 32) && memcmp(x, secp256k1_order, 32) < 0;
}

int braid_secp256k1_recover(const uint8_t hash[32], const uint8_t r[32], const uint8_t s[32], int recid,
                            uint8_t pubkey64_out[64]) {
    if (recid < 0 || recid > 3 || !in_scalar_range(r) || !in_scalar_range(s)) return -1;
    pthread_once(&ctx_once, ctx_create);

    uint8_t rs[64];
    memcpy(rs, r, 32);
    memcpy(rs + 32, s, 32);
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, rs, recid)) return -1;
    secp256k1_pubkey pub;
    if (!secp256k1_ecdsa_recover(ctx, &pub, &sig, hash)) return -1;

    uint8_t ser[65];
    size_t ser_len = sizeof ser;
    if (!secp256k1_ec_pubkey_serialize(ctx, ser, &ser_len, &pub, SECP256K1_EC_UNCOMPRESSED)) return -1;
    memcpy(pubkey64_out, ser + 1, 64); /* drop the 0x04 tag */
    return 0;
}

uint64_t braid_pc_ecrecover_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return 3000;
}

int braid_pc_ecrecover_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    /* hash(32) | v(32) | r(32) | s(32), zero-extended; extra bytes are ignored. */
    uint8_t buf[128] = {0};
    if (len) memcpy(buf, in, len < sizeof buf ? len : sizeof buf);

    const uint8_t *hash = buf, *v = buf + 32, *r = buf + 64, *s = buf + 96;
    /* v is a full 256-bit word: 27 or 28, nothing else. Every failure is a successful call with empty
     * output, not an exceptional halt. */
    if (!is_zero(v, 31) || (v[31] != 27 && v[31] != 28)) return 0;

    uint8_t pub[64];
    if (braid_secp256k1_recover(hash, r, s, v[31] - 27, pub) != 0) return 0;

    uint8_t digest[32];
    braid_keccak256(pub, sizeof pub, digest);
    uint8_t *o = braid_buf_extend(out, 32);
    memset(o, 0, 12);
    memcpy(o + 12, digest + 12, 20);
    return 0;
}
