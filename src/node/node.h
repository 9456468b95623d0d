/* The node's insides, shared by its parts: start-up, block production and dev edits (node.c), the
 * JSON-RPC methods (rpc_*.c), the block layout in the database (chain_store.c). */
#ifndef BRAID_NODE_INTERNAL_H
#define BRAID_NODE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "braid/braid_block.h"
#include "braid/braid_chain.h"
#include "braid/braid_http.h"
#include "braid/braid_mempool.h"
#include "braid/braid_node.h"
#include "braid/braid_parallel.h"
#include "braid/braid_rpc.h"
#include "braid/braid_store.h"

#define NODE_DEV_ACCOUNTS 10
#define NODE_MAX_SNAPSHOTS 256
#define NODE_MAX_FILTERS 1024

typedef struct node_snapshot {
    uint64_t id;
    uint64_t head;      /* block number */
    uint64_t diff_seq;  /* first diff written after it */
    braid_hash root;    /* flat state root then */
} node_snapshot;

typedef enum node_filter_kind { FILTER_LOGS, FILTER_BLOCKS, FILTER_PENDING_TXS } node_filter_kind;

typedef struct node_filter {
    uint64_t id; /* 0: free */
    node_filter_kind kind;
    uint64_t next_block; /* the first block not yet reported */
    int64_t last_poll_s;
    json_t *criteria;    /* logs: the filter object as given */
} node_filter;

struct braid_node {
    braid_node_options opt;
    FILE *log;
    braid_store *store;
    braid_code_cache *codes;
    braid_chain_config cfg;
    braid_hash genesis_hash;

    /* Block production: one writer at a time (the sequencer, evm_mine, dev edits, evm_revert). */
    pthread_mutex_t chain_lock;
    braid_executor *ex;
    braid_store_source *source; /* the head state for the executor */
    braid_state *exec_state;

    /* The pool and what wakes the sequencer; the head as the pool and the RPC methods see it. */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
    braid_mempool *pool;
    braid_header head;   /* the last committed block */
    braid_hash root;     /* the state root of the flat tables (the head's, unless a dev edit came since) */
    uint64_t diff_seq;   /* the next diff's sequence number */
    bool automine;       /* evm_setAutomine, or block_time 0 */
    uint64_t submitted;  /* transactions taken into the pool (automine's wake-ups) */
    bool stopping;

    /* dev */
    size_t n_dev;
    braid_address dev_addr[NODE_DEV_ACCOUNTS];
    uint8_t dev_key[NODE_DEV_ACCOUNTS][32];
    node_snapshot snapshots[NODE_MAX_SNAPSHOTS];
    size_t n_snapshots;
    uint64_t next_snapshot;

    pthread_mutex_t filter_lock;
    node_filter filters[NODE_MAX_FILTERS];
    uint64_t next_filter;

    pthread_t sequencer;
    bool sequencer_started;
    braid_rpc *rpc;
    braid_http *http;
};

/* The head under the pool lock (a copy). */
braid_header node_head(braid_node *n);
/* The fork, base fee, gas limit and so on of the block after the head. */
void node_pool_head(braid_node *n, const braid_header *head, braid_store_txn *t, braid_mempool_head *out);

/* Seals a block of pending transactions now (at most `max_txs`, 0: no limit; none pending: a block only
 * when `allow_empty`), its timestamp at least `timestamp` (0: now). *mined is the number of transactions
 * included. Returns 0, or -1 with a message. Takes the chain lock. */
int node_mine(braid_node *n, size_t max_txs, uint64_t timestamp, bool allow_empty, size_t *mined, char *err,
              size_t err_len);
/* Sets an account's balance on the head state (anvil_setBalance). */
int node_set_balance(braid_node *n, const braid_address *addr, const braid_u256 *balance, char *err, size_t err_len);
uint64_t node_snapshot_take(braid_node *n);
/* Returns true when the snapshot existed and the chain is back to it. */
bool node_snapshot_revert(braid_node *n, uint64_t id, char *err, size_t err_len);

/* Registers a JSON-RPC method unless its namespace (what precedes the first '_') is left out of
 * --http.api. */
void node_register(braid_node *n, const char *name, braid_rpc_method fn);
/* The gas an eth_call or eth_estimateGas may use at most (--rpc.gascap). */
uint64_t node_gas_cap(const braid_node *n);
/* When a call starting now must stop (--rpc.evmtimeout), on braid_clock_ns()'s clock; 0: never. */
uint64_t node_call_deadline(const braid_node *n);
/* geth's error for a call stopped by that deadline: "execution aborted (timeout = 5s)". */
json_t *node_call_timeout_error(const braid_node *n, braid_rpc_error *err);

/* Registers every JSON-RPC method. */
void node_rpc_register_eth(braid_node *n);
void node_rpc_register_dev(braid_node *n);

#endif
