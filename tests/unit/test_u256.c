/* u256 arithmetic checked against GMP on randomised inputs skewed towards edge cases, plus a few
 * hand-written EVM cases. The PRNG has a fixed seed so any failure reproduces; failing inputs are
 * printed in hex. */
#include "braid/braid_u256.h"
#include "test_util.h"

#include <gmp.h>
#include <stdint.h>
#include <stdlib.h>

#define CASES 100000
#define MAX_REPORTED_FAILURES 10

/* ---- Deterministic inputs ---------------------------------------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* A random value of random bit width. (Each rnd call gets its own statement: the order of calls
 * within one expression is unspecified, and the sequence must not depend on the build.) */
static uint64_t rnd_narrow(void) {
    unsigned drop = rnd_below(64);
    return rnd() >> drop;
}

static braid_u256 u(uint64_t w3, uint64_t w2, uint64_t w1, uint64_t w0) { return (braid_u256){{w0, w1, w2, w3}}; }

static const braid_u256 MAX = {{~0ULL, ~0ULL, ~0ULL, ~0ULL}};

static braid_u256 pow2(unsigned k) {
    braid_u256 r = BRAID_U256_ZERO;
    r.w[k / 64] = 1ULL << (k % 64);
    return r;
}

/* Limb values that tend to sit on carry and normalisation boundaries. */
static uint64_t edge_limb(void) {
    switch (rnd_below(9)) {
    case 0: return 0;
    case 1: return ~0ULL;
    case 2: return 1;
    case 3: return 1ULL << 63;
    case 4: return (1ULL << 63) - 1;
    case 5: {
        uint64_t power = 1ULL << rnd_below(64);
        return power + rnd_below(3) - 1;
    }
    case 6: return rnd_below(16);
    default: return rnd();
    }
}

static braid_u256 gen_value(void) {
    braid_u256 v = BRAID_U256_ZERO;
    switch (rnd_below(13)) {
    case 0: {
        const braid_u256 fixed[] = {BRAID_U256_ZERO, u(0, 0, 0, 1), u(0, 0, 0, 2), MAX, u(~0ULL, ~0ULL, ~0ULL, ~1ULL),
                                    pow2(255), u(~0ULL >> 1, ~0ULL, ~0ULL, ~0ULL), u(1ULL << 63, 0, 0, 1)};
        return fixed[rnd_below(sizeof fixed / sizeof fixed[0])];
    }
    case 1: return pow2(rnd_below(256));
    case 2: return braid_u256_sub(pow2(rnd_below(256)), braid_u256_from_u64(1));
    case 3: return braid_u256_add(pow2(rnd_below(256)), braid_u256_from_u64(1));
    case 4: /* n low limbs random, the rest zero */
    {
        unsigned n = 1 + rnd_below(4);
        for (unsigned i = 0; i < n; i++) v.w[i] = rnd();
        return v;
    }
    case 5:
    case 6:
        for (int i = 0; i < 4; i++) v.w[i] = edge_limb();
        return v;
    case 7: /* sign bit set */
        for (int i = 0; i < 4; i++) v.w[i] = rnd();
        v.w[3] |= 1ULL << 63;
        return v;
    case 8: /* small negative */
        return braid_u256_sub(BRAID_U256_ZERO, braid_u256_from_u64(rnd_narrow()));
    case 9: /* random bit length */
    {
        for (int i = 0; i < 4; i++) v.w[i] = rnd();
        braid_u256 s = braid_u256_from_u64(rnd_below(256));
        braid_u256_shr(&v, &s, &v);
        return v;
    }
    case 10: return braid_u256_from_u64(rnd_narrow());
    case 11: /* a few scattered bits */
        for (unsigned n = 1 + rnd_below(4); n > 0; n--) {
            unsigned k = rnd_below(256);
            v.w[k / 64] |= 1ULL << (k % 64);
        }
        return v;
    default:
        for (int i = 0; i < 4; i++) v.w[i] = rnd();
        return v;
    }
}

/* A pair with the relationships division and comparison care about. */
static void gen_pair(braid_u256 *a, braid_u256 *b) {
    *a = gen_value();
    *b = gen_value();
    switch (rnd_below(10)) {
    case 0: *b = *a; break;
    case 1: *b = braid_u256_add(*a, braid_u256_from_u64(rnd_below(5))); break;
    case 2: *b = braid_u256_sub(*a, braid_u256_from_u64(rnd_below(5))); break;
    case 3: { /* a = b * q + r with a small-ish quotient and a remainder near b */
        braid_u256 q = braid_u256_from_u64(rnd_narrow()), t;
        braid_u256_mul(&t, b, &q);
        *a = braid_u256_add(t, rnd_below(2) ? braid_u256_sub(*b, braid_u256_from_u64(1)) : *a);
        break;
    }
    case 4: {
        braid_u256 s = braid_u256_from_u64(rnd_below(256));
        braid_u256_shr(b, &s, a);
        break;
    }
    case 5: *a = braid_u256_sub(*b, braid_u256_from_u64(1 + rnd_below(3))); break; /* a < b, mostly */
    default: break;
    }
}

/* Shift and index operands: mostly in range, sometimes just past it or huge. */
static braid_u256 gen_small_operand(unsigned range) {
    switch (rnd_below(8)) {
    case 0: return gen_value();
    case 1: return braid_u256_from_u64(range + rnd_below(range));
    case 2: { /* low limb in range, a high limb set */
        braid_u256 v = braid_u256_from_u64(rnd_below(range));
        v.w[1 + rnd_below(3)] = 1;
        return v;
    }
    default: return braid_u256_from_u64(rnd_below(range));
    }
}

/* ---- GMP bridge -------------------------------------------------------------------------------- */

static mpz_t two256, two255;

static void to_mpz(mpz_t z, braid_u256 a) { mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, a.w); }

/* Reads the two's complement bits as a signed number. */
static void to_mpz_signed(mpz_t z, braid_u256 a) {
    to_mpz(z, a);
    if (mpz_cmp(z, two255) >= 0) mpz_sub(z, z, two256);
}

/* z mod 2^256 (also wraps negative results into two's complement). */
static braid_u256 from_mpz(const mpz_t z) {
    mpz_t t;
    mpz_init(t);
    mpz_fdiv_r_2exp(t, z, 256);
    braid_u256 r = BRAID_U256_ZERO;
    mpz_export(r.w, NULL, -1, sizeof(uint64_t), 0, 0, t);
    mpz_clear(t);
    return r;
}

static void print_hex(const char *label, braid_u256 a) {
    fprintf(stderr, "  %s = 0x%016llx%016llx%016llx%016llx\n", label, (unsigned long long)a.w[3],
            (unsigned long long)a.w[2], (unsigned long long)a.w[1], (unsigned long long)a.w[0]);
}

/* Counts one check; prints the inputs of the first few failures of each operation. */
static void expect(const char *op, braid_u256 got, braid_u256 want, const braid_u256 *in, int n_in, int *fails) {
    bool ok = braid_u256_eq(got, want);
    if (ok) {
        test_passed_++;
        return;
    }
    test_failed_++;
    if (++*fails > MAX_REPORTED_FAILURES) return;
    fprintf(stderr, "%s mismatch:\n", op);
    static const char *names[] = {"a", "b", "c"};
    for (int i = 0; i < n_in; i++) print_hex(names[i], in[i]);
    print_hex("got", got);
    print_hex("want", want);
}

/* ---- Randomised comparisons -------------------------------------------------------------------- */

typedef void (*binary_op)(braid_u256 *, const braid_u256 *, const braid_u256 *);

enum binary_kind { MUL, DIV, MOD, SDIV, SMOD, EXP };

/* GMP's answer in zr, before the wrap to 256 bits; signed kinds read the operands as two's complement. */
static void reference_binary(enum binary_kind kind, mpz_t zr, braid_u256 a, braid_u256 b) {
    mpz_t za, zb;
    mpz_inits(za, zb, NULL);
    bool is_signed = kind == SDIV || kind == SMOD;
    if (is_signed) {
        to_mpz_signed(za, a);
        to_mpz_signed(zb, b);
    } else {
        to_mpz(za, a);
        to_mpz(zb, b);
    }
    if (mpz_sgn(zb) == 0 && kind != MUL && kind != EXP) {
        mpz_set_ui(zr, 0);
    } else {
        switch (kind) {
        case MUL: mpz_mul(zr, za, zb); break;
        case DIV: mpz_fdiv_q(zr, za, zb); break;
        case MOD: mpz_fdiv_r(zr, za, zb); break;
        case SDIV: mpz_tdiv_q(zr, za, zb); break; /* EVM truncates towards zero */
        case SMOD: mpz_tdiv_r(zr, za, zb); break; /* remainder takes the dividend's sign */
        case EXP: mpz_powm(zr, za, zb, two256); break;
        }
    }
    mpz_clears(za, zb, NULL);
}

static void check_binary(const char *name, binary_op op, enum binary_kind kind) {
    int fails = 0;
    mpz_t zr;
    mpz_init(zr);
    for (int i = 0; i < CASES; i++) {
        braid_u256 in[2], got, aliased;
        gen_pair(&in[0], &in[1]);
        if (kind == EXP && rnd_below(2)) in[1] = braid_u256_from_u64(rnd_below(300));
        op(&got, &in[0], &in[1]);
        reference_binary(kind, zr, in[0], in[1]);
        expect(name, got, from_mpz(zr), in, 2, &fails);
        /* r may alias an input. */
        aliased = in[i & 1];
        op(&aliased, (i & 1) ? &in[0] : &aliased, (i & 1) ? &aliased : &in[1]);
        expect(name, aliased, got, in, 2, &fails);
    }
    mpz_clear(zr);
}

static braid_u256 gen_modulus(void) {
    static const braid_u256 primes[] = {
        /* secp256k1 field prime, bn254 base field prime */
        {{0xfffffffefffffc2fULL, ~0ULL, ~0ULL, ~0ULL}},
        {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}},
    };
    return rnd_below(6) == 0 ? primes[rnd_below(2)] : gen_value();
}

static void check_modular(bool is_mul) {
    const char *name = is_mul ? "mulmod" : "addmod";
    int fails = 0;
    mpz_t za, zb, zm, zr;
    mpz_inits(za, zb, zm, zr, NULL);
    for (int i = 0; i < CASES; i++) {
        braid_u256 in[3], got;
        gen_pair(&in[0], &in[1]);
        in[2] = rnd_below(4) ? gen_modulus() : in[rnd_below(2)];
        if (rnd_below(3) == 0) { /* reduced operands, as in field arithmetic */
            braid_u256_mod(&in[0], &in[0], &in[2]);
            braid_u256_mod(&in[1], &in[1], &in[2]);
        }
        (is_mul ? braid_u256_mulmod : braid_u256_addmod)(&got, &in[0], &in[1], &in[2]);
        to_mpz(za, in[0]);
        to_mpz(zb, in[1]);
        to_mpz(zm, in[2]);
        if (mpz_sgn(zm) == 0) {
            mpz_set_ui(zr, 0);
        } else {
            (is_mul ? mpz_mul : mpz_add)(zr, za, zb);
            mpz_fdiv_r(zr, zr, zm);
        }
        expect(name, got, from_mpz(zr), in, 3, &fails);
        braid_u256 aliased = in[2];
        (is_mul ? braid_u256_mulmod : braid_u256_addmod)(&aliased, &in[0], &in[1], &aliased);
        expect(name, aliased, got, in, 3, &fails);
    }
    mpz_clears(za, zb, zm, zr, NULL);
}

enum bits_kind { SIGNEXTEND, BYTE, SHL, SHR, SAR };

static void check_bits(const char *name, binary_op op, enum bits_kind kind) {
    int fails = 0;
    mpz_t zx, zr, zt;
    mpz_inits(zx, zr, zt, NULL);
    const unsigned range = kind == SIGNEXTEND ? 32 : kind == BYTE ? 32 : 256;
    for (int i = 0; i < CASES; i++) {
        braid_u256 in[2], got;
        in[0] = gen_small_operand(range);
        in[1] = gen_value();
        op(&got, &in[0], &in[1]);
        const unsigned long n = braid_u256_fits_u64(in[0]) && in[0].w[0] < 1000 ? (unsigned long)in[0].w[0] : 1000;
        (kind == SAR ? to_mpz_signed : to_mpz)(zx, in[1]);
        switch (kind) {
        case SIGNEXTEND:
            if (n >= 31) {
                mpz_set(zr, zx);
            } else {
                mpz_fdiv_r_2exp(zr, zx, 8 * (n + 1));
                if (mpz_tstbit(zr, 8 * n + 7)) {
                    mpz_set_ui(zt, 1);
                    mpz_mul_2exp(zt, zt, 8 * (n + 1));
                    mpz_sub(zr, zr, zt);
                }
            }
            break;
        case BYTE:
            if (n >= 32) {
                mpz_set_ui(zr, 0);
            } else {
                mpz_fdiv_q_2exp(zr, zx, 8 * (31 - n));
                mpz_fdiv_r_2exp(zr, zr, 8);
            }
            break;
        case SHL: mpz_mul_2exp(zr, zx, n); break;
        case SHR:
        case SAR: mpz_fdiv_q_2exp(zr, zx, n); break; /* floor division is the arithmetic shift */
        }
        expect(name, got, from_mpz(zr), in, 2, &fails);
        braid_u256 aliased = in[1];
        op(&aliased, &in[0], &aliased);
        expect(name, aliased, got, in, 2, &fails);
    }
    mpz_clears(zx, zr, zt, NULL);
}

static void check_sizes_and_bytes(void) {
    int fails = 0;
    mpz_t z;
    mpz_init(z);
    for (int i = 0; i < CASES; i++) {
        braid_u256 a = gen_value();
        to_mpz(z, a);
        unsigned bits = mpz_sgn(z) ? (unsigned)mpz_sizeinbase(z, 2) : 0;
        expect("bit_len", braid_u256_from_u64(braid_u256_bit_len(a)), braid_u256_from_u64(bits), &a, 1, &fails);
        expect("byte_len", braid_u256_from_u64(braid_u256_byte_len(a)), braid_u256_from_u64((bits + 7) / 8), &a, 1,
               &fails);

        uint8_t bytes[32];
        size_t n = rnd_below(33);
        for (size_t k = 0; k < n; k++) bytes[k] = rnd_below(3) ? (uint8_t)rnd() : (rnd_below(2) ? 0 : 0xff);
        mpz_import(z, n, 1, 1, 0, 0, bytes);
        expect("from_be_n", braid_u256_from_be_n(bytes, n), from_mpz(z), &a, 0, &fails);
    }
    mpz_clear(z);
}

/* Header-inline operations, for completeness (cheap to cover). */
static void check_inline_ops(void) {
    int fails = 0;
    mpz_t za, zb, zr;
    mpz_inits(za, zb, zr, NULL);
    for (int i = 0; i < CASES; i++) {
        braid_u256 in[2];
        gen_pair(&in[0], &in[1]);
        to_mpz(za, in[0]);
        to_mpz(zb, in[1]);
        mpz_add(zr, za, zb);
        bool carry;
        expect("add_carry", braid_u256_add_carry(in[0], in[1], &carry), from_mpz(zr), in, 2, &fails);
        CHECK(carry == (mpz_cmp(zr, two256) >= 0));
        mpz_sub(zr, za, zb);
        expect("sub", braid_u256_sub(in[0], in[1]), from_mpz(zr), in, 2, &fails);
        CHECK(braid_u256_lt(in[0], in[1]) == (mpz_cmp(za, zb) < 0));
        to_mpz_signed(za, in[0]);
        to_mpz_signed(zb, in[1]);
        CHECK(braid_u256_slt(in[0], in[1]) == (mpz_cmp(za, zb) < 0));
    }
    mpz_clears(za, zb, zr, NULL);
}

static void check_from_string_random(void) {
    int fails = 0;
    mpz_t z;
    mpz_init(z);
    char text[200];
    for (int i = 0; i < CASES; i++) {
        braid_u256 a = gen_value(), got = BRAID_U256_ZERO;
        to_mpz(z, a);
        bool hex = rnd_below(2);
        if (hex) {
            text[0] = '0';
            text[1] = rnd_below(4) ? 'x' : 'X';
            mpz_get_str(text + 2, rnd_below(2) ? 16 : -16, z);
        } else {
            if (rnd_below(4) == 0) mpz_add(z, z, two256); /* just past the top: must be rejected */
            mpz_get_str(text, 10, z);
        }
        bool fits = mpz_cmp(z, two256) < 0;
        int rc = braid_u256_from_string(text, &got);
        CHECKF(rc == (fits ? 0 : -1), "from_string(\"%s\") returned %d", text, rc);
        if (fits) expect("from_string", got, a, &a, 1, &fails);
        /* One junk character anywhere must be rejected. */
        size_t len = strlen(text), at = rnd_below((unsigned)len);
        static const char junk[] = " -+g.xZ_\t";
        if (!(hex && at == 1)) {
            text[at] = junk[rnd_below(sizeof junk - 1)];
            CHECKF(braid_u256_from_string(text, &got) == -1, "junk accepted: \"%s\"", text);
        }
    }
    mpz_clear(z);
}

/* ---- Hand-written EVM cases -------------------------------------------------------------------- */

static braid_u256 parse(const char *s) {
    braid_u256 v = BRAID_U256_ZERO;
    int rc = braid_u256_from_string(s, &v);
    CHECKF(rc == 0, "parse(\"%s\")", s);
    return v;
}

static braid_u256 apply(binary_op op, braid_u256 a, braid_u256 b) {
    braid_u256 r;
    op(&r, &a, &b);
    return r;
}

static void check_spec_cases(void) {
    const braid_u256 one = braid_u256_from_u64(1), zero = BRAID_U256_ZERO, min_signed = pow2(255);
    const braid_u256 minus_one = MAX;

    CHECK(braid_u256_eq(apply(braid_u256_sdiv, min_signed, minus_one), min_signed));
    CHECK(braid_u256_eq(apply(braid_u256_smod, min_signed, minus_one), zero));
    CHECK(braid_u256_eq(apply(braid_u256_div, MAX, zero), zero));
    CHECK(braid_u256_eq(apply(braid_u256_mod, MAX, zero), zero));
    CHECK(braid_u256_eq(apply(braid_u256_sdiv, min_signed, zero), zero));
    CHECK(braid_u256_eq(apply(braid_u256_smod, braid_u256_from_u64(5), zero), zero));
    /* SMOD(-8, 3) = -2; SMOD(8, -3) = 2; SDIV(-8, 3) = -2 */
    braid_u256 minus8 = braid_u256_sub(zero, braid_u256_from_u64(8)), three = braid_u256_from_u64(3);
    CHECK(braid_u256_eq(apply(braid_u256_smod, minus8, three), braid_u256_sub(zero, braid_u256_from_u64(2))));
    CHECK(braid_u256_eq(apply(braid_u256_smod, braid_u256_from_u64(8), braid_u256_sub(zero, three)),
                        braid_u256_from_u64(2)));
    CHECK(braid_u256_eq(apply(braid_u256_sdiv, minus8, three), braid_u256_sub(zero, braid_u256_from_u64(2))));

    CHECK(braid_u256_eq(apply(braid_u256_signextend, zero, braid_u256_from_u64(0xff)), MAX));
    CHECK(braid_u256_eq(apply(braid_u256_signextend, zero, braid_u256_from_u64(0x7f)), braid_u256_from_u64(0x7f)));
    CHECK(braid_u256_eq(apply(braid_u256_signextend, braid_u256_from_u64(31), braid_u256_from_u64(0xff)),
                        braid_u256_from_u64(0xff)));
    CHECK(braid_u256_eq(apply(braid_u256_signextend, MAX, braid_u256_from_u64(0x80)), braid_u256_from_u64(0x80)));

    CHECK(braid_u256_eq(apply(braid_u256_byte, zero, pow2(255)), braid_u256_from_u64(0x80)));
    CHECK(braid_u256_eq(apply(braid_u256_byte, braid_u256_from_u64(31), braid_u256_from_u64(0x1234)),
                        braid_u256_from_u64(0x34)));
    CHECK(braid_u256_eq(apply(braid_u256_byte, braid_u256_from_u64(32), MAX), zero));

    CHECK(braid_u256_eq(apply(braid_u256_sar, braid_u256_from_u64(1), minus_one), minus_one));
    CHECK(braid_u256_eq(apply(braid_u256_sar, braid_u256_from_u64(256), min_signed), minus_one));
    CHECK(braid_u256_eq(apply(braid_u256_sar, braid_u256_from_u64(255), min_signed), minus_one));
    CHECK(braid_u256_eq(apply(braid_u256_sar, braid_u256_from_u64(254), min_signed),
                        braid_u256_sub(zero, braid_u256_from_u64(2))));
    CHECK(braid_u256_eq(apply(braid_u256_sar, MAX, pow2(254)), zero));
    CHECK(braid_u256_eq(apply(braid_u256_shl, braid_u256_from_u64(255), one), min_signed));
    CHECK(braid_u256_eq(apply(braid_u256_shl, braid_u256_from_u64(256), one), zero));
    CHECK(braid_u256_eq(apply(braid_u256_shr, braid_u256_from_u64(255), min_signed), one));
    CHECK(braid_u256_eq(apply(braid_u256_shr, u(1, 0, 0, 0), MAX), zero));

    CHECK(braid_u256_eq(apply(braid_u256_exp, braid_u256_from_u64(2), braid_u256_from_u64(255)), min_signed));
    CHECK(braid_u256_eq(apply(braid_u256_exp, braid_u256_from_u64(2), braid_u256_from_u64(256)), zero));
    CHECK(braid_u256_eq(apply(braid_u256_exp, MAX, zero), one));
    CHECK(braid_u256_eq(apply(braid_u256_exp, zero, zero), one));
    CHECK(braid_u256_eq(apply(braid_u256_exp, zero, MAX), zero));
    CHECK(braid_u256_eq(apply(braid_u256_exp, MAX, MAX), MAX)); /* (-1)^odd */
    CHECK(braid_u256_eq(apply(braid_u256_exp, braid_u256_from_u64(10), braid_u256_from_u64(18)),
                        braid_u256_from_u64(1000000000000000000ULL)));

    braid_u256 r;
    braid_u256_addmod(&r, &MAX, &MAX, &MAX);
    CHECK(braid_u256_is_zero(r));
    braid_u256 m = braid_u256_from_u64(7);
    braid_u256_addmod(&r, &MAX, &one, &m); /* 2^256 mod 7 = 2 */
    CHECK(braid_u256_eq(r, braid_u256_from_u64(2)));
    braid_u256_mulmod(&r, &MAX, &MAX, &zero);
    CHECK(braid_u256_is_zero(r));
    braid_u256_mulmod(&r, &MAX, &MAX, &m); /* (2^256 - 1)^2 mod 7 = 1 */
    CHECK(braid_u256_eq(r, one));
    braid_u256 mul_r;
    braid_u256_mul(&mul_r, &MAX, &MAX);
    CHECK(braid_u256_eq(mul_r, one));

    /* Text. */
    CHECK(braid_u256_eq(parse("0"), zero));
    CHECK(braid_u256_eq(parse("0x0"), zero));
    CHECK(braid_u256_eq(parse("12345678901234567890123"), u(0, 0, 0x29d, 0x42b64e76714244cbULL)));
    CHECK(braid_u256_eq(parse("115792089237316195423570985008687907853269984665640564039457584007913129639935"), MAX));
    CHECK(braid_u256_eq(parse("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), MAX));
    CHECK(braid_u256_eq(parse("0x8000000000000000000000000000000000000000000000000000000000000000"), min_signed));
    CHECK(braid_u256_eq(parse("0x0000000000000000000000000000000000000000000000000000000000000001"), one));
    CHECK(braid_u256_eq(parse("000123"), braid_u256_from_u64(123)));
    CHECK(braid_u256_eq(parse("0xdeadBEEF"), braid_u256_from_u64(0xdeadbeef)));
    braid_u256 untouched = braid_u256_from_u64(42);
    static const char *rejected[] = {
        "", "0x", "0X", "-1", "+1", " 1", "1 ", "12a", "0x12g", "0xx1", "x12", "1e3", "0b101",
        "0x00000000000000000000000000000000000000000000000000000000000000001", /* 65 hex digits */
        "115792089237316195423570985008687907853269984665640564039457584007913129639936", /* 2^256 */
        "999999999999999999999999999999999999999999999999999999999999999999999999999999",
    };
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++)
        CHECKF(braid_u256_from_string(rejected[i], &untouched) == -1, "accepted \"%s\"", rejected[i]);
    CHECK(braid_u256_eq(untouched, braid_u256_from_u64(42))); /* failures leave the output alone */

    CHECK(braid_u256_byte_len(zero) == 0 && braid_u256_bit_len(zero) == 0);
    CHECK(braid_u256_byte_len(braid_u256_from_u64(0x100)) == 2 && braid_u256_bit_len(braid_u256_from_u64(0x100)) == 9);
    CHECK(braid_u256_byte_len(MAX) == 32 && braid_u256_bit_len(MAX) == 256);
    const uint8_t push2[] = {0x12, 0x34};
    CHECK(braid_u256_eq(braid_u256_from_be_n(push2, 2), braid_u256_from_u64(0x1234)));
    CHECK(braid_u256_is_zero(braid_u256_from_be_n(push2, 0)));
    uint8_t long_bytes[33];
    for (int i = 0; i < 33; i++) long_bytes[i] = (uint8_t)(i + 1);
    CHECK(braid_u256_eq(braid_u256_from_be_n(long_bytes, 33), braid_u256_from_be(long_bytes + 1))); /* mod 2^256 */
}

int main(void) {
    mpz_inits(two256, two255, NULL);
    mpz_setbit(two256, 256);
    mpz_setbit(two255, 255);

    check_spec_cases();
    check_binary("mul", braid_u256_mul, MUL);
    check_binary("div", braid_u256_div, DIV);
    check_binary("mod", braid_u256_mod, MOD);
    check_binary("sdiv", braid_u256_sdiv, SDIV);
    check_binary("smod", braid_u256_smod, SMOD);
    check_binary("exp", braid_u256_exp, EXP);
    check_modular(false);
    check_modular(true);
    check_bits("signextend", braid_u256_signextend, SIGNEXTEND);
    check_bits("byte", braid_u256_byte, BYTE);
    check_bits("shl", braid_u256_shl, SHL);
    check_bits("shr", braid_u256_shr, SHR);
    check_bits("sar", braid_u256_sar, SAR);
    check_sizes_and_bytes();
    check_inline_ops();
    check_from_string_random();

    mpz_clears(two256, two255, NULL);
    return test_summary("u256");
}
