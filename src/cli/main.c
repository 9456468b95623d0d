/* braid: the command-line front end. One subcommand per file. */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"statetest", cmd_statetest, "run ethereum/tests state tests (GeneralStateTests format)"},
    {"blocktest", cmd_blocktest, "run ethereum/tests blockchain tests (BlockchainTests format)"},
    {"block", cmd_block, "execute one real block (RPC JSON + prestateTracer pre-state) and check it"},
    {"bench", cmd_bench, "time sequential against parallel execution on synthetic blocks"},
    {"node", cmd_node, "run a node: JSON-RPC, transaction pool, blocks from the parallel executor, LMDB"},
    {"evmbench", cmd_evmbench, "time the interpreter on state-test files (the evm-benchmarks suite)"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: braid <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'braid <command> --help' for a command's options.\n");
}

/* Block after block allocates and frees buffers of about the same sizes (receipts, logs, version lists,
 * per-transaction records): glibc's defaults hand freed memory back to the system, and the next block
 * faults it in again, page by page (a few percent of a block's time). Keep it in the process. */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

int main(int argc, char **argv) {
    keep_freed_memory();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "braid: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
