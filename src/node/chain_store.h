/* How the node lays blocks out in its database: bodies and receipts in its own compact encodings (a body
 * keeps each transaction's sender, so that reading a block never recovers signatures; a receipt keeps no
 * bloom, which is recomputed from its logs when asked for). */
#ifndef BRAID_NODE_CHAIN_STORE_H
#define BRAID_NODE_CHAIN_STORE_H

#include "braid/braid_block.h"
#include "braid/braid_store.h"

/* Writes block `b` (header hash set), its receipts and its transaction index. */
int chain_store_block(braid_store_txn *t, const braid_block *b, const braid_receipt *receipts, size_t n);
/* Removes what chain_store_block wrote for block `number` (evm_revert). */
void chain_remove_block(braid_store_txn *t, uint64_t number);

bool chain_header(braid_store_txn *t, uint64_t number, braid_header *out);
/* BLOCKHASH's source (a braid_block_hashes getter): the hash of block `number`, through read
 * transaction `txn`. */
bool chain_block_hash(void *txn, uint64_t number, braid_hash *out);
bool chain_number_of(braid_store_txn *t, const braid_hash *hash, uint64_t *number);
bool chain_head(braid_store_txn *t, uint64_t *number);
/* Where a transaction is: block number, index, and how many logs the block's earlier transactions
 * emitted (may be NULL). */
bool chain_tx_position(braid_store_txn *t, const braid_hash *hash, uint64_t *number, uint32_t *index,
                       uint32_t *logs_before);

/* A stored block's transactions (senders set). Free with chain_body_free. */
typedef struct chain_body {
    braid_signed_tx *txs;
    size_t n;
    size_t encoded_size; /* of the body as a block's RLP would hold it */
} chain_body;
bool chain_read_body(braid_store_txn *t, uint64_t number, chain_body *out);
/* Only transactions [first, first + count) decoded (a receipt lookup needs one of thousands). */
bool chain_read_body_range(braid_store_txn *t, uint64_t number, size_t first, size_t count, chain_body *out);
void chain_body_free(chain_body *b);

/* A stored receipt: logs point into the database (valid until the transaction ends). */
typedef struct chain_receipt {
    uint8_t type;
    bool success;
    uint64_t cumulative_gas;
    uint64_t gas_used;
    bool created;
    braid_address contract_address;
    braid_log *logs; /* owned by the chain_receipts */
    size_t n_logs;
} chain_receipt;
typedef struct chain_receipts {
    chain_receipt *r;
    size_t n;
    braid_log *log_mem;
    size_t logs_before; /* logs of the block's receipts before the first one read (logIndex numbering) */
} chain_receipts;
bool chain_read_receipts(braid_store_txn *t, uint64_t number, chain_receipts *out);
/* Only receipts [first, first + count). `known_before`: the logs of the receipts before `first` when the
 * caller knows them (chain_tx_position), else SIZE_MAX and they are counted. */
bool chain_read_receipts_range(braid_store_txn *t, uint64_t number, size_t first, size_t count, size_t known_before,
                               chain_receipts *out);
void chain_receipts_free(chain_receipts *r);

#endif
