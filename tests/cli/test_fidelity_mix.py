#!/usr/bin/env python3
"""Issue 12's semantics together in one center (TAP).

Each semantic has its own behavioural test (test_routing, test_callers,
test_transfers, test_ring_time, test_sl_by_type, unit/test_dist). This one
runs them all at once, on an operating day with a drain and retrials after
closing, so that their interactions are exercised: a warm-transferred leg
that rings, a same-caller retrial that rings on arrival, random selection
over the groups that answer transfer lanes, each type's own threshold in
the cumulative figures. Under the invariant build (CI: -Dinvariants=true
with ASan and UBSan) the whole state is checked after every event.

Checks: the run succeeds and is the same for -j 1 and -j 2; every answered
leg's talk starts after its ring; the cumulative wait of every issue is at
least each of its legs' waits; a same-caller issue's abandoned attempts all
waited the same; outcomes add up to the offered calls; JSON carries the new
figures and the text shows the features' rows.

Environment: ACDSIM (binary).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-mix-")

MIX = """\
name: every fidelity key
seed: 12
replications: 4
horizon: {open: "08:00", close: "12:00", interval: 1h, close_policy: drain}
service_level: {threshold: 20s, target: 0.80}
routing: ordered_fifo
call_types:
  - name: billing
    arrivals: {per_interval: [60, 90, 80, 50]}
    handle_time: {dist: weibull, mean: 4m, cv: 0.7}
    patience: {dist: hyperexponential, mean: 3m, cv: 1.6}
    ring_time: {dist: triangular, min: 3s, mode: 6s, max: 15s}
    handle_time_per_wait: 0.02
    groups: [front, backup]
    service_level: {threshold: 30s, target: 0.85}
    retry:
      abandon: {p_first: 0.7, delay: {dist: exponential, mean: 20m}, max_attempts: 4}
      same_caller: true
    transfer:
      - {to: managers, prob: 0.06, mode: warm}
      - {to: tech, prob: 0.10, mode: conference, conference: {dist: deterministic, mean: 40s}}
      - {to: tech, prob: 0.04, if_idle: voicemail}
  - name: tech
    arrivals: {per_interval: [10, 20, 20, 10]}
    handle_time: {dist: triangular, min: 2m, mode: 5m, max: 12m}
    patience: {dist: exponential, mean: 4m}
    agent_selection: random
    service_level: {threshold: 60s}
agent_groups:
  - {name: front, skills: [billing], agents: 9}
  - {name: backup, skills: [billing, tech], agents: 3}
  - {name: support, skills: [tech], agents: 4}
  - {name: managers, skills: [billing], agents: 1, answers: [transfers]}
"""


def acdsim(args):
    res = subprocess.run([ACDSIM] + args, capture_output=True, text=True)
    check(res.returncode == 0, f"acdsim {' '.join(args)}: exit {res.returncode}: "
          f"{res.stderr.strip()[:600]}")
    return res.stdout


PATH = os.path.join(TMP, "mix.yaml")
with open(PATH, "w") as f:
    f.write(MIX)
TRACE = os.path.join(TMP, "mix.csv")
STATE = {}


def results():
    if "json" not in STATE:
        STATE["json"] = json.loads(acdsim(["run", PATH, "--no-timing", "-f", "json",
                                           "--trace", TRACE, "-j", "1"]))
        with open(TRACE) as f:
            STATE["rows"] = list(csv.DictReader(f))
    return STATE["json"], STATE["rows"]


@test("every fidelity key at once: runs, and -j 1 equals -j 2")
def _():
    one, rows = results()
    two = json.loads(acdsim(["run", PATH, "--no-timing", "-f", "json", "-j", "2"]))
    check(one == two, "-j 1 and -j 2 differ")
    check(len(rows) > 300, f"only {len(rows)} trace rows")
    feats = set(one["setup"]["features"])
    for f in ("retrial", "same_caller", "transfer", "ring"):
        check(f in feats, f"features {sorted(feats)} lack {f}")


@test("cumulative wait of an issue >= every leg's wait; ringing ends before the talk")
def _():
    _, rows = results()
    bad = []
    for r in rows:
        # A transferred leg's arrival_s is its call's: its own wait is not
        # end - arrival there (the first talk is in between).
        leg_wait = float(r["end_s"]) - float(r["arrival_s"])
        if float(r["wait_total_s"]) + 1e-6 < leg_wait and r["source"] != "transferred":
            bad.append(f"call {r['call_id']}: total {r['wait_total_s']} < leg {leg_wait}")
        if float(r["done_s"]) + 1e-9 < float(r["end_s"]):
            bad.append(f"call {r['call_id']}: done before end")
    check(not bad, "\n".join(bad[:8]))


@test("same caller: every abandoned attempt of an issue waited the same")
def _():
    _, rows = results()
    waits = defaultdict(list)
    for r in rows:
        if r["outcome"] == "abandoned" and r["type"] == "billing" and r["source"] != "transferred":
            waits[r["issue_id"]].append(float(r["end_s"]) - float(r["arrival_s"]))
    multi = {i: w for i, w in waits.items() if len(w) > 1}
    check(len(multi) >= 5, f"only {len(multi)} issues abandoned twice")
    bad = [i for i, w in multi.items() if max(w) - min(w) > 1e-6]
    check(not bad, f"issues with different waits: {bad[:5]}")


@test("outcomes add up to the offered calls; transfers and rings happened")
def _():
    res, rows = results()
    for name, ct in res["call_types"].items():
        t = ct["totals"]
        parts = sum(t[k]["mean"] for k in ("answered", "abandoned", "blocked", "balked",
                                            "timed_out", "disconnected") if k in t)
        check(abs(parts - t["offered"]["mean"]) < 1e-6 * max(1, t["offered"]["mean"]),
              f"{name}: outcomes {parts} != offered {t['offered']['mean']}")
    b = res["call_types"]["billing"]
    check(b["transfer_rate"]["mean"] > 0, "no transfers")
    check(res["summary"]["ring_share"]["mean"] > 0, "no ringing")
    sources = {r["source"] for r in rows}
    check("transferred" in sources, f"trace sources {sorted(sources)}")


@test("text report shows the features' rows")
def _():
    out = acdsim(["run", PATH, "--no-timing"])
    for label in ("Transferred", "Time ringing", "Total wait per customer"):
        check(label in out, f"text lacks {label!r}")


sys.exit(run(cleanup=TMP))
