/* Signed transactions: every ethereum/tests TransactionTests case for every fork it lists (decoding,
 * stateless checks, sender recovery, hash, intrinsic gas), round trips of the four envelope types, JSON
 * transactions checked against fixture hashes, and hostile inputs (run the sanitizer build too). */
#include <dirent.h>
#include <jansson.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "braid/braid_bytes.h"
#include "braid/braid_keccak.h"
#include "braid/braid_rlp.h"
#include "braid/braid_tx_codec.h"
#include "test_util.h"

#define TT_DIR SHARED_PATH("fixtures/ethereum-tests/TransactionTests")

static const braid_u256 mainnet = {{1, 0, 0, 0}};

/* ---- helpers ---- */

static braid_buf hex_buf(const char *hex) {
    braid_buf b = {0};
    if (braid_hex_decode(hex, &b) != 0) {
        fprintf(stderr, "bad hex in test: %s\n", hex);
        abort();
    }
    return b;
}

static bool buf_eq(const braid_buf *a, const uint8_t *b, size_t n) {
    return a->len == n && (n == 0 || memcmp(a->data, b, n) == 0);
}

static void to_hex(const uint8_t *p, size_t n, char *out) {
    braid_hex_encode(p, n, out);
}

/* Decodes `len` bytes copied into an allocation of exactly that size, so that the sanitizer build
 * catches any read past the end. */
static int decode_exact_copy(const uint8_t *p, size_t len, braid_signed_tx *out, char *err, size_t err_len) {
    uint8_t *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, p, len);
    int rc = braid_signed_tx_decode(copy, len, out, err, err_len);
    free(copy);
    return rc;
}

/* Decode must accept or reject without crashing; what it accepts must re-encode to the same bytes
 * (strictness means there is only one encoding of each transaction). */
static void check_canonical_or_rejected(const uint8_t *p, size_t len, const char *what) {
    braid_signed_tx stx;
    char err[256] = "";
    if (decode_exact_copy(p, len, &stx, err, sizeof err) == 0) {
        braid_buf enc = {0};
        braid_signed_tx_encode(&stx, false, &enc);
        CHECKF(buf_eq(&enc, p, len), "%s: accepted but re-encodes differently", what);
        braid_buf_free(&enc);
        braid_signed_tx_free(&stx);
    } else {
        CHECKF(err[0] != '\0', "%s: rejected without a message", what);
    }
}

/* Every single-byte corruption, with values that matter to RLP headers and type bytes. */
static void mutate_all(braid_buf *bytes, const char *what) {
    static const uint8_t patterns[] = {0x00, 0x01, 0x03, 0x7f, 0x80, 0x81, 0xb7,
                                       0xb8, 0xbf, 0xc0, 0xf7, 0xf8, 0xff};
    for (size_t pos = 0; pos < bytes->len; pos++) {
        uint8_t saved = bytes->data[pos];
        for (size_t p = 0; p < sizeof patterns; p++) {
            bytes->data[pos] = patterns[p];
            check_canonical_or_rejected(bytes->data, bytes->len, what);
        }
        bytes->data[pos] = saved;
    }
}

/* ---- the TransactionTests fixtures ---- */

static int fork_passed[BRAID_FORK_COUNT], fork_total[BRAID_FORK_COUNT];
static int n_files, n_tests, n_roundtrips;

/* Encode must give back the fixture's bytes, and the block-list form must wrap typed ones in a string. */
static void check_fixture_roundtrip(const braid_signed_tx *stx, const braid_buf *bytes, const char *where) {
    braid_buf enc = {0}, listed = {0};
    braid_signed_tx_encode(stx, false, &enc);
    braid_signed_tx_encode(stx, true, &listed);
    CHECKF(buf_eq(&enc, bytes->data, bytes->len), "%s: encode differs from the fixture's bytes", where);
    braid_rlp_item item;
    bool ok = braid_rlp_decode_exact(listed.data, listed.len, &item) == BRAID_RLP_OK;
    if (stx->tx.type == BRAID_TX_LEGACY)
        ok = ok && buf_eq(&listed, bytes->data, bytes->len);
    else
        ok = ok && !item.is_list && item.payload_len == bytes->len &&
             memcmp(item.payload, bytes->data, bytes->len) == 0;
    CHECKF(ok, "%s: block-list encoding is wrong", where);
    n_roundtrips++;
    braid_buf_free(&enc);
    braid_buf_free(&listed);
}

typedef enum stage { STAGE_DECODE, STAGE_SIGNATURE, STAGE_CHECK } stage;

static stage exception_stage(const char *exc) {
    static const char *signature[] = {"INVALID_SIGNATURE_VRS", "INVALID_CHAINID", "EC_RECOVERY_FAIL"};
    static const char *check[] = {"INTRINSIC_GAS_TOO_LOW",           "NONCE_TOO_BIG",
                                  "GASLIMIT_PRICE_PRODUCT_OVERFLOW", "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS",
                                  "INITCODE_SIZE_EXCEEDED",          "TYPE_NOT_SUPPORTED"};
    for (size_t i = 0; i < sizeof signature / sizeof signature[0]; i++)
        if (exc && strstr(exc, signature[i])) return STAGE_SIGNATURE;
    for (size_t i = 0; i < sizeof check / sizeof check[0]; i++)
        if (exc && strstr(exc, check[i])) return STAGE_CHECK;
    return STAGE_DECODE; /* RLP_*, ADDRESS_TOO_*, and the *_OVERFLOW of fields wider than their type */
}

static void run_fork(const char *where, const char *fork_name, const json_t *expect, bool decoded,
                     braid_signed_tx *stx, const char *decode_err) {
    braid_fork fork;
    if (braid_fork_from_name(fork_name, &fork) != 0) {
        CHECKF(0, "%s: unknown fork %s", where, fork_name);
        return;
    }
    fork_total[fork]++;
    bool want_valid = json_object_get(expect, "exception") == NULL;
    const char *want_exc = json_string_value(json_object_get(expect, "exception"));
    char err[256] = "", check_err[256] = "", sig_err[256] = "";
    bool valid = false, check_ok = false, sig_ok = false;
    if (decoded) {
        check_ok = braid_signed_tx_check(stx, fork, check_err, sizeof check_err) == 0;
        sig_ok = braid_signed_tx_recover(stx, fork, &mainnet, sig_err, sizeof sig_err) == 0;
        valid = check_ok && sig_ok;
        snprintf(err, sizeof err, "%s", !check_ok ? check_err : sig_err);
    } else {
        snprintf(err, sizeof err, "%s", decode_err);
    }
    bool ok = valid == want_valid;
    CHECKF(ok, "%s [%s]: expected %s, got %s (%s)", where, fork_name, want_valid ? "valid" : want_exc,
           valid ? "valid" : "invalid", err);
    CHECKF(valid || err[0], "%s [%s]: rejected without a message", where, fork_name);
    /* Stricter than valid/invalid: the stage named by the fixture's exception (decoding, the signature,
     * or the stateless checks) must reject on its own, so that one rule cannot hide a missing other. */
    if (ok && !valid) {
        stage st = exception_stage(want_exc);
        bool stage_ok = st == STAGE_DECODE      ? !decoded
                        : st == STAGE_SIGNATURE ? !decoded || !sig_ok
                                                : !decoded || !check_ok;
        CHECKF(stage_ok, "%s [%s]: %s, but %s", where, fork_name, want_exc,
               st == STAGE_DECODE      ? "it decoded"
               : st == STAGE_SIGNATURE ? "recovery succeeded"
                                       : "the checks passed");
        ok = stage_ok;
    }

    if (ok && valid) {
        braid_hash want_hash;
        braid_address want_sender;
        bool parsed = braid_hex_decode_fixed(json_string_value(json_object_get(expect, "hash")), want_hash.b,
                                             32) == 0 &&
                      braid_hex_decode_fixed(json_string_value(json_object_get(expect, "sender")),
                                             want_sender.b, 20) == 0;
        char got[67];
        to_hex(stx->hash.b, 32, got);
        CHECKF(parsed && braid_hash_eq(&want_hash, &stx->hash), "%s [%s]: hash: expected %s, got %s", where,
               fork_name, json_string_value(json_object_get(expect, "hash")), got);
        to_hex(stx->tx.sender.b, 20, got);
        CHECKF(parsed && braid_address_eq(&want_sender, &stx->tx.sender),
               "%s [%s]: sender: expected %s, got %s", where, fork_name,
               json_string_value(json_object_get(expect, "sender")), got);
        ok = ok && parsed && braid_hash_eq(&want_hash, &stx->hash) &&
             braid_address_eq(&want_sender, &stx->tx.sender);
    }
    braid_u256 want_gas = BRAID_U256_ZERO;
    const char *gas_hex = json_string_value(json_object_get(expect, "intrinsicGas"));
    if (decoded && gas_hex && braid_u256_from_string(gas_hex, &want_gas) == 0 &&
        !braid_u256_is_zero(want_gas)) {
        uint64_t got = braid_tx_intrinsic_gas(&stx->tx, fork);
        bool gas_ok = braid_u256_eq(want_gas, braid_u256_from_u64(got));
        CHECKF(gas_ok, "%s [%s]: intrinsic gas: expected %s, got 0x%llx", where, fork_name, gas_hex,
               (unsigned long long)got);
        ok = ok && gas_ok;
    }
    if (ok) fork_passed[fork]++;
}

static void run_test(const char *file, const char *name, const json_t *test) {
    char where[3072];
    snprintf(where, sizeof where, "%.2000s: %.1000s", file, name);
    const char *txhex = json_string_value(json_object_get(test, "txbytes"));
    const json_t *results = json_object_get(test, "result");
    if (!txhex || !json_is_object(results)) {
        CHECKF(0, "%s: malformed test (no txbytes or result)", where);
        return;
    }
    n_tests++;
    braid_buf bytes = {0};
    braid_signed_tx stx;
    char err[256] = "";
    bool decoded = false;
    if (braid_hex_decode(txhex, &bytes) != 0)
        snprintf(err, sizeof err, "txbytes is not hex");
    else
        decoded = decode_exact_copy(bytes.data, bytes.len, &stx, err, sizeof err) == 0;
    if (decoded) check_fixture_roundtrip(&stx, &bytes, where);

    const char *fork_name;
    const json_t *expect;
    json_object_foreach((json_t *)results, fork_name, expect)
        run_fork(where, fork_name, expect, decoded, &stx, err);
    if (decoded) braid_signed_tx_free(&stx);
    braid_buf_free(&bytes);
}

static void run_file(const char *path) {
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!json_is_object(root)) {
        CHECKF(0, "%s: cannot parse: %s", path, jerr.text);
        json_decref(root);
        return;
    }
    n_files++;
    const char *rel = path + strlen(TT_DIR) + 1;
    const char *name;
    json_t *test;
    json_object_foreach(root, name, test) run_test(rel, name, test);
    json_decref(root);
}

static void run_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        CHECKF(0, "cannot open %s", dir);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        size_t n = strlen(de->d_name);
        if (S_ISDIR(st.st_mode))
            run_dir(path);
        else if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0)
            run_file(path);
    }
    closedir(d);
}

static void test_fixtures(void) {
    run_dir(TT_DIR);
    CHECKF(n_files > 0, "no fixtures under %s", TT_DIR);
    printf("TransactionTests: %d files, %d tests, %d decoded and round-tripped\n", n_files, n_tests,
           n_roundtrips);
    for (int f = 0; f < BRAID_FORK_COUNT; f++)
        if (fork_total[f])
            printf("  %-16s %4d/%d cases passed\n", braid_fork_name((braid_fork)f), fork_passed[f],
                   fork_total[f]);
}

/* ---- a blob transaction, signed here (no fixture has one) ---- */

/* Private key 1: its address is a well-known constant, an expectation independent of our code. */
static const char *key_one_address = "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf";

typedef struct blob_spec {
    size_t n_hashes;
    uint8_t version;
    bool with_to;
    bool trailing_byte;
} blob_spec;

static void put_blob_body(braid_buf *b, const blob_spec *spec) {
    uint8_t to[20], key[32], hash[32], data[3] = {0x60, 0x00, 0x01};
    memset(to, 0x11, sizeof to);
    memset(key, 0x22, sizeof key);
    braid_rlp_put_u64(b, 1);              /* chainId */
    braid_rlp_put_u64(b, 7);              /* nonce */
    braid_rlp_put_u64(b, 2000000000);     /* maxPriorityFeePerGas */
    braid_rlp_put_u64(b, 30000000000ULL); /* maxFeePerGas */
    braid_rlp_put_u64(b, 50000);          /* gas */
    braid_rlp_put_bytes(b, to, spec->with_to ? 20 : 0);
    braid_rlp_put_u64(b, 5); /* value */
    braid_rlp_put_bytes(b, data, sizeof data);
    size_t al = braid_rlp_list_begin(b), e = braid_rlp_list_begin(b);
    braid_rlp_put_bytes(b, to, 20);
    size_t ks = braid_rlp_list_begin(b);
    braid_rlp_put_bytes(b, key, 32);
    braid_rlp_list_end(b, ks);
    braid_rlp_list_end(b, e);
    braid_rlp_list_end(b, al);
    braid_rlp_put_u64(b, 1000000000); /* maxFeePerBlobGas */
    size_t hl = braid_rlp_list_begin(b);
    for (size_t i = 0; i < spec->n_hashes; i++) {
        memset(hash, (int)(0x30 + i), sizeof hash);
        hash[0] = spec->version;
        braid_rlp_put_bytes(b, hash, 32);
    }
    braid_rlp_list_end(b, hl);
}

/* type 3 || rlp([...fields, yParity, r, s]) signed by key 1 over keccak(3 || rlp([...fields])). */
static braid_buf build_blob_tx(const blob_spec *spec) {
    braid_buf unsigned_tx = {0}, out = {0};
    braid_buf_push(&unsigned_tx, 3);
    size_t m = braid_rlp_list_begin(&unsigned_tx);
    put_blob_body(&unsigned_tx, spec);
    braid_rlp_list_end(&unsigned_tx, m);
    uint8_t digest[32];
    braid_keccak256(unsigned_tx.data, unsigned_tx.len, digest);

    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
    uint8_t seckey[32] = {0}, rs[64];
    seckey[31] = 1;
    secp256k1_ecdsa_recoverable_signature sig;
    int recid = 0;
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, seckey, NULL, NULL)) abort();
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, rs, &recid, &sig);
    secp256k1_context_destroy(ctx);

    braid_buf_push(&out, 3);
    m = braid_rlp_list_begin(&out);
    put_blob_body(&out, spec);
    braid_rlp_put_u64(&out, (uint64_t)recid);
    braid_rlp_put_u256(&out, braid_u256_from_be(rs));
    braid_rlp_put_u256(&out, braid_u256_from_be(rs + 32));
    braid_rlp_list_end(&out, m);
    if (spec->trailing_byte) braid_buf_push(&out, 0x80);
    braid_buf_free(&unsigned_tx);
    return out;
}

static void test_blob_tx(void) {
    blob_spec good = {.n_hashes = 2, .version = 0x01, .with_to = true};
    braid_buf bytes = build_blob_tx(&good);
    braid_signed_tx stx;
    char err[256] = "";
    CHECKF(braid_signed_tx_decode(bytes.data, bytes.len, &stx, err, sizeof err) == 0, "blob tx: %s", err);
    CHECK(stx.tx.type == BRAID_TX_BLOB && stx.tx.n_blob_hashes == 2 && stx.tx.access_list_len == 1 &&
          stx.tx.access_list[0].n_keys == 1 && stx.tx.data_len == 3 && stx.tx.nonce == 7);
    CHECK(braid_hash_eq(&stx.hash, &(braid_hash){0}) == false);
    braid_hash want_hash = braid_keccak256_hash(bytes.data, bytes.len);
    CHECK(braid_hash_eq(&stx.hash, &want_hash));
    check_fixture_roundtrip(&stx, &bytes, "blob tx");
    mutate_all(&bytes, "blob tx");

    CHECKF(braid_signed_tx_check(&stx, BRAID_FORK_CANCUN, err, sizeof err) == 0, "blob tx check: %s", err);
    CHECKF(braid_signed_tx_recover(&stx, BRAID_FORK_CANCUN, &mainnet, err, sizeof err) == 0,
           "blob recover: %s", err);
    char got[43];
    to_hex(stx.tx.sender.b, 20, got);
    CHECKF(strcmp(got, key_one_address) == 0, "blob tx sender: %s", got);
    CHECK(braid_signed_tx_check(&stx, BRAID_FORK_SHANGHAI, err, sizeof err) != 0 && err[0]);
    braid_u256 other = braid_u256_from_u64(5);
    err[0] = 0;
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_CANCUN, &other, err, sizeof err) != 0 && err[0]);
    stx.blob_mem[1].b[0] = 0x02; /* the version byte is a stateless rule */
    err[0] = 0;
    CHECK(braid_signed_tx_check(&stx, BRAID_FORK_CANCUN, err, sizeof err) != 0 &&
          strstr(err, "blobVersionedHashes"));

    /* The same transaction from JSON must hash the same (field values written out from put_blob_body). */
    char r_hex[67], s_hex[67], json[2048];
    uint8_t be[32];
    braid_u256_to_be(stx.r, be);
    to_hex(be, 32, r_hex);
    braid_u256_to_be(stx.s, be);
    to_hex(be, 32, s_hex);
    /* clang-format off */
    snprintf(json, sizeof json,
             "{\"type\":\"0x3\",\"chainId\":\"0x1\",\"nonce\":\"0x7\","
             "\"maxPriorityFeePerGas\":\"0x77359400\","
             "\"maxFeePerGas\":\"0x6fc23ac00\",\"gas\":\"0xc350\","
             "\"to\":\"0x1111111111111111111111111111111111111111\",\"value\":\"0x5\",\"input\":\"0x600001\","
             "\"accessList\":[{\"address\":\"0x1111111111111111111111111111111111111111\","
             "\"storageKeys\":[\"0x2222222222222222222222222222222222222222222222222222222222222222\"]}],"
             "\"maxFeePerBlobGas\":\"0x3b9aca00\",\"blobVersionedHashes\":["
             "\"0x0130303030303030303030303030303030303030303030303030303030303030\","
             "\"0x0131313131313131313131313131313131313131313131313131313131313131\"],"
             "\"yParity\":\"0x%llx\",\"r\":\"%s\",\"s\":\"%s\"}",
             (unsigned long long)stx.v.w[0], r_hex, s_hex);
    /* clang-format on */
    json_t *obj = json_loads(json, 0, NULL);
    braid_signed_tx js;
    CHECKF(braid_signed_tx_from_json(obj, &js, err, sizeof err) == 0, "blob json: %s", err);
    CHECK(braid_hash_eq(&js.hash, &want_hash));
    braid_signed_tx_free(&js);
    json_decref(obj);
    braid_signed_tx_free(&stx);
    braid_buf_free(&bytes);

    /* Stateless blob rules and wire rules. */
    blob_spec no_hashes = {.n_hashes = 0, .version = 0x01, .with_to = true};
    bytes = build_blob_tx(&no_hashes);
    CHECK(braid_signed_tx_decode(bytes.data, bytes.len, &stx, err, sizeof err) == 0);
    err[0] = 0;
    CHECK(braid_signed_tx_check(&stx, BRAID_FORK_CANCUN, err, sizeof err) != 0 && err[0]);
    braid_signed_tx_free(&stx);
    braid_buf_free(&bytes);

    blob_spec create = {.n_hashes = 1, .version = 0x01, .with_to = false};
    bytes = build_blob_tx(&create);
    err[0] = 0;
    CHECK(braid_signed_tx_decode(bytes.data, bytes.len, &stx, err, sizeof err) != 0 && strstr(err, "'to'"));
    braid_buf_free(&bytes);

    blob_spec trailing = {.n_hashes = 1, .version = 0x01, .with_to = true, .trailing_byte = true};
    bytes = build_blob_tx(&trailing);
    err[0] = 0;
    CHECK(decode_exact_copy(bytes.data, bytes.len, &stx, err, sizeof err) != 0 && err[0]);
    braid_buf_free(&bytes);
}

/* ---- round trips and JSON, against fixture transactions ---- */

typedef struct json_case {
    const char *what;
    const char *txbytes; /* from the fixture */
    const char *json;    /* the same transaction's fields, written out */
    const char *hash;    /* the fixture's hash */
    const char *sender;  /* the fixture's sender */
} json_case;

/* clang-format off */
static const json_case json_cases[] = {
    {"legacy pre-EIP-155 (ttData/DataTestFirstZeroBytes), blockchain-test spelling",
     "0xf87c80018261a894095e7baea6a6c7c4c2dfeb977efac326af552d870a9d00000000000000000000000000010000000000"
     "000000000000000000001ba048b55bfa915ac795c431978d8a6a992b628d557da5ff759b307d495a36649353a01fffd310ac"
     "743f371de3b9f7f9cb56c0b28ad43601b4ab949f53faa07bd2c804",
     "{\"nonce\":\"0x00\",\"gasPrice\":\"0x01\",\"gasLimit\":\"0x61a8\","
     "\"to\":\"0x095e7baea6a6c7c4c2dfeb977efac326af552d87\",\"value\":\"0x0a\","
     "\"data\":\"0x0000000000000000000000000001000000000000000000000000000000\",\"v\":\"0x1b\","
     "\"r\":\"0x48b55bfa915ac795c431978d8a6a992b628d557da5ff759b307d495a36649353\","
     "\"s\":\"0x1fffd310ac743f371de3b9f7f9cb56c0b28ad43601b4ab949f53faa07bd2c804\"}",
     "0x95f3e2568d38c188fb288570b588402ff37b8d0330eafc414df637d8003eea0d",
     "0x67719a47cf3e3fe77b89c994d85395ad0f899d86"},
    {"legacy EIP-155 (ttSignature/Vitalik_1), RPC spelling",
     "0xf864808504a817c800825208943535353535353535353535353535353535353535808025a0044852b2a670ade5407e78fb"
     "2863c51de9fcb96542a07186fe3aeda6bb8a116da0044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb"
     "8a116d",
     "{\"type\":\"0x0\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gasPrice\":\"0x4a817c800\","
     "\"gas\":\"0x5208\",\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0x0\","
     "\"input\":\"0x\",\"v\":\"0x25\","
     "\"r\":\"0x44852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d\","
     "\"s\":\"0x44852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d\"}",
     "0xb1e2188bc490908a78184e4818dca53684167507417fdb4c09c2d64d32a9896a",
     "0xf0f6f18bca1b28cd68e4357452947e021241e9ce"},
    {"EIP-2930 (ttEIP2930/accessListStorage32Bytes)",
     "0x01f89a018001826a4094095e7baea6a6c7c4c2dfeb977efac326af552d878080f838f794a95e7baea6a6c7c4c2dfeb977e"
     "fac326af552d87e1a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80a05cbd172231fc07"
     "35e0fb994dd5b1a4939170a260b36f0427a8a80866b063b948a07c230f7f578dd61785c93361b9871c0706ebfa6d06e3f449"
     "1dc9558c5202ed36",
     "{\"type\":\"0x1\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gasPrice\":\"0x1\",\"gas\":\"0x6a40\","
     "\"to\":\"0x095e7baea6a6c7c4c2dfeb977efac326af552d87\",\"value\":\"0x0\",\"input\":\"0x\","
     "\"accessList\":[{\"address\":\"0xa95e7baea6a6c7c4c2dfeb977efac326af552d87\","
     "\"storageKeys\":[\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"]}],"
     "\"yParity\":\"0x0\",\"r\":\"0x5cbd172231fc0735e0fb994dd5b1a4939170a260b36f0427a8a80866b063b948\","
     "\"s\":\"0x7c230f7f578dd61785c93361b9871c0706ebfa6d06e3f4491dc9558c5202ed36\"}",
     "0xb4f8b14a7aaf85ec2f76be9fbe4155deae1f87b2da95af73be3c27ed8d4c8cb7",
     "0xebe76799923fd62804659fb00b4f0f1a94c0eb1e"},
    {"EIP-1559 (ttEIP1559/GasLimitPriceProductOverflowtMinusOne)",
     "0x02f885018084773594009f02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff82520894095e7b"
     "aea6a6c7c4c2dfeb977efac326af552d878080c080a05cbd172231fc0735e0fb994dd5b1a4939170a260b36f0427a8a80866"
     "b063b948a07c230f7f578dd61785c93361b9871c0706ebfa6d06e3f4491dc9558c5202ed36",
     "{\"type\":\"0x2\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"maxPriorityFeePerGas\":\"0x77359400\","
     "\"maxFeePerGas\":\"0x02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\","
     "\"gas\":\"0x5208\",\"to\":\"0x095e7baea6a6c7c4c2dfeb977efac326af552d87\",\"value\":\"0x0\","
     "\"input\":\"0x\",\"accessList\":[],\"v\":\"0x0\",\"yParity\":\"0x0\","
     "\"r\":\"0x5cbd172231fc0735e0fb994dd5b1a4939170a260b36f0427a8a80866b063b948\","
     "\"s\":\"0x7c230f7f578dd61785c93361b9871c0706ebfa6d06e3f4491dc9558c5202ed36\"}",
     "0xdad8bff3ecfcf95169b1d5625b47f3372be795802bc4fe570991cf332f609334",
     "0xae2aec498d20869d441eaaf708fb1e375ae1787d"},
};
/* clang-format on */

static void test_roundtrip_and_json(void) {
    for (size_t i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
        const json_case *c = &json_cases[i];
        char err[256] = "";
        braid_buf bytes = hex_buf(c->txbytes);
        braid_signed_tx stx, js;
        CHECKF(braid_signed_tx_decode(bytes.data, bytes.len, &stx, err, sizeof err) == 0, "%s: %s", c->what,
               err);
        check_fixture_roundtrip(&stx, &bytes, c->what);

        json_error_t jerr;
        json_t *obj = json_loads(c->json, 0, &jerr);
        CHECKF(obj != NULL, "%s: test JSON: %s", c->what, jerr.text);
        int rc = braid_signed_tx_from_json(obj, &js, err, sizeof err);
        CHECKF(rc == 0, "%s: from_json: %s", c->what, err);
        if (rc == 0) {
            char got[67];
            to_hex(js.hash.b, 32, got);
            CHECKF(strcmp(got, c->hash) == 0, "%s: JSON hash: expected %s, got %s", c->what, c->hash, got);
            CHECKF(braid_signed_tx_recover(&js, BRAID_FORK_CANCUN, &mainnet, err, sizeof err) == 0, "%s: %s",
                   c->what, err);
            to_hex(js.tx.sender.b, 20, got);
            CHECKF(strcmp(got, c->sender) == 0, "%s: JSON sender: expected %s, got %s", c->what, c->sender,
                   got);
            braid_buf enc = {0};
            braid_signed_tx_encode(&js, false, &enc);
            CHECKF(buf_eq(&enc, bytes.data, bytes.len), "%s: JSON re-encoding differs from the fixture",
                   c->what);
            braid_buf_free(&enc);
            braid_signed_tx_free(&js);
        }
        json_decref(obj);

        /* Every truncation must be refused, and single-byte corruptions must be refused or canonical. */
        for (size_t n = 0; n < bytes.len; n++) {
            braid_signed_tx t;
            err[0] = 0;
            int trc = decode_exact_copy(bytes.data, n, &t, err, sizeof err);
            CHECKF(trc != 0 && err[0], "%s: truncated to %zu bytes was accepted or gave no message", c->what,
                   n);
            if (trc == 0) braid_signed_tx_free(&t);
        }
        mutate_all(&bytes, c->what);
        braid_signed_tx_free(&stx);
        braid_buf_free(&bytes);
    }
}

/* ---- hostile inputs ---- */

static void expect_decode_error(const uint8_t *p, size_t len, const char *what) {
    braid_signed_tx stx;
    char err[256] = "";
    int rc = decode_exact_copy(p, len, &stx, err, sizeof err);
    CHECKF(rc != 0, "%s: accepted", what);
    CHECKF(err[0] != '\0', "%s: no error message", what);
    if (rc == 0) braid_signed_tx_free(&stx);
}

/* A legacy transaction with `n_fields` fields (9 is right), a `to` of `to_len` bytes and the given v. */
static braid_buf build_legacy(size_t n_fields, size_t to_len, uint64_t v) {
    static const char *r = "0x98ff921201554726367d2be8c804a7ff89ccf285ebc57dff8ae4c44b9c19ac4a";
    static const char *s = "0x1887321be575c8095f789dd4c743dfe42c1820f9231f98a962b210e3ac2452a3";
    uint8_t to[32];
    memset(to, 0xb9, sizeof to);
    braid_buf b = {0};
    braid_u256 rv, sv;
    braid_u256_from_string(r, &rv);
    braid_u256_from_string(s, &sv);
    size_t m = braid_rlp_list_begin(&b);
    for (size_t i = 0; i < n_fields; i++) {
        switch (i) {
        case 0:
            braid_rlp_put_u64(&b, 3);
            break;
        case 1:
            braid_rlp_put_u64(&b, 1);
            break;
        case 2:
            braid_rlp_put_u64(&b, 21000);
            break;
        case 3:
            braid_rlp_put_bytes(&b, to, to_len);
            break;
        case 4:
            braid_rlp_put_u64(&b, 10);
            break;
        case 5:
            braid_rlp_put_bytes(&b, NULL, 0);
            break;
        case 6:
            braid_rlp_put_u64(&b, v);
            break;
        case 7:
            braid_rlp_put_u256(&b, rv);
            break;
        case 8:
            braid_rlp_put_u256(&b, sv);
            break;
        default:
            braid_rlp_put_u64(&b, 0);
            break;
        }
    }
    braid_rlp_list_end(&b, m);
    return b;
}

typedef enum al_variant {
    AL_GOOD,
    AL_STRING,
    AL_ENTRY_STRING,
    AL_ENTRY_SHORT,
    AL_ENTRY_LONG,
    AL_ADDRESS_19,
    AL_KEY_31,
    AL_KEYS_STRING,
} al_variant;

/* An EIP-2930 transaction (not validly signed: only decoding is under test) with an access list of the
 * given shape; AL_GOOD is [[addr, [key]], [addr, []]]. */
static braid_buf build_access_list_tx(al_variant v) {
    uint8_t addr[20], key[32];
    memset(addr, 0xaa, sizeof addr);
    memset(key, 0x55, sizeof key);
    braid_buf b = {0};
    braid_buf_push(&b, 1);
    size_t m = braid_rlp_list_begin(&b);
    braid_rlp_put_u64(&b, 1);     /* chainId */
    braid_rlp_put_u64(&b, 0);     /* nonce */
    braid_rlp_put_u64(&b, 1);     /* gasPrice */
    braid_rlp_put_u64(&b, 30000); /* gas */
    braid_rlp_put_bytes(&b, addr, 20);
    braid_rlp_put_u64(&b, 0);
    braid_rlp_put_bytes(&b, NULL, 0);
    if (v == AL_STRING) {
        braid_rlp_put_bytes(&b, addr, 20);
    } else {
        size_t al = braid_rlp_list_begin(&b);
        if (v == AL_ENTRY_STRING) {
            braid_rlp_put_bytes(&b, addr, 20);
        } else {
            size_t e = braid_rlp_list_begin(&b);
            braid_rlp_put_bytes(&b, addr, v == AL_ADDRESS_19 ? 19 : 20);
            if (v == AL_KEYS_STRING) {
                braid_rlp_put_bytes(&b, key, 32);
            } else if (v != AL_ENTRY_SHORT) {
                size_t ks = braid_rlp_list_begin(&b);
                braid_rlp_put_bytes(&b, key, v == AL_KEY_31 ? 31 : 32);
                braid_rlp_list_end(&b, ks);
            }
            if (v == AL_ENTRY_LONG) braid_rlp_put_u64(&b, 0);
            braid_rlp_list_end(&b, e);
            if (v == AL_GOOD) {
                e = braid_rlp_list_begin(&b);
                braid_rlp_put_bytes(&b, addr, 20);
                braid_rlp_list_end(&b, braid_rlp_list_begin(&b));
                braid_rlp_list_end(&b, e);
            }
        }
        braid_rlp_list_end(&b, al);
    }
    braid_rlp_put_u64(&b, 0); /* yParity */
    braid_rlp_put_u64(&b, 1); /* r */
    braid_rlp_put_u64(&b, 1); /* s */
    braid_rlp_list_end(&b, m);
    return b;
}

static void test_hostile(void) {
    char err[256];
    expect_decode_error((const uint8_t *)"", 0, "empty input");
    static const uint8_t lone_type[] = {0x02};
    expect_decode_error(lone_type, sizeof lone_type, "type byte alone");
    static const uint8_t type4[] = {0x04, 0xc0}, type7f[] = {0x7f, 0xc1, 0x80}, type0[] = {0x00, 0xc0};
    expect_decode_error(type4, sizeof type4, "type 0x04");
    expect_decode_error(type7f, sizeof type7f, "type 0x7f");
    expect_decode_error(type0, sizeof type0, "type 0x00");
    static const uint8_t string_start[] = {0x83, 0x01, 0x02, 0x03};
    expect_decode_error(string_start, sizeof string_start, "an RLP string");
    static const uint8_t huge_len[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    expect_decode_error(huge_len, sizeof huge_len, "list length 2^64-1");
    static const uint8_t empty_list[] = {0xc0}, empty_typed[] = {0x02, 0xc0};
    expect_decode_error(empty_list, sizeof empty_list, "empty legacy list");
    expect_decode_error(empty_typed, sizeof empty_typed, "empty typed list");

    /* A typed transaction with one byte after it. */
    braid_buf b = hex_buf(json_cases[3].txbytes);
    braid_buf_push(&b, 0x00);
    expect_decode_error(b.data, b.len, "EIP-1559 with a trailing byte");
    braid_buf_free(&b);
    b = hex_buf(json_cases[1].txbytes);
    braid_buf_push(&b, 0x80);
    expect_decode_error(b.data, b.len, "legacy with a trailing byte");
    braid_buf_free(&b);

    /* The access list's shape. */
    braid_signed_tx stx;
    b = build_access_list_tx(AL_GOOD);
    CHECKF(braid_signed_tx_decode(b.data, b.len, &stx, err, sizeof err) == 0, "well-formed access list: %s",
           err);
    CHECK(stx.tx.access_list_len == 2 && stx.tx.access_list[0].n_keys == 1 &&
          stx.tx.access_list[1].n_keys == 0);
    braid_signed_tx_free(&stx);
    mutate_all(&b, "access-list tx");
    braid_buf_free(&b);
    static const char *al_names[] = {"",
                                     "access list as a string",
                                     "access-list entry as a string",
                                     "access-list entry without keys",
                                     "access-list entry of three items",
                                     "access-list address of 19 bytes",
                                     "storage key of 31 bytes",
                                     "storage keys as a string"};
    for (int v = AL_STRING; v <= AL_KEYS_STRING; v++) {
        b = build_access_list_tx((al_variant)v);
        err[0] = 0;
        CHECKF(decode_exact_copy(b.data, b.len, &stx, err, sizeof err) != 0 && strstr(err, "accessList"),
               "%s: accepted or message without the field: '%s'", al_names[v], err);
        braid_buf_free(&b);
    }

    b = build_legacy(9, 20, 28);
    CHECKF(braid_signed_tx_decode(b.data, b.len, &stx, err, sizeof err) == 0, "well-formed legacy: %s", err);
    braid_signed_tx_free(&stx);
    braid_buf_free(&b);
    b = build_legacy(8, 20, 28);
    expect_decode_error(b.data, b.len, "legacy with 8 fields");
    braid_buf_free(&b);
    b = build_legacy(10, 20, 28);
    expect_decode_error(b.data, b.len, "legacy with 10 fields");
    braid_buf_free(&b);
    b = build_legacy(9, 21, 28);
    err[0] = 0;
    CHECK(braid_signed_tx_decode(b.data, b.len, &stx, err, sizeof err) != 0 && strstr(err, "'to'") != NULL);
    braid_buf_free(&b);
    b = build_legacy(9, 19, 28);
    expect_decode_error(b.data, b.len, "19-byte address");
    braid_buf_free(&b);

    /* v = 29 decodes (it is well-formed RLP) but is no valid signature, before Spurious Dragon or after. */
    b = build_legacy(9, 20, 29);
    CHECK(braid_signed_tx_decode(b.data, b.len, &stx, err, sizeof err) == 0);
    err[0] = 0;
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_HOMESTEAD, &mainnet, err, sizeof err) != 0 &&
          strstr(err, "'v'"));
    err[0] = 0;
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_CANCUN, NULL, err, sizeof err) != 0 && err[0]);
    braid_signed_tx_free(&stx);
    braid_buf_free(&b);
    /* An EIP-155 v before Spurious Dragon. */
    b = hex_buf(json_cases[1].txbytes);
    CHECK(braid_signed_tx_decode(b.data, b.len, &stx, err, sizeof err) == 0);
    err[0] = 0;
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_TANGERINE_WHISTLE, &mainnet, err, sizeof err) != 0 &&
          err[0]);
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_SPURIOUS_DRAGON, &mainnet, err, sizeof err) == 0);
    braid_u256 goerli = braid_u256_from_u64(5);
    err[0] = 0;
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_SPURIOUS_DRAGON, &goerli, err, sizeof err) != 0 && err[0]);
    CHECK(braid_signed_tx_recover(&stx, BRAID_FORK_SPURIOUS_DRAGON, NULL, err, sizeof err) == 0);
    braid_signed_tx_free(&stx);
    braid_buf_free(&b);

    /* JSON that must be refused, each with a message naming the field. */
    /* clang-format off */
    static const struct {
        const char *json, *field;
    } bad_json[] = {
        {"[]", "transaction"},
        {"{\"type\":\"0x4\"}", "'type'"},
        {"{\"nonce\":\"0x0\",\"gasPrice\":\"0x1\",\"gas\":\"0x5208\","
         "\"to\":\"0x3535353535353535353535353535353535353535ff\",\"value\":\"0x0\",\"input\":\"0x\","
         "\"v\":\"0x1b\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'to'"},
        {"{\"nonce\":\"0x0\",\"gas\":\"0x5208\",\"to\":null,\"value\":\"0x0\",\"input\":\"0x\","
         "\"v\":\"0x1b\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'gasPrice'"},
        {"{\"nonce\":\"0x10000000000000000\",\"gasPrice\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,"
         "\"value\":\"0x0\",\"input\":\"0x\",\"v\":\"0x1b\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'nonce'"},
        {"{\"nonce\":\"0x0\",\"gasPrice\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,\"value\":\"0x0\","
         "\"input\":\"0x1\",\"v\":\"0x1b\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'input'"},
        {"{\"chainId\":\"0x5\",\"nonce\":\"0x0\",\"gasPrice\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,"
         "\"value\":\"0x0\",\"input\":\"0x\",\"v\":\"0x25\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'chainId'"},
        {"{\"type\":\"0x2\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"maxPriorityFeePerGas\":\"0x1\","
         "\"maxFeePerGas\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,\"value\":\"0x0\",\"input\":\"0x\","
         "\"accessList\":[{\"address\":\"0x12\",\"storageKeys\":[]}],\"yParity\":\"0x0\",\"r\":\"0x1\","
         "\"s\":\"0x1\"}",
         "'accessList'"},
        {"{\"type\":\"0x2\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"maxPriorityFeePerGas\":\"0x1\","
         "\"maxFeePerGas\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,\"value\":\"0x0\",\"input\":\"0x\","
         "\"accessList\":[],\"yParity\":\"0x0\",\"v\":\"0x1\",\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'yParity'"},
        {"{\"type\":\"0x3\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"maxPriorityFeePerGas\":\"0x1\","
         "\"maxFeePerGas\":\"0x1\",\"gas\":\"0x5208\",\"to\":null,\"value\":\"0x0\",\"input\":\"0x\","
         "\"accessList\":[],\"maxFeePerBlobGas\":\"0x1\",\"blobVersionedHashes\":[],\"yParity\":\"0x0\","
         "\"r\":\"0x1\",\"s\":\"0x1\"}",
         "'to'"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
        json_t *obj = json_loads(bad_json[i].json, 0, NULL);
        CHECKF(obj != NULL, "bad JSON case %zu does not parse", i);
        err[0] = 0;
        int rc = braid_signed_tx_from_json(obj, &stx, err, sizeof err);
        CHECKF(rc != 0 && strstr(err, bad_json[i].field), "bad JSON case %zu: rc %d, message '%s'", i, rc,
               err);
        if (rc == 0) braid_signed_tx_free(&stx);
        json_decref(obj);
    }

    /* A tiny error buffer is truncated, never overrun; a NULL one is allowed. */
    char tiny[4];
    CHECK(braid_signed_tx_decode(type4, sizeof type4, &stx, tiny, sizeof tiny) != 0 && strlen(tiny) == 3);
    CHECK(braid_signed_tx_decode(type4, sizeof type4, &stx, NULL, 0) != 0);
    braid_signed_tx_free(&stx); /* harmless after a failed decode */
}

int main(void) {
    test_fixtures();
    test_roundtrip_and_json();
    test_blob_tx();
    test_hostile();
    return test_summary("transaction");
}
