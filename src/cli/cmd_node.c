/* braid node [--dev] [--datadir D] [--genesis FILE] [--http.addr A] [--http.port P] [--block-time MS]
 *            [--no-mining] [--gas-limit N] [--threads N] [--chain-id ID] [--http.corsdomain D]
 *
 * Runs the node until SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid/braid_node.h"
#include "cli_args.h"
#include "commands.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid node [options]\n"
            "Runs an execution-layer node: JSON-RPC over HTTP, a transaction pool, blocks produced by the\n"
            "parallel executor, the chain kept in an LMDB database. Stop it with Ctrl-C (SIGINT) or SIGTERM;\n"
            "after a crash it resumes at the last block committed whole.\n\n"
            "  --dev                 development chain: chain id 1337, 10 accounts with 10,000 ETH each from the\n"
            "                        mnemonic \"test test ... junk\" (the accounts of Hardhat and anvil)\n"
            "  --genesis FILE        create the chain from a geth genesis file (config, alloc, gasLimit, ...)\n"
            "  --datadir DIR         where the database lives (default ./braid-data)\n"
            "  --http.addr ADDR      address to listen on (default 127.0.0.1)\n"
            "  --http.port PORT      port (default 8545; 0: any free port)\n"
            "  --http.corsdomain D   Access-Control-Allow-Origin for browsers (default: none)\n"
            "  --http.api LIST       namespaces served, comma-separated (default: all of eth, net, web3,\n"
            "                        debug, evm, anvil, hardhat); e.g. eth,net,web3 leaves out the dev methods\n"
            "  --http.rate N         HTTP requests per second per client address (a batch counts once; over it:\n"
            "                        HTTP 429, JSON-RPC error -32005); default: no limit\n"
            "  --http.maxbody N      bytes of one request body (default 5242880; HTTP 413 beyond)\n"
            "  --rpc.logsrange N     blocks one eth_getLogs may span (default 100000)\n"
            "  --rpc.gascap N        most gas one eth_call or eth_estimateGas may use (default 50000000)\n"
            "  --rpc.evmtimeout D    longest one eth_call, eth_estimateGas (all its tries together) or\n"
            "                        debug_traceTransaction may execute, as 500ms, 5s or 2m (default 5s;\n"
            "                        0: no limit); beyond it the call fails with \"execution aborted\"\n"
            "  --block-time MS       seal a block every MS milliseconds when transactions are pending\n"
            "                        (default 1000; 0: automine, one block per transaction)\n"
            "  --no-mining           seal blocks only on evm_mine\n"
            "  --gas-limit N         block gas limit (default: the genesis'; dev 30,000,000)\n"
            "  --threads N           executor threads (default: number of cores)\n"
            "  --chain-id ID         chain id of a new --dev chain (default 1337)\n"
            "  --max-batch N         requests per JSON-RPC batch (default 1000)\n"
            "  --pool-size N         transactions the pool holds (default 100000)\n"
            "  --verify-state        on resuming, recompute the state root from every account and slot and\n"
            "                        refuse to start unless it equals the recorded one (a pass over the state)\n");
}

/* "0", or digits and a unit (ms, s, m), up to an hour, in milliseconds. */
static int parse_duration_ms(const char *v, uint64_t *ms) {
    if (strcmp(v, "0") == 0) return *ms = 0, 0;
    uint64_t n = 0;
    const char *p = v;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > 3600000) return -1;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (p == v) return -1;
    uint64_t unit = strcmp(p, "ms") == 0 ? 1 : strcmp(p, "s") == 0 ? 1000 : strcmp(p, "m") == 0 ? 60000 : 0;
    if (!unit || n > 3600000 / unit || n == 0) return -1;
    *ms = n * unit;
    return 0;
}

int cmd_node(int argc, char **argv) {
    braid_node_options o = {.http_port = 8545, .block_time_ms = 1000};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--dev") == 0) {
            o.dev = true;
            continue;
        } else if (strcmp(a, "--no-mining") == 0) {
            o.no_mining = true;
            continue;
        } else if (strcmp(a, "--verify-state") == 0) {
            o.verify_state = true;
            continue;
        } else if (!v || strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "braid node: unknown option or missing value: '%s'\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--datadir") == 0) {
            o.datadir = v;
        } else if (strcmp(a, "--genesis") == 0) {
            o.genesis_path = v;
        } else if (strcmp(a, "--http.addr") == 0) {
            o.http_addr = v;
        } else if (strcmp(a, "--http.corsdomain") == 0) {
            o.cors = v;
        } else if (strcmp(a, "--http.api") == 0) {
            o.http_api = v;
        } else if (strcmp(a, "--http.rate") == 0) {
            if (cli_parse_uint("node", a, v, 1, 1000000, &n)) return 2;
            o.http_rate = (double)n;
        } else if (strcmp(a, "--http.maxbody") == 0) {
            if (cli_parse_uint("node", a, v, 1024, (uint64_t)1 << 32, &n)) return 2;
            o.http_max_body = (size_t)n;
        } else if (strcmp(a, "--rpc.logsrange") == 0) {
            if (cli_parse_uint("node", a, v, 1, UINT64_MAX / 2, &n)) return 2;
            o.logs_range = n;
        } else if (strcmp(a, "--rpc.gascap") == 0) {
            if (cli_parse_uint("node", a, v, 21000, UINT64_MAX / 2, &n)) return 2;
            o.rpc_gas_cap = n;
        } else if (strcmp(a, "--rpc.evmtimeout") == 0) {
            if (parse_duration_ms(v, &n)) {
                fprintf(stderr, "braid node: --rpc.evmtimeout needs a duration such as 500ms, 5s or 2m "
                                "(at most 1h; 0: no limit), not '%s'\n", v);
                return 2;
            }
            o.rpc_evm_timeout_ms = n ? (int64_t)n : -1;
        } else if (strcmp(a, "--http.port") == 0) {
            if (cli_parse_uint("node", a, v, 0, 65535, &n)) return 2;
            o.http_port = (uint16_t)n;
        } else if (strcmp(a, "--block-time") == 0) {
            if (cli_parse_uint("node", a, v, 0, 86400000, &n)) return 2;
            o.block_time_ms = (int64_t)n;
        } else if (strcmp(a, "--gas-limit") == 0) {
            if (cli_parse_uint("node", a, v, 21000, UINT64_MAX / 2, &n)) return 2;
            o.gas_limit = n;
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_uint("node", a, v, 1, 256, &n)) return 2;
            o.threads = (unsigned)n;
        } else if (strcmp(a, "--chain-id") == 0) {
            if (cli_parse_uint("node", a, v, 1, UINT64_MAX, &n)) return 2;
            o.has_chain_id = true;
            o.chain_id = braid_u256_from_u64(n);
        } else if (strcmp(a, "--max-batch") == 0) {
            if (cli_parse_uint("node", a, v, 1, 100000, &n)) return 2;
            o.max_batch = (size_t)n;
        } else if (strcmp(a, "--pool-size") == 0) {
            if (cli_parse_uint("node", a, v, 1, 10000000, &n)) return 2;
            o.pool_size = (size_t)n;
        } else {
            fprintf(stderr, "braid node: unknown option '%s'\n", a);
            return 2;
        }
    }
    for (const char *p = o.http_api; p && *p;) {
        size_t len = strcspn(p, ",");
        static const char *const known[] = {"eth", "net", "web3", "debug", "evm", "anvil", "hardhat"};
        bool found = false;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            found |= strlen(known[k]) == len && strncmp(known[k], p, len) == 0;
        if (!found) {
            fprintf(stderr, "braid node: --http.api: unknown namespace '%.*s' (known: eth, net, web3, debug, evm, anvil, "
                            "hardhat)\n", (int)len, p);
            return 2;
        }
        p += len + (p[len] == ',');
    }
    if (o.dev && o.genesis_path) {
        fprintf(stderr, "braid node: --dev and --genesis exclude each other\n");
        return 2;
    }
    if (o.has_chain_id && !o.dev) {
        fprintf(stderr, "braid node: --chain-id applies to --dev chains (a genesis file has its own)\n");
        return 2;
    }
    /* SIGINT and SIGTERM are blocked before any thread starts, so every thread inherits that and the
     * signal waits for sigwait here, whichever thread the kernel would have picked. */
    sigset_t stop;
    cli_block_stop_signals(&stop);
    /* an ignored signal would be dropped rather than wait (a shell starts background jobs so) */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    char err[512];
    braid_node *node = braid_node_start(&o, err, sizeof err);
    if (!node) {
        fprintf(stderr, "braid node: %s\n", err);
        return 1;
    }
    int sig;
    while (sigwait(&stop, &sig) != 0) {
    }
    fprintf(stderr, "braid node: stopping\n");
    braid_node_stop(node);
    return 0;
}
