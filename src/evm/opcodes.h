/* The one list of EVM instructions: opcode, name, first fork, stack items taken and pushed.
 * Names, stack requirements, availability per fork and the trace output all derive from it; the static
 * gas costs per fork are built in gas_table.c from braid_base_gas below. */
#ifndef BRAID_OPCODES_H
#define BRAID_OPCODES_H

#include <stdint.h>

#include "braid/braid_fork.h"

#define F_FRONTIER BRAID_FORK_FRONTIER
#define F_HOMESTEAD BRAID_FORK_HOMESTEAD
#define F_BYZANTIUM BRAID_FORK_BYZANTIUM
#define F_CONSTANTINOPLE BRAID_FORK_CONSTANTINOPLE
#define F_ISTANBUL BRAID_FORK_ISTANBUL
#define F_LONDON BRAID_FORK_LONDON
#define F_SHANGHAI BRAID_FORK_SHANGHAI
#define F_CANCUN BRAID_FORK_CANCUN

/* X(opcode, NAME, first fork, pops, pushes) */
#define BRAID_OPCODES(X)                                 \
    X(0x00, STOP, F_FRONTIER, 0, 0)                      \
    X(0x01, ADD, F_FRONTIER, 2, 1)                       \
    X(0x02, MUL, F_FRONTIER, 2, 1)                       \
    X(0x03, SUB, F_FRONTIER, 2, 1)                       \
    X(0x04, DIV, F_FRONTIER, 2, 1)                       \
    X(0x05, SDIV, F_FRONTIER, 2, 1)                      \
    X(0x06, MOD, F_FRONTIER, 2, 1)                       \
    X(0x07, SMOD, F_FRONTIER, 2, 1)                      \
    X(0x08, ADDMOD, F_FRONTIER, 3, 1)                    \
    X(0x09, MULMOD, F_FRONTIER, 3, 1)                    \
    X(0x0a, EXP, F_FRONTIER, 2, 1)                       \
    X(0x0b, SIGNEXTEND, F_FRONTIER, 2, 1)                \
    X(0x10, LT, F_FRONTIER, 2, 1)                        \
    X(0x11, GT, F_FRONTIER, 2, 1)                        \
    X(0x12, SLT, F_FRONTIER, 2, 1)                       \
    X(0x13, SGT, F_FRONTIER, 2, 1)                       \
    X(0x14, EQ, F_FRONTIER, 2, 1)                        \
    X(0x15, ISZERO, F_FRONTIER, 1, 1)                    \
    X(0x16, AND, F_FRONTIER, 2, 1)                       \
    X(0x17, OR, F_FRONTIER, 2, 1)                        \
    X(0x18, XOR, F_FRONTIER, 2, 1)                       \
    X(0x19, NOT, F_FRONTIER, 1, 1)                       \
    X(0x1a, BYTE, F_FRONTIER, 2, 1)                      \
    X(0x1b, SHL, F_CONSTANTINOPLE, 2, 1)                 \
    X(0x1c, SHR, F_CONSTANTINOPLE, 2, 1)                 \
    X(0x1d, SAR, F_CONSTANTINOPLE, 2, 1)                 \
    X(0x20, KECCAK256, F_FRONTIER, 2, 1)                 \
    X(0x30, ADDRESS, F_FRONTIER, 0, 1)                   \
    X(0x31, BALANCE, F_FRONTIER, 1, 1)                   \
    X(0x32, ORIGIN, F_FRONTIER, 0, 1)                    \
    X(0x33, CALLER, F_FRONTIER, 0, 1)                    \
    X(0x34, CALLVALUE, F_FRONTIER, 0, 1)                 \
    X(0x35, CALLDATALOAD, F_FRONTIER, 1, 1)              \
    X(0x36, CALLDATASIZE, F_FRONTIER, 0, 1)              \
    X(0x37, CALLDATACOPY, F_FRONTIER, 3, 0)              \
    X(0x38, CODESIZE, F_FRONTIER, 0, 1)                  \
    X(0x39, CODECOPY, F_FRONTIER, 3, 0)                  \
    X(0x3a, GASPRICE, F_FRONTIER, 0, 1)                  \
    X(0x3b, EXTCODESIZE, F_FRONTIER, 1, 1)               \
    X(0x3c, EXTCODECOPY, F_FRONTIER, 4, 0)               \
    X(0x3d, RETURNDATASIZE, F_BYZANTIUM, 0, 1)           \
    X(0x3e, RETURNDATACOPY, F_BYZANTIUM, 3, 0)           \
    X(0x3f, EXTCODEHASH, F_CONSTANTINOPLE, 1, 1)         \
    X(0x40, BLOCKHASH, F_FRONTIER, 1, 1)                 \
    X(0x41, COINBASE, F_FRONTIER, 0, 1)                  \
    X(0x42, TIMESTAMP, F_FRONTIER, 0, 1)                 \
    X(0x43, NUMBER, F_FRONTIER, 0, 1)                    \
    X(0x44, PREVRANDAO, F_FRONTIER, 0, 1)                \
    X(0x45, GASLIMIT, F_FRONTIER, 0, 1)                  \
    X(0x46, CHAINID, F_ISTANBUL, 0, 1)                   \
    X(0x47, SELFBALANCE, F_ISTANBUL, 0, 1)               \
    X(0x48, BASEFEE, F_LONDON, 0, 1)                     \
    X(0x49, BLOBHASH, F_CANCUN, 1, 1)                    \
    X(0x4a, BLOBBASEFEE, F_CANCUN, 0, 1)                 \
    X(0x50, POP, F_FRONTIER, 1, 0)                       \
    X(0x51, MLOAD, F_FRONTIER, 1, 1)                     \
    X(0x52, MSTORE, F_FRONTIER, 2, 0)                    \
    X(0x53, MSTORE8, F_FRONTIER, 2, 0)                   \
    X(0x54, SLOAD, F_FRONTIER, 1, 1)                     \
    X(0x55, SSTORE, F_FRONTIER, 2, 0)                    \
    X(0x56, JUMP, F_FRONTIER, 1, 0)                      \
    X(0x57, JUMPI, F_FRONTIER, 2, 0)                     \
    X(0x58, PC, F_FRONTIER, 0, 1)                        \
    X(0x59, MSIZE, F_FRONTIER, 0, 1)                     \
    X(0x5a, GAS, F_FRONTIER, 0, 1)                       \
    X(0x5b, JUMPDEST, F_FRONTIER, 0, 0)                  \
    X(0x5c, TLOAD, F_CANCUN, 1, 1)                       \
    X(0x5d, TSTORE, F_CANCUN, 2, 0)                      \
    X(0x5e, MCOPY, F_CANCUN, 3, 0)                       \
    X(0x5f, PUSH0, F_SHANGHAI, 0, 1)                     \
    BRAID_PUSH_OPCODES(X)                                \
    BRAID_DUP_OPCODES(X)                                 \
    BRAID_SWAP_OPCODES(X)                                \
    X(0xa0, LOG0, F_FRONTIER, 2, 0)                      \
    X(0xa1, LOG1, F_FRONTIER, 3, 0)                      \
    X(0xa2, LOG2, F_FRONTIER, 4, 0)                      \
    X(0xa3, LOG3, F_FRONTIER, 5, 0)                      \
    X(0xa4, LOG4, F_FRONTIER, 6, 0)                      \
    X(0xf0, CREATE, F_FRONTIER, 3, 1)                    \
    X(0xf1, CALL, F_FRONTIER, 7, 1)                      \
    X(0xf2, CALLCODE, F_FRONTIER, 7, 1)                  \
    X(0xf3, RETURN, F_FRONTIER, 2, 0)                    \
    X(0xf4, DELEGATECALL, F_HOMESTEAD, 6, 1)             \
    X(0xf5, CREATE2, F_CONSTANTINOPLE, 4, 1)             \
    X(0xfa, STATICCALL, F_BYZANTIUM, 6, 1)               \
    X(0xfd, REVERT, F_BYZANTIUM, 2, 0)                   \
    X(0xfe, INVALID, F_FRONTIER, 0, 0)                   \
    X(0xff, SELFDESTRUCT, F_FRONTIER, 1, 0)

#define BRAID_PUSH_OPCODES(X)                                                                              \
    X(0x60, PUSH1, F_FRONTIER, 0, 1) X(0x61, PUSH2, F_FRONTIER, 0, 1) X(0x62, PUSH3, F_FRONTIER, 0, 1)     \
    X(0x63, PUSH4, F_FRONTIER, 0, 1) X(0x64, PUSH5, F_FRONTIER, 0, 1) X(0x65, PUSH6, F_FRONTIER, 0, 1)     \
    X(0x66, PUSH7, F_FRONTIER, 0, 1) X(0x67, PUSH8, F_FRONTIER, 0, 1) X(0x68, PUSH9, F_FRONTIER, 0, 1)     \
    X(0x69, PUSH10, F_FRONTIER, 0, 1) X(0x6a, PUSH11, F_FRONTIER, 0, 1) X(0x6b, PUSH12, F_FRONTIER, 0, 1)  \
    X(0x6c, PUSH13, F_FRONTIER, 0, 1) X(0x6d, PUSH14, F_FRONTIER, 0, 1) X(0x6e, PUSH15, F_FRONTIER, 0, 1)  \
    X(0x6f, PUSH16, F_FRONTIER, 0, 1) X(0x70, PUSH17, F_FRONTIER, 0, 1) X(0x71, PUSH18, F_FRONTIER, 0, 1)  \
    X(0x72, PUSH19, F_FRONTIER, 0, 1) X(0x73, PUSH20, F_FRONTIER, 0, 1) X(0x74, PUSH21, F_FRONTIER, 0, 1)  \
    X(0x75, PUSH22, F_FRONTIER, 0, 1) X(0x76, PUSH23, F_FRONTIER, 0, 1) X(0x77, PUSH24, F_FRONTIER, 0, 1)  \
    X(0x78, PUSH25, F_FRONTIER, 0, 1) X(0x79, PUSH26, F_FRONTIER, 0, 1) X(0x7a, PUSH27, F_FRONTIER, 0, 1)  \
    X(0x7b, PUSH28, F_FRONTIER, 0, 1) X(0x7c, PUSH29, F_FRONTIER, 0, 1) X(0x7d, PUSH30, F_FRONTIER, 0, 1)  \
    X(0x7e, PUSH31, F_FRONTIER, 0, 1) X(0x7f, PUSH32, F_FRONTIER, 0, 1)

#define BRAID_DUP_OPCODES(X)                                                                               \
    X(0x80, DUP1, F_FRONTIER, 1, 2) X(0x81, DUP2, F_FRONTIER, 2, 3) X(0x82, DUP3, F_FRONTIER, 3, 4)        \
    X(0x83, DUP4, F_FRONTIER, 4, 5) X(0x84, DUP5, F_FRONTIER, 5, 6) X(0x85, DUP6, F_FRONTIER, 6, 7)        \
    X(0x86, DUP7, F_FRONTIER, 7, 8) X(0x87, DUP8, F_FRONTIER, 8, 9) X(0x88, DUP9, F_FRONTIER, 9, 10)       \
    X(0x89, DUP10, F_FRONTIER, 10, 11) X(0x8a, DUP11, F_FRONTIER, 11, 12)                                  \
    X(0x8b, DUP12, F_FRONTIER, 12, 13) X(0x8c, DUP13, F_FRONTIER, 13, 14)                                  \
    X(0x8d, DUP14, F_FRONTIER, 14, 15) X(0x8e, DUP15, F_FRONTIER, 15, 16)                                  \
    X(0x8f, DUP16, F_FRONTIER, 16, 17)

#define BRAID_SWAP_OPCODES(X)                                                                              \
    X(0x90, SWAP1, F_FRONTIER, 2, 2) X(0x91, SWAP2, F_FRONTIER, 3, 3) X(0x92, SWAP3, F_FRONTIER, 4, 4)     \
    X(0x93, SWAP4, F_FRONTIER, 5, 5) X(0x94, SWAP5, F_FRONTIER, 6, 6) X(0x95, SWAP6, F_FRONTIER, 7, 7)     \
    X(0x96, SWAP7, F_FRONTIER, 8, 8) X(0x97, SWAP8, F_FRONTIER, 9, 9) X(0x98, SWAP9, F_FRONTIER, 10, 10)   \
    X(0x99, SWAP10, F_FRONTIER, 11, 11) X(0x9a, SWAP11, F_FRONTIER, 12, 12)                                \
    X(0x9b, SWAP12, F_FRONTIER, 13, 13) X(0x9c, SWAP13, F_FRONTIER, 14, 14)                                \
    X(0x9d, SWAP14, F_FRONTIER, 15, 15) X(0x9e, SWAP15, F_FRONTIER, 16, 16)                                \
    X(0x9f, SWAP16, F_FRONTIER, 17, 17)

enum braid_opcode {
#define X(code, name, fork, pops, pushes) OP_##name = code,
    BRAID_OPCODES(X)
#undef X
};

/* Static gas at Frontier, the same in every later fork except for the instructions that
 * braid_gas_repriced names (EIP-150, EIP-1884, EIP-2929): gas_table.c builds the per-fork table from
 * both, and the interpreter charges the constant directly where it never changes. */
static const int32_t braid_base_gas[256] = {
    [OP_STOP] = 0, [OP_ADD] = 3, [OP_MUL] = 5, [OP_SUB] = 3, [OP_DIV] = 5, [OP_SDIV] = 5,
    [OP_MOD] = 5, [OP_SMOD] = 5, [OP_ADDMOD] = 8, [OP_MULMOD] = 8, [OP_EXP] = 10, [OP_SIGNEXTEND] = 5,
    [OP_LT] = 3, [OP_GT] = 3, [OP_SLT] = 3, [OP_SGT] = 3, [OP_EQ] = 3, [OP_ISZERO] = 3,
    [OP_AND] = 3, [OP_OR] = 3, [OP_XOR] = 3, [OP_NOT] = 3, [OP_BYTE] = 3, [OP_SHL] = 3,
    [OP_SHR] = 3, [OP_SAR] = 3, [OP_KECCAK256] = 30, [OP_ADDRESS] = 2, [OP_BALANCE] = 20, [OP_ORIGIN] = 2,
    [OP_CALLER] = 2, [OP_CALLVALUE] = 2, [OP_CALLDATALOAD] = 3, [OP_CALLDATASIZE] = 2, [OP_CALLDATACOPY] = 3, [OP_CODESIZE] = 2,
    [OP_CODECOPY] = 3, [OP_GASPRICE] = 2, [OP_EXTCODESIZE] = 20, [OP_EXTCODECOPY] = 20, [OP_RETURNDATASIZE] = 2, [OP_RETURNDATACOPY] = 3,
    [OP_EXTCODEHASH] = 400, [OP_BLOCKHASH] = 20, [OP_COINBASE] = 2, [OP_TIMESTAMP] = 2, [OP_NUMBER] = 2, [OP_PREVRANDAO] = 2,
    [OP_GASLIMIT] = 2, [OP_CHAINID] = 2, [OP_SELFBALANCE] = 5, [OP_BASEFEE] = 2, [OP_BLOBHASH] = 3, [OP_BLOBBASEFEE] = 2,
    [OP_POP] = 2, [OP_MLOAD] = 3, [OP_MSTORE] = 3, [OP_MSTORE8] = 3, [OP_SLOAD] = 50, [OP_SSTORE] = 0,
    [OP_JUMP] = 8, [OP_JUMPI] = 10, [OP_PC] = 2, [OP_MSIZE] = 2, [OP_GAS] = 2, [OP_JUMPDEST] = 1,
    [OP_TLOAD] = 100, [OP_TSTORE] = 100, [OP_MCOPY] = 3, [OP_PUSH0] = 2, [OP_LOG0] = 375, [OP_LOG1] = 750,
    [OP_LOG2] = 1125, [OP_LOG3] = 1500, [OP_LOG4] = 1875, [OP_CREATE] = 32000, [OP_CALL] = 40, [OP_CALLCODE] = 40,
    [OP_RETURN] = 0, [OP_DELEGATECALL] = 40, [OP_CREATE2] = 32000, [OP_STATICCALL] = 700, [OP_REVERT] = 0, [OP_INVALID] = 0,
    [OP_SELFDESTRUCT] = 0,
    [0x60 ... 0x9f] = 3, /* PUSH, DUP, SWAP */
};

static inline int braid_gas_repriced(unsigned op) {
    return op == OP_BALANCE || op == OP_EXTCODESIZE || op == OP_EXTCODECOPY || op == OP_EXTCODEHASH ||
           op == OP_SLOAD || op == OP_CALL || op == OP_CALLCODE || op == OP_DELEGATECALL || op == OP_STATICCALL ||
           op == OP_SELFDESTRUCT;
}

/* Static gas per fork and opcode; -1 marks an instruction the fork does not have. */
extern int32_t braid_gas_costs[BRAID_FORK_COUNT][256];
/* Name of an opcode ("0x0c" style text is not produced: undefined opcodes give "UNDEFINED"). */
const char *braid_opcode_name(uint8_t op);
/* Builds the tables once (thread-safe, idempotent). */
void braid_gas_tables_init(void);

#endif
