/* BLS12-381 arithmetic, the pairing, KZG proof verification and the point evaluation precompile. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "braid/braid_bytes.h"
#include "braid/braid_precompile.h"
#include "crypto/bls12_381.h"
#include "test_util.h"

/* Compressed generators, as published in the ZCash BLS12-381 notes and the IETF pairing-friendly-curves
 * draft (the G2 one is also the first G2 point of the trusted setup). */
static const char *G1_GEN_HEX =
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3"
    "af00adb22c6bb";
static const char *G2_GEN_HEX =
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5"
    "ac7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac"
    "0326a805bbefd48056c8c121bdb8";

static void hex(const char *h, uint8_t *out, size_t n) {
    if (braid_hex_decode_fixed(h, out, n) != 0) {
        fprintf(stderr, "bad hex constant %s\n", h);
        exit(2);
    }
}

/* Deterministic pseudo-random values (xorshift64*), reduced into Fp by the decoder's range check. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}
static void rand_fp(braid_bls_fp *r) {
    uint8_t b[48];
    do {
        for (int i = 0; i < 48; i++)
            b[i] = (uint8_t)rnd();
        b[0] &= 0x1f;
    } while (braid_bls_fp_from_bytes(r, b) != 0);
}
static void rand_fp12(braid_bls_fp12 *r) {
    braid_bls_fp *f = (braid_bls_fp *)r;
    for (int i = 0; i < 12; i++)
        rand_fp(&f[i]);
}

/* ---- (1) the embedded [tau]G2 against the trusted setup file ---- */
static void test_trusted_setup(void) {
    FILE *f = fopen(SHARED_PATH("fixtures/kzg/trusted_setup.txt"), "r");
    CHECKF(f != NULL, "cannot open trusted_setup.txt");
    if (!f) return;
    /* Layout: n_g1, n_g2, then n_g1 G1 points, then n_g2 G2 points (then monomial G1 points). */
    char line[512];
    unsigned n_g1 = 0, n_g2 = 0;
    CHECK(fgets(line, sizeof line, f) && sscanf(line, "%u", &n_g1) == 1);
    CHECK(fgets(line, sizeof line, f) && sscanf(line, "%u", &n_g2) == 1);
    CHECK(n_g1 == 4096 && n_g2 >= 2);
    for (unsigned i = 0; i < n_g1; i++) {
        if (!fgets(line, sizeof line, f)) break;
    }
    uint8_t g2[2][96];
    for (int i = 0; i < 2; i++) {
        CHECK(fgets(line, sizeof line, f) != NULL);
        line[strcspn(line, "\r\n")] = 0;
        CHECKF(braid_hex_decode_fixed(line, g2[i], 96) == 0, "G2 line %d: %s", i, line);
    }
    fclose(f);
    uint8_t gen[96];
    hex(G2_GEN_HEX, gen, 96);
    CHECK_MEM(g2[0], gen, 96);
    CHECK_MEM(g2[1], braid_kzg_tau_g2_bytes, 96);
    const braid_bls_g2_affine *tau = braid_kzg_tau_g2();
    uint8_t again[96];
    braid_bls_g2_compress(again, tau);
    CHECK_MEM(again, braid_kzg_tau_g2_bytes, 96);
}

/* ---- (2) the c-kzg-4844 verify_kzg_proof vectors ---- */
static int vectors_total, vectors_passed;

/* Pulls the quoted hex value of `key:` out of a small YAML file; NULL when absent. */
static const char *yaml_value(const char *text, const char *key, char *buf, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "%s:", key);
    const char *p = text;
    while ((p = strstr(p, pat)) != NULL) {
        if (p == text || p[-1] == ' ' || p[-1] == '\n') break;
        p++;
    }
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == '\'' || *p == '"')
        p++;
    size_t n = 0;
    while (p[n] && p[n] != '\'' && p[n] != '"' && p[n] != '\n' && p[n] != '\r' && p[n] != ' ')
        n++;
    if (n >= cap) n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = 0;
    return buf;
}

static void run_vector(const char *dir, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;

    char v[256];
    int expect; /* 1 true, 0 false, -1 null */
    if (!yaml_value(text, "output", v, sizeof v)) {
        CHECKF(0, "%s: no output", dir);
        return;
    }
    expect = strcmp(v, "true") == 0 ? 1 : strcmp(v, "false") == 0 ? 0 : -1;

    uint8_t commitment[48], z[32], y[32], proof[48];
    /* A field of the wrong length is malformed input, rejected before any arithmetic. */
    bool ok = yaml_value(text, "commitment", v, sizeof v) && braid_hex_decode_fixed(v, commitment, 48) == 0 &&
              yaml_value(text, "z", v, sizeof v) && braid_hex_decode_fixed(v, z, 32) == 0 &&
              yaml_value(text, "y", v, sizeof v) && braid_hex_decode_fixed(v, y, 32) == 0 &&
              yaml_value(text, "proof", v, sizeof v) && braid_hex_decode_fixed(v, proof, 48) == 0;
    int got = ok ? braid_kzg_verify_proof(commitment, z, y, proof) : -1;
    vectors_total++;
    if (got == expect) vectors_passed++;
    CHECKF(got == expect, "%s: got %d, expected %d", dir, got, expect);

    /* The precompile agrees: success exactly for valid proofs. */
    if (ok) {
        uint8_t in[192];
        uint8_t h[32];
        SHA256(commitment, 48, h);
        h[0] = 0x01;
        memcpy(in, h, 32);
        memcpy(in + 32, z, 32);
        memcpy(in + 64, y, 32);
        memcpy(in + 96, commitment, 48);
        memcpy(in + 144, proof, 48);
        braid_buf out;
        braid_buf_init(&out);
        int rc = braid_pc_point_evaluation_run(in, sizeof in, &out);
        CHECKF(rc == (expect == 1 ? 0 : -1), "%s: precompile rc %d", dir, rc);
        braid_buf_free(&out);
    }
}

/* Walks case directories (any depth up to 3) and runs every data.yaml found. */
static void walk_vectors(const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, "data.yaml") == 0) {
            run_vector(dir, path);
        } else if (depth < 3) {
            walk_vectors(path, depth + 1);
        }
    }
    closedir(d);
}

static void test_vectors(void) {
    walk_vectors(SHARED_PATH("fixtures/kzg/verify_kzg_proof"), 0);
    CHECKF(vectors_total >= 100, "only %d vectors found", vectors_total);
    printf("kzg: verify_kzg_proof vectors: %d/%d passed\n", vectors_passed, vectors_total);
}

/* ---- (3) the precompile entry point ---- */
static const char *VALID_COMMITMENT =
    "b49d88afcd7f6c61a8ea69eff5f609d2432b47e7e4cd50b02cdddb4e0c1460517e8df02e4e64dc55e3d"
    "8ca192d57193a";
static const char *VALID_Z = "0000000000000000000000000000000000000000000000000000000000000001";
static const char *VALID_Y = "443e7af5274b52214ea6c775908c54519fea957eecd98069165a8b771082fd51";
static const char *VALID_PROOF =
    "a060b350ad63d61979b80b25258e7cc6caf781080222e0209b4a0b074decca874afc5c41de3313d8ed"
    "217d905e6ada43";

static void test_precompile(void) {
    uint8_t in[193];
    hex(VALID_Z, in + 32, 32);
    hex(VALID_Y, in + 64, 32);
    hex(VALID_COMMITMENT, in + 96, 48);
    hex(VALID_PROOF, in + 144, 48);
    SHA256(in + 96, 48, in);
    in[0] = 0x01;
    in[192] = 0;

    braid_buf out;
    braid_buf_init(&out);
    CHECK(braid_pc_point_evaluation_gas(in, 192, BRAID_FORK_CANCUN) == 50000);
    CHECK(braid_pc_point_evaluation_gas(in, 0, BRAID_FORK_CANCUN) == 50000);
    CHECK(braid_pc_point_evaluation_run(in, 192, &out) == 0);
    uint8_t expect[64] = {0};
    expect[30] = 0x10;
    hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", expect + 32, 32);
    CHECK(out.len == 64 && memcmp(out.data, expect, 64) == 0);

    CHECK(braid_pc_point_evaluation_run(in, 191, &out) == -1 && out.len == 0);
    CHECK(braid_pc_point_evaluation_run(in, 193, &out) == -1 && out.len == 0);
    CHECK(braid_pc_point_evaluation_run(in, 0, &out) == -1 && out.len == 0);

    uint8_t bad[192];
    memcpy(bad, in, 192);
    bad[0] = 0x02; /* wrong version */
    CHECK(braid_pc_point_evaluation_run(bad, 192, &out) == -1);
    memcpy(bad, in, 192);
    bad[31] ^= 1; /* hash of another commitment */
    CHECK(braid_pc_point_evaluation_run(bad, 192, &out) == -1);
    memcpy(bad, in, 192);
    hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", bad + 64, 32); /* y = r */
    CHECK(braid_pc_point_evaluation_run(bad, 192, &out) == -1);
    memcpy(bad, in, 192);
    hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", bad + 32, 32); /* z = r */
    CHECK(braid_pc_point_evaluation_run(bad, 192, &out) == -1);
    memcpy(bad, in, 192);
    bad[64 + 31] ^= 1; /* another y: a well-formed but false claim */
    CHECK(braid_pc_point_evaluation_run(bad, 192, &out) == -1);
    braid_buf_free(&out);
}

/* ---- (4) algebraic self-checks ---- */
static void test_fields(void) {
    for (int i = 0; i < 20; i++) {
        braid_bls_fp a, b, c;
        rand_fp(&a);
        braid_bls_fp_inv(&b, &a);
        braid_bls_fp_mul(&c, &a, &b);
        CHECK(braid_bls_fp_eq(&c, &braid_bls_fp_one_v));
        braid_bls_fp_sqr(&b, &a);
        CHECK(braid_bls_fp_sqrt(&c, &b));
        braid_bls_fp_sqr(&c, &c);
        CHECK(braid_bls_fp_eq(&c, &b));
        uint8_t bytes[48];
        braid_bls_fp_to_bytes(bytes, &a);
        CHECK(braid_bls_fp_from_bytes(&b, bytes) == 0 && braid_bls_fp_eq(&a, &b));

        braid_bls_fp2 x, y, s;
        rand_fp(&x.c0);
        rand_fp(&x.c1);
        braid_bls_fp2_sqr(&y, &x);
        CHECK(braid_bls_fp2_sqrt(&s, &y));
        braid_bls_fp2_sqr(&s, &s);
        CHECK(braid_bls_fp2_eq(&s, &y));
        braid_bls_fp2_inv(&s, &x);
        braid_bls_fp2_mul(&s, &s, &x);
        braid_bls_fp2 one;
        braid_bls_fp2_one(&one);
        CHECK(braid_bls_fp2_eq(&s, &one));
        braid_bls_fp2_mul(&s, &x, &x);
        CHECK(braid_bls_fp2_eq(&s, &y));
    }
    /* -1 is a non-residue in Fp (p = 3 mod 4) but a square in Fp2 (it is u^2). */
    braid_bls_fp m1, t;
    braid_bls_fp_neg(&m1, &braid_bls_fp_one_v);
    CHECK(!braid_bls_fp_sqrt(&t, &m1));
    braid_bls_fp2 m1x = {m1, {{0}}}, r2;
    CHECK(braid_bls_fp2_sqrt(&r2, &m1x));
    /* p itself is not a canonical encoding. */
    uint8_t pb[48];
    hex("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        pb, 48);
    CHECK(braid_bls_fp_from_bytes(&t, pb) == -1);

    /* Frobenius against a^p, inverse, and the cyclotomic squaring against a plain one. */
    static const uint64_t p_limbs[6] = {0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                                        0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};
    braid_bls_fp12 a, b, c, d;
    rand_fp12(&a);
    braid_bls_fp12_pow(&b, &a, p_limbs, 6);
    braid_bls_fp12_frob(&c, &a);
    CHECK(braid_bls_fp12_eq(&b, &c));
    braid_bls_fp12_frob(&c, &c);
    braid_bls_fp12_frob2(&d, &a);
    CHECK(braid_bls_fp12_eq(&c, &d));
    braid_bls_fp12_inv(&b, &a);
    braid_bls_fp12_mul(&b, &b, &a);
    CHECK(braid_bls_fp12_is_one(&b));
    braid_bls_fp12_sqr(&b, &a);
    braid_bls_fp12_mul(&c, &a, &a);
    CHECK(braid_bls_fp12_eq(&b, &c));
    /* Into the cyclotomic subgroup with the easy part of the final exponentiation. */
    braid_bls_fp12_inv(&b, &a);
    braid_bls_fp12_conj(&c, &a);
    braid_bls_fp12_mul(&c, &c, &b);
    braid_bls_fp12_frob2(&b, &c);
    braid_bls_fp12_mul(&c, &b, &c);
    braid_bls_fp12_sqr(&b, &c);
    braid_bls_fp12_cyclotomic_sqr(&d, &c);
    CHECK(braid_bls_fp12_eq(&b, &d));
    /* A line multiplication matches a full one. */
    braid_bls_fp2 l0, l1, l2;
    rand_fp(&l0.c0), rand_fp(&l0.c1), rand_fp(&l1.c0), rand_fp(&l1.c1), rand_fp(&l2.c0), rand_fp(&l2.c1);
    braid_bls_fp12 line;
    memset(&line, 0, sizeof line);
    line.c0.c0 = l0;
    line.c0.c1 = l1;
    line.c1.c1 = l2;
    braid_bls_fp12_mul(&b, &a, &line);
    c = a;
    braid_bls_fp12_mul_line(&c, &l0, &l1, &l2);
    CHECK(braid_bls_fp12_eq(&b, &c));
}

static void test_curves(void) {
    uint8_t enc[96], out[96];
    braid_bls_g1_affine g1;
    braid_bls_g2_affine g2;
    hex(G1_GEN_HEX, enc, 48);
    CHECK(braid_bls_g1_decompress(&g1, enc) == 0);
    CHECK(!g1.inf && braid_bls_fp_eq(&g1.x, &braid_bls_g1_generator.x) &&
          braid_bls_fp_eq(&g1.y, &braid_bls_g1_generator.y));
    braid_bls_g1_compress(out, &braid_bls_g1_generator);
    CHECK_MEM(out, enc, 48);
    CHECK(braid_bls_g1_affine_on_curve(&braid_bls_g1_generator));
    hex(G2_GEN_HEX, enc, 96);
    CHECK(braid_bls_g2_decompress(&g2, enc) == 0);
    CHECK(!g2.inf && braid_bls_fp2_eq(&g2.x, &braid_bls_g2_generator.x) &&
          braid_bls_fp2_eq(&g2.y, &braid_bls_g2_generator.y));
    braid_bls_g2_compress(out, &braid_bls_g2_generator);
    CHECK_MEM(out, enc, 96);
    CHECK(braid_bls_g2_affine_on_curve(&braid_bls_g2_generator));

    /* Generator orders: [r]G = O, while G itself and [r-1]G = -G are finite. */
    braid_bls_g1 j1, t1, n1;
    braid_bls_g1_from_affine(&j1, &braid_bls_g1_generator);
    CHECK(!braid_bls_g1_is_inf(&j1) && braid_bls_g1_in_subgroup(&j1));
    uint64_t rm1[4];
    memcpy(rm1, braid_bls_r, sizeof rm1);
    rm1[0] -= 1;
    braid_bls_g1_mul(&t1, &j1, rm1, 4);
    braid_bls_g1_neg(&n1, &j1);
    CHECK(braid_bls_g1_eq(&t1, &n1));
    braid_bls_g2 j2, t2, n2;
    braid_bls_g2_from_affine(&j2, &braid_bls_g2_generator);
    CHECK(!braid_bls_g2_is_inf(&j2) && braid_bls_g2_has_order_r(&j2));
    braid_bls_g2_mul(&t2, &j2, rm1, 4);
    braid_bls_g2_neg(&n2, &j2);
    CHECK(braid_bls_g2_eq(&t2, &n2));

    /* Group law: [a]P + [b]P = [a+b]P, P + P = 2P, P + (-P) = O, and affine round trips. */
    uint64_t ka = 0x123456789abcdefULL, kb = 0xfedcba987654321ULL, kab = ka + kb;
    braid_bls_g1 pa, pb, pab;
    braid_bls_g1_mul(&pa, &j1, &ka, 1);
    braid_bls_g1_mul(&pb, &j1, &kb, 1);
    braid_bls_g1_add(&pa, &pa, &pb);
    braid_bls_g1_mul(&pab, &j1, &kab, 1);
    CHECK(braid_bls_g1_eq(&pa, &pab));
    braid_bls_g1_add(&pa, &j1, &j1);
    braid_bls_g1_dbl(&pb, &j1);
    CHECK(braid_bls_g1_eq(&pa, &pb));
    braid_bls_g1_add(&pa, &j1, &n1);
    CHECK(braid_bls_g1_is_inf(&pa));
    braid_bls_g1_affine aff;
    braid_bls_g1_to_affine(&aff, &pab);
    CHECK(braid_bls_g1_affine_on_curve(&aff));
    braid_bls_g1_compress(out, &aff);
    braid_bls_g1_affine back;
    CHECK(braid_bls_g1_decompress(&back, out) == 0 && braid_bls_fp_eq(&back.y, &aff.y));
    braid_bls_g2 qa, qb, qab;
    braid_bls_g2_mul(&qa, &j2, &ka, 1);
    braid_bls_g2_mul(&qb, &j2, &kb, 1);
    braid_bls_g2_add(&qa, &qa, &qb);
    braid_bls_g2_mul(&qab, &j2, &kab, 1);
    CHECK(braid_bls_g2_eq(&qa, &qab));
    braid_bls_g2_affine aff2, back2;
    braid_bls_g2_to_affine(&aff2, &qab);
    braid_bls_g2_neg(&qab, &qab); /* flip the sign bit */
    braid_bls_g2_to_affine(&aff2, &qab);
    braid_bls_g2_compress(out, &aff2);
    CHECK(braid_bls_g2_decompress(&back2, out) == 0 && braid_bls_fp2_eq(&back2.y, &aff2.y));

    /* [a]P + [b]Q with the joint ladder. */
    uint64_t k2a[2] = {ka, kb}, k2b[2] = {kb, ka};
    braid_bls_g1 m2, m2a, m2b;
    braid_bls_g1_mul2(&m2, &j1, k2a, &pab, k2b, 2);
    braid_bls_g1_mul(&m2a, &j1, k2a, 2);
    braid_bls_g1_mul(&m2b, &pab, k2b, 2);
    braid_bls_g1_add(&m2a, &m2a, &m2b);
    CHECK(braid_bls_g1_eq(&m2, &m2a));

    /* The endomorphism subgroup test agrees with [r]P = O: on random points of E(Fp) (almost all
     * outside G1), on the same points with the cofactor cleared (all inside), and on G1 shifted by the
     * order-3 point (0, 2). */
    static const uint64_t h1[2] = {0x8c00aaab0000aaabULL, 0x396c8c005555e156ULL};
    int tried = 0, outside = 0;
    while (tried < 12) {
        braid_bls_g1_affine p = {.inf = false};
        rand_fp(&p.x);
        braid_bls_fp rhs;
        braid_bls_fp_sqr(&rhs, &p.x);
        braid_bls_fp_mul(&rhs, &rhs, &p.x);
        braid_bls_fp_from_u64(&p.y, 4);
        braid_bls_fp_add(&rhs, &rhs, &p.y);
        if (!braid_bls_fp_sqrt(&p.y, &rhs)) continue;
        tried++;
        braid_bls_g1 pj, cleared;
        braid_bls_g1_from_affine(&pj, &p);
        bool fast = braid_bls_g1_in_subgroup(&pj), slow = braid_bls_g1_has_order_r(&pj);
        CHECK(fast == slow);
        outside += !slow;
        braid_bls_g1_mul(&cleared, &pj, h1, 2);
        CHECK(braid_bls_g1_in_subgroup(&cleared) && braid_bls_g1_has_order_r(&cleared));
    }
    CHECK(outside >= 10);
    braid_bls_g1 three;
    braid_bls_g1_from_affine(&three, &(braid_bls_g1_affine){.inf = false});
    braid_bls_fp_from_u64(&three.y, 2); /* x = 0, y = 2, z = 1 */
    CHECK(!braid_bls_g1_in_subgroup(&three) && !braid_bls_g1_has_order_r(&three));
    braid_bls_g1_add(&three, &three, &pab);
    CHECK(!braid_bls_g1_in_subgroup(&three) && !braid_bls_g1_has_order_r(&three));

    /* Malformed encodings. */
    memset(enc, 0, 96);
    enc[0] = 0xc0;
    CHECK(braid_bls_g1_decompress(&g1, enc) == 0 && g1.inf);
    CHECK(braid_bls_g2_decompress(&g2, enc) == 0 && g2.inf);
    enc[0] = 0x40; /* infinity without the compression flag */
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1);
    enc[0] = 0xe0; /* infinity with the sign flag */
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1);
    enc[0] = 0xc0;
    enc[47] = 1; /* infinity with x bits */
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1);
    enc[95] = 1;
    enc[47] = 0;
    CHECK(braid_bls_g2_decompress(&g2, enc) == -1);
    hex(G1_GEN_HEX, enc, 48);
    enc[0] &= 0x7f; /* uncompressed flag on a 48-byte input */
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1);
    hex("9a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        enc, 48);
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1); /* x = p */
    memset(enc, 0, 48);
    enc[0] = 0x80; /* x = 0: (0, 2) lies on E but has order 3, outside G1 */
    CHECK(braid_bls_g1_decompress(&g1, enc) == -1);
    /* Points on E' outside G2: almost every x with x^3 + b' square gives one. */
    int found = 0;
    for (uint64_t x = 1; x < 50 && !found; x++) {
        braid_bls_g2_affine p = {.inf = false};
        braid_bls_fp_from_u64(&p.x.c0, x);
        braid_bls_fp_from_u64(&p.x.c1, 1);
        braid_bls_fp2 rhs;
        braid_bls_fp2_sqr(&rhs, &p.x);
        braid_bls_fp2_mul(&rhs, &rhs, &p.x);
        braid_bls_fp2 b = {{{0}}, {{0}}};
        braid_bls_fp_from_u64(&b.c0, 4);
        braid_bls_fp_from_u64(&b.c1, 4);
        braid_bls_fp2_add(&rhs, &rhs, &b);
        if (!braid_bls_fp2_sqrt(&p.y, &rhs)) continue;
        found = 1;
        CHECK(braid_bls_g2_affine_on_curve(&p));
        braid_bls_g2_compress(out, &p);
        CHECK(braid_bls_g2_decompress(&g2, out) == -1);
    }
    CHECK(found);
}

static void test_pairing(void) {
    const braid_bls_g1_affine *P = &braid_bls_g1_generator;
    const braid_bls_g2_affine *Q = &braid_bls_g2_generator;
    braid_bls_fp12 e, ea, eb, eab, t;
    braid_bls_pairing(&e, P, Q);
    CHECK(!braid_bls_fp12_is_one(&e));
    braid_bls_fp12_pow(&t, &e, braid_bls_r, 4);
    CHECK(braid_bls_fp12_is_one(&t)); /* e(P, Q) has order r */

    uint64_t a = 0xdeadbeefcafef00dULL, b = 0x0123456789abcdefULL;
    braid_bls_g1 pj, pa;
    braid_bls_g2 qj, qb;
    braid_bls_g1_from_affine(&pj, P);
    braid_bls_g2_from_affine(&qj, Q);
    braid_bls_g1_mul(&pa, &pj, &a, 1);
    braid_bls_g2_mul(&qb, &qj, &b, 1);
    braid_bls_g1_affine pa_a;
    braid_bls_g2_affine qb_a;
    braid_bls_g1_to_affine(&pa_a, &pa);
    braid_bls_g2_to_affine(&qb_a, &qb);
    /* e([a]P, [b]Q) = e(P, Q)^(ab) = e([a]P, Q)^b = e(P, [b]Q)^a */
    braid_bls_pairing(&eab, &pa_a, &qb_a);
    unsigned __int128 ab = (unsigned __int128)a * b;
    uint64_t ab_limbs[2] = {(uint64_t)ab, (uint64_t)(ab >> 64)};
    braid_bls_fp12_pow(&t, &e, ab_limbs, 2);
    CHECK(braid_bls_fp12_eq(&eab, &t));
    braid_bls_pairing(&ea, &pa_a, Q);
    braid_bls_fp12_pow(&t, &ea, &b, 1);
    CHECK(braid_bls_fp12_eq(&eab, &t));
    braid_bls_pairing(&eb, P, &qb_a);
    braid_bls_fp12_pow(&t, &eb, &a, 1);
    CHECK(braid_bls_fp12_eq(&eab, &t));

    /* Product checks: e([a]P, Q) e(-P, [a]Q) = 1, but not with a different scalar. */
    braid_bls_g2 qa;
    braid_bls_g2_mul(&qa, &qj, &a, 1);
    braid_bls_g2_affine qa_a;
    braid_bls_g2_to_affine(&qa_a, &qa);
    braid_bls_g1_affine negp = *P;
    braid_bls_fp_neg(&negp.y, &negp.y);
    CHECK(braid_bls_pairing_check2(&pa_a, Q, &negp, &qa_a));
    CHECK(!braid_bls_pairing_check2(&pa_a, Q, &negp, &qb_a));
    braid_bls_g1_affine inf = {.inf = true};
    CHECK(braid_bls_pairing_check2(&inf, Q, P, &(braid_bls_g2_affine){.inf = true}));
    CHECK(!braid_bls_pairing_check2(&inf, Q, P, Q));
}

int main(void) {
    test_fields();
    test_curves();
    test_pairing();
    test_trusted_setup();
    test_vectors();
    test_precompile();
    return test_summary("kzg");
}
