#!/usr/bin/env python3
"""Moves of agents between groups for a time window (agent_groups[].moves,
issue 13, Deliver 3), end to end through `acdsim run --trace` and the
results JSON. TAP output.

The scenarios: billing_csr has 2 agents, collections_csr none; a move lends
both to collections from 09:00 to 11:00. Handle times are deterministic,
so every figure is computed by hand from the trace:

* collections calls are answered only within the window (from 09:00 on,
  none after 11:00 - a call answered by then is finished by the moved
  agent), by collections_csr; no billing call is answered in the window;
  billing calls waiting at 11:00 are answered from 11:00 on by billing_csr.
* Staffed agent-seconds per group: 2 agents x 2 h in each group, moved by
  the time a busy agent finished its call in hand at 09:00 (it moves
  after it: billing keeps it, collections waits) and at 11:00 (it comes
  back after it): billing = 4 h + S9 - S11, collections = 4 h - S9 + S11.
* A move of more agents than are on duty moves those there are: the same
  figures as a move of exactly those, and a located warning says so.
* Shift-staffed groups, a random agent selection (idle arrays), a shift
  that ends during the window, absenteeism, a window ending at closing
  with either close policy: runs complete and agent time adds up (the
  invariant checker covers every step when ACDSIM is a -Dinvariants=true
  build).

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-moves-")
T9, T11 = 9 * 3600.0, 11 * 3600.0
HOUR = 3600.0


def scenario(billing_staff="agents: 2", count=2, extra="", end="11:00", ct_extra="",
             reps=1, seed=7, close_policy=""):
    return f"""\
name: moves
seed: {seed}
replications: {reps}
horizon: {{open: "08:00", close: "12:00", interval: 30m{close_policy}}}
call_types:
  - name: billing
    arrivals: {{per_interval: [4, 8, 2, 2, 2, 2, 4, 4]}}
    handle_time: {{dist: deterministic, mean: 10m}}
  - name: collections
    arrivals: {{per_interval: [0, 0, 4, 4, 4, 6, 0, 0]}}
    handle_time: {{dist: deterministic, mean: 10m}}
    patience: {{dist: exponential, mean: 5m}}
{ct_extra}
agent_groups:
  - name: billing_csr
    skills: [billing]
    {billing_staff}
{extra}
    moves:
      - {{to: collections_csr, count: {count}, start: "09:00", end: "{end}"}}
  - name: collections_csr
    skills: [collections]
    agents: 0
"""


def acdsim_run(text, name, trace=True):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    args = [ACDSIM, "run", path, "-f", "json"]
    tpath = os.path.join(TMP, name + ".csv")
    if trace:
        args += ["--trace", tpath]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"{name}: exit {p.returncode}: {p.stderr[-2000:]}")
    res = json.loads(p.stdout)
    res["stderr"] = p.stderr
    rows = []
    if trace:
        with open(tpath) as f:
            rows = list(csv.DictReader(f))
    return res, rows


def totals(res, group):
    return {k: v["mean"] for k, v in res["agent_groups"][group]["totals"].items()}


def answered(rows, ctype=None):
    return [r for r in rows if r["outcome"] == "answered" and (ctype is None or r["type"] == ctype)]


def spill(rows, ctype, group, t):
    """Agent-seconds past t of calls of ctype that group's agents were
    talking at t (answered before t, finished after)."""
    return sum(float(r["done_s"]) - t for r in answered(rows, ctype)
               if r["group"] == group and float(r["end_s"]) < t < float(r["done_s"]))


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check_window(rows, what):
    coll = answered(rows, "collections")
    check(len(coll) >= 10, f"{what}: only {len(coll)} collections calls answered")
    bad = [r for r in coll if not (T9 <= float(r["end_s"]) < T11) or r["group"] != "collections_csr"]
    check(not bad, f"{what}: collections answered outside 09:00-11:00 or by another group: {bad[:3]}")
    bill = answered(rows, "billing")
    inside = [r for r in bill if T9 <= float(r["end_s"]) < T11]
    check(not inside, f"{what}: billing answered in the window: {inside[:3]}")
    after = [r for r in bill if float(r["end_s"]) >= T11]
    check(len(after) >= 4 and all(r["group"] == "billing_csr" for r in after),
          f"{what}: billing calls not answered again after 11:00 by billing_csr")
    # The billing queue waiting at 11:00 is answered as soon as a moved
    # agent is back: at 11:00 if one is idle then, else after its call.
    in_hand = [float(r["done_s"]) for r in coll if float(r["end_s"]) < T11 < float(r["done_s"])]
    back = T11 if len(in_hand) < 2 else min(in_hand)
    first = min(float(r["end_s"]) for r in after)
    check(close(first, back), f"{what}: billing answered again from {first}, expected {back}")


def check_staffed(res, rows, what):
    s9 = spill(rows, "billing", "billing_csr", T9)
    s11 = spill(rows, "collections", "collections_csr", T11)
    b, c = totals(res, "billing_csr"), totals(res, "collections_csr")
    check(close(b["staffed_agent_s"], 4 * HOUR + s9 - s11),
          f"{what}: billing staffed {b['staffed_agent_s']} != 4 h + {s9} - {s11}")
    check(close(c["staffed_agent_s"], 4 * HOUR - s9 + s11),
          f"{what}: collections staffed {c['staffed_agent_s']} != 4 h - {s9} + {s11}")
    # Busy time follows the agents: each group's busy time is its own
    # answered calls' talk time within the day.
    for group, tot in (("billing_csr", b), ("collections_csr", c)):
        talk = sum(min(float(r["done_s"]), 12 * HOUR) - float(r["end_s"])
                   for r in answered(rows) if r["group"] == group and float(r["end_s"]) < 12 * HOUR)
        check(close(tot["busy_agent_s"], talk), f"{what}: {group} busy {tot['busy_agent_s']} != {talk}")
    return s9, s11


@test("count-staffed: to answers only in the window, with the moved agents; they come back after it")
def _():
    res, rows = acdsim_run(scenario(), "count")
    check_window(rows, "count")
    s9, s11 = check_staffed(res, rows, "count")
    check(s9 > 0, "no billing call in hand at 09:00: the busy case is not exercised")
    check(s11 > 0, "no collections call in hand at 11:00: the return after the call is not exercised")


@test("a move of more agents than are on duty moves those there are (same run)")
def _():
    a, _ = acdsim_run(scenario(count=2), "two", trace=False)
    b, _ = acdsim_run(scenario(count=5), "five", trace=False)
    for key in ("summary", "call_types", "agent_groups", "intervals"):
        check(a[key] == b[key], f"{key} differs between count 2 and count 5 with 2 on duty")
    check("warning: the move at 09:00 takes 5 agents from 'billing_csr', which schedules 2 then: "
          "only those on duty move" in b["stderr"], f"no warning: {b['stderr']}")
    check("the move at" not in a["stderr"], f"a warning for a move of those there are: {a['stderr']}")


@test("shift-staffed: the same figures by hand; a shift ending in the window ends in to")
def _():
    shifts = 'shifts: [{start: "08:00", end: "12:00", count: 2}]'
    res, rows = acdsim_run(scenario(billing_staff=shifts), "shifts")
    check_window(rows, "shifts")
    check_staffed(res, rows, "shifts")
    # One of the two agents' shift ends at 10:00, while moved: it logs off
    # in collections (after its call) and comes back at 11:00 off shift.
    shifts = 'shifts: [{start: "08:00", end: "10:00", count: 1}, {start: "08:00", end: "12:00", count: 1}]'
    res, rows = acdsim_run(scenario(billing_staff=shifts), "shift_ends")
    b, c = totals(res, "billing_csr"), totals(res, "collections_csr")
    s9 = spill(rows, "billing", "billing_csr", T9)
    staffed = b["staffed_agent_s"] + c["staffed_agent_s"]
    # 1 agent 4 h + 1 agent 2 h, plus calls in hand past 10:00 (at most one
    # 10-minute call)
    check(6 * HOUR <= staffed <= 6 * HOUR + 600 + 1e-6, f"shift ending in the window: staffed {staffed}")
    check(c["staffed_agent_s"] < 3 * HOUR + 600 - s9 + 1e-6,
          f"collections kept the agent whose shift ended: {c['staffed_agent_s']}")
    check(b["off_agent_s"] > 0 or c["off_agent_s"] > 0, "nobody off shift after 10:00")


@test("a move in a shift takes that shift's agents (count: the shift's); the other shift stays")
def _():
    staff = """shifts:
      - {start: "08:00", end: "12:00", count: 2, moves: [{to: collections_csr, start: "09:00", end: "11:00"}]}
      - {start: "08:00", end: "12:00", count: 1}"""
    text = scenario(billing_staff=staff).replace(
        '    moves:\n      - {to: collections_csr, count: 2, start: "09:00", end: "11:00"}\n', "")
    check("moves:\n      - {to" not in text, "the group-level move is still there")
    res, rows = acdsim_run(text, "shift_form")
    b, c = totals(res, "billing_csr"), totals(res, "collections_csr")
    check(close(b["staffed_agent_s"] + c["staffed_agent_s"], 3 * 4 * HOUR),
          f"staffed {b['staffed_agent_s']} + {c['staffed_agent_s']} != 3 agents x 4 h")
    # The two agents of the first shift work in collections for 2 h, give
    # or take the 10-minute calls in hand at 09:00 and 11:00.
    check(abs(c["staffed_agent_s"] - 2 * 2 * HOUR) <= 2 * 600 + 1e-6,
          f"collections staffed {c['staffed_agent_s']}, not about 2 agents x 2 h")
    coll = answered(rows, "collections")
    check(coll and all(T9 <= float(r["end_s"]) < T11 for r in coll),
          "collections answered outside the window")
    inside = [r for r in answered(rows, "billing") if T9 <= float(r["end_s"]) < T11]
    check(len(inside) >= 3 and all(r["group"] == "billing_csr" for r in inside),
          f"the second shift did not keep answering billing in the window ({len(inside)} calls)")


@test("acdsim staff on a scenario with a shift's move (its plan replaces shifts by counts)")
def _():
    staff = """shifts:
      - {start: "08:00", end: "12:00", count: 2, moves: [{to: collections_csr, count: 1, start: "09:00", end: "11:00"}]}
      - {start: "08:00", end: "12:00", count: 1}"""
    text = scenario(billing_staff=staff, reps=3).replace(
        '    moves:\n      - {to: collections_csr, count: 2, start: "09:00", end: "11:00"}\n', "")
    path = os.path.join(TMP, "staff.yaml")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([ACDSIM, "staff", path], capture_output=True, text=True, timeout=600)
    check(p.returncode == 0 and "Recommended" in p.stdout, f"staff: exit {p.returncode}: {p.stderr[-1500:]}")


@test("random agent selection, absenteeism, windows ending at closing: runs complete, time adds up")
def _():
    variants = [
        ("random", dict(ct_extra="    agent_selection: random")),
        ("absent", dict(billing_staff="agents: [3, 3, 2, 2, 4, 4, 3, 3]", count=3,
                        extra="    absenteeism: 0.3", reps=20)),
        ("to_close", dict(end="12:00", reps=3)),
        ("to_close_disconnect", dict(end="12:00", reps=3, close_policy=", close_policy: disconnect")),
    ]
    for name, kw in variants:
        res, rows = acdsim_run(scenario(**kw), name, trace=False)
        b, c = totals(res, "billing_csr"), totals(res, "collections_csr")
        check(c["staffed_agent_s"] > 0, f"{name}: nobody moved to collections")
        check(b["busy_agent_s"] <= b["staffed_agent_s"] + 1e-6 and
              c["busy_agent_s"] <= c["staffed_agent_s"] + 1e-6, f"{name}: busy > staffed")
        if name.startswith("to_close"):
            # Nobody comes back before closing: billing staffed 08:00-09:00
            # and what it finished after 09:00.
            check(b["staffed_agent_s"] < 2 * HOUR + 1200 + 1e-6,
                  f"{name}: billing staffed {b['staffed_agent_s']} after the move")


run()
