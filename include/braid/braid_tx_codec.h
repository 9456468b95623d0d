/* Signed transactions on the wire: decoding and encoding the four envelope types (legacy with and
 * without EIP-155, EIP-2930, EIP-1559, EIP-4844), hashing, sender recovery, stateless validity per fork,
 * and reading the transaction objects of eth_getBlockByNumber(n, true) JSON.
 *
 * A braid_signed_tx owns its variable-size fields (data, access list, blob hashes); its `tx` member is
 * the execution view handed to braid_tx_apply, whose pointers stay valid until braid_signed_tx_free.
 *
 * Errors are reported as an int (0 = success) plus a message in a caller-supplied buffer that names
 * the offending field ("transaction 3: field 'gasPrice': ..."-style text is the caller's to add).
 *
 * Thread contract: a braid_signed_tx belongs to one thread; the functions are reentrant. */
#ifndef BRAID_TX_CODEC_H
#define BRAID_TX_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "braid_bytes.h"
#include "braid_fork.h"
#include "braid_tx.h"
#include "braid_u256.h"

typedef struct braid_signed_tx {
    braid_tx tx;            /* execution view; tx.sender is set by braid_signed_tx_recover */
    braid_u256 chain_id;    /* typed transactions, and legacy ones signed under EIP-155 */
    bool has_chain_id;      /* false for a pre-EIP-155 legacy transaction */
    braid_u256 v;           /* legacy: v as encoded (27/28 or chain_id*2+35/36); typed: the y parity */
    braid_u256 r, s;
    braid_hash hash;        /* keccak256 of the canonical encoding (type byte || rlp for typed ones) */
    /* owned storage behind tx.data, tx.access_list (and its keys) and tx.blob_hashes */
    uint8_t *data_mem;
    braid_access_list_entry *access_mem;
    braid_hash *keys_mem;
    braid_hash *blob_mem;
    /* the canonical encoding the hash was computed over (owned), reused by braid_signed_tx_encode */
    uint8_t *encoded;
    size_t encoded_len;
} braid_signed_tx;

void braid_signed_tx_free(braid_signed_tx *stx);

/* Decodes one transaction from its canonical encoding: an RLP list (legacy) or a type byte followed by
 * an RLP list (typed). Strict: non-canonical RLP, wrong field counts or types, integers too large for
 * their field (nonce and gas limit 64 bits, the rest 256), addresses not 20 bytes, trailing bytes, and
 * unknown types are errors. Computes the hash. Returns 0, or -1 with a message in err. */
int braid_signed_tx_decode(const uint8_t *in, size_t len, braid_signed_tx *out, char *err, size_t err_len);

/* Appends the canonical encoding (what the hash is computed over, and what a block's transaction list
 * holds: typed ones as an RLP string wrapping type || rlp when `for_block_list`). */
void braid_signed_tx_encode(const braid_signed_tx *stx, bool for_block_list, braid_buf *out);

/* Recovers the sender into stx->tx.sender under `fork`'s signature rules: v must be 27/28 or (from
 * Spurious Dragon) 2*chain_id+35/36 for legacy, 0/1 for typed; r and s in [1, n-1]; s <= n/2 from
 * Homestead (EIP-2). When `chain_id` is non-NULL, an EIP-155 or typed transaction must carry it.
 * Returns 0, or -1 with a message. */
int braid_signed_tx_recover(braid_signed_tx *stx, braid_fork fork, const braid_u256 *chain_id, char *err,
                            size_t err_len);

/* Signs a transaction built by the caller: stx->tx holds the fields (its pointers stay borrowed; the
 * owned-memory fields must be NULL), stx->chain_id/has_chain_id the chain id (a legacy transaction with
 * has_chain_id is signed under EIP-155). Fills v, r, s, the hash, the cached encoding and tx.sender;
 * release with braid_signed_tx_free, which leaves the borrowed fields alone. Returns 0, or -1 with a
 * message (an invalid private key). */
int braid_signed_tx_sign(braid_signed_tx *stx, const uint8_t private_key[32], char *err, size_t err_len);

/* The address of a private key: the last 20 bytes of keccak256 of its uncompressed public key. Returns
 * 0, or -1 for an invalid key (zero, or not below the curve order). */
int braid_private_key_address(const uint8_t private_key[32], braid_address *out);

/* Stateless validity of a decoded transaction under `fork`, as the TransactionTests define it: type
 * supported by the fork, intrinsic gas within the gas limit, gasLimit * fee cap within 256 bits, tip not
 * above the fee cap, nonce below 2^64-1, init code size (EIP-3860), blob rules (EIP-4844: to present, at
 * least one hash, version byte 0x01). Does not recover the sender. Returns 0, or -1 with a message. */
int braid_signed_tx_check(const braid_signed_tx *stx, braid_fork fork, char *err, size_t err_len);

/* Reads a transaction object of eth_getBlockByNumber(n, true) (also the blockchain tests' JSON
 * transactions): type, nonce, gas, gasPrice or maxFeePerGas/maxPriorityFeePerGas, to (null or "" for a
 * creation), value, input (or data), accessList, maxFeePerBlobGas, blobVersionedHashes, chainId, v
 * (or yParity), r, s. The hash is computed from the re-encoding, not trusted from the JSON. Returns 0,
 * or -1 with a message naming the field. */
int braid_signed_tx_from_json(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len);

#endif
