/* Transactions as the state transition consumes them, and the state transition itself: validate a
 * transaction against the state and block, buy gas, execute, refund, pay the block's beneficiary.
 *
 * Thread contract: braid_tx is a plain value whose pointers are borrowed from the caller;
 * braid_tx_apply runs on the thread that owns the vm and the state. */
#ifndef BRAID_TX_H
#define BRAID_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_evm.h"
#include "braid_fork.h"
#include "braid_state.h"
#include "braid_u256.h"

typedef enum braid_tx_type {
    BRAID_TX_LEGACY = 0,
    BRAID_TX_ACCESS_LIST = 1, /* EIP-2930 */
    BRAID_TX_DYNAMIC_FEE = 2, /* EIP-1559 */
    BRAID_TX_BLOB = 3,        /* EIP-4844 */
} braid_tx_type;

typedef struct braid_access_list_entry {
    braid_address address;
    const braid_hash *keys;
    size_t n_keys;
} braid_access_list_entry;

typedef struct braid_tx {
    braid_tx_type type;
    uint64_t nonce;
    uint64_t gas_limit;
    braid_u256 gas_price;                /* legacy and EIP-2930 */
    braid_u256 max_fee_per_gas;          /* EIP-1559 and blob */
    braid_u256 max_priority_fee_per_gas; /* EIP-1559 and blob */
    bool is_create;
    braid_address to;
    braid_u256 value;
    const uint8_t *data;
    size_t data_len;
    const braid_access_list_entry *access_list;
    size_t access_list_len;
    braid_u256 max_fee_per_blob_gas;
    const braid_hash *blob_hashes;
    size_t n_blob_hashes;
    braid_address sender; /* recovered by the caller */
} braid_tx;

/* Why a transaction is not valid in its block (it then changes nothing). */
typedef enum braid_tx_error {
    BRAID_TX_VALID = 0,
    BRAID_TX_ERR_TYPE_NOT_SUPPORTED,
    BRAID_TX_ERR_NONCE_TOO_LOW,
    BRAID_TX_ERR_NONCE_TOO_HIGH,
    BRAID_TX_ERR_NONCE_MAX,
    BRAID_TX_ERR_SENDER_NOT_EOA,
    BRAID_TX_ERR_GAS_LIMIT_REACHED,
    BRAID_TX_ERR_INTRINSIC_GAS,
    BRAID_TX_ERR_INSUFFICIENT_FUNDS,
    BRAID_TX_ERR_FEE_CAP_TOO_LOW,
    BRAID_TX_ERR_TIP_ABOVE_FEE_CAP,
    BRAID_TX_ERR_INITCODE_TOO_LARGE,
    BRAID_TX_ERR_BLOB_CREATE,
    BRAID_TX_ERR_NO_BLOBS,
    BRAID_TX_ERR_TOO_MANY_BLOBS,
    BRAID_TX_ERR_BLOB_HASH_VERSION,
    BRAID_TX_ERR_BLOB_FEE_CAP_TOO_LOW,
} braid_tx_error;

const char *braid_tx_error_name(braid_tx_error err);

typedef struct braid_tx_outcome {
    braid_status status; /* of the top-level message */
    uint64_t gas_used;   /* after refunds: what the sender pays for */
    braid_address created; /* for creations that succeeded */
    braid_u256 beneficiary_fee; /* what the block's beneficiary received from this transaction */
    const uint8_t *output; /* owned by the vm; valid until its next transaction */
    size_t output_len;
} braid_tx_outcome;

/* Intrinsic gas of a transaction under `fork` (saturating). */
uint64_t braid_tx_intrinsic_gas(const braid_tx *tx, braid_fork fork);

/* Validates and executes `tx` on `state`. `gas_available` is what is left of the block's gas limit.
 * Returns BRAID_TX_VALID and fills *out, or an error with the state untouched. Either way the state is
 * left between transactions (finalized); the transaction's logs stay readable on the state until the
 * next transaction begins. */
braid_tx_error braid_tx_apply(braid_vm *vm, braid_state *state, braid_fork fork, const braid_block_env *block,
                              const braid_tx *tx, uint64_t gas_available, braid_tx_outcome *out);

/* EIP-4844 blob base fee from the excess blob gas. */
braid_u256 braid_blob_base_fee(uint64_t excess_blob_gas);

#define BRAID_GAS_PER_BLOB 131072
#define BRAID_MAX_BLOBS_PER_BLOCK 6

#endif
