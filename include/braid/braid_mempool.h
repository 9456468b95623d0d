/* The node's transaction pool: per-sender queues ordered by nonce, validated on entry against the head
 * state, with replacement by fee bump and a bounded size.
 *
 * A sender's transactions whose nonces run on without a gap from its account nonce are *pending* (a
 * block can include them); those after a gap are *queued* until it fills. A transaction with the nonce
 * of one already held replaces it only when both its fee cap and its priority fee are at least 10%
 * higher (as geth requires). A full pool makes room by evicting the transaction with the lowest fee cap
 * among the senders' last ones, and refuses a newcomer cheaper than that.
 *
 * Errors carry geth's messages, which clients match on: "nonce too low", "already known",
 * "replacement transaction underpriced", "insufficient funds for gas * price + value",
 * "intrinsic gas too low", "exceeds block gas limit", "max fee per gas less than block base fee",
 * "invalid chain id", "oversized data", "txpool is full", "transaction type not supported".
 *
 * Thread contract: a pool belongs to one thread at a time (the node serialises access). */
#ifndef BRAID_MEMPOOL_H
#define BRAID_MEMPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_fork.h"
#include "braid_tx_codec.h"

typedef struct braid_mempool_config {
    braid_u256 chain_id;
    size_t max_txs;        /* 0: 10,000 */
    size_t max_tx_bytes;   /* encoded size; 0: 128 KiB */
    size_t max_per_sender; /* 0: 1,000 */
} braid_mempool_config;

/* What the pool checks new transactions against: the head block's state and limits. */
typedef struct braid_mempool_head {
    void *ctx;
    uint64_t (*nonce)(void *ctx, const braid_address *addr);
    braid_u256 (*balance)(void *ctx, const braid_address *addr);
    braid_u256 base_fee; /* of the next block */
    uint64_t gas_limit;  /* of the next block */
    braid_fork fork;     /* of the next block */
} braid_mempool_head;

typedef struct braid_mempool braid_mempool;

braid_mempool *braid_mempool_create(const braid_mempool_config *cfg);
void braid_mempool_destroy(braid_mempool *pool);

/* Validates `stx` (signature already recovered: tx.sender set) and takes it: on success the pool owns
 * it and *stx is emptied; on failure the caller keeps it. Returns 0, or -1 with geth's message. */
int braid_mempool_add(braid_mempool *pool, braid_signed_tx *stx, const braid_mempool_head *head, char *err,
                      size_t err_len);

/* Transactions for the next block, best effective tip first while each sender's stay in nonce order,
 * within `gas_limit` and `max` entries. The pointers stay valid until the pool next changes. */
size_t braid_mempool_select(braid_mempool *pool, const braid_mempool_head *head, uint64_t gas_limit,
                            const braid_signed_tx **out, size_t max);

/* After a block: drops what the new head's nonces made stale. */
void braid_mempool_prune(braid_mempool *pool, const braid_mempool_head *head);

/* Counts, against the head's nonces. */
void braid_mempool_counts(const braid_mempool *pool, const braid_mempool_head *head, size_t *pending,
                          size_t *queued);
/* The nonce a sender's next transaction should carry: its head nonce plus its pending run in the pool
 * (eth_getTransactionCount with "pending"). */
uint64_t braid_mempool_next_nonce(const braid_mempool *pool, const braid_address *addr, uint64_t head_nonce);
/* Drops one transaction (one a block could not include after all); its sender's later ones stay, queued
 * behind the gap. Returns false when the pool does not hold it. */
bool braid_mempool_remove(braid_mempool *pool, const braid_hash *hash);
const braid_signed_tx *braid_mempool_find(const braid_mempool *pool, const braid_hash *hash);

#endif
