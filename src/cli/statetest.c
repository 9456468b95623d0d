/* One GeneralStateTests file: parse the pre-state, environment and transaction matrix of each test,
 * then for every (fork, data, gas, value) case build the state, apply the transaction and compare the
 * post-state root and logs hash (or the expected rejection). */
#include "statetest.h"

#include <stdarg.h>
#include <stdlib.h>

#include <secp256k1.h>

#include "braid/braid_keccak.h"
#include "braid/braid_state.h"
#include "braid/braid_tx.h"
#include "braid/braid_json.h"

typedef struct st_account {
    braid_address addr;
    uint64_t nonce;
    braid_u256 balance;
    const braid_code *code;
    size_t n_slots;
    braid_u256 *keys, *values;
} st_account;

typedef struct st_access_list {
    bool present;
    braid_access_list_entry *entries;
    size_t n;
    braid_hash *keys;
} st_access_list;

/* Everything about one test that does not depend on the case. */
typedef struct st_test {
    const char *file, *name;
    st_account *accounts;
    size_t n_accounts;
    braid_block_env env;
    braid_u256 excess_blob_gas;
    bool has_excess_blob_gas;
    braid_tx base; /* fields shared by every case */
    bool base_valid; /* false when a shared field does not parse (every case must then be rejected) */
    json_t *data, *gas_limits, *values, *access_lists;
    const json_t *labels; /* _info.labels: data index (as a string) -> label */
    braid_hash *blob_hashes;
} st_test;

static void hex32(const uint8_t *b, char out[67]) { braid_hex_encode(b, 32, out); }

/* geth's state-test BLOCKHASH: keccak256 of the block number in decimal. */
static bool test_block_hash(void *ctx, uint64_t number, braid_hash *out) {
    (void)ctx;
    char dec[24];
    int n = snprintf(dec, sizeof dec, "%llu", (unsigned long long)number);
    braid_keccak256((const uint8_t *)dec, (size_t)n, out->b);
    return true;
}

static int load_pre(st_test *t, const json_t *pre, braid_code_cache *codes, char *why, size_t why_len) {
    if (!json_is_object(pre)) return snprintf(why, why_len, "missing pre"), -1;
    t->n_accounts = json_object_size(pre);
    t->accounts = braid_xcalloc(t->n_accounts ? t->n_accounts : 1, sizeof *t->accounts);
    const char *key;
    json_t *acc;
    size_t i = 0;
    int rc = 0;
    braid_buf code;
    braid_buf_init(&code);
    json_object_foreach((json_t *)pre, key, acc) {
        st_account *a = &t->accounts[i++];
        const char *bad = NULL;
        if (braid_hex_decode_fixed(key, a->addr.b, 20))
            bad = "address";
        else if (braid_json_u64(json_object_get(acc, "nonce"), &a->nonce))
            bad = "nonce";
        else if (braid_json_u256(json_object_get(acc, "balance"), &a->balance))
            bad = "balance";
        else if (braid_json_bytes(json_object_get(acc, "code"), &code))
            bad = "code";
        json_t *storage = json_object_get(acc, "storage");
        if (!bad && storage && !json_is_object(storage)) bad = "storage";
        if (bad) {
            snprintf(why, why_len, "pre-state account %s: bad %s", key, bad);
            rc = -1;
            break;
        }
        a->code = braid_code_cache_get(codes, code.data, code.len);
        a->n_slots = json_is_object(storage) ? json_object_size(storage) : 0;
        a->keys = braid_xcalloc(a->n_slots + 1, sizeof *a->keys);
        a->values = braid_xcalloc(a->n_slots + 1, sizeof *a->values);
        const char *skey;
        json_t *sval;
        size_t j = 0;
        if (a->n_slots) json_object_foreach(storage, skey, sval) {
                if (braid_u256_from_string(skey, &a->keys[j]) || braid_json_u256(sval, &a->values[j])) {
                    snprintf(why, why_len, "pre-state account %s: bad storage slot %s", key, skey);
                    rc = -1;
                    break;
                }
                j++;
            }
        if (rc) break;
    }
    braid_buf_free(&code);
    return rc;
}

static int load_env(st_test *t, const json_t *env, char *why, size_t why_len) {
    braid_block_env *e = &t->env;
    memset(e, 0, sizeof *e);
    if (!json_is_object(env) || braid_json_address(json_object_get(env, "currentCoinbase"), &e->coinbase) ||
        braid_json_u64(json_object_get(env, "currentNumber"), &e->number) ||
        braid_json_u64(json_object_get(env, "currentTimestamp"), &e->timestamp) ||
        braid_json_u64(json_object_get(env, "currentGasLimit"), &e->gas_limit))
        return snprintf(why, why_len, "env: missing or malformed currentCoinbase, currentNumber, "
                                      "currentTimestamp or currentGasLimit"),
               -1;
    braid_json_u256(json_object_get(env, "currentDifficulty"), &e->difficulty);
    braid_json_u256(json_object_get(env, "currentRandom"), &e->prev_randao);
    braid_json_u256(json_object_get(env, "currentBaseFee"), &e->base_fee);
    t->has_excess_blob_gas = braid_json_u256(json_object_get(env, "currentExcessBlobGas"), &t->excess_blob_gas) == 0;
    e->chain_id = braid_u256_from_u64(1);
    e->block_hash = test_block_hash;
    return 0;
}

static int sender_from_secret(const json_t *secret, braid_address *out) {
    uint8_t sk[32];
    if (!json_is_string(secret) || braid_hex_decode_fixed(json_string_value(secret), sk, 32)) return -1;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
    secp256k1_pubkey pk;
    int ok = secp256k1_ec_pubkey_create(ctx, &pk, sk);
    uint8_t ser[65];
    size_t len = sizeof ser;
    if (ok) secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    secp256k1_context_destroy(ctx);
    if (!ok) return -1;
    uint8_t h[32];
    braid_keccak256(ser + 1, 64, h);
    memcpy(out->b, h + 12, 20);
    return 0;
}

static void load_tx(st_test *t, const json_t *jt) {
    braid_tx *tx = &t->base;
    memset(tx, 0, sizeof *tx);
    t->base_valid = true;
    if (braid_json_address(json_object_get(jt, "sender"), &tx->sender) &&
        sender_from_secret(json_object_get(jt, "secretKey"), &tx->sender))
        t->base_valid = false;
    if (braid_json_u64(json_object_get(jt, "nonce"), &tx->nonce)) t->base_valid = false;
    const json_t *to = json_object_get(jt, "to");
    tx->is_create = !json_is_string(to) || json_string_length(to) == 0;
    if (!tx->is_create && braid_json_address(to, &tx->to)) t->base_valid = false;
    if (json_object_get(jt, "maxFeePerGas")) {
        tx->type = BRAID_TX_DYNAMIC_FEE;
        if (braid_json_u256(json_object_get(jt, "maxFeePerGas"), &tx->max_fee_per_gas) ||
            braid_json_u256(json_object_get(jt, "maxPriorityFeePerGas"), &tx->max_priority_fee_per_gas))
            t->base_valid = false;
    } else if (braid_json_u256(json_object_get(jt, "gasPrice"), &tx->gas_price)) {
        t->base_valid = false;
    }
    t->access_lists = json_object_get(jt, "accessLists");
    if (t->access_lists && tx->type == BRAID_TX_LEGACY) tx->type = BRAID_TX_ACCESS_LIST;
    const json_t *blobs = json_object_get(jt, "blobVersionedHashes");
    if (blobs) {
        tx->type = BRAID_TX_BLOB;
        if (braid_json_u256(json_object_get(jt, "maxFeePerBlobGas"), &tx->max_fee_per_blob_gas)) t->base_valid = false;
        tx->n_blob_hashes = json_array_size(blobs);
        t->blob_hashes = braid_xcalloc(tx->n_blob_hashes + 1, sizeof *t->blob_hashes);
        for (size_t i = 0; i < tx->n_blob_hashes; i++)
            if (braid_json_hash(json_array_get(blobs, i), &t->blob_hashes[i])) t->base_valid = false;
        tx->blob_hashes = t->blob_hashes;
    }
    t->data = json_object_get(jt, "data");
    t->gas_limits = json_object_get(jt, "gasLimit");
    t->values = json_object_get(jt, "value");
}

static int load_access_list(const json_t *jl, st_access_list *al) {
    memset(al, 0, sizeof *al);
    if (!jl || json_is_null(jl)) return 0;
    if (!json_is_array(jl)) return -1;
    al->present = true;
    al->n = json_array_size(jl);
    size_t total_keys = 0;
    for (size_t i = 0; i < al->n; i++) total_keys += json_array_size(json_object_get(json_array_get(jl, i), "storageKeys"));
    al->entries = braid_xcalloc(al->n + 1, sizeof *al->entries);
    al->keys = braid_xcalloc(total_keys + 1, sizeof *al->keys);
    size_t k = 0;
    for (size_t i = 0; i < al->n; i++) {
        const json_t *e = json_array_get(jl, i);
        if (braid_json_address(json_object_get(e, "address"), &al->entries[i].address)) return -1;
        const json_t *keys = json_object_get(e, "storageKeys");
        al->entries[i].keys = &al->keys[k];
        al->entries[i].n_keys = json_array_size(keys);
        for (size_t j = 0; j < al->entries[i].n_keys; j++)
            if (braid_json_hash(json_array_get(keys, j), &al->keys[k++])) return -1;
    }
    return 0;
}

static void free_test(st_test *t) {
    for (size_t i = 0; i < t->n_accounts; i++) {
        free(t->accounts[i].keys);
        free(t->accounts[i].values);
    }
    free(t->accounts);
    free(t->blob_hashes);
}

static braid_state *new_state(const st_test *t, braid_code_cache *codes) {
    braid_state *state = braid_state_create(codes, NULL);
    for (size_t i = 0; i < t->n_accounts; i++) {
        const st_account *a = &t->accounts[i];
        braid_state_put_account(state, &a->addr, a->nonce, a->balance, a->code);
        for (size_t j = 0; j < a->n_slots; j++) braid_state_put_storage(state, &a->addr, a->keys[j], a->values[j]);
    }
    return state;
}

braid_state *statetest_case_state(const statetest_case *c) { return new_state(c->test, c->codes); }

/* Runs one (fork, indexes) case. Returns NULL when it passes, or a description of the difference. A
 * passing case then goes to opt->on_case. */
static const char *run_case(const st_test *t, braid_fork fork, const json_t *post, braid_vm *vm,
                            braid_code_cache *codes, const statetest_options *opt, fixture_report *rep,
                            char *detail, size_t detail_len) {
    const json_t *idx = json_object_get(post, "indexes");
    uint64_t di, gi, vi;
    if (braid_json_u64(json_object_get(idx, "data"), &di) || braid_json_u64(json_object_get(idx, "gas"), &gi) ||
        braid_json_u64(json_object_get(idx, "value"), &vi))
        return "malformed indexes";
    if (di >= json_array_size(t->data) || gi >= json_array_size(t->gas_limits) || vi >= json_array_size(t->values))
        return "indexes out of range of the transaction's data, gasLimit or value arrays";
    braid_hash want_root, want_logs;
    if (braid_json_hash(json_object_get(post, "hash"), &want_root) || braid_json_hash(json_object_get(post, "logs"), &want_logs))
        return "malformed expected hash or logs";
    const json_t *expect_exc = json_object_get(post, "expectException");

    braid_tx tx = t->base;
    bool valid = t->base_valid;
    braid_buf data;
    braid_buf_init(&data);
    braid_u256 gas_limit;
    if (braid_json_bytes(json_array_get(t->data, di), &data) || braid_json_u256(json_array_get(t->gas_limits, gi), &gas_limit) ||
        braid_json_u256(json_array_get(t->values, vi), &tx.value))
        valid = false;
    /* A gas limit beyond 63 bits exceeds any block gas limit: reject it the same way. */
    tx.gas_limit = braid_u256_fits_u64(gas_limit) && gas_limit.w[0] <= INT64_MAX ? gas_limit.w[0] : UINT64_MAX;
    tx.data = data.data;
    tx.data_len = data.len;
    st_access_list al;
    if (load_access_list(t->access_lists ? json_array_get(t->access_lists, di) : NULL, &al)) valid = false;
    tx.access_list = al.entries;
    tx.access_list_len = al.n;

    braid_block_env env = t->env;
    if (fork >= BRAID_FORK_CANCUN && t->has_excess_blob_gas)
        env.blob_base_fee = braid_blob_base_fee(braid_u256_fits_u64(t->excess_blob_gas) ? t->excess_blob_gas.w[0] : UINT64_MAX);

    braid_state *state = new_state(t, codes);

    braid_tx_error err = BRAID_TX_ERR_TYPE_NOT_SUPPORTED;
    braid_tx_outcome outcome;
    if (opt->time_limit_ms) braid_vm_set_deadline(vm, braid_clock_ns() + opt->time_limit_ms * 1000000u);
    if (valid) err = braid_tx_apply(vm, state, fork, &env, &tx, env.gas_limit, &outcome);
    bool timed_out = braid_vm_timed_out(vm);
    braid_vm_set_deadline(vm, 0);
    if (opt->trace && err == BRAID_TX_VALID)
        braid_tracer_eip3155_summary(opt->trace, outcome.output, outcome.output_len, outcome.gas_used,
                                     outcome.status == BRAID_SUCCESS ? NULL : braid_status_name(outcome.status));

    braid_hash root = braid_state_root(state);
    braid_hash logs = braid_state_logs_hash(state);
    if (opt->trace) {
        char h[67];
        hex32(root.b, h);
        fprintf(opt->trace, "{\"stateRoot\":\"%s\"}\n", h);
    }
    braid_state_destroy(state);

    const char *why = NULL;
    char got[67], want[67];
    if (timed_out) {
        snprintf(detail, detail_len, "stopped at the time limit (%llu ms)",
                 (unsigned long long)opt->time_limit_ms);
        why = detail;
    } else if (expect_exc && err == BRAID_TX_VALID) {
        snprintf(detail, detail_len, "expected exception %s, but the transaction was accepted",
                 json_is_string(expect_exc) ? json_string_value(expect_exc) : "?");
        why = detail;
    } else if (!expect_exc && err != BRAID_TX_VALID) {
        snprintf(detail, detail_len, "unexpected rejection: %s", valid ? braid_tx_error_name(err) : "unparsable transaction field");
        why = detail;
    } else if (!braid_hash_eq(&root, &want_root)) {
        hex32(root.b, got);
        hex32(want_root.b, want);
        snprintf(detail, detail_len, "state root %s, expected %s", got, want);
        why = detail;
    } else if (!braid_hash_eq(&logs, &want_logs)) {
        hex32(logs.b, got);
        hex32(want_logs.b, want);
        snprintf(detail, detail_len, "logs hash %s, expected %s", got, want);
        why = detail;
    }
    if (!why && opt->on_case && err == BRAID_TX_VALID) {
        char index[24];
        snprintf(index, sizeof index, "%llu", (unsigned long long)di);
        const json_t *label = json_object_get(t->labels, index);
        statetest_case c = {t->file, t->name, json_is_string(label) ? json_string_value(label) : NULL, fork, di, gi, vi,
                            &tx, &env, t, codes};
        opt->on_case(&c, vm, opt->on_case_arg, rep);
    }
    braid_buf_free(&data);
    free(al.entries);
    free(al.keys);
    return why;
}

static void run_test(const char *path, const char *name, const json_t *jt, const statetest_options *opt, braid_vm *vm,
                     fixture_report *rep) {
    st_test t;
    memset(&t, 0, sizeof t);
    t.file = path;
    t.name = name;
    t.labels = json_object_get(json_object_get(jt, "_info"), "labels");
    char why[256] = "";
    braid_code_cache *codes = braid_code_cache_create();
    if (load_pre(&t, json_object_get(jt, "pre"), codes, why, sizeof why) == 0 &&
        load_env(&t, json_object_get(jt, "env"), why, sizeof why) == 0) {
        const json_t *jtx = json_object_get(jt, "transaction");
        if (!json_is_object(jtx))
            snprintf(why, sizeof why, "missing transaction");
        else
            load_tx(&t, jtx);
    }
    const json_t *post = json_object_get(jt, "post");
    if (!why[0] && !json_is_object(post)) snprintf(why, sizeof why, "missing post");
    if (why[0]) {
        fixture_fail(rep, "FAIL %s %s: malformed test: %s", path, name, why);
    } else {
        const char *fork_name;
        json_t *cases;
        json_object_foreach((json_t *)post, fork_name, cases) {
            braid_fork fork;
            if (braid_fork_from_name(fork_name, &fork) != 0) {
                fixture_fail(rep, "FAIL %s %s %s: unknown fork", path, name, fork_name);
                continue;
            }
            if (opt->fork_filter && fork != opt->fork) continue;
            for (size_t i = 0; i < json_array_size(cases); i++) {
                const json_t *c = json_array_get(cases, i);
                char detail[512];
                const char *diff = run_case(&t, fork, c, vm, codes, opt, rep, detail, sizeof detail);
                if (!diff) {
                    rep->passed++;
                    continue;
                }
                const json_t *idx = json_object_get(c, "indexes");
                fixture_fail(rep, "FAIL %s %s %s d=%lld g=%lld v=%lld: %s", path, name, fork_name,
                             (long long)json_integer_value(json_object_get(idx, "data")),
                             (long long)json_integer_value(json_object_get(idx, "gas")),
                             (long long)json_integer_value(json_object_get(idx, "value")), diff);
            }
        }
    }
    free_test(&t);
    braid_code_cache_destroy(codes);
}

void statetest_run_file(const char *path, const statetest_options *opt, braid_vm *vm, fixture_report *rep) {
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        fixture_fail(rep, "FAIL %s: cannot read JSON: line %d: %s", path, jerr.line, jerr.text);
        return;
    }
    if (!json_is_object(root)) {
        fixture_fail(rep, "FAIL %s: not a state-test file (top level is not an object)", path);
    } else {
        const char *name;
        json_t *jt;
        json_object_foreach(root, name, jt) run_test(path, name, jt, opt, vm, rep);
    }
    json_decref(root);
}
