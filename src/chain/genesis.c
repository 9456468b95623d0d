#include "braid/braid_genesis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "braid/braid_json.h"
#include "braid/braid_keccak.h"
#include "braid/braid_trie.h"

#define INITIAL_BASE_FEE 1000000000

/* geth's config keys, in fork order; Spurious Dragon takes eip158Block (eip155Block when alone) and
 * Petersburg defaults to Constantinople's block, as geth reads them. */
static const struct {
    braid_fork fork;
    const char *key;
} fork_keys[] = {
    {BRAID_FORK_HOMESTEAD, "homesteadBlock"},   {BRAID_FORK_TANGERINE_WHISTLE, "eip150Block"},
    {BRAID_FORK_SPURIOUS_DRAGON, "eip158Block"}, {BRAID_FORK_BYZANTIUM, "byzantiumBlock"},
    {BRAID_FORK_CONSTANTINOPLE, "constantinopleBlock"}, {BRAID_FORK_PETERSBURG, "petersburgBlock"},
    {BRAID_FORK_ISTANBUL, "istanbulBlock"},     {BRAID_FORK_BERLIN, "berlinBlock"},
    {BRAID_FORK_LONDON, "londonBlock"},         {BRAID_FORK_PARIS, "mergeNetsplitBlock"},
    {BRAID_FORK_SHANGHAI, "shanghaiTime"},      {BRAID_FORK_CANCUN, "cancunTime"},
};

/* An optional quantity: absent leaves *out as it is. */
static int opt_u64(const json_t *obj, const char *key, uint64_t *out, char *err, size_t err_len) {
    const json_t *v = json_object_get(obj, key);
    if (v && !json_is_null(v) && braid_json_u64(v, out))
        return braid_errorf(err, err_len, "%s: not a 64-bit quantity", key);
    return 0;
}

static int read_config(const json_t *config, const braid_u256 *difficulty, braid_chain_config *cfg, char *err,
                       size_t err_len) {
    if (!json_is_object(config)) return braid_errorf(err, err_len, "config: missing or not an object");
    if (braid_json_u256(json_object_get(config, "chainId"), &cfg->chain_id))
        return braid_errorf(err, err_len, "config.chainId: missing or malformed");
    static const char *const unsupported[] = {"pragueTime", "osakaTime", "verkleTime"};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        const json_t *v = json_object_get(config, unsupported[i]);
        if (v && !json_is_null(v))
            return braid_errorf(err, err_len,
                                "config.%s: this fork is not supported yet (Cancun is the latest)",
                                unsupported[i]);
    }
    for (int f = 0; f < BRAID_FORK_COUNT; f++) cfg->activation[f] = BRAID_NEVER;
    cfg->activation[BRAID_FORK_FRONTIER] = 0;
    cfg->dao_fork_block = BRAID_NEVER;
    for (size_t i = 0; i < sizeof fork_keys / sizeof fork_keys[0]; i++)
        if (opt_u64(config, fork_keys[i].key, &cfg->activation[fork_keys[i].fork], err, err_len)) return -1;
    if (cfg->activation[BRAID_FORK_SPURIOUS_DRAGON] == BRAID_NEVER &&
        opt_u64(config, "eip155Block", &cfg->activation[BRAID_FORK_SPURIOUS_DRAGON], err, err_len))
        return -1;
    if (cfg->activation[BRAID_FORK_PETERSBURG] == BRAID_NEVER)
        cfg->activation[BRAID_FORK_PETERSBURG] = cfg->activation[BRAID_FORK_CONSTANTINOPLE];
    /* Paris from a terminal total difficulty the genesis already has (post-merge chains start so) */
    const json_t *ttd = json_object_get(config, "terminalTotalDifficulty");
    braid_u256 t;
    if (cfg->activation[BRAID_FORK_PARIS] == BRAID_NEVER && ttd && !json_is_null(ttd)) {
        if (braid_json_u256(ttd, &t))
            return braid_errorf(err, err_len, "config.terminalTotalDifficulty: malformed");
        if (!braid_u256_lt(*difficulty, t)) cfg->activation[BRAID_FORK_PARIS] = 0;
    }
    const json_t *dao = json_object_get(config, "daoForkBlock");
    if (dao && !json_is_null(dao) && json_is_true(json_object_get(config, "daoForkSupport")) &&
        braid_json_u64(dao, &cfg->dao_fork_block))
        return braid_errorf(err, err_len, "config.daoForkBlock: malformed");
    /* A fork needs every earlier one, no later than itself (blocks and timestamps compared apart). */
    for (int f = BRAID_FORK_HOMESTEAD; f < BRAID_FORK_COUNT; f++) {
        uint64_t prev = cfg->activation[f - 1], cur = cfg->activation[f];
        if (cur == BRAID_NEVER) continue;
        bool by_time = f >= BRAID_FORK_SHANGHAI, prev_by_time = f - 1 >= BRAID_FORK_SHANGHAI;
        if (prev == BRAID_NEVER || (by_time == prev_by_time && cur < prev))
            return braid_errorf(err, err_len, "config: %s is scheduled %s %s", braid_fork_name((braid_fork)f),
                                prev == BRAID_NEVER ? "although it never reaches" : "before",
                                braid_fork_name((braid_fork)(f - 1)));
    }
    return 0;
}

static int read_header(const json_t *g, braid_fork fork, braid_header *h, char *err, size_t err_len) {
    braid_buf buf;
    braid_buf_init(&buf);
    int rc = -1;
    const json_t *v;
    if ((v = json_object_get(g, "gasLimit")) == NULL || braid_json_u64(v, &h->gas_limit)) {
        braid_errorf(err, err_len, "gasLimit: missing or malformed");
        goto out;
    }
    if (opt_u64(g, "gasUsed", &h->gas_used, err, err_len)) goto out; /* number and timestamp: read first */
    if ((v = json_object_get(g, "extraData")) != NULL) {
        if (braid_json_bytes(v, &buf) || buf.len > BRAID_MAX_EXTRA_DATA) {
            braid_errorf(err, err_len, "extraData: malformed or over %d bytes", BRAID_MAX_EXTRA_DATA);
            goto out;
        }
        if (buf.len) memcpy(h->extra, buf.data, buf.len); /* "0x" leaves the buffer unallocated */
        h->extra_len = buf.len;
    }
    if ((v = json_object_get(g, "nonce")) != NULL) {
        uint64_t nonce;
        if (braid_json_u64(v, &nonce)) {
            braid_errorf(err, err_len, "nonce: malformed");
            goto out;
        }
        for (int i = 0; i < 8; i++) h->nonce[i] = (uint8_t)(nonce >> (56 - 8 * i));
    }
    if (((v = json_object_get(g, "mixHash")) && braid_json_hash(v, &h->mix_hash)) ||
        ((v = json_object_get(g, "parentHash")) && braid_json_hash(v, &h->parent_hash)) ||
        ((v = json_object_get(g, "coinbase")) && braid_json_address(v, &h->coinbase))) {
        braid_errorf(err, err_len, "mixHash, parentHash or coinbase: malformed");
        goto out;
    }
    h->has_base_fee = fork >= BRAID_FORK_LONDON;
    h->base_fee = braid_u256_from_u64(INITIAL_BASE_FEE);
    if (h->has_base_fee && (v = json_object_get(g, "baseFeePerGas")) && !json_is_null(v) &&
        braid_json_u256(v, &h->base_fee)) {
        braid_errorf(err, err_len, "baseFeePerGas: malformed");
        goto out;
    }
    h->has_withdrawals_root = fork >= BRAID_FORK_SHANGHAI;
    h->withdrawals_root = BRAID_EMPTY_TRIE_ROOT;
    h->has_blob_gas = h->has_beacon_root = fork >= BRAID_FORK_CANCUN;
    if (h->has_blob_gas && (opt_u64(g, "excessBlobGas", &h->excess_blob_gas, err, err_len) ||
                            opt_u64(g, "blobGasUsed", &h->blob_gas_used, err, err_len)))
        goto out;
    rc = 0;
out:
    braid_buf_free(&buf);
    return rc;
}

int braid_genesis_from_json(const json_t *g, braid_state *state, braid_genesis *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    if (!json_is_object(g)) return braid_errorf(err, err_len, "genesis: not a JSON object");
    braid_header *h = &out->header;
    const json_t *d = json_object_get(g, "difficulty");
    if (d && braid_json_u256(d, &h->difficulty)) return braid_errorf(err, err_len, "difficulty: malformed");
    if (read_config(json_object_get(g, "config"), &h->difficulty, &out->cfg, err, err_len)) return -1;
    if (opt_u64(g, "number", &h->number, err, err_len) || opt_u64(g, "timestamp", &h->timestamp, err, err_len))
        return -1;
    braid_fork fork = braid_chain_fork_at(&out->cfg, h->number, h->timestamp);
    if (read_header(g, fork, h, err, err_len)) return -1;
    const json_t *alloc = json_object_get(g, "alloc");
    char sub[200];
    if (alloc && braid_json_accounts(alloc, state, true, sub, sizeof sub))
        return braid_errorf(err, err_len, "alloc: %s", sub);
    static const uint8_t empty_list = 0xc0;
    braid_keccak256(&empty_list, 1, h->ommers_hash.b);
    h->tx_root = h->receipts_root = BRAID_EMPTY_TRIE_ROOT;
    h->state_root = braid_state_root(state);
    braid_buf enc;
    braid_buf_init(&enc);
    braid_header_encode(h, &enc); /* sets h->hash */
    braid_buf_free(&enc);
    return 0;
}

int braid_genesis_load_file(const char *path, braid_state *state, braid_genesis *out, char *err, size_t err_len) {
    json_t *g = braid_json_load_file(path, err, err_len);
    if (!g) return -1;
    char sub[300];
    int rc = braid_genesis_from_json(g, state, out, sub, sizeof sub);
    if (rc) snprintf(err, err_len, "%s: %s", path, sub);
    json_decref(g);
    return rc;
}
