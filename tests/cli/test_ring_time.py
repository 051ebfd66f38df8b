#!/usr/bin/env python3
"""Ring time and wait-dependent handle time, end to end through
`acdsim run --trace` (issue 12, section 2.6). TAP output.

* Ring time: one agent, deterministic ring, handle time and patience. The
  trace is replayed exactly: the agent takes the longest-waiting caller
  when free; the call rings for the ring time; if the caller's patience
  ends first the caller abandons (during ringing) and the agent is free at
  that instant; otherwise the talk starts exactly one ring time after the
  assignment (trace end_s) and lasts the handle time. ASA and the service
  level in the results end at talk start (the ring counts as wait).
* handle_time_per_wait: each answered call's talk lasts the base handle
  time plus k x its wait (deterministic: exact); with exponential handle
  times the mean talk of answered calls equals the base mean + k x their
  mean wait within the sample's 99.9% interval.
* Without the keys nothing changes (the golden suite checks the bytes).

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-ring-")

RING_S, HANDLE_S, PATIENCE_S = 10.0, 60.0, 25.0

# Busy enough (1.7 calls a minute at one agent) that callers queue, some
# abandon in the queue and some while their call rings.
RING = f"""\
name: ring time
seed: 12
replications: 1
horizon: {{duration: 3h}}
service_level: {{threshold: 20s, target: 0.8}}
call_types:
  - name: calls
    arrivals: {{rate: 100/h}}
    handle_time: {{dist: deterministic, mean: {HANDLE_S}s}}
    patience: {{dist: deterministic, mean: {PATIENCE_S}s}}
    ring_time: {{dist: deterministic, mean: {RING_S}s}}
agent_groups:
  - name: desk
    skills: [calls]
    agents: 1
"""

PER_WAIT = """\
name: wait-dependent handle time
seed: 4
replications: 1
horizon: {{duration: {hours}h}}
call_types:
  - name: calls
    arrivals: {{rate: 110/h}}
    handle_time: {handle}
    patience: {{dist: exponential, mean: 3m}}
    handle_time_per_wait: 0.05
agent_groups:
  - name: desk
    skills: [calls]
    agents: {agents}
"""


def acdsim(args):
    p = subprocess.run([ACDSIM] + args, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"acdsim {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p.stdout


def trace_of(text, name, extra=()):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    tr = os.path.join(TMP, name + ".csv")
    out = acdsim(["run", path, "--trace", tr, "--no-timing", "-f", "json"] + list(extra))
    with open(tr) as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    for r in rows:
        for k in ("arrival_s", "end_s", "done_s"):
            r[k] = float(r[k])
    return rows, json.loads(out)


def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


HORIZON_S = 3 * 3600.0


def clip(a, b):
    """Length of [a, b] inside the measured window [0, HORIZON_S)."""
    return max(0.0, min(b, HORIZON_S) - max(a, 0.0))


def replay(rows):
    """Replay one agent, FIFO, deterministic ring/handle/patience. Returns
    answered {id: (talk start, talk end)}, abandoned {id: t}, the number of
    hang-ups while ringing, and ring and talk time inside the window."""
    calls = sorted(rows, key=lambda r: (r["arrival_s"], int(r["call_id"])))
    arrivals = [(r["arrival_s"], r["call_id"]) for r in calls]
    answered, abandoned, ring_abandons = {}, {}, 0
    ring_s = talk_s = 0.0
    free_at, i, queue = 0.0, 0, []
    while i < len(arrivals) or queue:
        # Callers arriving by the time the agent is free are waiting.
        while i < len(arrivals) and (arrivals[i][0] <= free_at or not queue):
            queue.append(arrivals[i])
            i += 1
        t_arr, cid = queue.pop(0)
        give_up = t_arr + PATIENCE_S
        assign = max(free_at, t_arr)
        if give_up < assign:  # hung up in the queue
            abandoned[cid] = give_up
            continue
        start = assign + RING_S
        if give_up < start:  # hung up while ringing: the agent is free again
            abandoned[cid] = give_up
            ring_abandons += 1
            ring_s += clip(assign, give_up)
            free_at = give_up
            continue
        answered[cid] = (start, start + HANDLE_S)
        ring_s += clip(assign, start)
        talk_s += clip(start, start + HANDLE_S)
        free_at = start + HANDLE_S
    return answered, abandoned, ring_abandons, ring_s, talk_s


@test("ring time: every talk starts one ring time after assignment; hang-ups while ringing free the agent")
def _():
    rows, res = trace_of(RING, "ring")
    check(len(rows) > 200, f"only {len(rows)} calls")
    answered, abandoned, ring_abandons, ring_s, talk_s = replay(rows)
    check(ring_abandons >= 5, f"only {ring_abandons} callers hung up while ringing")
    bad = []
    for r in rows:
        cid = r["call_id"]
        if r["outcome"] == "answered":
            want = answered.get(cid)
            if want is None or not (close(r["end_s"], want[0]) and close(r["done_s"], want[1])):
                bad.append(f"call {cid}: talk {r['end_s']}..{r['done_s']}, replay {want}")
        elif r["outcome"] == "abandoned":
            if cid not in abandoned or not close(r["done_s"], abandoned[cid]):
                bad.append(f"call {cid}: abandoned at {r['done_s']}, replay {abandoned.get(cid)}")
        else:
            bad.append(f"call {cid}: outcome {r['outcome']}")
    check(not bad, "\n".join(bad[:10]))
    check(len(answered) == sum(r["outcome"] == "answered" for r in rows), "answered count")
    # The wait of an answered call ends at talk start: at least one ring.
    waits = [r["end_s"] - r["arrival_s"] for r in rows if r["outcome"] == "answered"]
    check(min(waits) >= RING_S - 1e-9, f"an answered call waited {min(waits)} s < ring time")
    asa = res["summary"]["asa_s"]["mean"]
    check(close(asa, sum(waits) / len(waits)),
          f"ASA {asa} != mean trace wait to talk start {sum(waits) / len(waits)}")
    sl = res["summary"]["service_level"]["mean"]
    within = sum(w <= 20 for w in waits) / len(rows)
    check(close(sl, within), f"service level {sl} != answered within 20 s of arrival {within}")
    # Ringing is agent time: busy (occupancy), not talk and not wrap-up.
    tot = res["agent_groups"]["desk"]["totals"]
    talk, busy = tot["talk_agent_s"]["mean"], tot["busy_agent_s"]["mean"]
    check(close(talk, talk_s), f"talk time {talk} != replayed {talk_s}")
    check(close(busy - talk, ring_s), f"busy - talk {busy - talk} != replayed ring time {ring_s}")
    check(abs(tot["wrap_agent_s"]["mean"]) < 1e-6, "ring time counted as wrap-up")
    # ... and reported: ring_share = ring time / time present (feature "ring").
    check("ring" in res["setup"]["features"], f"features {res['setup']['features']}")
    share = res["agent_groups"]["desk"]["ring_share"]["mean"]
    present = tot["staffed_agent_s"]["mean"] + tot["break_agent_s"]["mean"]
    check(close(share, ring_s / present), f"ring_share {share} != {ring_s} / {present}")
    check(close(res["summary"]["ring_share"]["mean"], share), "center ring_share")


# Everything around a ringing agent at once, for the invariant checker
# (-Dinvariants=true runs acd_sim_verify after every event): breaks and the
# end of shifts while ringing, wrap-up, tiers, retrials, callbacks, a queue
# limit and lines, closing with callers ringing.
MIXED = """\
name: ring mixed
seed: 3
replications: 4
horizon: {open: "08:00", close: "10:00", interval: 30m}
call_types:
  - name: calls
    arrivals: {per_interval: [60, 70, 70, 60]}
    handle_time: {dist: exponential, mean: 2m}
    patience: {dist: exponential, mean: 40s}
    ring_time: {dist: exponential, mean: 15s}
    handle_time_per_wait: 0.1
    retry:
      abandon: {p_first: 0.5, delay: {dist: exponential, mean: 3m}, max_attempts: 3}
    resolution:
      - {tier: 1, resolve: 0.7, escalate: 0.6}
      - {tier: 2, resolve: 1}
    repeat_delay: {dist: exponential, mean: 10m}
    callback: {threshold: 1m, accept: 0.3}
  - name: sales
    arrivals: {per_interval: [20, 20, 30, 30]}
    handle_time: {dist: triangular, min: 1m, mode: 2m, max: 6m}
    patience: {dist: weibull, mean: 1m, cv: 1.3}
    ring_time: {dist: uniform, min: 3s, max: 12s}
agent_groups:
  - name: front
    skills: [calls, sales]
    shifts:
      - {start: "08:00", end: "09:00", count: 2, breaks: [{start: "08:30", length: 10m}]}
      - {start: "08:00", end: "10:00", count: 3, breaks: [{start: "08:45", length: 15m}, {start: "09:20", length: 5m}]}
    wrap_up: {dist: exponential, mean: 20s}
  - name: senior
    tier: 2
    skills: [calls]
    agents: [1, 1, 2, 1]
queue: {capacity: 6, lines: 12}
"""


@test("ring time with shifts, breaks, wrap-up, tiers, retrials and closing: consistent totals")
def _():
    rows, res = trace_of(MIXED, "mixed")
    check(any(r["outcome"] == "answered" for r in rows), "nothing answered")
    for g in ("front", "senior"):
        tot = res["agent_groups"][g]["totals"]
        parts = (tot["idle_agent_s"]["mean"] + tot["talk_agent_s"]["mean"] +
                 tot["wrap_agent_s"]["mean"])
        staffed = tot["staffed_agent_s"]["mean"]
        check(parts <= staffed + 1e-6, f"{g}: idle + talk + wrap {parts} > staffed {staffed}")
        check(tot["wrap_agent_s"]["mean"] >= -1e-6, f"{g}: negative wrap-up time")
    for r in rows:
        check(r["done_s"] >= r["end_s"] >= r["arrival_s"], f"call {r['call_id']}: times out of order")


@test("ring_share: in JSON always, in CSV only with a ring time; results.json round-trips")
def _():
    plain = RING.replace("    ring_time: {dist: deterministic, mean: 10.0s}\n", "")
    check(plain != RING, "scenario without ring_time")
    for name, text, has in (("plain", plain, False), ("ringing", RING, True)):
        rows, res = trace_of(text, name)
        check("ring_share" in res["summary"], f"{name}: no ring_share in JSON")
        if not has:
            check(res["summary"]["ring_share"]["mean"] == 0, f"{name}: ring_share not 0")
        # No Erlang model has a ring time: no Erlang comparison then.
        check((res["erlang"] is None) == has, f"{name}: erlang {res['erlang']}")
        out = os.path.join(TMP, name + "-out")
        path = os.path.join(TMP, name + ".yaml")
        acdsim(["run", path, "--no-timing", "-o", out])
        again = json.loads(acdsim(["report", os.path.join(out, "results.json"), "-f", "json"]))
        check(again["summary"] == res["summary"], f"{name}: summary changed in the round trip")
        with open(os.path.join(out, "groups.csv")) as f:
            header = f.readline()
        check(("ring_share" in header) == has, f"{name}: groups.csv header {header}")


@test("handle_time_per_wait: deterministic handle time, talk = 60 s + 0.05 x wait for every answered call")
def _():
    rows, _ = trace_of(PER_WAIT.format(hours=4, agents=2,
                                    handle="{dist: deterministic, mean: 60s}"), "perwait")
    ans = [r for r in rows if r["outcome"] == "answered"]
    check(len(ans) > 300, f"only {len(ans)} answered")
    waited = [r for r in ans if r["end_s"] - r["arrival_s"] > 1]
    check(len(waited) > 20, f"only {len(waited)} answered calls waited")
    bad = [r for r in ans
           if not close(r["done_s"] - r["end_s"], 60 + 0.05 * (r["end_s"] - r["arrival_s"]))]
    check(not bad, "; ".join(f"call {r['call_id']}: talk {r['done_s'] - r['end_s']}, "
                             f"wait {r['end_s'] - r['arrival_s']}" for r in bad[:5]))


@test("handle_time_per_wait: mean handle of answered calls = base mean + k x their mean wait (CI)")
def _():
    rows, _ = trace_of(PER_WAIT.format(hours=400, agents=5,
                                    handle="{dist: exponential, mean: 150s}"), "perwait2")
    ans = [r for r in rows if r["outcome"] == "answered"]
    talk = [r["done_s"] - r["end_s"] for r in ans]
    wait = [r["end_s"] - r["arrival_s"] for r in ans]
    n = len(ans)
    # talk - k wait is the drawn handle time (exponential, mean 150 s).
    base = [t - 0.05 * w for t, w in zip(talk, wait)]
    m = sum(base) / n
    sd = math.sqrt(sum((b - m) ** 2 for b in base) / (n - 1))
    half = 3.29 * sd / math.sqrt(n)  # 99.9%
    check(abs(m - 150) <= half, f"mean talk - 0.05 x wait = {m:.3f} s, want 150 +- {half:.3f}")
    mt, mw = sum(talk) / n, sum(wait) / n
    check(mw > 5, f"mean wait {mw:.2f} s too small to see the effect")
    check(abs(mt - (150 + 0.05 * mw)) <= half,
          f"mean talk {mt:.3f} s, want 150 + 0.05 x {mw:.3f} +- {half:.3f}")


sys.exit(run(cleanup=TMP))
