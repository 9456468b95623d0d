/* Blocks in the node's database: headers by number, hashes to numbers, bodies with senders, compact
 * receipts and the transaction index. */
#include "chain_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_rlp.h"

/* ---- writing ---- */

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t read_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int chain_store_block(braid_store_txn *t, const braid_block *b, const braid_receipt *receipts, size_t n) {
    uint8_t num[8];
    braid_store_be64(b->header.number, num);
    braid_buf buf;
    braid_buf_init(&buf);
    braid_header hdr = b->header;
    braid_header_encode(&hdr, &buf);
    braid_store_put(t, BRAID_T_HEADERS, num, 8, buf.data, buf.len);
    braid_store_put(t, BRAID_T_HASHES, hdr.hash.b, 32, num, 8);

    braid_buf_clear(&buf);
    size_t body = braid_rlp_list_begin(&buf);
    size_t txl = braid_rlp_list_begin(&buf);
    for (size_t i = 0; i < b->n_txs; i++) braid_signed_tx_encode(&b->txs[i], true, &buf);
    braid_rlp_list_end(&buf, txl);
    size_t sl = braid_rlp_list_begin(&buf);
    for (size_t i = 0; i < b->n_txs; i++) braid_rlp_put_bytes(&buf, b->txs[i].tx.sender.b, 20);
    braid_rlp_list_end(&buf, sl);
    braid_rlp_list_end(&buf, body);
    braid_store_put(t, BRAID_T_BODIES, num, 8, buf.data, buf.len);

    braid_buf_clear(&buf);
    size_t rl = braid_rlp_list_begin(&buf);
    for (size_t i = 0; i < n; i++) {
        const braid_receipt *r = &receipts[i];
        size_t one = braid_rlp_list_begin(&buf);
        braid_rlp_put_u64(&buf, r->type);
        braid_rlp_put_u64(&buf, r->success);
        braid_rlp_put_u64(&buf, r->cumulative_gas);
        braid_rlp_put_u64(&buf, r->gas_used);
        braid_rlp_put_bytes(&buf, r->contract_address.b, b->txs[i].tx.is_create ? 20 : 0);
        braid_logs_encode(&buf, r->logs, r->n_logs);
        braid_rlp_list_end(&buf, one);
    }
    braid_rlp_list_end(&buf, rl);
    braid_store_put(t, BRAID_T_RECEIPTS, num, 8, buf.data, buf.len);
    braid_buf_free(&buf);

    /* the log index: one key per (address, block) */
    uint8_t lk[28];
    memcpy(lk + 20, num, 8);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < receipts[i].n_logs; k++) {
            memcpy(lk, receipts[i].logs[k].address.b, 20);
            braid_store_put(t, BRAID_T_LOGS, lk, 28, "", 0);
        }
    /* number, index, and the logs of the block before this transaction's (a receipt's logIndex) */
    uint8_t pos[16];
    memcpy(pos, num, 8);
    uint32_t logs_before = 0;
    for (size_t i = 0; i < b->n_txs; i++) {
        put_be32(pos + 8, (uint32_t)i);
        put_be32(pos + 12, logs_before);
        braid_store_put(t, BRAID_T_TXS, b->txs[i].hash.b, 32, pos, 16);
        if (i < n) logs_before += (uint32_t)receipts[i].n_logs;
    }
    return braid_store_error(t) ? -1 : 0;
}

void chain_remove_block(braid_store_txn *t, uint64_t number) {
    uint8_t num[8];
    braid_store_be64(number, num);
    braid_header h;
    if (chain_header(t, number, &h)) braid_store_del(t, BRAID_T_HASHES, h.hash.b, 32);
    chain_receipts rs;
    if (chain_read_receipts(t, number, &rs)) {
        /* the logs point into the database, which the deletions may move: keys first, then delete */
        size_t n_logs = 0;
        for (size_t i = 0; i < rs.n; i++) n_logs += rs.r[i].n_logs;
        uint8_t(*keys)[28] = braid_xmalloc((n_logs ? n_logs : 1) * sizeof *keys);
        size_t k = 0;
        for (size_t i = 0; i < rs.n; i++)
            for (size_t j = 0; j < rs.r[i].n_logs; j++, k++) {
                memcpy(keys[k], rs.r[i].logs[j].address.b, 20);
                memcpy(keys[k] + 20, num, 8);
            }
        chain_receipts_free(&rs);
        for (k = 0; k < n_logs; k++) braid_store_del(t, BRAID_T_LOGS, keys[k], 28);
        free(keys);
    }
    chain_body body;
    if (chain_read_body(t, number, &body)) {
        for (size_t i = 0; i < body.n; i++) braid_store_del(t, BRAID_T_TXS, body.txs[i].hash.b, 32);
        chain_body_free(&body);
    }
    braid_store_del(t, BRAID_T_HEADERS, num, 8);
    braid_store_del(t, BRAID_T_BODIES, num, 8);
    braid_store_del(t, BRAID_T_RECEIPTS, num, 8);
}

/* ---- reading ---- */

bool chain_header(braid_store_txn *t, uint64_t number, braid_header *out) {
    uint8_t num[8];
    braid_store_be64(number, num);
    braid_store_val v;
    char err[64];
    return braid_store_get(t, BRAID_T_HEADERS, num, 8, &v) && braid_header_decode(v.data, v.len, out, err, sizeof err) == 0;
}

bool chain_block_hash(void *txn, uint64_t number, braid_hash *out) {
    braid_header h;
    if (!chain_header(txn, number, &h)) return false;
    *out = h.hash;
    return true;
}

bool chain_number_of(braid_store_txn *t, const braid_hash *hash, uint64_t *number) {
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_HASHES, hash->b, 32, &v) || v.len != 8) return false;
    *number = braid_store_read_be64(v.data);
    return true;
}

bool chain_head(braid_store_txn *t, uint64_t *number) { return braid_store_get_u64(t, "head", number); }

bool chain_tx_position(braid_store_txn *t, const braid_hash *hash, uint64_t *number, uint32_t *index,
                       uint32_t *logs_before) {
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_TXS, hash->b, 32, &v) || v.len != 16) return false;
    *number = braid_store_read_be64(v.data);
    *index = read_be32(v.data + 8);
    if (logs_before) *logs_before = read_be32(v.data + 12);
    return true;
}

void chain_body_free(chain_body *b) {
    for (size_t i = 0; i < b->n; i++) braid_signed_tx_free(&b->txs[i]);
    free(b->txs);
    memset(b, 0, sizeof *b);
}

bool chain_read_body_range(braid_store_txn *t, uint64_t number, size_t first, size_t count, chain_body *out) {
    memset(out, 0, sizeof *out);
    uint8_t num[8];
    braid_store_be64(number, num);
    braid_store_val v;
    if (!braid_store_get(t, BRAID_T_BODIES, num, 8, &v)) return false;
    braid_rlp_item body, txs, senders, item;
    braid_rlp_iter it, st;
    braid_rlp_status status = BRAID_RLP_OK;
    if (braid_rlp_decode_exact(v.data, v.len, &body) != BRAID_RLP_OK || !body.is_list) return false;
    braid_rlp_iter_init(&it, &body);
    if (!braid_rlp_iter_next(&it, &txs, &status) || !txs.is_list) return false;
    if (!braid_rlp_iter_next(&it, &senders, &status) || !senders.is_list) return false;
    out->encoded_size = txs.raw_len;
    size_t cap = 16;
    out->txs = braid_xmalloc(cap * sizeof *out->txs);
    braid_rlp_iter_init(&it, &txs);
    braid_rlp_iter_init(&st, &senders);
    char err[128];
    for (size_t i = 0; braid_rlp_iter_next(&it, &item, &status); i++) {
        braid_rlp_item sender;
        if (!braid_rlp_iter_next(&st, &sender, &status) || sender.payload_len != 20) {
            chain_body_free(out);
            return false;
        }
        if (i < first) continue; /* only the asked-for ones are decoded */
        if (i - first >= count) break;
        /* typed transactions sit in the list as strings wrapping type || rlp */
        const uint8_t *enc = item.is_list ? item.raw : item.payload;
        size_t len = item.is_list ? item.raw_len : item.payload_len;
        if (out->n == cap) out->txs = braid_xrealloc(out->txs, (cap *= 2) * sizeof *out->txs);
        if (
            braid_signed_tx_decode(enc, len, &out->txs[out->n], err, sizeof err) != 0) {
            chain_body_free(out);
            return false;
        }
        memcpy(out->txs[out->n].tx.sender.b, sender.payload, 20);
        out->n++;
    }
    return status == BRAID_RLP_OK;
}

bool chain_read_body(braid_store_txn *t, uint64_t number, chain_body *out) {
    return chain_read_body_range(t, number, 0, SIZE_MAX, out);
}

void chain_receipts_free(chain_receipts *r) {
    free(r->r);
    free(r->log_mem);
    memset(r, 0, sizeof *r);
}

static bool read_u64(braid_rlp_iter *it, uint64_t *out) {
    braid_rlp_item item;
    braid_rlp_status st = BRAID_RLP_OK;
    return braid_rlp_iter_next(it, &item, &st) && !item.is_list && braid_rlp_to_u64(&item, out) == BRAID_RLP_OK;
}

static bool read_log(const braid_rlp_item *li, braid_log *log) {
    braid_rlp_iter it, tt;
    braid_rlp_item addr, topics, data, topic;
    braid_rlp_status st = BRAID_RLP_OK;
    braid_rlp_iter_init(&it, li);
    if (!braid_rlp_iter_next(&it, &addr, &st) || addr.payload_len != 20) return false;
    if (!braid_rlp_iter_next(&it, &topics, &st) || !topics.is_list) return false;
    if (!braid_rlp_iter_next(&it, &data, &st) || data.is_list) return false;
    memcpy(log->address.b, addr.payload, 20);
    log->n_topics = 0;
    braid_rlp_iter_init(&tt, &topics);
    while (braid_rlp_iter_next(&tt, &topic, &st)) {
        if (log->n_topics == 4 || topic.payload_len != 32) return false;
        memcpy(log->topics[log->n_topics++].b, topic.payload, 32);
    }
    log->data = data.payload;
    log->data_len = data.payload_len;
    return st == BRAID_RLP_OK;
}

bool chain_read_receipts_range(braid_store_txn *t, uint64_t number, size_t first, size_t count, size_t known_before,
                               chain_receipts *out) {
    memset(out, 0, sizeof *out);
    uint8_t num[8];
    braid_store_be64(number, num);
    braid_store_val v;
    braid_rlp_item list, one, item;
    braid_rlp_status st = BRAID_RLP_OK;
    if (!braid_store_get(t, BRAID_T_RECEIPTS, num, 8, &v)) return false;
    if (braid_rlp_decode_exact(v.data, v.len, &list) != BRAID_RLP_OK || !list.is_list) return false;
    /* two passes: count receipts and logs, then fill */
    size_t n = 0, n_logs = 0, logs_before = 0;
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, &list);
    for (size_t i = 0; braid_rlp_iter_next(&it, &one, &st); i++) {
        if (!one.is_list) return false;
        /* with the earlier logs counted already, the receipts outside the range need no look inside */
        if (known_before != SIZE_MAX && i < first) continue;
        if (i - first >= count) break;
        braid_rlp_iter f;
        braid_rlp_iter_init(&f, &one);
        for (int k = 0; k < 6; k++)
            if (!braid_rlp_iter_next(&f, &item, &st)) return false;
        if (!item.is_list) return false;
        braid_rlp_iter l;
        braid_rlp_item log;
        braid_rlp_iter_init(&l, &item);
        size_t logs = 0;
        while (braid_rlp_iter_next(&l, &log, &st)) logs++;
        if (i < first) {
            logs_before += logs;
        } else if (i - first < count) {
            n_logs += logs;
            n++;
        }
    }
    if (st != BRAID_RLP_OK) return false;
    out->r = braid_xcalloc(n ? n : 1, sizeof *out->r);
    out->log_mem = braid_xcalloc(n_logs ? n_logs : 1, sizeof *out->log_mem);
    size_t logs_used = 0;
    out->logs_before = known_before != SIZE_MAX ? known_before : logs_before;
    braid_rlp_iter_init(&it, &list);
    for (size_t i = 0; braid_rlp_iter_next(&it, &one, &st); i++) {
        if (i < first) continue;
        if (i - first >= count) break;
        chain_receipt *r = &out->r[out->n];
        braid_rlp_iter f;
        braid_rlp_iter_init(&f, &one);
        uint64_t type, success;
        braid_rlp_item created, logs, log;
        if (!read_u64(&f, &type) || !read_u64(&f, &success) || !read_u64(&f, &r->cumulative_gas) ||
            !read_u64(&f, &r->gas_used) || !braid_rlp_iter_next(&f, &created, &st) ||
            !braid_rlp_iter_next(&f, &logs, &st) || type > 3 || success > 1)
            goto bad;
        r->type = (uint8_t)type;
        r->success = success;
        r->created = created.payload_len == 20;
        if (r->created) memcpy(r->contract_address.b, created.payload, 20);
        r->logs = out->log_mem + logs_used;
        braid_rlp_iter l;
        braid_rlp_iter_init(&l, &logs);
        while (braid_rlp_iter_next(&l, &log, &st)) {
            if (!log.is_list || !read_log(&log, &out->log_mem[logs_used])) goto bad;
            logs_used++;
            r->n_logs++;
        }
        out->n++;
    }
    return true;
bad:
    chain_receipts_free(out);
    return false;
}

bool chain_read_receipts(braid_store_txn *t, uint64_t number, chain_receipts *out) {
    return chain_read_receipts_range(t, number, 0, SIZE_MAX, 0, out);
}
