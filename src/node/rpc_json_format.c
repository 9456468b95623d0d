/* Writing blocks, transactions, receipts and logs as geth's JSON-RPC returns them. geth builds blocks
 * and receipts as Go maps (encoding/json writes their keys sorted) and transactions and logs as structs
 * (keys in declaration order); the objects below are built in those same orders, so a dump of them
 * lines up with geth's byte for byte. */
#include "node/rpc_json.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_evm.h"
#include "braid/braid_rlp.h"
#include "braid/braid_tx.h"

static const char HEX[] = "0123456789abcdef";

/* jansson reports exhausted memory as NULL; the project treats that as fatal (see braid_xmalloc). */
static json_t *nn(json_t *j) {
    if (!j) abort();
    return j;
}

static void set(json_t *o, const char *key, json_t *v) {
    if (json_object_set_new_nocheck(o, key, nn(v))) abort();
}

static void push(json_t *a, json_t *v) {
    if (json_array_append_new(a, nn(v))) abort();
}

json_t *rpcj_u64(uint64_t v) {
    char buf[19] = "0x";
    char *p = buf + sizeof buf;
    size_t n = 0;
    do {
        *--p = HEX[v & 15];
        v >>= 4;
        n++;
    } while (v);
    memmove(buf + 2, p, n);
    return nn(json_stringn_nocheck(buf, n + 2));
}

json_t *rpcj_u256(braid_u256 v) {
    char buf[67] = "0x";
    size_t n = 0;
    bool started = false;
    for (int limb = 3; limb >= 0; limb--)
        for (int shift = 60; shift >= 0; shift -= 4) {
            unsigned d = (unsigned)(v.w[limb] >> shift) & 15;
            if (d || started) {
                started = true;
                buf[2 + n++] = HEX[d];
            }
        }
    if (!n) buf[2 + n++] = '0';
    return nn(json_stringn_nocheck(buf, n + 2));
}

json_t *rpcj_bytes(const uint8_t *data, size_t len) {
    /* input data can be large (hundreds of KB): one allocation, no UTF-8 validation */
    char small[2 * 32 + 2];
    char *buf = len <= 32 ? small : braid_xmalloc(2 * len + 2);
    buf[0] = '0';
    buf[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        buf[2 + 2 * i] = HEX[data[i] >> 4];
        buf[3 + 2 * i] = HEX[data[i] & 15];
    }
    json_t *j = nn(json_stringn_nocheck(buf, 2 * len + 2));
    if (buf != small) free(buf);
    return j;
}

json_t *rpcj_address(const braid_address *a) { return rpcj_bytes(a->b, 20); }
json_t *rpcj_hash(const braid_hash *h) { return rpcj_bytes(h->b, 32); }

json_t *rpcj_hash_array(const braid_hash *hashes, size_t n) {
    json_t *a = nn(json_array());
    for (size_t i = 0; i < n; i++) push(a, rpcj_hash(&hashes[i]));
    return a;
}

/* ------------------------------------------------------------------------------ transactions -- */

static bool has_fee_cap(braid_tx_type t) { return t == BRAID_TX_DYNAMIC_FEE || t == BRAID_TX_BLOB; }

/* What the sender pays per gas: the legacy price, or min(fee cap, base fee + tip) once there is a
 * base fee (geth's effectiveGasPrice). */
static braid_u256 effective_price(const braid_tx *tx, bool has_base_fee, braid_u256 base_fee) {
    if (!has_fee_cap(tx->type)) return tx->gas_price;
    if (!has_base_fee) return tx->max_fee_per_gas;
    bool carry;
    braid_u256 p = braid_u256_add_carry(tx->max_priority_fee_per_gas, base_fee, &carry);
    return carry || braid_u256_lt(tx->max_fee_per_gas, p) ? tx->max_fee_per_gas : p;
}

static json_t *access_list_json(const braid_tx *tx) {
    json_t *a = nn(json_array());
    for (size_t i = 0; i < tx->access_list_len; i++) {
        const braid_access_list_entry *e = &tx->access_list[i];
        json_t *o = nn(json_object());
        set(o, "address", rpcj_address(&e->address));
        set(o, "storageKeys", rpcj_hash_array(e->keys, e->n_keys));
        push(a, o);
    }
    return a;
}

json_t *rpcj_tx(const braid_signed_tx *stx, const rpcj_tx_pos *pos) {
    const braid_tx *tx = &stx->tx;
    bool typed = tx->type != BRAID_TX_LEGACY;
    json_t *o = nn(json_object());
    set(o, "blockHash", pos ? rpcj_hash(&pos->block_hash) : json_null());
    set(o, "blockNumber", pos ? rpcj_u64(pos->block_number) : json_null());
    set(o, "blockTimestamp", pos ? rpcj_u64(pos->block_timestamp) : json_null());
    set(o, "from", rpcj_address(&tx->sender));
    set(o, "gas", rpcj_u64(tx->gas_limit));
    /* a pending transaction has no block, so geth shows its fee cap as its price */
    set(o, "gasPrice", rpcj_u256(pos ? effective_price(tx, pos->has_base_fee, pos->base_fee)
                                     : effective_price(tx, false, BRAID_U256_ZERO)));
    if (has_fee_cap(tx->type)) {
        set(o, "maxFeePerGas", rpcj_u256(tx->max_fee_per_gas));
        set(o, "maxPriorityFeePerGas", rpcj_u256(tx->max_priority_fee_per_gas));
    }
    if (tx->type == BRAID_TX_BLOB) set(o, "maxFeePerBlobGas", rpcj_u256(tx->max_fee_per_blob_gas));
    set(o, "hash", rpcj_hash(&stx->hash));
    set(o, "input", rpcj_bytes(tx->data, tx->data_len));
    set(o, "nonce", rpcj_u64(tx->nonce));
    set(o, "to", tx->is_create ? json_null() : rpcj_address(&tx->to));
    set(o, "transactionIndex", pos ? rpcj_u64(pos->index) : json_null());
    set(o, "value", rpcj_u256(tx->value));
    set(o, "type", rpcj_u64((uint64_t)tx->type));
    if (typed) set(o, "accessList", access_list_json(tx));
    /* legacy: only when signed under EIP-155 (geth shows a chain id derived from v when it is not 0) */
    if (typed || (stx->has_chain_id && !braid_u256_is_zero(stx->chain_id))) set(o, "chainId", rpcj_u256(stx->chain_id));
    if (tx->type == BRAID_TX_BLOB && tx->n_blob_hashes)
        set(o, "blobVersionedHashes", rpcj_hash_array(tx->blob_hashes, tx->n_blob_hashes));
    set(o, "v", rpcj_u256(stx->v));
    set(o, "r", rpcj_u256(stx->r));
    set(o, "s", rpcj_u256(stx->s));
    if (typed) set(o, "yParity", rpcj_u64(braid_u256_is_zero(stx->v) ? 0 : 1));
    return o;
}

/* ------------------------------------------------------------------------------------ blocks -- */

static json_t *withdrawal_json(const braid_withdrawal *w) {
    json_t *o = nn(json_object());
    set(o, "index", rpcj_u64(w->index));
    set(o, "validatorIndex", rpcj_u64(w->validator));
    set(o, "address", rpcj_address(&w->address));
    set(o, "amount", rpcj_u64(w->amount_gwei));
    return o;
}

json_t *rpcj_block(const braid_header *h, size_t block_size_bytes, const braid_signed_tx *txs, size_t n,
                   bool full_txs, const braid_withdrawal *w, size_t nw, bool has_withdrawals) {
    json_t *o = nn(json_object());
    /* keys in sorted order, as encoding/json writes geth's map */
    if (h->has_base_fee) set(o, "baseFeePerGas", rpcj_u256(h->base_fee));
    if (h->has_blob_gas) set(o, "blobGasUsed", rpcj_u64(h->blob_gas_used));
    set(o, "difficulty", rpcj_u256(h->difficulty));
    if (h->has_blob_gas) set(o, "excessBlobGas", rpcj_u64(h->excess_blob_gas));
    set(o, "extraData", rpcj_bytes(h->extra, h->extra_len));
    set(o, "gasLimit", rpcj_u64(h->gas_limit));
    set(o, "gasUsed", rpcj_u64(h->gas_used));
    set(o, "hash", rpcj_hash(&h->hash));
    set(o, "logsBloom", rpcj_bytes(h->bloom, BRAID_BLOOM_SIZE));
    set(o, "miner", rpcj_address(&h->coinbase));
    set(o, "mixHash", rpcj_hash(&h->mix_hash));
    set(o, "nonce", rpcj_bytes(h->nonce, 8));
    set(o, "number", rpcj_u64(h->number));
    if (h->has_beacon_root) set(o, "parentBeaconBlockRoot", rpcj_hash(&h->parent_beacon_root));
    set(o, "parentHash", rpcj_hash(&h->parent_hash));
    set(o, "receiptsRoot", rpcj_hash(&h->receipts_root));
    set(o, "sha3Uncles", rpcj_hash(&h->ommers_hash));
    set(o, "size", rpcj_u64(block_size_bytes));
    set(o, "stateRoot", rpcj_hash(&h->state_root));
    set(o, "timestamp", rpcj_u64(h->timestamp));
    json_t *list = nn(json_array());
    for (size_t i = 0; i < n; i++) {
        if (full_txs) {
            rpcj_tx_pos pos = {h->hash, h->number, h->timestamp, i, h->has_base_fee, h->base_fee};
            push(list, rpcj_tx(&txs[i], &pos));
        } else {
            push(list, rpcj_hash(&txs[i].hash));
        }
    }
    set(o, "transactions", list);
    set(o, "transactionsRoot", rpcj_hash(&h->tx_root));
    set(o, "uncles", nn(json_array()));
    if (has_withdrawals) {
        json_t *ws = nn(json_array());
        for (size_t i = 0; i < nw; i++) push(ws, withdrawal_json(&w[i]));
        set(o, "withdrawals", ws);
    }
    if (h->has_withdrawals_root) set(o, "withdrawalsRoot", rpcj_hash(&h->withdrawals_root));
    return o;
}

size_t rpcj_block_size(const braid_block *b) {
    braid_buf buf;
    braid_buf_init(&buf);
    size_t outer = braid_rlp_list_begin(&buf);
    braid_header h = b->header; /* encoding writes the hash into the header */
    braid_header_encode(&h, &buf);
    size_t list = braid_rlp_list_begin(&buf);
    for (size_t i = 0; i < b->n_txs; i++) braid_signed_tx_encode(&b->txs[i], true, &buf);
    braid_rlp_list_end(&buf, list);
    list = braid_rlp_list_begin(&buf);
    for (size_t i = 0; i < b->n_ommers; i++) {
        braid_header u = b->ommers[i];
        braid_header_encode(&u, &buf);
    }
    braid_rlp_list_end(&buf, list);
    if (b->has_withdrawals) {
        list = braid_rlp_list_begin(&buf);
        for (size_t i = 0; i < b->n_withdrawals; i++) {
            const braid_withdrawal *w = &b->withdrawals[i];
            size_t one = braid_rlp_list_begin(&buf);
            braid_rlp_put_u64(&buf, w->index);
            braid_rlp_put_u64(&buf, w->validator);
            braid_rlp_put_bytes(&buf, w->address.b, 20);
            braid_rlp_put_u64(&buf, w->amount_gwei);
            braid_rlp_list_end(&buf, one);
        }
        braid_rlp_list_end(&buf, list);
    }
    braid_rlp_list_end(&buf, outer);
    size_t n = buf.len;
    braid_buf_free(&buf);
    return n;
}

/* ------------------------------------------------------------------------------ logs, receipts -- */

json_t *rpcj_log(const braid_log *log, const rpcj_log_pos *pos) {
    static const rpcj_log_pos nowhere;
    if (!pos) pos = &nowhere;
    json_t *o = nn(json_object());
    set(o, "address", rpcj_address(&log->address));
    set(o, "topics", rpcj_hash_array(log->topics, log->n_topics < 4 ? log->n_topics : 4));
    set(o, "data", rpcj_bytes(log->data, log->data_len));
    set(o, "blockNumber", rpcj_u64(pos->block_number));
    set(o, "transactionHash", rpcj_hash(&pos->tx_hash));
    set(o, "transactionIndex", rpcj_u64(pos->tx_index));
    set(o, "blockHash", rpcj_hash(&pos->block_hash));
    set(o, "blockTimestamp", rpcj_u64(pos->block_timestamp));
    set(o, "logIndex", rpcj_u64(pos->log_index));
    set(o, "removed", json_boolean(pos->removed));
    return o;
}

json_t *rpcj_receipt(const rpcj_receipt_in *in) {
    const braid_receipt *r = in->receipt;
    const braid_tx *tx = &in->tx->tx;
    json_t *o = nn(json_object());
    /* keys in sorted order, as encoding/json writes geth's map */
    if (tx->type == BRAID_TX_BLOB) {
        set(o, "blobGasPrice", rpcj_u256(in->blob_gas_price));
        set(o, "blobGasUsed", rpcj_u64((uint64_t)tx->n_blob_hashes * BRAID_GAS_PER_BLOB));
    }
    set(o, "blockHash", rpcj_hash(&in->block_hash));
    set(o, "blockNumber", rpcj_u64(in->block_number));
    /* geth derives the address for every creation, also a failed one (whose receipt here has no
     * `created`) */
    if (tx->is_create) {
        braid_address a = braid_create_address(&tx->sender, tx->nonce);
        set(o, "contractAddress", rpcj_address(&a));
    } else {
        set(o, "contractAddress", json_null());
    }
    set(o, "cumulativeGasUsed", rpcj_u64(r->cumulative_gas));
    set(o, "effectiveGasPrice", rpcj_u256(effective_price(tx, in->has_base_fee, in->base_fee)));
    set(o, "from", rpcj_address(&tx->sender));
    set(o, "gasUsed", rpcj_u64(r->gas_used));
    json_t *logs = nn(json_array());
    for (size_t i = 0; i < r->n_logs; i++) {
        rpcj_log_pos pos = {in->block_hash, in->block_number, in->block_timestamp, in->tx->hash, in->index,
                            in->first_log_index + i, false};
        push(logs, rpcj_log(&r->logs[i], &pos));
    }
    set(o, "logs", logs);
    set(o, "logsBloom", rpcj_bytes(r->bloom, BRAID_BLOOM_SIZE));
    if (r->has_post_state)
        set(o, "root", rpcj_hash(&r->post_state));
    else
        set(o, "status", rpcj_u64(r->success ? 1 : 0));
    set(o, "to", tx->is_create ? json_null() : rpcj_address(&tx->to));
    set(o, "transactionHash", rpcj_hash(&in->tx->hash));
    set(o, "transactionIndex", rpcj_u64(in->index));
    set(o, "type", rpcj_u64((uint64_t)tx->type));
    return o;
}
