/* The state transition of one transaction: validation, gas purchase, execution, refund, fees. */
#include <gmp.h>

#include "braid/braid_tx.h"
#include "evm/vm.h"

#define TX_BASE_GAS 21000
#define TX_CREATE_GAS 53000
#define ACCESS_LIST_ADDRESS_GAS 2400
#define ACCESS_LIST_KEY_GAS 1900

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b) {
    unsigned __int128 p = (unsigned __int128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

uint64_t braid_tx_intrinsic_gas(const braid_tx *tx, braid_fork fork) {
    uint64_t gas = tx->is_create && fork >= BRAID_FORK_HOMESTEAD ? TX_CREATE_GAS : TX_BASE_GAS;
    uint64_t nonzero_cost = fork >= BRAID_FORK_ISTANBUL ? 16 : 68; /* EIP-2028 */
    uint64_t zeros = 0;
    for (size_t i = 0; i < tx->data_len; i++) zeros += tx->data[i] == 0;
    gas = sat_add(gas, sat_mul(zeros, 4));
    gas = sat_add(gas, sat_mul(tx->data_len - zeros, nonzero_cost));
    if (tx->is_create && fork >= BRAID_FORK_SHANGHAI) /* EIP-3860: 2 gas per word of init code */
        gas = sat_add(gas, sat_mul((tx->data_len + 31) / 32, 2));
    for (size_t i = 0; i < tx->access_list_len; i++) {
        gas = sat_add(gas, ACCESS_LIST_ADDRESS_GAS);
        gas = sat_add(gas, sat_mul(tx->access_list[i].n_keys, ACCESS_LIST_KEY_GAS));
    }
    return gas;
}

braid_u256 braid_blob_base_fee(uint64_t excess_blob_gas) {
    /* fake_exponential(1, excess, 3338477) from EIP-4844, in arbitrary precision: the Taylor terms
     * overflow 256 bits long before the result does. */
    mpz_t out, acc, num, den, tmp;
    mpz_inits(out, acc, num, den, tmp, NULL);
    mpz_set_ui(den, 3338477);
    mpz_set_ui(num, excess_blob_gas);
    mpz_set(acc, den); /* factor (1) * denominator */
    for (unsigned long i = 1; mpz_sgn(acc) > 0; i++) {
        mpz_add(out, out, acc);
        mpz_mul(acc, acc, num);
        mpz_mul_ui(tmp, den, i);
        mpz_fdiv_q(acc, acc, tmp);
    }
    mpz_fdiv_q(out, out, den);
    uint8_t be[32] = {0};
    braid_u256 r = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
    if (mpz_sizeinbase(out, 2) <= 256) {
        size_t n = 0;
        uint8_t raw[32];
        mpz_export(raw, &n, 1, 1, 1, 0, out);
        memcpy(be + 32 - n, raw, n);
        r = braid_u256_from_be(be);
    }
    mpz_clears(out, acc, num, den, tmp, NULL);
    return r;
}

/* a * b with overflow detection; a is a gas amount, so one 64-bit limb times four. */
static braid_u256 mul_checked(uint64_t a, braid_u256 b, bool *overflow) {
    braid_u256 r;
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; i++) {
        carry += (unsigned __int128)a * b.w[i];
        r.w[i] = (uint64_t)carry;
        carry >>= 64;
    }
    if (carry) *overflow = true;
    return r;
}

static braid_tx_error validate(braid_state *state, braid_fork fork, const braid_block_env *block, const braid_tx *tx,
                               uint64_t gas_available, state_account *sender, braid_u256 *effective_price,
                               braid_u256 *upfront, uint64_t *intrinsic) {
    if ((tx->type == BRAID_TX_ACCESS_LIST && fork < BRAID_FORK_BERLIN) ||
        (tx->type == BRAID_TX_DYNAMIC_FEE && fork < BRAID_FORK_LONDON) ||
        (tx->type == BRAID_TX_BLOB && fork < BRAID_FORK_CANCUN))
        return BRAID_TX_ERR_TYPE_NOT_SUPPORTED;
    if (tx->nonce == UINT64_MAX) return BRAID_TX_ERR_NONCE_MAX; /* EIP-2681 */
    if (tx->nonce < sender->nonce) return BRAID_TX_ERR_NONCE_TOO_LOW;
    if (tx->nonce > sender->nonce) return BRAID_TX_ERR_NONCE_TOO_HIGH;
    if (sender->code->len != 0) return BRAID_TX_ERR_SENDER_NOT_EOA; /* EIP-3607 */
    if (tx->gas_limit > gas_available) return BRAID_TX_ERR_GAS_LIMIT_REACHED;

    bool dynamic = tx->type == BRAID_TX_DYNAMIC_FEE || tx->type == BRAID_TX_BLOB;
    braid_u256 fee_cap = dynamic ? tx->max_fee_per_gas : tx->gas_price;
    if (fork >= BRAID_FORK_LONDON) {
        if (dynamic && braid_u256_gt(tx->max_priority_fee_per_gas, tx->max_fee_per_gas))
            return BRAID_TX_ERR_TIP_ABOVE_FEE_CAP;
        if (braid_u256_lt(fee_cap, block->base_fee)) return BRAID_TX_ERR_FEE_CAP_TOO_LOW;
        if (dynamic) {
            braid_u256 tip = braid_u256_sub(tx->max_fee_per_gas, block->base_fee);
            if (braid_u256_lt(tx->max_priority_fee_per_gas, tip)) tip = tx->max_priority_fee_per_gas;
            *effective_price = braid_u256_add(block->base_fee, tip);
        } else {
            *effective_price = tx->gas_price;
        }
    } else {
        *effective_price = fee_cap;
    }

    uint64_t blob_gas = 0;
    if (tx->type == BRAID_TX_BLOB) {
        if (tx->is_create) return BRAID_TX_ERR_BLOB_CREATE;
        if (tx->n_blob_hashes == 0) return BRAID_TX_ERR_NO_BLOBS;
        if (tx->n_blob_hashes > BRAID_MAX_BLOBS_PER_BLOCK) return BRAID_TX_ERR_TOO_MANY_BLOBS;
        for (size_t i = 0; i < tx->n_blob_hashes; i++)
            if (tx->blob_hashes[i].b[0] != 0x01) return BRAID_TX_ERR_BLOB_HASH_VERSION;
        if (braid_u256_lt(tx->max_fee_per_blob_gas, block->blob_base_fee)) return BRAID_TX_ERR_BLOB_FEE_CAP_TOO_LOW;
        blob_gas = tx->n_blob_hashes * BRAID_GAS_PER_BLOB;
    }

    /* The sender must afford the worst case (fee caps); it pays the effective price. */
    bool overflow = false, carry;
        braid_u256 need = mul_checked(tx->gas_limit, fee_cap, &overflow);
    need = braid_u256_add_carry(need, tx->value, &carry);
    overflow |= carry;
    if (blob_gas) {
        need = braid_u256_add_carry(need, mul_checked(blob_gas, tx->max_fee_per_blob_gas, &overflow), &carry);
        overflow |= carry;
    }
    if (overflow || braid_u256_lt(state_balance(state, sender), need)) return BRAID_TX_ERR_INSUFFICIENT_FUNDS;
    *upfront = mul_checked(tx->gas_limit, *effective_price, &overflow);
    if (blob_gas) *upfront = braid_u256_add(*upfront, mul_checked(blob_gas, block->blob_base_fee, &overflow));

    *intrinsic = braid_tx_intrinsic_gas(tx, fork);
    if (*intrinsic > tx->gas_limit) return BRAID_TX_ERR_INTRINSIC_GAS;
    if (tx->is_create && fork >= BRAID_FORK_SHANGHAI && tx->data_len > BRAID_MAX_INITCODE_SIZE)
        return BRAID_TX_ERR_INITCODE_TOO_LARGE;
    return BRAID_TX_VALID;
}

static void warm_up(braid_state *s, braid_fork fork, const braid_block_env *block, const braid_tx *tx,
                    const braid_address *target) {
    state_warm_account(s, state_account_get(s, &tx->sender));
    state_warm_account(s, state_account_get(s, target));
    /* the precompiles are warm without being loaded: see state_warm_account */
    if (fork >= BRAID_FORK_SHANGHAI) state_warm_account(s, state_account_get(s, &block->coinbase)); /* EIP-3651 */
    for (size_t i = 0; i < tx->access_list_len; i++) {
        const braid_access_list_entry *e = &tx->access_list[i];
        state_account *a = state_account_get(s, &e->address);
        state_warm_account(s, a);
        for (size_t k = 0; k < e->n_keys; k++) {
            braid_u256 key = braid_u256_from_be(e->keys[k].b);
            state_warm_slot(s, a, state_slot_get(s, a, &key));
        }
    }
}

braid_tx_error braid_tx_apply(braid_vm *vm, braid_state *state, braid_fork fork, const braid_block_env *block,
                              const braid_tx *tx, uint64_t gas_available, braid_tx_outcome *out) {
    state_begin_tx(state, fork);
    state_account *sender = state_account_get(state, &tx->sender);
    braid_u256 price, upfront;
    uint64_t intrinsic;
    braid_tx_error err = validate(state, fork, block, tx, gas_available, sender, &price, &upfront, &intrinsic);
    if (err != BRAID_TX_VALID) {
        braid_state_discard_tx(state);
        return err;
    }

    braid_tx_env env = {
        .origin = tx->sender,
        .gas_price = price,
        .blob_hashes = tx->blob_hashes,
        .n_blob_hashes = tx->n_blob_hashes,
    };
    braid_vm_begin(vm, state, fork, block, &env);
    state_sub_balance(state, sender, &upfront);

    braid_address target = tx->is_create ? braid_create_address(&tx->sender, tx->nonce) : tx->to;
    state_set_nonce(state, sender, tx->nonce + 1);
    if (fork >= BRAID_FORK_BERLIN) warm_up(state, fork, block, tx, &target);

    braid_message msg = {
        .kind = tx->is_create ? BRAID_CREATE : BRAID_CALL,
        .depth = 0,
        .gas = (int64_t)(tx->gas_limit - intrinsic),
        .recipient = target,
        .sender = tx->sender,
        .code_address = target,
        .value = tx->value,
        .input = tx->data,
        .input_len = tx->data_len,
    };
    braid_result r = tx->is_create ? braid_vm_create_contract(vm, &msg) : braid_vm_call(vm, &msg);

    uint64_t gas_used = tx->gas_limit - (uint64_t)r.gas_left;
    uint64_t refund_cap = gas_used / (fork >= BRAID_FORK_LONDON ? 5 : 2); /* EIP-3529 */
    int64_t refund = state_refund(state);
    uint64_t refund_gas = refund > 0 ? ((uint64_t)refund < refund_cap ? (uint64_t)refund : refund_cap) : 0;
    gas_used -= refund_gas;

    bool overflow = false;
    braid_u256 back = mul_checked(tx->gas_limit - gas_used, price, &overflow);
    state_add_balance(state, sender, &back);
    braid_u256 per_gas = fork >= BRAID_FORK_LONDON ? braid_u256_sub(price, block->base_fee) : price;
    braid_u256 fee = mul_checked(gas_used, per_gas, &overflow);
    state_add_balance(state, state_account_get(state, &block->coinbase), &fee);
    out->beneficiary_fee = fee;

    out->status = r.status;
    out->gas_used = gas_used;
    out->created = target;
    out->output = r.output;
    out->output_len = r.output_len;
    braid_state_finalize_tx(state);
    return BRAID_TX_VALID;
}

const char *braid_tx_error_name(braid_tx_error err) {
    static const char *const names[] = {
        "valid",
        "transaction type not supported",
        "nonce too low",
        "nonce too high",
        "nonce has max value",
        "sender not an eoa",
        "gas limit reached",
        "intrinsic gas too low",
        "insufficient funds for gas * price + value",
        "max fee per gas less than block base fee",
        "max priority fee per gas higher than max fee per gas",
        "max initcode size exceeded",
        "blob transaction of type create",
        "blob transaction missing blob hashes",
        "too many blobs",
        "blob hash version mismatch",
        "max fee per blob gas less than block blob gas fee",
    };
    return (unsigned)err < sizeof names / sizeof names[0] ? names[err] : "unknown";
}
