/* Blocks: headers, bodies, receipts, validation against the parent, and execution.
 *
 * braid_block_execute is the sequential reference: system calls, transactions in order, withdrawals,
 * rewards, then the receipts, bloom and roots that a header commits to. The parallel executor must
 * produce exactly its results.
 *
 * Thread contract: blocks and results are plain values owned by the caller; execution runs on the thread
 * that owns the vm and the state. */
#ifndef BRAID_BLOCK_H
#define BRAID_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "braid_bytes.h"
#include "braid_chain.h"
#include "braid_evm.h"
#include "braid_state.h"
#include "braid_tx_codec.h"
#include "braid_u256.h"

#define BRAID_BLOOM_SIZE 256
#define BRAID_MAX_EXTRA_DATA 32

typedef struct braid_header {
    braid_hash parent_hash;
    braid_hash ommers_hash;
    braid_address coinbase;
    braid_hash state_root;
    braid_hash tx_root;
    braid_hash receipts_root;
    uint8_t bloom[BRAID_BLOOM_SIZE];
    braid_u256 difficulty;
    uint64_t number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t timestamp;
    uint8_t extra[256]; /* longer extra data is a decoding error; more than 32 bytes is invalid */
    size_t extra_len;
    braid_hash mix_hash; /* PREVRANDAO from Paris */
    uint8_t nonce[8];
    /* fields added by later forks, present when the flag is set */
    bool has_base_fee; /* London */
    braid_u256 base_fee;
    bool has_withdrawals_root; /* Shanghai */
    braid_hash withdrawals_root;
    bool has_blob_gas; /* Cancun */
    uint64_t blob_gas_used;
    uint64_t excess_blob_gas;
    bool has_beacon_root; /* Cancun */
    braid_hash parent_beacon_root;

    braid_hash hash; /* keccak256(rlp(header)) */
} braid_header;

typedef struct braid_withdrawal {
    uint64_t index;
    uint64_t validator;
    braid_address address;
    uint64_t amount_gwei;
} braid_withdrawal;

typedef struct braid_block {
    braid_header header;
    braid_signed_tx *txs;
    size_t n_txs;
    braid_header *ommers;
    size_t n_ommers;
    braid_hash ommers_list_hash; /* keccak256 of the ommers list as decoded (RLP blocks only) */
    bool has_withdrawals;
    braid_withdrawal *withdrawals;
    size_t n_withdrawals;
} braid_block;

/* ---- codec ---- */

/* Appends rlp(header) and returns its hash in header->hash. */
void braid_header_encode(braid_header *h, braid_buf *out);
/* Decodes one header from an RLP list item (the fields a header has depend on its length). */
int braid_header_decode(const uint8_t *rlp, size_t len, braid_header *out, char *err, size_t err_len);
/* Reads the header fields of an eth_getBlockByNumber result (miner, sha3Uncles, logsBloom, ...) and
 * computes the hash; checks it against the JSON's "hash" when present. */
int braid_header_from_json(const json_t *obj, braid_header *out, char *err, size_t err_len);

/* Decodes a whole block: rlp([header, transactions, ommers(, withdrawals)]). */
int braid_block_decode(const uint8_t *rlp, size_t len, braid_block *out, char *err, size_t err_len);
/* Reads an eth_getBlockByNumber(n, true) result. Ommers are known only by hash in that format, so
 * `ommers` stays empty and the ommer rewards before Paris need the uncle headers another way (they are
 * skipped: see braid block's notes). */
int braid_block_from_json(const json_t *obj, braid_block *out, char *err, size_t err_len);
void braid_block_free(braid_block *b);

/* ---- rules between a block and its parent ---- */

/* EIP-1559 base fee of a child of `parent` (`parent` before London: the initial 1 gwei). */
braid_u256 braid_base_fee_next(const braid_header *parent, braid_fork parent_fork);
/* EIP-4844 excess blob gas of a child of `parent`. */
uint64_t braid_excess_blob_gas_next(const braid_header *parent);

/* Checks the header against its parent under `fork`: number, timestamp, gas limit bounds, gas used,
 * extra data, base fee, post-merge fields, blob gas, presence of each fork's fields. */
int braid_header_validate(const braid_header *h, const braid_header *parent, const braid_chain_config *cfg,
                          char *err, size_t err_len);

/* ---- receipts ---- */

typedef struct braid_receipt {
    uint8_t type;
    bool success;                 /* Byzantium on */
    bool has_post_state;          /* before Byzantium: the state root after the transaction */
    braid_hash post_state;
    uint64_t cumulative_gas;
    uint64_t gas_used;
    uint8_t bloom[BRAID_BLOOM_SIZE];
    braid_log *logs; /* in the block result's log storage; each log's data points into `log_data` */
    size_t n_logs;
    uint8_t *log_data;
    braid_address contract_address; /* for creations */
    bool created;
} braid_receipt;

/* Appends the receipt's consensus encoding (type || rlp for typed receipts). */
void braid_receipt_encode(const braid_receipt *r, braid_buf *out);
/* Sets each receipt's bloom from its logs (all hashed together: faster than log by log). */
void braid_receipts_bloom(braid_receipt *receipts, size_t n);
/* ORs the bits of bloom `bits` into bloom `into`. */
void braid_bloom_or(uint8_t *restrict into, const uint8_t *restrict bits);
/* ORs the bloom bits of one log into `bloom`. */
void braid_bloom_add_log(uint8_t bloom[BRAID_BLOOM_SIZE], const braid_log *log);

/* ---- execution ---- */

typedef enum braid_block_error {
    BRAID_BLOCK_OK = 0,
    BRAID_BLOCK_ERR_INVALID_TX,      /* a transaction failed validation; `failed_tx` names it */
    BRAID_BLOCK_ERR_BLOB_GAS,        /* blob gas of the block over the limit */
    BRAID_BLOCK_ERR_GAS_USED,        /* header gas used differs */
    BRAID_BLOCK_ERR_RECEIPTS_ROOT,
    BRAID_BLOCK_ERR_BLOOM,
    BRAID_BLOCK_ERR_STATE_ROOT,
    BRAID_BLOCK_ERR_TX_ROOT,
    BRAID_BLOCK_ERR_WITHDRAWALS_ROOT,
    BRAID_BLOCK_ERR_BLOB_GAS_USED,
    BRAID_BLOCK_ERR_SENDER,          /* signature recovery failed, or a given sender does not match */
} braid_block_error;

typedef struct braid_block_result {
    braid_block_error error;
    size_t failed_tx;
    char message[256];
    uint64_t gas_used;
    uint64_t blob_gas_used;
    uint8_t bloom[BRAID_BLOOM_SIZE];
    braid_hash receipts_root;
    braid_hash tx_root;
    braid_hash withdrawals_root;
    braid_hash state_root;
    braid_receipt *receipts;
    size_t n_receipts;
    struct braid_log_chunk *log_chunks; /* storage of every receipt's logs, freed with the result */
} braid_block_result;

/* BLOCKHASH source for a block's execution: the hash of an ancestor by number (false if unknown). */
typedef struct braid_block_hashes {
    void *ctx;
    bool (*get)(void *ctx, uint64_t number, braid_hash *out);
} braid_block_hashes;

typedef struct braid_block_options {
    bool check_roots;        /* compare every computed root and the bloom with the header */
    bool compute_state_root; /* compute the post-block state root (costly on big states) */
    bool intermediate_roots; /* before Byzantium, fill each receipt's post-state root (costlier still) */
} braid_block_options;

/* Checks each transaction's stateless validity under the block's fork and recovers its sender (chain id
 * from `cfg`). Returns 0, or -1 with the failing index in *failed and a message. */
int braid_block_recover_senders(braid_block *block, const braid_chain_config *cfg, size_t *failed, char *err,
                                size_t err_len);

/* The block context that transactions of a block with header `h` see (BLOCKHASH through `hashes`, which
 * must outlive the context). */
braid_block_env braid_block_env_of(const braid_header *h, const braid_chain_config *cfg,
                                   const braid_block_hashes *hashes);
/* What a block does to the state before its first transaction: the DAO fork's change at its block, the
 * EIP-4788 beacon root system call from Cancun. Tracing and eth_call replay blocks with it. */
void braid_block_prologue(braid_vm *vm, braid_state *state, const braid_chain_config *cfg, const braid_header *h,
                          const braid_block_env *env);

/* Executes `block` on `state` (whose contents are the parent's post-state). Senders must already be
 * recovered (tx.sender set). On any error the state holds a partial result and must be discarded. */
int braid_block_execute(braid_vm *vm, braid_state *state, const braid_chain_config *cfg, const braid_block *block,
                        const braid_block_hashes *hashes, const braid_block_options *opt, braid_block_result *out);
void braid_block_result_free(braid_block_result *r);

#endif
