/*
 * scenario: the YAML scenario parser. It turns a file (or a string) into an
 * immutable struct acd_scenario and reports every problem it finds as a
 * located diagnostic, in file order; it returns nothing unless the whole
 * file is valid.
 *
 * It is two passes. yamltree.c builds a small bounded tree of the document.
 * Then a walk driven by one table of key descriptors per mapping checks the
 * schema of docs/scenario.md: most keys are a generic descriptor (a kind of
 * value and the offset of its field), the rest a function. The horizon is
 * read first whatever its place in the file, because per-interval data
 * (volumes, staffing, handle times, CSV files) is checked against its
 * intervals. Cross references (skills, escalation targets, overrides by call
 * type) are resolved once everything is read. The walk follows the schema,
 * never the tree, so its cost is linear in the file.
 *
 * One mistake gives one diagnostic: a value reported as bad is not used by
 * later checks (no "not served" after a misspelled skill, no "missing key"
 * after a misspelled key, no length errors against an invalid horizon).
 *
 * It is not the engine's validator of runtime behaviour, and it knows
 * nothing of distributions beyond their table (dist.c) nor of duration and
 * rate syntax beyond units.c.
 *
 * The parser is one module in several files that share scenario_int.h:
 *   scenario.c         entry points, the diagnostics list, the top-level
 *                      walk (small top-level sections included), freeing
 *                      and lookups by name;
 *   scenario_keys.c    key tables, the generic walk and value getters,
 *                      "did you mean";
 *   scenario_day.c     the horizon, per-interval lists, CSV files, shifts;
 *   scenario_dist.c    distribution mappings and per-interval variants;
 *   scenario_calls.c   call_types entries;
 *   scenario_groups.c  agent_groups entries;
 *   scenario_check.c   cross references, resolved after the walk.
 * This file holds no per-entry schema: that is in the files above.
 */
#include "acdsim/scenario.h"
#include "acdsim/diag.h"
#include "acdsim/scenario_load.h"
#include "acdsim/sim.h" /* routing policy names */
#include "scenario_int.h"
#include "util.h"
#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h> /* NAN, for ACD_NAN */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------- diagnostics */

/* Keep keys[] as long as d.v, including diagnostics added by dist.c. */
void
acd_scn_sync_keys(struct ctx *c)
{
    c->keys = acd_xgrow(c->keys, &c->cap_keys, c->d.n, sizeof(*c->keys));
}

/* The one place diagnostics are added: `file` at line:col, sorted at the
 * scenario's sline:scol. Past the limit, one last note and then silence;
 * errors are still counted. */
void
acd_scn_add_diag(struct ctx *c, const char *file, unsigned line, unsigned col, unsigned sline,
                 unsigned scol, const char *fmt, va_list ap)
{
    size_t before = c->d.n;
    if (c->n_errors == ACD_SCN_MAX_ERRORS) {
        /* Where the scenario was when it stopped (not in some CSV file). */
        acd_diags_error(&c->d, c->file, sline, scol, "too many errors; stopping after %d",
                        ACD_SCN_MAX_ERRORS);
    } else if (c->n_errors < ACD_SCN_MAX_ERRORS) {
        char *msg = NULL;
        va_list ap2;
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap2);
        va_end(ap2);
        msg = acd_xmalloc(n > 0 ? (size_t)n + 1 : 1);
        vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
        acd_diags_error(&c->d, file, line, col, "%s", msg);
        free(msg);
    }
    c->n_errors++;
    if (c->d.n == before)
        return;
    acd_scn_sync_keys(c);
    bool last = c->n_errors > ACD_SCN_MAX_ERRORS;
    c->keys[before].line = last ? UINT_MAX : sline;
    c->keys[before].col = last ? UINT_MAX : scol;
}

void
acd_scn_err_at(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acd_scn_add_diag(c, c->file, line, col, line, col, fmt, ap);
    va_end(ap);
}

void
acd_scn_err(struct ctx *c, const struct acd_ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acd_scn_add_diag(c, c->file, at->line, at->col, at->line, at->col, fmt, ap);
    va_end(ap);
}

/* Count n values about to be walked; false (reported once, at `at`) past
 * the limit, and then the walk stops. */
bool
acd_scn_visit(struct ctx *c, const struct acd_ynode *at, size_t n)
{
    if (c->visits > ACD_SCN_MAX_VISITS)
        return false;
    c->visits += n;
    if (c->visits <= ACD_SCN_MAX_VISITS)
        return true;
    acd_scn_err(c, at, "scenario is too large once its aliases are expanded (more than %d values)",
                ACD_SCN_MAX_VISITS);
    return false;
}

/* ------------------------------------------------------ horizon, busyness */

/* In the table only to be known, required and not repeated: parse() reads
 * the (first) horizon before the walk. */
static void
top_horizon(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c, (void)obj, (void)k, (void)v;
}

/* Likewise `days`, read right after the horizon (scenario_days.c). */
static void
top_days(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c, (void)obj, (void)k, (void)v;
}

static void
top_busyness(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("cv", V_NUMBER, struct acd_scenario, busyness_cv, KEY_REQUIRED),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {cv: 0.1}"))
        acd_scn_walk_map(c, v, "busyness", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* ------------------------------------------- service level, targets, queue */

static void
top_service_level(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("threshold", V_DURATION, struct acd_scenario, sl_threshold_s, 0),
        KEY_V("target", V_FRACTION, struct acd_scenario, sl_target, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {threshold: 20s, target: 0.80}"))
        acd_scn_walk_map(c, v, "service_level", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
top_targets(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("max_abandon", V_FRACTION, struct acd_scenario, max_abandon, 0),
        KEY_V("max_asa", V_DURATION, struct acd_scenario, max_asa_s, 0),
        KEY_V("max_occupancy", V_FRACTION, struct acd_scenario, max_occupancy, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {max_abandon: 0.05, max_asa: 30s}"))
        acd_scn_walk_map(c, v, "targets", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
queue_capacity(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (acd_scn_get_uint(c, k, v, ACD_SCN_MAX_QUEUE, &u))
        sc->queue_capacity = (long)u;
}

static void
queue_lines(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (!acd_scn_get_uint(c, k, v, ACD_SCN_MAX_QUEUE, &u))
        return;
    if (u < 1)
        acd_scn_err(c, v, "'%s' must be at least 1 (found '%s')", k->s, acd_ytree_show(v->s).s);
    else
        sc->queue_lines = (long)u;
}

static void
top_queue(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("capacity", queue_capacity, 0),
        KEY_FN("lines", queue_lines, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {capacity: 200} or {lines: 40}"))
        acd_scn_walk_map(c, v, "queue", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* ------------------------------------------------------------- routing */

static void
routing_policy(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    const char *names[32];
    size_t n = 0;
    for (; n < ACD_ARRAY_LEN(names) && (names[n] = acd_sim_policy_name(n)); n++)
        if (strcmp(names[n], s) == 0) {
            free(sc->routing);
            sc->routing = acd_xstrdup(s);
            return;
        }
    acd_scn_unknown_name(c, v, "routing policy", "known policies", names, n);
}

static void
top_routing(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("policy", routing_policy, KEY_REQUIRED),
    };
    /* `routing: longest_idle` is short for `routing: {policy: longest_idle}`. */
    if (v->kind == ACD_Y_MAP)
        acd_scn_walk_map(c, v, "routing", keys, ACD_ARRAY_LEN(keys), obj, NULL);
    else if (v->kind == ACD_Y_SCALAR)
        routing_policy(c, obj, k, v);
    else
        acd_scn_err(
            c, v, "'%s' must be a policy name or a mapping like {policy: longest_idle} (found %s)",
            k->s, acd_ytree_found(v).s);
}

/* Call type key `groups`: a list of group names, checked and resolved by
 * scenario_check.c once every group is known. */
void
acd_scn_ct_groups(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a non-empty list of agent group names like [tier1, "
                    "overflow] (found %s)",
                    k->s, v->kind == ACD_Y_SEQ ? "an empty list" : acd_ytree_found(v).s);
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < v->n; i++)
        ok = acd_scn_get_name(c, k, v->kids[i]) != NULL && ok;
    if (ok)
        c->cts[c->cur].groups = v;
}

/* Call type key `agent_selection`: one of the engine's selections. */
void
acd_scn_ct_agent_selection(struct ctx *c, void *obj, const struct acd_ynode *k,
                           const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    const char *names[32];
    size_t n = 0;
    for (; n < ACD_ARRAY_LEN(names) && (names[n] = acd_sim_selection_name(n)); n++)
        if (strcmp(names[n], s) == 0) {
            free(ct->agent_selection);
            ct->agent_selection = acd_xstrdup(s);
            return;
        }
    acd_scn_unknown_name(c, v, "agent_selection", "expected one of", names, n);
}

/* ------------------------------------------------------------ top level */

static void
top_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (s) {
        free(sc->name);
        sc->name = acd_xstrdup(s);
    }
}

static void
top_seed(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    unsigned long long u;
    if (acd_scn_get_uint(c, k, v, UINT64_MAX, &u))
        sc->seed = (uint64_t)u;
}

static void
top_shrinkage(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    acd_scn_parse_shrinkage(c, k, v, &sc->has_shrinkage, &sc->shrinkage,
                            &sc->shrinkage_by_interval);
}

static const struct key_desc top_keys[] = {
    KEY_FN("name", top_name, 0),
    KEY_FN("seed", top_seed, 0),
    KEY_N("replications", V_UINT1, struct acd_scenario, replications, ACD_SCN_MAX_REPLICATIONS, 0),
    KEY_FN("horizon", top_horizon, KEY_REQUIRED),
    KEY_FN("days", top_days, KEY_DAY),
    KEY_FN("busyness", top_busyness, KEY_DAY),
    KEY_FN("service_level", top_service_level, 0),
    KEY_FN("targets", top_targets, 0),
    KEY_FN("shrinkage", top_shrinkage, 0),
    KEY_FN("call_types", acd_scn_top_call_types, KEY_REQUIRED),
    KEY_FN("agent_groups", acd_scn_top_agent_groups, KEY_REQUIRED),
    KEY_FN("queue", top_queue, 0),
    KEY_FN("routing", top_routing, 0),
    KEY_FN("shift_templates", acd_scn_top_templates, KEY_DAY),
};

/* ------------------------------------------------------------- driver */

/* The file name without directory and extension, as the default name. */
static char *
default_name(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    return acd_xstrndup(base, n);
}

static struct acd_scenario *
new_scenario(const char *file)
{
    struct acd_scenario *sc = acd_xcalloc(1, sizeof(*sc));
    sc->path = acd_xstrdup(file);
    sc->seed = 1;
    sc->replications = 10;
    sc->horizon = ACD_HORIZON_STEADY;
    sc->sl_threshold_s = 20;
    sc->sl_target = 0.80;
    sc->max_abandon = ACD_NAN;
    sc->max_asa_s = ACD_NAN;
    sc->max_occupancy = ACD_NAN;
    sc->queue_capacity = ACD_UNLIMITED;
    sc->queue_lines = ACD_UNLIMITED;
    sc->routing = acd_xstrdup("longest_idle");
    return sc;
}

static void
free_states(struct ctx *c, size_t n_cts, size_t n_gps)
{
    for (size_t i = 0; c->cts && i < n_cts; i++) {
        free(c->cts[i].res_pos);
        free(c->cts[i].xfer_to);
        free(c->cts[i].aht);
    }
    for (size_t i = 0; c->gps && i < n_gps; i++) {
        free(c->gps[i].skill_names);
        free(c->gps[i].skill_levels);
        free(c->gps[i].handle_keys);
        free(c->gps[i].wrap_keys);
        free(c->gps[i].moves);
    }
    free(c->cts);
    free(c->gps);
    free(c->tmpl_groups);
    c->cts = NULL;
    c->gps = NULL;
    c->tmpl_groups = NULL;
}

static struct acd_scenario *
parse(struct ctx *c, const char *text, size_t len)
{
    if (len > ACD_SCN_MAX_BYTES) {
        acd_scn_err_at(c, 1, 1, "scenario file is too large (more than %d MB)",
                       ACD_SCN_MAX_BYTES / (1024 * 1024));
        return NULL;
    }
    struct acd_ytree t;
    memset(&t, 0, sizeof(t));
    struct acd_yerror ye;
    if (acd_ytree_build(&t, text, len, 0, &ye) != 0) {
        acd_scn_err_at(c, ye.line, ye.col, "%s", ye.msg);
        free(ye.msg);
        return NULL;
    }
    struct acd_scenario *sc = NULL;
    const struct acd_ynode *root = t.root;
    if (!root || (root->kind == ACD_Y_SCALAR && root->is_null)) {
        acd_scn_err_at(c, 1, 1,
                       "empty scenario (expected a mapping with call_types and agent_groups)");
        goto done;
    }
    if (root->kind != ACD_Y_MAP) {
        acd_scn_err(c, root,
                    "a scenario must be a mapping with call_types and agent_groups (found %s)",
                    acd_ytree_found(root).s);
        goto done;
    }
    sc = c->sc = new_scenario(c->file);
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct acd_ynode *k = root->kids[i];
        if (k->kind == ACD_Y_SCALAR && !k->is_null && strcmp(k->s, "horizon") == 0) {
            acd_scn_parse_horizon(c, k, root->kids[i + 1]);
            break;
        }
    }
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct acd_ynode *k = root->kids[i];
        if (k->kind == ACD_Y_SCALAR && !k->is_null && strcmp(k->s, "days") == 0) {
            acd_scn_parse_days(c, k, root->kids[i + 1]);
            break;
        }
    }
    acd_scn_walk_map(c, root, "scenario", top_keys, ACD_ARRAY_LEN(top_keys), sc, NULL);
    acd_scn_cross_check(c);
    if (!sc->name)
        sc->name = default_name(c->file);
    free_states(c, sc->n_call_types, sc->n_groups);
done:
    acd_ytree_free(&t);
    if (sc && c->d.n_errors > 0) {
        acd_scenario_free(sc);
        sc = NULL;
    }
    c->sc = NULL;
    return sc;
}

static bool
same_diag(const struct acd_diag *a, const struct acd_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->file, b->file) == 0 &&
           strcmp(a->msg, b->msg) == 0;
}

/* Move the local diagnostics to the caller's list in scenario order. A
 * value shared through an alias is checked once per use: its diagnostics
 * are given once. */
static void
flush_diags(struct ctx *c, struct acd_diags *out)
{
    size_t n = c->d.n;
    size_t *order = acd_xcalloc(n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++) {
        /* Insertion sort: stable, and the list is at most ~50 long. */
        size_t j = i;
        struct sortkey k = c->keys[i];
        while (j > 0) {
            struct sortkey p = c->keys[order[j - 1]];
            if (p.line < k.line || (p.line == k.line && p.col <= k.col))
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        const struct acd_diag *x = &c->d.v[order[i]];
        bool dup = false;
        for (size_t j = i; j-- > 0 && !dup;) {
            struct sortkey a = c->keys[order[j]], b = c->keys[order[i]];
            if (a.line != b.line || a.col != b.col)
                break;
            dup = same_diag(&c->d.v[order[j]], x);
        }
        if (!dup)
            acd_diags_add(out, x->level, x->file, x->line, x->col, "%s", x->msg);
    }
    free(order);
}

static int
load(const char *name, const char *base_dir, const char *text, size_t len,
     struct acd_scenario **out, struct acd_diags *diags)
{
    ACD_ASSERT(out && diags);
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.file = name;
    c.base_dir = base_dir;
    acd_diags_init(&c.d);
    *out = parse(&c, text, len);
    flush_diags(&c, diags);
    acd_diags_fini(&c.d);
    free(c.keys);
    return *out ? 0 : -1;
}

int
acd_scenario_load_string(const char *name, const char *base_dir, const char *text, size_t len,
                         struct acd_scenario **out, struct acd_diags *diags)
{
    return load(name ? name : "<string>", base_dir, text ? text : "", text ? len : 0, out, diags);
}

static void
open_error(const char *path, const char *what, int e, struct acd_diags *diags)
{
    acd_diags_error(diags, path, 1, 1, "cannot %s scenario: %s", what, strerror(e));
}

int
acd_scn_read_file(const char *path, char **text, size_t *text_len, char **dir,
                  struct acd_diags *diags)
{
    *text = NULL;
    *dir = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        open_error(path, "open", errno, diags);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        open_error(path, "open", errno, diags);
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        open_error(path, "open", EISDIR, diags);
        close(fd);
        return -1;
    }
    /* Read at most one byte past the limit, whatever st_size says (pipes
     * and /proc files report 0), so a huge file is refused, not read. */
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= ACD_SCN_MAX_BYTES
                     ? (size_t)st.st_size + 1
                     : 4096;
    size_t len = 0;
    char *buf = acd_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap > ACD_SCN_MAX_BYTES)
                break;
            cap = cap * 2 > (size_t)ACD_SCN_MAX_BYTES + 1 ? (size_t)ACD_SCN_MAX_BYTES + 1 : cap * 2;
            buf = acd_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            open_error(path, "read", errno, diags);
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);

    const char *slash = strrchr(path, '/');
    *dir = !slash          ? acd_xstrdup(".")
           : slash == path ? acd_xstrdup("/")
                           : acd_xstrndup(path, (size_t)(slash - path));
    *text = buf;
    *text_len = len;
    return 0;
}

int
acd_scenario_load_file(const char *path, struct acd_scenario **out, struct acd_diags *diags)
{
    ACD_ASSERT(path && out && diags);
    *out = NULL;
    char *buf, *dir;
    size_t len;
    if (acd_scn_read_file(path, &buf, &len, &dir, diags) != 0)
        return -1;
    int rc = load(path, dir, buf, len, out, diags);
    free(dir);
    free(buf);
    return rc;
}
