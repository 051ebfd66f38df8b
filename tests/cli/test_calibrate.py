#!/usr/bin/env python3
"""End-to-end tests of `acdsim calibrate LOG.csv` (TAP output).

The real sample day (tests/data/anonymous_bank_one_day.csv) calibrates and
its scenario validates and runs; a round trip recovers known parameters
from `acdsim run --trace` (one replication of about 16,000 calls: fast
under the sanitizers too); the same log gives the same scenario, byte for
byte; bad input exits 2 and writes nothing.

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory. Python
standard library only.
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(TESTS_DIR, "data", "anonymous_bank_one_day.csv")
TMP = tempfile.mkdtemp(prefix="acdsim_calibrate_")


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, cwd=TMP)
    return p.returncode, p.stdout, p.stderr


def path(name):
    return os.path.join(TMP, name)


# ------------------------------------------------------- the sample day

SAMPLE_DIR = path("bank")
SAMPLE_JSON = {}


@test("the sample day calibrates with the detected preset (-o DIR)")
def _():
    out, err = expect_rc(acdsim("calibrate", SAMPLE, "-o", SAMPLE_DIR, "-f", "json"), 0,
                         "calibrate")
    SAMPLE_JSON.update(json.loads(out))
    for f in ("calibrated.yaml", "calibration.json"):
        check(os.path.exists(os.path.join(SAMPLE_DIR, f)), f"{f} missing")
    with open(os.path.join(SAMPLE_DIR, "calibration.json")) as f:
        check(json.load(f) == SAMPLE_JSON, "calibration.json differs from -f json")
    names = [t["name"] for t in SAMPLE_JSON["call_types"]]
    check("PS" in names, f"call types {names}")
    check(SAMPLE_JSON["rows"]["read"] == 2375, f"rows {SAMPLE_JSON['rows']}")
    if shutil.which("gnuplot"):
        for c in ("calib_handle", "calib_patience", "calib_arrivals"):
            check(os.path.exists(os.path.join(SAMPLE_DIR, c + ".png")), f"{c}.png missing")


@test("the sample day's scenario validates and runs (run -r 3)")
def _():
    scen = os.path.join(SAMPLE_DIR, "calibrated.yaml")
    expect_rc(acdsim("validate", scen), 0, "validate")
    out, _ = expect_rc(acdsim("run", scen, "-r", "3", "-f", "json"), 0, "run")
    r = json.loads(out)
    check(r["summary"]["offered"]["mean"] > 1000, f"offered {r['summary']['offered']}")


@test("sample day back-tested: the fitted availability reproduces the log better than all seen")
def _():
    ag = SAMPLE_JSON["agents"]
    check(ag["availability_fitted"] and 0 < ag["availability"] < 1, f"availability {ag}")
    check(abs(ag["simulated_abandon_rate_fitted"] - ag["log_abandon_rate"]) < 0.03
          and ag["simulated_abandon_rate_seen"] < ag["log_abandon_rate"] - 0.1, f"{ag}")
    scen = os.path.join(SAMPLE_DIR, "calibrated.yaml")
    out, _ = expect_rc(acdsim("backtest", SAMPLE, scen, "-r", "20", "-f", "json"), 0, "backtest")
    fitted = json.loads(out)["fit"]["share"]
    seen = path("bank-seen.yaml")
    expect_rc(acdsim("calibrate", SAMPLE, "--availability", "seen", "-q", "-o", seen), 0, "seen")
    out, _ = expect_rc(acdsim("backtest", SAMPLE, seen, "-r", "20", "-f", "json"), 0, "backtest")
    as_seen = json.loads(out)["fit"]["share"]
    check(fitted >= 0.7 and fitted > as_seen + 0.1,
          f"back-test fit {fitted:.2f} with the fitted availability, {as_seen:.2f} as seen")


@test("sample day: Kaplan-Meier survival never increases, within [0, 1], band around it")
def _():
    seen = 0
    for t in SAMPLE_JSON["call_types"]:
        km = t["patience"]["km"]
        prev = 1.0
        for row in km:
            ts, s, lo, hi = row[0], row[1], row[2], row[3]
            check(0 <= s <= prev + 1e-12, f"{t['name']}: S({ts}) = {s} after {prev}")
            check(lo - 1e-9 <= s <= hi + 1e-9, f"{t['name']}: band {lo}-{hi} misses {s}")
            prev = s
        seen += len(km) > 0
    check(seen >= 3, "fewer than 3 call types with abandons")


@test("sample day: each type's fitted handle-time mean within the sample's CI of the mean")
def _():
    for t in SAMPLE_JSON["call_types"]:
        h = t["handle_time"]
        if h["chosen"] is None:
            continue
        chosen = next(f for f in h["fits"] if f["family"] == h["chosen"])
        lo, hi = h["sample_mean"]["ci95"]
        check(lo <= chosen["mean_s"] <= hi,
              f"{t['name']}: {h['chosen']} mean {chosen['mean_s']} outside {lo}-{hi}")


@test("sample day: an empirical patience (KS > 0.1) has its sample file in the folder")
def _():
    with open(os.path.join(SAMPLE_DIR, "calibrated.yaml")) as f:
        text = f.read()
    n = 0
    for t in SAMPLE_JSON["call_types"]:
        if not t["patience"]["empirical"]:
            continue
        n += 1
        name = "patience_" + "".join(ch if ch.isalnum() or ch in "-_" else "_"
                                     for ch in t["name"]) + ".csv"
        check(f'file: "{name}"' in text, f"{name} not named in the scenario")
        with open(os.path.join(SAMPLE_DIR, name)) as f:
            vals = [float(x) for x in f if not x.startswith("#")]
        check(len(vals) == 1000 and vals == sorted(vals) and vals[0] >= 0, f"{name} values")
    if n == 0:
        return "skip no patience fit was poor enough"


@test("sample day: the scenario's comments say where numbers came from")
def _():
    with open(os.path.join(SAMPLE_DIR, "calibrated.yaml")) as f:
        text = f.read()
    check("95% CI" in text, "no CI in the comments")
    check("not who was available" in text, "no note on agents seen")
    check("skills" in text and "wrap-up" in text, "no note on what a log lacks")


# ------------------------------------------------------------ round trip

N_INT = 16  # 08:00-16:00 in half hours


def profile(base):
    return [round(base * (0.7 + 0.6 * math.sin(math.pi * (i + 0.5) / N_INT)), 1)
            for i in range(N_INT)]


TRUTH = {
    "billing": {"calls": profile(500), "handle": (240.0, 0.8), "patience": ("exponential", 180.0)},
    "tech": {"calls": profile(400), "handle": (150.0, 0.5), "patience": ("gamma", 240.0)},
}
P_FIRST, DELAY = 0.5, 600.0

TRUTH_YAML = f"""\
name: round trip
seed: 7
replications: 1
horizon: {{open: "08:00", close: "16:00", interval: 30m, close_policy: drain}}
call_types:
  - name: billing
    arrivals: {{per_interval: {TRUTH['billing']['calls']}}}
    handle_time: {{dist: lognormal, mean: 240, cv: 0.8}}
    patience: {{dist: exponential, mean: 180}}
    retry:
      abandon: {{p_first: {P_FIRST}, delay: {{dist: exponential, mean: 10m}}}}
  - name: tech
    arrivals: {{per_interval: {TRUTH['tech']['calls']}}}
    handle_time: {{dist: lognormal, mean: 150, cv: 0.5}}
    patience: {{dist: gamma, mean: 240, cv: 0.6}}
    retry:
      abandon: {{p_first: {P_FIRST}, delay: {{dist: exponential, mean: 10m}}}}
agent_groups:
  - name: all
    skills: [billing, tech]
    agents: 112
"""
RT = {}


def covers(ci, x):
    return ci[0] is not None and ci[0] <= x <= ci[1]


@test("round trip: a known scenario's trace calibrates (--columns acdsim-trace)")
def _():
    with open(path("truth.yaml"), "w") as f:
        f.write(TRUTH_YAML)
    expect_rc(acdsim("run", "truth.yaml", "--trace", "trace.csv", "-q"), 0, "run --trace")
    out, _ = expect_rc(acdsim("calibrate", "trace.csv", "--columns", "acdsim-trace",
                              "-f", "json", "-o", "rt.yaml"), 0, "calibrate")
    RT.update(json.loads(out))
    RT["types"] = {t["name"]: t for t in RT["call_types"]}
    check(set(RT["types"]) == set(TRUTH), f"types {sorted(RT['types'])}")
    check(RT["open"] == "08:00" and RT["close"] == "16:00", f"{RT['open']}-{RT['close']}")
    # Every agent of the simulated center was available all day (no
    # wrap-up, no breaks): the availability fit must not take any away.
    check(RT["agents"]["availability"] > 0.9, f"availability {RT['agents']}")


@test("round trip: at least 90% of the interval arrival CIs cover the true expected calls")
def _():
    hits = total = 0
    misses = []
    for name, t in TRUTH.items():
        rows = RT["types"][name]["arrivals"]
        check(len(rows) == N_INT, f"{name}: {len(rows)} intervals")
        for i, row in enumerate(rows):
            total += 1
            if covers(row["ci95"], t["calls"][i]):
                hits += 1
            else:
                misses.append(f"{name} {row['start']}: {t['calls'][i]} not in {row['ci95']}")
    check(hits >= 0.9 * total, f"{hits}/{total} cover; " + "; ".join(misses))


@test("round trip: handle-time mean and cv CIs cover the truth (lognormal)")
def _():
    for name, t in TRUTH.items():
        h = RT["types"][name]["handle_time"]
        mean, cv = t["handle"]
        check(covers(h["sample_mean"]["ci95"], mean), f"{name}: sample mean CI {h['sample_mean']}")
        ln = next(f for f in h["fits"] if f["family"] == "lognormal")
        check(covers(ln["mean_ci95"], mean), f"{name}: lognormal mean CI {ln['mean_ci95']}")
        check(covers(ln["cv_ci95"], cv), f"{name}: lognormal cv CI {ln['cv_ci95']}")
        check(h["chosen"] == "lognormal", f"{name}: AIC chose {h['chosen']}")


@test("round trip: patience means under heavy censoring within their CIs")
def _():
    for name, t in TRUTH.items():
        p = RT["types"][name]["patience"]
        fam, mean = t["patience"]
        check(p["censored"] > 4 * p["events"], f"{name}: not heavily censored {p['events']}")
        true_fit = next(f for f in p["fits"] if f["family"] == fam)
        check(true_fit["ok"] and covers(true_fit["mean_ci95"], mean),
              f"{name}: {fam} mean CI {true_fit.get('mean_ci95')} misses {mean}")
        chosen = next(f for f in p["fits"] if f["family"] == p["chosen"])
        check(covers(chosen["mean_ci95"], mean),
              f"{name}: chosen {p['chosen']} mean CI {chosen['mean_ci95']} misses {mean}")


@test("round trip: retrial p_first and delay mean within their CIs")
def _():
    for name in TRUTH:
        r = RT["types"][name]["retry"]
        check(r is not None, f"{name}: no retrials found")
        check(covers(r["p_first"]["ci95"], P_FIRST), f"{name}: p_first {r['p_first']}")
        check(covers(r["delay"]["mean_ci95"], DELAY), f"{name}: delay {r['delay']}")


@test("round trip: the calibrated scenario validates and runs")
def _():
    expect_rc(acdsim("validate", "rt.yaml"), 0, "validate")
    expect_rc(acdsim("run", "rt.yaml", "-r", "2", "-q"), 0, "run")


@test("the same log gives a byte-identical scenario")
def _():
    expect_rc(acdsim("calibrate", "trace.csv", "-q", "--scenario", "again.yaml"), 0, "calibrate")
    with open(path("rt.yaml"), "rb") as a, open(path("again.yaml"), "rb") as b:
        check(a.read() == b.read(), "rt.yaml and again.yaml differ")
    expect_rc(acdsim("calibrate", SAMPLE, "-q", "-o", "bank1.yaml"), 0, "calibrate")
    expect_rc(acdsim("calibrate", SAMPLE, "-q", "-o", "bank2.yaml"), 0, "calibrate")
    with open(path("bank1.yaml"), "rb") as a, open(path("bank2.yaml"), "rb") as b:
        check(a.read() == b.read(), "bank1.yaml and bank2.yaml differ")


@test("--agents N sets every interval; --interval changes the grid")
def _():
    expect_rc(acdsim("calibrate", "trace.csv", "-q", "--agents", "120", "--interval", "1h",
                     "-o", "a120.yaml"), 0, "calibrate")
    with open(path("a120.yaml")) as f:
        text = f.read()
    check("interval: 3600s" in text, "interval not 1h")
    check(text.count("      - 120   #") == 8, "not 8 intervals of 120 agents")
    expect_rc(acdsim("validate", "a120.yaml"), 0, "validate")


@test("--agents FILE sets the intervals it names; --by date and --by weekday run")
def _():
    with open(path("agents.csv"), "w") as f:
        f.write("start,agents\n# the morning\n08:00,90\n08:30,95\n")
    expect_rc(acdsim("calibrate", "trace.csv", "-q", "--agents", "agents.csv",
                     "-o", "afile.yaml"), 0, "calibrate")
    with open(path("afile.yaml")) as f:
        text = f.read()
    check("      - 90   # 08:00" in text and "      - 95   # 08:30" in text, "file ignored")
    expect_rc(acdsim("validate", "afile.yaml"), 0, "validate")
    for by in ("date", "weekday"):
        expect_rc(acdsim("calibrate", "trace.csv", "-q", "--by", by, "--availability", "seen",
                           "-o", f"by_{by}.yaml"), 0,
                  f"--by {by}")
    with open(path("bad_agents.csv"), "w") as f:
        f.write("08:10,3\n")
    _, err = expect_rc(acdsim("calibrate", "trace.csv", "--agents", "bad_agents.csv",
                              "-o", "bad_agents.yaml"), 2, "a bad agents file")
    check("bad_agents.csv:1:" in err, err)
    nothing_written(["bad_agents.yaml"])


DAYS = ["2026-11-30", "2026-12-01", "2026-12-07", "2026-12-08", "2026-12-14"]  # Mon Tue x2, Mon
SMALL = """\
name: small days
seed: 3
replications: 5
horizon: {open: "09:00", close: "12:00", interval: 30m}
busyness: {cv: 0.2}
call_types:
  - name: calls
    arrivals: {per_interval: [40, 60, 80, 80, 60, 40]}
    handle_time: {dist: lognormal, mean: 180, cv: 0.7}
    patience: {dist: exponential, mean: 120}
agent_groups:
  - name: all
    skills: [calls]
    agents: 8
"""
DATED_COLUMNS = ("arrival=arrival_s,exit=end_s,end=done_s,outcome=outcome,type=type,"
                 "customer=issue_id,date=date,outcome.answered=answered,"
                 "outcome.abandoned=abandoned,outcome.blocked=blocked")


@test("days from a date column: busyness estimated, --by weekday and --by date pick days")
def _():
    with open(path("small.yaml"), "w") as f:
        f.write(SMALL)
    rows = []
    for k, day in enumerate(DAYS):
        expect_rc(acdsim("run", "small.yaml", "--trace", f"s{k}.csv", "--trace-replication",
                         str(k), "-q"), 0, "run --trace")
        with open(path(f"s{k}.csv")) as f:
            lines = f.read().splitlines()
        head = lines[0].split(",")
        iid = head.index("issue_id")
        for line in lines[1:]:
            cells = line.split(",")
            cells[iid] = f"{k}-{cells[iid]}"  # a customer per day
            rows.append(",".join(cells) + "," + day)
    with open(path("days.csv"), "w") as f:
        f.write(lines[0] + ",date\n" + "\n".join(rows) + "\n")
    res = {}
    for by in ("all", "weekday", "date"):
        out, _ = expect_rc(acdsim("calibrate", "days.csv", "--columns", DATED_COLUMNS, "--by", by,
                                  "--availability", "seen", "-f", "json", "-o",
                                  f"days_{by}.yaml"), 0, f"--by {by}")
        res[by] = json.loads(out)
        expect_rc(acdsim("validate", f"days_{by}.yaml"), 0, "validate")
    check(res["all"]["days"] == 5 and res["all"]["profile_days"] == 5, f"{res['all']['days']}")
    check(res["weekday"]["profile_days"] == 3, f"weekday: {res['weekday']['profile_days']}")
    check(res["date"]["profile_days"] == 1, f"date: {res['date']['profile_days']}")
    _, err = expect_rc(acdsim("calibrate", "days.csv", "--columns", DATED_COLUMNS,
                              "--weekday", "sunday", "-o", "sunday.yaml"), 2, "no Sunday")
    check("no sunday" in err, err)
    nothing_written(["sunday.yaml"])
    expect_rc(acdsim("calibrate", "trace.csv", "-q", "--weekday", "fri", "--availability", "seen",
                     "-o", "fri.yaml"), 0,
              "--weekday without dates")
    cv = res["all"]["busyness_cv"]
    check(cv is not None and cv >= 0, f"busyness {cv}")
    with open(path("days_all.yaml")) as f:
        check("busyness: {cv: " in f.read(), "no busyness written")
    with open(path("days_weekday.yaml")) as f:
        check("(Monday)" in f.read(), "the weekday is not named")
    # the pooled profile is the mean day: about the scenario's calls
    total = sum(r["calls"] for r in res["all"]["call_types"][0]["arrivals"])
    check(250 <= total <= 470, f"mean day {total} calls, scenario 360")


# ------------------------------------------------------------- bad input

def nothing_written(names):
    for n in names:
        check(not os.path.exists(path(n)), f"{n} written")


@test("a bad --columns: exit 2, located error, nothing written")
def _():
    _, err = expect_rc(acdsim("calibrate", SAMPLE, "--columns", "arrival", "-o", "bad1.yaml"),
                       2, "calibrate")
    check("--columns:1:" in err and "error" in err, err)
    nothing_written(["bad1.yaml"])


@test("a missing column: exit 2, located error, nothing written")
def _():
    _, err = expect_rc(acdsim("calibrate", SAMPLE, "--columns",
                              "arrival=nope,answer=ser_start,end=ser_exit,outcome=outcome,"
                              "outcome.AGENT=answered",
                              "-o", "bad2"), 2, "calibrate")
    check("error" in err and "nope" in err, err)
    nothing_written(["bad2"])


@test("skipped rows: a one-line summary per reason on stderr; --strict makes them errors")
def _():
    with open(SAMPLE) as f:
        lines = f.read().splitlines()
    lines.insert(5, "AA0101,1,PS,0:10:10")  # too few fields
    with open(path("short.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    _, err = expect_rc(acdsim("calibrate", "short.csv", "-q", "-o", "short.yaml"), 0,
                       "calibrate")
    check("line 6" in err and "skipped" in err, err)
    check(os.path.exists(path("short.yaml")), "scenario not written")
    _, err = expect_rc(acdsim("calibrate", "short.csv", "--strict", "-o", "strict.yaml"), 2,
                       "calibrate --strict")
    check("short.csv:6:" in err, err)
    nothing_written(["strict.yaml"])


@test("usage errors exit 2")
def _():
    expect_rc(acdsim("calibrate"), 2, "no LOG")
    expect_rc(acdsim("calibrate", SAMPLE, "--interval", "7m"), 2, "7m")
    expect_rc(acdsim("calibrate", SAMPLE, "--by", "month"), 2, "--by month")
    expect_rc(acdsim("calibrate", "no_such.csv", "-o", "x.yaml"), 2, "missing log")
    nothing_written(["x.yaml"])
    with open(SAMPLE) as f, open(path("header_only.csv"), "w") as g:
        g.write(f.readline())
    _, err = expect_rc(acdsim("calibrate", "header_only.csv", "-o", "empty.yaml"), 2,
                       "a log without calls")
    check("header_only.csv:" in err and "error" in err, err)
    nothing_written(["empty.yaml"])
    out, _ = expect_rc(acdsim("calibrate", "--help"), 0, "--help")
    check("calibrate LOG.csv" in out, out)


sys.exit(run(cleanup=TMP))
