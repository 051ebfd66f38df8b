/*
 * scenario_templates: the `shift_templates` section (what `acdsim
 * schedule` may roster; docs/scenario.md "shift_templates"). Each entry is
 * walked with its key table here; the group names are resolved with the
 * other cross references (scenario_check.c), and the rules that tie a
 * template's breaks together are the roster module's own
 * (acd_roster_template_check), reported at the template.
 */
#include "acdsim/roster.h"
#include "acdsim/scenario.h"
#include "scenario_int.h"
#include "util.h"
#include "yamltree.h"

#include <string.h>

/* The start window as written: a clock time or {earliest, latest, step}. */
struct start_parse {
    double earliest_s, latest_s, step_s;
    bool has_latest, has_step;
};

enum { ST_EARLIEST, ST_LATEST, ST_STEP };

static const struct key_desc start_keys[] = {
    [ST_EARLIEST] = KEY_V("earliest", V_CLOCK, struct start_parse, earliest_s, KEY_REQUIRED),
    [ST_LATEST] = KEY_VH("latest", V_CLOCK, struct start_parse, latest_s, has_latest, 0),
    [ST_STEP] = KEY_VH("step", V_DURATION_POS, struct start_parse, step_s, has_step, 0),
};

/* The default grid of start times and of break placements. */
#define BREAK_STEP_S 900.0

static void
tmpl_start(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_shift_template *t = obj;
    double step = c->n_iv ? c->sc->interval_s : 1800;
    if (v->kind == ACD_Y_SCALAR && !v->is_null) { /* a single clock time */
        double x;
        if (acd_scn_get_clock(c, k, v, &x)) {
            t->earliest_s = t->latest_s = x;
            t->step_s = step;
        }
        return;
    }
    if (!acd_scn_expect_map(c, k, v, "a clock time like \"08:00\" or {earliest, latest, step}"))
        return;
    struct start_parse sp = {0};
    struct seen s;
    acd_scn_walk_map(c, v, "start", start_keys, ACD_ARRAY_LEN(start_keys), &sp, &s);
    if (!acd_scn_is_ok(&s, ST_EARLIEST) || (s.keys & s.bad))
        return;
    t->earliest_s = sp.earliest_s;
    t->latest_s = sp.has_latest ? sp.latest_s : sp.earliest_s;
    t->step_s = sp.has_step ? sp.step_s : step;
    if (t->latest_s < t->earliest_s)
        acd_scn_err(c, s.val[ST_LATEST], "'latest' (%s) must not be earlier than 'earliest' (%s)",
                    acd_ytree_show(s.val[ST_LATEST]->s).s, acd_ytree_show(s.val[ST_EARLIEST]->s).s);
}

/* A break rule as written (paid is true unless given). */
struct break_parse {
    struct acd_break_rule r;
    bool paid, has_paid, has_latest, has_step;
};

enum { BR_LENGTH, BR_EARLIEST, BR_LATEST, BR_STEP, BR_PAID };

static const struct key_desc break_keys[] = {
    [BR_LENGTH] = KEY_V("length", V_DURATION_POS, struct break_parse, r.length_s, KEY_REQUIRED),
    [BR_EARLIEST] = KEY_V("earliest", V_DURATION, struct break_parse, r.earliest_s, KEY_REQUIRED),
    [BR_LATEST] = KEY_VH("latest", V_DURATION, struct break_parse, r.latest_s, has_latest, 0),
    [BR_STEP] = KEY_VH("step", V_DURATION_POS, struct break_parse, r.step_s, has_step, 0),
    [BR_PAID] = KEY_VH("paid", V_BOOL, struct break_parse, paid, has_paid, 0),
};

static void
tmpl_breaks(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_shift_template *t = obj;
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a list like [{length: 15m, earliest: 2h, latest: 3h}] (found %s)",
                    k->s, acd_ytree_found(v).s);
        return;
    }
    if (v->n > ACD_SCN_MAX_TEMPLATE_BREAKS) {
        acd_scn_err(c, v, "too many breaks in one template (%zu; at most %d)", v->n,
                    ACD_SCN_MAX_TEMPLATE_BREAKS);
        return;
    }
    struct acd_break_rule *rules = acd_xcalloc(v->n ? v->n : 1, sizeof(*rules));
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(c, item,
                        "a break rule must be a mapping like {length: 15m, earliest: 2h, latest: "
                        "3h} (found %s)",
                        acd_ytree_found(item).s);
            ok = false;
            continue;
        }
        struct break_parse bp = {0};
        struct seen s;
        acd_scn_walk_map(c, item, "break rule", break_keys, ACD_ARRAY_LEN(break_keys), &bp, &s);
        if (!acd_scn_is_ok(&s, BR_LENGTH) || !acd_scn_is_ok(&s, BR_EARLIEST) || (s.keys & s.bad) ||
            s.meant) {
            ok = false;
            continue;
        }
        rules[i] = bp.r;
        if (!bp.has_latest)
            rules[i].latest_s = bp.r.earliest_s;
        if (!bp.has_step)
            rules[i].step_s = BREAK_STEP_S;
        rules[i].unpaid = bp.has_paid && !bp.paid;
        rules[i].pos = (struct acd_srcpos){item->line, item->col};
        if (rules[i].latest_s < rules[i].earliest_s) {
            acd_scn_err(
                c, s.val[BR_LATEST], "'latest' (%s) must not be earlier than 'earliest' (%s)",
                acd_ytree_show(s.val[BR_LATEST]->s).s, acd_ytree_show(s.val[BR_EARLIEST]->s).s);
            ok = false;
        }
    }
    if (!ok) {
        free(rules);
        return;
    }
    t->breaks = rules;
    t->n_breaks = v->n;
}

static void
tmpl_groups(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a non-empty list of agent group names (found %s)", k->s,
                    acd_ytree_found(v).s);
        return;
    }
    for (size_t i = 0; i < v->n; i++)
        if (v->kids[i]->kind != ACD_Y_SCALAR || v->kids[i]->is_null) {
            acd_scn_err(c, v->kids[i], "an agent group name must be a string (found %s)",
                        acd_ytree_found(v->kids[i]).s);
            return;
        }
    c->tmpl_groups[c->cur] = v; /* resolved once every group is known */
}

enum { T_NAME, T_START, T_LENGTH, T_BREAKS, T_GROUPS, T_MIN, T_MAX };

static void tmpl_name(struct ctx *c, void *obj, const struct acd_ynode *k,
                      const struct acd_ynode *v);

static const struct key_desc template_keys[] = {
    [T_NAME] = KEY_FN("name", tmpl_name, KEY_REQUIRED),
    [T_START] = KEY_FN("start", tmpl_start, KEY_REQUIRED),
    [T_LENGTH] = KEY_V("length", V_DURATION_POS, struct acd_shift_template, length_s, KEY_REQUIRED),
    [T_BREAKS] = KEY_FN("breaks", tmpl_breaks, 0),
    [T_GROUPS] = KEY_FN("groups", tmpl_groups, 0),
    [T_MIN] = KEY_N("min", V_UINT, struct acd_shift_template, min, ACD_SCN_MAX_AGENTS, 0),
    [T_MAX] = KEY_NH("max", V_UINT, struct acd_shift_template, max, has_max, ACD_SCN_MAX_AGENTS, 0),
};

static void
tmpl_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_shift_template *t = obj;
    const char *name = acd_scn_get_name(c, k, v);
    if (!name)
        return;
    for (size_t i = 0; i < c->cur; i++)
        if (c->sc->templates[i].name && strcmp(c->sc->templates[i].name, name) == 0) {
            acd_scn_err(c, v, "shift template '%s' is defined twice (line %u)",
                        acd_ytree_show(name).s, c->sc->templates[i].pos.line);
            return;
        }
    t->name = acd_xstrdup(name);
}

/* The rules that tie a template's parts together, once each is valid. */
static void
check_template(struct ctx *c, const struct acd_shift_template *t, const struct acd_ynode *item)
{
    if (t->latest_s + t->length_s > ACD_SCN_MAX_CLOCK_S) {
        acd_scn_err(c, item, "shift template '%s' ends after 48:00 when started at its latest",
                    acd_ytree_show(t->name).s);
        return;
    }
    if ((t->latest_s - t->earliest_s) / t->step_s > ACD_SCN_MAX_TEMPLATE_STARTS) {
        acd_scn_err(c, item, "shift template '%s' has too many start times (at most %d)",
                    acd_ytree_show(t->name).s, ACD_SCN_MAX_TEMPLATE_STARTS);
        return;
    }
    struct acd_roster_break rb[ACD_SCN_MAX_TEMPLATE_BREAKS];
    for (size_t b = 0; b < t->n_breaks; b++) {
        const struct acd_break_rule *r = &t->breaks[b];
        rb[b] = (struct acd_roster_break){r->length_s, r->earliest_s, r->latest_s, r->step_s,
                                          !r->unpaid};
        if ((r->latest_s - r->earliest_s) / r->step_s > ACD_SCN_MAX_TEMPLATE_STARTS) {
            acd_scn_err_at(c, r->pos.line, r->pos.col,
                           "break %zu of shift template '%s' has too many placements (at most %d)",
                           b + 1, acd_ytree_show(t->name).s, ACD_SCN_MAX_TEMPLATE_STARTS);
            return;
        }
    }
    struct acd_roster_template rt = {
        .name = t->name,
        .length_s = t->length_s,
        .n_breaks = t->n_breaks,
        .breaks = rb,
        .min = t->min,
        .max = t->has_max ? t->max : ACD_ROSTER_NO_MAX,
    };
    const char *why = acd_roster_template_check(&rt);
    if (why)
        acd_scn_err(c, item, "shift template '%s': %s", acd_ytree_show(t->name).s, why);
}

void
acd_scn_top_templates(struct ctx *c, void *obj, const struct acd_ynode *k,
                      const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    if (acd_scn_days_refuse(c, k, "shift_templates"))
        return;
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a non-empty list of shift templates (found %s)", k->s,
                    acd_ytree_found(v).s);
        return;
    }
    if (v->n > ACD_SCN_MAX_TEMPLATES) {
        acd_scn_err(c, v, "too many shift templates (%zu; at most %d)", v->n,
                    ACD_SCN_MAX_TEMPLATES);
        return;
    }
    sc->templates = acd_xcalloc(v->n, sizeof(*sc->templates));
    sc->n_templates = v->n;
    c->tmpl_groups = acd_xcalloc(v->n, sizeof(*c->tmpl_groups));
    size_t saved = c->cur;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_shift_template *t = &sc->templates[i];
        t->pos = (struct acd_srcpos){item->line, item->col};
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(c, item,
                        "a shift template must be a mapping with name, start and length (found %s)",
                        acd_ytree_found(item).s);
            continue;
        }
        c->cur = i;
        struct seen s;
        size_t errors = c->n_errors;
        acd_scn_walk_map(c, item, "shift template", template_keys, ACD_ARRAY_LEN(template_keys), t,
                         &s);
        if (c->n_errors == errors && t->has_max && t->min > t->max)
            acd_scn_err(c, s.val[T_MAX], "'max' (%u) must not be below 'min' (%u)", t->max, t->min);
        else if (c->n_errors == errors)
            check_template(c, t, item);
    }
    c->cur = saved;
}
