/* debug_traceTransaction with geth's default struct logger: the transaction's block is replayed on its
 * parent's state up to the transaction, which then runs traced. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_struct_logger.h"
#include "braid/braid_tx.h"
#include "rpc_common.h"

#define MAX_TRACE_BYTES (64u << 20) /* JSON text of one trace (the JSON tree takes several times that) */

static json_t *debug_traceTransaction(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    braid_hash hash;
    if (rpcj_params_check(params, 1, 2, err) || rpcj_parse_hash(rpcj_param(params, 0), 0, &hash, err)) return NULL;
    braid_struct_logger_options lo;
    char msg[256];
    const json_t *cfg = rpcj_param(params, 1);
    if (braid_struct_logger_options_parse(rpcj_absent(cfg) ? NULL : cfg, &lo, msg, sizeof msg))
        return rpcj_invalid_argument(err, 1, "%s", msg), NULL;
    if (json_is_object(cfg) && json_is_string(json_object_get(cfg, "tracer")))
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "tracer %s is not supported (only the default struct logger)",
                              json_string_value(json_object_get(cfg, "tracer")));
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    uint64_t number;
    uint32_t index;
    braid_header h, parent;
    chain_body body;
    if (!chain_tx_position(r.t, &hash, &number, &index, NULL) || number == 0 || !chain_header(r.t, number, &h) ||
        !chain_header(r.t, number - 1, &parent) || !chain_read_body(r.t, number, &body)) {
        node_read_end(&r);
        char hex[67];
        braid_hex_encode(hash.b, 32, hex);
        return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "transaction %s not found", hex);
    }
    state_view view;
    state_view_init(&view, r.t, n->codes, false, &parent.state_root);
    braid_state *s = braid_state_create(n->codes, &view.source);
    braid_vm *vm = braid_vm_create();
    braid_block_hashes hashes = {.ctx = r.t, .get = chain_block_hash};
    braid_block_env env = braid_block_env_of(&h, &n->cfg, &hashes);
    braid_fork fork = braid_chain_fork_at(&n->cfg, h.number, h.timestamp);
    braid_block_prologue(vm, s, &n->cfg, &h, &env);
    uint64_t used = 0;
    json_t *out = NULL;
    braid_tx_outcome o;
    for (uint32_t i = 0; i < index && i < body.n; i++) {
        if (braid_tx_apply(vm, s, fork, &env, &body.txs[i].tx, h.gas_limit - used, &o) != BRAID_TX_VALID) {
            braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "replaying transaction %u of block %" PRIu64 " failed", i, number);
            goto done;
        }
        used += o.gas_used;
    }
    braid_struct_logger *l = braid_struct_logger_create(&lo, MAX_TRACE_BYTES);
    braid_vm_set_tracer(vm, braid_struct_logger_tracer(l));
    braid_vm_set_deadline(vm, node_call_deadline(n)); /* the traced one only: the others ran in a block */
    braid_tx_error e = braid_tx_apply(vm, s, fork, &env, &body.txs[index].tx, h.gas_limit - used, &o);
    braid_vm_set_tracer(vm, NULL);
    if (braid_vm_timed_out(vm))
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "execution timeout");
    else if (e != BRAID_TX_VALID)
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "tracing failed: %s", braid_tx_error_name(e));
    else if (!(out = braid_struct_logger_result(l, o.gas_used, o.status, o.output, o.output_len, msg, sizeof msg)))
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", msg);
    braid_struct_logger_destroy(l);
done:
    braid_vm_destroy(vm);
    braid_state_destroy(s);
    chain_body_free(&body);
    node_read_end(&r);
    return out;
}

void node_rpc_register_debug(braid_node *n) {
    node_register(n, "debug_traceTransaction", debug_traceTransaction);
}
