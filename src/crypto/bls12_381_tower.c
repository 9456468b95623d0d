/* The upper tower for the pairing: Fp6 = Fp2[v]/(v^3 - xi) with xi = u + 1, and Fp12 = Fp6[w]/(w^2 - v),
 * so w^6 = xi. An Fp12 element c0 + c1 w spreads its six Fp2 coefficients over the powers of w as
 *   w^0: c0.c0   w^1: c1.c0   w^2: c0.c1   w^3: c1.c1   w^4: c0.c2   w^5: c1.c2
 * which is the indexing the Frobenius tables and the cyclotomic squaring below rely on. */
#include <string.h>

#include "crypto/bls12_381.h"

typedef braid_bls_fp fp;
typedef braid_bls_fp2 fp2;
typedef braid_bls_fp6 fp6;
typedef braid_bls_fp12 fp12;

/* Frobenius coefficients, Montgomery form. FROB1[i] = xi^(i (p - 1) / 6): (c w^i)^p = conj(c) FROB1[i] w^i.
 * FROB2[i] = xi^(i (p^2 - 1) / 6), which lies in Fp: (c w^i)^(p^2) = c FROB2[i] w^i. Index 0 is 1. */
static const fp2 FROB1[6] = {
    {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL,
       0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
     {{0}}},
    {{{0x07089552b319d465ULL, 0xc6695f92b50a8313ULL, 0x97e83cccd117228fULL, 0xa35baecab2dc29eeULL,
       0x1ce393ea5daace4dULL, 0x08f2220fb0fb66ebULL}},
     {{0xb2f66aad4ce5d646ULL, 0x5842a06bfc497cecULL, 0xcf4895d42599d394ULL, 0xc11b9cba40a8e8d0ULL,
       0x2e3813cbe5a0de89ULL, 0x110eefda88847fafULL}}},
    {{{0}},
     {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL,
       0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}}},
    {{{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL,
       0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}},
     {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL,
       0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}},
    {{{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL,
       0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
     {{0}}},
    {{{0x82d83cf50dbce43fULL, 0xa2813e53df9d018fULL, 0xc6f0caa53c65e181ULL, 0x7525cf528d50fe95ULL,
       0x4a85ed50f4798a6bULL, 0x171da0fd6cf8eebdULL}},
     {{0x3726c30af242c66cULL, 0x7c2ac1aad1b6fe70ULL, 0xa04007fbba4b14a2ULL, 0xef517c3266341429ULL,
       0x0095ba654ed2226bULL, 0x02e370eccc86f7ddULL}}},
};
static const fp FROB2[6] = {
    {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL,
      0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
    {{0xecfb361b798dba3aULL, 0xc100ddb891865a2cULL, 0x0ec08ff1232bda8eULL, 0xd5c13cc6f1ca4721ULL,
      0x47222a47bf7b5c04ULL, 0x0110f184e51c5f59ULL}},
    {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL, 0xc26a2ff874fd029bULL,
      0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}},
    {{0x43f5fffffffcaaaeULL, 0x32b7fff2ed47fffdULL, 0x07e83a49a2e99d69ULL, 0xeca8f3318332bb7aULL,
      0xef148d1ea0f4c069ULL, 0x040ab3263eff0206ULL}},
    {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL,
      0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}},
    {{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL,
      0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
};

/* ---- Fp6 ---- */

static void fp6_add(fp6 *r, const fp6 *a, const fp6 *b) {
    braid_bls_fp2_add(&r->c0, &a->c0, &b->c0);
    braid_bls_fp2_add(&r->c1, &a->c1, &b->c1);
    braid_bls_fp2_add(&r->c2, &a->c2, &b->c2);
}

static void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b) {
    braid_bls_fp2_sub(&r->c0, &a->c0, &b->c0);
    braid_bls_fp2_sub(&r->c1, &a->c1, &b->c1);
    braid_bls_fp2_sub(&r->c2, &a->c2, &b->c2);
}

static void fp6_neg(fp6 *r, const fp6 *a) {
    braid_bls_fp2_neg(&r->c0, &a->c0);
    braid_bls_fp2_neg(&r->c1, &a->c1);
    braid_bls_fp2_neg(&r->c2, &a->c2);
}

/* a * v: the coefficients rotate up and the one that wraps past v^3 picks up xi. */
static void fp6_mul_v(fp6 *r, const fp6 *a) {
    fp2 t;
    braid_bls_fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

/* Karatsuba over three coefficients: six Fp2 multiplications. */
static void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2 t0, t1, t2, s, u, c0, c1, c2;
    braid_bls_fp2_mul(&t0, &a->c0, &b->c0);
    braid_bls_fp2_mul(&t1, &a->c1, &b->c1);
    braid_bls_fp2_mul(&t2, &a->c2, &b->c2);

    braid_bls_fp2_add(&s, &a->c1, &a->c2);
    braid_bls_fp2_add(&u, &b->c1, &b->c2);
    braid_bls_fp2_mul(&c0, &s, &u);
    braid_bls_fp2_sub(&c0, &c0, &t1);
    braid_bls_fp2_sub(&c0, &c0, &t2);
    braid_bls_fp2_mul_xi(&c0, &c0);
    braid_bls_fp2_add(&c0, &c0, &t0); /* t0 + xi (a1 b2 + a2 b1) */

    braid_bls_fp2_add(&s, &a->c0, &a->c1);
    braid_bls_fp2_add(&u, &b->c0, &b->c1);
    braid_bls_fp2_mul(&c1, &s, &u);
    braid_bls_fp2_sub(&c1, &c1, &t0);
    braid_bls_fp2_sub(&c1, &c1, &t1);
    braid_bls_fp2_mul_xi(&s, &t2);
    braid_bls_fp2_add(&c1, &c1, &s); /* a0 b1 + a1 b0 + xi a2 b2 */

    braid_bls_fp2_add(&s, &a->c0, &a->c2);
    braid_bls_fp2_add(&u, &b->c0, &b->c2);
    braid_bls_fp2_mul(&c2, &s, &u);
    braid_bls_fp2_sub(&c2, &c2, &t0);
    braid_bls_fp2_sub(&c2, &c2, &t2);
    braid_bls_fp2_add(&c2, &c2, &t1); /* a0 b2 + a2 b0 + a1 b1 */

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* a * (b0 + b1 v): the sparse factor every line contributes. */
static void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1) {
    fp2 t0, t1, s, u, c0, c1, c2;
    braid_bls_fp2_mul(&t0, &a->c0, b0);
    braid_bls_fp2_mul(&t1, &a->c1, b1);

    braid_bls_fp2_mul(&c0, &a->c2, b1);
    braid_bls_fp2_mul_xi(&c0, &c0);
    braid_bls_fp2_add(&c0, &c0, &t0); /* a0 b0 + xi a2 b1 */

    braid_bls_fp2_add(&s, &a->c0, &a->c1);
    braid_bls_fp2_add(&u, b0, b1);
    braid_bls_fp2_mul(&c1, &s, &u);
    braid_bls_fp2_sub(&c1, &c1, &t0);
    braid_bls_fp2_sub(&c1, &c1, &t1); /* a0 b1 + a1 b0 */

    braid_bls_fp2_mul(&c2, &a->c2, b0);
    braid_bls_fp2_add(&c2, &c2, &t1); /* a1 b1 + a2 b0 */

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* a * (b1 v) */
static void fp6_mul_1(fp6 *r, const fp6 *a, const fp2 *b1) {
    fp2 c0, c1, c2;
    braid_bls_fp2_mul(&c0, &a->c2, b1);
    braid_bls_fp2_mul_xi(&c0, &c0);
    braid_bls_fp2_mul(&c1, &a->c0, b1);
    braid_bls_fp2_mul(&c2, &a->c1, b1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Inverse through the adjugate: with A = a0^2 - xi a1 a2, B = xi a2^2 - a0 a1, C = a1^2 - a0 a2,
 * a (A + B v + C v^2) = a0 A + xi (a2 B + a1 C), an Fp2 element. */
static void fp6_inv(fp6 *r, const fp6 *a) {
    fp2 A, B, C, t, n;
    braid_bls_fp2_sqr(&A, &a->c0);
    braid_bls_fp2_mul(&t, &a->c1, &a->c2);
    braid_bls_fp2_mul_xi(&t, &t);
    braid_bls_fp2_sub(&A, &A, &t);

    braid_bls_fp2_sqr(&B, &a->c2);
    braid_bls_fp2_mul_xi(&B, &B);
    braid_bls_fp2_mul(&t, &a->c0, &a->c1);
    braid_bls_fp2_sub(&B, &B, &t);

    braid_bls_fp2_sqr(&C, &a->c1);
    braid_bls_fp2_mul(&t, &a->c0, &a->c2);
    braid_bls_fp2_sub(&C, &C, &t);

    braid_bls_fp2_mul(&n, &a->c2, &B);
    braid_bls_fp2_mul(&t, &a->c1, &C);
    braid_bls_fp2_add(&n, &n, &t);
    braid_bls_fp2_mul_xi(&n, &n);
    braid_bls_fp2_mul(&t, &a->c0, &A);
    braid_bls_fp2_add(&n, &n, &t);
    braid_bls_fp2_inv(&n, &n);

    braid_bls_fp2_mul(&r->c0, &A, &n);
    braid_bls_fp2_mul(&r->c1, &B, &n);
    braid_bls_fp2_mul(&r->c2, &C, &n);
}

/* ---- Fp12 ---- */

void braid_bls_fp12_one(fp12 *r) {
    memset(r, 0, sizeof *r);
    r->c0.c0.c0 = braid_bls_fp_one_v;
}

bool braid_bls_fp12_eq(const fp12 *a, const fp12 *b) {
    return memcmp(a, b, sizeof *a) == 0;
}

bool braid_bls_fp12_is_one(const fp12 *a) {
    fp12 one;
    braid_bls_fp12_one(&one);
    return braid_bls_fp12_eq(a, &one);
}

/* (a0 + a1 w)(b0 + b1 w) = (a0 b0 + v a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) w */
void braid_bls_fp12_mul(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&r->c1, &s, &u);
    fp6_sub(&r->c1, &r->c1, &t0);
    fp6_sub(&r->c1, &r->c1, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* (a0 + a1 w)^2 = ((a0 + a1)(a0 + v a1) - t - v t) + 2 t w with t = a0 a1: two Fp6 products. */
void braid_bls_fp12_sqr(fp12 *r, const fp12 *a) {
    fp6 t, s, u, vt;
    fp6_mul(&t, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&u, &a->c1);
    fp6_add(&u, &u, &a->c0);
    fp6_mul(&s, &s, &u);
    fp6_mul_v(&vt, &t);
    fp6_sub(&s, &s, &t);
    fp6_sub(&r->c0, &s, &vt);
    fp6_add(&r->c1, &t, &t);
}

void braid_bls_fp12_conj(fp12 *r, const fp12 *a) {
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

/* 1 / (a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2) */
void braid_bls_fp12_inv(fp12 *r, const fp12 *a) {
    fp6 t0, t1;
    fp6_mul(&t0, &a->c0, &a->c0);
    fp6_mul(&t1, &a->c1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&r->c1, &a->c1, &t0);
    fp6_neg(&r->c1, &r->c1);
}

/* The six coefficients in w-power order (see the top of the file). */
static fp2 *coeff(fp12 *a, int i) {
    fp6 *half = (i & 1) ? &a->c1 : &a->c0;
    switch (i >> 1) {
    case 0:
        return &half->c0;
    case 1:
        return &half->c1;
    default:
        return &half->c2;
    }
}

void braid_bls_fp12_frob(fp12 *r, const fp12 *a) {
    fp12 t = *a;
    for (int i = 0; i < 6; i++) {
        fp2 *c = coeff(&t, i);
        braid_bls_fp2_conj(c, c);
        if (i) braid_bls_fp2_mul(c, c, &FROB1[i]);
    }
    *r = t;
}

void braid_bls_fp12_frob2(fp12 *r, const fp12 *a) {
    fp12 t = *a;
    for (int i = 1; i < 6; i++) {
        fp2 *c = coeff(&t, i);
        braid_bls_fp2_mul_fp(c, c, &FROB2[i]);
    }
    *r = t;
}

/* f * (l0 + l1 v + l2 v w), with f = f0 + f1 w: Karatsuba where both factors of the line are sparse. */
void braid_bls_fp12_mul_line(fp12 *f, const fp2 *l0, const fp2 *l1, const fp2 *l2) {
    fp6 t0, t1, s;
    fp2 l12;
    fp6_mul_01(&t0, &f->c0, l0, l1);
    fp6_mul_1(&t1, &f->c1, l2);
    fp6_add(&s, &f->c0, &f->c1);
    braid_bls_fp2_add(&l12, l1, l2);
    fp6_mul_01(&f->c1, &s, l0, &l12);
    fp6_sub(&f->c1, &f->c1, &t0);
    fp6_sub(&f->c1, &f->c1, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

/* x^2 for x = x0 + x1 s in Fp4 = Fp2[s]/(s^2 - xi). */
static void fp4_sqr(fp2 *r0, fp2 *r1, const fp2 *x0, const fp2 *x1) {
    fp2 t0, t1, s;
    braid_bls_fp2_sqr(&t0, x0);
    braid_bls_fp2_sqr(&t1, x1);
    braid_bls_fp2_add(&s, x0, x1);
    braid_bls_fp2_sqr(&s, &s);
    braid_bls_fp2_sub(&s, &s, &t0);
    braid_bls_fp2_sub(r1, &s, &t1);
    braid_bls_fp2_mul_xi(&t1, &t1);
    braid_bls_fp2_add(r0, &t0, &t1);
}

/* 3 x - 2 y and 3 x + 2 y, the two combinations the Granger-Scott formulas use. */
static void three_minus_two(fp2 *r, const fp2 *x, const fp2 *y) {
    fp2 t;
    braid_bls_fp2_sub(&t, x, y);
    braid_bls_fp2_add(&t, &t, &t);
    braid_bls_fp2_add(r, &t, x);
}
static void three_plus_two(fp2 *r, const fp2 *x, const fp2 *y) {
    fp2 t;
    braid_bls_fp2_add(&t, x, y);
    braid_bls_fp2_add(&t, &t, &t);
    braid_bls_fp2_add(r, &t, x);
}

/* Granger-Scott squaring. With s = w^3 (s^2 = xi), write a = A + B w + C w^2 over Fp4 = Fp2(s):
 * A = c[0] + c[3] s, B = c[1] + c[4] s, C = c[2] + c[5] s. For a in the cyclotomic subgroup,
 * a^2 = (3 A^2 - 2 conj A) + (3 s C^2 + 2 conj B) w + (3 B^2 - 2 conj C) w^2, with conj(x0 + x1 s) =
 * x0 - x1 s: three Fp4 squarings instead of a full Fp12 squaring. */
void braid_bls_fp12_cyclotomic_sqr(fp12 *r, const fp12 *a) {
    fp12 in = *a, out;
    fp2 a0, a1, b0, b1, c0, c1, t;
    fp4_sqr(&a0, &a1, coeff(&in, 0), coeff(&in, 3));
    fp4_sqr(&b0, &b1, coeff(&in, 1), coeff(&in, 4));
    fp4_sqr(&c0, &c1, coeff(&in, 2), coeff(&in, 5));
    three_minus_two(coeff(&out, 0), &a0, coeff(&in, 0));
    three_plus_two(coeff(&out, 3), &a1, coeff(&in, 3));
    braid_bls_fp2_mul_xi(&t, &c1); /* s C^2 = xi c1 + c0 s */
    three_plus_two(coeff(&out, 1), &t, coeff(&in, 1));
    three_minus_two(coeff(&out, 4), &c0, coeff(&in, 4));
    three_minus_two(coeff(&out, 2), &b0, coeff(&in, 2));
    three_plus_two(coeff(&out, 5), &b1, coeff(&in, 5));
    *r = out;
}

void braid_bls_fp12_pow(fp12 *r, const fp12 *a, const uint64_t *e, size_t nlimbs) {
    fp12 acc, base = *a;
    braid_bls_fp12_one(&acc);
    for (size_t i = nlimbs * 64; i-- > 0;) {
        braid_bls_fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) braid_bls_fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}
