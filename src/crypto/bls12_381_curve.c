/* G1 (E: y^2 = x^3 + 4 over Fp) and G2 (E': y^2 = x^3 + 4(u + 1) over Fp2): group law, scalar
 * multiplication, and the ZCash compressed encoding used by KZG commitments and proofs.
 *
 * Encoding (the ZCash BLS12-381 serialization, also the IETF pairing-friendly-curves draft's): the top
 * three bits of the first byte are flags: 0x80 compressed (must be set: only compressed points are
 * accepted here), 0x40 infinity (then every other bit must be zero), 0x20 sign (set when y is the
 * lexicographically larger of the two roots). The remaining bits hold x big-endian; a G2 x = x0 + x1 u
 * is written x1 first. */
#include <string.h>

#include "crypto/bls12_381.h"

/* b = 4 and b' = 4 (u + 1), Montgomery form. */
static const braid_bls_fp G1_B = {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
                                   0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}};
static const braid_bls_fp2 G2_B = {{{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
                                     0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}},
                                   {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
                                     0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}}};

/* The standard generators (IETF draft-irtf-cfrg-pairing-friendly-curves, section 4.2.1), Montgomery
 * form. G1: x = 0x17f1d3a7...db22c6bb, y = 0x08b3f481...46c5e7e1. */
const braid_bls_g1_affine braid_bls_g1_generator = {
    {{0x5cb38790fd530c16ULL, 0x7817fc679976fff5ULL, 0x154f95c7143ba1c1ULL, 0xf0ae6acdf3d0e747ULL,
      0xedce6ecc21dbf440ULL, 0x120177419e0bfb75ULL}},
    {{0xbaac93d50ce72271ULL, 0x8c22631a7918fd8eULL, 0xdd595f13570725ceULL, 0x51ac582950405194ULL,
      0x0e1c8c3fad0059c0ULL, 0x0bbc3efc5008a26aULL}},
    false};
/* G2: x0 = 0x024aa2b2...c121bdb8, x1 = 0x13e02b60...5d042b7e, y0 = 0x0ce5d527...08b82801,
 * y1 = 0x0606c4a0...f05f79be. */
const braid_bls_g2_affine braid_bls_g2_generator = {
    {{{0xf5f28fa202940a10ULL, 0xb3f5fb2687b4961aULL, 0xa1a893b53e2ae580ULL, 0x9894999d1a3caee9ULL,
       0x6f67b7631863366bULL, 0x058191924350bcd7ULL}},
     {{0xa5a9c0759e23f606ULL, 0xaaa0c59dbccd60c3ULL, 0x3bb17e18e2867806ULL, 0x1b1ab6cc8541b367ULL,
       0xc2b6ed0ef2158547ULL, 0x11922a097360edf3ULL}}},
    {{{0x4c730af860494c4aULL, 0x597cfa1f5e369c5aULL, 0xe7e6856caa0a635aULL, 0xbbefb5e96e0d495fULL,
       0x07d3a975f0ef25a2ULL, 0x0083fd8e7e80dae5ULL}},
     {{0xadc0fc92df64b05dULL, 0x18aa270a2b1461dcULL, 0x86adac6a3be4eba0ULL, 0x79495c4ec93da33aULL,
       0xe7175850a43ccaedULL, 0x0b2bc2a163de1bf2ULL}}},
    false};

#define PT(name) braid_bls_g1_##name
#define G braid_bls_g1
#define GA braid_bls_g1_affine
#define F(op) braid_bls_fp_##op
#define FE braid_bls_fp
#define CURVE_B (&G1_B)
#include "crypto/bls12_381_point.inc"
#undef PT
#undef G
#undef GA
#undef F
#undef FE
#undef CURVE_B

#define PT(name) braid_bls_g2_##name
#define G braid_bls_g2
#define GA braid_bls_g2_affine
#define F(op) braid_bls_fp2_##op
#define FE braid_bls_fp2
#define CURVE_B (&G2_B)
#include "crypto/bls12_381_point.inc"
#undef PT
#undef G
#undef GA
#undef F
#undef FE
#undef CURVE_B

/* beta, a primitive cube root of unity in Fp (Montgomery form), chosen so that
 * sigma(x, y) = (beta x, y) acts on G1 as multiplication by -x^2 (x the curve parameter). */
static const braid_bls_fp BETA = {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
                                   0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}};

/* P in G1 iff sigma(P) + [x^2]P = O (Scott, ePrint 2021/1130). Necessity: sigma acts as -x^2 on G1.
 * Sufficiency: sigma^2 + sigma + 1 = 0, so (sigma + c)(sigma^2 + c) = c^2 - c + 1, which for c = x^2 is
 * x^4 - x^2 + 1 = r; hence sigma(P) = -[c]P forces [r]P = O. This holds for either cube root, so a
 * wrong beta could only reject valid points (the tests would see), never accept invalid ones. Two
 * multiplications by the 64-bit, weight-6 |x| replace one by the 255-bit r. */
bool braid_bls_g1_in_subgroup(const braid_bls_g1 *a) {
    static const uint64_t x_abs = 0xd201000000010000ULL;
    braid_bls_g1 t, s;
    braid_bls_g1_mul(&t, a, &x_abs, 1);
    braid_bls_g1_mul(&t, &t, &x_abs, 1);
    braid_bls_fp_mul(&s.x, &a->x, &BETA); /* sigma in Jacobian coordinates scales X only */
    s.y = a->y;
    s.z = a->z;
    braid_bls_g1_add(&t, &t, &s);
    return braid_bls_g1_is_inf(&t);
}

enum { FLAG_COMPRESSED = 0x80, FLAG_INFINITY = 0x40, FLAG_SIGN = 0x20 };

/* Checks the flag byte; returns 1 for a well-formed infinity, 0 for a finite point whose x follows,
 * -1 for a malformed encoding. */
static int parse_flags(const uint8_t *in, size_t len) {
    if (!(in[0] & FLAG_COMPRESSED)) return -1;
    if (!(in[0] & FLAG_INFINITY)) return 0;
    if (in[0] != (FLAG_COMPRESSED | FLAG_INFINITY)) return -1; /* sign and x bits must be clear */
    for (size_t i = 1; i < len; i++) {
        if (in[i]) return -1;
    }
    return 1;
}

int braid_bls_g1_decompress(braid_bls_g1_affine *r, const uint8_t in[48]) {
    int kind = parse_flags(in, 48);
    if (kind < 0) return -1;
    if (kind == 1) {
        memset(r, 0, sizeof *r);
        r->inf = true;
        return 0;
    }
    uint8_t xb[48];
    memcpy(xb, in, 48);
    xb[0] &= 0x1f;
    braid_bls_g1_affine p = {.inf = false};
    if (braid_bls_fp_from_bytes(&p.x, xb) != 0) return -1;
    braid_bls_fp rhs;
    braid_bls_fp_sqr(&rhs, &p.x);
    braid_bls_fp_mul(&rhs, &rhs, &p.x);
    braid_bls_fp_add(&rhs, &rhs, &G1_B);
    if (!braid_bls_fp_sqrt(&p.y, &rhs)) return -1; /* x is not on the curve */
    if (braid_bls_fp_is_larger(&p.y) != !!(in[0] & FLAG_SIGN)) braid_bls_fp_neg(&p.y, &p.y);
    braid_bls_g1 j;
    braid_bls_g1_from_affine(&j, &p);
    if (!braid_bls_g1_in_subgroup(&j)) return -1;
    *r = p;
    return 0;
}

void braid_bls_g1_compress(uint8_t out[48], const braid_bls_g1_affine *a) {
    if (a->inf) {
        memset(out, 0, 48);
        out[0] = FLAG_COMPRESSED | FLAG_INFINITY;
        return;
    }
    braid_bls_fp_to_bytes(out, &a->x);
    out[0] |= FLAG_COMPRESSED;
    if (braid_bls_fp_is_larger(&a->y)) out[0] |= FLAG_SIGN;
}

int braid_bls_g2_decompress(braid_bls_g2_affine *r, const uint8_t in[96]) {
    int kind = parse_flags(in, 96);
    if (kind < 0) return -1;
    if (kind == 1) {
        memset(r, 0, sizeof *r);
        r->inf = true;
        return 0;
    }
    uint8_t xb[48];
    memcpy(xb, in, 48);
    xb[0] &= 0x1f;
    braid_bls_g2_affine p = {.inf = false};
    if (braid_bls_fp_from_bytes(&p.x.c1, xb) != 0) return -1;
    if (braid_bls_fp_from_bytes(&p.x.c0, in + 48) != 0) return -1;
    braid_bls_fp2 rhs;
    braid_bls_fp2_sqr(&rhs, &p.x);
    braid_bls_fp2_mul(&rhs, &rhs, &p.x);
    braid_bls_fp2_add(&rhs, &rhs, &G2_B);
    if (!braid_bls_fp2_sqrt(&p.y, &rhs)) return -1;
    if (braid_bls_fp2_is_larger(&p.y) != !!(in[0] & FLAG_SIGN)) braid_bls_fp2_neg(&p.y, &p.y);
    braid_bls_g2 j;
    braid_bls_g2_from_affine(&j, &p);
    if (!braid_bls_g2_has_order_r(&j)) return -1;
    *r = p;
    return 0;
}

void braid_bls_g2_compress(uint8_t out[96], const braid_bls_g2_affine *a) {
    if (a->inf) {
        memset(out, 0, 96);
        out[0] = FLAG_COMPRESSED | FLAG_INFINITY;
        return;
    }
    braid_bls_fp_to_bytes(out, &a->x.c1);
    braid_bls_fp_to_bytes(out + 48, &a->x.c0);
    out[0] |= FLAG_COMPRESSED;
    if (braid_bls_fp2_is_larger(&a->y)) out[0] |= FLAG_SIGN;
}
