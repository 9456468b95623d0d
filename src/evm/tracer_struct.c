/* geth's struct logger (see braid_struct_logger.h for the output and where it departs from geth).
 *
 * The vm reports an instruction before it runs, but an entry needs what it cost and whether it failed,
 * so the latest entry stays pending until the next event settles it: the next step of its frame (cost:
 * the gas between the two), the start of a callee (a CALL or CREATE: the gas it kept), or the end of
 * its frame (the frame's gas counter then, and its status). Steps arrive in execution order and each
 * event settles the entry before it, so at most one entry is ever pending, and entries are appended as
 * finished JSON text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "braid/braid_struct_logger.h"
#include "opcodes.h"

/* What an entry's text can take besides its stack, memory, return data and storage: the numbers, the
 * longest op name, an error message. Used to refuse a step before writing it past the bound. */
#define ENTRY_HEAD_MAX 320
#define WORD_TEXT 69 /* "0x" + 64 digits, quotes, comma */

typedef struct slot_entry {
    uint8_t key[32], value[32];
} slot_entry;

/* One contract's slots seen so far, sorted by key: geth prints a map, whose keys Go's encoder sorts, and
 * equal-length hex of big-endian words sorts as the words do. */
typedef struct contract_slots {
    braid_address addr;
    slot_entry *v;
    size_t n, cap;
} contract_slots;

typedef struct pending_entry {
    bool active;
    uint64_t pc;
    uint8_t op;
    int depth;
    int64_t gas, static_cost, refund;
    size_t stack_size;
    contract_slots *storage; /* shown at SLOAD and SSTORE; NULL elsewhere */
    bool sload;              /* the SLOAD's key waits for the value it pushes */
    uint8_t sload_key[32];
} pending_entry;

struct braid_struct_logger {
    braid_tracer tracer;
    braid_struct_logger_options opt;
    size_t max_bytes;
    bool exceeded;
    braid_buf logs;      /* finished entries, comma-separated */
    braid_buf tail;      /* the pending entry's stack, return data and memory text */
    int64_t result_size; /* bytes of the entries, as geth counts them for its limit (no commas) */
    pending_entry p;
    contract_slots *contracts;
    size_t n_contracts, cap_contracts;
};

/* ---- text ---- */

static void put_str(braid_buf *b, const char *s) { braid_buf_append(b, s, strlen(s)); }

static void put_fmt(braid_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(braid_buf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    braid_buf_append(b, tmp, n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static const char hex_digits[] = "0123456789abcdef";

/* "0x" and the bytes, quoted. */
static void put_hex_bytes(braid_buf *b, const uint8_t *data, size_t n) {
    uint8_t *o = braid_buf_extend(b, 2 * n + 4);
    *o++ = '"';
    *o++ = '0';
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *o++ = (uint8_t)hex_digits[data[i] >> 4];
        *o++ = (uint8_t)hex_digits[data[i] & 15];
    }
    *o = '"';
}

/* A stack item as geth's uint256 Hex(): no leading zeros, "0x0" for zero. */
static void put_quantity(braid_buf *b, const braid_u256 *v) {
    char buf[70];
    int n = 0;
    buf[n++] = '"';
    buf[n++] = '0';
    buf[n++] = 'x';
    bool started = false;
    for (int limb = 3; limb >= 0; limb--)
        for (int shift = 60; shift >= 0; shift -= 4) {
            unsigned d = (unsigned)(v->w[limb] >> shift) & 15;
            if (d || started) {
                buf[n++] = hex_digits[d];
                started = true;
            }
        }
    if (!started) buf[n++] = '0';
    buf[n++] = '"';
    braid_buf_append(b, buf, (size_t)n);
}

/* ---- opcodes as geth names them ---- */

static const uint8_t op_pops[256] = {
#define X(c, name, since, pops, pushes) [c] = pops,
    BRAID_OPCODES(X)
#undef X
};
static const uint8_t op_pushes[256] = {
#define X(c, name, since, pops, pushes) [c] = pushes,
    BRAID_OPCODES(X)
#undef X
};

/* geth's String() of an opcode: braid's names, except that geth still calls 0x44 DIFFICULTY, and geth
 * also names opcodes braid does not run (later forks, EOF), which a trace can meet as undefined. */
static const char *geth_op_name(uint8_t op, char *buf, size_t len) {
    static const struct {
        uint8_t op;
        const char *name;
    } extra[] = {
        {0x1e, "CLZ"},       {0x44, "DIFFICULTY"}, {0x4b, "SLOTNUM"},        {0xd0, "DATALOAD"},
        {0xd1, "DATALOADN"}, {0xd2, "DATASIZE"},   {0xd3, "DATACOPY"},       {0xe0, "RJUMP"},
        {0xe1, "RJUMPI"},    {0xe2, "RJUMPV"},     {0xe3, "CALLF"},          {0xe4, "RETF"},
        {0xe5, "JUMPF"},     {0xe6, "DUPN"},       {0xe7, "SWAPN"},          {0xe8, "EXCHANGE"},
        {0xec, "EOFCREATE"}, {0xee, "RETURNCONTRACT"}, {0xf7, "RETURNDATALOAD"}, {0xf8, "EXTCALL"},
        {0xf9, "EXTDELEGATECALL"}, {0xfb, "EXTSTATICCALL"},
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (extra[i].op == op) return extra[i].name;
    const char *name = braid_opcode_name(op);
    if (strcmp(name, "UNDEFINED") != 0) return name;
    snprintf(buf, len, "opcode %#x not defined", op);
    return buf;
}

/* geth's constant gas, which is what it reports for an instruction whose stack check fails. It matches
 * braid's static cost except where geth prices everything dynamically: LOGn, and SLOAD from Berlin
 * (the only fork where braid's static SLOAD cost is 100). */
static int64_t geth_constant_gas(uint8_t op, int64_t static_cost) {
    if (op >= OP_LOG0 && op <= OP_LOG4) return 0;
    if (op == OP_SLOAD && static_cost == 100) return 0;
    return static_cost;
}

static bool is_call(uint8_t op) {
    return op == OP_CALL || op == OP_CALLCODE || op == OP_DELEGATECALL || op == OP_STATICCALL;
}

/* ---- storage seen so far ---- */

static contract_slots *contract_of(braid_struct_logger *l, const braid_address *addr) {
    for (size_t i = l->n_contracts; i-- > 0;)
        if (braid_address_eq(&l->contracts[i].addr, addr)) return &l->contracts[i];
    if (l->n_contracts == l->cap_contracts) {
        l->cap_contracts = l->cap_contracts ? 2 * l->cap_contracts : 4;
        l->contracts = braid_xrealloc(l->contracts, l->cap_contracts * sizeof *l->contracts);
    }
    contract_slots *c = &l->contracts[l->n_contracts++];
    *c = (contract_slots){.addr = *addr};
    return c;
}

static void slots_set(contract_slots *c, const uint8_t key[32], const uint8_t value[32]) {
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = memcmp(c->v[mid].key, key, 32);
        if (cmp == 0) {
            memcpy(c->v[mid].value, value, 32);
            return;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->v = braid_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    memmove(&c->v[lo + 1], &c->v[lo], (c->n - lo) * sizeof *c->v);
    memcpy(c->v[lo].key, key, 32);
    memcpy(c->v[lo].value, value, 32);
    c->n++;
}

/* ---- entries ---- */

/* Settles the pending entry and appends its text. `sload_value`: what a SLOAD pushed, when known. */
static void finish(braid_struct_logger *l, int64_t cost, const char *error, const braid_u256 *sload_value) {
    pending_entry *p = &l->p;
    if (!p->active) return;
    p->active = false;
    if (p->sload && sload_value) {
        uint8_t v[32];
        braid_u256_to_be(*sload_value, v);
        slots_set(p->storage, p->sload_key, v);
    }
    if (l->logs.len) braid_buf_push(&l->logs, ',');
    size_t start = l->logs.len;
    char name_buf[32];
    put_fmt(&l->logs, "{\"pc\":%llu,\"op\":\"%s\",\"gas\":%lld,\"gasCost\":%lld,\"depth\":%d",
            (unsigned long long)p->pc, geth_op_name(p->op, name_buf, sizeof name_buf), (long long)p->gas,
            (long long)(cost < 0 ? 0 : cost), p->depth);
    if (error) put_fmt(&l->logs, ",\"error\":\"%s\"", error);
    braid_buf_append(&l->logs, l->tail.data, l->tail.len);
    if (p->storage && p->storage->n) {
        put_str(&l->logs, ",\"storage\":{");
        for (size_t i = 0; i < p->storage->n; i++) {
            if (i) braid_buf_push(&l->logs, ',');
            put_hex_bytes(&l->logs, p->storage->v[i].key, 32);
            braid_buf_push(&l->logs, ':');
            put_hex_bytes(&l->logs, p->storage->v[i].value, 32);
        }
        braid_buf_push(&l->logs, '}');
    }
    if (p->refund) put_fmt(&l->logs, ",\"refund\":%lld", (long long)p->refund);
    braid_buf_push(&l->logs, '}');
    l->result_size += (int64_t)(l->logs.len - start);
}

/* Past this, recording stops for good: a trace with a gap would mislead more than no trace. */
static bool fits(braid_struct_logger *l, const braid_step *s, const contract_slots *storage) {
    if (!l->max_bytes) return true;
    size_t need = ENTRY_HEAD_MAX;
    if (!l->opt.disable_stack) need += 16 + s->stack_size * WORD_TEXT;
    if (l->opt.enable_return_data) need += 20 + 2 * s->return_data_len;
    if (l->opt.enable_memory) need += 16 + (size_t)(s->mem_size / 32) * WORD_TEXT;
    if (storage) need += 16 + (storage->n + 1) * 2 * WORD_TEXT;
    if (l->logs.len + need <= l->max_bytes) return true;
    l->exceeded = true;
    return false;
}

static void on_step(void *ctx, const braid_step *s) {
    braid_struct_logger *l = ctx;
    if (l->exceeded) return;
    if (l->p.active) {
        /* An entry still open at another depth would mean a hook did not come; the static cost is
         * then the best guess. */
        bool same_frame = l->p.depth == s->depth;
        const braid_u256 *pushed = same_frame && s->stack_size ? &s->stack[s->stack_size - 1] : NULL;
        finish(l, same_frame ? l->p.gas - s->gas : l->p.static_cost, NULL, pushed);
    }
    if (l->opt.limit != 0 && l->result_size > l->opt.limit) return;

    contract_slots *storage = NULL;
    if (!l->opt.disable_storage && (s->op == OP_SLOAD || s->op == OP_SSTORE))
        storage = contract_of(l, s->address);
    if (!fits(l, s, storage)) return;

    pending_entry *p = &l->p;
    *p = (pending_entry){
        .active = true,
        .pc = s->pc,
        .op = s->op,
        .depth = s->depth,
        .gas = s->gas,
        .static_cost = s->gas_cost,
        .refund = s->refund,
        .stack_size = s->stack_size,
    };
    /* geth records the slot before the instruction runs: a write that then fails still shows. */
    if (storage && s->op == OP_SSTORE && s->stack_size >= 2) {
        uint8_t key[32], value[32];
        braid_u256_to_be(s->stack[s->stack_size - 1], key);
        braid_u256_to_be(s->stack[s->stack_size - 2], value);
        slots_set(storage, key, value);
        p->storage = storage;
    } else if (storage && s->op == OP_SLOAD && s->stack_size >= 1) {
        braid_u256_to_be(s->stack[s->stack_size - 1], p->sload_key);
        p->sload = true;
        p->storage = storage;
    }

    braid_buf *t = &l->tail;
    braid_buf_clear(t);
    if (!l->opt.disable_stack) {
        put_str(t, ",\"stack\":[");
        for (size_t i = 0; i < s->stack_size; i++) {
            if (i) braid_buf_push(t, ',');
            put_quantity(t, &s->stack[i]);
        }
        braid_buf_push(t, ']');
    }
    if (l->opt.enable_return_data && s->return_data_len) {
        put_str(t, ",\"returnData\":");
        put_hex_bytes(t, s->return_data, s->return_data_len);
    }
    if (l->opt.enable_memory && s->mem_size) {
        put_str(t, ",\"memory\":[");
        for (uint64_t off = 0; off < s->mem_size; off += 32) {
            if (off) braid_buf_push(t, ',');
            put_hex_bytes(t, s->memory + off, 32); /* braid's memory is whole words, as geth pads it */
        }
        braid_buf_push(t, ']');
    }
}

static void on_call_start(void *ctx, int64_t gas_left, int64_t callee_gas) {
    braid_struct_logger *l = ctx;
    if (!l->p.active) return;
    uint8_t op = l->p.op;
    if (is_call(op))
        finish(l, l->p.gas - gas_left, NULL, NULL);
    else if (op == OP_CREATE || op == OP_CREATE2)
        finish(l, l->p.gas - gas_left - callee_gas, NULL, NULL);
}

static void on_frame_end(void *ctx, int depth, braid_status status, int64_t gas) {
    braid_struct_logger *l = ctx;
    pending_entry *p = &l->p;
    if (!p->active || p->depth != depth) return;
    char msg[64];
    switch (status) {
    case BRAID_STACK_UNDERFLOW:
        snprintf(msg, sizeof msg, "stack underflow (%zu <=> %u)", p->stack_size, op_pops[p->op]);
        finish(l, geth_constant_gas(p->op, p->static_cost), msg, NULL);
        break;
    case BRAID_STACK_OVERFLOW:
        snprintf(msg, sizeof msg, "stack limit reached %zu (%d)", p->stack_size,
                 1024 + op_pops[p->op] - op_pushes[p->op]);
        finish(l, geth_constant_gas(p->op, p->static_cost), msg, NULL);
        break;
    case BRAID_OUT_OF_GAS:
        /* An SSTORE that charged nothing was stopped by EIP-2200's sentry (2300 gas or less left). */
        finish(l, p->gas - gas,
               p->op == OP_SSTORE && gas == p->gas ? "out of gas: not enough gas for reentrancy sentry"
                                                    : "out of gas",
               NULL);
        break;
    default:
        finish(l, p->gas - gas, NULL, NULL);
        break;
    }
}

/* ---- public ---- */

braid_struct_logger *braid_struct_logger_create(const braid_struct_logger_options *opt, size_t max_bytes) {
    braid_gas_tables_init(); /* the op names */
    braid_struct_logger *l = braid_xcalloc(1, sizeof *l);
    if (opt) l->opt = *opt;
    l->max_bytes = max_bytes;
    l->tracer = (braid_tracer){.ctx = l, .step = on_step, .frame_end = on_frame_end, .call_start = on_call_start};
    return l;
}

void braid_struct_logger_destroy(braid_struct_logger *l) {
    if (!l) return;
    for (size_t i = 0; i < l->n_contracts; i++) free(l->contracts[i].v);
    free(l->contracts);
    braid_buf_free(&l->logs);
    braid_buf_free(&l->tail);
    free(l);
}

const braid_tracer *braid_struct_logger_tracer(braid_struct_logger *l) { return &l->tracer; }

bool braid_struct_logger_exceeded(const braid_struct_logger *l) { return l->exceeded; }

int braid_struct_logger_write_result(braid_struct_logger *l, uint64_t gas_used, braid_status status,
                                     const uint8_t *ret, size_t ret_len, braid_buf *out, char *err, size_t err_len) {
    if (l->p.active) finish(l, l->p.static_cost, NULL, NULL); /* only if the vm never ended the frame */
    if (l->exceeded)
        return braid_errorf(err, err_len, "execution trace exceeds the limit of %zu bytes", l->max_bytes);
    /* geth: the output when the call succeeded or reverted (the revert reason), otherwise nothing. */
    if (status != BRAID_SUCCESS && status != BRAID_REVERT) ret_len = 0;
    put_fmt(out, "{\"gas\":%llu,\"failed\":%s,\"returnValue\":", (unsigned long long)gas_used,
            status == BRAID_SUCCESS ? "false" : "true");
    put_hex_bytes(out, ret, ret_len);
    put_str(out, ",\"structLogs\":[");
    braid_buf_append(out, l->logs.data, l->logs.len);
    put_str(out, "]}");
    return 0;
}

json_t *braid_struct_logger_result(braid_struct_logger *l, uint64_t gas_used, braid_status status, const uint8_t *ret,
                                   size_t ret_len, char *err, size_t err_len) {
    braid_buf text = {0};
    if (braid_struct_logger_write_result(l, gas_used, status, ret, ret_len, &text, err, err_len) != 0) return NULL;
    json_error_t jerr;
    json_t *v = json_loadb((const char *)text.data, text.len, 0, &jerr);
    braid_buf_free(&text);
    if (!v) braid_errorf(err, err_len, "struct logger produced invalid JSON: %s", jerr.text);
    return v;
}

int braid_struct_logger_options_parse(const json_t *config, braid_struct_logger_options *out, char *err,
                                      size_t err_len) {
    memset(out, 0, sizeof *out);
    if (!config || json_is_null(config)) return 0;
    if (!json_is_object(config)) return braid_errorf(err, err_len, "trace config must be an object");
    static const char *const flags[] = {"disableStack", "disableStorage", "enableMemory", "enableReturnData"};
    bool *targets[] = {&out->disable_stack, &out->disable_storage, &out->enable_memory, &out->enable_return_data};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)config, key, v) {
        if (json_is_null(v)) continue;
        if (strcasecmp(key, "limit") == 0) {
            if (!json_is_integer(v)) return braid_errorf(err, err_len, "trace config: limit must be an integer");
            out->limit = json_integer_value(v);
            continue;
        }
        for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
            if (strcasecmp(key, flags[i]) == 0) {
                if (!json_is_boolean(v))
                    return braid_errorf(err, err_len, "trace config: %s must be a boolean", flags[i]);
                *targets[i] = json_is_true(v);
            }
    }
    return 0;
}
