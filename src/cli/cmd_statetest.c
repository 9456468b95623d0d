/* braid statetest [--fork NAME] [--trace] [--jobs N] [--progress] [--time-limit MS] PATH... */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "fixture_runner.h"
#include "statetest.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid statetest [options] PATH...\n"
            "Runs every state test (each fork and data/gas/value index) in the JSON files under PATH and\n"
            "prints one line per failing case, then \"N passed, N failed\".\n\n"
            "  --fork NAME   run only this fork (Frontier ... Cancun, or the fixtures' names)\n"
            "  --trace       write an EIP-3155 JSON-lines trace to stderr (implies --jobs 1)\n"
            "  --jobs N      worker threads (default: number of cores)\n"
            "  --progress    show a progress line on stderr\n"
            "  --time-limit MS\n"
            "                stop a case's transaction after MS milliseconds (1 to 86400000) and count\n"
            "                the case failed; by default a case runs as long as its gas allows\n");
}

static void run_file(const char *path, braid_vm *vm, void *arg, fixture_report *rep) {
    statetest_run_file(path, arg, vm, rep);
}

int cmd_statetest(int argc, char **argv) {
    statetest_options opt;
    memset(&opt, 0, sizeof opt);
    fixture_run run = {.command = "braid statetest", .jobs = sysconf(_SC_NPROCESSORS_ONLN), .run_file = run_file, .arg = &opt};
    braid_tracer tracer;
    char **paths = braid_xcalloc((size_t)argc, sizeof *paths);
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--fork") == 0 && i + 1 < argc) {
            if (braid_fork_from_name(argv[++i], &opt.fork) != 0) {
                fprintf(stderr, "braid statetest: unknown fork '%s'\n", argv[i]);
                free(paths);
                return 2;
            }
            opt.fork_filter = true;
        } else if (strcmp(a, "--trace") == 0) {
            opt.trace = stderr;
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            char *end;
            run.jobs = strtol(argv[++i], &end, 10);
            if (*end || run.jobs < 1 || run.jobs > 1024) {
                fprintf(stderr, "braid statetest: --jobs needs a number from 1 to 1024\n");
                free(paths);
                return 2;
            }
        } else if (strcmp(a, "--progress") == 0) {
            run.progress = true;
        } else if (strcmp(a, "--time-limit") == 0 && i + 1 < argc) {
            if (cli_parse_uint("statetest", a, argv[++i], 1, 86400000, &opt.time_limit_ms)) {
                free(paths);
                return 2;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "braid statetest: unknown option '%s'\n", a);
            usage(stderr);
            free(paths);
            return 2;
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (n_paths == 0) {
        usage(stderr);
        free(paths);
        return 2;
    }
    if (opt.trace) {
        run.jobs = 1;
        braid_tracer_eip3155(&tracer, opt.trace);
        run.tracer = &tracer;
    }
    int rc = fixture_run_paths(&run, paths, n_paths);
    free(paths);
    return rc;
}
