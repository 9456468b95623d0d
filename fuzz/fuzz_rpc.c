/* Oracle: braid_rpc_handle never crashes or leaks on any request body (ASan's leak check runs at the
 * end of every fuzzing run), and whatever it writes is one JSON value that jansson parses. The method
 * table puts the node's parameter parsers (src/node/rpc_json.h) behind the dispatcher, so bodies that
 * reach a method exercise them on attacker-shaped params; each method echoes what it parsed through
 * the node's own JSON encoders (rpcj_u64, rpcj_bytes, ...), which must also give valid output. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_rpc.h"
#include "node/rpc_json.h"

static json_t *m_call(void *ctx, const json_t *params, braid_rpc_error *err) {
    rpcj_call_args a;
    rpcj_state_override o;
    memset(&a, 0, sizeof a);
    memset(&o, 0, sizeof o);
    rpcj_block_ref ref;
    json_t *res = NULL;
    if (rpcj_parse_call_args(rpcj_param(params, 0), 0, &a, err)) goto out;
    if (!rpcj_absent(rpcj_param(params, 1)) && rpcj_parse_block_ref(rpcj_param(params, 1), 1, &ref, err)) goto out;
    if (rpcj_parse_state_override(rpcj_param(params, 2), 2, &o, err)) goto out;
    if (rpcj_params_check(params, 1, 3, err)) goto out;
    if (rpcj_call_args_check_input(&a, err)) goto out;
    res = json_pack("{s:o, s:o, s:I}", "data", rpcj_bytes(a.data, a.data_len), "value", rpcj_u256(a.value),
                    "accounts", (json_int_t)o.n_accounts);
out:
    rpcj_call_args_free(&a);
    rpcj_state_override_free(&o);
    return res;
}

static json_t *m_logs(void *ctx, const json_t *params, braid_rpc_error *err) {
    rpcj_log_filter f;
    memset(&f, 0, sizeof f);
    json_t *res = NULL;
    if (rpcj_parse_log_filter(rpcj_param(params, 0), 0, &f, err) == 0 && rpcj_params_check(params, 1, 1, err) == 0) {
        res = json_array();
        for (size_t i = 0; i < f.n_addresses; i++) json_array_append_new(res, rpcj_address(&f.addresses[i]));
        for (size_t t = 0; t < f.n_topics; t++)
            json_array_append_new(res, rpcj_hash_array(f.topics[t].hashes, f.topics[t].n));
    }
    rpcj_log_filter_free(&f);
    return res;
}

/* One scalar parser per argument position, so that any params array reaches all of them. */
static json_t *m_scalars(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_buf data = {0};
    uint64_t u64, ui;
    braid_u256 u256;
    braid_address addr;
    braid_hash hash, key;
    bool flag;
    json_t *res = NULL;
    if (rpcj_params_check(params, 0, 8, err)) goto out;
    if (rpcj_param(params, 0) && rpcj_parse_data(rpcj_param(params, 0), 0, &data, err)) goto out;
    if (rpcj_param(params, 1) && rpcj_parse_u64(rpcj_param(params, 1), 1, &u64, err)) goto out;
    if (rpcj_param(params, 2) && rpcj_parse_uint(rpcj_param(params, 2), 2, &ui, err)) goto out;
    if (rpcj_param(params, 3) && rpcj_parse_u256(rpcj_param(params, 3), 3, &u256, err)) goto out;
    if (rpcj_param(params, 4) && rpcj_parse_address(rpcj_param(params, 4), 4, &addr, err)) goto out;
    if (rpcj_param(params, 5) && rpcj_parse_hash(rpcj_param(params, 5), 5, &hash, err)) goto out;
    if (rpcj_param(params, 6) && rpcj_parse_storage_key(rpcj_param(params, 6), 6, &key, err)) goto out;
    if (rpcj_param(params, 7) && rpcj_parse_bool(rpcj_param(params, 7), 7, &flag, err)) goto out;
    res = rpcj_bytes(data.data, data.len);
out:
    braid_buf_free(&data);
    return res;
}

static json_t *m_block(void *ctx, const json_t *params, braid_rpc_error *err) {
    rpcj_block_ref ref;
    if (rpcj_parse_block_number(rpcj_param(params, 0), 0, &ref, err)) return NULL;
    if (rpcj_params_check(params, 1, 2, err)) return NULL;
    return rpcj_u64(ref.number);
}

static json_t *m_fail(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_rpc_fail(err, BRAID_RPC_EXECUTION_REVERTED, "execution reverted");
    if (params) err->data = json_deep_copy(params); /* error data must be serialised too */
    return NULL;
}

static braid_rpc *rpc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!rpc) {
        rpc = braid_rpc_create(64);
        /* short names, so that the fuzzer finds them quickly (seeds hold the long forms too) */
        braid_rpc_register(rpc, "eth_call", m_call, NULL);
        braid_rpc_register(rpc, "c", m_call, NULL);
        braid_rpc_register(rpc, "eth_getLogs", m_logs, NULL);
        braid_rpc_register(rpc, "l", m_logs, NULL);
        braid_rpc_register(rpc, "s", m_scalars, NULL);
        braid_rpc_register(rpc, "eth_getBlockByNumber", m_block, NULL);
        braid_rpc_register(rpc, "b", m_block, NULL);
        braid_rpc_register(rpc, "f", m_fail, NULL);
    }
    braid_buf out = {0};
    braid_rpc_handle(rpc, (const char *)data, size, &out);
    if (out.len > 0) {
        json_error_t jerr;
        json_t *v = json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!v) abort();
        json_decref(v);
    }
    braid_buf_free(&out);
    return 0;
}
