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

/* Sets each receipt's bloom from its logs, hashing all the addresses and topics of the batch together. */
void braid_receipts_bloom(braid_receipt *receipts, size_t n) {
    size_t items = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < receipts[i].n_logs; k++) items += 1 + receipts[i].logs[k].n_topics;
    const uint8_t **msgs = braid_xmalloc((items + 1) * sizeof *msgs);
    size_t *lens = braid_xmalloc((items + 1) * sizeof *lens);
    uint8_t(*hashes)[32] = braid_xmalloc((items + 1) * 32);
    uint8_t **outs = braid_xmalloc((items + 1) * sizeof *outs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < receipts[i].n_logs; k++) {
            const braid_log *l = &receipts[i].logs[k];
            msgs[m] = l->address.b, lens[m] = 20, outs[m] = hashes[m], m++;
            for (unsigned t = 0; t < l->n_topics; t++) msgs[m] = l->topics[t].b, lens[m] = 32, outs[m] = hashes[m], m++;
        }
    braid_keccak256_many(msgs, lens, m, outs);
    m = 0;
    for (size_t i = 0; i < n; i++) {
        memset(receipts[i].bloom, 0, BRAID_BLOOM_SIZE);
        for (size_t k = 0; k < receipts[i].n_logs; k++)
            for (unsigned t = 0; t <= receipts[i].logs[k].n_topics; t++) bloom_set(receipts[i].bloom, hashes[m++]);
    }
    free(msgs);
    free(lens);
    free(hashes);
    free(outs);
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
