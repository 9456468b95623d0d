/* braid block --prestate FILE --block FILE [--block-hashes FILE] [--chain mainnet|FORK] [--threads N] [--json]
 *
 * Executes one real block given as eth_getBlockByNumber(n, true) JSON over a prestateTracer pre-state
 * (every account the block touches; absent accounts are empty, absent slots zero) and compares what the
 * header commits to with what execution computed. The state root cannot be checked from a partial
 * pre-state, nor the receipts root before Byzantium (receipts then hold intermediate state roots). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_block.h"
#include "braid/braid_json.h"
#include "braid/braid_parallel.h"
#include "commands.h"

typedef struct hash_entry {
    uint64_t number;
    braid_hash hash;
} hash_entry;

typedef struct hash_table {
    hash_entry *e;
    size_t n;
} hash_table;

static bool lookup_hash(void *ctx, uint64_t number, braid_hash *out) {
    const hash_table *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (t->e[i].number == number) {
            *out = t->e[i].hash;
            return true;
        }
    return false;
}

typedef struct field_check {
    const char *name;
    bool checkable;
    bool match;
    char computed[520], expected[520];
    const char *why_not; /* when not checkable */
} field_check;

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid block --prestate FILE --block FILE [options]\n"
            "Executes one block (eth_getBlockByNumber(n, true) JSON) over a prestateTracer pre-state and\n"
            "compares gasUsed, receiptsRoot, logsBloom and the other header commitments with the header.\n"
            "Exit status 0 only when every checkable field matches (1: a mismatch, 2: bad input).\n\n"
            "  --prestate FILE       {address: {balance, nonce, code, storage}} of every touched account\n"
            "                        (any input file may be zstd-compressed, named *.zst)\n"
            "  --block FILE          the block, with full transactions (a JSON-RPC envelope is accepted)\n"
            "  --block-hashes FILE   {\"<decimal number>\": \"0x<hash>\"} for BLOCKHASH\n"
            "  --chain NAME          mainnet (default), or a fork name for a chain running that fork from genesis\n"
            "  --threads N           executor threads (default: number of cores; 1 = the sequential path)\n"
            "  --json                print one JSON object instead of the table\n");
}

static json_t *load_json(const char *what, const char *path) {
    char err[512];
    json_t *j = braid_json_load_file(path, err, sizeof err);
    if (!j) fprintf(stderr, "braid block: %s %s\n", what, err);
    return j;
}

static int load_hashes(const char *path, hash_table *t) {
    json_t *j = load_json("--block-hashes", path);
    if (!j) return -1;
    if (!json_is_object(j)) {
        fprintf(stderr, "braid block: --block-hashes %s: not a JSON object\n", path);
        json_decref(j);
        return -1;
    }
    t->e = braid_xcalloc(json_object_size(j) + 1, sizeof *t->e);
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        char *end;
        unsigned long long n = strtoull(key, &end, 10);
        if (*key == '\0' || *end || braid_json_hash(v, &t->e[t->n].hash)) {
            fprintf(stderr, "braid block: --block-hashes %s: entry '%s' is not \"<decimal>\": \"0x<32 bytes>\"\n", path, key);
            json_decref(j);
            return -1;
        }
        t->e[t->n++].number = n;
    }
    json_decref(j);
    return 0;
}

static void hexstr(const uint8_t *b, size_t n, char *out) { braid_hex_encode(b, n, out); }

static void check_hash(field_check *f, const char *name, const braid_hash *got, const braid_hash *want) {
    f->name = name;
    f->checkable = true;
    hexstr(got->b, 32, f->computed);
    hexstr(want->b, 32, f->expected);
    f->match = braid_hash_eq(got, want);
}

static void check_u64(field_check *f, const char *name, uint64_t got, uint64_t want) {
    f->name = name;
    f->checkable = true;
    snprintf(f->computed, sizeof f->computed, "%llu", (unsigned long long)got);
    snprintf(f->expected, sizeof f->expected, "%llu", (unsigned long long)want);
    f->match = got == want;
}

static int verify_senders(const json_t *jblock, const braid_block *b) {
    const json_t *txs = json_object_get(jblock, "transactions");
    for (size_t i = 0; i < b->n_txs; i++) {
        const json_t *from = json_object_get(json_array_get(txs, i), "from");
        braid_address given;
        if (!from) continue;
        if (braid_json_address(from, &given)) {
            fprintf(stderr, "braid block: transaction %zu: field 'from' is not an address\n", i);
            return -1;
        }
        if (!braid_address_eq(&given, &b->txs[i].tx.sender)) {
            char a[43], g[43];
            hexstr(b->txs[i].tx.sender.b, 20, a);
            hexstr(given.b, 20, g);
            fprintf(stderr, "braid block: transaction %zu: the signature recovers %s, but 'from' says %s\n", i, a, g);
            return -1;
        }
    }
    return 0;
}

int cmd_block(int argc, char **argv) {
    const char *prestate_path = NULL, *block_path = NULL, *hashes_path = NULL, *chain_name = "mainnet";
    bool as_json = false;
    long threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--prestate") == 0 && has_value) {
            prestate_path = argv[++i];
        } else if (strcmp(a, "--block") == 0 && has_value) {
            block_path = argv[++i];
        } else if (strcmp(a, "--block-hashes") == 0 && has_value) {
            hashes_path = argv[++i];
        } else if (strcmp(a, "--chain") == 0 && has_value) {
            chain_name = argv[++i];
        } else if (strcmp(a, "--threads") == 0 && has_value) {
            char *end;
            threads = strtol(argv[++i], &end, 10);
            if (*end || threads < 1 || threads > 1024) {
                fprintf(stderr, "braid block: --threads needs a number from 1 to 1024\n");
                return 2;
            }
        } else if (strcmp(a, "--json") == 0) {
            as_json = true;
        } else {
            fprintf(stderr, "braid block: unknown option or missing value: '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!prestate_path || !block_path) {
        fprintf(stderr, "braid block: --prestate and --block are required\n");
        usage(stderr);
        return 2;
    }
    braid_chain_config cfg;
    braid_fork single;
    if (strcmp(chain_name, "mainnet") == 0) {
        cfg = *braid_chain_mainnet();
    } else if (braid_fork_from_name(chain_name, &single) == 0) {
        braid_chain_single_fork(&cfg, single);
    } else {
        fprintf(stderr, "braid block: unknown chain '%s' (mainnet, or a fork name)\n", chain_name);
        return 2;
    }

    int rc = 2;
    char err[256];
    hash_table hashes = {0};
    braid_block block;
    memset(&block, 0, sizeof block);
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *state = braid_state_create(codes, NULL);
    braid_executor *ex = braid_executor_create((unsigned)threads);
    braid_block_result res;
    memset(&res, 0, sizeof res);
    json_t *jpre = load_json("--prestate", prestate_path);
    json_t *jfile = jpre ? load_json("--block", block_path) : NULL;
    const json_t *jblock = jfile && json_object_get(jfile, "result") ? json_object_get(jfile, "result") : jfile;
    if (!jpre || !jfile) goto done;
    if (hashes_path && load_hashes(hashes_path, &hashes)) goto done;
    if (braid_json_accounts(jpre, state, true, err, sizeof err)) {
        fprintf(stderr, "braid block: --prestate %s: %s\n", prestate_path, err);
        goto done;
    }
    if (braid_block_from_json(jblock, &block, err, sizeof err)) {
        fprintf(stderr, "braid block: --block %s: %s\n", block_path, err);
        goto done;
    }
    size_t failed;
    if (braid_executor_recover_senders(ex, &block, &cfg, &failed, err, sizeof err)) {
        fprintf(stderr, "braid block: %s\n", err);
        goto done;
    }
    if (verify_senders(jblock, &block)) goto done;

    braid_block_hashes bh = {&hashes, lookup_hash};
    braid_block_options opt = {0};
    braid_stm_stats stats;
    if (braid_executor_execute(ex, state, &cfg, &block, &bh, &opt, &res, &stats)) {
        fprintf(stderr, "braid block: block %llu does not execute: %s\n", (unsigned long long)block.header.number,
                res.message);
        rc = 1;
        goto done;
    }

    const braid_header *h = &block.header;
    braid_fork fork = braid_chain_fork_at(&cfg, h->number, h->timestamp);
    field_check f[8];
    size_t nf = 0;
    memset(f, 0, sizeof f);
    check_u64(&f[nf++], "gasUsed", res.gas_used, h->gas_used);
    if (fork >= BRAID_FORK_BYZANTIUM) {
        check_hash(&f[nf++], "receiptsRoot", &res.receipts_root, &h->receipts_root);
    } else {
        f[nf].name = "receiptsRoot";
        f[nf++].why_not = "before Byzantium receipts hold intermediate state roots, which a partial pre-state cannot give";
    }
    f[nf].name = "logsBloom";
    f[nf].checkable = true;
    hexstr(res.bloom, BRAID_BLOOM_SIZE, f[nf].computed);
    hexstr(h->bloom, BRAID_BLOOM_SIZE, f[nf].expected);
    f[nf].match = memcmp(res.bloom, h->bloom, BRAID_BLOOM_SIZE) == 0;
    nf++;
    check_hash(&f[nf++], "transactionsRoot", &res.tx_root, &h->tx_root);
    if (h->has_withdrawals_root) check_hash(&f[nf++], "withdrawalsRoot", &res.withdrawals_root, &h->withdrawals_root);
    if (h->has_blob_gas) check_u64(&f[nf++], "blobGasUsed", res.blob_gas_used, h->blob_gas_used);
    f[nf].name = "stateRoot";
    f[nf++].why_not = "the pre-state holds only the accounts this block touches";

    bool all = true;
    for (size_t i = 0; i < nf; i++) all &= !f[i].checkable || f[i].match;
    if (as_json) {
        json_t *out = json_object(), *fields = json_object();
        json_object_set_new(out, "number", json_integer((json_int_t)h->number));
        json_object_set_new(out, "fork", json_string(braid_fork_name(fork)));
        json_object_set_new(out, "transactions", json_integer((json_int_t)block.n_txs));
        json_object_set_new(out, "threads", json_integer((json_int_t)braid_executor_threads(ex)));
        json_object_set_new(out, "parallel", json_boolean(!stats.sequential));
        for (size_t i = 0; i < nf; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "checkable", json_boolean(f[i].checkable));
            if (f[i].checkable) {
                json_object_set_new(o, "computed", json_string(f[i].computed));
                json_object_set_new(o, "expected", json_string(f[i].expected));
                json_object_set_new(o, "match", json_boolean(f[i].match));
            } else {
                json_object_set_new(o, "reason", json_string(f[i].why_not));
            }
            json_object_set_new(fields, f[i].name, o);
        }
        json_object_set_new(out, "fields", fields);
        json_object_set_new(out, "match", json_boolean(all));
        char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(text);
        free(text);
        json_decref(out);
    } else {
        printf("block %llu (%s): %zu transactions, %zu withdrawals; ", (unsigned long long)h->number,
               braid_fork_name(fork), block.n_txs, block.n_withdrawals);
        if (stats.sequential)
            printf("sequential (%s)\n", stats.sequential_why);
        else
            printf("%u threads, %llu executions, %llu aborts\n", braid_executor_threads(ex),
                   (unsigned long long)stats.executions, (unsigned long long)stats.aborts);
        for (size_t i = 0; i < nf; i++) {
            if (!f[i].checkable) {
                printf("%-17s not checkable: %s\n", f[i].name, f[i].why_not);
                continue;
            }
            bool long_value = strlen(f[i].computed) > 70;
            printf("%-17s %s  computed %s\n%-17s %s  header   %s\n", f[i].name, f[i].match ? "match   " : "MISMATCH",
                   long_value ? "(256-byte bloom, see --json)" : f[i].computed, "", "        ",
                   long_value ? (f[i].match ? "(equal)" : "(differs)") : f[i].expected);
        }
        printf("%s\n", all ? "all checkable fields match" : "MISMATCH");
    }
    rc = all ? 0 : 1;
done:
    braid_block_result_free(&res);
    braid_block_free(&block);
    free(hashes.e);
    json_decref(jpre);
    json_decref(jfile);
    braid_executor_destroy(ex);
    braid_state_destroy(state);
    braid_code_cache_destroy(codes);
    return rc;
}
