/* Oracle: the parallel executor gives exactly the sequential results. The input is contract code and
 * calldata (byte 0: the code length, then the code, then the calldata); the code is installed at two
 * addresses that call-heavy code can reach (0x03..00, 0x03..01, both also reachable through the
 * calldata), and two blocks run on fresh states: one transaction into the contract, then four from
 * different senders (values and the last calldata byte varied, so runs diverge and conflict on the
 * contract's storage). Each block is executed with braid_block_execute and with braid_executor_execute
 * at 4 threads (forced onto the parallel path), and once more on a vm with a deadline an hour away (the
 * interpreter loop that eth_call runs, which reads the clock); gas, errors, every receipt and log,
 * bloom, receipts root and state root must agree, and none may crash, leak or trip a sanitizer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_block.h"
#include "braid/braid_parallel.h"
#include "../tests/unit/same_results.h"

static braid_address numbered(uint8_t kind, uint32_t i) {
    braid_address a = {{0}};
    a.b[0] = kind;
    a.b[19] = (uint8_t)i;
    return a;
}

enum { SENDERS = 4, MAX_TXS = 4 };

static void build_pre(braid_state *s, const uint8_t *code, size_t code_len) {
    braid_u256 rich = braid_u256_from_u64(1000000000000000000ull);
    for (uint32_t i = 0; i < SENDERS; i++) {
        braid_address a = numbered(1, i);
        braid_state_put_account(s, &a, 0, rich, braid_code_empty());
    }
    for (uint32_t i = 0; i < 2; i++) {
        braid_address a = numbered(3, i);
        braid_state_put_account(s, &a, 1, braid_u256_from_u64(1000),
                                braid_code_cache_get(braid_state_codes(s), code, code_len));
    }
}

static braid_executor *ex;
static braid_vm *vm, *bounded_vm;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    setenv("BRAID_STM_MIN_TXS", "1", 1); /* small blocks would otherwise run sequentially */
    ex = braid_executor_create(4);
    vm = braid_vm_create();
    bounded_vm = braid_vm_create();
    return 0;
}

static void run_block(size_t n, const uint8_t *code, size_t code_len, const uint8_t *cd, size_t cd_len) {
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *seq = braid_state_create(codes, NULL), *par = braid_state_create(codes, NULL);
    braid_state *bnd = braid_state_create(codes, NULL);
    build_pre(seq, code, code_len);
    build_pre(par, code, code_len);
    build_pre(bnd, code, code_len);
    braid_chain_config cfg;
    braid_chain_single_fork(&cfg, BRAID_FORK_CANCUN);

    braid_block b;
    memset(&b, 0, sizeof b);
    b.header.number = 1;
    b.header.timestamp = 1000;
    b.header.gas_limit = 30000000;
    b.header.coinbase = numbered(4, 0);
    b.header.has_base_fee = true;
    b.header.base_fee = braid_u256_from_u64(7);
    braid_signed_tx txs[MAX_TXS];
    memset(txs, 0, sizeof txs);
    uint8_t *data = malloc(n * (cd_len + 1));
    b.txs = txs;
    b.n_txs = n;
    for (size_t i = 0; i < n; i++) {
        braid_tx *t = &txs[i].tx;
        t->type = BRAID_TX_DYNAMIC_FEE;
        t->sender = numbered(1, (uint32_t)i);
        t->nonce = 0;
        t->gas_limit = 100000; /* bounds loops: a run costs at most this many cheap steps */
        t->max_fee_per_gas = braid_u256_from_u64(100);
        t->max_priority_fee_per_gas = braid_u256_from_u64(i);
        t->value = braid_u256_from_u64(i * 3);
        t->to = numbered(3, (uint32_t)(i & 1));
        uint8_t *d = data + i * (cd_len + 1);
        memcpy(d, cd, cd_len);
        d[cd_len] = (uint8_t)i;
        t->data = d;
        t->data_len = cd_len + (i > 0); /* the first transaction gets the calldata as given */
    }

    braid_block_options opt = {.compute_state_root = true};
    braid_block_result rs, rp, rb;
    memset(&rs, 0, sizeof rs);
    memset(&rp, 0, sizeof rp);
    memset(&rb, 0, sizeof rb);
    int a = braid_block_execute(vm, seq, &cfg, &b, NULL, &opt, &rs);
    int c = braid_executor_execute(ex, par, &cfg, &b, NULL, &opt, &rp, NULL);
    if (a != c || !same_results(&rs, &rp)) abort();
    braid_vm_set_deadline(bounded_vm, braid_clock_ns() + 3600 * 1000000000ull);
    int d = braid_block_execute(bounded_vm, bnd, &cfg, &b, NULL, &opt, &rb);
    if (braid_vm_timed_out(bounded_vm) || a != d || !same_results(&rs, &rb)) abort();
    braid_block_result_free(&rs);
    braid_block_result_free(&rp);
    braid_block_result_free(&rb);
    free(data);
    braid_state_destroy(seq);
    braid_state_destroy(par);
    braid_state_destroy(bnd);
    braid_code_cache_destroy(codes);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    if (size == 0) return 0;
    size_t code_len = in[0];
    if (code_len > size - 1) code_len = size - 1;
    const uint8_t *code = in + 1, *cd = in + 1 + code_len;
    size_t cd_len = size - 1 - code_len;
    if (cd_len > 1024) cd_len = 1024;
    run_block(1, code, code_len, cd, cd_len);
    run_block(MAX_TXS, code, code_len, cd, cd_len);
    return 0;
}
