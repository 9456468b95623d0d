/* The optimal ate pairing on bn254 (Vercauteren, "Optimal pairings", 2010):
 *
 *   e(P, Q) = (f_{6u+2,Q}(P) * l_{T,pi(Q)}(P) * l_{T+pi(Q),-pi^2(Q)}(P))^((p^12 - 1)/r)
 *
 * with u = 4965661367192848881 and T = [6u+2]Q. Q stays on the twist during the Miller loop, in
 * homogeneous projective coordinates (x = X/Z, y = Y/Z) so that no step inverts; a line through twist
 * points, mapped to E by (x, y) -> (x w^2, y w^3), only has coefficients at 1, w and w^3, which
 * fp12_mul_line exploits. Lines are scaled by convenient Fp2 factors: those vanish in the final
 * exponentiation because (p^12 - 1)/r is a multiple of p^6 - 1. */
#define BRAID_BN254_INTERNAL
#include "crypto/bn254.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_bytes.h"

/* 6u + 2 in non-adjacent form, most significant digit first; the leading 1 is the initial T = Q. */
static const signed char ate_naf[66] = {
    1, 0, -1, 0, 1,  0, 0, 0, -1, 0, -1, 0, 0,  0, -1, 0, 1, 0, -1, 0, 0,  -1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1,
    0, 0, -1, 0, 0,  0, 0, -1, 0, 1, 0,  0, 0, -1, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, 1,  0, 0, 0};

/* u in non-adjacent form, most significant digit first. */
static const signed char u_naf[63] = {1, 0, 0, 0, 1,  0, 1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0, 0, 1,  0, 1,
                                      0, -1, 0, -1, 0, -1, 0, 1, 0, 0,  0, 1, 0, 0, 1, 0, 1, 0, 1, 0, -1,
                                      0, 1, 0, 0,  1, 0, 0, 0, 0, 1,  0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 1};

/* One pair's Miller-loop state. P is kept as the few Fp values the line formulas consume. */
typedef struct {
    fp2 X, Y, Z;       /* T */
    fp2 qx, qy, nqy;   /* Q affine and -Q's y */
    fp neg_py, px3, px, py;
} miller_pair;

/* T <- 2T, returning the tangent line at T evaluated at P as (l0, l1, l2).
 * With A = XY/2, B = Y^2, C = Z^2, E = 3b'C, F = 3E, G = (B + F)/2, H = (Y + Z)^2 - B - C:
 *   2T = (A (B - F), G^2 - 3E^2, B H)
 * and, multiplying the affine tangent y_P - lambda x_P w + (lambda x - y) w^3 by 2YZ^2 and using the
 * curve equation to cancel a factor Z, the line is -H y_P + 3X^2 x_P w + (E - B) w^3. */
static void dbl_step(miller_pair *s, fp2 *l0, fp2 *l1, fp2 *l2) {
    fp2 A, B, C, E, F, G, H, t;
    fp2_mul(&A, &s->X, &s->Y);
    fp2_half(&A, &A);
    fp2_sqr(&B, &s->Y);
    fp2_sqr(&C, &s->Z);
    fp2_mul(&E, &C, &braid_bn254_twist_b);
    fp2_dbl(&t, &E);
    fp2_add(&E, &t, &E);
    fp2_dbl(&F, &E);
    fp2_add(&F, &F, &E);
    fp2_add(&G, &B, &F);
    fp2_half(&G, &G);
    fp2_add(&H, &s->Y, &s->Z);
    fp2_sqr(&H, &H);
    fp2_sub(&H, &H, &B);
    fp2_sub(&H, &H, &C);

    fp2_sub(l2, &E, &B);
    fp2_sqr(&t, &s->X);
    fp2_mul_fp(l1, &t, &s->px3);
    fp2_mul_fp(l0, &H, &s->neg_py);

    fp2_sub(&t, &B, &F);
    fp2_mul(&s->X, &A, &t);
    fp2_sqr(&G, &G);
    fp2_sqr(&t, &E);
    fp2_dbl(&E, &t);
    fp2_add(&t, &E, &t);
    fp2_sub(&s->Y, &G, &t);
    fp2_mul(&s->Z, &B, &H);
}

/* T <- T + R for affine R = (rx, ry), returning the chord through T and R at P.
 * theta = Y - ry Z and lambda = X - rx Z are the numerator and denominator of the slope; with
 * C = theta^2, D = lambda^2, E = lambda^3, F = Z C, G = X D, H = E + F - 2G:
 *   T + R = (lambda H, theta (G - H) - Y E, Z E)
 * and the line scaled by lambda is lambda y_P - theta x_P w + (theta rx - lambda ry) w^3. */
static void add_step(miller_pair *s, const fp2 *rx, const fp2 *ry, fp2 *l0, fp2 *l1, fp2 *l2) {
    fp2 theta, lambda, C, D, E, F, G, H, t;
    fp2_mul(&t, ry, &s->Z);
    fp2_sub(&theta, &s->Y, &t);
    fp2_mul(&t, rx, &s->Z);
    fp2_sub(&lambda, &s->X, &t);

    fp2_mul(l2, &theta, rx);
    fp2_mul(&t, &lambda, ry);
    fp2_sub(l2, l2, &t);
    fp2_mul_fp(l1, &theta, &s->px);
    fp2_neg(l1, l1);
    fp2_mul_fp(l0, &lambda, &s->py);

    fp2_sqr(&C, &theta);
    fp2_sqr(&D, &lambda);
    fp2_mul(&E, &lambda, &D);
    fp2_mul(&F, &s->Z, &C);
    fp2_mul(&G, &s->X, &D);
    fp2_add(&H, &E, &F);
    fp2_sub(&H, &H, &G);
    fp2_sub(&H, &H, &G);
    fp2_mul(&s->X, &lambda, &H);
    fp2_sub(&t, &G, &H);
    fp2_mul(&t, &t, &theta);
    fp2_mul(&G, &s->Y, &E);
    fp2_sub(&s->Y, &t, &G);
    fp2_mul(&s->Z, &s->Z, &E);
}

static void pair_init(miller_pair *s, const braid_bn254_g1_affine *p, const braid_bn254_g2_affine *q) {
    s->qx = q->x;
    s->qy = q->y;
    fp2_neg(&s->nqy, &q->y);
    s->X = q->x;
    s->Y = q->y;
    memset(&s->Z, 0, sizeof s->Z);
    s->Z.c0 = braid_bn254_fp_one;
    s->px = p->x;
    s->py = p->y;
    fp_neg(&s->neg_py, &p->y);
    fp_add(&s->px3, &p->x, &p->x);
    fp_add(&s->px3, &s->px3, &p->x);
}

/* The product of the Miller functions of n pairs, sharing the squarings of the accumulator.
 * Pairs with an infinite point contribute 1 and are skipped by the caller. */
static void miller_loop(fp12 *f, miller_pair *pairs, size_t n) {
    fp2 l0, l1, l2;
    braid_bn254_fp12_one(f);
    for (size_t i = 1; i < sizeof ate_naf; i++) {
        if (i > 1) fp12_sqr(f, f);
        for (size_t k = 0; k < n; k++) {
            miller_pair *s = &pairs[k];
            dbl_step(s, &l0, &l1, &l2);
            fp12_mul_line(f, f, &l0, &l1, &l2);
            if (ate_naf[i] != 0) {
                add_step(s, &s->qx, ate_naf[i] > 0 ? &s->qy : &s->nqy, &l0, &l1, &l2);
                fp12_mul_line(f, f, &l0, &l1, &l2);
            }
        }
    }
    /* The two correction lines: through T and pi(Q), then through T + pi(Q) and -pi^2(Q).
     * On the twist pi(x, y) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)), and pi^2 multiplies x by
     * xi^((p^2-1)/3) and y by xi^((p^2-1)/2) = -1, so -pi^2(Q) keeps Q's y. */
    const fp2 *g1 = braid_bn254_frob_gamma[0], *g2 = braid_bn254_frob_gamma[1];
    for (size_t k = 0; k < n; k++) {
        miller_pair *s = &pairs[k];
        fp2 x1, y1, x2;
        fp2_conj(&x1, &s->qx);
        fp2_mul(&x1, &x1, &g1[1]);
        fp2_conj(&y1, &s->qy);
        fp2_mul(&y1, &y1, &g1[2]);
        fp2_mul_fp(&x2, &s->qx, &g2[1].c0);
        add_step(s, &x1, &y1, &l0, &l1, &l2);
        fp12_mul_line(f, f, &l0, &l1, &l2);
        add_step(s, &x2, &s->qy, &l0, &l1, &l2);
        fp12_mul_line(f, f, &l0, &l1, &l2);
    }
}

/* a^u for a in the cyclotomic subgroup, where the inverse is the conjugate. */
static void cyclotomic_pow_u(fp12 *r, const fp12 *a) {
    fp12 acc = *a, inv;
    fp12_conj(&inv, a);
    for (size_t i = 1; i < sizeof u_naf; i++) {
        fp12_cyclotomic_sqr(&acc, &acc);
        if (u_naf[i] > 0) fp12_mul(&acc, &acc, a);
        if (u_naf[i] < 0) fp12_mul(&acc, &acc, &inv);
    }
    *r = acc;
}

/* f^((p^12 - 1)/r) = f^((p^6 - 1)(p^2 + 1) * (p^4 - p^2 + 1)/r).
 * The hard part uses (p^4 - p^2 + 1)/r = p^3 + (6u^2 + 1) p^2 + (-36u^3 - 18u^2 - 12u + 1) p
 * + (-36u^3 - 30u^2 - 18u - 2), evaluated with the addition chain of Scott, Benger, Charlemagne,
 * Dominguez Perez and Kachisa ("On the final exponentiation for calculating pairings on ordinary
 * elliptic curves", 2009): y0 y1^2 y2^6 y3^12 y4^18 y5^30 y6^36. */
static void final_exp(fp12 *r, const fp12 *f) {
    fp12 t, a, b;
    /* easy part; afterwards t is in the cyclotomic subgroup */
    fp12_conj(&a, f);
    braid_bn254_fp12_inv(&b, f);
    fp12_mul(&t, &a, &b);
    fp12_frob(&a, &t, 2);
    fp12_mul(&t, &a, &t);

    fp12 fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6;
    cyclotomic_pow_u(&fu, &t);
    cyclotomic_pow_u(&fu2, &fu);
    cyclotomic_pow_u(&fu3, &fu2);

    fp12_frob(&y0, &t, 1);
    fp12_frob(&a, &t, 2);
    fp12_mul(&y0, &y0, &a);
    fp12_frob(&a, &t, 3);
    fp12_mul(&y0, &y0, &a);
    fp12_conj(&y1, &t);
    fp12_frob(&y2, &fu2, 2);
    fp12_frob(&y3, &fu, 1);
    fp12_conj(&y3, &y3);
    fp12_frob(&y4, &fu2, 1);
    fp12_mul(&y4, &y4, &fu);
    fp12_conj(&y4, &y4);
    fp12_conj(&y5, &fu2);
    fp12_frob(&y6, &fu3, 1);
    fp12_mul(&y6, &y6, &fu3);
    fp12_conj(&y6, &y6);

    fp12 t0, t1;
    fp12_cyclotomic_sqr(&t0, &y6);
    fp12_mul(&t0, &t0, &y4);
    fp12_mul(&t0, &t0, &y5);
    fp12_mul(&t1, &y3, &y5);
    fp12_mul(&t1, &t1, &t0);
    fp12_mul(&t0, &t0, &y2);
    fp12_cyclotomic_sqr(&t1, &t1);
    fp12_mul(&t1, &t1, &t0);
    fp12_cyclotomic_sqr(&t1, &t1);
    fp12_mul(&t0, &t1, &y1);
    fp12_mul(&t1, &t1, &y0);
    fp12_cyclotomic_sqr(&t0, &t0);
    fp12_mul(r, &t0, &t1);
}

void braid_bn254_pairing(fp12 *r, const braid_bn254_g1_affine *p, const braid_bn254_g2_affine *q) {
    if (p->inf || q->inf) {
        braid_bn254_fp12_one(r);
        return;
    }
    miller_pair s;
    fp12 f;
    pair_init(&s, p, q);
    miller_loop(&f, &s, 1);
    final_exp(r, &f);
}

bool braid_bn254_pairing_check(const braid_bn254_g1_affine *p, const braid_bn254_g2_affine *q, size_t n) {
    miller_pair stack[4];
    miller_pair *pairs = n <= 4 ? stack : braid_xmalloc(n * sizeof *pairs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!p[i].inf && !q[i].inf) pair_init(&pairs[m++], &p[i], &q[i]);
    bool ok = true;
    if (m > 0) {
        fp12 f, e;
        miller_loop(&f, pairs, m);
        final_exp(&e, &f);
        ok = braid_bn254_fp12_is_one(&e);
    }
    if (pairs != stack) free(pairs);
    return ok;
}
