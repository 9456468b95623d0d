/* Signed transactions on the wire: strict decoding of the four envelope types, canonical encoding, the
 * transaction hash and the signing hash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_tx_codec.h"
#include "chain/tx_codec_internal.h"

/* ---- field layout ---- */

static const tx_field legacy_fields[] = {
    TX_F_NONCE, TX_F_GAS_PRICE, TX_F_GAS, TX_F_TO, TX_F_VALUE, TX_F_DATA, TX_F_V, TX_F_R, TX_F_S,
};
static const tx_field access_list_fields[] = {
    TX_F_CHAIN_ID, TX_F_NONCE,       TX_F_GAS_PRICE, TX_F_GAS, TX_F_TO, TX_F_VALUE,
    TX_F_DATA,     TX_F_ACCESS_LIST, TX_F_V,         TX_F_R,   TX_F_S,
};
static const tx_field dynamic_fee_fields[] = {
    TX_F_CHAIN_ID, TX_F_NONCE, TX_F_MAX_PRIORITY_FEE, TX_F_MAX_FEE, TX_F_GAS, TX_F_TO,
    TX_F_VALUE,    TX_F_DATA,  TX_F_ACCESS_LIST,      TX_F_V,       TX_F_R,   TX_F_S,
};
static const tx_field blob_fields[] = {
    TX_F_CHAIN_ID, TX_F_NONCE,       TX_F_MAX_PRIORITY_FEE, TX_F_MAX_FEE,     TX_F_GAS, TX_F_TO, TX_F_VALUE,
    TX_F_DATA,     TX_F_ACCESS_LIST, TX_F_MAX_BLOB_FEE,     TX_F_BLOB_HASHES, TX_F_V,   TX_F_R,  TX_F_S,
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define SIGNATURE_FIELDS 3

const tx_field *tx_fields(braid_tx_type type, size_t *count) {
    switch (type) {
    case BRAID_TX_ACCESS_LIST:
        *count = COUNT_OF(access_list_fields);
        return access_list_fields;
    case BRAID_TX_DYNAMIC_FEE:
        *count = COUNT_OF(dynamic_fee_fields);
        return dynamic_fee_fields;
    case BRAID_TX_BLOB:
        *count = COUNT_OF(blob_fields);
        return blob_fields;
    case BRAID_TX_LEGACY:
        break;
    }
    *count = COUNT_OF(legacy_fields);
    return legacy_fields;
}

const char *tx_field_name(tx_field f) {
    switch (f) {
    case TX_F_CHAIN_ID:
        return "chainId";
    case TX_F_NONCE:
        return "nonce";
    case TX_F_GAS_PRICE:
        return "gasPrice";
    case TX_F_MAX_PRIORITY_FEE:
        return "maxPriorityFeePerGas";
    case TX_F_MAX_FEE:
        return "maxFeePerGas";
    case TX_F_GAS:
        return "gas";
    case TX_F_TO:
        return "to";
    case TX_F_VALUE:
        return "value";
    case TX_F_DATA:
        return "input";
    case TX_F_ACCESS_LIST:
        return "accessList";
    case TX_F_MAX_BLOB_FEE:
        return "maxFeePerBlobGas";
    case TX_F_BLOB_HASHES:
        return "blobVersionedHashes";
    case TX_F_V:
        return "v";
    case TX_F_R:
        return "r";
    case TX_F_S:
        return "s";
    }
    return "?";
}

void tx_legacy_chain_id_from_v(braid_signed_tx *stx) {
    const braid_u256 v35 = braid_u256_from_u64(35);
    stx->has_chain_id = !braid_u256_lt(stx->v, v35);
    stx->chain_id = BRAID_U256_ZERO;
    if (stx->has_chain_id) {
        braid_u256 d = braid_u256_sub(stx->v, v35), one = braid_u256_from_u64(1);
        braid_u256_shr(&stx->chain_id, &one, &d);
    }
}

void braid_signed_tx_free(braid_signed_tx *stx) {
    if (!stx) return;
    free(stx->data_mem);
    free(stx->access_mem);
    free(stx->keys_mem);
    free(stx->blob_mem);
    free(stx->encoded);
    memset(stx, 0, sizeof *stx);
}

/* ---- encoding ---- */

static void put_field(const braid_signed_tx *stx, tx_field f, braid_buf *b) {
    const braid_tx *tx = &stx->tx;
    switch (f) {
    case TX_F_CHAIN_ID:
        braid_rlp_put_u256(b, stx->chain_id);
        break;
    case TX_F_NONCE:
        braid_rlp_put_u64(b, tx->nonce);
        break;
    case TX_F_GAS_PRICE:
        braid_rlp_put_u256(b, tx->gas_price);
        break;
    case TX_F_MAX_PRIORITY_FEE:
        braid_rlp_put_u256(b, tx->max_priority_fee_per_gas);
        break;
    case TX_F_MAX_FEE:
        braid_rlp_put_u256(b, tx->max_fee_per_gas);
        break;
    case TX_F_GAS:
        braid_rlp_put_u64(b, tx->gas_limit);
        break;
    case TX_F_TO:
        braid_rlp_put_bytes(b, tx->to.b, tx->is_create ? 0 : sizeof tx->to.b);
        break;
    case TX_F_VALUE:
        braid_rlp_put_u256(b, tx->value);
        break;
    case TX_F_DATA:
        braid_rlp_put_bytes(b, tx->data, tx->data_len);
        break;
    case TX_F_ACCESS_LIST: {
        size_t outer = braid_rlp_list_begin(b);
        for (size_t i = 0; i < tx->access_list_len; i++) {
            const braid_access_list_entry *e = &tx->access_list[i];
            size_t entry = braid_rlp_list_begin(b);
            braid_rlp_put_bytes(b, e->address.b, sizeof e->address.b);
            size_t keys = braid_rlp_list_begin(b);
            for (size_t k = 0; k < e->n_keys; k++)
                braid_rlp_put_bytes(b, e->keys[k].b, sizeof e->keys[k].b);
            braid_rlp_list_end(b, keys);
            braid_rlp_list_end(b, entry);
        }
        braid_rlp_list_end(b, outer);
        break;
    }
    case TX_F_MAX_BLOB_FEE:
        braid_rlp_put_u256(b, tx->max_fee_per_blob_gas);
        break;
    case TX_F_BLOB_HASHES: {
        size_t list = braid_rlp_list_begin(b);
        for (size_t i = 0; i < tx->n_blob_hashes; i++)
            braid_rlp_put_bytes(b, tx->blob_hashes[i].b, sizeof tx->blob_hashes[i].b);
        braid_rlp_list_end(b, list);
        break;
    }
    case TX_F_V:
        braid_rlp_put_u256(b, stx->v);
        break;
    case TX_F_R:
        braid_rlp_put_u256(b, stx->r);
        break;
    case TX_F_S:
        braid_rlp_put_u256(b, stx->s);
        break;
    }
}

/* The RLP field list; without the signature it is what gets signed, EIP-155 legacy transactions then
 * appending (chain_id, 0, 0) in place of (v, r, s). */
static void put_field_list(const braid_signed_tx *stx, bool with_signature, braid_buf *b) {
    size_t n;
    const tx_field *fields = tx_fields(stx->tx.type, &n);
    if (!with_signature) n -= SIGNATURE_FIELDS;
    size_t marker = braid_rlp_list_begin(b);
    for (size_t i = 0; i < n; i++)
        put_field(stx, fields[i], b);
    if (!with_signature && stx->tx.type == BRAID_TX_LEGACY && stx->has_chain_id) {
        braid_rlp_put_u256(b, stx->chain_id);
        braid_rlp_put_u64(b, 0);
        braid_rlp_put_u64(b, 0);
    }
    braid_rlp_list_end(b, marker);
}

void braid_signed_tx_encode(const braid_signed_tx *stx, bool for_block_list, braid_buf *out) {
    if (stx->encoded) { /* the bytes the hash covers: the same fields, encoded once */
        if (for_block_list && stx->tx.type != BRAID_TX_LEGACY)
            braid_rlp_put_bytes(out, stx->encoded, stx->encoded_len);
        else
            braid_buf_append(out, stx->encoded, stx->encoded_len);
        return;
    }
    if (stx->tx.type == BRAID_TX_LEGACY) {
        put_field_list(stx, true, out);
        return;
    }
    if (!for_block_list) {
        braid_buf_push(out, (uint8_t)stx->tx.type);
        put_field_list(stx, true, out);
        return;
    }
    braid_buf env = {0};
    braid_buf_push(&env, (uint8_t)stx->tx.type);
    put_field_list(stx, true, &env);
    braid_rlp_put_bytes(out, env.data, env.len);
    braid_buf_free(&env);
}

braid_hash tx_signing_hash(const braid_signed_tx *stx) {
    braid_buf b = {0};
    if (stx->tx.type != BRAID_TX_LEGACY) braid_buf_push(&b, (uint8_t)stx->tx.type);
    put_field_list(stx, false, &b);
    braid_hash h = braid_keccak256_hash(b.data, b.len);
    braid_buf_free(&b);
    return h;
}

void tx_compute_hash(braid_signed_tx *stx) {
    free(stx->encoded);
    stx->encoded = NULL;
    braid_buf b = {0};
    braid_signed_tx_encode(stx, false, &b);
    stx->hash = braid_keccak256_hash(b.data, b.len);
    stx->encoded = b.data; /* kept: the buffer becomes the cached encoding */
    stx->encoded_len = b.len;
}

/* ---- decoding ---- */

/* Explains why an integer field was refused, more precisely than the RLP status does. */
static int uint_fail(const braid_rlp_item *it, const char *name, size_t max_bytes, char *err,
                     size_t err_len) {
    if (it->is_list)
        return braid_errorf(err, err_len, "field '%s': a list where an integer was expected", name);
    if (it->payload_len > 0 && it->payload[0] == 0)
        return braid_errorf(err, err_len, "field '%s': integer with leading zero bytes", name);
    return braid_errorf(err, err_len, "field '%s': integer of %zu bytes, at most %zu allowed", name,
                        it->payload_len, max_bytes);
}

static int read_u64(const braid_rlp_item *it, const char *name, uint64_t *out, char *err, size_t err_len) {
    return braid_rlp_to_u64(it, out) == BRAID_RLP_OK ? 0 : uint_fail(it, name, 8, err, err_len);
}

static int read_u256(const braid_rlp_item *it, const char *name, braid_u256 *out, char *err, size_t err_len) {
    return braid_rlp_to_u256(it, out) == BRAID_RLP_OK ? 0 : uint_fail(it, name, 32, err, err_len);
}

/* Validates the access list (out == NULL, counting entries and keys) or fills the storage sized by a
 * validating pass: one walker for both so the two cannot disagree. */
static int walk_access_list(const braid_rlp_item *list, braid_signed_tx *out, size_t *n_entries,
                            size_t *n_keys, char *err, size_t err_len) {
    if (!list->is_list)
        return braid_errorf(err, err_len, "field 'accessList': a string where a list was expected");
    braid_rlp_iter outer;
    braid_rlp_iter_init(&outer, list);
    braid_rlp_item entry;
    braid_rlp_status st;
    size_t e = 0, k = 0;
    while (braid_rlp_iter_next(&outer, &entry, &st)) {
        if (!entry.is_list)
            return braid_errorf(err, err_len,
                                "field 'accessList': entry %zu: a string where a list was expected", e);
        braid_rlp_iter inner;
        braid_rlp_iter_init(&inner, &entry);
        braid_rlp_item addr, keys, extra;
        if (!braid_rlp_iter_next(&inner, &addr, &st) || !braid_rlp_iter_next(&inner, &keys, &st) ||
            braid_rlp_iter_next(&inner, &extra, &st) || st != BRAID_RLP_OK)
            return braid_errorf(err, err_len, "field 'accessList': entry %zu: %s", e,
                                st != BRAID_RLP_OK ? braid_rlp_strerror(st)
                                                   : "expected [address, storageKeys]");
        if (addr.is_list)
            return braid_errorf(err, err_len, "field 'accessList': entry %zu: address is a list", e);
        if (addr.payload_len != 20)
            return braid_errorf(err, err_len,
                                "field 'accessList': entry %zu: address of %zu bytes, expected 20", e,
                                addr.payload_len);
        if (!keys.is_list)
            return braid_errorf(err, err_len,
                                "field 'accessList': entry %zu: storageKeys is a string, not a list", e);
        braid_access_list_entry *dst = out ? &out->access_mem[e] : NULL;
        if (dst) {
            memcpy(dst->address.b, addr.payload, 20);
            dst->keys = out->keys_mem + k;
            dst->n_keys = 0;
        }
        braid_rlp_iter ki;
        braid_rlp_iter_init(&ki, &keys);
        braid_rlp_item key;
        size_t j = 0;
        while (braid_rlp_iter_next(&ki, &key, &st)) {
            if (key.is_list)
                return braid_errorf(err, err_len, "field 'accessList': entry %zu: storage key %zu is a list",
                                    e, j);
            if (key.payload_len != 32)
                return braid_errorf(err, err_len,
                                    "field 'accessList': entry %zu: storage key %zu: %zu bytes, expected 32",
                                    e, j, key.payload_len);
            if (dst) {
                memcpy(out->keys_mem[k].b, key.payload, 32);
                dst->n_keys++;
            }
            j++;
            k++;
        }
        if (st != BRAID_RLP_OK)
            return braid_errorf(err, err_len, "field 'accessList': entry %zu: storage keys: %s", e,
                                braid_rlp_strerror(st));
        e++;
    }
    if (st != BRAID_RLP_OK)
        return braid_errorf(err, err_len, "field 'accessList': %s", braid_rlp_strerror(st));
    *n_entries = e;
    *n_keys = k;
    return 0;
}

static int read_access_list(const braid_rlp_item *it, braid_signed_tx *out, char *err, size_t err_len) {
    size_t n_entries, n_keys;
    if (walk_access_list(it, NULL, &n_entries, &n_keys, err, err_len) != 0) return -1;
    if (n_entries == 0) return 0;
    out->access_mem = braid_xcalloc(n_entries, sizeof *out->access_mem);
    if (n_keys) out->keys_mem = braid_xmalloc(n_keys * sizeof *out->keys_mem);
    walk_access_list(it, out, &n_entries, &n_keys, err, err_len);
    out->tx.access_list = out->access_mem;
    out->tx.access_list_len = n_entries;
    return 0;
}

static int read_blob_hashes(const braid_rlp_item *it, braid_signed_tx *out, char *err, size_t err_len) {
    if (!it->is_list)
        return braid_errorf(err, err_len, "field 'blobVersionedHashes': a string where a list was expected");
    /* A 32-byte string encodes in 33 bytes, which bounds the count before anything is allocated. */
    out->blob_mem =
        it->payload_len ? braid_xmalloc((it->payload_len / 33 + 1) * sizeof *out->blob_mem) : NULL;
    braid_rlp_iter iter;
    braid_rlp_iter_init(&iter, it);
    braid_rlp_item h;
    braid_rlp_status st;
    size_t n = 0;
    while (braid_rlp_iter_next(&iter, &h, &st)) {
        if (h.is_list)
            return braid_errorf(err, err_len, "field 'blobVersionedHashes': hash %zu is a list", n);
        if (h.payload_len != 32)
            return braid_errorf(err, err_len, "field 'blobVersionedHashes': hash %zu: %zu bytes, expected 32",
                                n, h.payload_len);
        memcpy(out->blob_mem[n++].b, h.payload, 32);
    }
    if (st != BRAID_RLP_OK)
        return braid_errorf(err, err_len, "field 'blobVersionedHashes': %s", braid_rlp_strerror(st));
    out->tx.blob_hashes = out->blob_mem;
    out->tx.n_blob_hashes = n;
    return 0;
}

static int read_field(tx_field f, const braid_rlp_item *it, braid_signed_tx *out, char *err, size_t err_len) {
    braid_tx *tx = &out->tx;
    const char *name = tx_field_name(f);
    switch (f) {
    case TX_F_CHAIN_ID:
        out->has_chain_id = true;
        return read_u256(it, name, &out->chain_id, err, err_len);
    case TX_F_NONCE:
        return read_u64(it, name, &tx->nonce, err, err_len);
    case TX_F_GAS_PRICE:
        return read_u256(it, name, &tx->gas_price, err, err_len);
    case TX_F_MAX_PRIORITY_FEE:
        return read_u256(it, name, &tx->max_priority_fee_per_gas, err, err_len);
    case TX_F_MAX_FEE:
        return read_u256(it, name, &tx->max_fee_per_gas, err, err_len);
    case TX_F_GAS:
        return read_u64(it, name, &tx->gas_limit, err, err_len);
    case TX_F_TO:
        if (it->is_list)
            return braid_errorf(err, err_len, "field 'to': a list where an address was expected");
        if (it->payload_len == 0) {
            /* EIP-4844 types `to` as an address, not an optional one. */
            if (tx->type == BRAID_TX_BLOB)
                return braid_errorf(err, err_len, "field 'to': blob transactions cannot create");
            tx->is_create = true;
            return 0;
        }
        if (it->payload_len != 20)
            return braid_errorf(err, err_len, "field 'to': %zu bytes, expected 20 or empty", it->payload_len);
        memcpy(tx->to.b, it->payload, 20);
        return 0;
    case TX_F_VALUE:
        return read_u256(it, name, &tx->value, err, err_len);
    case TX_F_DATA:
        if (it->is_list) return braid_errorf(err, err_len, "field 'input': a list where bytes were expected");
        if (it->payload_len) {
            out->data_mem = braid_xmalloc(it->payload_len);
            memcpy(out->data_mem, it->payload, it->payload_len);
        }
        tx->data = out->data_mem;
        tx->data_len = it->payload_len;
        return 0;
    case TX_F_ACCESS_LIST:
        return read_access_list(it, out, err, err_len);
    case TX_F_MAX_BLOB_FEE:
        return read_u256(it, name, &tx->max_fee_per_blob_gas, err, err_len);
    case TX_F_BLOB_HASHES:
        return read_blob_hashes(it, out, err, err_len);
    case TX_F_V:
        return read_u256(it, tx->type == BRAID_TX_LEGACY ? "v" : "yParity", &out->v, err, err_len);
    case TX_F_R:
        return read_u256(it, name, &out->r, err, err_len);
    case TX_F_S:
        return read_u256(it, name, &out->s, err, err_len);
    }
    return braid_errorf(err, err_len, "internal: unknown field");
}

static int decode_fields(const uint8_t *in, size_t len, braid_signed_tx *out, char *err, size_t err_len) {
    braid_rlp_item list;
    braid_rlp_status st = braid_rlp_decode_exact(in, len, &list);
    if (st != BRAID_RLP_OK) return braid_errorf(err, err_len, "transaction: %s", braid_rlp_strerror(st));
    if (!list.is_list) return braid_errorf(err, err_len, "transaction: payload is an RLP string, not a list");

    size_t want, have = 0;
    const tx_field *fields = tx_fields(out->tx.type, &want);
    braid_rlp_iter iter;
    braid_rlp_item it;
    braid_rlp_iter_init(&iter, &list);
    while (braid_rlp_iter_next(&iter, &it, &st))
        have++;
    if (st != BRAID_RLP_OK)
        return braid_errorf(err, err_len, "transaction: field %zu (%s): %s", have,
                            have < want ? tx_field_name(fields[have]) : "extra", braid_rlp_strerror(st));
    if (have != want)
        return braid_errorf(err, err_len, "transaction: %zu fields, expected %zu for type %d", have, want,
                            (int)out->tx.type);

    braid_rlp_iter_init(&iter, &list);
    for (size_t i = 0; i < want && braid_rlp_iter_next(&iter, &it, NULL); i++)
        if (read_field(fields[i], &it, out, err, err_len) != 0) return -1;
    if (out->tx.type == BRAID_TX_LEGACY) tx_legacy_chain_id_from_v(out);
    return 0;
}

int braid_signed_tx_decode(const uint8_t *in, size_t len, braid_signed_tx *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    if (len == 0) return braid_errorf(err, err_len, "transaction: empty input");
    int rc;
    uint8_t first = in[0];
    if (first >= 0xc0) {
        out->tx.type = BRAID_TX_LEGACY;
        rc = decode_fields(in, len, out, err, err_len);
    } else if (first >= BRAID_TX_ACCESS_LIST && first <= BRAID_TX_BLOB) {
        /* EIP-2718: a first byte below 0x80 is the type; the rest is that type's RLP payload. */
        out->tx.type = (braid_tx_type)first;
        rc = decode_fields(in + 1, len - 1, out, err, err_len);
    } else if (first < 0x80) {
        rc = braid_errorf(err, err_len, "transaction: unsupported type 0x%02x", first);
    } else {
        rc =
            braid_errorf(err, err_len,
                         "transaction: starts with an RLP string (0x%02x), neither a type nor a list", first);
    }
    if (rc != 0) {
        braid_signed_tx_free(out);
        return -1;
    }
    /* Strict decoding makes the input the canonical encoding, so it is hashed as it stands. */
    out->hash = braid_keccak256_hash(in, len);
    out->encoded = braid_xmalloc(len);
    memcpy(out->encoded, in, len);
    out->encoded_len = len;
    return 0;
}
