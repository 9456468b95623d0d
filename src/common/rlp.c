/* RLP encoding and strict decoding (Yellow Paper, appendix B). */
#include "braid/braid_rlp.h"

/* Headers: a payload under 56 bytes is announced by one byte (offset + length); a longer one by
 * (offset + 55 + n) followed by its length in n big-endian bytes. Strings use offset 0x80, lists 0xc0. */
#define STRING_OFFSET 0x80
#define LIST_OFFSET 0xc0
#define SHORT_LIMIT 56

/* Bytes needed for `v` in big-endian with no leading zeros (0 for zero). */
static unsigned be_len(uint64_t v) {
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 8;
    }
    return n;
}

static unsigned header_len(size_t payload_len) {
    return payload_len < SHORT_LIMIT ? 1 : 1 + be_len(payload_len);
}

/* Writes the header for `payload_len` at `out`, which has room for header_len(payload_len) bytes. */
static void write_header(uint8_t *out, uint8_t offset, size_t payload_len) {
    if (payload_len < SHORT_LIMIT) {
        out[0] = (uint8_t)(offset + payload_len);
        return;
    }
    unsigned n = be_len(payload_len);
    out[0] = (uint8_t)(offset + 55 + n);
    for (unsigned i = 0; i < n; i++) out[1 + i] = (uint8_t)(payload_len >> (8 * (n - 1 - i)));
}

void braid_rlp_put_bytes(braid_buf *b, const uint8_t *data, size_t len) {
    if (len == 1 && data[0] < STRING_OFFSET) {
        braid_buf_push(b, data[0]);
        return;
    }
    unsigned h = header_len(len);
    uint8_t *p = braid_buf_extend(b, h + len);
    write_header(p, STRING_OFFSET, len);
    if (len) memcpy(p + h, data, len);
}

void braid_rlp_put_u64(braid_buf *b, uint64_t v) {
    uint8_t be[8];
    unsigned n = be_len(v);
    for (unsigned i = 0; i < n; i++) be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    braid_rlp_put_bytes(b, be, n);
}

void braid_rlp_put_u256(braid_buf *b, braid_u256 v) {
    uint8_t be[32];
    braid_u256_to_be(v, be);
    size_t skip = 0;
    while (skip < 32 && be[skip] == 0) skip++;
    braid_rlp_put_bytes(b, be + skip, 32 - skip);
}

void braid_rlp_put_raw(braid_buf *b, const uint8_t *rlp, size_t len) { braid_buf_append(b, rlp, len); }

/* Room reserved for a list header: enough for any payload under 64 KiB (blocks' headers, transactions,
 * trie nodes), so usually only lists under 56 bytes need their payload moved, and those are short. */
#define LIST_RESERVE 3

size_t braid_rlp_list_begin(braid_buf *b) {
    size_t marker = b->len;
    braid_buf_extend(b, LIST_RESERVE);
    return marker;
}

void braid_rlp_list_end(braid_buf *b, size_t marker) {
    size_t payload_len = b->len - marker - LIST_RESERVE;
    unsigned h = header_len(payload_len);
    if (h != LIST_RESERVE) {
        /* Only this list's own payload lies after the marker: an enclosing list's marker is earlier in
         * the buffer, so moving these bytes leaves it valid. */
        if (h > LIST_RESERVE) braid_buf_reserve(b, b->len + (h - LIST_RESERVE));
        memmove(b->data + marker + h, b->data + marker + LIST_RESERVE, payload_len);
        b->len = marker + h + payload_len;
    }
    write_header(b->data + marker, LIST_OFFSET, payload_len);
}

/* ---- decoding ---- */

braid_rlp_status braid_rlp_decode(const uint8_t *in, size_t in_len, braid_rlp_item *item, size_t *consumed) {
    if (in_len == 0) return BRAID_RLP_ERR_TRUNCATED;
    uint8_t first = in[0];
    size_t hdr, len;
    bool is_list = first >= LIST_OFFSET;
    uint8_t offset = is_list ? LIST_OFFSET : STRING_OFFSET;

    if (first < STRING_OFFSET) {
        hdr = 0; /* the byte is its own payload */
        len = 1;
    } else if (first - offset < SHORT_LIMIT) {
        hdr = 1;
        len = (size_t)(first - offset);
        if (len > in_len - 1) return BRAID_RLP_ERR_TRUNCATED;
        if (!is_list && len == 1 && in[1] < STRING_OFFSET) return BRAID_RLP_ERR_NONCANONICAL;
    } else {
        size_t lenlen = (size_t)(first - offset - 55); /* 1..8 */
        if (lenlen > in_len - 1) return BRAID_RLP_ERR_TRUNCATED;
        if (in[1] == 0) return BRAID_RLP_ERR_NONCANONICAL;
        uint64_t v = 0;
        for (size_t i = 0; i < lenlen; i++) v = v << 8 | in[1 + i];
        if (v < SHORT_LIMIT) return BRAID_RLP_ERR_NONCANONICAL;
        hdr = 1 + lenlen;
        /* Compared in 64 bits before narrowing, so a huge length cannot wrap on a 32-bit size_t. */
        if (v > (uint64_t)(in_len - hdr)) return BRAID_RLP_ERR_TRUNCATED;
        len = (size_t)v;
    }

    item->is_list = is_list;
    item->payload = in + hdr;
    item->payload_len = len;
    item->raw = in;
    item->raw_len = hdr + len;
    if (consumed) *consumed = hdr + len;
    return BRAID_RLP_OK;
}

braid_rlp_status braid_rlp_decode_exact(const uint8_t *in, size_t in_len, braid_rlp_item *item) {
    size_t used;
    braid_rlp_status st = braid_rlp_decode(in, in_len, item, &used);
    if (st != BRAID_RLP_OK) return st;
    return used == in_len ? BRAID_RLP_OK : BRAID_RLP_ERR_TRAILING;
}

void braid_rlp_iter_init(braid_rlp_iter *it, const braid_rlp_item *list) {
    it->p = list->payload;
    it->left = list->payload_len;
}

bool braid_rlp_iter_next(braid_rlp_iter *it, braid_rlp_item *item, braid_rlp_status *status) {
    braid_rlp_status st = BRAID_RLP_OK;
    bool more = false;
    if (it->left) {
        size_t used;
        st = braid_rlp_decode(it->p, it->left, item, &used);
        if (st == BRAID_RLP_OK) {
            it->p += used;
            it->left -= used;
            more = true;
        } else {
            it->left = 0; /* a broken list stays broken: later calls report the end, not garbage */
        }
    }
    if (status) *status = st;
    return more;
}

/* Validates a string item as a canonical big-endian integer of at most `max_bytes` bytes. */
static braid_rlp_status check_uint(const braid_rlp_item *item, size_t max_bytes) {
    if (item->is_list) return BRAID_RLP_ERR_TYPE;
    if (item->payload_len > max_bytes) return BRAID_RLP_ERR_OVERFLOW;
    /* Zero is the empty string; any leading zero byte (including a lone 0x00) is non-canonical. */
    if (item->payload_len > 0 && item->payload[0] == 0) return BRAID_RLP_ERR_OVERFLOW;
    return BRAID_RLP_OK;
}

braid_rlp_status braid_rlp_to_u64(const braid_rlp_item *item, uint64_t *out) {
    braid_rlp_status st = check_uint(item, 8);
    if (st != BRAID_RLP_OK) return st;
    uint64_t v = 0;
    for (size_t i = 0; i < item->payload_len; i++) v = v << 8 | item->payload[i];
    *out = v;
    return BRAID_RLP_OK;
}

braid_rlp_status braid_rlp_to_u256(const braid_rlp_item *item, braid_u256 *out) {
    braid_rlp_status st = check_uint(item, 32);
    if (st != BRAID_RLP_OK) return st;
    uint8_t be[32] = {0};
    if (item->payload_len) memcpy(be + 32 - item->payload_len, item->payload, item->payload_len);
    *out = braid_u256_from_be(be);
    return BRAID_RLP_OK;
}

const char *braid_rlp_strerror(braid_rlp_status status) {
    switch (status) {
    case BRAID_RLP_OK: return "ok";
    case BRAID_RLP_ERR_TRUNCATED: return "rlp: length runs past the end of the input";
    case BRAID_RLP_ERR_NONCANONICAL: return "rlp: non-canonical encoding";
    case BRAID_RLP_ERR_TYPE: return "rlp: unexpected list or string";
    case BRAID_RLP_ERR_TRAILING: return "rlp: trailing bytes after the item";
    case BRAID_RLP_ERR_OVERFLOW: return "rlp: integer too large or with leading zeros";
    }
    return "rlp: unknown error";
}
