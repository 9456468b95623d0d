/* Precompiles 0x06 ECADD, 0x07 ECMUL, 0x08 ECPAIRING over alt_bn128 (EIP-196, EIP-197), priced by
 * EIP-1108 from Istanbul on.
 *
 * Encoding: every Fp element is a 32-byte big-endian integer that must be below p; a G1 point is
 * (x, y); a G2 point is (x_im, x_re, y_im, y_re), the imaginary half first; all-zero coordinates
 * encode the point at infinity. ECADD and ECMUL read their input as if right-padded with zeros to
 * 128 / 96 bytes and ignore anything beyond. */
#include <stdlib.h>
#include <string.h>

#include "braid/braid_precompile.h"
#include "crypto/bn254.h"

#define PAIR_SIZE 192

/* Input bytes [off, off + n) with everything past `len` read as zero. */
static void padded(uint8_t *dst, const uint8_t *in, size_t len, size_t off, size_t n) {
    memset(dst, 0, n);
    if (len > off) memcpy(dst, in + off, len - off < n ? len - off : n);
}

static bool all_zero(const uint8_t *b, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= b[i];
    return acc == 0;
}

static int read_g1(braid_bn254_g1_affine *r, const uint8_t in[64]) {
    memset(r, 0, sizeof *r);
    if (all_zero(in, 64)) {
        r->inf = true;
        return 0;
    }
    if (braid_bn254_fp_from_bytes(&r->x, in) != 0 || braid_bn254_fp_from_bytes(&r->y, in + 32) != 0)
        return -1;
    /* G1 has cofactor 1: being on the curve is being in the group. */
    return braid_bn254_g1_on_curve(r) ? 0 : -1;
}

/* Parses and checks the curve equation; the (costlier) subgroup test is left to the caller. */
static int read_g2(braid_bn254_g2_affine *r, const uint8_t in[128]) {
    memset(r, 0, sizeof *r);
    if (all_zero(in, 128)) {
        r->inf = true;
        return 0;
    }
    if (braid_bn254_fp_from_bytes(&r->x.c1, in) != 0 || braid_bn254_fp_from_bytes(&r->x.c0, in + 32) != 0 ||
        braid_bn254_fp_from_bytes(&r->y.c1, in + 64) != 0 || braid_bn254_fp_from_bytes(&r->y.c0, in + 96) != 0)
        return -1;
    return braid_bn254_g2_on_curve(r) ? 0 : -1;
}

static void write_g1(braid_buf *out, const braid_bn254_g1 *a) {
    braid_bn254_g1_affine r;
    braid_bn254_g1_to_affine(&r, a);
    uint8_t *o = braid_buf_extend(out, 64);
    if (r.inf) {
        memset(o, 0, 64);
        return;
    }
    braid_bn254_fp_to_bytes(o, &r.x);
    braid_bn254_fp_to_bytes(o + 32, &r.y);
}

/* ---- 0x06 ECADD ---- */

uint64_t braid_pc_bn254_add_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return fork >= BRAID_FORK_ISTANBUL ? 150 : 500;
}

int braid_pc_bn254_add_run(const uint8_t *in, size_t len, braid_buf *out) {
    braid_buf_clear(out);
    uint8_t buf[128];
    padded(buf, in, len, 0, sizeof buf);
    braid_bn254_g1_affine a, b;
    if (read_g1(&a, buf) != 0 || read_g1(&b, buf + 64) != 0) return -1;
    braid_bn254_g1 ja, jb;
    braid_bn254_g1_from_affine(&ja, &a);
    braid_bn254_g1_from_affine(&jb, &b);
    braid_bn254_g1_add(&ja, &ja, &jb);
    write_g1(out, &ja);
    return 0;
}

/* ---- 0x07 ECMUL ---- */

uint64_t braid_pc_bn254_mul_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return fork >= BRAID_FORK_ISTANBUL ? 6000 : 40000;
}

int braid_pc_bn254_mul_run(const uint8_t *in, size_t len, braid_buf *out) {
    braid_buf_clear(out);
    uint8_t buf[96];
    padded(buf, in, len, 0, sizeof buf);
    braid_bn254_g1_affine a;
    if (read_g1(&a, buf) != 0) return -1;
    /* The scalar is used whole, not reduced mod r; for points of order r the result is the same. */
    uint64_t k[4];
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | buf[64 + (3 - i) * 8 + j];
        k[i] = w;
    }
    braid_bn254_g1 ja;
    braid_bn254_g1_from_affine(&ja, &a);
    braid_bn254_g1_mul(&ja, &ja, k);
    write_g1(out, &ja);
    return 0;
}

/* ---- 0x08 ECPAIRING ---- */

uint64_t braid_pc_bn254_pairing_gas(const uint8_t *in, size_t len, braid_fork fork) {
    uint64_t base = fork >= BRAID_FORK_ISTANBUL ? 45000 : 100000;
    uint64_t per = fork >= BRAID_FORK_ISTANBUL ? 34000 : 80000;
    uint64_t k = (uint64_t)(len / PAIR_SIZE);
    if (k > (UINT64_MAX - base) / per) return UINT64_MAX;
    return base + per * k;
}

int braid_pc_bn254_pairing_run(const uint8_t *in, size_t len, braid_buf *out) {
    braid_buf_clear(out);
    if (len % PAIR_SIZE != 0) return -1;
    size_t n = len / PAIR_SIZE;
    braid_bn254_g1_affine p_stack[4];
    braid_bn254_g2_affine q_stack[4];
    braid_bn254_g1_affine *p = n <= 4 ? p_stack : braid_xmalloc(n * sizeof *p);
    braid_bn254_g2_affine *q = n <= 4 ? q_stack : braid_xmalloc(n * sizeof *q);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const uint8_t *e = in + i * PAIR_SIZE;
        if (read_g1(&p[i], e) != 0 || read_g2(&q[i], e + 64) != 0) rc = -1;
    }
    /* Subgroup membership only after every cheap check has passed. */
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!braid_bn254_g2_in_subgroup(&q[i])) rc = -1;
    if (rc == 0) {
        uint8_t *o = braid_buf_extend(out, 32);
        memset(o, 0, 32);
        o[31] = braid_bn254_pairing_check(p, q, n) ? 1 : 0;
    }
    if (p != p_stack) free(p);
    if (q != q_stack) free(q);
    return rc;
}
