#!/usr/bin/env python3
"""Per-call-type service-level thresholds and targets (issue 12 §2.7):
`call_types[].service_level: {threshold, target}`.

Checked against the per-call trace (`acdsim run --trace`) of a small
operating day with one replication, so every figure is one replication's
own ratio and can be recomputed exactly:

* a type's service level is the share of its offered calls (fresh calls,
  retrials...: every attempt that reaches the ACD) answered within its own
  threshold; abandoned and blocked calls count as not within;
* per interval (the interval of arrival) likewise;
* the center's figure is answered within each type's own threshold, summed
  over types, over offered calls summed (a ratio of sums);
* a type block that restates the center's threshold changes nothing;
* `--assert` and the text verdict judge each type on its own target, even
  when the center meets its own;
* `acdsim staff` adds agents when a type's stricter goal is missed;
* results.json carries the goals (setup.service_level.call_types) and
  `acdsim report` reads them back.

Environment: ACDSIM (the binary). Output is TAP (taplib).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

from taplib import check, expect_rc, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-sl-by-type-")
OFFERED_SOURCES = {"fresh", "retrial", "repeat", "callback"}

# Busy enough that many callers wait past 20 s and some abandon; retrials
# after abandoning make offered differ from fresh calls. p1 and p2 have
# thresholds of their own, p3 takes the center's 20 s.
DAY = """\
name: priorities
seed: 14
replications: 1
horizon: {open: "08:00", close: "12:00", interval: 1h}
service_level: {threshold: 20s, target: 0.70}
call_types:
  - name: p1
    arrivals: {rate: 30/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
    service_level: {threshold: 30s, target: 0.95}
    retry:
      abandon: {p_first: 0.5, delay: {dist: exponential, mean: 5m}}
  - name: p2
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
    service_level: {threshold: 60s}
  - name: p3
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: agents
    skills: [p1, p2, p3]
    agents: 9
"""
THRESHOLD = {"p1": 30.0, "p2": 60.0, "p3": 20.0}
OPEN_S, INTERVAL_S, N_INTERVALS = 8 * 3600.0, 3600.0, 4


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_json(path, *extra):
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing", *extra), 0, "run")
    return json.loads(out)


_cache = {}


def day():
    """(results, trace rows) of DAY, run once."""
    if not _cache:
        path = write("day.yaml", DAY)
        trace = os.path.join(TMP, "day.csv")
        _cache["r"] = run_json(path, "--trace", trace)
        with open(trace, newline="") as f:
            _cache["rows"] = list(csv.DictReader(f))
    return _cache["r"], _cache["rows"]


def offered_rows(rows):
    return [x for x in rows if x["source"] in OFFERED_SOURCES and x["counted"] == "1"]


def within(x, t):
    """Answered within t; the trace has full precision, but stay clear of
    a wait that prints exactly at the threshold."""
    if x["outcome"] != "answered":
        return False
    wait = float(x["end_s"]) - float(x["arrival_s"])
    check(abs(wait - t) > 1e-9, f"call {x['call_id']} waited {wait} s: at the threshold")
    return wait <= t


def counts(rows, pick=lambda x: True):
    """{type: (answered within own T, answered, offered)} over the rows picked."""
    c = {k: [0, 0, 0] for k in THRESHOLD}
    for x in offered_rows(rows):
        if not pick(x):
            continue
        k = x["type"]
        c[k][0] += within(x, THRESHOLD[k])
        c[k][1] += x["outcome"] == "answered"
        c[k][2] += 1
    return c


def close(a, b, what):
    check(a is not None and abs(a - b) <= 1e-12, f"{what}: results {a}, trace {b}")


@test("each type's service level = answered within its own threshold / offered, from the trace")
def _():
    r, rows = day()
    c = counts(rows)
    for k, (w, ans, off) in c.items():
        check(off > 50 and 0 < w < ans, f"{k}: too few calls to tell ({w}, {ans}, {off})")
        ct = r["call_types"][k]
        close(ct["service_level"]["mean"], w / off, f"{k} service_level")
        close(ct["service_level_answered"]["mean"], w / ans, f"{k} service_level_answered")
        close(ct["totals"]["answered_within_t"]["mean"], w, f"{k} answered_within_t")
    for k, t in THRESHOLD.items():
        mine = [x for x in offered_rows(rows) if x["type"] == k]
        ab = sum(x["outcome"] == "abandoned" and
                 float(x["end_s"]) - float(x["arrival_s"]) <= t for x in mine)
        close(r["call_types"][k]["totals"]["abandoned_within_t"]["mean"], ab,
              f"{k} abandoned_within_t")
        fresh = [x for x in mine if x["source"] == "fresh"]
        close(r["call_types"][k]["service_level_customer"]["mean"],
              sum(within(x, t) for x in fresh) / len(fresh), f"{k} service_level_customer")
    # the thresholds matter: p1 within 30 s differs from within 20 s
    p1_20 = sum(within(x, 20.0) for x in offered_rows(rows) if x["type"] == "p1")
    check(p1_20 < c["p1"][0], f"p1 within 20 s {p1_20} vs within 30 s {c['p1'][0]}")
    retrials = sum(x["source"] == "retrial" for x in offered_rows(rows))
    check(retrials > 0, "no retrial: the offered denominator is not exercised")


@test("per interval (of arrival), each type uses its own threshold")
def _():
    r, rows = day()
    check(len(r["intervals"]) == N_INTERVALS, "intervals")
    for i, iv in enumerate(r["intervals"]):
        c = counts(rows, lambda x, i=i: int((float(x["arrival_s"]) - OPEN_S) // INTERVAL_S) == i)
        for k, (w, ans, off) in c.items():
            close(iv["call_types"][k]["service_level"]["mean"], w / off,
                  f"interval {i} {k} service_level")


@test("the center's service level = sum of within-own-T / sum of offered (ratio of sums)")
def _():
    r, rows = day()
    types = r["call_types"]
    w = sum(types[k]["totals"]["answered_within_t"]["mean"] for k in THRESHOLD)
    off = sum(types[k]["totals"]["offered"]["mean"] for k in THRESHOLD)
    close(r["summary"]["service_level"]["mean"], w / off, "center from the types' totals")
    c = counts(rows)
    close(r["summary"]["service_level"]["mean"],
          sum(v[0] for v in c.values()) / sum(v[2] for v in c.values()), "center from the trace")
    for i, iv in enumerate(r["intervals"]):
        w = sum(iv["call_types"][k]["totals"]["answered_within_t"]["mean"] for k in THRESHOLD)
        off = sum(iv["call_types"][k]["totals"]["offered"]["mean"] for k in THRESHOLD)
        close(iv["service_level"]["mean"], w / off, f"interval {i} center")


@test("a type block restating the center's threshold changes no figure")
def _():
    plain = DAY.replace("    service_level: {threshold: 30s, target: 0.95}\n", "") \
               .replace("    service_level: {threshold: 60s}\n", "")
    same = plain.replace("  - name: p3\n", "  - name: p3\n    service_level: {threshold: 20s}\n")
    a = run_json(write("plain.yaml", plain))
    b = run_json(write("same.yaml", same))
    check("call_types" not in a["setup"]["service_level"], "setup lists types without a goal")
    check(b["setup"]["service_level"]["call_types"] == {"p3": {"threshold_s": 20, "target": 0.7}},
          f"setup: {b['setup']['service_level']}")
    for key in ("summary", "call_types", "agent_groups", "intervals", "wait_cdf"):
        check(a[key] == b[key], f"{key} differs")


@test("--assert: the center passes, p1 misses its own target (target word, targets)")
def _():
    path = write("day.yaml", DAY)
    r, _ = day()
    check(r["summary"]["service_level"]["mean"] >= 0.70, "the center should meet its 70%")
    check(r["call_types"]["p1"]["service_level"]["mean"] < 0.95, "p1 should miss its 95%")
    check(r["call_types"]["p2"]["service_level"]["mean"] >= 0.70, "p2 should meet the center's 70%")
    expect_rc(acdsim("run", path, "--no-timing", "--assert", "service_level>=target",
                     "--assert", "p2.service_level>=target"), 0, "center and p2 on target")
    _, err = expect_rc(acdsim("run", path, "--no-timing", "--assert", "p1.service_level>=target"),
                       3, "p1 on its target")
    check("p1.service_level>=target (target 0.95)" in err, err)
    _, err = expect_rc(acdsim("run", path, "--no-timing", "--assert", "targets"), 3, "targets")
    check("Service level p1 (30s) >= 0.95" in err, err)
    check("Service level (own T)" not in err, f"the center was judged missed: {err}")
    _, err = expect_rc(acdsim("run", path, "--assert", "abandon_rate<=target"), 2, "target word")
    check("'target' is the service level's goal" in err, err)


@test("the text verdict counts each type's own target")
def _():
    out, _ = expect_rc(acdsim("run", write("day.yaml", DAY), "--no-timing"), 0, "run")
    lines = out.splitlines()
    center = [x for x in lines if x.strip().startswith("Service level (own T) >= 70.0%")]
    p1 = [x for x in lines if x.strip().startswith("Service level p1 (30s) >= 95.0%")]
    p2 = [x for x in lines if x.strip().startswith("Service level p2 (60s) >= 70.0%")]
    check(center and center[0].rstrip().endswith("met"), f"center line: {center}")
    check(p1 and p1[0].rstrip().endswith("MISSED"), f"p1 line: {p1}")
    check(p2 and p2[0].rstrip().endswith("met"), f"p2 line: {p2}")
    check("Verdict: 1 of 3 targets MISSED" in out, out[-400:])
    check("Call type: p1 (SL 95% in 30s)" in out, "p1's goal beside its figures")


@test("results.json round trip: acdsim report reads the types' goals back")
def _():
    d = os.path.join(TMP, "out")
    expect_rc(acdsim("run", write("day.yaml", DAY), "--no-timing", "-o", d), 0, "run -o")
    doc = os.path.join(d, "results.json")
    out, err = expect_rc(acdsim("report", doc, "-f", "json"), 0, "report -f json")
    with open(doc) as f:
        check(out == f.read(), "report -f json differs from results.json")
    check("warning" not in err, err)
    out, _ = expect_rc(acdsim("report", doc), 0, "report")
    check("Verdict: 1 of 3 targets MISSED" in out, out[-300:])
    with open(os.path.join(d, "index.html")) as f:
        page = f.read()
    check("goal &#8805; 95.0% in 30s" in page, "the page shows p1's goal beside its SL")
    check("1 of 3 targets missed" in page, "page banner")


STAFF = """\
name: strict p1
seed: 14
replications: 20
horizon: {duration: 8h, warmup: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: p1
    arrivals: {rate: 20/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 5m}
    service_level: {threshold: 10s, target: 0.95}
  - name: p2
    arrivals: {rate: 100/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 5m}
agent_groups:
  - name: agents
    skills: [p1, p2]
    agents: 10
"""


def staff(text, name):
    d = os.path.join(TMP, name)
    out, _ = expect_rc(acdsim("staff", write(name + ".yaml", text), "-q", "-f", "json",
                              "-o", d), 0, "staff")
    s = json.loads(out)
    return s, run_json(os.path.join(d, "recommended.yaml"), "-r", "20")


@test("staff adds agents until the type with the stricter goal meets it")
def _():
    loose, loose_r = staff(STAFF.replace("    service_level: {threshold: 10s, target: 0.95}\n", ""),
                           "loose")
    strict, strict_r = staff(STAFF, "strict")
    a0 = loose["recommendation"][0]["agents"]
    a1 = strict["recommendation"][0]["agents"]
    check(strict["feasible"] and a1 > a0, f"agents {a1} with p1's goal, {a0} without")
    check(strict["targets"]["call_types"] == {"p1": {"service_level": 0.95, "threshold_s": 10}},
          f"targets: {strict['targets']}")
    # the recommended plan meets p1's own goal when run again
    check(loose_r["setup"]["service_level"].get("call_types") is None, "loose has no type goal")
    p1 = strict_r["call_types"]["p1"]["service_level"]["mean"]
    check(p1 >= 0.95, f"p1 with the recommended plan: {p1}")


sys.exit(run(cleanup=TMP))
