/* Chain methods: blocks, transactions, receipts, fees, the chain's identity. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_tx.h"
#include "rpc_common.h"

#define SUGGESTED_TIP 1000000000ull /* 1 gwei, as geth's dev mode suggests */

static json_t *eth_chainId(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return rpcj_u256(n->cfg.chain_id);
}

static json_t *eth_blockNumber(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return rpcj_u64(node_head(n).number);
}

static json_t *eth_syncing(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return json_false();
}

static braid_u256 next_base_fee(braid_node *n) {
    braid_header h = node_head(n);
    return braid_base_fee_next(&h, braid_chain_fork_at(&n->cfg, h.number, h.timestamp));
}

static json_t *eth_gasPrice(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return rpcj_u256(braid_u256_add(next_base_fee(ctx), braid_u256_from_u64(SUGGESTED_TIP)));
}

static json_t *eth_maxPriorityFeePerGas(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return rpcj_u64(SUGGESTED_TIP);
}

/* ---- blocks ---- */

static bool ref_arg(const json_t *params, rpcj_block_ref *ref, bool by_hash, braid_rpc_error *err) {
    if (by_hash) {
        ref->kind = RPCJ_BLOCK_HASH;
        return rpcj_parse_hash(rpcj_param(params, 0), 0, &ref->hash, err) == 0;
    }
    return rpcj_parse_block_number(rpcj_param(params, 0), 0, ref, err) == 0;
}

static json_t *block_json(braid_node *n, node_read *r, const braid_header *h, bool full) {
    chain_body body;
    if (!chain_read_body(r->t, h->number, &body)) return json_null();
    braid_block b = {.header = *h, .txs = body.txs, .n_txs = body.n, .has_withdrawals = h->has_withdrawals_root};
    json_t *out = rpcj_block(h, rpcj_block_size(&b), body.txs, body.n, full, NULL, 0, b.has_withdrawals);
    chain_body_free(&body);
    (void)n;
    return out;
}

static json_t *get_block(braid_node *n, const json_t *params, bool by_hash, braid_rpc_error *err) {
    rpcj_block_ref ref;
    bool full = false;
    if (rpcj_params_check(params, 2, 2, err) || !ref_arg(params, &ref, by_hash, err) ||
        rpcj_parse_bool(rpcj_param(params, 1), 1, &full, err))
        return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    braid_header h;
    json_t *out = node_resolve(&r, &ref, &h) ? block_json(n, &r, &h, full) : json_null();
    node_read_end(&r);
    return out;
}

static json_t *eth_getBlockByNumber(void *ctx, const json_t *params, braid_rpc_error *err) {
    return get_block(ctx, params, false, err);
}
static json_t *eth_getBlockByHash(void *ctx, const json_t *params, braid_rpc_error *err) {
    return get_block(ctx, params, true, err);
}

static json_t *tx_count(braid_node *n, const json_t *params, bool by_hash, braid_rpc_error *err) {
    rpcj_block_ref ref;
    if (rpcj_params_check(params, 1, 1, err) || !ref_arg(params, &ref, by_hash, err)) return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    braid_header h;
    chain_body body;
    json_t *out = json_null();
    if (node_resolve(&r, &ref, &h) && chain_read_body(r.t, h.number, &body)) {
        json_decref(out);
        out = rpcj_u64(body.n);
        chain_body_free(&body);
    }
    node_read_end(&r);
    return out;
}

static json_t *eth_getBlockTransactionCountByNumber(void *ctx, const json_t *params, braid_rpc_error *err) {
    return tx_count(ctx, params, false, err);
}
static json_t *eth_getBlockTransactionCountByHash(void *ctx, const json_t *params, braid_rpc_error *err) {
    return tx_count(ctx, params, true, err);
}

/* ---- transactions and receipts ---- */

static rpcj_tx_pos tx_pos(const braid_header *h, uint64_t index) {
    return (rpcj_tx_pos){.block_hash = h->hash,
                         .block_number = h->number,
                         .block_timestamp = h->timestamp,
                         .index = index,
                         .has_base_fee = h->has_base_fee,
                         .base_fee = h->base_fee};
}

static json_t *eth_getTransactionByHash(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_hash hash;
    if (rpcj_params_check(params, 1, 1, err) || rpcj_parse_hash(rpcj_param(params, 0), 0, &hash, err)) return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    uint64_t number;
    uint32_t index;
    braid_header h;
    chain_body body;
    json_t *out = NULL;
    if (chain_tx_position(r.t, &hash, &number, &index, NULL) && chain_header(r.t, number, &h) &&
        chain_read_body_range(r.t, number, index, 1, &body)) {
        if (body.n == 1) {
            rpcj_tx_pos pos = tx_pos(&h, index);
            out = rpcj_tx(&body.txs[0], &pos);
        }
        chain_body_free(&body);
    }
    node_read_end(&r);
    if (out) return out;
    pthread_mutex_lock(&n->pool_lock);
    const braid_signed_tx *p = braid_mempool_find(n->pool, &hash);
    out = p ? rpcj_tx(p, NULL) : json_null();
    pthread_mutex_unlock(&n->pool_lock);
    return out;
}

static json_t *tx_by_index(braid_node *n, const json_t *params, bool by_hash, braid_rpc_error *err) {
    rpcj_block_ref ref;
    uint64_t index;
    if (rpcj_params_check(params, 2, 2, err) || !ref_arg(params, &ref, by_hash, err) ||
        rpcj_parse_uint(rpcj_param(params, 1), 1, &index, err))
        return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    braid_header h;
    chain_body body;
    json_t *out = NULL;
    if (node_resolve(&r, &ref, &h) && index < SIZE_MAX && chain_read_body_range(r.t, h.number, index, 1, &body)) {
        if (body.n == 1) {
            rpcj_tx_pos pos = tx_pos(&h, index);
            out = rpcj_tx(&body.txs[0], &pos);
        }
        chain_body_free(&body);
    }
    node_read_end(&r);
    return out ? out : json_null();
}

static json_t *eth_getTransactionByBlockNumberAndIndex(void *ctx, const json_t *params, braid_rpc_error *err) {
    return tx_by_index(ctx, params, false, err);
}
static json_t *eth_getTransactionByBlockHashAndIndex(void *ctx, const json_t *params, braid_rpc_error *err) {
    return tx_by_index(ctx, params, true, err);
}

/* The receipts of block `h` as JSON: all of them (only < 0: an array), or the one at `only` (a lookup by
 * transaction hash reads and decodes that one alone). */
static json_t *receipts_json(node_read *r, const braid_header *h, int64_t only, size_t logs_before) {
    size_t first = only < 0 ? 0 : (size_t)only, count = only < 0 ? SIZE_MAX : 1;
    chain_body body;
    chain_receipts rs;
    if (!chain_read_body_range(r->t, h->number, first, count, &body)) return NULL;
    if (!chain_read_receipts_range(r->t, h->number, first, count, logs_before, &rs) || rs.n != body.n || (only >= 0 && rs.n != 1)) {
        chain_body_free(&body);
        chain_receipts_free(&rs);
        return NULL;
    }
    braid_receipt *br = braid_xcalloc(rs.n ? rs.n : 1, sizeof *br);
    for (size_t i = 0; i < rs.n; i++) {
        br[i] = (braid_receipt){.type = rs.r[i].type,
                                .success = rs.r[i].success,
                                .cumulative_gas = rs.r[i].cumulative_gas,
                                .gas_used = rs.r[i].gas_used,
                                .logs = rs.r[i].logs,
                                .n_logs = rs.r[i].n_logs,
                                .contract_address = rs.r[i].contract_address,
                                .created = rs.r[i].created};
    }
    braid_receipts_bloom(br, rs.n);
    braid_u256 blob_price = h->has_blob_gas ? braid_blob_base_fee(h->excess_blob_gas) : BRAID_U256_ZERO;
    json_t *out = only < 0 ? json_array() : NULL;
    uint64_t first_log = rs.logs_before;
    for (size_t i = 0; i < rs.n; i++) {
        rpcj_receipt_in in = {.receipt = &br[i],
                              .tx = &body.txs[i],
                              .block_hash = h->hash,
                              .block_number = h->number,
                              .block_timestamp = h->timestamp,
                              .index = first + i,
                              .first_log_index = first_log,
                              .has_base_fee = h->has_base_fee,
                              .base_fee = h->base_fee,
                              .blob_gas_price = blob_price};
        json_t *one = rpcj_receipt(&in);
        if (only < 0)
            json_array_append_new(out, one);
        else
            out = one;
        first_log += rs.r[i].n_logs;
    }
    free(br);
    chain_receipts_free(&rs);
    chain_body_free(&body);
    return out;
}

static json_t *eth_getTransactionReceipt(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_hash hash;
    if (rpcj_params_check(params, 1, 1, err) || rpcj_parse_hash(rpcj_param(params, 0), 0, &hash, err)) return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    uint64_t number;
    uint32_t index, logs_before;
    braid_header h;
    json_t *out = NULL;
    if (chain_tx_position(r.t, &hash, &number, &index, &logs_before) && chain_header(r.t, number, &h))
        out = receipts_json(&r, &h, index, logs_before);
    node_read_end(&r);
    return out ? out : json_null();
}

static json_t *eth_getBlockReceipts(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    rpcj_block_ref ref;
    if (rpcj_params_check(params, 1, 1, err) || rpcj_parse_block_ref(rpcj_param(params, 0), 0, &ref, err))
        return NULL;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    braid_header h;
    json_t *out = node_resolve(&r, &ref, &h) ? receipts_json(&r, &h, -1, 0) : NULL;
    node_read_end(&r);
    return out ? out : json_null();
}

/* ---- fees ---- */

typedef struct tip_weight {
    braid_u256 tip;
    uint64_t gas;
} tip_weight;

static int by_tip(const void *a, const void *b) {
    const tip_weight *x = a, *y = b;
    return braid_u256_lt(x->tip, y->tip) ? -1 : braid_u256_lt(y->tip, x->tip) ? 1 : 0;
}

/* Effective tips of a block at gas-weighted percentiles, as geth's eth_feeHistory rewards them. */
static json_t *block_rewards(node_read *r, const braid_header *h, const double *pct, size_t np) {
    json_t *out = json_array();
    chain_body body;
    chain_receipts rs;
    bool ok = chain_read_body(r->t, h->number, &body);
    if (ok && !chain_read_receipts(r->t, h->number, &rs)) {
        chain_body_free(&body);
        ok = false;
    }
    if (!ok || body.n == 0 || rs.n != body.n) {
        for (size_t i = 0; i < np; i++) json_array_append_new(out, rpcj_u64(0));
        if (ok) {
            chain_body_free(&body);
            chain_receipts_free(&rs);
        }
        return out;
    }
    tip_weight *tw = braid_xmalloc(body.n * sizeof *tw);
    for (size_t i = 0; i < body.n; i++) {
        const braid_tx *t = &body.txs[i].tx;
        braid_u256 cap = t->type >= BRAID_TX_DYNAMIC_FEE ? t->max_fee_per_gas : t->gas_price;
        braid_u256 tip = braid_u256_lt(cap, h->base_fee) ? BRAID_U256_ZERO : braid_u256_sub(cap, h->base_fee);
        if (t->type >= BRAID_TX_DYNAMIC_FEE && braid_u256_lt(t->max_priority_fee_per_gas, tip))
            tip = t->max_priority_fee_per_gas;
        tw[i] = (tip_weight){tip, rs.r[i].gas_used};
    }
    qsort(tw, body.n, sizeof *tw, by_tip);
    for (size_t k = 0; k < np; k++) {
        double threshold = h->gas_used * pct[k] / 100.0, sum = 0;
        size_t i = 0;
        for (sum = (double)tw[0].gas; sum < threshold && i + 1 < body.n; sum += (double)tw[++i].gas) {
        }
        json_array_append_new(out, rpcj_u256(tw[i].tip));
    }
    free(tw);
    chain_body_free(&body);
    chain_receipts_free(&rs);
    return out;
}

static json_t *eth_feeHistory(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    uint64_t count;
    rpcj_block_ref ref;
    if (rpcj_params_check(params, 2, 3, err)) return NULL;
    /* geth's blockCount is a math.HexOrDecimal64: a quantity or a plain number */
    const json_t *c = rpcj_param(params, 0);
    if (json_is_integer(c) && json_integer_value(c) >= 0)
        count = (uint64_t)json_integer_value(c);
    else if (rpcj_parse_u64(c, 0, &count, err))
        return NULL;
    if (rpcj_parse_block_number(rpcj_param(params, 1), 1, &ref, err)) return NULL;
    double pct[100];
    size_t np = 0;
    const json_t *p = rpcj_param(params, 2);
    if (!rpcj_absent(p)) {
        if (!json_is_array(p) || json_array_size(p) > 100)
            return rpcj_invalid_argument(err, 2, "reward percentiles must be an array of at most 100 numbers"), NULL;
        for (size_t i = 0; i < json_array_size(p); i++) {
            const json_t *v = json_array_get(p, i);
            if (!json_is_number(v)) return rpcj_invalid_argument(err, 2, "reward percentile %zu is not a number", i), NULL;
            pct[np] = json_number_value(v);
            if (pct[np] < 0 || pct[np] > 100 || (np && pct[np] < pct[np - 1]))
                return braid_rpc_fail(err, BRAID_RPC_INVALID_PARAMS, "invalid reward percentile: #%zu:%g", np, pct[np]);
            np++;
        }
    }
    if (count > 1024) count = 1024;
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    braid_header newest;
    if (!node_resolve(&r, &ref, &newest)) {
        node_read_end(&r);
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "header not found");
    }
    if (count > newest.number + 1) count = newest.number + 1;
    uint64_t oldest = newest.number + 1 - count;
    json_t *base = json_array(), *ratio = json_array(), *rewards = json_array(), *blob_base = json_array(),
           *blob_ratio = json_array();
    braid_header h = newest;
    for (uint64_t b = oldest; count && b <= newest.number; b++) {
        if (!chain_header(r.t, b, &h)) break;
        json_array_append_new(base, rpcj_u256(h.has_base_fee ? h.base_fee : BRAID_U256_ZERO));
        json_array_append_new(ratio, json_real(h.gas_limit ? (double)h.gas_used / (double)h.gas_limit : 0));
        json_array_append_new(blob_base, rpcj_u256(h.has_blob_gas ? braid_blob_base_fee(h.excess_blob_gas) : BRAID_U256_ZERO));
        json_array_append_new(blob_ratio, json_real(h.has_blob_gas ? (double)h.blob_gas_used / (6.0 * 131072) : 0));
        if (np) json_array_append_new(rewards, block_rewards(&r, &h, pct, np));
    }
    /* and the base fee of the block after the newest */
    json_array_append_new(base, rpcj_u256(braid_base_fee_next(&newest, braid_chain_fork_at(&n->cfg, newest.number, newest.timestamp))));
    json_array_append_new(blob_base, rpcj_u256(newest.has_blob_gas ? braid_blob_base_fee(braid_excess_blob_gas_next(&newest)) : BRAID_U256_ZERO));
    node_read_end(&r);
    json_t *out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "oldestBlock", rpcj_u64(count ? oldest : newest.number + 1),
                            "baseFeePerGas", base, "gasUsedRatio", ratio, "baseFeePerBlobGas", blob_base,
                            "blobGasUsedRatio", blob_ratio);
    if (np)
        json_object_set_new(out, "reward", rewards);
    else
        json_decref(rewards);
    return out;
}

void node_rpc_register_chain(braid_node *n) {
    node_register(n, "eth_chainId", eth_chainId);
    node_register(n, "eth_blockNumber", eth_blockNumber);
    node_register(n, "eth_syncing", eth_syncing);
    node_register(n, "eth_gasPrice", eth_gasPrice);
    node_register(n, "eth_maxPriorityFeePerGas", eth_maxPriorityFeePerGas);
    node_register(n, "eth_feeHistory", eth_feeHistory);
    node_register(n, "eth_getBlockByNumber", eth_getBlockByNumber);
    node_register(n, "eth_getBlockByHash", eth_getBlockByHash);
    node_register(n, "eth_getBlockTransactionCountByNumber", eth_getBlockTransactionCountByNumber);
    node_register(n, "eth_getBlockTransactionCountByHash", eth_getBlockTransactionCountByHash);
    node_register(n, "eth_getTransactionByHash", eth_getTransactionByHash);
    node_register(n, "eth_getTransactionByBlockNumberAndIndex", eth_getTransactionByBlockNumberAndIndex);
    node_register(n, "eth_getTransactionByBlockHashAndIndex", eth_getTransactionByBlockHashAndIndex);
    node_register(n, "eth_getTransactionReceipt", eth_getTransactionReceipt);
    node_register(n, "eth_getBlockReceipts", eth_getBlockReceipts);
}
