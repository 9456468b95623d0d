/* 256-bit arithmetic with EVM semantics on four 64-bit limbs (least significant first).
 *
 * Division is Knuth's algorithm D, but each quotient digit comes from a 3-by-2 limb division with a
 * precomputed reciprocal (Möller & Granlund, "Improved division by invariant integers", 2011), so the
 * inner loop multiplies instead of dividing and the digit estimate is off by at most one. The same
 * routine reduces the 320-bit ADDMOD sum and the 512-bit MULMOD product. Nothing here allocates. */
#include "braid/braid_u256.h"

#include <string.h>

typedef unsigned __int128 uint128;

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline uint128 mul_wide(uint64_t a, uint64_t b) { return (uint128)a * b; }
static inline uint128 join(uint64_t hi, uint64_t lo) { return ((uint128)hi << 64) | lo; }
static inline uint64_t hi64(uint128 x) { return (uint64_t)(x >> 64); }

static inline bool is_negative(const braid_u256 *a) { return a->w[3] >> 63; }

static inline braid_u256 negate(braid_u256 a) { return braid_u256_sub(BRAID_U256_ZERO, a); }

static inline braid_u256 abs_value(braid_u256 a) { return (a.w[3] >> 63) ? negate(a) : a; }

/* Number of limbs up to and including the most significant non-zero one. */
static inline unsigned used_limbs(const uint64_t *x, unsigned n) {
    while (n > 0 && x[n - 1] == 0) n--;
    return n;
}

/* ---- Conversions and sizes ---------------------------------------------------------------------- */

braid_u256 braid_u256_from_be_n(const uint8_t *b, size_t n) {
    /* More than 32 bytes keeps the low 32, i.e. the value mod 2^256. */
    if (n > 32) {
        b += n - 32;
        n = 32;
    }
    /* Whole limbs straight from the tail, then the leading partial limb byte by byte (a padded copy
     * would be read back with wide loads that cannot forward from its narrow stores). */
    braid_u256 r = BRAID_U256_ZERO;
    unsigned limb = 0;
    for (; n >= 8; n -= 8) {
        uint64_t v;
        memcpy(&v, b + n - 8, 8);
        r.w[limb++] = __builtin_bswap64(v);
    }
    uint64_t partial = 0;
    for (size_t i = 0; i < n; i++) partial = (partial << 8) | b[i];
    if (n) r.w[limb] = partial;
    return r;
}

unsigned braid_u256_bit_len(braid_u256 a) {
    for (int i = 3; i >= 0; i--)
        if (a.w[i]) return 64 * (unsigned)i + 64 - (unsigned)__builtin_clzll(a.w[i]);
    return 0;
}

unsigned braid_u256_byte_len(braid_u256 a) { return (braid_u256_bit_len(a) + 7) / 8; }

/* ---- Multiplication ----------------------------------------------------------------------------- */

/* braid_u256_mul itself is inline in the header; this is its by-value form for EXP's loop. */
static inline __attribute__((always_inline)) braid_u256 mul_low(braid_u256 a, braid_u256 b) {
    braid_u256 r;
    braid_u256_mul(&r, &a, &b);
    return r;
}

/* a * a mod 2^256: the symmetric cross products are computed once and doubled (six multiplies). */
static inline __attribute__((always_inline)) braid_u256 square(braid_u256 a) {
    const uint64_t a0 = a.w[0], a1 = a.w[1], a2 = a.w[2], a3 = a.w[3];
    uint128 p01 = mul_wide(a0, a1), p02 = mul_wide(a0, a2);
    uint64_t x1 = (uint64_t)p01;
    uint128 t = (uint128)hi64(p01) + (uint64_t)p02;
    uint64_t x2 = (uint64_t)t;
    uint64_t x3 = hi64(p02) + hi64(t) + a0 * a3 + a1 * a2;
    /* Double the cross terms; whatever shifts past limb 3 is beyond 2^256. */
    x3 = (x3 << 1) | (x2 >> 63);
    x2 = (x2 << 1) | (x1 >> 63);
    x1 <<= 1;

    uint128 d0 = mul_wide(a0, a0), d1 = mul_wide(a1, a1);
    braid_u256 diag = {{(uint64_t)d0, hi64(d0), (uint64_t)d1, hi64(d1)}};
    return braid_u256_add(diag, (braid_u256){{0, x1, x2, x3}});
}

/* Full 512-bit product for MULMOD. */
static void mul_full(uint64_t p[8], const uint64_t a[4], const uint64_t b[4]) {
    memset(p, 0, 8 * sizeof p[0]);
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++) {
            uint128 t = mul_wide(a[j], b[i]) + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = hi64(t);
        }
        p[i + 4] = carry;
    }
}

/* ---- Division primitives ------------------------------------------------------------------------ */

/* floor((2^128 - 1) / d) - 2^64 for d with its top bit set. The numerator's high limb ~d is below d,
 * so a single hardware 128/64 division cannot overflow. */
static inline uint64_t reciprocal_2by1(uint64_t d) {
#if defined(__x86_64__)
    uint64_t q, rem;
    __asm__("divq %4" : "=a"(q), "=d"(rem) : "a"(~(uint64_t)0), "d"(~d), "rm"(d));
    (void)rem;
    return q;
#else
    return (uint64_t)(join(~d, ~(uint64_t)0) / d);
#endif
}

/* Reciprocal of the normalised two-limb divisor (d1, d0): floor((2^192 - 1) / (d1, d0)) - 2^64,
 * refined from the one-limb reciprocal of d1 (Möller & Granlund, algorithm 6). */
static inline uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0) {
    uint64_t v = reciprocal_2by1(d1);
    /* The paper's corrections, in arithmetic instead of branches: they are data-dependent coin flips. */
    uint64_t p = d1 * v + d0;
    const uint64_t carry = p < d0, twice = carry & (p >= d1);
    v -= carry + twice;
    p -= (-carry & d1) + (-twice & d1);
    const uint128 t = mul_wide(v, d0);
    p += hi64(t);
    const uint64_t carry2 = p < hi64(t);
    v -= carry2 + (carry2 & (join(p, (uint64_t)t) >= join(d1, d0)));
    return v;
}

/* (u1, u0) / d for normalised d and u1 < d; v is d's reciprocal. */
static inline uint64_t divrem_2by1(uint64_t u1, uint64_t u0, uint64_t d, uint64_t v, uint64_t *rem) {
    uint128 q = mul_wide(v, u1) + join(u1, u0);
    uint64_t q1 = hi64(q) + 1, q0 = (uint64_t)q;
    uint64_t r = u0 - q1 * d;
    /* This correction goes either way about equally often: a mask beats a mispredicted branch. */
    const uint64_t over = -(uint64_t)(r > q0);
    q1 += over;
    r += over & d;
    if (UNLIKELY(r >= d)) {
        q1++;
        r -= d;
    }
    *rem = r;
    return q1;
}

/* (u2, u1, u0) / (d1, d0) for a normalised divisor and (u2, u1) < (d1, d0); v from reciprocal_3by2. */
static inline uint64_t divrem_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v,
                                   uint128 *rem) {
    uint128 q = mul_wide(v, u2) + join(u2, u1);
    uint64_t q1 = hi64(q), q0 = (uint64_t)q;
    uint64_t r1 = u1 - q1 * d1;
    uint128 d = join(d1, d0);
    uint128 r = join(r1, u0) - mul_wide(d0, q1) - d;
    q1++;
    const uint64_t over = -(uint64_t)(hi64(r) >= q0); /* unpredictable, as in divrem_2by1 */
    q1 += over;
    r += join(over & d1, over & d0);
    if (UNLIKELY(r >= d)) {
        q1++;
        r -= d;
    }
    *rem = r;
    return q1;
}

/* x[0..n) -= q * y[0..n); returns what must still be borrowed from x[n]. */
static inline uint64_t submul(uint64_t *x, const uint64_t *y, unsigned n, uint64_t q) {
    uint64_t borrow = 0;
#pragma GCC unroll 4
    for (unsigned i = 0; i < n; i++) {
        uint128 p = mul_wide(y[i], q) + borrow;
        uint64_t lo = (uint64_t)p;
        borrow = hi64(p) + (x[i] < lo);
        x[i] -= lo;
    }
    return borrow;
}

/* x[0..n) += y[0..n), dropping the final carry (it cancels the borrow that caused the add-back). */
static inline void add_back(uint64_t *x, const uint64_t *y, unsigned n) {
    unsigned long long carry = 0;
#pragma GCC unroll 4
    for (unsigned i = 0; i < n; i++) x[i] = braid_u256_addc_(x[i], y[i], carry, &carry);
}

/* out[0..n] = x[0..n) << shift, shift < 64 (the extra limb receives the bits shifted out). */
static inline void shift_left_limbs(uint64_t *out, const uint64_t *x, unsigned n, unsigned shift) {
    if (shift == 0) {
        memcpy(out, x, n * sizeof x[0]);
        out[n] = 0;
        return;
    }
    out[n] = x[n - 1] >> (64 - shift);
    for (unsigned i = n - 1; i > 0; i--) out[i] = (x[i] << shift) | (x[i - 1] >> (64 - shift));
    out[0] = x[0] << shift;
}

/* Undoes the normalisation shift on an n-limb remainder. */
static inline braid_u256 unshift_remainder(const uint64_t *x, unsigned n, unsigned shift) {
    braid_u256 r = BRAID_U256_ZERO;
    if (shift == 0) {
        memcpy(r.w, x, n * sizeof x[0]);
        return r;
    }
    for (unsigned i = 0; i + 1 < n; i++) r.w[i] = (x[i] >> shift) | (x[i + 1] << (64 - shift));
    r.w[n - 1] = x[n - 1] >> shift;
    return r;
}

/* x < y, both n limbs long. */
static inline bool limbs_less(const uint64_t *x, const uint64_t *y, unsigned n) {
    for (unsigned i = n; i-- > 0;)
        if (x[i] != y[i]) return x[i] < y[i];
    return false;
}

/* Schoolbook long division of un (m + 1 limbs, normalised) by dn (N = 3 or 4 limbs, normalised),
 * leaving the normalised remainder in rem[0..N). Forced inline per N: with N constant the limb loops
 * unroll and the running remainder lives in registers instead of round-tripping through memory. */
static inline __attribute__((always_inline)) void divide_long(uint64_t *q, const uint64_t *un, unsigned m,
                                                               const uint64_t *dn, const unsigned N, uint64_t rem[4]) {
    const uint64_t d1 = dn[N - 1], d0 = dn[N - 2], inv = reciprocal_3by2(d1, d0);
    uint64_t r[4]; /* top N limbs of the partial remainder, always below dn */
#pragma GCC unroll 4
    for (unsigned i = 0; i < N; i++) r[i] = un[m - N + 1 + i];

    for (int j = (int)(m - N); j >= 0; j--) {
        /* The window divided this round: the next dividend limb under the remainder. */
        uint64_t w[5];
        w[0] = un[j];
#pragma GCC unroll 4
        for (unsigned i = 0; i < N; i++) w[i + 1] = r[i];
        uint64_t qhat;
        if (UNLIKELY(w[N] == d1 && w[N - 1] == d0)) {
            /* Top two limbs equal the divisor's: the digit is exactly 2^64 - 1, and the 3-by-2 step's
             * precondition does not hold. The final borrow cancels w[N]. */
            qhat = ~(uint64_t)0;
            submul(w, dn, N, qhat);
        } else {
            uint128 top;
            qhat = divrem_3by2(w[N], w[N - 1], w[N - 2], d1, d0, inv, &top);
            /* The top three limbs are already reduced; subtract qhat times the divisor's low limbs. */
            const uint64_t borrow = submul(w, dn, N - 2, qhat);
            const uint64_t r0 = (uint64_t)top, r1 = hi64(top), borrow1 = r0 < borrow;
            w[N - 2] = r0 - borrow;
            w[N - 1] = r1 - borrow1;
            if (UNLIKELY(r1 < borrow1)) {
                /* The estimate was one too large (never more, given two divisor limbs). */
                qhat--;
                add_back(w, dn, N);
            }
        }
        q[j] = qhat;
#pragma GCC unroll 4
        for (unsigned i = 0; i < N; i++) r[i] = w[i];
    }
    memcpy(rem, r, N * sizeof r[0]);
}

/* Quotient and remainder of u (ulen <= 8 limbs) by the non-zero d. Only the low 256 bits of the
 * quotient are kept (MULMOD and ADDMOD discard it anyway); the remainder always fits. Either output
 * may be NULL. The outputs are written straight into the caller's result, so they must not alias
 * the inputs. */
static void divrem(braid_u256 *quot, braid_u256 *rem, const uint64_t *u, unsigned ulen, const braid_u256 *d) {
    const unsigned n = used_limbs(d->w, 4);
    const unsigned m = used_limbs(u, ulen);
    uint64_t q[8] = {0};

    if (m < n || (m == n && limbs_less(u, d->w, n))) {
        if (quot) *quot = BRAID_U256_ZERO;
        if (rem) {
            *rem = BRAID_U256_ZERO;
            memcpy(rem->w, u, m * sizeof u[0]);
        }
        return;
    }
    if (m == 1) {
        const uint64_t num = u[0], den = d->w[0], digit = num / den;
        if (quot) *quot = braid_u256_from_u64(digit);
        if (rem) *rem = braid_u256_from_u64(num - digit * den);
        return;
    }

    const unsigned shift = (unsigned)__builtin_clzll(d->w[n - 1]);
    uint64_t un[9], dn[5]; /* both get a spill limb from shift_left_limbs */
    shift_left_limbs(un, u, m, shift);

    if (n == 1) {
        const uint64_t dv = d->w[0] << shift, inv = reciprocal_2by1(dv);
        uint64_t r = un[m];
        for (int j = (int)m - 1; j >= 0; j--) q[j] = divrem_2by1(r, un[j], dv, inv, &r);
        if (quot) memcpy(quot->w, q, sizeof quot->w);
        if (rem) *rem = braid_u256_from_u64(r >> shift);
        return;
    }

    shift_left_limbs(dn, d->w, n, shift); /* dn[n] is zero: the shift only normalises the top limb */
    uint64_t r[4];
    if (n == 2) {
        /* The 3-by-2 step is exact for a two-limb divisor: no multiply-subtract needed. */
        const uint64_t d1 = dn[1], d0 = dn[0], inv = reciprocal_3by2(d1, d0);
        uint128 top = join(un[m], un[m - 1]);
        for (int j = (int)m - 2; j >= 0; j--) q[j] = divrem_3by2(hi64(top), (uint64_t)top, un[j], d1, d0, inv, &top);
        r[0] = (uint64_t)top;
        r[1] = hi64(top);
    } else if (n == 3) {
        divide_long(q, un, m, dn, 3, r);
    } else {
        divide_long(q, un, m, dn, 4, r);
    }
    if (quot) memcpy(quot->w, q, sizeof quot->w);
    if (rem) *rem = unshift_remainder(r, n, shift);
}

/* ---- DIV, MOD, SDIV, SMOD ----------------------------------------------------------------------- */

/* x >> s for any s (256 and above give zero). */
static inline braid_u256 shift_right(braid_u256 x, unsigned s) {
    braid_u256 r = BRAID_U256_ZERO;
    if (s >= 256) return r;
    const unsigned limbs = s / 64, bits = s % 64;
    for (unsigned i = 0; i + limbs < 4; i++) {
        r.w[i] = x.w[i + limbs] >> bits;
        if (bits && i + limbs + 1 < 4) r.w[i] |= x.w[i + limbs + 1] << (64 - bits);
    }
    return r;
}

/* DIV and MOD (either output may be NULL; both may alias the inputs). Forced inline so each caller
 * keeps only its own output and the fast paths stay in registers. */
static inline __attribute__((always_inline)) void divmod(const braid_u256 *a, const braid_u256 *b, braid_u256 *quot,
                                                          braid_u256 *rem) {
    const braid_u256 x = *a, y = *b;
    braid_u256 q, r;
    const braid_u256 low_mask = braid_u256_sub(y, braid_u256_from_u64(1));
    if (LIKELY(braid_u256_fits_u64(y))) {
        const uint64_t d = y.w[0];
        if (d == 0) {
            q = r = BRAID_U256_ZERO;
        } else if (braid_u256_fits_u64(x)) {
            const uint64_t digit = x.w[0] / d;
            q = braid_u256_from_u64(digit);
            r = braid_u256_from_u64(x.w[0] - digit * d);
        } else if ((d & (d - 1)) == 0) {
            goto power_of_two;
        } else {
            goto long_division;
        }
    } else if (braid_u256_lt(x, y)) {
        q = BRAID_U256_ZERO;
        r = x;
    } else if (braid_u256_is_zero(braid_u256_and(y, low_mask))) {
    power_of_two:
        /* A shift: pre-Constantinople code (no SHR) divides by powers of two constantly. */
        q = shift_right(x, braid_u256_bit_len(y) - 1);
        r = braid_u256_and(x, low_mask);
    } else {
    long_division:
        divrem(quot, rem, x.w, 4, &y);
        return;
    }
    if (quot) *quot = q;
    if (rem) *rem = r;
}

void braid_u256_div(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) { divmod(a, b, r, NULL); }

void braid_u256_mod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) { divmod(a, b, NULL, r); }

void braid_u256_sdiv(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) {
    /* Divide magnitudes and fix the sign. -2^255 / -1 needs no special case: the magnitude 2^255
     * comes back as a positive quotient whose bits are -2^255 again, as the EVM specifies. */
    const bool negative = is_negative(a) != is_negative(b);
    const braid_u256 ua = abs_value(*a), ub = abs_value(*b);
    braid_u256 q;
    divmod(&ua, &ub, &q, NULL);
    *r = negative ? negate(q) : q;
}

void braid_u256_smod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) {
    const bool negative = is_negative(a); /* the remainder takes the dividend's sign */
    const braid_u256 ua = abs_value(*a), ub = abs_value(*b);
    braid_u256 rem;
    divmod(&ua, &ub, NULL, &rem);
    *r = negative ? negate(rem) : rem;
}

/* ---- ADDMOD, MULMOD ----------------------------------------------------------------------------- */

void braid_u256_addmod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b, const braid_u256 *m) {
    const braid_u256 mod = *m;
    if (braid_u256_is_zero(mod)) {
        *r = BRAID_U256_ZERO;
        return;
    }
    /* Reduced operands (the usual case in field arithmetic) need one conditional subtraction. */
    if (braid_u256_lt(*a, mod) && braid_u256_lt(*b, mod)) {
        bool carry;
        const braid_u256 sum = braid_u256_add_carry(*a, *b, &carry);
        /* Subtract m, then add it back (masked, not branched: either way is equally likely) when the
         * subtraction borrowed more than the carry out of the addition covers. */
        unsigned long long borrow, c;
        braid_u256 reduced;
        reduced.w[0] = braid_u256_subc_(sum.w[0], mod.w[0], 0, &borrow);
        reduced.w[1] = braid_u256_subc_(sum.w[1], mod.w[1], borrow, &borrow);
        reduced.w[2] = braid_u256_subc_(sum.w[2], mod.w[2], borrow, &borrow);
        reduced.w[3] = braid_u256_subc_(sum.w[3], mod.w[3], borrow, &borrow);
        const uint64_t undo = -(uint64_t)(borrow > (unsigned long long)carry);
        r->w[0] = braid_u256_addc_(reduced.w[0], mod.w[0] & undo, 0, &c);
        r->w[1] = braid_u256_addc_(reduced.w[1], mod.w[1] & undo, c, &c);
        r->w[2] = braid_u256_addc_(reduced.w[2], mod.w[2] & undo, c, &c);
        r->w[3] = reduced.w[3] + (mod.w[3] & undo) + c;
        return;
    }
    bool carry;
    braid_u256 sum = braid_u256_add_carry(*a, *b, &carry);
    const uint64_t wide[5] = {sum.w[0], sum.w[1], sum.w[2], sum.w[3], carry};
    divrem(NULL, r, wide, 5, &mod);
}

void braid_u256_mulmod(braid_u256 *r, const braid_u256 *a, const braid_u256 *b, const braid_u256 *m) {
    const braid_u256 mod = *m;
    if (braid_u256_is_zero(mod)) {
        *r = BRAID_U256_ZERO;
        return;
    }
    if (braid_u256_fits_u64(*a) && braid_u256_fits_u64(*b) && braid_u256_fits_u64(mod)) {
        *r = braid_u256_from_u64((uint64_t)(mul_wide(a->w[0], b->w[0]) % mod.w[0]));
        return;
    }
    uint64_t product[8];
    mul_full(product, a->w, b->w);
    divrem(NULL, r, product, 8, &mod);
}

/* ---- EXP ---------------------------------------------------------------------------------------- */

void braid_u256_exp(braid_u256 *r, const braid_u256 *base, const braid_u256 *exponent) {
    const braid_u256 b = *base, e = *exponent;
    if (braid_u256_is_zero(e)) {
        *r = braid_u256_from_u64(1);
        return;
    }
    if (braid_u256_fits_u64(b) && b.w[0] <= 1) {
        *r = b; /* 0^e = 0 and 1^e = 1 for e > 0 */
        return;
    }
    const bool small_exponent = braid_u256_fits_u64(e) && e.w[0] < 256;
    if (!(b.w[0] & 1)) {
        /* An even base carries at least e factors of two, so any e >= 256 clears all bits. */
        if (!small_exponent) {
            *r = BRAID_U256_ZERO;
            return;
        }
        /* A power of two, 2^k, is a single shift by k*e. */
        const braid_u256 lowest_bit = braid_u256_and(b, negate(b));
        if (braid_u256_eq(lowest_bit, b)) {
            const uint64_t bits = (uint64_t)(braid_u256_bit_len(b) - 1) * e.w[0];
            *r = BRAID_U256_ZERO;
            if (bits < 256) r->w[bits / 64] = 1ULL << (bits % 64);
            return;
        }
    }
    if (small_exponent && e.w[0] <= 2) {
        *r = e.w[0] == 1 ? b : square(b);
        return;
    }
    /* Left-to-right square-and-multiply over the exponent's bits below the leading one. */
    braid_u256 acc = b;
    for (int bit = (int)braid_u256_bit_len(e) - 2; bit >= 0; bit--) {
        acc = square(acc);
        if ((e.w[bit / 64] >> (bit % 64)) & 1) acc = mul_low(acc, b);
    }
    *r = acc;
}

/* ---- SIGNEXTEND, BYTE, shifts ------------------------------------------------------------------- */

void braid_u256_signextend(braid_u256 *r, const braid_u256 *byte_index, const braid_u256 *x) {
    braid_u256 v = *x;
    if (!braid_u256_fits_u64(*byte_index) || byte_index->w[0] >= 31) {
        *r = v;
        return;
    }
    const unsigned sign_bit = 8 * (unsigned)byte_index->w[0] + 7;
    const unsigned limb = sign_bit / 64, bit = sign_bit % 64;
    const uint64_t keep = (2ULL << bit) - 1; /* bits 0..bit; wraps to all ones for bit 63 */
    const uint64_t fill = ((v.w[limb] >> bit) & 1) ? ~(uint64_t)0 : 0;
    v.w[limb] = (v.w[limb] & keep) | (fill & ~keep);
    for (unsigned i = limb + 1; i < 4; i++) v.w[i] = fill;
    *r = v;
}

void braid_u256_byte(braid_u256 *r, const braid_u256 *i, const braid_u256 *x) {
    if (!braid_u256_fits_u64(*i) || i->w[0] >= 32) {
        *r = BRAID_U256_ZERO;
        return;
    }
    const unsigned index = (unsigned)i->w[0]; /* 0 = most significant byte */
    const uint64_t limb = x->w[3 - index / 8];
    *r = braid_u256_from_u64((limb >> (56 - 8 * (index % 8))) & 0xff);
}

/* Shift amount if below 256, else 256. */
static inline unsigned shift_amount(const braid_u256 *shift) {
    return (braid_u256_fits_u64(*shift) && shift->w[0] < 256) ? (unsigned)shift->w[0] : 256;
}

void braid_u256_shl(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    const unsigned s = shift_amount(shift);
    const braid_u256 v = *x;
    braid_u256 out = BRAID_U256_ZERO;
    if (s < 256) {
        const unsigned limbs = s / 64, bits = s % 64;
        for (unsigned i = limbs; i < 4; i++) {
            out.w[i] = v.w[i - limbs] << bits;
            if (bits && i > limbs) out.w[i] |= v.w[i - limbs - 1] >> (64 - bits);
        }
    }
    *r = out;
}

void braid_u256_shr(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    *r = shift_right(*x, shift_amount(shift));
}

void braid_u256_sar(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    /* For a negative x, complementing turns the arithmetic shift into a logical one: ~(~x >> s) fills
     * with ones, including all ones for s >= 256. */
    const unsigned s = shift_amount(shift);
    const braid_u256 v = *x;
    *r = is_negative(&v) ? braid_u256_not(shift_right(braid_u256_not(v), s)) : shift_right(v, s);
}

/* ---- Text --------------------------------------------------------------------------------------- */

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int braid_u256_from_string(const char *s, braid_u256 *out) {
    if (!s || !*s) return -1;
    braid_u256 v = BRAID_U256_ZERO;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        const size_t len = strlen(s);
        if (len == 0 || len > 64) return -1;
        for (size_t i = 0; i < len; i++) {
            const int digit = hex_digit(s[i]);
            if (digit < 0) return -1;
            const size_t nibble = len - 1 - i; /* position from the least significant end */
            v.w[nibble / 16] |= (uint64_t)digit << (4 * (nibble % 16));
        }
    } else {
        for (; *s; s++) {
            if (*s < '0' || *s > '9') return -1;
            /* v = v * 10 + digit, failing on any carry out of 256 bits. */
            uint64_t carry = (uint64_t)(*s - '0');
            for (int i = 0; i < 4; i++) {
                uint128 t = mul_wide(v.w[i], 10) + carry;
                v.w[i] = (uint64_t)t;
                carry = hi64(t);
            }
            if (carry) return -1;
        }
    }
    *out = v;
    return 0;
}
