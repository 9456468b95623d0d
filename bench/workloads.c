/* Building the benchmark's workloads: pre-state and signed block (see workloads.h). */
#include "workloads.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "contracts/bytecode.h"
#include "keys.h"
#include "wl_internal.h"

const char *const bench_workload_names[] = {"transfer", "transfer-hot", "erc20", "erc20-hot",
                                            "amm",      "mixed",        NULL};

typedef enum wl_kind { W_TRANSFER, W_TRANSFER_HOT, W_ERC20, W_ERC20_HOT, W_AMM, W_MIXED } wl_kind;

static const char *const descriptions[] = {
    "ETH transfers, each from its own sender to its own recipient",
    "ETH transfers, each from its own sender, all to one recipient",
    "ERC-20 transfers of one token between distinct holders",
    "ERC-20 transfers of one token, all to one holder",
    "swaps on constant-product pairs (--pairs, default 4), each by its own trader",
    "a fixed blend: 25% transfer, 10% transfer-hot, 25% erc20, 10% erc20-hot, 30% amm",
};

const char *bench_workload_describe(const char *name) {
    for (size_t i = 0; bench_workload_names[i]; i++)
        if (strcmp(name, bench_workload_names[i]) == 0) return descriptions[i];
    return NULL;
}

/* The block: mainnet's Cancun rules, mainnet-like fields. The low base fee keeps the fee arithmetic
 * honest (base fee and tip differ) without the senders needing much ETH. */
#define BLOCK_NUMBER 20000000
#define BLOCK_TIMESTAMP 1720000000
#define BASE_FEE 7
#define TIP 1000000000ull     /* 1 gwei */
#define MAX_FEE 3000000000ull /* 3 gwei */
#define GAS_TRANSFER 21000
#define GAS_ERC20 100000
#define GAS_SWAP 300000
#define MIN_BLOCK_GAS 30000000ull
/* Pairs last traded a block ago, so the first swap on each updates the price accumulators. */
#define PAIR_AGE 12

/* ---- small helpers shared with verify.c ---- */

braid_u256 wl_mul(braid_u256 a, uint64_t b) {
    braid_u256 r, bb = braid_u256_from_u64(b);
    braid_u256_mul(&r, &a, &bb);
    return r;
}

braid_u256 wl_ether_milli(uint64_t milli) {
    return wl_mul(braid_u256_from_u64(1000000000000000ull), milli);
}

braid_u256 wl_address_word(const braid_address *a) {
    return braid_u256_from_be_n(a->b, 20);
}

braid_u256 wl_mapping_slot(const braid_address *key, uint64_t slot) {
    uint8_t buf[64] = {0};
    memcpy(buf + 12, key->b, 20);
    for (int i = 0; i < 8; i++)
        buf[63 - i] = (uint8_t)(slot >> (8 * i));
    braid_hash h = braid_keccak256_hash(buf, sizeof buf);
    return braid_u256_from_be(h.b);
}

braid_u256 wl_nested_slot(const braid_address *outer, const braid_address *inner, uint64_t slot) {
    braid_u256 first = wl_mapping_slot(outer, slot);
    uint8_t buf[64] = {0};
    memcpy(buf + 12, inner->b, 20);
    braid_u256_to_be(first, buf + 32);
    braid_hash h = braid_keccak256_hash(buf, sizeof buf);
    return braid_u256_from_be(h.b);
}

braid_u256 wl_pack_reserves(braid_u256 r0, braid_u256 r1, uint32_t timestamp) {
    braid_u256 s1 = braid_u256_from_u64(8 * BENCH_PAIR_OFFSET_RESERVE1),
               s2 = braid_u256_from_u64(8 * BENCH_PAIR_OFFSET_BLOCK_TIMESTAMP_LAST),
               t = braid_u256_from_u64(timestamp), a, b;
    braid_u256_shl(&a, &s1, &r1);
    braid_u256_shl(&b, &s2, &t);
    return braid_u256_or(r0, braid_u256_or(a, b));
}

braid_u256 wl_amount_out(braid_u256 in, braid_u256 reserve_in, braid_u256 reserve_out) {
    braid_u256 with_fee = wl_mul(in, 997), num, den, q;
    braid_u256_mul(&num, &with_fee, &reserve_out);
    den = braid_u256_add(wl_mul(reserve_in, 1000), with_fee);
    braid_u256_div(&q, &num, &den);
    return q;
}

/* ---- building ---- */

typedef struct builder {
    bench_workload *w;
    wl_kind kind;
    uint64_t rng;
    const braid_address *senders;
    braid_u256 *supply; /* per token: the sum of balances written, for totalSupply */
    const braid_code *erc20_code, *pair_code;
    braid_address hot_recipient, hot_holder;
    size_t calldata_used;
} builder;

/* splitmix64: a fixed, seedable stream, so the same seed plans the same block everywhere. */
static uint64_t next_rand(builder *b) {
    uint64_t z = (b->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void push_account(bench_workload *w, const braid_address *addr, uint64_t nonce, braid_u256 balance,
                         const braid_code *code) {
    if (w->n_accounts == w->cap_accounts) {
        w->cap_accounts = w->cap_accounts ? 2 * w->cap_accounts : 1024;
        w->accounts = braid_xrealloc(w->accounts, w->cap_accounts * sizeof *w->accounts);
    }
    w->accounts[w->n_accounts++] = (bench_account){*addr, nonce, balance, code};
}

static void push_slot(bench_workload *w, const braid_address *addr, braid_u256 key, braid_u256 value) {
    if (w->n_slots == w->cap_slots) {
        w->cap_slots = w->cap_slots ? 2 * w->cap_slots : 1024;
        w->slots = braid_xrealloc(w->slots, w->cap_slots * sizeof *w->slots);
    }
    w->slots[w->n_slots++] = (bench_slot){*addr, key, value};
}

static void credit_token(builder *b, uint32_t token, const braid_address *holder, braid_u256 amount) {
    const braid_address *t = &b->w->tokens[token];
    push_slot(b->w, t, wl_mapping_slot(holder, BENCH_ERC20_SLOT_BALANCE_OF), amount);
    b->supply[token] = braid_u256_add(b->supply[token], amount);
}

static uint32_t add_token(builder *b) {
    bench_workload *w = b->w;
    uint32_t i = (uint32_t)w->n_tokens++;
    w->tokens[i] = bench_derive_address("braid-bench-token", w->seed, i);
    /* contracts start at nonce 1 (EIP-161) */
    push_account(w, &w->tokens[i], 1, BRAID_U256_ZERO, b->erc20_code);
    return i;
}

static void add_pair(builder *b, uint32_t token0, uint32_t token1) {
    bench_workload *w = b->w;
    bench_pair *p = &w->pairs[w->n_pairs];
    p->address = bench_derive_address("braid-bench-pair", w->seed, w->n_pairs);
    w->n_pairs++;
    p->token0 = token0;
    p->token1 = token1;
    /* a million tokens a side: swaps of up to ten tokens move the price little */
    p->reserve0 = p->reserve1 = wl_ether_milli(1000000000ull);
    p->timestamp_last = BLOCK_TIMESTAMP - PAIR_AGE;
    push_account(w, &p->address, 1, BRAID_U256_ZERO, b->pair_code);
    push_slot(w, &p->address, braid_u256_from_u64(BENCH_PAIR_SLOT_TOKEN0),
              wl_address_word(&w->tokens[token0]));
    push_slot(w, &p->address, braid_u256_from_u64(BENCH_PAIR_SLOT_TOKEN1),
              wl_address_word(&w->tokens[token1]));
    push_slot(w, &p->address, braid_u256_from_u64(BENCH_PAIR_SLOT_RESERVE0),
              wl_pack_reserves(p->reserve0, p->reserve1, p->timestamp_last));
    push_slot(w, &p->address, braid_u256_from_u64(BENCH_PAIR_SLOT_UNLOCKED), braid_u256_from_u64(1));
    credit_token(b, token0, &p->address, p->reserve0);
    credit_token(b, token1, &p->address, p->reserve1);
}

static uint8_t *put_selector(uint8_t *p, uint32_t sel) {
    p[0] = (uint8_t)(sel >> 24), p[1] = (uint8_t)(sel >> 16), p[2] = (uint8_t)(sel >> 8), p[3] = (uint8_t)sel;
    return p + 4;
}
static uint8_t *put_word(uint8_t *p, braid_u256 v) {
    braid_u256_to_be(v, p);
    return p + 32;
}

/* Fills transaction i's envelope fields other than the signature. */
static void set_tx(builder *b, size_t i, const braid_address *to, uint64_t gas, braid_u256 value,
                   const uint8_t *data, size_t data_len) {
    braid_signed_tx *stx = &b->w->block.txs[i];
    stx->tx.type = BRAID_TX_DYNAMIC_FEE;
    stx->has_chain_id = true;
    stx->chain_id = b->w->cfg.chain_id;
    stx->tx.nonce = 0;
    stx->tx.gas_limit = gas;
    stx->tx.max_fee_per_gas = braid_u256_from_u64(MAX_FEE);
    stx->tx.max_priority_fee_per_gas = braid_u256_from_u64(TIP);
    stx->tx.to = *to;
    stx->tx.value = value;
    stx->tx.data = data;
    stx->tx.data_len = data_len;
}

static uint8_t *calldata(builder *b, size_t len) {
    uint8_t *p = b->w->calldata + b->calldata_used;
    b->calldata_used += len;
    return p;
}

static void plan_transfer(builder *b, size_t i, bool hot) {
    bench_tx_meta *m = &b->w->meta[i];
    m->kind = BENCH_TX_TRANSFER;
    m->amount = wl_mul(braid_u256_from_u64(1000000000000ull), 1 + next_rand(b) % 1000); /* up to 0.001 ETH */
    if (hot) {
        m->to = b->hot_recipient;
    } else {
        m->to = bench_derive_address("braid-bench-recipient", b->w->seed, i);
        push_account(b->w, &m->to, 0, wl_ether_milli(1000), NULL);
    }
    set_tx(b, i, &m->to, GAS_TRANSFER, m->amount, NULL, 0);
}

static void plan_erc20(builder *b, size_t i, uint32_t token, bool hot) {
    bench_tx_meta *m = &b->w->meta[i];
    m->kind = BENCH_TX_ERC20;
    m->token = token;
    m->amount = wl_ether_milli(1 + next_rand(b) % 1000);
    if (hot) {
        m->to = b->hot_holder;
    } else {
        m->to = bench_derive_address("braid-bench-holder", b->w->seed, i);
        credit_token(b, token, &m->to, wl_ether_milli(100000));
    }
    credit_token(b, token, &b->senders[i], wl_ether_milli(1000000));
    uint8_t *data = calldata(b, 68), *p = put_selector(data, BENCH_ERC20_SEL_TRANSFER);
    p = put_word(p, wl_address_word(&m->to));
    put_word(p, m->amount);
    set_tx(b, i, &b->w->tokens[token], GAS_ERC20, BRAID_U256_ZERO, data, 68);
}

static void plan_swap(builder *b, size_t i) {
    bench_workload *w = b->w;
    bench_tx_meta *m = &w->meta[i];
    m->kind = BENCH_TX_SWAP;
    uint64_t r = next_rand(b);
    m->pair = (uint32_t)(r % w->n_pairs);
    m->zero_for_one = (r >> 32) & 1;
    m->amount = wl_ether_milli(100 * (1 + (r >> 33) % 100)); /* 0.1 to 10 tokens */
    m->to = b->senders[i];
    const bench_pair *pair = &w->pairs[m->pair];
    uint32_t token_in = m->zero_for_one ? pair->token0 : pair->token1;
    credit_token(b, token_in, &b->senders[i], wl_ether_milli(1000000));
    /* an unlimited approval, as wallets give routers: the pull then never writes the allowance */
    braid_u256 max = braid_u256_not(BRAID_U256_ZERO);
    push_slot(w, &w->tokens[token_in],
              wl_nested_slot(&b->senders[i], &pair->address, BENCH_ERC20_SLOT_ALLOWANCE), max);
    uint8_t *data = calldata(b, 132), *p = put_selector(data, BENCH_PAIR_SEL_SWAP_EXACT_IN);
    p = put_word(p, m->amount);
    p = put_word(p, braid_u256_from_u64(1)); /* amountOutMin: something must come out */
    p = put_word(p, braid_u256_from_u64(m->zero_for_one));
    put_word(p, wl_address_word(&m->to));
    set_tx(b, i, &pair->address, GAS_SWAP, BRAID_U256_ZERO, data, 132);
}

static void fill_header(bench_workload *w, uint64_t gas_limit) {
    braid_header *h = &w->block.header;
    h->parent_hash = bench_derive("braid-bench-parent", w->seed, 0);
    static const uint8_t empty_list = 0xc0;
    h->ommers_hash = braid_keccak256_hash(&empty_list, 1);
    h->coinbase = bench_derive_address("braid-bench-coinbase", w->seed, 0);
    h->number = BLOCK_NUMBER;
    h->timestamp = BLOCK_TIMESTAMP;
    h->gas_limit = gas_limit;
    h->mix_hash = bench_derive("braid-bench-prevrandao", w->seed, 0);
    h->has_base_fee = true;
    h->base_fee = braid_u256_from_u64(BASE_FEE);
    h->has_withdrawals_root = true;
    h->has_blob_gas = true;
    h->has_beacon_root = true;
    h->parent_beacon_root = bench_derive("braid-bench-beacon", w->seed, 0);
    w->block.has_withdrawals = true;
}

static int lookup_kind(const char *name, wl_kind *out) {
    for (size_t i = 0; bench_workload_names[i]; i++)
        if (strcmp(name, bench_workload_names[i]) == 0) {
            *out = (wl_kind)i;
            return 0;
        }
    return -1;
}

int bench_workload_build_with(const char *name, const bench_params *p, bench_workload *out, char *err,
                              size_t err_len) {
    memset(out, 0, sizeof *out);
    wl_kind kind;
    if (lookup_kind(name, &kind) != 0) return braid_errorf(err, err_len, "unknown workload '%s'", name);
    if (p->n_txs < 1 || p->n_txs > BENCH_MAX_TXS)
        return braid_errorf(err, err_len, "transaction count %zu outside 1..%d", p->n_txs, BENCH_MAX_TXS);
    if (p->pairs < 1 || p->pairs > BENCH_MAX_PAIRS)
        return braid_errorf(err, err_len, "pair count %u outside 1..%d", p->pairs, BENCH_MAX_PAIRS);

    bench_workload *w = out;
    size_t n = p->n_txs;
    snprintf(w->name, sizeof w->name, "%s", name);
    w->n_txs = n;
    w->seed = p->seed;
    w->n_pairs_requested = p->pairs;
    w->cfg = *braid_chain_mainnet();
    w->codes = braid_code_cache_create();
    w->block.txs = braid_xcalloc(n, sizeof *w->block.txs);
    w->block.n_txs = n;
    w->meta = braid_xcalloc(n, sizeof *w->meta);
    w->calldata = braid_xmalloc(n * 132);
    bool amm = kind == W_AMM || kind == W_MIXED;
    unsigned n_pairs = amm ? p->pairs : 0;
    w->tokens = braid_xcalloc(n_pairs + 2, sizeof *w->tokens);
    w->pairs = braid_xcalloc(n_pairs + 1, sizeof *w->pairs);

    uint8_t(*keys)[32] = braid_xmalloc(n * sizeof *keys);
    braid_address *senders = braid_xmalloc(n * sizeof *senders);
    bench_derive_senders(p->seed, n, p->threads, keys, senders);

    builder b = {
        .w = w,
        .kind = kind,
        .rng = p->seed ^ braid_u256_from_be(bench_derive(name, p->seed, 0).b).w[0],
        .senders = senders,
        .supply = braid_xcalloc(n_pairs + 2, sizeof *b.supply),
        .erc20_code = braid_code_cache_get(w->codes, bench_erc20_runtime, bench_erc20_runtime_len),
        .pair_code = braid_code_cache_get(w->codes, bench_pair_runtime, bench_pair_runtime_len),
        .hot_recipient = bench_derive_address("braid-bench-hot-recipient", p->seed, 0),
        .hot_holder = bench_derive_address("braid-bench-hot-holder", p->seed, 0),
    };

    fill_header(w, 0);
    push_account(w, &w->block.header.coinbase, 0, wl_ether_milli(1000), NULL);
    if (kind == W_TRANSFER_HOT || kind == W_MIXED)
        push_account(w, &b.hot_recipient, 0, wl_ether_milli(1000), NULL);
    uint32_t erc20_token = 0;
    if (kind == W_ERC20 || kind == W_ERC20_HOT || kind == W_MIXED) {
        erc20_token = add_token(&b);
        if (kind != W_ERC20) credit_token(&b, erc20_token, &b.hot_holder, wl_ether_milli(100000));
    }
    if (amm) {
        /* every pair trades against one base token, as most volume trades against WETH */
        uint32_t base = add_token(&b);
        for (unsigned k = 0; k < n_pairs; k++)
            add_pair(&b, base, add_token(&b));
    }

    uint64_t gas_sum = 0;
    for (size_t i = 0; i < n; i++) {
        push_account(w, &senders[i], 0, wl_ether_milli(10000), NULL);
        wl_kind k = kind;
        if (kind == W_MIXED) {
            uint64_t r = next_rand(&b) % 100;
            k = r < 25   ? W_TRANSFER
                : r < 35 ? W_TRANSFER_HOT
                : r < 60 ? W_ERC20
                : r < 70 ? W_ERC20_HOT
                         : W_AMM;
        }
        switch (k) {
        case W_TRANSFER:
        case W_TRANSFER_HOT:
            plan_transfer(&b, i, k == W_TRANSFER_HOT);
            break;
        case W_ERC20:
        case W_ERC20_HOT:
            plan_erc20(&b, i, erc20_token, k == W_ERC20_HOT);
            break;
        case W_AMM:
        case W_MIXED:
            plan_swap(&b, i);
            break;
        }
        gas_sum += w->block.txs[i].tx.gas_limit;
    }
    for (uint32_t t = 0; t < w->n_tokens; t++)
        push_slot(w, &w->tokens[t], braid_u256_from_u64(BENCH_ERC20_SLOT_TOTAL_SUPPLY), b.supply[t]);
    w->block.header.gas_limit = gas_sum > MIN_BLOCK_GAS ? gas_sum : MIN_BLOCK_GAS;

    int rc = bench_sign_all(w->block.txs, n, (const uint8_t(*)[32])keys, senders, p->threads, err, err_len);
    free(b.supply);
    free(keys);
    free(senders);
    if (rc != 0) bench_workload_free(w);
    return rc;
}

int bench_workload_build(const char *name, size_t n_txs, uint64_t seed, bench_workload *out) {
    bench_params p = {.n_txs = n_txs, .seed = seed, .pairs = BENCH_DEFAULT_PAIRS};
    return bench_workload_build_with(name, &p, out, NULL, 0);
}

void bench_workload_free(bench_workload *w) {
    braid_block_free(&w->block); /* the transactions own nothing: their data is borrowed */
    free(w->calldata);
    free(w->meta);
    free(w->accounts);
    free(w->slots);
    free(w->tokens);
    free(w->pairs);
    braid_code_cache_destroy(w->codes);
    memset(w, 0, sizeof *w);
}

braid_state *bench_workload_state(const bench_workload *w) {
    braid_state *s = braid_state_create(w->codes, NULL);
    for (size_t i = 0; i < w->n_accounts; i++) {
        const bench_account *a = &w->accounts[i];
        braid_state_put_account(s, &a->address, a->nonce, a->balance, a->code ? a->code : braid_code_empty());
    }
    for (size_t i = 0; i < w->n_slots; i++)
        braid_state_put_storage(s, &w->slots[i].address, w->slots[i].key, w->slots[i].value);
    return s;
}
