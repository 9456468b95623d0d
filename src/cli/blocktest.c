/* Blockchain tests: a chain of blocks imported onto a genesis state, some of them invalid, some on side
 * chains. After the merge every valid block becomes the head, so the expected head is the last block
 * that imports. The state is kept for the current head; a block on another branch (or after a rejected
 * block left the state half-applied) rebuilds it by replaying its ancestors from genesis. */
#include "blocktest.h"

#include <stdarg.h>
#include <stdlib.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_parallel.h"

typedef struct chain {
    braid_chain_config cfg;
    const json_t *pre;
    braid_code_cache *codes;
    braid_block *blocks; /* [0] is genesis (header only) */
    size_t *parent;
    size_t n, cap;
    braid_state *state;
    braid_executor *executor; /* NULL: the sequential path */
    size_t state_at; /* index of the block whose post-state `state` holds */
    bool state_ok;
} chain;

typedef struct hash_lookup {
    const chain *c;
    size_t from; /* the executing block's parent */
} hash_lookup;

static bool ancestor_hash(void *ctx, uint64_t number, braid_hash *out) {
    const hash_lookup *h = ctx;
    for (size_t i = h->from;; i = h->c->parent[i]) {
        if (h->c->blocks[i].header.number == number) {
            *out = h->c->blocks[i].header.hash;
            return true;
        }
        if (i == 0) return false;
    }
}

static int execute(chain *c, braid_vm *vm, size_t parent, braid_block *b, bool check, char *err, size_t err_len) {
    hash_lookup lookup = {c, parent};
    braid_block_hashes hashes = {&lookup, ancestor_hash};
    braid_block_options opt = {.check_roots = check, .compute_state_root = check};
    braid_block_result res;
    int rc = c->executor ? braid_executor_execute(c->executor, c->state, &c->cfg, b, &hashes, &opt, &res, NULL)
                         : braid_block_execute(vm, c->state, &c->cfg, b, &hashes, &opt, &res);
    if (rc) snprintf(err, err_len, "%s", res.message);
    braid_block_result_free(&res);
    return rc;
}

/* Brings c->state to the post-state of block `target` by replaying from genesis. */
static int rebuild(chain *c, braid_vm *vm, size_t target, char *err, size_t err_len) {
    braid_state_destroy(c->state);
    c->state = braid_state_create(c->codes, NULL);
    if (braid_json_accounts(c->pre, c->state, false, err, err_len)) return -1;
    size_t depth = 0;
    for (size_t i = target; i != 0; i = c->parent[i]) depth++;
    size_t *path = braid_xcalloc(depth + 1, sizeof *path);
    size_t k = depth;
    for (size_t i = target; i != 0; i = c->parent[i]) path[--k] = i;
    int rc = 0;
    for (size_t j = 0; j < depth && rc == 0; j++)
        rc = execute(c, vm, c->parent[path[j]], &c->blocks[path[j]], false, err, err_len);
    free(path);
    c->state_at = target;
    c->state_ok = rc == 0;
    return rc;
}

static size_t find_block(const chain *c, const braid_hash *h) {
    for (size_t i = 0; i < c->n; i++)
        if (braid_hash_eq(&c->blocks[i].header.hash, h)) return i;
    return SIZE_MAX;
}

/* Tries to import one block; returns 0 when it is valid (and becomes the head). */
static int import(chain *c, braid_vm *vm, braid_block *b, char *err, size_t err_len) {
    size_t parent = find_block(c, &b->header.parent_hash);
    if (parent == SIZE_MAX) return snprintf(err, err_len, "unknown parent"), -1;
    if (braid_header_validate(&b->header, &c->blocks[parent].header, &c->cfg, err, err_len)) return -1;
    braid_fork fork = braid_chain_fork_at(&c->cfg, b->header.number, b->header.timestamp);
    if (!braid_hash_eq(&b->ommers_list_hash, &b->header.ommers_hash))
        return snprintf(err, err_len, "ommers do not match the header's ommers hash"), -1;
    if (fork >= BRAID_FORK_PARIS && b->n_ommers) return snprintf(err, err_len, "ommers after the merge"), -1;
    if ((fork >= BRAID_FORK_SHANGHAI) != b->has_withdrawals)
        return snprintf(err, err_len, "withdrawals presence does not match the fork"), -1;
    size_t failed;
    if (c->executor ? braid_executor_recover_senders(c->executor, b, &c->cfg, &failed, err, err_len)
                    : braid_block_recover_senders(b, &c->cfg, &failed, err, err_len))
        return -1;
    if (!c->state_ok || c->state_at != parent) {
        char sub[160];
        if (rebuild(c, vm, parent, sub, sizeof sub))
            return snprintf(err, err_len, "cannot rebuild the parent state: %s", sub), -1;
    }
    if (execute(c, vm, parent, b, true, err, err_len)) {
        c->state_ok = false;
        return -1;
    }
    if (c->n == c->cap) {
        c->cap *= 2;
        c->blocks = braid_xrealloc(c->blocks, c->cap * sizeof *c->blocks);
        c->parent = braid_xrealloc(c->parent, c->cap * sizeof *c->parent);
    }
    c->blocks[c->n] = *b;
    c->parent[c->n] = parent;
    c->state_at = c->n++;
    memset(b, 0, sizeof *b); /* ownership moved into the chain */
    return 0;
}

static void chain_free(chain *c) {
    for (size_t i = 0; i < c->n; i++) braid_block_free(&c->blocks[i]);
    free(c->blocks);
    free(c->parent);
    braid_state_destroy(c->state);
    braid_code_cache_destroy(c->codes);
}

/* Runs one test; returns NULL when it passes, else a description written into `why`. */
static const char *run_test(const json_t *t, braid_vm *vm, braid_executor *ex, char *why, size_t why_len) {
    chain c;
    memset(&c, 0, sizeof c);
    c.executor = ex;
    c.codes = braid_code_cache_create();
    c.cap = 16;
    c.blocks = braid_xcalloc(c.cap, sizeof *c.blocks);
    c.parent = braid_xcalloc(c.cap, sizeof *c.parent);
    c.pre = json_object_get(t, "pre");
    const char *result = NULL;
    char err[256];
    braid_buf rlp;
    braid_buf_init(&rlp);
    braid_fork fork;
    const json_t *network = json_object_get(t, "network");
    braid_hash want_genesis, want_last;

#define FAIL_WITH(...)                                                                                   \
    do {                                                                                                 \
        snprintf(why, why_len, __VA_ARGS__);                                                             \
        result = why;                                                                                    \
        goto done;                                                                                       \
    } while (0)

    if (!json_is_string(network) || braid_fork_from_name(json_string_value(network), &fork))
        FAIL_WITH("unknown or missing network");
    braid_chain_single_fork(&c.cfg, fork);
    if (braid_json_bytes(json_object_get(t, "genesisRLP"), &rlp) ||
        braid_json_hash(json_object_get(json_object_get(t, "genesisBlockHeader"), "hash"), &want_genesis) ||
        braid_json_hash(json_object_get(t, "lastblockhash"), &want_last))
        FAIL_WITH("malformed test: genesisRLP, genesisBlockHeader.hash or lastblockhash");
    if (braid_block_decode(rlp.data, rlp.len, &c.blocks[0], err, sizeof err)) FAIL_WITH("genesis: %s", err);
    c.n = 1;
    if (!braid_hash_eq(&c.blocks[0].header.hash, &want_genesis)) FAIL_WITH("genesis hash differs");
    c.state = braid_state_create(c.codes, NULL);
    if (braid_json_accounts(c.pre, c.state, false, err, sizeof err)) FAIL_WITH("pre: %s", err);
    c.state_ok = true;
    braid_hash root = braid_state_root(c.state);
    if (!braid_hash_eq(&root, &c.blocks[0].header.state_root)) FAIL_WITH("genesis state root differs from pre");

    const json_t *blocks = json_object_get(t, "blocks");
    for (size_t i = 0; i < json_array_size(blocks); i++) {
        const json_t *jb = json_array_get(blocks, i);
        const json_t *expect = json_object_get(jb, "expectException");
        braid_block b;
        int rc;
        if (braid_json_bytes(json_object_get(jb, "rlp"), &rlp)) {
            rc = -1;
            snprintf(err, sizeof err, "block rlp is not hex");
            memset(&b, 0, sizeof b);
        } else if ((rc = braid_block_decode(rlp.data, rlp.len, &b, err, sizeof err)) == 0) {
            rc = import(&c, vm, &b, err, sizeof err);
        }
        braid_block_free(&b);
        if (rc == 0 && expect)
            FAIL_WITH("block %zu: expected %s, but it was imported", i + 1,
                      json_is_string(expect) ? json_string_value(expect) : "an exception");
        if (rc != 0 && !expect) FAIL_WITH("block %zu rejected: %s", i + 1, err);
    }

    size_t head = c.n - 1;
    if (!braid_hash_eq(&c.blocks[head].header.hash, &want_last)) FAIL_WITH("last block hash differs");
    if (!c.state_ok || c.state_at != head) {
        if (rebuild(&c, vm, head, err, sizeof err)) FAIL_WITH("rebuilding the head state: %s", err);
    }
    root = braid_state_root(c.state);
    braid_hash want_root;
    const json_t *post = json_object_get(t, "postState");
    if (post) {
        braid_state *expected = braid_state_create(c.codes, NULL);
        int bad = braid_json_accounts(post, expected, false, err, sizeof err);
        want_root = braid_state_root(expected);
        braid_state_destroy(expected);
        if (bad) FAIL_WITH("postState: %s", err);
    } else if (braid_json_hash(json_object_get(t, "postStateHash"), &want_root)) {
        FAIL_WITH("malformed test: neither postState nor postStateHash");
    }
    if (!braid_hash_eq(&root, &want_root)) FAIL_WITH("post-state differs from the expected one");
#undef FAIL_WITH
done:
    braid_buf_free(&rlp);
    chain_free(&c);
    return result;
}

void blocktest_run_file(const char *path, braid_vm *vm, unsigned threads, fixture_report *rep) {
    braid_executor *ex = threads > 1 ? braid_executor_create(threads) : NULL;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        fixture_fail(rep, "FAIL %s: cannot read JSON: line %d: %s", path, jerr.line, jerr.text);
        braid_executor_destroy(ex);
        return;
    }
    if (!json_is_object(root)) {
        fixture_fail(rep, "FAIL %s: not a blockchain-test file (top level is not an object)", path);
    } else {
        const char *name;
        json_t *t;
        json_object_foreach(root, name, t) {
            char why[512];
            const char *diff = run_test(t, vm, ex, why, sizeof why);
            if (diff)
                fixture_fail(rep, "FAIL %s %s: %s", path, name, diff);
            else
                rep->passed++;
        }
    }
    json_decref(root);
    braid_executor_destroy(ex);
}
