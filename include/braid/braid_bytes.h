/* Byte strings: fixed-size hashes and addresses, a growable buffer, hex conversion.
 *
 * Thread contract: plain values; a braid_buf belongs to one thread at a time. */
#ifndef BRAID_BYTES_H
#define BRAID_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct braid_hash {
    uint8_t b[32];
} braid_hash;

typedef struct braid_address {
    uint8_t b[20];
} braid_address;

static inline bool braid_hash_eq(const braid_hash *a, const braid_hash *b) {
    return memcmp(a->b, b->b, 32) == 0;
}
static inline bool braid_address_eq(const braid_address *a, const braid_address *b) {
    return memcmp(a->b, b->b, 20) == 0;
}

/* Writes a printf-style message into err (when err_len > 0) and returns -1: the error convention of
 * functions that take (char *err, size_t err_len). */
int braid_errorf(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Allocation that aborts the process on exhaustion: every caller bounds its sizes (by gas or by input
 * size), so running out of memory is a broken invariant, not an input error. */
void *braid_xmalloc(size_t n);
void *braid_xcalloc(size_t count, size_t size);
void *braid_xrealloc(void *p, size_t n);

/* A growable byte buffer. Zero-initialise (or braid_buf_init) before use; braid_buf_free releases it. */
typedef struct braid_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} braid_buf;

static inline void braid_buf_init(braid_buf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
void braid_buf_free(braid_buf *b);
/* Ensures capacity for at least `cap` bytes in total (grows geometrically). */
void braid_buf_reserve(braid_buf *b, size_t cap);
/* Appends `n` uninitialised bytes and returns a pointer to them (valid until the next growth). */
uint8_t *braid_buf_extend(braid_buf *b, size_t n);
void braid_buf_append(braid_buf *b, const void *data, size_t n);
static inline void braid_buf_push(braid_buf *b, uint8_t byte) {
    if (b->len == b->cap) braid_buf_reserve(b, b->len + 1);
    b->data[b->len++] = byte;
}
static inline void braid_buf_clear(braid_buf *b) { b->len = 0; }

/* Hex. Decoding accepts an optional 0x/0X prefix, both cases, and requires an even number of digits.
 * Returns 0 on success, -1 on malformed input. */
int braid_hex_decode(const char *hex, braid_buf *out);
/* Decodes into a fixed-size field: the input must have exactly `n` bytes. */
int braid_hex_decode_fixed(const char *hex, uint8_t *out, size_t n);
/* Writes "0x" followed by 2*n lowercase digits and a NUL into `out` (size >= 2*n + 3). */
void braid_hex_encode(const uint8_t *data, size_t n, char *out);

#endif
