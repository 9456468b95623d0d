/* Receipts and the logs bloom. */
#include "braid/braid_block.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"

#include <stdlib.h>

/* Three 11-bit indexes from the first six bytes of keccak256(item), each setting one of 2048 bits. */
static void bloom_set(uint8_t bloom[BRAID_BLOOM_SIZE], const uint8_t h[32]) {
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        bloom[BRAID_BLOOM_SIZE - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

static void bloom_add(uint8_t bloom[BRAID_BLOOM_SIZE], const uint8_t *item, size_t len) {
    uint8_t h[32];
    braid_keccak256(item, len, h);
    bloom_set(bloom, h);
}

void braid_bloom_add_log(uint8_t bloom[BRAID_BLOOM_SIZE], const braid_log *log) {
    bloom_add(bloom, log->address.b, 20);
    for (unsigned t = 0; t < log->n_topics; t++) bloom_add(bloom, log->topics[t].b, 32);
}

void braid_receipt_encode(const braid_receipt *r, braid_buf *out) {
    if (r->type != 0) braid_buf_push(out, r->type);
    size_t list = braid_rlp_list_begin(out);
    if (r->has_post_state)
        braid_rlp_put_bytes(out, r->post_state.b, 32);
    else
        braid_rlp_put_u64(out, r->success ? 1 : 0);
    braid_rlp_put_u64(out, r->cumulative_gas);
    braid_rlp_put_bytes(out, r->bloom, BRAID_BLOOM_SIZE);
    braid_logs_encode(out, r->logs, r->n_logs);
    braid_rlp_list_end(out, list);
}

/* Sets each receipt's bloom from its logs, hashing all the addresses and topics of the batch together,
 * each distinct one once: a block's logs repeat the same few event signatures and contract addresses
 * (every ERC-20 Transfer has the same first topic). */
void braid_receipts_bloom(braid_receipt *receipts, size_t n) {
    size_t items = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < receipts[i].n_logs; k++) items += 1 + receipts[i].logs[k].n_topics;
    if (items == 0) {
        for (size_t i = 0; i < n; i++) memset(receipts[i].bloom, 0, BRAID_BLOOM_SIZE);
        return;
    }
    size_t mask = 15;
    while (mask + 1 < 2 * items) mask = mask * 2 + 1;
    /* One block, widest alignment first: per distinct item its bytes, output, length and hash; per item
     * its distinct index; the open-addressing table (distinct index + 1, 0 empty). */
    size_t bytes = items * (sizeof(uint8_t *) * 2 + sizeof(size_t) + 32 + sizeof(uint32_t)) +
                   (mask + 1) * sizeof(uint32_t);
    uint8_t *block = braid_xmalloc(bytes);
    const uint8_t **msgs = (const uint8_t **)block;
    uint8_t **outs = (uint8_t **)(msgs + items);
    size_t *lens = (size_t *)(outs + items);
    uint8_t(*hashes)[32] = (uint8_t(*)[32])(lens + items);
    uint32_t *item_of = (uint32_t *)(hashes + items);
    uint32_t *table = item_of + items;
    memset(table, 0, (mask + 1) * sizeof *table);
    size_t m = 0, distinct = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < receipts[i].n_logs; k++) {
            const braid_log *l = &receipts[i].logs[k];
            for (unsigned t = 0; t <= l->n_topics; t++) {
                const uint8_t *p = t == 0 ? l->address.b : l->topics[t - 1].b;
                size_t len = t == 0 ? 20 : 32;
                uint64_t a, b; /* both ends: an indexed address is a topic of twelve zero bytes and the address */
                memcpy(&a, p, 8);
                memcpy(&b, p + len - 8, 8);
                size_t slot = (size_t)(((a ^ b * 0x9e3779b97f4a7c15ull) + len) * 0xff51afd7ed558ccdull >> 32) & mask;
                for (;; slot = (slot + 1) & mask) {
                    uint32_t d = table[slot];
                    if (d == 0) {
                        msgs[distinct] = p, lens[distinct] = len, outs[distinct] = hashes[distinct];
                        table[slot] = (uint32_t)++distinct;
                        item_of[m++] = (uint32_t)distinct - 1;
                        break;
                    }
                    if (lens[d - 1] == len && memcmp(msgs[d - 1], p, len) == 0) {
                        item_of[m++] = d - 1;
                        break;
                    }
                }
            }
        }
    braid_keccak256_many(msgs, lens, distinct, outs);
    m = 0;
    for (size_t i = 0; i < n; i++) {
        memset(receipts[i].bloom, 0, BRAID_BLOOM_SIZE);
        for (size_t k = 0; k < receipts[i].n_logs; k++)
            for (unsigned t = 0; t <= receipts[i].logs[k].n_topics; t++) bloom_set(receipts[i].bloom, hashes[item_of[m++]]);
    }
    free(block);
}

void braid_bloom_or(uint8_t *restrict into, const uint8_t *restrict bits) {
    for (int k = 0; k < BRAID_BLOOM_SIZE; k += 8) {
        uint64_t a, b;
        memcpy(&a, into + k, 8);
        memcpy(&b, bits + k, 8);
        a |= b;
        memcpy(into + k, &a, 8);
    }
}
