/* Analysed code, cached by code hash and shared by every state (and thread) using the cache.
 *
 * Analysis is done once per distinct code: the bytes are copied with BRAID_CODE_PADDING zero bytes after
 * them (PUSH data and the implicit final STOP never need a bounds check) and a bitmap marks the JUMPDEST
 * opcodes that are not inside PUSH data. Entries are immutable once published and live as long as the
 * cache, so readers hold plain pointers without reference counts. */
#include <pthread.h>
#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "state.h"

const braid_hash BRAID_EMPTY_CODE_HASH = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                           0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                           0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}};

static const uint8_t empty_bytes[BRAID_CODE_PADDING];
static const uint64_t empty_jumpdests[1];
static const braid_code empty_code = {
    .hash = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
              0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}},
    .len = 0,
    .bytes = empty_bytes,
    .jumpdests = empty_jumpdests,
};

const braid_code *braid_code_empty(void) { return &empty_code; }

struct braid_code_cache {
    pthread_mutex_t lock;
    braid_code **slots; /* open addressing by hash prefix */
    size_t mask, count;
};

braid_code_cache *braid_code_cache_create(void) {
    braid_code_cache *c = braid_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->mask = 255;
    c->slots = braid_xcalloc(c->mask + 1, sizeof *c->slots);
    return c;
}

void braid_code_cache_destroy(braid_code_cache *c) {
    if (!c) return;
    for (size_t i = 0; i <= c->mask; i++) {
        braid_code *code = c->slots[i];
        if (!code) continue;
        free((void *)code->bytes);
        free((void *)code->jumpdests);
        free(code);
    }
    free(c->slots);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t hash_slot(const braid_hash *h, size_t mask) {
    uint64_t v;
    memcpy(&v, h->b, 8);
    return (size_t)v & mask;
}

void braid_code_find_jumpdests(const uint8_t *code, size_t len, uint64_t *bitmap) {
    memset(bitmap, 0, (len / 64 + 1) * sizeof *bitmap);
    for (size_t pc = 0; pc < len; pc++) {
        uint8_t op = code[pc];
        if (op == 0x5b) /* JUMPDEST */
            bitmap[pc >> 6] |= 1ull << (pc & 63);
        else if (op >= 0x60 && op <= 0x7f) /* PUSH1..PUSH32: skip the immediate */
            pc += op - 0x5f;
    }
}

static braid_code *analyse(const braid_hash *hash, const uint8_t *bytes, size_t len) {
    braid_code *code = braid_xmalloc(sizeof *code);
    uint8_t *padded = braid_xcalloc(len + BRAID_CODE_PADDING, 1);
    memcpy(padded, bytes, len);
    uint64_t *jd = braid_xmalloc((len / 64 + 1) * sizeof *jd);
    braid_code_find_jumpdests(padded, len, jd);
    code->hash = *hash;
    code->len = len;
    code->bytes = padded;
    code->jumpdests = jd;
    return code;
}

static void grow(braid_code_cache *c) {
    size_t nmask = c->mask * 2 + 1;
    braid_code **ns = braid_xcalloc(nmask + 1, sizeof *ns);
    for (size_t i = 0; i <= c->mask; i++) {
        braid_code *code = c->slots[i];
        if (!code) continue;
        size_t j = hash_slot(&code->hash, nmask);
        while (ns[j]) j = (j + 1) & nmask;
        ns[j] = code;
    }
    free(c->slots);
    c->slots = ns;
    c->mask = nmask;
}

const braid_code *braid_code_cache_get_hashed(braid_code_cache *c, const braid_hash *hash, const uint8_t *bytes,
                                              size_t len) {
    if (len == 0) return &empty_code;
    pthread_mutex_lock(&c->lock);
    size_t i = hash_slot(hash, c->mask);
    while (c->slots[i]) {
        if (braid_hash_eq(&c->slots[i]->hash, hash)) {
            const braid_code *found = c->slots[i];
            pthread_mutex_unlock(&c->lock);
            return found;
        }
        i = (i + 1) & c->mask;
    }
    braid_code *code = analyse(hash, bytes, len);
    c->slots[i] = code;
    if (++c->count * 2 > c->mask) grow(c);
    pthread_mutex_unlock(&c->lock);
    return code;
}

const braid_code *braid_code_cache_find(braid_code_cache *c, const braid_hash *hash) {
    if (braid_hash_eq(hash, &BRAID_EMPTY_CODE_HASH)) return &empty_code;
    pthread_mutex_lock(&c->lock);
    size_t i = hash_slot(hash, c->mask);
    const braid_code *found = NULL;
    for (; c->slots[i]; i = (i + 1) & c->mask)
        if (braid_hash_eq(&c->slots[i]->hash, hash)) {
            found = c->slots[i];
            break;
        }
    pthread_mutex_unlock(&c->lock);
    return found;
}

const braid_code *braid_code_cache_get(braid_code_cache *c, const uint8_t *bytes, size_t len) {
    if (len == 0) return &empty_code;
    braid_hash h;
    braid_keccak256(bytes, len, h.b);
    return braid_code_cache_get_hashed(c, &h, bytes, len);
}
