/* Oracle: braid_block_decode never crashes or leaks on any bytes. When it accepts a block, everything
 * in it was decoded strictly, so the parts must re-encode to the input: braid_header_encode gives back
 * the header item's bytes and their keccak256 as the hash, a second braid_header_decode of those bytes
 * gives the same hash, each ommer re-encodes to its item, and the transactions re-encoded in their
 * block-list form rebuild the transaction list byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_block.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"

static void check_header(braid_header *h, const braid_rlp_item *item) {
    braid_buf enc = {0};
    braid_header_encode(h, &enc);
    if (enc.len != item->raw_len || memcmp(enc.data, item->raw, enc.len) != 0) abort();
    braid_hash want = braid_keccak256_hash(item->raw, item->raw_len);
    if (!braid_hash_eq(&want, &h->hash)) abort();
    braid_header again;
    char err[256];
    if (braid_header_decode(enc.data, enc.len, &again, err, sizeof err) != 0) abort();
    if (!braid_hash_eq(&again.hash, &h->hash)) abort();
    braid_buf_free(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    braid_block b;
    if (braid_block_decode(data, size, &b, err, sizeof err) != 0) {
        braid_block_free(&b);
        return 0;
    }

    braid_rlp_item block, parts[4];
    if (braid_rlp_decode_exact(data, size, &block) != BRAID_RLP_OK) abort();
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, &block);
    braid_rlp_status st = BRAID_RLP_OK;
    size_t n = 0;
    while (n < 4 && braid_rlp_iter_next(&it, &parts[n], &st)) n++;
    if (st != BRAID_RLP_OK || n < 3) abort();

    check_header(&b.header, &parts[0]);

    braid_buf txs = {0};
    size_t m = braid_rlp_list_begin(&txs);
    for (size_t i = 0; i < b.n_txs; i++) braid_signed_tx_encode(&b.txs[i], true, &txs);
    braid_rlp_list_end(&txs, m);
    if (txs.len != parts[1].raw_len || memcmp(txs.data, parts[1].raw, txs.len) != 0) abort();
    braid_buf_free(&txs);

    braid_rlp_iter_init(&it, &parts[2]);
    braid_rlp_item om;
    for (size_t i = 0; i < b.n_ommers; i++) {
        if (!braid_rlp_iter_next(&it, &om, &st)) abort();
        check_header(&b.ommers[i], &om);
    }
    if (b.has_withdrawals != (n == 4)) abort();

    braid_block_free(&b);
    return 0;
}
