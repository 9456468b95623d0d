/* The BLAKE2b compression function F (RFC 7693, section 3.2) with a caller-chosen number of rounds, as
 * the blake2f precompile (EIP-152) exposes it. Internal to the library; the variants are declared so
 * that tests and benchmarks can run each one.
 *
 * Thread contract: pure functions of their arguments. */
#ifndef BRAID_CRYPTO_BLAKE2F_H
#define BRAID_CRYPTO_BLAKE2F_H

#include <stdbool.h>
#include <stdint.h>

/* h: chaining state (updated in place); m: message block; t: offset counter (t[0] low word);
 * final: the last-block flag. Picks the fastest variant this CPU runs. */
void braid_blake2f_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final,
                            uint32_t rounds);

void braid_blake2f_compress_portable(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final,
                                     uint32_t rounds);

#if defined(__x86_64__) && defined(__GNUC__)
#define BRAID_BLAKE2F_HAVE_AVX2 1
/* Only on CPUs where braid_blake2f_avx2_usable() is true. */
void braid_blake2f_compress_avx2(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool final,
                                 uint32_t rounds);
bool braid_blake2f_avx2_usable(void);
#endif

#endif
