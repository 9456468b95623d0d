/* Genesis files in geth's format. Every blockchain test's genesis (ValidBlocks) is rewritten as a geth
 * genesis file — its pre-state as alloc, its network as config, its genesis header's fields — and the
 * header braid_genesis_from_json builds must hash to the fixture's genesis hash. Then malformed and
 * unsupported configurations must be refused with a message. */
#include <stdlib.h>

#include <jansson.h>

#include "braid/braid_fork.h"
#include "braid/braid_genesis.h"
#include "braid/braid_json.h"
#include "fixture_walk.h"
#include "test_util.h"

static size_t compared;

/* geth's config keys for a chain running `fork` from genesis (chain id 1, as the tests sign). */
static json_t *config_for(braid_fork fork) {
    static const char *const keys[] = {NULL, "homesteadBlock", "eip150Block", "eip158Block", "byzantiumBlock",
                                       "constantinopleBlock", "petersburgBlock", "istanbulBlock", "berlinBlock",
                                       "londonBlock", "mergeNetsplitBlock", "shanghaiTime", "cancunTime"};
    json_t *c = json_pack("{s:i}", "chainId", 1);
    for (int f = BRAID_FORK_HOMESTEAD; f <= (int)fork; f++) json_object_set_new(c, keys[f], json_integer(0));
    if (fork >= BRAID_FORK_SPURIOUS_DRAGON) json_object_set_new(c, "eip155Block", json_integer(0));
    return c;
}

static void run_test(const char *file, const char *name, const json_t *t, void *arg) {
    (void)arg;
    braid_fork fork;
    const json_t *net = json_object_get(t, "network"), *hdr = json_object_get(t, "genesisBlockHeader");
    if (!json_is_string(net) || braid_fork_from_name(json_string_value(net), &fork) != 0 || !hdr) return;
    json_t *g = json_object();
    json_object_set_new(g, "config", config_for(fork));
    json_object_set(g, "alloc", json_object_get(t, "pre"));
    static const char *const fields[][2] = {
        {"gasLimit", "gasLimit"},       {"difficulty", "difficulty"},   {"timestamp", "timestamp"},
        {"extraData", "extraData"},     {"mixHash", "mixHash"},         {"nonce", "nonce"},
        {"coinbase", "coinbase"},       {"number", "number"},           {"parentHash", "parentHash"},
        {"gasUsed", "gasUsed"},         {"baseFeePerGas", "baseFeePerGas"}, {"excessBlobGas", "excessBlobGas"},
        {"blobGasUsed", "blobGasUsed"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *v = json_object_get(hdr, fields[i][1]);
        if (v) json_object_set(g, fields[i][0], v);
    }
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_genesis gen;
    char err[256];
    braid_hash want;
    int rc = braid_genesis_from_json(g, state, &gen, err, sizeof err);
    CHECKF(rc == 0, "%s %s: %s", file, name, err);
    if (rc == 0 && braid_json_hash(json_object_get(hdr, "hash"), &want) == 0) {
        CHECKF(braid_hash_eq(&gen.header.hash, &want), "%s %s: genesis hash differs", file, name);
        CHECK(braid_chain_fork_at(&gen.cfg, 0, gen.header.timestamp) == fork);
        compared++;
    }
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    json_decref(g);
}

/* A genesis that must be refused, and the message must name `field`. */
static void refused(const char *text, const char *field) {
    json_error_t jerr;
    json_t *g = json_loads(text, 0, &jerr);
    if (!g) abort();
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_genesis gen;
    char err[256] = "";
    CHECKF(braid_genesis_from_json(g, state, &gen, err, sizeof err) == -1 && strstr(err, field),
           "%s: expected an error naming %s, got '%s'", text, field, err);
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    json_decref(g);
}

static void test_refusals(void) {
    refused("[]", "genesis");
    refused("{\"gasLimit\": \"0x1000000\"}", "config");
    refused("{\"config\": {}, \"gasLimit\": \"0x1000000\"}", "chainId");
    refused("{\"config\": {\"chainId\": 1}}", "gasLimit");
    refused("{\"config\": {\"chainId\": 1, \"pragueTime\": 0}, \"gasLimit\": 1}", "pragueTime");
    refused("{\"config\": {\"chainId\": 1, \"londonBlock\": 0}, \"gasLimit\": 1}", "London");
    refused("{\"config\": {\"chainId\": 1, \"homesteadBlock\": 5, \"eip150Block\": 2}, \"gasLimit\": 1}",
            "Tangerine");
    refused("{\"config\": {\"chainId\": 1}, \"gasLimit\": 1, \"alloc\": {\"0x12\": {}}}", "alloc");
    refused("{\"config\": {\"chainId\": 1}, \"gasLimit\": 1, \"extraData\": \"0x"
            "000000000000000000000000000000000000000000000000000000000000000000\"}",
            "extraData");
    refused("{\"config\": {\"chainId\": -1}, \"gasLimit\": 1}", "chainId");
}

/* geth's defaults and spellings: bare-hex alloc addresses, no base fee given on a London chain. */
static void test_defaults(void) {
    json_error_t jerr;
    json_t *g = json_loads("{\"config\": {\"chainId\": 1337, \"homesteadBlock\": 0, \"eip150Block\": 0, "
                           "\"eip155Block\": 0, \"eip158Block\": 0, \"byzantiumBlock\": 0, "
                           "\"constantinopleBlock\": 0, \"petersburgBlock\": 0, \"istanbulBlock\": 0, "
                           "\"berlinBlock\": 0, \"londonBlock\": 0, \"terminalTotalDifficulty\": 0, "
                           "\"shanghaiTime\": 0, \"cancunTime\": 0}, \"gasLimit\": \"0x1c9c380\", "
                           "\"difficulty\": \"0x0\", \"alloc\": {\"f39Fd6e51aad88F6F4ce6aB8827279cffFb92266\": "
                           "{\"balance\": \"0x21e19e0c9bab2400000\"}}}",
                           0, &jerr);
    if (!g) abort();
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_genesis gen;
    char err[256] = "";
    CHECKF(braid_genesis_from_json(g, state, &gen, err, sizeof err) == 0, "%s", err);
    CHECK(braid_chain_fork_at(&gen.cfg, 0, 0) == BRAID_FORK_CANCUN);
    CHECK(braid_u256_eq(gen.cfg.chain_id, braid_u256_from_u64(1337)));
    CHECK(gen.header.has_base_fee && braid_u256_eq(gen.header.base_fee, braid_u256_from_u64(1000000000)));
    CHECK(gen.header.has_withdrawals_root && gen.header.has_blob_gas && gen.header.has_beacon_root);
    braid_address a;
    if (braid_json_address_text("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", &a)) abort();
    braid_u256 ten_thousand_eth;
    if (braid_u256_from_string("0x21e19e0c9bab2400000", &ten_thousand_eth)) abort();
    CHECK(braid_u256_eq(braid_state_get_balance(state, &a), ten_thousand_eth));
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    json_decref(g);
}

int main(void) {
    walk_fixture_tests(SHARED_PATH("fixtures/ethereum-tests/BlockchainTests/ValidBlocks"), run_test, NULL);
    printf("genesis: %zu blockchain-test genesis headers rebuilt from geth-style files\n", compared);
    CHECK(compared > 400); /* every single-fork test of ValidBlocks: 442 on 2026-11-26 */
    test_refusals();
    test_defaults();
    return test_summary("genesis");
}
