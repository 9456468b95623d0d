#include "braid/braid_rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct rpc_entry {
    char *name;
    braid_rpc_method fn;
    void *ctx;
} rpc_entry;

struct braid_rpc {
    rpc_entry *table; /* open addressing, kept at most half full */
    size_t mask, count;
    size_t max_batch;
    unsigned batch_threads; /* a big batch's requests are answered on this many threads */
    size_t thread_stack;    /* their stack size; 0: the system's default */
};

static uint64_t name_hash(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

void braid_rpc_set_batch_threads(braid_rpc *rpc, unsigned threads) { rpc->batch_threads = threads; }
void braid_rpc_set_thread_stack(braid_rpc *rpc, size_t bytes) { rpc->thread_stack = bytes; }

braid_rpc *braid_rpc_create(size_t max_batch) {
    braid_rpc *rpc = braid_xcalloc(1, sizeof *rpc);
    rpc->mask = 63;
    rpc->table = braid_xcalloc(rpc->mask + 1, sizeof *rpc->table);
    rpc->max_batch = max_batch;
    return rpc;
}

void braid_rpc_destroy(braid_rpc *rpc) {
    if (!rpc) return;
    for (size_t i = 0; i <= rpc->mask; i++)
        free(rpc->table[i].name);
    free(rpc->table);
    free(rpc);
}

static rpc_entry *slot_of(const braid_rpc *rpc, const char *name) {
    for (size_t i = name_hash(name) & rpc->mask;; i = (i + 1) & rpc->mask)
        if (!rpc->table[i].name || strcmp(rpc->table[i].name, name) == 0) return &rpc->table[i];
}

void braid_rpc_register(braid_rpc *rpc, const char *name, braid_rpc_method fn, void *ctx) {
    if (2 * (rpc->count + 1) > rpc->mask + 1) {
        rpc_entry *old = rpc->table;
        size_t old_size = rpc->mask + 1;
        rpc->mask = 2 * old_size - 1;
        rpc->table = braid_xcalloc(rpc->mask + 1, sizeof *rpc->table);
        for (size_t i = 0; i < old_size; i++)
            if (old[i].name) *slot_of(rpc, old[i].name) = old[i];
        free(old);
    }
    rpc_entry *e = slot_of(rpc, name);
    if (!e->name) {
        size_t len = strlen(name) + 1;
        e->name = memcpy(braid_xmalloc(len), name, len);
        rpc->count++;
    }
    e->fn = fn;
    e->ctx = ctx;
}

json_t *braid_rpc_fail(braid_rpc_error *err, int code, const char *fmt, ...) {
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return NULL;
}

static json_t *error_response(const json_t *id, int code, const char *message, json_t *data) {
    json_t *e = json_pack("{s:i, s:s}", "code", code, "message", message);
    if (data) json_object_set_new(e, "data", data);
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error", e);
}

static bool valid_id(const json_t *id) {
    return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* One request of a body or batch: its response, or NULL for a notification. */
static json_t *answer(braid_rpc *rpc, const json_t *req) {
    if (!json_is_object(req)) return error_response(NULL, BRAID_RPC_INVALID_REQUEST, "invalid request", NULL);
    const json_t *id = json_object_get(req, "id"), *version = json_object_get(req, "jsonrpc"),
                 *method = json_object_get(req, "method"), *params = json_object_get(req, "params");
    if (id && !valid_id(id)) return error_response(NULL, BRAID_RPC_INVALID_REQUEST, "invalid request", NULL);
    /* without an id too: only a valid request is a notification, an invalid one is answered (id null) */
    if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0 ||
        !json_is_string(method) ||
        (params && !json_is_array(params) && !json_is_object(params) && !json_is_null(params)))
        return error_response(id, BRAID_RPC_INVALID_REQUEST, "invalid request", NULL);
    if (json_is_null(params)) params = NULL;
    const char *name = json_string_value(method);
    const rpc_entry *e = slot_of(rpc, name);
    if (!e->name) {
        if (!id) return NULL;
        char msg[300];
        snprintf(msg, sizeof msg, "the method %.200s does not exist/is not available", name);
        return error_response(id, BRAID_RPC_METHOD_NOT_FOUND, msg, NULL);
    }
    braid_rpc_error err = {BRAID_RPC_INTERNAL_ERROR, "internal error", NULL};
    json_t *result = e->fn(e->ctx, params, &err);
    if (!id) {
        json_decref(result);
        json_decref(err.data);
        return NULL;
    }
    if (!result) return error_response(id, err.code, err.message, err.data);
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result);
}

static void write_json(const json_t *j, braid_buf *out) {
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) abort(); /* only on exhausted memory */
    braid_buf_append(out, text, strlen(text));
    free(text);
}

/* A batch of hundreds of raw transactions is normal use, and each costs a signature recovery: big
 * batches are split over threads (strided, so that each gets a share of any run of heavy requests), the
 * answers kept in request order. Methods are thread-safe by contract. */
#define PARALLEL_BATCH_MIN 32
#define MAX_BATCH_THREADS 16

typedef struct batch_part {
    braid_rpc *rpc;
    const json_t *req;
    json_t **answers;
    size_t n, first, stride;
} batch_part;

static void *answer_part(void *arg) {
    batch_part *p = arg;
    for (size_t i = p->first; i < p->n; i += p->stride) p->answers[i] = answer(p->rpc, json_array_get(p->req, i));
    return NULL;
}

static void answer_batch(braid_rpc *rpc, const json_t *req, json_t **answers, size_t n) {
    unsigned threads = rpc->batch_threads < MAX_BATCH_THREADS ? rpc->batch_threads : MAX_BATCH_THREADS;
    if (n < PARALLEL_BATCH_MIN || threads < 2) threads = 1;
    batch_part parts[MAX_BATCH_THREADS];
    pthread_t tids[MAX_BATCH_THREADS];
    bool started[MAX_BATCH_THREADS] = {false};
    for (unsigned k = 0; k < threads; k++) parts[k] = (batch_part){rpc, req, answers, n, k, threads};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (rpc->thread_stack) pthread_attr_setstacksize(&attr, rpc->thread_stack);
    for (unsigned k = 1; k < threads; k++)
        started[k] = pthread_create(&tids[k], &attr, answer_part, &parts[k]) == 0;
    pthread_attr_destroy(&attr);
    answer_part(&parts[0]);
    for (unsigned k = 1; k < threads; k++) {
        if (started[k])
            pthread_join(tids[k], NULL);
        else
            answer_part(&parts[k]); /* no thread to be had: this one does that share too */
    }
}

void braid_rpc_handle(braid_rpc *rpc, const char *body, size_t len, braid_buf *out) {
    braid_buf_clear(out);
    json_error_t jerr;
    /* jansson refuses nesting deeper than its limit (2048) as a parse error */
    json_t *req = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    json_t *resp = NULL;
    if (!req) {
        resp = error_response(NULL, BRAID_RPC_PARSE_ERROR, "parse error", NULL);
    } else if (json_is_array(req)) {
        size_t n = json_array_size(req);
        if (n == 0) {
            resp = error_response(NULL, BRAID_RPC_INVALID_REQUEST, "empty batch", NULL);
        } else if (rpc->max_batch && n > rpc->max_batch) {
            char msg[100];
            snprintf(msg, sizeof msg, "batch too large: %zu requests, at most %zu", n, rpc->max_batch);
            resp = error_response(NULL, BRAID_RPC_INVALID_REQUEST, msg, NULL);
        } else {
            json_t **answers = braid_xcalloc(n, sizeof *answers);
            answer_batch(rpc, req, answers, n);
            resp = json_array();
            for (size_t i = 0; i < n; i++)
                if (answers[i]) json_array_append_new(resp, answers[i]);
            free(answers);
            if (json_array_size(resp) == 0) {
                json_decref(resp);
                resp = NULL;
            }
        }
    } else {
        resp = answer(rpc, req);
    }
    if (resp) write_json(resp, out);
    json_decref(resp);
    json_decref(req);
}
