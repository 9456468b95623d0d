/* The JSON-RPC HTTP transport on a real socket: a POST answered with the JSON-RPC response, GET refused
 * with 405, CORS preflight and headers when configured, an oversized body refused with 413 (and the
 * server still serving afterwards), and a busy address reported as an error. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "braid/braid_http.h"
#include "test_util.h"

static json_t *echo(void *ctx, const json_t *params, braid_rpc_error *err) {
    (void)ctx;
    (void)err;
    return params ? json_deep_copy(params) : json_null();
}

/* Sends a raw HTTP request to 127.0.0.1:port and returns the whole response (caller frees). */
static char *exchange(uint16_t port, const char *request, size_t len) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) abort();
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, request + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) break; /* the server may close early on an oversized body */
        off += (size_t)n;
    }
    braid_buf in;
    braid_buf_init(&in);
    char chunk[4096];
    for (ssize_t n; (n = recv(fd, chunk, sizeof chunk, 0)) > 0;)
        braid_buf_append(&in, chunk, (size_t)n);
    close(fd);
    braid_buf_append(&in, "", 1);
    return (char *)in.data;
}

static char *post(uint16_t port, const char *body, const char *extra_headers) {
    size_t len = strlen(body);
    char *req = braid_xmalloc(len + 512);
    int n =
        snprintf(req, len + 512,
                 "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n%sContent-Length: "
                 "%zu\r\nConnection: close\r\n\r\n%s",
                 extra_headers, len, body);
    char *resp = exchange(port, req, (size_t)n);
    free(req);
    return resp;
}

int main(void) {
    braid_rpc *rpc = braid_rpc_create(100);
    braid_rpc_register(rpc, "test_echo", echo, NULL);
    char err[256];
    braid_http_options opt = {.max_body = 4096, .cors = "*", .threads = 2};
    braid_http *h = braid_http_start(&opt, rpc, err, sizeof err);
    CHECKF(h != NULL, "%s", err);
    if (!h) return test_summary("http");
    uint16_t port = braid_http_port(h);
    CHECK(port != 0);

    char *r = post(port, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\",\"params\":[\"hi\"]}", "");
    CHECKF(strstr(r, "HTTP/1.1 200") == r && strstr(r, "application/json") &&
               strstr(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"hi\"]}") &&
               strstr(r, "Access-Control-Allow-Origin: *"),
           "%s", r);
    free(r);

    static const char get[] = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    r = exchange(port, get, sizeof get - 1);
    CHECKF(strstr(r, "HTTP/1.1 405") == r && strstr(r, "-32600"), "%s", r);
    free(r);

    static const char preflight[] = "OPTIONS / HTTP/1.1\r\nHost: localhost\r\nOrigin: http://x\r\n"
                                    "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n";
    r = exchange(port, preflight, sizeof preflight - 1);
    CHECKF(strstr(r, "HTTP/1.1 204") == r && strstr(r, "Access-Control-Allow-Methods: POST, OPTIONS"), "%s",
           r);
    free(r);

    /* a body over the limit: 413 with a JSON-RPC error, then business as usual */
    char *big = braid_xmalloc(20000);
    memset(big, ' ', 19999);
    big[19999] = 0;
    r = post(port, big, "");
    CHECKF(strstr(r, "HTTP/1.1 413") == r && strstr(r, "over 4096 bytes"), "%.200s", r);
    free(r);
    free(big);
    r = post(port,
             "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\"},{\"jsonrpc\":\"2.0\",\"id\":2,"
             "\"method\":\"x\"}]",
             "");
    CHECKF(strstr(r, "HTTP/1.1 200") == r && strstr(r, "\"result\":null") && strstr(r, "-32601"), "%s", r);
    free(r);
    r = post(port, "not json", "");
    CHECKF(strstr(r, "HTTP/1.1 200") == r && strstr(r, "-32700"), "%s", r);
    free(r);

    /* the same port again: refused with a message, not a crash */
    braid_http_options again = {.port = port};
    braid_http *h2 = braid_http_start(&again, rpc, err, sizeof err);
    CHECKF(h2 == NULL && strstr(err, "cannot listen"), "%s", err);
    braid_http_options bad = {.addr = "localhost:1"};
    CHECK(braid_http_start(&bad, rpc, err, sizeof err) == NULL && strstr(err, "not an IPv4 address"));

    braid_http_stop(h);
    braid_rpc_destroy(rpc);
    return test_summary("http");
}
