/* Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3-256's 0x06).
 *
 * Thread contract: stateless one-shot function; a context belongs to one thread. */
#ifndef BRAID_KECCAK_H
#define BRAID_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"

void braid_keccak256(const uint8_t *data, size_t len, uint8_t out[32]);

static inline braid_hash braid_keccak256_hash(const uint8_t *data, size_t len) {
    braid_hash h;
    braid_keccak256(data, len, h.b);
    return h;
}

/* Hashes n independent messages, several at a time with SIMD when the CPU has it (AVX-512: 8, AVX2:
 * 4): out[i] = keccak256(msgs[i], lens[i]). Output buffers may not overlap the inputs. */
void braid_keccak256_many(const uint8_t *const *msgs, const size_t *lens, size_t n, uint8_t *const *outs);

/* Incremental hashing, for inputs that arrive in pieces. */
typedef struct braid_keccak_ctx {
    uint64_t state[25];
    size_t pos; /* bytes absorbed into the current 136-byte block */
} braid_keccak_ctx;

void braid_keccak_init(braid_keccak_ctx *ctx);
void braid_keccak_update(braid_keccak_ctx *ctx, const uint8_t *data, size_t len);
void braid_keccak_final(braid_keccak_ctx *ctx, uint8_t out[32]);

#endif
