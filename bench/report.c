/* JSON and SVG presentations of benchmark results (see report.h). */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double bench_mgas_per_s(const bench_result *r, double s) {
    return s > 0 ? (double)r->gas_used / s / 1e6 : 0;
}
double bench_tx_per_s(const bench_result *r, double s) {
    return s > 0 ? (double)r->n_txs / s : 0;
}
double bench_us_per_tx(const bench_result *r, double s) {
    return r->n_txs ? s * 1e6 / (double)r->n_txs : 0;
}
double bench_speedup(const bench_result *r) {
    return r->par_median > 0 ? r->seq_median / r->par_median : 0;
}

/* JSON numbers with a sensible precision: times in milliseconds to the microsecond. */
static json_t *rounded(double v, double unit) {
    return json_real((double)llround(v / unit) * unit);
}

static json_t *mode_json(const bench_result *r, double median, double min) {
    json_t *o = json_object();
    json_object_set_new(o, "median_ms", rounded(median * 1e3, 1e-3));
    json_object_set_new(o, "min_ms", rounded(min * 1e3, 1e-3));
    json_object_set_new(o, "mgas_per_s", rounded(bench_mgas_per_s(r, median), 0.01));
    json_object_set_new(o, "tx_per_s", rounded(bench_tx_per_s(r, median), 1));
    json_object_set_new(o, "us_per_tx", rounded(bench_us_per_tx(r, median), 0.001));
    return o;
}

json_t *bench_result_json(const bench_result *r) {
    char hex[67];
    json_t *o = json_object();
    json_object_set_new(o, "workload", json_string(r->workload));
    json_object_set_new(o, "txs", json_integer((json_int_t)r->n_txs));
    json_object_set_new(o, "threads", json_integer(r->threads));
    json_object_set_new(o, "runs", json_integer(r->runs));
    json_object_set_new(o, "gas_used", json_integer((json_int_t)r->gas_used));
    json_object_set_new(o, "sequential", mode_json(r, r->seq_median, r->seq_min));
    json_t *par = mode_json(r, r->par_median, r->par_min);
    json_t *st = json_object();
    json_object_set_new(st, "executions", json_integer((json_int_t)r->stats.executions));
    json_object_set_new(st, "aborts", json_integer((json_int_t)r->stats.aborts));
    json_object_set_new(st, "suspensions", json_integer((json_int_t)r->stats.suspensions));
    json_object_set_new(st, "validations", json_integer((json_int_t)r->stats.validations));
    json_object_set_new(st, "sequential_path", json_boolean(r->stats.sequential));
    json_object_set_new(st, "hinted", json_integer((json_int_t)r->stats.hinted));
    json_object_set_new(st, "stm_runs", json_integer((json_int_t)r->stm_runs));
    if (r->stats.sequential)
        json_object_set_new(
            st, "sequential_why",
            json_string(r->stats.sequential_why ? r->stats.sequential_why : "(no reason given)"));
    json_object_set_new(par, "stm", st);
    json_object_set_new(o, "parallel", par);
    json_object_set_new(o, "speedup", rounded(bench_speedup(r), 0.001));
    json_object_set_new(o, "state_root_ms", rounded(r->root_median * 1e3, 1e-3));
    json_object_set_new(o, "identical", json_true());
    braid_hex_encode(r->state_root.b, 32, hex);
    json_object_set_new(o, "state_root", json_string(hex));
    braid_hex_encode(r->receipts_root.b, 32, hex);
    json_object_set_new(o, "receipts_root", json_string(hex));
    return o;
}

static void cpu_model(char *out, size_t len) {
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon) continue;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(out, len, "%s", colon);
        break;
    }
    fclose(f);
}

static bool read_line(const char *path, char *out, size_t len) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    bool ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    if (ok) out[strcspn(out, "\n")] = '\0';
    return ok;
}

/* The commit checked out in the current directory, read from .git without running git: HEAD is a commit
 * or a ref, and a ref is a loose file or a line of packed-refs. */
static bool git_commit(char *out, size_t len) {
    char gitdir[1024] = ".git", line[1024], path[2100];
    if (read_line(".git", line, sizeof line) && strncmp(line, "gitdir: ", 8) == 0)
        snprintf(gitdir, sizeof gitdir, "%s", line + 8); /* a worktree: .git is a file naming the directory */
    snprintf(path, sizeof path, "%s/HEAD", gitdir);
    if (!read_line(path, line, sizeof line)) return false;
    if (strncmp(line, "ref: ", 5) != 0) {
        snprintf(out, len, "%.40s", line);
        return strlen(line) >= 40;
    }
    char ref[1024];
    snprintf(ref, sizeof ref, "%s", line + 5);
    snprintf(path, sizeof path, "%s/%s", gitdir, ref);
    if (read_line(path, line, sizeof line) && strlen(line) >= 40) {
        snprintf(out, len, "%.40s", line);
        return true;
    }
    snprintf(path, sizeof path, "%s/packed-refs", gitdir);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strlen(line) > 41 && line[40] == ' ' && strcmp(line + 41, ref) == 0) {
            snprintf(out, len, "%.40s", line);
            found = true;
        }
    }
    fclose(f);
    return found;
}

json_t *bench_machine_json(void) {
    char buf[512];
    json_t *o = json_object();
    cpu_model(buf, sizeof buf);
    json_object_set_new(o, "cpu", json_string(buf));
    json_object_set_new(o, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(o, "date", json_string(buf));
    json_object_set_new(o, "compiler", json_string(__VERSION__));
    if (git_commit(buf, sizeof buf)) json_object_set_new(o, "git_commit", json_string(buf));
    return o;
}

/* ---- the chart ---- */

static void xml_text(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* A grid step giving at most ten lines. */
static double grid_step(double top) {
    static const double steps[] = {0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (top / steps[i] <= 10) return steps[i];
    return top / 10;
}

int bench_write_svg(const char *path, const bench_result *rs, size_t n, const char *subtitle, char *err,
                    size_t err_len) {
    static const char *const colors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
                                         "#76b7b2", "#edc948", "#e15759", "#9c755f"};
    /* groups: workloads in order of appearance; bars: thread counts, ascending */
    const char *groups[64];
    unsigned threads[64];
    size_t n_groups = 0, n_threads = 0;
    double top = 1.5;
    for (size_t i = 0; i < n; i++) {
        size_t g = 0, t = 0;
        while (g < n_groups && strcmp(groups[g], rs[i].workload) != 0)
            g++;
        if (g == n_groups && n_groups < 64) groups[n_groups++] = rs[i].workload;
        while (t < n_threads && threads[t] != rs[i].threads)
            t++;
        if (t == n_threads && n_threads < 64) {
            while (t > 0 && threads[t - 1] > rs[i].threads)
                threads[t] = threads[t - 1], t--;
            threads[t] = rs[i].threads;
            n_threads++;
        }
        if (bench_speedup(&rs[i]) * 1.15 > top) top = bench_speedup(&rs[i]) * 1.15;
    }
    double step = grid_step(top);
    top = step * (double)(long)(top / step + 0.999);

    const double bar_w = 26, group_gap = 34, left = 80, right = 150, plot_top = 70, plot_h = 300;
    double group_w = bar_w * (double)n_threads + group_gap;
    double width = left + right + group_w * (double)n_groups, height = plot_top + plot_h + 80;
    if (width < 640) width = 640;
    double plot_w = width - left - right;
    double gw = n_groups ? plot_w / (double)n_groups : plot_w;

    FILE *f = fopen(path, "w");
    if (!f) return braid_errorf(err, err_len, "cannot write %s", path);
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n",
            width, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f,
            "<text x=\"%.0f\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Braid parallel execution: "
            "speedup over sequential (median times)</text>\n",
            left);
    fprintf(f, "<text x=\"%.0f\" y=\"44\" fill=\"#555\">", left);
    xml_text(f, subtitle);
    fprintf(f, "</text>\n");

    for (double y = 0; y <= top + 1e-9; y += step) {
        double py = plot_top + plot_h - y / top * plot_h;
        fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", left, py,
                left + plot_w, py);
        fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.2g</text>\n", left - 8, py + 4, y);
    }
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left, plot_top,
            left, plot_top + plot_h);
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left,
            plot_top + plot_h, left + plot_w, plot_top + plot_h);
    fprintf(f,
            "<text transform=\"translate(22 %.0f) rotate(-90)\" text-anchor=\"middle\">speedup "
            "(sequential / parallel)</text>\n",
            plot_top + plot_h / 2);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">workload</text>\n", left + plot_w / 2,
            plot_top + plot_h + 56);

    /* the 1.0 line goes under the bars, so that it never hides a bar's value */
    double one = plot_top + plot_h - 1.0 / top * plot_h;
    fprintf(
        f,
        "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n",
        left, one, left + plot_w, one);
    fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" fill=\"#c00\">1.0 = sequential</text>\n", left + plot_w + 8,
            one + 4);

    for (size_t g = 0; g < n_groups; g++) {
        double x0 = left + gw * (double)g + (gw - bar_w * (double)n_threads) / 2;
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", left + gw * ((double)g + 0.5),
                plot_top + plot_h + 20);
        xml_text(f, groups[g]);
        fprintf(f, "</text>\n");
        for (size_t t = 0; t < n_threads; t++) {
            const bench_result *r = NULL;
            for (size_t i = 0; i < n && !r; i++)
                if (strcmp(rs[i].workload, groups[g]) == 0 && rs[i].threads == threads[t]) r = &rs[i];
            if (!r) continue;
            double v = bench_speedup(r), h = v / top * plot_h, x = x0 + bar_w * (double)t;
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>%s, %u "
                    "threads: %.2fx</title></rect>\n",
                    x + 1, plot_top + plot_h - h, bar_w - 2, h, colors[t % 8], r->workload, r->threads, v);
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
                    "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">%.2f</text>\n",
                    x + bar_w / 2, plot_top + plot_h - h - 4, v);
        }
    }

    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">threads</text>\n", left + plot_w + 8,
            plot_top + 30);
    for (size_t t = 0; t < n_threads; t++) {
        double y = plot_top + 42 + 20 * (double)t;
        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
                left + plot_w + 8, y, colors[t % 8]);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%u</text>\n", left + plot_w + 28, y + 11, threads[t]);
    }
    fprintf(f, "</svg>\n");
    if (fclose(f) != 0) return braid_errorf(err, err_len, "cannot write %s", path);
    return 0;
}
