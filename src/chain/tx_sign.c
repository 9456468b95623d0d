/* Signing, sender recovery under each fork's signature rules, and the stateless validity checks of a
 * transaction (those the TransactionTests exercise: everything that needs no account state). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "braid/braid_keccak.h"
#include "braid/braid_secp256k1.h"
#include "braid/braid_tx_codec.h"
#include "chain/tx_codec_internal.h"

/* secp256k1 curve order n, and n / 2 (EIP-2's bound on s), as 256-bit integers. */
static const braid_u256 curve_n = {
    {0xbfd25e8cd0364141ULL, 0xbaaedce6af48a03bULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL}};
static const braid_u256 curve_half_n = {
    {0xdfe92f46681b20a0ULL, 0x5d576e7357a4501dULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL}};

static bool in_scalar_range(braid_u256 x) {
    return !braid_u256_is_zero(x) && braid_u256_lt(x, curve_n);
}

int braid_signed_tx_recover(braid_signed_tx *stx, braid_fork fork, const braid_u256 *chain_id, char *err,
                            size_t err_len) {
    int recid;
    const braid_u256 v = stx->v;
    if (stx->tx.type == BRAID_TX_LEGACY) {
        if (braid_u256_eq(v, braid_u256_from_u64(27)) || braid_u256_eq(v, braid_u256_from_u64(28))) {
            recid = (int)(v.w[0] - 27);
        } else if (stx->has_chain_id) {
            if (fork < BRAID_FORK_SPURIOUS_DRAGON)
                return braid_errorf(err, err_len,
                                    "field 'v': EIP-155 signature (v >= 35) before Spurious Dragon");
            if (chain_id && !braid_u256_eq(stx->chain_id, *chain_id))
                return braid_errorf(err, err_len, "field 'v': signed for another chain id");
            recid = (int)((v.w[0] - 35) &
                          1); /* v - 35 = 2 * chain_id + parity; 35 is odd, so only w[0] matters */
        } else {
            return braid_errorf(err, err_len, "field 'v': %llu is neither 27/28 nor 2*chainId+35/36",
                                (unsigned long long)v.w[0]);
        }
    } else {
        if (!braid_u256_fits_u64(v) || v.w[0] > 1)
            return braid_errorf(err, err_len, "field 'yParity': must be 0 or 1");
        if (chain_id && !braid_u256_eq(stx->chain_id, *chain_id))
            return braid_errorf(err, err_len, "field 'chainId': signed for another chain id");
        recid = (int)v.w[0];
    }
    if (!in_scalar_range(stx->r)) return braid_errorf(err, err_len, "field 'r': outside [1, n-1]");
    if (!in_scalar_range(stx->s)) return braid_errorf(err, err_len, "field 's': outside [1, n-1]");
    /* EIP-2: high s values are malleable duplicates of low ones, refused from Homestead. */
    if (fork >= BRAID_FORK_HOMESTEAD && braid_u256_gt(stx->s, curve_half_n))
        return braid_errorf(err, err_len, "field 's': above n/2 (EIP-2)");

    braid_hash h = tx_signing_hash(stx);
    uint8_t r[32], s[32], pub[64];
    braid_u256_to_be(stx->r, r);
    braid_u256_to_be(stx->s, s);
    if (braid_secp256k1_recover(h.b, r, s, recid, pub) != 0)
        return braid_errorf(err, err_len, "signature: no public key can be recovered from (v, r, s)");
    braid_hash ph = braid_keccak256_hash(pub, sizeof pub);
    memcpy(stx->tx.sender.b, ph.b + 12, 20);
    return 0;
}

/* Signing needs the library's precomputed generator tables, which a context holds: building them costs
 * far more than one signature, so one context is made once and shared. Signing only reads it. */
static secp256k1_context *sign_ctx;
static pthread_once_t sign_ctx_once = PTHREAD_ONCE_INIT;

static void sign_ctx_create(void) {
#ifdef SECP256K1_CONTEXT_NONE
    sign_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
#else
    sign_ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
#endif
    if (!sign_ctx) abort();
    /* Blinding against timing side channels: worth having for real keys. Without entropy the context
     * still signs correctly, just unblinded. */
    uint8_t seed[32];
    if (getrandom(seed, sizeof seed, 0) == (ssize_t)sizeof seed &&
        !secp256k1_context_randomize(sign_ctx, seed))
        abort(); /* it fails only on a corrupted context */
}

int braid_signed_tx_sign(braid_signed_tx *stx, const uint8_t private_key[32], char *err, size_t err_len) {
    pthread_once(&sign_ctx_once, sign_ctx_create);
    if (!secp256k1_ec_seckey_verify(sign_ctx, private_key))
        return braid_errorf(err, err_len, "private key: zero or not below the curve order");

    braid_hash h = tx_signing_hash(stx);
    secp256k1_ecdsa_recoverable_signature sig;
    /* NULL nonce function: RFC 6979 deterministic nonces, so the same transaction and key always give the
     * same signature (and benchmarks and tests the same blocks). libsecp256k1 emits low s (EIP-2). */
    if (!secp256k1_ecdsa_sign_recoverable(sign_ctx, &sig, h.b, private_key, NULL, NULL))
        return braid_errorf(err, err_len, "signature: signing failed");
    uint8_t rs[64];
    int recid;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(sign_ctx, rs, &recid, &sig);
    stx->r = braid_u256_from_be(rs);
    stx->s = braid_u256_from_be(rs + 32);
    if (stx->tx.type != BRAID_TX_LEGACY) {
        stx->v = braid_u256_from_u64((uint64_t)recid);
    } else if (stx->has_chain_id) {
        /* EIP-155: v = chain_id * 2 + 35 + parity */
        braid_u256 twice = braid_u256_add(stx->chain_id, stx->chain_id);
        stx->v = braid_u256_add(twice, braid_u256_from_u64(35 + (uint64_t)recid));
    } else {
        stx->v = braid_u256_from_u64(27 + (uint64_t)recid);
    }
    tx_compute_hash(stx);
    if (braid_private_key_address(private_key, &stx->tx.sender) != 0)
        return braid_errorf(err, err_len, "private key: no public key");
    return 0;
}

int braid_private_key_address(const uint8_t private_key[32], braid_address *out) {
    pthread_once(&sign_ctx_once, sign_ctx_create);
    secp256k1_pubkey pub;
    uint8_t ser[65];
    size_t ser_len = sizeof ser;
    if (!secp256k1_ec_pubkey_create(sign_ctx, &pub, private_key) ||
        !secp256k1_ec_pubkey_serialize(sign_ctx, ser, &ser_len, &pub, SECP256K1_EC_UNCOMPRESSED))
        return -1;
    braid_hash ph = braid_keccak256_hash(ser + 1, 64);
    memcpy(out->b, ph.b + 12, 20);
    return 0;
}

/* gas_limit * fee_cap without wrapping: gas_limit fits 64 bits, so a 5-limb product is exact. */
static bool gas_cost_overflows(uint64_t gas_limit, braid_u256 fee_cap) {
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; i++) {
        carry += (unsigned __int128)fee_cap.w[i] * gas_limit;
        carry >>= 64;
    }
    return carry != 0;
}

int braid_signed_tx_check(const braid_signed_tx *stx, braid_fork fork, char *err, size_t err_len) {
    const braid_tx *tx = &stx->tx;
    static const braid_fork introduced[] = {
        [BRAID_TX_LEGACY] = BRAID_FORK_FRONTIER,
        [BRAID_TX_ACCESS_LIST] = BRAID_FORK_BERLIN,
        [BRAID_TX_DYNAMIC_FEE] = BRAID_FORK_LONDON,
        [BRAID_TX_BLOB] = BRAID_FORK_CANCUN,
    };
    if (fork < introduced[tx->type])
        return braid_errorf(err, err_len, "transaction type %d is not supported before %s", (int)tx->type,
                            braid_fork_name(introduced[tx->type]));
    /* EIP-2681, which the tests apply to every fork: the nonce must stay incrementable. */
    if (tx->nonce == UINT64_MAX)
        return braid_errorf(err, err_len, "field 'nonce': 2^64-1 is not allowed (EIP-2681)");

    uint64_t intrinsic = braid_tx_intrinsic_gas(tx, fork);
    if (intrinsic > tx->gas_limit)
        return braid_errorf(err, err_len, "field 'gas': %llu is below the intrinsic gas %llu",
                            (unsigned long long)tx->gas_limit, (unsigned long long)intrinsic);

    bool dynamic = tx->type == BRAID_TX_DYNAMIC_FEE || tx->type == BRAID_TX_BLOB;
    braid_u256 fee_cap = dynamic ? tx->max_fee_per_gas : tx->gas_price;
    if (gas_cost_overflows(tx->gas_limit, fee_cap))
        return braid_errorf(err, err_len, "field '%s': gas * %s overflows 256 bits",
                            dynamic ? "maxFeePerGas" : "gasPrice", dynamic ? "maxFeePerGas" : "gasPrice");
    if (dynamic && braid_u256_gt(tx->max_priority_fee_per_gas, tx->max_fee_per_gas))
        return braid_errorf(err, err_len, "field 'maxPriorityFeePerGas': above maxFeePerGas");

    if (tx->is_create && fork >= BRAID_FORK_SHANGHAI && tx->data_len > BRAID_MAX_INITCODE_SIZE)
        return braid_errorf(err, err_len, "field 'input': init code of %zu bytes exceeds %d (EIP-3860)",
                            tx->data_len, BRAID_MAX_INITCODE_SIZE);

    if (tx->type == BRAID_TX_BLOB) {
        if (tx->is_create)
            return braid_errorf(err, err_len, "field 'to': blob transactions cannot create contracts");
        if (tx->n_blob_hashes == 0) return braid_errorf(err, err_len, "field 'blobVersionedHashes': empty");
        for (size_t i = 0; i < tx->n_blob_hashes; i++)
            if (tx->blob_hashes[i].b[0] != 0x01)
                return braid_errorf(err, err_len,
                                    "field 'blobVersionedHashes': hash %zu has version 0x%02x, expected 0x01",
                                    i, tx->blob_hashes[i].b[0]);
    }
    return 0;
}
