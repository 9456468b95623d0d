/* State methods: balances, nonces, code, storage, eth_call and eth_estimateGas, at any block. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_tx.h"
#include "rpc_common.h"

/* (address, block) arguments, the block optional ("latest"): the account at that block (a zero record
 * when absent), with the read left open in *r for what else the method reads. */
static bool account_at(braid_node *n, const json_t *params, braid_address *addr, node_read *r,
                       braid_store_account *acc, braid_rpc_error *err) {
    if (rpcj_params_check(params, 1, 2, err) || rpcj_parse_address(rpcj_param(params, 0), 0, addr, err)) return false;
    rpcj_block_ref ref = {.kind = RPCJ_BLOCK_LATEST};
    const json_t *b = rpcj_param(params, 1);
    if (!rpcj_absent(b) && rpcj_parse_block_ref(b, 1, &ref, err)) return false;
    if (!node_read_begin(n, r, err)) return false;
    braid_header h;
    if (!node_resolve(r, &ref, &h)) {
        node_read_end(r);
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "header not found");
        return false;
    }
    state_view v;
    node_view(n, r, &h, &v);
    if (!state_view_account(&v, addr, acc))
        *acc = (braid_store_account){.code_hash = BRAID_EMPTY_CODE_HASH, .storage_root = BRAID_EMPTY_TRIE_ROOT};
    return true;
}

static json_t *eth_getBalance(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_address addr;
    node_read r;
    braid_store_account acc;
    if (!account_at(ctx, params, &addr, &r, &acc, err)) return NULL;
    node_read_end(&r);
    return rpcj_u256(acc.balance);
}

static json_t *eth_getTransactionCount(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_address addr;
    node_read r;
    braid_store_account acc;
    if (!account_at(n, params, &addr, &r, &acc, err)) return NULL;
    node_read_end(&r);
    uint64_t nonce = acc.nonce;
    const json_t *tag = rpcj_param(params, 1);
    if (json_is_string(tag) && strcmp(json_string_value(tag), "pending") == 0) {
        pthread_mutex_lock(&n->pool_lock);
        nonce = braid_mempool_next_nonce(n->pool, &addr, nonce);
        pthread_mutex_unlock(&n->pool_lock);
    }
    return rpcj_u64(nonce);
}

static json_t *eth_getCode(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_address addr;
    node_read r;
    braid_store_account acc;
    if (!account_at(n, params, &addr, &r, &acc, err)) return NULL;
    const braid_code *code = braid_store_code(r.t, n->codes, &acc.code_hash);
    json_t *out = code ? rpcj_bytes(code->bytes, code->len) : rpcj_bytes(NULL, 0);
    node_read_end(&r);
    return out;
}

static json_t *eth_getStorageAt(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_address addr;
    if (rpcj_params_check(params, 2, 3, err) || rpcj_parse_address(rpcj_param(params, 0), 0, &addr, err))
        return NULL;
    braid_hash slot;
    if (rpcj_parse_storage_key(rpcj_param(params, 1), 1, &slot, err)) return NULL;
    braid_u256 key = braid_u256_from_be(slot.b);
    rpcj_block_ref ref = {.kind = RPCJ_BLOCK_LATEST};
    const json_t *b = rpcj_param(params, 2);
    if (!rpcj_absent(b) && rpcj_parse_block_ref(b, 2, &ref, err)) return NULL;
    node_read r;
    braid_header h;
    if (!node_read_begin(n, &r, err)) return NULL;
    if (!node_resolve(&r, &ref, &h)) {
        node_read_end(&r);
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "header not found");
    }
    state_view v;
    node_view(n, &r, &h, &v);
    braid_u256 val = state_view_slot(&v, &addr, &key);
    node_read_end(&r);
    braid_hash out;
    braid_u256_to_be(val, out.b);
    return rpcj_hash(&out);
}

/* eth_call / eth_estimateGas arguments: call object, block (optional), state overrides (optional). */
typedef struct call_req {
    rpcj_call_args args;
    rpcj_state_override over;
    node_read r;
    braid_header h;
} call_req;

static bool call_begin(braid_node *n, const json_t *params, call_req *c, braid_rpc_error *err) {
    memset(c, 0, sizeof *c);
    if (rpcj_params_check(params, 1, 3, err)) return false;
    if (rpcj_parse_call_args(rpcj_param(params, 0), 0, &c->args, err)) return false;
    rpcj_block_ref ref = {.kind = RPCJ_BLOCK_LATEST};
    const json_t *b = rpcj_param(params, 1);
    if (!rpcj_absent(b) && rpcj_parse_block_ref(b, 1, &ref, err)) goto fail;
    const json_t *o = rpcj_param(params, 2);
    if (!rpcj_absent(o) && rpcj_parse_state_override(o, 2, &c->over, err)) goto fail;
    if (!node_read_begin(n, &c->r, err)) goto fail;
    if (!node_resolve(&c->r, &ref, &c->h)) {
        node_read_end(&c->r);
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "header not found");
        goto fail;
    }
    return true;
fail:
    rpcj_call_args_free(&c->args);
    rpcj_state_override_free(&c->over);
    return false;
}

static void call_end(call_req *c) {
    node_read_end(&c->r);
    rpcj_call_args_free(&c->args);
    rpcj_state_override_free(&c->over);
}

static json_t *eth_call(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    call_req c;
    if (!call_begin(n, params, &c, err)) return NULL;
    uint64_t cap = node_gas_cap(n);
    uint64_t gas = c.args.has_gas && c.args.gas < cap ? c.args.gas : cap;
    node_call_result res;
    json_t *out = NULL;
    int rc = node_call(n, &c.r, &c.h, &c.args, &c.over, gas, node_call_deadline(n), &res, err);
    if (rc == 0 && !res.invalid) {
        if (res.timed_out)
            node_call_timeout_error(n, err);
        else if (res.status == BRAID_SUCCESS)
            out = rpcj_bytes(res.output.data, res.output.len);
        else
            node_call_error(&res, err);
    }
    braid_buf_free(&res.output);
    call_end(&c);
    return out;
}

/* Whether the call succeeds with `gas`; the result kept in *res (the caller frees its output and looks
 * at res->timed_out: a run the deadline stopped neither succeeds nor fails). */
static bool try_gas(braid_node *n, call_req *c, uint64_t gas, uint64_t deadline_ns, node_call_result *res,
                    braid_rpc_error *err) {
    braid_buf_free(&res->output);
    if (node_call(n, &c->r, &c->h, &c->args, &c->over, gas, deadline_ns, res, err) != 0) return false;
    return !res->invalid && !res->timed_out && res->status == BRAID_SUCCESS;
}

json_t *node_rpc_estimate_gas(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    call_req c;
    if (!call_begin(n, params, &c, err)) return NULL;
    uint64_t hi = c.h.gas_limit;
    if (c.args.has_gas && c.args.gas >= 21000 && c.args.gas < hi) hi = c.args.gas;
    if (hi > node_gas_cap(n)) hi = node_gas_cap(n);
    node_call_result res = {0};
    braid_buf_init(&res.output);
    json_t *out = NULL;
    braid_rpc_error scratch = {0};
    /* One deadline for the whole search: every try is bounded by what is left of it. */
    uint64_t deadline = node_call_deadline(n);
    if (node_call(n, &c.r, &c.h, &c.args, &c.over, hi, deadline, &res, err) != 0 || res.invalid) goto done;
    if (res.timed_out) {
        node_call_timeout_error(n, err);
        goto done;
    }
    if (res.status == BRAID_REVERT) {
        node_call_error(&res, err);
        goto done;
    }
    if (res.status != BRAID_SUCCESS) {
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "gas required exceeds allowance (%" PRIu64 ")", hi);
        goto done;
    }
    /* Binary search for the least gas that succeeds, starting from what the run at `hi` used: most calls
     * need it plus the 1/64 that calls withhold, so try that first. */
    uint64_t lo = res.gas_used ? res.gas_used - 1 : 20999;
    uint64_t guess = res.gas_used + res.gas_used / 63 + 2300;
    if (guess < hi && try_gas(n, &c, guess, deadline, &res, &scratch)) hi = guess;
    while (lo + 1 < hi && !res.timed_out) {
        uint64_t mid = lo + (hi - lo) / 2;
        memset(&scratch, 0, sizeof scratch);
        if (try_gas(n, &c, mid, deadline, &res, &scratch))
            hi = mid;
        else
            lo = mid;
        json_decref(scratch.data);
        scratch.data = NULL;
    }
    if (res.timed_out)
        node_call_timeout_error(n, err);
    else
        out = rpcj_u64(hi);
done:
    json_decref(scratch.data);
    braid_buf_free(&res.output);
    call_end(&c);
    return out;
}

void node_rpc_register_state(braid_node *n) {
    node_register(n, "eth_getBalance", eth_getBalance);
    node_register(n, "eth_getTransactionCount", eth_getTransactionCount);
    node_register(n, "eth_getCode", eth_getCode);
    node_register(n, "eth_getStorageAt", eth_getStorageAt);
    node_register(n, "eth_call", eth_call);
    node_register(n, "eth_estimateGas", node_rpc_estimate_gas);
}
