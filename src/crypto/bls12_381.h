/* BLS12-381 arithmetic for the EIP-4844 point evaluation precompile (private to src/crypto and tests).
 *
 * Towers: Fp2 = Fp[u]/(u^2 + 1), Fp6 = Fp2[v]/(v^3 - (u + 1)), Fp12 = Fp6[w]/(w^2 - v).
 * Curves: G1 on E: y^2 = x^3 + 4 over Fp; G2 on the M-type sextic twist E': y^2 = x^3 + 4(u + 1) over Fp2.
 *
 * Field elements are kept in Montgomery form (a * 2^384 mod p) and always fully reduced, so equality is
 * limb equality. Nothing here is constant time: every input the precompile sees is public.
 *
 * Thread contract: pure functions over caller-owned values, except braid_kzg_tau_g2, which decodes the
 * embedded setup point once under pthread_once. */
#ifndef BRAID_BLS12_381_H
#define BRAID_BLS12_381_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct braid_bls_fp {
    uint64_t l[6]; /* little-endian 64-bit limbs, Montgomery form */
} braid_bls_fp;
typedef struct braid_bls_fp2 {
    braid_bls_fp c0, c1; /* c0 + c1 u */
} braid_bls_fp2;
typedef struct braid_bls_fp6 {
    braid_bls_fp2 c0, c1, c2; /* c0 + c1 v + c2 v^2 */
} braid_bls_fp6;
typedef struct braid_bls_fp12 {
    braid_bls_fp6 c0, c1; /* c0 + c1 w */
} braid_bls_fp12;

/* ---- Fp ---- */
extern const braid_bls_fp braid_bls_fp_one_v;
void braid_bls_fp_zero(braid_bls_fp *r);
void braid_bls_fp_one(braid_bls_fp *r);
bool braid_bls_fp_is_zero(const braid_bls_fp *a);
bool braid_bls_fp_eq(const braid_bls_fp *a, const braid_bls_fp *b);
void braid_bls_fp_add(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b);
void braid_bls_fp_sub(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b);
void braid_bls_fp_neg(braid_bls_fp *r, const braid_bls_fp *a);
void braid_bls_fp_mul(braid_bls_fp *r, const braid_bls_fp *a, const braid_bls_fp *b);
void braid_bls_fp_sqr(braid_bls_fp *r, const braid_bls_fp *a);
void braid_bls_fp_inv(braid_bls_fp *r, const braid_bls_fp *a);  /* inverse of 0 is 0 */
bool braid_bls_fp_sqrt(braid_bls_fp *r, const braid_bls_fp *a); /* false when a is not a square */
void braid_bls_fp_from_u64(braid_bls_fp *r, uint64_t v);
/* 48 big-endian bytes; -1 unless the value is < p. */
int braid_bls_fp_from_bytes(braid_bls_fp *r, const uint8_t in[48]);
void braid_bls_fp_to_bytes(uint8_t out[48], const braid_bls_fp *a);
/* True when a > (p-1)/2 as an integer, i.e. a is the larger of {a, -a} (the ZCash sign convention). */
bool braid_bls_fp_is_larger(const braid_bls_fp *a);

/* ---- Fp2 ---- */
void braid_bls_fp2_zero(braid_bls_fp2 *r);
void braid_bls_fp2_one(braid_bls_fp2 *r);
bool braid_bls_fp2_is_zero(const braid_bls_fp2 *a);
bool braid_bls_fp2_eq(const braid_bls_fp2 *a, const braid_bls_fp2 *b);
void braid_bls_fp2_add(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b);
void braid_bls_fp2_sub(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b);
void braid_bls_fp2_neg(braid_bls_fp2 *r, const braid_bls_fp2 *a);
void braid_bls_fp2_conj(braid_bls_fp2 *r, const braid_bls_fp2 *a);
void braid_bls_fp2_mul(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp2 *b);
void braid_bls_fp2_mul_fp(braid_bls_fp2 *r, const braid_bls_fp2 *a, const braid_bls_fp *b);
void braid_bls_fp2_sqr(braid_bls_fp2 *r, const braid_bls_fp2 *a);
void braid_bls_fp2_mul_xi(braid_bls_fp2 *r, const braid_bls_fp2 *a); /* times (u + 1) */
void braid_bls_fp2_inv(braid_bls_fp2 *r, const braid_bls_fp2 *a);
bool braid_bls_fp2_sqrt(braid_bls_fp2 *r, const braid_bls_fp2 *a);
/* Lexicographic order on (c1, c0): the sign convention of compressed G2 points. */
bool braid_bls_fp2_is_larger(const braid_bls_fp2 *a);

/* ---- Fp12 (Fp6 stays private to bls12_381_tower.c) ---- */
void braid_bls_fp12_one(braid_bls_fp12 *r);
bool braid_bls_fp12_is_one(const braid_bls_fp12 *a);
bool braid_bls_fp12_eq(const braid_bls_fp12 *a, const braid_bls_fp12 *b);
void braid_bls_fp12_mul(braid_bls_fp12 *r, const braid_bls_fp12 *a, const braid_bls_fp12 *b);
void braid_bls_fp12_sqr(braid_bls_fp12 *r, const braid_bls_fp12 *a);
/* Squaring valid only in the cyclotomic subgroup (after the easy part of the final exponentiation). */
void braid_bls_fp12_cyclotomic_sqr(braid_bls_fp12 *r, const braid_bls_fp12 *a);
void braid_bls_fp12_conj(braid_bls_fp12 *r, const braid_bls_fp12 *a);
void braid_bls_fp12_inv(braid_bls_fp12 *r, const braid_bls_fp12 *a);
void braid_bls_fp12_frob(braid_bls_fp12 *r, const braid_bls_fp12 *a);  /* a^p */
void braid_bls_fp12_frob2(braid_bls_fp12 *r, const braid_bls_fp12 *a); /* a^(p^2) */
/* f *= l0 + l1 v + l2 v w: the shape of every line function of the M-type twist. */
void braid_bls_fp12_mul_line(braid_bls_fp12 *f, const braid_bls_fp2 *l0, const braid_bls_fp2 *l1,
                             const braid_bls_fp2 *l2);
/* a^e for a little-endian limb exponent (generic square-and-multiply; for tests). */
void braid_bls_fp12_pow(braid_bls_fp12 *r, const braid_bls_fp12 *a, const uint64_t *e, size_t nlimbs);

/* ---- the scalar field Fr ---- */
extern const uint64_t braid_bls_r[4]; /* the group order r, little-endian limbs */
/* Parses 32 big-endian bytes into little-endian limbs; returns false when the value is >= r. */
bool braid_bls_scalar_from_bytes(uint64_t out[4], const uint8_t in[32]);

/* ---- G1 and G2 ---- */
/* Jacobian coordinates (x = X/Z^2, y = Y/Z^3); Z = 0 is the point at infinity. */
typedef struct braid_bls_g1 {
    braid_bls_fp x, y, z;
} braid_bls_g1;
typedef struct braid_bls_g2 {
    braid_bls_fp2 x, y, z;
} braid_bls_g2;
typedef struct braid_bls_g1_affine {
    braid_bls_fp x, y;
    bool inf;
} braid_bls_g1_affine;
typedef struct braid_bls_g2_affine {
    braid_bls_fp2 x, y;
    bool inf;
} braid_bls_g2_affine;

extern const braid_bls_g1_affine braid_bls_g1_generator;
extern const braid_bls_g2_affine braid_bls_g2_generator;

void braid_bls_g1_from_affine(braid_bls_g1 *r, const braid_bls_g1_affine *a);
void braid_bls_g1_to_affine(braid_bls_g1_affine *r, const braid_bls_g1 *a);
bool braid_bls_g1_is_inf(const braid_bls_g1 *a);
bool braid_bls_g1_eq(const braid_bls_g1 *a, const braid_bls_g1 *b);
void braid_bls_g1_neg(braid_bls_g1 *r, const braid_bls_g1 *a);
void braid_bls_g1_dbl(braid_bls_g1 *r, const braid_bls_g1 *a);
void braid_bls_g1_add(braid_bls_g1 *r, const braid_bls_g1 *a, const braid_bls_g1 *b);
/* k: little-endian limbs, any value (not reduced mod r, so [r]P is the subgroup test). */
void braid_bls_g1_mul(braid_bls_g1 *r, const braid_bls_g1 *a, const uint64_t *k, size_t nlimbs);
/* [ka]A + [kb]B, both scalars nlimbs long. */
void braid_bls_g1_mul2(braid_bls_g1 *r, const braid_bls_g1 *a, const uint64_t *ka, const braid_bls_g1 *b,
                       const uint64_t *kb, size_t nlimbs);
bool braid_bls_g1_affine_on_curve(const braid_bls_g1_affine *a);
/* [r]P = O, by a 255-bit multiplication (the reference test). */
bool braid_bls_g1_has_order_r(const braid_bls_g1 *a);
/* The same predicate, faster: through the endomorphism (x, y) -> (beta x, y), see bls12_381_curve.c. */
bool braid_bls_g1_in_subgroup(const braid_bls_g1 *a);
/* ZCash compressed encoding. Decompression checks flags, x < p, on-curve and subgroup; returns -1 if
 * any fails. */
int braid_bls_g1_decompress(braid_bls_g1_affine *r, const uint8_t in[48]);
void braid_bls_g1_compress(uint8_t out[48], const braid_bls_g1_affine *a);

void braid_bls_g2_from_affine(braid_bls_g2 *r, const braid_bls_g2_affine *a);
void braid_bls_g2_to_affine(braid_bls_g2_affine *r, const braid_bls_g2 *a);
bool braid_bls_g2_is_inf(const braid_bls_g2 *a);
bool braid_bls_g2_eq(const braid_bls_g2 *a, const braid_bls_g2 *b);
void braid_bls_g2_neg(braid_bls_g2 *r, const braid_bls_g2 *a);
void braid_bls_g2_dbl(braid_bls_g2 *r, const braid_bls_g2 *a);
void braid_bls_g2_add(braid_bls_g2 *r, const braid_bls_g2 *a, const braid_bls_g2 *b);
void braid_bls_g2_mul(braid_bls_g2 *r, const braid_bls_g2 *a, const uint64_t *k, size_t nlimbs);
void braid_bls_g2_mul2(braid_bls_g2 *r, const braid_bls_g2 *a, const uint64_t *ka, const braid_bls_g2 *b,
                       const uint64_t *kb, size_t nlimbs);
bool braid_bls_g2_affine_on_curve(const braid_bls_g2_affine *a);
/* [r]Q = O. G2 points are decoded once per process ([tau]G2), so the plain test is fast enough. */
bool braid_bls_g2_has_order_r(const braid_bls_g2 *a);
int braid_bls_g2_decompress(braid_bls_g2_affine *r, const uint8_t in[96]);
void braid_bls_g2_compress(uint8_t out[96], const braid_bls_g2_affine *a);

/* ---- pairing ---- */
/* Product of the Miller loops f_{x,Q_i}(P_i), pairs with a point at infinity skipped. */
void braid_bls_miller_loop(braid_bls_fp12 *f, const braid_bls_g1_affine *ps, const braid_bls_g2_affine *qs,
                           size_t n);
/* f^(3 (p^12 - 1) / r). The extra factor 3 (coprime to r) comes from the cheap decomposition of the hard
 * part; the result is still a non-degenerate bilinear pairing, which is all a product check needs. */
void braid_bls_final_exp(braid_bls_fp12 *r, const braid_bls_fp12 *f);
void braid_bls_pairing(braid_bls_fp12 *r, const braid_bls_g1_affine *p, const braid_bls_g2_affine *q);
/* True when e(P1, Q1) * e(P2, Q2) == 1. */
bool braid_bls_pairing_check2(const braid_bls_g1_affine *p1, const braid_bls_g2_affine *q1,
                              const braid_bls_g1_affine *p2, const braid_bls_g2_affine *q2);

/* ---- KZG (EIP-4844) ---- */
/* The compressed [tau]G2 of the mainnet trusted setup, embedded in kzg.c. */
extern const uint8_t braid_kzg_tau_g2_bytes[96];
/* The decoded [tau]G2 (decoded once, thread-safe). */
const braid_bls_g2_affine *braid_kzg_tau_g2(void);
/* verify_kzg_proof: 1 when the proof shows p(z) = y for the polynomial committed to, 0 when it does not,
 * -1 when an input is malformed (z or y >= r, or a point that fails to decode or lies outside G1). */
int braid_kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                           const uint8_t proof[48]);

#endif
