/* Internal layout of braid_vm and the pieces of the interpreter that live outside its loop. */
#ifndef BRAID_VM_INTERNAL_H
#define BRAID_VM_INTERNAL_H

#include "braid/braid_evm.h"
#include "state/state.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NOINLINE __attribute__((noinline))

#define STACK_LIMIT 1024
/* Memory beyond 4 GiB is never affordable in practice; treating it as out of gas keeps sizes in 64 bits. */
#define MEMORY_LIMIT 0xffffffffull

/* Per-depth resources, allocated on first use and reused by every later frame at that depth. A frame's
 * memory is kept zero beyond its length, up to its capacity: growing within the capacity then writes
 * nothing, and a frame clears what the previous frame at its depth used when it starts. */
typedef struct vm_frame {
    braid_u256 *stack; /* STACK_LIMIT entries */
    braid_buf memory;  /* len = the frame's memory size (a multiple of 32) */
    /* init code of a creation running at this depth, analysed in place */
    braid_buf initcode, initcode_jumpdests;
    braid_code initcode_code;
} vm_frame;

/* KECCAK256 results for short inputs, remembered: a contract that reads and then writes a mapping entry
 * (a token balance) hashes the same 64 bytes twice in one transaction. A pure function, so entries
 * never go stale. Direct-mapped. */
#define VM_KECCAK_MEMO 16
#define VM_KECCAK_MEMO_MAX 64
typedef struct vm_keccak_memo {
    uint8_t len; /* 0: empty (empty input is not remembered) */
    uint8_t input[VM_KECCAK_MEMO_MAX];
    uint8_t hash[32];
} vm_keccak_memo;

struct braid_vm {
    braid_state *state;
    braid_fork fork;
    const braid_block_env *block;
    const braid_tx_env *tx;
    const int32_t *costs; /* braid_gas_costs[fork] */
    const braid_tracer *tracer;
    /* braid_vm_set_deadline: 0 for none. The bounded loop reads the clock when the countdown, taken
     * at every jump, call and frame start, reaches zero. */
    uint64_t deadline_ns;
    uint32_t clock_countdown;
    bool timed_out;
    vm_keccak_memo memo[VM_KECCAK_MEMO];
    braid_keccak_log *keccak_log;
    vm_frame frames[BRAID_MAX_CALL_DEPTH + 1];
};

/* keccak256(data[0, size)) through the memo. */
void vm_keccak(braid_vm *vm, const uint8_t *data, size_t size, uint8_t out[32]);

typedef struct vm_returndata {
    const uint8_t *data;
    size_t len;
} vm_returndata;

vm_frame *vm_frame_at(braid_vm *vm, int depth);

/* Runs `code` for `msg` (no value transfer or checkpointing: braid_vm_call does that). */
braid_result vm_execute(braid_vm *vm, const braid_message *msg, const braid_code *code);

/* Memory: grows the frame memory to cover [0, end) charging the expansion cost; false when out of gas. */
bool vm_memory_grow_slow(braid_buf *mem, uint64_t end, int64_t *gas);
static inline bool vm_memory_grow(braid_buf *mem, uint64_t end, int64_t *gas) {
    /* Most growth is into capacity already there, and already zero (structures allocated one by one). */
    size_t new_len = (size_t)((end + 31) / 32) * 32;
    if (end > MEMORY_LIMIT || new_len > mem->cap) return vm_memory_grow_slow(mem, end, gas);
    int64_t old_words = (int64_t)(mem->len / 32), new_words = (int64_t)(new_len / 32);
    int64_t cost = (3 * new_words + new_words * new_words / 512) - (3 * old_words + old_words * old_words / 512);
    if ((*gas -= cost) < 0) return false;
    mem->len = new_len;
    return true;
}

/* Reads a (offset, size) memory range from stack words; false if it cannot possibly be paid for. */
static inline bool vm_memory_range(const braid_u256 *off, const braid_u256 *size, uint64_t *o, uint64_t *s) {
    if (braid_u256_is_zero(*size)) {
        *o = 0;
        *s = 0;
        return true;
    }
    if (!braid_u256_fits_u64(*off) || !braid_u256_fits_u64(*size) || off->w[0] > MEMORY_LIMIT ||
        size->w[0] > MEMORY_LIMIT)
        return false;
    *o = off->w[0];
    *s = size->w[0];
    return true;
}

/* Charges the expansion for a range already validated by vm_memory_range. */
static inline bool vm_memory_touch(braid_buf *mem, uint64_t off, uint64_t size, int64_t *gas) {
    if (size == 0) return true;
    uint64_t end = off + size;
    if (end <= mem->len) return true;
    return vm_memory_grow(mem, end, gas);
}

/* The instructions that spawn frames or end accounts, called from the loop. `sp` is the stack pointer
 * (one past the top): the i-th argument is sp[-1 - i], and the result is written into the deepest
 * argument's slot. They return BRAID_SUCCESS to continue the frame, or the exceptional status that ends
 * it. */
braid_status vm_op_call(braid_vm *vm, const braid_message *msg, uint8_t op, braid_u256 *sp, int64_t *gas,
                        braid_buf *mem, vm_returndata *rd);
braid_status vm_op_create(braid_vm *vm, const braid_message *msg, uint8_t op, braid_u256 *sp, int64_t *gas,
                          braid_buf *mem, vm_returndata *rd);
braid_status vm_op_selfdestruct(braid_vm *vm, const braid_message *msg, state_account *self,
                                const braid_u256 *beneficiary, int64_t *gas);
/* SSTORE's dynamic cost and refunds; false when out of gas. */
bool vm_sstore(braid_vm *vm, state_account *self, const braid_u256 *key, const braid_u256 *value, int64_t *gas);

static inline braid_address vm_u256_to_address(braid_u256 v) {
    uint8_t be[32];
    braid_u256_to_be(v, be);
    braid_address a;
    memcpy(a.b, be + 12, 20);
    return a;
}

static inline braid_u256 vm_address_to_u256(const braid_address *a) {
    uint8_t be[32] = {0};
    memcpy(be + 12, a->b, 20);
    return braid_u256_from_be(be);
}

/* Cost of copying `size` bytes: 3 gas per 32-byte word (also the per-word costs of KECCAK256 etc.). */
static inline int64_t vm_words(uint64_t size) { return (int64_t)((size + 31) / 32); }

#endif
