/* The node: opening or creating the chain, block production, and the dev edits that change the head
 * state outside blocks (anvil_setBalance, evm_revert). */
#include "node.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "braid/braid_genesis.h"
#include "braid/braid_hdwallet.h"
#include "braid/braid_json.h"
#include "braid/braid_keccak.h"
#include "braid/braid_trie.h"
#include "chain_store.h"

#define DEV_CHAIN_ID 1337
#define DEV_GAS_LIMIT 30000000

static void node_log(braid_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void node_log(braid_node *n, const char *fmt, ...) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    va_list ap;
    va_start(ap, fmt);
    flockfile(n->log);
    fprintf(n->log, "%s.%03ld ", when, ts.tv_nsec / 1000000);
    vfprintf(n->log, fmt, ap);
    fputc('\n', n->log);
    funlockfile(n->log);
    fflush(n->log);
    va_end(ap);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

braid_header node_head(braid_node *n) {
    pthread_mutex_lock(&n->pool_lock);
    braid_header h = n->head;
    pthread_mutex_unlock(&n->pool_lock);
    return h;
}

/* ---- the pool's view of the head ---- */

static uint64_t head_nonce(void *ctx, const braid_address *addr) {
    braid_store_account acc;
    return braid_store_get_account(ctx, addr, &acc) ? acc.nonce : 0;
}

static braid_u256 head_balance(void *ctx, const braid_address *addr) {
    braid_store_account acc;
    return braid_store_get_account(ctx, addr, &acc) ? acc.balance : BRAID_U256_ZERO;
}

void node_pool_head(braid_node *n, const braid_header *head, braid_store_txn *t, braid_mempool_head *out) {
    uint64_t ts = head->timestamp + 1;
    braid_fork head_fork = braid_chain_fork_at(&n->cfg, head->number, head->timestamp);
    *out = (braid_mempool_head){
        .ctx = t,
        .nonce = head_nonce,
        .balance = head_balance,
        .base_fee = braid_base_fee_next(head, head_fork),
        .gas_limit = n->opt.gas_limit ? n->opt.gas_limit : head->gas_limit,
        .fork = braid_chain_fork_at(&n->cfg, head->number + 1, ts),
    };
}

/* ---- genesis ---- */

static json_t *dev_genesis(braid_node *n) {
    json_t *cfg = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:i, s:i}",
                            "chainId", json_integer(0), "homesteadBlock", 0, "eip150Block", 0, "eip155Block", 0,
                            "eip158Block", 0, "byzantiumBlock", 0, "constantinopleBlock", 0, "petersburgBlock", 0,
                            "istanbulBlock", 0, "muirGlacierBlock", 0, "berlinBlock", 0, "londonBlock", 0,
                            "arrowGlacierBlock", 0, "terminalTotalDifficulty", 0, "terminalTotalDifficultyPassed", 1,
                            "shanghaiTime", 0, "cancunTime", 0);
    char chain_id[80] = "0x539";
    if (n->opt.has_chain_id) {
        uint8_t be[32];
        braid_u256_to_be(n->opt.chain_id, be);
        unsigned len = braid_u256_byte_len(n->opt.chain_id);
        braid_hex_encode(be + 32 - len, len, chain_id); /* "0x" and the digits */
    }
    json_object_set_new(cfg, "chainId", json_string(chain_id));
    json_t *alloc = json_object();
    for (size_t i = 0; i < n->n_dev; i++) {
        char addr[43];
        braid_hex_encode(n->dev_addr[i].b, 20, addr);
        /* 10,000 ether = 10^22 wei */
        json_object_set_new(alloc, addr, json_pack("{s:s}", "balance", "0x21e19e0c9bab2400000"));
    }
    char gas_limit[24];
    snprintf(gas_limit, sizeof gas_limit, "0x%" PRIx64, n->opt.gas_limit ? n->opt.gas_limit : DEV_GAS_LIMIT);
    char ts[24];
    snprintf(ts, sizeof ts, "0x%" PRIx64, (uint64_t)time(NULL));
    return json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "config", cfg, "alloc", alloc, "gasLimit", gas_limit,
                     "difficulty", "0x0", "timestamp", ts, "baseFeePerGas", "0x3b9aca00", "extraData", "0x");
}

/* Writes a diff record: the block (or the next block, for an edit) it belongs to, then the undo bytes. */
static void put_diff(braid_node *n, braid_store_txn *t, uint64_t number, const braid_buf *undo) {
    uint8_t key[8];
    braid_store_be64(n->diff_seq, key);
    braid_buf rec;
    braid_buf_init(&rec);
    uint8_t num[8];
    braid_store_be64(number, num);
    braid_buf_append(&rec, num, 8);
    braid_buf_append(&rec, undo->data, undo->len);
    braid_store_put(t, BRAID_T_DIFFS, key, 8, rec.data, rec.len);
    braid_buf_free(&rec);
    n->diff_seq++;
    braid_store_put_u64(t, "diff_seq", n->diff_seq);
}

static int create_chain(braid_node *n, json_t *genesis, char *err, size_t err_len) {
    braid_state *state = braid_state_create(n->codes, NULL);
    braid_genesis g;
    int rc = braid_genesis_from_json(genesis, state, &g, err, err_len);
    if (rc) {
        braid_state_destroy(state);
        return -1;
    }
    n->cfg = g.cfg;
    braid_store_txn *t = braid_store_begin_write(n->store);
    if (!t) {
        braid_state_destroy(state);
        return braid_errorf(err, err_len, "cannot begin a database transaction");
    }
    braid_buf undo;
    braid_buf_init(&undo);
    braid_hash root;
    rc = braid_store_apply_state(t, state, &BRAID_EMPTY_TRIE_ROOT, &root, &undo, err, err_len);
    braid_buf_free(&undo);
    braid_state_destroy(state);
    if (rc == 0 && !braid_hash_eq(&root, &g.header.state_root)) {
        rc = braid_errorf(err, err_len, "genesis state root from the trie differs from the one computed at once");
    }
    braid_block block = {.header = g.header, .has_withdrawals = g.header.has_withdrawals_root};
    if (rc == 0) rc = chain_store_block(t, &block, NULL, 0);
    char *text = json_dumps(genesis, JSON_COMPACT | JSON_SORT_KEYS);
    braid_store_put(t, BRAID_T_META, "genesis", 7, text, strlen(text));
    free(text);
    braid_store_put_u64(t, "head", 0);
    braid_store_put(t, BRAID_T_META, "root", 4, root.b, 32);
    braid_store_put_u64(t, "diff_seq", 0);
    if (rc) {
        braid_store_abort(t);
        return -1;
    }
    if (braid_store_commit(t, err, err_len)) return -1;
    n->head = g.header;
    n->root = root;
    n->genesis_hash = g.header.hash;
    n->diff_seq = 0;
    return 0;
}

/* Reads the chain's configuration back from the genesis it was created with. */
static int open_chain(braid_node *n, braid_store_txn *t, json_t *given, char *err, size_t err_len) {
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_META, "genesis", 7, &v))
        return braid_errorf(err, err_len, "the database has a head but no genesis: not a braid data directory?");
    json_error_t jerr;
    json_t *stored = json_loadb((const char *)v.data, v.len, 0, &jerr);
    if (!stored) return braid_errorf(err, err_len, "the stored genesis is unreadable: %s", jerr.text);
    braid_state *scratch = braid_state_create(n->codes, NULL);
    braid_genesis g;
    int rc = braid_genesis_from_json(stored, scratch, &g, err, err_len);
    braid_state_destroy(scratch);
    if (rc == 0 && given && !n->opt.dev) {
        braid_state *s2 = braid_state_create(n->codes, NULL);
        braid_genesis g2;
        rc = braid_genesis_from_json(given, s2, &g2, err, err_len);
        braid_state_destroy(s2);
        if (rc == 0 && !braid_hash_eq(&g2.header.hash, &g.header.hash))
            rc = braid_errorf(err, err_len, "the genesis file does not match the chain in the data directory "
                                            "(start with a fresh --datadir to use it)");
    }
    json_decref(stored);
    if (rc) return -1;
    n->cfg = g.cfg;
    n->genesis_hash = g.header.hash;
    uint64_t head;
    if (!chain_head(t, &head) || !chain_header(t, head, &n->head))
        return braid_errorf(err, err_len, "the head block is missing from the database");
    if (!braid_store_get(t, BRAID_T_META, "root", 4, &v) || v.len != 32)
        return braid_errorf(err, err_len, "the state root is missing from the database");
    memcpy(n->root.b, v.data, 32);
    if (!braid_store_get_u64(t, "diff_seq", &n->diff_seq)) n->diff_seq = 0;
    /* The root node must be there for the next block to be built on it. */
    if (!braid_hash_eq(&n->root, &BRAID_EMPTY_TRIE_ROOT) && !braid_store_get(t, BRAID_T_TRIE, n->root.b, 32, &v))
        return braid_errorf(err, err_len, "the state trie's root node is missing from the database");
    return 0;
}

/* ---- block production ---- */

static void build_header(braid_node *n, const braid_header *parent, uint64_t timestamp, braid_header *h) {
    memset(h, 0, sizeof *h);
    braid_fork parent_fork = braid_chain_fork_at(&n->cfg, parent->number, parent->timestamp);
    h->parent_hash = parent->hash;
    static const uint8_t empty_list = 0xc0;
    braid_keccak256(&empty_list, 1, h->ommers_hash.b);
    h->number = parent->number + 1;
    h->timestamp = timestamp > parent->timestamp ? timestamp : parent->timestamp + 1;
    braid_fork fork = braid_chain_fork_at(&n->cfg, h->number, h->timestamp);
    h->gas_limit = n->opt.gas_limit ? n->opt.gas_limit : parent->gas_limit;
    h->difficulty = BRAID_U256_ZERO;
    /* PREVRANDAO: no beacon chain here; derived from the parent so that it differs block to block. */
    braid_keccak256(parent->hash.b, 32, h->mix_hash.b);
    h->has_base_fee = fork >= BRAID_FORK_LONDON;
    h->base_fee = braid_base_fee_next(parent, parent_fork);
    h->has_withdrawals_root = fork >= BRAID_FORK_SHANGHAI;
    h->has_blob_gas = h->has_beacon_root = fork >= BRAID_FORK_CANCUN;
    if (h->has_blob_gas) h->excess_blob_gas = braid_excess_blob_gas_next(parent);
}

/* Copies of the pool's transactions (the pool may change while the block executes). */
static size_t take_pending(braid_node *n, const braid_header *head, size_t max_txs, braid_signed_tx **out) {
    pthread_mutex_lock(&n->pool_lock);
    braid_store_txn *t = braid_store_begin_read(n->store);
    braid_mempool_head ph;
    node_pool_head(n, head, t, &ph);
    size_t cap = max_txs ? max_txs : 200000;
    const braid_signed_tx **sel = braid_xmalloc(cap * sizeof *sel);
    size_t k = braid_mempool_select(n->pool, &ph, ph.gas_limit, sel, cap);
    braid_store_abort(t);
    braid_signed_tx *txs = braid_xcalloc(k ? k : 1, sizeof *txs);
    char err[128];
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (braid_signed_tx_decode(sel[i]->encoded, sel[i]->encoded_len, &txs[m], err, sizeof err) != 0) continue;
        txs[m].tx.sender = sel[i]->tx.sender;
        m++;
    }
    free(sel);
    pthread_mutex_unlock(&n->pool_lock);
    *out = txs;
    return m;
}

static void drop_from_pool(braid_node *n, const braid_signed_tx *tx) {
    pthread_mutex_lock(&n->pool_lock);
    braid_mempool_remove(n->pool, &tx->hash);
    pthread_mutex_unlock(&n->pool_lock);
}

int node_mine(braid_node *n, size_t max_txs, uint64_t timestamp, bool allow_empty, size_t *mined, char *err,
              size_t err_len) {
    *mined = 0;
    pthread_mutex_lock(&n->chain_lock);
    double t0 = now_ms();
    braid_header parent = node_head(n);
    braid_signed_tx *txs;
    size_t n_txs = take_pending(n, &parent, max_txs, &txs);
    if (n_txs == 0 && !allow_empty) {
        free(txs);
        pthread_mutex_unlock(&n->chain_lock);
        return 0;
    }
    double t_take = now_ms();
    braid_block block = {.txs = txs, .n_txs = n_txs};
    build_header(n, &parent, timestamp ? timestamp : (uint64_t)time(NULL), &block.header);
    block.has_withdrawals = block.header.has_withdrawals_root;

    braid_store_txn *hashes_txn = braid_store_begin_read(n->store);
    braid_block_hashes hashes = {.ctx = hashes_txn, .get = chain_block_hash};
    braid_block_options bopt = {0};
    braid_block_result res;
    braid_stm_stats stats;
    int rc;
    /* A transaction the pool let in may still be invalid here (an earlier one in the block spent the
     * sender's balance): drop it and run the block again without it. */
    for (;;) {
        braid_store_source_refresh(n->source);
        braid_state_reset(n->exec_state);
        rc = braid_executor_execute(n->ex, n->exec_state, &n->cfg, &block, &hashes, &bopt, &res, &stats);
        if (rc == 0 || res.error != BRAID_BLOCK_ERR_INVALID_TX || res.failed_tx >= block.n_txs) break;
        size_t bad = res.failed_tx;
        node_log(n, "dropping transaction %zu of the next block: %s", bad, res.message);
        drop_from_pool(n, &block.txs[bad]);
        /* The sender's later transactions would fail on the nonce gap: they wait in the pool instead. */
        braid_address sender = block.txs[bad].tx.sender;
        size_t kept = bad;
        for (size_t i = bad; i < block.n_txs; i++) {
            if (braid_address_eq(&block.txs[i].tx.sender, &sender))
                braid_signed_tx_free(&block.txs[i]);
            else
                block.txs[kept++] = block.txs[i];
        }
        block.n_txs = kept;
        braid_block_result_free(&res);
    }
    braid_store_abort(hashes_txn);
    double t_exec = now_ms();
    if (rc != 0) {
        braid_errorf(err, err_len, "block %" PRIu64 " failed: %s", block.header.number, res.message);
        braid_block_result_free(&res);
        goto out;
    }
    braid_header *h = &block.header;
    h->gas_used = res.gas_used;
    h->tx_root = res.tx_root;
    h->receipts_root = res.receipts_root;
    h->withdrawals_root = res.withdrawals_root;
    memcpy(h->bloom, res.bloom, BRAID_BLOOM_SIZE);
    h->blob_gas_used = res.blob_gas_used;

    braid_store_txn *t = braid_store_begin_write(n->store);
    braid_buf undo;
    braid_buf_init(&undo);
    braid_hash root;
    rc = t ? braid_store_apply_state(t, n->exec_state, &n->root, &root, &undo, err, err_len)
           : braid_errorf(err, err_len, "cannot begin a database transaction");
    double t_root = now_ms();
    if (rc == 0) {
        h->state_root = root;
        braid_buf enc;
        braid_buf_init(&enc);
        braid_header_encode(h, &enc);
        braid_buf_free(&enc);
        chain_store_block(t, &block, res.receipts, res.n_receipts);
        put_diff(n, t, h->number, &undo);
        braid_store_put_u64(t, "head", h->number);
        braid_store_put(t, BRAID_T_META, "root", 4, root.b, 32);
        rc = braid_store_commit(t, err, err_len);
    } else if (t) {
        braid_store_abort(t);
    }
    braid_buf_free(&undo);
    braid_block_result_free(&res);
    if (rc != 0) {
        /* Nothing was written: the sequence counter goes back with the database. */
        braid_store_txn *rt = braid_store_begin_read(n->store);
        if (rt) {
            braid_store_get_u64(rt, "diff_seq", &n->diff_seq);
            braid_store_abort(rt);
        }
        goto out;
    }
    braid_store_source_refresh(n->source);
    double t_commit = now_ms();
    *mined = block.n_txs;

    pthread_mutex_lock(&n->pool_lock);
    n->head = *h;
    n->root = root;
    braid_store_txn *rt = braid_store_begin_read(n->store);
    braid_mempool_head ph;
    node_pool_head(n, h, rt, &ph);
    braid_mempool_prune(n->pool, &ph);
    braid_store_abort(rt);
    pthread_mutex_unlock(&n->pool_lock);
    double exec_ms = t_exec - t_take;
    node_log(n,
             "block %" PRIu64 " txs=%zu gas=%" PRIu64 " pool=%.1fms exec=%.1fms (%.0f Mgas/s, %s) state+root=%.1fms "
             "commit=%.1fms hash=0x%02x%02x%02x%02x..",
             h->number, block.n_txs, h->gas_used, t_take - t0, exec_ms, exec_ms > 0 ? h->gas_used / exec_ms / 1e3 : 0.0,
             stats.sequential ? "in order" : "block-stm", t_root - t_exec, t_commit - t_root, h->hash.b[0],
             h->hash.b[1], h->hash.b[2], h->hash.b[3]);
out:
    for (size_t i = 0; i < block.n_txs; i++) braid_signed_tx_free(&block.txs[i]);
    free(block.txs);
    pthread_mutex_unlock(&n->chain_lock);
    return rc;
}

/* Automine seals a block per transaction as soon as one is pending; otherwise a block every block time
 * when anything is pending. Submissions wake the sequencer only under automine: a burst of thousands
 * of transactions must not make it recount the pool thousands of times. */
static void *sequencer_main(void *arg) {
    braid_node *n = arg;
    double next = now_ms() + (double)n->opt.block_time_ms;
    pthread_mutex_lock(&n->pool_lock);
    while (!n->stopping) {
        bool automine = n->automine;
        double now = now_ms();
        /* automine switched off by evm_setAutomine on a --block-time 0 node: blocks only on evm_mine */
        bool on_request = n->opt.no_mining || n->opt.block_time_ms == 0;
        if (!automine && (on_request || now < next)) {
            double wait_ms = on_request ? 500 : next - now;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            long long ns = ts.tv_nsec + (long long)(wait_ms * 1e6);
            ts.tv_sec += ns / 1000000000;
            ts.tv_nsec = ns % 1000000000;
            pthread_cond_timedwait(&n->pool_cond, &n->pool_lock, &ts);
            continue;
        }
        uint64_t seen = n->submitted;
        pthread_mutex_unlock(&n->pool_lock);
        size_t mined = 0;
        char err[256];
        if (node_mine(n, automine ? 1 : 0, 0, false, &mined, err, sizeof err) != 0) node_log(n, "error: %s", err);
        next += (double)n->opt.block_time_ms;
        if (next < now_ms()) next = now_ms() + (double)n->opt.block_time_ms;
        pthread_mutex_lock(&n->pool_lock);
        if (automine && mined == 0 && seen == n->submitted && !n->stopping) pthread_cond_wait(&n->pool_cond, &n->pool_lock);
    }
    pthread_mutex_unlock(&n->pool_lock);
    return NULL;
}

/* ---- dev edits ---- */

int node_set_balance(braid_node *n, const braid_address *addr, const braid_u256 *balance, char *err, size_t err_len) {
    pthread_mutex_lock(&n->chain_lock);
    braid_store_source_refresh(n->source);
    braid_state_reset(n->exec_state);
    braid_state_account acc = {.code = braid_code_empty()};
    braid_state_peek_account(n->exec_state, addr, &acc);
    braid_state_put_account(n->exec_state, addr, acc.nonce, *balance, acc.code);
    braid_store_txn *t = braid_store_begin_write(n->store);
    braid_buf undo;
    braid_buf_init(&undo);
    braid_hash root;
    int rc = t ? braid_store_apply_state(t, n->exec_state, &n->root, &root, &undo, err, err_len)
               : braid_errorf(err, err_len, "cannot begin a database transaction");
    if (rc == 0) {
        put_diff(n, t, n->head.number + 1, &undo);
        braid_store_put(t, BRAID_T_META, "root", 4, root.b, 32);
        rc = braid_store_commit(t, err, err_len);
        if (rc) n->diff_seq--; /* the diff was not written after all */
    } else {
        braid_store_abort(t);
    }
    braid_buf_free(&undo);
    braid_state_reset(n->exec_state);
    braid_store_source_refresh(n->source);
    if (rc == 0) {
        pthread_mutex_lock(&n->pool_lock);
        n->root = root;
        pthread_mutex_unlock(&n->pool_lock);
    }
    pthread_mutex_unlock(&n->chain_lock);
    return rc;
}

uint64_t node_snapshot_take(braid_node *n) {
    pthread_mutex_lock(&n->chain_lock);
    pthread_mutex_lock(&n->pool_lock);
    if (n->n_snapshots == NODE_MAX_SNAPSHOTS) { /* the oldest goes */
        memmove(n->snapshots, n->snapshots + 1, (NODE_MAX_SNAPSHOTS - 1) * sizeof *n->snapshots);
        n->n_snapshots--;
    }
    node_snapshot *s = &n->snapshots[n->n_snapshots++];
    *s = (node_snapshot){.id = ++n->next_snapshot, .head = n->head.number, .diff_seq = n->diff_seq, .root = n->root};
    uint64_t id = s->id;
    pthread_mutex_unlock(&n->pool_lock);
    pthread_mutex_unlock(&n->chain_lock);
    return id;
}

typedef struct diff_list {
    uint64_t from;
    braid_buf keys; /* 8-byte keys of the diffs to undo, in order */
} diff_list;

static bool collect_diff(void *ctx, braid_store_val key, braid_store_val val) {
    diff_list *d = ctx;
    if (key.len == 8 && braid_store_read_be64(key.data) >= d->from) braid_buf_append(&d->keys, key.data, 8);
    return true;
}

bool node_snapshot_revert(braid_node *n, uint64_t id, char *err, size_t err_len) {
    pthread_mutex_lock(&n->chain_lock);
    size_t i = 0;
    while (i < n->n_snapshots && n->snapshots[i].id != id) i++;
    if (i == n->n_snapshots) {
        pthread_mutex_unlock(&n->chain_lock);
        return false;
    }
    node_snapshot s = n->snapshots[i];
    braid_store_txn *t = braid_store_begin_write(n->store);
    if (!t) {
        pthread_mutex_unlock(&n->chain_lock);
        braid_errorf(err, err_len, "cannot begin a database transaction");
        return false;
    }
    diff_list d = {.from = s.diff_seq};
    braid_buf_init(&d.keys);
    uint8_t from[8];
    braid_store_be64(s.diff_seq, from);
    braid_store_scan_from(t, BRAID_T_DIFFS, from, 8, 0, collect_diff, &d);
    int rc = 0;
    for (size_t k = d.keys.len / 8; rc == 0 && k-- > 0;) {
        braid_store_val v;
        if (!braid_store_get(t, BRAID_T_DIFFS, d.keys.data + 8 * k, 8, &v) || v.len < 8) continue;
        braid_buf copy; /* undo rewrites the tables the value lives in */
        braid_buf_init(&copy);
        braid_buf_append(&copy, v.data + 8, v.len - 8);
        rc = braid_store_undo(t, copy.data, copy.len, err, err_len);
        braid_buf_free(&copy);
        braid_store_del(t, BRAID_T_DIFFS, d.keys.data + 8 * k, 8);
    }
    braid_buf_free(&d.keys);
    uint64_t head = 0;
    chain_head(t, &head);
    for (uint64_t b = head; b > s.head; b--) chain_remove_block(t, b);
    braid_store_put_u64(t, "head", s.head);
    braid_store_put(t, BRAID_T_META, "root", 4, s.root.b, 32);
    braid_store_put_u64(t, "diff_seq", s.diff_seq);
    braid_header h;
    bool have = chain_header(t, s.head, &h);
    if (rc == 0 && have) rc = braid_store_commit(t, err, err_len);
    else {
        braid_store_abort(t);
        if (rc == 0) rc = braid_errorf(err, err_len, "block %" PRIu64 " is missing", s.head);
    }
    if (rc == 0) {
        braid_store_source_refresh(n->source);
        pthread_mutex_lock(&n->pool_lock);
        n->head = h;
        n->root = s.root;
        n->diff_seq = s.diff_seq;
        n->n_snapshots = i; /* this snapshot and later ones are used up */
        braid_store_txn *rt = braid_store_begin_read(n->store);
        braid_mempool_head ph;
        node_pool_head(n, &h, rt, &ph);
        braid_mempool_prune(n->pool, &ph);
        braid_store_abort(rt);
        pthread_mutex_unlock(&n->pool_lock);
        node_log(n, "reverted to snapshot %" PRIu64 ": head is block %" PRIu64, id, s.head);
    }
    pthread_mutex_unlock(&n->chain_lock);
    return rc == 0;
}

/* The flat tables' state recomputed from scratch must give the root the node keeps incrementally. */
static int verify_state(braid_node *n, char *err, size_t err_len) {
    braid_store_txn *t = braid_store_begin_read(n->store);
    if (!t) return braid_errorf(err, err_len, "cannot begin a database transaction");
    braid_hash root;
    char sub[256];
    double t0 = now_ms();
    int rc = braid_store_verify_state(t, &root, sub, sizeof sub);
    braid_store_abort(t);
    if (rc) return braid_errorf(err, err_len, "state check failed: %s", sub);
    if (!braid_hash_eq(&root, &n->root)) return braid_errorf(err, err_len, "state check failed: the tables' root differs from the recorded one");
    node_log(n, "state verified: the root recomputed from every account and slot equals the recorded one, %s (%.0f ms)",
             braid_hash_eq(&root, &n->head.state_root) ? "the head block's" : "the head block's plus dev edits since",
             now_ms() - t0);
    return 0;
}

/* ---- JSON-RPC surface ---- */

void node_register(braid_node *n, const char *name, braid_rpc_method fn) {
    const char *api = n->opt.http_api;
    if (api) {
        size_t ns = strcspn(name, "_");
        bool listed = false;
        for (const char *p = api; *p && !listed;) {
            size_t len = strcspn(p, ",");
            listed = len == ns && strncmp(p, name, ns) == 0;
            p += len + (p[len] == ',');
        }
        if (!listed) return;
    }
    braid_rpc_register(n->rpc, name, fn, n);
}

uint64_t node_gas_cap(const braid_node *n) { return n->opt.rpc_gas_cap ? n->opt.rpc_gas_cap : 50000000; }

static int64_t evm_timeout_ms(const braid_node *n) {
    return n->opt.rpc_evm_timeout_ms ? n->opt.rpc_evm_timeout_ms : 5000;
}

uint64_t node_call_deadline(const braid_node *n) {
    int64_t ms = evm_timeout_ms(n);
    return ms < 0 ? 0 : braid_clock_ns() + (uint64_t)ms * 1000000u;
}

json_t *node_call_timeout_error(const braid_node *n, braid_rpc_error *err) {
    /* As Go prints a duration: 500ms, 5s, 1.5s, 2m0s. */
    uint64_t ms = (uint64_t)evm_timeout_ms(n);
    char d[48];
    if (ms < 1000)
        snprintf(d, sizeof d, "%" PRIu64 "ms", ms);
    else if (ms < 60000 && ms % 1000)
        snprintf(d, sizeof d, "%" PRIu64 ".%03" PRIu64 "s", ms / 1000, ms % 1000);
    else if (ms < 60000)
        snprintf(d, sizeof d, "%" PRIu64 "s", ms / 1000);
    else if (ms < 3600000)
        snprintf(d, sizeof d, "%" PRIu64 "m%" PRIu64 "s", ms / 60000, ms % 60000 / 1000);
    else
        snprintf(d, sizeof d, "%" PRIu64 "h%" PRIu64 "m%" PRIu64 "s", ms / 3600000, ms % 3600000 / 60000,
                 ms % 60000 / 1000);
    if (strchr(d, '.')) /* 1.500s -> 1.5s */
        for (size_t len = strlen(d); d[len - 2] == '0'; len--) memmove(d + len - 2, d + len - 1, 2);
    return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "execution aborted (timeout = %s)", d);
}

/* ---- start and stop ---- */

static void print_dev_accounts(braid_node *n) {
    fprintf(n->log, "\nAvailable accounts (10,000 ETH each), mnemonic \"%s\", path m/44'/60'/0'/0/i\n",
            BRAID_DEV_MNEMONIC);
    for (size_t i = 0; i < n->n_dev; i++) {
        char addr[43], key[67];
        braid_hex_encode(n->dev_addr[i].b, 20, addr);
        braid_hex_encode(n->dev_key[i], 32, key);
        fprintf(n->log, "(%zu) %s  private key %s\n", i, addr, key);
    }
    fputc('\n', n->log);
}

braid_node *braid_node_start(const braid_node_options *opt, char *err, size_t err_len) {
    braid_node *n = braid_xcalloc(1, sizeof *n);
    n->opt = *opt;
    n->log = opt->log ? opt->log : stderr;
    if (!n->opt.datadir) n->opt.datadir = "./braid-data";
    pthread_mutex_init(&n->chain_lock, NULL);
    pthread_mutex_init(&n->pool_lock, NULL);
    pthread_cond_init(&n->pool_cond, NULL);
    pthread_mutex_init(&n->filter_lock, NULL);
    n->automine = opt->block_time_ms == 0 && !opt->no_mining;
    n->codes = braid_code_cache_create();
    json_t *genesis = NULL;
    if (opt->dev) {
        n->n_dev = NODE_DEV_ACCOUNTS;
        for (uint32_t i = 0; i < NODE_DEV_ACCOUNTS; i++)
            braid_mnemonic_account(BRAID_DEV_MNEMONIC, i, n->dev_key[i], &n->dev_addr[i]);
        genesis = dev_genesis(n);
    } else if (opt->genesis_path) {
        genesis = braid_json_load_file(opt->genesis_path, err, err_len);
        if (!genesis) goto fail;
    }
    braid_store_options so = {.no_sync = opt->no_sync};
    n->store = braid_store_open(n->opt.datadir, &so, err, err_len);
    if (!n->store) goto fail;
    braid_store_txn *t = braid_store_begin_read(n->store);
    uint64_t head;
    bool exists = t && chain_head(t, &head);
    int rc;
    if (exists) {
        rc = open_chain(n, t, genesis, err, err_len);
        braid_store_abort(t);
        if (rc) goto fail;
        node_log(n, "resumed the chain in %s at block %" PRIu64 " (the last one committed whole)", n->opt.datadir,
                 n->head.number);
        if (opt->verify_state && verify_state(n, err, err_len)) goto fail;
    } else {
        braid_store_abort(t);
        if (!genesis) {
            braid_errorf(err, err_len, "%s holds no chain: give --genesis FILE or --dev", n->opt.datadir);
            goto fail;
        }
        if (create_chain(n, genesis, err, err_len)) goto fail;
        node_log(n, "created a new chain in %s from %s", n->opt.datadir, opt->dev ? "the dev genesis" : opt->genesis_path);
    }
    json_decref(genesis);
    genesis = NULL;
    if (opt->dev && opt->has_chain_id && !braid_u256_eq(opt->chain_id, n->cfg.chain_id)) {
        braid_errorf(err, err_len, "--chain-id differs from the chain already in %s", n->opt.datadir);
        goto fail;
    }
    braid_mempool_config pc = {.chain_id = n->cfg.chain_id, .max_txs = opt->pool_size ? opt->pool_size : 100000,
                               .max_per_sender = 100000};
    n->pool = braid_mempool_create(&pc);
    n->ex = braid_executor_create(opt->threads);
    n->source = braid_store_source_create(n->store, n->codes, NULL);
    n->exec_state = braid_state_create(n->codes, braid_store_source_get(n->source));

    n->rpc = braid_rpc_create(opt->max_batch ? opt->max_batch : 1000);
    braid_rpc_set_batch_threads(n->rpc, braid_executor_threads(n->ex));
    braid_rpc_set_thread_stack(n->rpc, BRAID_VM_STACK_SIZE);
    node_rpc_register_eth(n);
    node_rpc_register_dev(n);
    braid_http_options ho = {
        .addr = opt->http_addr, .port = opt->http_port, .cors = opt->cors, .threads = 4, .rate_limit = opt->http_rate,
        .max_body = opt->http_max_body, .thread_stack = BRAID_VM_STACK_SIZE};
    n->http = braid_http_start(&ho, n->rpc, err, err_len);
    if (!n->http) goto fail;
    node_log(n, "chain id %" PRIu64 ", head block %" PRIu64 ", %u executor threads, %s", n->cfg.chain_id.w[0],
             n->head.number, braid_executor_threads(n->ex),
             opt->no_mining ? "mining on request only (evm_mine)"
             : n->automine  ? "automine: a block per transaction"
                            : "a block every block-time when transactions are pending");
    if (opt->dev) print_dev_accounts(n);
    node_log(n, "JSON-RPC on http://%s:%u", opt->http_addr ? opt->http_addr : "127.0.0.1", braid_http_port(n->http));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BRAID_VM_STACK_SIZE); /* blocks run on it when Block-STM is not used */
    int started = pthread_create(&n->sequencer, &attr, sequencer_main, n);
    pthread_attr_destroy(&attr);
    if (started != 0) {
        braid_errorf(err, err_len, "cannot start the sequencer thread");
        goto fail;
    }
    n->sequencer_started = true;
    return n;
fail:
    json_decref(genesis);
    braid_node_stop(n);
    return NULL;
}

uint16_t braid_node_port(const braid_node *n) { return braid_http_port(n->http); }

void braid_node_stop(braid_node *n) {
    if (!n) return;
    if (n->http) braid_http_stop(n->http);
    if (n->sequencer_started) {
        pthread_mutex_lock(&n->pool_lock);
        n->stopping = true;
        pthread_cond_broadcast(&n->pool_cond);
        pthread_mutex_unlock(&n->pool_lock);
        pthread_join(n->sequencer, NULL);
    }
    if (n->rpc) braid_rpc_destroy(n->rpc);
    if (n->exec_state) braid_state_destroy(n->exec_state);
    braid_executor_destroy(n->ex);
    braid_store_source_destroy(n->source);
    braid_mempool_destroy(n->pool);
    for (size_t i = 0; i < NODE_MAX_FILTERS; i++) json_decref(n->filters[i].criteria);
    if (n->store) node_log(n, "stopped at block %" PRIu64, n->head.number);
    braid_store_close(n->store);
    braid_code_cache_destroy(n->codes);
    pthread_mutex_destroy(&n->chain_lock);
    pthread_mutex_destroy(&n->pool_lock);
    pthread_cond_destroy(&n->pool_cond);
    pthread_mutex_destroy(&n->filter_lock);
    free(n);
}
