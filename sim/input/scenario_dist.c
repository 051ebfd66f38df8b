/*
 * scenario_dist: distribution mappings in a scenario, `{dist: NAME, mean:
 * ..., ...}`. Checks which parameters the named distribution takes, loads
 * empirical sample files, sets the distribution up through dist.c, and
 * derives per-interval variants (`by_interval`, the arrivals file's aht
 * column) scaled to each interval's mean.
 *
 * It is not the distributions themselves (dist.c owns their table, their
 * parameter checks and their sampling).
 */
#include "acdsim/dist.h"
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- distributions */

static const char *const param_names[] = {"mean", "cv", "k", "min", "max", "file", "mode"};

struct dist_parse {
    struct acd_dist_params p;
    const struct acd_dist_type *type; /* NULL until `dist:` names a known one */
    double *by;                       /* by_interval means, when valid */
    double scale;                     /* `scale`: durations times this (1 when not given) */
};

static void
dist_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    dp->type = acd_dist_find(s);
    if (dp->type)
        return;
    const char *names[64];
    size_t n = 0;
    for (; acd_dist_types[n] && n < ACD_ARRAY_LEN(names); n++)
        names[n] = acd_dist_types[n]->name;
    acd_scn_unknown_name(c, v, "distribution", "known", names, n);
}

static void
dist_k(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    double x;
    if (acd_scn_get_real(c, k, v, acd_scn_exp_number, &x) && acd_scn_check_positive(c, k, v, x))
        dp->p.k = x;
}

static void
dist_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    acd_scn_get_name(c, k, v); /* read once the distribution is known */
}

static void
dist_by_interval(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    dp->by = acd_scn_interval_list(c, k, v, E_DURATION);
}

static void
dist_scale(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct dist_parse *dp = obj;
    double x;
    if (acd_scn_get_real(c, k, v, acd_scn_exp_number, &x) && acd_scn_check_positive(c, k, v, x))
        dp->scale = x;
}

/* Keys 1 to 7 are the parameters, in ACD_DP_* bit order; by_interval and
 * scale only where per-interval variants are allowed (handle_time,
 * patience). */
enum { D_DIST, D_MEAN, D_CV, D_K, D_MIN, D_MAX, D_FILE, D_MODE, D_BY, D_SCALE };

static const struct key_desc dist_keys[] = {
    [D_DIST] = KEY_FN("dist", dist_name, KEY_REQUIRED),
    [D_MEAN] = KEY_V("mean", V_DURATION_POS, struct dist_parse, p.mean_s, 0),
    [D_CV] = KEY_V("cv", V_NUMBER, struct dist_parse, p.cv, 0),
    [D_K] = KEY_FN("k", dist_k, 0),
    [D_MIN] = KEY_V("min", V_DURATION, struct dist_parse, p.min_s, 0),
    [D_MAX] = KEY_V("max", V_DURATION, struct dist_parse, p.max_s, 0),
    [D_FILE] = KEY_FN("file", dist_file, 0),
    [D_MODE] = KEY_V("mode", V_DURATION, struct dist_parse, p.mode_s, 0),
    [D_BY] = KEY_FN("by_interval", dist_by_interval, KEY_DAY), /* only where allowed */
    [D_SCALE] = KEY_FN("scale", dist_scale, 0),
};

/* Load an empirical sample file into d (dist.c's setup expects them there),
 * with its errors located in that file but sorted at the `file:` key. */
static bool
load_samples(struct ctx *c, const struct acd_ynode *file_node, const char *path, struct acd_dist *d)
{
    size_t before = c->d.n;
    double *samples = NULL;
    long n = acd_dist_load_samples(path, &samples, &c->d);
    acd_scn_sync_keys(c);
    for (size_t i = before; i < c->d.n; i++) {
        c->keys[i].line = file_node->line;
        c->keys[i].col = file_node->col;
    }
    c->n_errors += c->d.n - before;
    if (n < 0)
        return false;
    d->samples = samples;
    d->n_samples = (size_t)n;
    return true;
}

/* Per-interval variants of `base` (the same family and shape, scaled to
 * each interval's mean) into *out (n_intervals, owned by the scenario even
 * on failure). */
bool
acd_scn_derive_dists(struct ctx *c, const char *what, const struct dist_spec *spec,
                     const struct acd_dist *base, const double *means, const struct acd_ynode *at,
                     struct acd_dist **out)
{
    struct acd_dist *v = acd_xcalloc(c->n_iv, sizeof(*v));
    *out = v;
    double scale = spec->scale > 0 ? spec->scale : 1;
    for (size_t i = 0; i < c->n_iv; i++) {
        double r = means[i] * scale / base->mean_s;
        struct acd_dist_params p = spec->p;
        if (p.have & ACD_DP_MEAN)
            p.mean_s = means[i] * scale;
        p.min_s *= r;
        p.max_s *= r;
        p.mode_s *= r;
        if (base->n_samples) {
            v[i].samples = acd_xcalloc(base->n_samples, sizeof(double));
            v[i].n_samples = base->n_samples;
            for (size_t j = 0; j < base->n_samples; j++)
                v[i].samples[j] = base->samples[j] * r;
        }
        char msg[256] = "";
        if (acd_dist_setup(&v[i], spec->type, &p, msg, sizeof(msg)) != 0) {
            char t[24];
            acd_scn_err(
                c, at, "invalid %s for the interval at %s: %s", what,
                acd_units_format_clock(c->sc->open_s + (double)i * c->sc->interval_s, t, sizeof(t)),
                msg[0] ? msg : "bad parameters");
            return false;
        }
    }
    return true;
}

/* `what: {dist: NAME, ...}` into *out. Returns true when *out is set up (and
 * then owns its data). With by_out, `by_interval` is allowed and its
 * variants go to *by_out; *spec and *by_key (if not NULL) get the
 * distribution as written and the by_interval key. */
bool
acd_scn_parse_dist_by(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                      struct acd_dist *out, struct dist_spec *spec, struct acd_dist **by_out,
                      const struct acd_ynode **by_key)
{
    if (!acd_scn_expect_map(c, k, v, "a mapping like {dist: exponential, mean: 3m}"))
        return false;
    struct dist_parse dp;
    memset(&dp, 0, sizeof(dp));
    dp.scale = 1;
    struct seen s;
    acd_scn_walk_map(c, v, k->s, dist_keys, by_out ? ACD_ARRAY_LEN(dist_keys) : D_BY, &dp, &s);
    if (by_key)
        *by_key = s.key[D_BY];
    if (!acd_scn_is_ok(&s, D_DIST) || !dp.type) {
        free(dp.by);
        return false;
    }
    /* A misspelled parameter (`men:`) was reported already: don't also say
     * it is missing. */
    unsigned given = (s.keys >> 1) & 0x7fu, meant = (s.meant >> 1) & 0x7fu;
    const struct acd_dist_type *t = dp.type;
    const char *usage = t->usage ? t->usage : "";
    bool ok = !s.bad && !s.meant;
    for (unsigned i = 0; i < ACD_ARRAY_LEN(param_names); i++) {
        unsigned bit = 1u << i;
        if ((given & bit) && !(t->allowed & bit)) {
            acd_scn_err(c, s.key[i + 1], "'%s' does not apply to the %s distribution (usage: %s)",
                        param_names[i], t->name, usage);
            ok = false;
        }
        if ((t->required & bit) && !((given | meant) & bit)) {
            acd_scn_err(c, v, "the %s distribution needs '%s' (usage: %s)", t->name, param_names[i],
                        usage);
            ok = false;
        }
    }
    if (!ok) {
        free(dp.by);
        return false;
    }
    dp.p.have = given;
    /* scale: the same shape, every duration times it. */
    dp.p.mean_s *= dp.scale;
    dp.p.min_s *= dp.scale;
    dp.p.max_s *= dp.scale;
    dp.p.mode_s *= dp.scale;

    struct acd_dist d;
    memset(&d, 0, sizeof(d));
    char *path = NULL;
    if (dp.p.have & ACD_DP_FILE) {
        path = acd_scn_resolve_path(c, s.val[D_FILE]->s);
        dp.p.file = path;
        if (!load_samples(c, s.val[D_FILE], path, &d)) {
            free(path);
            free(dp.by);
            return false;
        }
        for (size_t i = 0; i < d.n_samples; i++)
            d.samples[i] *= dp.scale;
    }
    char msg[256] = "";
    int rc = acd_dist_setup(&d, t, &dp.p, msg, sizeof(msg));
    free(path);
    dp.p.file = NULL;
    if (rc != 0) {
        acd_scn_err(c, v, "invalid %s: %s", k->s, msg[0] ? msg : "bad parameters");
        acd_dist_fini(&d); /* frees samples loaded above */
        free(dp.by);
        return false;
    }
    *out = d;
    struct dist_spec sp = {t, dp.p, dp.scale};
    if (spec)
        *spec = sp;
    if (dp.by)
        acd_scn_derive_dists(c, k->s, &sp, out, dp.by, s.key[D_BY], by_out);
    free(dp.by);
    return true;
}

bool
acd_scn_parse_dist(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                   struct acd_dist *out)
{
    return acd_scn_parse_dist_by(c, k, v, out, NULL, NULL, NULL);
}
