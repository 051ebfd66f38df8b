/*
 * scenario_groups: one entry of `agent_groups` - name, skills, agents (a
 * count, a list per interval or a staffing file), tier, absenteeism,
 * handle time and wrap-up overrides, assist thresholds and cost - and the
 * checks within one group once all its keys are read.
 *
 * It is not where skills and override keys are resolved to call types
 * (scenario_check.c, once every call type is known), nor where shifts are
 * read (scenario_day.c).
 */
#include "acdsim/scenario.h"
#include "scenario_int.h"
#include "units.h"
#include "util.h"
#include "yamltree.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------- agent groups */

static struct grp_state *
cur_grp(struct ctx *c)
{
    return &c->gps[c->cur];
}

static void
grp_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    g->name = acd_xstrdup(s);
    g->pos.line = v->line;
    g->pos.col = v->col;
}

struct skill_parse {
    const struct acd_ynode *type;
    unsigned level;
};

static void
skill_type(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct skill_parse *sp = obj;
    if (acd_scn_get_name(c, k, v))
        sp->type = v;
}

static const struct key_desc skill_keys[] = {
    KEY_FN("type", skill_type, KEY_REQUIRED),
    KEY_N("level", V_UINT1, struct skill_parse, level, ACD_SCN_MAX_LEVEL, 0),
};

/* Skills are names (level = position) or {type, level}; the names are
 * resolved once every call type is known. */
static void
grp_skills(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    struct grp_state *gs = cur_grp(c);
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a list of call type names like [billing, payments] (found %s)",
                    k->s, acd_ytree_found(v).s);
        return;
    }
    if (v->n == 0) {
        acd_scn_err(c, v, "'%s' must list at least one call type", k->s);
        return;
    }
    if (!acd_scn_visit(c, v, v->n))
        return;
    gs->skills_given = true;
    gs->n_skill_items = v->n;
    gs->skill_names = acd_xcalloc(v->n, sizeof(*gs->skill_names));
    gs->skill_levels = acd_xcalloc(v->n, sizeof(*gs->skill_levels));
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct skill_parse sp = {NULL, i < UINT_MAX ? (unsigned)i + 1 : UINT_MAX};
        if (item->kind == ACD_Y_SCALAR && !item->is_null && strlen(item->s) == item->len) {
            sp.type = item;
        } else if (item->kind == ACD_Y_MAP) {
            struct seen s;
            acd_scn_walk_map(c, item, "skill", skill_keys, ACD_ARRAY_LEN(skill_keys), &sp, &s);
            if (s.bad || s.meant)
                sp.type = NULL;
        } else {
            acd_scn_err(
                c, item,
                "a skill must be a call type name or a mapping like {type: billing, level: 2} "
                "(found %s)",
                acd_ytree_found(item).s);
        }
        gs->skill_names[i] = sp.type;
        gs->skill_levels[i] = sp.level;
    }
}

struct agents_file {
    double *v;
};

static void
agents_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct agents_file *af = obj;
    if (acd_scn_get_name(c, k, v))
        acd_scn_read_interval_csv(c, v, CSV_STAFFING, &af->v, NULL);
}

static void
grp_agents(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc file_keys[] = {
        KEY_FN("file", agents_file, KEY_REQUIRED),
    };
    struct acd_agent_group *g = obj;
    double *per = NULL;
    if (v->kind == ACD_Y_SEQ || (v->kind == ACD_Y_MAP && c->mode != MODE_STEADY)) {
        if (c->mode == MODE_STEADY) {
            acd_scn_err(c, v, "a list of 'agents' per interval needs an operating-day horizon");
            return;
        }
        if (v->kind == ACD_Y_SEQ) {
            per = acd_scn_interval_list(c, k, v, E_AGENTS);
        } else {
            struct agents_file af = {NULL};
            acd_scn_walk_map(c, v, "agents", file_keys, ACD_ARRAY_LEN(file_keys), &af, NULL);
            per = af.v;
        }
        if (!per)
            return;
        g->agents_by_interval = acd_xcalloc(c->n_iv, sizeof(*g->agents_by_interval));
        for (size_t i = 0; i < c->n_iv; i++)
            g->agents_by_interval[i] = (unsigned)per[i];
        g->agents = g->agents_by_interval[0];
        free(per);
        return;
    }
    unsigned long long u;
    if (acd_scn_get_uint(c, k, v, ACD_SCN_MAX_AGENTS, &u))
        g->agents = (unsigned)u;
}
/* `{CALL_TYPE: DIST, ...}`: the distributions now, the names once every
 * call type is known. */
static void
parse_type_dists(struct ctx *c, const struct acd_ynode *v, struct acd_type_dist **out,
                 size_t *n_out, const struct acd_ynode ***keys_out, const char *what)
{
    size_t n = v->n / 2;
    struct acd_type_dist *td = acd_xcalloc(n ? n : 1, sizeof(*td));
    const struct acd_ynode **keys = acd_xcalloc(n ? n : 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        const struct acd_ynode *k = v->kids[2 * i], *d = v->kids[2 * i + 1];
        td[i].type = SIZE_MAX;
        if (k->kind != ACD_Y_SCALAR || k->is_null || strlen(k->s) != k->len) {
            acd_scn_err(c, k, "keys in %s must be call type names (found %s)", what,
                        acd_ytree_found(k).s);
            continue;
        }
        keys[i] = k;
        acd_scn_parse_dist(c, k, d, &td[i].dist);
    }
    *out = td;
    *n_out = n;
    *keys_out = keys;
}

static void
grp_handle_time(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    static const char expect[] =
        "a mapping from call type to distribution, like {billing: {dist: exponential, mean: 5m}}";
    if (!acd_scn_expect_map(c, k, v, expect))
        return;
    /* One distribution for every call type is the call types' own
     * handle_time: say so once, not once per key. */
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const struct acd_ynode *key = v->kids[i];
        if (key->kind == ACD_Y_SCALAR && !key->is_null && strcmp(key->s, "dist") == 0) {
            acd_scn_err(c, v, "'%s' in an agent group must be %s (found a distribution)", k->s,
                        expect);
            return;
        }
    }
    parse_type_dists(c, v, &g->handle, &g->n_handle, &cur_grp(c)->handle_keys, k->s);
}

/* `wrap_up: DIST` (a mapping with `dist`, or whose values are not all
 * mappings: a mistyped distribution rather than call types), or
 * `wrap_up: {CALL_TYPE: DIST, ...}`. */
static void
grp_wrap_up(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    bool by_type = v->kind == ACD_Y_MAP && v->n > 0;
    for (size_t i = 0; by_type && i + 1 < v->n; i += 2) {
        const struct acd_ynode *key = v->kids[i];
        if (v->kids[i + 1]->kind != ACD_Y_MAP ||
            (key->kind == ACD_Y_SCALAR && key->s && strcmp(key->s, "dist") == 0))
            by_type = false;
    }
    if (by_type)
        parse_type_dists(c, v, &g->wrap_by_type, &g->n_wrap_by_type, &cur_grp(c)->wrap_keys, k->s);
    else
        g->has_wrap_up = acd_scn_parse_dist(c, k, v, &g->wrap_up);
}

static void
grp_assist(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_NH("queue_len", V_UINT, struct acd_agent_group, assist_queue_len, assist_by_len,
               ACD_SCN_MAX_QUEUE, 0),
        KEY_VH("oldest_wait", V_DURATION, struct acd_agent_group, assist_wait_s, assist_by_wait, 0),
    };
    if (!acd_scn_expect_map(c, k, v, "a mapping like {queue_len: 10, oldest_wait: 2m}"))
        return;
    struct seen s;
    acd_scn_walk_map(c, v, "assist", keys, ACD_ARRAY_LEN(keys), obj, &s);
    if (!s.keys && !s.meant)
        acd_scn_err(c, v, "assist needs 'queue_len' or 'oldest_wait' (or both)");
}

/* answers: [calls, escalations, transfers], any non-empty subset. */
static void
grp_answers(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const char *const kinds[] = {"calls", "escalations", "transfers"};
    struct acd_agent_group *g = obj;
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a non-empty list like [transfers, escalations] (found %s)", k->s,
                    acd_ytree_found(v).s);
        return;
    }
    unsigned bits = 0;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        if (!acd_scn_get_name(c, k, item)) {
            ok = false;
            continue;
        }
        size_t j = 0;
        while (j < ACD_ARRAY_LEN(kinds) && strcmp(item->s, kinds[j]) != 0)
            j++;
        if (j == ACD_ARRAY_LEN(kinds)) {
            acd_scn_unknown_name(c, item, "kind of call in answers", "expected", kinds,
                                 ACD_ARRAY_LEN(kinds));
            ok = false;
        } else if (bits & (1u << j)) {
            acd_scn_err(c, item, "'%s' is listed twice in answers", item->s);
            ok = false;
        }
        bits |= 1u << j;
    }
    if (ok)
        g->answers = bits;
}

/* moves: [{to: GROUP, count: N, start: "09:00", end: "11:00"}], in a
 * group or in one of its shifts; `to` is resolved once every group is
 * known, the times checked against the operating day (scenario_check.c). */
static void
move_to(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    struct grp_state *gs = cur_grp(c);
    if (acd_scn_get_name(c, k, v))
        gs->moves[gs->n_moves - 1].to = v;
}

enum { MV_TO, MV_COUNT, MV_START, MV_END };

static const struct key_desc move_keys[] = {
    [MV_TO] = KEY_FN("to", move_to, KEY_REQUIRED),
    [MV_COUNT] = KEY_N("count", V_UINT1, struct acd_move, count, ACD_SCN_MAX_AGENTS, KEY_REQUIRED),
    [MV_START] = KEY_V("start", V_CLOCK, struct acd_move, start_s, KEY_REQUIRED),
    [MV_END] = KEY_V("end", V_CLOCK, struct acd_move, end_s, KEY_REQUIRED),
};

/* In a shift, `count` may be left out: the shift's agents. */
static const struct key_desc shift_move_keys[] = {
    [MV_TO] = KEY_FN("to", move_to, KEY_REQUIRED),
    [MV_COUNT] = KEY_N("count", V_UINT1, struct acd_move, count, ACD_SCN_MAX_AGENTS, 0),
    [MV_START] = KEY_V("start", V_CLOCK, struct acd_move, start_s, KEY_REQUIRED),
    [MV_END] = KEY_V("end", V_CLOCK, struct acd_move, end_s, KEY_REQUIRED),
};

void
acd_scn_parse_moves(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
                    struct acd_agent_group *g, const struct acd_shift *shift, size_t si,
                    bool shift_times_ok)
{
    static const char item_ex[] = "{to: collections, count: 2, start: \"09:00\", end: \"11:00\"}";
    struct grp_state *gs = cur_grp(c);
    if (v->kind != ACD_Y_SEQ || v->n == 0) {
        acd_scn_err(c, acd_scn_where(k, v), "'%s' must be a non-empty list like [%s] (found %s)",
                    k->s, item_ex, acd_ytree_found(v).s);
        return;
    }
    if (!acd_scn_visit(c, v, v->n))
        return;
    size_t first = g->n_moves;
    g->moves = acd_xrealloc(g->moves, (first + v->n) * sizeof(*g->moves));
    memset(&g->moves[first], 0, v->n * sizeof(*g->moves));
    g->n_moves = first + v->n;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_move *m = &g->moves[first + i];
        m->to = SIZE_MAX;
        m->shift = shift ? si : SIZE_MAX;
        m->pos.line = item->line;
        m->pos.col = item->col;
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(c, item, "a move must be a mapping like %s (found %s)", item_ex,
                        acd_ytree_found(item).s);
            continue;
        }
        gs->moves = acd_xgrow(gs->moves, &gs->cap_moves, gs->n_moves + 1, sizeof(*gs->moves));
        struct move_ref *r = &gs->moves[gs->n_moves++];
        *r = (struct move_ref){.move = first + i, .shift = shift, .item = item};
        struct seen s;
        acd_scn_walk_map(c, item, "move", shift ? shift_move_keys : move_keys,
                         ACD_ARRAY_LEN(move_keys), m, &s);
        r = &gs->moves[gs->n_moves - 1];
        if (s.meant & BIT(MV_TO))
            r->to = NULL;
        if (shift && !(s.keys & BIT(MV_COUNT)) && !(s.meant & BIT(MV_COUNT)))
            m->count = shift->count;
        else if (shift && acd_scn_is_ok(&s, MV_COUNT) && shift->count && m->count > shift->count)
            acd_scn_err(c, s.val[MV_COUNT], "'count' (%u) is more than the shift's %u agents",
                        m->count, shift->count);
        bool times_ok = acd_scn_is_ok(&s, MV_START) && acd_scn_is_ok(&s, MV_END);
        if (times_ok && m->end_s <= m->start_s) {
            acd_scn_err(c, s.val[MV_END], "'end' (%s) must be later than 'start' (%s)",
                        acd_ytree_show(s.val[MV_END]->s).s, acd_ytree_show(s.val[MV_START]->s).s);
            times_ok = false;
        }
        if (times_ok && shift && shift_times_ok &&
            (m->start_s < shift->start_s || m->end_s > shift->end_s)) {
            char a[16], b[16], sa[16], sb[16];
            acd_units_format_clock(m->start_s, a, sizeof(a));
            acd_units_format_clock(m->end_s, b, sizeof(b));
            acd_units_format_clock(shift->start_s, sa, sizeof(sa));
            acd_units_format_clock(shift->end_s, sb, sizeof(sb));
            acd_scn_err(c, item, "the move from %s to %s is not inside its shift (%s to %s)", a, b,
                        sa, sb);
            times_ok = false;
        }
        r->times_ok = times_ok;
    }
}

static void
grp_moves(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    acd_scn_parse_moves(c, k, v, obj, NULL, SIZE_MAX, false);
}

static void
grp_shrinkage(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_agent_group *g = obj;
    acd_scn_parse_shrinkage(c, k, v, &g->has_shrinkage, &g->shrinkage, &g->shrinkage_by_interval);
}

enum { G_NAME, G_SKILLS, G_AGENTS, G_SHIFTS, G_TIER };

static const struct key_desc group_keys[] = {
    [G_NAME] = KEY_FN("name", grp_name, KEY_REQUIRED),
    [G_SKILLS] = KEY_FN("skills", grp_skills, KEY_REQUIRED),
    [G_AGENTS] = KEY_FN("agents", grp_agents, 0),
    [G_SHIFTS] = KEY_FN("shifts", acd_scn_grp_shifts, KEY_DAY),
    [G_TIER] = KEY_N("tier", V_UINT1, struct acd_agent_group, tier, ACD_SCN_MAX_TIER, 0),
    KEY_V("absenteeism", V_FRACTION, struct acd_agent_group, absenteeism, 0),
    KEY_FN("handle_time", grp_handle_time, 0),
    KEY_FN("wrap_up", grp_wrap_up, 0),
    KEY_FN("assist", grp_assist, 0),
    KEY_V("cost_per_hour", V_NUMBER, struct acd_agent_group, cost_per_hour, 0),
    KEY_FN("shrinkage", grp_shrinkage, 0),
    KEY_FN("answers", grp_answers, 0),
    KEY_FN("moves", grp_moves, KEY_DAY),
};

static void
finish_group(struct ctx *c, struct acd_agent_group *g, const struct acd_ynode *map,
             const struct seen *s)
{
    if (!(s->keys & BIT(G_TIER)))
        g->tier = 1;
    if ((s->bad | s->meant) & BIT(G_TIER))
        c->tiers_ok = false;
    unsigned staffing = s->keys & (BIT(G_AGENTS) | BIT(G_SHIFTS));
    if (staffing == (BIT(G_AGENTS) | BIT(G_SHIFTS))) {
        const struct acd_ynode *later = acd_scn_is_after(s->key[G_AGENTS], s->key[G_SHIFTS])
                                            ? s->key[G_AGENTS]
                                            : s->key[G_SHIFTS];
        acd_scn_err(
            c, later,
            "'%s' cannot be combined with '%s' in agent group (give per-interval 'agents' or "
            "'shifts')",
            later->s, later == s->key[G_AGENTS] ? "shifts" : "agents");
    } else if (!staffing && c->mode == MODE_STEADY && !(s->meant & BIT(G_AGENTS))) {
        acd_scn_err(c, map, "agent group is missing 'agents'");
    }
}

void
acd_scn_top_agent_groups(struct ctx *c, void *obj, const struct acd_ynode *k,
                         const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v), "'%s' must be a list of agent groups (found %s)", k->s,
                    acd_ytree_found(v).s);
        return;
    }
    if (v->n == 0) {
        acd_scn_err(c, v, "'%s' must list at least one agent group", k->s);
        return;
    }
    sc->groups = acd_xcalloc(v->n, sizeof(*sc->groups));
    sc->n_groups = v->n;
    c->gps = acd_xcalloc(v->n, sizeof(*c->gps));
    c->groups_listed = true;
    c->tiers_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_agent_group *g = &sc->groups[i];
        g->pos.line = item->line;
        g->pos.col = item->col;
        g->tier = 1;
        c->gps[i].map = item;
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(c, item,
                        "an agent group must be a mapping with name, skills and agents (found %s)",
                        acd_ytree_found(item).s);
            continue;
        }
        c->cur = i;
        struct seen s;
        acd_scn_walk_map(c, item, "agent group", group_keys, ACD_ARRAY_LEN(group_keys), g, &s);
        finish_group(c, g, item, &s);
    }
}
