/* braid statetest [--fork NAME] [--trace] [--jobs N] [--progress] PATH...
 *
 * Collects every .json file under the paths (sorted, so runs are reproducible), runs them on N worker
 * threads, prints one line per failing case and ends with "N passed, N failed". */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "braid/braid_evm.h"
#include "commands.h"
#include "statetest.h"

typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

static void add_path(file_list *l, const char *p) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->paths = braid_xrealloc(l->paths, l->cap * sizeof *l->paths);
    }
    l->paths[l->n++] = strdup(p);
}

static int collect(file_list *l, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "braid statetest: cannot access %s\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_path(l, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "braid statetest: cannot open directory %s\n", path);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *child = braid_xmalloc(len);
        snprintf(child, len, "%s/%s", path, e->d_name);
        struct stat cst;
        if (stat(child, &cst) == 0 && S_ISDIR(cst.st_mode))
            rc |= collect(l, child);
        else if (strlen(e->d_name) > 5 && strcmp(e->d_name + strlen(e->d_name) - 5, ".json") == 0)
            add_path(l, child);
        free(child);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct run_ctx {
    file_list files;
    statetest_options opt;
    atomic_size_t next;
    pthread_mutex_t out_lock;
    size_t done, passed, failed;
    bool progress;
    struct timespec start;
} run_ctx;

static double elapsed(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void *worker(void *arg) {
    run_ctx *ctx = arg;
    braid_vm *vm = braid_vm_create();
    braid_tracer tracer;
    if (ctx->opt.trace) {
        braid_tracer_eip3155(&tracer, ctx->opt.trace);
        braid_vm_set_tracer(vm, &tracer);
    }
    statetest_report rep;
    memset(&rep, 0, sizeof rep);
    for (;;) {
        size_t i = atomic_fetch_add(&ctx->next, 1);
        if (i >= ctx->files.n) break;
        rep.passed = rep.failed = 0;
        braid_buf_clear(&rep.text);
        statetest_run_file(ctx->files.paths[i], &ctx->opt, vm, &rep);
        pthread_mutex_lock(&ctx->out_lock);
        if (rep.text.len) {
            if (ctx->progress) fputs("\r\033[K", stderr);
            fwrite(rep.text.data, 1, rep.text.len, stdout);
            fflush(stdout);
        }
        ctx->passed += rep.passed;
        ctx->failed += rep.failed;
        ctx->done++;
        if (ctx->progress && (ctx->done % 16 == 0 || ctx->done == ctx->files.n))
            fprintf(stderr, "\r\033[K[%zu/%zu files] %zu passed, %zu failed, %.1fs", ctx->done, ctx->files.n,
                    ctx->passed, ctx->failed, elapsed(&ctx->start));
        pthread_mutex_unlock(&ctx->out_lock);
    }
    braid_buf_free(&rep.text);
    braid_vm_destroy(vm);
    return NULL;
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: braid statetest [options] PATH...\n"
            "Runs every state test (each fork and data/gas/value index) in the JSON files under PATH.\n\n"
            "  --fork NAME   run only this fork (Frontier ... Cancun, or the fixtures' names)\n"
            "  --trace       write an EIP-3155 JSON-lines trace to stderr (implies --jobs 1)\n"
            "  --jobs N      worker threads (default: number of cores)\n"
            "  --progress    show a progress line on stderr\n");
}

int cmd_statetest(int argc, char **argv) {
    run_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--fork") == 0 && i + 1 < argc) {
            if (braid_fork_from_name(argv[++i], &ctx.opt.fork) != 0) {
                fprintf(stderr, "braid statetest: unknown fork '%s'\n", argv[i]);
                return 2;
            }
            ctx.opt.fork_filter = true;
        } else if (strcmp(a, "--trace") == 0) {
            ctx.opt.trace = stderr;
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            char *end;
            jobs = strtol(argv[++i], &end, 10);
            if (*end || jobs < 1 || jobs > 1024) {
                fprintf(stderr, "braid statetest: --jobs needs a number from 1 to 1024\n");
                return 2;
            }
        } else if (strcmp(a, "--progress") == 0) {
            ctx.progress = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "braid statetest: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            rc |= collect(&ctx.files, a) != 0;
        }
    }
    if (ctx.files.n == 0) {
        if (!rc) fprintf(stderr, "braid statetest: no test files given\n");
        usage(stderr);
        return 2;
    }
    qsort(ctx.files.paths, ctx.files.n, sizeof *ctx.files.paths, cmp_str);
    if (ctx.opt.trace) jobs = 1;
    if ((size_t)jobs > ctx.files.n) jobs = (long)ctx.files.n;

    pthread_mutex_init(&ctx.out_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ctx.start);
    pthread_t *threads = braid_xcalloc((size_t)jobs, sizeof *threads);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64u << 20); /* 1024 nested calls recurse through the interpreter */
    for (long t = 0; t < jobs; t++) pthread_create(&threads[t], &attr, worker, &ctx);
    for (long t = 0; t < jobs; t++) pthread_join(threads[t], NULL);
    pthread_attr_destroy(&attr);
    if (ctx.progress) fputs("\r\033[K", stderr);
    fprintf(stderr, "%zu files in %.1fs\n", ctx.files.n, elapsed(&ctx.start));
    printf("%zu passed, %zu failed\n", ctx.passed, ctx.failed);

    for (size_t i = 0; i < ctx.files.n; i++) free(ctx.files.paths[i]);
    free(ctx.files.paths);
    free(threads);
    pthread_mutex_destroy(&ctx.out_lock);
    return ctx.failed || rc ? 1 : 0;
}
