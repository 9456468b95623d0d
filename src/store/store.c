/* LMDB behind braid_store.h: the environment, its tables, transactions and typed records. */
#include "braid/braid_store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct braid_store {
    MDB_env *env;
    MDB_dbi dbi[BRAID_T_COUNT];
};

struct braid_store_txn {
    braid_store *store;
    MDB_txn *txn;
    bool write;
    bool is_reset; /* a read transaction holding no snapshot until renewed */
    char error[160]; /* first write error, empty when none */
};

static const char *const table_names[BRAID_T_COUNT] = {
    "meta", "accounts", "storage", "code", "trie", "headers", "hashes", "bodies", "receipts", "txs", "diffs", "logs",
};

braid_store *braid_store_open(const char *dir, const braid_store_options *opt, char *err, size_t err_len) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        braid_errorf(err, err_len, "cannot create data directory %s: %s", dir, strerror(errno));
        return NULL;
    }
    braid_store *s = braid_xcalloc(1, sizeof *s);
    int rc = mdb_env_create(&s->env);
    if (rc == 0) rc = mdb_env_set_maxdbs(s->env, BRAID_T_COUNT);
    if (rc == 0) rc = mdb_env_set_maxreaders(s->env, 1024);
    size_t map = opt && opt->map_size ? opt->map_size : (size_t)256 << 30;
    if (rc == 0) rc = mdb_env_set_mapsize(s->env, map);
    /* NOTLS: read transactions are not tied to the thread that began them (RPC handlers and executor
     * workers hand them around); NORDAHEAD: the state is read at random, read-ahead only wastes cache. */
    unsigned flags = MDB_NOTLS | MDB_NORDAHEAD | (opt && opt->no_sync ? MDB_NOSYNC : 0);
    if (rc == 0) rc = mdb_env_open(s->env, dir, flags, 0644);
    if (rc != 0) {
        braid_errorf(err, err_len, "cannot open database in %s: %s", dir, mdb_strerror(rc));
        mdb_env_close(s->env);
        free(s);
        return NULL;
    }
    MDB_txn *txn;
    rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < BRAID_T_COUNT; i++) rc = mdb_dbi_open(txn, table_names[i], MDB_CREATE, &s->dbi[i]);
    if (rc == 0) rc = mdb_txn_commit(txn);
    else if (txn) mdb_txn_abort(txn);
    if (rc != 0) {
        braid_errorf(err, err_len, "cannot open the tables in %s: %s", dir, mdb_strerror(rc));
        mdb_env_close(s->env);
        free(s);
        return NULL;
    }
    return s;
}

void braid_store_close(braid_store *s) {
    if (!s) return;
    mdb_env_close(s->env);
    free(s);
}

static braid_store_txn *begin(braid_store *s, bool write) {
    braid_store_txn *t = braid_xcalloc(1, sizeof *t);
    t->store = s;
    t->write = write;
    if (mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

braid_store_txn *braid_store_begin_read(braid_store *s) { return begin(s, false); }
braid_store_txn *braid_store_begin_write(braid_store *s) { return begin(s, true); }

int braid_store_commit(braid_store_txn *t, char *err, size_t err_len) {
    if (t->error[0]) {
        braid_errorf(err, err_len, "%s", t->error);
        mdb_txn_abort(t->txn);
        free(t);
        return -1;
    }
    int rc = mdb_txn_commit(t->txn);
    free(t);
    if (rc != 0) return braid_errorf(err, err_len, "database commit failed: %s", mdb_strerror(rc));
    return 0;
}

void braid_store_abort(braid_store_txn *t) {
    if (!t) return;
    mdb_txn_abort(t->txn);
    free(t);
}

const char *braid_store_error(const braid_store_txn *t) { return t->error[0] ? t->error : NULL; }

static int record_error(braid_store_txn *t, const char *what, int rc) {
    if (!t->error[0]) snprintf(t->error, sizeof t->error, "database %s failed: %s", what, mdb_strerror(rc));
    return -1;
}

bool braid_store_get(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len, braid_store_val *out) {
    MDB_val k = {key_len, (void *)key}, v;
    if (mdb_get(t->txn, t->store->dbi[tb], &k, &v) != 0) return false;
    out->data = v.mv_data;
    out->len = v.mv_size;
    return true;
}

int braid_store_put(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len, const void *val,
                    size_t val_len) {
    if (!t->write) return record_error(t, "write in a read transaction", EACCES);
    MDB_val k = {key_len, (void *)key}, v = {val_len, (void *)val};
    int rc = mdb_put(t->txn, t->store->dbi[tb], &k, &v, 0);
    return rc == 0 ? 0 : record_error(t, "write", rc);
}

int braid_store_del(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len) {
    if (!t->write) return record_error(t, "delete in a read transaction", EACCES);
    MDB_val k = {key_len, (void *)key};
    int rc = mdb_del(t->txn, t->store->dbi[tb], &k, NULL);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : record_error(t, "delete", rc);
}

void braid_store_scan_from(braid_store_txn *t, braid_store_table tb, const void *from, size_t from_len,
                           size_t prefix_len, bool (*fn)(void *ctx, braid_store_val key, braid_store_val val),
                           void *ctx) {
    MDB_cursor *c;
    if (prefix_len > from_len || mdb_cursor_open(t->txn, t->store->dbi[tb], &c) != 0) return;
    MDB_val k = {from_len, (void *)from}, v;
    int rc = from_len ? mdb_cursor_get(c, &k, &v, MDB_SET_RANGE) : mdb_cursor_get(c, &k, &v, MDB_FIRST);
    while (rc == 0) {
        if (prefix_len && (k.mv_size < prefix_len || memcmp(k.mv_data, from, prefix_len) != 0)) break;
        if (!fn(ctx, (braid_store_val){k.mv_data, k.mv_size}, (braid_store_val){v.mv_data, v.mv_size})) break;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
}

void braid_store_scan(braid_store_txn *t, braid_store_table tb, const void *prefix, size_t prefix_len,
                      bool (*fn)(void *ctx, braid_store_val key, braid_store_val val), void *ctx) {
    braid_store_scan_from(t, tb, prefix, prefix_len, prefix_len, fn, ctx);
}

/* ---- typed records ---- */

void braid_store_account_encode(const braid_store_account *acc, uint8_t out[BRAID_STORE_ACCOUNT_LEN]) {
    braid_store_be64(acc->nonce, out);
    braid_u256_to_be(acc->balance, out + 8);
    memcpy(out + 40, acc->code_hash.b, 32);
    memcpy(out + 72, acc->storage_root.b, 32);
}

bool braid_store_account_decode(const uint8_t *in, size_t len, braid_store_account *out) {
    if (len != BRAID_STORE_ACCOUNT_LEN) return false;
    out->nonce = braid_store_read_be64(in);
    out->balance = braid_u256_from_be(in + 8);
    memcpy(out->code_hash.b, in + 40, 32);
    memcpy(out->storage_root.b, in + 72, 32);
    return true;
}

bool braid_store_get_account(braid_store_txn *t, const braid_address *addr, braid_store_account *out) {
    braid_store_val v;
    return braid_store_get(t, BRAID_T_ACCOUNTS, addr->b, 20, &v) && braid_store_account_decode(v.data, v.len, out);
}

int braid_store_put_account(braid_store_txn *t, const braid_address *addr, const braid_store_account *acc) {
    uint8_t rec[BRAID_STORE_ACCOUNT_LEN];
    braid_store_account_encode(acc, rec);
    return braid_store_put(t, BRAID_T_ACCOUNTS, addr->b, 20, rec, sizeof rec);
}

static void slot_key(const braid_address *addr, const braid_u256 *key, uint8_t out[52]) {
    memcpy(out, addr->b, 20);
    braid_u256_to_be(*key, out + 20);
}

braid_u256 braid_store_get_slot(braid_store_txn *t, const braid_address *addr, const braid_u256 *key) {
    uint8_t k[52];
    slot_key(addr, key, k);
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_STORAGE, k, sizeof k, &v) || v.len > 32) return BRAID_U256_ZERO;
    return braid_u256_from_be_n(v.data, v.len);
}

int braid_store_put_slot(braid_store_txn *t, const braid_address *addr, const braid_u256 *key, const braid_u256 *value) {
    uint8_t k[52];
    slot_key(addr, key, k);
    if (braid_u256_is_zero(*value)) return braid_store_del(t, BRAID_T_STORAGE, k, sizeof k);
    /* Stored without leading zeros: most values are small (balances, counters, flags). */
    uint8_t be[32];
    braid_u256_to_be(*value, be);
    unsigned n = braid_u256_byte_len(*value);
    return braid_store_put(t, BRAID_T_STORAGE, k, sizeof k, be + 32 - n, n);
}

bool braid_store_get_u64(braid_store_txn *t, const char *name, uint64_t *out) {
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_META, name, strlen(name), &v) || v.len != 8) return false;
    *out = braid_store_read_be64(v.data);
    return true;
}

int braid_store_put_u64(braid_store_txn *t, const char *name, uint64_t v) {
    uint8_t be[8];
    braid_store_be64(v, be);
    return braid_store_put(t, BRAID_T_META, name, strlen(name), be, 8);
}

void braid_store_txn_reset(braid_store_txn *t) {
    if (t->write || t->is_reset) return;
    mdb_txn_reset(t->txn);
    t->is_reset = true;
}

int braid_store_txn_renew(braid_store_txn *t) {
    if (t->write) return -1;
    braid_store_txn_reset(t);
    if (mdb_txn_renew(t->txn) != 0) return -1;
    t->is_reset = false;
    return 0;
}
