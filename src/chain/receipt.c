/* Receipts and the logs bloom. */
#include "braid/braid_block.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"

/* Three 11-bit indexes from the first six bytes of keccak256(item), each setting one of 2048 bits. */
static void bloom_add(uint8_t bloom[BRAID_BLOOM_SIZE], const uint8_t *item, size_t len) {
    uint8_t h[32];
    braid_keccak256(item, len, h);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        bloom[BRAID_BLOOM_SIZE - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
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
