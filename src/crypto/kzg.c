/* The EIP-4844 point evaluation precompile (address 0x0a, Cancun) and the KZG proof check behind it.
 *
 * A proof pi shows that the polynomial p committed to by C = [p(tau)]G1 takes the value y at z:
 * p(X) - y = q(X) (X - z) with pi = [q(tau)]G1, checked in the exponent as
 *     e(C - [y]G1, G2) = e(pi, [tau]G2 - [z]G2).
 * Moving the z term to the left, e(C - [y]G1 + [z]pi, G2) = e(pi, [tau]G2), keeps both G2 arguments
 * fixed, so the only scalar multiplications are the cheaper ones in G1 and no G2 point is decoded per
 * call. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "braid/braid_precompile.h"
#include "crypto/bls12_381.h"

/* [tau]G2 of the mainnet KZG ceremony: the second G2 point of the c-kzg-4844 trusted_setup.txt (the
 * first is the generator). Public data; tests/unit/test_kzg.c checks it against the file. */
const uint8_t braid_kzg_tau_g2_bytes[96] = {
    0xb5, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a, 0xf3, 0x89,
    0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce, 0x61, 0x5a, 0xc5, 0x3d,
    0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa, 0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72,
    0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14, 0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2,
    0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec, 0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b,
    0x08, 0x70, 0x41, 0xde, 0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2,
};

/* The precompile's success output: FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS (r), 32 bytes each. */
static const uint8_t success_output[64] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
};

#define VERSIONED_HASH_VERSION_KZG 0x01
#define POINT_EVALUATION_GAS 50000

static pthread_once_t tau_once = PTHREAD_ONCE_INIT;
static braid_bls_g2_affine tau_g2;

static void decode_tau(void) {
    /* A constant that fails to decode is a build defect, not an input error. */
    if (braid_bls_g2_decompress(&tau_g2, braid_kzg_tau_g2_bytes) != 0) abort();
}

const braid_bls_g2_affine *braid_kzg_tau_g2(void) {
    pthread_once(&tau_once, decode_tau);
    return &tau_g2;
}

int braid_kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                           const uint8_t proof[48]) {
    uint64_t zs[4], ys[4];
    if (!braid_bls_scalar_from_bytes(zs, z) || !braid_bls_scalar_from_bytes(ys, y)) return -1;
    braid_bls_g1_affine c, pi;
    if (braid_bls_g1_decompress(&c, commitment) != 0) return -1;
    if (braid_bls_g1_decompress(&pi, proof) != 0) return -1;

    /* lhs = C + [r - y]G1 + [z]pi, r - y being -y mod r (y < r, and y = 0 gives [r]G1 = O) */
    uint64_t neg_y[4], borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d, b1 = __builtin_sub_overflow(braid_bls_r[i], ys[i], &d);
        borrow = b1 | __builtin_sub_overflow(d, borrow, &neg_y[i]);
    }
    braid_bls_g1 lhs, g, pij;
    braid_bls_g1_from_affine(&g, &braid_bls_g1_generator);
    braid_bls_g1_from_affine(&pij, &pi);
    braid_bls_g1_mul2(&lhs, &g, neg_y, &pij, zs, 4);
    braid_bls_g1_from_affine(&g, &c);
    braid_bls_g1_add(&lhs, &lhs, &g);

    braid_bls_g1_affine lhs_a;
    braid_bls_g1_to_affine(&lhs_a, &lhs);
    braid_bls_g2_affine neg_g2 = braid_bls_g2_generator;
    braid_bls_fp2_neg(&neg_g2.y, &neg_g2.y);
    /* e(lhs, -G2) * e(pi, [tau]G2) == 1 */
    return braid_bls_pairing_check2(&lhs_a, &neg_g2, &pi, braid_kzg_tau_g2()) ? 1 : 0;
}

uint64_t braid_pc_point_evaluation_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return POINT_EVALUATION_GAS;
}

/* Input: versioned_hash(32) | z(32) | y(32) | commitment(48) | proof(48). */
int braid_pc_point_evaluation_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    if (len != 192) return -1;
    const uint8_t *versioned_hash = in, *z = in + 32, *y = in + 64, *commitment = in + 96, *proof = in + 144;
    /* kzg_to_versioned_hash: the version byte replaces the first byte of sha256(commitment). */
    uint8_t h[32];
    SHA256(commitment, 48, h);
    if (versioned_hash[0] != VERSIONED_HASH_VERSION_KZG || memcmp(versioned_hash + 1, h + 1, 31) != 0)
        return -1;
    if (braid_kzg_verify_proof(commitment, z, y, proof) != 1) return -1;
    braid_buf_append(out, success_output, sizeof success_output);
    return 0;
}
