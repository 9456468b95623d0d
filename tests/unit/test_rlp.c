/* RLP: the ethereum/tests fixtures (valid encodings, invalid encodings, random valid encodings), hand-
 * written hostile inputs, and a property check on random bytes: whatever the strict decoder accepts
 * must re-encode to exactly the same bytes, and nothing it is given may be read out of bounds (run the
 * sanitizer build to make the second half bite). */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_rlp.h"
#include "test_util.h"

#define RLP_FIXTURES "fixtures/ethereum-tests/RLPTests/"

/* ---- helpers ---- */

static int hex_to_buf(const char *hex, braid_buf *out) { return braid_hex_decode(hex, out); }

static bool buf_eq_hex(const braid_buf *b, const char *hex) {
    braid_buf want = {0};
    bool ok = hex_to_buf(hex, &want) == 0 && want.len == b->len && (b->len == 0 || memcmp(want.data, b->data, b->len) == 0);
    braid_buf_free(&want);
    return ok;
}

/* "#<decimal>" fixture integers can exceed 256 bits, so convert to big-endian bytes by hand. */
static void decimal_to_be(const char *dec, braid_buf *out) {
    braid_buf_clear(out);
    for (const char *c = dec; *c; c++) {
        unsigned carry = (unsigned)(*c - '0');
        for (size_t i = out->len; i-- > 0;) {
            unsigned v = out->data[i] * 10u + carry;
            out->data[i] = (uint8_t)v;
            carry = v >> 8;
        }
        if (carry) {
            braid_buf_push(out, 0);
            memmove(out->data + 1, out->data, out->len - 1);
            out->data[0] = (uint8_t)carry;
        }
    }
}

/* Encodes a fixture "in" value. */
static void encode_json(braid_buf *b, const json_t *v) {
    if (json_is_array(v)) {
        size_t m = braid_rlp_list_begin(b);
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) encode_json(b, e);
        braid_rlp_list_end(b, m);
    } else if (json_is_integer(v)) {
        braid_rlp_put_u64(b, (uint64_t)json_integer_value(v));
    } else if (json_is_string(v) && json_string_value(v)[0] == '#') {
        braid_buf be = {0};
        decimal_to_be(json_string_value(v) + 1, &be);
        braid_rlp_put_bytes(b, be.data, be.len);
        braid_buf_free(&be);
    } else {
        braid_rlp_put_bytes(b, (const uint8_t *)json_string_value(v), json_string_length(v));
    }
}

/* Compares a decoded item with a fixture "in" value. */
static bool item_matches_json(const braid_rlp_item *item, const json_t *v) {
    if (json_is_array(v)) {
        if (!item->is_list) return false;
        braid_rlp_iter it;
        braid_rlp_iter_init(&it, item);
        braid_rlp_item child;
        braid_rlp_status st;
        size_t n = 0;
        while (braid_rlp_iter_next(&it, &child, &st)) {
            if (n >= json_array_size(v) || !item_matches_json(&child, json_array_get(v, n))) return false;
            n++;
        }
        return st == BRAID_RLP_OK && n == json_array_size(v);
    }
    if (item->is_list) return false;
    if (json_is_integer(v)) {
        uint64_t got;
        return braid_rlp_to_u64(item, &got) == BRAID_RLP_OK && got == (uint64_t)json_integer_value(v);
    }
    if (json_string_value(v)[0] == '#') {
        braid_buf be = {0};
        decimal_to_be(json_string_value(v) + 1, &be);
        bool ok = be.len == item->payload_len && memcmp(be.data, item->payload, be.len) == 0;
        if (be.len <= 32) { /* also through the u256 reader and writer */
            braid_u256 u = BRAID_U256_ZERO;
            ok = ok && braid_rlp_to_u256(item, &u) == BRAID_RLP_OK;
            braid_buf enc = {0};
            braid_rlp_put_u256(&enc, u);
            ok = ok && enc.len == item->raw_len && memcmp(enc.data, item->raw, enc.len) == 0;
            braid_buf_free(&enc);
        } else {
            braid_u256 u = BRAID_U256_ZERO;
            ok = ok && braid_rlp_to_u256(item, &u) == BRAID_RLP_ERR_OVERFLOW;
        }
        braid_buf_free(&be);
        return ok;
    }
    size_t n = json_string_length(v);
    return n == item->payload_len && (n == 0 || memcmp(json_string_value(v), item->payload, n) == 0);
}

/* Decodes everything under an item, so that errors inside nested lists are found; on success appends
 * a canonical re-encoding of the item to `reenc` (when given). */
static braid_rlp_status decode_deep(const braid_rlp_item *item, braid_buf *reenc, int depth) {
    if (!item->is_list) {
        if (reenc) braid_rlp_put_bytes(reenc, item->payload, item->payload_len);
        return BRAID_RLP_OK;
    }
    if (depth > 10000) return BRAID_RLP_ERR_TYPE; /* test-side guard only */
    size_t m = reenc ? braid_rlp_list_begin(reenc) : 0;
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, item);
    braid_rlp_item child;
    braid_rlp_status st;
    while (braid_rlp_iter_next(&it, &child, &st)) {
        braid_rlp_status cst = decode_deep(&child, reenc, depth + 1);
        if (cst != BRAID_RLP_OK) return cst;
    }
    if (st != BRAID_RLP_OK) return st;
    if (reenc) braid_rlp_list_end(reenc, m);
    return BRAID_RLP_OK;
}

static braid_rlp_status decode_all(const uint8_t *in, size_t len, braid_buf *reenc) {
    braid_rlp_item item;
    braid_rlp_status st = braid_rlp_decode_exact(in, len, &item);
    if (st != BRAID_RLP_OK) return st;
    return decode_deep(&item, reenc, 0);
}

static json_t *load_fixture(const char *path) {
    json_error_t err;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &err);
    CHECKF(root != NULL, "cannot load %s: %s (line %d)", path, err.text, err.line);
    return root;
}

/* ---- fixtures ---- */

static void run_valid_fixture(void) {
    json_t *root = load_fixture(SHARED_PATH(RLP_FIXTURES "rlptest.json"));
    if (!root) return;
    const char *name;
    json_t *t;
    int count = 0;
    json_object_foreach(root, name, t) {
        json_t *in = json_object_get(t, "in");
        const char *out = json_string_value(json_object_get(t, "out"));
        braid_buf enc = {0}, bytes = {0};
        encode_json(&enc, in);
        CHECKF(buf_eq_hex(&enc, out), "%s: encoding differs", name);

        CHECK(hex_to_buf(out, &bytes) == 0);
        braid_rlp_item item;
        braid_rlp_status st = braid_rlp_decode_exact(bytes.data, bytes.len, &item);
        CHECKF(st == BRAID_RLP_OK, "%s: decode: %s", name, braid_rlp_strerror(st));
        if (st == BRAID_RLP_OK) CHECKF(item_matches_json(&item, in), "%s: decoded structure differs", name);
        braid_buf_free(&enc);
        braid_buf_free(&bytes);
        count++;
    }
    CHECKF(count >= 25, "only %d valid RLP fixtures", count);
    json_decref(root);
}

static void run_invalid_fixture(void) {
    json_t *root = load_fixture(SHARED_PATH(RLP_FIXTURES "invalidRLPTest.json"));
    if (!root) return;
    const char *name;
    json_t *t;
    int count = 0;
    json_object_foreach(root, name, t) {
        CHECK(strcmp(json_string_value(json_object_get(t, "in")), "INVALID") == 0);
        braid_buf bytes = {0};
        CHECK(hex_to_buf(json_string_value(json_object_get(t, "out")), &bytes) == 0);
        CHECKF(decode_all(bytes.data, bytes.len, NULL) != BRAID_RLP_OK, "%s: invalid RLP accepted", name);
        braid_buf_free(&bytes);
        count++;
    }
    CHECKF(count >= 25, "only %d invalid RLP fixtures", count);
    json_decref(root);
}

static void run_random_fixtures(void) {
    const char *dir = SHARED_PATH(RLP_FIXTURES "RandomRLPTests");
    DIR *d = opendir(dir);
    CHECKF(d != NULL, "cannot open %s", dir);
    if (!d) return;
    int count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 5, ".json") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        json_t *root = load_fixture(path);
        if (!root) continue;
        const char *name;
        json_t *t;
        json_object_foreach(root, name, t) {
            CHECK(strcmp(json_string_value(json_object_get(t, "in")), "VALID") == 0);
            braid_buf bytes = {0}, reenc = {0};
            CHECK(hex_to_buf(json_string_value(json_object_get(t, "out")), &bytes) == 0);
            braid_rlp_status st = decode_all(bytes.data, bytes.len, &reenc);
            CHECKF(st == BRAID_RLP_OK, "%s/%s: %s", de->d_name, name, braid_rlp_strerror(st));
            CHECKF(reenc.len == bytes.len && memcmp(reenc.data, bytes.data, bytes.len) == 0,
                   "%s/%s: re-encoding differs", de->d_name, name);
            braid_buf_free(&bytes);
            braid_buf_free(&reenc);
            count++;
        }
        json_decref(root);
    }
    closedir(d);
    CHECKF(count >= 1, "no random RLP fixtures found");
}

/* ---- hand-written cases ---- */

static braid_rlp_status decode_hex(const char *hex) {
    braid_buf b = {0};
    if (hex_to_buf(hex, &b) != 0) abort();
    braid_rlp_status st = decode_all(b.data, b.len, NULL);
    braid_buf_free(&b);
    return st;
}

static void test_hostile(void) {
    CHECK(decode_hex("") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("83646f") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("b90100") == BRAID_RLP_ERR_TRUNCATED);
    /* Lengths that would overflow any size arithmetic. */
    CHECK(decode_hex("bfffffffffffffffff") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("bfffffffffffffffff00") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("ffffffffffffffffff") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("ff8000000000000000") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("bf") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("bfff") == BRAID_RLP_ERR_TRUNCATED);
    /* Non-canonical forms. */
    CHECK(decode_hex("8100") == BRAID_RLP_ERR_NONCANONICAL);
    CHECK(decode_hex("817f") == BRAID_RLP_ERR_NONCANONICAL);
    CHECK(decode_hex("8180") == BRAID_RLP_OK);
    CHECK(decode_hex("b800") == BRAID_RLP_ERR_NONCANONICAL);
    CHECK(decode_hex("b837" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                     "0000000000000000") == BRAID_RLP_ERR_NONCANONICAL); /* 55 bytes in long form */
    CHECK(decode_hex("f700") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("f800") == BRAID_RLP_ERR_NONCANONICAL);
    CHECK(decode_hex("b90038" "00") == BRAID_RLP_ERR_NONCANONICAL); /* leading zero in the length */
    /* Inner lengths that lie about the outer payload. */
    CHECK(decode_hex("c3820102") == BRAID_RLP_OK);
    CHECK(decode_hex("c2820102") == BRAID_RLP_ERR_TRAILING);  /* outer is shorter than the input */
    CHECK(decode_hex("c4820102") == BRAID_RLP_ERR_TRUNCATED); /* outer longer than the input */
    CHECK(decode_hex("c2c30102") == BRAID_RLP_ERR_TRAILING);
    CHECK(decode_hex("c3c30102") == BRAID_RLP_ERR_TRUNCATED); /* inner runs past the outer's end */
    CHECK(decode_hex("c4c2c3010203") == BRAID_RLP_ERR_TRAILING);
    CHECK(decode_hex("c5c4c3c20102") == BRAID_RLP_OK); /* [[[[1, 2]]]] */
    CHECK(decode_hex("c5c4c3c30102") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("c2f8ff") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("c1b8") == BRAID_RLP_ERR_TRUNCATED);
    CHECK(decode_hex("c28100") == BRAID_RLP_ERR_NONCANONICAL);
    /* Trailing bytes, and what plain decode reports for them. */
    CHECK(decode_hex("8080") == BRAID_RLP_ERR_TRAILING);
    const uint8_t two[] = {0x82, 'h', 'i', 0x01};
    braid_rlp_item item;
    size_t used = 0;
    CHECK(braid_rlp_decode(two, sizeof two, &item, &used) == BRAID_RLP_OK);
    CHECK(used == 3 && !item.is_list && item.payload_len == 2 && item.payload == two + 1);
    CHECK(item.raw == two && item.raw_len == 3);
    CHECK(braid_rlp_decode(two + 3, 1, &item, &used) == BRAID_RLP_OK);
    CHECK(used == 1 && item.payload_len == 1 && item.payload[0] == 0x01 && item.raw_len == 1);

    /* A broken item inside a list ends the iteration with its error, and stays ended. */
    const uint8_t list[] = {0xc4, 0x01, 0x83, 0x61, 0x62};
    CHECK(braid_rlp_decode(list, sizeof list, &item, &used) == BRAID_RLP_OK);
    braid_rlp_iter it;
    braid_rlp_iter_init(&it, &item);
    braid_rlp_item child;
    braid_rlp_status st = BRAID_RLP_ERR_TYPE;
    CHECK(braid_rlp_iter_next(&it, &child, &st) && st == BRAID_RLP_OK && child.payload[0] == 1);
    CHECK(!braid_rlp_iter_next(&it, &child, &st) && st == BRAID_RLP_ERR_TRUNCATED);
    CHECK(!braid_rlp_iter_next(&it, &child, &st) && st == BRAID_RLP_OK);

    for (int s = BRAID_RLP_ERR_OVERFLOW; s <= BRAID_RLP_OK; s++) CHECK(braid_rlp_strerror((braid_rlp_status)s)[0]);
}

static braid_rlp_status u64_of(const char *hex, uint64_t *v) {
    braid_buf b = {0};
    braid_rlp_item item;
    hex_to_buf(hex, &b);
    braid_rlp_status st = braid_rlp_decode_exact(b.data, b.len, &item);
    if (st == BRAID_RLP_OK) st = braid_rlp_to_u64(&item, v);
    braid_buf_free(&b);
    return st;
}

static braid_rlp_status u256_of(const char *hex, braid_u256 *v) {
    braid_buf b = {0};
    braid_rlp_item item;
    hex_to_buf(hex, &b);
    braid_rlp_status st = braid_rlp_decode_exact(b.data, b.len, &item);
    if (st == BRAID_RLP_OK) st = braid_rlp_to_u256(&item, v);
    braid_buf_free(&b);
    return st;
}

static void test_integers(void) {
    braid_buf b = {0};
    struct {
        uint64_t v;
        const char *hex;
    } u64s[] = {{0, "80"},           {1, "01"},           {0x7f, "7f"},
                {0x80, "8180"},      {0xff, "81ff"},      {0x100, "820100"},
                {0x123456, "83123456"}, {UINT64_MAX, "88ffffffffffffffff"}};
    for (size_t i = 0; i < sizeof u64s / sizeof u64s[0]; i++) {
        braid_buf_clear(&b);
        braid_rlp_put_u64(&b, u64s[i].v);
        CHECKF(buf_eq_hex(&b, u64s[i].hex), "put_u64(%llu)", (unsigned long long)u64s[i].v);
        uint64_t got = 12345;
        CHECK(u64_of(u64s[i].hex, &got) == BRAID_RLP_OK && got == u64s[i].v);
        braid_buf_clear(&b);
        braid_rlp_put_u256(&b, braid_u256_from_u64(u64s[i].v));
        CHECKF(buf_eq_hex(&b, u64s[i].hex), "put_u256(%llu)", (unsigned long long)u64s[i].v);
    }
    uint64_t v;
    CHECK(u64_of("00", &v) == BRAID_RLP_ERR_OVERFLOW);     /* zero must be 0x80 */
    CHECK(u64_of("820001", &v) == BRAID_RLP_ERR_OVERFLOW); /* leading zero */
    CHECK(u64_of("89010000000000000000", &v) == BRAID_RLP_ERR_OVERFLOW);
    CHECK(u64_of("c0", &v) == BRAID_RLP_ERR_TYPE);

    braid_u256 max = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}}, got;
    const char *max_hex = "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    braid_buf_clear(&b);
    braid_rlp_put_u256(&b, max);
    CHECK(buf_eq_hex(&b, max_hex));
    CHECK(u256_of(max_hex, &got) == BRAID_RLP_OK && braid_u256_eq(got, max));
    braid_u256 mixed = {{0x1122334455667788ULL, 0, 0x99, 0}};
    const char *mixed_hex = "9199" "0000000000000000" "1122334455667788";
    braid_buf_clear(&b);
    braid_rlp_put_u256(&b, mixed);
    CHECK(buf_eq_hex(&b, mixed_hex));
    CHECK(u256_of(mixed_hex, &got) == BRAID_RLP_OK && braid_u256_eq(got, mixed));
    CHECK(u256_of("80", &got) == BRAID_RLP_OK && braid_u256_is_zero(got));
    CHECK(u256_of("a1010000000000000000000000000000000000000000000000000000000000000000", &got) ==
          BRAID_RLP_ERR_OVERFLOW);
    CHECK(u256_of("a000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", &got) ==
          BRAID_RLP_ERR_OVERFLOW);
    CHECK(u256_of("00", &got) == BRAID_RLP_ERR_OVERFLOW);
    CHECK(u256_of("c100", &got) == BRAID_RLP_ERR_TYPE);
    braid_buf_free(&b);
}

static void test_list_headers(void) {
    braid_buf b = {0};
    uint8_t big[70000];
    memset(big, 'x', sizeof big);

    /* Payload sizes on either side of each header-size boundary, in nested lists, so that the
     * payload moves (down for short lists, up beyond 64 KiB) are exercised inside enclosing lists. */
    const size_t sizes[] = {0, 1, 53, 54, 55, 56, 57, 253, 254, 255, 256, 65530, 65531, 65532, 65533, 65534, 69990};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        braid_buf_clear(&b);
        braid_buf_push(&b, 0x42); /* something before the lists: markers are offsets, not zero */
        size_t outer = braid_rlp_list_begin(&b);
        braid_rlp_put_u64(&b, 7);
        size_t inner = braid_rlp_list_begin(&b);
        braid_rlp_put_bytes(&b, big, sizes[i]);
        braid_rlp_list_end(&b, inner);
        braid_rlp_put_u64(&b, 9);
        braid_rlp_list_end(&b, outer);

        CHECK(b.data[0] == 0x42);
        braid_rlp_item top, a, l, c, s;
        braid_rlp_status st = braid_rlp_decode_exact(b.data + 1, b.len - 1, &top);
        CHECKF(st == BRAID_RLP_OK, "size %zu: %s", sizes[i], braid_rlp_strerror(st));
        if (st != BRAID_RLP_OK) continue;
        braid_rlp_iter it, it2;
        braid_rlp_iter_init(&it, &top);
        uint64_t v1 = 0, v2 = 0;
        bool ok = braid_rlp_iter_next(&it, &a, &st) && braid_rlp_to_u64(&a, &v1) == BRAID_RLP_OK && v1 == 7;
        ok = ok && braid_rlp_iter_next(&it, &l, &st) && l.is_list;
        ok = ok && braid_rlp_iter_next(&it, &c, &st) && braid_rlp_to_u64(&c, &v2) == BRAID_RLP_OK && v2 == 9;
        ok = ok && !braid_rlp_iter_next(&it, &c, &st) && st == BRAID_RLP_OK;
        if (ok) {
            braid_rlp_iter_init(&it2, &l);
            ok = braid_rlp_iter_next(&it2, &s, &st) && !s.is_list && s.payload_len == sizes[i] &&
                 (sizes[i] == 0 || memcmp(s.payload, big, sizes[i]) == 0);
            ok = ok && !braid_rlp_iter_next(&it2, &s, &st) && st == BRAID_RLP_OK;
        }
        CHECKF(ok, "nested list with a %zu-byte string", sizes[i]);
    }

    /* Exact bytes at the 55/56 boundary. */
    braid_buf_clear(&b);
    size_t m = braid_rlp_list_begin(&b);
    braid_rlp_put_bytes(&b, big, 54); /* 55-byte payload: one-byte header */
    braid_rlp_list_end(&b, m);
    CHECK(b.len == 56 && b.data[0] == 0xf7 && b.data[1] == 0xb6);
    braid_buf_clear(&b);
    m = braid_rlp_list_begin(&b);
    braid_rlp_put_bytes(&b, big, 55); /* 56-byte payload: f8 38 */
    braid_rlp_list_end(&b, m);
    CHECK(b.len == 58 && b.data[0] == 0xf8 && b.data[1] == 0x38 && b.data[2] == 0xb7);
    braid_buf_clear(&b);
    braid_rlp_put_bytes(&b, big, 56);
    CHECK(b.len == 58 && b.data[0] == 0xb8 && b.data[1] == 0x38);
    braid_buf_clear(&b);
    braid_rlp_put_raw(&b, (const uint8_t *)"\xc0", 1);
    CHECK(b.len == 1 && b.data[0] == 0xc0);
    braid_buf_free(&b);
}

/* Random and mutated inputs: the decoder must never misbehave, anything it accepts must be the unique
 * canonical encoding of what it decoded to, and everything the encoder writes must be accepted. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* Appends a random item: strings around the header-size boundaries and lists nested a few deep. */
static void random_item(braid_buf *b, int depth) {
    static const size_t lens[] = {0, 1, 1, 2, 3, 20, 54, 55, 56, 57, 70, 255, 256, 300};
    uint8_t data[300];
    uint32_t kind = rng() % 4;
    if (kind == 0 && depth < 4) {
        size_t m = braid_rlp_list_begin(b);
        for (uint32_t n = rng() % 5; n > 0; n--) random_item(b, depth + 1);
        braid_rlp_list_end(b, m);
    } else if (kind == 1) {
        braid_rlp_put_u64(b, rng() % 2 ? rng() % 300 : (uint64_t)rng() << 32 | rng());
    } else {
        size_t len = lens[rng() % (sizeof lens / sizeof lens[0])];
        for (size_t i = 0; i < len; i++) data[i] = (uint8_t)rng();
        braid_rlp_put_bytes(b, data, len);
    }
}

static void test_random_inputs(void) {
    braid_buf enc = {0}, reenc = {0};
    int accepted = 0, rejected = 0, lost = 0, mismatches = 0;
    for (int iter = 0; iter < 50000; iter++) {
        braid_buf_clear(&enc);
        random_item(&enc, 0);
        bool mutated = iter % 4 != 0;
        if (mutated) {
            uint32_t how = rng() % 4;
            if (how == 0 && enc.len > 0) {
                enc.len = rng() % enc.len; /* truncate */
            } else if (how == 1) {
                braid_buf_push(&enc, (uint8_t)rng()); /* trailing byte */
            } else {
                for (uint32_t n = 1 + rng() % 2; n > 0 && enc.len > 0; n--) enc.data[rng() % enc.len] = (uint8_t)rng();
            }
        }
        /* An exact-size copy, so that the sanitizer build catches any read past the end. */
        uint8_t *in = braid_xmalloc(enc.len);
        if (enc.len) memcpy(in, enc.data, enc.len);
        braid_buf_clear(&reenc);
        if (decode_all(in, enc.len, &reenc) == BRAID_RLP_OK) {
            accepted++;
            if (reenc.len != enc.len || memcmp(reenc.data, in, enc.len) != 0) mismatches++;
        } else {
            rejected++;
            if (!mutated) lost++;
        }
        free(in);
    }
    CHECKF(lost == 0, "%d encoder outputs were rejected by the decoder", lost);
    CHECKF(mismatches == 0, "%d accepted inputs were not canonical", mismatches);
    CHECKF(accepted > 10000 && rejected > 10000, "accepted %d, rejected %d", accepted, rejected);
    braid_buf_free(&enc);
    braid_buf_free(&reenc);
}

int main(void) {
    run_valid_fixture();
    run_invalid_fixture();
    run_random_fixtures();
    test_hostile();
    test_integers();
    test_list_headers();
    test_random_inputs();
    return test_summary("rlp");
}
