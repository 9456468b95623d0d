/* braid bench [--workload W|all] [--txs N] [--threads T] [--runs R] [--pairs K] [--seed S] [--json]
 *             [--report DIR]
 *
 * Times sequential execution (braid_block_execute) against the parallel executor on synthetic blocks
 * (bench/workloads.h), each run on a fresh copy of the pre-state, and refuses to report a time for a
 * result that is wrong: both modes must agree on gas, receipts root, logs bloom and state root, every
 * transaction must succeed, and the sequential post-state must match an independent prediction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "braid/braid_parallel.h"
#include "cli_args.h"
#include "commands.h"
#include "report.h"
#include "workloads.h"

#define MAX_RUNS 1000
#define MAX_THREADS 1024
#define TIMING_NOTE                                                                                          \
    "the execute call only (transactions, receipts, bloom, receipts and transactions roots); the state "     \
    "root is computed after it and timed apart"

typedef struct bench_opts {
    const char *workload; /* NULL: every workload */
    size_t txs;
    unsigned threads;
    unsigned runs;
    unsigned pairs;
    uint64_t seed;
    bool json;
    const char *report_dir;
} bench_opts;

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid bench [options]\n"
            "Times sequential and parallel execution of a synthetic Cancun block, checking that both give\n"
            "identical results. Exit status 0, 1 when results differ or a check fails, 2 for bad options.\n\n"
            "  --workload W   one of the workloads below, or all (default: all)\n"
            "  --txs N        transactions per block, 1 to %d (default 10000)\n"
            "  --threads T    executor threads, 1 to %d (default: number of cores)\n"
            "  --runs R       timed runs of each mode, interleaved, 1 to %d (default 5)\n"
            "  --pairs K      constant-product pairs of amm and mixed, 1 to %d (default %d)\n"
            "  --seed S       seed of keys, amounts and the blend (default 1)\n"
            "  --json         print one JSON object\n"
            "  --report DIR   every workload (or --workload) at 1, 2, 4, ... up to T threads; writes\n"
            "                 DIR/bench.json and DIR/bench.svg (speedup chart)\n\n"
            "Timed: the execute call only (transactions, receipts, bloom, receipts and transactions\n"
            "roots); the state root is computed after it and timed apart.\n\nWorkloads:\n",
            BENCH_MAX_TXS, MAX_THREADS, MAX_RUNS, BENCH_MAX_PAIRS, BENCH_DEFAULT_PAIRS);
    for (size_t i = 0; bench_workload_names[i]; i++)
        fprintf(out, "  %-13s  %s\n", bench_workload_names[i],
                bench_workload_describe(bench_workload_names[i]));
}

static int parse_args(int argc, char **argv, bench_opts *o, bool *help) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (bench_opts){.txs = 10000,
                      .threads = cores > 0 ? (unsigned)cores : 1,
                      .runs = 5,
                      .pairs = BENCH_DEFAULT_PAIRS,
                      .seed = 1};
    *help = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
            continue;
        } else if (!v || strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "braid bench: unknown option or missing value: '%s'\n", a);
            return -1;
        }
        i++;
        if (strcmp(a, "--workload") == 0) {
            if (strcmp(v, "all") != 0 && !bench_workload_describe(v)) {
                fprintf(stderr, "braid bench: unknown workload '%s' (one of:", v);
                for (size_t k = 0; bench_workload_names[k]; k++)
                    fprintf(stderr, " %s,", bench_workload_names[k]);
                fprintf(stderr, " or all)\n");
                return -1;
            }
            o->workload = strcmp(v, "all") == 0 ? NULL : v;
        } else if (strcmp(a, "--txs") == 0) {
            if (cli_parse_uint("bench", a, v, 1, BENCH_MAX_TXS, &n)) return -1;
            o->txs = (size_t)n;
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_uint("bench", a, v, 1, MAX_THREADS, &n)) return -1;
            o->threads = (unsigned)n;
        } else if (strcmp(a, "--runs") == 0) {
            if (cli_parse_uint("bench", a, v, 1, MAX_RUNS, &n)) return -1;
            o->runs = (unsigned)n;
        } else if (strcmp(a, "--pairs") == 0) {
            if (cli_parse_uint("bench", a, v, 1, BENCH_MAX_PAIRS, &n)) return -1;
            o->pairs = (unsigned)n;
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_uint("bench", a, v, 0, UINT64_MAX, &o->seed)) return -1;
        } else if (strcmp(a, "--report") == 0) {
            if (!*v) {
                fprintf(stderr, "braid bench: --report needs a directory\n");
                return -1;
            }
            o->report_dir = v;
        } else {
            fprintf(stderr, "braid bench: unknown option '%s'\n", a);
            return -1;
        }
    }
    return 0;
}

/* Creates the report directory if needed, so that a bad path fails before minutes of benchmarking. */
static int prepare_report_dir(const char *dir) {
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "braid bench: --report %s: cannot create the directory: %s\n", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
        fprintf(stderr, "braid bench: --report %s: not a writable directory\n", dir);
        return -1;
    }
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool no_block_hash(void *ctx, uint64_t number, braid_hash *out) {
    return false;
}
static const braid_block_hashes no_hashes = {NULL, no_block_hash};

typedef struct runner {
    const bench_workload *w;
    braid_vm *vm;
    braid_executor *ex;
    char err[512];
} runner;

/* One execution on a fresh pre-state. With `root_inside`, execution computes the state root itself;
 * otherwise it is computed afterwards and timed apart. `verify` checks the post-state's prediction. */
static int execute(runner *r, bool parallel, bool root_inside, bool verify, braid_block_result *res,
                   braid_stm_stats *stats, double *exec_s, double *root_s, braid_hash *root) {
    braid_state *state = bench_workload_state(r->w);
    braid_block_options opt = {.compute_state_root = root_inside};
    double t0 = now_s();
    int rc = parallel ? braid_executor_execute(r->ex, state, &r->w->cfg, &r->w->block, &no_hashes, &opt, res,
                                               stats)
                      : braid_block_execute(r->vm, state, &r->w->cfg, &r->w->block, &no_hashes, &opt, res);
    *exec_s = now_s() - t0;
    if (rc != 0) {
        snprintf(r->err, sizeof r->err, "%s execution failed: %s", parallel ? "parallel" : "sequential",
                 res->message);
    } else if (root_inside) {
        *root = res->state_root;
        *root_s = 0;
    } else {
        double t1 = now_s();
        *root = braid_state_root(state);
        *root_s = now_s() - t1;
    }
    if (rc == 0 && verify && bench_workload_verify(r->w, state, res, r->err, sizeof r->err) != 0) rc = -1;
    braid_state_destroy(state);
    return rc;
}

/* What the two modes, and every run, must agree on. */
static int same_result(runner *r, const char *what, const braid_block_result *ref, const braid_hash *ref_root,
                       const braid_block_result *got, const braid_hash *got_root) {
    const char *field = NULL;
    if (got->gas_used != ref->gas_used)
        field = "gas used";
    else if (!braid_hash_eq(&got->receipts_root, &ref->receipts_root))
        field = "receipts root";
    else if (memcmp(got->bloom, ref->bloom, BRAID_BLOOM_SIZE) != 0)
        field = "logs bloom";
    else if (!braid_hash_eq(got_root, ref_root))
        field = "state root";
    else if (got->n_receipts != ref->n_receipts)
        field = "receipt count";
    for (size_t i = 0; !field && i < got->n_receipts; i++) {
        const braid_receipt *a = &ref->receipts[i], *b = &got->receipts[i];
        if (a->success != b->success || a->gas_used != b->gas_used || a->n_logs != b->n_logs) {
            snprintf(r->err, sizeof r->err, "%s: receipt %zu differs (status, gas or logs)", what, i);
            return -1;
        }
    }
    if (field) snprintf(r->err, sizeof r->err, "%s: the %s differs", what, field);
    return field ? -1 : 0;
}

static int all_succeeded(runner *r, const braid_block_result *res) {
    for (size_t i = 0; i < res->n_receipts; i++)
        if (!res->receipts[i].success) {
            snprintf(r->err, sizeof r->err, "transaction %zu failed (reverted or ran out of gas)", i);
            return -1;
        }
    return 0;
}

/* An untimed check of both modes with the root computed inside execution (the comparison that matters
 * most), then `runs` timed pairs, alternating which mode goes first so neither always runs warmer. */
#define WARMUP_RUNS 4

static int bench_one(runner *r, unsigned runs, bool verify, bench_result *out) {
    braid_block_result ref, cur;
    memset(&ref, 0, sizeof ref);
    memset(&cur, 0, sizeof cur);
    braid_hash ref_root, root;
    double t, rt;
    braid_stm_stats stats;
    double *seq = braid_xcalloc(runs, sizeof *seq), *par = braid_xcalloc(runs, sizeof *par);
    double *roots = braid_xcalloc(2 * (size_t)runs, sizeof *roots);
    int rc = execute(r, false, true, verify, &ref, NULL, &t, &rt, &ref_root);
    if (rc == 0) rc = all_succeeded(r, &ref);
    if (rc == 0) rc = execute(r, true, true, false, &cur, &stats, &t, &rt, &root);
    if (rc == 0) rc = same_result(r, "parallel against sequential", &ref, &ref_root, &cur, &root);
    braid_block_result_free(&cur);
    /* The executor measures both of its paths on its first blocks of a workload before it settles on
     * one (src/parallel/executor.c): those blocks are not timed, as a node's first blocks would not be. */
    for (unsigned k = 0; rc == 0 && k < WARMUP_RUNS; k++) {
        rc = execute(r, true, false, false, &cur, &stats, &t, &rt, &root);
        if (rc == 0) rc = same_result(r, "warm-up parallel run", &ref, &ref_root, &cur, &root);
        braid_block_result_free(&cur);
    }
    out->stm_runs = 0;
    for (unsigned k = 0; rc == 0 && k < 2 * runs; k++) {
        bool parallel = (k & 1) ^ ((k >> 1) & 1); /* seq, par, par, seq, seq, par, ... */
        double *slot = parallel ? &par[k / 2] : &seq[k / 2];
        rc = execute(r, parallel, false, false, &cur, &stats, slot, &roots[k], &root);
        char what[64];
        snprintf(what, sizeof what, "timed %s run %u", parallel ? "parallel" : "sequential", k / 2 + 1);
        if (rc == 0) rc = same_result(r, what, &ref, &ref_root, &cur, &root);
        if (rc == 0 && parallel) {
            out->stats = stats;
            out->stm_runs += !stats.sequential;
        }
        braid_block_result_free(&cur);
    }
    if (rc == 0) {
        out->n_txs = r->w->n_txs;
        out->runs = runs;
        out->gas_used = ref.gas_used;
        out->state_root = ref_root;
        out->receipts_root = ref.receipts_root;
        out->root_median = median_of(roots, 2 * (size_t)runs);
        out->seq_median = median_of(seq, runs); /* sorts: the minimum is then first */
        out->seq_min = seq[0];
        out->par_median = median_of(par, runs);
        out->par_min = par[0];
    }
    braid_block_result_free(&ref);
    free(seq);
    free(par);
    free(roots);
    return rc;
}

static void print_mode(const bench_result *r, const char *mode, double median, double min) {
    printf("  %-10s  median %10.3f ms  min %10.3f ms  %9.1f Mgas/s  %10.0f tx/s  %7.3f us/tx\n", mode,
           median * 1e3, min * 1e3, bench_mgas_per_s(r, median), bench_tx_per_s(r, median),
           bench_us_per_tx(r, median));
}

static void print_result(const bench_result *r, bool verified) {
    char sroot[67], rroot[67];
    braid_hex_encode(r->state_root.b, 32, sroot);
    braid_hex_encode(r->receipts_root.b, 32, rroot);
    printf("%s: %zu txs, %llu gas, %u threads, %u runs\n", r->workload, r->n_txs,
           (unsigned long long)r->gas_used, r->threads, r->runs);
    print_mode(r, "sequential", r->seq_median, r->seq_min);
    print_mode(r, "parallel", r->par_median, r->par_min);
    printf("  speedup %.2fx; executor: %llu executions, %llu aborts, %llu suspensions, %llu validations",
           bench_speedup(r), (unsigned long long)r->stats.executions, (unsigned long long)r->stats.aborts,
           (unsigned long long)r->stats.suspensions, (unsigned long long)r->stats.validations);
    if (r->stats.sequential)
        printf(", sequential path (%s), keccak hints ready for %llu txs",
               r->stats.sequential_why ? r->stats.sequential_why : "no reason given",
               (unsigned long long)r->stats.hinted);
    if (r->stm_runs && r->stm_runs < r->runs) printf("; Block-STM in %u of %u timed runs", r->stm_runs, r->runs);
    printf("\n  identical: gas, receipts root %.18s.., logs bloom, state root %.18s..; all transactions "
           "succeeded%s; state root %.3f ms (not timed)\n",
           rroot, sroot, verified ? "; post-state as predicted" : "", r->root_median * 1e3);
}

static json_t *settings_json(const bench_opts *o, const unsigned *threads, size_t n_threads) {
    json_t *j = json_object();
    json_object_set_new(j, "txs", json_integer((json_int_t)o->txs));
    json_t *t = json_array();
    for (size_t i = 0; i < n_threads; i++)
        json_array_append_new(t, json_integer(threads[i]));
    json_object_set_new(j, "threads", t);
    json_object_set_new(j, "runs", json_integer(o->runs));
    json_object_set_new(j, "pairs", json_integer(o->pairs));
    json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(j, "timing", json_string(TIMING_NOTE));
    json_object_set_new(j, "machine", bench_machine_json());
    return j;
}

static int write_report(const bench_opts *o, json_t *doc, const bench_result *rs, size_t n) {
    char path[4200], err[256], subtitle[512];
    snprintf(path, sizeof path, "%s/bench.json", o->report_dir);
    if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0) {
        fprintf(stderr, "braid bench: cannot write %s\n", path);
        return -1;
    }
    json_t *m = json_object_get(doc, "machine");
    snprintf(subtitle, sizeof subtitle, "%zu transactions per block, %u runs; %s, %lld cores; %s", o->txs,
             o->runs, json_string_value(json_object_get(m, "cpu")),
             (long long)json_integer_value(json_object_get(m, "cores")),
             json_string_value(json_object_get(m, "date")));
    snprintf(path, sizeof path, "%s/bench.svg", o->report_dir);
    if (bench_write_svg(path, rs, n, subtitle, err, sizeof err) != 0) {
        fprintf(stderr, "braid bench: %s\n", err);
        return -1;
    }
    if (!o->json) printf("report: %s/bench.json, %s/bench.svg\n", o->report_dir, o->report_dir);
    return 0;
}

int cmd_bench(int argc, char **argv) {
    bench_opts o;
    bool help;
    if (parse_args(argc, argv, &o, &help) != 0) {
        fprintf(stderr, "Run 'braid bench --help' for the options.\n");
        return 2;
    }
    if (help) {
        usage(stdout);
        return 0;
    }
    if (o.report_dir && prepare_report_dir(o.report_dir) != 0) return 2;

    /* thread counts: T alone, or 1, 2, 4, ... below T and T for a report */
    unsigned threads[32];
    size_t n_threads = 0;
    if (o.report_dir)
        for (unsigned t = 1; t < o.threads && n_threads < 31; t *= 2)
            threads[n_threads++] = t;
    threads[n_threads++] = o.threads;

    const char *names[16];
    size_t n_names = 0;
    if (o.workload)
        names[n_names++] = o.workload;
    else
        for (size_t i = 0; bench_workload_names[i]; i++)
            names[n_names++] = bench_workload_names[i];

    braid_executor **ex = braid_xcalloc(n_threads, sizeof *ex);
    for (size_t t = 0; t < n_threads; t++)
        ex[t] = braid_executor_create(threads[t]);
    runner r = {.vm = braid_vm_create()};
    bench_result *results = braid_xcalloc(n_names * n_threads, sizeof *results);
    size_t n_results = 0;
    int rc = 0;
    json_t *doc = settings_json(&o, threads, n_threads), *jresults = json_array();
    if (!o.json)
        printf("braid bench: %zu txs per block, %u runs per mode; times are %s\n", o.txs, o.runs,
               TIMING_NOTE);

    for (size_t i = 0; i < n_names && rc == 0; i++) {
        bench_workload w;
        char err[256];
        bench_params p = {.n_txs = o.txs, .seed = o.seed, .pairs = o.pairs};
        double t0 = now_s();
        if (bench_workload_build_with(names[i], &p, &w, err, sizeof err) != 0) {
            fprintf(stderr, "braid bench: %s: %s\n", names[i], err);
            rc = 1;
            break;
        }
        fprintf(stderr, "braid bench: %s: block of %zu signed transactions built in %.2f s\n", names[i],
                w.n_txs, now_s() - t0);
        r.w = &w;
        for (size_t t = 0; t < n_threads && rc == 0; t++) {
            bench_result *res = &results[n_results];
            snprintf(res->workload, sizeof res->workload, "%s", names[i]);
            res->threads = braid_executor_threads(ex[t]);
            r.ex = ex[t];
            if (bench_one(&r, o.runs, t == 0, res) != 0) {
                fprintf(stderr, "braid bench: %s, %u threads: %s\n", names[i], res->threads, r.err);
                rc = 1;
                break;
            }
            n_results++;
            json_array_append_new(jresults, bench_result_json(res));
            if (!o.json) print_result(res, t == 0);
            fflush(stdout);
        }
        bench_workload_free(&w);
    }
    json_object_set_new(doc, "results", jresults);
    json_object_set_new(doc, "ok", json_boolean(rc == 0));
    if (o.json) {
        char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        puts(text);
        free(text);
    }
    if (rc == 0 && o.report_dir && write_report(&o, doc, results, n_results) != 0) rc = 1;
    json_decref(doc);
    free(results);
    braid_vm_destroy(r.vm);
    for (size_t t = 0; t < n_threads; t++)
        braid_executor_destroy(ex[t]);
    free(ex);
    return rc;
}
