/*
 * cli_opts: what the commands share - option tables from which
 * getopt_long's arrays (and for run and staff the --help text) are built,
 * so every command words unknown options, missing arguments and bad
 * numbers alike; the common options (-r, -s, -j, -o, -q, -h); fraction
 * and duration arguments; scenario loading and error reporting.
 */
#include "acdsim/diag.h"
#include "acdsim/scenario_load.h"
#include "cli.h"
#include "escape.h"
#include "expect.h"
#include "report.h"
#include "scenario_set.h"
#include "tmpfile.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sanity bounds: far beyond any useful value, small enough that a typo does
 * not allocate gigabytes. */
#define MAX_REPLICATIONS ACD_CLI_MAX_REPLICATIONS
#define MAX_THREADS      1024ULL

void
acd_cli_error(const char *cmd, const char *fmt, ...)
{
    /* One line whatever the message quotes (names, arguments): control
     * characters as escapes, as in every diagnostic. */
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = acd_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    fprintf(stderr, "acdsim %s: error: ", cmd);
    acd_escape_fputs(msg, stderr);
    fputc('\n', stderr);
    free(msg);
}

/* A plain decimal integer in [lo, hi]: no sign, no spaces, no suffix
 * (strtoull alone would take "-1" and " 5"). Returns 0, -1 if not an
 * integer (or below lo), -2 if above hi. */
int
acd_cli_parse_uint(const char *s, unsigned long long lo, unsigned long long hi,
                   unsigned long long *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE || v > hi)
        return -2;
    if (v < lo)
        return -1;
    *out = v;
    return 0;
}

/* The message for a positive-integer option that parse_uint rejected. */
int
acd_cli_bad_positive(int rc, const char *arg, unsigned long long hi, char *err, size_t errlen)
{
    if (rc == -2)
        snprintf(err, errlen, "at most %llu, got '%s'", hi, arg);
    else
        snprintf(err, errlen, "expected a positive integer, got '%s'", arg);
    return -1;
}

/* The tables' entries all start with their name. */
static const char *
entry_name(const void *entry)
{
    return *(const char *const *)entry;
}

int
acd_cli_parse_choice(const char *arg, const void *const *table, const void **out, char *err,
                     size_t errlen)
{
    for (size_t i = 0; table[i]; i++)
        if (strcmp(entry_name(table[i]), arg) == 0) {
            *out = table[i];
            return 0;
        }
    int n = snprintf(err, errlen, "expected one of");
    for (size_t i = 0; table[i] && n >= 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "", entry_name(table[i]));
    if (n >= 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n, ", got '%s'", arg);
    return -1;
}

int
acd_cli_parse_format(const char *arg, const struct acd_format **out, char *err, size_t errlen)
{
    const void *f;
    if (acd_cli_parse_choice(arg, (const void *const *)acd_formats, &f, err, errlen) != 0)
        return -1;
    *out = f;
    return 0;
}

int
acd_cli_parse_fraction(const char *arg, bool lo_closed, double *out, char *err, size_t errlen)
{
    double v;
    if (acd_units_parse_fraction(arg, &v) != 0) {
        snprintf(err, errlen, "expected a fraction such as 0.8 or 80%%, got '%s'", arg);
        return -1;
    }
    if (!(lo_closed ? v >= 0 : v > 0) || v > 1) {
        snprintf(err, errlen, "must be %s 0 and at most 1 (100%%), got '%s'",
                 lo_closed ? "at least" : "above", arg);
        return -1;
    }
    *out = v;
    return 0;
}

int
acd_cli_parse_duration(const char *arg, bool positive, double *out, char *err, size_t errlen)
{
    double v;
    if (acd_units_parse_duration(arg, &v) != 0) {
        snprintf(err, errlen, "expected a duration such as 20, 20s or 1.5m, got '%s'", arg);
        return -1;
    }
    if (positive ? !(v > 0) : !(v >= 0)) {
        snprintf(err, errlen, "must be %s, got '%s'", positive ? "positive" : "at least 0", arg);
        return -1;
    }
    *out = v;
    return 0;
}

int
acd_cli_parse_positive(const char *arg, unsigned long long hi, unsigned long long *out, char *err,
                       size_t errlen)
{
    int rc = acd_cli_parse_uint(arg, 1, hi, out);
    return rc == 0 ? 0 : acd_cli_bad_positive(rc, arg, hi, err, errlen);
}

int
acd_cli_set_replications(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    unsigned long long v;
    if (acd_cli_parse_positive(arg, MAX_REPLICATIONS, &v, err, errlen) != 0)
        return -1;
    c->run.replications = (unsigned)v;
    return 0;
}

int
acd_cli_set_seed(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    unsigned long long v;
    if (acd_cli_parse_uint(arg, 0, UINT64_MAX, &v) != 0) {
        snprintf(err, errlen, "expected an integer from 0 to 2^64-1, got '%s'", arg);
        return -1;
    }
    c->run.seed = (uint64_t)v;
    c->run.seed_set = true;
    return 0;
}

int
acd_cli_set_threads(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    unsigned long long v;
    if (acd_cli_parse_positive(arg, MAX_THREADS, &v, err, errlen) != 0)
        return -1;
    c->run.threads = (unsigned)v;
    return 0;
}

/* The directory that holds `path` (everything before the last '/' that is
 * not trailing) must exist and be writable: checked now so a long run never
 * ends in "cannot create". */
int
acd_cli_check_parent(const char *path, char *err, size_t errlen)
{
    struct stat st;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    char *parent = n ? acd_xstrndup(path, n) : acd_xstrdup(".");
    int rc = 0;
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "parent directory '%s' of '%s' does not exist", parent, path);
        rc = -1;
    } else if (access(parent, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        rc = -1;
    }
    free(parent);
    return rc;
}

/* DIR must be a directory we can write, or missing with an existing parent
 * (as recorded in out_dir_missing). */
int
acd_cli_set_out(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    struct stat st;
    c->out_dir = arg;
    c->out_dir_missing = false;
    if (!*arg) {
        snprintf(err, errlen, "expected a directory, got ''");
        return -1;
    }
    if (stat(arg, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "'%s' exists and is not a directory", arg);
            return -1;
        }
        if (access(arg, W_OK | X_OK) != 0) {
            snprintf(err, errlen, "cannot write into '%s': %s", arg, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "cannot use '%s': %s", arg, strerror(errno));
        return -1;
    }
    /* A symbolic link to nothing: mkdir would fail only after the run. */
    size_t n = strlen(arg);
    while (n > 1 && arg[n - 1] == '/')
        n--;
    char *link = acd_xstrndup(arg, n);
    bool dangling = lstat(link, &st) == 0 && S_ISLNK(st.st_mode);
    free(link);
    if (dangling) {
        snprintf(err, errlen, "'%s' is a symbolic link to a missing directory", arg);
        return -1;
    }
    int rc = acd_cli_check_parent(arg, err, errlen);
    /* A process that writes no file (an MPI rank other than 0) makes no
     * folder either. */
    c->out_dir_missing = rc == 0 && !acd_tmpfile_discards();
    return rc;
}

int
acd_cli_set_quiet(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    (void)arg, (void)err, (void)errlen;
    c->quiet = true;
    return 0;
}

int
acd_cli_set_help(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    (void)arg, (void)err, (void)errlen;
    c->help = true;
    return 0;
}

/* Print an option table as aligned help text; continuation lines of a help
 * string (after '\n') are indented under the first. */
void
acd_cli_print_options(FILE *out, const struct acd_cli_opt *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char head[64];
        if (defs[i].val < 256)
            snprintf(head, sizeof(head), "-%c, --%s%s%s", defs[i].val, defs[i].name,
                     defs[i].metavar ? " " : "", defs[i].metavar ? defs[i].metavar : "");
        else
            snprintf(head, sizeof(head), "    --%s%s%s", defs[i].name, defs[i].metavar ? " " : "",
                     defs[i].metavar ? defs[i].metavar : "");
        /* A long head gets its own line rather than a ragged help column. */
        if (strlen(head) > 22)
            fprintf(out, "  %s\n%25s", head, "");
        else
            fprintf(out, "  %-22s ", head);
        for (const char *h = defs[i].help; *h; h++) {
            fputc(*h, out);
            if (*h == '\n')
                fprintf(out, "%25s", "");
        }
        fputc('\n', out);
    }
}

/* Name of the option getopt_long reported by value (for error messages). */
static const char *
opt_name(const struct acd_cli_opt *defs, size_t n, int val, char *buf, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (defs[i].val == val) {
            snprintf(buf, len, "--%s", defs[i].name);
            return buf;
        }
    snprintf(buf, len, "-%c", val);
    return buf;
}

static bool
is_known(const struct acd_cli_opt *defs, size_t n, int val)
{
    for (size_t i = 0; i < n; i++)
        if (defs[i].val == val)
            return true;
    return false;
}

static void
set_given(struct acd_cli_common *c, int val)
{
    if (val > 0 && val < ACD_CLI_MAX_VAL)
        c->given[val / 8] |= (unsigned char)(1u << (val % 8));
}

bool
acd_cli_given(const struct acd_cli_common *c, int val)
{
    return val > 0 && val < ACD_CLI_MAX_VAL && (c->given[val / 8] >> (val % 8)) & 1u;
}

/* "unknown option '--agnets'", with the closest long option when it is a
 * likely typo (edit distance at most 2, as for commands). */
static void
unknown_long(const char *cmd, const struct acd_cli_opt *defs, size_t n, const char *arg)
{
    const char *best = NULL;
    size_t len = strcspn(arg + 2, "="), best_d = 3;
    char name[64];
    if (len < sizeof(name)) {
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        for (size_t i = 0; i < n; i++) {
            size_t d = acd_edit_distance(name, defs[i].name);
            if (d < best_d && d < strlen(defs[i].name)) {
                best = defs[i].name;
                best_d = d;
            }
        }
    }
    if (best)
        acd_cli_error(cmd, "unknown option '%s' (did you mean '--%s'?)", arg, best);
    else
        acd_cli_error(cmd, "unknown option '%s'", arg);
}

/* Parse argv with getopt_long from an option table, reporting every error.
 * Returns the index of the first operand. */
int
acd_cli_parse_options(const char *cmd, const struct acd_cli_opt *defs, size_t n, void *a, int argc,
                      char **argv)
{
    struct acd_cli_common *common = a;
    struct option *longs = acd_xcalloc(n + 1, sizeof(*longs));
    char *shorts = acd_xmalloc(2 * n + 2);
    shorts[0] = ':'; /* ':' reports missing arguments */
    size_t ns = 1;
    for (size_t i = 0; i < n; i++) {
        ACD_ASSERT(defs[i].val > 0 && defs[i].val < ACD_CLI_MAX_VAL);
        longs[i] = (struct option){.name = defs[i].name,
                                   .has_arg = defs[i].metavar ? required_argument : no_argument,
                                   .val = defs[i].val};
        if (defs[i].val < 256) {
            shorts[ns++] = (char)defs[i].val;
            if (defs[i].metavar)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';

    char err[ACD_CLI_ERR_LEN], name[64];
    opterr = 0;
    optind = 0; /* glibc: 0 re-initialises getopt for this argv */
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == '?') {
            /* glibc: optopt is 0 for an unknown long option, the option's
             * value for `--flag=x` on a flag, else the unknown character. */
            const char *arg = argv[optind - 1];
            if (!optopt && strncmp(arg, "--", 2) == 0) {
                unknown_long(cmd, defs, n, arg);
            } else if (!optopt) {
                acd_cli_error(cmd, "unknown option '%s'", arg);
            } else if (is_known(defs, n, optopt)) {
                set_given(common, optopt);
                acd_cli_error(cmd, "%s: takes no argument",
                              opt_name(defs, n, optopt, name, sizeof(name)));
            } else {
                acd_cli_error(cmd, "unknown option '-%c'", optopt);
            }
            common->n_errors++;
            continue;
        }
        if (c == ':') {
            set_given(common, optopt);
            acd_cli_error(cmd, "%s: missing argument",
                          opt_name(defs, n, optopt, name, sizeof(name)));
            common->n_errors++;
            continue;
        }
        set_given(common, c);
        for (size_t i = 0; i < n; i++) {
            if (defs[i].val != c)
                continue;
            if (defs[i].set(a, optarg, err, sizeof(err)) != 0) {
                acd_cli_error(cmd, "--%s: %s", defs[i].name, err);
                common->n_errors++;
            }
            break;
        }
    }
    free(longs);
    free(shorts);
    return optind;
}

void
acd_cli_try_help(const char *cmd)
{
    fprintf(stderr, "Try 'acdsim %s --help'.\n", cmd);
}

/* Load a scenario file, or the embedded default when path is NULL. Prints
 * every diagnostic; returns NULL if the scenario is invalid. */
struct acd_scenario *
acd_cli_load_scenario(const struct acd_cli_common *c, const char *path)
{
    struct acd_diags diags;
    struct acd_scenario *sc = NULL;
    acd_diags_init(&diags);
    int rc = acd_scenario_load_set(path, c ? c->sets : NULL, c ? c->n_sets : 0, &sc, &diags);
    if (rc == 0 && sc && !acd_diags_has_errors(&diags))
        acd_scenario_warn_overload(sc, &diags);
    acd_diags_sort(&diags);
    acd_diags_print(&diags, stderr); /* warnings too, on success */
    if (rc != 0 || acd_diags_has_errors(&diags)) {
        acd_scenario_free(sc);
        sc = NULL;
    }
    acd_diags_fini(&diags);
    return sc;
}

int
acd_cli_refuse_days(const char *cmd, const struct acd_scenario *sc, const char *path)
{
    if (!sc || sc->n_days == 0)
        return 0;
    fprintf(stderr,
            "acdsim %s: error: %s: a multi-day period ('days:') is not supported by 'acdsim %s' "
            "yet; use 'acdsim run', or one scenario per day\n",
            cmd, path ? path : "<default>", cmd);
    return -1;
}

/* stdout after the report: flush so a full disk or a closed pipe shows now. */
int
acd_cli_check_stdout(const char *cmd)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "acdsim %s: error: writing to standard output: %s\n", cmd,
            strerror(errno ? errno : EIO));
    return -1;
}

int
acd_cli_add_set(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    if (!strchr(arg, '=')) {
        snprintf(err, errlen,
                 "expected PATH=VALUE (like call_types.billing.arrivals.scale=1.15), got '%s'",
                 arg);
        return -1;
    }
    c->sets = acd_xgrow(c->sets, &c->cap_sets, c->n_sets + 1, sizeof(*c->sets));
    c->sets[c->n_sets++] = arg;
    return 0; /* applied when the scenario is loaded */
}

int
acd_cli_add_assert(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    (void)err, (void)errlen;
    c->asserts = acd_xgrow(c->asserts, &c->cap_asserts, c->n_asserts + 1, sizeof(*c->asserts));
    c->asserts[c->n_asserts++] = (char *)arg;
    return 0; /* parsed once the scenario is known */
}

struct acd_expect *
acd_cli_prepare_asserts(const char *cmd, struct acd_cli_common *c, const struct acd_scenario *sc)
{
    struct acd_expect *ex = acd_xcalloc(c->n_asserts ? c->n_asserts : 1, sizeof(*ex));
    char err[ACD_CLI_ERR_LEN];
    int bad = 0;
    for (size_t i = 0; i < c->n_asserts; i++) {
        if (acd_expect_parse(c->asserts[i], &ex[i], err, sizeof(err)) != 0 ||
            (sc && acd_expect_check(&ex[i], sc, err, sizeof(err)) != 0)) {
            /* A located message: the caret lines follow, each escaped. */
            char *more = strchr(err, '\n');
            if (more)
                *more++ = '\0';
            acd_cli_error(cmd, "--assert '%s': %s", c->asserts[i], err);
            for (char *line = more, *nl; line; line = nl) {
                if ((nl = strchr(line, '\n')) != NULL)
                    *nl++ = '\0';
                acd_escape_fputs(line, stderr);
                fputc('\n', stderr);
            }
            bad++;
        }
    }
    if (bad || !sc) {
        for (size_t i = 0; i < c->n_asserts; i++)
            acd_expect_fini(&ex[i]);
        free(ex);
        c->n_errors += bad;
        return NULL;
    }
    return ex;
}

/* ------------------------------------------------------- memory guard */

#define MIN_MEMORY ((size_t)32 << 20)

int
acd_cli_set_max_memory(void *a, const char *arg, char *err, size_t errlen)
{
    struct acd_cli_common *c = a;
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    static const struct {
        const char *suffix;
        double scale;
    } units[] = {
        {"", 1},         {"B", 1},       {"K", 0x1p10},   {"KB", 0x1p10},  {"KiB", 0x1p10},
        {"M", 0x1p20},   {"MB", 0x1p20}, {"MiB", 0x1p20}, {"G", 0x1p30},   {"GB", 0x1p30},
        {"GiB", 0x1p30}, {"T", 0x1p40},  {"TB", 0x1p40},  {"TiB", 0x1p40},
    };
    double scale = 0;
    if (end != arg && errno == 0 && (arg[0] >= '0' && arg[0] <= '9'))
        for (size_t i = 0; i < ACD_ARRAY_LEN(units); i++)
            if (strcmp(end, units[i].suffix) == 0)
                scale = units[i].scale;
    double bytes = v * scale;
    if (!(scale > 0) || !(bytes >= (double)MIN_MEMORY) || !(bytes < 0x1p60)) {
        snprintf(err, errlen, "expected a size from 32M to 1000T (like 8G or 500M), got '%s'", arg);
        return -1;
    }
    c->max_memory = (size_t)bytes;
    return 0;
}

size_t
acd_cli_default_memory(void)
{
    size_t lim = (size_t)4 << 30;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
        double half = (double)pages * (double)page / 2;
        if (half < (double)lim)
            lim = half > (double)MIN_MEMORY ? (size_t)half : MIN_MEMORY;
    }
    return lim;
}

char *
acd_cli_format_bytes(size_t bytes, char *buf, size_t n)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double x = (double)bytes;
    size_t u = 0;
    while (x >= 1024 && u + 1 < ACD_ARRAY_LEN(unit)) {
        x /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%zu bytes", bytes);
    else
        snprintf(buf, n, "%.*f %s", x < 10 ? 1 : 0, x, unit[u]);
    return buf;
}

int
acd_cli_check_memory(const char *cmd, const struct acd_scenario *sc, struct acd_cli_common *c,
                     struct acd_memory_estimate *est)
{
    size_t limit = c->max_memory ? c->max_memory : acd_cli_default_memory();
    c->run.max_calls = acd_run_max_calls_for(sc, &c->run, limit);
    acd_run_memory_estimate(sc, &c->run, est);
    if (est->total <= limit)
        return 0;
    char t[32], l[32], row[32], th[32];
    acd_cli_error(cmd,
                  "%s: this run would need about %s of memory, more than the limit of %s (%u "
                  "replications x %s kept each, %u threads x %s); use fewer replications or "
                  "raise the limit with --max-memory",
                  sc->path ? sc->path : sc->name, acd_cli_format_bytes(est->total, t, sizeof(t)),
                  acd_cli_format_bytes(limit, l, sizeof(l)), est->replications,
                  acd_cli_format_bytes(est->per_replication, row, sizeof(row)), est->threads,
                  acd_cli_format_bytes(est->per_thread, th, sizeof(th)));
    return -1;
}

void
acd_cli_report_overload(const char *cmd, const struct acd_scenario *sc,
                        const struct acd_overload *o, const struct acd_cli_common *c)
{
    char clock[32], l[32];
    size_t limit = c->max_memory ? c->max_memory : acd_cli_default_memory();
    acd_units_format_clock(o->t_s, clock, sizeof(clock));
    acd_cli_error(cmd,
                  "the center is overloaded: at %s, %zu calls were in the system, more than the "
                  "%zu the memory limit (%s) allows; the queue of call type '%s' (tier %u) held "
                  "%zu waiting calls. Its offered load exceeds its agents and nobody hangs up: "
                  "add agents, patience or a queue limit (or raise --max-memory)",
                  clock, o->calls, o->limit, acd_cli_format_bytes(limit, l, sizeof(l)),
                  sc->call_types[o->type].name, o->tier, o->waiting);
}
