/* The node's database: every valid block of the BlockchainTests (ValidBlocks) executed over the LMDB
 * store, its state diff written into the flat tables and the tries, and the incrementally computed root
 * compared with the block header's (the genesis root too, from the pre-state written into an empty
 * database). Then every block's undo record applied newest first must give back exactly the genesis
 * tables. Plus persistence across reopening and hostile records. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_store.h"
#include "braid/braid_trie.h"
#include "fixture_walk.h"
#include "test_util.h"

static char tmpdir[256];

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static braid_store *fresh_store(void) {
    remove_dir(tmpdir);
    braid_store_options o = {.map_size = (size_t)1 << 30, .no_sync = true};
    char err[256];
    braid_store *s = braid_store_open(tmpdir, &o, err, sizeof err);
    if (!s) fprintf(stderr, "%s\n", err);
    return s;
}

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

/* Everything in the flat tables, as one text (the undo check compares two of them). */
static bool dump_kv(void *ctx, braid_store_val k, braid_store_val v) {
    braid_buf *b = ctx;
    braid_buf_append(b, &k.len, sizeof k.len);
    braid_buf_append(b, k.data, k.len);
    braid_buf_append(b, &v.len, sizeof v.len);
    braid_buf_append(b, v.data, v.len);
    return true;
}

static void dump_flat(braid_store *s, braid_buf *out) {
    braid_buf_clear(out);
    braid_store_txn *t = braid_store_begin_read(s);
    braid_store_scan(t, BRAID_T_ACCOUNTS, NULL, 0, dump_kv, out);
    braid_buf_push(out, '|');
    braid_store_scan(t, BRAID_T_STORAGE, NULL, 0, dump_kv, out);
    braid_store_abort(t);
}

static size_t blocks_checked, tests_run;

static void run_test(const char *file, const char *name, const json_t *t, void *arg) {
    (void)arg;
    braid_fork fork;
    if (braid_fork_from_name(json_string_value(json_object_get(t, "network")), &fork)) return;
    braid_chain_config cfg;
    braid_chain_single_fork(&cfg, fork);
    braid_store *store = fresh_store();
    if (!store) return;
    tests_run++;
    braid_code_cache *codes = braid_code_cache_create();
    char err[256];
    braid_buf rlp, undo, genesis_tables, now;
    braid_buf_init(&rlp);
    braid_buf_init(&undo);
    braid_buf_init(&genesis_tables);
    braid_buf_init(&now);

    /* genesis: the pre-state into an empty database */
    braid_state *pre = braid_state_create(codes, NULL);
    CHECKF(braid_json_accounts(json_object_get(t, "pre"), pre, false, err, sizeof err) == 0, "%s %s: pre", file, name);
    braid_block genesis;
    braid_json_bytes(json_object_get(t, "genesisRLP"), &rlp);
    if (braid_block_decode(rlp.data, rlp.len, &genesis, err, sizeof err) != 0) {
        braid_state_destroy(pre);
        goto out;
    }
    history h = {.n = 0};
    h.hashes[h.n] = genesis.header.hash;
    h.numbers[h.n++] = genesis.header.number;
    braid_hash root;
    braid_store_txn *w = braid_store_begin_write(store);
    CHECKF(braid_store_apply_state(w, pre, &BRAID_EMPTY_TRIE_ROOT, &root, &undo, err, sizeof err) == 0, "%s", err);
    CHECKF(braid_hash_eq(&root, &genesis.header.state_root), "%s %s: genesis root from the trie", file, name);
    braid_store_commit(w, err, sizeof err);
    braid_state_destroy(pre);
    braid_block_free(&genesis);
    dump_flat(store, &genesis_tables);

    braid_store_source *src = braid_store_source_create(store, codes, NULL);
    braid_state *state = braid_state_create(codes, braid_store_source_get(src));
    braid_vm *vm = braid_vm_create();
    braid_buf undos[64];
    size_t n_undos = 0;
    const json_t *blocks = json_object_get(t, "blocks");
    for (size_t i = 0; i < json_array_size(blocks) && n_undos < 64; i++) {
        const json_t *jb = json_array_get(blocks, i);
        if (json_object_get(jb, "expectException")) continue;
        braid_block b;
        if (braid_json_bytes(json_object_get(jb, "rlp"), &rlp) || braid_block_decode(rlp.data, rlp.len, &b, err, sizeof err))
            continue;
        if (!braid_hash_eq(&b.header.parent_hash, &h.hashes[h.n - 1])) { /* side chains: out of scope */
            braid_block_free(&b);
            break;
        }
        size_t failed;
        braid_block_recover_senders(&b, &cfg, &failed, err, sizeof err);
        braid_block_hashes bh = {&h, lookup};
        braid_block_options opt = {0};
        braid_block_result res;
        braid_store_source_refresh(src);
        braid_state_reset(state);
        int rc = braid_block_execute(vm, state, &cfg, &b, &bh, &opt, &res);
        CHECKF(rc == 0, "%s %s block %zu: %s", file, name, i + 1, res.message);
        braid_block_result_free(&res);
        w = braid_store_begin_write(store);
        braid_buf_init(&undos[n_undos]);
        braid_hash before = root;
        CHECKF(braid_store_apply_state(w, state, &before, &root, &undos[n_undos], err, sizeof err) == 0, "%s", err);
        n_undos++;
        CHECKF(braid_hash_eq(&root, &b.header.state_root), "%s %s block %zu: incremental state root differs", file,
               name, i + 1);
        braid_hash scratch_root; /* and from scratch, from the flat tables alone */
        CHECKF(braid_store_verify_state(w, &scratch_root, err, sizeof err) == 0 &&
                   braid_hash_eq(&scratch_root, &b.header.state_root),
               "%s %s block %zu: the flat tables' root differs: %s", file, name, i + 1, err);
        braid_store_commit(w, err, sizeof err);
        blocks_checked++;
        h.hashes[h.n] = b.header.hash;
        h.numbers[h.n++] = b.header.number;
        braid_block_free(&b);
        if (h.n == 1024) break;
    }
    braid_state_destroy(state);
    braid_store_source_destroy(src);
    braid_vm_destroy(vm);
    /* newest first, each in its own transaction as evm_revert does: back to the genesis tables */
    for (size_t k = n_undos; k-- > 0;) {
        w = braid_store_begin_write(store);
        CHECKF(braid_store_undo(w, undos[k].data, undos[k].len, err, sizeof err) == 0, "%s", err);
        braid_store_commit(w, err, sizeof err);
        braid_buf_free(&undos[k]);
    }
    dump_flat(store, &now);
    CHECKF(now.len == genesis_tables.len && memcmp(now.data, genesis_tables.data, now.len) == 0,
           "%s %s: undoing every block does not give back the genesis tables", file, name);
out:
    braid_buf_free(&rlp);
    braid_buf_free(&undo);
    braid_buf_free(&genesis_tables);
    braid_buf_free(&now);
    braid_code_cache_destroy(codes);
    braid_store_close(store);
}

static void test_basics(void) {
    braid_store *s = fresh_store();
    char err[256];
    braid_store_txn *w = braid_store_begin_write(s);
    braid_address a = {{1, 2, 3}};
    braid_store_account acc = {.nonce = 7, .balance = braid_u256_from_u64(1000), .code_hash = BRAID_EMPTY_CODE_HASH,
                               .storage_root = BRAID_EMPTY_TRIE_ROOT};
    CHECK(braid_store_put_account(w, &a, &acc) == 0);
    braid_u256 k = braid_u256_from_u64(5), v = braid_u256_from_u64(0x1234), zero = BRAID_U256_ZERO;
    CHECK(braid_store_put_slot(w, &a, &k, &v) == 0);
    CHECK(braid_store_put_u64(w, "head", 42) == 0);
    /* the account claims an empty storage root over a slot it holds: the check from scratch says so */
    braid_hash vroot;
    CHECK(braid_store_verify_state(w, &vroot, err, sizeof err) == -1 && strstr(err, "storage roots differ"));
    /* a read transaction begun before the commit keeps its snapshot */
    CHECK(braid_store_commit(w, err, sizeof err) == 0);
    braid_store_close(s);

    braid_store_options o = {.map_size = (size_t)1 << 30, .no_sync = true};
    s = braid_store_open(tmpdir, &o, err, sizeof err); /* reopened: what was committed is there */
    braid_store_txn *r = braid_store_begin_read(s);
    braid_store_account got;
    uint64_t head;
    CHECK(braid_store_get_account(r, &a, &got) && got.nonce == 7 && braid_u256_eq(got.balance, acc.balance));
    CHECK(braid_u256_eq(braid_store_get_slot(r, &a, &k), v));
    CHECK(braid_store_get_u64(r, "head", &head) && head == 42);
    w = braid_store_begin_write(s);
    CHECK(braid_store_put_slot(w, &a, &k, &zero) == 0); /* zero deletes */
    /* an uncommitted write is invisible to the snapshot, then gone with the abort */
    CHECK(braid_u256_eq(braid_store_get_slot(r, &a, &k), v));
    braid_store_abort(w);
    braid_store_abort(r);
    r = braid_store_begin_read(s);
    CHECK(braid_u256_eq(braid_store_get_slot(r, &a, &k), v));
    /* hostile records: a wrong-length account or slot is absent, not read past its end */
    braid_store_abort(r);
    w = braid_store_begin_write(s);
    braid_store_put(w, BRAID_T_ACCOUNTS, a.b, 20, "short", 5);
    uint8_t sk[52] = {0};
    memcpy(sk, a.b, 20);
    uint8_t long_val[40] = {0};
    braid_store_put(w, BRAID_T_STORAGE, sk, 52, long_val, sizeof long_val);
    CHECK(!braid_store_get_account(w, &a, &got));
    braid_u256 k0 = BRAID_U256_ZERO;
    CHECK(braid_u256_is_zero(braid_store_get_slot(w, &a, &k0)));
    /* malformed undo records are refused whole */
    uint8_t bad_undo[] = {'A', 1, 2};
    CHECK(braid_store_undo(w, bad_undo, sizeof bad_undo, err, sizeof err) == -1);
    uint8_t bad_kind[] = {'Z', 0};
    CHECK(braid_store_undo(w, bad_kind, sizeof bad_kind, err, sizeof err) == -1);
    braid_store_abort(w);
    braid_store_close(s);
    /* a data directory that cannot be created */
    CHECK(braid_store_open("/proc/braid-no/such", &o, err, sizeof err) == NULL && strlen(err) > 0);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/braid-test-store-%d", (int)getpid());
    test_basics();
    walk_fixture_tests(SHARED_PATH("fixtures/ethereum-tests/BlockchainTests/ValidBlocks"), run_test, NULL);
    printf("store: %zu tests, %zu blocks: incremental roots against their headers, undo back to genesis\n",
           tests_run, blocks_checked);
    CHECK(blocks_checked >= 700); /* every single-chain valid block of the suite */
    remove_dir(tmpdir);
    return test_summary("store");
}
