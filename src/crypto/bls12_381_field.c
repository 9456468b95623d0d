/* BLS12-381 base field Fp, its quadratic extension Fp2 = Fp[u]/(u^2 + 1), and the scalar field bound r.
 *
 * Fp elements are six 64-bit limbs in Montgomery form with R = 2^384, multiplied by CIOS (coarsely
 * integrated operand scanning) on unsigned __int128. p < 2^381 leaves three spare bits in the top limb,
 * so sums of two reduced values never overflow six limbs and one conditional subtraction reduces them. */
#include <string.h>

#include "crypto/bls12_381.h"

typedef unsigned __int128 u128;

static const uint64_t P[6] = {0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                              0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};
/* -p^-1 mod 2^64 */
static const uint64_t PINV = 0x89f3fffcfffcfffdULL;
/* R^2 mod p, to enter Montgomery form with one multiplication. */
static const braid_bls_fp R2 = {{0xf4df1f341c341746ULL, 0x0a76e6a609d104f1ULL, 0x8de5476c4c95b6d5ULL,
                                 0x67eb88a9939d83c0ULL, 0x9a793e85b519952dULL, 0x11988fe592cae3aaULL}};
/* R mod p: the Montgomery form of 1. */
const braid_bls_fp braid_bls_fp_one_v = {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
                                          0x77ce585370525745ULL, 0x5c071a97a256ec6dULL,
                                          0x15f65ec3fa80e493ULL}};
/* Exponents: p - 2 (Fermat inversion), (p + 1) / 4 (square root, as p = 3 mod 4), and (p - 1) / 2
 * (the sign threshold of the ZCash encoding, compared against canonical values). */
static const uint64_t P_MINUS_2[6] = {0xb9feffffffffaaa9ULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                                      0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};
static const uint64_t P_PLUS_1_DIV_4[6] = {0xee7fbfffffffeaabULL, 0x07aaffffac54ffffULL,
                                           0xd9cc34a83dac3d89ULL, 0xd91dd2e13ce144afULL,
                                           0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};
static const uint64_t P_MINUS_1_DIV_2[6] = {0xdcff7fffffffd555ULL, 0x0f55ffff58a9ffffULL,
                                            0xb39869507b587b12ULL, 0xb23ba5c279c2895fULL,
                                            0x258dd3db21a5d66bULL, 0x0d0088f51cbff34dULL};
/* (p + 1) / 2 in Montgomery form: the inverse of 2. */
static const braid_bls_fp HALF = {{0x1804000000015554ULL, 0x855000053ab00001ULL, 0x633cb57c253c276fULL,
                                   0x6e22d1ec31ebb502ULL, 0xd3916126f2d14ca2ULL, 0x17fbb8571a006596ULL}};

const uint64_t braid_bls_r[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                 0x73eda753299d7d48ULL};

/* Compares little-endian limb strings of equal length. */
static int limbs_cmp(const uint64_t *a, const uint64_t *b, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

/* r = a - p when a >= p; a < 2p on entry. Branch-free, as the outcome is a coin flip on random data;
 * the loops are unrolled because GCC otherwise keeps them as loops over 128-bit temporaries. */
static inline void reduce_once(uint64_t r[6], const uint64_t a[6]) {
    uint64_t t[6], borrow = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t d, b1 = __builtin_sub_overflow(a[i], P[i], &d);
        borrow = b1 | __builtin_sub_overflow(d, borrow, &t[i]);
    }
    uint64_t keep_a = 0 - borrow;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++)
        r[i] = (a[i] & keep_a) | (t[i] & ~keep_a);
}

void braid_bls_fp_zero(braid_bls_fp *r) {
    memset(r, 0, sizeof *r);
}
void braid_bls_fp_one(braid_bls_fp *r) {
    *r = braid_bls_fp_one_v;
}

bool braid_bls_fp_is_zero(const braid_bls_fp *a) {
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0;
}

bool braid_bls_fp_eq(const braid_bls_fp *a, const braid_bls_fp *b) {
    return memcmp(a->l, b->l, sizeof a->l) == 0;
}

void braid_bls_fp_add(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b) {
    uint64_t t[6], carry = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t s, c1 = __builtin_add_overflow(a->l[i], b->l[i], &s);
        carry = c1 | __builtin_add_overflow(s, carry, &t[i]);
    }
    reduce_once(r->l, t); /* a + b < 2p < 2^384: no carry out of the top limb */
}

void braid_bls_fp_sub(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b) {
    uint64_t t[6], borrow = 0, carry = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t d, b1 = __builtin_sub_overflow(a->l[i], b->l[i], &d);
        borrow = b1 | __builtin_sub_overflow(d, borrow, &t[i]);
    }
    /* add back p & -borrow */
    uint64_t mask = 0 - borrow;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t s, c1 = __builtin_add_overflow(t[i], P[i] & mask, &s);
        carry = c1 | __builtin_add_overflow(s, carry, &r->l[i]);
    }
}

void braid_bls_fp_neg(braid_bls_fp *r, const braid_bls_fp *a) {
    braid_bls_fp z;
    braid_bls_fp_zero(&z);
    braid_bls_fp_sub(r, &z, a);
}

/* Montgomery multiplication a * b / R mod p (CIOS). Each outer round adds a * b[i], then the multiple of
 * p that clears the lowest limb, and shifts down by one limb. Because p's top limb is below 2^62 the
 * running total t stays under 2p < 2^384, so it fits six limbs with no carry word (the "no-carry"
 * refinement) and one conditional subtraction finishes. Fully unrolled: this is the hot spot. */
static void mont_mul(uint64_t r[6], const uint64_t a[6], const uint64_t b[6]) {
    uint64_t t[6] = {0};
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t c = 0, hi;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            u128 s = (u128)a[j] * b[i] + t[j] + c;
            t[j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        hi = c;

        uint64_t m = t[0] * PINV;
        c = (uint64_t)(((u128)m * P[0] + t[0]) >> 64);
#pragma GCC unroll 5
        for (int j = 1; j < 6; j++) {
            u128 s = (u128)m * P[j] + t[j] + c;
            t[j - 1] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        t[5] = c + hi;
    }
    reduce_once(r, t);
}

void braid_bls_fp_mul(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b) {
    mont_mul(r->l, a->l, b->l);
}

void braid_bls_fp_sqr(braid_bls_fp *r, const braid_bls_fp *a) {
    mont_mul(r->l, a->l, a->l);
}

/* a^e for a 384-bit exponent, left to right. */
static void fp_pow(braid_bls_fp *r, const braid_bls_fp *a, const uint64_t e[6]) {
    braid_bls_fp acc = braid_bls_fp_one_v, base = *a;
    for (int i = 383; i >= 0; i--) {
        braid_bls_fp_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) braid_bls_fp_mul(&acc, &acc, &base);
    }
    *r = acc;
}

void braid_bls_fp_inv(braid_bls_fp *r, const braid_bls_fp *a) {
    fp_pow(r, a, P_MINUS_2);
}

bool braid_bls_fp_sqrt(braid_bls_fp *r, const braid_bls_fp *a) {
    braid_bls_fp s, check;
    fp_pow(&s, a, P_PLUS_1_DIV_4);
    braid_bls_fp_sqr(&check, &s);
    if (!braid_bls_fp_eq(&check, a)) return false;
    *r = s;
    return true;
}

void braid_bls_fp_from_u64(braid_bls_fp *r, uint64_t v) {
    uint64_t t[6] = {v, 0, 0, 0, 0, 0};
    mont_mul(r->l, t, R2.l);
}

int braid_bls_fp_from_bytes(braid_bls_fp *r, const uint8_t in[48]) {
    uint64_t t[6];
    for (int i = 0; i < 6; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = w << 8 | in[(5 - i) * 8 + j];
        t[i] = w;
    }
    if (limbs_cmp(t, P, 6) >= 0) return -1;
    mont_mul(r->l, t, R2.l);
    return 0;
}

/* Leaves Montgomery form: a * 1 / R. */
static void fp_canonical(uint64_t out[6], const braid_bls_fp *a) {
    static const uint64_t one[6] = {1, 0, 0, 0, 0, 0};
    mont_mul(out, a->l, one);
}

void braid_bls_fp_to_bytes(uint8_t out[48], const braid_bls_fp *a) {
    uint64_t t[6];
    fp_canonical(t, a);
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 8; j++)
            out[(5 - i) * 8 + j] = (uint8_t)(t[i] >> (56 - 8 * j));
    }
}

bool braid_bls_fp_is_larger(const braid_bls_fp *a) {
    uint64_t t[6];
    fp_canonical(t, a);
    return limbs_cmp(t, P_MINUS_1_DIV_2, 6) > 0;
}

/* ---- Fp2 ---- */

void braid_bls_fp2_zero(braid_bls_fp2 *r) {
    memset(r, 0, sizeof *r);
}

void braid_bls_fp2_one(braid_bls_fp2 *r) {
    r->c0 = braid_bls_fp_one_v;
    braid_bls_fp_zero(&r->c1);
}

bool braid_bls_fp2_is_zero(const braid_bls_fp2 *a) {
    return braid_bls_fp_is_zero(&a->c0) && braid_bls_fp_is_zero(&a->c1);
}

bool braid_bls_fp2_eq(const braid_bls_fp2 *a, const braid_bls_fp2 *b) {
    return braid_bls_fp_eq(&a->c0, &b->c0) && braid_bls_fp_eq(&a->c1, &b->c1);
}

void braid_bls_fp2_add(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b) {
    braid_bls_fp_add(&r->c0, &a->c0, &b->c0);
    braid_bls_fp_add(&r->c1, &a->c1, &b->c1);
}

void braid_bls_fp2_sub(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b) {
    braid_bls_fp_sub(&r->c0, &a->c0, &b->c0);
    braid_bls_fp_sub(&r->c1, &a->c1, &b->c1);
}

void braid_bls_fp2_neg(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    braid_bls_fp_neg(&r->c0, &a->c0);
    braid_bls_fp_neg(&r->c1, &a->c1);
}

void braid_bls_fp2_conj(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    r->c0 = a->c0;
    braid_bls_fp_neg(&r->c1, &a->c1);
}

/* Karatsuba: three base multiplications instead of four. */
void braid_bls_fp2_mul(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b) {
    braid_bls_fp t0, t1, sa, sb;
    braid_bls_fp_mul(&t0, &a->c0, &b->c0);
    braid_bls_fp_mul(&t1, &a->c1, &b->c1);
    braid_bls_fp_add(&sa, &a->c0, &a->c1);
    braid_bls_fp_add(&sb, &b->c0, &b->c1);
    braid_bls_fp_mul(&r->c1, &sa, &sb);
    braid_bls_fp_sub(&r->c1, &r->c1, &t0);
    braid_bls_fp_sub(&r->c1, &r->c1, &t1);
    braid_bls_fp_sub(&r->c0, &t0, &t1);
}

void braid_bls_fp2_mul_fp(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp *b) {
    braid_bls_fp_mul(&r->c0, &a->c0, b);
    braid_bls_fp_mul(&r->c1, &a->c1, b);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */
void braid_bls_fp2_sqr(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    braid_bls_fp s, d, m;
    braid_bls_fp_add(&s, &a->c0, &a->c1);
    braid_bls_fp_sub(&d, &a->c0, &a->c1);
    braid_bls_fp_mul(&m, &a->c0, &a->c1);
    braid_bls_fp_mul(&r->c0, &s, &d);
    braid_bls_fp_add(&r->c1, &m, &m);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
void braid_bls_fp2_mul_xi(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    braid_bls_fp t;
    braid_bls_fp_sub(&t, &a->c0, &a->c1);
    braid_bls_fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

/* 1 / (a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2) */
void braid_bls_fp2_inv(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    braid_bls_fp n, t;
    braid_bls_fp_sqr(&n, &a->c0);
    braid_bls_fp_sqr(&t, &a->c1);
    braid_bls_fp_add(&n, &n, &t);
    braid_bls_fp_inv(&n, &n);
    braid_bls_fp_mul(&r->c0, &a->c0, &n);
    braid_bls_fp_mul(&t, &a->c1, &n);
    braid_bls_fp_neg(&r->c1, &t);
}

/* Square root through the norm: if x = x0 + x1 u squares to a, then x0^2 - x1^2 = a0, 2 x0 x1 = a1 and
 * x0^2 + x1^2 = sqrt(a0^2 + a1^2) (for one sign of that root), so x0^2 = (a0 +- sqrt(N(a))) / 2. Two Fp
 * square roots and one inversion; the final squaring check makes any non-square fail cleanly. */
bool braid_bls_fp2_sqrt(braid_bls_fp2 *r, const braid_bls_fp2 *a) {
    braid_bls_fp2 x;
    if (braid_bls_fp_is_zero(&a->c1)) {
        /* a is in Fp: its root is in Fp, or else (since -1 is a non-residue) in u * Fp. */
        braid_bls_fp_zero(&x.c1);
        if (!braid_bls_fp_sqrt(&x.c0, &a->c0)) {
            braid_bls_fp na;
            braid_bls_fp_neg(&na, &a->c0);
            braid_bls_fp_zero(&x.c0);
            if (!braid_bls_fp_sqrt(&x.c1, &na)) return false;
        }
    } else {
        braid_bls_fp n, t, s, x0;
        braid_bls_fp_sqr(&n, &a->c0);
        braid_bls_fp_sqr(&t, &a->c1);
        braid_bls_fp_add(&n, &n, &t);
        if (!braid_bls_fp_sqrt(&s, &n)) return false;
        braid_bls_fp_add(&t, &a->c0, &s);
        braid_bls_fp_mul(&t, &t, &HALF);
        if (!braid_bls_fp_sqrt(&x0, &t)) {
            braid_bls_fp_sub(&t, &a->c0, &s);
            braid_bls_fp_mul(&t, &t, &HALF);
            if (!braid_bls_fp_sqrt(&x0, &t)) return false;
        }
        /* x0 != 0 here: x0 = 0 would force a0 = +-sqrt(a0^2 + a1^2), i.e. a1 = 0. */
        x.c0 = x0;
        braid_bls_fp_add(&t, &x0, &x0);
        braid_bls_fp_inv(&t, &t);
        braid_bls_fp_mul(&x.c1, &a->c1, &t);
    }
    braid_bls_fp2 check;
    braid_bls_fp2_sqr(&check, &x);
    if (!braid_bls_fp2_eq(&check, a)) return false;
    *r = x;
    return true;
}

bool braid_bls_fp2_is_larger(const braid_bls_fp2 *a) {
    if (!braid_bls_fp_is_zero(&a->c1)) return braid_bls_fp_is_larger(&a->c1);
    return braid_bls_fp_is_larger(&a->c0);
}

/* ---- Fr ---- */

bool braid_bls_scalar_from_bytes(uint64_t out[4], const uint8_t in[32]) {
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = w << 8 | in[(3 - i) * 8 + j];
        out[i] = w;
    }
    return limbs_cmp(out, braid_bls_r, 4) < 0;
}
