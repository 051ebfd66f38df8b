/*
 * scenario: a call center described in a YAML file, parsed into an
 * immutable struct that the engine, the analytic module and every client
 * borrow. Parsing never aborts on bad input: every problem found is added
 * to the caller's diagnostics with its file:line:col, and nothing is
 * returned unless the whole file is valid.
 *
 * The schema (interface.md, docs/scenario.md) is designed for the whole
 * product; fields for features that later issues bring (operating days,
 * shifts, tiers...) are added here, never by a second parser.
 */
#ifndef ACDSIM_SCENARIO_H
#define ACDSIM_SCENARIO_H

#include "acdsim/dist.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd_diags;

/* Every field's zero value means "feature off" (or the documented default),
 * so a scenario built in memory (tests, benchmarks) needs only what it uses. */

/* Where something was defined, for diagnostics raised after parsing. */
struct acd_srcpos {
    unsigned line, col; /* 1-based */
};

enum acd_horizon_kind {
    ACD_HORIZON_STEADY, /* horizon: {duration, warmup}: one long run per replication */
    ACD_HORIZON_DAY     /* horizon: {open, close, interval}: one day per replication */
};

/* What happens to calls still waiting when the center closes (day horizon). */
enum acd_close_policy {
    ACD_CLOSE_DRAIN,       /* default: no new calls; agents on duty serve the queue */
    ACD_CLOSE_DISCONNECT,  /* waiting calls are disconnected at close */
    ACD_CLOSE_UNTIL_EMPTY, /* every agent on duty at close stays until the queue is empty */
};

/* Retrials after a busy signal or after abandoning: the caller tries again
 * with probability p_first after a first attempt, p_later after a retrial,
 * after `delay`, at most `max_attempts` attempts in all (the first
 * included). enabled == false: callers never retry. */
struct acd_retrial {
    bool enabled;
    double p_first, p_later;
    struct acd_dist delay;
    unsigned max_attempts;
};

/* Resolution at one tier (call_types[].resolution[]). A call answered by an
 * agent of this tier is resolved with p_resolve; if not, it is escalated
 * (warm transfer: joins the next tier's queue, waits again, may abandon)
 * with p_escalate, otherwise the customer calls back later (repeat call). */
struct acd_resolution {
    unsigned tier; /* 1-based */
    double p_resolve;
    double p_escalate;
    bool has_handle; /* handle time of legs escalated INTO this tier */
    struct acd_dist handle;
    int priority; /* routing priority of legs escalated into this tier */
};

/* Transfers after a talk (call_types[].transfer[]): with probability
 * `prob` the agent transfers the call to `to` instead of ending it. The
 * caller waits again as a new leg of the same attempt, in the transfer
 * queue of the target (call type `to`, tier 1; or, for a group target, the
 * leg's own call type at that group's tier). */
enum acd_transfer_mode {
    ACD_TRANSFER_COLD,       /* the first agent is freed at once */
    ACD_TRANSFER_WARM,       /* the first agent stays (busy) until the second answers */
    ACD_TRANSFER_CONFERENCE, /* ...and then talks with both for a `conference` time */
};
enum acd_transfer_no_idle {
    ACD_TRANSFER_WAIT,       /* default: the caller waits in the target's queue */
    ACD_TRANSFER_DISCONNECT, /* no idle agent: the call is disconnected */
    ACD_TRANSFER_VOICEMAIL,  /* no idle agent: the caller leaves a voice message */
};
struct acd_transfer {
    double prob;
    bool to_group; /* `to` names an agent group (else a call type) */
    size_t to;     /* call type or group index */
    enum acd_transfer_mode mode;
    enum acd_transfer_no_idle if_idle;
    bool has_patience; /* patience of the transferred leg (else its call type's) */
    struct acd_dist patience;
    bool has_conference; /* mode conference: time both agents talk */
    struct acd_dist conference;
    struct acd_srcpos pos;
};

/* Which legs a group answers (agent_groups[].answers): bits; 0 = all. */
enum {
    ACD_ANSWERS_CALLS = 1u << 0,       /* offered attempts (tier 1) */
    ACD_ANSWERS_ESCALATIONS = 1u << 1, /* legs escalated to a higher tier */
    ACD_ANSWERS_TRANSFERS = 1u << 2,   /* legs transferred by an agent */
};

/* How contacts of a call type reach the center (call_types[].channel). */
enum acd_channel {
    ACD_CHANNEL_VOICE, /* default: a phone call, one per agent */
    ACD_CHANNEL_CHAT,  /* an agent holds up to `concurrency` chats at once */
    ACD_CHANNEL_EMAIL, /* deferrable work: taken when no call or chat waits; never abandoned */
};
#define ACD_N_CHANNELS 3

struct acd_call_type {
    char *name;
    enum acd_channel channel; /* `channel:`, voice by default */
    /* Chat: chats one agent holds at once (1 to ACD_MAX_CONCURRENCY; 0
     * reads as 1), and the handle-time stretch: a chat answered by an agent
     * who then holds n chats (this one included) takes its drawn handle time
     * times stretch[n - 1]. n_stretch is 0 (no stretch) or concurrency. */
    unsigned concurrency;
    size_t n_stretch;
    double *stretch;
    /* E-mail (`backlog`, operating day): backlog_count e-mails already
     * waiting at opening (the first day's), their arrivals spread evenly
     * over [backlog_since_s, open_s): the i-th (from 0) arrived at
     * since + i * (open - since) / count, and waits from then. The parser
     * sets since to open_s when the key leaves it out. */
    unsigned backlog_count;
    double backlog_since_s;
    double rate_per_s; /* Poisson arrival rate given as `rate` (day: also in calls_per_interval) */
    /* Day: expected calls per interval (n_intervals values), NULL otherwise.
     * Arrivals are a piecewise-constant Poisson process. */
    double *calls_per_interval;
    struct acd_dist handle;
    /* Optional per-interval handle time (n_intervals, NULL: `handle` all day),
     * e.g. from the `aht` column of an arrivals CSV; taken at the call's
     * arrival interval. */
    struct acd_dist *handle_by_interval;
    bool has_patience; /* false: callers never abandon */
    struct acd_dist patience;
    struct acd_dist *patience_by_interval; /* optional, like handle_by_interval */
    /* Ring (connect) time between an agent's assignment and the talk: the
     * agent is reserved, the caller still waits and may hang up. */
    bool has_ring_time;
    struct acd_dist ring_time;
    /* Extra handle time per second the caller waited (0: none). */
    double handle_time_per_wait;

    int priority;            /* larger = more urgent (priority_score, skill routing ties) */
    double wait_bonus_per_s; /* priority_score: score = priority + bonus * wait */
    double overflow_delay_s; /* overflow policy: secondary groups see the call after this wait */
    /* Routing: the agent groups this type's calls try, in this order
     * (`groups`, group indices; skilled groups not listed follow in
     * agent_groups order). n_route_groups 0: agent_groups order. */
    size_t n_route_groups;
    size_t *route_groups;
    char *agent_selection; /* how an idle agent is chosen; NULL: the routing policy's way */

    double balk_prob;                 /* a caller who would have to wait hangs up at once */
    double queue_timeout_s;           /* 0: none; after this wait the call leaves the queue */
    bool has_timeout_to;              /* false: timed-out calls go to voicemail (they end) */
    size_t timeout_to;                /* call type whose queue takes timed-out calls */
    struct acd_retrial retry_busy;    /* after a busy signal (or a balk) */
    struct acd_retrial retry_abandon; /* after abandoning */
    /* retry.same_caller: every attempt of an issue (retrials, repeat calls)
     * keeps the patience drawn for its first wait (false: each draws its
     * own). Handle time is drawn when an attempt is first answered, so a
     * retrial (which follows an unanswered attempt) gets the one
     * draw either way; repeat calls draw their own (a new conversation). */
    bool same_caller;

    bool callback_enabled;       /* virtual hold */
    double callback_threshold_s; /* offered when the predicted wait exceeds this */
    double callback_accept_prob;

    size_t n_resolution; /* entries, sorted by tier; 0: every answered call resolves */
    struct acd_resolution *resolution;
    bool has_repeat_delay; /* required when some tier can leave an issue unresolved */
    struct acd_dist repeat_delay;

    double cost_per_abandon; /* currency units per abandoned call */
    double cost_per_repeat;  /* per repeat call */

    /* Own service level (call_types[].service_level): a call of this type is
     * within the service level when answered within its own threshold, and
     * the type is judged on its own target. Either key left out takes the
     * center's (acd_scenario_type_sl_*). */
    bool has_sl_threshold, has_sl_target;
    double sl_threshold_s, sl_target;
    size_t n_transfers; /* transfer targets after a talk; probabilities sum to <= 1 */
    struct acd_transfer *transfers;
    struct acd_srcpos pos;
};

/* A skill with its preference level (1 = primary). */
struct acd_skill {
    size_t type; /* index into call_types */
    unsigned level;
};

struct acd_break {
    double start_s; /* clock time */
    double length_s;
    bool unpaid; /* `paid: false`: not paid time (a lunch); still off the phones */
};

/* A move (agent_groups[].moves[]): at `start_s`, `count` agents of the
 * group on duty then (idle ones at once, a busy one after its call in
 * hand) become members of group `to` - its skills, tier, handle time,
 * wrap-up, cost and routing - until `end_s`, when they come back (again
 * after the call in hand). Day horizon only, inside the operating day.
 * In a shift (shifts[].moves[]) it takes agents of that shift only, inside
 * the shift; `count` defaults to the shift's. */
struct acd_move {
    size_t to;    /* group index, not the group's own */
    size_t shift; /* shifts[].moves: index of its shift in the group, else SIZE_MAX */
    unsigned count;
    double start_s, end_s; /* clock times, start < end */
    struct acd_srcpos pos;
};

struct acd_shift {
    double start_s, end_s; /* clock times, start < end */
    unsigned count;
    size_t n_breaks;
    struct acd_break *breaks; /* sorted, inside [start, end) */
    /* A period (`days:`): bit w set (0 = Monday) for each weekday the shift
     * works (`weekdays:`); 0: every day. */
    unsigned weekdays;
};

/* Handle time or wrap-up for one call type in a group (overrides). */
struct acd_type_dist {
    size_t type;
    struct acd_dist dist;
};

struct acd_agent_group {
    char *name;
    unsigned tier; /* 1 = front line (default; 0 reads as 1), 2 = senior, 3 = supervisors... */
    size_t n_skills;
    size_t *skills;               /* call type indices in the order given */
    struct acd_skill *skill_lv;   /* same order, with preference levels */
    unsigned agents;              /* constant staffing (steady, or day without a plan) */
    unsigned *agents_by_interval; /* day: per-interval staffing (n_intervals), or NULL */
    size_t n_shifts;              /* day: shifts instead of per-interval staffing */
    struct acd_shift *shifts;
    double absenteeism; /* each scheduled agent is absent for the day with this probability */
    /* Paid time off the phones (meetings, training, absence), [0, 1):
     * only `acdsim staff` uses it (agents scheduled = on the phones /
     * (1 - shrinkage)); the simulation does not. has_shrinkage: the
     * group's own (shrinkage_by_interval: per interval, or NULL). */
    bool has_shrinkage;
    double shrinkage;
    double *shrinkage_by_interval;

    size_t n_handle; /* handle time overrides by call type */
    struct acd_type_dist *handle;
    bool has_wrap_up; /* wrap-up for every call type... */
    struct acd_dist wrap_up;
    size_t n_wrap_by_type; /* ...or per call type (overrides) */
    struct acd_type_dist *wrap_by_type;

    /* Supervisor assist: when set, the group takes a call only while that
     * call type's queue has more than assist_queue_len calls waiting (if
     * assist_by_len) or its oldest call has waited more than assist_wait_s
     * (if assist_by_wait). */
    bool assist_by_len, assist_by_wait;
    unsigned assist_queue_len;
    double assist_wait_s;

    double cost_per_hour;   /* per paid agent-hour (staffed + break) */
    unsigned answers;       /* ACD_ANSWERS_* bits: legs it answers; 0 = all */
    size_t n_moves;         /* agents lent to other groups for a time window: */
    struct acd_move *moves; /* its `moves` and its shifts', in the file's order */
    struct acd_srcpos pos;
    /* Not a scenario key: `acdsim staff --hold` keeps the group as the
     * scenario staffs it (a staffing plan copies it unchanged). */
    bool held;
    /* `blending: true`: a voice call may go to an agent of this group who
     * holds chats (never a chat to an agent on a voice call). False: an
     * agent serves one channel at a time. */
    bool blending;
};

/* A break rule of a shift template (shift_templates[].breaks[]): the
 * break starts between earliest_s and latest_s after the shift's start
 * (offsets), on a grid of step_s from earliest_s, and lasts length_s;
 * unpaid: `paid: false`. */
struct acd_break_rule {
    double length_s, earliest_s, latest_s, step_s;
    bool unpaid;
    struct acd_srcpos pos;
};

/* A shift template (`shift_templates:`, operating day only): what
 * `acdsim schedule` may roster. Agents start at earliest_s + k * step_s
 * up to latest_s (clock times), stay length_s (breaks inside), take every
 * break in order; between min and max of them in all (has_max false: no
 * upper bound); they staff one of the groups listed (all groups when the
 * key is absent). The simulation does not use templates. */
struct acd_shift_template {
    char *name;
    double earliest_s, latest_s, step_s;
    double length_s;
    size_t n_breaks;
    struct acd_break_rule *breaks;
    unsigned min, max;
    bool has_max;
    size_t n_groups;
    size_t *groups; /* group indices, in the order given */
    struct acd_srcpos pos;
};

/* One day of a multi-day period (`days:`). Times are seconds from
 * midnight of the period's first day (day d's clock time c is
 * d * 86400 + c). The period's intervals are every day's intervals, in day
 * order: day d owns [first_interval, first_interval + n_intervals), and
 * its interval first_interval + j starts at open_s + j * interval_s. */
struct acd_day {
    char *label; /* "2026-12-07" (a dated day) or "day 3" */
    int weekday; /* 0 = Monday ... 6 = Sunday; -1 if the day has no date */
    long date;   /* days since 1970-01-01 (civil), or -1 */
    double open_s, close_s;
    size_t first_interval, n_intervals;
    struct acd_srcpos pos;
};

#define ACD_UNLIMITED       (-1L)
#define ACD_MAX_CONCURRENCY 16u

struct acd_scenario {
    char *name;
    char *path; /* file it came from ("<default>" for the embedded one) */
    uint64_t seed;
    unsigned replications;

    enum acd_horizon_kind horizon;
    double duration_s;  /* steady: length of each replication, warm-up included */
    double warmup_s;    /* steady: calls arriving before this are not counted */
    double open_s;      /* day: clock time of opening (seconds after midnight) */
    double close_s;     /* day: clock time of closing */
    double interval_s;  /* day: interval length; (close - open) is a multiple */
    size_t n_intervals; /* day: (close - open) / interval; 0 for steady */
    enum acd_close_policy close_policy;
    /* `days:` (operating day only): n_days > 0 makes one replication the
     * whole period; open_s/close_s are then day 0's opening and the last
     * day's closing, n_intervals counts every day's intervals. n_days 0:
     * one day, as before (acd_scenario_n_days returns 1). */
    size_t n_days;
    struct acd_day *days;
    double busyness_cv; /* day-to-day volume: gamma multiplier (mean 1) per replication; 0: none */

    double sl_threshold_s; /* default 20 s */
    double sl_target;      /* default 0.80 */
    double max_abandon;    /* targets.max_abandon, NAN if not given */
    double max_asa_s;      /* targets.max_asa, NAN if not given */
    double max_occupancy;  /* targets.max_occupancy, NAN if not given */
    /* `shrinkage`: the center's, for groups without their own (0 if not
     * given; see struct acd_agent_group). */
    bool has_shrinkage;
    double shrinkage;
    double *shrinkage_by_interval;

    long queue_capacity; /* waiting places, ACD_UNLIMITED if not given; 0 = loss system */
    long queue_lines;    /* lines/trunks (talking + waiting), ACD_UNLIMITED if not given */

    char *routing; /* routing policy name; "longest_idle" by default */

    size_t n_call_types;
    struct acd_call_type *call_types;
    size_t n_groups;
    struct acd_agent_group *groups;
    unsigned max_tier;  /* highest group tier (0 or 1 if no tiers given) */
    size_t n_templates; /* shift_templates (acdsim schedule) */
    struct acd_shift_template *templates;
};

/* Model features a scenario uses (bit mask), so reports can leave out the
 * rows of features that are off. */
enum {
    ACD_FEAT_RESOLUTION = 1u << 0, /* some tier resolves less than every call */
    ACD_FEAT_ESCALATION = 1u << 1, /* some tier escalates */
    ACD_FEAT_RETRIAL = 1u << 2,    /* callers retry after busy / abandon */
    ACD_FEAT_CALLBACK = 1u << 3,   /* virtual hold */
    ACD_FEAT_BALK = 1u << 4,
    ACD_FEAT_TIMEOUT = 1u << 5,
    ACD_FEAT_WRAP = 1u << 6,        /* after-call work */
    ACD_FEAT_BREAK = 1u << 7,       /* shifts with breaks */
    ACD_FEAT_COST = 1u << 8,        /* some cost is given */
    ACD_FEAT_SAME_CALLER = 1u << 9, /* retry.same_caller: attempts share the caller's patience */
    ACD_FEAT_TRANSFER = 1u << 10,   /* some call type transfers after a talk */
    ACD_FEAT_RING = 1u << 11,       /* some call type has a ring time */
    ACD_FEAT_UNPAID = 1u << 12,     /* some shift's break is unpaid */
    ACD_FEAT_CHAT = 1u << 13,       /* some call type is a chat */
    ACD_FEAT_EMAIL = 1u << 14,      /* some call type is e-mail */
};
unsigned acd_scenario_features(const struct acd_scenario *sc);

/* Shift sh of a period on day d, as the engine runs it: on a day whose
 * opening hours it overlaps (and whose weekday it works), at its clock
 * times on that day; from the second day on it starts no earlier than the
 * opening (work carried over the night waits for it) and ends by the next
 * day's opening. Day 0 is the single day's. Returns false when the shift
 * does not work day d; else *base_s is the day's midnight and [*lo_s,
 * *hi_s) the shift's time on duty (period seconds); a break starting
 * outside it is dropped. */
bool acd_scenario_shift_day(const struct acd_scenario *sc, const struct acd_shift *sh, size_t d,
                            double *base_s, double *lo_s, double *hi_s);

/* Days of the period: n_days, or 1 for a single operating day; 0 for a
 * steady state. */
size_t acd_scenario_n_days(const struct acd_scenario *sc);

/* The channel's name in files and results: "voice", "chat", "email". */
const char *acd_channel_name(enum acd_channel ch);
/* The channels sc's call types use: bit ch set for enum acd_channel ch. */
unsigned acd_scenario_channels(const struct acd_scenario *sc);
/* How many channels a mask (acd_scenario_channels) holds. */
unsigned acd_channel_count(unsigned mask);
/* The goals of a center whose call types use more than one channel
 * (mask: acd_scenario_channels), one rule for the staffing search and
 * every report: the center's goals on calls (service level, abandon
 * rate, ASA) are judged on one channel's contacts, voice if used, else
 * chat (an e-mail's wait is counted in hours: never e-mail); agents'
 * goals (occupancy) on the whole center. Returns that channel, or
 * ACD_N_CHANNELS with one channel (the center's own figures). */
unsigned acd_channel_goal(unsigned mask);
/* Whether a call type of channel ch is held to a service-level goal of
 * its own: when it gives one (has_sl), or, in a center with more than
 * one channel, when it is a chat outside the goal channel (held to the
 * center's target within the center's threshold, as its figures count).
 * An e-mail type only with its own. */
bool acd_channel_type_goal(unsigned mask, enum acd_channel ch, bool has_sl);

/* NULL is a no-op. */
void acd_scenario_free(struct acd_scenario *sc);

/* Call type k's service level: its own threshold / target, else the
 * center's. A type has its own goal when it gives either key. */
double acd_scenario_type_sl_threshold(const struct acd_scenario *sc, size_t k);
double acd_scenario_type_sl_target(const struct acd_scenario *sc, size_t k);
bool acd_scenario_type_has_sl(const struct acd_scenario *sc, size_t k);

/* Shrinkage of group g in bin b (0 for a steady state): the group's
 * per-interval or single value, else the center's, else 0. */
double acd_scenario_shrinkage(const struct acd_scenario *sc, size_t g, size_t b);
/* True if the center or some group gives a shrinkage. */
bool acd_scenario_has_shrinkage(const struct acd_scenario *sc);

/* Index of a call type / group by name, or SIZE_MAX. */
size_t acd_scenario_find_call_type(const struct acd_scenario *sc, const char *name);
size_t acd_scenario_find_group(const struct acd_scenario *sc, const char *name);

#endif
