/* JSON-RPC 2.0 as Ethereum clients speak it: one request or a batch per body, methods looked up in a
 * table, errors with geth's codes and messages. No transport here: the node's HTTP server hands each
 * request body to braid_rpc_handle and sends back what it writes.
 *
 * Per the specification: a body that is not JSON gets -32700; a request that is not an object, lacks
 * "jsonrpc": "2.0" or a string method, or has an id that is neither a string, a number nor null gets
 * -32600; an unknown method -32601; a request without an id is a notification and gets no response.
 * A batch answers each of its requests in one array (nothing at all when all were notifications); an
 * empty batch or one over the batch limit is refused whole with -32600.
 *
 * Thread contract: register every method before the first braid_rpc_handle; braid_rpc_handle may then
 * run on many threads at once, and so do the methods it calls. */
#ifndef BRAID_RPC_H
#define BRAID_RPC_H

#include <jansson.h>
#include <stddef.h>

#include "braid_bytes.h"

enum {
    BRAID_RPC_PARSE_ERROR = -32700,
    BRAID_RPC_INVALID_REQUEST = -32600,
    BRAID_RPC_METHOD_NOT_FOUND = -32601,
    BRAID_RPC_INVALID_PARAMS = -32602,
    BRAID_RPC_INTERNAL_ERROR = -32603,
    BRAID_RPC_SERVER_ERROR = -32000, /* geth's code for most failures of a valid call */
    BRAID_RPC_EXECUTION_REVERTED = 3,
};

typedef struct braid_rpc_error {
    int code;
    char message[512];
    json_t *data; /* optional, owned by the error (revert data, for instance) */
} braid_rpc_error;

/* A method: `params` is the request's params (an array or object, or NULL when absent). Returns the
 * result (a new reference), or NULL with *err filled. */
typedef json_t *(*braid_rpc_method)(void *ctx, const json_t *params, braid_rpc_error *err);

/* Fills *err and returns NULL: the usual way out of a method. */
json_t *braid_rpc_fail(braid_rpc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct braid_rpc braid_rpc;

/* `max_batch`: the most requests one batch may hold (0: no limit). */
braid_rpc *braid_rpc_create(size_t max_batch);
void braid_rpc_destroy(braid_rpc *rpc);
/* Answers batches of 32 requests or more on up to `threads` threads (default 1: in the caller's). The
 * response keeps the requests' order either way. */
void braid_rpc_set_batch_threads(braid_rpc *rpc, unsigned threads);
/* Bytes of stack of the threads that answer a batch (methods that run the vm need
 * BRAID_VM_STACK_SIZE); 0, the default: the system's. */
void braid_rpc_set_thread_stack(braid_rpc *rpc, size_t bytes);
/* Adds or replaces a method. */
void braid_rpc_register(braid_rpc *rpc, const char *name, braid_rpc_method fn, void *ctx);

/* Answers one request body. `out` receives the response JSON, or nothing (len 0) when every request
 * was a notification. */
void braid_rpc_handle(braid_rpc *rpc, const char *body, size_t len, braid_buf *out);

#endif
