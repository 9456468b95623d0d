/* Ethereum JSON-RPC values <-> the node's C types, read and written the way geth does (its
 * internal/ethapi, common/hexutil, rpc and eth/filters packages), so that clients written against geth
 * see the same fields, the same encodings and the same error messages.
 *
 * Parsing. Every parser takes one JSON value of a request (never trusted: any type, any size), the
 * position of the argument it came from, and a braid_rpc_error. On failure it returns -1 with the error
 * filled as geth fills it: code -32602 and "invalid argument N: <geth's message>" for a malformed value
 * (hexutil's "hex string without 0x prefix", encoding/json's "json: cannot unmarshal non-string into Go
 * struct field TransactionArgs.gas of type hexutil.Uint64", ...); the few errors geth raises later, with
 * another code or no argument prefix, are named where they occur. A parser that fails leaves nothing
 * to free (its output is zeroed). A value of NULL is read as JSON null.
 *
 * geth distinguishes required arguments (a Go value: a null there is decoded, and for most types is an
 * error) from optional ones (a Go pointer: absent or null means "not given"). For an optional argument
 * test rpcj_absent() first and only parse what is there; the parsers themselves decode null as geth
 * decodes it into a value.
 *
 * Formatting. Every formatter returns a new jansson reference (never NULL: like braid_xmalloc, it aborts
 * on exhausted memory) that the caller owns and releases with json_decref (or hands to a json_*_new
 * call). Quantities are minimal lowercase hex ("0x0", "0x1a"), byte strings, hashes and addresses
 * lowercase hex, objects carry the keys in the order geth writes them.
 *
 * Thread contract: stateless; every function may run on many threads at once on distinct outputs. */
#ifndef BRAID_NODE_RPC_JSON_H
#define BRAID_NODE_RPC_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid/braid_block.h"
#include "braid/braid_bytes.h"
#include "braid/braid_rpc.h"
#include "braid/braid_state.h"
#include "braid/braid_tx_codec.h"
#include "braid/braid_u256.h"

/* ======================================================================================== params == */

/* Checks the "params" of a request against a method taking `max` positional arguments of which the
 * first `required` are required, with geth's messages (code -32602): params that are neither absent,
 * null nor an array: "non-array args"; more than `max`: "too many arguments, want at most N"; fewer
 * than `required`: "missing value for required argument N" (N the first missing index).
 *
 * geth decodes the arguments before it counts them, so for a request that has both a malformed
 * argument and a wrong count it names the malformed argument. Calling this first (the simple way)
 * names the count instead; for geth's exact precedence call it after parsing the arguments that are
 * present (rpcj_param gives NULL for the absent ones). */
int rpcj_params_check(const json_t *params, size_t required, size_t max, braid_rpc_error *err);

/* The argument at `index`, or NULL when params is not an array or is too short. Borrowed. */
const json_t *rpcj_param(const json_t *params, size_t index);

/* True for an absent (NULL) or JSON null argument: what geth treats as "not given" for an optional
 * (pointer) argument or field. */
bool rpcj_absent(const json_t *v);

/* Fills *err with code -32602 and "invalid argument <index>: <message>", as geth words a parameter
 * that failed to decode; returns -1. For the node's own checks that geth reports the same way. */
int rpcj_invalid_argument(braid_rpc_error *err, unsigned index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ===================================================================================== scalars == */

/* A hexutil.Uint64 (geth: gas, nonces): "0x" then 1 to 16 hex digits without leading zeros. As in
 * geth, the empty string "" reads as 0. */
int rpcj_parse_u64(const json_t *v, unsigned arg, uint64_t *out, braid_rpc_error *err);
/* A hexutil.Uint (geth: transaction indexes of eth_getTransactionByBlock*AndIndex): the same rules,
 * the messages name the type hexutil.Uint. */
int rpcj_parse_uint(const json_t *v, unsigned arg, uint64_t *out, braid_rpc_error *err);
/* A hexutil.Big (geth: values and prices): up to 64 hex digits. "" reads as 0. */
int rpcj_parse_u256(const json_t *v, unsigned arg, braid_u256 *out, braid_rpc_error *err);
/* A hexutil.Bytes: "0x" and an even number of hex digits ("0x" and "" are empty). The bytes are
 * appended to `out` (the caller's buffer: it owns them; on failure `out` keeps its length). */
int rpcj_parse_data(const json_t *v, unsigned arg, braid_buf *out, braid_rpc_error *err);
/* common.Address / common.Hash: "0x" and exactly 40 / 64 hex digits (either case). */
int rpcj_parse_address(const json_t *v, unsigned arg, braid_address *out, braid_rpc_error *err);
int rpcj_parse_hash(const json_t *v, unsigned arg, braid_hash *out, braid_rpc_error *err);
/* A Go bool (geth: the fullTx flag): true or false; null reads as false. */
int rpcj_parse_bool(const json_t *v, unsigned arg, bool *out, braid_rpc_error *err);

/* The storage key of eth_getStorageAt (and eth_getProof's keys): a Go string read by geth's
 * decodeStorageKey, more lenient than a hash: the 0x prefix is optional, an odd digit count gets a
 * leading 0, and short keys are left-padded to 32 bytes ("0x1" is slot 1; "", "0x" and null slot 0). A
 * non-string is "invalid argument N: json: cannot unmarshal number into Go value of type string"; a bad
 * key gets code -32602 and geth's "storage key too long (want at most 32 bytes): \"<key>\"" or
 * "invalid hex in storage key: \"<key>\"" (no argument prefix: geth raises it after the block lookup,
 * so a request with an unknown block fails on the block first there). Long keys are cut short in the
 * message. */
int rpcj_parse_storage_key(const json_t *v, unsigned arg, braid_hash *out, braid_rpc_error *err);

/* =============================================================================== block refs == */

typedef enum rpcj_block_kind {
    RPCJ_BLOCK_LATEST,
    RPCJ_BLOCK_EARLIEST,
    RPCJ_BLOCK_PENDING,
    RPCJ_BLOCK_SAFE,
    RPCJ_BLOCK_FINALIZED,
    RPCJ_BLOCK_NUMBER, /* `number` */
    RPCJ_BLOCK_HASH,   /* `hash`, and `require_canonical` */
} rpcj_block_kind;

typedef struct rpcj_block_ref {
    rpcj_block_kind kind;
    uint64_t number; /* RPCJ_BLOCK_NUMBER: at most 2^63-1, as geth's int64 block numbers */
    braid_hash hash;
    bool require_canonical; /* EIP-1898 {"blockHash": h, "requireCanonical": true} */
} rpcj_block_ref;

/* geth's rpc.BlockNumber (eth_getBlockByNumber, eth_getBlockTransactionCountByNumber, ...): a tag
 * ("latest", "earliest", "pending", "safe", "finalized") or a quantity below 2^63. Never gives
 * RPCJ_BLOCK_HASH. Messages are hexutil's bare ones ("invalid argument 0: hex string \"0x\"") and
 * "block number larger than int64". */
int rpcj_parse_block_number(const json_t *v, unsigned arg, rpcj_block_ref *out, braid_rpc_error *err);

/* geth's rpc.BlockNumberOrHash (eth_getBalance, eth_call, ...): a tag, a quantity, a 32-byte hash
 * string (a string of 66 characters is read as a hash), or an EIP-1898 object {"blockNumber": q} or
 * {"blockHash": h, "requireCanonical": bool}. As in geth, an object that fails to decode gets
 * "json: cannot unmarshal object into Go value of type string", one with neither key "must specify
 * either BlockHash or BlockNumber", one with both "cannot specify both BlockHash and BlockNumber, choose
 * one or the other", and null (for a required argument) the "must specify" message too. */
int rpcj_parse_block_ref(const json_t *v, unsigned arg, rpcj_block_ref *out, braid_rpc_error *err);

/* ======================================================================== transaction call args == */

/* geth's TransactionArgs: the first argument of eth_call, eth_estimateGas, eth_createAccessList,
 * eth_sendTransaction. Each has_* says whether the field was given (absent or null: not given).
 * Unknown fields are ignored, as are "blobs", "commitments", "proofs" and "authorizationList" (geth
 * reads them; this node has no blob sidecars or EIP-7702). Field names match case-insensitively, as
 * Go's encoding/json matches them, and a later duplicate replaces an earlier one. */
typedef struct rpcj_call_args {
    bool has_from;
    braid_address from;
    bool has_to; /* false: a contract creation */
    braid_address to;
    bool has_gas;
    uint64_t gas;
    bool has_gas_price;
    braid_u256 gas_price;
    bool has_max_fee_per_gas;
    braid_u256 max_fee_per_gas;
    bool has_max_priority_fee_per_gas;
    braid_u256 max_priority_fee_per_gas;
    bool has_max_fee_per_blob_gas;
    braid_u256 max_fee_per_blob_gas;
    bool has_value;
    braid_u256 value;
    bool has_nonce;
    uint64_t nonce;
    bool has_chain_id;
    braid_u256 chain_id;
    /* "type" is not a field of geth's TransactionArgs (geth ignores it, whatever it holds): it is
     * reported here only when it is a valid quantity, and never causes an error. */
    bool has_type;
    uint64_t type;
    /* Call data: "input" when given, else "data", else empty (geth's choice, also when the two
     * differ: see rpcj_call_args_check_input). Points into owned storage. */
    const uint8_t *data;
    size_t data_len;
    bool has_data_field, has_input_field; /* which of "data" and "input" were given */
    bool data_input_differ;               /* both given, with different bytes */
    /* "accessList": entries and keys in owned storage (has_access_list with 0 entries: "[]") */
    bool has_access_list;
    braid_access_list_entry *access_list;
    size_t access_list_len;
    /* "blobVersionedHashes" (owned). geth tells an absent list from an empty one ("need at least 1
     * blob for a blob transaction"), hence the flag. */
    bool has_blob_hashes;
    braid_hash *blob_hashes;
    size_t n_blob_hashes;

    /* owned storage behind the pointers above; release with rpcj_call_args_free */
    uint8_t *data_mem, *input_mem;
    braid_hash *keys_mem;
} rpcj_call_args;

/* Parses a TransactionArgs value. null gives empty arguments (every has_* false), as in geth.
 * Release with rpcj_call_args_free (also after a failure, which leaves it empty). */
int rpcj_parse_call_args(const json_t *v, unsigned arg, rpcj_call_args *out, braid_rpc_error *err);
void rpcj_call_args_free(rpcj_call_args *a);

/* geth's refusal of "data" and "input" that are both given and differ: code -32000, `both "data" and
 * "input" are set and not equal. Please use "input" to pass transaction call data`. geth applies it
 * where it fills a transaction's defaults (eth_sendTransaction, eth_signTransaction,
 * eth_fillTransaction), not in eth_call, eth_estimateGas or eth_createAccessList, which take "input".
 * Returns 0, or -1 with *err filled. */
int rpcj_call_args_check_input(const rpcj_call_args *a, braid_rpc_error *err);

/* ============================================================================== state override == */

typedef struct rpcj_storage_slot {
    braid_hash key, value;
} rpcj_storage_slot;

typedef struct rpcj_account_override {
    braid_address address;
    bool has_balance;
    braid_u256 balance;
    bool has_nonce;
    uint64_t nonce;
    bool has_code;
    const uint8_t *code; /* owned by the override set (never NULL when has_code) */
    size_t code_len;
    /* "state" replaces the whole storage, "stateDiff" sets the given slots; never both (geth's rule,
     * checked by the parser). has_state with no slots: the storage is cleared. Slots are sorted by key,
     * each key once (a later duplicate replaces an earlier one, as in Go's map decoding); owned. */
    bool has_state, has_state_diff;
    rpcj_storage_slot *state;
    size_t n_state;
    rpcj_storage_slot *state_diff;
    size_t n_state_diff;
    bool has_move_precompile_to; /* "movePrecompileToAddress" */
    braid_address move_precompile_to;
} rpcj_account_override;

typedef struct rpcj_state_override {
    rpcj_account_override *accounts; /* sorted by address, each address once (a later duplicate key
                                        replaces an earlier one, as in Go's map decoding); owned */
    size_t n_accounts;
} rpcj_state_override;

/* Parses eth_call's third argument, {address: {balance, nonce, code, state, stateDiff,
 * movePrecompileToAddress}}. null gives no accounts. An account with both "state" and "stateDiff"
 * is refused as geth refuses it, with code -32000 and "account 0x<EIP-55 address> has both 'state' and
 * 'stateDiff'" (geth says so when applying the overrides, so after a block lookup that may fail first).
 * Release with rpcj_state_override_free (also after a failure). */
int rpcj_parse_state_override(const json_t *v, unsigned arg, rpcj_state_override *out, braid_rpc_error *err);
void rpcj_state_override_free(rpcj_state_override *o);

/* ================================================================================== log filter == */

#define RPCJ_MAX_TOPICS 4        /* positions: LOG0..LOG4 */
#define RPCJ_MAX_SUB_TOPICS 1000 /* alternatives at one position (geth's limit) */

typedef struct rpcj_topic_set {
    braid_hash *hashes; /* owned; n == 0: any topic (a null position, [] or an array holding null) */
    size_t n;
} rpcj_topic_set;

typedef struct rpcj_log_filter {
    bool has_block_hash; /* then has_from and has_to are false */
    braid_hash block_hash;
    bool has_from, has_to; /* not given: geth means "latest" for both */
    rpcj_block_ref from, to; /* a tag or RPCJ_BLOCK_NUMBER */
    braid_address *addresses; /* owned; 0 of them: any address */
    size_t n_addresses;
    size_t n_topics; /* positions given (at most 4); a log with fewer topics never matches */
    rpcj_topic_set topics[RPCJ_MAX_TOPICS];
} rpcj_log_filter;

/* Parses the filter object of eth_getLogs and eth_newFilter (null: everything of the latest block),
 * with geth's messages: "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the
 * other", "invalid address: ...", "invalid address at index N: ...", "non-string address at index N",
 * "invalid addresses in query", "exceed max topics", "invalid topic(s)", "hex has invalid length N
 * after decoding; expected 32 for topic". Release with rpcj_log_filter_free (also after a failure).
 * The range checks of eth_getLogs (from after to, range limits, unknown blocks) are the caller's. */
int rpcj_parse_log_filter(const json_t *v, unsigned arg, rpcj_log_filter *out, braid_rpc_error *err);
void rpcj_log_filter_free(rpcj_log_filter *f);

/* geth's matching of one log against a filter's addresses and topics (not its block range): the
 * address must be one of the addresses (if any); the log must have at least as many topics as the
 * filter has positions (even when the trailing ones are wildcards); each non-wildcard position must
 * hold one of its hashes. */
bool rpcj_log_matches(const rpcj_log_filter *f, const braid_log *log);

/* ================================================================================= formatting == */

json_t *rpcj_u64(uint64_t v);       /* "0x0", "0x1a" (hexutil.Uint64) */
json_t *rpcj_u256(braid_u256 v);    /* "0x0", minimal digits (hexutil.Big) */
json_t *rpcj_bytes(const uint8_t *data, size_t len); /* "0x" + 2*len digits (hexutil.Bytes) */
json_t *rpcj_address(const braid_address *a);
json_t *rpcj_hash(const braid_hash *h);
/* A JSON array of hashes (a block's "uncles" when the node has ommers: replace the block's []). */
json_t *rpcj_hash_array(const braid_hash *hashes, size_t n);

/* Where a transaction sits: NULL for a pending one (then blockHash, blockNumber, blockTimestamp and
 * transactionIndex are null, and an EIP-1559 or blob transaction's gasPrice is its maxFeePerGas). */
typedef struct rpcj_tx_pos {
    braid_hash block_hash;
    uint64_t block_number;
    uint64_t block_timestamp;
    uint64_t index;
    bool has_base_fee; /* London on: gasPrice is then the effective price min(maxFee, baseFee + tip) */
    braid_u256 base_fee;
} rpcj_tx_pos;

/* geth's RPCTransaction: blockHash, blockNumber, blockTimestamp, from, gas, gasPrice, maxFeePerGas,
 * maxPriorityFeePerGas, maxFeePerBlobGas, hash, input, nonce, to, transactionIndex, value, type,
 * accessList, chainId, blobVersionedHashes, v, r, s, yParity, each for the types that have it.
 * `tx->tx.sender` must hold the recovered sender ("from"). */
json_t *rpcj_tx(const braid_signed_tx *tx, const rpcj_tx_pos *pos);

/* geth's block object: the header's fields (those of later forks only when the header has them), size,
 * transactions (hashes, or with `full_txs` transaction objects, whose senders must be recovered),
 * uncles ([]: this node builds post-merge blocks; for older blocks the caller sets "uncles" with
 * rpcj_hash_array), withdrawals when `has_withdrawals`. `h->hash` must be set (braid_header_encode
 * sets it). `block_size_bytes` is the length of the block's RLP (rpcj_block_size computes it).
 * "totalDifficulty" is not written: geth no longer writes it (go-ethereum #30386, 2024; after the merge
 * it stopped changing), and this node does not track it. */
json_t *rpcj_block(const braid_header *h, size_t block_size_bytes, const braid_signed_tx *txs, size_t n,
                   bool full_txs, const braid_withdrawal *w, size_t nw, bool has_withdrawals);

/* Length of rlp([header, transactions, ommers(, withdrawals)]): geth's block "size". Encodes into a
 * scratch buffer it frees. */
size_t rpcj_block_size(const braid_block *b);

/* Where a log sits. `log_index` is its index among all the logs of its block. */
typedef struct rpcj_log_pos {
    braid_hash block_hash;
    uint64_t block_number;
    uint64_t block_timestamp;
    braid_hash tx_hash;
    uint64_t tx_index;
    uint64_t log_index;
    bool removed; /* true only for logs a filter reports as undone by a reorganisation */
} rpcj_log_pos;

/* geth's log object: address, topics, data, blockNumber, transactionHash, transactionIndex, blockHash,
 * blockTimestamp, logIndex, removed. */
json_t *rpcj_log(const braid_log *log, const rpcj_log_pos *pos);

/* What a receipt object is made of. */
typedef struct rpcj_receipt_in {
    const braid_receipt *receipt;
    const braid_signed_tx *tx; /* its sender recovered */
    braid_hash block_hash;
    uint64_t block_number;
    uint64_t block_timestamp; /* for the logs' blockTimestamp */
    uint64_t index;           /* of the transaction in its block */
    uint64_t first_log_index; /* number of logs of the block's earlier receipts: the logIndex of this
                                 receipt's first log */
    bool has_base_fee; /* the block's base fee, for effectiveGasPrice */
    braid_u256 base_fee;
    braid_u256 blob_gas_price; /* the block's blob base fee (braid_blob_base_fee of its excess blob
                                  gas): blobGasPrice of blob transactions */
} rpcj_receipt_in;

/* geth's receipt object: blobGasPrice and blobGasUsed (blob transactions), blockHash, blockNumber,
 * contractAddress (for every creation, successful or not: geth derives it from the sender and nonce;
 * null otherwise), cumulativeGasUsed, effectiveGasPrice, from, gasUsed, logs, logsBloom, root or status,
 * to (null for a creation), transactionHash, transactionIndex, type. "root" is written when the receipt
 * has a post-state (before Byzantium: execute with braid_block_options.intermediate_roots, or such
 * receipts show a status instead). */
json_t *rpcj_receipt(const rpcj_receipt_in *in);

#endif
