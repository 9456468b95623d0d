/* Oracle: a braid_mpt driven by any sequence of put / delete / get / commit / reopen operations over an
 * in-memory node store agrees with a model map: every get returns the model's value, and every commit's
 * root equals braid_trie_root over the model's pairs (the stateless reference). Reopening at a committed
 * root must see the same contents, which checks that commit wrote every node it later needs.
 *
 * Input: a stream of ops. Op byte % 5: 0 put (key, then a value length % 70 so values fall on both
 * sides of the 32-byte embedding threshold, then the value), 1 delete (key), 2 get (key), 3 commit,
 * 4 commit + close + reopen at the root. A key is a length byte (% 6 + 1: short keys share prefixes,
 * which is where branches and extensions split and merge) and that many bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_mpt.h"
#include "braid/braid_trie.h"

#define MAX_KEYS 256
#define MAX_KEY 6
#define MAX_VAL 70

typedef struct {
    uint8_t key[MAX_KEY];
    size_t key_len;
    uint8_t val[MAX_VAL];
    size_t val_len; /* 0: absent */
} model_kv;

static model_kv model[MAX_KEYS];
static size_t n_model;

/* The node store: every node ever put, looked up by hash (linear: inputs are small). */
typedef struct {
    braid_hash hash;
    uint8_t *rlp;
    size_t len;
} node;
static node *nodes;
static size_t n_nodes, cap_nodes;

static bool store_get(void *ctx, const braid_hash *hash, const uint8_t **rlp, size_t *len) {
    for (size_t i = n_nodes; i-- > 0;)
        if (braid_hash_eq(&nodes[i].hash, hash)) {
            *rlp = nodes[i].rlp;
            *len = nodes[i].len;
            return true;
        }
    return false;
}

static void store_put(void *ctx, const braid_hash *hash, const uint8_t *rlp, size_t len) {
    if (n_nodes == cap_nodes) {
        cap_nodes = cap_nodes ? 2 * cap_nodes : 64;
        nodes = realloc(nodes, cap_nodes * sizeof *nodes);
    }
    nodes[n_nodes].hash = *hash;
    nodes[n_nodes].rlp = malloc(len ? len : 1);
    memcpy(nodes[n_nodes].rlp, rlp, len);
    nodes[n_nodes].len = len;
    n_nodes++;
}

static model_kv *model_find(const uint8_t *key, size_t len) {
    for (size_t i = 0; i < n_model; i++)
        if (model[i].key_len == len && memcmp(model[i].key, key, len) == 0) return &model[i];
    return NULL;
}

static void check_root(const braid_hash *root) {
    braid_trie_kv kvs[MAX_KEYS];
    size_t n = 0;
    for (size_t i = 0; i < n_model; i++)
        if (model[i].val_len)
            kvs[n++] = (braid_trie_kv){model[i].key, model[i].key_len, model[i].val, model[i].val_len};
    braid_hash want;
    if (braid_trie_root(kvs, n, &want) != 0) abort();
    if (!braid_hash_eq(&want, root)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    n_model = 0;
    for (size_t i = 0; i < n_nodes; i++) free(nodes[i].rlp);
    n_nodes = 0;

    braid_mpt_store store = {NULL, store_get, store_put};
    braid_mpt *t = braid_mpt_open(&store, &BRAID_EMPTY_TRIE_ROOT);
    size_t p = 0;
    braid_buf got = {0};
    while (p < size) {
        uint8_t op = data[p++] % 5;
        uint8_t key[MAX_KEY];
        size_t key_len = 0;
        if (op <= 2) {
            if (p >= size) break;
            key_len = data[p++] % MAX_KEY + 1;
            if (size - p < key_len) break;
            memcpy(key, data + p, key_len);
            p += key_len;
        }
        if (op == 0 || op == 1) {
            uint8_t val[MAX_VAL];
            size_t val_len = 0;
            if (op == 0) {
                if (p >= size) break;
                val_len = data[p++] % MAX_VAL + 1;
                if (size - p < val_len) val_len = size - p;
                memcpy(val, data + p, val_len);
                p += val_len;
            }
            model_kv *m = model_find(key, key_len);
            if (!m) {
                if (n_model == MAX_KEYS) continue;
                m = &model[n_model++];
                memcpy(m->key, key, key_len);
                m->key_len = key_len;
            }
            memcpy(m->val, val, val_len);
            m->val_len = val_len;
            if (braid_mpt_put(t, key, key_len, val, val_len) != 0) abort();
        } else if (op == 2) {
            braid_buf_clear(&got);
            int rc = braid_mpt_get(t, key, key_len, &got);
            model_kv *m = model_find(key, key_len);
            size_t want_len = m ? m->val_len : 0;
            if (rc != (want_len ? 1 : 0)) abort();
            if (want_len && (got.len != want_len || memcmp(got.data, m->val, want_len) != 0)) abort();
        } else {
            braid_hash root;
            if (braid_mpt_commit(t, &root) != 0) abort();
            check_root(&root);
            if (op == 4) {
                braid_mpt_close(t);
                t = braid_mpt_open(&store, &root);
                /* every key the model holds must be readable from the store alone */
                for (size_t i = 0; i < n_model; i++) {
                    braid_buf_clear(&got);
                    int rc = braid_mpt_get(t, model[i].key, model[i].key_len, &got);
                    if (rc != (model[i].val_len ? 1 : 0)) abort();
                    if (model[i].val_len &&
                        (got.len != model[i].val_len || memcmp(got.data, model[i].val, got.len) != 0))
                        abort();
                }
            }
        }
    }
    braid_hash root;
    braid_mpt_commit(t, &root);
    check_root(&root);
    braid_mpt_close(t);
    braid_buf_free(&got);
    return 0;
}
