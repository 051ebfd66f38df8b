#!/usr/bin/env python3
"""Callers across attempts and after closing (issue 12 §2.2, §2.3, §2.8),
checked against `acdsim run --trace` of small operating days (TAP):

  * retry.same_caller: every attempt of an issue waits with the patience
    drawn for its first wait (abandoned attempts of one issue all waited
    exactly as long); `same_caller: false` is the model without the key,
    byte for byte;
  * attempts due after closing are counted (totals.after_close), exactly
    the abandoned / blocked / unresolved legs whose fixed delay lands at or
    after closing;
  * the cumulative wait of an issue (trace column wait_total_s) is at
    least every leg's own wait, is the sum of its legs' waits, and the
    results' issue_wait_sum_s, issues_answered_within_t and
    service_level_cumulative (center and per interval of the first call)
    are those of the trace;
  * the drain after closing: its length is the end of the last call after
    closing, busy time the talk time after closing, staffed time the
    agents on duty times its length, occupancy their ratio (per group and
    for the center);
  * results.json read back (acdsim report) keeps the new figures, and a
    document without them (older versions) still reads.

Environment: ACDSIM = the binary. Python standard library only.
"""
import collections
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import taplib  # noqa: E402
from taplib import check, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-callers-")
OPEN, CLOSE, IV = 8 * 3600.0, 10 * 3600.0, 1800.0

# Overloaded, impatient callers who retry after abandoning: many issues
# abandon more than once.
SAME = """\
name: same caller
seed: 11
replications: 1
horizon: {open: "08:00", close: "10:00", interval: 30m}
call_types:
  - name: calls
    arrivals: {per_interval: [40, 40, 40, 40]}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 1m}
    retry:
      abandon: {p_first: 0.9, delay: {dist: exponential, mean: 3m}, max_attempts: 4}
%s
agent_groups:
  - name: agents
    skills: [calls]
    agents: 3
"""

# Fixed delays: a retrial (after a busy signal or an abandon) or a repeat
# call lands exactly 30 minutes after the attempt ended; every abandoned or
# blocked caller retries (max 3 attempts), every unresolved one calls again.
AFTER = """\
name: after close
seed: 4
replications: 1
horizon: {open: "08:00", close: "10:00", interval: 30m}
call_types:
  - name: calls
    arrivals: {per_interval: [30, 30, 30, 30]}
    handle_time: {dist: exponential, mean: 3m}
    patience: {dist: exponential, mean: 2m}
    retry:
      busy: {p_first: 1, delay: {dist: deterministic, mean: 30m}, max_attempts: 3}
      abandon: {p_first: 1, delay: {dist: deterministic, mean: 30m}, max_attempts: 3}
    resolution:
      - {tier: 1, resolve: 0.7}
    repeat_delay: {dist: deterministic, mean: 30m}
agent_groups:
  - name: agents
    skills: [calls]
    agents: 3
queue: {capacity: 3}
"""

# Every way an issue waits more than once: retrials, repeat calls,
# escalation to tier 2, callbacks, a queue timeout moving calls to another
# type's queue, balking and a waiting-room limit.
CUMULATIVE = """\
name: cumulative wait
seed: 8
replications: 1
horizon: {open: "08:00", close: "10:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {per_interval: [40, 50, 50, 40]}
    handle_time: {dist: exponential, mean: 2m}
    patience: {dist: exponential, mean: 2m}
    balk: 0.1
    queue_timeout: {after: 90s, to: overflow}
    retry:
      abandon: {p_first: 0.5, p_later: 0.3, delay: {dist: exponential, mean: 5m}, max_attempts: 3}
      same_caller: true
    resolution:
      - {tier: 1, resolve: 0.6, escalate: 0.5}
      - {tier: 2, resolve: 0.9, handle_time: {dist: exponential, mean: 4m}}
    repeat_delay: {dist: exponential, mean: 20m}
    callback: {threshold: 1m, accept: 0.5}
  - name: overflow
    arrivals: {per_interval: [2, 2, 2, 2]}
    handle_time: {dist: exponential, mean: 2m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: front
    tier: 1
    skills: [calls, overflow]
    agents: 3
  - name: senior
    tier: 2
    skills: [calls]
    agents: 1
queue: {capacity: 6}
"""

# Two count-staffed groups, no wrap-up: the drain is talk time only.
DRAIN = """\
name: drain
seed: 21
replications: 1
horizon: {open: "08:00", close: "10:00", interval: 30m}
call_types:
  - name: billing
    arrivals: {per_interval: [20, 25, 30, 40]}
    handle_time: {dist: exponential, mean: 6m}
    retry: {same_caller: true}
  - name: sales
    arrivals: {per_interval: [10, 10, 15, 20]}
    handle_time: {dist: exponential, mean: 5m}
agent_groups:
  - name: csr
    skills: [billing]
    agents: 4
  - name: sellers
    skills: [sales, billing]
    agents: [2, 2, 3, 3]
"""


def scenario(name, text):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, timeout=120)
    check(p.returncode == 0, f"acdsim {' '.join(args)}: exit {p.returncode}: "
          f"{p.stderr.decode(errors='replace')[:400]}")
    return p.stdout


def run_traced(name, text):
    """(results document, trace rows) of one replication."""
    path = scenario(name, text)
    trace = os.path.join(TMP, name + ".csv")
    doc = json.loads(acdsim("run", path, "--no-timing", "-f", "json", "--trace", trace))
    with open(trace, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("arrival_s", "end_s", "done_s", "wait_total_s"):
            r[k] = float(r[k])
        r["attempt"] = int(r["attempt"])
    return doc, rows


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def by_issue(rows):
    d = collections.defaultdict(list)
    for r in rows:
        d[r["issue_id"]].append(r)
    return d


def wait(r):
    return r["end_s"] - r["arrival_s"]


@test("same_caller: abandoned attempts of one issue all wait the same patience")
def _():
    _, rows = run_traced("same", SAME % "      same_caller: true")
    multi = 0
    for legs in by_issue(rows).values():
        gave_up = [wait(r) for r in legs if r["outcome"] == "abandoned"]
        if len(gave_up) < 2:
            continue
        multi += 1
        check(all(close(w, gave_up[0]) for w in gave_up),
              f"issue {legs[0]['issue_id']}: abandoned after {gave_up}")
        for r in legs:
            if r["outcome"] == "answered":
                check(wait(r) <= gave_up[0] + 1e-6,
                      f"issue {r['issue_id']}: answered after {wait(r)} s, patience {gave_up[0]}")
    check(multi >= 20, f"only {multi} issues abandoned twice: the check says little")


@test("same_caller: false (or no key) draws a new patience for every attempt")
def _():
    _, rows = run_traced("fresh", SAME % "")
    differ = sum(1 for legs in by_issue(rows).values()
                 if len({round(wait(r), 6) for r in legs if r["outcome"] == "abandoned"}) > 1)
    check(differ >= 20, f"only {differ} issues abandoned after different waits")


@test("same_caller: false is the model without the key, byte for byte")
def _():
    a = acdsim("run", scenario("nokey", SAME % ""), "--no-timing", "-f", "json")
    b = acdsim("run", scenario("false", SAME % "      same_caller: false"), "--no-timing",
               "-f", "json")
    da, db = json.loads(a), json.loads(b)
    da["scenario"] = db["scenario"] = ""
    check(da == db, "results differ")


@test("attempts due after closing are counted as after_close, nothing else changes")
def _():
    doc, rows = run_traced("after", AFTER)
    expected = 0
    for r in rows:
        again = (r["outcome"] in ("abandoned", "blocked") and r["attempt"] < 3) or \
            (r["outcome"] == "answered" and r["after"] in ("repeat", "unresolved"))
        if again and r["done_s"] + 1800 >= CLOSE:
            expected += 1
            check(r["after"] != "repeat", f"call {r['call_id']}: a repeat call after closing")
    t = doc["summary"]["totals"]
    check(expected >= 5, f"only {expected} attempts after closing: the check says little")
    check(t["after_close"]["mean"] == expected,
          f"after_close {t['after_close']['mean']}, trace says {expected}")
    check(close(doc["summary"]["after_close_rate"]["mean"], expected / t["issues"]["mean"]),
          "after_close_rate is not after_close / issues")
    per_iv = sum(iv["totals"]["after_close"]["mean"] for iv in doc["intervals"])
    check(per_iv == expected, f"intervals sum to {per_iv}")
    # Not offered: the outcomes still add up to the offered calls.
    out = sum(t[k]["mean"] for k in ("answered", "abandoned", "blocked", "balked", "timed_out",
                                     "callback_requested", "disconnected"))
    check(out == t["offered"]["mean"], f"outcomes {out} != offered {t['offered']['mean']}")
    check(all(r["arrival_s"] < CLOSE for r in rows if r["source"] != "escalation"),
          "an attempt reached the center after closing")


@test("cumulative wait: at least every leg's wait, the sum of the issue's legs")
def _():
    _, rows = run_traced("cum", CUMULATIVE)
    check(any(r["source"] == "escalation" for r in rows), "no escalation in the trace")
    check(any(r["source"] == "transfer" for r in rows), "no timeout transfer in the trace")
    check(any(r["source"] == "retrial" for r in rows), "no retrial in the trace")
    many = 0
    for legs in by_issue(rows).values():
        for r in legs:
            check(r["wait_total_s"] >= wait(r) - 1e-9,
                  f"call {r['call_id']}: cumulative {r['wait_total_s']} < its wait {wait(r)}")
        total = sum(wait(r) for r in legs)
        last = max(r["wait_total_s"] for r in legs)
        check(close(last, total), f"issue {legs[0]['issue_id']}: {last} != sum {total}")
        many += sum(1 for r in legs if wait(r) > 0) > 1
    check(many >= 20, f"only {many} issues waited more than once")


@test("cumulative wait: the results are the trace's (center, per type, per interval)")
def _():
    doc, rows = run_traced("cum2", CUMULATIVE)
    T = doc["setup"]["service_level"]["threshold_s"]
    acc = collections.defaultdict(lambda: [0, 0.0, 0, 0])  # issues, wait, answered, within
    for legs in by_issue(rows).values():
        fresh = [r for r in legs if r["source"] == "fresh"]
        check(len(fresh) == 1, f"issue {legs[0]['issue_id']}: {len(fresh)} fresh calls")
        f = fresh[0]
        iv = int((f["arrival_s"] - OPEN) // IV)
        answered = sorted((r for r in legs if r["outcome"] == "answered"),
                          key=lambda r: r["end_s"])
        for key in (("*", iv), (f["type"], iv), ("*", None), (f["type"], None)):
            a = acc[key]
            a[0] += 1
            a[1] += max(r["wait_total_s"] for r in legs)
            a[2] += bool(answered)
            a[3] += bool(answered) and answered[0]["wait_total_s"] <= T
    scopes = [(("*", None), doc["summary"])]
    scopes += [((k, None), v) for k, v in doc["call_types"].items()]
    for i, iv in enumerate(doc["intervals"]):
        scopes.append((("*", i), iv))
        scopes += [((k, i), v) for k, v in iv["call_types"].items()]
    for key, sc in scopes:
        n, w, ans, within = acc[key]
        t = sc["totals"]
        check(t["issues"]["mean"] == n, f"{key}: issues {t['issues']['mean']} != {n}")
        check(close(t["issue_wait_sum_s"]["mean"], w),
              f"{key}: issue_wait_sum_s {t['issue_wait_sum_s']['mean']} != {w}")
        check(t["issues_answered"]["mean"] == ans, f"{key}: issues_answered")
        check(t["issues_answered_within_t"]["mean"] == within,
              f"{key}: issues_answered_within_t {t['issues_answered_within_t']['mean']} "
              f"!= {within}")
        if n:
            check(close(sc["mean_wait_cumulative_s"]["mean"], w / n),
                  f"{key}: mean_wait_cumulative_s")
            check(close(sc["service_level_cumulative"]["mean"], within / n),
                  f"{key}: service_level_cumulative")
    s = doc["summary"]
    check(s["mean_wait_cumulative_s"]["mean"] * s["totals"]["issues"]["mean"] >=
          s["totals"]["wait_sum_s"]["mean"] - 1e-6,
          "the customers waited less in all than the offered calls")


@test("cumulative wait of single-call issues: the call figures, the trace's leg waits")
def _():
    one = SAME.replace("    retry:\n      abandon: {p_first: 0.9, delay: {dist: exponential, "
                       "mean: 3m}, max_attempts: 4}\n", "")
    check(one != SAME, "the scenario still retries")
    doc, rows = run_traced("single", one % "")
    for r in rows:
        check(close(r["wait_total_s"], wait(r)), f"call {r['call_id']}: {r['wait_total_s']}")
    for sc in [doc["summary"]] + doc["intervals"]:
        t = sc["totals"]
        check(close(t["issue_wait_sum_s"]["mean"], t["wait_sum_s"]["mean"]), "wait sums differ")
        check(t["issues_answered"]["mean"] == t["answered"]["mean"], "answered differ")
        check(t["issues_answered_within_t"]["mean"] == t["answered_within_t"]["mean"],
              "answered within T differ")
        check(sc["service_level_cumulative"]["mean"] == sc["service_level"]["mean"],
              "service levels differ")


def drain_from_trace(rows, agents):
    """(length, {group: busy agent-seconds}) after closing, from the trace."""
    end = max([CLOSE] + [r["done_s"] for r in rows])
    busy = collections.defaultdict(float)
    for r in rows:
        if r["outcome"] == "answered":
            busy[r["group"]] += max(0.0, r["done_s"] - max(r["end_s"], CLOSE))
    return end - CLOSE, busy


@test("drain: busy time after closing over staffed time after closing (per group, center)")
def _():
    doc, rows = run_traced("drain", DRAIN)
    agents = {"csr": 4, "sellers": 3}  # on duty at closing, until the queue is empty
    length, busy = drain_from_trace(rows, agents)
    check(length > 60, f"the drain lasted {length} s: the check says little")
    d = doc["drain"]
    check(close(d["duration_s"]["mean"], length), f"length {d['duration_s']['mean']} != {length}")
    tb = sum(busy.values())
    ts = sum(agents.values()) * length
    check(close(d["busy_agent_s"]["mean"], tb), f"busy {d['busy_agent_s']['mean']} != {tb}")
    check(close(d["staffed_agent_s"]["mean"], ts),
          f"staffed {d['staffed_agent_s']['mean']} != {ts}")
    check(close(d["occupancy"]["mean"], tb / ts), f"occupancy {d['occupancy']['mean']}")
    for g, n in agents.items():
        gd = doc["drain"]["agent_groups"][g]
        check(close(gd["busy_agent_s"]["mean"], busy[g]), f"{g}: busy")
        check(close(gd["staffed_agent_s"]["mean"], n * length), f"{g}: staffed")
        if n * length:
            check(close(gd["occupancy"]["mean"], busy[g] / (n * length)), f"{g}: occupancy")
    # The open-hours occupancy does not include the drain.
    open_busy = doc["summary"]["totals"]["busy_agent_s"]["mean"]
    all_busy = sum(max(0.0, min(r["done_s"], CLOSE) - r["end_s"])
                   for r in rows if r["outcome"] == "answered")
    check(close(open_busy, all_busy), f"open-hours busy {open_busy} != {all_busy}")


@test("drain of a steady state: after the horizon, all agents staffed; no after_close")
def _():
    text = """\
name: steady drain
seed: 5
replications: 1
horizon: {duration: 4h, warmup: 30m}
call_types:
  - name: calls
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 5m}
    patience: {dist: exponential, mean: 3m}
    retry:
      abandon: {p_first: 1, delay: {dist: deterministic, mean: 20m}, max_attempts: 2}
      same_caller: true
agent_groups:
  - name: agents
    skills: [calls]
    agents: 3
"""
    doc, rows = run_traced("steady", text)
    end_s = 4 * 3600.0
    last = max([end_s] + [r["done_s"] for r in rows])
    busy = sum(max(0.0, r["done_s"] - max(r["end_s"], end_s))
               for r in rows if r["outcome"] == "answered")
    d = doc["drain"]
    check(last > end_s, "nobody in the center at the end: the check says little")
    check(close(d["duration_s"]["mean"], last - end_s), f"length {d['duration_s']['mean']}")
    check(close(d["busy_agent_s"]["mean"], busy), f"busy {d['busy_agent_s']['mean']} != {busy}")
    check(close(d["staffed_agent_s"]["mean"], 3 * (last - end_s)), "staffed")
    check(doc["summary"]["totals"]["after_close"]["mean"] == 0, "after_close in a steady state")


@test("drain: several replications give a mean and a CI; text shows the drain")
def _():
    path = scenario("drain_reps", DRAIN.replace("replications: 1", "replications: 5"))
    doc = json.loads(acdsim("run", path, "--no-timing", "-f", "json"))
    d = doc["drain"]
    for k in ("duration_s", "busy_agent_s", "staffed_agent_s", "occupancy"):
        check(d[k]["mean"] is not None and d[k]["ci95"] is not None, f"drain.{k}: {d[k]}")
    check(0 < d["occupancy"]["mean"] <= 1, f"occupancy {d['occupancy']['mean']}")
    text = acdsim("run", path, "--no-timing").decode()
    check("After closing (drain)" in text, "no drain section in the text report")
    check("Total wait per customer" in text, "no cumulative wait in the text report")
    csv_out = acdsim("run", path, "--no-timing", "-f", "csv").decode()
    check("summary,,drain.occupancy," in csv_out, "no drain rows in CSV")
    check(",totals.after_close," in csv_out, "no after_close rows in CSV")


@test("results.json read back keeps the new figures; older documents still read")
def _():
    path = scenario("readback", DRAIN)
    doc = json.loads(acdsim("run", path, "--no-timing", "-f", "json"))
    res = os.path.join(TMP, "results.json")
    with open(res, "w") as f:
        json.dump(doc, f)
    again = json.loads(acdsim("report", res, "-f", "json"))
    for k in ("service_level_cumulative", "mean_wait_cumulative_s", "after_close_rate"):
        check(again["summary"][k] == doc["summary"][k], f"summary.{k} changed")
    check(again["drain"] == doc["drain"], "the drain changed")
    added_m = {"service_level_cumulative", "mean_wait_cumulative_s", "after_close_rate"}
    added_t = {"issue_wait_sum_s", "issues_answered", "issues_answered_within_t", "after_close"}

    def strip(o):
        if isinstance(o, dict):
            for k in list(o):
                if k in added_m or k == "drain":
                    del o[k]
                elif k == "totals":
                    for t in added_t:
                        o[k].pop(t, None)
                else:
                    strip(o[k])
        elif isinstance(o, list):
            for x in o:
                strip(x)
    strip(doc)
    doc["setup"]["features"] = []
    with open(res, "w") as f:
        json.dump(doc, f)
    p = subprocess.run([ACDSIM, "report", res, "-f", "json"], capture_output=True, timeout=60)
    check(p.returncode == 0, f"older document: exit {p.returncode}: {p.stderr.decode()[:400]}")
    old = json.loads(p.stdout)
    check("drain" not in old, "a drain appeared from nowhere")
    check(old["summary"]["mean_wait_cumulative_s"]["mean"] is None, "a figure from nowhere")


sys.exit(taplib.run(cleanup=TMP))
