/* The interpreter: instruction handlers (interp_loop.inc, compiled three times: plain, bounded by a
 * deadline, and traced) and the small helpers they share. Calls, creations and SELFDESTRUCT live in
 * calls.c; SSTORE pricing in sstore.c. */
#include <stdlib.h>

#include <stdatomic.h>
#include <time.h>

#include "braid/braid_keccak.h"
#include "opcodes.h"
#include "vm.h"

/* EIP-2929 surcharges on top of the warm cost already in the static table. */
#define COLD_ACCOUNT_SURCHARGE (2600 - 100)
#define COLD_SLOAD_SURCHARGE (2100 - 100)

/* Compile-time facts per opcode for the handler prologues. */
enum {
#define X(c, name, since, pops, pushes) SINCE_##name = since, POPS_##name = pops, PUSHES_##name = pushes,
    BRAID_OPCODES(X)
#undef X
};

/* Stack words are moved limb by limb: most are written that way (results computed in registers), and
 * a 16-byte load of two 8-byte stores just made cannot be forwarded from the store buffer, which
 * stalls the load for the whole store's retirement. The empty asm keeps the compiler from merging the
 * limbs back into vector moves. */
/* The first fork of each opcode; undefined opcodes are never available. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const int vm_opcode_since[256] = {
    [0 ... 255] = BRAID_FORK_COUNT,
#define X(c, name, since, pops, pushes) [c] = since,
    BRAID_OPCODES(X)
#undef X
};
#pragma GCC diagnostic pop

static inline braid_u256 stack_load(const braid_u256 *p) {
    uint64_t a = p->w[0], b = p->w[1], c = p->w[2], d = p->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    return (braid_u256){{a, b, c, d}};
}

static inline void stack_store(braid_u256 *p, braid_u256 v) {
    uint64_t a = v.w[0], b = v.w[1], c = v.w[2], d = v.w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    p->w[0] = a, p->w[1] = b, p->w[2] = c, p->w[3] = d;
}

static inline void stack_copy(braid_u256 *dst, const braid_u256 *src) {
    uint64_t a = src->w[0], b = src->w[1], c = src->w[2], d = src->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    dst->w[0] = a, dst->w[1] = b, dst->w[2] = c, dst->w[3] = d;
}

static inline void stack_swap(braid_u256 *x, braid_u256 *y) {
    uint64_t a = x->w[0], b = x->w[1], c = x->w[2], d = x->w[3];
    uint64_t e = y->w[0], f = y->w[1], g = y->w[2], h = y->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f), "+r"(g), "+r"(h));
    x->w[0] = e, x->w[1] = f, x->w[2] = g, x->w[3] = h;
    y->w[0] = a, y->w[1] = b, y->w[2] = c, y->w[3] = d;
}

/* The word as a u64, or UINT64_MAX (never a valid code offset) when it does not fit. */
static inline uint64_t stack_u64(const braid_u256 *v) {
    uint64_t hi = v->w[1] | v->w[2] | v->w[3];
    __asm__("" : "+r"(hi));
    return hi ? UINT64_MAX : v->w[0];
}

static inline bool stack_nonzero(const braid_u256 *v) {
    uint64_t a = v->w[0], b = v->w[1], c = v->w[2], d = v->w[3];
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    return (a | b | c | d) != 0;
}

/* SHL, SHR and SAR: the limbs of x in a padded array, so that each result limb is one funnel shift of two
 * neighbours (no branch on the shift's limb and bit counts). */
static inline bool shift_fits(const braid_u256 *shift) {
    return (shift->w[1] | shift->w[2] | shift->w[3]) == 0 && shift->w[0] < 256;
}

static inline void op_shl(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    if (!shift_fits(shift)) {
        *r = BRAID_U256_ZERO;
        return;
    }
    unsigned q = (unsigned)(shift->w[0] >> 6), b = (unsigned)(shift->w[0] & 63);
    braid_u256 xv = stack_load(x);
    uint64_t w[8] = {0, 0, 0, 0, xv.w[0], xv.w[1], xv.w[2], xv.w[3]};
    const uint64_t *p = w + 4 - q; /* p[i] is the limb that lands in limb i, p[i - 1] the one below it */
    /* (lo >> 1) >> (63 - b) is lo >> (64 - b) without an undefined shift by 64 when b is 0 */
    uint64_t r0 = p[0] << b | (p[-1] >> 1) >> (63 - b), r1 = p[1] << b | (p[0] >> 1) >> (63 - b);
    uint64_t r2 = p[2] << b | (p[1] >> 1) >> (63 - b), r3 = p[3] << b | (p[2] >> 1) >> (63 - b);
    stack_store(r, (braid_u256){{r0, r1, r2, r3}});
}

static inline void shift_right_fill(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x, uint64_t fill) {
    if (!shift_fits(shift)) {
        r->w[0] = r->w[1] = r->w[2] = r->w[3] = fill;
        return;
    }
    unsigned q = (unsigned)(shift->w[0] >> 6), b = (unsigned)(shift->w[0] & 63);
    braid_u256 xv = stack_load(x);
    uint64_t w[8] = {xv.w[0], xv.w[1], xv.w[2], xv.w[3], fill, fill, fill, fill};
    const uint64_t *p = w + q; /* p[i] lands in limb i, p[i + 1] above it */
    uint64_t r0 = p[0] >> b | (p[1] << 1) << (63 - b), r1 = p[1] >> b | (p[2] << 1) << (63 - b);
    uint64_t r2 = p[2] >> b | (p[3] << 1) << (63 - b), r3 = p[3] >> b | (p[4] << 1) << (63 - b);
    stack_store(r, (braid_u256){{r0, r1, r2, r3}});
}

static inline void op_shr(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    shift_right_fill(r, shift, x, 0);
}

static inline void op_sar(braid_u256 *r, const braid_u256 *shift, const braid_u256 *x) {
    shift_right_fill(r, shift, x, (uint64_t)((int64_t)x->w[3] >> 63));
}

/* MUL: most products in contracts have a factor that fits in 64 bits (a scale, a power of two, a
 * length): four multiplies then instead of ten. */
static inline void op_mul(braid_u256 *r, const braid_u256 *a, const braid_u256 *b) {
    braid_u256 x = stack_load(a), y = stack_load(b);
    if ((x.w[1] | x.w[2] | x.w[3]) == 0) {
        braid_u256 t = x;
        x = y;
        y = t;
    }
    if ((y.w[1] | y.w[2] | y.w[3]) != 0) {
        braid_u256 full;
        braid_u256_mul(&full, &x, &y);
        stack_store(r, full);
        return;
    }
    uint64_t m = y.w[0];
    unsigned __int128 t = (unsigned __int128)x.w[0] * m;
    uint64_t r0 = (uint64_t)t;
    t = (unsigned __int128)x.w[1] * m + (uint64_t)(t >> 64);
    uint64_t r1 = (uint64_t)t;
    t = (unsigned __int128)x.w[2] * m + (uint64_t)(t >> 64);
    uint64_t r2 = (uint64_t)t;
    uint64_t r3 = x.w[3] * m + (uint64_t)(t >> 64);
    stack_store(r, (braid_u256){{r0, r1, r2, r3}});
}

/* SIGNEXTEND: the byte at `pos` (from the least significant) carries the sign of the result. The limbs
 * stay in registers (selects, not an indexed array), since contracts extend values one after another. */
static inline void op_signextend(braid_u256 *r, const braid_u256 *pos, const braid_u256 *x) {
    braid_u256 v = stack_load(x);
    if ((pos->w[1] | pos->w[2] | pos->w[3]) == 0 && pos->w[0] < 31) {
        unsigned bit = (unsigned)pos->w[0] * 8 + 7, limb = bit / 64, off = bit % 64;
        uint64_t w = limb == 0 ? v.w[0] : limb == 1 ? v.w[1] : limb == 2 ? v.w[2] : v.w[3];
        uint64_t sign = 0 - ((w >> off) & 1), keep = off == 63 ? ~0ull : (2ull << off) - 1;
        w = (w & keep) | (sign & ~keep);
        v.w[3] = limb == 3 ? w : sign;
        v.w[2] = limb == 2 ? w : limb < 2 ? sign : v.w[2];
        v.w[1] = limb == 1 ? w : limb < 1 ? sign : v.w[1];
        v.w[0] = limb == 0 ? w : v.w[0];
    }
    stack_store(r, v);
}

static inline uint64_t load_be64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

/* A big-endian 32-byte word (memory, call data, a hash) onto the stack and back, through general
 * registers like every stack word (see stack_copy). */
static inline void word_from_be(braid_u256 *dst, const uint8_t *p) {
    stack_store(dst, (braid_u256){{load_be64(p + 24), load_be64(p + 16), load_be64(p + 8), load_be64(p)}});
}

static inline void store_be64(uint8_t *p, uint64_t v) {
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

static inline void word_to_be(uint8_t *p, const braid_u256 *src) {
    braid_u256 v = stack_load(src);
    store_be64(p, v.w[3]);
    store_be64(p + 8, v.w[2]);
    store_be64(p + 16, v.w[1]);
    store_be64(p + 24, v.w[0]);
}

/* PUSHn's immediate as limbs, straight from the code (n is a constant in every caller). Reading 8 bytes
 * from the start of a short immediate stays inside the code's zero padding. */
static inline braid_u256 load_push(const uint8_t *p, unsigned n) {
    braid_u256 v = BRAID_U256_ZERO;
    unsigned full = n / 8, part = n % 8;
    for (unsigned i = 0; i < full; i++) v.w[i] = load_be64(p + n - 8 * (i + 1));
    if (part) v.w[full] = load_be64(p) >> ((64 - 8 * part) & 63);
    return v;
}

static inline void push_immediate(braid_u256 *dst, const uint8_t *p, unsigned n) {
    stack_store(dst, load_push(p, n));
}

/* Copies `size` bytes of `src` starting at `src_off` into dst, zero-filling past the end of src. */
static inline void copy_padded(uint8_t *dst, uint64_t size, const uint8_t *src, size_t src_len, braid_u256 src_off) {
    uint64_t n = 0;
    if (braid_u256_fits_u64(src_off) && src_off.w[0] < src_len) {
        n = src_len - src_off.w[0];
        if (n > size) n = size;
        memcpy(dst, src + src_off.w[0], n);
    }
    memset(dst + n, 0, size - n);
}

static vm_keccak_memo *memo_of(braid_vm *vm, const uint8_t *data, size_t size) {
    uint64_t h = size, w;
    for (size_t i = 0; i + 8 <= size; i += 8) {
        memcpy(&w, data + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    }
    return &vm->memo[(h >> 59) & (VM_KECCAK_MEMO - 1)];
}

void braid_vm_set_keccak_log(braid_vm *vm, braid_keccak_log *log) { vm->keccak_log = log; }

void braid_vm_keccak_remember(braid_vm *vm, const uint8_t *input, size_t len, const uint8_t hash[32]) {
    if (len == 0 || len > VM_KECCAK_MEMO_MAX) return;
    vm_keccak_memo *m = memo_of(vm, input, len);
    m->len = (uint8_t)len;
    memcpy(m->input, input, len);
    memcpy(m->hash, hash, 32);
}

void vm_keccak(braid_vm *vm, const uint8_t *data, size_t size, uint8_t out[32]) {
    if (size == 0 || size > VM_KECCAK_MEMO_MAX) {
        braid_keccak256(data, size, out);
        return;
    }
    if (UNLIKELY(vm->keccak_log != NULL) && size == 64 && vm->keccak_log->n < BRAID_KECCAK_LOG_MAX)
        memcpy(vm->keccak_log->inputs[vm->keccak_log->n++], data, 64);
    vm_keccak_memo *m = memo_of(vm, data, size);
    if (m->len == size && memcmp(m->input, data, size) == 0) {
        memcpy(out, m->hash, 32);
        return;
    }
    braid_keccak256(data, size, out);
    m->len = (uint8_t)size;
    memcpy(m->input, data, size);
    memcpy(m->hash, out, 32);
}

static braid_u256 block_hash(braid_vm *vm, braid_u256 n) {
    uint64_t current = vm->block->number;
    if (!braid_u256_fits_u64(n) || n.w[0] >= current || current - n.w[0] > 256) return BRAID_U256_ZERO;
    braid_hash h;
    if (!vm->block->block_hash || !vm->block->block_hash(vm->block->block_hash_ctx, n.w[0], &h))
        return BRAID_U256_ZERO;
    return braid_u256_from_be(h.b);
}

/* LOGn: topics are the stack words below offset and size, topmost first. */
static void emit_log(braid_state *s, const braid_address *addr, const braid_u256 *first_topic, unsigned n,
                     const uint8_t *data, size_t len) {
    braid_hash topics[4];
    for (unsigned t = 0; t < n && t < 4; t++) braid_u256_to_be(first_topic[-(int)t], topics[t].b);
    state_emit_log(s, addr, topics, n, data, len);
}

bool vm_memory_grow_slow(braid_buf *mem, uint64_t end, int64_t *gas) {
    if (end > MEMORY_LIMIT) return false;
    int64_t old_words = (int64_t)(mem->len / 32), new_words = (int64_t)((end + 31) / 32);
    int64_t cost = (3 * new_words + new_words * new_words / 512) - (3 * old_words + old_words * old_words / 512);
    if ((*gas -= cost) < 0) return false;
    size_t new_len = (size_t)new_words * 32, old_cap = mem->cap;
    braid_buf_reserve(mem, new_len);
    if (mem->cap > old_cap) memset(mem->data + old_cap, 0, mem->cap - old_cap); /* kept zero beyond len */
    mem->len = new_len;
    return true;
}

static NOINLINE void trace_step(braid_vm *vm, const braid_message *msg, const uint8_t *code_start,
                                const uint8_t *ip, int64_t gas, const braid_u256 *stack, const braid_u256 *sp,
                                const braid_buf *mem, const vm_returndata *rd) {
    int32_t cost = vm->costs[*ip];
    braid_step step = {
        .pc = (uint64_t)(ip - code_start),
        .op = *ip,
        .gas = gas,
        .gas_cost = cost < 0 ? 0 : cost,
        .mem_size = mem->len,
        .stack = stack,
        .stack_size = (size_t)(sp - stack),
        .depth = msg->depth + 1,
        .refund = state_refund(vm->state),
        .address = &msg->recipient,
        .memory = mem->data,
        .return_data = rd->data,
        .return_data_len = rd->len,
    };
    vm->tracer->step(vm->tracer->ctx, &step);
}

static NOINLINE void trace_frame_end(braid_vm *vm, const braid_message *msg, braid_status status, int64_t gas) {
    if (vm->tracer->frame_end) vm->tracer->frame_end(vm->tracer->ctx, msg->depth + 1, status, gas);
}

/* Jumps, calls and frame starts between two readings of the clock: a tight loop takes a few nanoseconds
 * per jump, so the clock (about 20 ns through the vDSO) is read every few tens of microseconds. */
#define VM_CLOCK_EVERY 4096

uint64_t braid_clock_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static NOINLINE bool vm_past_deadline(braid_vm *vm) {
    vm->clock_countdown = VM_CLOCK_EVERY;
    if (!vm->timed_out && vm->deadline_ns && braid_clock_ns() >= vm->deadline_ns) vm->timed_out = true;
    /* Once past it, every later check looks again, so that every frame stops. */
    if (vm->timed_out) vm->clock_countdown = 1;
    return vm->timed_out;
}

#define TRACING 0
#define BOUNDED 0
#define EXECUTE_FN execute_plain
#include "interp_loop.inc"
#undef BOUNDED
#undef EXECUTE_FN

#define BOUNDED 1
#define EXECUTE_FN execute_bounded
#include "interp_loop.inc"
#undef TRACING
#undef BOUNDED
#undef EXECUTE_FN

#define TRACING 1
#define BOUNDED 1
#define EXECUTE_FN execute_traced
#include "interp_loop.inc"
#undef TRACING
#undef BOUNDED
#undef EXECUTE_FN

vm_frame *vm_frame_at(braid_vm *vm, int depth) {
    vm_frame *f = &vm->frames[depth];
    if (!f->stack) f->stack = aligned_alloc(32, STACK_LIMIT * sizeof(braid_u256));
    if (!f->stack) abort();
    return f;
}

braid_result vm_execute(braid_vm *vm, const braid_message *msg, const braid_code *code) {
    vm_frame *frame = vm_frame_at(vm, msg->depth);
    if (UNLIKELY(vm->tracer != NULL)) return execute_traced(vm, msg, code, frame);
    if (UNLIKELY(vm->deadline_ns != 0)) return execute_bounded(vm, msg, code, frame);
    return execute_plain(vm, msg, code, frame);
}

braid_vm *braid_vm_create(void) {
    braid_gas_tables_init();
    return braid_xcalloc(1, sizeof(braid_vm));
}

void braid_vm_destroy(braid_vm *vm) {
    if (!vm) return;
    for (int i = 0; i <= BRAID_MAX_CALL_DEPTH; i++) {
        free(vm->frames[i].stack);
        braid_buf_free(&vm->frames[i].memory);
        braid_buf_free(&vm->frames[i].initcode);
        braid_buf_free(&vm->frames[i].initcode_jumpdests);
    }
    free(vm);
}

void braid_vm_set_tracer(braid_vm *vm, const braid_tracer *tracer) { vm->tracer = tracer; }

void braid_vm_set_deadline(braid_vm *vm, uint64_t deadline_ns) {
    vm->deadline_ns = deadline_ns;
    vm->clock_countdown = 1; /* the first frame reads the clock */
    vm->timed_out = false;
}

bool braid_vm_timed_out(const braid_vm *vm) { return vm->timed_out; }

void braid_vm_begin(braid_vm *vm, braid_state *state, braid_fork fork, const braid_block_env *block,
                    const braid_tx_env *tx) {
    vm->state = state;
    vm->fork = fork;
    vm->block = block;
    vm->tx = tx;
    vm->costs = braid_gas_costs[fork];
}

const char *braid_status_name(braid_status status) {
    static const char *const names[] = {
        "success",          "revert",           "out of gas",          "invalid instruction",
        "undefined instruction", "stack overflow", "stack underflow",  "bad jump destination",
        "invalid memory access", "static mode violation", "precompile failure", "contract validation failure",
        "create collision", "insufficient balance", "call depth exceeded", "nonce overflow",
    };
    return (unsigned)status < sizeof names / sizeof names[0] ? names[status] : "unknown";
}
