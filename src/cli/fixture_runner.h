/* Running a fixture suite: collect the .json files under the given paths (sorted, so runs are
 * reproducible), run them on worker threads, print each file's failure lines as it finishes, an
 * optional progress line, and the final "N passed, N failed". Shared by statetest and blocktest. */
#ifndef BRAID_CLI_FIXTURE_RUNNER_H
#define BRAID_CLI_FIXTURE_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "braid/braid_bytes.h"
#include "braid/braid_evm.h"

typedef struct fixture_report {
    braid_buf text; /* one line per failure */
    size_t passed, failed;
} fixture_report;

/* Appends one failure line (a newline is added) and counts it. */
void fixture_fail(fixture_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs one file with the worker's own vm. */
typedef void (*fixture_file_fn)(const char *path, braid_vm *vm, void *arg, fixture_report *rep);

typedef struct fixture_run {
    const char *command; /* for messages: "braid statetest" */
    long jobs;
    bool progress;
    const braid_tracer *tracer; /* installed on every worker's vm, or NULL */
    fixture_file_fn run_file;
    void *arg;
    FILE *report_to; /* failure lines and the summary (NULL: stdout) */
} fixture_run;

/* Collects `paths` and runs them. Returns the exit status: 0 when everything passed, 1 when something
 * failed, 2 when no file was found. */
int fixture_run_paths(const fixture_run *run, char **paths, int n_paths);

#endif
