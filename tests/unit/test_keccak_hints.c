/* Keccak hints (src/parallel/keccak_hints.c), without threads or timing: patterns are learned from
 * logged mapping-key hashes, hints are made for a later block's transactions and handed to a vm, and a
 * transaction then hashes with them. The contract stores keccak256(pad(caller) || slot 0) — a token's
 * "balanceOf[msg.sender]" key — so a hint with a wrong hash would show in its storage. */
#include <stdint.h>
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_tx.h"
#include "parallel/keccak_hints.h"
#include "test_util.h"

/* mstore(0, caller); sstore(0, keccak256(0, 64)); stop */
static const uint8_t code[] = {0x33, 0x60, 0x00, 0x52, 0x60, 0x40, 0x60, 0x00, 0x20, 0x60, 0x00, 0x55, 0x00};

#define TXS 8

static braid_address numbered(uint8_t kind, unsigned i) {
    braid_address a = {{0}};
    a.b[0] = kind;
    a.b[19] = (uint8_t)i;
    return a;
}

/* calls to the contract; transaction i from sender (base + i), with calldata transfer(recipient, 1) */
static void build_block(braid_block *b, braid_signed_tx *txs, uint8_t calldata[TXS][68], unsigned base) {
    memset(b, 0, sizeof *b);
    memset(txs, 0, TXS * sizeof *txs);
    for (unsigned i = 0; i < TXS; i++) {
        braid_tx *t = &txs[i].tx;
        t->type = BRAID_TX_LEGACY;
        t->gas_limit = 100000;
        t->gas_price = braid_u256_from_u64(10);
        t->to = numbered(0xcc, 0);
        t->sender = numbered(0x5e, base + i);
        memset(calldata[i], 0, 68);
        memcpy(calldata[i], "\xa9\x05\x9c\xbb", 4);
        braid_address r = numbered(0x7e, base + i);
        memcpy(calldata[i] + 4 + 12, r.b, 20);
        calldata[i][67] = 1;
        t->data = calldata[i];
        t->data_len = 68;
    }
    b->txs = txs;
    b->n_txs = TXS;
}

/* What the vm logs for a transfer: the sender's and the recipient's balance keys, and a key computed
 * inside the contract (not foreseeable). */
static void transfer_log(const braid_tx *t, braid_keccak_log *log) {
    memset(log, 0, sizeof *log);
    log->n = 3;
    memcpy(log->inputs[0] + 12, t->sender.b, 20);
    memcpy(log->inputs[1], t->data + 4, 32);
    memset(log->inputs[2], 0xab, 32);
}

int main(void) {
    keccak_hints *kh = kh_create();
    braid_block b1, b2;
    braid_signed_tx txs1[TXS], txs2[TXS];
    static uint8_t cd1[TXS][68], cd2[TXS][68];
    build_block(&b1, txs1, cd1, 0);
    build_block(&b2, txs2, cd2, 100);

    /* nothing learned yet: no hints */
    kh_begin_block(kh, &b1);
    CHECK(!kh_predict(kh, 0, SIZE_MAX));
    for (unsigned i = 0; i < TXS; i++) {
        CHECK(kh_sample(kh, i)); /* a block's first transactions are all sampled */
        braid_keccak_log log;
        transfer_log(&txs1[i].tx, &log);
        kh_learn(kh, i, &log);
    }
    kh_end_block(kh);

    /* the next block: hints for every transaction after the executing one, in batches */
    kh_begin_block(kh, &b2);
    unsigned calls = 0;
    while (kh_predict(kh, 0, SIZE_MAX)) calls++;
    CHECK(calls >= 2); /* 7 transactions, at most 4 per call */
    CHECK(!kh_predict(kh, 0, 3)); /* the window is already covered */

    /* a transaction takes its hints, then hashes its key with them */
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_address contract = numbered(0xcc, 0);
    braid_state_put_account(state, &contract, 1, BRAID_U256_ZERO, braid_code_cache_get(codes, code, sizeof code));
    for (unsigned i = 0; i < TXS; i++) {
        braid_address s = numbered(0x5e, 100 + i);
        braid_state_put_account(state, &s, 0, braid_u256_from_u64(1000000000), braid_code_cache_get(codes, NULL, 0));
    }
    braid_vm *vm = braid_vm_create();
    braid_block_env env = {.number = 1, .gas_limit = 30000000, .chain_id = braid_u256_from_u64(1)};
    for (unsigned i = 1; i < 4; i++) {
        kh_take(kh, i, vm);
        braid_tx_outcome out;
        CHECK(braid_tx_apply(vm, state, BRAID_FORK_CANCUN, &env, &txs2[i].tx, env.gas_limit, &out) == BRAID_TX_VALID);
        uint8_t input[64] = {0}, want[32], got[32];
        memcpy(input + 12, txs2[i].tx.sender.b, 20);
        braid_keccak256(input, 64, want);
        braid_u256_to_be(braid_state_get_storage(state, &contract, BRAID_U256_ZERO), got);
        CHECK_MEM(got, want, 32);
    }
    CHECK(kh_hinted(kh) == 3);
    kh_take(kh, 1, vm); /* taken once only */
    CHECK(kh_hinted(kh) == 3);

    /* the vm really uses what it is told: a (deliberately wrong) remembered hash is what it stores */
    uint8_t input[64] = {0}, fake[32];
    memcpy(input + 12, txs2[5].tx.sender.b, 20);
    memset(fake, 0x5a, 32);
    braid_vm_keccak_remember(vm, input, 64, fake);
    braid_tx_outcome out;
    CHECK(braid_tx_apply(vm, state, BRAID_FORK_CANCUN, &env, &txs2[5].tx, env.gas_limit, &out) == BRAID_TX_VALID);
    uint8_t got[32];
    braid_u256_to_be(braid_state_get_storage(state, &contract, BRAID_U256_ZERO), got);
    CHECK_MEM(got, fake, 32);

    braid_vm_destroy(vm);
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    kh_destroy(kh);
    return test_summary("keccak hints");
}
