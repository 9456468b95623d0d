/* Whole blocks from RLP (blockchain tests, the wire) and from eth_getBlockByNumber(n, true) JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"

void braid_block_free(braid_block *b) {
    for (size_t i = 0; i < b->n_txs; i++) braid_signed_tx_free(&b->txs[i]);
    free(b->txs);
    free(b->ommers);
    free(b->withdrawals);
    memset(b, 0, sizeof *b);
}

static size_t count_items(const braid_rlp_item *list, braid_rlp_status *st) {
    braid_rlp_iter it;
    braid_rlp_item item;
    size_t n = 0;
    braid_rlp_iter_init(&it, list);
    *st = BRAID_RLP_OK;
    while (braid_rlp_iter_next(&it, &item, st)) n++;
    return n;
}

static int decode_withdrawal(const braid_rlp_item *item, braid_withdrawal *w) {
    braid_rlp_item f[4];
    braid_rlp_iter it;
    braid_rlp_status st = BRAID_RLP_OK;
    size_t n = 0;
    if (!item->is_list) return -1;
    braid_rlp_iter_init(&it, item);
    while (n < 4 && braid_rlp_iter_next(&it, &f[n], &st)) n++;
    braid_rlp_item extra;
    if (st != BRAID_RLP_OK || n != 4 || braid_rlp_iter_next(&it, &extra, &st)) return -1;
    if (braid_rlp_to_u64(&f[0], &w->index) || braid_rlp_to_u64(&f[1], &w->validator) || f[2].is_list ||
        f[2].payload_len != 20 || braid_rlp_to_u64(&f[3], &w->amount_gwei))
        return -1;
    memcpy(w->address.b, f[2].payload, 20);
    return 0;
}

int braid_block_decode(const uint8_t *rlp, size_t len, braid_block *b, char *err, size_t err_len) {
    memset(b, 0, sizeof *b);
    braid_rlp_item block, parts[5];
    braid_rlp_status st = braid_rlp_decode_exact(rlp, len, &block);
    if (st != BRAID_RLP_OK) return braid_errorf(err, err_len, "block: %s", braid_rlp_strerror(st));
    if (!block.is_list) return braid_errorf(err, err_len, "block: not an RLP list");
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, &block);
    size_t n = 0;
    while (n < 5 && braid_rlp_iter_next(&it, &parts[n], &st)) n++;
    if (st != BRAID_RLP_OK) return braid_errorf(err, err_len, "block: %s", braid_rlp_strerror(st));
    if (n != 3 && n != 4)
        return braid_errorf(err, err_len,
                            "block: %zu parts (expected header, transactions, ommers[, withdrawals])", n);
    if (braid_header_decode(parts[0].raw, parts[0].raw_len, &b->header, err, err_len)) return -1;
    for (size_t i = 1; i < n; i++)
        if (!parts[i].is_list) return braid_errorf(err, err_len, "block: part %zu is not a list", i);

    size_t ntx = count_items(&parts[1], &st);
    if (st != BRAID_RLP_OK)
        return braid_errorf(err, err_len, "block transactions: %s", braid_rlp_strerror(st));
    b->txs = braid_xcalloc(ntx + 1, sizeof *b->txs);
    braid_rlp_iter_init(&it, &parts[1]);
    braid_rlp_item item;
    char sub[200];
    while (braid_rlp_iter_next(&it, &item, &st)) {
        /* legacy transactions are lists; typed ones are strings wrapping type || payload */
        const uint8_t *p = item.is_list ? item.raw : item.payload;
        size_t plen = item.is_list ? item.raw_len : item.payload_len;
        if (!item.is_list && (plen == 0 || p[0] >= 0x80)) {
            braid_block_free(b);
            return braid_errorf(err, err_len, "transaction %zu: a string that is not a typed transaction",
                                b->n_txs);
        }
        if (braid_signed_tx_decode(p, plen, &b->txs[b->n_txs], sub, sizeof sub)) {
            size_t i = b->n_txs;
            braid_block_free(b);
            return braid_errorf(err, err_len, "transaction %zu: %s", i, sub);
        }
        b->n_txs++;
    }

    size_t nom = count_items(&parts[2], &st);
    if (st != BRAID_RLP_OK) {
        braid_block_free(b);
        return braid_errorf(err, err_len, "block ommers: %s", braid_rlp_strerror(st));
    }
    b->ommers = braid_xcalloc(nom + 1, sizeof *b->ommers);
    braid_keccak256(parts[2].raw, parts[2].raw_len, b->ommers_list_hash.b);
    braid_rlp_iter_init(&it, &parts[2]);
    while (braid_rlp_iter_next(&it, &item, &st)) {
        if (braid_header_decode(item.raw, item.raw_len, &b->ommers[b->n_ommers], sub, sizeof sub)) {
            braid_block_free(b);
            return braid_errorf(err, err_len, "ommer: %s", sub);
        }
        b->n_ommers++;
    }

    if (n == 4) {
        b->has_withdrawals = true;
        size_t nw = count_items(&parts[3], &st);
        if (st != BRAID_RLP_OK) {
            braid_block_free(b);
            return braid_errorf(err, err_len, "block withdrawals: %s", braid_rlp_strerror(st));
        }
        b->withdrawals = braid_xcalloc(nw + 1, sizeof *b->withdrawals);
        braid_rlp_iter_init(&it, &parts[3]);
        while (braid_rlp_iter_next(&it, &item, &st)) {
            if (decode_withdrawal(&item, &b->withdrawals[b->n_withdrawals])) {
                size_t i = b->n_withdrawals;
                braid_block_free(b);
                return braid_errorf(err, err_len, "withdrawal %zu is malformed", i);
            }
            b->n_withdrawals++;
        }
    }
    return 0;
}

int braid_block_from_json(const json_t *o, braid_block *b, char *err, size_t err_len) {
    memset(b, 0, sizeof *b);
    if (braid_header_from_json(o, &b->header, err, err_len)) return -1;
    const json_t *txs = json_object_get(o, "transactions");
    if (!json_is_array(txs))
        return braid_errorf(err, err_len, "block: field 'transactions' is missing or not an array");
    b->txs = braid_xcalloc(json_array_size(txs) + 1, sizeof *b->txs);
    char sub[200];
    for (size_t i = 0; i < json_array_size(txs); i++) {
        const json_t *t = json_array_get(txs, i);
        if (!json_is_object(t)) {
            braid_block_free(b);
            return braid_errorf(err, err_len,
                                "transaction %zu: not an object (fetch the block with full transactions)", i);
        }
        if (braid_signed_tx_from_json(t, &b->txs[i], sub, sizeof sub)) {
            braid_block_free(b);
            return braid_errorf(err, err_len, "transaction %zu: %s", i, sub);
        }
        b->n_txs++;
    }
    const json_t *ws = json_object_get(o, "withdrawals");
    if (ws && !json_is_null(ws)) {
        if (!json_is_array(ws)) {
            braid_block_free(b);
            return braid_errorf(err, err_len, "block: field 'withdrawals' is not an array");
        }
        b->has_withdrawals = true;
        b->withdrawals = braid_xcalloc(json_array_size(ws) + 1, sizeof *b->withdrawals);
        for (size_t i = 0; i < json_array_size(ws); i++) {
            const json_t *w = json_array_get(ws, i);
            braid_withdrawal *d = &b->withdrawals[i];
            if (braid_json_u64(json_object_get(w, "index"), &d->index) ||
                braid_json_u64(json_object_get(w, "validatorIndex"), &d->validator) ||
                braid_json_address(json_object_get(w, "address"), &d->address) ||
                braid_json_u64(json_object_get(w, "amount"), &d->amount_gwei)) {
                braid_block_free(b);
                return braid_errorf(err, err_len, "withdrawal %zu: missing or malformed field", i);
            }
            b->n_withdrawals++;
        }
    }
    return 0;
}
