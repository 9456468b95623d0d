/* Recursive Length Prefix encoding (Ethereum Yellow Paper, appendix B).
 *
 * Encoding appends to a braid_buf. Lists are written by reserving a header with braid_rlp_list_begin,
 * appending the items, then braid_rlp_list_end, which writes the final header (moving the payload when
 * the header size differs from the reservation).
 *
 * Decoding is strict: canonical lengths only (no leading zeros in lengths, a single byte < 0x80 must be
 * encoded as itself, long forms only for payloads of 56 bytes or more), and every length is bounds-checked
 * against the input, so hostile bytes give an error code, never an out-of-bounds read.
 *
 * Thread contract: stateless functions over caller-owned buffers. */
#ifndef BRAID_RLP_H
#define BRAID_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_u256.h"

/* ---- encoding ---- */
void braid_rlp_put_bytes(braid_buf *b, const uint8_t *data, size_t len);
/* Unsigned integers: big-endian with no leading zero bytes (zero is the empty string). */
void braid_rlp_put_u64(braid_buf *b, uint64_t v);
void braid_rlp_put_u256(braid_buf *b, braid_u256 v);
/* Appends an already-encoded item verbatim. */
void braid_rlp_put_raw(braid_buf *b, const uint8_t *rlp, size_t len);
/* Starts a list; returns a marker to pass to braid_rlp_list_end. Lists nest. */
size_t braid_rlp_list_begin(braid_buf *b);
void braid_rlp_list_end(braid_buf *b, size_t marker);

/* ---- decoding ---- */
typedef enum braid_rlp_status {
    BRAID_RLP_OK = 0,
    BRAID_RLP_ERR_TRUNCATED = -1,    /* a length runs past the end of the input */
    BRAID_RLP_ERR_NONCANONICAL = -2, /* valid bytes, but not the unique shortest encoding */
    BRAID_RLP_ERR_TYPE = -3,         /* a list where a string was expected, or the reverse */
    BRAID_RLP_ERR_TRAILING = -4,     /* bytes left over after the item */
    BRAID_RLP_ERR_OVERFLOW = -5,     /* an integer too large for the requested type, or with leading zeros */
} braid_rlp_status;

/* One decoded item: a view into the caller's input (valid as long as the input is). */
typedef struct braid_rlp_item {
    bool is_list;
    const uint8_t *payload; /* string bytes, or the concatenated encodings of the list's items */
    size_t payload_len;
    const uint8_t *raw; /* the whole item, header included */
    size_t raw_len;
} braid_rlp_item;

/* Decodes the first item of `in`; *consumed is its encoded size. */
braid_rlp_status braid_rlp_decode(const uint8_t *in, size_t in_len, braid_rlp_item *item, size_t *consumed);
/* Decodes `in` as exactly one item with nothing after it. */
braid_rlp_status braid_rlp_decode_exact(const uint8_t *in, size_t in_len, braid_rlp_item *item);

/* Iterates over the items of a list: initialise with the list item, then call next until it returns
 * false (end of list) or sets *status to an error. */
typedef struct braid_rlp_iter {
    const uint8_t *p;
    size_t left;
} braid_rlp_iter;
void braid_rlp_iter_init(braid_rlp_iter *it, const braid_rlp_item *list);
bool braid_rlp_iter_next(braid_rlp_iter *it, braid_rlp_item *item, braid_rlp_status *status);

/* Reads a string item as a canonical unsigned integer (no leading zero bytes). */
braid_rlp_status braid_rlp_to_u64(const braid_rlp_item *item, uint64_t *out);
braid_rlp_status braid_rlp_to_u256(const braid_rlp_item *item, braid_u256 *out);

const char *braid_rlp_strerror(braid_rlp_status status);

#endif
