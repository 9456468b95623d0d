/* The modexp precompile (0x05): base^exp mod modulus over arbitrary-length big-endian integers.
 * EIP-198 defines the call and its Byzantium pricing, EIP-2565 reprices it from Berlin.
 *
 * Input: three 32-byte big-endian lengths (base, exponent, modulus), then the three operands back to back.
 * The input is read as if extended with zeros forever, so declared lengths can exceed the data, and by
 * absurd amounts (up to 2^256): nothing here allocates in proportion to a declared length unless the
 * gas schedule charges for it (the output, as long as the modulus) or the input really holds the bytes. */
#include <string.h>

#include <gmp.h>

#include "braid/braid_precompile.h"

typedef unsigned __int128 u128;

/* Declared lengths are clamped to 2^100: past that every gas formula that depends on the length is far
 * beyond 2^64 (even one multiplication at the cheapest complexity, 8 * 2^100 / 20), so the clamp never
 * changes a saturated result, and below it all arithmetic is exact in 128 bits. */
#define LEN_CLAMP ((u128)1 << 100)

static u128 read_len(const uint8_t *in, size_t len, size_t off) {
    uint8_t w[32] = {0};
    if (off < len) memcpy(w, in + off, len - off < 32 ? len - off : 32);
    u128 v = 0;
    for (int i = 0; i < 32; i++) {
        v = v << 8 | w[i];
        if (v >= LEN_CLAMP) return LEN_CLAMP;
    }
    return v;
}

/* How many bytes of the field [off, off + n) the input actually holds; the rest are implicit zeros. */
static size_t present(size_t len, u128 off, u128 n) {
    if (off >= len) return 0;
    size_t room = len - (size_t)off;
    return n < room ? (size_t)n : room;
}

struct layout {
    u128 blen, elen, mlen; /* clamped */
    u128 eoff, moff;       /* cannot overflow: at most 96 + 2 * LEN_CLAMP */
};

static struct layout read_layout(const uint8_t *in, size_t len) {
    struct layout l;
    l.blen = read_len(in, len, 0);
    l.elen = read_len(in, len, 32);
    l.mlen = read_len(in, len, 64);
    l.eoff = 96 + l.blen;
    l.moff = l.eoff + l.elen;
    return l;
}

/* The adjusted exponent length of EIP-198 (EIP-2565's iteration count before its max with 1): the index
 * of the highest set bit of the exponent's first 32 bytes (0 when they are zero), plus 8 per byte beyond
 * 32. Reads at most those 32 bytes. */
static u128 adjusted_exp_len(const uint8_t *in, size_t len, const struct layout *l) {
    size_t head_len = l->elen < 32 ? (size_t)l->elen : 32;
    uint8_t head[32] = {0};
    size_t p = present(len, l->eoff, head_len);
    if (p) memcpy(head + (32 - head_len), in + (size_t)l->eoff, p);

    u128 highest_bit = 0;
    for (int i = 0; i < 32; i++) {
        if (head[i]) {
            highest_bit = (u128)(31 - i) * 8 + (31 - __builtin_clz(head[i]));
            break;
        }
    }
    if (l->elen <= 32) return highest_bit;
    return (l->elen - 32) * 8 + highest_bit;
}

static u128 mul_sat(u128 a, u128 b) {
    u128 r;
    return __builtin_mul_overflow(a, b, &r) ? ~(u128)0 : r;
}

/* 128-bit arithmetic, saturating the products: once one saturates, the true result (the quotient of a
 * product of at least 2^128 by 3 or 20) is far past 2^64 anyway. So the result equals the
 * unbounded-precision formula, saturated to 64 bits. */
uint64_t braid_pc_modexp_gas(const uint8_t *in, size_t len, braid_fork fork) {
    struct layout l = read_layout(in, len);
    u128 x = l.blen > l.mlen ? l.blen : l.mlen;
    u128 iterations = adjusted_exp_len(in, len, &l);
    if (iterations < 1) iterations = 1;

    u128 gas;
    if (fork >= BRAID_FORK_BERLIN) {
        u128 words = x / 8 + (x % 8 != 0);
        gas = mul_sat(mul_sat(words, words), iterations) / 3;
        if (gas < 200) gas = 200;
    } else {
        u128 complexity;
        u128 square = mul_sat(x, x); /* with x <= 2^100 the sums below cannot wrap */
        if (x <= 64)
            complexity = square;
        else if (x <= 1024)
            complexity = square / 4 + 96 * x - 3072;
        else
            complexity = square / 16 + 480 * x - 199680;
        gas = mul_sat(complexity, iterations) / 20; /* GQUADDIVISOR */
    }
    return gas > UINT64_MAX ? UINT64_MAX : (uint64_t)gas;
}

/* A modulus at least this long costs more than 2^64 gas under either schedule (the cheaper, EIP-2565,
 * charges ceil(len/8)^2 / 3, which passes 2^64 near len = 2^35.8), so a paid call never reaches it. */
#define MODEXP_MAX_MODULUS ((u128)1 << 37)

/* z = the field's bytes that the input holds, big-endian; returns how many implicit zeros follow. */
static u128 import_field(mpz_t z, const uint8_t *in, size_t len, u128 off, u128 n) {
    size_t p = present(len, off, n);
    if (p)
        mpz_import(z, p, 1, 1, 0, 0, in + (size_t)off);
    else
        mpz_set_ui(z, 0);
    return n - p;
}

int braid_pc_modexp_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    struct layout l = read_layout(in, len);
    if (l.mlen == 0) return 0; /* empty output whatever the base and exponent claim */
    if (l.mlen > MODEXP_MAX_MODULUS) return -1;

    size_t mlen = (size_t)l.mlen;
    uint8_t *o = braid_buf_extend(out, mlen);
    memset(o, 0, mlen);

    mpz_t m, b, e, r;
    mpz_inits(m, b, e, r, NULL);

    /* The modulus comes last, so it is the only operand that can run past the input: its missing bytes
     * are low-order zeros. Conversely, a nonzero modulus means the input reaches past the base and the
     * exponent, so those are fully present, and their declared lengths are bounded by the input's. */
    u128 m_zeros = import_field(m, in, len, l.moff, l.mlen);
    if (mpz_sgn(m) == 0) goto done; /* x mod 0 is 0 by EIP-198 */
    mpz_mul_2exp(m, m, (mp_bitcnt_t)m_zeros * 8);
    if (mpz_cmp_ui(m, 1) == 0) goto done; /* x mod 1 is 0 */

    import_field(b, in, len, 96, l.blen);
    import_field(e, in, len, l.eoff, l.elen);
    if (mpz_sgn(e) == 0)
        mpz_set_ui(r, 1); /* x^0 = 1, 0^0 included; m > 1 here */
    else
        mpz_powm(r, b, e, m);

    size_t n = mpz_sgn(r) ? (mpz_sizeinbase(r, 2) + 7) / 8 : 0;
    if (n) mpz_export(o + (mlen - n), NULL, 1, 1, 0, 0, r);
done:
    mpz_clears(m, b, e, r, NULL);
    return 0;
}
