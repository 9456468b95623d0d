/* The optimal ate pairing on BLS12-381: e(P, Q) = f_{x,Q}(P)^((p^12 - 1) / r) with
 * x = -0xd201000000010000.
 *
 * Lines. G2 lives on the M-type twist E': y^2 = x^3 + b', b' = 4 xi, which maps into E(Fp12) by
 * (x', y') -> (x' / w^2, y' / w^3). Pulling the line through T (slope lambda' on E') back to E and
 * multiplying it by w^3, the line evaluated at P = (xP, yP) becomes
 *     (lambda' xT - yT) - lambda' xP v + yP v w,
 * an element with only three non-zero Fp2 coefficients. Factors in proper subfields (w^3 lies in Fp4,
 * denominators lie in Fp2) are wiped out by the final exponentiation, so lines are kept unnormalised.
 *
 * T is kept in homogeneous projective coordinates (x = X/Z, y = Y/Z) on E'. */
#include "crypto/bls12_381.h"

typedef braid_bls_fp fp;
typedef braid_bls_fp2 fp2;
typedef braid_bls_fp12 fp12;

/* |x|; the sign is applied once at the end of the Miller loop and inside the final exponentiation. */
#define X_ABS 0xd201000000010000ULL

typedef struct {
    fp2 x, y, z;
} hom_point;

/* Per pair: T, the affine Q, and P with xP negated in advance (every line uses -xP). */
typedef struct {
    hom_point t;
    fp2 qx, qy;
    fp neg_px, py;
} pair_state;

/* T = 2T and the tangent line at T. With lambda' = 3X^2 / (2YZ) and X^3 = Y^2 Z - b' Z^3, scaling the
 * line by 2YZ gives l0 = Y^2 - 3b' Z^2, l1 = -3 X^2 xP, l2 = 2 Y Z yP. The doubled point, scaled by 4:
 *   X3 = 2XY (Y^2 - 9b'Z^2), Y3 = (Y^2 + 9b'Z^2)^2 - 108 b'^2 Z^4, Z3 = 8 Y^3 Z. */
static void double_step(fp12 *f, pair_state *s) {
    hom_point *T = &s->t;
    fp2 y2, t1, x2, yz, l0, l1, l2, a, b;
    braid_bls_fp2_sqr(&y2, &T->y);
    braid_bls_fp2_sqr(&t1, &T->z);
    braid_bls_fp2_mul_xi(&t1, &t1); /* xi Z^2 */
    braid_bls_fp2_add(&a, &t1, &t1);
    braid_bls_fp2_add(&t1, &a, &t1);
    braid_bls_fp2_add(&t1, &t1, &t1);
    braid_bls_fp2_add(&t1, &t1, &t1); /* t1 = 12 xi Z^2 = 3 b' Z^2 */
    braid_bls_fp2_sqr(&x2, &T->x);
    braid_bls_fp2_mul(&yz, &T->y, &T->z);
    braid_bls_fp2_add(&yz, &yz, &yz); /* 2YZ */

    braid_bls_fp2_sub(&l0, &y2, &t1);
    braid_bls_fp2_add(&l1, &x2, &x2);
    braid_bls_fp2_add(&l1, &l1, &x2);
    braid_bls_fp2_mul_fp(&l1, &l1, &s->neg_px);
    braid_bls_fp2_mul_fp(&l2, &yz, &s->py);

    fp2 t3;
    braid_bls_fp2_add(&t3, &t1, &t1);
    braid_bls_fp2_add(&t3, &t3, &t1); /* 9 b' Z^2 */
    braid_bls_fp2_mul(&a, &T->x, &T->y);
    braid_bls_fp2_add(&a, &a, &a);
    braid_bls_fp2_sub(&b, &y2, &t3);
    braid_bls_fp2_mul(&T->x, &a, &b);
    braid_bls_fp2_add(&a, &y2, &t3);
    braid_bls_fp2_sqr(&a, &a);
    braid_bls_fp2_sqr(&b, &t1);
    braid_bls_fp2_add(&t3, &b, &b);
    braid_bls_fp2_add(&t3, &t3, &b);
    braid_bls_fp2_add(&t3, &t3, &t3);
    braid_bls_fp2_add(&t3, &t3, &t3); /* 12 (3b'Z^2)^2 = 108 b'^2 Z^4 */
    braid_bls_fp2_sub(&T->y, &a, &t3);
    braid_bls_fp2_add(&a, &y2, &y2);
    braid_bls_fp2_add(&a, &a, &a);
    braid_bls_fp2_mul(&T->z, &a, &yz); /* 4 Y^2 * 2YZ */

    braid_bls_fp12_mul_line(f, &l0, &l1, &l2);
}

/* T = T + Q and the line through them. With N = yQ Z - Y and D = xQ Z - X (lambda' = N / D), scaling
 * by D gives l0 = N xQ - D yQ, l1 = -N xP, l2 = D yP. The sum uses the homogeneous mixed-addition
 * formulas: X3 = D A, Y3 = N (D^2 X - A) - D^3 Y, Z3 = D^3 Z with A = N^2 Z - D^3 - 2 D^2 X. In the
 * Miller loop T is a multiple [k]Q with 1 < k < r, so T never equals +-Q and D is never zero. */
static void add_step(fp12 *f, pair_state *s) {
    hom_point *T = &s->t;
    fp2 n, d, l0, l1, l2, t, dd, ddd, rr, a;
    braid_bls_fp2_mul(&n, &s->qy, &T->z);
    braid_bls_fp2_sub(&n, &n, &T->y);
    braid_bls_fp2_mul(&d, &s->qx, &T->z);
    braid_bls_fp2_sub(&d, &d, &T->x);

    braid_bls_fp2_mul(&l0, &n, &s->qx);
    braid_bls_fp2_mul(&t, &d, &s->qy);
    braid_bls_fp2_sub(&l0, &l0, &t);
    braid_bls_fp2_mul_fp(&l1, &n, &s->neg_px);
    braid_bls_fp2_mul_fp(&l2, &d, &s->py);

    braid_bls_fp2_sqr(&dd, &d);
    braid_bls_fp2_mul(&ddd, &dd, &d);
    braid_bls_fp2_mul(&rr, &dd, &T->x);
    braid_bls_fp2_sqr(&a, &n);
    braid_bls_fp2_mul(&a, &a, &T->z);
    braid_bls_fp2_sub(&a, &a, &ddd);
    braid_bls_fp2_sub(&a, &a, &rr);
    braid_bls_fp2_sub(&a, &a, &rr);
    braid_bls_fp2_mul(&T->x, &d, &a);
    braid_bls_fp2_sub(&t, &rr, &a);
    braid_bls_fp2_mul(&t, &t, &n);
    braid_bls_fp2_mul(&a, &ddd, &T->y);
    braid_bls_fp2_sub(&T->y, &t, &a);
    braid_bls_fp2_mul(&T->z, &T->z, &ddd);

    braid_bls_fp12_mul_line(f, &l0, &l1, &l2);
}

/* Pairs are processed in lock step so that they share the squarings of f; longer lists are cut into
 * chunks of this many, whose results multiply. */
#define MAX_PAIRS 4

static void miller_chunk(fp12 *f, const braid_bls_g1_affine *ps, const braid_bls_g2_affine *qs, size_t n) {
    pair_state st[MAX_PAIRS];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (ps[i].inf || qs[i].inf) continue; /* e(O, Q) = e(P, O) = 1 */
        st[m].t.x = qs[i].x;
        st[m].t.y = qs[i].y;
        braid_bls_fp2_one(&st[m].t.z);
        st[m].qx = qs[i].x;
        st[m].qy = qs[i].y;
        braid_bls_fp_neg(&st[m].neg_px, &ps[i].x);
        st[m].py = ps[i].y;
        m++;
    }
    braid_bls_fp12_one(f);
    if (m == 0) return;
    /* The top bit of |x| is consumed by starting at T = Q. */
    for (int bit = 62; bit >= 0; bit--) {
        if (bit != 62) braid_bls_fp12_sqr(f, f);
        for (size_t i = 0; i < m; i++)
            double_step(f, &st[i]);
        if ((X_ABS >> bit) & 1) {
            for (size_t i = 0; i < m; i++)
                add_step(f, &st[i]);
        }
    }
    /* x < 0: f_{-|x|} equals 1 / f_{|x|} up to factors the final exponentiation removes, and on the
     * result of the easy part 1/f is the conjugate, so conjugating here is enough. */
    braid_bls_fp12_conj(f, f);
}

void braid_bls_miller_loop(fp12 *f, const braid_bls_g1_affine *ps, const braid_bls_g2_affine *qs, size_t n) {
    braid_bls_fp12_one(f);
    for (size_t i = 0; i < n; i += MAX_PAIRS) {
        fp12 g;
        miller_chunk(&g, ps + i, qs + i, n - i < MAX_PAIRS ? n - i : MAX_PAIRS);
        braid_bls_fp12_mul(f, f, &g);
    }
}

/* a^x in the cyclotomic subgroup: a^|x| by square-and-multiply, then the inverse (= conjugate). */
static void cyclotomic_exp_x(fp12 *r, const fp12 *a) {
    fp12 acc = *a;
    for (int bit = 62; bit >= 0; bit--) {
        braid_bls_fp12_cyclotomic_sqr(&acc, &acc);
        if ((X_ABS >> bit) & 1) braid_bls_fp12_mul(&acc, &acc, a);
    }
    braid_bls_fp12_conj(r, &acc);
}

/* Easy part: m = f^((p^6 - 1)(p^2 + 1)), which lands in the cyclotomic subgroup (inverse = conjugate).
 * Hard part: (p^4 - p^2 + 1) / r, computed as its multiple by 3 through the decomposition (Hayashida,
 * Hayasaka, Teruya 2020)
 *     3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3,
 * which costs five exponentiations by x and a few Frobenius maps. */
void braid_bls_final_exp(fp12 *r, const fp12 *f) {
    fp12 m, t, a, b, c;
    braid_bls_fp12_inv(&t, f);
    braid_bls_fp12_conj(&m, f);
    braid_bls_fp12_mul(&m, &m, &t); /* f^(p^6 - 1) */
    braid_bls_fp12_frob2(&t, &m);
    braid_bls_fp12_mul(&m, &t, &m); /* ^(p^2 + 1) */

    cyclotomic_exp_x(&a, &m);
    braid_bls_fp12_conj(&t, &m);
    braid_bls_fp12_mul(&a, &a, &t); /* m^(x - 1) */
    cyclotomic_exp_x(&t, &a);
    braid_bls_fp12_conj(&a, &a);
    braid_bls_fp12_mul(&a, &t, &a); /* m^((x - 1)^2) */
    cyclotomic_exp_x(&b, &a);
    braid_bls_fp12_frob(&t, &a);
    braid_bls_fp12_mul(&b, &b, &t); /* a^(x + p) */
    cyclotomic_exp_x(&c, &b);
    cyclotomic_exp_x(&c, &c);
    braid_bls_fp12_frob2(&t, &b);
    braid_bls_fp12_mul(&c, &c, &t);
    braid_bls_fp12_conj(&t, &b);
    braid_bls_fp12_mul(&c, &c, &t); /* b^(x^2 + p^2 - 1) */
    braid_bls_fp12_cyclotomic_sqr(&t, &m);
    braid_bls_fp12_mul(&t, &t, &m);
    braid_bls_fp12_mul(r, &c, &t); /* times m^3 */
}

void braid_bls_pairing(fp12 *r, const braid_bls_g1_affine *p, const braid_bls_g2_affine *q) {
    fp12 f;
    braid_bls_miller_loop(&f, p, q, 1);
    braid_bls_final_exp(r, &f);
}

bool braid_bls_pairing_check2(const braid_bls_g1_affine *p1, const braid_bls_g2_affine *q1,
                              const braid_bls_g1_affine *p2, const braid_bls_g2_affine *q2) {
    braid_bls_g1_affine ps[2] = {*p1, *p2};
    braid_bls_g2_affine qs[2] = {*q1, *q2};
    fp12 f, e;
    braid_bls_miller_loop(&f, ps, qs, 2);
    braid_bls_final_exp(&e, &f);
    return braid_bls_fp12_is_one(&e);
}
