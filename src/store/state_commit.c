/* A block's state diff into the database: flat tables, code, the storage tries and the state trie, all
 * updated along the changed paths only, with an undo record of what the flat tables held before.
 *
 * Undo records, in the order written (undone in reverse):
 *   'A' address(20) present(1) [account record(104) when present]
 *   'S' address(20) slot(32) n(1) value(n bytes, big-endian, n = 0 when absent)          */
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "braid/braid_mpt.h"
#include "braid/braid_rlp.h"
#include "braid/braid_state.h"
#include "braid/braid_store.h"
#include "braid/braid_trie.h"

static bool trie_get(void *ctx, const braid_hash *hash, const uint8_t **rlp, size_t *len) {
    braid_store_val v;
    if (!braid_store_get(ctx, BRAID_T_TRIE, hash->b, 32, &v)) return false;
    *rlp = v.data;
    *len = v.len;
    return true;
}

static void trie_put(void *ctx, const braid_hash *hash, const uint8_t *rlp, size_t len) {
    braid_store_put(ctx, BRAID_T_TRIE, hash->b, 32, rlp, len);
}

void braid_store_trie_nodes(braid_store_txn *t, braid_mpt_store *out) {
    *out = (braid_mpt_store){.ctx = t, .get = trie_get, .put = trie_put};
}

typedef struct commit_run {
    braid_store_txn *t;
    braid_mpt_store nodes;
    braid_mpt *accounts;   /* the state trie, open for the whole block */
    braid_buf *undo;
    /* the account being visited: its storage trie is open until the next account */
    bool open;
    braid_address addr;
    bool exists;
    braid_store_account acc;
    braid_mpt *storage;
    int failed;
    char err[160];
} commit_run;

static void fail(commit_run *r, const char *what) {
    if (!r->failed) braid_errorf(r->err, sizeof r->err, "%s", what);
    r->failed = 1;
}

static void undo_account(commit_run *r, const braid_address *addr) {
    braid_store_val v;
    bool had = braid_store_get(r->t, BRAID_T_ACCOUNTS, addr->b, 20, &v) && v.len == BRAID_STORE_ACCOUNT_LEN;
    braid_buf_push(r->undo, 'A');
    braid_buf_append(r->undo, addr->b, 20);
    braid_buf_push(r->undo, had);
    if (had) braid_buf_append(r->undo, v.data, v.len);
}

static void undo_slot(commit_run *r, const uint8_t key52[52], const braid_store_val *prev) {
    braid_buf_push(r->undo, 'S');
    braid_buf_append(r->undo, key52, 52);
    braid_buf_push(r->undo, (uint8_t)(prev ? prev->len : 0));
    if (prev) braid_buf_append(r->undo, prev->data, prev->len);
}

/* rlp(value) of a storage leaf: the value without leading zeros as an RLP string. */
static size_t slot_leaf(const braid_u256 *value, uint8_t out[33]) {
    braid_buf b = {out, 0, 33};
    braid_rlp_put_u256(&b, *value);
    return b.len;
}

static void finish_account(commit_run *r) {
    if (!r->open) return;
    r->open = false;
    uint8_t hkey[32];
    braid_keccak256(r->addr.b, 20, hkey);
    if (!r->exists) {
        if (braid_mpt_put(r->accounts, hkey, 32, NULL, 0) < 0) fail(r, "state trie node missing from the database");
        braid_store_del(r->t, BRAID_T_ACCOUNTS, r->addr.b, 20);
        return;
    }
    if (r->storage) {
        if (braid_mpt_commit(r->storage, &r->acc.storage_root) < 0) fail(r, "storage trie node missing from the database");
        braid_mpt_close(r->storage);
        r->storage = NULL;
    }
    uint8_t leaf[BRAID_ACCOUNT_LEAF_MAX];
    braid_buf b = {leaf, 0, sizeof leaf};
    braid_trie_account_leaf(&b, r->acc.nonce, r->acc.balance, &r->acc.storage_root, &r->acc.code_hash);
    if (braid_mpt_put(r->accounts, hkey, 32, leaf, b.len) < 0) fail(r, "state trie node missing from the database");
    braid_store_put_account(r->t, &r->addr, &r->acc);
}

typedef struct wipe_ctx {
    commit_run *r;
    uint8_t (*keys)[52];
    size_t n, cap;
} wipe_ctx;

static bool collect_slot(void *ctx, braid_store_val key, braid_store_val val) {
    wipe_ctx *w = ctx;
    if (key.len != 52) return true;
    undo_slot(w->r, key.data, &val);
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->keys = braid_xrealloc(w->keys, w->cap * sizeof *w->keys);
    }
    memcpy(w->keys[w->n++], key.data, 52);
    return true;
}

static void visit_account(void *ctx, const braid_address *addr, const braid_state_account *now, bool wiped) {
    commit_run *r = ctx;
    finish_account(r);
    undo_account(r, addr);
    braid_store_account prev;
    bool had = braid_store_get_account(r->t, addr, &prev);
    if (!had) prev = (braid_store_account){.code_hash = BRAID_EMPTY_CODE_HASH, .storage_root = BRAID_EMPTY_TRIE_ROOT};
    if (wiped || !now) {
        /* Deleting while a cursor walks the table is not allowed: collect, then delete. */
        wipe_ctx w = {.r = r};
        braid_store_scan(r->t, BRAID_T_STORAGE, addr->b, 20, collect_slot, &w);
        for (size_t i = 0; i < w.n; i++) braid_store_del(r->t, BRAID_T_STORAGE, w.keys[i], 52);
        free(w.keys);
        prev.storage_root = BRAID_EMPTY_TRIE_ROOT;
    }
    r->open = true;
    r->addr = *addr;
    r->exists = now != NULL;
    if (!now) return;
    r->acc = (braid_store_account){
        .nonce = now->nonce,
        .balance = now->balance,
        .code_hash = now->code->hash,
        .storage_root = prev.storage_root,
    };
    if (now->code->len && !braid_hash_eq(&now->code->hash, &prev.code_hash)) {
        braid_store_val v;
        if (!braid_store_get(r->t, BRAID_T_CODE, now->code->hash.b, 32, &v))
            braid_store_put(r->t, BRAID_T_CODE, now->code->hash.b, 32, now->code->bytes, now->code->len);
    }
}

static void visit_slot(void *ctx, const braid_address *addr, const braid_u256 *key, const braid_u256 *value) {
    commit_run *r = ctx;
    uint8_t k[52];
    memcpy(k, addr->b, 20);
    braid_u256_to_be(*key, k + 20);
    braid_store_val prev;
    bool had = braid_store_get(r->t, BRAID_T_STORAGE, k, 52, &prev);
    undo_slot(r, k, had ? &prev : NULL);
    braid_store_put_slot(r->t, addr, key, value);
    if (!r->storage) r->storage = braid_mpt_open(&r->nodes, &r->acc.storage_root);
    uint8_t hkey[32], leaf[33];
    braid_keccak256(k + 20, 32, hkey);
    size_t n = braid_u256_is_zero(*value) ? 0 : slot_leaf(value, leaf);
    if (braid_mpt_put(r->storage, hkey, 32, leaf, n) < 0) fail(r, "storage trie node missing from the database");
}

int braid_store_apply_state(braid_store_txn *t, braid_state *state, const braid_hash *root_before,
                            braid_hash *root_after, braid_buf *undo, char *err, size_t err_len) {
    commit_run r = {.t = t, .undo = undo};
    braid_store_trie_nodes(t, &r.nodes);
    r.accounts = braid_mpt_open(&r.nodes, root_before);
    braid_state_visitor v = {.ctx = &r, .account = visit_account, .slot = visit_slot};
    braid_state_changes(state, &v);
    finish_account(&r);
    if (r.storage) braid_mpt_close(r.storage);
    if (braid_mpt_commit(r.accounts, root_after) < 0) fail(&r, "state trie node missing from the database");
    braid_mpt_close(r.accounts);
    if (r.failed) return braid_errorf(err, err_len, "%s", r.err);
    const char *dberr = braid_store_error(t);
    if (dberr) return braid_errorf(err, err_len, "%s", dberr);
    return 0;
}

int braid_store_undo(braid_store_txn *t, const uint8_t *undo, size_t len, char *err, size_t err_len) {
    /* Records are walked forward to find their starts, then applied last first. */
    size_t cap = 64, n = 0;
    size_t *starts = braid_xmalloc(cap * sizeof *starts);
    for (size_t p = 0; p < len;) {
        if (n == cap) starts = braid_xrealloc(starts, (cap *= 2) * sizeof *starts);
        starts[n++] = p;
        if (undo[p] == 'A' && p + 22 <= len) {
            p += 22 + (undo[p + 21] ? BRAID_STORE_ACCOUNT_LEN : 0);
        } else if (undo[p] == 'S' && p + 54 <= len && undo[p + 53] <= 32) {
            p += 54 + undo[p + 53];
        } else {
            free(starts);
            return braid_errorf(err, err_len, "undo record %zu is malformed", n - 1);
        }
        if (p > len) {
            free(starts);
            return braid_errorf(err, err_len, "undo record %zu is truncated", n - 1);
        }
    }
    while (n--) {
        const uint8_t *rec = undo + starts[n];
        if (rec[0] == 'A') {
            if (rec[21])
                braid_store_put(t, BRAID_T_ACCOUNTS, rec + 1, 20, rec + 22, BRAID_STORE_ACCOUNT_LEN);
            else
                braid_store_del(t, BRAID_T_ACCOUNTS, rec + 1, 20);
        } else if (rec[53]) {
            braid_store_put(t, BRAID_T_STORAGE, rec + 1, 52, rec + 54, rec[53]);
        } else {
            braid_store_del(t, BRAID_T_STORAGE, rec + 1, 52);
        }
    }
    free(starts);
    const char *dberr = braid_store_error(t);
    return dberr ? braid_errorf(err, err_len, "%s", dberr) : 0;
}
