/* geth's struct logger (braid_struct_logger.h): small hand-written contracts run as whole transactions
 * (braid_tx_apply, Cancun rules) with the logger installed, and their structLogs checked entry by entry
 * against values worked out by hand from the gas schedule (the comments next to each expectation give
 * the arithmetic).
 *
 * Every transaction: gas limit 100000 unless said otherwise, no call data, so the intrinsic cost is
 * 21000 and the top-level frame starts with 79000 gas. The sender, the target and the coinbase are warm
 * from the start (EIP-2929, EIP-3651); every other account and every slot starts cold. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_evm.h"
#include "braid/braid_state.h"
#include "braid/braid_struct_logger.h"
#include "braid/braid_tx.h"
#include "test_util.h"

static braid_address addr_of(uint8_t last) {
    braid_address a = {{0}};
    a.b[0] = 0xc0;
    a.b[19] = last;
    return a;
}

#define SENDER 0x01
#define TARGET 0xaa
#define OTHER 0xbb

typedef struct world {
    braid_code_cache *codes;
    braid_state *state;
} world;

static world world_new(void) {
    world w;
    w.codes = braid_code_cache_create();
    w.state = braid_state_create(w.codes, NULL);
    braid_address s = addr_of(SENDER);
    braid_state_put_account(w.state, &s, 0, braid_u256_from_u64(1000000000000000000ull), braid_code_empty());
    return w;
}

static void world_put_code(world *w, uint8_t who, const uint8_t *code, size_t len) {
    braid_address a = addr_of(who);
    braid_state_put_account(w->state, &a, 1, braid_u256_from_u64(0), braid_code_cache_get(w->codes, code, len));
}

static void world_free(world *w) {
    braid_state_destroy(w->state);
    braid_code_cache_destroy(w->codes);
}

typedef struct traced {
    json_t *result; /* NULL when the logger refused (its message in err) */
    char err[256];
    braid_tx_outcome out;
} traced;

/* Runs a call to TARGET with the logger installed, as the node is meant to. */
static traced run(world *w, uint64_t gas_limit, const braid_struct_logger_options *opt, size_t max_bytes) {
    traced t;
    memset(&t, 0, sizeof t);
    braid_block_env block = {
        .coinbase = addr_of(0xcb),
        .number = 1,
        .timestamp = 1000,
        .gas_limit = 30000000,
        .chain_id = braid_u256_from_u64(1),
    };
    braid_tx tx = {
        .type = BRAID_TX_LEGACY,
        .gas_limit = gas_limit,
        .gas_price = braid_u256_from_u64(1),
        .to = addr_of(TARGET),
        .sender = addr_of(SENDER),
    };
    braid_vm *vm = braid_vm_create();
    braid_struct_logger *l = braid_struct_logger_create(opt, max_bytes);
    braid_vm_set_tracer(vm, braid_struct_logger_tracer(l));
    braid_tx_error e = braid_tx_apply(vm, w->state, BRAID_FORK_CANCUN, &block, &tx, block.gas_limit, &t.out);
    CHECKF(e == BRAID_TX_VALID, "tx error %s", braid_tx_error_name(e));
    braid_vm_set_tracer(vm, NULL);
    t.result = braid_struct_logger_result(l, t.out.gas_used, t.out.status, t.out.output, t.out.output_len, t.err,
                                          sizeof t.err);
    braid_struct_logger_destroy(l);
    braid_vm_destroy(vm);
    return t;
}

static const json_t *logs_of(const traced *t) { return json_object_get(t->result, "structLogs"); }

static long long int_field(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static const char *str_field(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* Entry i has this pc, op, gas, gasCost and depth. */
static void check_entry(const traced *t, size_t i, long long pc, const char *op, long long gas, long long cost,
                        int depth, int line) {
    const json_t *e = json_array_get(logs_of(t), i);
    CHECKF(e != NULL, "line %d: no entry %zu", line, i);
    if (!e) return;
    CHECKF(int_field(e, "pc") == pc, "line %d: entry %zu pc %lld, want %lld", line, i, int_field(e, "pc"), pc);
    CHECKF(strcmp(str_field(e, "op"), op) == 0, "line %d: entry %zu op %s, want %s", line, i, str_field(e, "op"), op);
    CHECKF(int_field(e, "gas") == gas, "line %d: entry %zu gas %lld, want %lld", line, i, int_field(e, "gas"), gas);
    CHECKF(int_field(e, "gasCost") == cost, "line %d: entry %zu (%s) gasCost %lld, want %lld", line, i, op,
           int_field(e, "gasCost"), cost);
    CHECKF(int_field(e, "depth") == depth, "line %d: entry %zu depth %lld, want %d", line, i, int_field(e, "depth"),
           depth);
}
#define ENTRY(t, i, pc, op, gas, cost, depth) check_entry((t), (i), (pc), (op), (gas), (cost), (depth), __LINE__)

/* Entry i's stack, bottom first, as a NULL-terminated list of hex quantities. */
static void check_stack(const traced *t, size_t i, int line, ...) {
    const json_t *stack = json_object_get(json_array_get(logs_of(t), i), "stack");
    CHECKF(json_is_array(stack), "line %d: entry %zu has no stack", line, i);
    va_list ap;
    va_start(ap, line);
    size_t n = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; n++) {
        const char *have = json_string_value(json_array_get(stack, n));
        CHECKF(have && strcmp(have, want) == 0, "line %d: entry %zu stack[%zu] %s, want %s", line, i, n,
               have ? have : "(none)", want);
    }
    va_end(ap);
    CHECKF(json_array_size(stack) == n, "line %d: entry %zu stack has %zu items, want %zu", line, i,
           json_array_size(stack), n);
}
#define STACK(t, i, ...) check_stack((t), (i), __LINE__, __VA_ARGS__, (const char *)NULL)

#define W0 "0x0000000000000000000000000000000000000000000000000000000000000000"
#define W1 "0x0000000000000000000000000000000000000000000000000000000000000001"
#define W2 "0x0000000000000000000000000000000000000000000000000000000000000002"
#define W5 "0x0000000000000000000000000000000000000000000000000000000000000005"
#define W7 "0x0000000000000000000000000000000000000000000000000000000000000007"

/* Entry i's storage: exactly these (key, value) pairs, NULL-terminated; no pairs: no "storage" field. */
static void check_storage(const traced *t, size_t i, int line, ...) {
    const json_t *st = json_object_get(json_array_get(logs_of(t), i), "storage");
    va_list ap;
    va_start(ap, line);
    size_t n = 0;
    for (const char *k; (k = va_arg(ap, const char *)) != NULL; n++) {
        const char *v = va_arg(ap, const char *);
        const char *have = json_string_value(json_object_get(st, k));
        CHECKF(have && strcmp(have, v) == 0, "line %d: entry %zu storage[%s] %s, want %s", line, i, k,
               have ? have : "(none)", v);
    }
    va_end(ap);
    if (n == 0)
        CHECKF(st == NULL, "line %d: entry %zu has storage", line, i);
    else
        CHECKF(json_object_size(st) == n, "line %d: entry %zu storage has %zu slots, want %zu", line, i,
               json_object_size(st), n);
}
#define STORAGE(t, i, ...) check_storage((t), (i), __LINE__, __VA_ARGS__, (const char *)NULL)
#define NO_STORAGE(t, i) check_storage((t), (i), __LINE__, (const char *)NULL)

static void check_summary(const traced *t, long long gas, bool failed, const char *ret, size_t n_logs) {
    CHECKF(t->result != NULL, "no result: %s", t->err);
    if (!t->result) return;
    CHECKF(int_field(t->result, "gas") == gas, "gas %lld, want %lld", int_field(t->result, "gas"), gas);
    CHECK(json_is_boolean(json_object_get(t->result, "failed")) &&
          json_is_true(json_object_get(t->result, "failed")) == failed);
    CHECKF(strcmp(str_field(t->result, "returnValue"), ret) == 0, "returnValue %s, want %s",
           str_field(t->result, "returnValue"), ret);
    CHECKF(json_array_size(logs_of(t)) == n_logs, "%zu structLogs, want %zu", json_array_size(logs_of(t)), n_logs);
}

/* Arithmetic, memory and storage in one frame. */
static const uint8_t STORE_CODE[] = {
    0x60, 0x02, /*  0 PUSH1 2 */
    0x60, 0x03, /*  2 PUSH1 3 */
    0x01,       /*  4 ADD */
    0x80,       /*  5 DUP1 */
    0x60, 0x00, /*  6 PUSH1 0 */
    0x52,       /*  8 MSTORE      mem[0..32) = 5 */
    0x60, 0x01, /*  9 PUSH1 1 */
    0x55,       /* 11 SSTORE      slot 1 = 5 */
    0x60, 0x01, /* 12 PUSH1 1 */
    0x54,       /* 14 SLOAD       slot 1 (warm now) */
    0x60, 0x02, /* 15 PUSH1 2 */
    0x54,       /* 17 SLOAD       slot 2 (cold, zero) */
    0x00,       /* 18 STOP */
};

static void test_store(void) {
    world w = world_new();
    world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
    traced t = run(&w, 100000, NULL, 0);
    /* 79000 - 54670 left at STOP = 24330, plus 21000 intrinsic; no refund. */
    check_summary(&t, 45330, false, "0x", 13);
    ENTRY(&t, 0, 0, "PUSH1", 79000, 3, 1);
    STACK(&t, 0, NULL); /* an empty stack prints as [] */
    ENTRY(&t, 1, 2, "PUSH1", 78997, 3, 1);
    STACK(&t, 1, "0x2");
    ENTRY(&t, 2, 4, "ADD", 78994, 3, 1);
    STACK(&t, 2, "0x2", "0x3");
    ENTRY(&t, 3, 5, "DUP1", 78991, 3, 1);
    STACK(&t, 3, "0x5");
    ENTRY(&t, 4, 6, "PUSH1", 78988, 3, 1);
    /* MSTORE: 3 static + growing memory to one word, 3 * 1 + 1 * 1 / 512 = 3. */
    ENTRY(&t, 5, 8, "MSTORE", 78985, 6, 1);
    STACK(&t, 5, "0x5", "0x5", "0x0");
    ENTRY(&t, 6, 9, "PUSH1", 78979, 3, 1);
    /* SSTORE of a cold slot from 0 to 5: 2100 (EIP-2929 cold) + 20000 (EIP-2200 set). The storage map
     * shows the slot written. */
    ENTRY(&t, 7, 11, "SSTORE", 78976, 22100, 1);
    STACK(&t, 7, "0x5", "0x1");
    STORAGE(&t, 7, W1, W5);
    ENTRY(&t, 8, 12, "PUSH1", 56876, 3, 1);
    NO_STORAGE(&t, 8);
    /* SLOAD of the slot just written: warm, 100. */
    ENTRY(&t, 9, 14, "SLOAD", 56873, 100, 1);
    STORAGE(&t, 9, W1, W5);
    ENTRY(&t, 10, 15, "PUSH1", 56773, 3, 1);
    STACK(&t, 10, "0x5");
    /* SLOAD of a cold slot: 2100. The map now holds both slots seen, the new one with the zero read. */
    ENTRY(&t, 11, 17, "SLOAD", 56770, 2100, 1);
    STORAGE(&t, 11, W1, W5, W2, W0);
    ENTRY(&t, 12, 18, "STOP", 54670, 0, 1);
    STACK(&t, 11, "0x5", "0x2");
    STACK(&t, 12, "0x5", "0x0");
    /* no memory unless asked for; refund and error only when there is one */
    CHECK(json_object_get(json_array_get(logs_of(&t), 6), "memory") == NULL);
    CHECK(json_object_get(json_array_get(logs_of(&t), 12), "refund") == NULL);
    CHECK(json_object_get(json_array_get(logs_of(&t), 12), "error") == NULL);
    json_decref(t.result);
    world_free(&w);

    /* enableMemory, on a fresh world (the run above changed slot 1). */
    w = world_new();
    world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
    braid_struct_logger_options mem = {.enable_memory = true};
    t = run(&w, 100000, &mem, 0);
    check_summary(&t, 45330, false, "0x", 13);
    /* Memory is shown from the step after the MSTORE: before it, memory is empty and omitted. */
    CHECK(json_object_get(json_array_get(logs_of(&t), 5), "memory") == NULL);
    const json_t *m = json_object_get(json_array_get(logs_of(&t), 6), "memory");
    CHECK(json_array_size(m) == 1 && strcmp(json_string_value(json_array_get(m, 0)), W5) == 0);
    json_decref(t.result);
    world_free(&w);
}

/* Fixed 20-byte address operand for PUSH20. */
#define ADDR_BYTES(last) 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (last)

/* A CALL to a contract that writes its own slot 0 and reverts with one word; the caller then reads its
 * own slot 0, which must not show the callee's write. */
static const uint8_t CALLER_CODE[] = {
    0x60, 0x00,             /*  0 PUSH1 0   retSize */
    0x60, 0x00,             /*  2 PUSH1 0   retOffset */
    0x60, 0x00,             /*  4 PUSH1 0   argsSize */
    0x60, 0x00,             /*  6 PUSH1 0   argsOffset */
    0x60, 0x00,             /*  8 PUSH1 0   value */
    0x73, ADDR_BYTES(OTHER), /* 10 PUSH20 callee */
    0x61, 0x75, 0x30,       /* 31 PUSH2 30000 gas */
    0xf1,                   /* 34 CALL */
    0x3d,                   /* 35 RETURNDATASIZE */
    0x60, 0x00,             /* 36 PUSH1 0 */
    0x54,                   /* 38 SLOAD */
    0x00,                   /* 39 STOP */
};
static const uint8_t REVERTER_CODE[] = {
    0x60, 0x07, /*  0 PUSH1 7 */
    0x60, 0x00, /*  2 PUSH1 0 */
    0x55,       /*  4 SSTORE   slot 0 = 7 */
    0x60, 0x01, /*  5 PUSH1 1 */
    0x60, 0x1f, /*  7 PUSH1 31 */
    0x53,       /*  9 MSTORE8  mem[31] = 1 */
    0x60, 0x20, /* 10 PUSH1 32 */
    0x60, 0x00, /* 12 PUSH1 0 */
    0xfd,       /* 14 REVERT   mem[0..32) */
};

static void test_call(void) {
    world w = world_new();
    world_put_code(&w, TARGET, CALLER_CODE, sizeof CALLER_CODE);
    world_put_code(&w, OTHER, REVERTER_CODE, sizeof REVERTER_CODE);
    braid_struct_logger_options opt = {.enable_return_data = true};
    traced t = run(&w, 100000, &opt, 0);
    /* 100000 - 52150 left at the caller's STOP. */
    check_summary(&t, 47850, false, "0x", 21);
    ENTRY(&t, 0, 0, "PUSH1", 79000, 3, 1);
    ENTRY(&t, 5, 10, "PUSH20", 78985, 3, 1);
    ENTRY(&t, 6, 31, "PUSH2", 78982, 3, 1);
    /* CALL: 100 (warm cost, the static part) + 2500 (callee cold) + no memory, no value; the callee gets
     * the 30000 asked for (under all but 1/64 of the 76379 left), which geth counts in the cost too:
     * 2600 + 30000 = 32600. */
    ENTRY(&t, 7, 34, "CALL", 78979, 32600, 1);
    STACK(&t, 7, "0x0", "0x0", "0x0", "0x0", "0x0", "0xc0000000000000000000000000000000000000bb", "0x7530");
    /* The callee, one level deeper, starting with the 30000 handed over. */
    ENTRY(&t, 8, 0, "PUSH1", 30000, 3, 2);
    STACK(&t, 8, NULL);
    ENTRY(&t, 9, 2, "PUSH1", 29997, 3, 2);
    /* Its slot 0, cold, from 0 to 7: 2100 + 20000; shown under the callee's own storage. */
    ENTRY(&t, 10, 4, "SSTORE", 29994, 22100, 2);
    STORAGE(&t, 10, W0, W7);
    ENTRY(&t, 11, 5, "PUSH1", 7894, 3, 2);
    ENTRY(&t, 12, 7, "PUSH1", 7891, 3, 2);
    /* MSTORE8 at 31: 3 + one word of memory (3). */
    ENTRY(&t, 13, 9, "MSTORE8", 7888, 6, 2);
    ENTRY(&t, 14, 10, "PUSH1", 7882, 3, 2);
    ENTRY(&t, 15, 12, "PUSH1", 7879, 3, 2);
    /* REVERT of the word already in memory: no expansion, 0. */
    ENTRY(&t, 16, 14, "REVERT", 7876, 0, 2);
    STACK(&t, 16, "0x20", "0x0");
    CHECK(json_object_get(json_array_get(logs_of(&t), 16), "error") == NULL);
    /* Back in the caller: 78979 - 32600 + the 7876 the callee returned. The call pushed 0 (reverted)
     * and the return data is the revert's word. */
    ENTRY(&t, 17, 35, "RETURNDATASIZE", 54255, 2, 1);
    STACK(&t, 17, "0x0");
    CHECK(strcmp(str_field(json_array_get(logs_of(&t), 17), "returnData"), W1) == 0);
    CHECK(json_object_get(json_array_get(logs_of(&t), 7), "returnData") == NULL); /* none before the call */
    ENTRY(&t, 18, 36, "PUSH1", 54253, 3, 1);
    /* The caller's own slot 0, cold: 2100; its storage is its own (zero), not the callee's 7. */
    ENTRY(&t, 19, 38, "SLOAD", 54250, 2100, 1);
    STORAGE(&t, 19, W0, W0);
    ENTRY(&t, 20, 39, "STOP", 52150, 0, 1);
    STACK(&t, 20, "0x0", "0x20", "0x0");
    json_decref(t.result);
    world_free(&w);
}

/* DELEGATECALL: the callee's code writes the caller's storage, and the logger files it there. */
static const uint8_t DELEGATOR_CODE[] = {
    0x60, 0x00,              /*  0 PUSH1 0   retSize */
    0x60, 0x00,              /*  2 PUSH1 0   retOffset */
    0x60, 0x00,              /*  4 PUSH1 0   argsSize */
    0x60, 0x00,              /*  6 PUSH1 0   argsOffset */
    0x73, ADDR_BYTES(OTHER), /*  8 PUSH20 code */
    0x61, 0x75, 0x30,        /* 29 PUSH2 30000 */
    0xf4,                    /* 32 DELEGATECALL */
    0x60, 0x00,              /* 33 PUSH1 0 */
    0x54,                    /* 35 SLOAD */
    0x00,                    /* 36 STOP */
};
static const uint8_t WRITER_CODE[] = {0x60, 0x07, 0x60, 0x00, 0x55, 0x00}; /* slot 0 = 7; STOP */

static void test_delegatecall(void) {
    world w = world_new();
    world_put_code(&w, TARGET, DELEGATOR_CODE, sizeof DELEGATOR_CODE);
    world_put_code(&w, OTHER, WRITER_CODE, sizeof WRITER_CODE);
    traced t = run(&w, 100000, NULL, 0);
    check_summary(&t, 100000 - 54173, false, "0x", 14);
    /* 100 + 2500 (code account cold) + 30000 handed over. */
    ENTRY(&t, 6, 32, "DELEGATECALL", 78982, 32600, 1);
    ENTRY(&t, 7, 0, "PUSH1", 30000, 3, 2);
    /* The caller's slot 0 (cold, 0 to 7): 22100, shown as the caller's. */
    ENTRY(&t, 9, 4, "SSTORE", 29994, 22100, 2);
    STORAGE(&t, 9, W0, W7);
    ENTRY(&t, 10, 5, "STOP", 7894, 0, 2);
    /* 78982 - 32600 + 7894 returned. */
    ENTRY(&t, 11, 33, "PUSH1", 54276, 3, 1);
    /* The slot the delegate wrote is warm (100) and reads 7: one map for the caller, both frames. */
    ENTRY(&t, 12, 35, "SLOAD", 54273, 100, 1);
    STORAGE(&t, 12, W0, W7);
    STACK(&t, 12, "0x1", "0x0");
    json_decref(t.result);
    world_free(&w);
}

/* CREATE: geth's cost is the creation's own (32000, memory, init code words), not the gas handed over. */
static const uint8_t CREATOR_CODE[] = {
    0x64, 0x60, 0x00, 0x60, 0x00, 0xf3, /*  0 PUSH5 init code: PUSH1 0 PUSH1 0 RETURN */
    0x60, 0x00,                         /*  6 PUSH1 0 */
    0x52,                               /*  8 MSTORE   the init code at mem[27..32) */
    0x60, 0x05,                         /*  9 PUSH1 5   size */
    0x60, 0x1b,                         /* 11 PUSH1 27  offset */
    0x60, 0x00,                         /* 13 PUSH1 0   value */
    0xf0,                               /* 15 CREATE */
    0x00,                               /* 16 STOP */
};

static void test_create(void) {
    world w = world_new();
    world_put_code(&w, TARGET, CREATOR_CODE, sizeof CREATOR_CODE);
    traced t = run(&w, 100000, NULL, 0);
    check_summary(&t, 100000 - 46971, false, "0x", 11);
    ENTRY(&t, 2, 8, "MSTORE", 78994, 6, 1);
    /* 32000 + no memory growth + EIP-3860's 2 per word of init code (one word): 32002. */
    ENTRY(&t, 6, 15, "CREATE", 78979, 32002, 1);
    /* The init code gets all but 1/64 of the 46977 left: 46977 - 734 = 46243. */
    ENTRY(&t, 7, 0, "PUSH1", 46243, 3, 2);
    ENTRY(&t, 8, 2, "PUSH1", 46240, 3, 2);
    ENTRY(&t, 9, 4, "RETURN", 46237, 0, 2);
    /* 734 kept + 46237 returned (empty code: no deposit). */
    ENTRY(&t, 10, 16, "STOP", 46971, 0, 1);
    json_decref(t.result);
    world_free(&w);
}

/* A refund shows on the steps after the SSTORE that earned it. */
static void test_refund(void) {
    static const uint8_t code[] = {0x60, 0x00, 0x60, 0x00, 0x55, 0x00}; /* slot 0 = 0; STOP */
    world w = world_new();
    world_put_code(&w, TARGET, code, sizeof code);
    braid_address a = addr_of(TARGET);
    braid_state_put_storage(w.state, &a, braid_u256_from_u64(0), braid_u256_from_u64(1));
    traced t = run(&w, 100000, NULL, 0);
    /* 5006 used by the code (26006 in all); EIP-3529 refunds min(4800, 26006 / 5) = 4800. */
    check_summary(&t, 26006 - 4800, false, "0x", 4);
    /* Clearing a cold slot holding 1: 2100 + 2900 (EIP-2929's reset), and a 4800 refund. */
    ENTRY(&t, 2, 4, "SSTORE", 78994, 5000, 1);
    STORAGE(&t, 2, W0, W0);
    CHECK(json_object_get(json_array_get(logs_of(&t), 2), "refund") == NULL);
    ENTRY(&t, 3, 5, "STOP", 73994, 0, 1);
    CHECK(int_field(json_array_get(logs_of(&t), 3), "refund") == 4800);
    json_decref(t.result);
    world_free(&w);
}

/* Failures: which steps carry an "error" (those geth finds before running the instruction), and the
 * result of a failed transaction. */
static void test_failures(void) {
    /* 0xfe: geth runs it as an undefined instruction, so the step has no error; the transaction fails
     * and consumes all its gas; the return value is empty. */
    static const uint8_t invalid[] = {0x60, 0x01, 0xfe};
    world w = world_new();
    world_put_code(&w, TARGET, invalid, sizeof invalid);
    traced t = run(&w, 100000, NULL, 0);
    check_summary(&t, 100000, true, "0x", 2);
    ENTRY(&t, 1, 2, "INVALID", 78997, 0, 1);
    CHECK(json_object_get(json_array_get(logs_of(&t), 1), "error") == NULL);
    json_decref(t.result);
    world_free(&w);

    /* An opcode no fork defines is named as geth names it. */
    static const uint8_t undefined[] = {0x0c};
    w = world_new();
    world_put_code(&w, TARGET, undefined, sizeof undefined);
    t = run(&w, 100000, NULL, 0);
    check_summary(&t, 100000, true, "0x", 1);
    ENTRY(&t, 0, 0, "opcode 0xc not defined", 79000, 0, 1);
    json_decref(t.result);
    world_free(&w);

    /* Stack underflow: ADD with one item. geth reports it on the step, with the static cost. */
    static const uint8_t underflow[] = {0x60, 0x01, 0x01};
    w = world_new();
    world_put_code(&w, TARGET, underflow, sizeof underflow);
    t = run(&w, 100000, NULL, 0);
    check_summary(&t, 100000, true, "0x", 2);
    ENTRY(&t, 1, 2, "ADD", 78997, 3, 1);
    CHECK(strcmp(str_field(json_array_get(logs_of(&t), 1), "error"), "stack underflow (1 <=> 2)") == 0);
    json_decref(t.result);
    world_free(&w);

    /* Out of gas growing memory: 100 gas for the frame; MSTORE at 1024 needs 33 words,
     * 3 * 33 + 33 * 33 / 512 = 101, plus 3: 104, more than the 94 left. */
    static const uint8_t oog[] = {0x60, 0x01, 0x61, 0x04, 0x00, 0x52};
    w = world_new();
    world_put_code(&w, TARGET, oog, sizeof oog);
    t = run(&w, 21100, NULL, 0);
    check_summary(&t, 21100, true, "0x", 3);
    ENTRY(&t, 2, 5, "MSTORE", 94, 104, 1);
    CHECK(strcmp(str_field(json_array_get(logs_of(&t), 2), "error"), "out of gas") == 0);
    json_decref(t.result);
    world_free(&w);

    /* EIP-2200's sentry: SSTORE with 2300 gas left fails before charging anything; geth words it so.
     * The attempted write still shows in the storage map, as geth records it before running. */
    static const uint8_t sentry[] = {0x60, 0x01, 0x60, 0x00, 0x55};
    w = world_new();
    world_put_code(&w, TARGET, sentry, sizeof sentry);
    t = run(&w, 21000 + 2306, NULL, 0);
    check_summary(&t, 23306, true, "0x", 3);
    ENTRY(&t, 2, 4, "SSTORE", 2300, 0, 1);
    CHECK(strcmp(str_field(json_array_get(logs_of(&t), 2), "error"),
                 "out of gas: not enough gas for reentrancy sentry") == 0);
    STORAGE(&t, 2, W0, W1);
    json_decref(t.result);
    world_free(&w);

    /* A revert at the top: failed, with the revert data as the return value. */
    static const uint8_t revert[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd};
    w = world_new();
    world_put_code(&w, TARGET, revert, sizeof revert);
    t = run(&w, 100000, NULL, 0);
    /* 3 + 3 + 6 + 3 + 3 + 0 = 18 used by the code. */
    check_summary(&t, 21018, true, "0x000000000000000000000000000000000000000000000000000000000000002a", 6);
    ENTRY(&t, 5, 9, "REVERT", 78982, 0, 1);
    json_decref(t.result);
    world_free(&w);
}

/* Options: no stack, no storage; the bounds. */
static void test_options_and_bounds(void) {
    world w = world_new();
    world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
    braid_struct_logger_options opt = {.disable_stack = true, .disable_storage = true};
    traced t = run(&w, 100000, &opt, 0);
    check_summary(&t, 45330, false, "0x", 13);
    CHECK(json_object_get(json_array_get(logs_of(&t), 7), "stack") == NULL);
    CHECK(json_object_get(json_array_get(logs_of(&t), 7), "storage") == NULL);
    CHECK(json_object_get(json_array_get(logs_of(&t), 7), "memory") == NULL);
    json_decref(t.result);
    world_free(&w);

    /* The node's bound: a trace that outgrows it gives no result but a message. */
    w = world_new();
    world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
    t = run(&w, 100000, NULL, 1000);
    CHECK(t.result == NULL);
    CHECK(strstr(t.err, "1000 bytes") != NULL);
    world_free(&w);

    /* ... while one it fits in is whole. */
    w = world_new();
    world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
    t = run(&w, 100000, NULL, 64 * 1024);
    check_summary(&t, 45330, false, "0x", 13);
    json_decref(t.result);
    world_free(&w);

    /* geth's own limit: entries are recorded until their text exceeds it, then silently no more. The
     * first entry is about 60 bytes, so a limit of 1 keeps exactly one; 100 keeps two. */
    int64_t limits[] = {1, 100, -1};
    size_t kept[] = {1, 2, 0};
    for (int i = 0; i < 3; i++) {
        w = world_new();
        world_put_code(&w, TARGET, STORE_CODE, sizeof STORE_CODE);
        braid_struct_logger_options lim = {.limit = limits[i]};
        t = run(&w, 100000, &lim, 0);
        check_summary(&t, 45330, false, "0x", kept[i]);
        json_decref(t.result);
        world_free(&w);
    }
}

/* The text form is the JSON form, byte for byte as geth lays out an entry. */
static void test_text(void) {
    static const uint8_t code[] = {0x60, 0x01, 0x00};
    world w = world_new();
    world_put_code(&w, TARGET, code, sizeof code);
    braid_block_env block = {.coinbase = addr_of(0xcb), .number = 1, .gas_limit = 30000000};
    braid_tx tx = {.type = BRAID_TX_LEGACY, .gas_limit = 100000, .to = addr_of(TARGET), .sender = addr_of(SENDER)};
    braid_vm *vm = braid_vm_create();
    braid_struct_logger *l = braid_struct_logger_create(NULL, 0);
    braid_vm_set_tracer(vm, braid_struct_logger_tracer(l));
    braid_tx_outcome out;
    CHECK(braid_tx_apply(vm, w.state, BRAID_FORK_CANCUN, &block, &tx, block.gas_limit, &out) == BRAID_TX_VALID);
    braid_buf text = {0};
    char err[128];
    CHECK(braid_struct_logger_write_result(l, out.gas_used, out.status, out.output, out.output_len, &text, err,
                                           sizeof err) == 0);
    braid_buf_push(&text, 0);
    const char *want = "{\"gas\":21003,\"failed\":false,\"returnValue\":\"0x\",\"structLogs\":["
                       "{\"pc\":0,\"op\":\"PUSH1\",\"gas\":79000,\"gasCost\":3,\"depth\":1,\"stack\":[]},"
                       "{\"pc\":2,\"op\":\"STOP\",\"gas\":78997,\"gasCost\":0,\"depth\":1,\"stack\":[\"0x1\"]}]}";
    CHECKF(strcmp((const char *)text.data, want) == 0, "text %s", (const char *)text.data);
    braid_buf_free(&text);
    braid_struct_logger_destroy(l);
    braid_vm_destroy(vm);
    world_free(&w);
}

static void test_options_parse(void) {
    braid_struct_logger_options o;
    char err[128];
    json_t *cfg = json_pack("{s:b, s:b, s:b, s:b, s:i, s:s, s:n}", "enableMemory", 1, "DisableStack", 1,
                            "disablestorage", 1, "enableReturnData", 0, "limit", 500, "tracer", "x", "timeout");
    CHECK(braid_struct_logger_options_parse(cfg, &o, err, sizeof err) == 0);
    CHECK(o.enable_memory && o.disable_stack && o.disable_storage && !o.enable_return_data && o.limit == 500);
    json_decref(cfg);
    CHECK(braid_struct_logger_options_parse(NULL, &o, err, sizeof err) == 0);
    CHECK(!o.enable_memory && !o.disable_stack && o.limit == 0);
    cfg = json_pack("{s:s}", "enableMemory", "yes");
    CHECK(braid_struct_logger_options_parse(cfg, &o, err, sizeof err) == -1);
    json_decref(cfg);
    cfg = json_pack("{s:f}", "limit", 1.5);
    CHECK(braid_struct_logger_options_parse(cfg, &o, err, sizeof err) == -1);
    json_decref(cfg);
}

int main(void) {
    test_store();
    test_call();
    test_delegatecall();
    test_create();
    test_refund();
    test_failures();
    test_options_and_bounds();
    test_text();
    test_options_parse();
    return test_summary("test_struct_logger");
}
