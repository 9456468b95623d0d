/* secp256k1 public-key recovery, shared by the ecrecover precompile and transaction sender recovery.
 *
 * Thread contract: reentrant; the library context behind it is created once and only read. */
#ifndef BRAID_SECP256K1_H
#define BRAID_SECP256K1_H

#include <stdint.h>

/* Recovers the uncompressed public key (x || y, 64 bytes, no 0x04 prefix) that signed `hash` with
 * signature (r, s) and recovery id `recid` (0..3). r and s are 32-byte big-endian integers and must lie in
 * [1, n-1], n the curve order. High s is accepted: callers that must reject it (EIP-2 transactions) check
 * it themselves. Returns 0, or -1 for an invalid signature or one from which no key can be recovered. */
int braid_secp256k1_recover(const uint8_t hash[32], const uint8_t r[32], const uint8_t s[32], int recid,
                            uint8_t pubkey64_out[64]);

#endif
