#include "braid/braid_hdwallet.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>

#include "braid/braid_tx_codec.h"

int braid_mnemonic_seed(const char *mnemonic, const char *passphrase, uint8_t seed[64]) {
    if (!passphrase) passphrase = "";
    size_t plen = strlen(passphrase);
    char *salt = braid_xmalloc(8 + plen + 1);
    memcpy(salt, "mnemonic", 8);
    memcpy(salt + 8, passphrase, plen + 1);
    int ok = PKCS5_PBKDF2_HMAC(mnemonic, (int)strlen(mnemonic), (const unsigned char *)salt, (int)(8 + plen), 2048,
                               EVP_sha512(), 64, seed);
    free(salt);
    return ok == 1 ? 0 : -1;
}

/* One 64-byte HMAC-SHA512: the left half becomes a key (or a tweak), the right half a chain code. */
static int hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t out[64]) {
    unsigned int out_len = 0;
    if (!HMAC(EVP_sha512(), key, (int)key_len, data, len, out, &out_len) || out_len != 64) return -1;
    return 0;
}

int braid_bip32_private_key(const uint8_t *seed, size_t seed_len, const uint32_t *path, size_t depth,
                            uint8_t key[32]) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx) return -1;
    uint8_t i64[64], chain[32], data[37];
    int rc = -1;
    if (hmac_sha512((const uint8_t *)"Bitcoin seed", 12, seed, seed_len, i64) != 0) goto out;
    memcpy(key, i64, 32);
    memcpy(chain, i64 + 32, 32);
    if (!secp256k1_ec_seckey_verify(ctx, key)) goto out;
    for (size_t d = 0; d < depth; d++) {
        uint32_t index = path[d];
        if (index & 0x80000000u) { /* hardened: from the private key itself */
            data[0] = 0;
            memcpy(data + 1, key, 32);
        } else { /* normal: from the compressed public key */
            secp256k1_pubkey pub;
            size_t len = 33;
            if (!secp256k1_ec_pubkey_create(ctx, &pub, key) ||
                !secp256k1_ec_pubkey_serialize(ctx, data, &len, &pub, SECP256K1_EC_COMPRESSED))
                goto out;
        }
        for (int b = 0; b < 4; b++) data[33 + b] = (uint8_t)(index >> (24 - 8 * b));
        if (hmac_sha512(chain, 32, data, sizeof data, i64) != 0) goto out;
        /* child = parent + IL mod n; IL >= n or a zero child is an invalid index */
        if (!secp256k1_ec_seckey_verify(ctx, i64) || !secp256k1_ec_seckey_tweak_add(ctx, key, i64)) goto out;
        memcpy(chain, i64 + 32, 32);
    }
    rc = 0;
out:
    /* key material off the stack */
    memset(i64, 0, sizeof i64);
    memset(chain, 0, sizeof chain);
    memset(data, 0, sizeof data);
    secp256k1_context_destroy(ctx);
    if (rc != 0) memset(key, 0, 32);
    return rc;
}

int braid_mnemonic_account(const char *mnemonic, uint32_t index, uint8_t key[32], braid_address *address) {
    uint8_t seed[64];
    const uint32_t path[5] = {BRAID_HARDENED(44), BRAID_HARDENED(60), BRAID_HARDENED(0), 0, index};
    int rc = braid_mnemonic_seed(mnemonic, "", seed) || braid_bip32_private_key(seed, sizeof seed, path, 5, key) ||
                     braid_private_key_address(key, address)
                 ? -1
                 : 0;
    memset(seed, 0, sizeof seed);
    return rc;
}
