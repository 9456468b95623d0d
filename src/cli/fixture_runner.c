#include "fixture_runner.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

void fixture_fail(fixture_report *rep, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    braid_buf_append(&rep->text, line, (size_t)n);
    braid_buf_push(&rep->text, '\n');
    rep->failed++;
}

static void add_path(file_list *l, const char *p) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->paths = braid_xrealloc(l->paths, l->cap * sizeof *l->paths);
    }
    l->paths[l->n++] = strdup(p);
}

static int collect(file_list *l, const char *path, const char *cmd) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: cannot access %s\n", cmd, path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_path(l, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "%s: cannot open directory %s\n", cmd, path);
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
        size_t nl = strlen(e->d_name);
        if (stat(child, &cst) == 0 && S_ISDIR(cst.st_mode))
            rc |= collect(l, child, cmd);
        else if (nl > 5 && strcmp(e->d_name + nl - 5, ".json") == 0)
            add_path(l, child);
        free(child);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct run_state {
    const fixture_run *run;
    file_list files;
    atomic_size_t next;
    pthread_mutex_t lock;
    size_t done, passed, failed;
    struct timespec start;
} run_state;

static double elapsed(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void *worker(void *arg) {
    run_state *rs = arg;
    braid_vm *vm = braid_vm_create();
    if (rs->run->tracer) braid_vm_set_tracer(vm, rs->run->tracer);
    fixture_report rep;
    memset(&rep, 0, sizeof rep);
    for (;;) {
        size_t i = atomic_fetch_add(&rs->next, 1);
        if (i >= rs->files.n) break;
        rep.passed = rep.failed = 0;
        braid_buf_clear(&rep.text);
        rs->run->run_file(rs->files.paths[i], vm, rs->run->arg, &rep);
        pthread_mutex_lock(&rs->lock);
        if (rep.text.len) {
            if (rs->run->progress) fputs("\r\033[K", stderr);
            FILE *to = rs->run->report_to ? rs->run->report_to : stdout;
            fwrite(rep.text.data, 1, rep.text.len, to);
            fflush(to);
        }
        rs->passed += rep.passed;
        rs->failed += rep.failed;
        rs->done++;
        if (rs->run->progress && (rs->done % 16 == 0 || rs->done == rs->files.n))
            fprintf(stderr, "\r\033[K[%zu/%zu files] %zu passed, %zu failed, %.1fs", rs->done, rs->files.n, rs->passed,
                    rs->failed, elapsed(&rs->start));
        pthread_mutex_unlock(&rs->lock);
    }
    braid_buf_free(&rep.text);
    braid_vm_destroy(vm);
    return NULL;
}

int fixture_run_paths(const fixture_run *run, char **paths, int n_paths) {
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.run = run;
    int missing = 0;
    for (int i = 0; i < n_paths; i++) missing |= collect(&rs.files, paths[i], run->command) != 0;
    if (rs.files.n == 0) {
        if (!missing) fprintf(stderr, "%s: no test files given\n", run->command);
        free(rs.files.paths);
        return 2;
    }
    qsort(rs.files.paths, rs.files.n, sizeof *rs.files.paths, cmp_str);
    long jobs = run->jobs < 1 ? 1 : run->jobs;
    if ((size_t)jobs > rs.files.n) jobs = (long)rs.files.n;

    pthread_mutex_init(&rs.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &rs.start);
    pthread_t *threads = braid_xcalloc((size_t)jobs, sizeof *threads);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BRAID_VM_STACK_SIZE);
    for (long t = 0; t < jobs; t++) pthread_create(&threads[t], &attr, worker, &rs);
    for (long t = 0; t < jobs; t++) pthread_join(threads[t], NULL);
    pthread_attr_destroy(&attr);
    if (run->progress) fputs("\r\033[K", stderr);
    fprintf(stderr, "%zu files in %.1fs\n", rs.files.n, elapsed(&rs.start));
    fprintf(run->report_to ? run->report_to : stdout, "%zu passed, %zu failed\n", rs.passed, rs.failed);

    for (size_t i = 0; i < rs.files.n; i++) free(rs.files.paths[i]);
    free(rs.files.paths);
    free(threads);
    pthread_mutex_destroy(&rs.lock);
    return rs.failed || missing ? 1 : 0;
}
