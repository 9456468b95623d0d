/* Static gas costs per fork, derived from the opcode list plus the repricings of each fork.
 * Dynamic parts (memory, copies, cold access, SSTORE, calls, EXP bytes) are charged by the handlers. */
#include <pthread.h>

#include "opcodes.h"

int32_t braid_gas_costs[BRAID_FORK_COUNT][256];

static const char *opcode_names[256];

static const struct {
    uint8_t op;
    int32_t cost;
} frontier_costs[] = {
    {OP_STOP, 0},         {OP_ADD, 3},           {OP_MUL, 5},          {OP_SUB, 3},          {OP_DIV, 5},
    {OP_SDIV, 5},         {OP_MOD, 5},           {OP_SMOD, 5},         {OP_ADDMOD, 8},       {OP_MULMOD, 8},
    {OP_EXP, 10},         {OP_SIGNEXTEND, 5},    {OP_LT, 3},           {OP_GT, 3},           {OP_SLT, 3},
    {OP_SGT, 3},          {OP_EQ, 3},            {OP_ISZERO, 3},       {OP_AND, 3},          {OP_OR, 3},
    {OP_XOR, 3},          {OP_NOT, 3},           {OP_BYTE, 3},         {OP_SHL, 3},          {OP_SHR, 3},
    {OP_SAR, 3},          {OP_KECCAK256, 30},    {OP_ADDRESS, 2},      {OP_BALANCE, 20},     {OP_ORIGIN, 2},
    {OP_CALLER, 2},       {OP_CALLVALUE, 2},     {OP_CALLDATALOAD, 3}, {OP_CALLDATASIZE, 2}, {OP_CALLDATACOPY, 3},
    {OP_CODESIZE, 2},     {OP_CODECOPY, 3},      {OP_GASPRICE, 2},     {OP_EXTCODESIZE, 20}, {OP_EXTCODECOPY, 20},
    {OP_RETURNDATASIZE, 2}, {OP_RETURNDATACOPY, 3}, {OP_EXTCODEHASH, 400}, {OP_BLOCKHASH, 20}, {OP_COINBASE, 2},
    {OP_TIMESTAMP, 2},    {OP_NUMBER, 2},        {OP_PREVRANDAO, 2},   {OP_GASLIMIT, 2},     {OP_CHAINID, 2},
    {OP_SELFBALANCE, 5},  {OP_BASEFEE, 2},       {OP_BLOBHASH, 3},     {OP_BLOBBASEFEE, 2},  {OP_POP, 2},
    {OP_MLOAD, 3},        {OP_MSTORE, 3},        {OP_MSTORE8, 3},      {OP_SLOAD, 50},       {OP_SSTORE, 0},
    {OP_JUMP, 8},         {OP_JUMPI, 10},        {OP_PC, 2},           {OP_MSIZE, 2},        {OP_GAS, 2},
    {OP_JUMPDEST, 1},     {OP_TLOAD, 100},       {OP_TSTORE, 100},     {OP_MCOPY, 3},        {OP_PUSH0, 2},
    {OP_LOG0, 375},       {OP_LOG1, 750},        {OP_LOG2, 1125},      {OP_LOG3, 1500},      {OP_LOG4, 1875},
    {OP_CREATE, 32000},   {OP_CALL, 40},         {OP_CALLCODE, 40},    {OP_RETURN, 0},       {OP_DELEGATECALL, 40},
    {OP_CREATE2, 32000},  {OP_STATICCALL, 700},  {OP_REVERT, 0},       {OP_INVALID, 0},      {OP_SELFDESTRUCT, 0},
};

static void set(braid_fork from, uint8_t op, int32_t cost) {
    for (int f = from; f < BRAID_FORK_COUNT; f++) braid_gas_costs[f][op] = cost;
}

static void build(void) {
    static const struct {
        uint8_t op;
        const char *name;
        braid_fork since;
    } ops[] = {
#define X(code, name, fork, pops, pushes) {code, #name, fork},
        BRAID_OPCODES(X)
#undef X
    };
    for (int f = 0; f < BRAID_FORK_COUNT; f++)
        for (int op = 0; op < 256; op++) braid_gas_costs[f][op] = -1;
    for (int op = 0; op < 256; op++) opcode_names[op] = "UNDEFINED";

    int32_t base[256];
    for (size_t i = 0; i < sizeof frontier_costs / sizeof frontier_costs[0]; i++)
        base[frontier_costs[i].op] = frontier_costs[i].cost;
    for (int op = 0x60; op <= 0x9f; op++) base[op] = 3; /* PUSH, DUP, SWAP */

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        opcode_names[ops[i].op] = ops[i].name;
        set(ops[i].since, ops[i].op, base[ops[i].op]);
    }

    /* EIP-150 (Tangerine Whistle): IO-heavy operations repriced. */
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_BALANCE, 400);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_EXTCODESIZE, 700);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_EXTCODECOPY, 700);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_SLOAD, 200);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_CALL, 700);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_CALLCODE, 700);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_DELEGATECALL, 700);
    set(BRAID_FORK_TANGERINE_WHISTLE, OP_SELFDESTRUCT, 5000);
    /* EIP-1884 (Istanbul). */
    set(BRAID_FORK_ISTANBUL, OP_BALANCE, 700);
    set(BRAID_FORK_ISTANBUL, OP_SLOAD, 800);
    set(BRAID_FORK_ISTANBUL, OP_EXTCODEHASH, 700);
    /* EIP-2929 (Berlin): the static part is the warm cost; the cold surcharge is dynamic. */
    static const uint8_t access_ops[] = {OP_BALANCE,      OP_EXTCODESIZE, OP_EXTCODECOPY, OP_EXTCODEHASH,
                                         OP_SLOAD,        OP_CALL,        OP_CALLCODE,    OP_DELEGATECALL,
                                         OP_STATICCALL};
    for (size_t i = 0; i < sizeof access_ops; i++) set(BRAID_FORK_BERLIN, access_ops[i], 100);
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

void braid_gas_tables_init(void) { pthread_once(&tables_once, build); }

const char *braid_opcode_name(uint8_t op) {
    braid_gas_tables_init();
    return opcode_names[op];
}
