#!/usr/bin/env python3
"""Transfers after a talk (issue 12 §2.4), end to end through
`acdsim run --trace` and the results JSON (TAP output).

Every check reads what the run wrote: the trace (one row per leg; a talk
that ends in a transfer has after=transferred, the transferred leg has
source=transferred and the same issue_id) and the totals of one
replication (-r 1, so the JSON mean is that replication's value).

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-transfers-")
H = 72000.0  # horizon of the small scenarios, seconds (20 h)


def simulate(yaml_text, name, fmt="json"):
    """Run the scenario (1 replication) with a trace: (results, trace rows)."""
    path = os.path.join(TMP, name + ".yaml")
    trace = os.path.join(TMP, name + ".csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(yaml_text)
    p = subprocess.run([ACDSIM, "run", path, "-r", "1", "-f", fmt, "--trace", trace],
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, f"acdsim run {name}: exit {p.returncode}: {p.stderr[:500]}")
    with open(trace, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("arrival_s", "end_s", "done_s"):
            r[k] = float(r[k])
    return (json.loads(p.stdout) if fmt == "json" else p.stdout), rows


def total(res, scope, name, key):
    return res[scope][name]["totals"][key]["mean"]


def overlap(a, b):
    """Length of [a, b] inside the measuring window [0, H]."""
    return max(0.0, min(b, H) - max(a, 0.0))


def pairs(rows):
    """(first leg, transferred leg) for every talk that ended in a transfer."""
    nxt = {}
    for r in rows:
        if r["source"] == "transferred":
            nxt[r["issue_id"]] = r
    out = []
    for r in rows:
        if r["after"] == "transferred":
            check(r["issue_id"] in nxt, f"no transferred leg after call {r['call_id']}")
            out.append((r, nxt[r["issue_id"]]))
    return out


# One front agent (100 s talks) and one manager who takes transfers only
# (200 s); every talk is transferred to the manager.
def tiny(mode, extra=""):
    return f"""\
name: transfer {mode}
seed: 11
horizon: {{duration: {H:.0f}s}}
call_types:
  - name: billing
    arrivals: {{rate: 3/h}}
    handle_time: {{dist: deterministic, mean: 100s}}
    transfer: {{to: managers, prob: 1, mode: {mode}{extra}}}
agent_groups:
  - name: front
    skills: [billing]
    agents: 1
  - name: managers
    skills: [billing]
    agents: 1
    answers: [transfers]
    handle_time: {{billing: {{dist: deterministic, mean: 200s}}}}
"""


def busy_check(mode, conf_s):
    res, rows = simulate(tiny(mode, f", conference: {{dist: deterministic, mean: {conf_s:g}s}}"
                              if conf_s else ""), "tiny_" + mode)
    legs = pairs(rows)
    check(len(legs) > 30, f"only {len(legs)} transfers")
    front = mgr = 0.0
    for first, second in legs:
        check(second["outcome"] == "answered" and second["group"] == "managers",
              f"transferred leg {second['call_id']}: {second['outcome']} by {second['group']}")
        check(abs(first["done_s"] - first["end_s"] - 100) < 1e-6, "front talk is 100 s")
        check(second["arrival_s"] == first["done_s"], "the transferred leg starts at the transfer")
        # The first agent is busy for its talk, then (warm, conference) until
        # the second answers, then (conference) through the conference.
        held_until = first["done_s"]
        if mode != "cold":
            held_until = second["end_s"] + conf_s
        front += overlap(first["end_s"], held_until)
        # The second agent talks the conference and its own handle time.
        check(abs(second["done_s"] - second["end_s"] - (200 + conf_s)) < 1e-6,
              f"manager talk {second['done_s'] - second['end_s']} != 200 + {conf_s}")
        mgr += overlap(second["end_s"], second["done_s"])
    got_front = total(res, "agent_groups", "front", "busy_agent_s")
    got_mgr = total(res, "agent_groups", "managers", "busy_agent_s")
    check(abs(got_front - front) < 1e-6 * front,
          f"front busy {got_front} agent-s, the trace says {front}")
    check(abs(got_mgr - mgr) < 1e-6 * mgr, f"manager busy {got_mgr} agent-s, the trace says {mgr}")
    return legs, rows


@test("cold: the first agent is free at the transfer instant (busy time = its talks)")
def _():
    legs, rows = busy_check("cold", 0)
    # Some caller waiting for the front agent is answered at the very
    # instant of a transfer, while the manager is still to answer it.
    transfer_t = {first["done_s"] for first, _ in legs}
    taken = [r for r in rows if r["source"] == "fresh" and r["end_s"] in transfer_t
             and r["end_s"] > r["arrival_s"]]
    check(taken, "no waiting call was answered at a transfer instant")


@test("warm: the first agent stays busy until the second answers")
def _():
    legs, rows = busy_check("warm", 0)
    waited = [(f, s) for f, s in legs if s["end_s"] > s["arrival_s"]]
    check(waited, "no transferred leg waited for the manager")
    # While the first agent is held, the front answers nobody.
    for f, s in waited:
        for r in rows:
            if r["group"] == "front" and f["done_s"] <= r["end_s"] < s["end_s"]:
                check(False, f"front answered call {r['call_id']} at {r['end_s']} while held "
                             f"on call {f['call_id']} ({f['done_s']} to {s['end_s']})")


@test("conference: two agents busy for the conference (busy = talks + 2 x 30 s + hold)")
def _():
    busy_check("conference", 30)


@test("transfer shares match the probabilities (5% manager, 35% tech, binomial z < 4)")
def _():
    yaml_text = """\
name: transfer shares
seed: 3
horizon: {duration: 300h}
call_types:
  - name: billing
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 3m}
    transfer:
      - {to: managers, prob: 0.05, mode: warm}
      - {to: tech, prob: 0.35, mode: cold}
  - name: tech
    arrivals: {rate: 5/h}
    handle_time: {dist: exponential, mean: 4m}
agent_groups:
  - name: front
    skills: [billing]
    agents: 4
  - name: techs
    skills: [tech]
    agents: 3
  - name: managers
    skills: [billing]
    agents: 1
    answers: [transfers]
"""
    res, rows = simulate(yaml_text, "shares")
    talks = [r for r in rows if r["type"] == "billing" and r["source"] == "fresh"
             and r["outcome"] == "answered"]
    n = len(talks)
    to_mgr = to_tech = 0
    for first, second in pairs(rows):
        if second["type"] == "tech":
            to_tech += 1
        else:
            check(second["group"] in ("managers", ""), f"manager leg by {second['group']}")
            to_mgr += 1
    for got, p, what in ((to_mgr, 0.05, "managers"), (to_tech, 0.35, "tech")):
        z = (got - n * p) / math.sqrt(n * p * (1 - p))
        check(abs(z) < 4, f"{got} of {n} talks to {what}: z = {z:.2f}")
    check(total(res, "call_types", "billing", "transferred") == to_mgr + to_tech,
          "totals.transferred of billing = transfers in the trace")
    check(total(res, "agent_groups", "front", "transferred") == to_mgr + to_tech,
          "totals.transferred of the front group = transfers in the trace")
    rate = res["call_types"]["billing"]["transfer_rate"]["mean"]
    check(abs(rate - (to_mgr + to_tech) / n) < 1e-9, f"transfer_rate {rate}")


@test("a transfers-only group never answers a fresh call, even with callers waiting")
def _():
    _, rows = simulate(tiny("warm").replace("rate: 3/h", "rate: 40/h"), "busy_front")
    fresh_waited = [r for r in rows if r["source"] == "fresh" and r["end_s"] > r["arrival_s"]]
    check(fresh_waited, "no fresh call waited")
    by_mgr = [r for r in rows if r["group"] == "managers"]
    check(by_mgr, "the managers answered nothing")
    bad = [r["call_id"] for r in by_mgr if r["source"] != "transferred"]
    check(not bad, f"the managers answered non-transferred calls {bad[:5]}")


def if_idle_check(choice):
    yaml_text = tiny("cold").replace("prob: 1, mode: cold", f"prob: 0.8, if_idle: {choice}")
    yaml_text = yaml_text.replace("rate: 3/h", "rate: 25/h")
    yaml_text = yaml_text.replace("front\n    skills: [billing]\n    agents: 1",
                                  "front\n    skills: [billing]\n    agents: 4")
    res, rows = simulate(yaml_text, "if_idle_" + choice)
    busy = sorted((r["end_s"], r["done_s"]) for r in rows if r["group"] == "managers")
    lost = 0
    for first, second in pairs(rows):
        t = second["arrival_s"]
        if second["outcome"] == "answered":
            check(second["end_s"] == t, f"leg {second['call_id']} waited with if_idle")
            continue
        outcome = {"disconnect": "disconnected", "voicemail": "voicemail"}[choice]
        check(second["outcome"] == outcome, f"leg {second['call_id']}: {second['outcome']}")
        check(second["end_s"] == t and second["group"] == "", "ended at once, by nobody")
        check(any(a <= t < b for a, b in busy), f"no manager was busy at {t}, yet {choice}")
        lost += 1
    check(lost > 10, f"only {lost} transfers found the manager busy")
    check(total(res, "call_types", "billing", "transfer_unserved") == lost,
          "totals.transfer_unserved = the trace's")


@test("if_idle: disconnect: with the only manager busy the call is disconnected at once")
def _():
    if_idle_check("disconnect")


@test("if_idle: voicemail: with the only manager busy the caller gets voicemail at once")
def _():
    if_idle_check("voicemail")


@test("a transfer's own patience applies to the transferred leg only")
def _():
    yaml_text = tiny("cold", ", patience: {dist: deterministic, mean: 60s}").replace(
        "rate: 3/h", "rate: 30/h")
    yaml_text = yaml_text.replace("front\n    skills: [billing]\n    agents: 1",
                                  "front\n    skills: [billing]\n    agents: 3")
    res, rows = simulate(yaml_text, "patience")
    xfer = [r for r in rows if r["source"] == "transferred"]
    gone = [r for r in xfer if r["outcome"] == "abandoned"]
    check(gone, "no transferred leg abandoned")
    for r in xfer:
        w = r["end_s"] - r["arrival_s"]
        check(w <= 60 + 1e-9, f"leg {r['call_id']} waited {w} s > 60 s")
        check(r["outcome"] != "abandoned" or abs(w - 60) < 1e-9, "abandoned after exactly 60 s")
    check(all(r["outcome"] != "abandoned" for r in rows if r["source"] == "fresh"),
          "fresh callers (no patience) never abandon")
    check(total(res, "call_types", "billing", "transfer_abandoned") == len(gone),
          "totals.transfer_abandoned = the trace's")


@test("CSV carries the transfer columns only for a scenario with transfers")
def _():
    out, _ = simulate(tiny("cold"), "csv_on", fmt="csv")
    check("totals.transferred" in out and "transfer_rate" in out, "transfer rows missing")
    plain = tiny("cold").replace("    transfer: {to: managers, prob: 1, mode: cold}\n", "")
    out, _ = simulate(plain.replace("answers: [transfers]", "answers: [calls]"), "csv_off",
                      fmt="csv")
    check("transfer" not in out, "a scenario without transfers has transfer rows")


sys.exit(run(cleanup=TMP))
