/* Transactions from JSON: the objects of eth_getBlockByNumber(n, true) and of the blockchain tests. The
 * field set follows the type, as on the wire; the hash comes from the re-encoding. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_json.h"
#include "braid/braid_tx_codec.h"
#include "chain/tx_codec_internal.h"

/* JSON null counts as absent: RPC servers write `"to": null` for creations. */
static const json_t *get(const json_t *obj, const char *key) {
    const json_t *v = json_object_get(obj, key);
    return json_is_null(v) ? NULL : v;
}

/* The first of two spellings present (input/data, gas/gasLimit): RPC and test fixtures differ. */
static const json_t *get_either(const json_t *obj, const char *a, const char *b, const char **used) {
    const json_t *v = get(obj, a);
    *used = a;
    if (!v) {
        v = get(obj, b);
        if (v) *used = b;
    }
    return v;
}

static int read_u256(const json_t *obj, const char *key, braid_u256 *out, char *err, size_t err_len) {
    const json_t *v = get(obj, key);
    if (!v) return braid_errorf(err, err_len, "field '%s': missing", key);
    if (braid_json_u256(v, out) != 0)
        return braid_errorf(err, err_len, "field '%s': not a 256-bit quantity", key);
    return 0;
}

static int read_u64(const json_t *obj, const char *key, const char *alt, uint64_t *out, char *err,
                    size_t err_len) {
    const char *used;
    const json_t *v = alt ? get_either(obj, key, alt, &used) : get(obj, used = key);
    if (!v) return braid_errorf(err, err_len, "field '%s': missing", key);
    if (braid_json_u64(v, out) != 0)
        return braid_errorf(err, err_len, "field '%s': not a 64-bit quantity", used);
    return 0;
}

static int read_to(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    const json_t *v = get(obj, "to");
    if (!v || (json_is_string(v) &&
               (strcmp(json_string_value(v), "") == 0 || strcmp(json_string_value(v), "0x") == 0))) {
        if (out->tx.type == BRAID_TX_BLOB)
            return braid_errorf(err, err_len, "field 'to': blob transactions cannot create");
        out->tx.is_create = true;
        return 0;
    }
    if (braid_json_address(v, &out->tx.to) != 0)
        return braid_errorf(err, err_len, "field 'to': not a 20-byte address");
    return 0;
}

static int read_data(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    const char *used;
    const json_t *v = get_either(obj, "input", "data", &used);
    if (!v) return braid_errorf(err, err_len, "field 'input': missing");
    braid_buf b = {0};
    if (braid_json_bytes(v, &b) != 0) {
        braid_buf_free(&b);
        return braid_errorf(err, err_len, "field '%s': not a hex byte string", used);
    }
    if (b.len == 0) {
        braid_buf_free(&b);
        return 0;
    }
    out->data_mem = b.data; /* the buffer's malloc'd storage changes hands */
    out->tx.data = out->data_mem;
    out->tx.data_len = b.len;
    return 0;
}

static int read_access_list(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    const json_t *list = get(obj, "accessList");
    if (!list) return 0; /* some producers omit an empty list */
    if (!json_is_array(list)) return braid_errorf(err, err_len, "field 'accessList': not an array");
    size_t n = json_array_size(list), total_keys = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        const json_t *keys = json_is_object(e) ? get(e, "storageKeys") : NULL;
        if (!json_is_array(keys))
            return braid_errorf(err, err_len,
                                "field 'accessList': entry %zu: expected {address, storageKeys[]}", i);
        total_keys += json_array_size(keys);
    }
    if (n == 0) return 0;
    out->access_mem = braid_xcalloc(n, sizeof *out->access_mem);
    if (total_keys) out->keys_mem = braid_xmalloc(total_keys * sizeof *out->keys_mem);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i), *keys = get(e, "storageKeys");
        braid_access_list_entry *dst = &out->access_mem[i];
        if (braid_json_address(get(e, "address"), &dst->address) != 0)
            return braid_errorf(err, err_len, "field 'accessList': entry %zu: address is not 20 bytes", i);
        dst->keys = out->keys_mem + k;
        dst->n_keys = json_array_size(keys);
        for (size_t j = 0; j < dst->n_keys; j++, k++)
            if (braid_json_hash(json_array_get(keys, j), &out->keys_mem[k]) != 0)
                return braid_errorf(err, err_len,
                                    "field 'accessList': entry %zu: storage key %zu is not 32 bytes", i, j);
    }
    out->tx.access_list = out->access_mem;
    out->tx.access_list_len = n;
    return 0;
}

static int read_blob_hashes(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    const json_t *list = get(obj, "blobVersionedHashes");
    if (!json_is_array(list))
        return braid_errorf(err, err_len, "field 'blobVersionedHashes': missing or not an array");
    size_t n = json_array_size(list);
    if (n) out->blob_mem = braid_xmalloc(n * sizeof *out->blob_mem);
    for (size_t i = 0; i < n; i++)
        if (braid_json_hash(json_array_get(list, i), &out->blob_mem[i]) != 0)
            return braid_errorf(err, err_len, "field 'blobVersionedHashes': hash %zu is not 32 bytes", i);
    out->tx.blob_hashes = out->blob_mem;
    out->tx.n_blob_hashes = n;
    return 0;
}

/* Typed transactions carry yParity; RPC servers also write it as v. Either will do, but not two that
 * disagree. */
static int read_parity(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    const json_t *y = get(obj, "yParity"), *v = get(obj, "v");
    if (!y && !v) return braid_errorf(err, err_len, "field 'yParity': missing");
    braid_u256 yv = BRAID_U256_ZERO, vv = BRAID_U256_ZERO;
    if (y && braid_json_u256(y, &yv) != 0)
        return braid_errorf(err, err_len, "field 'yParity': not a quantity");
    if (v && braid_json_u256(v, &vv) != 0) return braid_errorf(err, err_len, "field 'v': not a quantity");
    if (y && v && !braid_u256_eq(yv, vv))
        return braid_errorf(err, err_len, "field 'yParity': differs from 'v'");
    out->v = y ? yv : vv;
    return 0;
}

static int read_field(tx_field f, const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    braid_tx *tx = &out->tx;
    switch (f) {
    case TX_F_CHAIN_ID:
        out->has_chain_id = true;
        return read_u256(obj, "chainId", &out->chain_id, err, err_len);
    case TX_F_NONCE:
        return read_u64(obj, "nonce", NULL, &tx->nonce, err, err_len);
    case TX_F_GAS_PRICE:
        return read_u256(obj, "gasPrice", &tx->gas_price, err, err_len);
    case TX_F_MAX_PRIORITY_FEE:
        return read_u256(obj, "maxPriorityFeePerGas", &tx->max_priority_fee_per_gas, err, err_len);
    case TX_F_MAX_FEE:
        return read_u256(obj, "maxFeePerGas", &tx->max_fee_per_gas, err, err_len);
    case TX_F_GAS:
        return read_u64(obj, "gas", "gasLimit", &tx->gas_limit, err, err_len);
    case TX_F_TO:
        return read_to(obj, out, err, err_len);
    case TX_F_VALUE:
        return read_u256(obj, "value", &tx->value, err, err_len);
    case TX_F_DATA:
        return read_data(obj, out, err, err_len);
    case TX_F_ACCESS_LIST:
        return read_access_list(obj, out, err, err_len);
    case TX_F_MAX_BLOB_FEE:
        return read_u256(obj, "maxFeePerBlobGas", &tx->max_fee_per_blob_gas, err, err_len);
    case TX_F_BLOB_HASHES:
        return read_blob_hashes(obj, out, err, err_len);
    case TX_F_V:
        if (tx->type == BRAID_TX_LEGACY) return read_u256(obj, "v", &out->v, err, err_len);
        return read_parity(obj, out, err, err_len);
    case TX_F_R:
        return read_u256(obj, "r", &out->r, err, err_len);
    case TX_F_S:
        return read_u256(obj, "s", &out->s, err, err_len);
    }
    return braid_errorf(err, err_len, "internal: unknown field");
}

static int from_json(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    if (!json_is_object(obj)) return braid_errorf(err, err_len, "transaction: not a JSON object");
    uint64_t type = BRAID_TX_LEGACY;
    const json_t *t = get(obj, "type");
    if (t && braid_json_u64(t, &type) != 0) return braid_errorf(err, err_len, "field 'type': not a quantity");
    if (type > BRAID_TX_BLOB)
        return braid_errorf(err, err_len, "field 'type': unsupported type %llu", (unsigned long long)type);
    out->tx.type = (braid_tx_type)type;

    size_t n;
    const tx_field *fields = tx_fields(out->tx.type, &n);
    for (size_t i = 0; i < n; i++)
        if (read_field(fields[i], obj, out, err, err_len) != 0) return -1;

    if (out->tx.type == BRAID_TX_LEGACY) {
        tx_legacy_chain_id_from_v(out);
        /* RPC servers add chainId to EIP-155 legacy transactions; it must be the one v encodes. */
        const json_t *c = get(obj, "chainId");
        braid_u256 cid;
        if (c && out->has_chain_id && (braid_json_u256(c, &cid) != 0 || !braid_u256_eq(cid, out->chain_id)))
            return braid_errorf(err, err_len, "field 'chainId': does not match the chain id encoded in v");
    }
    return 0;
}

int braid_signed_tx_from_json(const json_t *obj, braid_signed_tx *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    if (from_json(obj, out, err, err_len) != 0) {
        braid_signed_tx_free(out);
        return -1;
    }
    tx_compute_hash(out);
    return 0;
}
