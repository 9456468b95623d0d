/* bn254 groups: G1 on y^2 = x^3 + 3 over Fp and G2 on the twist y^2 = x^3 + 3/xi over Fp2, both in
 * Jacobian coordinates. The formulas are the a = 0 ones (dbl-2009-l, add-2007-bl in the Explicit
 * Formulas Database); G1 and G2 share them, written once per field for the sake of plain C. */
#define BRAID_BN254_INTERNAL
#include "crypto/bn254.h"

#include <string.h>

const uint64_t braid_bn254_order[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                                       0x30644e72e131a029ULL};

/* ------------------------------------------------------------------------------------------------ */
/* G1 */

bool braid_bn254_g1_on_curve(const braid_bn254_g1_affine *a) {
    if (a->inf) return true;
    fp l, r, three;
    fp_sqr(&l, &a->y);
    fp_sqr(&r, &a->x);
    fp_mul(&r, &r, &a->x);
    braid_bn254_fp_from_u64(&three, 3);
    fp_add(&r, &r, &three);
    return fp_eq(&l, &r);
}

void braid_bn254_g1_from_affine(braid_bn254_g1 *r, const braid_bn254_g1_affine *a) {
    if (a->inf) {
        memset(r, 0, sizeof *r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    r->z = braid_bn254_fp_one;
}

void braid_bn254_g1_to_affine(braid_bn254_g1_affine *r, const braid_bn254_g1 *a) {
    if (fp_is_zero(&a->z)) {
        memset(r, 0, sizeof *r);
        r->inf = true;
        return;
    }
    fp zi, zi2;
    fp_inv(&zi, &a->z);
    fp_sqr(&zi2, &zi);
    fp_mul(&r->x, &a->x, &zi2);
    fp_mul(&zi2, &zi2, &zi);
    fp_mul(&r->y, &a->y, &zi2);
    r->inf = false;
}

void braid_bn254_g1_dbl(braid_bn254_g1 *r, const braid_bn254_g1 *a) {
    fp A, B, C, D, E, F, t;
    fp_sqr(&A, &a->x);
    fp_sqr(&B, &a->y);
    fp_sqr(&C, &B);
    fp_add(&D, &a->x, &B);
    fp_sqr(&D, &D);
    fp_sub(&D, &D, &A);
    fp_sub(&D, &D, &C);
    fp_add(&D, &D, &D);
    fp_add(&E, &A, &A);
    fp_add(&E, &E, &A);
    fp_sqr(&F, &E);
    /* Z3 first: it needs the old Y and Z, which may alias r. */
    fp_mul(&t, &a->y, &a->z);
    fp_add(&r->z, &t, &t);
    fp_sub(&r->x, &F, &D);
    fp_sub(&r->x, &r->x, &D);
    fp_sub(&t, &D, &r->x);
    fp_mul(&t, &t, &E);
    fp_add(&C, &C, &C);
    fp_add(&C, &C, &C);
    fp_add(&C, &C, &C);
    fp_sub(&r->y, &t, &C);
}

void braid_bn254_g1_add(braid_bn254_g1 *r, const braid_bn254_g1 *a, const braid_bn254_g1 *b) {
    if (fp_is_zero(&a->z)) {
        *r = *b;
        return;
    }
    if (fp_is_zero(&b->z)) {
        *r = *a;
        return;
    }
    fp z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    fp_sqr(&z1z1, &a->z);
    fp_sqr(&z2z2, &b->z);
    fp_mul(&u1, &a->x, &z2z2);
    fp_mul(&u2, &b->x, &z1z1);
    fp_mul(&s1, &a->y, &b->z);
    fp_mul(&s1, &s1, &z2z2);
    fp_mul(&s2, &b->y, &a->z);
    fp_mul(&s2, &s2, &z1z1);
    fp_sub(&h, &u2, &u1);
    fp_sub(&rr, &s2, &s1);
    if (fp_is_zero(&h)) {
        /* Same x: either the same point (the formula would divide by zero) or opposite points. */
        if (fp_is_zero(&rr))
            braid_bn254_g1_dbl(r, a);
        else
            memset(r, 0, sizeof *r);
        return;
    }
    fp_add(&rr, &rr, &rr);
    fp_add(&i, &h, &h);
    fp_sqr(&i, &i);
    fp_mul(&j, &h, &i);
    fp_mul(&v, &u1, &i);
    /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H, before r's coordinates are overwritten */
    fp_add(&t, &a->z, &b->z);
    fp_sqr(&t, &t);
    fp_sub(&t, &t, &z1z1);
    fp_sub(&t, &t, &z2z2);
    fp_mul(&r->z, &t, &h);
    fp_sqr(&r->x, &rr);
    fp_sub(&r->x, &r->x, &j);
    fp_sub(&r->x, &r->x, &v);
    fp_sub(&r->x, &r->x, &v);
    fp_sub(&t, &v, &r->x);
    fp_mul(&t, &t, &rr);
    fp_mul(&s1, &s1, &j);
    fp_add(&s1, &s1, &s1);
    fp_sub(&r->y, &t, &s1);
}

/* Fixed 4-bit window over all 256 bits of k: 252 doublings and at most 64 additions. */
void braid_bn254_g1_mul(braid_bn254_g1 *r, const braid_bn254_g1 *a, const uint64_t k[4]) {
    braid_bn254_g1 table[16], acc;
    memset(&table[0], 0, sizeof table[0]);
    table[1] = *a;
    for (int i = 2; i < 16; i++) {
        if (i % 2 == 0)
            braid_bn254_g1_dbl(&table[i], &table[i / 2]);
        else
            braid_bn254_g1_add(&table[i], &table[i - 1], a);
    }
    memset(&acc, 0, sizeof acc);
    for (int i = 63; i >= 0; i--) {
        if (!fp_is_zero(&acc.z))
            for (int j = 0; j < 4; j++) braid_bn254_g1_dbl(&acc, &acc);
        unsigned nib = (unsigned)(k[i / 16] >> (4 * (i % 16))) & 15;
        if (nib) braid_bn254_g1_add(&acc, &acc, &table[nib]);
    }
    *r = acc;
}

/* ------------------------------------------------------------------------------------------------ */
/* G2 */

bool braid_bn254_g2_on_curve(const braid_bn254_g2_affine *a) {
    if (a->inf) return true;
    fp2 l, r;
    fp2_sqr(&l, &a->y);
    fp2_sqr(&r, &a->x);
    fp2_mul(&r, &r, &a->x);
    fp2_add(&r, &r, &braid_bn254_twist_b);
    return fp2_eq(&l, &r);
}

bool braid_bn254_g2_is_inf(const braid_bn254_g2 *a) { return fp2_is_zero(&a->z); }

void braid_bn254_g2_from_affine(braid_bn254_g2 *r, const braid_bn254_g2_affine *a) {
    if (a->inf) {
        memset(r, 0, sizeof *r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    memset(&r->z, 0, sizeof r->z);
    r->z.c0 = braid_bn254_fp_one;
}

void braid_bn254_g2_to_affine(braid_bn254_g2_affine *r, const braid_bn254_g2 *a) {
    if (fp2_is_zero(&a->z)) {
        memset(r, 0, sizeof *r);
        r->inf = true;
        return;
    }
    fp2 zi, zi2;
    fp2_inv(&zi, &a->z);
    fp2_sqr(&zi2, &zi);
    fp2_mul(&r->x, &a->x, &zi2);
    fp2_mul(&zi2, &zi2, &zi);
    fp2_mul(&r->y, &a->y, &zi2);
    r->inf = false;
}

void braid_bn254_g2_dbl(braid_bn254_g2 *r, const braid_bn254_g2 *a) {
    fp2 A, B, C, D, E, F, t;
    fp2_sqr(&A, &a->x);
    fp2_sqr(&B, &a->y);
    fp2_sqr(&C, &B);
    fp2_add(&D, &a->x, &B);
    fp2_sqr(&D, &D);
    fp2_sub(&D, &D, &A);
    fp2_sub(&D, &D, &C);
    fp2_dbl(&D, &D);
    fp2_dbl(&E, &A);
    fp2_add(&E, &E, &A);
    fp2_sqr(&F, &E);
    fp2_mul(&t, &a->y, &a->z);
    fp2_dbl(&r->z, &t);
    fp2_sub(&r->x, &F, &D);
    fp2_sub(&r->x, &r->x, &D);
    fp2_sub(&t, &D, &r->x);
    fp2_mul(&t, &t, &E);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    fp2_sub(&r->y, &t, &C);
}

void braid_bn254_g2_add(braid_bn254_g2 *r, const braid_bn254_g2 *a, const braid_bn254_g2 *b) {
    if (fp2_is_zero(&a->z)) {
        *r = *b;
        return;
    }
    if (fp2_is_zero(&b->z)) {
        *r = *a;
        return;
    }
    fp2 z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    fp2_sqr(&z1z1, &a->z);
    fp2_sqr(&z2z2, &b->z);
    fp2_mul(&u1, &a->x, &z2z2);
    fp2_mul(&u2, &b->x, &z1z1);
    fp2_mul(&s1, &a->y, &b->z);
    fp2_mul(&s1, &s1, &z2z2);
    fp2_mul(&s2, &b->y, &a->z);
    fp2_mul(&s2, &s2, &z1z1);
    fp2_sub(&h, &u2, &u1);
    fp2_sub(&rr, &s2, &s1);
    if (fp2_is_zero(&h)) {
        if (fp2_is_zero(&rr))
            braid_bn254_g2_dbl(r, a);
        else
            memset(r, 0, sizeof *r);
        return;
    }
    fp2_dbl(&rr, &rr);
    fp2_dbl(&i, &h);
    fp2_sqr(&i, &i);
    fp2_mul(&j, &h, &i);
    fp2_mul(&v, &u1, &i);
    fp2_add(&t, &a->z, &b->z);
    fp2_sqr(&t, &t);
    fp2_sub(&t, &t, &z1z1);
    fp2_sub(&t, &t, &z2z2);
    fp2_mul(&r->z, &t, &h);
    fp2_sqr(&r->x, &rr);
    fp2_sub(&r->x, &r->x, &j);
    fp2_sub(&r->x, &r->x, &v);
    fp2_sub(&r->x, &r->x, &v);
    fp2_sub(&t, &v, &r->x);
    fp2_mul(&t, &t, &rr);
    fp2_mul(&s1, &s1, &j);
    fp2_dbl(&s1, &s1);
    fp2_sub(&r->y, &t, &s1);
}

void braid_bn254_g2_mul(braid_bn254_g2 *r, const braid_bn254_g2 *a, const uint64_t k[4]) {
    braid_bn254_g2 table[16], acc;
    memset(&table[0], 0, sizeof table[0]);
    table[1] = *a;
    for (int i = 2; i < 16; i++) {
        if (i % 2 == 0)
            braid_bn254_g2_dbl(&table[i], &table[i / 2]);
        else
            braid_bn254_g2_add(&table[i], &table[i - 1], a);
    }
    memset(&acc, 0, sizeof acc);
    for (int i = 63; i >= 0; i--) {
        if (!fp2_is_zero(&acc.z))
            for (int j = 0; j < 4; j++) braid_bn254_g2_dbl(&acc, &acc);
        unsigned nib = (unsigned)(k[i / 16] >> (4 * (i % 16))) & 15;
        if (nib) braid_bn254_g2_add(&acc, &acc, &table[nib]);
    }
    *r = acc;
}

bool braid_bn254_g2_eq(const braid_bn254_g2 *a, const braid_bn254_g2 *b) {
    bool ia = fp2_is_zero(&a->z), ib = fp2_is_zero(&b->z);
    if (ia || ib) return ia && ib;
    /* X1/Z1^2 = X2/Z2^2 and Y1/Z1^3 = Y2/Z2^3, cross-multiplied */
    fp2 z1s, z2s, l, r;
    fp2_sqr(&z1s, &a->z);
    fp2_sqr(&z2s, &b->z);
    fp2_mul(&l, &a->x, &z2s);
    fp2_mul(&r, &b->x, &z1s);
    if (!fp2_eq(&l, &r)) return false;
    fp2_mul(&z1s, &z1s, &a->z);
    fp2_mul(&z2s, &z2s, &b->z);
    fp2_mul(&l, &a->y, &z2s);
    fp2_mul(&r, &b->y, &z1s);
    return fp2_eq(&l, &r);
}

/* psi = untwist, p-power Frobenius, twist: (x, y) -> (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)).
 * Conjugation is a field automorphism, so it applies to Jacobian X, Y, Z separately. */
static void g2_psi(braid_bn254_g2 *r, const braid_bn254_g2 *a) {
    fp2_conj(&r->x, &a->x);
    fp2_mul(&r->x, &r->x, &braid_bn254_frob_gamma[0][1]);
    fp2_conj(&r->y, &a->y);
    fp2_mul(&r->y, &r->y, &braid_bn254_frob_gamma[0][2]);
    fp2_conj(&r->z, &a->z);
}

/* Membership test of El Housni, Guillevic and Piellard ("Co-factor clearing and subgroup membership
 * testing on pairing-friendly curves", 2022): Q is in G2 iff
 *     [u+1]Q + psi([u]Q) + psi^2([u]Q) = psi^3([2u]Q).
 * Why it is sound: psi satisfies psi^2 - t psi + p = 0 (t = 6u^2 + 1), so the polynomial above reduces
 * to alpha psi + beta, and multiplying by its conjugate shows that every solution is killed by
 * N = alpha^2 p + alpha beta t + beta^2; gcd(N, #E'(Fp2)) = gcd(N, r (2p - r)) = r, so every solution
 * has order r. Conversely psi acts on G2 as [p] and the polynomial vanishes at p mod r. (Both gcd
 * and the root were checked with exact integers.) It needs a 63-bit multiplication instead of [r]Q's
 * 254-bit one. */
bool braid_bn254_g2_in_subgroup(const braid_bn254_g2_affine *a) {
    if (a->inf) return true;
    static const uint64_t u[4] = {4965661367192848881ULL, 0, 0, 0};
    braid_bn254_g2 q, uq, lhs, t, rhs;
    braid_bn254_g2_from_affine(&q, a);
    braid_bn254_g2_mul(&uq, &q, u);
    braid_bn254_g2_add(&lhs, &uq, &q);
    g2_psi(&t, &uq);
    braid_bn254_g2_add(&lhs, &lhs, &t);
    g2_psi(&t, &t);
    braid_bn254_g2_add(&lhs, &lhs, &t);
    braid_bn254_g2_dbl(&rhs, &uq);
    g2_psi(&rhs, &rhs);
    g2_psi(&rhs, &rhs);
    g2_psi(&rhs, &rhs);
    return braid_bn254_g2_eq(&lhs, &rhs);
}
