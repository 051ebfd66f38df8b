/*
 * scenario_check: the cross-reference checks after the walk, once every
 * call type and agent group is read: duplicate names, skills and per-type
 * overrides resolved to call types, call types that no group serves,
 * queue_timeout targets, and escalation to a higher tier.
 *
 * It is not where any key is read, and it reports nothing about a value
 * already reported as bad during the walk.
 */
#include "acdsim/scenario.h"
#include "acdsim/scenario_load.h"
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------- cross references */

struct name_ix {
    const char *name;
    size_t ix;
};

static int
cmp_name_ix(const void *a, const void *b)
{
    const struct name_ix *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x->ix > y->ix) - (x->ix < y->ix);
}

/* Sorted (name, index) pairs of the named entries, for duplicate checks and
 * O(log n) lookups; caller frees. */
static struct name_ix *
name_index(const void *base, size_t n, size_t stride, size_t name_off, size_t *n_out)
{
    struct name_ix *v = acd_xcalloc(n ? n : 1, sizeof(*v));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = *(char *const *)((const char *)base + i * stride + name_off);
        if (name)
            v[m++] = (struct name_ix){name, i};
    }
    qsort(v, m, sizeof(*v), cmp_name_ix);
    *n_out = m;
    return v;
}

/* The index of the first entry named `name`, or SIZE_MAX. */
static size_t
lookup(const struct name_ix *ix, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ix[lo].name, name) == 0 ? ix[lo].ix : SIZE_MAX;
}

/* Report every repeated name; returns true if there was one. */
static bool
check_duplicates(struct ctx *c, const struct name_ix *v, size_t n, const char *what,
                 const struct acd_srcpos *(*pos)(const struct acd_scenario *, size_t))
{
    bool dup = false;
    size_t first = 0; /* start of the run of equal names */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].name, v[i - 1].name) != 0) {
            first = i;
            continue;
        }
        const struct acd_srcpos *p = pos(c->sc, v[i].ix);
        dup = true;
        acd_scn_err_at(c, p->line, p->col, "duplicate %s name '%s' (first defined at line %u)",
                       what, acd_ytree_show(v[i].name).s, pos(c->sc, v[first].ix)->line);
    }
    return dup;
}

static const struct acd_srcpos *
ct_pos(const struct acd_scenario *sc, size_t i)
{
    return &sc->call_types[i].pos;
}

static const struct acd_srcpos *
group_pos(const struct acd_scenario *sc, size_t i)
{
    return &sc->groups[i].pos;
}

static const char **
ct_names(const struct acd_scenario *sc, size_t extra)
{
    const char **names = acd_xcalloc(sc->n_call_types + extra, sizeof(*names));
    for (size_t i = 0; i < sc->n_call_types; i++)
        names[i] = sc->call_types[i].name;
    return names;
}

static void
unknown_ct(struct ctx *c, const struct acd_ynode *at, const char *in)
{
    const struct acd_scenario *sc = c->sc;
    const char **names = ct_names(sc, 0);
    const char *near = acd_scn_suggest(at->s, names, sc->n_call_types);
    if (near) {
        acd_scn_err(c, at, "unknown call type '%s' in %s (did you mean '%s'?)",
                    acd_ytree_show(at->s).s, in, near);
    } else {
        char *list = acd_scn_join(names, sc->n_call_types);
        acd_scn_err(c, at, "unknown call type '%s' in %s (call types: %s)", acd_ytree_show(at->s).s,
                    in, list);
        free(list);
    }
    free(names);
}

static bool
has_skill(const struct acd_agent_group *g, size_t type)
{
    for (size_t i = 0; i < g->n_skills; i++)
        if (g->skills[i] == type)
            return true;
    return false;
}

static bool answers(const struct acd_agent_group *g, unsigned kind);

/* Does call type ct have calls arriving (a rate, or some interval's)? */
static bool
has_arrivals(const struct acd_call_type *ct, size_t n_intervals)
{
    if (ct->rate_per_s > 0)
        return true;
    for (size_t b = 0; ct->calls_per_interval && b < n_intervals; b++)
        if (ct->calls_per_interval[b] > 0)
            return true;
    return false;
}

/* Resolve every group's skills to call type indices, then check that each
 * call type is served by some group. Returns true when every skill of
 * every group resolved. */
static bool
resolve_skills(struct ctx *c, const struct name_ix *ix, size_t n_ix, bool *group_ok)
{
    struct acd_scenario *sc = c->sc;
    size_t *mark = acd_xcalloc(sc->n_call_types, sizeof(*mark));
    /* With a name given twice, "not served" could be about the wrong one. */
    bool all_ok = c->ct_names_ok && !c->ct_dups;

    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct grp_state *gs = &c->gps[g];
        struct acd_agent_group *grp = &sc->groups[g];
        if (!gs->skills_given) {
            all_ok = false;
            continue;
        }
        group_ok[g] = true;
        grp->skills = acd_xcalloc(gs->n_skill_items, sizeof(*grp->skills));
        grp->skill_lv = acd_xcalloc(gs->n_skill_items, sizeof(*grp->skill_lv));
        for (size_t i = 0; i < gs->n_skill_items; i++) {
            const struct acd_ynode *name = gs->skill_names[i];
            size_t t = name ? lookup(ix, n_ix, name->s) : SIZE_MAX;
            if (t == SIZE_MAX) {
                /* Unknown names are only reliable when every call type
                 * has a name; otherwise the first error says enough. */
                if (name && c->ct_names_ok)
                    unknown_ct(c, name, "skills");
                group_ok[g] = false;
                continue;
            }
            if (mark[t] == g + 1) {
                acd_scn_err(c, name, "call type '%s' is listed twice in skills",
                            acd_ytree_show(name->s).s);
                group_ok[g] = false;
                continue;
            }
            mark[t] = g + 1;
            grp->skills[grp->n_skills] = t;
            grp->skill_lv[grp->n_skills] = (struct acd_skill){t, gs->skill_levels[i]};
            grp->n_skills++;
        }
        all_ok = all_ok && group_ok[g];
    }

    if (all_ok) {
        /* served[i]: 1 some group has the skill, 2 one of them answers calls */
        unsigned char *served = acd_xcalloc(sc->n_call_types, sizeof(*served));
        for (size_t g = 0; g < sc->n_groups; g++)
            for (size_t i = 0; i < sc->groups[g].n_skills; i++) {
                unsigned char *x = &served[sc->groups[g].skills[i]];
                *x = *x > 1 || answers(&sc->groups[g], ACD_ANSWERS_CALLS) ? 2 : 1;
            }
        for (size_t i = 0; i < sc->n_call_types; i++) {
            const struct acd_call_type *ct = &sc->call_types[i];
            if (!served[i])
                acd_scn_err_at(c, ct->pos.line, ct->pos.col,
                               "call type '%s' is not served by any agent group (add it to a "
                               "group's skills)",
                               acd_ytree_show(ct->name).s);
            else if (served[i] == 1 && has_arrivals(ct, sc->n_intervals))
                acd_scn_err_at(c, ct->pos.line, ct->pos.col,
                               "no agent group answers calls of call type '%s' (every group "
                               "with this skill leaves calls out of its answers)",
                               acd_ytree_show(ct->name).s);
        }
        free(served);
    }
    free(mark);
    return all_ok;
}

/* Names of per-type overrides (a group's handle_time, wrap_up): known call
 * types, each once, among the group's skills. `mark` and `first` are
 * scratch arrays of n_call_types; `stamp` is unique to this mapping. */
static void
resolve_type_dists(struct ctx *c, const struct name_ix *ix, size_t n_ix, size_t g, bool skills_ok,
                   struct acd_type_dist *td, size_t n, const struct acd_ynode **keys,
                   const char *what, size_t *mark, size_t *first, size_t stamp)
{
    const struct acd_agent_group *grp = &c->sc->groups[g];
    for (size_t i = 0; i < n; i++) {
        const struct acd_ynode *k = keys[i];
        if (!k)
            continue;
        size_t t = lookup(ix, n_ix, k->s);
        if (t == SIZE_MAX) {
            if (c->ct_names_ok)
                unknown_ct(c, k, what);
            continue;
        }
        if (mark[t] == stamp) {
            acd_scn_err(c, k, "duplicate key '%s' in %s (first given at line %u)",
                        acd_ytree_show(k->s).s, what, keys[first[t]]->line);
            continue;
        }
        mark[t] = stamp;
        first[t] = i;
        if (skills_ok && !has_skill(grp, t))
            acd_scn_err(
                c, k,
                "call type '%s' in %s is not one of the skills of agent group '%s' (an override "
                "applies to the group's own call types)",
                acd_ytree_show(k->s).s, what, grp->name ? acd_ytree_show(grp->name).s : "?");
        td[i].type = t;
    }
}

static void
resolve_overrides(struct ctx *c, const struct name_ix *ix, size_t n_ix, const bool *group_ok)
{
    struct acd_scenario *sc = c->sc;
    size_t *mark = acd_xcalloc(sc->n_call_types, sizeof(*mark));
    size_t *first = acd_xcalloc(sc->n_call_types, sizeof(*first));
    size_t stamp = 0;
    for (size_t g = 0; g < sc->n_groups; g++) {
        struct acd_agent_group *grp = &sc->groups[g];
        const struct grp_state *gs = &c->gps[g];
        if (grp->n_handle)
            resolve_type_dists(c, ix, n_ix, g, group_ok[g], grp->handle, grp->n_handle,
                               gs->handle_keys, "handle_time", mark, first, ++stamp);
        if (grp->n_wrap_by_type)
            resolve_type_dists(c, ix, n_ix, g, group_ok[g], grp->wrap_by_type, grp->n_wrap_by_type,
                               gs->wrap_keys, "wrap_up", mark, first, ++stamp);
    }
    free(mark);
    free(first);
}

static void
resolve_timeouts(struct ctx *c, const struct name_ix *ix, size_t n_ix)
{
    struct acd_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_ynode *to = c->cts[i].timeout_to;
        if (!to)
            continue;
        size_t t = lookup(ix, n_ix, to->s);
        if (t == SIZE_MAX) {
            if (!c->ct_names_ok)
                continue;
            const char **names = ct_names(sc, 1);
            names[sc->n_call_types] = "voicemail";
            const char *near = acd_scn_suggest(to->s, names, sc->n_call_types + 1);
            if (near) {
                acd_scn_err(c, to, "unknown queue_timeout target '%s' (did you mean '%s'?)",
                            acd_ytree_show(to->s).s, near);
            } else {
                char *list = acd_scn_join(names, sc->n_call_types);
                acd_scn_err(
                    c, to,
                    "unknown queue_timeout target '%s' (expected voicemail or a call type: %s)",
                    acd_ytree_show(to->s).s, list);
                free(list);
            }
            free(names);
        } else if (t == i) {
            acd_scn_err(
                c, to,
                "queue_timeout cannot send call type '%s' back to its own queue (name another "
                "call type, or voicemail)",
                acd_ytree_show(to->s).s);
        } else if (sc->call_types[t].channel == ACD_CHANNEL_EMAIL) {
            acd_scn_err(c, to,
                        "queue_timeout cannot send calls to e-mail call type '%s' (a call is "
                        "not an e-mail: name a call type of the same channel, or voicemail)",
                        acd_ytree_show(to->s).s);
        } else if ((sc->call_types[t].channel == ACD_CHANNEL_CHAT) !=
                   (sc->call_types[i].channel == ACD_CHANNEL_CHAT)) {
            acd_scn_err(c, to,
                        "queue_timeout cannot move a %s contact to '%s', a %s call type (a "
                        "contact keeps its channel)",
                        acd_channel_name(sc->call_types[i].channel), acd_ytree_show(to->s).s,
                        acd_channel_name(sc->call_types[t].channel));
        } else {
            sc->call_types[i].has_timeout_to = true;
            sc->call_types[i].timeout_to = t;
        }
    }
}

/* The agent groups' names, for "did you mean" (caller frees). */
static const char **
group_names(const struct acd_scenario *sc, size_t *n)
{
    const char **names = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*names));
    *n = 0;
    for (size_t g = 0; g < sc->n_groups; g++)
        if (sc->groups[g].name)
            names[(*n)++] = sc->groups[g].name;
    return names;
}

/* A list of agent group names (a call type's `groups`, a shift template's):
 * each a known group, listed once, and when `fits` is given, fit for the
 * owner (else reported there). mark[g] == stamp marks a group seen in this
 * list. Returns the indices (caller frees; *n of them), or NULL after
 * reporting. */
static size_t *
resolve_group_list(struct ctx *c, const struct name_ix *gx, size_t n_gx, const char **names,
                   size_t n_names, const struct acd_ynode *list, size_t *mark, size_t stamp,
                   bool (*fits)(struct ctx *c, const struct acd_ynode *name, size_t g,
                                size_t owner),
                   size_t owner, size_t *n)
{
    size_t *v = acd_xcalloc(list->n ? list->n : 1, sizeof(*v));
    bool ok = true;
    *n = 0;
    for (size_t j = 0; j < list->n; j++) {
        const struct acd_ynode *name = list->kids[j];
        size_t g = lookup(gx, n_gx, name->s);
        if (g == SIZE_MAX) {
            acd_scn_unknown_name(c, name, "agent group", "agent groups", names, n_names);
            ok = false;
        } else if (mark[g] == stamp) {
            acd_scn_err(c, name, "agent group '%s' is listed twice in groups",
                        acd_ytree_show(name->s).s);
            ok = false;
        } else if (fits && !fits(c, name, g, owner)) {
            ok = false;
        } else {
            mark[g] = stamp;
            v[(*n)++] = g;
        }
    }
    if (!ok) {
        free(v);
        return NULL;
    }
    return v;
}

/* A call type's group must have it among its skills (when its skills are
 * valid: group_ok, in c->group_ok while routing groups resolve). */
static bool
answers_type(struct ctx *c, const struct acd_ynode *name, size_t g, size_t k)
{
    const struct acd_scenario *sc = c->sc;
    if (!c->group_ok[g] || has_skill(&sc->groups[g], k))
        return true;
    acd_scn_err(c, name,
                "agent group '%s' does not answer call type '%s' (add it to the "
                "group's skills, or leave the group out of groups)",
                acd_ytree_show(name->s).s, acd_ytree_show(sc->call_types[k].name).s);
    return false;
}

/* Each call type's `groups`: known agent groups, each once, each with the
 * call type among its skills (skills resolved). */
static void
resolve_route_groups(struct ctx *c, const bool *group_ok)
{
    struct acd_scenario *sc = c->sc;
    size_t n_gx, n_names;
    struct name_ix *gx = name_index(sc->groups, sc->n_groups, sizeof(*sc->groups),
                                    offsetof(struct acd_agent_group, name), &n_gx);
    const char **names = group_names(sc, &n_names);
    size_t *mark = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*mark));
    c->group_ok = group_ok;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_ynode *list = c->cts[i].groups;
        if (!list)
            continue;
        struct acd_call_type *ct = &sc->call_types[i];
        ct->route_groups = resolve_group_list(c, gx, n_gx, names, n_names, list, mark, i + 1,
                                              answers_type, i, &ct->n_route_groups);
        if (!ct->route_groups)
            ct->n_route_groups = 0;
    }
    c->group_ok = NULL;
    free(mark);
    free(names);
    free(gx);
}

/* Each shift template's `groups`: known agent groups, each once; all the
 * groups when the key is absent. */
static void
resolve_template_groups(struct ctx *c, const struct name_ix *gx, size_t n_gx)
{
    struct acd_scenario *sc = c->sc;
    size_t n_names;
    const char **names = group_names(sc, &n_names);
    size_t *mark = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*mark));
    for (size_t i = 0; i < sc->n_templates; i++) {
        struct acd_shift_template *t = &sc->templates[i];
        const struct acd_ynode *list = c->tmpl_groups ? c->tmpl_groups[i] : NULL;
        if (list) {
            t->groups = resolve_group_list(c, gx, n_gx, names, n_names, list, mark, i + 1, NULL, 0,
                                           &t->n_groups);
            if (!t->groups)
                t->n_groups = 0;
            continue;
        }
        t->groups = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*t->groups));
        for (size_t g = 0; g < sc->n_groups; g++)
            t->groups[t->n_groups++] = g;
    }
    free(mark);
    free(names);
}

/* Does group g answer legs of this kind (answers: 0 = every kind)? */
static bool
answers(const struct acd_agent_group *g, unsigned kind)
{
    return g->answers == 0 || (g->answers & kind);
}

/* Transfer targets: a call type (whose transfer queue some group answers)
 * or an agent group (that has the call type as a skill and answers
 * transfers). Call type names are looked up first. */
static void
resolve_transfers(struct ctx *c, const struct name_ix *ix, size_t n_ix)
{
    struct acd_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        struct acd_call_type *ct = &sc->call_types[i];
        for (size_t j = 0; j < ct->n_transfers; j++) {
            const struct acd_ynode *to = c->cts[i].xfer_to ? c->cts[i].xfer_to[j] : NULL;
            if (!to)
                continue;
            struct acd_transfer *tr = &ct->transfers[j];
            size_t t = lookup(ix, n_ix, to->s), g = SIZE_MAX;
            for (size_t h = 0; t == SIZE_MAX && h < sc->n_groups; h++)
                if (sc->groups[h].name && strcmp(sc->groups[h].name, to->s) == 0)
                    g = h;
            if (t != SIZE_MAX && sc->call_types[t].channel == ACD_CHANNEL_EMAIL) {
                acd_scn_err(c, to,
                            "cannot transfer calls to e-mail call type '%s' (a call is not an "
                            "e-mail: name a voice call type or an agent group)",
                            acd_ytree_show(to->s).s);
            } else if (t != SIZE_MAX && sc->call_types[t].channel == ACD_CHANNEL_CHAT) {
                acd_scn_err(c, to,
                            "calls cannot be transferred to '%s', a chat call type (transfer to "
                            "a voice call type or an agent group)",
                            acd_ytree_show(to->s).s);
            } else if (t != SIZE_MAX) {
                bool served = false;
                for (size_t h = 0; h < sc->n_groups; h++)
                    served |= has_skill(&sc->groups[h], t) &&
                              answers(&sc->groups[h], ACD_ANSWERS_TRANSFERS);
                if (!served)
                    acd_scn_err(c, to,
                                "no agent group answers calls transferred to '%s' (give a group "
                                "with this skill whose answers include transfers)",
                                acd_ytree_show(to->s).s);
                tr->to = t;
            } else if (g != SIZE_MAX) {
                const struct acd_agent_group *grp = &sc->groups[g];
                if (!has_skill(grp, i))
                    acd_scn_err(c, to,
                                "agent group '%s' cannot take transferred '%s' calls (add '%s' "
                                "to its skills, or transfer to a call type)",
                                acd_ytree_show(to->s).s, acd_ytree_show(ct->name).s,
                                acd_ytree_show(ct->name).s);
                else if (!answers(grp, ACD_ANSWERS_TRANSFERS))
                    acd_scn_err(c, to,
                                "agent group '%s' does not answer transfers (add transfers to "
                                "its answers)",
                                acd_ytree_show(to->s).s);
                tr->to_group = true;
                tr->to = g;
            } else if (c->ct_names_ok) {
                size_t n = sc->n_call_types + sc->n_groups, m = 0;
                const char **names = acd_xcalloc(n, sizeof(*names));
                for (size_t h = 0; h < sc->n_call_types; h++)
                    names[m++] = sc->call_types[h].name;
                for (size_t h = 0; h < sc->n_groups; h++)
                    if (sc->groups[h].name)
                        names[m++] = sc->groups[h].name;
                acd_scn_unknown_name(c, to, "transfer target", "call types and agent groups", names,
                                     m);
                free(names);
            }
        }
    }
}

/* Each group's moves: `to` names another known group; the window lies in
 * the operating day (when the horizon is valid). */
static void
resolve_moves(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    size_t n_gx;
    struct name_ix *gx = name_index(sc->groups, sc->n_groups, sizeof(*sc->groups),
                                    offsetof(struct acd_agent_group, name), &n_gx);
    const char **names = acd_xcalloc(sc->n_groups ? sc->n_groups : 1, sizeof(*names));
    size_t n_names = 0;
    for (size_t g = 0; g < sc->n_groups; g++)
        if (sc->groups[g].name)
            names[n_names++] = sc->groups[g].name;
    bool day_ok = c->mode == MODE_DAY && c->n_iv > 0;
    char open[16], close[16];
    acd_units_format_clock(sc->open_s, open, sizeof(open));
    acd_units_format_clock(sc->close_s, close, sizeof(close));
    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct grp_state *gs = &c->gps[g];
        for (size_t i = 0; i < gs->n_moves; i++) {
            const struct move_ref *r = &gs->moves[i];
            struct acd_move *m = &sc->groups[g].moves[r->move];
            if (r->to) {
                size_t t = lookup(gx, n_gx, r->to->s);
                if (t == SIZE_MAX)
                    acd_scn_unknown_name(c, r->to, "agent group", "agent groups", names, n_names);
                else if (t == g)
                    acd_scn_err(c, r->to, "a move must go to another group (not '%s' itself)",
                                acd_ytree_show(r->to->s).s);
                else
                    m->to = t;
            }
            if (day_ok && r->times_ok && (m->start_s < sc->open_s || m->end_s > sc->close_s)) {
                char st[16], en[16];
                acd_units_format_clock(m->start_s, st, sizeof(st));
                acd_units_format_clock(m->end_s, en, sizeof(en));
                acd_scn_err(c, r->item,
                            "the move from %s to %s is not inside the operating day (%s to %s)", st,
                            en, open, close);
            }
        }
    }
    free(names);
    free(gx);
}

/* Escalation from tier t is a transfer into the queue of tier t + 1: some
 * group of tier t + 1 or above must take the call type. */
static void
check_escalation(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    unsigned *top = acd_xcalloc(sc->n_call_types, sizeof(*top)); /* highest tier serving it */
    for (size_t g = 0; g < sc->n_groups; g++)
        for (size_t i = 0;
             answers(&sc->groups[g], ACD_ANSWERS_ESCALATIONS) && i < sc->groups[g].n_skills; i++) {
            size_t t = sc->groups[g].skills[i];
            if (sc->groups[g].tier > top[t])
                top[t] = sc->groups[g].tier;
        }
    for (size_t i = 0; i < sc->n_call_types; i++) {
        const struct acd_call_type *ct = &sc->call_types[i];
        if (!c->cts[i].res_ok)
            continue;
        for (size_t j = 0; j < ct->n_resolution; j++) {
            const struct acd_resolution *r = &ct->resolution[j];
            if (r->p_escalate > 0 && top[i] < r->tier + 1)
                acd_scn_err_at(
                    c, c->cts[i].res_pos[j].line, c->cts[i].res_pos[j].col,
                    "escalation from tier %u needs a group of tier %u or above with skill "
                    "'%s'",
                    r->tier, r->tier + 1, acd_ytree_show(ct->name).s);
        }
    }
    free(top);
}

/* The most agents a group can have at once: its constant staffing, its
 * busiest interval, or all its shifts together. */
static uint64_t
group_peak_agents(const struct acd_scenario *sc, const struct acd_agent_group *g)
{
    uint64_t peak = g->agents, shifts = 0;
    for (size_t i = 0; g->agents_by_interval && i < sc->n_intervals; i++)
        if (g->agents_by_interval[i] > peak)
            peak = g->agents_by_interval[i];
    for (size_t i = 0; i < g->n_shifts; i++)
        shifts += g->shifts[i].count;
    return shifts > peak ? shifts : peak;
}

/* Agents of all groups together, in 64 bits: reported at the group that
 * passes ACD_SCN_MAX_TOTAL_AGENTS. */
static void
check_total_agents(struct ctx *c)
{
    const struct acd_scenario *sc = c->sc;
    uint64_t total = 0;
    for (size_t g = 0; g < sc->n_groups; g++) {
        total += group_peak_agents(sc, &sc->groups[g]);
        if (total > ACD_SCN_MAX_TOTAL_AGENTS) {
            for (size_t h = g + 1; h < sc->n_groups; h++)
                total += group_peak_agents(sc, &sc->groups[h]);
            acd_scn_err_at(c, sc->groups[g].pos.line, sc->groups[g].pos.col,
                           "the agent groups have %llu agents in all, more than the %d allowed "
                           "(passed at this group)",
                           (unsigned long long)total, ACD_SCN_MAX_TOTAL_AGENTS);
            return;
        }
    }
}

/* E-mail backlogs: `since` left out is the opening; given, it is no later
 * than the opening (their arrivals spread over [since, open)). */
static void
resolve_backlogs(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        struct acd_call_type *ct = &sc->call_types[i];
        bool day = c->mode == MODE_DAY;
        if (isnan(ct->backlog_since_s)) {
            ct->backlog_since_s = day ? sc->open_s : 0;
        } else if (day && c->cts[i].backlog_since && ct->backlog_since_s > sc->open_s) {
            char buf[32];
            acd_scn_err(c, c->cts[i].backlog_since,
                        "backlog 'since' must be no later than the opening (%s): the e-mails "
                        "of the backlog arrived before the center opens",
                        acd_units_format_clock(sc->open_s, buf, sizeof(buf)));
        }
    }
}

void
acd_scn_cross_check(struct ctx *c)
{
    struct acd_scenario *sc = c->sc;
    size_t n;
    if (c->groups_listed) {
        struct name_ix *v = name_index(sc->groups, sc->n_groups, sizeof(*sc->groups),
                                       offsetof(struct acd_agent_group, name), &n);
        check_duplicates(c, v, n, "agent group", group_pos);
        resolve_template_groups(c, v, n);
        free(v);
        check_total_agents(c);
        resolve_moves(c);
        for (size_t g = 0; g < sc->n_groups; g++)
            if (sc->groups[g].tier > sc->max_tier)
                sc->max_tier = sc->groups[g].tier;
    }
    if (!c->ct_listed)
        return;
    resolve_backlogs(c);
    struct name_ix *ix = name_index(sc->call_types, sc->n_call_types, sizeof(*sc->call_types),
                                    offsetof(struct acd_call_type, name), &n);
    c->ct_dups = check_duplicates(c, ix, n, "call type", ct_pos);
    resolve_timeouts(c, ix, n);
    if (c->groups_listed) {
        bool *group_ok = acd_xcalloc(sc->n_groups, sizeof(*group_ok));
        bool skills_ok = resolve_skills(c, ix, n, group_ok);
        resolve_overrides(c, ix, n, group_ok);
        if (c->ct_names_ok)
            resolve_route_groups(c, group_ok);
        if (skills_ok && c->tiers_ok)
            check_escalation(c);
        if (skills_ok)
            resolve_transfers(c, ix, n);
        free(group_ok);
    }
    free(ix);
}

/* ------------------------------------------------------------ overload */

/* Agents of group g scheduled at clock time t (day): its shifts covering
 * t, or its staffing in the interval containing t. */
static double
scheduled_at(const struct acd_scenario *sc, const struct acd_agent_group *g, double t)
{
    if (g->n_shifts) {
        double n = 0;
        for (size_t i = 0; i < g->n_shifts; i++)
            if (g->shifts[i].start_s <= t && t < g->shifts[i].end_s)
                n += g->shifts[i].count;
        return n;
    }
    double x = floor((t - sc->open_s) / sc->interval_s);
    size_t b = x < 0 ? 0 : x >= (double)sc->n_intervals ? sc->n_intervals - 1 : (size_t)x;
    return g->agents_by_interval ? g->agents_by_interval[b] : g->agents;
}

/* Agents move m of group g can take at its start: those g schedules, or
 * (shifts[].moves) its shift's. */
static double
move_have(const struct acd_scenario *sc, const struct acd_agent_group *g, const struct acd_move *m)
{
    if (m->shift == SIZE_MAX)
        return scheduled_at(sc, g, m->start_s);
    const struct acd_shift *sh = &g->shifts[m->shift];
    return sh->start_s <= m->start_s && m->start_s < sh->end_s ? sh->count : 0;
}

/* Agents of group gi on duty in bin b (steady: b ignored); shifts and
 * moves count when they cover the middle of the interval (a move takes at
 * most the agents scheduled at its start). */
static double
agents_in(const struct acd_scenario *sc, size_t gi, size_t b)
{
    const struct acd_agent_group *g = &sc->groups[gi];
    if (sc->horizon != ACD_HORIZON_DAY)
        return g->agents;
    double mid = sc->open_s + ((double)b + 0.5) * sc->interval_s;
    for (size_t d = 0; d < sc->n_days; d++) { /* a period: bin b on its day's clock */
        const struct acd_day *dy = &sc->days[d];
        if (b >= dy->first_interval && b < dy->first_interval + dy->n_intervals) {
            double base = (double)(dy->date - sc->days[0].date) * 86400.0;
            mid = dy->open_s - base + ((double)(b - dy->first_interval) + 0.5) * sc->interval_s;
            if (!g->n_shifts)
                return g->agents_by_interval ? g->agents_by_interval[b] : g->agents;
        }
    }
    double n = scheduled_at(sc, g, mid);
    for (size_t f = 0; f < sc->n_groups; f++)
        for (size_t i = 0; i < sc->groups[f].n_moves; i++) {
            const struct acd_move *m = &sc->groups[f].moves[i];
            if (!(m->start_s <= mid && mid < m->end_s) || (f != gi && m->to != gi))
                continue;
            double have = move_have(sc, &sc->groups[f], m);
            double k = m->count < have ? m->count : have;
            n += f == gi ? -k : k;
        }
    return n > 0 ? n : 0;
}

/* A move asking for more agents than its group schedules at its start:
 * those there are move (not an error, but likely not what was meant). */
static void
warn_moves(const struct acd_scenario *sc, struct acd_diags *diags)
{
    for (size_t g = 0; g < sc->n_groups; g++)
        for (size_t i = 0; i < sc->groups[g].n_moves; i++) {
            const struct acd_move *m = &sc->groups[g].moves[i];
            double have = move_have(sc, &sc->groups[g], m);
            if (m->count <= have)
                continue;
            char at[32];
            acd_units_format_clock(m->start_s, at, sizeof(at));
            acd_diags_add(diags, ACD_DIAG_WARNING, sc->path, m->pos.line, m->pos.col,
                          "the move at %s takes %u agents from '%s', which schedules %.0f then: "
                          "only those on duty move",
                          at, m->count, sc->groups[g].name, have);
        }
}

/* What one agent serves of call type ct at most, in erlangs: 1 for a call;
 * for a chat the best of n / stretch(n) over the chats it may hold. */
static double
agent_erlangs(const struct acd_call_type *ct)
{
    if (ct->channel != ACD_CHANNEL_CHAT)
        return 1;
    unsigned conc = ct->concurrency ? ct->concurrency : 1;
    double best = 1;
    for (unsigned n = 1; n <= conc; n++) {
        double f = ct->n_stretch ? ct->stretch[n - 1] : 1;
        if (n / f > best)
            best = n / f;
    }
    return best;
}

void
acd_scenario_warn_overload(const struct acd_scenario *sc, struct acd_diags *diags)
{
    if (sc->horizon == ACD_HORIZON_DAY)
        warn_moves(sc, diags);
    if (sc->queue_capacity >= 0 || sc->queue_lines >= 0)
        return; /* a full queue gives busy signals: bounded */
    bool day = sc->horizon == ACD_HORIZON_DAY;
    size_t nb = day ? sc->n_intervals : 1;
    for (size_t k = 0; k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        if (ct->has_patience || ct->queue_timeout_s > 0 || ct->balk_prob >= 1)
            continue;
        /* The bin where the load is highest against the agents. */
        double worst = 0, load = 0, agents = 0;
        size_t at = 0;
        for (size_t b = 0; b < nb; b++) {
            double rate = day && ct->calls_per_interval ? ct->calls_per_interval[b] / sc->interval_s
                                                        : ct->rate_per_s;
            double h =
                ct->handle_by_interval ? ct->handle_by_interval[b].mean_s : ct->handle.mean_s;
            double a = rate * h, n = 0;
            for (size_t g = 0; g < sc->n_groups; g++)
                if (has_skill(&sc->groups[g], k))
                    n += agents_in(sc, g, b);
            n *= agent_erlangs(ct);
            double ratio = a > 0 ? (n > 0 ? a / n : (double)INFINITY) : 0;
            if (ratio >= 1 && ratio > worst) {
                worst = ratio;
                load = a;
                agents = n;
                at = b;
            }
        }
        if (worst < 1)
            continue;
        char when[64] = "";
        if (day) {
            char clock[32];
            double t = sc->open_s + (double)at * sc->interval_s;
            const char *on = "";
            for (size_t d = 0; d < sc->n_days; d++) { /* a period: the day's clock */
                const struct acd_day *dy = &sc->days[d];
                if (at >= dy->first_interval && at < dy->first_interval + dy->n_intervals) {
                    t = dy->open_s - (double)(dy->date - sc->days[0].date) * 86400.0 +
                        (double)(at - dy->first_interval) * sc->interval_s;
                    on = dy->label;
                }
            }
            acd_units_format_clock(t, clock, sizeof(clock));
            snprintf(when, sizeof(when), " from %s%s%s", on, *on ? " " : "", clock);
        }
        char chats[96] = "";
        if (ct->channel == ACD_CHANNEL_CHAT)
            snprintf(chats, sizeof(chats), " (%.0f chats at once, stretch included)", agents);
        agents /= agent_erlangs(ct);
        acd_diags_add(diags, ACD_DIAG_WARNING, sc->path, ct->pos.line, ct->pos.col,
                      "call type '%s' is overloaded%s: offered load %.4g erlangs against %.0f "
                      "agents%s, callers never abandon (no patience) and the queue has no limit, "
                      "so its queue grows without bound (a run stops once the waiting calls "
                      "pass its memory limit)",
                      ct->name, when, load, agents, chats);
    }
}
