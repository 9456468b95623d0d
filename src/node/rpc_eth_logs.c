/* Logs and filters: eth_getLogs over a block range (blocks whose bloom cannot match are skipped without
 * reading their receipts), and the polling filters of eth_newFilter and eth_newBlockFilter. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "braid/braid_keccak.h"
#include "rpc_common.h"

#define MAX_LOGS 100000      /* logs one answer may hold */
#define FILTER_TIMEOUT_S 300 /* filters not polled for this long are dropped, as geth does */

static bool bloom_has(const uint8_t bloom[BRAID_BLOOM_SIZE], const uint8_t *data, size_t len) {
    uint8_t h[32];
    braid_keccak256(data, len, h);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        if (!(bloom[BRAID_BLOOM_SIZE - 1 - bit / 8] & (1u << (bit % 8)))) return false;
    }
    return true;
}

/* Whether a block with this bloom may hold a matching log. */
static bool bloom_may_match(const rpcj_log_filter *f, const uint8_t bloom[BRAID_BLOOM_SIZE]) {
    if (f->n_addresses) {
        bool any = false;
        for (size_t i = 0; i < f->n_addresses && !any; i++) any = bloom_has(bloom, f->addresses[i].b, 20);
        if (!any) return false;
    }
    for (size_t p = 0; p < f->n_topics; p++) {
        if (!f->topics[p].n) continue;
        bool any = false;
        for (size_t i = 0; i < f->topics[p].n && !any; i++) any = bloom_has(bloom, f->topics[p].hashes[i].b, 32);
        if (!any) return false;
    }
    return true;
}

static bool block_logs(node_read *r, const rpcj_log_filter *f, uint64_t b, json_t *out, braid_rpc_error *err);

typedef struct block_list {
    uint64_t *numbers;
    size_t n, cap;
    uint64_t to;
} block_list;

static bool add_block(void *ctx, braid_store_val key, braid_store_val val) {
    block_list *l = ctx;
    if (key.len != 28) return true;
    uint64_t b = braid_store_read_be64(key.data + 20);
    if (b > l->to) return false;
    if (l->n == l->cap) l->numbers = braid_xrealloc(l->numbers, (l->cap = l->cap ? 2 * l->cap : 64) * sizeof *l->numbers);
    l->numbers[l->n++] = b;
    return true;
}

static int by_number(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* With addresses in the filter, the log index names the only blocks worth reading. */
static bool indexed_blocks(node_read *r, const rpcj_log_filter *f, uint64_t from, uint64_t to, block_list *l) {
    if (!f->n_addresses) return false;
    *l = (block_list){.to = to};
    for (size_t i = 0; i < f->n_addresses; i++) {
        uint8_t k[28];
        memcpy(k, f->addresses[i].b, 20);
        braid_store_be64(from, k + 20);
        braid_store_scan_from(r->t, BRAID_T_LOGS, k, 28, 20, add_block, l);
    }
    if (l->n) qsort(l->numbers, l->n, sizeof *l->numbers, by_number);
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++)
        if (m == 0 || l->numbers[m - 1] != l->numbers[i]) l->numbers[m++] = l->numbers[i];
    l->n = m;
    return true;
}

/* Appends the matching logs of blocks [from, to] to `out`. Returns false with *err past MAX_LOGS. */
static bool collect_logs(node_read *r, const rpcj_log_filter *f, uint64_t from, uint64_t to, json_t *out,
                         braid_rpc_error *err) {
    block_list l;
    bool indexed = indexed_blocks(r, f, from, to, &l);
    bool ok = true;
    size_t next = 0;
    for (uint64_t b = from; ok && b <= to; b++) {
        if (indexed) {
            if (next == l.n) break;
            b = l.numbers[next++];
        }
        ok = block_logs(r, f, b, out, err);
    }
    if (indexed) free(l.numbers);
    return ok;
}

/* The matching logs of block `b`. */
static bool block_logs(node_read *r, const rpcj_log_filter *f, uint64_t b, json_t *out, braid_rpc_error *err) {
    braid_header h;
    if (!chain_header(r->t, b, &h)) return true;
    if (!bloom_may_match(f, h.bloom)) return true;
    chain_receipts rs;
    chain_body body;
    if (!chain_read_receipts(r->t, b, &rs)) return true;
    if (!chain_read_body(r->t, b, &body)) {
        chain_receipts_free(&rs);
        return true;
    }
    uint64_t log_index = 0;
    for (size_t i = 0; i < rs.n && i < body.n; i++) {
        for (size_t k = 0; k < rs.r[i].n_logs; k++, log_index++) {
            if (!rpcj_log_matches(f, &rs.r[i].logs[k])) continue;
            if (json_array_size(out) >= MAX_LOGS) {
                chain_receipts_free(&rs);
                chain_body_free(&body);
                braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR,
                               "query returned more than %d results; narrow the block range", MAX_LOGS);
                return false;
            }
            rpcj_log_pos pos = {.block_hash = h.hash,
                                .block_number = b,
                                .block_timestamp = h.timestamp,
                                .tx_hash = body.txs[i].hash,
                                .tx_index = i,
                                .log_index = log_index};
            json_array_append_new(out, rpcj_log(&rs.r[i].logs[k], &pos));
        }
    }
    chain_receipts_free(&rs);
    chain_body_free(&body);
    return true;
}

static uint64_t ref_number(const node_read *r, const rpcj_block_ref *ref, bool given) {
    if (!given) return r->head;
    switch (ref->kind) {
    case RPCJ_BLOCK_EARLIEST: return 0;
    case RPCJ_BLOCK_NUMBER: return ref->number;
    default: return r->head;
    }
}

/* The logs a filter selects, up to the head; `from_override` (when non-zero) raises the range start. */
static json_t *filter_logs(braid_node *n, const rpcj_log_filter *f, uint64_t from_override, braid_rpc_error *err) {
    node_read r;
    if (!node_read_begin(n, &r, err)) return NULL;
    uint64_t from, to;
    if (f->has_block_hash) {
        if (!chain_number_of(r.t, &f->block_hash, &from)) {
            node_read_end(&r);
            return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "unknown block");
        }
        to = from;
    } else {
        from = ref_number(&r, &f->from, f->has_from);
        to = ref_number(&r, &f->to, f->has_to);
        if (from_override > from) from = from_override;
        if (to > r.head) to = r.head;
        if (from > to) {
            node_read_end(&r);
            if (from_override) return json_array();
            if (f->has_from && f->has_to) return braid_rpc_fail(err, BRAID_RPC_INVALID_PARAMS, "invalid block range params");
            return json_array();
        }
        uint64_t max_range = n->opt.logs_range ? n->opt.logs_range : 100000;
        if (to - from >= max_range) {
            node_read_end(&r);
            return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "block range greater than %" PRIu64 " max", max_range);
        }
    }
    json_t *out = json_array();
    if (!collect_logs(&r, f, from, to, out, err)) {
        json_decref(out);
        out = NULL;
    }
    node_read_end(&r);
    return out;
}

static json_t *eth_getLogs(void *ctx, const json_t *params, braid_rpc_error *err) {
    rpcj_log_filter f;
    if (rpcj_params_check(params, 1, 1, err)) return NULL;
    if (rpcj_parse_log_filter(rpcj_param(params, 0), 0, &f, err)) {
        rpcj_log_filter_free(&f);
        return NULL;
    }
    json_t *out = filter_logs(ctx, &f, 0, err);
    rpcj_log_filter_free(&f);
    return out;
}

/* ---- filters ---- */

static json_t *filter_id(uint64_t id) {
    char s[24];
    snprintf(s, sizeof s, "0x%" PRIx64, id);
    return json_string(s);
}

static bool parse_filter_id(const json_t *params, uint64_t *id, braid_rpc_error *err) {
    const char *s = json_string_value(rpcj_param(params, 0));
    if (rpcj_params_check(params, 1, 1, err)) return false;
    char *end;
    if (!s || strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s) > 18) {
        rpcj_invalid_argument(err, 0, "invalid filter id");
        return false;
    }
    *id = strtoull(s + 2, &end, 16);
    if (*end) {
        rpcj_invalid_argument(err, 0, "invalid filter id");
        return false;
    }
    return true;
}

static json_t *install(braid_node *n, node_filter_kind kind, json_t *criteria, braid_rpc_error *err) {
    int64_t now = time(NULL);
    braid_header head = node_head(n);
    pthread_mutex_lock(&n->filter_lock);
    node_filter *slot = NULL;
    for (size_t i = 0; i < NODE_MAX_FILTERS; i++) {
        node_filter *f = &n->filters[i];
        if (f->id && now - f->last_poll_s > FILTER_TIMEOUT_S) { /* expired */
            json_decref(f->criteria);
            memset(f, 0, sizeof *f);
        }
        if (!f->id && !slot) slot = f;
    }
    json_t *out;
    if (!slot) {
        json_decref(criteria);
        out = braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "too many filters installed (%d)", NODE_MAX_FILTERS);
    } else {
        *slot = (node_filter){.id = ++n->next_filter, .kind = kind, .next_block = head.number + 1,
                              .last_poll_s = now, .criteria = criteria};
        out = filter_id(slot->id);
    }
    pthread_mutex_unlock(&n->filter_lock);
    return out;
}

static json_t *eth_newFilter(void *ctx, const json_t *params, braid_rpc_error *err) {
    rpcj_log_filter f;
    if (rpcj_params_check(params, 1, 1, err)) return NULL;
    int rc = rpcj_parse_log_filter(rpcj_param(params, 0), 0, &f, err);
    rpcj_log_filter_free(&f);
    if (rc) return NULL;
    const json_t *c = rpcj_param(params, 0);
    return install(ctx, FILTER_LOGS, c ? json_deep_copy(c) : json_null(), err);
}

static json_t *eth_newBlockFilter(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 0, err)) return NULL;
    return install(ctx, FILTER_BLOCKS, NULL, err);
}

static json_t *eth_newPendingTransactionFilter(void *ctx, const json_t *params, braid_rpc_error *err) {
    if (rpcj_params_check(params, 0, 1, err)) return NULL;
    return install(ctx, FILTER_PENDING_TXS, NULL, err);
}

static json_t *eth_uninstallFilter(void *ctx, const json_t *params, braid_rpc_error *err) {
    braid_node *n = ctx;
    uint64_t id;
    if (!parse_filter_id(params, &id, err)) return NULL;
    bool found = false;
    pthread_mutex_lock(&n->filter_lock);
    for (size_t i = 0; i < NODE_MAX_FILTERS; i++)
        if (n->filters[i].id == id) {
            json_decref(n->filters[i].criteria);
            memset(&n->filters[i], 0, sizeof n->filters[i]);
            found = true;
        }
    pthread_mutex_unlock(&n->filter_lock);
    return json_boolean(found);
}

/* Takes a filter's state for one poll: its kind, its criteria (a new reference) and the block range not
 * yet reported, moving its cursor to the head. */
static bool poll_filter(braid_node *n, uint64_t id, bool advance, node_filter *copy, uint64_t *head) {
    *head = node_head(n).number;
    bool found = false;
    pthread_mutex_lock(&n->filter_lock);
    for (size_t i = 0; i < NODE_MAX_FILTERS; i++) {
        node_filter *f = &n->filters[i];
        if (f->id != id) continue;
        *copy = *f;
        json_incref(copy->criteria);
        f->last_poll_s = time(NULL);
        if (advance && f->next_block <= *head) f->next_block = *head + 1;
        found = true;
    }
    pthread_mutex_unlock(&n->filter_lock);
    return found;
}

static json_t *filter_changes(braid_node *n, const json_t *params, bool changes_only, braid_rpc_error *err) {
    uint64_t id, head;
    node_filter f = {0};
    if (!parse_filter_id(params, &id, err)) return NULL;
    if (!poll_filter(n, id, changes_only, &f, &head)) return braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "filter not found");
    json_t *out = NULL;
    if (f.kind == FILTER_LOGS) {
        rpcj_log_filter lf;
        if (rpcj_parse_log_filter(f.criteria, 0, &lf, err) == 0)
            out = filter_logs(n, &lf, changes_only ? f.next_block : 0, err);
        rpcj_log_filter_free(&lf);
    } else if (f.kind == FILTER_BLOCKS && changes_only) {
        out = json_array();
        node_read r;
        if (node_read_begin(n, &r, err)) {
            for (uint64_t b = f.next_block; b <= head && json_array_size(out) < MAX_LOGS; b++) {
                braid_header h;
                if (chain_header(r.t, b, &h)) json_array_append_new(out, rpcj_hash(&h.hash));
            }
            node_read_end(&r);
        }
    } else if (changes_only) {
        out = json_array(); /* pending transactions are not tracked per filter */
    } else {
        out = braid_rpc_fail(err, BRAID_RPC_SERVER_ERROR, "filter not found");
    }
    json_decref(f.criteria);
    return out;
}

static json_t *eth_getFilterChanges(void *ctx, const json_t *params, braid_rpc_error *err) {
    return filter_changes(ctx, params, true, err);
}
static json_t *eth_getFilterLogs(void *ctx, const json_t *params, braid_rpc_error *err) {
    return filter_changes(ctx, params, false, err);
}

void node_rpc_register_logs(braid_node *n) {
    node_register(n, "eth_getLogs", eth_getLogs);
    node_register(n, "eth_newFilter", eth_newFilter);
    node_register(n, "eth_newBlockFilter", eth_newBlockFilter);
    node_register(n, "eth_newPendingTransactionFilter", eth_newPendingTransactionFilter);
    node_register(n, "eth_uninstallFilter", eth_uninstallFilter);
    node_register(n, "eth_getFilterChanges", eth_getFilterChanges);
    node_register(n, "eth_getFilterLogs", eth_getFilterLogs);
}
