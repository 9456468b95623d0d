/* Keccak-f[1600] and Ethereum's keccak-256 (rate 136 bytes, capacity 512 bits, padding byte 0x01).
 *
 * Hashing dominates trie roots, CREATE2 and SHA3, so the permutation keeps the 25 lanes in local
 * variables and expands each round from one macro: the compiler can then keep the state in registers
 * (or at worst fixed stack slots) instead of indexing arrays in loops over x and y. */
#include "braid/braid_keccak.h"

#include <string.h>

#define RATE 136
#define RATE_LANES (RATE / 8)

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define ROL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* One round, reading lanes A<i> and writing lanes E<i> (i = x + 5y): two alternating sets of locals
 * stand in for a temporary array. Theta gives the column parities c and masks d; rho and pi send lane
 * (x, y), rotated, to (y, 2x + 3y); chi mixes each output row, built five lanes at a time in b0..b4 so
 * that few values are live at once; iota adds the round constant to lane 0. */
#define KECCAK_ROUND(A, E, rc)                                                                      \
    do {                                                                                            \
        uint64_t c0 = A##0 ^ A##5 ^ A##10 ^ A##15 ^ A##20, c1 = A##1 ^ A##6 ^ A##11 ^ A##16 ^ A##21; \
        uint64_t c2 = A##2 ^ A##7 ^ A##12 ^ A##17 ^ A##22, c3 = A##3 ^ A##8 ^ A##13 ^ A##18 ^ A##23; \
        uint64_t c4 = A##4 ^ A##9 ^ A##14 ^ A##19 ^ A##24;                                         \
        uint64_t d0 = c4 ^ ROL(c1, 1), d1 = c0 ^ ROL(c2, 1), d2 = c1 ^ ROL(c3, 1);                  \
        uint64_t d3 = c2 ^ ROL(c4, 1), d4 = c3 ^ ROL(c0, 1);                                        \
        uint64_t b0, b1, b2, b3, b4;                                                                \
        b0 = A##0 ^ d0, b1 = ROL(A##6 ^ d1, 44), b2 = ROL(A##12 ^ d2, 43);                          \
        b3 = ROL(A##18 ^ d3, 21), b4 = ROL(A##24 ^ d4, 14);                                         \
        E##0 = b0 ^ (~b1 & b2) ^ (rc), E##1 = b1 ^ (~b2 & b3), E##2 = b2 ^ (~b3 & b4);              \
        E##3 = b3 ^ (~b4 & b0), E##4 = b4 ^ (~b0 & b1);                                             \
        b0 = ROL(A##3 ^ d3, 28), b1 = ROL(A##9 ^ d4, 20), b2 = ROL(A##10 ^ d0, 3);                  \
        b3 = ROL(A##16 ^ d1, 45), b4 = ROL(A##22 ^ d2, 61);                                         \
        E##5 = b0 ^ (~b1 & b2), E##6 = b1 ^ (~b2 & b3), E##7 = b2 ^ (~b3 & b4);                     \
        E##8 = b3 ^ (~b4 & b0), E##9 = b4 ^ (~b0 & b1);                                             \
        b0 = ROL(A##1 ^ d1, 1), b1 = ROL(A##7 ^ d2, 6), b2 = ROL(A##13 ^ d3, 25);                   \
        b3 = ROL(A##19 ^ d4, 8), b4 = ROL(A##20 ^ d0, 18);                                          \
        E##10 = b0 ^ (~b1 & b2), E##11 = b1 ^ (~b2 & b3), E##12 = b2 ^ (~b3 & b4);                  \
        E##13 = b3 ^ (~b4 & b0), E##14 = b4 ^ (~b0 & b1);                                           \
        b0 = ROL(A##4 ^ d4, 27), b1 = ROL(A##5 ^ d0, 36), b2 = ROL(A##11 ^ d1, 10);                 \
        b3 = ROL(A##17 ^ d2, 15), b4 = ROL(A##23 ^ d3, 56);                                         \
        E##15 = b0 ^ (~b1 & b2), E##16 = b1 ^ (~b2 & b3), E##17 = b2 ^ (~b3 & b4);                  \
        E##18 = b3 ^ (~b4 & b0), E##19 = b4 ^ (~b0 & b1);                                           \
        b0 = ROL(A##2 ^ d2, 62), b1 = ROL(A##8 ^ d3, 55), b2 = ROL(A##14 ^ d4, 39);                 \
        b3 = ROL(A##15 ^ d0, 41), b4 = ROL(A##21 ^ d1, 2);                                          \
        E##20 = b0 ^ (~b1 & b2), E##21 = b1 ^ (~b2 & b3), E##22 = b2 ^ (~b3 & b4);                  \
        E##23 = b3 ^ (~b4 & b0), E##24 = b4 ^ (~b0 & b1);                                           \
    } while (0)

static inline __attribute__((always_inline)) void permute(uint64_t s[25]) {
    uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4];
    uint64_t a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9];
    uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
    uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
    uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    uint64_t e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12;
    uint64_t e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
    for (int i = 0; i < 24; i += 2) {
        KECCAK_ROUND(a, e, round_constants[i]);
        KECCAK_ROUND(e, a, round_constants[i + 1]);
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

/* Keccak numbers bytes little-endian within a lane, whatever the host order. */
static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store_le64(uint8_t *p, uint64_t v) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
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
