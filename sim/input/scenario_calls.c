/*
 * scenario_calls: one entry of `call_types` - name, arrivals, handle time,
 * patience, priority, queue timeout, retrials, callback, resolution tiers,
 * repeat calls, costs and transfers - and the checks within one call type once all
 * its keys are read.
 *
 * It is not where names of other call types are resolved (queue_timeout's
 * and transfer's targets: scenario_check.c) nor where per-interval data is read
 * (scenario_day.c) or distributions set up (scenario_dist.c).
 */
#include "acdsim/scenario.h"
#include "scenario_int.h"
#include "util.h"
#include "yamltree.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- call types */

static struct ct_state *
cur_ct(struct ctx *c)
{
    return &c->cts[c->cur];
}

static void
ct_name(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    ct->name = acd_xstrdup(s);
    ct->pos.line = v->line;
    ct->pos.col = v->col;
}

/* Arrivals are read here and committed once it is clear that exactly one
 * form was given. */
struct arr_parse {
    double rate_per_s;
    double *calls; /* per_interval or file */
    double *aht;   /* the file's aht column */
    double scale;  /* `scale`: every form's calls times this (1 when not given) */
};

static void
arr_rate(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    double x;
    if (acd_scn_get_rate(c, k, v, &x) && acd_scn_check_nonneg(c, k, v, x))
        ap->rate_per_s = x;
}

static void
arr_per_interval(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    free(ap->calls);
    ap->calls = acd_scn_interval_list(c, k, v, E_CALLS);
}

static void
arr_file(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    if (!acd_scn_get_name(c, k, v))
        return;
    free(ap->calls);
    free(ap->aht);
    acd_scn_read_interval_csv(c, v, CSV_ARRIVALS, &ap->calls, &ap->aht);
}

static void
arr_scale(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct arr_parse *ap = obj;
    double x;
    if (acd_scn_get_real(c, k, v, acd_scn_exp_number, &x) && acd_scn_check_nonneg(c, k, v, x))
        ap->scale = x;
}

/* The forms first (exactly one is given), then their modifiers. */
enum { A_RATE, A_PER_INTERVAL, A_FILE, A_N_FORMS, A_SCALE = A_N_FORMS };

static const struct key_desc arrivals_keys[] = {
    [A_RATE] = KEY_FN("rate", arr_rate, 0),
    [A_PER_INTERVAL] = KEY_FN("per_interval", arr_per_interval, KEY_DAY),
    [A_FILE] = KEY_FN("file", arr_file, KEY_DAY),
    [A_SCALE] = KEY_FN("scale", arr_scale, 0),
};

static void
ct_arrivals(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    if (!acd_scn_expect_map(c, k, v,
                            c->mode == MODE_DAY
                                ? "a mapping like {per_interval: [40, 65, 90]}, {file: PATH} or "
                                  "{rate: 120/h}"
                                : "a mapping like {rate: 120/h}"))
        return;
    struct arr_parse ap;
    memset(&ap, 0, sizeof(ap));
    ap.scale = 1;
    struct seen s;
    acd_scn_walk_map(c, v, "arrivals", arrivals_keys, ACD_ARRAY_LEN(arrivals_keys), &ap, &s);
    unsigned forms = s.keys & (BIT(A_N_FORMS) - 1);
    const struct acd_ynode *first = acd_scn_first_key(&s, forms);
    unsigned n_given = 0;
    for (unsigned j = 0; j < A_N_FORMS; j++) {
        if (!(s.keys & BIT(j)))
            continue;
        n_given++;
        if (s.key[j] != first)
            acd_scn_err(c, s.key[j],
                        "'%s' cannot be combined with '%s' in arrivals (give one of 'rate', "
                        "'per_interval' or 'file')",
                        s.key[j]->s, first->s);
    }
    if (n_given == 0 && !s.meant) {
        if (c->mode == MODE_STEADY)
            acd_scn_err(c, v, "arrivals is missing 'rate'");
        else
            acd_scn_err(c, v, "arrivals needs 'rate', 'per_interval' or 'file'");
    }
    if (n_given == 1 && !s.bad) {
        if (s.keys & BIT(A_RATE)) {
            ct->rate_per_s = ap.rate_per_s * ap.scale;
            if (c->mode == MODE_DAY && c->n_iv) {
                /* A constant rate all day. */
                ct->calls_per_interval = acd_xcalloc(c->n_iv, sizeof(double));
                for (size_t i = 0; i < c->n_iv; i++)
                    ct->calls_per_interval[i] = ct->rate_per_s * c->sc->interval_s;
            }
        } else if (ap.calls) {
            if (ap.scale != 1)
                for (size_t i = 0; i < c->n_iv; i++)
                    ap.calls[i] *= ap.scale;
            ct->calls_per_interval = ap.calls;
            ap.calls = NULL;
            st->aht = ap.aht;
            st->aht_file = s.val[A_FILE];
            ap.aht = NULL;
        }
    }
    free(ap.calls);
    free(ap.aht);
}

static void
ct_handle_time(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    st->handle_ok = acd_scn_parse_dist_by(c, k, v, &ct->handle, &st->handle_spec,
                                          &ct->handle_by_interval, &st->handle_by);
}

static void
ct_patience(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    ct->has_patience =
        acd_scn_parse_dist_by(c, k, v, &ct->patience, NULL, &ct->patience_by_interval, NULL);
}

static void
qt_to(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)obj;
    const char *s = acd_scn_get_name(c, k, v);
    if (s && strcmp(s, "voicemail") != 0)
        cur_ct(c)->timeout_to = v; /* a call type: resolved once all are known */
}

static void
ct_queue_timeout(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("after", V_DURATION_POS, struct acd_call_type, queue_timeout_s, KEY_REQUIRED),
        KEY_FN("to", qt_to, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {after: 5m, to: voicemail}"))
        acd_scn_walk_map(c, v, "queue_timeout", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

enum { R_P_FIRST, R_P_LATER, R_DELAY, R_MAX_ATTEMPTS };

static const struct key_desc retrial_keys[] = {
    [R_P_FIRST] = KEY_V("p_first", V_FRACTION, struct acd_retrial, p_first, KEY_REQUIRED),
    [R_P_LATER] = KEY_V("p_later", V_FRACTION, struct acd_retrial, p_later, 0),
    [R_DELAY] = KEY_V("delay", V_DIST, struct acd_retrial, delay, KEY_REQUIRED),
    [R_MAX_ATTEMPTS] =
        KEY_N("max_attempts", V_UINT1, struct acd_retrial, max_attempts, ACD_SCN_MAX_ATTEMPTS, 0),
};

static void
parse_retrial(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v,
              struct acd_retrial *r)
{
    if (!acd_scn_expect_map(c, k, v,
                            "a mapping like {p_first: 0.6, delay: {dist: exponential, mean: 10m}}"))
        return;
    struct seen s;
    acd_scn_walk_map(c, v, k->s, retrial_keys, ACD_ARRAY_LEN(retrial_keys), r, &s);
    if (!(s.keys & BIT(R_P_LATER)))
        r->p_later = r->p_first;
    if (!(s.keys & BIT(R_MAX_ATTEMPTS)))
        r->max_attempts = ACD_SCN_DEFAULT_ATTEMPTS;
    r->enabled = acd_scn_is_ok(&s, R_P_FIRST) && acd_scn_is_ok(&s, R_DELAY) && !s.bad && !s.meant;
}

static void
retry_busy(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    parse_retrial(c, k, v, &ct->retry_busy);
}

static void
retry_abandon(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    parse_retrial(c, k, v, &ct->retry_abandon);
}

static void
ct_retry(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_FN("busy", retry_busy, 0),
        KEY_FN("abandon", retry_abandon, 0),
        KEY_V("same_caller", V_BOOL, struct acd_call_type, same_caller, 0),
    };
    if (acd_scn_expect_map(c, k, v,
                           "a mapping like {busy: {...}, abandon: {...}, same_caller: true}"))
        acd_scn_walk_map(c, v, "retry", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

static void
ct_callback(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_VH("threshold", V_DURATION, struct acd_call_type, callback_threshold_s,
               callback_enabled, KEY_REQUIRED),
        KEY_V("accept", V_FRACTION, struct acd_call_type, callback_accept_prob, KEY_REQUIRED),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {threshold: 2m, accept: 0.6}"))
        acd_scn_walk_map(c, v, "callback", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* The type's own service level; either key left out is the center's. */
static void
ct_service_level(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_VH("threshold", V_DURATION, struct acd_call_type, sl_threshold_s, has_sl_threshold, 0),
        KEY_VH("target", V_FRACTION, struct acd_call_type, sl_target, has_sl_target, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {threshold: 30s, target: 0.95}"))
        acd_scn_walk_map(c, v, "service_level", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

enum { RS_TIER, RS_RESOLVE, RS_ESCALATE, RS_HANDLE, RS_PRIORITY };

static const struct key_desc resolution_keys[] = {
    [RS_TIER] = KEY_N("tier", V_UINT1, struct acd_resolution, tier, ACD_SCN_MAX_TIER, KEY_REQUIRED),
    [RS_RESOLVE] = KEY_V("resolve", V_FRACTION, struct acd_resolution, p_resolve, KEY_REQUIRED),
    [RS_ESCALATE] = KEY_V("escalate", V_FRACTION, struct acd_resolution, p_escalate, 0),
    [RS_HANDLE] = KEY_VH("handle_time", V_DIST, struct acd_resolution, handle, has_handle, 0),
    [RS_PRIORITY] =
        KEY_N("priority", V_INT, struct acd_resolution, priority, ACD_SCN_MAX_PRIORITY, 0),
};

struct res_entry {
    struct acd_resolution r;
    const struct acd_ynode *at;
};

static int
cmp_res_entry(const void *a, const void *b)
{
    const struct res_entry *x = a, *y = b;
    if (x->r.tier != y->r.tier)
        return x->r.tier < y->r.tier ? -1 : 1;
    return acd_scn_is_after(x->at, y->at) ? 1 : acd_scn_is_after(y->at, x->at) ? -1 : 0;
}

static void
ct_resolution(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a list like [{tier: 1, resolve: 0.8, escalate: 0.5}] (found %s)",
                    k->s, acd_ytree_found(v).s);
        return;
    }
    if (v->n == 0) {
        acd_scn_err(c, v, "'%s' must list at least one tier", k->s);
        return;
    }
    struct res_entry *e = acd_xcalloc(v->n, sizeof(*e));
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        e[i].at = item;
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(
                c, item,
                "a resolution entry must be a mapping like {tier: 1, resolve: 0.8} (found %s)",
                acd_ytree_found(item).s);
            ok = false;
            continue;
        }
        struct seen s;
        acd_scn_walk_map(c, item, "resolution entry", resolution_keys,
                         ACD_ARRAY_LEN(resolution_keys), &e[i].r, &s);
        if (!acd_scn_is_ok(&s, RS_TIER) || !acd_scn_is_ok(&s, RS_RESOLVE) || s.bad || s.meant)
            ok = false;
        if (!acd_scn_is_ok(&s, RS_TIER))
            e[i].r.tier = 0; /* sorts first; never compared as a duplicate */
    }
    qsort(e, v->n, sizeof(*e), cmp_res_entry);
    for (size_t i = 1; i < v->n; i++)
        if (e[i].r.tier && e[i].r.tier == e[i - 1].r.tier) {
            acd_scn_err(c, e[i].at, "tier %u is given twice in resolution (first at line %u)",
                        e[i].r.tier, e[i - 1].at->line);
            ok = false;
        }
    ct->resolution = acd_xcalloc(v->n, sizeof(*ct->resolution));
    st->res_pos = acd_xcalloc(v->n, sizeof(*st->res_pos));
    ct->n_resolution = v->n;
    for (size_t i = 0; i < v->n; i++) {
        ct->resolution[i] = e[i].r;
        st->res_pos[i] = (struct acd_srcpos){e[i].at->line, e[i].at->col};
    }
    st->res_ok = ok;
    free(e);
}

static void
ct_costs(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_V("abandon", V_NUMBER, struct acd_call_type, cost_per_abandon, 0),
        KEY_V("repeat", V_NUMBER, struct acd_call_type, cost_per_repeat, 0),
    };
    if (acd_scn_expect_map(c, k, v, "a mapping like {abandon: 4.5, repeat: 6}"))
        acd_scn_walk_map(c, v, "costs", keys, ACD_ARRAY_LEN(keys), obj, NULL);
}

/* transfer: one target or a list of them. */
static const char *const transfer_modes[] = {
    [ACD_TRANSFER_COLD] = "cold",
    [ACD_TRANSFER_WARM] = "warm",
    [ACD_TRANSFER_CONFERENCE] = "conference",
};
static const char *const transfer_no_idle[] = {
    [ACD_TRANSFER_WAIT] = "wait",
    [ACD_TRANSFER_DISCONNECT] = "disconnect",
    [ACD_TRANSFER_VOICEMAIL] = "voicemail",
};

/* The name's index in names[n], or reports it (did you mean) and returns n. */
static size_t
pick_name(struct ctx *c, const struct acd_ynode *k, const struct acd_ynode *v, const char *what,
          const char *const *names, size_t n)
{
    if (!acd_scn_get_name(c, k, v))
        return n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v->s, names[i]) == 0)
            return i;
    acd_scn_unknown_name(c, v, what, "expected one of", names, n);
    return n;
}

struct xfer_parse {
    struct acd_transfer t;
    const struct acd_ynode *to;
    bool bad; /* a value of mode / if_idle / to was reported */
};

static void
xf_to(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct xfer_parse *xp = obj;
    if (acd_scn_get_name(c, k, v))
        xp->to = v; /* a call type or group: resolved once all are known */
    else
        xp->bad = true;
}

static void
xf_mode(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct xfer_parse *xp = obj;
    size_t i = pick_name(c, k, v, "transfer mode", transfer_modes, ACD_ARRAY_LEN(transfer_modes));
    if (i < ACD_ARRAY_LEN(transfer_modes))
        xp->t.mode = (enum acd_transfer_mode)i;
    else
        xp->bad = true;
}

static void
xf_if_idle(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct xfer_parse *xp = obj;
    size_t i =
        pick_name(c, k, v, "if_idle choice", transfer_no_idle, ACD_ARRAY_LEN(transfer_no_idle));
    if (i < ACD_ARRAY_LEN(transfer_no_idle))
        xp->t.if_idle = (enum acd_transfer_no_idle)i;
    else
        xp->bad = true;
}

enum { XF_TO, XF_PROB, XF_MODE, XF_IF_IDLE, XF_PATIENCE, XF_CONFERENCE };

static const struct key_desc transfer_keys[] = {
    [XF_TO] = KEY_FN("to", xf_to, KEY_REQUIRED),
    [XF_PROB] = KEY_V("prob", V_FRACTION, struct xfer_parse, t.prob, KEY_REQUIRED),
    [XF_MODE] = KEY_FN("mode", xf_mode, 0),
    [XF_IF_IDLE] = KEY_FN("if_idle", xf_if_idle, 0),
    [XF_PATIENCE] = KEY_VH("patience", V_DIST, struct xfer_parse, t.patience, t.has_patience, 0),
    [XF_CONFERENCE] =
        KEY_VH("conference", V_DIST, struct xfer_parse, t.conference, t.has_conference, 0),
};

static void
ct_transfer(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    struct ct_state *st = cur_ct(c);
    static const char like[] = "{to: manager, prob: 0.05, mode: warm}";
    const struct acd_ynode *const *items = &v;
    size_t n = 1;
    if (v->kind == ACD_Y_SEQ) {
        items = (const struct acd_ynode *const *)v->kids;
        n = v->n;
        if (n == 0) {
            acd_scn_err(c, v, "'%s' must list at least one target", k->s);
            return;
        }
    } else if (v->kind != ACD_Y_MAP) {
        acd_scn_err(c, acd_scn_where(k, v),
                    "'%s' must be a mapping like %s or a list of them (found %s)", k->s, like,
                    acd_ytree_found(v).s);
        return;
    }
    ct->transfers = acd_xcalloc(n, sizeof(*ct->transfers));
    st->xfer_to = acd_xcalloc(n, sizeof(*st->xfer_to));
    ct->n_transfers = n;
    bool ok = true;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct acd_ynode *item = items[i];
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(c, item, "a transfer target must be a mapping like %s (found %s)", like,
                        acd_ytree_found(item).s);
            ok = false;
            continue;
        }
        struct xfer_parse xp;
        memset(&xp, 0, sizeof(xp));
        struct seen s;
        acd_scn_walk_map(c, item, "transfer", transfer_keys, ACD_ARRAY_LEN(transfer_keys), &xp, &s);
        xp.t.pos = (struct acd_srcpos){item->line, item->col};
        bool conf = xp.t.mode == ACD_TRANSFER_CONFERENCE && acd_scn_is_ok(&s, XF_MODE);
        if (conf && !(s.keys & BIT(XF_CONFERENCE)))
            acd_scn_err(c, s.key[XF_MODE],
                        "mode 'conference' needs 'conference': the time both agents talk (e.g. "
                        "conference: {dist: exponential, mean: 1m})");
        else if (!conf && acd_scn_is_ok(&s, XF_CONFERENCE) && acd_scn_is_ok(&s, XF_MODE))
            acd_scn_err(c, s.key[XF_CONFERENCE],
                        "'conference' applies to mode 'conference' only (this transfer is %s)",
                        transfer_modes[xp.t.mode]);
        else if (!conf && acd_scn_is_ok(&s, XF_CONFERENCE) && !(s.keys & BIT(XF_MODE)))
            acd_scn_err(c, s.key[XF_CONFERENCE],
                        "'conference' applies to mode 'conference' only (add mode: conference)");
        if (s.bad || s.meant || xp.bad || !acd_scn_is_ok(&s, XF_TO) || !acd_scn_is_ok(&s, XF_PROB))
            ok = false;
        if (acd_scn_is_ok(&s, XF_PROB))
            sum += xp.t.prob;
        ct->transfers[i] = xp.t;
        st->xfer_to[i] = xp.to;
    }
    if (sum > 1 + 1e-9)
        acd_scn_err(c, acd_scn_where(k, v),
                    "transfer probabilities add up to %.6g, more than 1 (the rest of the calls "
                    "end without a transfer)",
                    sum);
    st->xfer_ok = ok && !(sum > 1 + 1e-9);
}

enum { CT_REPEAT_DELAY = 12 };

/* `handle_time_per_wait`: seconds of extra handle time per second waited. */
static void
ct_handle_per_wait(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    double x;
    if (!acd_scn_get_real(c, k, v, acd_scn_exp_number, &x))
        return;
    if (!(x >= 0) || x > 100) {
        acd_scn_err(c, v,
                    "'%s' must be a number from 0 to 100 (seconds of handle time per second "
                    "waited), got %g",
                    k->s, x);
        return;
    }
    ct->handle_time_per_wait = x;
}

/* `channel`: voice, chat or email. */
static void
ct_channel(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    struct acd_call_type *ct = obj;
    const char *names[ACD_N_CHANNELS];
    const char *s = acd_scn_get_name(c, k, v);
    if (!s)
        return;
    for (size_t i = 0; i < ACD_N_CHANNELS; i++)
        if (strcmp(s, names[i] = acd_channel_name((enum acd_channel)i)) == 0) {
            ct->channel = (enum acd_channel)i;
            return;
        }
    acd_scn_unknown_name(c, v, "channel", "expected one of", names, ACD_N_CHANNELS);
}

/* `stretch`: read in finish_call_type, once the concurrency is known. */
static void
ct_stretch(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    (void)c;
    (void)obj;
    (void)k;
    (void)v;
}

/* Positions in call_type_keys of the keys checked against the channel
 * (check_channel). */
enum {
    CT_CALLBACK = 10,
    CT_RESOLUTION = 11,
    CT_TRANSFER = 17,
    CT_RING_TIME = 18,
    CT_CHANNEL = 20,
    CT_BACKLOG,
    CT_CONCURRENCY,
    CT_STRETCH,
};

/* `backlog` (e-mail, operating day): {count: N, since: CLOCK}, e-mails
 * already waiting at opening. Whether the type is e-mail and since is
 * before opening are checked once the whole file is read. */
static void
ct_backlog(struct ctx *c, void *obj, const struct acd_ynode *k, const struct acd_ynode *v)
{
    static const struct key_desc keys[] = {
        KEY_N("count", V_UINT, struct acd_call_type, backlog_count, ACD_SCN_MAX_BACKLOG,
              KEY_REQUIRED),
        KEY_V("since", V_CLOCK, struct acd_call_type, backlog_since_s, 0),
    };
    struct ct_state *st = cur_ct(c);
    st->backlog = k;
    if (!acd_scn_expect_map(c, k, v, "a mapping like {count: 40, since: \"00:00\"}"))
        return;
    struct seen s;
    acd_scn_walk_map(c, v, "backlog", keys, ACD_ARRAY_LEN(keys), obj, &s);
    if (acd_scn_is_ok(&s, 1))
        st->backlog_since = s.val[1];
}

static const struct key_desc call_type_keys[] = {
    KEY_FN("name", ct_name, KEY_REQUIRED),
    KEY_FN("arrivals", ct_arrivals, KEY_REQUIRED),
    KEY_FN("handle_time", ct_handle_time, KEY_REQUIRED),
    KEY_FN("patience", ct_patience, 0),
    KEY_N("priority", V_INT, struct acd_call_type, priority, ACD_SCN_MAX_PRIORITY, 0),
    KEY_V("wait_bonus", V_RATE, struct acd_call_type, wait_bonus_per_s, 0),
    KEY_V("overflow_delay", V_DURATION, struct acd_call_type, overflow_delay_s, 0),
    KEY_V("balk", V_FRACTION, struct acd_call_type, balk_prob, 0),
    KEY_FN("queue_timeout", ct_queue_timeout, 0),
    KEY_FN("retry", ct_retry, 0),
    KEY_FN("callback", ct_callback, 0),
    KEY_FN("resolution", ct_resolution, 0),
    [CT_REPEAT_DELAY] =
        KEY_VH("repeat_delay", V_DIST, struct acd_call_type, repeat_delay, has_repeat_delay, 0),
    KEY_FN("costs", ct_costs, 0),
    KEY_FN("service_level", ct_service_level, 0),
    KEY_FN("groups", acd_scn_ct_groups, 0), /* routing: scenario.c */
    KEY_FN("agent_selection", acd_scn_ct_agent_selection, 0),
    KEY_FN("transfer", ct_transfer, 0),
    KEY_VH("ring_time", V_DIST, struct acd_call_type, ring_time, has_ring_time, 0),
    KEY_FN("handle_time_per_wait", ct_handle_per_wait, 0),
    KEY_FN("channel", ct_channel, 0),
    [CT_BACKLOG] = KEY_FN("backlog", ct_backlog, KEY_DAY),
    [CT_CONCURRENCY] =
        KEY_N("concurrency", V_UINT1, struct acd_call_type, concurrency, ACD_MAX_CONCURRENCY, 0),
    [CT_STRETCH] = KEY_FN("stretch", ct_stretch, 0),
};

/* `stretch` of chat type ct (concurrency known): a number s >= 0, the
 * factor 1 + s x (n - 1), or a list of `concurrency` factors > 0. */
static void
chat_stretch(struct ctx *c, struct acd_call_type *ct, const struct acd_ynode *k,
             const struct acd_ynode *v)
{
    unsigned n = ct->concurrency ? ct->concurrency : 1;
    static const char like[] =
        "a number s >= 0 (a chat answered as the agent's n-th takes 1 + s x (n - 1) times its "
        "handle time) or a list of concurrency factors > 0, like [1, 1.2, 1.5]";
    double f[ACD_MAX_CONCURRENCY];
    if (v->kind == ACD_Y_SEQ) {
        if (v->n != n) {
            acd_scn_err(c, v,
                        "'%s' lists %zu factor%s but concurrency is %u: give one per number of "
                        "chats held, or %s",
                        k->s, v->n, v->n == 1 ? "" : "s", n, like);
            return;
        }
        bool ok = true;
        for (size_t i = 0; i < v->n; i++) {
            if (!acd_scn_get_real(c, k, v->kids[i], like, &f[i])) {
                ok = false;
            } else if (!(f[i] > 0) || f[i] > 1e6) {
                acd_scn_err(c, v->kids[i],
                            "a '%s' factor must be a number above 0 (and at most 1e6), got %g",
                            k->s, f[i]);
                ok = false;
            }
        }
        if (!ok)
            return;
    } else {
        double x;
        if (!acd_scn_get_real(c, k, v, like, &x))
            return;
        if (!(x >= 0) || x > 1e6) {
            acd_scn_err(c, v, "'%s' must be %s; got %g", k->s, like, x);
            return;
        }
        for (unsigned i = 0; i < n; i++)
            f[i] = 1 + x * i;
    }
    ct->stretch = acd_xmalloc(n * sizeof(*ct->stretch));
    memcpy(ct->stretch, f, n * sizeof(*ct->stretch));
    ct->n_stretch = n;
}

/* Chat keys on a call type that is not a chat; what a chat does not do. */
static void
check_channel(struct ctx *c, struct acd_call_type *ct, const struct seen *s)
{
    const char *ch = acd_channel_name(ct->channel);
    if (ct->channel != ACD_CHANNEL_CHAT) {
        static const unsigned chat_only[] = {CT_CONCURRENCY, CT_STRETCH};
        for (size_t i = 0; i < ACD_ARRAY_LEN(chat_only); i++)
            if (s->keys & BIT(chat_only[i]))
                acd_scn_err(c, s->key[chat_only[i]],
                            "'%s' applies to chat call types only (this one's channel is %s; "
                            "add channel: chat)",
                            s->key[chat_only[i]]->s, ch);
        return;
    }
    static const unsigned not_chat[] = {CT_CALLBACK, CT_TRANSFER, CT_RING_TIME};
    for (size_t i = 0; i < ACD_ARRAY_LEN(not_chat); i++)
        if (s->keys & BIT(not_chat[i]))
            acd_scn_err(c, s->key[not_chat[i]],
                        "'%s' is not supported on a chat call type (channel: chat): remove it, "
                        "or model these contacts as a voice call type",
                        s->key[not_chat[i]]->s);
    if (acd_scn_is_ok(s, CT_RESOLUTION))
        for (size_t i = 0; i < ct->n_resolution; i++)
            if (ct->resolution[i].p_escalate > 0) {
                acd_scn_err(c, s->key[CT_RESOLUTION],
                            "escalation is not supported on a chat call type (channel: chat): "
                            "give escalate: 0, or leave unresolved chats to repeat_delay");
                break;
            }
    if (acd_scn_is_ok(s, CT_STRETCH) && !((s->bad | s->meant) & BIT(CT_CONCURRENCY)))
        chat_stretch(c, ct, s->key[CT_STRETCH], s->val[CT_STRETCH]);
}

/* Keys an e-mail call type cannot have, and why. */
static const struct {
    const char *key, *why;
} email_refuses[] = {
    {"patience", "an e-mail never abandons"},
    {"balk", "an e-mail never abandons"},
    {"retry", "an e-mail is never abandoned nor refused, so never retried"},
    {"callback", "an e-mail waits in its backlog; there is no virtual hold"},
    {"queue_timeout", "an e-mail waits in its backlog until an agent takes it"},
    {"ring_time", "an e-mail does not ring"},
    {"resolution", "an e-mail is answered once (no escalation or repeat)"},
    {"repeat_delay", "an e-mail is answered once (no repeat contacts)"},
    {"transfer", "an e-mail is answered once (no transfer)"},
};

/* An e-mail type: the keys it cannot have are located errors; a `backlog`
 * on any other type too. */
static void
check_channel_keys(struct ctx *c, const struct acd_call_type *ct, const struct seen *s)
{
    for (unsigned j = 0; j < ACD_ARRAY_LEN(call_type_keys); j++) {
        if (!(s->keys & BIT(j)))
            continue;
        if (ct->channel != ACD_CHANNEL_EMAIL) {
            if (strcmp(call_type_keys[j].name, "backlog") == 0)
                acd_scn_err(c, s->key[j],
                            "'backlog' is for e-mail call types: e-mails waiting at opening "
                            "(add 'channel: email', or remove it)");
            continue;
        }
        for (size_t r = 0; r < ACD_ARRAY_LEN(email_refuses); r++)
            if (strcmp(call_type_keys[j].name, email_refuses[r].key) == 0)
                acd_scn_err(c, s->key[j], "an e-mail call type cannot have '%s': %s",
                            email_refuses[r].key, email_refuses[r].why);
    }
}

/* Checks within one call type once all its keys are read. */
static void
finish_call_type(struct ctx *c, struct acd_call_type *ct, const struct seen *s)
{
    struct ct_state *st = cur_ct(c);
    check_channel_keys(c, ct, s);
    if (!((s->bad | s->meant) & BIT(CT_CHANNEL)))
        check_channel(c, ct, s);
    if (st->aht) {
        if (st->handle_by)
            acd_scn_err(
                c, st->handle_by,
                "'by_interval' cannot be combined with the 'aht' column of the arrivals file "
                "(give per-interval handle times once)");
        else if (st->handle_ok)
            acd_scn_derive_dists(c, "handle_time", &st->handle_spec, &ct->handle, st->aht,
                                 st->aht_file, &ct->handle_by_interval);
        free(st->aht);
        st->aht = NULL;
    }
    /* Unresolved, unescalated customers call again: after how long? */
    if (st->res_ok && !((s->keys | s->meant) & BIT(CT_REPEAT_DELAY)))
        for (size_t i = 0; i < ct->n_resolution; i++) {
            const struct acd_resolution *r = &ct->resolution[i];
            if (r->p_resolve < 1 && r->p_escalate < 1) {
                acd_scn_err(c, st->map,
                            "call type%s%s%s needs 'repeat_delay': at tier %u some issues stay "
                            "unresolved without escalation, and those customers call again",
                            ct->name ? " '" : "", ct->name ? acd_ytree_show(ct->name).s : "",
                            ct->name ? "'" : "", r->tier);
                break;
            }
        }
}

void
acd_scn_top_call_types(struct ctx *c, void *obj, const struct acd_ynode *k,
                       const struct acd_ynode *v)
{
    struct acd_scenario *sc = obj;
    if (v->kind != ACD_Y_SEQ) {
        acd_scn_err(c, acd_scn_where(k, v), "'%s' must be a list of call types (found %s)", k->s,
                    acd_ytree_found(v).s);
        return;
    }
    if (v->n == 0) {
        acd_scn_err(c, v, "'%s' must list at least one call type", k->s);
        return;
    }
    sc->call_types = acd_xcalloc(v->n, sizeof(*sc->call_types));
    sc->n_call_types = v->n;
    c->cts = acd_xcalloc(v->n, sizeof(*c->cts));
    c->ct_listed = true;
    c->ct_names_ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct acd_ynode *item = v->kids[i];
        struct acd_call_type *ct = &sc->call_types[i];
        ct->pos.line = item->line;
        ct->pos.col = item->col;
        c->cts[i].map = item;
        if (item->kind != ACD_Y_MAP) {
            acd_scn_err(
                c, item,
                "a call type must be a mapping with name, arrivals and handle_time (found %s)",
                acd_ytree_found(item).s);
            c->ct_names_ok = false;
            continue;
        }
        c->cur = i;
        ct->backlog_since_s = ACD_NAN; /* `backlog.since` left out: the opening */
        struct seen s;
        acd_scn_walk_map(c, item, "call type", call_type_keys, ACD_ARRAY_LEN(call_type_keys), ct,
                         &s);
        finish_call_type(c, ct, &s);
        if (!ct->name)
            c->ct_names_ok = false;
    }
}
