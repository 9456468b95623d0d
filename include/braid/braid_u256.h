/* 256-bit unsigned integers on four 64-bit limbs, least significant limb first (w[0]).
 * Signed operations read the same bits as two's complement.
 *
 * Cheap operations are inline and take/return values (the compiler keeps them in registers); the
 * heavier ones live in src/common/u256.c and take pointers: `r` is the output and may alias any input.
 * Division by zero yields zero, as the EVM defines it.
 *
 * Thread contract: pure functions. */
#ifndef BRAID_U256_H
#define BRAID_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct braid_u256 {
    uint64_t w[4];
} braid_u256;

#define BRAID_U256_ZERO ((braid_u256){{0, 0, 0, 0}})

static inline braid_u256 braid_u256_from_u64(uint64_t v) { return (braid_u256){{v, 0, 0, 0}}; }

static inline bool braid_u256_is_zero(braid_u256 a) { return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0; }

/* True when the value fits in 64 bits. */
static inline bool braid_u256_fits_u64(braid_u256 a) { return (a.w[1] | a.w[2] | a.w[3]) == 0; }

static inline bool braid_u256_eq(braid_u256 a, braid_u256 b) {
    return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
}

static inline bool braid_u256_lt(braid_u256 a, braid_u256 b) {
    /* Subtract with borrow: the final borrow is a < b. */
    unsigned __int128 t = (unsigned __int128)a.w[0] - b.w[0];
    uint64_t borrow = (uint64_t)(t >> 64) & 1;
    t = (unsigned __int128)a.w[1] - b.w[1] - borrow;
    borrow = (uint64_t)(t >> 64) & 1;
    t = (unsigned __int128)a.w[2] - b.w[2] - borrow;
    borrow = (uint64_t)(t >> 64) & 1;
    t = (unsigned __int128)a.w[3] - b.w[3] - borrow;
    return (uint64_t)(t >> 64) & 1;
}
static inline bool braid_u256_gt(braid_u256 a, braid_u256 b) { return braid_u256_lt(b, a); }

static inline bool braid_u256_slt(braid_u256 a, braid_u256 b) {
    bool an = a.w[3] >> 63, bn = b.w[3] >> 63;
    if (an != bn) return an;
    return braid_u256_lt(a, b);
}
static inline bool braid_u256_sgt(braid_u256 a, braid_u256 b) { return braid_u256_slt(b, a); }

/* Carry-chain steps for add/sub. clang and GCC >= 14 have __builtin_addcll/__builtin_subcll; GCC 12 lacks
 * them, and on x86-64 its ia32 carry builtins compile to the same adc/sbb chains. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_addcll) && __has_builtin(__builtin_subcll)
#define BRAID_U256_HAVE_ADDC_BUILTINS 1
#endif
#endif

static inline unsigned long long braid_u256_addc_(unsigned long long a, unsigned long long b, unsigned long long carry_in,
                                                  unsigned long long *carry_out) {
#if defined(BRAID_U256_HAVE_ADDC_BUILTINS)
    return __builtin_addcll(a, b, carry_in, carry_out);
#elif defined(__x86_64__)
    unsigned long long s;
    *carry_out = __builtin_ia32_addcarryx_u64((unsigned char)carry_in, a, b, &s);
    return s;
#else
    unsigned long long s = a + b, c = s < a;
    s += carry_in;
    *carry_out = c | (s < carry_in);
    return s;
#endif
}

static inline unsigned long long braid_u256_subc_(unsigned long long a, unsigned long long b, unsigned long long borrow_in,
                                                  unsigned long long *borrow_out) {
#if defined(BRAID_U256_HAVE_ADDC_BUILTINS)
    return __builtin_subcll(a, b, borrow_in, borrow_out);
#elif defined(__x86_64__)
    unsigned long long d;
    *borrow_out = __builtin_ia32_sbb_u64((unsigned char)borrow_in, a, b, &d);
    return d;
#else
    unsigned long long d = a - b, c = a < b;
    *borrow_out = c | (d < borrow_in);
    return d - borrow_in;
#endif
}

static inline braid_u256 braid_u256_add(braid_u256 a, braid_u256 b) {
    braid_u256 r;
    unsigned long long c;
    r.w[0] = braid_u256_addc_(a.w[0], b.w[0], 0, &c);
    r.w[1] = braid_u256_addc_(a.w[1], b.w[1], c, &c);
    r.w[2] = braid_u256_addc_(a.w[2], b.w[2], c, &c);
    r.w[3] = a.w[3] + b.w[3] + c;
    return r;
}

/* Adds and reports the carry out of bit 255 (for balance overflow checks). */
static inline braid_u256 braid_u256_add_carry(braid_u256 a, braid_u256 b, bool *carry) {
    braid_u256 r;
    unsigned long long c;
    r.w[0] = braid_u256_addc_(a.w[0], b.w[0], 0, &c);
    r.w[1] = braid_u256_addc_(a.w[1], b.w[1], c, &c);
    r.w[2] = braid_u256_addc_(a.w[2], b.w[2], c, &c);
    r.w[3] = braid_u256_addc_(a.w[3], b.w[3], c, &c);
    *carry = c != 0;
    return r;
}

static inline braid_u256 braid_u256_sub(braid_u256 a, braid_u256 b) {
    braid_u256 r;
    unsigned long long c;
    r.w[0] = braid_u256_subc_(a.w[0], b.w[0], 0, &c);
    r.w[1] = braid_u256_subc_(a.w[1], b.w[1], c, &c);
    r.w[2] = braid_u256_subc_(a.w[2], b.w[2], c, &c);
    r.w[3] = a.w[3] - b.w[3] - c;
    return r;
}

static inline braid_u256 braid_u256_and(braid_u256 a, braid_u256 b) {
    return (braid_u256){{a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]}};
}
static inline braid_u256 braid_u256_or(braid_u256 a, braid_u256 b) {
    return (braid_u256){{a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]}};
}
static inline braid_u256 braid_u256_xor(braid_u256 a, braid_u256 b) {
    return (braid_u256){{a.w[0] ^ b.w[0], a.w[1] ^ b.w[1], a.w[2] ^ b.w[2], a.w[3] ^ b.w[3]}};
}
static inline braid_u256 braid_u256_not(braid_u256 a) { return (braid_u256){{~a.w[0], ~a.w[1], ~a.w[2], ~a.w[3]}}; }

/* Big-endian 32-byte conversion (EVM memory and storage order). */
static inline braid_u256 braid_u256_from_be(const uint8_t b[32]) {
    braid_u256 r;
    for (int i = 0; i < 4; i++) {
        uint64_t v;
        __builtin_memcpy(&v, b + 8 * (3 - i), 8);
        r.w[i] = __builtin_bswap64(v);
    }
    return r;
}
static inline void braid_u256_to_be(braid_u256 a, uint8_t out[32]) {
    for (int i = 0; i < 4; i++) {
        uint64_t v = __builtin_bswap64(a.w[i]);
        __builtin_memcpy(out + 8 * (3 - i), &v, 8);
    }
}

/* Big-endian bytes of any length up to 32, right-aligned (used by PUSHn and RLP). */
braid_u256 braid_u256_from_be_n(const uint8_t *b, size_t n);

/* Number of significant bytes (0 for zero); EXP gas and RLP use it. */
unsigned braid_u256_byte_len(braid_u256 a);
/* Number of significant bits (0 for zero). */
unsigned braid_u256_bit_len(braid_u256 a);

/* Arithmetic with EVM semantics (all modulo 2^256; x/0 = 0, x%0 = 0). */
/* MUL is inline (unlike its neighbours): out of line it measured about 25% slower (1 ns a call) in
 * an interpreter-style loop, the call and register saves being a large share of ten multiplies. */
static inline void braid_u256_mul(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) {
    const uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
    const uint64_t b0 = b->w[0], b1 = b->w[1], b2 = b->w[2], b3 = b->w[3];
    /* Schoolbook, dropping every partial product at or above 2^256; the top limb needs only low halves. */
    unsigned __int128 t = (unsigned __int128)a0 * b0;
    uint64_t r0 = (uint64_t)t;
    t = (unsigned __int128)a1 * b0 + (uint64_t)(t >> 64);
    uint64_t r1 = (uint64_t)t;
    t = (unsigned __int128)a2 * b0 + (uint64_t)(t >> 64);
    uint64_t r2 = (uint64_t)t;
    uint64_t r3 = a3 * b0 + (uint64_t)(t >> 64);

    t = (unsigned __int128)a0 * b1 + r1;
    r1 = (uint64_t)t;
    t = (unsigned __int128)a1 * b1 + r2 + (uint64_t)(t >> 64);
    r2 = (uint64_t)t;
    r3 += a2 * b1 + (uint64_t)(t >> 64);

    t = (unsigned __int128)a0 * b2 + r2;
    r2 = (uint64_t)t;
    r3 += a1 * b2 + (uint64_t)(t >> 64) + a0 * b3;

    *r = (braid_u256){{r0, r1, r2, r3}};
}
void braid_u256_div(braid_u256 *r, const braid_u256 *a, const braid_u256 *b);
void braid_u256_mod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b);
void braid_u256_sdiv(braid_u256 *r, const braid_u256 *a, const braid_u256 *b);
void braid_u256_smod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b);
/* (a + b) mod m and (a * b) mod m computed without overflow (512-bit intermediate); m = 0 gives 0. */
void braid_u256_addmod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b, const braid_u256 *m);
void braid_u256_mulmod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b, const braid_u256 *m);
/* base ** exponent mod 2^256. */
void braid_u256_exp(braid_u256 *r, const braid_u256 *base, const braid_u256 *exponent);
/* SIGNEXTEND: extends the sign of byte `byte_index` (0 = least significant) of x; index >= 31 is a no-op. */
void braid_u256_signextend(braid_u256 *r, const braid_u256 *byte_index, const braid_u256 *x);
/* BYTE: the i-th byte of x counting from the most significant (i >= 32 gives 0). */
void braid_u256_byte(braid_u256 *r, const braid_u256 *i, const braid_u256 *x);
/* SHL/SHR/SAR by `shift` (shift >= 256 gives 0, or all ones for a negative SAR). */
void braid_u256_shl(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x);
void braid_u256_shr(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x);
void braid_u256_sar(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x);

/* Decimal/hex text: parses "0x..." hex (up to 64 digits) or a decimal string; returns 0 or -1 if the
 * text is malformed or the value does not fit. */
int braid_u256_from_string(const char *s, braid_u256 *out);

#endif
