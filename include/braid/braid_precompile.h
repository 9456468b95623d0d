/* Precompiled contracts: one gas function and one run function per contract.
 *
 * The interpreter charges `gas(input)` first and calls `run` only when the caller can pay, so a run
 * function may assume its input is bounded by what the gas allows (modexp's lengths, for instance, are
 * affordable). Inputs are otherwise hostile: any length, any bytes.
 *
 * run contract: clears `out` (out->len = 0), then either writes the output and returns 0, or returns -1
 * for an input the contract rejects (the EVM then treats the call as failed and consumes all its gas).
 * A contract that "succeeds with empty output" (ecrecover on a bad signature) returns 0 with out->len 0.
 * It writes only by extending `out` from empty (braid_buf_extend/append), never below a length it later
 * shrinks: the interpreter keeps the buffer zero beyond its length.
 *
 * Gas functions return the cost in gas, saturated at UINT64_MAX for absurd inputs.
 *
 * Thread contract: every function is reentrant and may run on many threads at once. */
#ifndef BRAID_PRECOMPILE_H
#define BRAID_PRECOMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_fork.h"

typedef uint64_t (*braid_precompile_gas_fn)(const uint8_t *in, size_t len, braid_fork fork);
typedef int (*braid_precompile_run_fn)(const uint8_t *in, size_t len, braid_buf *out);

#define BRAID_DECLARE_PRECOMPILE(name)                                                   \
    uint64_t braid_pc_##name##_gas(const uint8_t *in, size_t len, braid_fork fork);     \
    int braid_pc_##name##_run(const uint8_t *in, size_t len, braid_buf *out)

BRAID_DECLARE_PRECOMPILE(ecrecover);      /* 0x01, Frontier */
BRAID_DECLARE_PRECOMPILE(sha256);         /* 0x02, Frontier */
BRAID_DECLARE_PRECOMPILE(ripemd160);      /* 0x03, Frontier */
BRAID_DECLARE_PRECOMPILE(identity);       /* 0x04, Frontier */
BRAID_DECLARE_PRECOMPILE(modexp);         /* 0x05, Byzantium (EIP-198; EIP-2565 pricing from Berlin) */
BRAID_DECLARE_PRECOMPILE(bn254_add);      /* 0x06, Byzantium (EIP-196; EIP-1108 pricing from Istanbul) */
BRAID_DECLARE_PRECOMPILE(bn254_mul);      /* 0x07, Byzantium */
BRAID_DECLARE_PRECOMPILE(bn254_pairing);  /* 0x08, Byzantium (EIP-197) */
BRAID_DECLARE_PRECOMPILE(blake2f);        /* 0x09, Istanbul (EIP-152) */
BRAID_DECLARE_PRECOMPILE(point_evaluation); /* 0x0a, Cancun (EIP-4844) */

/* The precompile at `address` (1..0x0a) active in `fork`; returns 0 and fills the function pointers,
 * or -1 when no precompile lives there in that fork. */
int braid_precompile_lookup(unsigned address, braid_fork fork, braid_precompile_gas_fn *gas,
                            braid_precompile_run_fn *run);

/* Highest precompile address active in `fork` (4 before Byzantium, 8 before Istanbul, 9, then 10). */
unsigned braid_precompile_count(braid_fork fork);

#endif
