/* The node's JSON-RPC values (src/node/rpc_json.h).
 *
 * Parsing: tables of valid and invalid arguments with the exact messages geth gives (read off geth's
 * hexutil, rpc, ethapi and filters decoders), and a sweep of hostile values (wrong kinds everywhere,
 * huge numbers and strings, deep nesting, random trees) that must never crash (run it under ASan).
 *
 * Formatting, against JSON known independently: thirty real mainnet blocks as a mainnet node returned
 * them (tests/data/mainnet), re-read and written back field by field; the valid blocks of the
 * BlockchainTests fixtures (their RLP, header and transaction JSON, read in place); and the receipts of
 * a real Cancun block executed here, checked against its header and its transactions' JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_block.h"
#include "braid/braid_chain.h"
#include "braid/braid_evm.h"
#include "braid/braid_json.h"
#include "braid/braid_state.h"
#include "fixture_walk.h"
#include "node/rpc_json.h"
#include "test_util.h"

static json_t *J(const char *text) {
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j) {
        fprintf(stderr, "test JSON does not parse: %s: %s\n", text, e.text);
        abort();
    }
    return j;
}

static braid_hash H(const char *hex) {
    braid_hash h;
    if (braid_hex_decode_fixed(hex, h.b, 32)) abort();
    return h;
}

static braid_address A(const char *hex) {
    braid_address a;
    if (braid_hex_decode_fixed(hex, a.b, 20)) abort();
    return a;
}

static bool str_is(const json_t *v, const char *want) {
    return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* ========================================================================= parsing: tables == */

enum {
    P_U64,
    P_UINT,
    P_U256,
    P_DATA,
    P_ADDRESS,
    P_HASH,
    P_BOOL,
    P_BLOCK_NUMBER,
    P_BLOCK_REF,
    P_CALL,
    P_OVERRIDE,
    P_FILTER,
    P_STORAGE_KEY,
    P_COUNT
};

/* Runs one parser and releases what it made; the message (if any) lands in *err. */
static int run_parser(int kind, const json_t *v, unsigned arg, braid_rpc_error *err) {
    uint64_t u;
    braid_u256 x;
    braid_buf b;
    braid_address a;
    braid_hash h;
    bool flag;
    rpcj_block_ref ref;
    rpcj_call_args ca;
    rpcj_state_override so;
    rpcj_log_filter lf;
    int rc = -1;
    err->code = 0;
    err->message[0] = 0;
    switch (kind) {
    case P_U64: rc = rpcj_parse_u64(v, arg, &u, err); break;
    case P_UINT: rc = rpcj_parse_uint(v, arg, &u, err); break;
    case P_U256: rc = rpcj_parse_u256(v, arg, &x, err); break;
    case P_DATA:
        braid_buf_init(&b);
        rc = rpcj_parse_data(v, arg, &b, err);
        braid_buf_free(&b);
        break;
    case P_ADDRESS: rc = rpcj_parse_address(v, arg, &a, err); break;
    case P_HASH: rc = rpcj_parse_hash(v, arg, &h, err); break;
    case P_BOOL: rc = rpcj_parse_bool(v, arg, &flag, err); break;
    case P_BLOCK_NUMBER: rc = rpcj_parse_block_number(v, arg, &ref, err); break;
    case P_BLOCK_REF: rc = rpcj_parse_block_ref(v, arg, &ref, err); break;
    case P_CALL:
        rc = rpcj_parse_call_args(v, arg, &ca, err);
        rpcj_call_args_free(&ca);
        break;
    case P_OVERRIDE:
        rc = rpcj_parse_state_override(v, arg, &so, err);
        rpcj_state_override_free(&so);
        break;
    case P_FILTER:
        rc = rpcj_parse_log_filter(v, arg, &lf, err);
        rpcj_log_filter_free(&lf);
        break;
    case P_STORAGE_KEY: rc = rpcj_parse_storage_key(v, arg, &h, err); break;
    }
    return rc;
}

typedef struct parse_case {
    int kind;
    const char *json;
    const char *want; /* NULL: accepted; else the whole message (after "invalid argument 0: ") */
} parse_case;

#define ADDR40 "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
#define HASH64 "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
#define HASH64B "0xf8e2f40d98fe5862bc947c8c83d34799c50fb344d7445d020a8a946d891b62ee"

static const parse_case cases[] = {
    /* hexutil.Uint64 */
    {P_U64, "\"0x0\"", NULL},
    {P_U64, "\"0x1a\"", NULL},
    {P_U64, "\"0XFF\"", NULL},
    {P_U64, "\"\"", NULL}, /* hexutil reads "" as zero */
    {P_U64, "\"0xffffffffffffffff\"", NULL},
    {P_U64, "\"0x\"", "json: cannot unmarshal hex string \"0x\" into Go value of type hexutil.Uint64"},
    {P_U64, "\"12\"", "json: cannot unmarshal hex string without 0x prefix into Go value of type hexutil.Uint64"},
    {P_U64, "\"0x01\"", "json: cannot unmarshal hex number with leading zero digits into Go value of type hexutil.Uint64"},
    {P_U64, "\"0x00\"", "json: cannot unmarshal hex number with leading zero digits into Go value of type hexutil.Uint64"},
    {P_U64, "\"0x10000000000000000\"", "json: cannot unmarshal hex number > 64 bits into Go value of type hexutil.Uint64"},
    {P_U64, "\"0xz0000000000000000\"", "json: cannot unmarshal hex number > 64 bits into Go value of type hexutil.Uint64"},
    {P_U64, "\"0x1g\"", "json: cannot unmarshal invalid hex string into Go value of type hexutil.Uint64"},
    {P_U64, "\"0x-1\"", "json: cannot unmarshal invalid hex string into Go value of type hexutil.Uint64"},
    {P_U64, "\" 0x1\"", "json: cannot unmarshal hex string without 0x prefix into Go value of type hexutil.Uint64"},
    {P_U64, "26", "json: cannot unmarshal non-string into Go value of type hexutil.Uint64"},
    {P_U64, "null", "json: cannot unmarshal non-string into Go value of type hexutil.Uint64"},
    {P_U64, "{}", "json: cannot unmarshal non-string into Go value of type hexutil.Uint64"},
    {P_UINT, "\"0x\"", "json: cannot unmarshal hex string \"0x\" into Go value of type hexutil.Uint"},
    {P_UINT, "\"0x10000000000000000\"", "json: cannot unmarshal hex number > 64 bits into Go value of type hexutil.Uint"},
    {P_UINT, "\"0x7\"", NULL},
    /* hexutil.Big */
    {P_U256, "\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", NULL},
    {P_U256, "\"0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"",
     "json: cannot unmarshal hex number > 256 bits into Go value of type *hexutil.Big"},
    {P_U256, "\"0x0f\"", "json: cannot unmarshal hex number with leading zero digits into Go value of type *hexutil.Big"},
    {P_U256, "\"0xfg\"", "json: cannot unmarshal invalid hex string into Go value of type *hexutil.Big"},
    {P_U256, "1e3", "json: cannot unmarshal non-string into Go value of type *hexutil.Big"},
    /* hexutil.Bytes */
    {P_DATA, "\"0x\"", NULL},
    {P_DATA, "\"\"", NULL},
    {P_DATA, "\"0xdeadBEEF\"", NULL},
    {P_DATA, "\"0x0\"", "json: cannot unmarshal hex string of odd length into Go value of type hexutil.Bytes"},
    {P_DATA, "\"0xzz\"", "json: cannot unmarshal invalid hex string into Go value of type hexutil.Bytes"},
    {P_DATA, "\"0xzzz\"", "json: cannot unmarshal hex string of odd length into Go value of type hexutil.Bytes"},
    {P_DATA, "\"dead\"", "json: cannot unmarshal hex string without 0x prefix into Go value of type hexutil.Bytes"},
    {P_DATA, "[]", "json: cannot unmarshal non-string into Go value of type hexutil.Bytes"},
    /* common.Address, common.Hash */
    {P_ADDRESS, "\"" ADDR40 "\"", NULL},
    {P_ADDRESS, "\"0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED\"", NULL},
    {P_ADDRESS, "\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\"", "hex string has length 38, want 40 for common.Address"},
    {P_ADDRESS, "\"\"", "hex string has length 0, want 40 for common.Address"},
    {P_ADDRESS, "\"0x\"", "hex string has length 0, want 40 for common.Address"},
    {P_ADDRESS, "\"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\"",
     "json: cannot unmarshal hex string without 0x prefix into Go value of type common.Address"},
    {P_ADDRESS, "\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae\"",
     "json: cannot unmarshal hex string of odd length into Go value of type common.Address"},
    {P_ADDRESS, "\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg\"",
     "json: cannot unmarshal invalid hex string into Go value of type common.Address"},
    {P_ADDRESS, "\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedgg\"", "hex string has length 42, want 40 for common.Address"},
    {P_ADDRESS, "null", "json: cannot unmarshal non-string into Go value of type common.Address"},
    {P_HASH, "\"" HASH64 "\"", NULL},
    {P_HASH, "\"0x1234\"", "hex string has length 4, want 64 for common.Hash"},
    {P_HASH, "1", "json: cannot unmarshal non-string into Go value of type common.Hash"},
    /* bool */
    {P_BOOL, "true", NULL},
    {P_BOOL, "null", NULL},
    {P_BOOL, "\"true\"", "json: cannot unmarshal string into Go value of type bool"},
    {P_BOOL, "1", "json: cannot unmarshal number into Go value of type bool"},
    {P_BOOL, "{}", "json: cannot unmarshal object into Go value of type bool"},
    /* rpc.BlockNumber */
    {P_BLOCK_NUMBER, "\"latest\"", NULL},
    {P_BLOCK_NUMBER, "\"safe\"", NULL},
    {P_BLOCK_NUMBER, "\"0x7fffffffffffffff\"", NULL},
    {P_BLOCK_NUMBER, "\"0x8000000000000000\"", "block number larger than int64"},
    {P_BLOCK_NUMBER, "\"0x\"", "hex string \"0x\""},
    {P_BLOCK_NUMBER, "\"\"", "empty hex string"},
    {P_BLOCK_NUMBER, "\"Latest\"", "hex string without 0x prefix"},
    {P_BLOCK_NUMBER, "\"0x01\"", "hex number with leading zero digits"},
    {P_BLOCK_NUMBER, "\"0x10000000000000000\"", "hex number > 64 bits"},
    /* strconv.ParseUint reads digit by digit: a bad digit is seen before the overflow it would cause */
    {P_BLOCK_NUMBER, "\"0xffffffffffffffffz\"", "invalid hex string"},
    {P_BLOCK_NUMBER, "\"0xfffffffffffffffffz\"", "hex number > 64 bits"},
    {P_BLOCK_NUMBER, "\"0xfffffffffffffffz\"", "invalid hex string"},
    {P_BLOCK_NUMBER, "\"0xz0000000000000000\"", "invalid hex string"},
    {P_BLOCK_NUMBER, "12", "hex string without 0x prefix"},
    {P_BLOCK_NUMBER, "null", "hex string without 0x prefix"},
    {P_BLOCK_NUMBER, "{\"blockNumber\":\"0x1\"}", "hex string without 0x prefix"},
    {P_BLOCK_NUMBER, "\"" HASH64 "\"", "hex number > 64 bits"},
    /* rpc.BlockNumberOrHash */
    {P_BLOCK_REF, "\"pending\"", NULL},
    {P_BLOCK_REF, "\"0x10\"", NULL},
    {P_BLOCK_REF, "\"" HASH64 "\"", NULL},
    {P_BLOCK_REF, "{\"blockNumber\":\"0x1\"}", NULL},
    {P_BLOCK_REF, "{\"blockNumber\":\"finalized\"}", NULL},
    {P_BLOCK_REF, "{\"blockHash\":\"" HASH64 "\",\"requireCanonical\":true}", NULL},
    {P_BLOCK_REF, "{\"blockHash\":\"" HASH64 "\",\"blockNumber\":null}", NULL},
    {P_BLOCK_REF, "{\"BlockNumber\":\"0x2\",\"other\":[1,{}]}", NULL},
    {P_BLOCK_REF, "\"0x8000000000000000\"", "blocknumber too high"},
    {P_BLOCK_REF, "\"0x\"", "hex string \"0x\""},
    {P_BLOCK_REF, "\"\"", "empty hex string"},
    {P_BLOCK_REF, "\"1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d4934700\"", "hex string without 0x prefix"},
    {P_BLOCK_REF, "\"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d4934g\"", "invalid hex string"},
    {P_BLOCK_REF, "\"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d493\"", "hex number > 64 bits"},
    {P_BLOCK_REF, "{}", "must specify either BlockHash or BlockNumber"},
    {P_BLOCK_REF, "null", "must specify either BlockHash or BlockNumber"},
    {P_BLOCK_REF, "{\"blockNumber\":null}", "must specify either BlockHash or BlockNumber"},
    {P_BLOCK_REF, "{\"blockNumber\":\"0x1\",\"blockHash\":\"" HASH64 "\"}",
     "cannot specify both BlockHash and BlockNumber, choose one or the other"},
    {P_BLOCK_REF, "{\"blockNumber\":\"0x\"}", "json: cannot unmarshal object into Go value of type string"},
    {P_BLOCK_REF, "{\"blockHash\":\"0x12\"}", "json: cannot unmarshal object into Go value of type string"},
    {P_BLOCK_REF, "{\"blockNumber\":\"0x1\",\"requireCanonical\":\"yes\"}",
     "json: cannot unmarshal object into Go value of type string"},
    {P_BLOCK_REF, "12", "json: cannot unmarshal number into Go value of type string"},
    {P_BLOCK_REF, "[\"latest\"]", "json: cannot unmarshal array into Go value of type string"},
    {P_BLOCK_REF, "false", "json: cannot unmarshal bool into Go value of type string"},
    /* TransactionArgs */
    {P_CALL, "null", NULL},
    {P_CALL, "{}", NULL},
    {P_CALL, "{\"to\":null,\"input\":\"0x6000\",\"unknown\":{\"deep\":[1,2]}}", NULL},
    {P_CALL, "{\"type\":42,\"blobs\":\"whatever\"}", NULL},
    {P_CALL, "\"0x12\"", "json: cannot unmarshal string into Go value of type ethapi.TransactionArgs"},
    {P_CALL, "[{}]", "json: cannot unmarshal array into Go value of type ethapi.TransactionArgs"},
    {P_CALL, "{\"gas\":\"0x\"}", "json: cannot unmarshal hex string \"0x\" into Go struct field TransactionArgs.gas of type hexutil.Uint64"},
    {P_CALL, "{\"Gas\":\"0x01\"}",
     "json: cannot unmarshal hex number with leading zero digits into Go struct field TransactionArgs.gas of type hexutil.Uint64"},
    {P_CALL, "{\"nonce\":1}", "json: cannot unmarshal non-string into Go struct field TransactionArgs.nonce of type hexutil.Uint64"},
    {P_CALL, "{\"value\":5}", "json: cannot unmarshal non-string into Go struct field TransactionArgs.value of type *hexutil.Big"},
    {P_CALL, "{\"maxFeePerBlobGas\":\"1\"}",
     "json: cannot unmarshal hex string without 0x prefix into Go struct field TransactionArgs.maxFeePerBlobGas of type *hexutil.Big"},
    {P_CALL, "{\"to\":\"0x1234\"}", "hex string has length 4, want 40 for common.Address"},
    {P_CALL, "{\"from\":\"abc\"}",
     "json: cannot unmarshal hex string without 0x prefix into Go struct field TransactionArgs.from of type common.Address"},
    {P_CALL, "{\"input\":\"0x1\"}", "json: cannot unmarshal hex string of odd length into Go struct field TransactionArgs.input of type hexutil.Bytes"},
    {P_CALL, "{\"data\":{}}", "json: cannot unmarshal non-string into Go struct field TransactionArgs.data of type hexutil.Bytes"},
    {P_CALL, "{\"accessList\":\"x\"}", "json: cannot unmarshal string into Go struct field TransactionArgs.accessList of type types.AccessList"},
    {P_CALL, "{\"accessList\":[5]}", "json: cannot unmarshal number into Go struct field TransactionArgs.accessList of type types.AccessTuple"},
    {P_CALL, "{\"accessList\":[null]}", "missing required field 'address' for AccessTuple"},
    {P_CALL, "{\"accessList\":[{\"address\":\"" ADDR40 "\"}]}", "missing required field 'storageKeys' for AccessTuple"},
    {P_CALL, "{\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":null}]}", "missing required field 'storageKeys' for AccessTuple"},
    {P_CALL, "{\"accessList\":[{\"storageKeys\":[]}]}", "missing required field 'address' for AccessTuple"},
    {P_CALL, "{\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":[\"0x1\"]}]}",
     "json: cannot unmarshal hex string of odd length into Go struct field TransactionArgs.accessList.storageKeys of type common.Hash"},
    {P_CALL, "{\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":[null]}]}",
     "json: cannot unmarshal non-string into Go struct field TransactionArgs.accessList.storageKeys of type common.Hash"},
    {P_CALL, "{\"accessList\":[{\"address\":1,\"storageKeys\":[]}]}",
     "json: cannot unmarshal non-string into Go struct field TransactionArgs.accessList.address of type common.Address"},
    {P_CALL, "{\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":\"x\"}]}",
     "json: cannot unmarshal string into Go struct field TransactionArgs.accessList.storageKeys of type []common.Hash"},
    {P_CALL, "{\"blobVersionedHashes\":\"x\"}",
     "json: cannot unmarshal string into Go struct field TransactionArgs.blobVersionedHashes of type []common.Hash"},
    {P_CALL, "{\"blobVersionedHashes\":[\"0x01\"]}", "hex string has length 2, want 64 for common.Hash"},
    /* a kind error is held back while decoding goes on, so a later decoder error wins */
    {P_CALL, "{\"accessList\":\"x\",\"gas\":\"0x\"}",
     "json: cannot unmarshal hex string \"0x\" into Go struct field TransactionArgs.gas of type hexutil.Uint64"},
    {P_CALL, "{\"accessList\":\"x\",\"gas\":\"0x1\"}",
     "json: cannot unmarshal string into Go struct field TransactionArgs.accessList of type types.AccessList"},
    {P_CALL, "{\"blobVersionedHashes\":1,\"accessList\":\"x\"}",
     "json: cannot unmarshal number into Go struct field TransactionArgs.blobVersionedHashes of type []common.Hash"},
    /* state overrides */
    {P_OVERRIDE, "null", NULL},
    {P_OVERRIDE, "{}", NULL},
    {P_OVERRIDE, "{\"" ADDR40 "\":null}", NULL},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"state\":{}}}", NULL},
    {P_OVERRIDE, "\"x\"", "json: cannot unmarshal string into Go value of type override.StateOverride"},
    {P_OVERRIDE, "[]", "json: cannot unmarshal array into Go value of type override.StateOverride"},
    {P_OVERRIDE, "{\"0x12\":{}}", "hex string has length 2, want 40 for common.Address"},
    {P_OVERRIDE, "{\"zz\":{}}", "json: cannot unmarshal hex string without 0x prefix into Go value of type common.Address"},
    {P_OVERRIDE, "{\"" ADDR40 "\":5}", "json: cannot unmarshal number into Go value of type override.OverrideAccount"},
    {P_OVERRIDE, "{\"0x12\":5}", "hex string has length 2, want 40 for common.Address"}, /* the key's error is returned, the kind error held */
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"balance\":5}}",
     "json: cannot unmarshal non-string into Go struct field OverrideAccount.balance of type *hexutil.Big"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"nonce\":\"0x\"}}",
     "json: cannot unmarshal hex string \"0x\" into Go struct field OverrideAccount.nonce of type hexutil.Uint64"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"code\":\"0x1\"}}",
     "json: cannot unmarshal hex string of odd length into Go struct field OverrideAccount.code of type hexutil.Bytes"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"state\":\"x\"}}",
     "json: cannot unmarshal string into Go struct field OverrideAccount.state of type map[common.Hash]common.Hash"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"stateDiff\":{\"0x1\":\"" HASH64 "\"}}}",
     "json: cannot unmarshal hex string of odd length into Go struct field OverrideAccount.stateDiff of type common.Hash"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"stateDiff\":{\"" HASH64 "\":null}}}",
     "json: cannot unmarshal non-string into Go struct field OverrideAccount.stateDiff of type common.Hash"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"state\":{\"" HASH64 "\":\"0x01\"}}}", "hex string has length 2, want 64 for common.Hash"},
    {P_OVERRIDE, "{\"" ADDR40 "\":{\"movePrecompileToAddress\":\"0x\"}}", "hex string has length 0, want 40 for common.Address"},
    /* log filters */
    {P_FILTER, "null", NULL},
    {P_FILTER, "{}", NULL},
    {P_FILTER, "{\"blockHash\":\"" HASH64 "\",\"fromBlock\":null}", NULL},
    {P_FILTER, "{\"address\":[]}", NULL},
    {P_FILTER, "{\"topics\":[null,null,null,null]}", NULL},
    {P_FILTER, "{\"topics\":[[\"" HASH64 "\",null,5]]}", NULL}, /* geth stops reading at the null */
    {P_FILTER, "\"x\"", "json: cannot unmarshal string into Go value of type filters.input"},
    {P_FILTER, "{\"blockHash\":\"" HASH64 "\",\"fromBlock\":\"0x1\"}",
     "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"},
    {P_FILTER, "{\"blockHash\":\"" HASH64 "\",\"toBlock\":\"latest\"}",
     "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"},
    {P_FILTER, "{\"blockHash\":5}", "json: cannot unmarshal non-string into Go struct field input.blockHash of type common.Hash"},
    {P_FILTER, "{\"blockHash\":\"0x12\"}", "hex string has length 2, want 64 for common.Hash"},
    {P_FILTER, "{\"fromBlock\":\"0x\"}", "hex string \"0x\""},
    {P_FILTER, "{\"toBlock\":5}", "hex string without 0x prefix"},
    {P_FILTER, "{\"toBlock\":\"0x8000000000000000\"}", "block number larger than int64"},
    {P_FILTER, "{\"topics\":\"x\"}", "json: cannot unmarshal string into Go struct field input.topics of type []interface {}"},
    {P_FILTER, "{\"topics\":{}}", "json: cannot unmarshal object into Go struct field input.topics of type []interface {}"},
    {P_FILTER, "{\"topics\":[null,null,null,null,null]}", "exceed max topics"},
    {P_FILTER, "{\"topics\":[5]}", "invalid topic(s)"},
    {P_FILTER, "{\"topics\":[{}]}", "invalid topic(s)"},
    {P_FILTER, "{\"topics\":[[5]]}", "invalid topic(s)"},
    {P_FILTER, "{\"topics\":[\"0x12\"]}", "hex has invalid length 1 after decoding; expected 32 for topic"},
    {P_FILTER, "{\"topics\":[[\"0x\"]]}", "hex has invalid length 0 after decoding; expected 32 for topic"},
    {P_FILTER, "{\"topics\":[\"\"]}", "empty hex string"},
    {P_FILTER, "{\"topics\":[\"0xabc\"]}", "hex string of odd length"},
    {P_FILTER, "{\"topics\":[\"0xzzz\"]}", "invalid hex string"}, /* Go's hex reports the bad digit first */
    {P_FILTER, "{\"topics\":[\"abcd\"]}", "hex string without 0x prefix"},
    {P_FILTER, "{\"address\":5}", "invalid addresses in query"},
    {P_FILTER, "{\"address\":{}}", "invalid addresses in query"},
    {P_FILTER, "{\"address\":\"0x12\"}", "invalid address: hex has invalid length 1 after decoding; expected 20 for address"},
    {P_FILTER, "{\"address\":\"\"}", "invalid address: empty hex string"},
    {P_FILTER, "{\"address\":[\"" ADDR40 "\",\"0x12\"]}",
     "invalid address at index 1: hex has invalid length 1 after decoding; expected 20 for address"},
    {P_FILTER, "{\"address\":[\"" ADDR40 "\",null]}", "non-string address at index 1"},
    /* the struct decodes first (the topics' kind error), then the parts are checked in geth's order */
    {P_FILTER, "{\"address\":5,\"topics\":[5]}", "invalid addresses in query"},
    {P_FILTER, "{\"address\":5,\"topics\":\"x\"}", "json: cannot unmarshal string into Go struct field input.topics of type []interface {}"},
    {P_FILTER, "{\"blockHash\":\"" HASH64 "\",\"toBlock\":\"0x1\",\"address\":5}",
     "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"},
};

static void test_parse_tables(void) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        json_t *v = J(c->json);
        braid_rpc_error err;
        int rc = run_parser(c->kind, v, 0, &err);
        if (!c->want) {
            CHECKF(rc == 0, "case %zu %s: refused: %s", i, c->json, err.message);
        } else {
            char want[600];
            snprintf(want, sizeof want, "invalid argument 0: %s", c->want);
            CHECKF(rc == -1 && err.code == BRAID_RPC_INVALID_PARAMS && strcmp(err.message, want) == 0,
                   "case %zu %s:\n  got  (%d) %s\n  want %s", i, c->json, err.code, err.message, want);
        }
        json_decref(v);
    }
    /* the argument index is the caller's */
    json_t *v = J("\"0x\"");
    braid_rpc_error err;
    CHECK(rpcj_parse_u64(v, 3, &(uint64_t){0}, &err) == -1 &&
          strcmp(err.message, "invalid argument 3: json: cannot unmarshal hex string \"0x\" into Go value of type hexutil.Uint64") == 0);
    json_decref(v);
    CHECK(rpcj_invalid_argument(&err, 2, "x %d", 5) == -1 && err.code == -32602 && strcmp(err.message, "invalid argument 2: x 5") == 0);
}

static void test_scalar_values(void) {
    braid_rpc_error err;
    json_t *v = J("\"0xffffffffffffffff\"");
    uint64_t u = 0;
    CHECK(rpcj_parse_u64(v, 0, &u, &err) == 0 && u == UINT64_MAX);
    json_decref(v);
    v = J("\"0XaB\"");
    CHECK(rpcj_parse_u64(v, 0, &u, &err) == 0 && u == 0xab);
    json_decref(v);
    v = J("\"0x1000000000000000000000000000000000000000000000000000000000000001\"");
    braid_u256 x;
    CHECK(rpcj_parse_u256(v, 0, &x, &err) == 0 && x.w[3] == (1ull << 60) && x.w[2] == 0 && x.w[1] == 0 && x.w[0] == 1);
    json_decref(v);
    v = J("\"0xDEADbeef\"");
    braid_buf b;
    braid_buf_init(&b);
    braid_buf_append(&b, "k", 1); /* appended after what the buffer holds */
    CHECK(rpcj_parse_data(v, 0, &b, &err) == 0 && b.len == 5 && memcmp(b.data, "k\xde\xad\xbe\xef", 5) == 0);
    json_decref(v);
    v = J("\"0xdeadbee\"");
    CHECK(rpcj_parse_data(v, 0, &b, &err) == -1 && b.len == 5);
    json_decref(v);
    braid_buf_free(&b);
    v = J("\"0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED\"");
    braid_address a;
    braid_address want = A(ADDR40);
    CHECK(rpcj_parse_address(v, 0, &a, &err) == 0 && braid_address_eq(&a, &want));
    json_decref(v);
    bool flag = false;
    v = J("true");
    CHECK(rpcj_parse_bool(v, 0, &flag, &err) == 0 && flag);
    CHECK(rpcj_parse_bool(NULL, 0, &flag, &err) == 0 && !flag);
    json_decref(v);
}

static void test_storage_keys(void) {
    static const struct {
        const char *json;
        const char *want_hex; /* the slot, or NULL for an error */
        const char *message;
    } t[] = {
        {"\"0x1\"", "0x0000000000000000000000000000000000000000000000000000000000000001", NULL},
        {"\"1\"", "0x0000000000000000000000000000000000000000000000000000000000000001", NULL},
        {"\"0XABC\"", "0x0000000000000000000000000000000000000000000000000000000000000abc", NULL},
        {"\"0x\"", "0x0000000000000000000000000000000000000000000000000000000000000000", NULL},
        {"\"\"", "0x0000000000000000000000000000000000000000000000000000000000000000", NULL},
        {"null", "0x0000000000000000000000000000000000000000000000000000000000000000", NULL},
        {"\"" HASH64 "\"", HASH64, NULL},
        {"\"0x01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\"", NULL,
         "storage key too long (want at most 32 bytes): \"0x01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\""},
        {"\"0xzz\"", NULL, "invalid hex in storage key: \"0xzz\""},
        {"\"0xz\"", NULL, "invalid hex in storage key: \"0xz\""},
        {"\"0x\\n\\\"\\u00e9\\u0001\"", NULL, "invalid hex in storage key: \"0x\\n\\\"\u00e9\\x01\""},
        {"\"0x0x1\"", NULL, "invalid hex in storage key: \"0x0x1\""},
        {"5", NULL, "invalid argument 1: json: cannot unmarshal number into Go value of type string"},
        {"[\"0x1\"]", NULL, "invalid argument 1: json: cannot unmarshal array into Go value of type string"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        json_t *v = J(t[i].json);
        braid_rpc_error err = {0, "", NULL};
        braid_hash h;
        int rc = rpcj_parse_storage_key(v, 1, &h, &err);
        if (t[i].want_hex) {
            braid_hash want = H(t[i].want_hex);
            CHECKF(rc == 0 && braid_hash_eq(&h, &want), "storage key %s: %s", t[i].json, err.message);
        } else {
            CHECKF(rc == -1 && err.code == -32602 && strcmp(err.message, t[i].message) == 0, "storage key %s: got %s, want %s",
                   t[i].json, err.message, t[i].message);
        }
        json_decref(v);
    }
    /* a huge key: the message is cut, never overrun */
    size_t n = 100000;
    char *big = malloc(n + 1);
    memset(big, 'f', n);
    big[n] = 0;
    json_t *v = json_string(big);
    braid_rpc_error err;
    braid_hash h;
    CHECK(rpcj_parse_storage_key(v, 1, &h, &err) == -1 && strncmp(err.message, "storage key too long", 20) == 0 &&
          strlen(err.message) < sizeof err.message);
    json_decref(v);
    free(big);
}

static void test_block_refs(void) {
    braid_rpc_error err;
    rpcj_block_ref r;
    static const struct {
        const char *json;
        rpcj_block_kind kind;
    } tags[] = {{"\"latest\"", RPCJ_BLOCK_LATEST},       {"\"earliest\"", RPCJ_BLOCK_EARLIEST},
                {"\"pending\"", RPCJ_BLOCK_PENDING},     {"\"safe\"", RPCJ_BLOCK_SAFE},
                {"\"finalized\"", RPCJ_BLOCK_FINALIZED}, {"{\"blockNumber\":\"earliest\"}", RPCJ_BLOCK_EARLIEST}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        json_t *v = J(tags[i].json);
        CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == tags[i].kind);
        if (i < 5) CHECK(rpcj_parse_block_number(v, 1, &r, &err) == 0 && r.kind == tags[i].kind);
        json_decref(v);
    }
    json_t *v = J("\"0x7fffffffffffffff\"");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_NUMBER && r.number == INT64_MAX);
    CHECK(rpcj_parse_block_number(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_NUMBER && r.number == INT64_MAX);
    json_decref(v);
    v = J("\"" HASH64 "\"");
    braid_hash want = H(HASH64);
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_HASH && braid_hash_eq(&r.hash, &want) &&
          !r.require_canonical);
    json_decref(v);
    v = J("{\"blockHash\":\"" HASH64 "\",\"requireCanonical\":true}");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_HASH && braid_hash_eq(&r.hash, &want) &&
          r.require_canonical);
    json_decref(v);
    v = J("{\"blockNumber\":\"0x2a\",\"requireCanonical\":null}");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_NUMBER && r.number == 42);
    json_decref(v);
    /* Go's case-insensitive keys, down to the long s folding onto 's' */
    v = J("{\"BLOCKHASH\":\"" HASH64 "\",\"requireCanonical\":true}");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_HASH);
    json_decref(v);
    v = J("{\"blockHa\\u017fh\":\"" HASH64 "\"}");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == 0 && r.kind == RPCJ_BLOCK_HASH);
    json_decref(v);
    v = J("{\"blockHash2\":\"" HASH64 "\"}");
    CHECK(rpcj_parse_block_ref(v, 1, &r, &err) == -1);
    json_decref(v);
}

static void test_call_args(void) {
    braid_rpc_error err;
    rpcj_call_args a;
    json_t *v = J("{\"from\":\"" ADDR40 "\",\"to\":\"0x00000000000000000000000000000000000000ff\",\"gas\":\"0x5208\","
                  "\"gasPrice\":\"0x3b9aca00\",\"maxFeePerGas\":\"0x2\",\"maxPriorityFeePerGas\":\"0x1\","
                  "\"maxFeePerBlobGas\":\"0x3\",\"value\":\"0xde0b6b3a7640000\",\"nonce\":\"0x7\",\"input\":\"0xa9059cbb\","
                  "\"chainId\":\"0x1\",\"type\":\"0x3\",\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":[\"" HASH64
                  "\",\"" HASH64B "\"]},{\"address\":\"0x00000000000000000000000000000000000000ff\",\"storageKeys\":[]}],"
                  "\"blobVersionedHashes\":[\"" HASH64B "\"]}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0);
    braid_address from = A(ADDR40);
    braid_hash h1 = H(HASH64), h2 = H(HASH64B);
    CHECK(a.has_from && braid_address_eq(&a.from, &from));
    CHECK(a.has_to && a.to.b[19] == 0xff && a.to.b[0] == 0);
    CHECK(a.has_gas && a.gas == 21000 && a.has_nonce && a.nonce == 7);
    CHECK(a.has_gas_price && a.gas_price.w[0] == 1000000000);
    CHECK(a.has_max_fee_per_gas && a.max_fee_per_gas.w[0] == 2 && a.has_max_priority_fee_per_gas &&
          a.max_priority_fee_per_gas.w[0] == 1 && a.has_max_fee_per_blob_gas && a.max_fee_per_blob_gas.w[0] == 3);
    CHECK(a.has_value && a.value.w[0] == 1000000000000000000ull && a.has_chain_id && a.chain_id.w[0] == 1);
    CHECK(a.has_type && a.type == 3);
    CHECK(a.has_input_field && !a.has_data_field && a.data_len == 4 && memcmp(a.data, "\xa9\x05\x9c\xbb", 4) == 0);
    CHECK(a.has_access_list && a.access_list_len == 2 && braid_address_eq(&a.access_list[0].address, &from) &&
          a.access_list[0].n_keys == 2 && braid_hash_eq(&a.access_list[0].keys[0], &h1) &&
          braid_hash_eq(&a.access_list[0].keys[1], &h2) && a.access_list[1].n_keys == 0);
    CHECK(a.has_blob_hashes && a.n_blob_hashes == 1 && braid_hash_eq(&a.blob_hashes[0], &h2));
    CHECK(rpcj_call_args_check_input(&a, &err) == 0);
    rpcj_call_args_free(&a);
    json_decref(v);

    /* nothing given: a creation with empty data */
    v = J("{\"to\":null,\"gas\":null,\"blobVersionedHashes\":null,\"accessList\":null}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && !a.has_to && !a.has_gas && !a.has_blob_hashes &&
          !a.has_access_list && a.data_len == 0 && a.data != NULL && !a.has_input_field);
    rpcj_call_args_free(&a);
    json_decref(v);
    /* an empty list of blob hashes is told from an absent one */
    v = J("{\"blobVersionedHashes\":[],\"accessList\":[]}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && a.has_blob_hashes && a.n_blob_hashes == 0 &&
          a.has_access_list && a.access_list_len == 0);
    rpcj_call_args_free(&a);
    json_decref(v);

    /* "data" and "input": input wins; differing ones are refused only where geth refuses them */
    v = J("{\"data\":\"0x01\",\"input\":\"0x0203\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && a.data_len == 2 && a.data[0] == 2 && a.data_input_differ);
    CHECK(rpcj_call_args_check_input(&a, &err) == -1 && err.code == -32000 &&
          strcmp(err.message, "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass "
                              "transaction call data") == 0);
    rpcj_call_args_free(&a);
    json_decref(v);
    v = J("{\"data\":\"0x0203\",\"input\":\"0x0203\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && !a.data_input_differ && rpcj_call_args_check_input(&a, &err) == 0);
    rpcj_call_args_free(&a);
    json_decref(v);
    v = J("{\"data\":\"0x0203\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && a.data_len == 2 && a.data[1] == 3 && a.has_data_field);
    rpcj_call_args_free(&a);
    json_decref(v);
    v = J("{\"data\":\"0x\",\"input\":\"0x\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && a.data_len == 0 && !a.data_input_differ);
    rpcj_call_args_free(&a);
    json_decref(v);

    /* keys match case-insensitively; of two keys of one field the later wins, null included */
    v = J("{\"GAS\":\"0x5\",\"Nonce\":\"0x9\",\"VALUE\":\"0x1\",\"value\":null,\"ga\\u017fPrice\":\"0x4\","
          "\"\\u0131nput\":\"0x01\",\"chain\\u0130d\":\"0x5\",\"fr\\u00f6m\":\"0x\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && a.has_gas && a.gas == 5 && a.has_nonce && a.nonce == 9 &&
          !a.has_value && a.has_gas_price && a.gas_price.w[0] == 4 && a.has_input_field && a.data_len == 1 &&
          a.has_chain_id && a.chain_id.w[0] == 5 && !a.has_from);
    rpcj_call_args_free(&a);
    json_decref(v);
    /* "type" never fails (geth ignores it) */
    v = J("{\"type\":\"0x\"}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == 0 && !a.has_type);
    rpcj_call_args_free(&a);
    json_decref(v);
    /* a failure leaves nothing behind */
    v = J("{\"input\":\"0x0102\",\"accessList\":[{\"address\":\"" ADDR40 "\",\"storageKeys\":[\"" HASH64 "\"]}],\"gas\":1}");
    CHECK(rpcj_parse_call_args(v, 0, &a, &err) == -1 && a.data_len == 0 && !a.access_list && !a.input_mem);
    rpcj_call_args_free(&a);
    json_decref(v);
}

static void test_state_override(void) {
    braid_rpc_error err;
    rpcj_state_override o;
    /* two spellings of one address: the later replaces the earlier whole; accounts come out sorted */
    json_t *v = J("{\"0x00000000000000000000000000000000000000ff\":{\"balance\":\"0x10\",\"nonce\":\"0x2\",\"code\":\"0x6000\","
                  "\"state\":{\"" HASH64 "\":\"" HASH64B "\",\"0x0000000000000000000000000000000000000000000000000000000000000001\":"
                  "\"0x0000000000000000000000000000000000000000000000000000000000000002\"}},"
                  "\"" ADDR40 "\":{\"balance\":\"0x1\"},"
                  "\"0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED\":{\"stateDiff\":{\"" HASH64 "\":\"" HASH64 "\"},"
                  "\"movePrecompileToAddress\":\"0x0000000000000000000000000000000000000001\",\"code\":\"0x\"}}");
    CHECK(rpcj_parse_state_override(v, 2, &o, &err) == 0 && o.n_accounts == 2);
    if (o.n_accounts == 2) {
        const rpcj_account_override *x = &o.accounts[0], *y = &o.accounts[1];
        CHECK(x->address.b[19] == 0xff && x->has_balance && x->balance.w[0] == 16 && x->has_nonce && x->nonce == 2 &&
              x->has_code && x->code_len == 2 && x->code[0] == 0x60 && x->has_state && !x->has_state_diff &&
              x->n_state == 2);
        /* slots sorted by key */
        braid_hash hb = H(HASH64B);
        CHECK(x->n_state == 2 && x->state[0].key.b[31] == 1 && x->state[0].value.b[31] == 2 &&
              braid_hash_eq(&x->state[1].value, &hb));
        braid_address a = A(ADDR40);
        CHECK(braid_address_eq(&y->address, &a) && !y->has_balance && y->has_state_diff && y->n_state_diff == 1 &&
              y->has_move_precompile_to && y->move_precompile_to.b[19] == 1 && y->has_code && y->code_len == 0 && y->code);
    }
    rpcj_state_override_free(&o);
    json_decref(v);
    /* a repeated map field merges, the later value of a slot wins; null clears */
    v = J("{\"" ADDR40 "\":{\"stateDiff\":{\"" HASH64 "\":\"" HASH64 "\"},\"StateDiff\":{\"" HASH64 "\":\"" HASH64B
          "\",\"" HASH64B "\":\"" HASH64B "\"},\"state\":{\"" HASH64 "\":\"" HASH64 "\"},\"State\":null}}");
    CHECK(rpcj_parse_state_override(v, 2, &o, &err) == 0 && o.n_accounts == 1 && o.accounts[0].has_state_diff &&
          !o.accounts[0].has_state && o.accounts[0].n_state_diff == 2);
    if (o.n_accounts == 1 && o.accounts[0].n_state_diff == 2) {
        braid_hash k = H(HASH64), val = H(HASH64B);
        const rpcj_storage_slot *s = &o.accounts[0].state_diff[0];
        CHECK(braid_hash_eq(&s->key, &k) && braid_hash_eq(&s->value, &val));
    }
    rpcj_state_override_free(&o);
    json_decref(v);
    /* state and stateDiff together: geth's message, with the address in EIP-55 form */
    v = J("{\"0x00000000000000000000000000000000000000ff\":{\"state\":{}},\"" ADDR40 "\":{\"state\":{},\"stateDiff\":{}}}");
    CHECK(rpcj_parse_state_override(v, 2, &o, &err) == -1 && err.code == -32000 &&
          strcmp(err.message, "account 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed has both 'state' and 'stateDiff'") == 0);
    CHECK(o.n_accounts == 0 && !o.accounts);
    rpcj_state_override_free(&o);
    json_decref(v);
    v = J("{\"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\":{\"state\":{},\"stateDiff\":{}}}");
    CHECK(rpcj_parse_state_override(v, 2, &o, &err) == -1 &&
          strcmp(err.message, "account 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 has both 'state' and 'stateDiff'") == 0);
    rpcj_state_override_free(&o);
    json_decref(v);
}

static braid_log make_log(const char *addr, int n_topics, const char *const *topics) {
    braid_log l;
    memset(&l, 0, sizeof l);
    l.address = A(addr);
    l.n_topics = (uint8_t)n_topics;
    for (int i = 0; i < n_topics; i++) l.topics[i] = H(topics[i]);
    return l;
}

static void test_log_filter(void) {
    braid_rpc_error err;
    rpcj_log_filter f;
    json_t *v = J("{\"fromBlock\":\"0x10\",\"toBlock\":\"latest\",\"address\":\"" ADDR40 "\","
                  "\"topics\":[\"" HASH64 "\",null,[\"" HASH64 "\",\"" HASH64B "\"],[\"" HASH64B "\",null,\"junk\"]]}");
    CHECK(rpcj_parse_log_filter(v, 0, &f, &err) == 0);
    CHECK(f.has_from && f.from.kind == RPCJ_BLOCK_NUMBER && f.from.number == 16 && f.has_to &&
          f.to.kind == RPCJ_BLOCK_LATEST && !f.has_block_hash);
    CHECK(f.n_addresses == 1 && f.n_topics == 4 && f.topics[0].n == 1 && f.topics[1].n == 0 && f.topics[2].n == 2 &&
          f.topics[3].n == 0);
    const char *t3[] = {HASH64, HASH64B, HASH64B}, *t4[] = {HASH64, HASH64B, HASH64B, HASH64};
    braid_log l3 = make_log(ADDR40, 3, t3), l4 = make_log(ADDR40, 4, t4);
    CHECK(!rpcj_log_matches(&f, &l3)); /* four positions need four topics, wildcard or not */
    CHECK(rpcj_log_matches(&f, &l4));
    l4.topics[2] = H(HASH64);
    CHECK(rpcj_log_matches(&f, &l4)); /* either alternative */
    l4.topics[2].b[0] ^= 1;
    CHECK(!rpcj_log_matches(&f, &l4));
    l4.topics[2] = H(HASH64);
    l4.address.b[0] ^= 1;
    CHECK(!rpcj_log_matches(&f, &l4));
    rpcj_log_filter_free(&f);
    json_decref(v);

    /* no criteria: every log, also one without topics */
    v = J("{\"address\":[],\"topics\":[]}");
    braid_log l0 = make_log(ADDR40, 0, NULL);
    CHECK(rpcj_parse_log_filter(v, 0, &f, &err) == 0 && rpcj_log_matches(&f, &l0) && rpcj_log_matches(&f, &l4));
    rpcj_log_filter_free(&f);
    json_decref(v);
    CHECK(rpcj_parse_log_filter(NULL, 0, &f, &err) == 0 && !f.has_from && !f.has_to && rpcj_log_matches(&f, &l0));
    rpcj_log_filter_free(&f);
    /* a list of addresses; a null position still needs the topic to exist */
    v = J("{\"address\":[\"0x00000000000000000000000000000000000000ff\",\"" ADDR40 "\"],\"topics\":[null]}");
    CHECK(rpcj_parse_log_filter(v, 0, &f, &err) == 0 && f.n_addresses == 2 && !rpcj_log_matches(&f, &l0) &&
          rpcj_log_matches(&f, &l3));
    rpcj_log_filter_free(&f);
    json_decref(v);
    v = J("{\"blockHash\":\"" HASH64B "\"}");
    braid_hash bh = H(HASH64B);
    CHECK(rpcj_parse_log_filter(v, 0, &f, &err) == 0 && f.has_block_hash && braid_hash_eq(&f.block_hash, &bh));
    rpcj_log_filter_free(&f);
    json_decref(v);
    /* 1000 alternatives at one position are allowed, 1001 are not */
    for (int n = 1000; n <= 1001; n++) {
        json_t *alts = json_array();
        for (int i = 0; i < n; i++) json_array_append_new(alts, json_string(HASH64));
        json_t *filter = json_pack("{s:[o]}", "topics", alts);
        int rc = rpcj_parse_log_filter(filter, 0, &f, &err);
        CHECK(n == 1000 ? rc == 0 && f.topics[0].n == 1000 : rc == -1 && strcmp(err.message, "invalid argument 0: exceed max topics") == 0);
        rpcj_log_filter_free(&f);
        json_decref(filter);
    }
}

static void test_params(void) {
    braid_rpc_error err;
    json_t *obj = J("{\"a\":1}"), *three = J("[1,2,3]"), *none = J("[]"), *one = J("[1]"), *null = J("null");
    CHECK(rpcj_params_check(obj, 0, 2, &err) == -1 && err.code == -32602 && strcmp(err.message, "non-array args") == 0);
    CHECK(rpcj_params_check(three, 1, 2, &err) == -1 && strcmp(err.message, "too many arguments, want at most 2") == 0);
    CHECK(rpcj_params_check(none, 1, 2, &err) == -1 && strcmp(err.message, "missing value for required argument 0") == 0);
    CHECK(rpcj_params_check(one, 2, 3, &err) == -1 && strcmp(err.message, "missing value for required argument 1") == 0);
    CHECK(rpcj_params_check(NULL, 1, 1, &err) == -1 && strcmp(err.message, "missing value for required argument 0") == 0);
    CHECK(rpcj_params_check(NULL, 0, 0, &err) == 0 && rpcj_params_check(null, 0, 2, &err) == 0);
    CHECK(rpcj_params_check(one, 1, 3, &err) == 0 && rpcj_params_check(three, 3, 3, &err) == 0);
    CHECK(rpcj_params_check(none, 0, 0, &err) == 0 && rpcj_params_check(one, 0, 0, &err) == -1);
    CHECK(rpcj_param(three, 2) == json_array_get(three, 2) && rpcj_param(three, 3) == NULL && rpcj_param(obj, 0) == NULL &&
          rpcj_param(NULL, 0) == NULL);
    CHECK(rpcj_absent(NULL) && rpcj_absent(null) && !rpcj_absent(none));
    json_decref(obj);
    json_decref(three);
    json_decref(none);
    json_decref(one);
    json_decref(null);
}

/* ============================================================================ hostile sweep == */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const field_names[] = {
    "from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "nonce", "data", "input",
    "accessList", "chainId", "type", "maxFeePerBlobGas", "blobVersionedHashes", "address", "storageKeys", "balance",
    "code", "state", "stateDiff", "movePrecompileToAddress", "blockHash", "blockNumber", "requireCanonical",
    "fromBlock", "toBlock", "topics", ADDR40, HASH64, "0x12", "", "GAS", "\xc5\xbftate", "x\xe2\x84\xaay"};

static const char *const string_pool[] = {
    "", "0x", "0X", "0x0", "0x00", "0x1", "0xg", "latest", "pending", "safe", "finalized", "earliest", ADDR40, HASH64,
    HASH64B, "0xffffffffffffffff", "0x10000000000000000", "0x7fffffffffffffff", "0x8000000000000000",
    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "\xff\xfe", "0x\xc3\xa9", "0x-1", "-0x1",
    " 0x1", "0x1 ", "null", "true", "{}", "[]", "\xe2\x84\xaa"};

/* A random JSON value: mostly the shapes the parsers look for, with wrong kinds mixed in. */
static json_t *random_value(int depth) {
    uint64_t r = rnd() % (depth > 5 ? 7 : 10);
    switch (r) {
    case 0: return json_null();
    case 1: return json_boolean(rnd() & 1);
    case 2: return json_integer((json_int_t)(rnd() >> 1) * (rnd() & 1 ? 1 : -1));
    case 3: return json_real((double)(rnd() % 1000) / 7.0);
    case 4:
    case 5:
    case 6: {
        const char *s = string_pool[rnd() % (sizeof string_pool / sizeof string_pool[0])];
        if (rnd() % 4 == 0) { /* random hex of random length */
            size_t n = rnd() % 80;
            char buf[84] = "0x";
            for (size_t i = 0; i < n; i++) buf[2 + i] = "0123456789abcdefABCDEFxg"[rnd() % 24];
            return json_stringn(buf, n + 2);
        }
        return json_stringn_nocheck(s, strlen(s));
    }
    case 7:
    case 8: {
        json_t *o = json_object();
        size_t n = rnd() % 6;
        for (size_t i = 0; i < n; i++) {
            const char *k = field_names[rnd() % (sizeof field_names / sizeof field_names[0])];
            json_object_set_new_nocheck(o, k, random_value(depth + 1));
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        size_t n = rnd() % 6;
        for (size_t i = 0; i < n; i++) json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    }
}

/* Every parser on `v`: none may crash; each either accepts it or says why, in geth's form. */
static size_t sweep_runs;
static void sweep_one(const json_t *v) {
    for (int k = 0; k < P_COUNT; k++) {
        braid_rpc_error err;
        int rc = run_parser(k, v, 1, &err);
        sweep_runs++;
        if (rc != 0)
            CHECKF(rc == -1 && ((err.code == -32602 && strncmp(err.message, "invalid argument 1: ", 20) == 0 &&
                                 strlen(err.message) > 20) ||
                                (err.code == -32000 && strstr(err.message, "has both")) ||
                                (k == P_STORAGE_KEY && err.code == -32602 && strstr(err.message, "storage key"))),
                   "parser %d: rc %d, code %d, message %s", k, rc, err.code, err.message);
    }
}

static void test_hostile(void) {
    /* fixed nasties */
    size_t big = 100 * 1024;
    char *s = malloc(big + 3);
    static const char fills[] = "0fg\"\\";
    for (size_t f = 0; f < sizeof fills - 1; f++) {
        s[0] = '0';
        s[1] = 'x';
        memset(s + 2, fills[f], big);
        for (size_t len = 2; len <= big + 2; len = len * 4 + 1) {
            json_t *v = json_stringn(s, len);
            sweep_one(v);
            /* the same string in every field of every object parser */
            for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
                json_t *o = json_object();
                json_object_set(o, field_names[i], v);
                sweep_one(o);
                json_t *arr = json_pack("[O]", v), *nested = json_pack("{s:[{s:O,s:O}]}", field_names[i], "address", v, "storageKeys", arr);
                sweep_one(nested);
                json_decref(arr);
                json_decref(nested);
                json_decref(o);
            }
            json_decref(v);
        }
    }
    free(s);
    /* a 100 KB key, a deep nest, huge numbers */
    char *key = malloc(big + 1);
    memset(key, 'a', big);
    key[big] = 0;
    json_t *o = json_object();
    json_object_set_new(o, key, json_string("0x1"));
    sweep_one(o);
    json_decref(o);
    free(key);
    json_t *deep = json_string("0x1");
    for (int i = 0; i < 1000; i++) deep = i % 2 ? json_pack("[o]", deep) : json_pack("{s:o}", "topics", deep);
    sweep_one(deep);
    json_decref(deep);
    const char *nums[] = {"9223372036854775807", "-9223372036854775808", "1e308", "-0.0", "0"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        json_t *v = J(nums[i]);
        sweep_one(v);
        json_decref(v);
    }
    /* random trees, also as fields of the shapes each parser expects */
    for (int i = 0; i < 4000; i++) {
        json_t *v = random_value(0);
        sweep_one(v);
        json_t *o = json_object();
        json_object_set_new_nocheck(o, field_names[rnd() % (sizeof field_names / sizeof field_names[0])], v);
        sweep_one(o);
        json_t *acct = json_pack("{s:O}", ADDR40, o);
        sweep_one(acct);
        json_t *tuple = json_pack("{s:[O]}", "accessList", o);
        sweep_one(tuple);
        json_decref(acct);
        json_decref(tuple);
        json_decref(o);
    }
    printf("hostile sweep: %zu parser runs\n", sweep_runs);
}

/* ============================================================================ formatting basics == */

static void test_scalars_out(void) {
    struct {
        json_t *got;
        const char *want;
    } t[] = {
        {rpcj_u64(0), "0x0"},
        {rpcj_u64(0x1a), "0x1a"},
        {rpcj_u64(UINT64_MAX), "0xffffffffffffffff"},
        {rpcj_u64(0x1000000000000000ull), "0x1000000000000000"},
        {rpcj_u256(BRAID_U256_ZERO), "0x0"},
        {rpcj_u256(braid_u256_from_u64(255)), "0xff"},
        {rpcj_u256((braid_u256){{0, 0, 0, 1}}), "0x1000000000000000000000000000000000000000000000000"},
        {rpcj_u256((braid_u256){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}}),
         "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
        {rpcj_u256((braid_u256){{0, 1, 0, 0}}), "0x10000000000000000"},
        {rpcj_bytes(NULL, 0), "0x"},
        {rpcj_bytes((const uint8_t *)"\x00\xAB", 2), "0x00ab"},
        {rpcj_address(&(braid_address){{0xAB}}), "0xab00000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        CHECKF(str_is(t[i].got, t[i].want), "formatted %s, want %s", json_string_value(t[i].got), t[i].want);
        json_decref(t[i].got);
    }
    /* big data in one piece */
    size_t n = 200000;
    uint8_t *d = malloc(n);
    for (size_t i = 0; i < n; i++) d[i] = (uint8_t)i;
    json_t *j = rpcj_bytes(d, n);
    const char *s = json_string_value(j);
    CHECK(json_string_length(j) == 2 * n + 2 && strncmp(s, "0x000102", 8) == 0 && strcmp(s + 2 * n, "3f") == 0);
    json_decref(j);
    free(d);
}

/* ========================================================================== mainnet oracle == */

/* Compares our object with the original, key by key: every original key (but those skipped) must be
 * there with the same value; ours may only add `extra` keys. */
static bool same_fields(const char *what, const json_t *ours, const json_t *orig, const char *const *skip,
                        const char *const *extra) {
    bool ok = true;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)orig, key, v) {
        bool skipped = false;
        for (const char *const *s = skip; s && *s; s++) skipped |= strcmp(*s, key) == 0;
        if (skipped) continue;
        const json_t *mine = json_object_get(ours, key);
        if (!mine || !json_equal(mine, v)) {
            char *a = mine ? json_dumps(mine, JSON_ENCODE_ANY) : NULL, *b = json_dumps(v, JSON_ENCODE_ANY);
            fprintf(stderr, "%s: field %s: ours %.200s, original %.200s\n", what, key, a ? a : "(missing)", b);
            free(a);
            free(b);
            ok = false;
        }
    }
    json_object_foreach((json_t *)ours, key, v) {
        if (json_object_get(orig, key)) continue;
        bool allowed = false;
        for (const char *const *s = extra; s && *s; s++) allowed |= strcmp(*s, key) == 0;
        if (!allowed) {
            fprintf(stderr, "%s: extra field %s\n", what, key);
            ok = false;
        }
    }
    return ok;
}

static const char *const mainnet_blocks[] = {
    "46147",    "116525",   "930196",   "1150000",  "1796867",  "2462997",  "2641321",  "2674998",
    "2675000",  "2688148",  "3356896",  "4330482",  "4369999",  "4370000",  "5891667",  "6196166",
    "7280000",  "9068998",  "9069000",  "11814555", "12244000", "12300570", "13287210", "15537393",
    "15537394", "17034869", "18426253", "19426587", "19910734", "19923400"};

/* tests/data/mainnet/<number>/<file>, found from this source file's path (the tests run from anywhere) */
static void mainnet_path(char *out, size_t n, const char *number, const char *file) {
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 1;
    snprintf(out, n, "%.*s/../data/mainnet/%s/%s", dir, slash ? __FILE__ : ".", number, file);
}

static json_t *load_mainnet(const char *number, const char *file) {
    char path[1024], name[64], err[256];
    snprintf(name, sizeof name, "%s.json.zst", file);
    mainnet_path(path, sizeof path, number, name);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
    } else {
        snprintf(name, sizeof name, "%s.json", file);
        mainnet_path(path, sizeof path, number, name);
    }
    json_t *j = braid_json_load_file(path, err, sizeof err);
    if (!j) fprintf(stderr, "%s\n", err);
    return j;
}

static size_t mainnet_txs_compared;

static void test_mainnet_block(const char *number) {
    json_t *orig = load_mainnet(number, "block");
    CHECKF(orig != NULL, "block %s: cannot load", number);
    if (!orig) return;
    braid_block b;
    char err[256];
    size_t failed = 0;
    int rc = braid_block_from_json(orig, &b, err, sizeof err);
    CHECKF(rc == 0, "block %s: %s", number, err);
    if (rc) {
        json_decref(orig);
        return;
    }
    rc = braid_block_recover_senders(&b, braid_chain_mainnet(), &failed, err, sizeof err);
    CHECKF(rc == 0, "block %s: senders: %s", number, err);
    const json_t *uncles = json_object_get(orig, "uncles");
    bool has_uncles = json_array_size(uncles) > 0;
    /* the ommers are not in this JSON, so the size can be computed only for blocks without any */
    uint64_t orig_size = 0;
    braid_json_u64(json_object_get(orig, "size"), &orig_size);
    size_t size = has_uncles ? (size_t)orig_size : rpcj_block_size(&b);
    CHECKF(size == orig_size, "block %s: size %zu, original %llu", number, size, (unsigned long long)orig_size);

    json_t *full = rpcj_block(&b.header, size, b.txs, b.n_txs, true, b.withdrawals, b.n_withdrawals, b.has_withdrawals);
    static const char *const skip_block[] = {"totalDifficulty", "transactions", NULL};
    static const char *const skip_block_uncles[] = {"totalDifficulty", "transactions", "uncles", NULL};
    char what[64];
    snprintf(what, sizeof what, "block %s", number);
    CHECK(same_fields(what, full, orig, has_uncles ? skip_block_uncles : skip_block, NULL));
    if (has_uncles) {
        /* the caller's way to show them: */
        braid_hash u[4];
        size_t nu = json_array_size(uncles);
        for (size_t i = 0; i < nu && i < 4; i++) braid_json_hash(json_array_get(uncles, i), &u[i]);
        json_object_set_new(full, "uncles", rpcj_hash_array(u, nu));
        CHECK(json_equal(json_object_get(full, "uncles"), uncles));
    }
    const json_t *otxs = json_object_get(orig, "transactions"), *txs = json_object_get(full, "transactions");
    CHECK(json_array_size(txs) == json_array_size(otxs));
    static const char *const extra_tx[] = {"blockTimestamp", NULL};
    for (size_t i = 0; i < json_array_size(otxs) && i < json_array_size(txs); i++) {
        snprintf(what, sizeof what, "block %s tx %zu", number, i);
        const json_t *t = json_array_get(txs, i);
        CHECK(same_fields(what, t, json_array_get(otxs, i), NULL, extra_tx));
        CHECK(json_equal(json_object_get(t, "blockTimestamp"), json_object_get(orig, "timestamp")));
        mainnet_txs_compared++;
        /* the same transaction on its own, and as the pool would show it */
        rpcj_tx_pos pos = {b.header.hash, b.header.number, b.header.timestamp, i, b.header.has_base_fee, b.header.base_fee};
        json_t *alone = rpcj_tx(&b.txs[i], &pos), *pending = rpcj_tx(&b.txs[i], NULL);
        CHECK(json_equal(alone, t));
        CHECK(json_is_null(json_object_get(pending, "blockHash")) && json_is_null(json_object_get(pending, "blockNumber")) &&
              json_is_null(json_object_get(pending, "blockTimestamp")) &&
              json_is_null(json_object_get(pending, "transactionIndex")));
        const json_t *cap = json_object_get(t, "maxFeePerGas");
        CHECK(json_equal(json_object_get(pending, "gasPrice"), cap ? cap : json_object_get(t, "gasPrice")));
        json_decref(alone);
        json_decref(pending);
    }
    json_decref(full);
    /* hashes only */
    json_t *light = rpcj_block(&b.header, size, b.txs, b.n_txs, false, b.withdrawals, b.n_withdrawals, b.has_withdrawals);
    txs = json_object_get(light, "transactions");
    bool hashes_ok = json_array_size(txs) == json_array_size(otxs);
    for (size_t i = 0; hashes_ok && i < json_array_size(txs); i++)
        hashes_ok = json_equal(json_array_get(txs, i), json_object_get(json_array_get(otxs, i), "hash"));
    CHECKF(hashes_ok, "block %s: transaction hashes", number);
    json_decref(light);
    braid_block_free(&b);
    json_decref(orig);
}

static void test_mainnet(void) {
    for (size_t i = 0; i < sizeof mainnet_blocks / sizeof mainnet_blocks[0]; i++) test_mainnet_block(mainnet_blocks[i]);
    printf("mainnet: %zu blocks, %zu transactions compared\n", sizeof mainnet_blocks / sizeof mainnet_blocks[0],
           mainnet_txs_compared);
}

/* ==================================================================== BlockchainTests oracle == */

/* Quantity fields of the fixtures may carry leading zeros ("0x01"): compared as numbers. */
static bool same_number(const json_t *ours, const json_t *fixture) {
    braid_u256 a, b;
    return json_is_string(ours) && braid_json_u256(ours, &a) == 0 && braid_json_u256(fixture, &b) == 0 && braid_u256_eq(a, b);
}

static bool same_text(const json_t *ours, const json_t *fixture) {
    if (!json_is_string(ours) || !json_is_string(fixture)) return false;
    const char *x = json_string_value(ours), *y = json_string_value(fixture);
    if (strlen(x) != strlen(y)) return false;
    for (; *x; x++, y++)
        if (*x != (*y >= 'A' && *y <= 'Z' ? *y + 32 : *y)) return false; /* ours must be lowercase */
    return true;
}

static size_t fixture_blocks, fixture_txs;

static void check_fixture_block(const char *where, const json_t *jb, braid_block *b, const braid_chain_config *cfg,
                                size_t rlp_len) {
    size_t failed;
    char err[256];
    if (braid_block_recover_senders(b, cfg, &failed, err, sizeof err)) return; /* not ours to judge */
    size_t size = rpcj_block_size(b);
    CHECKF(size == rlp_len, "%s: size %zu, RLP has %zu bytes", where, size, rlp_len);
    json_t *o = rpcj_block(&b->header, size, b->txs, b->n_txs, true, b->withdrawals, b->n_withdrawals, b->has_withdrawals);
    const json_t *hdr = json_object_get(jb, "blockHeader");
    static const struct {
        const char *ours, *fixture;
        bool number;
    } map[] = {{"hash", "hash", false},
               {"parentHash", "parentHash", false},
               {"sha3Uncles", "uncleHash", false},
               {"miner", "coinbase", false},
               {"stateRoot", "stateRoot", false},
               {"transactionsRoot", "transactionsTrie", false},
               {"receiptsRoot", "receiptTrie", false},
               {"logsBloom", "bloom", false},
               {"difficulty", "difficulty", true},
               {"number", "number", true},
               {"gasLimit", "gasLimit", true},
               {"gasUsed", "gasUsed", true},
               {"timestamp", "timestamp", true},
               {"extraData", "extraData", false},
               {"mixHash", "mixHash", false},
               {"nonce", "nonce", false},
               {"baseFeePerGas", "baseFeePerGas", true},
               {"withdrawalsRoot", "withdrawalsRoot", false},
               {"blobGasUsed", "blobGasUsed", true},
               {"excessBlobGas", "excessBlobGas", true},
               {"parentBeaconBlockRoot", "parentBeaconBlockRoot", false}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const json_t *want = json_object_get(hdr, map[i].fixture), *got = json_object_get(o, map[i].ours);
        if (!want) {
            CHECKF(!got, "%s: %s present, the header has no %s", where, map[i].ours, map[i].fixture);
            continue;
        }
        CHECKF(map[i].number ? same_number(got, want) : same_text(got, want), "%s: %s %s, fixture %s", where, map[i].ours,
               json_string_value(got), json_string_value(want));
    }
    CHECK(json_array_size(json_object_get(o, "uncles")) == 0 || json_array_size(json_object_get(jb, "uncleHeaders")) > 0);
    /* withdrawals */
    const json_t *fw = json_object_get(jb, "withdrawals"), *ow = json_object_get(o, "withdrawals");
    CHECKF((fw != NULL) == (ow != NULL) && json_array_size(fw) == json_array_size(ow), "%s: withdrawals", where);
    for (size_t i = 0; i < json_array_size(fw) && i < json_array_size(ow); i++) {
        const json_t *x = json_array_get(ow, i), *y = json_array_get(fw, i);
        CHECKF(same_number(json_object_get(x, "index"), json_object_get(y, "index")) &&
                   same_number(json_object_get(x, "validatorIndex"), json_object_get(y, "validatorIndex")) &&
                   same_number(json_object_get(x, "amount"), json_object_get(y, "amount")) &&
                   same_text(json_object_get(x, "address"), json_object_get(y, "address")),
               "%s: withdrawal %zu", where, i);
    }
    /* transactions */
    const json_t *ftxs = json_object_get(jb, "transactions"), *otxs = json_object_get(o, "transactions");
    CHECKF(json_array_size(ftxs) == json_array_size(otxs), "%s: transaction count", where);
    braid_u256 base_fee = b->header.base_fee;
    for (size_t i = 0; i < json_array_size(ftxs) && i < json_array_size(otxs); i++) {
        const json_t *f = json_array_get(ftxs, i), *t = json_array_get(otxs, i);
        char w[1100];
        snprintf(w, sizeof w, "%s tx %zu", where, i);
        static const struct {
            const char *ours, *fixture;
            bool number;
        } tmap[] = {{"input", "data", false},
                    {"gas", "gasLimit", true},
                    {"nonce", "nonce", true},
                    {"r", "r", true},
                    {"s", "s", true},
                    {"v", "v", true},
                    {"from", "sender", false},
                    {"value", "value", true},
                    {"chainId", "chainId", true},
                    {"maxFeePerGas", "maxFeePerGas", true},
                    {"maxPriorityFeePerGas", "maxPriorityFeePerGas", true},
                    {"maxFeePerBlobGas", "maxFeePerBlobGas", true}};
        for (size_t k = 0; k < sizeof tmap / sizeof tmap[0]; k++) {
            const json_t *want = json_object_get(f, tmap[k].fixture), *got = json_object_get(t, tmap[k].ours);
            if (!want) {
                /* the fee fields belong to the types that have them (a legacy transaction shows chainId
                 * when signed under EIP-155, which the fixture does not always say) */
                if (strncmp(tmap[k].ours, "max", 3) == 0) CHECKF(!got, "%s: unexpected %s", w, tmap[k].ours);
                continue;
            }
            CHECKF(tmap[k].number ? same_number(got, want) : same_text(got, want), "%s: %s %s, fixture %s", w,
                   tmap[k].ours, json_string_value(got), json_string_value(want));
        }
        const json_t *ft = json_object_get(f, "type");
        braid_u256 type = BRAID_U256_ZERO;
        if (ft) braid_json_u256(ft, &type);
        CHECKF(ft ? same_number(json_object_get(t, "type"), ft) : str_is(json_object_get(t, "type"), "0x0"), "%s: type", w);
        /* gasPrice: the legacy price, or the effective price computed here from the fixture's caps */
        braid_u256 want_price;
        if (json_object_get(f, "maxFeePerGas")) {
            braid_u256 cap, tip;
            braid_json_u256(json_object_get(f, "maxFeePerGas"), &cap);
            braid_json_u256(json_object_get(f, "maxPriorityFeePerGas"), &tip);
            braid_u256 sum = braid_u256_add(tip, base_fee);
            want_price = braid_u256_lt(cap, sum) ? cap : sum;
        } else {
            braid_json_u256(json_object_get(f, "gasPrice"), &want_price);
        }
        braid_u256 got_price;
        CHECKF(braid_json_u256(json_object_get(t, "gasPrice"), &got_price) == 0 && braid_u256_eq(got_price, want_price),
               "%s: gasPrice", w);
        /* to: "" for a creation */
        const json_t *fto = json_object_get(f, "to"), *oto = json_object_get(t, "to");
        if (json_is_string(fto) && json_string_length(fto) == 0)
            CHECKF(json_is_null(oto), "%s: to of a creation", w);
        else
            CHECKF(same_text(oto, fto), "%s: to", w);
        /* access list and blob hashes, item by item */
        const json_t *fal = json_object_get(f, "accessList"), *oal = json_object_get(t, "accessList");
        CHECKF((fal != NULL) == (oal != NULL) && json_array_size(fal) == json_array_size(oal), "%s: accessList", w);
        for (size_t k = 0; k < json_array_size(fal) && k < json_array_size(oal); k++) {
            const json_t *x = json_array_get(oal, k), *y = json_array_get(fal, k);
            const json_t *xk = json_object_get(x, "storageKeys"), *yk = json_object_get(y, "storageKeys");
            bool ok = same_text(json_object_get(x, "address"), json_object_get(y, "address")) &&
                      json_array_size(xk) == json_array_size(yk);
            for (size_t m = 0; ok && m < json_array_size(xk); m++) ok = same_text(json_array_get(xk, m), json_array_get(yk, m));
            CHECKF(ok, "%s: access list entry %zu", w, k);
        }
        const json_t *fbh = json_object_get(f, "blobVersionedHashes"), *obh = json_object_get(t, "blobVersionedHashes");
        bool ok = json_array_size(fbh) == json_array_size(obh);
        for (size_t k = 0; ok && k < json_array_size(fbh); k++) ok = same_text(json_array_get(obh, k), json_array_get(fbh, k));
        CHECKF(ok, "%s: blobVersionedHashes", w);
        if (!braid_u256_is_zero(type))
            CHECKF(same_number(json_object_get(t, "yParity"), json_object_get(f, "v")), "%s: yParity", w);
        else
            CHECKF(!json_object_get(t, "yParity"), "%s: yParity on a legacy transaction", w);
        CHECK(json_equal(json_object_get(t, "blockHash"), json_object_get(o, "hash")));
        fixture_txs++;
    }
    fixture_blocks++;
    json_decref(o);
}

static void fixture_test(const char *file, const char *name, const json_t *t, void *arg) {
    (void)arg;
    braid_fork fork;
    if (braid_fork_from_name(json_string_value(json_object_get(t, "network")), &fork)) return;
    braid_chain_config cfg;
    braid_chain_single_fork(&cfg, fork);
    const json_t *blocks = json_object_get(t, "blocks");
    braid_buf rlp;
    braid_buf_init(&rlp);
    for (size_t i = 0; i < json_array_size(blocks); i++) {
        const json_t *jb = json_array_get(blocks, i);
        if (json_object_get(jb, "expectException") || !json_object_get(jb, "blockHeader")) continue;
        braid_block b;
        braid_buf_clear(&rlp);
        if (braid_json_bytes(json_object_get(jb, "rlp"), &rlp) || braid_block_decode(rlp.data, rlp.len, &b, NULL, 0)) continue;
        char where[1024];
        snprintf(where, sizeof where, "%s %s block %zu", file, name, i);
        check_fixture_block(where, jb, &b, &cfg, rlp.len);
        braid_block_free(&b);
    }
    braid_buf_free(&rlp);
}

static void test_fixtures(void) {
    walk_fixture_tests(SHARED_PATH("fixtures/ethereum-tests/BlockchainTests/ValidBlocks"), fixture_test, NULL);
    printf("BlockchainTests: %zu blocks, %zu transactions compared\n", fixture_blocks, fixture_txs);
    CHECK(fixture_blocks > 100 && fixture_txs > 100);
}

/* ============================================================================ receipts oracle == */

static bool hash_lookup(void *ctx, uint64_t number, braid_hash *out) {
    const json_t *table = ctx;
    char key[32];
    snprintf(key, sizeof key, "%llu", (unsigned long long)number);
    return braid_json_hash(json_object_get(table, key), out) == 0;
}

/* Executes a real block and writes its receipts: they must agree with its header (gas used, bloom), with
 * its transactions' JSON (hashes, senders, the effective price that is their gasPrice) and with each
 * other (cumulative gas, log indexes). */
static void test_receipts_of(const char *number, bool expect_blob) {
    json_t *jpre = load_mainnet(number, "prestate"), *jblock = load_mainnet(number, "block");
    char path[1024], err[256];
    mainnet_path(path, sizeof path, number, "block_hashes.json");
    json_t *jhashes = json_load_file(path, 0, NULL);
    CHECKF(jpre && jblock, "block %s: cannot load", number);
    if (!jpre || !jblock) return;
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_vm *vm = braid_vm_create();
    braid_block b;
    size_t failed;
    int rc = braid_json_accounts(jpre, state, true, err, sizeof err);
    if (rc == 0) rc = braid_block_from_json(jblock, &b, err, sizeof err);
    if (rc == 0) rc = braid_block_recover_senders(&b, braid_chain_mainnet(), &failed, err, sizeof err);
    CHECKF(rc == 0, "block %s: %s", number, err);
    braid_block_result res;
    memset(&res, 0, sizeof res);
    braid_block_hashes bh = {jhashes, hash_lookup};
    braid_block_options opt = {.intermediate_roots = true};
    if (rc == 0) {
        rc = braid_block_execute(vm, state, braid_chain_mainnet(), &b, &bh, &opt, &res);
        CHECKF(rc == 0, "block %s: execution: %s", number, res.message);
    }
    if (rc == 0) {
        const json_t *otxs = json_object_get(jblock, "transactions");
        uint64_t log_index = 0;
        uint8_t bloom[BRAID_BLOOM_SIZE] = {0};
        bool saw_blob = false, saw_log = false;
        braid_u256 blob_price = b.header.has_blob_gas ? braid_blob_base_fee(b.header.excess_blob_gas) : BRAID_U256_ZERO;
        for (size_t i = 0; i < res.n_receipts; i++) {
            const braid_receipt *r = &res.receipts[i];
            rpcj_receipt_in in = {r, &b.txs[i], b.header.hash, b.header.number, b.header.timestamp, i, log_index,
                                  b.header.has_base_fee, b.header.base_fee, blob_price};
            json_t *o = rpcj_receipt(&in);
            const json_t *t = json_array_get(otxs, i);
            char what[64];
            snprintf(what, sizeof what, "block %s receipt %zu", number, i);
            CHECKF(json_equal(json_object_get(o, "transactionHash"), json_object_get(t, "hash")) &&
                       json_equal(json_object_get(o, "from"), json_object_get(t, "from")) &&
                       json_equal(json_object_get(o, "to"), json_object_get(t, "to")) &&
                       json_equal(json_object_get(o, "transactionIndex"), json_object_get(t, "transactionIndex")) &&
                       json_equal(json_object_get(o, "blockHash"), json_object_get(t, "blockHash")) &&
                       json_equal(json_object_get(o, "blockNumber"), json_object_get(t, "blockNumber")) &&
                       json_equal(json_object_get(o, "type"), json_object_get(t, "type")),
                   "%s: identity fields", what);
            CHECKF(json_equal(json_object_get(o, "effectiveGasPrice"), json_object_get(t, "gasPrice")),
                   "%s: effectiveGasPrice %s, the transaction's gasPrice %s", what,
                   json_string_value(json_object_get(o, "effectiveGasPrice")), json_string_value(json_object_get(t, "gasPrice")));
            uint64_t cum = 0, used = 0;
            braid_json_u64(json_object_get(o, "cumulativeGasUsed"), &cum);
            braid_json_u64(json_object_get(o, "gasUsed"), &used);
            CHECK(cum == r->cumulative_gas && used == r->gas_used);
            if (i + 1 == res.n_receipts) CHECK(cum == b.header.gas_used);
            CHECK(json_is_null(json_object_get(o, "contractAddress")) == !b.txs[i].tx.is_create);
            if (r->created) {
                json_t *ca = rpcj_address(&r->contract_address);
                CHECK(json_equal(json_object_get(o, "contractAddress"), ca));
                json_decref(ca);
            }
            /* status from Byzantium, the post-state root before */
            bool byz = b.header.number >= 4370000;
            CHECK(byz ? (str_is(json_object_get(o, "status"), r->success ? "0x1" : "0x0") && !json_object_get(o, "root"))
                      : (json_object_get(o, "root") != NULL && !json_object_get(o, "status")));
            braid_buf lb;
            braid_buf_init(&lb);
            CHECK(braid_json_bytes(json_object_get(o, "logsBloom"), &lb) == 0 && lb.len == BRAID_BLOOM_SIZE);
            if (lb.len == BRAID_BLOOM_SIZE) braid_bloom_or(bloom, lb.data);
            braid_buf_free(&lb);
            const json_t *logs = json_object_get(o, "logs");
            CHECK(json_array_size(logs) == r->n_logs);
            for (size_t k = 0; k < json_array_size(logs); k++) {
                const json_t *l = json_array_get(logs, k);
                uint64_t li = UINT64_MAX;
                braid_json_u64(json_object_get(l, "logIndex"), &li);
                CHECKF(li == log_index, "%s: log %zu has logIndex %llu, want %llu", what, k, (unsigned long long)li,
                       (unsigned long long)log_index);
                log_index++;
                json_t *addr = rpcj_address(&r->logs[k].address);
                CHECK(json_equal(json_object_get(l, "address"), addr) &&
                      json_array_size(json_object_get(l, "topics")) == r->logs[k].n_topics &&
                      json_equal(json_object_get(l, "transactionHash"), json_object_get(t, "hash")) &&
                      json_equal(json_object_get(l, "transactionIndex"), json_object_get(t, "transactionIndex")) &&
                      json_equal(json_object_get(l, "blockHash"), json_object_get(t, "blockHash")) &&
                      json_equal(json_object_get(l, "blockNumber"), json_object_get(t, "blockNumber")) &&
                      json_equal(json_object_get(l, "blockTimestamp"), json_object_get(jblock, "timestamp")) &&
                      json_is_false(json_object_get(l, "removed")));
                json_decref(addr);
                saw_log = true;
            }
            if (b.txs[i].tx.type == BRAID_TX_BLOB) {
                saw_blob = true;
                uint64_t blob_used = 0;
                braid_json_u64(json_object_get(o, "blobGasUsed"), &blob_used);
                json_t *price = rpcj_u256(blob_price);
                CHECK(blob_used == b.txs[i].tx.n_blob_hashes * (uint64_t)BRAID_GAS_PER_BLOB && blob_used > 0 &&
                      json_equal(json_object_get(o, "blobGasPrice"), price));
                json_decref(price);
            } else {
                CHECK(!json_object_get(o, "blobGasUsed") && !json_object_get(o, "blobGasPrice"));
            }
            json_decref(o);
        }
        CHECKF(memcmp(bloom, b.header.bloom, BRAID_BLOOM_SIZE) == 0, "block %s: the receipts' blooms do not OR to the header's",
               number);
        CHECK(saw_blob == expect_blob && (saw_log || b.header.number < 1000000));
        printf("receipts of block %s: %zu, %llu logs\n", number, res.n_receipts, (unsigned long long)log_index);
    }
    braid_block_result_free(&res);
    if (rc == 0 || b.txs) braid_block_free(&b);
    braid_vm_destroy(vm);
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    json_decref(jpre);
    json_decref(jblock);
    json_decref(jhashes);
}

/* Creations (the address comes from sender and nonce even when the creation failed), a pending-style
 * receipt's empty logs, a pre-Byzantium root, and the log object on its own. */
static void test_receipt_shapes(void) {
    braid_signed_tx stx;
    memset(&stx, 0, sizeof stx);
    stx.tx.type = BRAID_TX_LEGACY;
    stx.tx.is_create = true;
    stx.tx.sender = A("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
    stx.tx.gas_price = braid_u256_from_u64(7);
    stx.tx.data = (const uint8_t *)"";
    braid_receipt r;
    memset(&r, 0, sizeof r);
    r.success = false;
    r.gas_used = r.cumulative_gas = 53000;
    rpcj_receipt_in in = {&r, &stx, H(HASH64), 5, 6, 0, 0, true, braid_u256_from_u64(1000), BRAID_U256_ZERO};
    for (uint64_t nonce = 0; nonce < 2; nonce++) {
        stx.tx.nonce = nonce;
        json_t *o = rpcj_receipt(&in);
        CHECK(str_is(json_object_get(o, "contractAddress"), nonce == 0 ? "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"
                                                                       : "0x343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
        CHECK(json_is_null(json_object_get(o, "to")) && str_is(json_object_get(o, "status"), "0x0") &&
              json_is_array(json_object_get(o, "logs")) && json_array_size(json_object_get(o, "logs")) == 0 &&
              str_is(json_object_get(o, "effectiveGasPrice"), "0x7") && str_is(json_object_get(o, "type"), "0x0"));
        /* geth writes a receipt as a Go map: keys sorted */
        const char *prev = "";
        const char *key;
        json_t *v;
        bool sorted = true;
        json_object_foreach(o, key, v) {
            sorted &= strcmp(prev, key) < 0;
            prev = key;
        }
        CHECK(sorted);
        json_decref(o);
    }
    r.has_post_state = true;
    r.post_state = H(HASH64B);
    json_t *o = rpcj_receipt(&in);
    CHECK(str_is(json_object_get(o, "root"), HASH64B) && !json_object_get(o, "status"));
    json_decref(o);

    /* a dynamic-fee transaction whose cap is below base fee + tip pays its cap */
    stx.tx.type = BRAID_TX_DYNAMIC_FEE;
    stx.tx.max_fee_per_gas = braid_u256_from_u64(1500);
    stx.tx.max_priority_fee_per_gas = braid_u256_from_u64(600);
    o = rpcj_receipt(&in);
    CHECK(str_is(json_object_get(o, "effectiveGasPrice"), "0x5dc"));
    json_decref(o);
    stx.tx.max_priority_fee_per_gas = braid_u256_from_u64(400);
    o = rpcj_receipt(&in);
    CHECK(str_is(json_object_get(o, "effectiveGasPrice"), "0x578"));
    json_decref(o);
    /* a tip so large that base fee + tip overflows 256 bits still pays the cap */
    stx.tx.max_priority_fee_per_gas = (braid_u256){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
    o = rpcj_receipt(&in);
    CHECK(str_is(json_object_get(o, "effectiveGasPrice"), "0x5dc"));
    json_decref(o);

    /* the log object, in geth's field order */
    uint8_t data[3] = {1, 2, 3};
    const char *topics[] = {HASH64, HASH64B};
    braid_log l = make_log(ADDR40, 2, topics);
    l.data = data;
    l.data_len = 3;
    rpcj_log_pos pos = {H(HASH64B), 0x10, 0x20, H(HASH64), 3, 9, false};
    o = rpcj_log(&l, &pos);
    char *text = json_dumps(o, JSON_COMPACT);
    const char *want = "{\"address\":\"" ADDR40 "\",\"topics\":[\"" HASH64 "\",\"" HASH64B "\"],\"data\":\"0x010203\","
                       "\"blockNumber\":\"0x10\",\"transactionHash\":\"" HASH64 "\",\"transactionIndex\":\"0x3\","
                       "\"blockHash\":\"" HASH64B "\",\"blockTimestamp\":\"0x20\",\"logIndex\":\"0x9\",\"removed\":false}";
    CHECKF(strcmp(text, want) == 0, "log: %s", text);
    free(text);
    json_decref(o);
    l.n_topics = 0;
    l.data_len = 0;
    o = rpcj_log(&l, NULL);
    CHECK(json_array_size(json_object_get(o, "topics")) == 0 && str_is(json_object_get(o, "data"), "0x") &&
          str_is(json_object_get(o, "logIndex"), "0x0"));
    json_decref(o);
}

/* A transaction object's keys come in geth's struct order. */
static void test_tx_key_order(void) {
    json_t *orig = load_mainnet("19923400", "block");
    braid_block b;
    char err[256];
    size_t failed;
    if (!orig || braid_block_from_json(orig, &b, err, sizeof err)) {
        CHECK(0);
        json_decref(orig);
        return;
    }
    braid_block_recover_senders(&b, braid_chain_mainnet(), &failed, err, sizeof err);
    static const char *const order[] = {"blockHash", "blockNumber", "blockTimestamp", "from", "gas", "gasPrice", "maxFeePerGas",
                                        "maxPriorityFeePerGas", "maxFeePerBlobGas", "hash", "input", "nonce", "to",
                                        "transactionIndex", "value", "type", "accessList", "chainId", "blobVersionedHashes",
                                        "v", "r", "s", "yParity"};
    bool saw_blob = false;
    for (size_t i = 0; i < b.n_txs; i++) {
        rpcj_tx_pos pos = {b.header.hash, b.header.number, b.header.timestamp, i, true, b.header.base_fee};
        json_t *t = rpcj_tx(&b.txs[i], &pos);
        size_t at = 0;
        bool ok = true;
        const char *key;
        json_t *v;
        json_object_foreach(t, key, v) {
            while (at < sizeof order / sizeof order[0] && strcmp(order[at], key) != 0) at++;
            ok &= at < sizeof order / sizeof order[0];
        }
        CHECKF(ok, "tx %zu: keys out of geth's order", i);
        saw_blob |= b.txs[i].tx.type == BRAID_TX_BLOB && json_object_get(t, "blobVersionedHashes") &&
                    json_object_get(t, "maxFeePerBlobGas");
        json_decref(t);
    }
    CHECK(saw_blob);
    /* a block object's keys are sorted (a Go map) */
    json_t *o = rpcj_block(&b.header, 1, b.txs, b.n_txs, false, b.withdrawals, b.n_withdrawals, b.has_withdrawals);
    const char *prev = "", *key;
    json_t *v;
    bool sorted = true;
    json_object_foreach(o, key, v) {
        sorted &= strcmp(prev, key) < 0;
        prev = key;
    }
    CHECK(sorted);
    json_decref(o);
    braid_block_free(&b);
    json_decref(orig);
}

int main(void) {
    test_parse_tables();
    test_scalar_values();
    test_block_refs();
    test_storage_keys();
    test_call_args();
    test_state_override();
    test_log_filter();
    test_params();
    test_scalars_out();
    test_receipt_shapes();
    test_mainnet();
    test_tx_key_order();
    test_receipts_of("19923400", true);
    test_receipts_of("46147", false);
    test_receipts_of("4370000", false);
    test_fixtures();
    test_hostile();
    return test_summary("test_rpc_json");
}
