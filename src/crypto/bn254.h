/* alt_bn128 (bn254): the field tower, the two groups and the optimal ate pairing behind the EVM
 * precompiles 0x06..0x08 (EIP-196, EIP-197).
 *
 *   p  = 21888242871839275222246405745257275088696311157297823662689037894645226208583
 *   r  = 21888242871839275222246405745257275088548364400416034343698204186575808495617 (group order)
 *   Fp2  = Fp[u]/(u^2 + 1)
 *   Fp6  = Fp2[v]/(v^3 - xi), xi = 9 + u
 *   Fp12 = Fp6[w]/(w^2 - v)
 *   G1: y^2 = x^3 + 3 over Fp (cofactor 1)
 *   G2: the order-r subgroup of the sextic twist y^2 = x^3 + 3/xi over Fp2
 *
 * Field elements live in Montgomery form (a*2^256 mod p) and are always fully reduced, so equality is
 * limb equality. Nothing here is constant time: every input is public chain data.
 *
 * Thread contract: pure functions over caller-owned values and constant tables. */
#ifndef BRAID_CRYPTO_BN254_H
#define BRAID_CRYPTO_BN254_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct braid_bn254_fp {
    uint64_t v[4]; /* little-endian limbs */
} braid_bn254_fp;
typedef struct braid_bn254_fp2 {
    braid_bn254_fp c0, c1; /* c0 + c1*u */
} braid_bn254_fp2;
typedef struct braid_bn254_fp6 {
    braid_bn254_fp2 c0, c1, c2; /* c0 + c1*v + c2*v^2 */
} braid_bn254_fp6;
typedef struct braid_bn254_fp12 {
    braid_bn254_fp6 c0, c1; /* c0 + c1*w */
} braid_bn254_fp12;

/* Jacobian points (x = X/Z^2, y = Y/Z^3); Z == 0 is the point at infinity. */
typedef struct braid_bn254_g1 {
    braid_bn254_fp x, y, z;
} braid_bn254_g1;
typedef struct braid_bn254_g2 {
    braid_bn254_fp2 x, y, z;
} braid_bn254_g2;

/* Affine points; `inf` marks the point at infinity (x, y then zero). */
typedef struct braid_bn254_g1_affine {
    braid_bn254_fp x, y;
    bool inf;
} braid_bn254_g1_affine;
typedef struct braid_bn254_g2_affine {
    braid_bn254_fp2 x, y;
    bool inf;
} braid_bn254_g2_affine;

/* ---- constants (bn254_field.c, bn254_curve.c) ---- */
extern const braid_bn254_fp braid_bn254_fp_modulus; /* p itself, plain limbs (not Montgomery) */
extern const braid_bn254_fp braid_bn254_fp_one;     /* 1 in Montgomery form */
extern const braid_bn254_fp2 braid_bn254_twist_b;   /* 3/xi */
/* Frobenius coefficients: gamma[k-1][i-1] = xi^(i*(p^k - 1)/6), k = 1..3, i = 1..5. */
extern const braid_bn254_fp2 braid_bn254_frob_gamma[3][5];
extern const uint64_t braid_bn254_order[4]; /* r, plain limbs */

/* ---- Fp ---- */
/* p's limbs as immediates for the portable carry chains. */
#define BRAID_BN254_P0 0x3c208c16d87cfd47ULL
#define BRAID_BN254_P1 0x97816a916871ca8dULL
#define BRAID_BN254_P2 0xb85045b68181585dULL
#define BRAID_BN254_P3 0x30644e72e131a029ULL

/* r = s - p if that does not borrow, else s; branch-free because the outcome is data-dependent and a
 * mispredicted branch costs more than the whole subtraction. */
static inline void braid_bn254_fp_reduce_once_(braid_bn254_fp *r, const uint64_t s[4]) {
    unsigned __int128 t;
    uint64_t d[4];
    t = (unsigned __int128)s[0] - BRAID_BN254_P0;
    d[0] = (uint64_t)t;
    t = (unsigned __int128)s[1] - BRAID_BN254_P1 - ((uint64_t)(t >> 64) & 1);
    d[1] = (uint64_t)t;
    t = (unsigned __int128)s[2] - BRAID_BN254_P2 - ((uint64_t)(t >> 64) & 1);
    d[2] = (uint64_t)t;
    t = (unsigned __int128)s[3] - BRAID_BN254_P3 - ((uint64_t)(t >> 64) & 1);
    d[3] = (uint64_t)t;
    uint64_t keep = -((uint64_t)(t >> 64) & 1); /* all ones when s < p */
    r->v[0] = (s[0] & keep) | (d[0] & ~keep);
    r->v[1] = (s[1] & keep) | (d[1] & ~keep);
    r->v[2] = (s[2] & keep) | (d[2] & ~keep);
    r->v[3] = (s[3] & keep) | (d[3] & ~keep);
}

/* On x86-64 the additions below and the multiplication in bn254_field.c (mulx/adx, chosen at run time)
 * are inline assembly; defining BRAID_BN254_NO_ASM selects the portable C everywhere. */
#if defined(__x86_64__) && !defined(BRAID_BN254_NO_ASM)
#define BRAID_BN254_X86_ASM 1
#endif

static inline void braid_bn254_fp_add(braid_bn254_fp *r, const braid_bn254_fp *a, const braid_bn254_fp *b) {
    /* a, b < p < 2^254: the sum fits in 256 bits and one conditional subtraction reduces it. */
#ifdef BRAID_BN254_X86_ASM
    /* gcc turns the portable version into three times as many instructions, and additions are a
     * third of the tower's operations. */
    uint64_t r0 = a->v[0], r1 = a->v[1], r2 = a->v[2], r3 = a->v[3], s0, s1, s2, s3;
    __asm__("add %[b0], %[r0]\n\tadc %[b1], %[r1]\n\tadc %[b2], %[r2]\n\tadc %[b3], %[r3]\n\t"
            "mov %[r0], %[s0]\n\tmov %[r1], %[s1]\n\tmov %[r2], %[s2]\n\tmov %[r3], %[s3]\n\t"
            "sub %[p0], %[s0]\n\tsbb %[p1], %[s1]\n\tsbb %[p2], %[s2]\n\tsbb %[p3], %[s3]\n\t"
            "cmovc %[r0], %[s0]\n\tcmovc %[r1], %[s1]\n\tcmovc %[r2], %[s2]\n\tcmovc %[r3], %[s3]"
            : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [s0] "=&r"(s0), [s1] "=&r"(s1),
              [s2] "=&r"(s2), [s3] "=&r"(s3)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3]),
              [p0] "m"(braid_bn254_fp_modulus.v[0]), [p1] "m"(braid_bn254_fp_modulus.v[1]),
              [p2] "m"(braid_bn254_fp_modulus.v[2]), [p3] "m"(braid_bn254_fp_modulus.v[3])
            : "cc");
    r->v[0] = s0;
    r->v[1] = s1;
    r->v[2] = s2;
    r->v[3] = s3;
#else
    unsigned __int128 c;
    uint64_t s[4];
    c = (unsigned __int128)a->v[0] + b->v[0];
    s[0] = (uint64_t)c;
    c = (unsigned __int128)a->v[1] + b->v[1] + (uint64_t)(c >> 64);
    s[1] = (uint64_t)c;
    c = (unsigned __int128)a->v[2] + b->v[2] + (uint64_t)(c >> 64);
    s[2] = (uint64_t)c;
    s[3] = a->v[3] + b->v[3] + (uint64_t)(c >> 64);
    braid_bn254_fp_reduce_once_(r, s);
#endif
}
static inline void braid_bn254_fp_sub(braid_bn254_fp *r, const braid_bn254_fp *a, const braid_bn254_fp *b) {
#ifdef BRAID_BN254_X86_ASM
    uint64_t r0 = a->v[0], r1 = a->v[1], r2 = a->v[2], r3 = a->v[3], s0, s1, s2, s3, m;
    /* m = all ones when a - b borrowed; then add p & m */
    __asm__("sub %[b0], %[r0]\n\tsbb %[b1], %[r1]\n\tsbb %[b2], %[r2]\n\tsbb %[b3], %[r3]\n\t"
            "sbb %[m], %[m]\n\t"
            "mov %[p0], %[s0]\n\tmov %[p1], %[s1]\n\tmov %[p2], %[s2]\n\tmov %[p3], %[s3]\n\t"
            "and %[m], %[s0]\n\tand %[m], %[s1]\n\tand %[m], %[s2]\n\tand %[m], %[s3]\n\t"
            "add %[s0], %[r0]\n\tadc %[s1], %[r1]\n\tadc %[s2], %[r2]\n\tadc %[s3], %[r3]"
            : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [s0] "=&r"(s0), [s1] "=&r"(s1),
              [s2] "=&r"(s2), [s3] "=&r"(s3), [m] "=&r"(m)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3]),
              [p0] "m"(braid_bn254_fp_modulus.v[0]), [p1] "m"(braid_bn254_fp_modulus.v[1]),
              [p2] "m"(braid_bn254_fp_modulus.v[2]), [p3] "m"(braid_bn254_fp_modulus.v[3])
            : "cc");
    r->v[0] = r0;
    r->v[1] = r1;
    r->v[2] = r2;
    r->v[3] = r3;
#else
    unsigned __int128 t;
    uint64_t d[4];
    t = (unsigned __int128)a->v[0] - b->v[0];
    d[0] = (uint64_t)t;
    t = (unsigned __int128)a->v[1] - b->v[1] - ((uint64_t)(t >> 64) & 1);
    d[1] = (uint64_t)t;
    t = (unsigned __int128)a->v[2] - b->v[2] - ((uint64_t)(t >> 64) & 1);
    d[2] = (uint64_t)t;
    t = (unsigned __int128)a->v[3] - b->v[3] - ((uint64_t)(t >> 64) & 1);
    d[3] = (uint64_t)t;
    uint64_t m = -((uint64_t)(t >> 64) & 1); /* add p back when we went below zero */
    unsigned __int128 c;
    c = (unsigned __int128)d[0] + (BRAID_BN254_P0 & m);
    r->v[0] = (uint64_t)c;
    c = (unsigned __int128)d[1] + (BRAID_BN254_P1 & m) + (uint64_t)(c >> 64);
    r->v[1] = (uint64_t)c;
    c = (unsigned __int128)d[2] + (BRAID_BN254_P2 & m) + (uint64_t)(c >> 64);
    r->v[2] = (uint64_t)c;
    r->v[3] = d[3] + (BRAID_BN254_P3 & m) + (uint64_t)(c >> 64);
#endif
}
static inline bool braid_bn254_fp_is_zero(const braid_bn254_fp *a) {
    return (a->v[0] | a->v[1] | a->v[2] | a->v[3]) == 0;
}
static inline bool braid_bn254_fp_eq(const braid_bn254_fp *a, const braid_bn254_fp *b) {
    return ((a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) | (a->v[3] ^ b->v[3])) == 0;
}
static inline void braid_bn254_fp_neg(braid_bn254_fp *r, const braid_bn254_fp *a) {
    static const braid_bn254_fp zero = {{0, 0, 0, 0}};
    braid_bn254_fp_sub(r, &zero, a);
}
void braid_bn254_fp_mul(braid_bn254_fp *r, const braid_bn254_fp *a, const braid_bn254_fp *b);
void braid_bn254_fp_sqr(braid_bn254_fp *r, const braid_bn254_fp *a);
void braid_bn254_fp_half(braid_bn254_fp *r, const braid_bn254_fp *a);
void braid_bn254_fp_inv(braid_bn254_fp *r, const braid_bn254_fp *a); /* inverse of 0 is 0 */
void braid_bn254_fp_from_u64(braid_bn254_fp *r, uint64_t a);
/* 32 big-endian bytes -> Montgomery form; -1 when the value is >= p. */
int braid_bn254_fp_from_bytes(braid_bn254_fp *r, const uint8_t in[32]);
void braid_bn254_fp_to_bytes(uint8_t out[32], const braid_bn254_fp *a);

/* ---- Fp2 ---- */
static inline void braid_bn254_fp2_add(braid_bn254_fp2 *r, const braid_bn254_fp2 *a, const braid_bn254_fp2 *b) {
    braid_bn254_fp_add(&r->c0, &a->c0, &b->c0);
    braid_bn254_fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void braid_bn254_fp2_sub(braid_bn254_fp2 *r, const braid_bn254_fp2 *a, const braid_bn254_fp2 *b) {
    braid_bn254_fp_sub(&r->c0, &a->c0, &b->c0);
    braid_bn254_fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void braid_bn254_fp2_dbl(braid_bn254_fp2 *r, const braid_bn254_fp2 *a) {
    braid_bn254_fp2_add(r, a, a);
}
static inline void braid_bn254_fp2_neg(braid_bn254_fp2 *r, const braid_bn254_fp2 *a) {
    braid_bn254_fp_neg(&r->c0, &a->c0);
    braid_bn254_fp_neg(&r->c1, &a->c1);
}
static inline void braid_bn254_fp2_conj(braid_bn254_fp2 *r, const braid_bn254_fp2 *a) {
    r->c0 = a->c0;
    braid_bn254_fp_neg(&r->c1, &a->c1);
}
static inline bool braid_bn254_fp2_is_zero(const braid_bn254_fp2 *a) {
    return braid_bn254_fp_is_zero(&a->c0) && braid_bn254_fp_is_zero(&a->c1);
}
static inline bool braid_bn254_fp2_eq(const braid_bn254_fp2 *a, const braid_bn254_fp2 *b) {
    return braid_bn254_fp_eq(&a->c0, &b->c0) && braid_bn254_fp_eq(&a->c1, &b->c1);
}
void braid_bn254_fp2_mul(braid_bn254_fp2 *r, const braid_bn254_fp2 *a, const braid_bn254_fp2 *b);
void braid_bn254_fp2_sqr(braid_bn254_fp2 *r, const braid_bn254_fp2 *a);
void braid_bn254_fp2_mul_fp(braid_bn254_fp2 *r, const braid_bn254_fp2 *a, const braid_bn254_fp *b);
void braid_bn254_fp2_mul_xi(braid_bn254_fp2 *r, const braid_bn254_fp2 *a); /* times 9 + u */
void braid_bn254_fp2_half(braid_bn254_fp2 *r, const braid_bn254_fp2 *a);
void braid_bn254_fp2_inv(braid_bn254_fp2 *r, const braid_bn254_fp2 *a);

/* ---- Fp12 ---- */

void braid_bn254_fp12_one(braid_bn254_fp12 *r);
bool braid_bn254_fp12_is_one(const braid_bn254_fp12 *a);
bool braid_bn254_fp12_eq(const braid_bn254_fp12 *a, const braid_bn254_fp12 *b);
void braid_bn254_fp12_mul(braid_bn254_fp12 *r, const braid_bn254_fp12 *a, const braid_bn254_fp12 *b);
void braid_bn254_fp12_sqr(braid_bn254_fp12 *r, const braid_bn254_fp12 *a);
void braid_bn254_fp12_conj(braid_bn254_fp12 *r, const braid_bn254_fp12 *a); /* a^(p^6) */
void braid_bn254_fp12_inv(braid_bn254_fp12 *r, const braid_bn254_fp12 *a);
void braid_bn254_fp12_frob(braid_bn254_fp12 *r, const braid_bn254_fp12 *a, int k); /* a^(p^k), k = 1..3 */
/* Squaring valid only in the cyclotomic subgroup (a^(p^6+1) = 1), about half the cost of fp12_sqr. */
void braid_bn254_fp12_cyclotomic_sqr(braid_bn254_fp12 *r, const braid_bn254_fp12 *a);
/* r = a * (l0 + (l1 + l2*v)*w): the shape of every Miller-loop line. */
void braid_bn254_fp12_mul_line(braid_bn254_fp12 *r, const braid_bn254_fp12 *a, const braid_bn254_fp2 *l0,
                               const braid_bn254_fp2 *l1, const braid_bn254_fp2 *l2);
/* r = a^e for a 256-bit little-endian exponent (plain square-and-multiply; for tests and rare use). */
void braid_bn254_fp12_pow(braid_bn254_fp12 *r, const braid_bn254_fp12 *a, const uint64_t e[4]);

/* ---- G1 / G2 (bn254_curve.c) ---- */
bool braid_bn254_g1_on_curve(const braid_bn254_g1_affine *a); /* infinity counts as on the curve */
void braid_bn254_g1_from_affine(braid_bn254_g1 *r, const braid_bn254_g1_affine *a);
void braid_bn254_g1_to_affine(braid_bn254_g1_affine *r, const braid_bn254_g1 *a);
void braid_bn254_g1_add(braid_bn254_g1 *r, const braid_bn254_g1 *a, const braid_bn254_g1 *b);
void braid_bn254_g1_dbl(braid_bn254_g1 *r, const braid_bn254_g1 *a);
/* Scalar multiplication by a full 256-bit little-endian integer. */
void braid_bn254_g1_mul(braid_bn254_g1 *r, const braid_bn254_g1 *a, const uint64_t k[4]);

bool braid_bn254_g2_on_curve(const braid_bn254_g2_affine *a);
/* Membership of an on-curve point in the order-r subgroup (infinity included). */
bool braid_bn254_g2_in_subgroup(const braid_bn254_g2_affine *a);
void braid_bn254_g2_from_affine(braid_bn254_g2 *r, const braid_bn254_g2_affine *a);
void braid_bn254_g2_to_affine(braid_bn254_g2_affine *r, const braid_bn254_g2 *a);
void braid_bn254_g2_add(braid_bn254_g2 *r, const braid_bn254_g2 *a, const braid_bn254_g2 *b);
void braid_bn254_g2_dbl(braid_bn254_g2 *r, const braid_bn254_g2 *a);
void braid_bn254_g2_mul(braid_bn254_g2 *r, const braid_bn254_g2 *a, const uint64_t k[4]);
bool braid_bn254_g2_is_inf(const braid_bn254_g2 *a);
bool braid_bn254_g2_eq(const braid_bn254_g2 *a, const braid_bn254_g2 *b);

/* ---- pairing (bn254_pairing.c) ---- */
/* The reduced optimal ate pairing e(p, q), an element of the order-r subgroup of Fp12*. */
void braid_bn254_pairing(braid_bn254_fp12 *r, const braid_bn254_g1_affine *p, const braid_bn254_g2_affine *q);
/* Whether prod e(p[i], q[i]) == 1. The points must be on their curves and q[i] in G2. */
bool braid_bn254_pairing_check(const braid_bn254_g1_affine *p, const braid_bn254_g2_affine *q, size_t n);

#ifdef BRAID_BN254_INTERNAL
/* Short spellings for the bn254 sources themselves; the linker only ever sees braid_bn254_*. */
typedef braid_bn254_fp fp;
typedef braid_bn254_fp2 fp2;
typedef braid_bn254_fp6 fp6;
typedef braid_bn254_fp12 fp12;
#define fp_add braid_bn254_fp_add
#define fp_sub braid_bn254_fp_sub
#define fp_neg braid_bn254_fp_neg
#define fp_mul braid_bn254_fp_mul
#define fp_sqr braid_bn254_fp_sqr
#define fp_inv braid_bn254_fp_inv
#define fp_eq braid_bn254_fp_eq
#define fp_is_zero braid_bn254_fp_is_zero
#define fp2_add braid_bn254_fp2_add
#define fp2_sub braid_bn254_fp2_sub
#define fp2_dbl braid_bn254_fp2_dbl
#define fp2_neg braid_bn254_fp2_neg
#define fp2_conj braid_bn254_fp2_conj
#define fp2_mul braid_bn254_fp2_mul
#define fp2_sqr braid_bn254_fp2_sqr
#define fp2_mul_fp braid_bn254_fp2_mul_fp
#define fp2_mul_xi braid_bn254_fp2_mul_xi
#define fp2_half braid_bn254_fp2_half
#define fp2_inv braid_bn254_fp2_inv
#define fp2_eq braid_bn254_fp2_eq
#define fp2_is_zero braid_bn254_fp2_is_zero
#define fp12_mul braid_bn254_fp12_mul
#define fp12_sqr braid_bn254_fp12_sqr
#define fp12_conj braid_bn254_fp12_conj
#define fp12_frob braid_bn254_fp12_frob
#define fp12_cyclotomic_sqr braid_bn254_fp12_cyclotomic_sqr
#define fp12_mul_line braid_bn254_fp12_mul_line
#endif

#endif
