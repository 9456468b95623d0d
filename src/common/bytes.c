/* Allocation helpers, the growable buffer and hex conversion. */
#include "braid/braid_bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void out_of_memory(size_t n) {
    fprintf(stderr, "braid: out of memory allocating %zu bytes\n", n);
    abort();
}

int braid_errorf(char *err, size_t err_len, const char *fmt, ...) {
    if (err && err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void *braid_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *braid_xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *braid_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

void braid_buf_free(braid_buf *b) {
    free(b->data);
    braid_buf_init(b);
}

void braid_buf_reserve(braid_buf *b, size_t cap) {
    if (cap <= b->cap) return;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < cap) ncap *= 2;
    b->data = braid_xrealloc(b->data, ncap);
    b->cap = ncap;
}

uint8_t *braid_buf_extend(braid_buf *b, size_t n) {
    braid_buf_reserve(b, b->len + n);
    /* Extending a never-allocated buffer by 0 (decoding "0x", say) leaves data NULL: nothing to point
     * into, and NULL + 0 is undefined. */
    if (!b->data) return NULL;
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

void braid_buf_append(braid_buf *b, const void *data, size_t n) {
    if (n == 0) return;
    memcpy(braid_buf_extend(b, n), data, n);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static const char *skip_prefix(const char *hex) {
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) return hex + 2;
    return hex;
}

static int decode_digits(const char *h, size_t ndigits, uint8_t *out) {
    for (size_t i = 0; i < ndigits / 2; i++) {
        int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int braid_hex_decode(const char *hex, braid_buf *out) {
    const char *h = skip_prefix(hex);
    size_t n = strlen(h);
    if (n % 2) return -1;
    braid_buf_clear(out);
    braid_buf_reserve(out, n / 2);
    if (decode_digits(h, n, out->data) != 0) return -1;
    out->len = n / 2;
    return 0;
}

int braid_hex_decode_fixed(const char *hex, uint8_t *out, size_t n) {
    const char *h = skip_prefix(hex);
    if (strlen(h) != 2 * n) return -1;
    return decode_digits(h, 2 * n, out);
}

void braid_hex_encode(const uint8_t *data, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = digits[data[i] >> 4];
        out[3 + 2 * i] = digits[data[i] & 15];
    }
    out[2 + 2 * n] = '\0';
}
