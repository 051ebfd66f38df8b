/*
 * scenario_types: what every layer may ask of a parsed scenario - freeing it,
 * finding a call type or group by name, the model features it uses. The
 * parser that builds one lives in the input layer (input/scenario.c).
 */
#include "acdsim/scenario.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
free_dists(struct acd_dist *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        acd_dist_fini(&v[i]);
    free(v);
}

static void
free_type_dists(struct acd_type_dist *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        acd_dist_fini(&v[i].dist);
    free(v);
}

void
acd_scenario_free(struct acd_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_call_types; i++) {
        struct acd_call_type *ct = &sc->call_types[i];
        free(ct->name);
        free(ct->calls_per_interval);
        acd_dist_fini(&ct->handle);
        free_dists(ct->handle_by_interval, sc->n_intervals);
        acd_dist_fini(&ct->patience);
        free_dists(ct->patience_by_interval, sc->n_intervals);
        acd_dist_fini(&ct->retry_busy.delay);
        acd_dist_fini(&ct->retry_abandon.delay);
        for (size_t j = 0; j < ct->n_resolution; j++)
            acd_dist_fini(&ct->resolution[j].handle);
        free(ct->resolution);
        acd_dist_fini(&ct->repeat_delay);
        free(ct->route_groups);
        free(ct->agent_selection);
        for (size_t j = 0; j < ct->n_transfers; j++) {
            acd_dist_fini(&ct->transfers[j].patience);
            acd_dist_fini(&ct->transfers[j].conference);
        }
        free(ct->transfers);
        acd_dist_fini(&ct->ring_time);
        free(ct->stretch);
    }
    for (size_t d = 0; d < sc->n_days; d++)
        free(sc->days[d].label);
    free(sc->days);
    for (size_t i = 0; i < sc->n_groups; i++) {
        struct acd_agent_group *g = &sc->groups[i];
        free(g->name);
        free(g->skills);
        free(g->skill_lv);
        free(g->agents_by_interval);
        free(g->shrinkage_by_interval);
        for (size_t j = 0; j < g->n_shifts; j++)
            free(g->shifts[j].breaks);
        free(g->shifts);
        free(g->moves);
        free_type_dists(g->handle, g->n_handle);
        acd_dist_fini(&g->wrap_up);
        free_type_dists(g->wrap_by_type, g->n_wrap_by_type);
    }
    for (size_t i = 0; i < sc->n_templates; i++) {
        free(sc->templates[i].name);
        free(sc->templates[i].breaks);
        free(sc->templates[i].groups);
    }
    free(sc->templates);
    free(sc->call_types);
    free(sc->groups);
    free(sc->name);
    free(sc->path);
    free(sc->routing);
    free(sc->shrinkage_by_interval);
    free(sc);
}

double
acd_scenario_shrinkage(const struct acd_scenario *sc, size_t g, size_t b)
{
    ACD_ASSERT(g < sc->n_groups);
    const struct acd_agent_group *ag = &sc->groups[g];
    bool day = sc->horizon == ACD_HORIZON_DAY && b < sc->n_intervals;
    if (ag->has_shrinkage)
        return day && ag->shrinkage_by_interval ? ag->shrinkage_by_interval[b] : ag->shrinkage;
    if (sc->has_shrinkage)
        return day && sc->shrinkage_by_interval ? sc->shrinkage_by_interval[b] : sc->shrinkage;
    return 0;
}

bool
acd_scenario_has_shrinkage(const struct acd_scenario *sc)
{
    bool any = sc->has_shrinkage;
    for (size_t g = 0; g < sc->n_groups; g++)
        any = any || sc->groups[g].has_shrinkage;
    return any;
}

double
acd_scenario_type_sl_threshold(const struct acd_scenario *sc, size_t k)
{
    ACD_ASSERT(k < sc->n_call_types);
    const struct acd_call_type *ct = &sc->call_types[k];
    return ct->has_sl_threshold ? ct->sl_threshold_s : sc->sl_threshold_s;
}

double
acd_scenario_type_sl_target(const struct acd_scenario *sc, size_t k)
{
    ACD_ASSERT(k < sc->n_call_types);
    const struct acd_call_type *ct = &sc->call_types[k];
    return ct->has_sl_target ? ct->sl_target : sc->sl_target;
}

bool
acd_scenario_type_has_sl(const struct acd_scenario *sc, size_t k)
{
    ACD_ASSERT(k < sc->n_call_types);
    return sc->call_types[k].has_sl_threshold || sc->call_types[k].has_sl_target;
}

size_t
acd_scenario_find_call_type(const struct acd_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_call_types; i++)
        if (strcmp(sc->call_types[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

size_t
acd_scenario_find_group(const struct acd_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_groups; i++)
        if (strcmp(sc->groups[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

static const char *const channel_names[ACD_N_CHANNELS] = {
    [ACD_CHANNEL_VOICE] = "voice",
    [ACD_CHANNEL_CHAT] = "chat",
    [ACD_CHANNEL_EMAIL] = "email",
};

bool
acd_scenario_shift_day(const struct acd_scenario *sc, const struct acd_shift *sh, size_t d,
                       double *base_s, double *lo_s, double *hi_s)
{
    ACD_ASSERT(d < sc->n_days);
    const struct acd_day *dy = &sc->days[d];
    if (sh->weekdays && dy->weekday >= 0 && !(sh->weekdays & (1u << dy->weekday)))
        return false;
    double base = (double)(dy->date - sc->days[0].date) * 86400.0;
    double lo = base + sh->start_s, hi = base + sh->end_s;
    if (!(lo < dy->close_s && hi > dy->open_s))
        return false; /* not during this day's opening hours */
    if (d > 0 && lo < dy->open_s)
        lo = dy->open_s;
    if (d + 1 < sc->n_days && hi > sc->days[d + 1].open_s)
        hi = sc->days[d + 1].open_s;
    *base_s = base;
    *lo_s = lo;
    *hi_s = hi;
    return true;
}

size_t
acd_scenario_n_days(const struct acd_scenario *sc)
{
    if (sc->horizon != ACD_HORIZON_DAY)
        return 0;
    return sc->n_days ? sc->n_days : 1;
}

const char *
acd_channel_name(enum acd_channel ch)
{
    ACD_ASSERT((unsigned)ch < ACD_N_CHANNELS);
    return channel_names[ch];
}

unsigned
acd_scenario_channels(const struct acd_scenario *sc)
{
    unsigned mask = 0;
    for (size_t k = 0; k < sc->n_call_types; k++)
        mask |= 1u << sc->call_types[k].channel;
    return mask;
}

unsigned
acd_channel_count(unsigned mask)
{
    unsigned n = 0;
    for (unsigned ch = 0; ch < ACD_N_CHANNELS; ch++)
        n += (mask >> ch) & 1u;
    return n;
}

unsigned
acd_channel_goal(unsigned mask)
{
    if (acd_channel_count(mask) < 2)
        return ACD_N_CHANNELS;
    return (mask & (1u << ACD_CHANNEL_VOICE)) ? ACD_CHANNEL_VOICE : ACD_CHANNEL_CHAT;
}

bool
acd_channel_type_goal(unsigned mask, enum acd_channel ch, bool has_sl)
{
    unsigned goal = acd_channel_goal(mask);
    return has_sl || (goal != ACD_N_CHANNELS && ch == ACD_CHANNEL_CHAT && goal != ACD_CHANNEL_CHAT);
}

unsigned
acd_scenario_features(const struct acd_scenario *sc)
{
    unsigned f = 0;
    for (size_t k = 0; k < sc->n_call_types; k++) {
        const struct acd_call_type *ct = &sc->call_types[k];
        for (size_t i = 0; i < ct->n_resolution; i++) {
            if (ct->resolution[i].p_resolve < 1)
                f |= ACD_FEAT_RESOLUTION;
            if (ct->resolution[i].p_escalate > 0)
                f |= ACD_FEAT_ESCALATION;
        }
        if (ct->retry_busy.enabled || ct->retry_abandon.enabled)
            f |= ACD_FEAT_RETRIAL;
        if (ct->callback_enabled)
            f |= ACD_FEAT_CALLBACK;
        if (ct->n_transfers)
            f |= ACD_FEAT_TRANSFER;
        if (ct->balk_prob > 0)
            f |= ACD_FEAT_BALK;
        if (ct->queue_timeout_s > 0)
            f |= ACD_FEAT_TIMEOUT;
        if (ct->cost_per_abandon > 0 || ct->cost_per_repeat > 0)
            f |= ACD_FEAT_COST;
        if (ct->same_caller)
            f |= ACD_FEAT_SAME_CALLER;
        if (ct->has_ring_time)
            f |= ACD_FEAT_RING;
        if (ct->channel == ACD_CHANNEL_CHAT)
            f |= ACD_FEAT_CHAT;
        if (ct->channel == ACD_CHANNEL_EMAIL)
            f |= ACD_FEAT_EMAIL;
    }
    for (size_t g = 0; g < sc->n_groups; g++) {
        const struct acd_agent_group *ag = &sc->groups[g];
        if (ag->has_wrap_up || ag->n_wrap_by_type)
            f |= ACD_FEAT_WRAP;
        for (size_t i = 0; i < ag->n_shifts; i++)
            for (size_t b = 0; b < ag->shifts[i].n_breaks; b++)
                if (ag->shifts[i].breaks[b].unpaid)
                    f |= ACD_FEAT_UNPAID;
        for (size_t i = 0; i < ag->n_shifts; i++)
            if (ag->shifts[i].n_breaks)
                f |= ACD_FEAT_BREAK;
        if (ag->cost_per_hour > 0)
            f |= ACD_FEAT_COST;
    }
    return f;
}
