/* bn254 field tower: Fp (Montgomery, 4x64-bit limbs), Fp2, Fp6, Fp12 and the Frobenius maps.
 *
 * The constants below were derived from p and xi = 9 + u with exact integer arithmetic (Python) and
 * are stored already in Montgomery form; the test suite checks them algebraically (frobenius against
 * exponentiation by p, twist_b * xi == 3). */
#define BRAID_BN254_INTERNAL
#include "crypto/bn254.h"

#include <string.h>

typedef unsigned __int128 u128;

const braid_bn254_fp braid_bn254_fp_modulus = {
    {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}};
const braid_bn254_fp braid_bn254_fp_one = {
    {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
/* -p^-1 mod 2^64 */
static const uint64_t P_INV = 0x87d20782e4866389ULL;
/* 2^512 mod p: multiplying by it converts into Montgomery form. */
static const fp R2 = {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};

const fp2 braid_bn254_twist_b = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}};

#define FP(a, b, c, d) {{0x##a##ULL, 0x##b##ULL, 0x##c##ULL, 0x##d##ULL}}
#define FP_ZERO FP(0, 0, 0, 0)
const fp2 braid_bn254_frob_gamma[3][5] = {
    {
        {FP(af9ba69633144907, ca6b1d7387afb78a, 11bded5ef08a2087, 02f34d751a1f3a7c),
         FP(a222ae234c492d72, d00f02a4565de15b, dc2ff3a253dfc926, 10a75716b3899551)},
        {FP(b5773b104563ab30, 347f91c8a9aa6454, 7a007127242e0991, 1956bcd8118214ec),
         FP(6e849f1ea0aa4757, aa1c7b6d89f89141, b6e713cdfae0ca3a, 26694fbb4e82ebc3)},
        {FP(e4bbdd0c2936b629, bb30f162e133bacb, 31a9d1b6f9645366, 253570bea500f8dd),
         FP(a1d77ce45ffe77c7, 07affd117826d1db, 6d16bd27bb7edc6b, 2c87200285defecc)},
        {FP(7361d77f843abe92, a5bb2bd3273411fb, 9c941f314b3e2399, 15df9cddbb9fd3ec),
         FP(5dddfd154bd8c949, 62cb29a5a4445b60, 37bc870a0c7dd2b9, 24830a9d3171f0fd)},
        {FP(c970692f41690fe7, e240342127694b0b, 32bee66b83c459e8, 12aabced0ab08841),
         FP(0d485d2340aebfa9, 05193418ab2fcc57, d3b0a40b8a4910f5, 2f21ebb535d2925a)},
    },
    {
        /* sixth roots of unity, which lie in Fp because p = 1 mod 6 */
        {FP(ca8d800500fa1bf2, f0c5d61468b39769, 0e201271ad0d4418, 04290f65bad856e6), FP_ZERO},
        {FP(3350c88e13e80b9c, 7dce557cdb5e56b9, 6001b4b8b615564a, 2682e617020217e0), FP_ZERO},
        {FP(68c3488912edefaa, 8d087f6872aabf4f, 51e1a24709081231, 2259d6b14729c0fa), FP_ZERO},
        {FP(71930c11d782e155, a6bb947cffbe3323, aa303344d4741444, 2c3b3f0d26594943), FP_ZERO},
        {FP(08cfc388c494f1ab, 19b315148d1373d4, 584e90fdcb6c0213, 09e1685bdf2f8849), FP_ZERO},
    },
    {
        {FP(365316184e46d97d, 0af7129ed4c96d9f, 659da72fca1009b5, 08116d8983a20d23),
         FP(b1df4af7c39c1939, 3d9f02878a73bf7f, 9b2220928caf0ae0, 26684515eff054a6)},
        {FP(c9af22f716ad6bad, b311782a4aa662b2, 19eeaf64e248c7f4, 20273e77e3439f82),
         FP(acc02860f7ce93ac, 3933d5817ba76b4c, 69e6188b446c8467, 0a46036d4417cc55)},
        {FP(5764af0aaf46471e, dc50792e873e0fc1, 86a673ff881d04f6, 0b2eddb43c30a74c),
         FP(9a490f32787e8580, 8fd16d7ff04af8b1, 4b39888ec6027bf2, 03dd2e705b52a15d)},
        {FP(448a93a57b6762df, bfd62df528fdeadf, d858f5d00e9bd47a, 06b03d4d3476ec58),
         FP(2b19daf4bcc936d1, a1a54e7a56f4299f, b533eee05adeaef1, 170c812b84dda0b2)},
        {FP(e0bc4b2275cf559f, c238b945c154e60f, 803982a5929a7d5e, 15ce052df7e4a37e),
         FP(2d28efbdbf3799a7, 9b097e3c1ad60773, 982d4113af4a535b, 24e18991e3056063)},
    },
};

/* ------------------------------------------------------------------------------------------------ */
/* Fp */

/* t + a*b + *carry, returning the low word and leaving the high word in *carry (cannot overflow:
 * (2^64-1)^2 + 2(2^64-1) = 2^128 - 1). */
static inline uint64_t mac(uint64_t t, uint64_t a, uint64_t b, uint64_t *carry) {
    u128 s = (u128)a * b + t + *carry;
    *carry = (uint64_t)(s >> 64);
    return (uint64_t)s;
}

/* One CIOS round: t = (t + a*bi + k*p) / 2^64 with k chosen to clear the low word. The two carry
 * chains run side by side and need no fifth or sixth word because p's top limb is below 2^63 - 1:
 * the partial result stays below 2p < 2^255 throughout. */
static inline void cios_round(uint64_t t[4], const uint64_t a[4], uint64_t bi) {
    uint64_t ca = 0, cm = 0;
    uint64_t t0 = mac(t[0], a[0], bi, &ca);
    uint64_t k = t0 * P_INV;
    (void)mac(t0, k, BRAID_BN254_P0, &cm);
    uint64_t t1 = mac(t[1], a[1], bi, &ca);
    t[0] = mac(t1, k, BRAID_BN254_P1, &cm);
    uint64_t t2 = mac(t[2], a[2], bi, &ca);
    t[1] = mac(t2, k, BRAID_BN254_P2, &cm);
    uint64_t t3 = mac(t[3], a[3], bi, &ca);
    t[2] = mac(t3, k, BRAID_BN254_P3, &cm);
    t[3] = ca + cm;
}

static void mont_mul_c(fp *r, const fp *a, const fp *b) {
    uint64_t t[4] = {0, 0, 0, 0};
    cios_round(t, a->v, b->v[0]);
    cios_round(t, a->v, b->v[1]);
    cios_round(t, a->v, b->v[2]);
    cios_round(t, a->v, b->v[3]);
    braid_bn254_fp_reduce_once_(r, t);
}

#ifdef BRAID_BN254_X86_ASM
/* The same CIOS rounds with mulx/adcx/adox (BMI2 + ADX, every x86-64 since 2014-2017): the two carry
 * chains of a round run in CF and OF at once, and the result is about three times faster than what
 * gcc makes of the __int128 code above, which matters because multiplication is most of a pairing.
 * t0..t4 rotate through r8..r12: after a round the lowest word is zero and becomes the next top word.
 * r13/r14 receive each product. `test` clears CF and OF to start both chains. The register budget is
 * kept small enough for -O0 builds, hence pointer operands and a "memory" clobber. */
static const uint64_t P_LIMBS[4] = {BRAID_BN254_P0, BRAID_BN254_P1, BRAID_BN254_P2, BRAID_BN254_P3};

#define MULADD(src, lo, hi) \
    "mulx " src ", %%r13, %%r14\n\t" \
    "adcx %%r13, " lo "\n\t" \
    "adox %%r14, " hi "\n\t"
#define CIOS_ROUND(boff, t0, t1, t2, t3, t4) \
    "mov " boff "(%[b]), %%rdx\n\t" \
    "test %%rdx, %%rdx\n\t" \
    MULADD("0(%[a])", t0, t1) MULADD("8(%[a])", t1, t2) MULADD("16(%[a])", t2, t3) MULADD("24(%[a])", t3, t4) \
    "adc $0, " t4 "\n\t" \
    "mov " t0 ", %%rdx\n\t" \
    "imul %[pinv], %%rdx\n\t" \
    "test %%rdx, %%rdx\n\t" \
    MULADD("%[p0]", t0, t1) MULADD("%[p1]", t1, t2) MULADD("%[p2]", t2, t3) MULADD("%[p3]", t3, t4) \
    "adc $0, " t4 "\n\t"

static inline __attribute__((always_inline)) void mont_mul_adx(fp *r, const fp *a, const fp *b) {
    __asm__("xor %%r8d, %%r8d\n\t"
            "xor %%r9d, %%r9d\n\t"
            "xor %%r10d, %%r10d\n\t"
            "xor %%r11d, %%r11d\n\t"
            "xor %%r12d, %%r12d\n\t"
            CIOS_ROUND("0", "%%r8", "%%r9", "%%r10", "%%r11", "%%r12")
            CIOS_ROUND("8", "%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
            CIOS_ROUND("16", "%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
            CIOS_ROUND("24", "%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
            /* result in r12, r8, r9, r10 (< 2p), r11 is free: subtract p unless that borrows */
            "mov %%r12, %%rdx\n\t"
            "mov %%r8, %%r11\n\t"
            "mov %%r9, %%r13\n\t"
            "mov %%r10, %%r14\n\t"
            "sub %[p0], %%rdx\n\t"
            "sbb %[p1], %%r11\n\t"
            "sbb %[p2], %%r13\n\t"
            "sbb %[p3], %%r14\n\t"
            "cmovc %%r12, %%rdx\n\t"
            "cmovc %%r8, %%r11\n\t"
            "cmovc %%r9, %%r13\n\t"
            "cmovc %%r10, %%r14\n\t"
            "mov %%rdx, 0(%[r])\n\t"
            "mov %%r11, 8(%[r])\n\t"
            "mov %%r13, 16(%[r])\n\t"
            "mov %%r14, 24(%[r])\n\t"
            :
            : [r] "r"(r->v), [a] "r"(a->v), [b] "r"(b->v), [pinv] "m"(P_INV), [p0] "m"(P_LIMBS[0]),
              [p1] "m"(P_LIMBS[1]), [p2] "m"(P_LIMBS[2]), [p3] "m"(P_LIMBS[3])
            : "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "cc", "memory");
}
#undef MULADD
#undef CIOS_ROUND
#endif

#if defined(BRAID_BN254_X86_ASM) && defined(__clang__)
/* clang's __builtin_cpu_supports does not know "adx" (before clang 16), so under clang (the fuzz
 * build) CPUID leaf 7 is read once before main instead: EBX bit 8 is BMI2, bit 19 ADX. */
#include <cpuid.h>
static bool bn254_adx_usable;
__attribute__((constructor)) static void bn254_detect_adx(void) {
    unsigned a, b = 0, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) bn254_adx_usable = (b >> 8 & 1) && (b >> 19 & 1);
}
#define BN254_ADX_USABLE() bn254_adx_usable
#else
#define BN254_ADX_USABLE() (__builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx"))
#endif

static inline void mont_mul(fp *r, const fp *a, const fp *b) {
#ifdef BRAID_BN254_X86_ASM
    /* __builtin_cpu_supports reads a table libgcc fills before main: a load and a predictable branch. */
    if (__builtin_expect(BN254_ADX_USABLE(), 1)) {
        mont_mul_adx(r, a, b);
        return;
    }
#endif
    mont_mul_c(r, a, b);
}

void braid_bn254_fp_mul(fp *r, const fp *a, const fp *b) { mont_mul(r, a, b); }

/* Within this file the tower arithmetic gets the inlinable multiplication; other files call the
 * out-of-line copy. */
#undef fp_mul
#undef fp_sqr
#define fp_mul mont_mul
#define fp_sqr(r, a) mont_mul((r), (a), (a))

void braid_bn254_fp_sqr(fp *r, const fp *a) { mont_mul(r, a, a); }

void braid_bn254_fp_half(fp *r, const fp *a) {
    /* An odd value becomes even by adding p (odd); the sum stays below 2^255 so the shift is exact. */
    uint64_t m = -(a->v[0] & 1), s0, s1, s2, s3;
    u128 c;
    c = (u128)a->v[0] + (BRAID_BN254_P0 & m);
    s0 = (uint64_t)c;
    c = (u128)a->v[1] + (BRAID_BN254_P1 & m) + (uint64_t)(c >> 64);
    s1 = (uint64_t)c;
    c = (u128)a->v[2] + (BRAID_BN254_P2 & m) + (uint64_t)(c >> 64);
    s2 = (uint64_t)c;
    s3 = a->v[3] + (BRAID_BN254_P3 & m) + (uint64_t)(c >> 64);
    r->v[0] = (s0 >> 1) | (s1 << 63);
    r->v[1] = (s1 >> 1) | (s2 << 63);
    r->v[2] = (s2 >> 1) | (s3 << 63);
    r->v[3] = s3 >> 1;
}

/* Fermat: a^(p-2). About 300 multiplications; it runs a handful of times per precompile call. */
void braid_bn254_fp_inv(fp *r, const fp *a) {
    uint64_t e[4];
    memcpy(e, braid_bn254_fp_modulus.v, sizeof e);
    e[0] -= 2; /* p's low limb is far above 2: no borrow */
    /* 4-bit fixed window keeps the multiplication count near 64. */
    fp table[16];
    table[0] = braid_bn254_fp_one;
    for (int i = 1; i < 16; i++) fp_mul(&table[i], &table[i - 1], a);
    fp acc = braid_bn254_fp_one;
    for (int i = 63; i >= 0; i--) {
        for (int j = 0; j < 4; j++) fp_sqr(&acc, &acc);
        unsigned nib = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
        if (nib) fp_mul(&acc, &acc, &table[nib]);
    }
    *r = acc;
}

void braid_bn254_fp_from_u64(fp *r, uint64_t a) {
    fp t = {{a, 0, 0, 0}};
    fp_mul(r, &t, &R2);
}

int braid_bn254_fp_from_bytes(fp *r, const uint8_t in[32]) {
    fp t;
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(3 - i) * 8 + j];
        t.v[i] = w;
    }
    /* Reject t >= p: compare from the top limb down. */
    const uint64_t *m = braid_bn254_fp_modulus.v;
    int i = 3;
    while (i >= 0 && t.v[i] == m[i]) i--;
    if (i < 0 || t.v[i] > m[i]) return -1;
    fp_mul(r, &t, &R2);
    return 0;
}

void braid_bn254_fp_to_bytes(uint8_t out[32], const fp *a) {
    static const fp plain_one = {{1, 0, 0, 0}};
    fp t;
    fp_mul(&t, a, &plain_one); /* leaves Montgomery form */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(t.v[i] >> (56 - 8 * j));
}

/* ------------------------------------------------------------------------------------------------ */
/* Fp2 = Fp[u]/(u^2 + 1) */

void braid_bn254_fp2_mul(fp2 *r, const fp2 *a, const fp2 *b) {
    /* Karatsuba: three base multiplications instead of four. */
    fp t0, t1, s0, s1;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&s0, &a->c0, &a->c1);
    fp_add(&s1, &b->c0, &b->c1);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}

void braid_bn254_fp2_sqr(fp2 *r, const fp2 *a) {
    /* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */
    fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_add(&r->c1, &m, &m);
}

void braid_bn254_fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b) {
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

void braid_bn254_fp2_mul_xi(fp2 *r, const fp2 *a) {
    /* (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u; 9x is three doublings and an addition. */
    fp n0, n1;
    fp_add(&n0, &a->c0, &a->c0);
    fp_add(&n0, &n0, &n0);
    fp_add(&n0, &n0, &n0);
    fp_add(&n0, &n0, &a->c0);
    fp_add(&n1, &a->c1, &a->c1);
    fp_add(&n1, &n1, &n1);
    fp_add(&n1, &n1, &n1);
    fp_add(&n1, &n1, &a->c1);
    fp c0, c1;
    fp_sub(&c0, &n0, &a->c1);
    fp_add(&c1, &n1, &a->c0);
    r->c0 = c0;
    r->c1 = c1;
}

void braid_bn254_fp2_half(fp2 *r, const fp2 *a) {
    braid_bn254_fp_half(&r->c0, &a->c0);
    braid_bn254_fp_half(&r->c1, &a->c1);
}

void braid_bn254_fp2_inv(fp2 *r, const fp2 *a) {
    /* 1/(a0 + a1 u) = (a0 - a1 u)/(a0^2 + a1^2): the norm is in Fp. */
    fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

/* ------------------------------------------------------------------------------------------------ */
/* Fp6 = Fp2[v]/(v^3 - xi) */

static void fp6_add(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}

static void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}

/* a * v: the coefficients rotate and the one that wraps past v^2 picks up xi. */
static void fp6_mul_v(fp6 *r, const fp6 *a) {
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

static void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b) {
    /* Karatsuba over three coefficients: six Fp2 multiplications. */
    fp2 t0, t1, t2, s, u, c0, c1, c2;
    fp2_mul(&t0, &a->c0, &b->c0);
    fp2_mul(&t1, &a->c1, &b->c1);
    fp2_mul(&t2, &a->c2, &b->c2);

    fp2_add(&s, &a->c1, &a->c2);
    fp2_add(&u, &b->c1, &b->c2);
    fp2_mul(&s, &s, &u);
    fp2_sub(&s, &s, &t1);
    fp2_sub(&s, &s, &t2);
    fp2_mul_xi(&s, &s);
    fp2_add(&c0, &s, &t0);

    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, &b->c0, &b->c1);
    fp2_mul(&s, &s, &u);
    fp2_sub(&s, &s, &t0);
    fp2_sub(&s, &s, &t1);
    fp2_mul_xi(&u, &t2);
    fp2_add(&c1, &s, &u);

    fp2_add(&s, &a->c0, &a->c2);
    fp2_add(&u, &b->c0, &b->c2);
    fp2_mul(&s, &s, &u);
    fp2_sub(&s, &s, &t0);
    fp2_sub(&s, &s, &t2);
    fp2_add(&c2, &s, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* a * (b0 + b1 v): five Fp2 multiplications instead of six. */
static void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1) {
    fp2 t0, t1, s, u, c0, c1, c2;
    fp2_mul(&t0, &a->c0, b0);
    fp2_mul(&t1, &a->c1, b1);

    fp2_mul(&s, &a->c2, b1);
    fp2_mul_xi(&s, &s);
    fp2_add(&c0, &s, &t0);

    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, b0, b1);
    fp2_mul(&s, &s, &u);
    fp2_sub(&s, &s, &t0);
    fp2_sub(&c1, &s, &t1);

    fp2_mul(&s, &a->c2, b0);
    fp2_add(&c2, &s, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

static void fp6_mul_fp2(fp6 *r, const fp6 *a, const fp2 *b) {
    fp2_mul(&r->c0, &a->c0, b);
    fp2_mul(&r->c1, &a->c1, b);
    fp2_mul(&r->c2, &a->c2, b);
}

static void fp6_inv(fp6 *r, const fp6 *a) {
    /* The adjugate of multiplication-by-a, divided by the norm to Fp2. */
    fp2 t0, t1, t2, s, d;
    fp2_sqr(&t0, &a->c0);
    fp2_mul(&s, &a->c1, &a->c2);
    fp2_mul_xi(&s, &s);
    fp2_sub(&t0, &t0, &s);

    fp2_sqr(&t1, &a->c2);
    fp2_mul_xi(&t1, &t1);
    fp2_mul(&s, &a->c0, &a->c1);
    fp2_sub(&t1, &t1, &s);

    fp2_sqr(&t2, &a->c1);
    fp2_mul(&s, &a->c0, &a->c2);
    fp2_sub(&t2, &t2, &s);

    fp2_mul(&d, &a->c2, &t1);
    fp2_mul(&s, &a->c1, &t2);
    fp2_add(&d, &d, &s);
    fp2_mul_xi(&d, &d);
    fp2_mul(&s, &a->c0, &t0);
    fp2_add(&d, &d, &s);
    fp2_inv(&d, &d);

    fp2_mul(&r->c0, &t0, &d);
    fp2_mul(&r->c1, &t1, &d);
    fp2_mul(&r->c2, &t2, &d);
}

/* ------------------------------------------------------------------------------------------------ */
/* Fp12 = Fp6[w]/(w^2 - v) */

void braid_bn254_fp12_one(fp12 *r) {
    memset(r, 0, sizeof *r);
    r->c0.c0.c0 = braid_bn254_fp_one;
}

bool braid_bn254_fp12_eq(const fp12 *a, const fp12 *b) {
    /* Reduced representations are unique, so limb equality is field equality. */
    return memcmp(a, b, sizeof *a) == 0;
}

bool braid_bn254_fp12_is_one(const fp12 *a) {
    fp12 one;
    braid_bn254_fp12_one(&one);
    return braid_bn254_fp12_eq(a, &one);
}

void braid_bn254_fp12_mul(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

void braid_bn254_fp12_sqr(fp12 *r, const fp12 *a) {
    /* Complex squaring: (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - t - v t + 2t w, t = a0 a1. */
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

void braid_bn254_fp12_conj(fp12 *r, const fp12 *a) {
    /* w^(p^6) = -w, so the p^6-power Frobenius negates the w-half. */
    r->c0 = a->c0;
    fp2_neg(&r->c1.c0, &a->c1.c0);
    fp2_neg(&r->c1.c1, &a->c1.c1);
    fp2_neg(&r->c1.c2, &a->c1.c2);
}

void braid_bn254_fp12_inv(fp12 *r, const fp12 *a) {
    /* 1/(a0 + a1 w) = (a0 - a1 w)/(a0^2 - v a1^2), the denominator being in Fp6. */
    fp6 t0, t1;
    fp6_mul(&t0, &a->c0, &a->c0);
    fp6_mul(&t1, &a->c1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp2_neg(&r->c1.c0, &t1.c0);
    fp2_neg(&r->c1.c1, &t1.c1);
    fp2_neg(&r->c1.c2, &t1.c2);
}

/* Viewing a as sum g_i w^i (g_i in Fp2), (g_i w^i)^(p^k) = conj^k(g_i) * xi^(i(p^k-1)/6) * w^i.
 * In our layout g_{2j} is c0.cj and g_{2j+1} is c1.cj. */
void braid_bn254_fp12_frob(fp12 *r, const fp12 *a, int k) {
    const fp2 *gamma = braid_bn254_frob_gamma[k - 1];
    fp2 *out[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
    const fp2 *in[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    for (int i = 0; i < 6; i++) {
        fp2 g = *in[i];
        if (k & 1) fp2_conj(&g, &g);
        if (i == 0)
            *out[0] = g;
        else if (k == 2)
            fp2_mul_fp(out[i], &g, &gamma[i - 1].c0); /* the p^2 coefficients lie in Fp */
        else
            fp2_mul(out[i], &g, &gamma[i - 1]);
    }
}

/* Granger-Scott squaring. With s = w^3 (s^2 = xi), Fp12 = Fp4[w]/(w^3 - s) for Fp4 = Fp2[s]/(s^2 - xi),
 * and a = A + B w + C w^2 with A = g0 + g3 s, B = g1 + g4 s, C = g2 + g5 s. For a in the cyclotomic
 * subgroup, a^2 = (3A^2 - 2 conj A) + (3 s C^2 + 2 conj B) w + (3B^2 - 2 conj C) w^2, where conj
 * negates s. Three Fp4 squarings of three Fp2 squarings each. */
static void fp4_sqr(fp2 *r0, fp2 *r1, const fp2 *a0, const fp2 *a1) {
    fp2 t0, t1, s;
    fp2_sqr(&t0, a0);
    fp2_sqr(&t1, a1);
    fp2_add(&s, a0, a1);
    fp2_sqr(&s, &s);
    fp2_sub(&s, &s, &t0);
    fp2_sub(r1, &s, &t1);
    fp2_mul_xi(&t1, &t1);
    fp2_add(r0, &t0, &t1);
}

/* r = 3 t - 2 g (sign = -1) or 3 t + 2 g (sign = +1) */
static void gs_combine(fp2 *r, const fp2 *t, const fp2 *g, int sign) {
    fp2 d;
    if (sign > 0)
        fp2_add(&d, t, g);
    else
        fp2_sub(&d, t, g);
    fp2_dbl(&d, &d);
    fp2_add(r, &d, t);
}

void braid_bn254_fp12_cyclotomic_sqr(fp12 *r, const fp12 *a) {
    const fp2 *g0 = &a->c0.c0, *g1 = &a->c1.c0, *g2 = &a->c0.c1;
    const fp2 *g3 = &a->c1.c1, *g4 = &a->c0.c2, *g5 = &a->c1.c2;
    fp2 a0, a1, b0, b1, c0, c1;
    fp4_sqr(&a0, &a1, g0, g3); /* A^2 */
    fp4_sqr(&b0, &b1, g1, g4); /* B^2 */
    fp4_sqr(&c0, &c1, g2, g5); /* C^2 */
    fp2_mul_xi(&c1, &c1);      /* s C^2 = xi c1 + c0 s */
    fp12 o;
    gs_combine(&o.c0.c0, &a0, g0, -1);
    gs_combine(&o.c1.c1, &a1, g3, +1);
    gs_combine(&o.c1.c0, &c1, g1, +1);
    gs_combine(&o.c0.c2, &c0, g4, -1);
    gs_combine(&o.c0.c1, &b0, g2, -1);
    gs_combine(&o.c1.c2, &b1, g5, +1);
    *r = o;
}

/* a * (l0 + (l1 + l2 v) w) = (a0 l0 + v a1 (l1 + l2 v)) + ((a0 + a1)(l0 + l1 + l2 v) - a0 l0 - a1 (..)) w
 * with l0 a scalar of Fp6 and both other products sparse: 13 Fp2 multiplications in all. */
void braid_bn254_fp12_mul_line(fp12 *r, const fp12 *a, const fp2 *l0, const fp2 *l1, const fp2 *l2) {
    fp6 t0, t1, s;
    fp2 m;
    fp6_mul_fp2(&t0, &a->c0, l0);
    fp6_mul_01(&t1, &a->c1, l1, l2);
    fp6_add(&s, &a->c0, &a->c1);
    fp2_add(&m, l0, l1);
    fp6_mul_01(&s, &s, &m, l2);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

void braid_bn254_fp12_pow(fp12 *r, const fp12 *a, const uint64_t e[4]) {
    fp12 acc, base = *a;
    braid_bn254_fp12_one(&acc);
    for (int i = 255; i >= 0; i--) {
        fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}
