/* braid: the command-line front end. One subcommand per file. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "braid/braid_evm.h"
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

typedef struct command_run {
    int (*run)(int argc, char **argv);
    int argc;
    char **argv;
    int rc;
} command_run;

static void *run_command(void *arg) {
    command_run *c = arg;
    c->rc = c->run(c->argc, c->argv);
    return NULL;
}

/* Commands execute transactions on the thread that runs them (a block in order, a call): it gets the
 * vm's stack, which the main thread's (the shell's ulimit -s) may not be. Signals that stop the
 * process are left to the command's thread: the main thread only waits for it. */
static int run_on_vm_stack(int (*run)(int, char **), int argc, char **argv) {
    command_run c = {run, argc, argv, 0};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BRAID_VM_STACK_SIZE);
    pthread_t t;
    int started = pthread_create(&t, &attr, run_command, &c);
    pthread_attr_destroy(&attr);
    if (started != 0) return run(argc, argv);
    sigset_t stop;
    cli_block_stop_signals(&stop);
    pthread_join(t, NULL);
    return c.rc;
}

int main(int argc, char **argv) {
    keep_freed_memory();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return run_on_vm_stack(commands[i].run, argc - 1, argv + 1);
    fprintf(stderr, "braid: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
