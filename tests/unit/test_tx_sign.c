/* Transaction signing: a transaction of each envelope type signed with a fixed key must decode from its
 * encoding, recover to the key's address under the strictest rules (Cancun, chain id checked, EIP-2 low
 * s), and hash the same as the decoded copy. Also: determinism, EIP-155 and pre-EIP-155 legacy v values,
 * and refusal of invalid keys. */
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_tx_codec.h"
#include "test_util.h"

/* n / 2 of secp256k1, the EIP-2 bound on s. */
static const braid_u256 half_n = {
    {0xdfe92f46681b20a0ULL, 0x5d576e7357a4501dULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL}};

static uint8_t key_one[32];

/* The published address of private key 1. */
static braid_address address_of_key_one(void) {
    braid_address a;
    if (braid_hex_decode_fixed("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", a.b, 20) != 0) abort();
    return a;
}

static const uint8_t call_data[] = {0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01, 0x02, 0x03};
static braid_hash access_keys[2];
static braid_access_list_entry access_list[1];
static braid_hash blob_hashes[2];

/* A transaction of `type` with every field of that type set to something non-trivial. */
static braid_signed_tx make_tx(braid_tx_type type, bool eip155) {
    braid_signed_tx stx;
    memset(&stx, 0, sizeof stx);
    braid_tx *tx = &stx.tx;
    tx->type = type;
    tx->nonce = 7;
    tx->gas_limit = 100000;
    tx->value = braid_u256_from_u64(123456789);
    tx->data = call_data;
    tx->data_len = sizeof call_data;
    memset(tx->to.b, 0x42, 20);
    if (type == BRAID_TX_LEGACY || type == BRAID_TX_ACCESS_LIST) {
        tx->gas_price = braid_u256_from_u64(20000000000ull);
    } else {
        tx->max_fee_per_gas = braid_u256_from_u64(30000000000ull);
        tx->max_priority_fee_per_gas = braid_u256_from_u64(1000000000ull);
    }
    if (type != BRAID_TX_LEGACY) {
        tx->access_list = access_list;
        tx->access_list_len = 1;
    }
    if (type == BRAID_TX_BLOB) {
        tx->max_fee_per_blob_gas = braid_u256_from_u64(5);
        tx->blob_hashes = blob_hashes;
        tx->n_blob_hashes = 2;
    }
    stx.has_chain_id = type != BRAID_TX_LEGACY || eip155;
    stx.chain_id = stx.has_chain_id ? braid_u256_from_u64(1) : BRAID_U256_ZERO;
    return stx;
}

static void check_round_trip(braid_tx_type type, bool eip155, const char *what) {
    const braid_address want = address_of_key_one();
    const braid_u256 chain_id = braid_u256_from_u64(1);
    braid_signed_tx stx = make_tx(type, eip155);
    char err[256] = "";
    CHECKF(braid_signed_tx_sign(&stx, key_one, err, sizeof err) == 0, "%s: %s", what, err);
    CHECKF(braid_address_eq(&stx.tx.sender, &want), "%s: sign filled the wrong sender", what);
    CHECKF(!braid_u256_gt(stx.s, half_n), "%s: high s", what);

    if (type != BRAID_TX_LEGACY)
        CHECKF(braid_u256_fits_u64(stx.v) && stx.v.w[0] <= 1, "%s: y parity %llu", what,
               (unsigned long long)stx.v.w[0]);
    else if (eip155)
        CHECKF(stx.v.w[0] == 37 || stx.v.w[0] == 38, "%s: EIP-155 v %llu for chain 1", what,
               (unsigned long long)stx.v.w[0]);
    else
        CHECKF(stx.v.w[0] == 27 || stx.v.w[0] == 28, "%s: v %llu", what, (unsigned long long)stx.v.w[0]);

    braid_buf enc = {0};
    braid_signed_tx_encode(&stx, false, &enc);
    braid_signed_tx dec;
    CHECKF(braid_signed_tx_decode(enc.data, enc.len, &dec, err, sizeof err) == 0, "%s: decode: %s", what,
           err);
    CHECKF(braid_hash_eq(&dec.hash, &stx.hash), "%s: hash differs from the decoded one", what);
    CHECKF(braid_signed_tx_recover(&dec, BRAID_FORK_CANCUN,
                                   eip155 || type != BRAID_TX_LEGACY ? &chain_id : NULL, err,
                                   sizeof err) == 0,
           "%s: recover: %s", what, err);
    CHECKF(braid_address_eq(&dec.tx.sender, &want), "%s: recovered another sender", what);
    braid_signed_tx_free(&dec);

    /* RFC 6979 nonces: signing again gives the same bytes. */
    braid_signed_tx again = make_tx(type, eip155);
    CHECK(braid_signed_tx_sign(&again, key_one, err, sizeof err) == 0);
    CHECKF(braid_u256_eq(again.r, stx.r) && braid_u256_eq(again.s, stx.s) &&
               braid_hash_eq(&again.hash, &stx.hash),
           "%s: signing is not deterministic", what);
    braid_buf_free(&enc);
    braid_signed_tx_free(&stx);
    braid_signed_tx_free(&again);
}

/* A second key: the sender follows the key, and signatures under two keys differ. */
static void check_other_key(void) {
    uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(0x11 * (i % 15 + 1));
    braid_signed_tx a = make_tx(BRAID_TX_DYNAMIC_FEE, false), b = make_tx(BRAID_TX_DYNAMIC_FEE, false);
    char err[256] = "";
    CHECK(braid_signed_tx_sign(&a, key, err, sizeof err) == 0);
    CHECK(braid_signed_tx_sign(&b, key_one, err, sizeof err) == 0);
    CHECK(!braid_address_eq(&a.tx.sender, &b.tx.sender));
    CHECK(!braid_u256_eq(a.r, b.r));
    braid_address signer = a.tx.sender;
    braid_buf enc = {0};
    braid_signed_tx_encode(&a, false, &enc);
    braid_signed_tx dec;
    CHECK(braid_signed_tx_decode(enc.data, enc.len, &dec, err, sizeof err) == 0);
    CHECK(braid_signed_tx_recover(&dec, BRAID_FORK_CANCUN, NULL, err, sizeof err) == 0);
    CHECK(braid_address_eq(&dec.tx.sender, &signer));
    braid_signed_tx_free(&dec);
    braid_buf_free(&enc);
    braid_signed_tx_free(&a);
    braid_signed_tx_free(&b);
}

/* A chain id that does not fit 64 bits still gives v = 2 * id + 35 + parity. */
static void check_large_chain_id(void) {
    braid_signed_tx stx = make_tx(BRAID_TX_LEGACY, true);
    stx.chain_id = (braid_u256){{0, 1, 0, 0}}; /* 2^64 */
    char err[256] = "";
    CHECK(braid_signed_tx_sign(&stx, key_one, err, sizeof err) == 0);
    CHECK(stx.v.w[1] == 2 && (stx.v.w[0] == 35 || stx.v.w[0] == 36));
    braid_buf enc = {0};
    braid_signed_tx_encode(&stx, false, &enc);
    braid_signed_tx dec;
    CHECK(braid_signed_tx_decode(enc.data, enc.len, &dec, err, sizeof err) == 0);
    CHECK(braid_u256_eq(dec.chain_id, stx.chain_id));
    CHECKF(braid_signed_tx_recover(&dec, BRAID_FORK_CANCUN, &stx.chain_id, err, sizeof err) == 0, "%s", err);
    braid_address want = address_of_key_one();
    CHECK(braid_address_eq(&dec.tx.sender, &want));
    braid_signed_tx_free(&dec);
    braid_buf_free(&enc);
    braid_signed_tx_free(&stx);
}

static void check_bad_keys(void) {
    /* zero, the curve order n, and all ones (above n) */
    static const uint8_t order[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    uint8_t zero[32] = {0}, ones[32];
    memset(ones, 0xff, sizeof ones);
    const uint8_t *bad[] = {zero, order, ones};
    for (size_t i = 0; i < 3; i++) {
        braid_signed_tx stx = make_tx(BRAID_TX_DYNAMIC_FEE, false);
        char err[256] = "";
        CHECK(braid_signed_tx_sign(&stx, bad[i], err, sizeof err) == -1);
        CHECK(err[0] != '\0');
    }
}

int main(void) {
    key_one[31] = 1;
    for (int i = 0; i < 2; i++) {
        memset(access_keys[i].b, 0x10 + i, 32);
        memset(blob_hashes[i].b, 0x20 + i, 32);
        blob_hashes[i].b[0] = 0x01; /* EIP-4844 version byte */
    }
    memset(access_list[0].address.b, 0x33, 20);
    access_list[0].keys = access_keys;
    access_list[0].n_keys = 2;

    check_round_trip(BRAID_TX_LEGACY, false, "legacy");
    check_round_trip(BRAID_TX_LEGACY, true, "legacy EIP-155");
    check_round_trip(BRAID_TX_ACCESS_LIST, false, "EIP-2930");
    check_round_trip(BRAID_TX_DYNAMIC_FEE, false, "EIP-1559");
    check_round_trip(BRAID_TX_BLOB, false, "EIP-4844");
    check_other_key();
    check_large_chain_id();
    check_bad_keys();
    return test_summary("tx_sign");
}
