/* Oracle: braid_rlp_decode and the list iterator never read outside the input, whatever the bytes.
 * Decoding is strict (canonical only), so every item that decodes must re-encode to exactly its raw
 * bytes: strings through braid_rlp_put_bytes, lists by re-encoding their items between
 * braid_rlp_list_begin/end. Integers read with braid_rlp_to_u64/u256 must re-encode the same way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_rlp.h"

/* Deep nesting is legal RLP; the bound only keeps the recursion of this harness off the stack limit. */
#define MAX_DEPTH 512

static void reencode(const braid_rlp_item *item, braid_buf *out, int depth) {
    if (!item->is_list) {
        braid_rlp_put_bytes(out, item->payload, item->payload_len);
        uint64_t u;
        if (braid_rlp_to_u64(item, &u) == BRAID_RLP_OK) {
            braid_buf b = {0};
            braid_rlp_put_u64(&b, u);
            if (b.len != item->raw_len || memcmp(b.data, item->raw, b.len) != 0) abort();
            braid_buf_free(&b);
        }
        braid_u256 v;
        if (braid_rlp_to_u256(item, &v) == BRAID_RLP_OK) {
            braid_buf b = {0};
            braid_rlp_put_u256(&b, v);
            if (b.len != item->raw_len || memcmp(b.data, item->raw, b.len) != 0) abort();
            braid_buf_free(&b);
        }
        return;
    }
    if (depth >= MAX_DEPTH) {
        braid_rlp_put_raw(out, item->raw, item->raw_len);
        return;
    }
    size_t marker = braid_rlp_list_begin(out);
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, item);
    braid_rlp_item child;
    braid_rlp_status st = BRAID_RLP_OK;
    while (braid_rlp_iter_next(&it, &child, &st)) {
        if (child.raw < item->payload || child.raw + child.raw_len > item->payload + item->payload_len) abort();
        reencode(&child, out, depth + 1);
    }
    /* The decoder checks a list's header, not its items: a payload that is not a sequence of items
     * still decodes as a list, and there is nothing canonical to rebuild, so it is kept verbatim. */
    if (st != BRAID_RLP_OK) {
        out->len = marker;
        braid_rlp_put_raw(out, item->raw, item->raw_len);
        return;
    }
    braid_rlp_list_end(out, marker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    braid_rlp_item item;
    size_t consumed = 0;
    braid_rlp_status st = braid_rlp_decode(data, size, &item, &consumed);
    if (st == BRAID_RLP_OK) {
        if (consumed == 0 || consumed > size || item.raw != data || item.raw_len != consumed) abort();
        if (item.payload < data || item.payload + item.payload_len > data + size) abort();
    }
    braid_rlp_item exact;
    braid_rlp_status st2 = braid_rlp_decode_exact(data, size, &exact);
    /* exact = decode + nothing left over */
    if ((st2 == BRAID_RLP_OK) != (st == BRAID_RLP_OK && consumed == size)) abort();
    if (st2 != BRAID_RLP_OK) return 0;

    braid_buf out = {0};
    reencode(&exact, &out, 0);
    if (out.len != size || memcmp(out.data, data, size) != 0) abort();
    braid_buf_free(&out);
    return 0;
}
