/* Sequential block execution: the reference every other executor must match. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "braid/braid_block.h"
#include "braid/braid_rlp.h"
#include "braid/braid_trie.h"
#include "braid/braid_tx.h"
#include "chain/block_internal.h"
#include "state/state.h"

#define SYSTEM_CALL_GAS 30000000
#define MAX_BLOB_GAS_PER_BLOCK (BRAID_MAX_BLOBS_PER_BLOCK * BRAID_GAS_PER_BLOB)

/* EIP-4788 */
static const braid_address beacon_roots_address = {{0x00, 0x0F, 0x3d, 0xf6, 0xD7, 0x32, 0x80, 0x7E, 0xf1, 0x31,
                                                    0x9f, 0xB7, 0xB8, 0xbB, 0x85, 0x22, 0xd0, 0xBe, 0xac, 0x02}};
static const braid_address system_address = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}};

static int set_error(braid_block_result *out, braid_block_error e, const char *fmt, ...) {
    out->error = e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
    return -1;
}

int braid_block_recover_senders(braid_block *block, const braid_chain_config *cfg, size_t *failed, char *err,
                                size_t err_len) {
    braid_fork fork = braid_chain_fork_at(cfg, block->header.number, block->header.timestamp);
    char sub[200];
    for (size_t i = 0; i < block->n_txs; i++) {
        if (braid_signed_tx_check(&block->txs[i], fork, sub, sizeof sub) ||
            braid_signed_tx_recover(&block->txs[i], fork, &cfg->chain_id, sub, sizeof sub)) {
            *failed = i;
            snprintf(err, err_len, "transaction %zu: %s", i, sub);
            return -1;
        }
    }
    return 0;
}

static bool block_hash_cb(void *ctx, uint64_t number, braid_hash *out) {
    const braid_block_hashes *h = ctx;
    return h && h->get && h->get(h->ctx, number, out);
}

/* A call made by the protocol itself (EIP-4788): no gas bought, no nonce, no fee. */
static void system_call(braid_vm *vm, braid_state *state, braid_fork fork, const braid_block_env *env,
                        const braid_address *to, const uint8_t *input, size_t len) {
    state_begin_tx(state, fork);
    braid_tx_env tx = {.origin = system_address};
    braid_vm_begin(vm, state, fork, env, &tx);
    state_warm_account(state, state_account_get(state, to));
    braid_message msg = {
        .kind = BRAID_CALL,
        .gas = SYSTEM_CALL_GAS,
        .recipient = *to,
        .sender = system_address,
        .code_address = *to,
        .input = input,
        .input_len = len,
    };
    braid_vm_call(vm, &msg);
    braid_state_finalize_tx(state);
}

static braid_u256 block_reward(braid_fork fork) {
    uint64_t eth = fork >= BRAID_FORK_CONSTANTINOPLE ? 2 : fork >= BRAID_FORK_BYZANTIUM ? 3 : 5;
    braid_u256 wei = braid_u256_from_u64(1000000000000000000ull), r, n = braid_u256_from_u64(eth);
    braid_u256_mul(&r, &wei, &n);
    return r;
}

static void pay_rewards(braid_state *state, braid_fork fork, const braid_block *b) {
    braid_u256 reward = block_reward(fork), miner = reward, share, k;
    for (size_t i = 0; i < b->n_ommers; i++) {
        const braid_header *o = &b->ommers[i];
        k = braid_u256_from_u64(32);
        braid_u256_div(&share, &reward, &k);
        miner = braid_u256_add(miner, share);
        /* the ommer's miner gets (8 - depth) eighths of the reward */
        uint64_t eighths = o->number + 8 > b->header.number ? o->number + 8 - b->header.number : 0;
        k = braid_u256_from_u64(eighths);
        braid_u256_mul(&share, &reward, &k);
        k = braid_u256_from_u64(8);
        braid_u256_div(&share, &share, &k);
        state_add_balance(state, state_account_get(state, &o->coinbase), &share);
    }
    state_add_balance(state, state_account_get(state, &b->header.coinbase), &miner);
}

/* Receipts' logs live in chunks owned by the block result: two allocations per receipt with logs, and
 * as many frees, cost more than copying the logs. */
#define LOG_CHUNK (64 * 1024)

struct braid_log_chunk {
    struct braid_log_chunk *next;
    size_t used, cap;
    _Alignas(16) uint8_t data[];
};

static void *log_alloc(braid_block_result *out, size_t size) {
    size = (size + 15) & ~(size_t)15;
    struct braid_log_chunk *c = out->log_chunks;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > LOG_CHUNK ? size : LOG_CHUNK;
        c = braid_xmalloc(sizeof *c + cap);
        c->next = out->log_chunks;
        c->used = 0;
        c->cap = cap;
        out->log_chunks = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void block_set_logs(braid_block_result *out, braid_receipt *r, const braid_log *logs, size_t n) {
    r->n_logs = n;
    if (n == 0) return;
    size_t data = 0;
    for (size_t i = 0; i < n; i++) data += logs[i].data_len;
    r->logs = log_alloc(out, n * sizeof *r->logs + data);
    r->log_data = (uint8_t *)(r->logs + n);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        r->logs[i] = logs[i];
        if (logs[i].data_len) memcpy(r->log_data + off, logs[i].data, logs[i].data_len);
        r->logs[i].data = r->log_data + off;
        off += logs[i].data_len;
    }
}

void block_copy_logs(braid_block_result *out, braid_receipt *r, const braid_state *state) {
    size_t n = braid_state_log_count(state);
    block_set_logs(out, r, n ? braid_state_logs(state) : NULL, n);
}

/* Encodings of receipts, transactions and withdrawals, built on the executor's workers when there are
 * some: each worker appends to its own buffer (no allocation per item), and the items are then viewed in
 * place by offset. */
typedef struct encoded {
    unsigned worker;
    size_t off, len;
} encoded;

typedef struct encode_job {
    const braid_block *b;
    const braid_block_result *out;
    block_scratch *scratch; /* one per worker */
    encoded *receipts, *txs, *withdrawals;
    bool skip_receipts, skip_txs; /* already hashed leaf by leaf */
} encode_job;

static void put_item(encode_job *job, unsigned worker, encoded *where, size_t start) {
    where->worker = worker;
    where->off = start;
    where->len = job->scratch[worker].buf.len - start;
}

static void encode_item(void *arg, size_t i, unsigned worker) {
    encode_job *job = arg;

    braid_buf *buf = &job->scratch[worker].buf;
    size_t start = buf->len;
    if (i < job->out->n_receipts && !job->skip_receipts) {
        braid_receipt_encode(&job->out->receipts[i], buf);
        put_item(job, worker, &job->receipts[i], start);
    }
    if (i < job->b->n_txs && !job->skip_txs) {
        start = buf->len;
        braid_signed_tx_encode(&job->b->txs[i], false, buf);
        put_item(job, worker, &job->txs[i], start);
    }
    if (i < job->b->n_withdrawals) {
        const braid_withdrawal *w = &job->b->withdrawals[i];
        start = buf->len;
        size_t l = braid_rlp_list_begin(buf);
        braid_rlp_put_u64(buf, w->index);
        braid_rlp_put_u64(buf, w->validator);
        braid_rlp_put_bytes(buf, w->address.b, 20);
        braid_rlp_put_u64(buf, w->amount_gwei);
        braid_rlp_list_end(buf, l);
        put_item(job, worker, &job->withdrawals[i], start);
    }
}

static braid_buf *views(const encode_job *job, const encoded *items, size_t n) {
    braid_buf *v = braid_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (braid_buf){job->scratch[items[i].worker].buf.data + items[i].off, items[i].len, items[i].len};
    return v;
}

block_scratch *block_scratch_create(unsigned workers) {
    block_scratch *s = aligned_alloc(64, workers * sizeof *s);
    if (!s) abort();
    memset(s, 0, workers * sizeof *s);
    return s;
}

void block_scratch_destroy(block_scratch *s, unsigned workers) {
    if (!s) return;
    for (unsigned w = 0; w < workers; w++) braid_buf_free(&s[w].buf);
    free(s);
}

static void compute_roots(const block_run *run, braid_block_result *out) {
    const braid_block *b = run->block;
    size_t n = b->n_txs > b->n_withdrawals ? b->n_txs : b->n_withdrawals;
    bool parallel = run->pf && n > 64;
    unsigned workers = parallel ? run->pf->workers : 1;
    bool own = !parallel || !run->scratch;
    encode_job job = {b, out, own ? block_scratch_create(workers) : run->scratch,
                      braid_xmalloc((n + 1) * sizeof(encoded)), braid_xmalloc((n + 1) * sizeof(encoded)),
                      braid_xmalloc((n + 1) * sizeof(encoded)), run->receipt_trie != NULL, run->tx_root != NULL};
    for (unsigned w = 0; w < workers; w++) braid_buf_clear(&job.scratch[w].buf);
    if (parallel)
        run->pf->run(run->pf->ctx, n, encode_item, &job);
    else
        for (size_t i = 0; i < n; i++) encode_item(&job, i, 0);
    braid_buf *receipts = views(&job, job.receipts, job.skip_receipts ? 0 : out->n_receipts),
              *txs = views(&job, job.txs, job.skip_txs ? 0 : b->n_txs),
              *withdrawals = views(&job, job.withdrawals, b->n_withdrawals);
    if (run->receipt_trie)
        braid_ordered_trie_root(run->receipt_trie, &out->receipts_root);
    else
        braid_trie_root_ordered_parallel(receipts, out->n_receipts, &out->receipts_root, run->pf);
    if (run->tx_root)
        out->tx_root = *run->tx_root;
    else
        braid_trie_root_ordered_parallel(txs, b->n_txs, &out->tx_root, run->pf);
    braid_trie_root_ordered_parallel(withdrawals, b->n_withdrawals, &out->withdrawals_root, run->pf);
    free(receipts);
    free(txs);
    free(withdrawals);
    if (own) block_scratch_destroy(job.scratch, workers);
    free(job.receipts);
    free(job.txs);
    free(job.withdrawals);
}

static int check_against_header(const braid_block *b, braid_fork fork, braid_block_result *out) {
    const braid_header *h = &b->header;
    char got[67], want[67];
    if (out->gas_used != h->gas_used)
        return set_error(out, BRAID_BLOCK_ERR_GAS_USED, "gasUsed %llu, header says %llu", (unsigned long long)out->gas_used,
                         (unsigned long long)h->gas_used);
    if (!braid_hash_eq(&out->tx_root, &h->tx_root)) return set_error(out, BRAID_BLOCK_ERR_TX_ROOT, "transactions root differs");
    if (h->has_withdrawals_root && !braid_hash_eq(&out->withdrawals_root, &h->withdrawals_root))
        return set_error(out, BRAID_BLOCK_ERR_WITHDRAWALS_ROOT, "withdrawals root differs");
    if (h->has_blob_gas && out->blob_gas_used != h->blob_gas_used)
        return set_error(out, BRAID_BLOCK_ERR_BLOB_GAS_USED, "blobGasUsed %llu, header says %llu",
                         (unsigned long long)out->blob_gas_used, (unsigned long long)h->blob_gas_used);
    if (memcmp(out->bloom, h->bloom, BRAID_BLOOM_SIZE) != 0) return set_error(out, BRAID_BLOCK_ERR_BLOOM, "logs bloom differs");
    if (fork >= BRAID_FORK_BYZANTIUM && !braid_hash_eq(&out->receipts_root, &h->receipts_root)) {
        braid_hex_encode(out->receipts_root.b, 32, got);
        braid_hex_encode(h->receipts_root.b, 32, want);
        return set_error(out, BRAID_BLOCK_ERR_RECEIPTS_ROOT, "receipts root %s, header says %s", got, want);
    }
    return 0;
}

braid_block_env braid_block_env_of(const braid_header *h, const braid_chain_config *cfg,
                                   const braid_block_hashes *hashes) {
    braid_fork fork = braid_chain_fork_at(cfg, h->number, h->timestamp);
    return (braid_block_env){
        .coinbase = h->coinbase,
        .number = h->number,
        .timestamp = h->timestamp,
        .gas_limit = h->gas_limit,
        .difficulty = h->difficulty,
        .prev_randao = braid_u256_from_be(h->mix_hash.b),
        .base_fee = h->has_base_fee ? h->base_fee : BRAID_U256_ZERO,
        .blob_base_fee = fork >= BRAID_FORK_CANCUN ? braid_blob_base_fee(h->excess_blob_gas) : BRAID_U256_ZERO,
        .chain_id = cfg->chain_id,
        .block_hash = block_hash_cb,
        .block_hash_ctx = (void *)hashes,
    };
}

void braid_block_prologue(braid_vm *vm, braid_state *state, const braid_chain_config *cfg, const braid_header *h,
                          const braid_block_env *env) {
    braid_fork fork = braid_chain_fork_at(cfg, h->number, h->timestamp);
    state_begin_tx(state, fork);
    braid_chain_apply_dao_fork(cfg, state, h->number);
    braid_state_finalize_tx(state);
    if (fork >= BRAID_FORK_CANCUN)
        system_call(vm, state, fork, env, &beacon_roots_address, h->parent_beacon_root.b, 32);
}

void block_run_begin(block_run *run, braid_vm *vm, braid_state *state, const braid_chain_config *cfg,
                     const braid_block *b, const braid_block_hashes *hashes, braid_block_result *out) {
    memset(out, 0, sizeof *out);
    const braid_header *h = &b->header;
    run->block = b;
    run->pf = NULL;
    run->scratch = NULL;
    run->receipts_done = NULL;
    run->defer_blooms = false;
    run->tx_hook = NULL;
    run->tx_hook_ctx = NULL;
    run->tx_root = NULL;
    run->receipt_trie = NULL;
    run->fork = braid_chain_fork_at(cfg, h->number, h->timestamp);
    run->env = braid_block_env_of(h, cfg, hashes);
    braid_block_prologue(vm, state, cfg, h, &run->env);
    /* Not zeroed: block_add_receipt sets every field but the bloom, which the bloom pass sets. */
    out->receipts = braid_xmalloc((b->n_txs + 1) * sizeof *out->receipts);
}

int block_check_tx_limits(const block_run *run, size_t i, braid_block_result *out) {
    const braid_tx *tx = &run->block->txs[i].tx;
    uint64_t blob_gas = (uint64_t)tx->n_blob_hashes * BRAID_GAS_PER_BLOB;
    if (blob_gas > MAX_BLOB_GAS_PER_BLOCK - out->blob_gas_used || tx->n_blob_hashes > BRAID_MAX_BLOBS_PER_BLOCK) {
        out->failed_tx = i;
        return set_error(out, BRAID_BLOCK_ERR_BLOB_GAS, "transaction %zu: blob gas above the block's limit", i);
    }
    return 0;
}

int block_tx_failed(braid_block_result *out, size_t i, braid_tx_error err) {
    out->failed_tx = i;
    return set_error(out, BRAID_BLOCK_ERR_INVALID_TX, "transaction %zu: %s", i, braid_tx_error_name(err));
}

braid_receipt *block_add_receipt(const block_run *run, size_t i, const braid_tx_outcome *o, braid_block_result *out) {
    const braid_tx *tx = &run->block->txs[i].tx;
    out->gas_used += o->gas_used;
    out->blob_gas_used += (uint64_t)tx->n_blob_hashes * BRAID_GAS_PER_BLOB;
    braid_receipt *r = &out->receipts[out->n_receipts++];
    r->type = (uint8_t)tx->type;
    r->success = o->status == BRAID_SUCCESS;
    r->gas_used = o->gas_used;
    r->cumulative_gas = out->gas_used;
    r->created = tx->is_create && r->success;
    r->contract_address = o->created;
    r->has_post_state = run->fork < BRAID_FORK_BYZANTIUM;
    memset(&r->post_state, 0, sizeof r->post_state);
    r->logs = NULL;
    r->n_logs = 0;
    r->log_data = NULL;
    return r;
}

void block_or_bloom(const braid_receipt *r, braid_block_result *out) {
    if (r->n_logs) braid_bloom_or(out->bloom, r->bloom); /* no logs, no bits */
}

/* The next transactions' sender and callee are likely cold in a large state: start their loads while
 * this one executes (the index slots two ahead, the records they point to one ahead). */
static void prefetch_accounts(const braid_state *state, const braid_block *b, size_t i) {
    if (i + 2 < b->n_txs) {
        state_prefetch_index(state, &b->txs[i + 2].tx.sender);
        if (!b->txs[i + 2].tx.is_create) state_prefetch_index(state, &b->txs[i + 2].tx.to);
    }
    if (i + 1 < b->n_txs) {
        state_prefetch_account(state, &b->txs[i + 1].tx.sender);
        if (!b->txs[i + 1].tx.is_create) state_prefetch_account(state, &b->txs[i + 1].tx.to);
    }
}

int block_run_txs(const block_run *run, braid_vm *vm, braid_state *state, const braid_block_options *opt,
                  braid_block_result *out) {
    const braid_block *b = run->block;
    for (size_t i = 0; i < b->n_txs; i++) {
        if (block_check_tx_limits(run, i, out)) return -1;
        prefetch_accounts(state, b, i);
        if (run->tx_hook) run->tx_hook(run->tx_hook_ctx, vm, i, false);
        braid_tx_outcome outcome;
        braid_tx_error err =
            braid_tx_apply(vm, state, run->fork, &run->env, &b->txs[i].tx, b->header.gas_limit - out->gas_used, &outcome);
        if (run->tx_hook) run->tx_hook(run->tx_hook_ctx, vm, i, true);
        if (err != BRAID_TX_VALID) return block_tx_failed(out, i, err);
        braid_receipt *r = block_add_receipt(run, i, &outcome, out);
        if (r->has_post_state && opt->intermediate_roots) r->post_state = braid_state_root(state);
        block_copy_logs(out, r, state);
        if (run->receipts_done) atomic_store_explicit(run->receipts_done, i + 1, memory_order_release);
    }
    /* Blooms once for the whole block: their hashing batches across receipts. */
    if (!run->defer_blooms) {
        braid_receipts_bloom(out->receipts, out->n_receipts);
        for (size_t i = 0; i < out->n_receipts; i++) block_or_bloom(&out->receipts[i], out);
    }
    return 0;
}

int block_run_finish(const block_run *run, braid_state *state, const braid_block_options *opt, braid_block_result *out) {
    const braid_block *b = run->block;
    const braid_header *h = &b->header;
    state_begin_tx(state, run->fork);
    for (size_t i = 0; i < b->n_withdrawals; i++) {
        braid_u256 gwei = braid_u256_from_u64(1000000000), amount = braid_u256_from_u64(b->withdrawals[i].amount_gwei);
        braid_u256_mul(&amount, &amount, &gwei);
        state_add_balance(state, state_account_get(state, &b->withdrawals[i].address), &amount);
    }
    if (run->fork < BRAID_FORK_PARIS) pay_rewards(state, run->fork, b);
    braid_state_finalize_tx(state);

    compute_roots(run, out);
    if (opt->compute_state_root) out->state_root = braid_state_root_parallel(state, run->pf);
    if (opt->check_roots) {
        if (check_against_header(b, run->fork, out)) return -1;
        if (opt->compute_state_root && !braid_hash_eq(&out->state_root, &h->state_root)) {
            char got[67], want[67];
            braid_hex_encode(out->state_root.b, 32, got);
            braid_hex_encode(h->state_root.b, 32, want);
            return set_error(out, BRAID_BLOCK_ERR_STATE_ROOT, "state root %s, header says %s", got, want);
        }
    }
    return 0;
}

int braid_block_execute(braid_vm *vm, braid_state *state, const braid_chain_config *cfg, const braid_block *b,
                        const braid_block_hashes *hashes, const braid_block_options *opt, braid_block_result *out) {
    block_run run;
    block_run_begin(&run, vm, state, cfg, b, hashes, out);
    if (block_run_txs(&run, vm, state, opt, out)) return -1;
    return block_run_finish(&run, state, opt, out);
}

void braid_block_result_free(braid_block_result *r) {
    for (struct braid_log_chunk *c = r->log_chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    r->log_chunks = NULL;
    free(r->receipts);
    r->receipts = NULL;
    r->n_receipts = 0;
}
