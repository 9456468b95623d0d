/* Results of `braid bench` and their presentations: JSON objects, the machine description, and the
 * speedup chart of `--report` (SVG written by hand: no plotting dependency for one bar chart).
 *
 * Thread contract: plain functions over caller-owned values. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "braid/braid_bytes.h"
#include "braid/braid_parallel.h"

/* One workload at one thread count. Times in seconds. */
typedef struct bench_result {
    char workload[32];
    size_t n_txs;
    unsigned threads;
    unsigned runs;
    uint64_t gas_used;
    double seq_median, seq_min;
    double par_median, par_min;
    double root_median;    /* the post-state root, computed after each execute call, outside its timing */
    braid_stm_stats stats; /* of the last parallel run */
    unsigned stm_runs;     /* timed parallel runs that took Block-STM (the others ran in order) */
    braid_hash state_root, receipts_root;
} bench_result;

/* Mgas/s, tx/s and microseconds per transaction at a time of `seconds` for the block. */
double bench_mgas_per_s(const bench_result *r, double seconds);
double bench_tx_per_s(const bench_result *r, double seconds);
double bench_us_per_tx(const bench_result *r, double seconds);
double bench_speedup(const bench_result *r);

json_t *bench_result_json(const bench_result *r);
/* CPU model, cores, date (UTC), compiler, and the git commit when run from a checkout. */
json_t *bench_machine_json(void);

/* A grouped bar chart of the speedup of each workload, one bar per thread count, with a line at 1.0.
 * Returns 0, or -1 with a message. */
int bench_write_svg(const char *path, const bench_result *results, size_t n, const char *subtitle, char *err,
                    size_t err_len);

#endif
