/* JSON-RPC 2.0 handling: single requests, batches, notifications, and every kind of malformed body
 * getting the error the specification (and geth's wording) gives it. */
#include <stdlib.h>

#include "braid/braid_rpc.h"
#include "test_util.h"

static int calls;

static json_t *echo(void *ctx, const json_t *params, braid_rpc_error *err) {
    (void)ctx;
    (void)err;
    calls++;
    return params ? json_deep_copy(params) : json_null();
}

static json_t *always_fails(void *ctx, const json_t *params, braid_rpc_error *err) {
    (void)ctx;
    (void)params;
    err->data = json_string("0x08c379a0");
    return braid_rpc_fail(err, BRAID_RPC_EXECUTION_REVERTED, "execution reverted: %s", "nope");
}

/* Stateless, so that a batch may run it on several threads at once. */
static json_t *first_param(void *ctx, const json_t *params, braid_rpc_error *err) {
    (void)ctx;
    (void)err;
    return json_incref(json_array_get(params, 0));
}

static braid_rpc *rpc;
static braid_buf out;

/* Sends `body` and parses the response (NULL when there is none). */
static json_t *send_body(const char *body) {
    braid_rpc_handle(rpc, body, strlen(body), &out);
    if (out.len == 0) return NULL;
    json_error_t jerr;
    json_t *j = json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY, &jerr);
    if (!j) {
        fprintf(stderr, "response is not JSON: %.*s\n", (int)out.len, out.data);
        abort();
    }
    return j;
}

static int error_code(const json_t *resp) {
    const json_t *e = json_object_get(resp, "error");
    return e ? (int)json_integer_value(json_object_get(e, "code")) : 0;
}

static void expect_error(const char *body, int code) {
    json_t *r = send_body(body);
    CHECKF(r && json_is_object(r) && error_code(r) == code && json_is_null(json_object_get(r, "id")),
           "%.80s: expected error %d with a null id, got %.*s", body, code, (int)out.len, out.data);
    json_decref(r);
}

int main(void) {
    rpc = braid_rpc_create(3);
    braid_rpc_register(rpc, "test_echo", echo, NULL);
    braid_rpc_register(rpc, "test_fails", always_fails, NULL);
    /* enough methods to make the table grow, and re-registration replaces */
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "test_m%d", i);
        braid_rpc_register(rpc, name, always_fails, NULL);
    }
    braid_rpc_register(rpc, "test_m7", echo, NULL);

    json_t *r = send_body("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"test_echo\",\"params\":[1,\"a\"]}");
    json_t *want = json_pack("[i,s]", 1, "a");
    CHECK(r && json_integer_value(json_object_get(r, "id")) == 7 &&
          json_equal(json_object_get(r, "result"), want) == 1 && !json_object_get(r, "error"));
    json_decref(want);
    CHECK(r && json_is_string(json_object_get(r, "jsonrpc")));
    json_decref(r);
    r = send_body("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"test_m7\"}");
    CHECK(r && json_is_null(json_object_get(r, "result")) &&
          strcmp(json_string_value(json_object_get(r, "id")), "x") == 0);
    json_decref(r);

    /* a method's failure, with data */
    r = send_body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_fails\",\"params\":[]}");
    const json_t *e = json_object_get(r, "error");
    CHECK(error_code(r) == BRAID_RPC_EXECUTION_REVERTED &&
          strcmp(json_string_value(json_object_get(e, "message")), "execution reverted: nope") == 0 &&
          strcmp(json_string_value(json_object_get(e, "data")), "0x08c379a0") == 0);
    json_decref(r);

    /* unknown method: geth's wording, the request's id */
    r = send_body("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_nothing\"}");
    CHECK(error_code(r) == BRAID_RPC_METHOD_NOT_FOUND && json_integer_value(json_object_get(r, "id")) == 2 &&
          strstr(json_string_value(json_object_get(json_object_get(r, "error"), "message")), "eth_nothing"));
    json_decref(r);

    /* malformed bodies and requests */
    expect_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", BRAID_RPC_PARSE_ERROR);
    expect_error("", BRAID_RPC_PARSE_ERROR);
    expect_error("\xff\xfe", BRAID_RPC_PARSE_ERROR);
    expect_error("[]", BRAID_RPC_INVALID_REQUEST);
    expect_error("42", BRAID_RPC_INVALID_REQUEST);
    expect_error("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"test_echo\"}", BRAID_RPC_INVALID_REQUEST);
    expect_error("[1,2,3,4]", BRAID_RPC_INVALID_REQUEST); /* over the batch limit of 3 */
    r = send_body("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"test_echo\"}");
    CHECK(error_code(r) == BRAID_RPC_INVALID_REQUEST && json_integer_value(json_object_get(r, "id")) == 3);
    json_decref(r);
    /* an invalid request without an id is no notification: answered, with id null */
    r = send_body("{\"jsonrpc\":\"1.0\",\"method\":\"test_echo\"}");
    CHECK(error_code(r) == BRAID_RPC_INVALID_REQUEST && json_is_null(json_object_get(r, "id")));
    json_decref(r);
    r = send_body("{\"jsonrpc\":\"2.0\",\"params\":[]}");
    CHECK(error_code(r) == BRAID_RPC_INVALID_REQUEST && json_is_null(json_object_get(r, "id")));
    json_decref(r);
    r = send_body("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":5}");
    CHECK(error_code(r) == BRAID_RPC_INVALID_REQUEST);
    json_decref(r);
    r = send_body("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"test_echo\",\"params\":\"0x1\"}");
    CHECK(error_code(r) == BRAID_RPC_INVALID_REQUEST);
    json_decref(r);
    /* nesting far deeper than any request needs: refused, not a crash */
    size_t depth = 100000;
    char *deep = braid_xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = 0;
    expect_error(deep, BRAID_RPC_PARSE_ERROR);
    free(deep);

    /* batches: answers in order, notifications unanswered, bad members answered one by one */
    calls = 0;
    r = send_body("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\",\"params\":[1]},"
                  "{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\",\"params\":[2]},"
                  "7]");
    CHECK(json_is_array(r) && json_array_size(r) == 2 && calls == 2);
    CHECK(json_integer_value(json_object_get(json_array_get(r, 0), "id")) == 1);
    CHECK(error_code(json_array_get(r, 1)) == BRAID_RPC_INVALID_REQUEST);
    json_decref(r);
    calls = 0;
    r = send_body(
        "[{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"},{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}]");
    CHECK(r == NULL && out.len == 0 && calls == 1); /* all notifications: no response at all */
    r = send_body("{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"}");
    CHECK(r == NULL && out.len == 0);

    /* a big batch answered on several threads: every answer, in request order, none for notifications */
    braid_rpc *par = braid_rpc_create(0);
    braid_rpc_register(par, "test_first", first_param, NULL);
    braid_rpc_set_batch_threads(par, 4);
    braid_buf big;
    braid_buf_init(&big);
    braid_buf_push(&big, '[');
    for (int i = 0; i < 500; i++) {
        char one[128];
        if (i % 7 == 3) /* a notification */
            snprintf(one, sizeof one, "%s{\"jsonrpc\":\"2.0\",\"method\":\"test_first\",\"params\":[%d]}", i ? "," : "", i);
        else
            snprintf(one, sizeof one, "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"test_first\",\"params\":[%d]}",
                     i ? "," : "", i, i * 2);
        braid_buf_append(&big, one, strlen(one));
    }
    braid_buf_push(&big, ']');
    braid_rpc_handle(par, (const char *)big.data, big.len, &out);
    json_t *answers = json_loadb((const char *)out.data, out.len, 0, NULL);
    bool in_order = json_is_array(answers);
    size_t k = 0;
    for (int i = 0; i < 500 && in_order; i++) {
        if (i % 7 == 3) continue;
        const json_t *a = json_array_get(answers, k++);
        in_order = json_integer_value(json_object_get(a, "id")) == i &&
                   json_integer_value(json_object_get(a, "result")) == 2 * i;
    }
    CHECK(in_order && json_array_size(answers) == k);
    json_decref(answers);
    braid_buf_free(&big);
    braid_rpc_destroy(par);

    braid_buf_free(&out);
    braid_rpc_destroy(rpc);
    return test_summary("rpc");
}
