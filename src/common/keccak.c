/* Keccak-f[1600] and Ethereum's keccak-256 (rate 136 bytes, capacity 512 bits, padding byte 0x01).
 *
 * Hashing dominates trie roots, CREATE2 and SHA3, so the permutation keeps the 25 lanes in local
 * variables and expands each round from one macro: the compiler can then keep the state in registers
 * (or at worst fixed stack slots) instead of indexing arrays in loops over x and y. */
#include "braid/braid_keccak.h"

#include <string.h>

#include "keccak_round.h"

static inline __attribute__((always_inline)) void permute(uint64_t s[25]) {
    uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4];
    uint64_t a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9];
    uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
    uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
    uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    uint64_t e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12;
    uint64_t e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
    for (int i = 0; i < 24; i += 2) {
        KECCAK_ROUND(uint64_t, a, e, keccak_round_constants[i]);
        KECCAK_ROUND(uint64_t, e, a, keccak_round_constants[i + 1]);
    }
    s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3, s[4] = a4;
    s[5] = a5, s[6] = a6, s[7] = a7, s[8] = a8, s[9] = a9;
    s[10] = a10, s[11] = a11, s[12] = a12, s[13] = a13, s[14] = a14;
    s[15] = a15, s[16] = a16, s[17] = a17, s[18] = a18, s[19] = a19;
    s[20] = a20, s[21] = a21, s[22] = a22, s[23] = a23, s[24] = a24;
}

/* Chi's ~b & c is one ANDN instruction with BMI1 and the rotations are RORX with BMI2: about a
 * quarter faster on x86-64, where the baseline target has neither, so the permutation is compiled
 * twice and the CPU picks. */
static void permute_portable(uint64_t s[25]) { permute(s); }

#if defined(__x86_64__)
__attribute__((target("bmi,bmi2,tune=haswell"))) static void permute_bmi(uint64_t s[25]) { permute(s); }
#endif

static void keccak_f1600(uint64_t s[25]) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2")) {
        permute_bmi(s);
        return;
    }
#endif
    permute_portable(s);
}

static inline void absorb_block(uint64_t s[25], const uint8_t *block) {
    for (int i = 0; i < RATE_LANES; i++) s[i] ^= load_le64(block + 8 * i);
    keccak_f1600(s);
}

static inline void squeeze_256(const uint64_t s[25], uint8_t out[32]) {
    for (int i = 0; i < 4; i++) store_le64(out + 8 * i, s[i]);
}

void braid_keccak256(const uint8_t *data, size_t len, uint8_t out[32]) {
    uint64_t s[25] = {0};
    while (len >= RATE) {
        absorb_block(s, data);
        data += RATE;
        len -= RATE;
    }
    /* The tail (possibly empty) plus padding always fits one block: len <= 135 leaves room for both
     * the 0x01 and the final 0x80, which share a byte when len == 135. */
    uint8_t last[RATE] = {0};
    if (len) memcpy(last, data, len);
    last[len] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb_block(s, last);
    squeeze_256(s, out);
}

void braid_keccak_init(braid_keccak_ctx *ctx) {
    memset(ctx->state, 0, sizeof ctx->state);
    ctx->pos = 0;
}

/* XORs one byte into the state at byte offset `pos` of the rate. */
static inline void xor_byte(uint64_t s[25], size_t pos, uint8_t byte) {
    s[pos / 8] ^= (uint64_t)byte << (8 * (pos % 8));
}

void braid_keccak_update(braid_keccak_ctx *ctx, const uint8_t *data, size_t len) {
    /* Finish a partly filled block byte by byte, then take whole blocks straight from the input. */
    while (len && ctx->pos) {
        xor_byte(ctx->state, ctx->pos++, *data++);
        len--;
        if (ctx->pos == RATE) {
            keccak_f1600(ctx->state);
            ctx->pos = 0;
        }
    }
    while (len >= RATE) {
        absorb_block(ctx->state, data);
        data += RATE;
        len -= RATE;
    }
    while (len) {
        xor_byte(ctx->state, ctx->pos++, *data++);
        len--;
    }
}

void braid_keccak_final(braid_keccak_ctx *ctx, uint8_t out[32]) {
    xor_byte(ctx->state, ctx->pos, 0x01);
    xor_byte(ctx->state, RATE - 1, 0x80);
    keccak_f1600(ctx->state);
    squeeze_256(ctx->state, out);
    braid_keccak_init(ctx); /* the context may be reused for a new message */
}
