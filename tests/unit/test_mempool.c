/* The transaction pool: each of geth's refusals for what it is, pending and queued around a nonce gap,
 * replacement only with a 10% fee bump, eviction of the cheapest when full, block selection by tip that
 * keeps each sender's nonce order and the gas limit, and pruning after a block. */
#include <stdlib.h>

#include "braid/braid_mempool.h"
#include "test_util.h"

#define SENDERS 3
static uint8_t keys[SENDERS][32];
static braid_address addrs[SENDERS];
static uint64_t nonces[SENDERS];
static braid_u256 balances[SENDERS];

static int who(const braid_address *a) {
    for (int i = 0; i < SENDERS; i++)
        if (braid_address_eq(a, &addrs[i])) return i;
    return -1;
}
static uint64_t nonce_of(void *ctx, const braid_address *a) {
    (void)ctx;
    int i = who(a);
    return i < 0 ? 0 : nonces[i];
}
static braid_u256 balance_of(void *ctx, const braid_address *a) {
    (void)ctx;
    int i = who(a);
    return i < 0 ? BRAID_U256_ZERO : balances[i];
}

static braid_mempool_head head = {NULL, nonce_of, balance_of, {{7}}, 30000000, BRAID_FORK_CANCUN};

/* A signed EIP-1559 transfer from sender `k`. */
static braid_signed_tx make(int k, uint64_t nonce, uint64_t max_fee, uint64_t tip, uint64_t gas,
                            uint64_t chain) {
    braid_signed_tx stx;
    memset(&stx, 0, sizeof stx);
    stx.tx.type = BRAID_TX_DYNAMIC_FEE;
    stx.tx.nonce = nonce;
    stx.tx.gas_limit = gas;
    stx.tx.max_fee_per_gas = braid_u256_from_u64(max_fee);
    stx.tx.max_priority_fee_per_gas = braid_u256_from_u64(tip);
    memset(stx.tx.to.b, 0x99, 20);
    stx.tx.value = braid_u256_from_u64(1);
    stx.chain_id = braid_u256_from_u64(chain);
    stx.has_chain_id = true;
    char err[100];
    if (braid_signed_tx_sign(&stx, keys[k], err, sizeof err)) abort();
    return stx;
}

static braid_mempool *pool;

/* Adds and expects `want` (NULL: success); frees the transaction when the pool refused it. */
static void add(braid_signed_tx stx, const char *want) {
    char err[200] = "";
    int rc = braid_mempool_add(pool, &stx, &head, err, sizeof err);
    if (want)
        CHECKF(rc == -1 && strcmp(err, want) == 0, "expected '%s', got rc %d '%s'", want, rc, err);
    else
        CHECKF(rc == 0, "refused: %s", err);
    braid_signed_tx_free(&stx);
}

int main(void) {
    for (int i = 0; i < SENDERS; i++) {
        memset(keys[i], 0, 32);
        keys[i][31] = (uint8_t)(i + 1);
        if (braid_private_key_address(keys[i], &addrs[i])) abort();
        balances[i] = braid_u256_from_u64(100000000000ull);
    }
    braid_mempool_config cfg = {.chain_id = braid_u256_from_u64(1337), .max_txs = 6};
    pool = braid_mempool_create(&cfg);

    /* refusals */
    nonces[0] = 5;
    add(make(0, 4, 10, 1, 21000, 1337), "nonce too low");
    add(make(0, 5, 10, 1, 21000, 1), "invalid chain id");
    add(make(0, 5, 10, 1, 20000, 1337), "intrinsic gas too low");
    add(make(0, 5, 10, 1, 40000000, 1337), "exceeds block gas limit");
    add(make(0, 5, 6, 1, 21000, 1337), "max fee per gas less than block base fee");
    add(make(0, 5, 10, 11, 21000, 1337), "max priority fee per gas higher than max fee per gas");
    add(make(0, 5, 10000000, 1, 21000, 1337), "insufficient funds for gas * price + value");

    /* pending and queued around a gap, replacement by fee bump */
    add(make(0, 5, 10, 1, 21000, 1337), NULL);
    add(make(0, 5, 10, 1, 21000, 1337), "already known");
    add(make(0, 5, 10, 2, 21000, 1337), "replacement transaction underpriced"); /* cap not bumped */
    add(make(0, 5, 11, 1, 21000, 1337), "replacement transaction underpriced"); /* tip not bumped */
    add(make(0, 5, 11, 2, 21000, 1337), NULL);                                  /* both by 10% or more */
    add(make(0, 7, 10, 1, 21000, 1337), NULL);                                  /* after a gap */
    size_t pending, queued;
    braid_mempool_counts(pool, &head, &pending, &queued);
    CHECK(pending == 1 && queued == 1);
    add(make(0, 6, 10, 1, 21000, 1337), NULL); /* fills the gap */
    braid_mempool_counts(pool, &head, &pending, &queued);
    CHECK(pending == 3 && queued == 0);

    /* selection: higher tips first, each sender in nonce order, within the gas limit */
    add(make(1, 0, 20, 5, 21000, 1337), NULL);
    add(make(1, 1, 20, 1, 21000, 1337), NULL);
    add(make(2, 0, 20, 3, 30000, 1337), NULL);
    const braid_signed_tx *picked[10];
    size_t n = braid_mempool_select(pool, &head, 10000000, picked, 10);
    CHECK(n == 6);
    /* tips over base fee 7: s1n0 5, s2n0 3, s0n5 min(2, 11-7)=2, then s0n6 1, s1n1 1, s0n7 1 */
    CHECK(n >= 3 && who(&picked[0]->tx.sender) == 1 && picked[0]->tx.nonce == 0);
    CHECK(n >= 3 && who(&picked[1]->tx.sender) == 2 && who(&picked[2]->tx.sender) == 0);
    uint64_t last[SENDERS] = {0, 0, 0};
    bool ordered = true;
    for (size_t i = 0; i < n; i++) {
        int k = who(&picked[i]->tx.sender);
        if (last[k] && picked[i]->tx.nonce != last[k] + 1) ordered = false;
        last[k] = picked[i]->tx.nonce;
    }
    CHECK(ordered);
    /* 50000 gas: s1n0 (21000), then s2n0 (30000) no longer fits and its sender is done, s0n5 (21000) does */
    CHECK(braid_mempool_select(pool, &head, 50000, picked, 10) == 2 && who(&picked[1]->tx.sender) == 0);
    CHECK(braid_mempool_find(pool, &picked[0]->hash) == picked[0]);

    /* full (6): a cheaper newcomer is refused, a dearer one evicts the cheapest tail */
    add(make(2, 1, 8, 1, 21000, 1337), "txpool is full");
    add(make(2, 1, 30, 1, 21000, 1337), NULL);
    braid_mempool_counts(pool, &head, &pending, &queued);
    CHECK(pending + queued == 6);

    /* Between a block's commit and the prune, the head already says sender 0 is at nonce 6 while the pool
     * still holds its nonce 5: the pending nonce and the selection start after the stale one. */
    nonces[0] = 6;
    CHECK(braid_mempool_next_nonce(pool, &addrs[0], 6) == 7);
    const braid_signed_tx *sel[8];
    size_t n_sel = braid_mempool_select(pool, &head, 30000000, sel, 8);
    bool stale_taken = false;
    for (size_t i = 0; i < n_sel; i++)
        stale_taken |= braid_address_eq(&sel[i]->tx.sender, &addrs[0]) && sel[i]->tx.nonce < 6;
    CHECK(n_sel > 0 && !stale_taken);

    /* a block took sender 0's nonces 5 and 6: they leave */
    nonces[0] = 7;
    braid_mempool_prune(pool, &head);
    braid_mempool_counts(pool, &head, &pending, &queued);
    CHECK(pending + queued == 4);

    braid_mempool_destroy(pool);
    return test_summary("mempool");
}
