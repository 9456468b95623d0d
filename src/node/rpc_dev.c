/* Submitting transactions, the node's identity, and the development methods Hardhat and anvil scripts
 * call (evm_mine, evm_setAutomine, evm_snapshot, evm_revert, anvil_setBalance / hardhat_setBalance,
 * eth_accounts and eth_sendTransaction for the dev accounts). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_tx.h"
#include "rpc_common.h"

#define CLIENT_VERSION "braid/v0.1.0/linux-amd64/c11"
#define MAX_RAW_TX 131072

static json_t *web3_clientVersion(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return json_string(CLIENT_VERSION);
}

static json_t *net_version(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, n->cfg.chain_id.w[0]);
    return json_string(s);
}

static json_t *net_listening(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return json_true();
}

static json_t *eth_accounts(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    json_t *out = json_array();
    for (size_t i = 0; i < n->n_dev; i++) json_array_append_new(out, rpcj_address(&n->dev_addr[i]));
    return out;
}

/* Into the pool, with the pool lock held and the sender known: on success the pool owns the transaction. */
static int pool_add_locked(braid_node *n, braid_signed_tx *stx, char *msg, size_t msg_len) {
    braid_store_txn *t = braid_store_begin_read(n->store);
    braid_mempool_head ph;
    node_pool_head(n, &n->head, t, &ph);
    int rc = braid_mempool_add(n->pool, stx, &ph, msg, msg_len);
    braid_store_abort(t);
    if (rc == 0) n->submitted++;
    if (rc == 0 && n->automine) pthread_cond_broadcast(&n->pool_cond);
    return rc;
}

/* Into the pool: the signature checked under the next block's rules, then the pool's own checks. */
static json_t *submit(braid_node *n, braid_signed_tx *stx, braid_rpc_error *err) {
    char msg[256];
    braid_header head = node_head(n);
    braid_fork fork = braid_chain_fork_at(&n->cfg, head.number + 1, head.timestamp + 1);
    if (braid_signed_tx_recover(stx, fork, &n->cfg.chain_id, msg, sizeof msg) != 0) {
        braid_signed_tx_free(stx);
        if (strstr(msg, "chain id")) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "invalid chain id");
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "invalid sender: %s", msg);
    }
    braid_hash hash = stx->hash;
    pthread_mutex_lock(&n->pool_lock);
    int rc = pool_add_locked(n, stx, msg, sizeof msg);
    pthread_mutex_unlock(&n->pool_lock);
    if (rc != 0) {
        braid_signed_tx_free(stx);
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
    }
    return rpcj_hash(&hash);
}

static json_t *eth_sendRawTransaction(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 1, 1, err)) return NULL;
    braid_buf raw;
    braid_buf_init(&raw);
    const json_t *v = rpcj_param(params, 0);
    if (json_is_string(v) && json_string_length(v) > 2 * MAX_RAW_TX + 2) {
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "oversized data");
    }
    if (rpcj_parse_data(v, 0, &raw, err)) {
        braid_buf_free(&raw);
        return NULL;
    }
    braid_signed_tx stx;
    char msg[256];
    int rc = braid_signed_tx_decode(raw.data, raw.len, &stx, msg, sizeof msg);
    braid_buf_free(&raw);
    if (rc != 0) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "rlp: %s", msg);
    return submit(n, &stx, err);
}

/* eth_sendTransaction from a dev account: the node fills the defaults and signs. */
static json_t *eth_sendTransaction(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    rpcj_call_args a;
    if (rpcj_params_check(params, 1, 1, err) || rpcj_parse_call_args(rpcj_param(params, 0), 0, &a, err)) return NULL;
    json_t *out = NULL;
    if (rpcj_call_args_check_input(&a, err)) goto done;
    size_t k = 0;
    while (k < n->n_dev && !(a.has_from && braid_address_eq(&a.from, &n->dev_addr[k]))) k++;
    if (k == n->n_dev) {
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "unknown account");
        goto done;
    }
    braid_signed_tx stx = {0};
    braid_tx *t = &stx.tx;
    t->sender = a.from;
    t->is_create = !a.has_to;
    t->to = a.to;
    t->value = a.value;
    t->data = a.data;
    t->data_len = a.data_len;
    t->access_list = a.access_list;
    t->access_list_len = a.access_list_len;
    stx.chain_id = n->cfg.chain_id;
    stx.has_chain_id = true;
    braid_header head = node_head(n);
    braid_u256 base = braid_base_fee_next(&head, braid_chain_fork_at(&n->cfg, head.number, head.timestamp));
    if (a.has_gas_price) {
        t->type = a.has_access_list ? BRAID_TX_ACCESS_LIST : BRAID_TX_LEGACY;
        t->gas_price = a.gas_price;
    } else {
        t->type = BRAID_TX_DYNAMIC_FEE;
        t->max_priority_fee_per_gas = a.has_max_priority_fee_per_gas ? a.max_priority_fee_per_gas : braid_u256_from_u64(1000000000);
        t->max_fee_per_gas = a.has_max_fee_per_gas ? a.max_fee_per_gas
                                                    : braid_u256_add(braid_u256_add(base, base), t->max_priority_fee_per_gas);
    }
    if (a.has_gas) {
        t->gas_limit = a.gas;
    } else {
        json_t *est = node_rpc_estimate_gas(n, params, err);
        if (!est) goto done;
        rpcj_parse_u64(est, 0, &t->gas_limit, err);
        json_decref(est);
    }
    /* The next nonce is taken and the transaction pooled under one hold of the pool lock: two requests
     * from one account at once (a batch is answered on several threads) must not get the same nonce. */
    char msg[256];
    pthread_mutex_lock(&n->pool_lock);
    if (a.has_nonce) {
        t->nonce = a.nonce;
    } else {
        braid_store_txn *rt = braid_store_begin_read(n->store);
        braid_store_account acc;
        uint64_t nonce = rt && braid_store_get_account(rt, &a.from, &acc) ? acc.nonce : 0;
        braid_store_abort(rt);
        t->nonce = braid_mempool_next_nonce(n->pool, &a.from, nonce);
    }
    int rc = braid_signed_tx_sign(&stx, n->dev_key[k], msg, sizeof msg);
    /* The signed copy borrows from `a`: the pool gets a decoded copy that owns its memory. */
    braid_signed_tx own;
    if (rc == 0) rc = braid_signed_tx_decode(stx.encoded, stx.encoded_len, &own, msg, sizeof msg);
    braid_signed_tx_free(&stx);
    if (rc == 0) {
        own.tx.sender = a.from;
        braid_hash hash = own.hash;
        rc = pool_add_locked(n, &own, msg, sizeof msg);
        if (rc == 0) out = rpcj_hash(&hash);
        else braid_signed_tx_free(&own);
    }
    pthread_mutex_unlock(&n->pool_lock);
    if (rc != 0) braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
done:
    rpcj_call_args_free(&a);
    return out;
}

/* ---- dev methods ---- */

static json_t *evm_mine(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    if (rpcj_params_check(params, 0, 1, err)) return NULL;
    uint64_t ts = 0;
    const json_t *p = rpcj_param(params, 0);
    if (json_is_integer(p) && json_integer_value(p) > 0) ts = (uint64_t)json_integer_value(p);
    else if (json_is_string(p) && rpcj_parse_u64(p, 0, &ts, err)) return NULL;
    char msg[256];
    size_t mined;
    if (node_mine(n, 0, ts, true, &mined, msg, sizeof msg) != 0) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
    return json_string("0x0");
}

static json_t *evm_setAutomine(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    bool on;
    if (rpcj_params_check(params, 1, 1, err) || rpcj_parse_bool(rpcj_param(params, 0), 0, &on, err)) return NULL;
    pthread_mutex_lock(&n->pool_lock);
    n->automine = on;
    n->submitted++;
    pthread_cond_broadcast(&n->pool_cond);
    pthread_mutex_unlock(&n->pool_lock);
    return json_true();
}

static json_t *evm_snapshot(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return rpcj_u64(node_snapshot_take(ctx));
}

static json_t *evm_revert(void *ctx, const json_t *params, braid_rpc_error *err) {
    uint64_t id;
    if (rpcj_params_check(params, 1, 1, err)) return NULL;
    const json_t *p = rpcj_param(params, 0);
    if (json_is_integer(p) && json_integer_value(p) >= 0)
        id = (uint64_t)json_integer_value(p);
    else if (rpcj_parse_u64(p, 0, &id, err))
        return NULL;
    char msg[256] = "";
    bool ok = node_snapshot_revert(ctx, id, msg, sizeof msg);
    if (!ok && msg[0]) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
    return json_boolean(ok);
}

static json_t *set_balance(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_address addr;
    braid_u256 bal;
    if (rpcj_params_check(params, 2, 2, err) || rpcj_parse_address(rpcj_param(params, 0), 0, &addr, err) ||
        rpcj_parse_u256(rpcj_param(params, 1), 1, &bal, err))
        return NULL;
    char msg[256];
    if (node_set_balance(ctx, &addr, &bal, msg, sizeof msg) != 0) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
    return json_null();
}

void node_rpc_register_dev(braid_node *n) {
    braid_rpc_register(n->rpc, "web3_clientVersion", web3_clientVersion, n);
    node_register(n, "net_version", net_version);
    node_register(n, "net_listening", net_listening);
    node_register(n, "eth_sendRawTransaction", eth_sendRawTransaction);
    node_register(n, "eth_accounts", eth_accounts);
    node_register(n, "evm_mine", evm_mine); /* the way to seal blocks under --no-mining */
    if (!n->n_dev) return;
    node_register(n, "eth_sendTransaction", eth_sendTransaction);
    node_register(n, "evm_setAutomine", evm_setAutomine);
    node_register(n, "evm_snapshot", evm_snapshot);
    node_register(n, "evm_revert", evm_revert);
    node_register(n, "anvil_setBalance", set_balance);
    node_register(n, "hardhat_setBalance", set_balance);
}

void node_rpc_register_eth(braid_node *n) {
    node_rpc_register_state(n);
    node_rpc_register_chain(n);
    node_rpc_register_logs(n);
    node_rpc_register_debug(n);
}
