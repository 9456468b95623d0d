/* Reads, block references and calls shared by the JSON-RPC methods. */
#include "rpc_common.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_tx.h"

bool node_read_begin(braid_node *n, node_read *r, braid_rpc_error *err) {
    r->t = braid_store_begin_read(n->store);
    if (!r->t || !chain_head(r->t, &r->head)) {
        braid_store_abort(r->t);
        r->t = NULL;
        braid_rpc_fail(err, BRAID_RPC_INTERNAL_ERROR, "database unavailable");
        return false;
    }
    return true;
}

void node_read_end(node_read *r) {
    braid_store_abort(r->t);
    r->t = NULL;
}

bool node_resolve(node_read *r, const rpcj_block_ref *ref, braid_header *out) {
    uint64_t number;
    switch (ref->kind) {
    case RPCJ_BLOCK_EARLIEST: number = 0; break;
    case RPCJ_BLOCK_NUMBER: number = ref->number; break;
    case RPCJ_BLOCK_HASH:
        if (!chain_number_of(r->t, &ref->hash, &number)) return false;
        break;
    default: number = r->head; break;
    }
    return number <= r->head && chain_header(r->t, number, out);
}

void node_view(braid_node *n, node_read *r, const braid_header *h, state_view *v) {
    state_view_init(v, r->t, n->codes, h->number == r->head, &h->state_root);
}

/* ---- calls ---- */

/* One vm per thread for calls, destroyed when the thread ends (the HTTP server's threads live as long
 * as the node). */
static pthread_key_t vm_key;
static pthread_once_t vm_key_once = PTHREAD_ONCE_INIT;
static void destroy_vm(void *vm) { braid_vm_destroy(vm); }
static void make_vm_key(void) { pthread_key_create(&vm_key, destroy_vm); }

static braid_vm *thread_vm(void) {
    pthread_once(&vm_key_once, make_vm_key);
    braid_vm *vm = pthread_getspecific(vm_key);
    if (!vm) {
        vm = braid_vm_create();
        pthread_setspecific(vm_key, vm);
    }
    return vm;
}

static int apply_overrides(braid_state *s, const rpcj_state_override *o, braid_rpc_error *err) {
    for (size_t i = 0; o && i < o->n_accounts; i++) {
        const rpcj_account_override *a = &o->accounts[i];
        if (a->has_move_precompile_to) {
            braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "movePrecompileToAddress is not supported");
            return -1;
        }
        braid_state_account acc = {.code = braid_code_empty()};
        braid_state_peek_account(s, &a->address, &acc);
        if (a->has_balance) acc.balance = a->balance;
        if (a->has_nonce) acc.nonce = a->nonce;
        if (a->has_code) acc.code = braid_code_cache_get(braid_state_codes(s), a->code, a->code_len);
        braid_state_put_account(s, &a->address, acc.nonce, acc.balance, acc.code);
        if (a->has_state) braid_state_clear_storage(s, &a->address);
        const rpcj_storage_slot *slots = a->has_state ? a->state : a->state_diff;
        size_t n_slots = a->has_state ? a->n_state : a->n_state_diff;
        for (size_t k = 0; k < n_slots; k++)
            braid_state_put_storage(s, &a->address, braid_u256_from_be(slots[k].key.b),
                                    braid_u256_from_be(slots[k].value.b));
    }
    return 0;
}

int node_call(braid_node *n, node_read *r, const braid_header *h, const rpcj_call_args *args,
              const rpcj_state_override *overrides, uint64_t gas, uint64_t deadline_ns, node_call_result *out,
              braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    braid_buf_init(&out->output);
    state_view view;
    node_view(n, r, h, &view);
    braid_state *s = braid_state_create(n->codes, &view.source);
    if (apply_overrides(s, overrides, err)) {
        braid_state_destroy(s);
        return -1;
    }
    braid_block_hashes hashes = {.ctx = r->t, .get = chain_block_hash};
    braid_block_env env = braid_block_env_of(h, &n->cfg, &hashes);
    braid_fork fork = braid_chain_fork_at(&n->cfg, h->number, h->timestamp);
    braid_tx tx = {0};
    tx.sender = args->from; /* zero when not given, as geth */
    tx.nonce = braid_state_get_nonce(s, &tx.sender); /* calls skip the nonce check */
    tx.gas_limit = gas;
    tx.is_create = !args->has_to;
    tx.to = args->to;
    tx.value = args->value;
    tx.data = args->data;
    tx.data_len = args->data_len;
    tx.access_list = args->access_list;
    tx.access_list_len = args->access_list_len;
    bool priced = args->has_gas_price || args->has_max_fee_per_gas || args->has_max_priority_fee_per_gas;
    if (args->has_max_fee_per_gas || args->has_max_priority_fee_per_gas) {
        tx.type = BRAID_TX_DYNAMIC_FEE;
        tx.max_fee_per_gas = args->has_max_fee_per_gas ? args->max_fee_per_gas : env.base_fee;
        tx.max_priority_fee_per_gas = args->max_priority_fee_per_gas;
        if (!args->has_max_fee_per_gas)
            tx.max_fee_per_gas = braid_u256_add(env.base_fee, args->max_priority_fee_per_gas);
    } else {
        tx.type = args->has_access_list ? BRAID_TX_ACCESS_LIST : BRAID_TX_LEGACY;
        tx.gas_price = args->gas_price;
    }
    /* geth: a call that names no price runs without a base fee (so that it costs nothing). */
    if (!priced) env.base_fee = BRAID_U256_ZERO;
    braid_vm *call_vm = thread_vm();
    uint64_t available = gas > h->gas_limit ? gas : h->gas_limit;
    braid_tx_outcome o;
    braid_vm_set_deadline(call_vm, deadline_ns);
    braid_tx_error e = braid_tx_apply(call_vm, s, fork, &env, &tx, available, &o);
    if (e == BRAID_TX_ERR_SENDER_NOT_EOA) {
        /* geth skips EIP-3607 for calls: let a contract "send" by lending its address a codeless twin */
        braid_state_account acc;
        if (braid_state_peek_account(s, &tx.sender, &acc)) {
            braid_state_put_account(s, &tx.sender, acc.nonce, acc.balance, braid_code_empty());
            e = braid_tx_apply(call_vm, s, fork, &env, &tx, available, &o);
        }
    }
    out->timed_out = braid_vm_timed_out(call_vm);
    braid_vm_set_deadline(call_vm, 0); /* each call sets its own */
    if (e != BRAID_TX_VALID) {
        out->invalid = true;
        const char *why = braid_tx_error_name(e);
        if (e == BRAID_TX_ERR_INSUFFICIENT_FUNDS)
            why = priced ? "insufficient funds for gas * price + value" : "insufficient funds for transfer";
        else if (e == BRAID_TX_ERR_INTRINSIC_GAS)
            why = "intrinsic gas too low";
        else if (e == BRAID_TX_ERR_FEE_CAP_TOO_LOW)
            why = "max fee per gas less than block base fee";
        braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", why);
        braid_state_destroy(s);
        return 0; /* estimateGas reads `invalid`; eth_call reports err */
    }
    out->status = o.status;
    out->gas_used = o.gas_used;
    braid_buf_append(&out->output, o.output, o.output_len);
    braid_state_destroy(s);
    return 0;
}

static const char *vm_error(braid_status s) {
    switch (s) {
    case BRAID_OUT_OF_GAS: return "out of gas";
    case BRAID_INVALID_INSTRUCTION: return "invalid opcode: INVALID";
    case BRAID_UNDEFINED_INSTRUCTION: return "invalid opcode";
    case BRAID_STACK_OVERFLOW: return "stack limit reached 1024 (1023)";
    case BRAID_STACK_UNDERFLOW: return "stack underflow";
    case BRAID_BAD_JUMP_DESTINATION: return "invalid jump destination";
    case BRAID_INVALID_MEMORY_ACCESS: return "return data out of bounds";
    case BRAID_STATIC_MODE_VIOLATION: return "write protection";
    case BRAID_CONTRACT_VALIDATION_FAILURE: return "max code size exceeded";
    case BRAID_CREATE_COLLISION: return "contract address collision";
    case BRAID_INSUFFICIENT_BALANCE: return "insufficient balance for transfer";
    case BRAID_CALL_DEPTH_EXCEEDED: return "max call depth exceeded";
    case BRAID_NONCE_OVERFLOW: return "nonce uint64 overflow";
    default: return braid_status_name(s);
    }
}

/* The reason of a revert with Error(string): selector 08c379a0, offset, length, bytes. */
static bool revert_reason(const braid_buf *out, char *reason, size_t cap) {
    static const uint8_t sel[4] = {0x08, 0xc3, 0x79, 0xa0};
    if (out->len < 4 + 64 || memcmp(out->data, sel, 4) != 0) return false;
    const uint8_t *p = out->data + 4;
    braid_u256 off = braid_u256_from_be(p);
    if (!braid_u256_fits_u64(off) || off.w[0] > out->len - 4 - 32) return false;
    braid_u256 len = braid_u256_from_be(p + off.w[0]);
    if (!braid_u256_fits_u64(len) || len.w[0] > out->len - 4 - 32 - off.w[0]) return false;
    size_t n = len.w[0] < cap - 1 ? (size_t)len.w[0] : cap - 1;
    memcpy(reason, p + off.w[0] + 32, n);
    reason[n] = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)reason[i] < 0x20) reason[i] = '?';
    return true;
}

json_t *node_call_error(const node_call_result *res, braid_rpc_error *err) {
    if (res->status == BRAID_REVERT) {
        char reason[256];
        if (revert_reason(&res->output, reason, sizeof reason))
            braid_rpc_fail(err, BRAID_RPC_EXECUTION_REVERTED, "execution reverted: %s", reason);
        else
            braid_rpc_fail(err, BRAID_RPC_EXECUTION_REVERTED, "execution reverted");
        err->data = rpcj_bytes(res->output.data, res->output.len);
        return NULL;
    }
    return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "%s", vm_error(res->status));
}
