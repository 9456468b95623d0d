/* Static gas costs per fork, derived from the opcode list plus the repricings of each fork.
 * Dynamic parts (memory, copies, cold access, SSTORE, calls, EXP bytes) are charged by the handlers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "opcodes.h"

int32_t braid_gas_costs[BRAID_FORK_COUNT][256];

static const char *opcode_names[256];


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

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        opcode_names[ops[i].op] = ops[i].name;
        set(ops[i].since, ops[i].op, braid_base_gas[ops[i].op]);
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

    /* The interpreter charges braid_base_gas for every instruction braid_gas_repriced does not name:
     * a repricing above that it does not know of would be charged wrongly. */
    for (int f = 0; f < BRAID_FORK_COUNT; f++)
        for (int op = 0; op < 256; op++)
            if (braid_gas_costs[f][op] >= 0 && !braid_gas_repriced((unsigned)op) &&
                braid_gas_costs[f][op] != braid_base_gas[op]) {
                fprintf(stderr, "braid: gas table: opcode 0x%02x repriced but not in braid_gas_repriced\n", op);
                abort();
            }
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

void braid_gas_tables_init(void) { pthread_once(&tables_once, build); }

const char *braid_opcode_name(uint8_t op) {
    braid_gas_tables_init();
    return opcode_names[op];
}
