/* Reading JSON-RPC arguments as geth reads them. geth decodes arguments with Go's encoding/json into
 * typed values whose decoders (common/hexutil, common.Address, rpc.BlockNumber, ...) each have their
 * own rules and messages; this file reproduces those rules value by value, including encoding/json's
 * way of reporting errors:
 *
 *  - an error from a type's own decoder (every hex type, addresses, hashes, block numbers) stops the
 *    decoding at once;
 *  - a JSON kind that does not fit a plain Go type (a string where a list goes, a number where an
 *    object goes) is remembered, the value skipped, and the first such error reported at the end,
 *    unless a decoder error comes first (the "saved" error below);
 *  - an error inside a struct field names the outermost struct and the path of JSON field names:
 *    "json: cannot unmarshal X into Go struct field TransactionArgs.accessList.address of type
 *    common.Address"; elsewhere "... into Go value of type T".
 *
 * Go matches object keys to struct fields exactly or else case-insensitively, and a later key of the
 * same field replaces an earlier one; the struct readers below walk the keys in document order the
 * same way. */
#include "node/rpc_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_keccak.h"

/* hexutil's decoding errors, word for word */
static const char E_EMPTY[] = "empty hex string";
static const char E_SYNTAX[] = "invalid hex string";
static const char E_PREFIX[] = "hex string without 0x prefix";
static const char E_ODD[] = "hex string of odd length";
static const char E_EMPTY_NUM[] = "hex string \"0x\"";
static const char E_LEADING[] = "hex number with leading zero digits";
static const char E_U64[] = "hex number > 64 bits";
static const char E_U256[] = "hex number > 256 bits";

/* Go type names as encoding/json prints them */
static const char T_U64[] = "hexutil.Uint64";
static const char T_UINT[] = "hexutil.Uint";
static const char T_BIG[] = "*hexutil.Big";
static const char T_BYTES[] = "hexutil.Bytes";
static const char T_ADDRESS[] = "common.Address";
static const char T_HASH[] = "common.Hash";

static const uint8_t empty_bytes[1];

/* ------------------------------------------------------------------------------ error state -- */

typedef struct dec {
    braid_rpc_error *err;
    unsigned arg;
    char path[160]; /* "Struct.field.field" while inside a struct field, "" at the top */
    size_t path_len;
    bool has_saved;
    char saved[256];
} dec;

static void dec_init(dec *d, unsigned arg, braid_rpc_error *err) {
    d->err = err;
    d->arg = arg;
    d->path[0] = 0;
    d->path_len = 0;
    d->has_saved = false;
}

static int vinvalid(braid_rpc_error *err, unsigned index, const char *fmt, va_list ap) {
    err->code = BRAID_RPC_INVALID_PARAMS;
    int n = snprintf(err->message, sizeof err->message, "invalid argument %u: ", index);
    if (n < 0 || (size_t)n >= sizeof err->message) n = 0;
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    return -1;
}

int rpcj_invalid_argument(braid_rpc_error *err, unsigned index, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vinvalid(err, index, fmt, ap);
    va_end(ap);
    return -1;
}

static int failf(dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(dec *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vinvalid(d->err, d->arg, fmt, ap);
    va_end(ap);
    return -1;
}

static void type_message(const dec *d, char *buf, size_t n, const char *what, const char *gotype) {
    if (d->path_len)
        snprintf(buf, n, "json: cannot unmarshal %s into Go struct field %s of type %s", what, d->path, gotype);
    else
        snprintf(buf, n, "json: cannot unmarshal %s into Go value of type %s", what, gotype);
}

/* A decoder's error, wrapped the way hexutil wraps its own (json.UnmarshalTypeError): stops at once. */
static int type_fail(dec *d, const char *what, const char *gotype) {
    char msg[384];
    type_message(d, msg, sizeof msg, what, gotype);
    return failf(d, "%s", msg);
}

static const char *kind_name(const json_t *v) {
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    default: return "null";
    }
}

/* A JSON kind that does not fit: remembered (the first only), decoding goes on. */
static void save_kind(dec *d, const json_t *v, const char *gotype) {
    if (d->has_saved) return;
    type_message(d, d->saved, sizeof d->saved, kind_name(v), gotype);
    d->has_saved = true;
}

static int dec_finish(dec *d) {
    if (d->has_saved) return failf(d, "%s", d->saved);
    return 0;
}

/* Enters field `name` of struct `strct` (named only when this is the outermost struct); returns what
 * to pass to path_pop. */
static size_t path_push(dec *d, const char *strct, const char *name) {
    size_t old = d->path_len;
    int n = d->path_len ? snprintf(d->path + old, sizeof d->path - old, ".%s", name)
                        : snprintf(d->path, sizeof d->path, "%s.%s", strct, name);
    if (n > 0) d->path_len = old + (size_t)n < sizeof d->path ? old + (size_t)n : sizeof d->path - 1;
    return old;
}

static void path_pop(dec *d, size_t old) {
    d->path_len = old;
    d->path[old] = 0;
}

/* ---------------------------------------------------------------------------------- hex text -- */

static int nibble(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool has_0x(const char *s, size_t n) { return n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'); }

/* Digits (already checked) into a 256-bit value, most significant first. */
static braid_u256 digits_value(const char *s, size_t n) {
    braid_u256 r = BRAID_U256_ZERO;
    for (size_t i = 0; i < n; i++) {
        size_t bit = 4 * (n - 1 - i);
        r.w[bit / 64] |= (uint64_t)nibble((unsigned char)s[i]) << (bit % 64);
    }
    return r;
}

/* hexutil.Uint64 / Uint / Big as JSON strings (their UnmarshalText): "" is zero; then prefix, "0x",
 * leading zeros, length, digits, in that order. */
static const char *number_text(const char *s, size_t n, size_t max_digits, braid_u256 *out) {
    *out = BRAID_U256_ZERO;
    if (n == 0) return NULL;
    if (!has_0x(s, n)) return E_PREFIX;
    s += 2;
    n -= 2;
    if (n == 0) return E_EMPTY_NUM;
    if (n > 1 && s[0] == '0') return E_LEADING;
    if (n > max_digits) return max_digits == 16 ? E_U64 : E_U256;
    for (size_t i = 0; i < n; i++)
        if (nibble((unsigned char)s[i]) < 0) return E_SYNTAX;
    *out = digits_value(s, n);
    return NULL;
}

/* hexutil.DecodeUint64 (what rpc.BlockNumber uses): "" is an error, and the digits are read one by one
 * as strconv.ParseUint reads them, so a bad digit before the 17th is a syntax error and a 17th digit a
 * range error. */
static const char *decode_u64_text(const char *s, size_t n, uint64_t *out) {
    *out = 0;
    if (n == 0) return E_EMPTY;
    if (!has_0x(s, n)) return E_PREFIX;
    s += 2;
    n -= 2;
    if (n == 0) return E_EMPTY_NUM;
    if (n > 1 && s[0] == '0') return E_LEADING;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = nibble((unsigned char)s[i]);
        if (d < 0) return E_SYNTAX;
        if (i >= 16) return E_U64;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return NULL;
}

static void put_digits(const char *s, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)(nibble((unsigned char)s[2 * i]) << 4 | nibble((unsigned char)s[2 * i + 1]));
}

/* hexutil.Bytes as a JSON string: "" is empty; prefix, then odd length, then digits. */
static const char *bytes_text(const char *s, size_t n, braid_buf *out) {
    if (n == 0) return NULL;
    if (!has_0x(s, n)) return E_PREFIX;
    s += 2;
    n -= 2;
    if (n % 2) return E_ODD;
    for (size_t i = 0; i < n; i++)
        if (nibble((unsigned char)s[i]) < 0) return E_SYNTAX;
    put_digits(s, n, braid_buf_extend(out, n / 2));
    return NULL;
}

/* hexutil.Decode (what the log filter uses for addresses and topics): "" is an error, and a bad digit
 * anywhere is reported before an odd length, as Go's hex package does. */
static const char *go_hex_decode(const char *s, size_t n, braid_buf *out) {
    if (n == 0) return E_EMPTY;
    if (!has_0x(s, n)) return E_PREFIX;
    s += 2;
    n -= 2;
    for (size_t i = 0; i < n; i++)
        if (nibble((unsigned char)s[i]) < 0) return E_SYNTAX;
    if (n % 2) return E_ODD;
    put_digits(s, n, braid_buf_extend(out, n / 2));
    return NULL;
}

/* hexutil.UnmarshalFixedText: a fixed-size value. Returns NULL, a decoding error, or (for a wrong
 * length) `len_msg` filled with "hex string has length N, want M for T". */
static const char *fixed_text(const char *s, size_t n, uint8_t *out, size_t size, const char *type_name,
                              char *len_msg, size_t len_msg_size) {
    if (n > 0) {
        if (!has_0x(s, n)) return E_PREFIX;
        s += 2;
        n -= 2;
        if (n % 2) return E_ODD;
    }
    if (n / 2 != size) {
        snprintf(len_msg, len_msg_size, "hex string has length %zu, want %zu for %s", n, 2 * size, type_name);
        return len_msg;
    }
    for (size_t i = 0; i < n; i++)
        if (nibble((unsigned char)s[i]) < 0) return E_SYNTAX;
    put_digits(s, n, out);
    return NULL;
}

/* ------------------------------------------------------------------------- typed value readers -- */

/* hexutil.Uint64 (max 16 digits) or hexutil.Big (64) from a JSON value (its UnmarshalJSON). */
static int dec_number(dec *d, const json_t *v, size_t max_digits, const char *gotype, braid_u256 *out) {
    *out = BRAID_U256_ZERO;
    if (!json_is_string(v)) return type_fail(d, "non-string", gotype);
    const char *m = number_text(json_string_value(v), json_string_length(v), max_digits, out);
    return m ? type_fail(d, m, gotype) : 0;
}

static int dec_u64(dec *d, const json_t *v, const char *gotype, uint64_t *out) {
    braid_u256 x;
    int rc = dec_number(d, v, 16, gotype, &x);
    *out = x.w[0];
    return rc;
}

static int dec_bytes(dec *d, const json_t *v, braid_buf *out) {
    if (!json_is_string(v)) return type_fail(d, "non-string", T_BYTES);
    size_t before = out->len;
    const char *m = bytes_text(json_string_value(v), json_string_length(v), out);
    if (m) {
        out->len = before;
        return type_fail(d, m, T_BYTES);
    }
    return 0;
}

/* common.Address / common.Hash from a JSON string (hexutil.UnmarshalFixedJSON): the length error is
 * not wrapped, the others are. */
static int dec_fixed_str(dec *d, const char *s, size_t n, uint8_t *out, size_t size, const char *gotype) {
    char len_msg[128];
    uint8_t tmp[32];
    const char *m = fixed_text(s, n, tmp, size, gotype, len_msg, sizeof len_msg);
    if (m == len_msg) return failf(d, "%s", len_msg);
    if (m) return type_fail(d, m, gotype);
    memcpy(out, tmp, size);
    return 0;
}

static int dec_fixed(dec *d, const json_t *v, uint8_t *out, size_t size, const char *gotype) {
    if (!json_is_string(v)) return type_fail(d, "non-string", gotype);
    return dec_fixed_str(d, json_string_value(v), json_string_length(v), out, size, gotype);
}

/* Go's case-insensitive key match (encoding/json folds a key rune by rune to upper(lower(r))): ASCII
 * letters in either case, and the non-ASCII letters that fold onto ASCII ones: U+017F (long s) onto
 * 's', U+212A (Kelvin sign) onto 'k', U+0130 and U+0131 (dotted capital and dotless small i) onto
 * 'i'. */
static bool key_is(const char *key, size_t key_len, const char *name) {
    size_t i = 0;
    for (; *name; name++) {
        if (i >= key_len) return false;
        unsigned char c = (unsigned char)key[i], want = (unsigned char)*name;
        unsigned char lw = want >= 'A' && want <= 'Z' ? (unsigned char)(want + 32) : want;
        if (c < 0x80) {
            unsigned char lc = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
            if (lc != lw) return false;
            i++;
        } else if (lw == 's' && i + 1 < key_len && c == 0xC5 && (unsigned char)key[i + 1] == 0xBF) {
            i += 2;
        } else if (lw == 'k' && i + 2 < key_len && c == 0xE2 && (unsigned char)key[i + 1] == 0x84 &&
                   (unsigned char)key[i + 2] == 0xAA) {
            i += 3;
        } else if (lw == 'i' && i + 1 < key_len && c == 0xC4 &&
                   ((unsigned char)key[i + 1] == 0xB0 || (unsigned char)key[i + 1] == 0xB1)) {
            i += 2;
        } else {
            return false;
        }
    }
    return i == key_len;
}

/* The index of the field `key` names, or -1. */
static int field_of(const char *key, size_t key_len, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == key_len && memcmp(names[i], key, key_len) == 0) return i;
    for (int i = 0; i < n; i++)
        if (key_is(key, key_len, names[i])) return i;
    return -1;
}

/* ------------------------------------------------------------------------------------ params -- */

int rpcj_params_check(const json_t *params, size_t required, size_t max, braid_rpc_error *err) {
    size_t n = 0;
    if (params && !json_is_null(params)) {
        if (!json_is_array(params)) {
            err->code = BRAID_RPC_INVALID_PARAMS;
            snprintf(err->message, sizeof err->message, "non-array args");
            return -1;
        }
        n = json_array_size(params);
    }
    err->code = BRAID_RPC_INVALID_PARAMS;
    if (n > max) {
        snprintf(err->message, sizeof err->message, "too many arguments, want at most %zu", max);
        return -1;
    }
    if (n < required) {
        snprintf(err->message, sizeof err->message, "missing value for required argument %zu", n);
        return -1;
    }
    return 0;
}

const json_t *rpcj_param(const json_t *params, size_t index) {
    return json_is_array(params) ? json_array_get(params, index) : NULL;
}

bool rpcj_absent(const json_t *v) { return !v || json_is_null(v); }

/* ----------------------------------------------------------------------------------- scalars -- */

int rpcj_parse_u64(const json_t *v, unsigned arg, uint64_t *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    return dec_u64(&d, v, T_U64, out);
}

int rpcj_parse_uint(const json_t *v, unsigned arg, uint64_t *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    return dec_u64(&d, v, T_UINT, out);
}

int rpcj_parse_u256(const json_t *v, unsigned arg, braid_u256 *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    return dec_number(&d, v, 64, T_BIG, out);
}

int rpcj_parse_data(const json_t *v, unsigned arg, braid_buf *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    return dec_bytes(&d, v, out);
}

int rpcj_parse_address(const json_t *v, unsigned arg, braid_address *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    memset(out, 0, sizeof *out);
    return dec_fixed(&d, v, out->b, 20, T_ADDRESS);
}

int rpcj_parse_hash(const json_t *v, unsigned arg, braid_hash *out, braid_rpc_error *err) {
    dec d;
    dec_init(&d, arg, err);
    memset(out, 0, sizeof *out);
    return dec_fixed(&d, v, out->b, 32, T_HASH);
}

int rpcj_parse_bool(const json_t *v, unsigned arg, bool *out, braid_rpc_error *err) {
    *out = false;
    if (rpcj_absent(v)) return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    dec d;
    dec_init(&d, arg, err);
    save_kind(&d, v, "bool");
    return dec_finish(&d);
}

/* Go's %q of a string (strconv.Quote), enough for messages: printable ASCII as is, the C escapes,
 * other bytes as \xNN (valid UTF-8 beyond ASCII is kept, as Go keeps printable runes). Stops short
 * (without the closing quote) when `out` is full. */
static void go_quote(const char *s, size_t n, char *out, size_t size) {
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    char piece[8];
    for (size_t i = 0; i <= n + 1; i++) {
        size_t len = 0, used = 1;
        if (i == 0 || i == n + 1) {
            piece[len++] = '"';
        } else {
            unsigned char c = (unsigned char)s[i - 1];
            const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\a' ? "\\a" : c == '\b' ? "\\b"
                            : c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                            : c == '\v' ? "\\v" : NULL;
            /* the length of a valid UTF-8 sequence starting here, 0 if there is none */
            size_t seq = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            if (seq && i - 1 + seq > n) seq = 0;
            for (size_t k = 1; k < seq; k++)
                if (((unsigned char)s[i - 1 + k] & 0xc0) != 0x80) seq = 0;
            if (esc) {
                len = strlen(esc);
                memcpy(piece, esc, len);
            } else if (c >= 0x20 && c < 0x7f) {
                piece[len++] = (char)c;
            } else if (seq) {
                memcpy(piece, s + i - 1, seq);
                len = used = seq;
            } else {
                piece[0] = '\\';
                piece[1] = 'x';
                piece[2] = hex[c >> 4];
                piece[3] = hex[c & 15];
                len = 4;
            }
        }
        if (o + len >= size) break;
        memcpy(out + o, piece, len);
        o += len;
        i += used - 1;
    }
    out[o] = 0;
}

int rpcj_parse_storage_key(const json_t *v, unsigned arg, braid_hash *out, braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    if (rpcj_absent(v)) return 0; /* null leaves a Go string empty: slot 0 */
    if (!json_is_string(v)) {
        dec d;
        dec_init(&d, arg, err);
        save_kind(&d, v, "string");
        return dec_finish(&d);
    }
    const char *key = json_string_value(v), *s = key;
    size_t key_len = json_string_length(v), n = key_len;
    if (has_0x(s, n)) {
        s += 2;
        n -= 2;
    }
    const char *why = NULL;
    if (n > 64)
        why = "storage key too long (want at most 32 bytes)";
    else
        for (size_t i = 0; i < n && !why; i++)
            if (nibble((unsigned char)s[i]) < 0) why = "invalid hex in storage key";
    if (why) {
        char quoted[400];
        go_quote(key, key_len, quoted, sizeof quoted);
        err->code = BRAID_RPC_INVALID_PARAMS;
        snprintf(err->message, sizeof err->message, "%s: %s", why, quoted);
        return -1;
    }
    /* right-aligned: an odd digit count has an implied leading 0 */
    for (size_t i = 0; i < n; i++) {
        size_t from_end = n - 1 - i; /* digit position from the right */
        out->b[31 - from_end / 2] |= (uint8_t)(nibble((unsigned char)s[i]) << (from_end % 2 ? 4 : 0));
    }
    return 0;
}

/* ------------------------------------------------------------------------------- block refs -- */

static bool block_tag(const char *s, size_t n, rpcj_block_kind *kind) {
    static const struct {
        const char *name;
        rpcj_block_kind kind;
    } tags[] = {{"earliest", RPCJ_BLOCK_EARLIEST}, {"latest", RPCJ_BLOCK_LATEST}, {"pending", RPCJ_BLOCK_PENDING},
                {"finalized", RPCJ_BLOCK_FINALIZED}, {"safe", RPCJ_BLOCK_SAFE}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strlen(tags[i].name) == n && memcmp(tags[i].name, s, n) == 0) {
            *kind = tags[i].kind;
            return true;
        }
    return false;
}

/* rpc.BlockNumber's UnmarshalJSON: it looks at the raw JSON text, so any non-string (whose text never
 * starts with 0x) fails on the prefix. Returns NULL or the (bare) message. */
static const char *block_number_value(const json_t *v, rpcj_block_ref *out) {
    memset(out, 0, sizeof *out);
    if (!json_is_string(v)) return E_PREFIX;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (block_tag(s, n, &out->kind)) return NULL;
    uint64_t num;
    const char *m = decode_u64_text(s, n, &num);
    if (m) return m;
    if (num > (uint64_t)INT64_MAX) return "block number larger than int64";
    out->kind = RPCJ_BLOCK_NUMBER;
    out->number = num;
    return NULL;
}

int rpcj_parse_block_number(const json_t *v, unsigned arg, rpcj_block_ref *out, braid_rpc_error *err) {
    const char *m = block_number_value(v, out);
    if (m) return rpcj_invalid_argument(err, arg, "%s", m);
    return 0;
}

/* The EIP-1898 object. geth first decodes it as a struct, and on any failure tries it as a string, so
 * every error inside the object reads "cannot unmarshal object into Go value of type string": this
 * returns false for them all. */
static bool block_ref_object(const json_t *o, bool *has_number, bool *has_hash, rpcj_block_ref *num_ref,
                             braid_hash *hash, bool *canonical) {
    static const char *const names[] = {"blockNumber", "blockHash", "requireCanonical"};
    const char *key;
    size_t key_len;
    json_t *v;
    bool ok = true;
    json_object_keylen_foreach((json_t *)o, key, key_len, v) {
        switch (field_of(key, key_len, names, 3)) {
        case 0:
            *has_number = !json_is_null(v);
            if (*has_number && block_number_value(v, num_ref)) return false;
            break;
        case 1:
            *has_hash = !json_is_null(v);
            if (*has_hash) {
                char len_msg[128];
                if (!json_is_string(v) ||
                    fixed_text(json_string_value(v), json_string_length(v), hash->b, 32, T_HASH, len_msg,
                               sizeof len_msg))
                    return false;
            }
            break;
        case 2:
            if (json_is_boolean(v))
                *canonical = json_is_true(v);
            else if (!json_is_null(v))
                ok = false; /* a kind error: Go carries on decoding, then fails */
            break;
        default: break;
        }
    }
    return ok;
}

int rpcj_parse_block_ref(const json_t *v, unsigned arg, rpcj_block_ref *out, braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    if (rpcj_absent(v) || json_is_object(v)) {
        bool has_number = false, has_hash = false, canonical = false;
        rpcj_block_ref num_ref;
        braid_hash hash;
        memset(&num_ref, 0, sizeof num_ref);
        memset(&hash, 0, sizeof hash);
        if (json_is_object(v) && !block_ref_object(v, &has_number, &has_hash, &num_ref, &hash, &canonical))
            return rpcj_invalid_argument(err, arg, "json: cannot unmarshal object into Go value of type string");
        if (has_number && has_hash)
            return rpcj_invalid_argument(err, arg,
                                         "cannot specify both BlockHash and BlockNumber, choose one or the other");
        if (!has_number && !has_hash)
            return rpcj_invalid_argument(err, arg, "must specify either BlockHash or BlockNumber");
        if (has_number) {
            *out = num_ref;
        } else {
            out->kind = RPCJ_BLOCK_HASH;
            out->hash = hash;
        }
        out->require_canonical = canonical;
        return 0;
    }
    if (!json_is_string(v))
        return rpcj_invalid_argument(err, arg, "json: cannot unmarshal %s into Go value of type string", kind_name(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (block_tag(s, n, &out->kind)) return 0;
    if (n == 66) {
        char len_msg[128];
        const char *m = fixed_text(s, n, out->hash.b, 32, "Hash", len_msg, sizeof len_msg);
        if (m) {
            memset(out, 0, sizeof *out);
            return rpcj_invalid_argument(err, arg, "%s", m);
        }
        out->kind = RPCJ_BLOCK_HASH;
        return 0;
    }
    uint64_t num;
    const char *m = decode_u64_text(s, n, &num);
    if (m) return rpcj_invalid_argument(err, arg, "%s", m);
    if (num > (uint64_t)INT64_MAX) return rpcj_invalid_argument(err, arg, "blocknumber too high");
    out->kind = RPCJ_BLOCK_NUMBER;
    out->number = num;
    return 0;
}

/* ---------------------------------------------------------------------------------- call args -- */

/* A growable array of fixed-size items. */
typedef struct vec {
    void *data;
    size_t n, cap, item;
} vec;

static void *vec_push(vec *v) {
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 8;
        v->data = braid_xrealloc(v->data, v->cap * v->item);
    }
    return (uint8_t *)v->data + v->item * v->n++;
}

/* []common.Hash: null is nil (false returned in *present), a non-array a kind error. Appends to `out`. */
static int dec_hash_list(dec *d, const json_t *v, vec *out, bool *present) {
    out->n = 0;
    *present = false;
    if (json_is_null(v)) return 0;
    if (!json_is_array(v)) {
        save_kind(d, v, "[]common.Hash");
        return 0;
    }
    *present = true;
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
        braid_hash *h = vec_push(out);
        if (dec_fixed(d, e, h->b, 32, T_HASH)) return -1;
    }
    return 0;
}

typedef struct access_tmp {
    braid_address address;
    size_t first_key, n_keys;
} access_tmp;

/* One types.AccessTuple: its own UnmarshalJSON decodes it apart (so its kind errors come out when it
 * ends) and requires both fields. */
static int dec_access_tuple(dec *d, const json_t *v, access_tmp *t, vec *keys) {
    dec in = *d;
    in.has_saved = false;
    if (!json_is_object(v) && !json_is_null(v)) {
        save_kind(&in, v, "types.AccessTuple");
        return dec_finish(&in);
    }
    static const char *const names[] = {"address", "storageKeys"};
    bool has_address = false, has_keys = false;
    const char *key;
    size_t key_len;
    json_t *f;
    if (json_is_object(v)) {
        json_object_keylen_foreach((json_t *)v, key, key_len, f) {
            int id = field_of(key, key_len, names, 2);
            if (id < 0) continue;
            size_t mark = path_push(&in, "AccessTuple", names[id]);
            int rc = 0;
            if (id == 0) {
                has_address = !json_is_null(f);
                if (has_address) rc = dec_fixed(&in, f, t->address.b, 20, T_ADDRESS);
            } else {
                /* the keys of this tuple follow those of the earlier tuples in `keys` */
                vec mine = {NULL, 0, 0, sizeof(braid_hash)};
                rc = dec_hash_list(&in, f, &mine, &has_keys);
                keys->n = t->first_key;
                for (size_t k = 0; rc == 0 && k < mine.n; k++)
                    *(braid_hash *)vec_push(keys) = ((braid_hash *)mine.data)[k];
                t->n_keys = rc == 0 ? mine.n : 0;
                free(mine.data);
            }
            path_pop(&in, mark);
            if (rc) return -1;
        }
    }
    if (dec_finish(&in)) return -1;
    if (!has_address) return failf(d, "missing required field 'address' for AccessTuple");
    if (!has_keys) return failf(d, "missing required field 'storageKeys' for AccessTuple");
    return 0;
}

static int dec_access_list(dec *d, const json_t *v, vec *tuples, vec *keys, bool *present) {
    tuples->n = 0;
    keys->n = 0;
    *present = false;
    if (json_is_null(v)) return 0;
    if (!json_is_array(v)) {
        save_kind(d, v, "types.AccessList");
        return 0;
    }
    *present = true;
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
        access_tmp *t = vec_push(tuples);
        memset(t, 0, sizeof *t);
        t->first_key = keys->n;
        if (dec_access_tuple(d, e, t, keys)) return -1;
    }
    return 0;
}

void rpcj_call_args_free(rpcj_call_args *a) {
    free(a->data_mem);
    free(a->input_mem);
    free(a->keys_mem);
    free(a->access_list);
    free(a->blob_hashes);
    memset(a, 0, sizeof *a);
}

enum {
    CA_FROM,
    CA_TO,
    CA_GAS,
    CA_GAS_PRICE,
    CA_MAX_FEE,
    CA_MAX_PRIORITY,
    CA_VALUE,
    CA_NONCE,
    CA_DATA,
    CA_INPUT,
    CA_ACCESS_LIST,
    CA_CHAIN_ID,
    CA_BLOB_FEE,
    CA_BLOB_HASHES,
    CA_TYPE,
    CA_COUNT
};

static const char *const call_fields[CA_COUNT] = {
    "from",  "to",         "gas",     "gasPrice",   "maxFeePerGas", "maxPriorityFeePerGas", "value",
    "nonce", "data",       "input",   "accessList", "chainId",      "maxFeePerBlobGas",     "blobVersionedHashes",
    "type",
};

/* One field of TransactionArgs; every one is a Go pointer (or slice), so null means "not given". */
static int call_field(dec *d, int id, const json_t *v, rpcj_call_args *a, braid_buf *data, braid_buf *input,
                      vec *tuples, vec *keys, vec *blobs) {
    bool given = !json_is_null(v);
    switch (id) {
    case CA_FROM:
        a->has_from = given;
        return given ? dec_fixed(d, v, a->from.b, 20, T_ADDRESS) : 0;
    case CA_TO:
        a->has_to = given;
        return given ? dec_fixed(d, v, a->to.b, 20, T_ADDRESS) : 0;
    case CA_GAS:
        a->has_gas = given;
        return given ? dec_u64(d, v, T_U64, &a->gas) : 0;
    case CA_NONCE:
        a->has_nonce = given;
        return given ? dec_u64(d, v, T_U64, &a->nonce) : 0;
    case CA_GAS_PRICE:
        a->has_gas_price = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->gas_price) : 0;
    case CA_MAX_FEE:
        a->has_max_fee_per_gas = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->max_fee_per_gas) : 0;
    case CA_MAX_PRIORITY:
        a->has_max_priority_fee_per_gas = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->max_priority_fee_per_gas) : 0;
    case CA_VALUE:
        a->has_value = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->value) : 0;
    case CA_CHAIN_ID:
        a->has_chain_id = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->chain_id) : 0;
    case CA_BLOB_FEE:
        a->has_max_fee_per_blob_gas = given;
        return given ? dec_number(d, v, 64, T_BIG, &a->max_fee_per_blob_gas) : 0;
    case CA_DATA:
        a->has_data_field = given;
        data->len = 0;
        return given ? dec_bytes(d, v, data) : 0;
    case CA_INPUT:
        a->has_input_field = given;
        input->len = 0;
        return given ? dec_bytes(d, v, input) : 0;
    case CA_ACCESS_LIST: return dec_access_list(d, v, tuples, keys, &a->has_access_list);
    case CA_BLOB_HASHES: return dec_hash_list(d, v, blobs, &a->has_blob_hashes);
    case CA_TYPE: {
        /* not a TransactionArgs field: geth ignores it, so nothing here may fail */
        braid_u256 t;
        a->has_type = json_is_string(v) &&
                      !number_text(json_string_value(v), json_string_length(v), 16, &t);
        a->type = a->has_type ? t.w[0] : 0;
        return 0;
    }
    default: return 0;
    }
}

int rpcj_parse_call_args(const json_t *v, unsigned arg, rpcj_call_args *out, braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    out->data = empty_bytes;
    dec d;
    dec_init(&d, arg, err);
    if (json_is_null(v) || !v) return 0;
    if (!json_is_object(v)) {
        save_kind(&d, v, "ethapi.TransactionArgs");
        return dec_finish(&d);
    }
    braid_buf data, input;
    braid_buf_init(&data);
    braid_buf_init(&input);
    vec tuples = {NULL, 0, 0, sizeof(access_tmp)}, keys = {NULL, 0, 0, sizeof(braid_hash)},
        blobs = {NULL, 0, 0, sizeof(braid_hash)};
    const char *key;
    size_t key_len;
    json_t *f;
    int rc = 0;
    json_object_keylen_foreach((json_t *)v, key, key_len, f) {
        int id = field_of(key, key_len, call_fields, CA_COUNT);
        if (id < 0) continue;
        size_t mark = path_push(&d, "TransactionArgs", call_fields[id]);
        rc = call_field(&d, id, f, out, &data, &input, &tuples, &keys, &blobs);
        path_pop(&d, mark);
        if (rc) break;
    }
    if (rc == 0) rc = dec_finish(&d);
    if (rc) {
        braid_buf_free(&data);
        braid_buf_free(&input);
        free(tuples.data);
        free(keys.data);
        free(blobs.data);
        memset(out, 0, sizeof *out);
        out->data = empty_bytes;
        return -1;
    }
    /* hand the storage over */
    if (out->has_data_field) {
        out->data_mem = data.data;
        data.data = NULL;
    }
    if (out->has_input_field) {
        out->input_mem = input.data;
        input.data = NULL;
    }
    size_t data_len = data.len, input_len = input.len;
    braid_buf_free(&data);
    braid_buf_free(&input);
    if (out->has_input_field) {
        out->data = input_len ? out->input_mem : empty_bytes;
        out->data_len = input_len;
    } else if (out->has_data_field) {
        out->data = data_len ? out->data_mem : empty_bytes;
        out->data_len = data_len;
    }
    out->data_input_differ = out->has_data_field && out->has_input_field &&
                             (data_len != input_len || (data_len && memcmp(out->data_mem, out->input_mem, data_len)));
    if (out->has_access_list) {
        out->keys_mem = keys.data;
        keys.data = NULL;
        out->access_list_len = tuples.n;
        out->access_list = braid_xcalloc(tuples.n + 1, sizeof *out->access_list);
        for (size_t i = 0; i < tuples.n; i++) {
            const access_tmp *t = &((access_tmp *)tuples.data)[i];
            out->access_list[i].address = t->address;
            out->access_list[i].keys = t->n_keys ? out->keys_mem + t->first_key : NULL;
            out->access_list[i].n_keys = t->n_keys;
        }
    }
    free(tuples.data);
    free(keys.data);
    if (out->has_blob_hashes) {
        out->blob_hashes = blobs.data;
        out->n_blob_hashes = blobs.n;
        blobs.data = NULL;
    }
    free(blobs.data);
    return 0;
}

int rpcj_call_args_check_input(const rpcj_call_args *a, braid_rpc_error *err) {
    if (!a->data_input_differ) return 0;
    err->code = BRAID_RPC_SERVER_ERROR;
    snprintf(err->message, sizeof err->message, "%s",
             "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
    return -1;
}

/* ------------------------------------------------------------------------------ state override -- */

/* Items tagged with their document position, sorted by key then position, so that the last of equal
 * keys can be kept (what a later key does to a Go map). */
typedef struct slot_tmp {
    rpcj_storage_slot s;
    size_t pos;
} slot_tmp;

static int slot_cmp(const void *a, const void *b) {
    const slot_tmp *x = a, *y = b;
    int c = memcmp(x->s.key.b, y->s.key.b, 32);
    if (c) return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* map[common.Hash]common.Hash. Go decodes each value before its key; both are common.Hash decoders
 * (the key through its UnmarshalJSON with the quoted key). A repeated field merges into the same
 * map, so entries accumulate in `out` until null clears it. */
static int dec_storage_map(dec *d, const json_t *v, vec *out, bool *present) {
    if (json_is_null(v)) {
        out->n = 0;
        *present = false;
        return 0;
    }
    if (!json_is_object(v)) {
        save_kind(d, v, "map[common.Hash]common.Hash");
        return 0;
    }
    *present = true;
    const char *key;
    size_t key_len;
    json_t *val;
    json_object_keylen_foreach((json_t *)v, key, key_len, val) {
        slot_tmp *t = vec_push(out);
        t->pos = out->n;
        if (dec_fixed(d, val, t->s.value.b, 32, T_HASH)) return -1;
        if (dec_fixed_str(d, key, key_len, t->s.key.b, 32, T_HASH)) return -1;
    }
    return 0;
}

/* Sorts the slots and keeps the last of each key; returns the array (owned, NULL when empty). */
static rpcj_storage_slot *storage_final(vec *tmp, size_t *n_out) {
    *n_out = 0;
    if (tmp->n == 0) return NULL;
    qsort(tmp->data, tmp->n, sizeof(slot_tmp), slot_cmp);
    rpcj_storage_slot *slots = braid_xmalloc(tmp->n * sizeof *slots);
    const slot_tmp *t = tmp->data;
    size_t n = 0;
    for (size_t i = 0; i < tmp->n; i++) {
        if (i + 1 < tmp->n && memcmp(t[i].s.key.b, t[i + 1].s.key.b, 32) == 0) continue;
        slots[n++] = t[i].s;
    }
    *n_out = n;
    return slots;
}

typedef struct account_tmp {
    rpcj_account_override a;
    size_t pos;
} account_tmp;

static int account_cmp(const void *a, const void *b) {
    const account_tmp *x = a, *y = b;
    int c = memcmp(x->a.address.b, y->a.address.b, 20);
    if (c) return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void account_free(rpcj_account_override *a) {
    if (a->code != empty_bytes) free((void *)a->code);
    free(a->state);
    free(a->state_diff);
}

/* One override.OverrideAccount (a map value: kind errors name no struct). */
static int dec_account(dec *d, const json_t *v, rpcj_account_override *a) {
    if (json_is_null(v)) return 0;
    if (!json_is_object(v)) {
        save_kind(d, v, "override.OverrideAccount");
        return 0;
    }
    static const char *const names[] = {"nonce", "code", "balance", "state", "stateDiff", "movePrecompileToAddress"};
    vec state = {NULL, 0, 0, sizeof(slot_tmp)}, diff = {NULL, 0, 0, sizeof(slot_tmp)};
    braid_buf code;
    braid_buf_init(&code);
    const char *key;
    size_t key_len;
    json_t *f;
    int rc = 0;
    json_object_keylen_foreach((json_t *)v, key, key_len, f) {
        int id = field_of(key, key_len, names, 6);
        if (id < 0) continue;
        bool given = !json_is_null(f);
        size_t mark = path_push(d, "OverrideAccount", names[id]);
        switch (id) {
        case 0:
            a->has_nonce = given;
            if (given) rc = dec_u64(d, f, T_U64, &a->nonce);
            break;
        case 1:
            a->has_code = given;
            code.len = 0;
            if (given) rc = dec_bytes(d, f, &code);
            break;
        case 2:
            a->has_balance = given;
            if (given) rc = dec_number(d, f, 64, T_BIG, &a->balance);
            break;
        case 3: rc = dec_storage_map(d, f, &state, &a->has_state); break;
        case 4: rc = dec_storage_map(d, f, &diff, &a->has_state_diff); break;
        case 5:
            a->has_move_precompile_to = given;
            if (given) rc = dec_fixed(d, f, a->move_precompile_to.b, 20, T_ADDRESS);
            break;
        }
        path_pop(d, mark);
        if (rc) break;
    }
    if (rc == 0) {
        if (a->has_code) {
            a->code_len = code.len;
            a->code = code.len ? code.data : empty_bytes;
            if (code.len) code.data = NULL;
        }
        if (a->has_state) a->state = storage_final(&state, &a->n_state);
        if (a->has_state_diff) a->state_diff = storage_final(&diff, &a->n_state_diff);
    }
    braid_buf_free(&code);
    free(state.data);
    free(diff.data);
    return rc;
}

/* EIP-55 mixed-case hex, as geth's Address.Hex() prints addresses in messages. */
static void checksum_hex(const braid_address *a, char out[43]) {
    static const char hex[] = "0123456789abcdef";
    char lower[40];
    for (int i = 0; i < 20; i++) {
        lower[2 * i] = hex[a->b[i] >> 4];
        lower[2 * i + 1] = hex[a->b[i] & 15];
    }
    uint8_t h[32];
    braid_keccak256((const uint8_t *)lower, 40, h);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int bit = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        char c = lower[i];
        out[2 + i] = c >= 'a' && bit >= 8 ? (char)(c - 32) : c;
    }
    out[42] = 0;
}

void rpcj_state_override_free(rpcj_state_override *o) {
    for (size_t i = 0; i < o->n_accounts; i++) account_free(&o->accounts[i]);
    free(o->accounts);
    memset(o, 0, sizeof *o);
}

int rpcj_parse_state_override(const json_t *v, unsigned arg, rpcj_state_override *out, braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    dec d;
    dec_init(&d, arg, err);
    if (rpcj_absent(v)) return 0;
    if (!json_is_object(v)) {
        save_kind(&d, v, "override.StateOverride");
        return dec_finish(&d);
    }
    vec accts = {NULL, 0, 0, sizeof(account_tmp)};
    const char *key;
    size_t key_len;
    json_t *val;
    int rc = 0;
    json_object_keylen_foreach((json_t *)v, key, key_len, val) {
        account_tmp *t = vec_push(&accts);
        memset(t, 0, sizeof *t);
        t->pos = accts.n;
        rc = dec_account(&d, val, &t->a);
        if (rc == 0) rc = dec_fixed_str(&d, key, key_len, t->a.address.b, 20, T_ADDRESS);
        if (rc) break;
    }
    if (rc == 0) rc = dec_finish(&d);
    account_tmp *t = accts.data;
    if (accts.n) qsort(t, accts.n, sizeof *t, account_cmp);
    /* keep the last of each address */
    out->accounts = braid_xcalloc(accts.n + 1, sizeof *out->accounts);
    for (size_t i = 0; i < accts.n; i++) {
        if (rc == 0 && !(i + 1 < accts.n && memcmp(t[i].a.address.b, t[i + 1].a.address.b, 20) == 0))
            out->accounts[out->n_accounts++] = t[i].a;
        else
            account_free(&t[i].a);
    }
    free(accts.data);
    if (rc) {
        rpcj_state_override_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n_accounts; i++) {
        const rpcj_account_override *a = &out->accounts[i];
        if (a->has_state && a->has_state_diff) {
            char hex[43];
            checksum_hex(&a->address, hex);
            rpcj_state_override_free(out);
            err->code = BRAID_RPC_SERVER_ERROR;
            snprintf(err->message, sizeof err->message, "account %s has both 'state' and 'stateDiff'", hex);
            return -1;
        }
    }
    return 0;
}

/* --------------------------------------------------------------------------------- log filter -- */

void rpcj_log_filter_free(rpcj_log_filter *f) {
    free(f->addresses);
    for (size_t i = 0; i < RPCJ_MAX_TOPICS; i++) free(f->topics[i].hashes);
    memset(f, 0, sizeof *f);
}

/* The filter's address or topic string (hexutil.Decode and a length check). Returns NULL or the
 * message (in `buf` for a wrong length). */
static const char *filter_hex(const json_t *v, uint8_t *out, size_t size, const char *what, char *buf, size_t n) {
    braid_buf b;
    braid_buf_init(&b);
    const char *m = go_hex_decode(json_string_value(v), json_string_length(v), &b);
    if (!m && b.len != size) {
        snprintf(buf, n, "hex has invalid length %zu after decoding; expected %zu for %s", b.len, size, what);
        m = buf;
    }
    if (!m) memcpy(out, b.data, size);
    braid_buf_free(&b);
    return m;
}

static int filter_fail(rpcj_log_filter *f) {
    rpcj_log_filter_free(f);
    return -1;
}

int rpcj_parse_log_filter(const json_t *v, unsigned arg, rpcj_log_filter *out, braid_rpc_error *err) {
    memset(out, 0, sizeof *out);
    dec d;
    dec_init(&d, arg, err);
    if (rpcj_absent(v)) return 0;
    if (!json_is_object(v)) {
        save_kind(&d, v, "filters.input");
        return dec_finish(&d);
    }
    /* first geth decodes the object into {blockHash, fromBlock, toBlock, address (any), topics
     * ([]any)}, then it interprets the parts */
    static const char *const names[] = {"blockHash", "fromBlock", "toBlock", "address", "topics"};
    const json_t *addresses = NULL, *topics = NULL;
    const char *key;
    size_t key_len;
    json_t *f;
    json_object_keylen_foreach((json_t *)v, key, key_len, f) {
        int id = field_of(key, key_len, names, 5);
        if (id < 0) continue;
        bool given = !json_is_null(f);
        size_t mark = path_push(&d, "input", names[id]);
        int rc = 0;
        const char *m = NULL;
        switch (id) {
        case 0:
            out->has_block_hash = given;
            if (given) rc = dec_fixed(&d, f, out->block_hash.b, 32, T_HASH);
            break;
        case 1:
            out->has_from = given;
            if (given) m = block_number_value(f, &out->from);
            break;
        case 2:
            out->has_to = given;
            if (given) m = block_number_value(f, &out->to);
            break;
        case 3: addresses = given ? f : NULL; break;
        case 4:
            topics = NULL;
            if (given && !json_is_array(f))
                save_kind(&d, f, "[]interface {}");
            else if (given)
                topics = f;
            break;
        }
        path_pop(&d, mark);
        if (m) rc = failf(&d, "%s", m);
        if (rc) return filter_fail(out);
    }
    if (dec_finish(&d)) return filter_fail(out);

    if (out->has_block_hash) {
        if (out->has_from || out->has_to) {
            failf(&d, "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
            return filter_fail(out);
        }
    }
    char buf[128];
    if (addresses) {
        if (json_is_array(addresses)) {
            size_t n = json_array_size(addresses);
            out->addresses = braid_xcalloc(n + 1, sizeof *out->addresses);
            for (size_t i = 0; i < n; i++) {
                const json_t *a = json_array_get(addresses, i);
                if (!json_is_string(a)) {
                    failf(&d, "non-string address at index %zu", i);
                    return filter_fail(out);
                }
                const char *m = filter_hex(a, out->addresses[i].b, 20, "address", buf, sizeof buf);
                if (m) {
                    failf(&d, "invalid address at index %zu: %s", i, m);
                    return filter_fail(out);
                }
                out->n_addresses++;
            }
        } else if (json_is_string(addresses)) {
            out->addresses = braid_xcalloc(1, sizeof *out->addresses);
            const char *m = filter_hex(addresses, out->addresses[0].b, 20, "address", buf, sizeof buf);
            if (m) {
                failf(&d, "invalid address: %s", m);
                return filter_fail(out);
            }
            out->n_addresses = 1;
        } else {
            failf(&d, "invalid addresses in query");
            return filter_fail(out);
        }
    }
    size_t n_topics = topics ? json_array_size(topics) : 0;
    if (n_topics > RPCJ_MAX_TOPICS) {
        failf(&d, "exceed max topics");
        return filter_fail(out);
    }
    out->n_topics = n_topics;
    for (size_t i = 0; i < n_topics; i++) {
        const json_t *t = json_array_get(topics, i);
        rpcj_topic_set *set = &out->topics[i];
        if (json_is_null(t)) continue;
        if (json_is_string(t)) {
            set->hashes = braid_xmalloc(sizeof *set->hashes);
            const char *m = filter_hex(t, set->hashes[0].b, 32, "topic", buf, sizeof buf);
            if (m) {
                failf(&d, "%s", m);
                return filter_fail(out);
            }
            set->n = 1;
            continue;
        }
        if (!json_is_array(t)) {
            failf(&d, "invalid topic(s)");
            return filter_fail(out);
        }
        size_t n = json_array_size(t);
        if (n > RPCJ_MAX_SUB_TOPICS) {
            failf(&d, "exceed max topics");
            return filter_fail(out);
        }
        set->hashes = braid_xcalloc(n + 1, sizeof *set->hashes);
        for (size_t k = 0; k < n; k++) {
            const json_t *e = json_array_get(t, k);
            /* a null alternative makes the position a wildcard, and geth reads no further */
            if (json_is_null(e)) {
                set->n = 0;
                break;
            }
            if (!json_is_string(e)) {
                failf(&d, "invalid topic(s)");
                return filter_fail(out);
            }
            const char *m = filter_hex(e, set->hashes[set->n].b, 32, "topic", buf, sizeof buf);
            if (m) {
                failf(&d, "%s", m);
                return filter_fail(out);
            }
            set->n++;
        }
    }
    return 0;
}

bool rpcj_log_matches(const rpcj_log_filter *f, const braid_log *log) {
    if (f->n_addresses) {
        bool found = false;
        for (size_t i = 0; i < f->n_addresses && !found; i++) found = braid_address_eq(&f->addresses[i], &log->address);
        if (!found) return false;
    }
    if (f->n_topics > log->n_topics) return false;
    for (size_t i = 0; i < f->n_topics; i++) {
        const rpcj_topic_set *set = &f->topics[i];
        if (set->n == 0) continue;
        bool found = false;
        for (size_t k = 0; k < set->n && !found; k++) found = braid_hash_eq(&set->hashes[k], &log->topics[i]);
        if (!found) return false;
    }
    return true;
}
