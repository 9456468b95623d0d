/* One Keccak-f[1600] round over lanes held in 25 local variables, for any lane type T that supports
 * ^, &, ~, << and >>: plain uint64_t, or GCC vectors of them (several states side by side, see
 * keccak_many.c), with the constants and lane loads both use. Shared so that the scalar and the SIMD
 * permutations cannot drift apart. */
#ifndef BRAID_KECCAK_ROUND_H
#define BRAID_KECCAK_ROUND_H

#include <stdint.h>
#include <string.h>

/* Ethereum's keccak-256: rate 136 bytes (17 lanes), capacity 512 bits. */
#define RATE 136
#define RATE_LANES (RATE / 8)

static const uint64_t keccak_round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

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

#define ROL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* One round, reading lanes A<i> and writing lanes E<i> (i = x + 5y): two alternating sets of locals
 * stand in for a temporary array. Theta gives the column parities c and masks d; rho and pi send lane
 * (x, y), rotated, to (y, 2x + 3y); chi mixes each output row, built five lanes at a time in b0..b4 so
 * that few values are live at once; iota adds the round constant to lane 0. */
#define KECCAK_ROUND(T, A, E, rc)                                                                      \
    do {                                                                                            \
        T c0 = A##0 ^ A##5 ^ A##10 ^ A##15 ^ A##20, c1 = A##1 ^ A##6 ^ A##11 ^ A##16 ^ A##21; \
        T c2 = A##2 ^ A##7 ^ A##12 ^ A##17 ^ A##22, c3 = A##3 ^ A##8 ^ A##13 ^ A##18 ^ A##23; \
        T c4 = A##4 ^ A##9 ^ A##14 ^ A##19 ^ A##24;                                         \
        T d0 = c4 ^ ROL(c1, 1), d1 = c0 ^ ROL(c2, 1), d2 = c1 ^ ROL(c3, 1);                  \
        T d3 = c2 ^ ROL(c4, 1), d4 = c3 ^ ROL(c0, 1);                                        \
        T b0, b1, b2, b3, b4;                                                                \
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

#endif
