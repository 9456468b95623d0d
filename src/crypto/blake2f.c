/* The blake2f precompile (0x09, EIP-152) and the BLAKE2b compression function behind it.
 *
 * The round count is attacker-chosen (up to 2^32 - 1, at 1 gas each), so F's round loop is the hot
 * path: the message never changes between rounds and the permutation schedule repeats every 10 rounds,
 * so both variants permute the message once up front and then stream through the precomputed schedule. */
#include "crypto/blake2f.h"

#include <string.h>

#include "braid/braid_precompile.h"

static const uint64_t blake2b_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* RFC 7693's SIGMA: round r uses permutation r mod 10. */
static const uint8_t blake2b_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

/* ---- portable ---------------------------------------------------------------------------------- */

#define ROTR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

#define G(a, b, c, d, x, y)          \
    do {                             \
        a = a + (x) + b;             \
        d = ROTR64(d ^ a, 32);       \
        c = c + d;                   \
        b = ROTR64(b ^ c, 24);       \
        a = a + (y) + b;             \
        d = ROTR64(d ^ a, 16);       \
        c = c + d;                   \
        b = ROTR64(b ^ c, 63);       \
    } while (0)

void braid_blake2f_compress_portable(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final,
                                     uint32_t rounds) {
    uint64_t sched[10][16];
    for (int r = 0; r < 10; r++)
        for (int k = 0; k < 16; k++) sched[r][k] = m[blake2b_sigma[r][k]];

    /* Sixteen named locals rather than an array, so the state can live in registers. */
    uint64_t v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
    uint64_t v8 = blake2b_iv[0], v9 = blake2b_iv[1], v10 = blake2b_iv[2], v11 = blake2b_iv[3];
    uint64_t v12 = blake2b_iv[4] ^ t[0], v13 = blake2b_iv[5] ^ t[1];
    uint64_t v14 = final ? ~blake2b_iv[6] : blake2b_iv[6], v15 = blake2b_iv[7];

    const uint64_t *x = sched[0];
    const uint64_t *const end = (const uint64_t *)(sched + 10); /* one past the last round (clang -Warray-bounds reads sched[10] as an access) */
    for (uint32_t i = 0; i < rounds; i++) {
        G(v0, v4, v8, v12, x[0], x[1]);
        G(v1, v5, v9, v13, x[2], x[3]);
        G(v2, v6, v10, v14, x[4], x[5]);
        G(v3, v7, v11, v15, x[6], x[7]);
        G(v0, v5, v10, v15, x[8], x[9]);
        G(v1, v6, v11, v12, x[10], x[11]);
        G(v2, v7, v8, v13, x[12], x[13]);
        G(v3, v4, v9, v14, x[14], x[15]);
        x += 16;
        if (x == end) x = sched[0];
    }

    h[0] ^= v0 ^ v8;
    h[1] ^= v1 ^ v9;
    h[2] ^= v2 ^ v10;
    h[3] ^= v3 ^ v11;
    h[4] ^= v4 ^ v12;
    h[5] ^= v5 ^ v13;
    h[6] ^= v6 ^ v14;
    h[7] ^= v7 ^ v15;
}

/* ---- AVX2 -------------------------------------------------------------------------------------- */

#ifdef BRAID_BLAKE2F_HAVE_AVX2
#include <immintrin.h>

/* The state as four rows of four words: a = v0..v3, b = v4..v7, c = v8..v11, d = v12..v15, so one
 * vector G runs the four column G functions at once. For the diagonal step, rows a, c and d rotate so
 * that lane i holds the diagonal through b's word i; b stays put because it is the last value G
 * produces, which would put a rotation's 3-cycle latency on the round's critical path, whereas a, c
 * and d are final several instructions earlier and rotate in the shadow of the rest of G. */

#define AVX_ROTR32(x) _mm256_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define AVX_ROTR24(x) _mm256_shuffle_epi8((x), rot24)
#define AVX_ROTR16(x) _mm256_shuffle_epi8((x), rot16)
#define AVX_ROTR63(x) _mm256_xor_si256(_mm256_srli_epi64((x), 63), _mm256_add_epi64((x), (x)))

/* (a + x) + b rather than (a + b) + x: b arrives last, so only one addition should wait for it. The
 * compiler's reassociation would undo that order, so the partial sum goes through an empty asm. */
#define AVX_OPAQUE(v) __asm__("" : "+x"(v))
#define AVX_G(a, b, c, d, x, y)                                 \
    do {                                                        \
        a = _mm256_add_epi64(a, (x));                           \
        AVX_OPAQUE(a);                                          \
        a = _mm256_add_epi64(a, b);                             \
        d = AVX_ROTR32(_mm256_xor_si256(d, a));                 \
        c = _mm256_add_epi64(c, d);                             \
        b = AVX_ROTR24(_mm256_xor_si256(b, c));                 \
        a = _mm256_add_epi64(a, (y));                           \
        AVX_OPAQUE(a);                                          \
        a = _mm256_add_epi64(a, b);                             \
        d = AVX_ROTR16(_mm256_xor_si256(d, a));                 \
        c = _mm256_add_epi64(c, d);                             \
        b = AVX_ROTR63(_mm256_xor_si256(b, c));                 \
    } while (0)

__attribute__((target("avx2"))) void braid_blake2f_compress_avx2(uint64_t h[8], const uint64_t m[16],
                                                                  const uint64_t t[2], bool final,
                                                                  uint32_t rounds) {
    /* Per round: column x and y words, then diagonal x and y words, each in lane order. Diagonal lanes
     * 0..3 hold the diagonals through v4..v7, i.e. RFC 7693's diagonal G number 3, 0, 1, 2. */
    __m256i sched[10][4];
    for (int r = 0; r < 10; r++) {
        const uint8_t *s = blake2b_sigma[r];
        sched[r][0] = _mm256_set_epi64x(m[s[6]], m[s[4]], m[s[2]], m[s[0]]);
        sched[r][1] = _mm256_set_epi64x(m[s[7]], m[s[5]], m[s[3]], m[s[1]]);
        sched[r][2] = _mm256_set_epi64x(m[s[12]], m[s[10]], m[s[8]], m[s[14]]);
        sched[r][3] = _mm256_set_epi64x(m[s[13]], m[s[11]], m[s[9]], m[s[15]]);
    }
    /* Byte shuffles rotating each 64-bit lane right by 3 and 2 bytes. */
    const __m256i rot24 = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5,
                                           6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
    const __m256i rot16 = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4,
                                           5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);

    const __m256i h_lo = _mm256_loadu_si256((const __m256i *)h);
    const __m256i h_hi = _mm256_loadu_si256((const __m256i *)(h + 4));
    __m256i a = h_lo, b = h_hi;
    __m256i c = _mm256_loadu_si256((const __m256i *)blake2b_iv);
    __m256i d = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blake2b_iv + 4)),
                                 _mm256_set_epi64x(0, final ? -1 : 0, (long long)t[1], (long long)t[0]));

    const __m256i *x = sched[0];
    const __m256i *const end = (const __m256i *)(sched + 10); /* one past the last round, as above */
    for (uint32_t i = 0; i < rounds; i++) {
        AVX_G(a, b, c, d, x[0], x[1]);
        /* a = (v3, v0, v1, v2), c = (v9, v10, v11, v8), d = (v14, v15, v12, v13) */
        a = _mm256_permute4x64_epi64(a, _MM_SHUFFLE(2, 1, 0, 3));
        c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(0, 3, 2, 1));
        d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(1, 0, 3, 2));
        AVX_G(a, b, c, d, x[2], x[3]);
        a = _mm256_permute4x64_epi64(a, _MM_SHUFFLE(0, 3, 2, 1));
        c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(2, 1, 0, 3));
        d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(1, 0, 3, 2));
        x += 4;
        if (x == end) x = sched[0];
    }

    _mm256_storeu_si256((__m256i *)h, _mm256_xor_si256(h_lo, _mm256_xor_si256(a, c)));
    _mm256_storeu_si256((__m256i *)(h + 4), _mm256_xor_si256(h_hi, _mm256_xor_si256(b, d)));
}

bool braid_blake2f_avx2_usable(void) { return __builtin_cpu_supports("avx2"); }
#endif

void braid_blake2f_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final,
                            uint32_t rounds) {
#ifdef BRAID_BLAKE2F_HAVE_AVX2
    if (braid_blake2f_avx2_usable()) {
        braid_blake2f_compress_avx2(h, m, t, final, rounds);
        return;
    }
#endif
    braid_blake2f_compress_portable(h, m, t, final, rounds);
}

/* ---- precompile -------------------------------------------------------------------------------- */

#define BLAKE2F_INPUT_LEN 213

static uint64_t load64_le(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint32_t load_rounds(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A malformed input costs nothing here; the failing call then consumes all gas anyway. */
uint64_t braid_pc_blake2f_gas(const uint8_t *in, size_t len, braid_fork fork) {
    return len == BLAKE2F_INPUT_LEN ? load_rounds(in) : 0;
}

/* rounds(4, big-endian) | h(8 x 8) | m(16 x 8) | t(2 x 8) | final(1); the words are little-endian. */
int braid_pc_blake2f_run(const uint8_t *in, size_t len, braid_buf *out) {
    out->len = 0;
    if (len != BLAKE2F_INPUT_LEN) return -1;
    uint8_t final = in[212];
    if (final > 1) return -1;

    uint64_t h[8], m[16], t[2];
    for (int i = 0; i < 8; i++) h[i] = load64_le(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++) m[i] = load64_le(in + 68 + 8 * i);
    t[0] = load64_le(in + 196);
    t[1] = load64_le(in + 204);

    braid_blake2f_compress(h, m, t, final, load_rounds(in));

    uint8_t *o = braid_buf_extend(out, 64);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 8; k++) o[8 * i + k] = (uint8_t)(h[i] >> (8 * k));
    return 0;
}
