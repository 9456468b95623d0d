/* Parallel == sequential: every block of the ValidBlocks blockchain tests executed by the parallel
 * executor at 2, 4 and 8 threads (every block forced through the parallel path, and once more with random
 * yields and sleeps in the workers) must give exactly the sequential results: gas, every receipt and log,
 * bloom, roots and the post-state root. */
#include <stdlib.h>

#include <jansson.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_parallel.h"
#include "fixture_walk.h"
#include "same_results.h"
#include "test_util.h"

typedef struct history {
    braid_hash hashes[1024];
    uint64_t numbers[1024];
    size_t n;
} history;

static bool lookup(void *ctx, uint64_t number, braid_hash *out) {
    const history *h = ctx;
    for (size_t i = 0; i < h->n; i++)
        if (h->numbers[i] == number) {
            *out = h->hashes[i];
            return true;
        }
    return false;
}

static int load_accounts(const json_t *accounts, braid_state *s) {
    const char *key;
    json_t *acc;
    braid_buf code;
    braid_buf_init(&code);
    json_object_foreach((json_t *)accounts, key, acc) {
        braid_address a;
        uint64_t nonce;
        braid_u256 balance;
        if (braid_hex_decode_fixed(key, a.b, 20) || braid_json_u64(json_object_get(acc, "nonce"), &nonce) ||
            braid_json_u256(json_object_get(acc, "balance"), &balance) || braid_json_bytes(json_object_get(acc, "code"), &code))
            return braid_buf_free(&code), -1;
        braid_state_put_account(s, &a, nonce, balance, braid_code_cache_get(braid_state_codes(s), code.data, code.len));
        const char *sk;
        json_t *sv;
        json_object_foreach(json_object_get(acc, "storage"), sk, sv) {
            braid_u256 k, v;
            if (braid_u256_from_string(sk, &k) || braid_json_u256(sv, &v)) return braid_buf_free(&code), -1;
            braid_state_put_storage(s, &a, k, v);
        }
    }
    braid_buf_free(&code);
    return 0;
}

static size_t blocks_compared, blocks_parallel;

/* Replays one test's valid blocks sequentially and with `ex`, comparing after every block. */
static void run_test(const char *file, const char *name, const json_t *t, void *arg) {
    braid_executor *ex = arg;
    braid_fork fork;
    if (braid_fork_from_name(json_string_value(json_object_get(t, "network")), &fork)) return;
    braid_chain_config cfg;
    braid_chain_single_fork(&cfg, fork);
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *seq = braid_state_create(codes, NULL), *par = braid_state_create(codes, NULL);
    braid_vm *vm = braid_vm_create();
    history h = {.n = 0};
    braid_buf rlp;
    braid_buf_init(&rlp);
    CHECKF(load_accounts(json_object_get(t, "pre"), seq) == 0 && load_accounts(json_object_get(t, "pre"), par) == 0,
           "%s %s: pre-state", file, name);
    braid_block genesis;
    braid_json_bytes(json_object_get(t, "genesisRLP"), &rlp);
    if (braid_block_decode(rlp.data, rlp.len, &genesis, NULL, 0) == 0) {
        h.hashes[h.n] = genesis.header.hash;
        h.numbers[h.n++] = genesis.header.number;
        braid_block_free(&genesis);
    }
    const json_t *blocks = json_object_get(t, "blocks");
    for (size_t i = 0; i < json_array_size(blocks) && h.n < 1024; i++) {
        const json_t *jb = json_array_get(blocks, i);
        if (json_object_get(jb, "expectException")) continue;
        braid_block b;
        char err[256];
        if (braid_json_bytes(json_object_get(jb, "rlp"), &rlp) || braid_block_decode(rlp.data, rlp.len, &b, err, sizeof err))
            continue;
        if (!braid_hash_eq(&b.header.parent_hash, &h.hashes[h.n - 1])) { /* side chains: out of scope here */
            braid_block_free(&b);
            break;
        }
        size_t failed;
        braid_block_recover_senders(&b, &cfg, &failed, err, sizeof err);
        braid_block_hashes bh = {&h, lookup};
        braid_block_options opt = {.compute_state_root = true};
        braid_block_result rs, rp;
        braid_stm_stats st;
        int a = braid_block_execute(vm, seq, &cfg, &b, &bh, &opt, &rs);
        int c = braid_executor_execute(ex, par, &cfg, &b, &bh, &opt, &rp, &st);
        CHECKF(a == c && same_results(&rs, &rp), "%s %s block %zu at %u threads: parallel differs (%s)", file, name, i + 1,
               braid_executor_threads(ex), st.sequential ? st.sequential_why : "parallel path");
        blocks_compared++;
        blocks_parallel += !st.sequential;
        braid_block_result_free(&rs);
        braid_block_result_free(&rp);
        h.hashes[h.n] = b.header.hash;
        h.numbers[h.n++] = b.header.number;
        braid_block_free(&b);
    }
    braid_buf_free(&rlp);
    braid_vm_destroy(vm);
    braid_state_destroy(seq);
    braid_state_destroy(par);
    braid_code_cache_destroy(codes);
}

/* ---- synthetic blocks full of conflicts ---- */

static braid_address numbered(uint8_t kind, uint32_t i) {
    braid_address a = {{0}};
    a.b[0] = kind;
    a.b[16] = (uint8_t)(i >> 24);
    a.b[17] = (uint8_t)(i >> 16);
    a.b[18] = (uint8_t)(i >> 8);
    a.b[19] = (uint8_t)i;
    return a;
}

enum { SENDERS = 8, RECIPIENTS = 6 };
static const uint8_t counter_code[] = {0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00};
static const uint8_t coinbase_reader_code[] = {0x41, 0x31, 0x60, 0x01, 0x55, 0x00};
static const uint8_t forwarder_code[] = {0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x34, 0x60,
                                         0x00, 0x35, 0x5a, 0xf1, 0x50, 0x00};
static const uint8_t logger_code[] = {0x33, 0x60, 0x00, 0x60, 0x00, 0xa1, 0x00};
static const uint8_t creator_code[] = {0x60, 0x00, 0x35, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0xf5, 0x50, 0x00};
static const uint8_t destructor_code[] = {0x60, 0x00, 0x35, 0xff};
static const struct {
    const uint8_t *code;
    size_t len;
} contracts[] = {{counter_code, sizeof counter_code},       {coinbase_reader_code, sizeof coinbase_reader_code},
                 {forwarder_code, sizeof forwarder_code},   {logger_code, sizeof logger_code},
                 {creator_code, sizeof creator_code},       {destructor_code, sizeof destructor_code}};
#define N_CONTRACTS (sizeof contracts / sizeof contracts[0])

static uint64_t rnd(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void build_pre(braid_state *s) {
    braid_u256 rich = braid_u256_from_u64(1000000000000000000ull);
    for (uint32_t i = 0; i < SENDERS; i++) {
        braid_address a = numbered(1, i);
        braid_state_put_account(s, &a, 0, rich, braid_code_empty());
    }
    for (uint32_t i = 0; i < RECIPIENTS; i++) {
        braid_address a = numbered(2, i);
        braid_state_put_account(s, &a, 0, braid_u256_from_u64(i), braid_code_empty());
    }
    for (uint32_t i = 0; i < N_CONTRACTS; i++) {
        braid_address a = numbered(3, i);
        braid_state_put_account(s, &a, 1, braid_u256_from_u64(1000),
                                braid_code_cache_get(braid_state_codes(s), contracts[i].code, contracts[i].len));
    }
    braid_address coinbase = numbered(4, 0);
    braid_state_put_account(s, &coinbase, 0, braid_u256_from_u64(1), braid_code_empty());
}

/* A block of `n` transactions from a few senders (nonce chains), to a few recipients (hot balances), and
 * into contracts sharing a counter, reading the beneficiary's balance, forwarding value, logging,
 * creating at colliding addresses and self-destructing. */
static void build_block(braid_block *b, size_t n, uint64_t seed, uint64_t nonces[SENDERS], uint8_t *calldata) {
    memset(b, 0, sizeof *b);
    b->header.number = 1;
    b->header.timestamp = 1000;
    b->header.gas_limit = 1000000000;
    b->header.coinbase = numbered(4, 0);
    b->header.has_base_fee = true;
    b->header.base_fee = braid_u256_from_u64(7);
    b->txs = braid_xcalloc(n, sizeof *b->txs);
    b->n_txs = n;
    uint64_t r = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        braid_tx *t = &b->txs[i].tx;
        uint32_t sender = (uint32_t)(rnd(&r) % SENDERS);
        t->type = BRAID_TX_DYNAMIC_FEE;
        t->sender = numbered(1, sender);
        t->nonce = nonces[sender]++;
        t->gas_limit = 200000;
        t->max_fee_per_gas = braid_u256_from_u64(100);
        t->max_priority_fee_per_gas = braid_u256_from_u64(rnd(&r) % 3); /* zero tips too */
        t->value = braid_u256_from_u64(rnd(&r) % 1000);
        uint32_t kind = (uint32_t)(rnd(&r) % (N_CONTRACTS + 1));
        uint8_t *cd = calldata + 32 * i;
        memset(cd, 0, 32);
        if (kind == N_CONTRACTS) {
            t->to = numbered(2, (uint32_t)(rnd(&r) % RECIPIENTS));
        } else {
            t->to = numbered(3, kind);
            braid_address target = numbered(2, (uint32_t)(rnd(&r) % RECIPIENTS));
            memcpy(cd + 12, target.b, 20);
            if (contracts[kind].code == creator_code) memset(cd, 0, 31), cd[31] = (uint8_t)(rnd(&r) % 4);
            t->data = cd;
            t->data_len = 32;
        }
    }
}

static void test_synthetic(unsigned threads, bool chaos) {
    if (chaos) setenv("BRAID_STM_CHAOS", "777", 1);
    braid_executor *ex = braid_executor_create(threads);
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *seq = braid_state_create(codes, NULL), *par = braid_state_create(codes, NULL);
    braid_vm *vm = braid_vm_create();
    build_pre(seq);
    build_pre(par);
    braid_chain_config cfg;
    braid_chain_single_fork(&cfg, BRAID_FORK_CANCUN);
    uint64_t nonces[SENDERS] = {0};
    uint64_t aborts = 0, executions = 0;
    for (uint64_t blk = 0; blk < 6; blk++) {
        size_t n = 64 + 64 * blk;
        uint8_t *calldata = braid_xmalloc(32 * n);
        braid_block b;
        build_block(&b, n, blk + 1, nonces, calldata);
        braid_block_options opt = {.compute_state_root = true};
        braid_block_result rs, rp;
        braid_stm_stats st;
        int a = braid_block_execute(vm, seq, &cfg, &b, NULL, &opt, &rs);
        int c = braid_executor_execute(ex, par, &cfg, &b, NULL, &opt, &rp, &st);
        CHECKF(a == 0 && c == 0 && same_results(&rs, &rp), "synthetic block %llu at %u threads%s differs (%s)",
               (unsigned long long)blk, threads, chaos ? " with chaos" : "", rs.message);
        CHECK(!st.sequential);
        aborts += st.aborts;
        executions += st.executions;
        braid_block_result_free(&rs);
        braid_block_result_free(&rp);
        free(b.txs);
        free(calldata);
    }
    printf("synthetic conflicts, %u threads%s: %llu executions, %llu aborts\n", threads, chaos ? " (chaos)" : "",
           (unsigned long long)executions, (unsigned long long)aborts);
    braid_vm_destroy(vm);
    braid_state_destroy(seq);
    braid_state_destroy(par);
    braid_code_cache_destroy(codes);
    braid_executor_destroy(ex);
    unsetenv("BRAID_STM_CHAOS");
}

int main(void) {
    setenv("BRAID_STM_MIN_TXS", "1", 1);
    test_synthetic(2, false);
    test_synthetic(4, false);
    test_synthetic(8, false);
    test_synthetic(4, true);
    static const unsigned threads[] = {2, 4, 8};
    for (int chaos = 0; chaos < 2; chaos++) {
        if (chaos) setenv("BRAID_STM_CHAOS", "12345", 1);
        for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
            if (chaos && threads[i] != 4) continue; /* one chaotic pass keeps the test quick */
            braid_executor *ex = braid_executor_create(threads[i]);
            blocks_compared = blocks_parallel = 0;
            walk_fixture_tests(SHARED_PATH("fixtures/ethereum-tests/BlockchainTests/ValidBlocks"), run_test,
                               ex);
            printf("%u threads%s: %zu blocks compared, %zu through the parallel path\n", threads[i],
                   chaos ? " (chaos)" : "", blocks_compared, blocks_parallel);
            CHECK(blocks_compared > 800);
            CHECK(blocks_parallel * 10 > blocks_compared * 8); /* the fallbacks must stay the exception */
            braid_executor_destroy(ex);
        }
    }
    return test_summary("parallel");
}
