/* The node's HTTP transport for JSON-RPC (libmicrohttpd): POST bodies go to braid_rpc_handle, the
 * answer comes back as application/json. Hostile clients are bounded: a body over the size limit gets
 * 413 with a JSON-RPC error, a connection idle past the timeout is closed, connections past the limit are
 * refused, and only POST (and OPTIONS, for browsers' CORS preflight) is served.
 *
 * Thread contract: the server answers on its own threads; stop it from the thread that started it. */
#ifndef BRAID_HTTP_H
#define BRAID_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "braid_rpc.h"

typedef struct braid_http_options {
    const char *addr;   /* IPv4 address to bind; NULL: 127.0.0.1 */
    uint16_t port;      /* 0: any free port (see braid_http_port) */
    size_t max_body;    /* bytes; 0: 5 MiB */
    unsigned threads;   /* 0: 4 */
    unsigned max_conns; /* 0: 256 */
    unsigned timeout_s; /* idle connection timeout; 0: 30 s */
    const char *cors;   /* Access-Control-Allow-Origin value ("*", a domain), or NULL for none */
    double rate_limit;  /* HTTP requests per second per client address (a batch is one); over it: 429 and
                           JSON-RPC error -32005. 0: no limit */
    size_t thread_stack; /* bytes of stack of each serving thread (methods that run the vm need
                            BRAID_VM_STACK_SIZE); 0: the system's default */
} braid_http_options;

typedef struct braid_http braid_http;

/* Starts serving `rpc`. Returns NULL with a message (address in use, bad address) on failure. */
braid_http *braid_http_start(const braid_http_options *opt, braid_rpc *rpc, char *err, size_t err_len);
uint16_t braid_http_port(const braid_http *h);
void braid_http_stop(braid_http *h);

#endif
