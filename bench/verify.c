/* Checking a workload's execution against a prediction made in C: the benchmark's test that the
 * contracts do what an ERC-20 and a constant-product pair must do, and that the block executed fully.
 *
 * The prediction starts from a fresh pre-state and applies each transaction's effect by hand (fees,
 * value, token balances, the pair's formula and price accumulators), using the gas each receipt reports.
 * Comparing the predicted and executed states account by account and slot by slot gives a precise
 * message; comparing their roots catches anything the per-key comparison did not look at. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "contracts/bytecode.h"
#include "wl_internal.h"
#include "workloads.h"

typedef struct topics {
    braid_hash transfer, sync, swap;
} topics;

static braid_hash event_topic(const char *signature) {
    return braid_keccak256_hash((const uint8_t *)signature, strlen(signature));
}

/* The model of one pair while the block runs. */
typedef struct pair_model {
    braid_u256 r0, r1, price0, price1;
    uint32_t timestamp_last;
} pair_model;

static void eth_change(braid_state *s, const braid_address *a, braid_u256 amount, bool debit,
                       uint64_t nonces) {
    braid_u256 bal = braid_state_get_balance(s, a);
    bal = debit ? braid_u256_sub(bal, amount) : braid_u256_add(bal, amount);
    braid_state_put_account(s, a, braid_state_get_nonce(s, a) + nonces, bal, braid_state_get_code(s, a));
}

static void token_change(braid_state *s, const braid_address *token, const braid_address *holder,
                         braid_u256 amount, bool debit) {
    braid_u256 key = wl_mapping_slot(holder, BENCH_ERC20_SLOT_BALANCE_OF);
    braid_u256 bal = braid_state_get_storage(s, token, key);
    braid_state_put_storage(s, token, key, debit ? braid_u256_sub(bal, amount) : braid_u256_add(bal, amount));
}

static bool word_is(const uint8_t *p, braid_u256 v) {
    uint8_t be[32];
    braid_u256_to_be(v, be);
    return memcmp(p, be, 32) == 0;
}

static bool topic_is_address(const braid_hash *t, const braid_address *a) {
    return word_is(t->b, wl_address_word(a));
}

/* Transfer(from, to, value) emitted by `token`. */
static bool is_transfer_log(const braid_log *l, const topics *tp, const braid_address *token,
                            const braid_address *from, const braid_address *to, braid_u256 value) {
    return braid_address_eq(&l->address, token) && l->n_topics == 3 &&
           braid_hash_eq(&l->topics[0], &tp->transfer) && topic_is_address(&l->topics[1], from) &&
           topic_is_address(&l->topics[2], to) && l->data_len == 32 && word_is(l->data, value);
}

static void advance_prices(pair_model *p, uint32_t now) {
    uint32_t elapsed = now - p->timestamp_last;
    if (elapsed > 0 && !braid_u256_is_zero(p->r0) && !braid_u256_is_zero(p->r1)) {
        braid_u256 shift = braid_u256_from_u64(112), a, q;
        braid_u256_shl(&a, &shift, &p->r1);
        braid_u256_div(&q, &a, &p->r0);
        p->price0 = braid_u256_add(p->price0, wl_mul(q, elapsed));
        braid_u256_shl(&a, &shift, &p->r0);
        braid_u256_div(&q, &a, &p->r1);
        p->price1 = braid_u256_add(p->price1, wl_mul(q, elapsed));
    }
    p->timestamp_last = now;
}

/* One swap: the pull of the input, the payout, the reserve update; and its four logs. */
static int predict_swap(const bench_workload *w, braid_state *exp, pair_model *pm, size_t i,
                        const braid_address *trader, const braid_receipt *r, const topics *tp, char *err,
                        size_t err_len) {
    const bench_tx_meta *m = &w->meta[i];
    const bench_pair *pair = &w->pairs[m->pair];
    pair_model *p = &pm[m->pair];
    const braid_address *t0 = &w->tokens[pair->token0], *t1 = &w->tokens[pair->token1];
    const braid_address *tin = m->zero_for_one ? t0 : t1, *tout = m->zero_for_one ? t1 : t0;
    braid_u256 out =
        m->zero_for_one ? wl_amount_out(m->amount, p->r0, p->r1) : wl_amount_out(m->amount, p->r1, p->r0);
    token_change(exp, tin, trader, m->amount, true);
    token_change(exp, tin, &pair->address, m->amount, false);
    token_change(exp, tout, &pair->address, out, true);
    token_change(exp, tout, &m->to, out, false);
    braid_u256 prev0 = p->r0, prev1 = p->r1;
    advance_prices(p, (uint32_t)w->block.header.timestamp);
    if (m->zero_for_one) {
        p->r0 = braid_u256_add(p->r0, m->amount);
        p->r1 = braid_u256_sub(p->r1, out);
    } else {
        p->r1 = braid_u256_add(p->r1, m->amount);
        p->r0 = braid_u256_sub(p->r0, out);
    }
    /* the invariant with the fee taken from the input never decreases */
    braid_u256 k_before, k_after;
    braid_u256_mul(&k_before, &prev0, &prev1);
    braid_u256_mul(&k_after, &p->r0, &p->r1);
    if (braid_u256_lt(k_after, k_before))
        return braid_errorf(err, err_len, "transaction %zu: model broke x*y=k", i);

    if (r->n_logs != 4)
        return braid_errorf(err, err_len, "transaction %zu (swap): %zu logs, expected 4", i, r->n_logs);
    if (!is_transfer_log(&r->logs[0], tp, tin, trader, &pair->address, m->amount))
        return braid_errorf(err, err_len,
                            "transaction %zu (swap): log 0 is not the input's Transfer to the pair", i);
    if (!is_transfer_log(&r->logs[1], tp, tout, &pair->address, &m->to, out))
        return braid_errorf(err, err_len, "transaction %zu (swap): log 1 is not the payout's Transfer", i);
    const braid_log *sync = &r->logs[2], *swap = &r->logs[3];
    if (!braid_address_eq(&sync->address, &pair->address) || sync->n_topics != 1 ||
        !braid_hash_eq(&sync->topics[0], &tp->sync) || sync->data_len != 64 || !word_is(sync->data, p->r0) ||
        !word_is(sync->data + 32, p->r1))
        return braid_errorf(err, err_len, "transaction %zu (swap): log 2 is not Sync(reserve0, reserve1)", i);
    braid_u256 zero = BRAID_U256_ZERO;
    braid_u256 in0 = m->zero_for_one ? m->amount : zero, in1 = m->zero_for_one ? zero : m->amount;
    braid_u256 out0 = m->zero_for_one ? zero : out, out1 = m->zero_for_one ? out : zero;
    if (!braid_address_eq(&swap->address, &pair->address) || swap->n_topics != 3 ||
        !braid_hash_eq(&swap->topics[0], &tp->swap) || !topic_is_address(&swap->topics[1], trader) ||
        !topic_is_address(&swap->topics[2], &m->to) || swap->data_len != 128 || !word_is(swap->data, in0) ||
        !word_is(swap->data + 32, in1) || !word_is(swap->data + 64, out0) || !word_is(swap->data + 96, out1))
        return braid_errorf(err, err_len,
                            "transaction %zu (swap): log 3 is not Swap(sender, in0, in1, out0, out1, to)", i);
    return 0;
}

static int predict(const bench_workload *w, braid_state *exp, pair_model *pm, const braid_block_result *res,
                   char *err, size_t err_len) {
    const braid_header *h = &w->block.header;
    topics tp = {event_topic("Transfer(address,address,uint256)"), event_topic("Sync(uint112,uint112)"),
                 event_topic("Swap(address,uint256,uint256,uint256,uint256,address)")};
    for (size_t i = 0; i < w->n_txs; i++) {
        const braid_tx *tx = &w->block.txs[i].tx;
        const bench_tx_meta *m = &w->meta[i];
        const braid_receipt *r = &res->receipts[i];
        if (!r->success)
            return braid_errorf(err, err_len, "transaction %zu failed (reverted or ran out of gas)", i);
        /* EIP-1559: the price is min(fee cap, base fee + tip); the beneficiary gets what is above the base */
        braid_u256 price = braid_u256_add(h->base_fee, tx->max_priority_fee_per_gas);
        if (braid_u256_gt(price, tx->max_fee_per_gas)) price = tx->max_fee_per_gas;
        braid_u256 fee = wl_mul(price, r->gas_used),
                   tip = wl_mul(braid_u256_sub(price, h->base_fee), r->gas_used);
        eth_change(exp, &tx->sender, braid_u256_add(fee, tx->value), true, 1);
        eth_change(exp, &h->coinbase, tip, false, 0);
        switch (m->kind) {
        case BENCH_TX_TRANSFER:
            eth_change(exp, &m->to, m->amount, false, 0);
            if (r->n_logs != 0)
                return braid_errorf(err, err_len, "transaction %zu (transfer): %zu logs", i, r->n_logs);
            break;
        case BENCH_TX_ERC20: {
            const braid_address *token = &w->tokens[m->token];
            token_change(exp, token, &tx->sender, m->amount, true);
            token_change(exp, token, &m->to, m->amount, false);
            if (r->n_logs != 1 || !is_transfer_log(&r->logs[0], &tp, token, &tx->sender, &m->to, m->amount))
                return braid_errorf(err, err_len,
                                    "transaction %zu (erc20): expected one Transfer(from, to, value) log", i);
            break;
        }
        case BENCH_TX_SWAP:
            if (predict_swap(w, exp, pm, i, &tx->sender, r, &tp, err, err_len)) return -1;
            break;
        }
    }
    for (size_t k = 0; k < w->n_pairs; k++) {
        const braid_address *a = &w->pairs[k].address;
        braid_state_put_storage(exp, a, braid_u256_from_u64(BENCH_PAIR_SLOT_RESERVE0),
                                wl_pack_reserves(pm[k].r0, pm[k].r1, pm[k].timestamp_last));
        braid_state_put_storage(exp, a, braid_u256_from_u64(BENCH_PAIR_SLOT_PRICE0_CUMULATIVE_LAST),
                                pm[k].price0);
        braid_state_put_storage(exp, a, braid_u256_from_u64(BENCH_PAIR_SLOT_PRICE1_CUMULATIVE_LAST),
                                pm[k].price1);
    }
    return 0;
}

static void hex_u256(braid_u256 v, char out[67]) {
    uint8_t be[32];
    braid_u256_to_be(v, be);
    braid_hex_encode(be, 32, out);
}

static int same_slot(braid_state *exp, braid_state *post, const braid_address *a, braid_u256 key, char *err,
                     size_t err_len) {
    braid_u256 want = braid_state_get_storage(exp, a, key), got = braid_state_get_storage(post, a, key);
    if (braid_u256_eq(want, got)) return 0;
    char as[43], ks[67], ws[67], gs[67];
    braid_hex_encode(a->b, 20, as);
    hex_u256(key, ks);
    hex_u256(want, ws);
    hex_u256(got, gs);
    return braid_errorf(err, err_len, "storage of %s slot %s: %s, predicted %s", as, ks, gs, ws);
}

static int compare(const bench_workload *w, braid_state *exp, braid_state *post, char *err, size_t err_len) {
    char as[43], gs[67], ws[67];
    for (size_t i = 0; i < w->n_accounts; i++) {
        const braid_address *a = &w->accounts[i].address;
        braid_u256 want = braid_state_get_balance(exp, a), got = braid_state_get_balance(post, a);
        uint64_t want_nonce = braid_state_get_nonce(exp, a), got_nonce = braid_state_get_nonce(post, a);
        braid_hex_encode(a->b, 20, as);
        if (!braid_u256_eq(want, got)) {
            hex_u256(got, gs);
            hex_u256(want, ws);
            return braid_errorf(err, err_len, "balance of %s: %s, predicted %s", as, gs, ws);
        }
        if (want_nonce != got_nonce)
            return braid_errorf(err, err_len, "nonce of %s: %llu, predicted %llu", as,
                                (unsigned long long)got_nonce, (unsigned long long)want_nonce);
    }
    for (size_t i = 0; i < w->n_slots; i++)
        if (same_slot(exp, post, &w->slots[i].address, w->slots[i].key, err, err_len)) return -1;
    for (size_t i = 0; i < w->n_txs; i++) {
        const bench_tx_meta *m = &w->meta[i];
        if (m->kind != BENCH_TX_SWAP) continue;
        const bench_pair *p = &w->pairs[m->pair];
        const braid_address *tout = &w->tokens[m->zero_for_one ? p->token1 : p->token0];
        if (same_slot(exp, post, tout, wl_mapping_slot(&m->to, BENCH_ERC20_SLOT_BALANCE_OF), err, err_len))
            return -1;
    }
    for (size_t k = 0; k < w->n_pairs; k++)
        for (uint64_t s = 0; s <= BENCH_PAIR_SLOT_UNLOCKED; s++)
            if (same_slot(exp, post, &w->pairs[k].address, braid_u256_from_u64(s), err, err_len)) return -1;
    braid_hash want = braid_state_root(exp), got = braid_state_root(post);
    if (!braid_hash_eq(&want, &got)) {
        braid_hex_encode(got.b, 32, gs);
        braid_hex_encode(want.b, 32, ws);
        return braid_errorf(err, err_len,
                            "state root %s, predicted %s (every checked account and slot matched)", gs, ws);
    }
    return 0;
}

int bench_workload_verify(const bench_workload *w, braid_state *post, const braid_block_result *res,
                          char *err, size_t err_len) {
    if (res->n_receipts != w->n_txs)
        return braid_errorf(err, err_len, "%zu receipts for %zu transactions", res->n_receipts, w->n_txs);
    braid_state *exp = bench_workload_state(w);
    pair_model *pm = braid_xcalloc(w->n_pairs + 1, sizeof *pm);
    for (size_t k = 0; k < w->n_pairs; k++)
        pm[k] = (pair_model){w->pairs[k].reserve0, w->pairs[k].reserve1, BRAID_U256_ZERO, BRAID_U256_ZERO,
                             w->pairs[k].timestamp_last};
    int rc = predict(w, exp, pm, res, err, err_len);
    if (rc == 0) rc = compare(w, exp, post, err, err_len);
    free(pm);
    braid_state_destroy(exp);
    return rc;
}
