/* The EVM: executing messages (calls and creations) against a braid_state under one fork's rules.
 *
 * A braid_vm holds what one thread needs to execute: per-depth stacks and memories reused across calls
 * (the hot path allocates nothing once they are warm), and the current execution context. It is not a
 * state: the same vm runs any number of transactions against any states.
 *
 * Thread contract: a braid_vm belongs to one thread at a time; use one per worker. */
#ifndef BRAID_EVM_H
#define BRAID_EVM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "braid_bytes.h"
#include "braid_fork.h"
#include "braid_state.h"
#include "braid_u256.h"

#define BRAID_MAX_CALL_DEPTH 1024
#define BRAID_MAX_CODE_SIZE 24576     /* EIP-170 */
#define BRAID_MAX_INITCODE_SIZE 49152 /* EIP-3860 */

/* How an execution ended. Everything but SUCCESS reverts the frame's state changes; everything but
 * SUCCESS and REVERT also consumes all the frame's gas. */
typedef enum braid_status {
    BRAID_SUCCESS = 0,
    BRAID_REVERT,
    BRAID_OUT_OF_GAS,
    BRAID_INVALID_INSTRUCTION, /* 0xFE */
    BRAID_UNDEFINED_INSTRUCTION,
    BRAID_STACK_OVERFLOW,
    BRAID_STACK_UNDERFLOW,
    BRAID_BAD_JUMP_DESTINATION,
    BRAID_INVALID_MEMORY_ACCESS, /* RETURNDATACOPY out of bounds */
    BRAID_STATIC_MODE_VIOLATION,
    BRAID_PRECOMPILE_FAILURE,
    BRAID_CONTRACT_VALIDATION_FAILURE, /* code too large, or starting with 0xEF */
    BRAID_CREATE_COLLISION,
    BRAID_INSUFFICIENT_BALANCE, /* value transfer the caller cannot pay: gas is returned */
    BRAID_CALL_DEPTH_EXCEEDED,  /* gas is returned */
    BRAID_NONCE_OVERFLOW,       /* gas is returned */
} braid_status;

const char *braid_status_name(braid_status status);

/* The block a transaction executes in. */
typedef struct braid_block_env {
    braid_address coinbase;
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit;
    braid_u256 difficulty;  /* DIFFICULTY before Paris */
    braid_u256 prev_randao; /* PREVRANDAO from Paris */
    braid_u256 base_fee;
    braid_u256 blob_base_fee;
    braid_u256 chain_id;
    /* BLOCKHASH: returns false when the hash is unknown (the opcode then yields zero). Only called for
     * the 256 blocks before `number`. */
    bool (*block_hash)(void *ctx, uint64_t number, braid_hash *out);
    void *block_hash_ctx;
} braid_block_env;

/* The transaction-wide context. */
typedef struct braid_tx_env {
    braid_address origin;
    braid_u256 gas_price; /* the effective gas price */
    const braid_hash *blob_hashes;
    size_t n_blob_hashes;
} braid_tx_env;

typedef enum braid_call_kind {
    BRAID_CALL,
    BRAID_CALLCODE,
    BRAID_DELEGATECALL,
    BRAID_STATICCALL,
    BRAID_CREATE,
    BRAID_CREATE2,
} braid_call_kind;

typedef struct braid_message {
    braid_call_kind kind;
    bool is_static;
    int depth; /* 0 for the transaction's own call */
    int64_t gas;
    braid_address recipient;    /* whose storage and balance the code runs with (the new address for a create) */
    braid_address sender;       /* CALLER */
    braid_address code_address; /* whose code runs (differs for CALLCODE/DELEGATECALL) */
    braid_u256 value;           /* CALLVALUE; transferred for CALL, CALLCODE and creations */
    const uint8_t *input;       /* call data, or init code for a create */
    size_t input_len;
} braid_message;

typedef struct braid_result {
    braid_status status;
    int64_t gas_left;
    /* Output (return or revert data); owned by the vm, valid until the next message at the same depth. */
    const uint8_t *output;
    size_t output_len;
} braid_result;

/* One instruction about to execute, as tracers see it (EIP-3155 fields, and what geth's struct logger
 * shows besides). Every pointer is valid only during the step callback. */
typedef struct braid_step {
    uint64_t pc;
    uint8_t op;
    int64_t gas;      /* before the instruction */
    int64_t gas_cost; /* the instruction's static cost (the dynamic parts show in the gas of what follows) */
    uint64_t mem_size;
    const braid_u256 *stack; /* bottom first */
    size_t stack_size;
    int depth; /* 1 for the transaction's own call, as EIP-3155 counts */
    int64_t refund;
    const braid_address *address; /* whose storage the code runs with (the caller's under DELEGATECALL) */
    const uint8_t *memory;        /* mem_size bytes */
    /* What the frame's last call or creation returned (RETURNDATASIZE bytes); empty before the first. */
    const uint8_t *return_data;
    size_t return_data_len;
} braid_step;

/* Execution hooks. A vm without a tracer runs a loop compiled without any hook calls, so tracing costs
 * nothing when it is off. Every hook but `step` is optional (NULL: not called); a tracer made without
 * designated initialisers must zero what it does not use. */
typedef struct braid_tracer {
    void *ctx;
    void (*step)(void *ctx, const braid_step *step);
    /* A frame's code has stopped: after its last step, before its caller goes on. `depth` counts as in
     * braid_step. `gas` is the frame's gas counter at that moment: what it returns for SUCCESS and
     * REVERT; after an exceptional halt, the counter once the charge that failed was taken (negative
     * for OUT_OF_GAS), before the frame forfeits it. The instruction that ended the frame therefore
     * cost its step's gas minus `gas` (for a stack error, which is found before anything is charged,
     * its static cost). */
    void (*frame_end)(void *ctx, int depth, braid_status status, int64_t gas);
    /* A CALL-family or CREATE instruction (the last step reported) has paid its own costs and gives
     * `callee_gas` (with the 2300 stipend of a call with value) to the message it now starts: `gas_left`
     * is what its frame keeps. Reported before any step of the callee, also when the callee is a
     * precompile, has no code or fails its depth or balance checks. Not reported for a creation the
     * creator's depth, balance or nonce rules out before any gas is handed over. */
    void (*call_start)(void *ctx, int64_t gas_left, int64_t callee_gas);
} braid_tracer;

/* A tracer printing EIP-3155 JSON lines (one object per instruction, as geth's and evmone's tools do)
 * to `out`. */
void braid_tracer_eip3155(braid_tracer *tracer, FILE *out);
/* The closing line of a traced transaction: {"output":..., "gasUsed":..., "error":...}. */
void braid_tracer_eip3155_summary(FILE *out, const uint8_t *output, size_t output_len, uint64_t gas_used,
                                  const char *error);

typedef struct braid_vm braid_vm;

/* The stack a thread that runs the vm needs: 1024 nested calls recurse through the interpreter, and a
 * sanitizer build's frames are several times larger. Only the pages touched are ever committed. */
#define BRAID_VM_STACK_SIZE ((size_t)64 << 20)

braid_vm *braid_vm_create(void);
void braid_vm_destroy(braid_vm *vm);
/* `tracer` may be NULL; it must outlive its use. */
void braid_vm_set_tracer(braid_vm *vm, const braid_tracer *tracer);

/* The monotonic clock (CLOCK_MONOTONIC) in nanoseconds: what deadlines are measured on. */
uint64_t braid_clock_ns(void);
/* Stops the vm's executions once braid_clock_ns() reaches `deadline_ns`: from then on every frame
 * fails as out of gas at its next jump, call or start, so a transaction under way unwinds within
 * microseconds and braid_vm_timed_out says why. For calls served to others (eth_call), whose gas
 * alone may allow seconds of work. 0, the default, sets none: execution then runs the loop that never
 * reads the clock. Also clears braid_vm_timed_out. */
void braid_vm_set_deadline(braid_vm *vm, uint64_t deadline_ns);
/* Whether the deadline stopped an execution since it was set. */
bool braid_vm_timed_out(const braid_vm *vm);

/* Binds the vm to a state, fork, block and transaction before executing messages. */
void braid_vm_begin(braid_vm *vm, braid_state *state, braid_fork fork, const braid_block_env *block,
                    const braid_tx_env *tx);

/* KECCAK256 of 64-byte inputs (a mapping entry's slot: key word, then the mapping's slot word) seen
 * by the vm while a log is set: what a block executor learns its hints from (src/parallel). At most
 * BRAID_KECCAK_LOG_MAX per log; later ones are dropped. */
#define BRAID_KECCAK_LOG_MAX 4
typedef struct braid_keccak_log {
    size_t n;
    uint8_t inputs[BRAID_KECCAK_LOG_MAX][64];
} braid_keccak_log;
/* `log` may be NULL (the default: nothing is recorded). */
void braid_vm_set_keccak_log(braid_vm *vm, braid_keccak_log *log);
/* Tells the vm the hash of a short input (at most 64 bytes) ahead of time, as if it had computed it:
 * it must be keccak256(input), or later executions go wrong. */
void braid_vm_keccak_remember(braid_vm *vm, const uint8_t *input, size_t len, const uint8_t hash[32]);

/* Executes a call message (CALL kinds): depth and balance checks, value transfer, precompiles, code. */
braid_result braid_vm_call(braid_vm *vm, const braid_message *msg);
/* Executes a creation at msg->recipient (already derived and with the creator's nonce already bumped):
 * collision check, account creation, init code, code deposit. */
braid_result braid_vm_create_contract(braid_vm *vm, const braid_message *msg);

/* Contract addresses. */
braid_address braid_create_address(const braid_address *sender, uint64_t nonce);
braid_address braid_create2_address(const braid_address *sender, const uint8_t salt[32], const braid_hash *init_hash);

#endif
