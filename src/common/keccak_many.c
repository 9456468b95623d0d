/* Keccak-256 of many independent messages at once: the permutation runs on 8 states side by side
 * (AVX-512) or 4 (AVX2), each 64-bit lane of a vector belonging to another message, so that hashing
 * trie leaves or a block's worth of items costs a fraction of one-at-a-time hashing. Messages are
 * grouped by their number of 136-byte blocks; what is left over goes through the scalar function. */
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "keccak_round.h"

/* Messages longer than this many blocks are rare (big receipts): hashed one at a time. */
#define MAX_GROUPED_BLOCKS 8

/* Hashes W messages of `blocks` blocks each. The last block of each is built padded in `tail`. */
#define DEFINE_GROUP(NAME, VT, W, TARGET)                                                               \
    __attribute__((target(TARGET))) static void NAME(const uint8_t *const *msg, const size_t *len,    \
                                                     size_t blocks, uint8_t *const *out) {             \
        uint8_t tail[W][RATE];                                                                         \
        for (int j = 0; j < W; j++) {                                                                  \
            size_t done = (blocks - 1) * RATE, rest = len[j] - done;                                   \
            memset(tail[j], 0, RATE);                                                                  \
            if (rest) memcpy(tail[j], msg[j] + done, rest);                                            \
            tail[j][rest] ^= 0x01;                                                                     \
            tail[j][RATE - 1] ^= 0x80;                                                                 \
        }                                                                                              \
        VT s[25];                                                                                      \
        memset(s, 0, sizeof s);                                                                        \
        for (size_t b = 0; b < blocks; b++) {                                                          \
            const uint8_t *p[W];                                                                       \
            for (int j = 0; j < W; j++) p[j] = b + 1 < blocks ? msg[j] + b * RATE : tail[j];           \
            for (int k = 0; k < RATE_LANES; k++) {                                                     \
                VT v;                                                                                  \
                for (int j = 0; j < W; j++) v[j] = load_le64(p[j] + 8 * k);                            \
                s[k] ^= v;                                                                             \
            }                                                                                          \
            VT a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6];          \
            VT a7 = s[7], a8 = s[8], a9 = s[9], a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13];  \
            VT a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];          \
            VT a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];                       \
            VT e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12;                                  \
            VT e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;                             \
            for (int r = 0; r < 24; r += 2) {                                                          \
                KECCAK_ROUND(VT, a, e, keccak_round_constants[r]);                                                         \
                KECCAK_ROUND(VT, e, a, keccak_round_constants[r + 1]);                                                     \
            }                                                                                          \
            s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3, s[4] = a4, s[5] = a5, s[6] = a6;              \
            s[7] = a7, s[8] = a8, s[9] = a9, s[10] = a10, s[11] = a11, s[12] = a12, s[13] = a13;      \
            s[14] = a14, s[15] = a15, s[16] = a16, s[17] = a17, s[18] = a18, s[19] = a19;             \
            s[20] = a20, s[21] = a21, s[22] = a22, s[23] = a23, s[24] = a24;                          \
        }                                                                                              \
        for (int j = 0; j < W; j++)                                                                    \
            for (int k = 0; k < 4; k++) store_le64(out[j] + 8 * k, s[k][j]);                           \
    }

#if defined(__x86_64__)
typedef uint64_t v4u64 __attribute__((vector_size(32)));
typedef uint64_t v8u64 __attribute__((vector_size(64)));
DEFINE_GROUP(group4_avx2, v4u64, 4, "avx2")
DEFINE_GROUP(group8_avx512, v8u64, 8, "avx512f,avx512vl")
#endif

static int simd_width(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return 8;
    if (__builtin_cpu_supports("avx2")) return 4;
#endif
    return 1;
}

void braid_keccak256_many(const uint8_t *const *msgs, const size_t *lens, size_t n, uint8_t *const *outs) {
    int width = simd_width();
    if (width == 1 || n < 3) {
        for (size_t i = 0; i < n; i++) braid_keccak256(msgs[i], lens[i], outs[i]);
        return;
    }
    /* Bucket the messages by block count, in input order, and hash each bucket `width` at a time. */
    size_t counts[MAX_GROUPED_BLOCKS + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t blocks = lens[i] / RATE + 1;
        if (blocks <= MAX_GROUPED_BLOCKS) counts[blocks]++;
        else braid_keccak256(msgs[i], lens[i], outs[i]);
    }
    size_t local[256], *order = n <= 256 ? local : malloc(n * sizeof *order), start[MAX_GROUPED_BLOCKS + 2] = {0};
    if (!order) abort();
    for (size_t b = 1; b <= MAX_GROUPED_BLOCKS; b++) start[b + 1] = start[b] + counts[b];
    size_t fill[MAX_GROUPED_BLOCKS + 2];
    memcpy(fill, start, sizeof fill);
    for (size_t i = 0; i < n; i++) {
        size_t blocks = lens[i] / RATE + 1;
        if (blocks <= MAX_GROUPED_BLOCKS) order[fill[blocks]++] = i;
    }
    for (size_t b = 1; b <= MAX_GROUPED_BLOCKS; b++) {
        for (size_t k = start[b], end = start[b + 1]; k < end; k += (size_t)width) {
            size_t real = end - k < (size_t)width ? end - k : (size_t)width;
            if (real < 3) { /* a group costs about two single hashes: not worth it for one or two */
                for (size_t j = 0; j < real; j++) braid_keccak256(msgs[order[k + j]], lens[order[k + j]], outs[order[k + j]]);
                continue;
            }
            const uint8_t *m[8];
            size_t l[8];
            uint8_t *o[8], spare[8][32];
            for (size_t j = 0; j < (size_t)width; j++) {
                size_t from = order[k + (j < real ? j : 0)]; /* idle lanes hash the first message again */
                m[j] = msgs[from];
                l[j] = lens[from];
                o[j] = j < real ? outs[from] : spare[j];
            }
#if defined(__x86_64__)
            if (width == 8)
                group8_avx512(m, l, b, o);
            else
                group4_avx2(m, l, b, o);
#endif
        }
    }
    if (order != local) free(order);
}
