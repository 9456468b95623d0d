/* EIP-3155 JSON-lines tracing, in the field order and number formats of geth's and evmone's tools, so
 * that traces from the three can be diffed line by line. */
#include "braid/braid_evm.h"
#include "opcodes.h"

static void put_quantity(FILE *out, braid_u256 v) {
    static const char digits[] = "0123456789abcdef";
    char buf[67];
    int n = 0;
    bool started = false;
    for (int limb = 3; limb >= 0; limb--)
        for (int shift = 60; shift >= 0; shift -= 4) {
            unsigned d = (unsigned)(v.w[limb] >> shift) & 15;
            if (d || started) {
                buf[n++] = digits[d];
                started = true;
            }
        }
    if (!started) buf[n++] = '0';
    buf[n] = '\0';
    fprintf(out, "\"0x%s\"", buf);
}

static void step(void *ctx, const braid_step *s) {
    FILE *out = ctx;
    fprintf(out, "{\"pc\":%llu,\"op\":%u,\"gas\":\"0x%llx\",\"gasCost\":\"0x%llx\",\"memSize\":%llu,\"stack\":[",
            (unsigned long long)s->pc, s->op, (unsigned long long)s->gas, (unsigned long long)s->gas_cost,
            (unsigned long long)s->mem_size);
    for (size_t i = 0; i < s->stack_size; i++) {
        if (i) fputc(',', out);
        put_quantity(out, s->stack[i]);
    }
    fprintf(out, "],\"depth\":%d,\"refund\":%lld,\"opName\":\"%s\"}\n", s->depth, (long long)s->refund,
            braid_opcode_name(s->op));
}

void braid_tracer_eip3155(braid_tracer *tracer, FILE *out) {
    braid_gas_tables_init();
    *tracer = (braid_tracer){.ctx = out, .step = step};
}

void braid_tracer_eip3155_summary(FILE *out, const uint8_t *output, size_t output_len, uint64_t gas_used,
                                  const char *error) {
    fputs("{\"output\":\"", out);
    for (size_t i = 0; i < output_len; i++) fprintf(out, "%02x", output[i]);
    fprintf(out, "\",\"gasUsed\":\"0x%llx\"", (unsigned long long)gas_used);
    if (error) fprintf(out, ",\"error\":\"%s\"", error);
    fputs("}\n", out);
}
