/*
 * outdir: the report folder, written all or nothing (see outdir.h); each
 * file through the temporary-then-rename service of tmpfile.c.
 *
 * Not here: what goes into each file (report.c, plot.c, html.c) and the
 * command-line checks on DIR (cli_run.c, cli_report.c).
 */
#include "outdir.h"
#include "html.h"
#include "plot.h"
#include "tmpfile.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INDEX_HTML "index.html"

/* --------------------------------------------------------------- folder */

/* What `acdsim staff --out`, `compare --out`, `sweep --out`, `schedule
 * --out`, `backtest -o` and `calibrate -o` add (staff_report.c,
 * compare_html.c, sweep_report.c, schedule_report.c, backtest.c and
 * calibrate_report.c compose them; the names are here so that this module
 * need not depend on those). */
static const char *const staff_files[] = {
    "staffing.json",   "staffing.csv",  "recommended.yaml", "staff_curve.json",
    "staff_curve.csv", "compare.json",  "compare.csv",      "sweep.json",
    "sweep.csv",       "schedule.json", "schedule.csv",     "roster.yaml",
    "backtest.json",   "backtest.csv",  "calibrated.yaml",  "calibration.json"};
static const char *const staff_charts[] = {"staffing",
                                           "staff_curve",
                                           "compare_service_level",
                                           "compare_diff",
                                           "sweep_kpi",
                                           "sweep_pareto",
                                           "coverage",
                                           "gantt",
                                           "backtest_offered",
                                           "backtest_service_level",
                                           "backtest_abandon_rate",
                                           "backtest_asa_s",
                                           "backtest_occupancy",
                                           "calib_handle",
                                           "calib_patience",
                                           "calib_arrivals"};

static bool
is_stem(const char *name, size_t len, const char *stem)
{
    return strlen(stem) == len && strncmp(name, stem, len) == 0;
}

bool
acd_outdir_is_report_file(const char *name)
{
    for (size_t i = 0; acd_report_files[i].name; i++)
        if (strcmp(name, acd_report_files[i].name) == 0)
            return true;
    if (strcmp(name, INDEX_HTML) == 0)
        return true;
    for (size_t i = 0; i < ACD_ARRAY_LEN(staff_files); i++)
        if (strcmp(name, staff_files[i]) == 0)
            return true;
    /* calibrate's empirical patience samples (acd_calib_patience_file) */
    size_t n = strlen(name);
    if (strncmp(name, "patience_", 9) == 0 && n > 13 && strcmp(name + n - 4, ".csv") == 0)
        return true;
    const char *dot = strrchr(name, '.');
    if (!dot || (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0))
        return false;
    size_t len = (size_t)(dot - name);
    const char *stem;
    for (size_t i = 0; (stem = acd_plot_chart_name(i)); i++)
        if (is_stem(name, len, stem))
            return true;
    for (size_t i = 0; i < ACD_ARRAY_LEN(staff_charts); i++)
        if (is_stem(name, len, staff_charts[i]))
            return true;
    return false;
}

/* Write one file of the folder to its temporary name through `write`.
 * Returns 0, or -1 after reporting (the file is discarded). */
static int
write_one(struct acd_tmpfile *file, const char *dir, const char *stage, const char *name,
          int (*write)(FILE *, const void *, const void *), const void *a, const void *b, FILE *err)
{
    char *path = acd_xasprintf("%s/%s", dir, name);
    int rc = acd_tmpfile_open_in(file, path, stage, err);
    free(path);
    if (rc != 0)
        return -1;
    errno = 0;
    bool failed = write(file->f, a, b) != 0;
    return acd_tmpfile_close(file, failed || ferror(file->f) ? errno : 0, err);
}

/* A temporary name's stem a killed acdsim may have left in DIR in the
 * older form (NAME.tmp.PID): a report file, or a chart's data file. */
static bool
old_temp_stem(const char *name, size_t len)
{
    char *stem = acd_xstrndup(name, len);
    bool ours = acd_outdir_is_report_file(stem);
    size_t n = strlen(stem);
    if (!ours && n > 4 && strcmp(stem + n - 4, ".dat") == 0) {
        stem[n - 4] = '\0';
        const char *c;
        for (size_t i = 0; !ours && (c = acd_plot_chart_name(i)); i++)
            ours = strcmp(stem, c) == 0;
        for (size_t i = 0; !ours && i < ACD_ARRAY_LEN(staff_charts); i++)
            ours = strcmp(stem, staff_charts[i]) == 0;
    }
    free(stem);
    return ours;
}

/* After a commit: remove the report files an earlier run left in DIR that
 * this one did not write (its charts that no longer apply, a staff
 * folder's files under a run's), so the folder never mixes two runs.
 * Only names acd_outdir_is_report_file knows; only regular files and
 * symbolic links (the link itself). Errors are ignored. */
static void
remove_stale(const char *dir, char *const *written, size_t n_written)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!acd_outdir_is_report_file(e->d_name))
            continue;
        bool mine = false;
        for (size_t i = 0; i < n_written && !mine; i++)
            mine = strcmp(written[i], e->d_name) == 0;
        struct stat st;
        if (!mine && fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
}

/* Adapters to write_one's shape: the data files' writers take options,
 * the page takes the charts. */
struct data_writer {
    const struct acd_report_file *file;
    const struct acd_report_opts *opts;
};

static int
write_data(FILE *f, const void *a, const void *b)
{
    const struct data_writer *w = b;
    return w->file->write(f, a, w->opts);
}

static int
write_html(FILE *f, const void *a, const void *b)
{
    return acd_html_write(f, a, b);
}

static int
write_extra_page(FILE *f, const void *a, const void *b)
{
    const struct acd_outdir_extra *extra = a;
    return extra->page(f, extra->page_ud, b);
}

/* DIR without trailing slashes ("out/" names files "out/x", not "out//x"). */
static char *
trim_dir(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return acd_xstrndup(dir, n);
}

static int
write_text(FILE *f, const void *a, const void *b)
{
    (void)b;
    const struct acd_outdir_text *t = a;
    return fwrite(t->text, 1, t->len, f) == t->len ? 0 : -1;
}

int
acd_outdir_write(const char *dir_arg, const struct acd_results *r, const struct acd_report_opts *o,
                 const struct acd_outdir_extra *extra, FILE *err)
{
    static const struct acd_outdir_extra none = {0};
    if (!extra)
        extra = &none;
    /* A process that writes no file (an MPI rank other than 0): no DIR,
     * no file, no gnuplot. */
    if (acd_tmpfile_discards())
        return 0;
    acd_tmpfile_cleanup_install();
    char *dir = trim_dir(dir_arg);
    const char *prev_dir = NULL;
    bool created = false;
    if (mkdir(dir, 0777) == 0) {
        created = true;
        prev_dir = acd_tmpfile_track_dir(dir);
    } else if (errno != EEXIST) {
        fprintf(err, "acdsim: error: cannot create directory %s: %s\n", dir, strerror(errno));
        free(dir);
        return -1;
    }

    /* Files of dead acdsim processes, then this run's private staging
     * directory: every file is written there and renamed into DIR when
     * all are complete. */
    acd_tmpfile_sweep(dir, NULL);
    acd_tmpfile_sweep(dir, old_temp_stem);
    char *stage = acd_tmpfile_stage_make(dir);
    if (!stage) {
        fprintf(err, "acdsim: error: cannot write into %s: %s\n", dir, strerror(errno));
        if (created) {
            rmdir(dir);
            acd_tmpfile_track_dir(prev_dir);
        }
        free(dir);
        return -1;
    }

    /* Data files first: they do not need gnuplot, and a full disk shows
     * before any gnuplot process starts. A failure stops at once. */
    size_t n_data = 0;
    while (r && acd_report_files[n_data].name)
        n_data++;
    struct acd_tmpfile *files =
        acd_xcalloc(n_data + extra->n_files + 1, sizeof(*files)); /* + index.html */
    size_t n = 0;
    struct acd_charts charts = {0};
    int rc = 0;
    for (; n < n_data && rc == 0; n++) {
        struct data_writer w = {&acd_report_files[n], o};
        rc = write_one(&files[n], dir, stage, acd_report_files[n].name, write_data, r, &w, err);
    }
    for (size_t i = 0; i < extra->n_files && rc == 0; i++, n++)
        rc = write_one(&files[n], dir, stage, extra->files[i].name, write_text, &extra->files[i],
                       NULL, err);
    if (rc == 0) {
        rc = acd_plot_render(dir, stage, r, extra->charts, extra->n_charts, &charts);
        if (rc != 0)
            fprintf(err, "acdsim: error: %s\n", charts.error);
        else if (charts.gnuplot_missing)
            fputs("acdsim: gnuplot not found; charts skipped\n", err);
        if (charts.warnings)
            fprintf(err, "%s", charts.warnings);
    }
    bool page = r != NULL || extra->page;
    if (rc == 0 && extra->page)
        rc = write_one(&files[n++], dir, stage, INDEX_HTML, write_extra_page, extra, &charts, err);
    else if (rc == 0 && page)
        rc = write_one(&files[n++], dir, stage, INDEX_HTML, write_html, r, &charts, err);

    /* What this run writes, by name, for remove_stale. */
    size_t n_written = 0;
    char **written = acd_xcalloc(n + 2 * charts.n + 1, sizeof(*written));
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *slash = strrchr(files[i].path, '/');
        written[n_written++] = acd_xstrdup(slash ? slash + 1 : files[i].path);
    }
    for (size_t i = 0; i < charts.n && rc == 0; i++) {
        written[n_written++] = acd_xasprintf("%s.png", charts.v[i].name);
        written[n_written++] = acd_xasprintf("%s.svg", charts.v[i].name);
    }

    /* Commit: data files, charts, then the page that shows them. A failed
     * rename (which does not happen within one directory short of a
     * vanished DIR) discards the rest. */
    size_t before_charts = page && n > 0 ? n - 1 : n;
    for (size_t i = 0; i < before_charts && rc == 0; i++)
        rc = acd_tmpfile_commit(&files[i], err);
    if (rc == 0)
        rc = acd_plot_commit(&charts, err);
    for (size_t i = before_charts; i < n && rc == 0; i++)
        rc = acd_tmpfile_commit(&files[i], err);
    if (rc == 0)
        remove_stale(dir, written, n_written);
    for (size_t i = 0; i < n_written; i++)
        free(written[i]);
    free(written);
    for (size_t i = 0; i < n; i++)
        acd_tmpfile_discard(&files[i]);
    free(files);
    acd_plot_charts_fini(&charts);
    acd_tmpfile_stage_remove(stage);
    free(stage);

    if (created) {
        if (rc != 0)
            rmdir(dir);
        acd_tmpfile_track_dir(prev_dir);
    }
    free(dir);
    return rc;
}
