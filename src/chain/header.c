/* Block headers: RLP and JSON codecs, the EIP-1559 and EIP-4844 header arithmetic, and validation
 * against the parent. */
#include <stdarg.h>
#include <stdio.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"

#define GAS_LIMIT_BOUND_DIVISOR 1024
#define MIN_GAS_LIMIT 5000
#define MAX_GAS_LIMIT INT64_MAX
#define ELASTICITY 2
#define BASE_FEE_CHANGE_DENOMINATOR 8
#define INITIAL_BASE_FEE 1000000000
#define TARGET_BLOB_GAS_PER_BLOCK 393216

/* keccak256(rlp([])): the ommers hash of a block without ommers. */
static const braid_hash empty_ommers_hash = {{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                              0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                              0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};

void braid_header_encode(braid_header *h, braid_buf *out) {
    size_t start = out->len;
    size_t list = braid_rlp_list_begin(out);
    braid_rlp_put_bytes(out, h->parent_hash.b, 32);
    braid_rlp_put_bytes(out, h->ommers_hash.b, 32);
    braid_rlp_put_bytes(out, h->coinbase.b, 20);
    braid_rlp_put_bytes(out, h->state_root.b, 32);
    braid_rlp_put_bytes(out, h->tx_root.b, 32);
    braid_rlp_put_bytes(out, h->receipts_root.b, 32);
    braid_rlp_put_bytes(out, h->bloom, BRAID_BLOOM_SIZE);
    braid_rlp_put_u256(out, h->difficulty);
    braid_rlp_put_u64(out, h->number);
    braid_rlp_put_u64(out, h->gas_limit);
    braid_rlp_put_u64(out, h->gas_used);
    braid_rlp_put_u64(out, h->timestamp);
    braid_rlp_put_bytes(out, h->extra, h->extra_len);
    braid_rlp_put_bytes(out, h->mix_hash.b, 32);
    braid_rlp_put_bytes(out, h->nonce, 8);
    if (h->has_base_fee) braid_rlp_put_u256(out, h->base_fee);
    if (h->has_withdrawals_root) braid_rlp_put_bytes(out, h->withdrawals_root.b, 32);
    if (h->has_blob_gas) {
        braid_rlp_put_u64(out, h->blob_gas_used);
        braid_rlp_put_u64(out, h->excess_blob_gas);
    }
    if (h->has_beacon_root) braid_rlp_put_bytes(out, h->parent_beacon_root.b, 32);
    braid_rlp_list_end(out, list);
    braid_keccak256(out->data + start, out->len - start, h->hash.b);
}

/* ---- RLP decoding ---- */

static int fixed_field(const braid_rlp_item *it, uint8_t *out, size_t n) {
    if (it->is_list || it->payload_len != n) return -1;
    memcpy(out, it->payload, n);
    return 0;
}

int braid_header_decode(const uint8_t *rlp, size_t len, braid_header *h, char *err, size_t err_len) {
    static const char *const names[] = {"parentHash", "ommersHash",  "coinbase",       "stateRoot",
                                        "transactionsRoot", "receiptsRoot", "logsBloom", "difficulty",
                                        "number",     "gasLimit",    "gasUsed",        "timestamp",
                                        "extraData",  "mixHash",     "nonce",          "baseFeePerGas",
                                        "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot"};
    memset(h, 0, sizeof *h);
    braid_rlp_item list, f[21];
    braid_rlp_status st = braid_rlp_decode_exact(rlp, len, &list);
    if (st != BRAID_RLP_OK) return braid_errorf(err, err_len, "header: %s", braid_rlp_strerror(st));
    if (!list.is_list) return braid_errorf(err, err_len, "header: not an RLP list");
    braid_rlp_iter iter;
    braid_rlp_iter_init(&iter, &list);
    size_t n = 0;
    while (n < 21 && braid_rlp_iter_next(&iter, &f[n], &st)) n++;
    if (st != BRAID_RLP_OK) return braid_errorf(err, err_len, "header: %s", braid_rlp_strerror(st));
    if (n != 15 && n != 16 && n != 17 && n != 19 && n != 20)
        return braid_errorf(err, err_len, "header: %zu fields (expected 15, 16, 17, 19 or 20)", n);

    size_t bad = SIZE_MAX;
    braid_u256 v;
    if (fixed_field(&f[0], h->parent_hash.b, 32)) bad = 0;
    else if (fixed_field(&f[1], h->ommers_hash.b, 32)) bad = 1;
    else if (fixed_field(&f[2], h->coinbase.b, 20)) bad = 2;
    else if (fixed_field(&f[3], h->state_root.b, 32)) bad = 3;
    else if (fixed_field(&f[4], h->tx_root.b, 32)) bad = 4;
    else if (fixed_field(&f[5], h->receipts_root.b, 32)) bad = 5;
    else if (fixed_field(&f[6], h->bloom, BRAID_BLOOM_SIZE)) bad = 6;
    else if (braid_rlp_to_u256(&f[7], &h->difficulty)) bad = 7;
    else if (braid_rlp_to_u64(&f[8], &h->number)) bad = 8;
    else if (braid_rlp_to_u64(&f[9], &h->gas_limit)) bad = 9;
    else if (braid_rlp_to_u64(&f[10], &h->gas_used)) bad = 10;
    else if (braid_rlp_to_u64(&f[11], &h->timestamp)) bad = 11;
    else if (f[12].is_list || f[12].payload_len > sizeof h->extra) bad = 12;
    else if (fixed_field(&f[13], h->mix_hash.b, 32)) bad = 13;
    else if (fixed_field(&f[14], h->nonce, 8)) bad = 14;
    else if (n > 15 && braid_rlp_to_u256(&f[15], &v)) bad = 15;
    else if (n > 16 && fixed_field(&f[16], h->withdrawals_root.b, 32)) bad = 16;
    else if (n > 17 && braid_rlp_to_u64(&f[17], &h->blob_gas_used)) bad = 17;
    else if (n > 17 && braid_rlp_to_u64(&f[18], &h->excess_blob_gas)) bad = 18;
    else if (n > 19 && fixed_field(&f[19], h->parent_beacon_root.b, 32)) bad = 19;
    if (bad != SIZE_MAX) return braid_errorf(err, err_len, "header: field '%s' is malformed", names[bad]);
    h->extra_len = f[12].payload_len;
    memcpy(h->extra, f[12].payload, h->extra_len);
    h->has_base_fee = n > 15;
    if (h->has_base_fee) h->base_fee = v;
    h->has_withdrawals_root = n > 16;
    h->has_blob_gas = n > 17;
    h->has_beacon_root = n > 19;
    braid_keccak256(list.raw, list.raw_len, h->hash.b);
    return 0;
}

/* ---- JSON (eth_getBlockByNumber) ---- */

int braid_header_from_json(const json_t *o, braid_header *h, char *err, size_t err_len) {
    memset(h, 0, sizeof *h);
    if (!json_is_object(o)) return braid_errorf(err, err_len, "block: not a JSON object");
    braid_buf extra;
    braid_buf_init(&extra);
#define REQ(field, expr)                                                                                     \
    if (expr) {                                                                                              \
        braid_buf_free(&extra);                                                                              \
        return braid_errorf(err, err_len, "block: field '%s' is missing or malformed", field);               \
    }
    REQ("parentHash", braid_json_hash(json_object_get(o, "parentHash"), &h->parent_hash));
    REQ("sha3Uncles", braid_json_hash(json_object_get(o, "sha3Uncles"), &h->ommers_hash));
    REQ("miner", braid_json_address(json_object_get(o, "miner"), &h->coinbase));
    REQ("stateRoot", braid_json_hash(json_object_get(o, "stateRoot"), &h->state_root));
    REQ("transactionsRoot", braid_json_hash(json_object_get(o, "transactionsRoot"), &h->tx_root));
    REQ("receiptsRoot", braid_json_hash(json_object_get(o, "receiptsRoot"), &h->receipts_root));
    const json_t *bloom = json_object_get(o, "logsBloom");
    REQ("logsBloom", !json_is_string(bloom) || braid_hex_decode_fixed(json_string_value(bloom), h->bloom, BRAID_BLOOM_SIZE));
    REQ("difficulty", braid_json_u256(json_object_get(o, "difficulty"), &h->difficulty));
    REQ("number", braid_json_u64(json_object_get(o, "number"), &h->number));
    REQ("gasLimit", braid_json_u64(json_object_get(o, "gasLimit"), &h->gas_limit));
    REQ("gasUsed", braid_json_u64(json_object_get(o, "gasUsed"), &h->gas_used));
    REQ("timestamp", braid_json_u64(json_object_get(o, "timestamp"), &h->timestamp));
    REQ("extraData", braid_json_bytes(json_object_get(o, "extraData"), &extra) || extra.len > sizeof h->extra);
    REQ("mixHash", braid_json_hash(json_object_get(o, "mixHash"), &h->mix_hash));
    const json_t *nonce = json_object_get(o, "nonce");
    REQ("nonce", !json_is_string(nonce) || braid_hex_decode_fixed(json_string_value(nonce), h->nonce, 8));
    const json_t *j;
    if ((j = json_object_get(o, "baseFeePerGas")) && !json_is_null(j)) {
        REQ("baseFeePerGas", braid_json_u256(j, &h->base_fee));
        h->has_base_fee = true;
    }
    if ((j = json_object_get(o, "withdrawalsRoot")) && !json_is_null(j)) {
        REQ("withdrawalsRoot", braid_json_hash(j, &h->withdrawals_root));
        h->has_withdrawals_root = true;
    }
    if ((j = json_object_get(o, "blobGasUsed")) && !json_is_null(j)) {
        REQ("blobGasUsed", braid_json_u64(j, &h->blob_gas_used));
        REQ("excessBlobGas", braid_json_u64(json_object_get(o, "excessBlobGas"), &h->excess_blob_gas));
        h->has_blob_gas = true;
    }
    if ((j = json_object_get(o, "parentBeaconBlockRoot")) && !json_is_null(j)) {
        REQ("parentBeaconBlockRoot", braid_json_hash(j, &h->parent_beacon_root));
        h->has_beacon_root = true;
    }
#undef REQ
    if (extra.len) memcpy(h->extra, extra.data, extra.len);
    h->extra_len = extra.len;
    braid_buf_free(&extra);

    braid_buf enc;
    braid_buf_init(&enc);
    braid_header_encode(h, &enc);
    braid_buf_free(&enc);
    braid_hash given;
    if ((j = json_object_get(o, "hash")) && !json_is_null(j)) {
        if (braid_json_hash(j, &given)) return braid_errorf(err, err_len, "block: field 'hash' is malformed");
        if (!braid_hash_eq(&given, &h->hash))
            return braid_errorf(err, err_len, "block: the header fields do not hash to the given 'hash'");
    }
    return 0;
}

/* ---- arithmetic between parent and child ---- */

braid_u256 braid_base_fee_next(const braid_header *parent, braid_fork parent_fork) {
    if (parent_fork < BRAID_FORK_LONDON || !parent->has_base_fee) return braid_u256_from_u64(INITIAL_BASE_FEE);
    uint64_t target = parent->gas_limit / ELASTICITY;
    braid_u256 base = parent->base_fee;
    if (parent->gas_used == target || target == 0) return base;
    bool up = parent->gas_used > target;
    braid_u256 diff = braid_u256_from_u64(up ? parent->gas_used - target : target - parent->gas_used);
    braid_u256 t = braid_u256_from_u64(target), d = braid_u256_from_u64(BASE_FEE_CHANGE_DENOMINATOR), delta;
    braid_u256_mul(&delta, &base, &diff);
    braid_u256_div(&delta, &delta, &t);
    braid_u256_div(&delta, &delta, &d);
    if (up) {
        if (braid_u256_is_zero(delta)) delta = braid_u256_from_u64(1);
        return braid_u256_add(base, delta);
    }
    return braid_u256_lt(base, delta) ? BRAID_U256_ZERO : braid_u256_sub(base, delta);
}

uint64_t braid_excess_blob_gas_next(const braid_header *parent) {
    if (!parent->has_blob_gas) return 0;
    uint64_t sum = parent->excess_blob_gas + parent->blob_gas_used;
    if (sum < parent->excess_blob_gas) sum = UINT64_MAX;
    return sum < TARGET_BLOB_GAS_PER_BLOCK ? 0 : sum - TARGET_BLOB_GAS_PER_BLOCK;
}

int braid_header_validate(const braid_header *h, const braid_header *parent, const braid_chain_config *cfg,
                          char *err, size_t err_len) {
    braid_fork fork = braid_chain_fork_at(cfg, h->number, h->timestamp);
    braid_fork parent_fork = braid_chain_fork_at(cfg, parent->number, parent->timestamp);
    if (!braid_hash_eq(&h->parent_hash, &parent->hash))
        return braid_errorf(err, err_len, "parentHash does not match the parent");
    if (h->number != parent->number + 1)
        return braid_errorf(err, err_len, "number %llu does not follow the parent's %llu",
                            (unsigned long long)h->number, (unsigned long long)parent->number);
    if (h->timestamp <= parent->timestamp)
        return braid_errorf(err, err_len, "timestamp %llu is not after the parent's %llu",
                            (unsigned long long)h->timestamp, (unsigned long long)parent->timestamp);
    if (h->extra_len > BRAID_MAX_EXTRA_DATA)
        return braid_errorf(err, err_len, "extraData is %zu bytes (at most %d)", h->extra_len,
                            BRAID_MAX_EXTRA_DATA);
    if (h->gas_limit > MAX_GAS_LIMIT) return braid_errorf(err, err_len, "gasLimit above 2^63-1");
    if (h->gas_used > h->gas_limit) return braid_errorf(err, err_len, "gasUsed above gasLimit");

    uint64_t parent_limit = parent->gas_limit;
    if (fork >= BRAID_FORK_LONDON && parent_fork < BRAID_FORK_LONDON) parent_limit *= ELASTICITY;
    uint64_t diff = h->gas_limit > parent_limit ? h->gas_limit - parent_limit : parent_limit - h->gas_limit;
    if (diff >= parent_limit / GAS_LIMIT_BOUND_DIVISOR || h->gas_limit < MIN_GAS_LIMIT)
        return braid_errorf(err, err_len, "gasLimit %llu out of bounds for the parent's %llu",
                            (unsigned long long)h->gas_limit, (unsigned long long)parent_limit);

    if ((fork >= BRAID_FORK_LONDON) != h->has_base_fee)
        return braid_errorf(err, err_len, "baseFeePerGas presence does not match the fork");
    if (fork >= BRAID_FORK_LONDON) {
        braid_u256 want = braid_base_fee_next(parent, parent_fork);
        if (!braid_u256_eq(want, h->base_fee))
            return braid_errorf(err, err_len, "baseFeePerGas does not follow from the parent");
    }
    if (fork >= BRAID_FORK_PARIS) {
        if (!braid_u256_is_zero(h->difficulty))
            return braid_errorf(err, err_len, "difficulty must be 0 after the merge");
        static const uint8_t zero_nonce[8];
        if (memcmp(h->nonce, zero_nonce, 8) != 0)
            return braid_errorf(err, err_len, "nonce must be 0 after the merge");
        if (!braid_hash_eq(&h->ommers_hash, &empty_ommers_hash))
            return braid_errorf(err, err_len, "ommers are not allowed after the merge");
    }
    if ((fork >= BRAID_FORK_SHANGHAI) != h->has_withdrawals_root)
        return braid_errorf(err, err_len, "withdrawalsRoot presence does not match the fork");
    if ((fork >= BRAID_FORK_CANCUN) != h->has_blob_gas || (fork >= BRAID_FORK_CANCUN) != h->has_beacon_root)
        return braid_errorf(err, err_len,
                            "blob gas / parentBeaconBlockRoot presence does not match the fork");
    if (fork >= BRAID_FORK_CANCUN && h->excess_blob_gas != braid_excess_blob_gas_next(parent))
        return braid_errorf(err, err_len, "excessBlobGas does not follow from the parent");
    return 0;
}
