/* Frames that start or end other frames: the CALL family, CREATE/CREATE2, SELFDESTRUCT, precompiles,
 * and the message entry points braid_vm_call / braid_vm_create_contract. */
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_precompile.h"
#include "braid/braid_rlp.h"
#include "opcodes.h"
#include "vm.h"

#define COLD_ACCOUNT_SURCHARGE (2600 - 100)
#define CALL_VALUE_COST 9000
#define NEW_ACCOUNT_COST 25000
#define CALL_STIPEND 2300
#define CODE_DEPOSIT_PER_BYTE 200

static braid_result result_of(braid_status status, int64_t gas_left) {
    return (braid_result){.status = status, .gas_left = gas_left};
}

/* The precompile number at `addr` in this fork, or 0. */
static unsigned precompile_at(const braid_vm *vm, const braid_address *addr) {
    for (int i = 0; i < 19; i++)
        if (addr->b[i]) return 0;
    unsigned n = addr->b[19];
    return n >= 1 && n <= braid_precompile_count(vm->fork) ? n : 0;
}

static braid_result run_precompile(braid_vm *vm, const braid_message *msg, unsigned n) {
    braid_precompile_gas_fn gas_fn;
    braid_precompile_run_fn run_fn;
    if (braid_precompile_lookup(n, vm->fork, &gas_fn, &run_fn) != 0) abort();
    uint64_t cost = gas_fn(msg->input, msg->input_len, vm->fork);
    if (cost > (uint64_t)msg->gas) return result_of(BRAID_OUT_OF_GAS, 0);
    braid_buf *out = &vm_frame_at(vm, msg->depth)->memory;
    /* The output goes where a frame at this depth keeps its memory, which stays zero beyond its
     * length (vm_frame): cleared before, and any capacity the precompile added cleared after. */
    if (out->len) memset(out->data, 0, out->len);
    out->len = 0;
    size_t cap = out->cap;
    int failed = run_fn(msg->input, msg->input_len, out);
    if (out->cap > cap) {
        size_t from = out->len > cap ? out->len : cap;
        memset(out->data + from, 0, out->cap - from);
    }
    if (failed != 0) return result_of(BRAID_PRECOMPILE_FAILURE, 0);
    braid_result r = result_of(BRAID_SUCCESS, msg->gas - (int64_t)cost);
    r.output = out->data;
    r.output_len = out->len;
    return r;
}

/* Tells the tracer what a CALL or CREATE paid before its callee starts: neither the step before nor the
 * step after shows the gas handed over, which geth's struct logger counts in a call's cost. */
static inline void trace_call_start(const braid_vm *vm, int64_t gas_left, int64_t callee_gas) {
    if (UNLIKELY(vm->tracer != NULL) && vm->tracer->call_start)
        vm->tracer->call_start(vm->tracer->ctx, gas_left, callee_gas);
}

static void transfer(braid_state *s, state_account *from, state_account *to, const braid_u256 *value) {
    state_sub_balance(s, from, value);
    state_add_balance(s, to, value);
}

braid_result braid_vm_call(braid_vm *vm, const braid_message *msg) {
    braid_state *s = vm->state;
    if (msg->depth > BRAID_MAX_CALL_DEPTH) return result_of(BRAID_CALL_DEPTH_EXCEEDED, msg->gas);
    bool moves_value = msg->kind == BRAID_CALL || msg->kind == BRAID_CALLCODE;
    if (moves_value && !braid_u256_is_zero(msg->value) &&
        braid_u256_lt(state_balance(s, state_account_get(s, &msg->sender)), msg->value))
        return result_of(BRAID_INSUFFICIENT_BALANCE, msg->gas);

    state_checkpoint cp = state_checkpoint_take(s);
    state_account *to = state_account_get(s, &msg->recipient);
    unsigned precompile = precompile_at(vm, &msg->code_address);
    if (msg->kind == BRAID_CALL) {
        if (!to->exists) {
            /* EIP-161: a value-less call to nothing creates nothing. */
            if (!precompile && vm->fork >= BRAID_FORK_SPURIOUS_DRAGON && braid_u256_is_zero(msg->value))
                return result_of(BRAID_SUCCESS, msg->gas);
            state_create_account(s, to, false, 0);
        }
        transfer(s, state_account_get(s, &msg->sender), to, &msg->value);
    } else if (msg->kind == BRAID_STATICCALL) {
        state_touch(s, to); /* as geth does: a static call still touches its target */
    }

    braid_result r;
    if (precompile) {
        r = run_precompile(vm, msg, precompile);
    } else {
        const braid_code *code = msg->kind == BRAID_CALL || msg->kind == BRAID_STATICCALL
                                     ? to->code
                                     : state_account_get(s, &msg->code_address)->code;
        if (code->len == 0) return result_of(BRAID_SUCCESS, msg->gas);
        r = vm_execute(vm, msg, code);
    }
    if (r.status != BRAID_SUCCESS) {
        state_revert(s, &cp);
        if (r.status != BRAID_REVERT) r.gas_left = 0;
    }
    return r;
}

static bool has_storage(const braid_state *s, const state_account *a) {
    for (uint32_t i = 0; i < a->storage.count; i++)
        if (!braid_u256_is_zero(state_slot_original(s, &a->storage.entries[i]))) return true;
    return false;
}

/* Init code is analysed into per-depth scratch space rather than the shared cache: it runs once. */
static const braid_code *analyse_initcode(braid_vm *vm, int depth, const uint8_t *bytes, size_t len) {
    vm_frame *f = vm_frame_at(vm, depth);
    braid_buf_clear(&f->initcode);
    braid_buf_append(&f->initcode, bytes, len);
    memset(braid_buf_extend(&f->initcode, BRAID_CODE_PADDING), 0, BRAID_CODE_PADDING);
    size_t words = len / 64 + 1;
    braid_buf_clear(&f->initcode_jumpdests);
    uint64_t *jd = (uint64_t *)(void *)braid_buf_extend(&f->initcode_jumpdests, words * 8);
    braid_code_find_jumpdests(f->initcode.data, len, jd);
    f->initcode_code = (braid_code){.len = len, .bytes = f->initcode.data, .jumpdests = jd};
    return &f->initcode_code;
}

braid_result braid_vm_create_contract(braid_vm *vm, const braid_message *msg) {
    braid_state *s = vm->state;
    braid_fork fork = vm->fork;
    state_account *a = state_account_get(s, &msg->recipient);
    /* EIP-2929: the new address is warm even if the creation fails (not reverted by it). */
    if (fork >= BRAID_FORK_BERLIN) state_warm_account(s, a);
    if (a->nonce != 0 || a->code->len != 0 || has_storage(s, a)) return result_of(BRAID_CREATE_COLLISION, 0);

    state_checkpoint cp = state_checkpoint_take(s);
    state_create_account(s, a, true, fork >= BRAID_FORK_SPURIOUS_DRAGON ? 1 : 0);
    transfer(s, state_account_get(s, &msg->sender), a, &msg->value);

    braid_result r = result_of(BRAID_SUCCESS, msg->gas);
    if (msg->input_len) {
        const braid_code *code = analyse_initcode(vm, msg->depth, msg->input, msg->input_len);
        braid_message init = *msg; /* init code sees empty call data */
        init.input = NULL;
        init.input_len = 0;
        r = vm_execute(vm, &init, code);
    }
    if (r.status == BRAID_SUCCESS) {
        size_t n = r.output_len;
        int64_t deposit = (int64_t)n * CODE_DEPOSIT_PER_BYTE;
        if (fork >= BRAID_FORK_SPURIOUS_DRAGON && n > BRAID_MAX_CODE_SIZE)
            r.status = BRAID_CONTRACT_VALIDATION_FAILURE;
        else if (fork >= BRAID_FORK_LONDON && n > 0 && r.output[0] == 0xef) /* EIP-3541 */
            r.status = BRAID_CONTRACT_VALIDATION_FAILURE;
        else if (r.gas_left >= deposit) {
            r.gas_left -= deposit;
            state_set_code(s, a, braid_code_cache_get(braid_state_codes(s), r.output, n));
        } else if (fork >= BRAID_FORK_HOMESTEAD)
            r.status = BRAID_OUT_OF_GAS;
        /* Frontier: a deposit the creator cannot pay leaves the account without code, and succeeds. */
    }
    if (r.status != BRAID_SUCCESS) {
        state_revert(s, &cp);
        if (r.status != BRAID_REVERT) r.gas_left = 0;
    }
    return r;
}

braid_status vm_op_call(braid_vm *vm, const braid_message *msg, uint8_t op, braid_u256 *sp, int64_t *gas,
                        braid_buf *mem, vm_returndata *rd) {
    braid_state *s = vm->state;
    braid_fork fork = vm->fork;
    bool with_value = op == OP_CALL || op == OP_CALLCODE;
    int nargs = with_value ? 7 : 6;
    braid_u256 gas_req = sp[-1];
    braid_address target = vm_u256_to_address(sp[-2]);
    braid_u256 value = with_value ? sp[-3] : BRAID_U256_ZERO;
    const braid_u256 *io_args = sp - nargs; /* out_size, out_off, in_size, in_off from the bottom */
    bool has_value = !braid_u256_is_zero(value);
    if (op == OP_CALL && msg->is_static && has_value) return BRAID_STATIC_MODE_VIOLATION;

    uint64_t in_off, in_size, out_off, out_size;
    if (!vm_memory_range(&io_args[3], &io_args[2], &in_off, &in_size) ||
        !vm_memory_range(&io_args[1], &io_args[0], &out_off, &out_size))
        return BRAID_OUT_OF_GAS;
    if (!vm_memory_touch(mem, in_off, in_size, gas) || !vm_memory_touch(mem, out_off, out_size, gas))
        return BRAID_OUT_OF_GAS;

    int64_t cost = 0;
    state_account *t = state_account_get(s, &target);
    if (fork >= BRAID_FORK_BERLIN && state_warm_account(s, t)) cost += COLD_ACCOUNT_SURCHARGE;
    if (has_value) cost += CALL_VALUE_COST;
    if (op == OP_CALL &&
        (fork >= BRAID_FORK_SPURIOUS_DRAGON ? has_value && state_account_is_dead(s, t) : !t->exists))
        cost += NEW_ACCOUNT_COST;
    if ((*gas -= cost) < 0) return BRAID_OUT_OF_GAS;

    int64_t child_gas;
    if (fork >= BRAID_FORK_TANGERINE_WHISTLE) { /* EIP-150: at most all but one 64th */
        int64_t cap = *gas - *gas / 64;
        child_gas = braid_u256_fits_u64(gas_req) && gas_req.w[0] < (uint64_t)cap ? (int64_t)gas_req.w[0] : cap;
    } else {
        if (!braid_u256_fits_u64(gas_req) || gas_req.w[0] > (uint64_t)*gas) return BRAID_OUT_OF_GAS;
        child_gas = (int64_t)gas_req.w[0];
    }
    *gas -= child_gas;
    if (has_value) child_gas += CALL_STIPEND;

    braid_message child = {
        .is_static = msg->is_static || op == OP_STATICCALL,
        .depth = msg->depth + 1,
        .gas = child_gas,
        .code_address = target,
        .input = in_size ? mem->data + in_off : NULL,
        .input_len = in_size,
    };
    switch (op) {
    case OP_CALL:
        child.kind = BRAID_CALL;
        child.recipient = target;
        child.sender = msg->recipient;
        child.value = value;
        break;
    case OP_CALLCODE:
        child.kind = BRAID_CALLCODE;
        child.recipient = msg->recipient;
        child.sender = msg->recipient;
        child.value = value;
        break;
    case OP_DELEGATECALL:
        child.kind = BRAID_DELEGATECALL;
        child.recipient = msg->recipient;
        child.sender = msg->sender;
        child.value = msg->value;
        break;
    default:
        child.kind = BRAID_STATICCALL;
        child.recipient = target;
        child.sender = msg->recipient;
        break;
    }
    trace_call_start(vm, *gas, child_gas);
    braid_result r = braid_vm_call(vm, &child);
    *gas += r.gas_left;
    rd->data = r.output;
    rd->len = r.output_len;
    if (out_size && r.output_len)
        memcpy(mem->data + out_off, r.output, r.output_len < out_size ? r.output_len : out_size);
    sp[-nargs] = braid_u256_from_u64(r.status == BRAID_SUCCESS);
    return BRAID_SUCCESS;
}

braid_address braid_create_address(const braid_address *sender, uint64_t nonce) {
    uint8_t tmp[64];
    braid_buf b = {tmp, 0, sizeof tmp}; /* rlp([sender, nonce]) always fits */
    size_t list = braid_rlp_list_begin(&b);
    braid_rlp_put_bytes(&b, sender->b, 20);
    braid_rlp_put_u64(&b, nonce);
    braid_rlp_list_end(&b, list);
    uint8_t h[32];
    braid_keccak256(b.data, b.len, h);
    braid_address a;
    memcpy(a.b, h + 12, 20);
    return a;
}

braid_address braid_create2_address(const braid_address *sender, const uint8_t salt[32], const braid_hash *init_hash) {
    uint8_t buf[85];
    buf[0] = 0xff;
    memcpy(buf + 1, sender->b, 20);
    memcpy(buf + 21, salt, 32);
    memcpy(buf + 53, init_hash->b, 32);
    uint8_t h[32];
    braid_keccak256(buf, sizeof buf, h);
    braid_address a;
    memcpy(a.b, h + 12, 20);
    return a;
}

braid_status vm_op_create(braid_vm *vm, const braid_message *msg, uint8_t op, braid_u256 *sp, int64_t *gas,
                          braid_buf *mem, vm_returndata *rd) {
    braid_state *s = vm->state;
    braid_fork fork = vm->fork;
    int nargs = op == OP_CREATE2 ? 4 : 3;
    braid_u256 value = sp[-1];
    uint64_t off, size;
    if (!vm_memory_range(&sp[-2], &sp[-3], &off, &size) || !vm_memory_touch(mem, off, size, gas))
        return BRAID_OUT_OF_GAS;
    int64_t cost = 0;
    if (fork >= BRAID_FORK_SHANGHAI) { /* EIP-3860 */
        if (size > BRAID_MAX_INITCODE_SIZE) return BRAID_OUT_OF_GAS;
        cost += 2 * vm_words(size);
    }
    if (op == OP_CREATE2) cost += 6 * vm_words(size); /* hashing the init code */
    if ((*gas -= cost) < 0) return BRAID_OUT_OF_GAS;

    braid_u256 *result = &sp[-nargs];
    uint8_t salt[32];
    if (op == OP_CREATE2) braid_u256_to_be(sp[-4], salt);
    rd->data = NULL;
    rd->len = 0;
    *result = BRAID_U256_ZERO;

    state_account *creator = state_account_get(s, &msg->recipient);
    if (msg->depth + 1 > BRAID_MAX_CALL_DEPTH || braid_u256_lt(state_balance(s, creator), value)) return BRAID_SUCCESS;
    if (creator->nonce == UINT64_MAX) return BRAID_SUCCESS; /* EIP-2681 */

    const uint8_t *initcode = size ? mem->data + off : NULL;
    braid_address addr;
    if (op == OP_CREATE2) {
        braid_hash init_hash;
        braid_keccak256(initcode, size, init_hash.b);
        addr = braid_create2_address(&msg->recipient, salt, &init_hash);
    } else {
        addr = braid_create_address(&msg->recipient, creator->nonce);
    }
    state_set_nonce(s, creator, creator->nonce + 1);

    int64_t child_gas = fork >= BRAID_FORK_TANGERINE_WHISTLE ? *gas - *gas / 64 : *gas;
    *gas -= child_gas;
    braid_message child = {
        .kind = op == OP_CREATE2 ? BRAID_CREATE2 : BRAID_CREATE,
        .is_static = false,
        .depth = msg->depth + 1,
        .gas = child_gas,
        .recipient = addr,
        .sender = msg->recipient,
        .code_address = addr,
        .value = value,
        .input = initcode,
        .input_len = size,
    };
    trace_call_start(vm, *gas, child_gas);
    braid_result r = braid_vm_create_contract(vm, &child);
    *gas += r.gas_left;
    if (r.status == BRAID_REVERT) {
        rd->data = r.output;
        rd->len = r.output_len;
    }
    if (r.status == BRAID_SUCCESS) *result = vm_address_to_u256(&addr);
    return BRAID_SUCCESS;
}

braid_status vm_op_selfdestruct(braid_vm *vm, const braid_message *msg, state_account *self,
                                const braid_u256 *beneficiary, int64_t *gas) {
    braid_state *s = vm->state;
    braid_fork fork = vm->fork;
    braid_address b = vm_u256_to_address(*beneficiary);
    state_account *ben = state_account_get(s, &b);
    int64_t cost = 0;
    if (fork >= BRAID_FORK_BERLIN && state_warm_account(s, ben)) cost += 2600;
    if (fork >= BRAID_FORK_SPURIOUS_DRAGON) {
        if (!braid_u256_is_zero(state_balance(s, self)) && state_account_is_dead(s, ben)) cost += NEW_ACCOUNT_COST;
    } else if (fork >= BRAID_FORK_TANGERINE_WHISTLE) {
        if (!ben->exists) cost += NEW_ACCOUNT_COST;
    }
    if ((*gas -= cost) < 0) return BRAID_OUT_OF_GAS;
    if (fork < BRAID_FORK_LONDON && !self->destructed) state_add_refund(s, 24000);

    braid_u256 balance = state_balance(s, self);
    if (fork >= BRAID_FORK_CANCUN) {
        /* EIP-6780: only an account created in this transaction is destroyed; others just send. */
        transfer(s, self, ben, &balance);
        if (self->created_epoch == s->epoch) {
            braid_u256 zero = BRAID_U256_ZERO;
            state_set_balance(s, self, &zero);
            state_mark_destructed(s, self);
        }
    } else {
        braid_u256 zero = BRAID_U256_ZERO;
        state_add_balance(s, ben, &balance);
        state_set_balance(s, self, &zero);
        state_mark_destructed(s, self);
    }
    (void)msg;
    return BRAID_SUCCESS;
}
