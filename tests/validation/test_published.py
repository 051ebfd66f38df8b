#!/usr/bin/env python3
"""acdsim against published simulation results of other simulators (TAP).

Each model is configured as exactly as the scenario language allows, every
published figure is computed from acdsim's per-replication totals with the
estimator of the code that produced it, and the two are compared with a
z-test.

Sources (read from the public repositories; the numbers below are copied
as printed, with the file they were printed in):

* SSJ tutorial, "A call center" (umontreal-simul/ssj,
  src/main/docs/examples/tutorial/CallCenter.{java,dat,txt,res}; the
  tutorial text, tutorial.dox, shows CallCenter.txt as the program's output).
  CallCenter.txt: 10,000 days with the published CallCenter.dat.
  CallCenter.res: 10,000 days (w = 4.713, g(20 s) = 0.925, l = 0.020) of the
  same program with a busyness parameter that is NOT the published .dat's:
  its arrivals' variance, 8764.756, is 1660 + 1660^2/alpha0 with alpha0 ~ 400
  (cv of B = 0.05), not 10 (which gives 1660 + 275,560: CallCenter.txt's
  279,517). No published data file gives alpha0 = 400; it is inferred from
  that variance only (the figures compared below are not used to infer it).
* ContactCenters examples MMC, MMCAb, MMCBlocked, MMCClrQ
  (umontreal-simul/contactcenters, doc/examples/*.java and *.res,
  commit dd71c175), 1,000 days each, 95% CIs.

Model mapping.

SSJ CallCenter: opening 8:00, 13 one-hour periods (horizon 08:00-21:00,
interval 1h); per period the agents and base arrival rates of
CallCenter.dat; Poisson arrivals at B x lambda_j per hour with B ~
gamma(alpha0, alpha0), mean 1 (acdsim `busyness: {cv: 1/sqrt(alpha0)}`,
gsl gamma with shape 1/cv^2 and scale cv^2: the same law); service gamma
(alpha = 1, beta = 0.01): exponential, mean 100 s. Patience: 0 with
probability p = 0.1, else exponential with rate nu = 0.001/s; it is drawn
only for a caller who must wait, and a caller with patience 0 hangs up at
once. acdsim expresses exactly that as `balk: 0.1` (a caller who would have
to wait hangs up at once with that probability) plus `patience:
exponential, mean 1000 s` (the rest: exponential by memorylessness of the
inverse-transform split in generPatience). SSJ counts the instant hang-ups
as abandonments with wait 0; acdsim counts them as `balked`, so they are
added back below. When the staffing drops, calls in hand are finished
(both). After 21:00 no arrivals; the queue is served by the 4 agents of the
last period and callers still abandon (SSJ: the event list runs dry;
acdsim: close_policy drain). SSJ lets an abandoned caller sit in the queue
until it reaches the head and then drops it: the served callers' waits are
the same as with abandonment at expiry.

SSJ estimators (CallCenter.java, simulateOneDay): per day, with a = 1660 the
expected calls (the sum of the lambda_j, a constant), W/a, G/a and L/a,
averaged over days (Tally, Student 90% CI). W = sum of all waits: 0 for a
call answered at once, the wait of a served call, the patience of an
abandoned one (= acdsim total `wait_sum_s`, balked calls adding 0). G =
calls with wait < s = 20 s, abandoned ones included (their wait is their
patience) = `answered_within_t + abandoned_within_t + balked` (acdsim counts
<= T; the two differ only on a null set: waits are continuous, and a wait of
exactly 0 counts in both). L = abandonments = `abandoned + balked`. A =
arrivals = `offered`.

ContactCenters MMC: lambda = 4.2/min, exponential service mean 2 min, 12
agents, FIFO, 8-hour day from empty; arrivals stop at 480 min and the queue
is served (drain). Estimators (FunctionOfMultipleMeansTally: ratio of
means over days, delta-method CI): service level = sum(served with queue
time < 20 s) / sum(served) = answered_within_t / answered; speed of answer =
sum(queue time of served) / sum(served), minutes = answered_wait_sum_s /
answered / 60; occupancy = integral of busy agents / integral of agents over
[0, 480 min] (endSim takes the integrals at closing) = busy_agent_s /
staffed_agent_s (acdsim's window is the open hours; the drain is not in
them); "contacts in target" = mean per day of served within 20 s
(Tally).
MMCAb: + exponential patience, mean 1 min; "abandoned" = mean per day;
"service level with abandonment" = served within AWT / (served + abandoned
with queue time >= AWT) = answered_within_t / (answered + abandoned -
abandoned_within_t). (MMCAb's "Service level" is MMC's collector, served
only: MMCAb declares its own field and MMC.addObs fills the inherited one.)
MMCBlocked: total queue capacity 5 (`queue: {capacity: 5}`); "service level
with blocked contacts" = within / (blocked + served).
MMCClrQ: queue.clear() at closing (`close_policy: disconnect`; calls in
hand are finished and counted as answered in both); "service level with
disconnected contacts" = within / (served + disconnected).

Nothing of these models is outside the scenario language; no figure is
skipped.

Seen when this test was written (z printed by the test): the largest z is
the ContactCenters occupancy, 1.7 to 2.2 in all four examples, acdsim above.
The exact transient of the M/M/12 (+M, /K) from empty over 480 min (the
Kolmogorov equations integrated numerically) gives 0.69693 (MMC, MMCClrQ),
0.67656 (MMCAb), 0.69047 (MMCBlocked): acdsim's 0.69722, 0.67672, 0.69076
are within 1 SE of it; the published 0.695, 0.675, 0.689 are all about 2 SE
below it, and being four runs with the same random streams they are one
draw, not four. Likewise MMCAb's abandoned: exact 59.26, acdsim 59.50
(SE 0.22), published 58.609 (SE 0.48).

acdsim's figures and their standard errors: acdsim reports each total's
mean over replications but not the replications themselves, and G and the
ratios need the joint values. So each model runs as BATCHES independent
`acdsim run` processes (master seeds SEED + b) of DAYS / BATCHES
replications; a figure is computed from the batch means (a mean: the mean
of the per-batch values; a ratio of means: mean(X) / mean(Y), with the
delta method over batches), with its standard error from the BATCHES
batch values. acdsim simulates twice (SSJ) or four times (ContactCenters)
the publication's days.

The test: the publication's standard error is its printed standard
deviation over sqrt(n) (and the printed CI is checked to be that, t x SE,
within rounding: a transcription check). The published mean is printed to
u (its last digit), so it is known only to +/- u/2: z = max(0, |acdsim -
published| - u/2) / sqrt(SE_acdsim^2 + SE_published^2), and a figure passes
with z <= Z_MAX = 4 (the project's validation tolerance: 2 CI half-widths,
about 4 standard errors). Every z is printed as a TAP comment.

Environment: ACDSIM (binary).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "cli"))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-published-")
SEED = 20261202
BATCHES = 40
Z_MAX = 4.0

# Student t quantiles for the publications' CIs: 90% with 9,999 degrees of
# freedom (SSJ, 10,000 days), 95% with 999 (ContactCenters, 1,000 days).
T_QUANTILE = {(0.90, 10000): 1.645006, (0.95, 1000): 1.962341}


def decimals_unit(text):
    """The unit of the last printed digit of a number printed as TEXT."""
    mant = text.lower().split("e")[0]
    exp = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    d = len(mant.split(".")[1]) if "." in mant else 0
    return 10.0 ** (exp - d)


class Published:
    """One published figure: mean, standard deviation and CI, as printed."""

    def __init__(self, name, mean, sd, ci, n, level):
        self.name = name
        self.mean = float(mean)
        self.u = decimals_unit(mean)
        self.sd = float(sd)
        self.sd_u = decimals_unit(sd)
        self.ci = (float(ci[0]), float(ci[1]))
        self.ci_u = decimals_unit(ci[0])
        self.n = n
        self.t = T_QUANTILE[(level, n)]
        self.se = self.sd / math.sqrt(n)

    def ci_consistent(self):
        half = (self.ci[1] - self.ci[0]) / 2
        slack = self.ci_u / 2 + self.t * (self.sd_u / 2) / math.sqrt(self.n) + 1e-12
        return abs(half - self.t * self.se) <= slack, half


# SSJ CallCenter.txt (alpha0 = 10, the published CallCenter.dat), 10,000 days,
# 90% CIs: "Number of arrivals per day", "Average waiting time per customer",
# "Proportion of waiting times < s", "Proportion of calls lost".
SSJ_TXT = [
    Published("arrivals A", "1661.266", "528.694", ("1652.569", "1669.963"), 10000, 0.90),
    Published("w", "12.736", "29.966", ("12.243", "13.229"), 10000, 0.90),
    Published("g(20 s)", "0.854", "0.168", ("0.852", "0.857"), 10000, 0.90),
    Published("l", "0.037", "0.059", ("0.036", "0.038"), 10000, 0.90),
]
# SSJ CallCenter.res (alpha0 = 400 inferred, see above), 10,000 days.
SSJ_RES = [
    Published("arrivals A", "1660.366", "93.620", ("1658.826", "1661.906"), 10000, 0.90),
    Published("w", "4.713", "1.997", ("4.680", "4.746"), 10000, 0.90),
    Published("g(20 s)", "0.925", "0.040", ("0.924", "0.925"), 10000, 0.90),
    Published("l", "0.020", "6.7E-3", ("0.020", "0.020"), 10000, 0.90),
]


def cc(name, mean, sd, lo, hi):
    return Published(name, mean, sd, (lo, hi), 1000, 0.95)


MMC = [
    cc("contacts in target", "1816.158", "57.043", "1812.618", "1819.698"),
    cc("service level", "0.902", "0.033", "0.900", "0.904"),
    cc("speed of answer (min)", "0.099", "0.045", "0.097", "0.102"),
    cc("occupancy ratio", "0.695", "0.023", "0.694", "0.697"),
]
MMC_AB = [
    cc("contacts having abandoned", "58.609", "15.295", "57.660", "59.558"),
    cc("contacts in target", "1906.008", "35.828", "1903.785", "1908.231"),
    cc("service level", "0.975", "7.9E-3", "0.974", "0.975"),
    cc("speed of answer (min)", "0.024", "6.0E-3", "0.023", "0.024"),
    cc("occupancy ratio", "0.675", "0.019", "0.674", "0.677"),
    cc("service level with abandonment", "0.968", "9.9E-3", "0.968", "0.969"),
]
MMC_BLOCKED = [
    cc("blocked contacts", "18.655", "9.831", "18.045", "19.265"),
    cc("contacts in target", "1854.284", "42.176", "1851.667", "1856.901"),
    cc("service level", "0.929", "0.019", "0.928", "0.930"),
    cc("speed of answer (min)", "0.060", "0.016", "0.059", "0.061"),
    cc("occupancy ratio", "0.689", "0.021", "0.688", "0.690"),
    cc("service level with blocked contacts", "0.920", "0.022", "0.919", "0.922"),
]
MMC_CLRQ = [
    cc("disconnected contacts", "0.433", "1.688", "0.328", "0.538"),
    cc("contacts in target", "1816.112", "57.042", "1812.572", "1819.652"),
    cc("service level", "0.902", "0.033", "0.900", "0.904"),
    cc("speed of answer (min)", "0.099", "0.045", "0.096", "0.102"),
    cc("occupancy ratio", "0.695", "0.023", "0.694", "0.697"),
    cc("service level with disconnected contacts", "0.902", "0.033", "0.900", "0.904"),
]

SSJ_A = 1660.0  # expected calls a day: the sum of CallCenter.dat's lambda_j


def ssj_scenario(alpha0):
    return f"""\
name: SSJ tutorial CallCenter (alpha0 = {alpha0})
horizon: {{open: "08:00", close: "21:00", interval: 1h, close_policy: drain}}
busyness: {{cv: {1 / math.sqrt(alpha0)!r}}}
service_level: {{threshold: 20s, target: 0.80}}
call_types:
  - name: calls
    arrivals: {{per_interval: [100, 150, 150, 180, 200, 150, 150, 150, 120, 100, 80, 70, 60]}}
    handle_time: {{dist: exponential, mean: 100s}}
    balk: 0.1
    patience: {{dist: exponential, mean: 1000s}}
agent_groups:
  - name: agents
    skills: [calls]
    agents: [4, 6, 8, 8, 8, 7, 8, 8, 6, 6, 4, 4, 4]
"""


def mmc_scenario(extra_call="", extra_top="", close_policy="drain"):
    return f"""\
name: ContactCenters MMC
horizon: {{open: "00:00", close: "08:00", interval: 8h, close_policy: {close_policy}}}
service_level: {{threshold: 20s, target: 0.80}}
{extra_top}call_types:
  - name: calls
    arrivals: {{rate: 4.2/min}}
    handle_time: {{dist: exponential, mean: 2m}}
{extra_call}agent_groups:
  - name: agents
    skills: [calls]
    agents: 12
"""


def batch_totals(name, yaml, days):
    """Per-batch means of the center's totals: a list of BATCHES dicts."""
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(yaml)
    per = days // BATCHES
    out = []
    for b in range(BATCHES):
        res = subprocess.run([ACDSIM, "run", path, "-f", "json", "--no-timing",
                              "-s", str(SEED + b), "-r", str(per), "-j", "2"],
                             capture_output=True, text=True)
        check(res.returncode == 0, f"{name}: exit {res.returncode}: {res.stderr.strip()[:400]}")
        tot = json.loads(res.stdout)["summary"]["totals"]
        out.append({k: v["mean"] for k, v in tot.items()})
    return out


def mean_fig(batches, f):
    """A mean over days of f(totals): estimate and standard error."""
    v = [f(t) for t in batches]
    m = sum(v) / len(v)
    var = sum((x - m) ** 2 for x in v) / (len(v) - 1)
    return m, math.sqrt(var / len(v))


def ratio_fig(batches, num, den):
    """A ratio of means, mean(num) / mean(den), delta method over batches."""
    x = [num(t) for t in batches]
    y = [den(t) for t in batches]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    r = mx / my
    d = [a - r * b for a, b in zip(x, y)]
    var = sum(e * e for e in d) / (len(d) - 1)
    return r, math.sqrt(var / len(d)) / my


def compare(pubs, figs):
    """z-test of every figure; prints each one, fails on the bad ones."""
    bad = []
    for p in pubs:
        ok, half = p.ci_consistent()
        check(ok, f"{p.name}: the printed CI half-width {half:g} is not t x sd/sqrt(n) = "
                  f"{p.t * p.se:g} (transcription?)")
        a, se_a = figs[p.name]
        d = max(0.0, abs(a - p.mean) - p.u / 2)
        z = d / math.hypot(se_a, p.se)
        line = (f"{p.name}: published {p.mean:g} (SE {p.se:.3g}), acdsim {a:.6g} "
                f"(SE {se_a:.3g}, 95% CI +/- {1.96 * se_a:.3g}), z = {z:.2f}")
        print("# " + line)
        if not z <= Z_MAX:
            bad.append(line)
    check(not bad, "\n".join(bad))


def ssj_figures(batches):
    def g(t):
        return t["answered_within_t"] + t["abandoned_within_t"] + t["balked"]
    return {
        "arrivals A": mean_fig(batches, lambda t: t["offered"]),
        "w": mean_fig(batches, lambda t: t["wait_sum_s"] / SSJ_A),
        "g(20 s)": mean_fig(batches, lambda t: g(t) / SSJ_A),
        "l": mean_fig(batches, lambda t: (t["abandoned"] + t["balked"]) / SSJ_A),
    }


def mmc_figures(batches):
    within = lambda t: t["answered_within_t"]  # noqa: E731
    answered = lambda t: t["answered"]  # noqa: E731
    return {
        "contacts in target": mean_fig(batches, within),
        "service level": ratio_fig(batches, within, answered),
        "speed of answer (min)": ratio_fig(batches, lambda t: t["answered_wait_sum_s"] / 60,
                                           answered),
        "occupancy ratio": ratio_fig(batches, lambda t: t["busy_agent_s"],
                                     lambda t: t["staffed_agent_s"]),
    }


@test("SSJ CallCenter.txt (CallCenter.dat, alpha0 = 10): A, w, g(20 s), l")
def _():
    b = batch_totals("ssj_txt", ssj_scenario(10), 20000)
    compare(SSJ_TXT, ssj_figures(b))


@test("SSJ CallCenter.res (alpha0 = 400, inferred): A, w = 4.713, g(20 s) = 0.925, l = 0.020")
def _():
    b = batch_totals("ssj_res", ssj_scenario(400), 20000)
    compare(SSJ_RES, ssj_figures(b))


@test("ContactCenters MMC: M/M/12, 8 h day, drain")
def _():
    b = batch_totals("mmc", mmc_scenario(), 4000)
    compare(MMC, mmc_figures(b))


@test("ContactCenters MMCAb: + exponential patience, mean 1 min")
def _():
    b = batch_totals("mmcab", mmc_scenario(
        extra_call="    patience: {dist: exponential, mean: 1m}\n"), 4000)
    figs = mmc_figures(b)
    figs["contacts having abandoned"] = mean_fig(b, lambda t: t["abandoned"])
    figs["service level with abandonment"] = ratio_fig(
        b, lambda t: t["answered_within_t"],
        lambda t: t["answered"] + t["abandoned"] - t["abandoned_within_t"])
    compare(MMC_AB, figs)


@test("ContactCenters MMCBlocked: queue capacity 5")
def _():
    b = batch_totals("mmcblocked", mmc_scenario(extra_top="queue: {capacity: 5}\n"), 4000)
    figs = mmc_figures(b)
    figs["blocked contacts"] = mean_fig(b, lambda t: t["blocked"])
    figs["service level with blocked contacts"] = ratio_fig(
        b, lambda t: t["answered_within_t"], lambda t: t["answered"] + t["blocked"])
    compare(MMC_BLOCKED, figs)


@test("ContactCenters MMCClrQ: queue cleared at closing")
def _():
    b = batch_totals("mmcclrq", mmc_scenario(close_policy="disconnect"), 4000)
    figs = mmc_figures(b)
    figs["disconnected contacts"] = mean_fig(b, lambda t: t["disconnected"])
    figs["service level with disconnected contacts"] = ratio_fig(
        b, lambda t: t["answered_within_t"], lambda t: t["answered"] + t["disconnected"])
    compare(MMC_CLRQ, figs)


sys.exit(run(cleanup=TMP))
