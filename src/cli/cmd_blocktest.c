/* braid blocktest [--threads N] [--jobs N] [--progress] PATH... */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocktest.h"
#include "commands.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid blocktest [options] PATH...\n"
            "Imports each blockchain test's blocks onto its genesis, checks that invalid blocks are rejected,\n"
            "then the last block hash and post-state. One line per failing test, then \"N passed, N failed\".\n\n"
            "  --threads N   threads executing each block with the parallel executor (default: number\n"
            "                of cores; 1 = the sequential path)\n"
            "  --jobs N      test files run at once (default: number of cores / threads, at least 1)\n"
            "  --progress    show a progress line on stderr\n");
}

static void run_file(const char *path, braid_vm *vm, void *arg, fixture_report *rep) {
    blocktest_run_file(path, vm, (unsigned)*(long *)arg, rep);
}

static int parse_count(const char *cmd, const char *flag, const char *text, long *out) {
    char *end;
    *out = strtol(text, &end, 10);
    if (*end || *out < 1 || *out > 1024) {
        fprintf(stderr, "%s: %s needs a number from 1 to 1024\n", cmd, flag);
        return -1;
    }
    return 0;
}

int cmd_blocktest(int argc, char **argv) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN), threads = cores > 0 ? cores : 1;
    fixture_run run = {.command = "braid blocktest", .jobs = 0, .run_file = run_file};
    run.arg = &threads;
    char **paths = braid_xcalloc((size_t)argc, sizeof *paths);
    int n_paths = 0, rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            rc = parse_count(run.command, a, argv[++i], &threads) ? 2 : 0;
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            rc = parse_count(run.command, a, argv[++i], &run.jobs) ? 2 : 0;
        } else if (strcmp(a, "--progress") == 0) {
            run.progress = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "%s: unknown option '%s'\n", run.command, a);
            usage(stderr);
            rc = 2;
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (rc == 0 && n_paths == 0) {
        usage(stderr);
        rc = 2;
    }
    /* the cores go to the executor's threads first, what is left to files side by side */
    if (rc == 0) {
        if (run.jobs == 0) run.jobs = cores / threads > 1 ? cores / threads : 1;
        rc = fixture_run_paths(&run, paths, n_paths);
    }
    free(paths);
    return rc;
}
