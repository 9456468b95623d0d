/* The node: an execution-layer node for an L2 that Ethereum tools talk to unchanged. It keeps the chain in
 * an LMDB database (braid_store.h), takes transactions into a pool (braid_mempool.h), produces blocks
 * with the parallel executor (braid_parallel.h) and serves JSON-RPC over HTTP (braid_rpc.h, braid_http.h).
 *
 * Blocks: every `block_time_ms` when transactions are pending; with block_time_ms 0 (automine) one block
 * per transaction as soon as it arrives; with `no_mining` only on evm_mine.
 *
 * Thread contract: braid_node_start and braid_node_stop on one thread; the node runs its own threads (the
 * sequencer, the HTTP server's and the executor's) in between. */
#ifndef BRAID_NODE_H
#define BRAID_NODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "braid_u256.h"

typedef struct braid_node_options {
    const char *datadir;      /* NULL: ./braid-data */
    const char *genesis_path; /* geth genesis JSON; NULL with dev */
    bool dev;                 /* the development chain: 10 funded accounts of the standard test mnemonic */
    const char *http_addr;    /* NULL: 127.0.0.1 */
    uint16_t http_port;       /* 0 is a free port (tests); the command line defaults to 8545 */
    int64_t block_time_ms;    /* 0: automine */
    bool no_mining;
    uint64_t gas_limit;       /* 0: the genesis' (dev: 30,000,000) */
    unsigned threads;         /* executor threads; 0: the number of cores */
    bool has_chain_id;        /* dev chain id other than 1337 */
    braid_u256 chain_id;
    const char *cors;         /* Access-Control-Allow-Origin; NULL: none */
    size_t max_batch;         /* requests per JSON-RPC batch; 0: 1,000 */
    size_t pool_size;         /* transactions the pool holds; 0: 100,000 */
    bool no_sync;             /* tests: skip fsync at each block */
    bool verify_state;        /* at start-up, recompute the state root from the flat tables and check it */
    const char *http_api;     /* comma-separated namespaces served ("eth,net,web3"); NULL: all of them
                                 (eth, net, web3, debug, evm, anvil, hardhat) */
    double http_rate;         /* HTTP requests per second per client address; 0: no limit */
    size_t http_max_body;     /* bytes of one HTTP request body; 0: 5 MiB */
    uint64_t logs_range;      /* blocks one eth_getLogs may span; 0: 100,000 */
    uint64_t rpc_gas_cap;     /* most gas one eth_call or eth_estimateGas may use; 0: 50,000,000 */
    int64_t rpc_evm_timeout_ms; /* longest run of one eth_call, eth_estimateGas (all its tries) or traced
                                   transaction; 0: 5,000; negative: no limit */
    FILE *log;                /* NULL: stderr */
} braid_node_options;

typedef struct braid_node braid_node;

/* Opens or creates the chain, starts producing blocks and serving. Returns NULL with a message. */
braid_node *braid_node_start(const braid_node_options *opt, char *err, size_t err_len);
/* The port the HTTP server listens on. */
uint16_t braid_node_port(const braid_node *node);
/* Stops serving, waits for the block in progress, closes the database. */
void braid_node_stop(braid_node *node);

#endif
