/* Keys from mnemonics: BIP-39 seeds against Trezor's published vectors (python-mnemonic vectors.json),
 * BIP-32 derivation against the BIP's test vector 1, and the development accounts of the standard
 * test mnemonic against the addresses and keys Hardhat and anvil print. */
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_hdwallet.h"
#include "braid/braid_tx_codec.h"
#include "test_util.h"

static void hex(const char *text, uint8_t *out, size_t n) {
    if (braid_hex_decode_fixed(text, out, n) != 0) abort();
}

static void test_seed(void) {
    uint8_t seed[64], want[64];
    CHECK(braid_mnemonic_seed("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                              "abandon about",
                              "TREZOR", seed) == 0);
    hex("0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7"
        "a3c4ab7c81b2f001698e7463b04",
        want, 64);
    CHECK_MEM(seed, want, 64);
    CHECK(braid_mnemonic_seed("legal winner thank year wave sausage worth useful legal winner thank yellow", "TREZOR",
                              seed) == 0);
    hex("0x2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd"
        "381ee6260e8d9739fce1f607",
        want, 64);
    CHECK_MEM(seed, want, 64);
}

/* BIP-32 test vector 1 (seed 000102...0f): the master key and m/0'. Normal (non-hardened) steps are
 * covered by the development accounts below, whose paths end in two. */
static void test_bip32(void) {
    uint8_t seed[16], key[32], want[32];
    for (int i = 0; i < 16; i++) seed[i] = (uint8_t)i;
    CHECK(braid_bip32_private_key(seed, 16, NULL, 0, key) == 0);
    hex("0xe8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35", want, 32);
    CHECK_MEM(key, want, 32);
    const uint32_t m0h[] = {BRAID_HARDENED(0)};
    CHECK(braid_bip32_private_key(seed, 16, m0h, 1, key) == 0);
    hex("0xedb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea", want, 32);
    CHECK_MEM(key, want, 32);
}

static void test_dev_accounts(void) {
    static const char *const addresses[] = {
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
        "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
    };
    static const char *const keys[] = {
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    };
    for (uint32_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++) {
        uint8_t key[32];
        braid_address got, want;
        hex(addresses[i], want.b, 20);
        CHECKF(braid_mnemonic_account(BRAID_DEV_MNEMONIC, i, key, &got) == 0 && braid_address_eq(&got, &want),
               "dev account %u", i);
        if (i < sizeof keys / sizeof keys[0]) {
            uint8_t k[32];
            hex(keys[i], k, 32);
            CHECK_MEM(key, k, 32);
        }
    }
}

/* Keys that are no keys: zero, and the curve order itself. */
static void test_invalid_keys(void) {
    uint8_t zero[32] = {0}, order[32];
    hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", order, 32);
    braid_address a;
    CHECK(braid_private_key_address(zero, &a) == -1);
    CHECK(braid_private_key_address(order, &a) == -1);
}

int main(void) {
    test_seed();
    test_invalid_keys();
    test_bip32();
    test_dev_accounts();
    return test_summary("hdwallet");
}
