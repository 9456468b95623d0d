/* geth's default tracer (the "struct logger") for debug_traceTransaction and debug_traceCall: one
 * entry per executed instruction, in the JSON that geth v1.17 returns:
 *
 *   {"gas": <gas used by the transaction>, "failed": bool, "returnValue": "0x…",
 *    "structLogs": [{"pc", "op" (name), "gas", "gasCost", "depth", "error"?, "stack"?, "returnData"?,
 *                    "memory"?, "storage"?, "refund"?}, …]}
 *
 * Numbers are JSON integers; stack items are hex quantities ("0x0"); memory is a list of 32-byte words
 * and storage a map of 32-byte words, all "0x"-prefixed; "returnValue" is the output when the
 * transaction succeeded or reverted and "0x" otherwise. "storage" appears at SLOAD and SSTORE: every
 * slot of the running contract (the storage owner, so the caller's under DELEGATECALL) that this trace
 * has seen read or written so far, as geth keeps it (a write that then fails still shows).
 *
 * How it follows geth, and where it cannot:
 * - "gasCost" is what the instruction charged, dynamic parts included: the step's gas minus the gas of
 *   whatever comes next in its frame (or of the frame's end). A CALL-family instruction also counts the
 *   gas it hands to its callee (less the stipend), a creation does not, as in geth.
 * - "error" appears where geth's interpreter reports an error before running the instruction: stack
 *   underflow and overflow, and out of gas. Other failures (an invalid or undefined opcode, a bad jump,
 *   a write in a static call, returndata out of bounds) end the frame without an "error" on the step,
 *   as geth's struct logger has no fault hook; the result's "failed" still says so.
 * - Out of gas: braid stops charging at the part of the cost that failed, where geth adds up every part
 *   first; the "gasCost" of such a step can then be lower than geth's. geth's wording for absurd memory
 *   offsets ("gas uint64 overflow") is reported as plain "out of gas".
 * - The value shown for a slot read by SLOAD is the value the SLOAD pushed (taken from the next step);
 *   a SLOAD that itself runs out of gas shows the slots seen before it, without the one it failed to
 *   read.
 *
 * Memory: entries are kept as JSON text. `max_bytes` bounds that text (the result then fails with a
 * message, instead of growing without end); geth's own "limit" option is honoured too (it silently
 * stops recording, as geth does).
 *
 * Use, per transaction: braid_struct_logger_create; braid_vm_set_tracer(vm,
 * braid_struct_logger_tracer(l)); run the transaction (braid_tx_apply); braid_vm_set_tracer(vm, NULL);
 * braid_struct_logger_result with the transaction's outcome; braid_struct_logger_destroy.
 *
 * Thread contract: a logger belongs to the thread running the vm it traces. */
#ifndef BRAID_STRUCT_LOGGER_H
#define BRAID_STRUCT_LOGGER_H

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_evm.h"

/* geth's logger.Config, as debug_traceTransaction's second parameter carries it. */
typedef struct braid_struct_logger_options {
    bool disable_stack;
    bool disable_storage;
    bool enable_memory;
    bool enable_return_data;
    /* geth's "limit": once the entries recorded add up to more than this many bytes of JSON, later
     * instructions are not recorded (no error). 0: no limit; negative (which geth accepts): nothing is
     * recorded. */
    int64_t limit;
} braid_struct_logger_options;

/* Reads the options from a trace config object ({"enableMemory": true, "limit": 1000, ...}): keys
 * match case-insensitively, as Go's JSON decoding does; other keys ("tracer", "timeout", ...) are
 * ignored, and null leaves an option at its default. `config` may be NULL (all defaults). Returns 0, or
 * -1 with a message for a value of the wrong type. */
int braid_struct_logger_options_parse(const json_t *config, braid_struct_logger_options *out, char *err,
                                      size_t err_len);

typedef struct braid_struct_logger braid_struct_logger;

/* `opt` may be NULL (geth's defaults: stack and storage on, memory and return data off). `max_bytes`
 * bounds the JSON text of the entries kept (0: no bound). */
braid_struct_logger *braid_struct_logger_create(const braid_struct_logger_options *opt, size_t max_bytes);
void braid_struct_logger_destroy(braid_struct_logger *l);

/* The tracer to install with braid_vm_set_tracer; it lives as long as the logger. */
const braid_tracer *braid_struct_logger_tracer(braid_struct_logger *l);

/* Whether the entries outgrew `max_bytes` (recording then stopped, and the result fails). */
bool braid_struct_logger_exceeded(const braid_struct_logger *l);

/* The trace as geth returns it, after the transaction ran: `gas_used` is the receipt's (after refunds),
 * `status` the outcome of the transaction's own message and `ret` its output. Returns a new reference,
 * or NULL with a message when the trace outgrew `max_bytes`. Building the JSON tree needs several times
 * the memory of the text; braid_struct_logger_write_result gives the text alone. */
json_t *braid_struct_logger_result(braid_struct_logger *l, uint64_t gas_used, braid_status status, const uint8_t *ret,
                                   size_t ret_len, char *err, size_t err_len);
/* The same as compact JSON text appended to `out`. Returns 0, or -1 with a message. */
int braid_struct_logger_write_result(braid_struct_logger *l, uint64_t gas_used, braid_status status,
                                     const uint8_t *ret, size_t ret_len, braid_buf *out, char *err, size_t err_len);

#endif
