#!/usr/bin/env python3
"""Common random numbers per caller (issue 13 §1).

Every random quantity of a caller is drawn from sub-streams tied to its
identity (call type, sequence number of its fresh call in the
replication), not to the order of events, so two scenarios that differ only
in staffing or in routing face the same callers. Checked on the per-call
trace (`acdsim run --trace`) of one replication of a busy operating day
with balking, abandonment, retrials after abandoning, resolution with
repeat calls and a second call type, for every caller (type, sequence
number) present in both runs:

* the same fresh-call arrival time (and issue id);
* patience: a first attempt abandoned in both runs waited exactly as long
  in both; one abandoned in one run and answered in the other was answered
  before its patience ran out (its wait is at most the other run's
  patience);
* balking: a first attempt that balked in one run balked in the other
  unless an agent was free at once (a caller answered without waiting
  never decides to balk);
* the retrial decision and delay after an abandoned first attempt are the
  same (the retrial's arrival is the same time after the abandon);
* handle time: a first attempt answered in both runs by the same group
  talked exactly as long; and its resolution (resolved / repeat call) is
  the same, with the repeat call the same time after the talk;
* routing: with two groups that have different handle-time distributions,
  `longest_idle` versus `random`, the first talks answered by the same
  group in both runs are equally long.

Environment: ACDSIM (the binary). Output is TAP (taplib).
"""
import csv
import os
import subprocess
import sys
import tempfile

from taplib import check, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-crn-")
EPS = 1e-6

DAY = """\
name: crn
seed: 5
replications: 1
horizon: {{open: "08:00", close: "11:00", interval: 30m}}
routing: {routing}
call_types:
  - name: billing
    arrivals: {{per_interval: [50, 60, 70, 70, 60, 50]}}
    handle_time: {{dist: gamma, mean: 4m, cv: 0.7}}
    patience: {{dist: exponential, mean: 2m}}
    balk: 0.1
    retry:
      abandon: {{p_first: 0.6, delay: {{dist: exponential, mean: 10m}}, max_attempts: 3}}
    resolution:
      - {{tier: 1, resolve: 0.8}}
    repeat_delay: {{dist: exponential, mean: 30m}}
  - name: sales
    arrivals: {{per_interval: [30, 30, 30, 30, 30, 30]}}
    handle_time: {{dist: lognormal, mean: 3m, cv: 0.5}}
    patience: {{dist: exponential, mean: 3m}}
agent_groups:
  - name: front
    skills: [billing, sales]
    agents: {front}
    wrap_up: {{dist: exponential, mean: 30s}}
{more}"""

BACK = """\
  - name: back
    skills: [billing, sales]
    agents: 4
    handle_time:
      billing: {dist: exponential, mean: 5m}
"""


def trace(name, routing="longest_idle", front=9, more=""):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(DAY.format(routing=routing, front=front, more=more))
    out = os.path.join(TMP, name + ".csv")
    p = subprocess.run([ACDSIM, "run", path, "--no-timing", "--trace", out],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, f"{name}: exit {p.returncode}: {p.stderr}")
    with open(out) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("arrival_s", "end_s", "done_s"):
            r[k] = float(r[k])
        r["attempt"] = int(r["attempt"])
    return callers(rows)


def callers(rows):
    """{(type, sequence number): {attempt: [legs in order of arrival]}}"""
    by_issue = {}
    for r in rows:
        by_issue.setdefault(r["issue_id"], []).append(r)
    fresh = {}
    for legs in by_issue.values():
        legs.sort(key=lambda r: (r["attempt"], r["arrival_s"], int(r["call_id"])))
        first = legs[0]
        check(first["source"] == "fresh" and first["attempt"] == 1, f"issue without a fresh call: {legs}")
        fresh.setdefault(first["type"], []).append(legs)
    out = {}
    for t, issues in fresh.items():
        issues.sort(key=lambda legs: (legs[0]["arrival_s"], int(legs[0]["issue_id"])))
        for n, legs in enumerate(issues):
            att = {}
            for r in legs:
                att.setdefault(r["attempt"], []).append(r)
            out[(t, n)] = att
    return out


def same(a, b):
    return abs(a - b) <= EPS * max(1.0, abs(a))


def compare(A, B, what):
    """The checks of the docstring for two runs of the same callers; returns
    how many callers each check compared (so the test can insist it saw
    enough of them)."""
    seen = {"arrival": 0, "patience": 0, "patience_bound": 0, "balk": 0, "retrial": 0,
            "handle": 0, "resolution": 0}
    keys = set(A) & set(B)
    check(len(keys) > 500, f"{what}: too few callers in both runs: {len(keys)}")
    for key in sorted(keys):
        a1, b1 = A[key][1][0], B[key][1][0]
        check(same(a1["arrival_s"], b1["arrival_s"]) and a1["issue_id"] == b1["issue_id"],
              f"{what}: caller {key} arrives at {a1['arrival_s']} / {b1['arrival_s']}")
        seen["arrival"] += 1
        oa, ob = a1["outcome"], b1["outcome"]
        wa, wb = a1["end_s"] - a1["arrival_s"], b1["end_s"] - b1["arrival_s"]
        if oa == ob == "abandoned":
            check(same(wa, wb), f"{what}: caller {key} patience {wa} / {wb}")
            seen["patience"] += 1
            ra, rb = A[key].get(2), B[key].get(2)
            check((ra is None) == (rb is None), f"{what}: caller {key} retries in one run only")
            if ra:
                check(same(ra[0]["arrival_s"] - a1["end_s"], rb[0]["arrival_s"] - b1["end_s"]),
                      f"{what}: caller {key} retrial delay differs")
            seen["retrial"] += 1
        for (o1, w1), (o2, w2) in (((oa, wa), (ob, wb)), ((ob, wb), (oa, wa))):
            if o1 == "abandoned" and o2 == "answered":
                check(w2 <= w1 + EPS, f"{what}: caller {key} answered after {w2} s, patience {w1} s")
                seen["patience_bound"] += 1
            if o1 == "balked":
                check(o2 == "balked" or (o2 == "answered" and w2 == 0),
                      f"{what}: caller {key} balked in one run, {o2} after {w2} s in the other")
                seen["balk"] += 1
        if oa == ob == "answered" and a1["group"] == b1["group"]:
            ta, tb = a1["done_s"] - a1["end_s"], b1["done_s"] - b1["end_s"]
            check(same(ta, tb), f"{what}: caller {key} talks {ta} / {tb} s with {a1['group']}")
            seen["handle"] += 1
            check(a1["after"] == b1["after"], f"{what}: caller {key}: {a1['after']} / {b1['after']}")
            if a1["after"] == "repeat":
                ra, rb = A[key][2][0], B[key][2][0]
                check(same(ra["arrival_s"] - a1["done_s"], rb["arrival_s"] - b1["done_s"]),
                      f"{what}: caller {key} repeat delay differs")
            seen["resolution"] += 1
    return seen


def enough(seen, what, **least):
    for k, n in least.items():
        check(seen[k] >= n, f"{what}: only {seen[k]} callers compared for {k}: {seen}")


@test("staffing 9 vs 11 agents: the same callers (arrival, patience, balking, retrials, handle time, resolution)")
def _():
    seen = compare(trace("a9", front=9), trace("a11", front=11), "9 vs 11")
    enough(seen, "9 vs 11", patience=20, patience_bound=20, balk=10, retrial=20, handle=300,
           resolution=300)


@test("routing longest_idle vs random, two groups with their own handle times: the same callers")
def _():
    A = trace("li", front=6, more=BACK)
    B = trace("rnd", routing="random", front=6, more=BACK)
    seen = compare(A, B, "routing")
    enough(seen, "routing", handle=100, patience=50)
    # The runs do differ (the test is not comparing a run with itself).
    groups = sum(A[k][1][0]["group"] != B[k][1][0]["group"] for k in set(A) & set(B))
    check(groups > 20, f"routing: only {groups} callers answered by another group")


@test("the same scenario twice: identical traces (per-caller streams are deterministic)")
def _():
    A, B = trace("s1"), trace("s2")
    check(A == B, "two runs of one scenario differ")


sys.exit(run(cleanup=TMP))
