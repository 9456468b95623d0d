/* Arithmetic shared by the workload builder (workloads.c) and the post-state predictor (verify.c): the
 * Solidity storage slots of the bench contracts and the pair's constant-product formula, written in C
 * independently of the contracts so that each checks the other.
 *
 * Thread contract: pure functions. */
#ifndef BENCH_WL_INTERNAL_H
#define BENCH_WL_INTERNAL_H

#include <stdint.h>

#include "braid/braid_bytes.h"
#include "braid/braid_u256.h"

braid_u256 wl_mul(braid_u256 a, uint64_t b);
/* `milli` thousandths of 10^18 (of an ether, or of a token with 18 decimals). */
braid_u256 wl_ether_milli(uint64_t milli);
/* An address as a 256-bit word (ABI encoding, storage value). */
braid_u256 wl_address_word(const braid_address *a);
/* Slot of mapping[key] for a mapping declared at `slot`: keccak256(pad32(key) . pad32(slot)). */
braid_u256 wl_mapping_slot(const braid_address *key, uint64_t slot);
/* Slot of mapping[outer][inner]. */
braid_u256 wl_nested_slot(const braid_address *outer, const braid_address *inner, uint64_t slot);
/* The pair's packed slot: reserve0 | reserve1 << 112 | blockTimestampLast << 224. */
braid_u256 wl_pack_reserves(braid_u256 r0, braid_u256 r1, uint32_t timestamp);
/* Output of a swap of `in` after the 0.3% fee: in*997*rOut / (rIn*1000 + in*997). */
braid_u256 wl_amount_out(braid_u256 in, braid_u256 reserve_in, braid_u256 reserve_out);

#endif
