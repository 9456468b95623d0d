#include "braid/braid_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per-client request budgets (token buckets), direct-mapped by address: two clients that land in one
 * bucket share its budget, which errs on the strict side and needs no eviction. */
#define RATE_BUCKETS 4096

typedef struct rate_bucket {
    uint32_t addr;
    double tokens;
    double last_s;
} rate_bucket;

struct braid_http {
    struct MHD_Daemon *daemon;
    braid_rpc *rpc;
    size_t max_body;
    char *cors;
    uint16_t port;
    double rate; /* requests per second per client; 0: no limit */
    pthread_mutex_t rate_lock;
    rate_bucket *buckets;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Takes one request from the client's budget; false when it is spent. The budget refills at `rate` per
 * second up to one second's worth. */
static bool within_rate(braid_http *h, struct MHD_Connection *c) {
    if (h->rate <= 0) return true;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    uint32_t addr = 0;
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        addr = ((const struct sockaddr_in *)ci->client_addr)->sin_addr.s_addr;
    rate_bucket *b = &h->buckets[(addr * 2654435761u) >> 20 & (RATE_BUCKETS - 1)];
    double t = now_s();
    pthread_mutex_lock(&h->rate_lock);
    if (b->addr != addr || b->last_s == 0) *b = (rate_bucket){.addr = addr, .tokens = h->rate, .last_s = t};
    b->tokens += (t - b->last_s) * h->rate;
    if (b->tokens > h->rate) b->tokens = h->rate;
    b->last_s = t;
    bool ok = b->tokens >= 1;
    if (ok) b->tokens -= 1;
    pthread_mutex_unlock(&h->rate_lock);
    return ok;
}

/* One request's body as it arrives. */
typedef struct upload {
    braid_buf body;
    bool too_large;
} upload;

static enum MHD_Result send_text(struct MHD_Connection *c, const braid_http *h, unsigned status,
                                 const void *data, size_t len, const char *type) {
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (h->cors) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", h->cors);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "POST, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Headers", "Content-Type");
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **state) {
    (void)url;
    (void)version;
    braid_http *h = cls;
    if (strcmp(method, "OPTIONS") == 0) return send_text(c, h, MHD_HTTP_NO_CONTENT, "", 0, "text/plain");
    if (strcmp(method, "POST") != 0) {
        static const char msg[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                                  "\"JSON-RPC is served by POST\"}}";
        return send_text(c, h, MHD_HTTP_METHOD_NOT_ALLOWED, msg, sizeof msg - 1, "application/json");
    }
    upload *u = *state;
    if (!u) { /* the headers: the body follows in later calls */
        u = braid_xcalloc(1, sizeof *u);
        *state = u;
        return MHD_YES;
    }
    if (*data_size) {
        if (u->body.len + *data_size > h->max_body)
            u->too_large = true; /* keep reading, dropping: then answer once */
        else
            braid_buf_append(&u->body, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    if (u->too_large) {
        char msg[160];
        int n = snprintf(msg, sizeof msg,
                         "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                         "\"request body over %zu bytes\"}}",
                         h->max_body);
        return send_text(c, h, MHD_HTTP_CONTENT_TOO_LARGE, msg, (size_t)n, "application/json");
    }
    if (!within_rate(h, c)) {
        static const char msg[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,\"message\":"
                                  "\"request rate limit exceeded\"}}";
        return send_text(c, h, MHD_HTTP_TOO_MANY_REQUESTS, msg, sizeof msg - 1, "application/json");
    }
    braid_buf out;
    braid_buf_init(&out);
    braid_rpc_handle(h->rpc, (const char *)u->body.data, u->body.len, &out);
    enum MHD_Result ret =
        send_text(c, h, MHD_HTTP_OK, out.data ? (const void *)out.data : "", out.len, "application/json");
    braid_buf_free(&out);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why) {
    (void)cls;
    (void)c;
    (void)why;
    upload *u = *state;
    if (u) {
        braid_buf_free(&u->body);
        free(u);
        *state = NULL;
    }
}

braid_http *braid_http_start(const braid_http_options *opt, braid_rpc *rpc, char *err, size_t err_len) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(opt->port);
    const char *addr = opt->addr ? opt->addr : "127.0.0.1";
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        braid_errorf(err, err_len, "http: '%s' is not an IPv4 address", addr);
        return NULL;
    }
    braid_http *h = braid_xcalloc(1, sizeof *h);
    h->rpc = rpc;
    h->max_body = opt->max_body ? opt->max_body : 5u << 20;
    h->rate = opt->rate_limit;
    pthread_mutex_init(&h->rate_lock, NULL);
    if (h->rate > 0) h->buckets = braid_xcalloc(RATE_BUCKETS, sizeof *h->buckets);
    if (opt->cors) {
        size_t len = strlen(opt->cors) + 1;
        h->cors = memcpy(braid_xmalloc(len), opt->cors, len);
    }
    h->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, opt->port, NULL, NULL,
                         on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads ? opt->threads : 4),
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)(opt->max_conns ? opt->max_conns : 256),
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opt->timeout_s ? opt->timeout_s : 30),
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_THREAD_STACK_SIZE,
                         opt->thread_stack, MHD_OPTION_END);
    if (!h->daemon) {
        braid_errorf(err, err_len, "http: cannot listen on %s:%u (in use, or not an address of this machine)",
                     addr, (unsigned)opt->port);
        free(h->cors);
        free(h->buckets);
        pthread_mutex_destroy(&h->rate_lock);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : opt->port;
    return h;
}

uint16_t braid_http_port(const braid_http *h) {
    return h->port;
}

void braid_http_stop(braid_http *h) {
    if (!h) return;
    MHD_stop_daemon(h->daemon);
    free(h->cors);
    free(h->buckets);
    pthread_mutex_destroy(&h->rate_lock);
    free(h);
}
