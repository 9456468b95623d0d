/* Keys from a mnemonic, as wallets and development nodes derive them: the BIP-39 seed of the phrase,
 * then BIP-32 private derivation along a path. `braid node --dev` uses it to fund the accounts of the
 * standard test mnemonic at m/44'/60'/0'/0/i, the keys Hardhat and anvil print.
 *
 * The phrase is used as given (BIP-39 normalizes it with NFKD, which leaves ASCII phrases unchanged);
 * its words are not checked against a word list.
 *
 * Thread contract: reentrant. */
#ifndef BRAID_HDWALLET_H
#define BRAID_HDWALLET_H

#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"

#define BRAID_DEV_MNEMONIC "test test test test test test test test test test test junk"
/* Hardened index i of a derivation path: i + 2^31, written i' in paths. */
#define BRAID_HARDENED(i) ((uint32_t)(i) | 0x80000000u)

/* BIP-39: PBKDF2-HMAC-SHA512 of the phrase with salt "mnemonic" + passphrase, 2048 rounds. Returns 0,
 * or -1 when the crypto library fails. */
int braid_mnemonic_seed(const char *mnemonic, const char *passphrase, uint8_t seed[64]);

/* BIP-32: the private key at `path` (depth entries, hardened ones marked with BRAID_HARDENED) below the
 * master key of `seed`. Returns 0, or -1 for the astronomically rare index that gives no valid key. */
int braid_bip32_private_key(const uint8_t *seed, size_t seed_len, const uint32_t *path, size_t depth,
                            uint8_t key[32]);

/* The i-th account of a mnemonic as Ethereum wallets number them: m/44'/60'/0'/0/i, no passphrase. */
int braid_mnemonic_account(const char *mnemonic, uint32_t index, uint8_t key[32], braid_address *address);

#endif
