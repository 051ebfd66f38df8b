#!/usr/bin/env python3
"""Routing semantics of issue 12 shown in the per-call trace (TAP):
`ordered_fifo` (a call goes to the first group of its call type's `groups`
with an idle agent; a freed agent takes the longest-waiting call of all its
queues) and per-call-type `agent_selection` (one type drawn uniformly at
random while another follows the ordered list, in the same run).

The trace has no agent column, so who is busy when is derived from it:
with no wrap-up, an answered leg keeps one agent of its `group` busy from
`end_s` (answered) to `done_s` (end of talk), and a leg waits from
`arrival_s` to `end_s` (fresh calls only: no retrials, no tiers). Staffing
is constant and agents start idle. Every check is also run on a policy
that does not have the property, to show that it can fail.

Environment: ACDSIM = the binary. Python standard library only.
"""
import bisect
import csv
import os
import subprocess
import sys
import tempfile

from taplib import check, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-routing-")

# `backup` is listed first among the groups: only `groups` puts main
# ahead for `first`. Busy (about 4.9 Erlangs on 5 agents, patience 3 min),
# so calls queue, main is often full, and freed agents choose among queues.
ORDERED = """\
name: ordered fifo
seed: 4
replications: 1
horizon: {duration: 12h, warmup: 0s}
routing: POLICY
call_types:
  - name: first
    arrivals: {rate: 50/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
    groups: [main, backup]
  - name: second
    arrivals: {rate: 15/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
  - name: third
    arrivals: {rate: 8/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: backup
    skills: [second, first]
    agents: 2
  - name: main
    skills: [first, second, third]
    agents: 3
"""
AGENTS = {"backup": 2, "main": 3}
SKILLS = {"backup": {"second", "first"}, "main": {"first", "second", "third"}}

# Four one-agent groups (a group's answers are its agent's), lightly loaded:
# `ordered_calls` follows the ordered list (agent_groups order), while
# `random_calls` picks any idle agent at random.
UNIFORM = """\
name: per-type selection
seed: 1
replications: 1
horizon: {duration: 1000000s, warmup: 0s}
routing: ordered_fifo
call_types:
  - name: ordered_calls
    arrivals: {rate: 20/h}
    handle_time: {dist: exponential, mean: 1m}
  - name: random_calls
    arrivals: {rate: 20/h}
    handle_time: {dist: exponential, mean: 1m}
    agent_selection: SELECTION
agent_groups:
  - {name: g1, skills: [ordered_calls, random_calls], agents: 1}
  - {name: g2, skills: [ordered_calls, random_calls], agents: 1}
  - {name: g3, skills: [ordered_calls, random_calls], agents: 1}
  - {name: g4, skills: [ordered_calls, random_calls], agents: 1}
"""
GROUPS4 = ["g1", "g2", "g3", "g4"]


def trace(text, name):
    path = os.path.join(TMP, name + ".yaml")
    out = os.path.join(TMP, name + ".csv")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([ACDSIM, "run", path, "--trace", out, "-f", "json"],
                       capture_output=True, timeout=120)
    check(p.returncode == 0, "%s: exit %d: %s" % (name, p.returncode, p.stderr.decode()[:400]))
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("arrival_s", "end_s", "done_s"):
            r[k] = float(r[k])
    check(all(r["source"] == "fresh" and r["tier"] == "1" for r in rows),
          "%s: only fresh front-line legs expected" % name)
    return rows


def busy_at(rows, group, t):
    """Agents of `group` talking at time t (answered at or before t, not done)."""
    return sum(1 for r in rows if r["outcome"] == "answered" and r["group"] == group
               and r["end_s"] <= t < r["done_s"])


def answered(rows, **kw):
    return [r for r in rows if r["outcome"] == "answered"
            and all(r[k] == v for k, v in kw.items())]


def ordered_violations(rows, ctype, order, agents):
    """Answered legs of ctype whose group comes after a group in `order`
    that had an idle agent when the leg was answered."""
    bad = []
    for r in answered(rows, type=ctype):
        t = r["end_s"]
        for g in order[:order.index(r["group"])]:
            if busy_at(rows, g, t) < agents[g]:
                bad.append((r["call_id"], r["group"], g, t))
                break
    return bad


def fifo_violations(rows, skills):
    """Legs taken by a freed agent (they waited) while a leg of one of its
    group's skills that had waited longer was still waiting."""
    bad = []
    for r in rows:
        if r["outcome"] != "answered" or r["end_s"] == r["arrival_s"]:
            continue
        t = r["end_s"]
        for o in rows:
            if (o["type"] in skills[r["group"]] and o["arrival_s"] < r["arrival_s"]
                    and o["end_s"] > t):
                bad.append((r["call_id"], r["group"], o["call_id"], t))
                break
    return bad


@test("ordered_fifo: `first` is answered by backup only while main has no idle agent")
def _():
    rows = trace(ORDERED.replace("POLICY", "ordered_fifo"), "ordered")
    by_backup = answered(rows, type="first", group="backup")
    by_main = answered(rows, type="first", group="main")
    check(len(by_backup) >= 20 and len(by_main) >= 200,
          "the check needs both groups to answer `first`: main %d, backup %d"
          % (len(by_main), len(by_backup)))
    bad = ordered_violations(rows, "first", ["main", "backup"], AGENTS)
    check(not bad, "%d legs went to backup while main had an idle agent, e.g. %s"
          % (len(bad), bad[:3]))
    # The same check fails under longest_idle (the longest-idle agent of
    # either group takes an arriving call).
    li = trace(ORDERED.replace("POLICY", "longest_idle"), "ordered_li")
    check(len(ordered_violations(li, "first", ["main", "backup"], AGENTS)) > 20,
          "longest_idle should send calls to backup while main has idle agents")


@test("ordered_fifo: a freed agent takes the longest-waiting call of all its queues")
def _():
    rows = trace(ORDERED.replace("POLICY", "ordered_fifo"), "fifo")
    waited = [r for r in answered(rows) if r["end_s"] > r["arrival_s"]]
    # Freed agents choose among several non-empty queues often enough.
    check(len(waited) >= 200, "only %d legs waited" % len(waited))
    bad = fifo_violations(rows, SKILLS)
    check(not bad, "%d legs were taken over an older waiting leg, e.g. %s" % (len(bad), bad[:3]))
    # skill_priority takes level-1 calls first: the same check fails.
    sp = trace(ORDERED.replace("POLICY", "skill_priority"), "fifo_sp")
    check(len(fifo_violations(sp, SKILLS)) > 20,
          "skill_priority should take younger level-1 calls over older ones")


def all_idle_picks(rows, ctype):
    """Groups that answered ctype's calls arriving while all four (one
    agent each) were idle."""
    talks = {g: sorted((o["end_s"], o["done_s"]) for o in answered(rows, group=g))
             for g in GROUPS4}
    starts = {g: [a for a, _ in talks[g]] for g in GROUPS4}

    def idle_before(g, t):
        # The agent's last talk that began strictly before t has ended by t.
        i = bisect.bisect_left(starts[g], t) - 1
        return i < 0 or talks[g][i][1] <= t

    picks = {g: 0 for g in GROUPS4}
    for r in answered(rows, type=ctype):
        t = r["arrival_s"]
        if r["end_s"] == t and all(idle_before(g, t) for g in GROUPS4):
            picks[r["group"]] += 1
    return picks


@test("agent_selection: random picks each idle agent with equal probability; "
      "the other type follows its ordered list")
def _():
    rows = trace(UNIFORM.replace("SELECTION", "random"), "uniform")
    picks = all_idle_picks(rows, "random_calls")
    n = sum(picks.values())
    check(n >= 1000, "only %d random_calls arrived with all idle" % n)
    e = n / 4
    chi2 = sum((k - e) ** 2 / e for k in picks.values())
    # 3 degrees of freedom: the 99.9% quantile is 16.27. (Seeds 1 to 9
    # gave 1.8 to 14.2, with no group favoured across seeds.)
    print("# random_calls with all idle: %s, chi-square %.2f" % (picks, chi2))
    check(chi2 < 16.27, "chi-square %.2f over %s" % (chi2, picks))
    # ordered_calls in the same run: g1 whenever it is idle, and so on.
    one = {g: 1 for g in GROUPS4}
    bad = ordered_violations(rows, "ordered_calls", GROUPS4, one)
    check(not bad, "%d ordered_calls skipped an idle earlier group, e.g. %s" % (len(bad), bad[:3]))
    op = all_idle_picks(rows, "ordered_calls")
    check(op["g1"] >= 1000 and op["g2"] == op["g3"] == op["g4"] == 0,
          "ordered_calls with all idle should all go to g1: %s" % op)
    # With the selection `ordered`, random_calls all go to g1 too: the
    # chi-square tells the two apart.
    od = all_idle_picks(trace(UNIFORM.replace("SELECTION", "ordered"), "uniform_ordered"),
                        "random_calls")
    check(od["g2"] == od["g3"] == od["g4"] == 0 and od["g1"] >= 1000,
          "agent_selection: ordered should pick g1: %s" % od)


sys.exit(run(cleanup=TMP))
