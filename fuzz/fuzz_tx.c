/* Oracle: braid_signed_tx_decode never crashes on any bytes. When it accepts them, the transaction is
 * canonical, so braid_signed_tx_encode must give back exactly the input (and, for the block-list form,
 * the input itself for legacy and an RLP string wrapping it for typed ones), and decoding that again
 * must give the same hash, which must be keccak256 of the input. braid_signed_tx_check under every fork
 * and braid_signed_tx_recover (with and without a chain id) must not crash either way.
 * The decoder caches the input and encode replays that cache, so the round trip is checked on a
 * shallow copy without the cache: that is what re-encodes the decoded fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_tx_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    braid_signed_tx stx;
    memset(&stx, 0, sizeof stx);
    if (braid_signed_tx_decode(data, size, &stx, err, sizeof err) != 0) {
        braid_signed_tx_free(&stx); /* a failed decode leaves nothing owned; freeing must be harmless */
        return 0;
    }

    braid_signed_tx fields = stx;
    fields.encoded = NULL;
    fields.encoded_len = 0;

    braid_buf enc = {0};
    braid_signed_tx_encode(&fields, false, &enc);
    if (enc.len != size || memcmp(enc.data, data, size) != 0) abort();
    braid_buf cached = {0};
    braid_signed_tx_encode(&stx, false, &cached);
    if (cached.len != size || memcmp(cached.data, data, size) != 0) abort();
    braid_buf_free(&cached);

    braid_hash h = braid_keccak256_hash(data, size);
    if (!braid_hash_eq(&h, &stx.hash)) abort();

    /* Block-list form: legacy as is, typed wrapped in an RLP string. */
    braid_buf blk = {0};
    braid_signed_tx_encode(&fields, true, &blk);
    if (data[0] >= 0xc0) {
        if (blk.len != size || memcmp(blk.data, data, size) != 0) abort();
    } else {
        braid_rlp_item it;
        if (braid_rlp_decode_exact(blk.data, blk.len, &it) != BRAID_RLP_OK || it.is_list ||
            it.payload_len != size || memcmp(it.payload, data, size) != 0)
            abort();
    }

    braid_signed_tx again;
    memset(&again, 0, sizeof again);
    if (braid_signed_tx_decode(enc.data, enc.len, &again, err, sizeof err) != 0) abort();
    if (!braid_hash_eq(&again.hash, &stx.hash)) abort();
    braid_signed_tx_free(&again);

    for (int f = 0; f < BRAID_FORK_COUNT; f++) braid_signed_tx_check(&stx, (braid_fork)f, err, sizeof err);
    braid_signed_tx_recover(&stx, BRAID_FORK_CANCUN, NULL, err, sizeof err);
    braid_signed_tx_recover(&stx, BRAID_FORK_FRONTIER, NULL, err, sizeof err);
    braid_u256 one = braid_u256_from_u64(1);
    braid_signed_tx_recover(&stx, BRAID_FORK_CANCUN, &one, err, sizeof err);

    braid_buf_free(&enc);
    braid_buf_free(&blk);
    braid_signed_tx_free(&stx);
    return 0;
}
