/* What the node's JSON-RPC methods share: a read snapshot of the database, block references resolved to
 * headers, the state after a block, and the execution of a call (eth_call, eth_estimateGas). */
#ifndef BRAID_NODE_RPC_COMMON_H
#define BRAID_NODE_RPC_COMMON_H

#include "chain_store.h"
#include "node.h"
#include "rpc_json.h"
#include "state_view.h"

/* One read transaction per request: every read of a method sees the same committed state. */
typedef struct node_read {
    braid_store_txn *t;
    uint64_t head;
} node_read;

bool node_read_begin(braid_node *n, node_read *r, braid_rpc_error *err);
void node_read_end(node_read *r);

/* The header a block reference names: tags resolve to the head (no finality here: safe and finalized
 * are the head too, and pending is the head's state plus nothing: the pool is not executed ahead).
 * Returns false when no such block exists. */
bool node_resolve(node_read *r, const rpcj_block_ref *ref, braid_header *out);
/* The state after block `h`: the flat tables for the head, the tries otherwise. */
void node_view(braid_node *n, node_read *r, const braid_header *h, state_view *v);

/* A call's outcome. */
typedef struct node_call_result {
    bool invalid;            /* rejected before execution (message in err) */
    bool timed_out;          /* stopped at the deadline: status and output mean nothing */
    braid_status status;
    uint64_t gas_used;
    braid_buf output;
} node_call_result;

/* Runs `args` over the state after `h` (plus `overrides`), in the context of block `h`, with `gas`,
 * stopping at `deadline_ns` (node_call_deadline; 0: none). Returns 0 with *out filled (free
 * out->output), or -1 with *err (bad overrides, invalid call). */
int node_call(braid_node *n, node_read *r, const braid_header *h, const rpcj_call_args *args,
              const rpcj_state_override *overrides, uint64_t gas, uint64_t deadline_ns, node_call_result *out,
              braid_rpc_error *err);

/* geth's error for a failed call: "execution reverted" (code 3, with the revert data and the decoded
 * Error(string) reason), or the VM error ("out of gas", "invalid opcode: ..." ...) with -32000. */
json_t *node_call_error(const node_call_result *res, braid_rpc_error *err);

/* eth_estimateGas itself, for eth_sendTransaction's defaults. */
json_t *node_rpc_estimate_gas(void *ctx, const json_t *params, braid_rpc_error *err);

/* Registers the methods of each file. */
void node_rpc_register_state(braid_node *n);
void node_rpc_register_chain(braid_node *n);
void node_rpc_register_logs(braid_node *n);
void node_rpc_register_debug(braid_node *n);

#endif
