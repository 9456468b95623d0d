/* Synthetic blocks for `braid bench`: a pre-state (funded accounts, ERC-20 tokens and constant-product
 * pairs written straight into storage) and one Cancun block of signed EIP-1559 transactions over it.
 *
 * Everything derives from (workload, n_txs, seed, pairs): the same inputs give the same keys, pre-state
 * and block, bit for bit, on every run and machine.
 *
 * Thread contract: a workload is built on one thread (it signs on helper threads inside the call) and is
 * then read-only; bench_workload_state may be called from any thread, each call making its own state. */
#ifndef BENCH_WORKLOADS_H
#define BENCH_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "braid/braid_block.h"
#include "braid/braid_chain.h"
#include "braid/braid_state.h"

#define BENCH_DEFAULT_PAIRS 4
#define BENCH_MAX_TXS 1000000
#define BENCH_MAX_PAIRS 1000

/* What one transaction does, kept so that the post-state can be predicted and checked. */
typedef enum bench_tx_kind {
    BENCH_TX_TRANSFER, /* ETH to `to` */
    BENCH_TX_ERC20,    /* token `token`'s transfer(to, amount) */
    BENCH_TX_SWAP,     /* pair `pair`'s swapExactIn(amount, 0, zero_for_one, sender) */
} bench_tx_kind;

typedef struct bench_tx_meta {
    uint8_t kind; /* bench_tx_kind */
    bool zero_for_one;
    uint32_t token; /* index into `tokens` (ERC20) */
    uint32_t pair;  /* index into `pairs` (SWAP) */
    braid_address to;
    braid_u256 amount; /* ETH value, tokens sent, or tokens swapped in */
} bench_tx_meta;

typedef struct bench_account {
    braid_address address;
    uint64_t nonce;
    braid_u256 balance;
    const braid_code *code; /* from the workload's code cache, or NULL */
} bench_account;

typedef struct bench_slot {
    braid_address address;
    braid_u256 key, value;
} bench_slot;

typedef struct bench_pair {
    braid_address address;
    uint32_t token0, token1; /* indices into `tokens` */
    braid_u256 reserve0, reserve1;
    uint32_t timestamp_last;
} bench_pair;

typedef struct bench_workload {
    char name[32];
    size_t n_txs;
    uint64_t seed;
    unsigned n_pairs_requested;
    braid_chain_config cfg;
    braid_code_cache *codes; /* owned; shared by every state made from the workload */

    /* the pre-state */
    bench_account *accounts;
    size_t n_accounts, cap_accounts;
    bench_slot *slots;
    size_t n_slots, cap_slots;

    braid_address *tokens;
    size_t n_tokens;
    bench_pair *pairs;
    size_t n_pairs;

    braid_block block; /* transactions borrow their call data from `calldata` */
    uint8_t *calldata;
    bench_tx_meta *meta; /* one per transaction */
} bench_workload;

typedef struct bench_params {
    size_t n_txs; /* 1 .. BENCH_MAX_TXS */
    uint64_t seed;
    unsigned pairs;   /* amm and mixed: 1 .. BENCH_MAX_PAIRS */
    unsigned threads; /* for signing; 0 means the number of cores */
} bench_params;

/* The workload names, in the order `--workload all` runs them; NULL-terminated. */
extern const char *const bench_workload_names[];
/* One line per workload for --help. */
const char *bench_workload_describe(const char *name);

/* Builds a workload with BENCH_DEFAULT_PAIRS pairs. Returns 0, or -1 (unknown name, n_txs out of range). */
int bench_workload_build(const char *name, size_t n_txs, uint64_t seed, bench_workload *out);
/* The same with every parameter; a message in err on failure. */
int bench_workload_build_with(const char *name, const bench_params *p, bench_workload *out, char *err,
                              size_t err_len);
void bench_workload_free(bench_workload *w);

/* A fresh state holding the workload's pre-state (on the workload's code cache). */
braid_state *bench_workload_state(const bench_workload *w);

/* Checks a post-state and the block's receipts against what the transactions should have done, computed
 * independently in C (balances, fees, token balances, reserves and price accumulators of each pair,
 * logs), and the post-state root against the root of that prediction. Returns 0, or -1 with the first
 * difference in err. */
int bench_workload_verify(const bench_workload *w, braid_state *post, const braid_block_result *res,
                          char *err, size_t err_len);

#endif
