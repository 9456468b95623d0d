/* braid evmbench [--repeat N] [--json] [--fork NAME] [--bounded] PATH...
 *
 * Times the interpreter on state-test files (the evm-benchmarks suite: one contract, one call input
 * per case). Every case is first run as a whole transaction and checked against the file's expected
 * post-state, as braid statetest does; only a case that passes is timed. The timed part is the call
 * itself, as evmone's benchmark tool times it: the pre-state is built once, and each repetition opens a
 * transaction on it, runs the message and discards every change, so all repetitions start from the same
 * cold state. Code analysis (jump destinations) is cached with the code, as in every run of braid. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "fixture_runner.h"
#include "state/state.h"
#include "statetest.h"

#define MAX_REPEAT 10000000
/* Without --repeat: repetitions until this much time is spent on a case (and at least MIN_RUNS). */
#define TARGET_NS 500e6
#define MIN_RUNS 5

typedef struct evmbench_opts {
    unsigned long repeat; /* 0: adaptive */
    bool json;
    bool bounded; /* time the loop that stops at a deadline (RPC calls), with one an hour away */
} evmbench_opts;

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid evmbench [options] PATH...\n"
            "Times the call of every case of the state-test files under PATH (such as the evm-benchmarks\n"
            "suite), after checking the case against the file's expected post-state. Prints, per case, the\n"
            "gas the call used and its median and minimum time over the repetitions, then \"N passed, N\n"
            "failed\" for the checks.\n\n"
            "  --repeat N    repetitions per case (default: as many as fit in 0.5 s, at least %d)\n"
            "  --json        one JSON object per case and line: name, gas_used, median_ns, min_ns, runs\n"
            "  --fork NAME   only this fork's cases\n"
            "  --bounded     time the interpreter loop that eth_call runs, which reads the clock now and\n"
            "                then to stop at a deadline (set an hour ahead here), not the block's loop\n",
            MIN_RUNS);
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One repetition: the transaction's context (EIP-2929 warm accounts included), the message, then
 * every change discarded. */
static braid_result run_once(braid_vm *vm, braid_state *state, const statetest_case *c, const braid_message *msg,
                             const braid_tx_env *txenv) {
    state_begin_tx(state, c->fork);
    braid_vm_begin(vm, state, c->fork, c->env, txenv);
    if (c->fork >= BRAID_FORK_BERLIN) {
        state_warm_account(state, state_account_get(state, &msg->sender));
        state_warm_account(state, state_account_get(state, &msg->recipient));
        if (c->fork >= BRAID_FORK_SHANGHAI) state_warm_account(state, state_account_get(state, &c->env->coinbase));
    }
    braid_result r = msg->kind == BRAID_CREATE ? braid_vm_create_contract(vm, msg) : braid_vm_call(vm, msg);
    braid_state_discard_tx(state);
    return r;
}

static void time_case(const statetest_case *c, braid_vm *vm, void *arg, fixture_report *rep) {
    const evmbench_opts *o = arg;
    const braid_tx *tx = c->tx;
    if (tx->access_list_len) {
        fixture_fail(rep, "FAIL %s %s: transactions with access lists are not timed", c->file, c->test_name);
        return;
    }
    braid_state *state = statetest_case_state(c);
    braid_address target = tx->is_create ? braid_create_address(&tx->sender, tx->nonce) : tx->to;
    braid_message msg = {
        .kind = tx->is_create ? BRAID_CREATE : BRAID_CALL,
        .gas = (int64_t)(tx->gas_limit - braid_tx_intrinsic_gas(tx, c->fork)),
        .recipient = target,
        .sender = tx->sender,
        .code_address = target,
        .value = tx->value,
        .input = tx->data,
        .input_len = tx->data_len,
    };
    braid_tx_env txenv = {.origin = tx->sender, .gas_price = tx->gas_price};
    if (tx->type == BRAID_TX_DYNAMIC_FEE) txenv.gas_price = tx->max_fee_per_gas;

    if (o->bounded) braid_vm_set_deadline(vm, braid_clock_ns() + 3600 * 1000000000ull);
    braid_result first = run_once(vm, state, c, &msg, &txenv); /* warms the caches; not timed */
    size_t cap = o->repeat ? o->repeat : 1024, n = 0;
    double *ns = braid_xmalloc(cap * sizeof *ns), spent = 0;
    bool same = true;
    while (o->repeat ? n < o->repeat : (n < MIN_RUNS || (spent < TARGET_NS && n < MAX_REPEAT))) {
        if (n == cap) ns = braid_xrealloc(ns, (cap *= 2) * sizeof *ns);
        double t0 = now_ns();
        braid_result r = run_once(vm, state, c, &msg, &txenv);
        ns[n] = now_ns() - t0;
        spent += ns[n++];
        same &= r.status == first.status && r.gas_left == first.gas_left;
    }
    same &= !braid_vm_timed_out(vm);
    braid_vm_set_deadline(vm, 0);
    braid_state_destroy(state);

    char name[512];
    if (c->label)
        snprintf(name, sizeof name, "%s/%s", c->test_name, c->label);
    else
        snprintf(name, sizeof name, "%s/%zu", c->test_name, c->data_index);
    if (!same) {
        fixture_fail(rep, "FAIL %s %s: repetitions of the call disagree (status or gas)", c->file, name);
        free(ns);
        return;
    }
    qsort(ns, n, sizeof *ns, cmp_double);
    double median = n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2, min = ns[0];
    uint64_t gas = (uint64_t)(msg.gas - first.gas_left);
    if (o->json) {
        printf("{\"name\": \"%s\", \"fork\": \"%s\", \"gas_used\": %llu, \"median_ns\": %.0f, \"min_ns\": %.0f, "
               "\"runs\": %zu}\n",
               name, braid_fork_name(c->fork), (unsigned long long)gas, median, min, n);
    } else {
        printf("%-44s %-9s %12llu gas  median %12.3f us  min %12.3f us  %9.1f Mgas/s  %8zu runs\n", name,
               braid_fork_name(c->fork), (unsigned long long)gas, median / 1e3, min / 1e3,
               median > 0 ? (double)gas / median * 1e3 : 0.0, n);
    }
    fflush(stdout);
    free(ns);
}

static void run_file(const char *path, braid_vm *vm, void *arg, fixture_report *rep) {
    statetest_run_file(path, arg, vm, rep);
}

int cmd_evmbench(int argc, char **argv) {
    evmbench_opts o = {0};
    statetest_options st;
    memset(&st, 0, sizeof st);
    st.on_case = time_case;
    st.on_case_arg = &o;
    /* One file at a time on one thread: nothing else competes with the timing. */
    fixture_run run = {.command = "braid evmbench", .jobs = 1, .run_file = run_file, .arg = &st};
    char **paths = braid_xcalloc((size_t)argc, sizeof *paths);
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            char *end;
            long long v = strtoll(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > MAX_REPEAT) {
                fprintf(stderr, "braid evmbench: --repeat needs a number from 1 to %d\n", MAX_REPEAT);
                free(paths);
                return 2;
            }
            o.repeat = (unsigned long)v;
        } else if (strcmp(a, "--json") == 0) {
            o.json = true;
        } else if (strcmp(a, "--bounded") == 0) {
            o.bounded = true;
        } else if (strcmp(a, "--fork") == 0 && i + 1 < argc) {
            if (braid_fork_from_name(argv[++i], &st.fork) != 0) {
                fprintf(stderr, "braid evmbench: unknown fork '%s'\n", argv[i]);
                free(paths);
                return 2;
            }
            st.fork_filter = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "braid evmbench: unknown option '%s'\n", a);
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
    if (o.json) run.report_to = stderr; /* stdout carries only the JSON lines */
    int rc = fixture_run_paths(&run, paths, n_paths);
    free(paths);
    return rc;
}
