/* Deterministic keys and addresses for the benchmark's accounts, and signing a block's transactions on
 * several threads (a secp256k1 signature costs tens of microseconds: 100,000 of them on one core would
 * dominate the set-up).
 *
 * Thread contract: each call runs its own helper threads and returns when they are done. */
#ifndef BENCH_KEYS_H
#define BENCH_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "braid/braid_bytes.h"
#include "braid/braid_tx_codec.h"

/* keccak256(tag || seed || index), big-endian integers: a per-role stream of 32-byte values. */
braid_hash bench_derive(const char *tag, uint64_t seed, uint64_t index);
/* The low 20 bytes of bench_derive: addresses that need no key (recipients, contracts). */
braid_address bench_derive_address(const char *tag, uint64_t seed, uint64_t index);

/* Private key and address of senders 0..n-1 of `seed`. `threads` 0 means the number of cores. */
void bench_derive_senders(uint64_t seed, size_t n, unsigned threads, uint8_t (*keys)[32],
                          braid_address *addrs);

/* Signs txs[i] with keys[i] and checks that the signer is addrs[i]. Returns 0, or -1 with a message. */
int bench_sign_all(braid_signed_tx *txs, size_t n, const uint8_t (*keys)[32], const braid_address *addrs,
                   unsigned threads, char *err, size_t err_len);

#endif
