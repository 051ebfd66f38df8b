#!/usr/bin/env python3
"""Staffing inputs a planner uses (`acdsim staff`, issue 14) (TAP).

- `none` for every goal option: the goal is dropped (absent from
  `targets`), and `--max-abandon none` searches exactly as a scenario
  without `targets.max_abandon`.
- `--hold GROUP` (repeatable): the group keeps the scenario's staffing
  exactly (per-interval counts; shifts, also in recommended.yaml), marked
  `held` in JSON and text; an unknown group is an error with a
  suggestion, exit 2.
- `shrinkage` (center, group, per interval): agents scheduled =
  ceil(on the phones / (1 - shrinkage)) per interval and group, their
  hours and cost, exact on a small day; bad values are located errors.

Environment: ACDSIM (binary).
"""
import json
import math
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-staff-inputs-")
BINS = ["08:00", "08:30", "09:00", "09:30"]
SUPERVISORS = [1, 2, 2, 1]


def day_yaml(extra_center="", extra_front="", extra_sup="", targets=True):
    goals = "targets: {max_abandon: 0.05, max_asa: 30s, max_occupancy: 0.95}\n" if targets else ""
    return f"""name: inputs day
seed: 5
replications: 20
horizon: {{open: "08:00", close: "10:00", interval: 30m}}
service_level: {{threshold: 20s, target: 0.80}}
{goals}{extra_center}call_types:
  - name: a
    arrivals: {{per_interval: [40, 80, 90, 50]}}
    handle_time: {{dist: exponential, mean: 3m}}
    patience: {{dist: exponential, mean: 3m}}
agent_groups:
  - name: front
    skills: [a]
    agents: [6, 8, 10, 6]
    cost_per_hour: 20
{extra_front}  - name: back
    skills: [a]
    shifts:
      - {{start: "08:00", end: "10:00", count: 3, breaks: [{{start: "09:00", length: 15m}}]}}
    cost_per_hour: 30
  - name: supervisors
    skills: [a]
    agents: {SUPERVISORS}
    assist: {{queue_len: 5, oldest_wait: 60s}}
    cost_per_hour: 50
{extra_sup}"""


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def staff_json(path, *opts):
    out, _ = expect_rc(acdsim("staff", path, "-q", "-j", "2", "-f", "json", *opts), 0,
                       f"staff {' '.join(opts)}")
    return json.loads(out)


def rows(doc, group):
    return [r for r in doc["recommendation"] if r["group"] == group]


SCENARIO = write("day.yaml", day_yaml())


@test("none for every goal option: the goal is dropped, the others kept")
def _():
    keys = {"--target-sl": "service_level", "--max-abandon": "abandon_rate",
            "--max-asa": "asa_s", "--max-occupancy": "occupancy"}
    for opt, key in keys.items():
        rc, out, err = acdsim("staff", SCENARIO, "-q", "-j", "2", "-f", "json",
                              "--max-evaluations", "1", opt, "none")
        check(rc == 0, f"{opt} none: exit {rc}: {err}")
        t = json.loads(out)["targets"]
        check(key not in t, f"{opt} none: {key} still a goal: {t}")
        for other in set(keys.values()) - {key}:
            check(other in t, f"{opt} none: {other} dropped too: {t}")
    rc, out, err = acdsim("staff", SCENARIO, "-q", "-f", "json", "--max-evaluations", "1",
                          "--probability", "0.9", "--probability", "none")
    check(rc == 0 and "probability" not in json.loads(out)["targets"],
          f"--probability none: exit {rc}: {err}")
    rc, _, err = acdsim("staff", SCENARIO, "-q", "--target-sl", "none", "--max-abandon", "none",
                        "--max-asa", "none", "--max-occupancy", "none")
    check(rc == 2 and "no goal" in err, f"every goal none: exit {rc}: {err}")
    rc, _, err = acdsim("staff", SCENARIO, "-q", "--max-abandon", "nothing")
    check(rc == 2 and "--max-abandon" in err, f"--max-abandon nothing: exit {rc}: {err}")


@test("--max-abandon none searches as a scenario without max_abandon")
def _():
    doc = staff_json(SCENARIO, "--max-abandon", "none")
    plain = write("no_abandon.yaml", day_yaml(targets=False).replace(
        "call_types:", "targets: {max_asa: 30s, max_occupancy: 0.95}\ncall_types:", 1))
    ref = staff_json(plain)
    check(doc["recommendation"] == ref["recommendation"],
          f"{doc['recommendation']} != {ref['recommendation']}")
    check(doc["targets"] == ref["targets"], f"{doc['targets']} != {ref['targets']}")


@test("--hold: a per-interval group keeps its plan exactly, marked held")
def _():
    doc = staff_json(SCENARIO, "--hold", "supervisors")
    sup = rows(doc, "supervisors")
    check([r["agents"] for r in sup] == SUPERVISORS, f"supervisors {sup}")
    check([r["current"] for r in sup] == SUPERVISORS, f"supervisors {sup}")
    check(all(r.get("held") is True for r in sup), f"not marked held: {sup}")
    check(all("held" not in r for r in doc["recommendation"] if r["group"] != "supervisors"),
          "other groups marked held")
    check(all(c["group"] != "supervisors" for c in doc["minimality"]),
          "a held group in the minimality evidence")
    # Without --hold the search does change them (assist groups start at 0).
    free = staff_json(SCENARIO)
    check([r["agents"] for r in rows(free, "supervisors")] != SUPERVISORS,
          "the test cannot tell: supervisors unchanged without --hold")
    check(all("held" not in r for r in free["recommendation"]), "held without --hold")
    out, _ = expect_rc(acdsim("staff", SCENARIO, "-q", "-j", "2", "--hold", "supervisors"), 0,
                       "staff text")
    check("Held as the scenario staffs them (not searched): supervisors" in out, out[:1500])


@test("--hold: a shift group keeps its shifts (simulated and in recommended.yaml)")
def _():
    out_dir = os.path.join(TMP, "held_out")
    doc = staff_json(SCENARIO, "--hold", "back", "--hold", "supervisors", "-o", out_dir)
    back = rows(doc, "back")
    # 3 agents 08:00-10:00, each on a 15-minute break at 09:00: 1.5 on average.
    check([r["current"] for r in back] == [3, 3, 1.5, 3], f"back {back}")
    check([r["agents"] for r in back] == [round(r["current"]) for r in back], f"back {back}")
    check(all(r.get("held") is True for r in back), f"not marked held: {back}")
    with open(os.path.join(out_dir, "recommended.yaml")) as f:
        yaml = f.read()
    check('{start: "08:00", end: "10:00", count: 3' in yaml, "back's shifts not kept")
    check(f"agents: {SUPERVISORS}" in yaml, "supervisors' agents changed")
    front = [r["agents"] for r in rows(doc, "front")]
    check(f"agents: [{', '.join(map(str, front))}]" in yaml, f"front not patched: {front}")
    # The plan's cost and paid hours are what `acdsim run` reports for the
    # recommended.yaml (held groups with their own shifts and breaks): one
    # cost accounting (docs/staffing.md "Costs", tests/cli/test_cost.py).
    out, _ = expect_rc(acdsim("run", os.path.join(out_dir, "recommended.yaml"), "-f", "json",
                              "--no-timing"), 0, "run recommended.yaml")
    tot = json.loads(out)["summary"]["totals"]
    paid = (tot["staffed_agent_s"]["mean"] + tot["break_agent_s"]["mean"]) / 3600
    check(math.isclose(doc["agent_hours"], paid, rel_tol=1e-9), f"hours {doc['agent_hours']} != {paid}")
    run_cost = json.loads(out)["summary"]["cost"]["mean"]
    check(math.isclose(doc["cost"], run_cost, rel_tol=1e-9), f"cost {doc['cost']} != {run_cost}")


@test("--hold: unknown group -> error with a suggestion, exit 2; not with --curve")
def _():
    out_dir = os.path.join(TMP, "never")
    rc, _, err = acdsim("staff", SCENARIO, "--hold", "supervisor", "--hold", "nobody", "-o",
                        out_dir)
    check(rc == 2, f"exit {rc}")
    check("--hold: no agent group 'supervisor'" in err and "did you mean 'supervisors'" in err,
          err)
    check("'nobody'" in err, err)
    check(not os.path.exists(out_dir), "something written")
    rc, _, err = acdsim("staff", SCENARIO, "--hold", "front", "--hold", "back", "--hold",
                        "supervisors")
    check(rc == 2 and "nothing to staff" in err, f"exit {rc}: {err}")
    rc, _, err = acdsim("staff", SCENARIO, "--curve", "--hold", "front")
    check(rc == 2 and "--curve" in err, f"exit {rc}: {err}")


SHRINK = """name: shrinkage day
seed: 5
replications: 20
horizon: {open: "08:00", close: "10:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
shrinkage: 0.3
call_types:
  - name: a
    arrivals: {per_interval: [40, 80, 90, 50]}
    handle_time: {dist: exponential, mean: 3m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: front
    skills: [a]
    agents: [6, 8, 10, 6]
    cost_per_hour: 20
  - name: back
    skills: [a]
    agents: [1, 1, 1, 1]
    shrinkage: [0, 0.1, 0.25, 0.5]
    cost_per_hour: 30
  - name: fixed
    skills: [a]
    agents: [7, 7, 7, 7]
    shrinkage: 0.3
    cost_per_hour: 10
"""
SHRINKAGE = {"front": ["0.3"] * 4, "back": ["0", "0.1", "0.25", "0.5"], "fixed": ["0.3"] * 4}
COST = {"front": 20, "back": 30, "fixed": 10}


@test("shrinkage: agents scheduled = ceil(on the phones / (1 - shrinkage)), hours and cost exact")
def _():
    path = write("shrink.yaml", SHRINK)
    doc = staff_json(path, "--hold", "fixed")
    hours = cost = cur_hours = cur_cost = 0
    for r in doc["recommendation"]:
        g, b = r["group"], BINS.index(r["interval"])
        s = Fraction(SHRINKAGE[g][b])
        check(r["shrinkage"] == float(s), f"{g} {r['interval']}: shrinkage {r['shrinkage']}")
        want = math.ceil(Fraction(r["agents"]) / (1 - s))
        check(r["scheduled"] == want, f"{g} {r['interval']}: {r['scheduled']} != {want} ({r})")
        hours += want * 0.5
        cost += want * 0.5 * COST[g]
        cur_hours += r["current"] / (1 - float(s)) * 0.5
        cur_cost += r["current"] / (1 - float(s)) * 0.5 * COST[g]
    # 7 on the phones at 30% shrinkage: exactly 10 scheduled (not 11 from 10.000000000000002).
    check([r["scheduled"] for r in rows(doc, "fixed")] == [10] * 4, f"fixed {rows(doc, 'fixed')}")
    check(math.isclose(doc["scheduled_hours"], hours), f"{doc['scheduled_hours']} != {hours}")
    check(math.isclose(doc["scheduled_cost"], cost), f"{doc['scheduled_cost']} != {cost}")
    cur = doc["current_plan"]
    check(math.isclose(cur["scheduled_hours"], cur_hours), f"{cur['scheduled_hours']} != {cur_hours}")
    check(math.isclose(cur["scheduled_cost"], cur_cost), f"{cur['scheduled_cost']} != {cur_cost}")
    # The plan's own paid hours are the simulated ones (docs/staffing.md
    # "Costs"), not the scheduled: shrinkage adds people, not time on calls.
    check(doc["scheduled_hours"] >= doc["agent_hours"] - 1e-9,
          f"scheduled {doc['scheduled_hours']} < paid {doc['agent_hours']}")
    out, _ = expect_rc(acdsim("staff", path, "-q", "-j", "2", "-f", "csv", "--hold", "fixed"), 0,
                       "staff csv")
    lines = out.splitlines()
    check(lines[0].endswith(",p_met,met,shrinkage,scheduled"), lines[0])
    check(lines[1].startswith("08:00,front,") and lines[1].split(",")[-2:] ==
          ["0.3", str(rows(doc, "front")[0]["scheduled"])], lines[1])
    out, _ = expect_rc(acdsim("staff", path, "-q", "-j", "2", "--hold", "fixed"), 0, "staff text")
    check("Agents scheduled" in out and "Sched. cost" in out, out)


@test("shrinkage: without it no new keys or columns; the simulation ignores it")
def _():
    doc = staff_json(SCENARIO, "--max-evaluations", "1")
    check("scheduled_hours" not in doc and "scheduled_hours" not in doc["current_plan"], "keys")
    check(all("scheduled" not in r and "shrinkage" not in r for r in doc["recommendation"]),
          "row keys")
    out, _ = expect_rc(acdsim("staff", SCENARIO, "-q", "-f", "csv", "--max-evaluations", "1"), 0,
                       "csv")
    check("scheduled" not in out.splitlines()[0], out.splitlines()[0])
    # `run` on the same day with and without shrinkage: the same figures.
    with_s = write("with_s.yaml", SHRINK)
    without = write("without_s.yaml", SHRINK.replace("\nshrinkage: 0.3\n", "\n").replace(
        "    shrinkage: [0, 0.1, 0.25, 0.5]\n", "").replace("    shrinkage: 0.3\n", ""))
    docs = []
    for p in (with_s, without):
        out, _ = expect_rc(acdsim("run", p, "-f", "json", "-j", "2", "--no-timing"), 0, p)
        docs.append(json.loads(out))
    for key in ("summary", "intervals", "agent_groups", "call_types", "series"):
        check(docs[0][key] == docs[1][key], f"run {key} differs with shrinkage")


@test("shrinkage: bad values are located errors (exit 2)")
def _():
    bad = write("bad_shrink.yaml", SHRINK.replace("shrinkage: 0.3\n", "shrinkage: 1\n", 1))
    rc, _, err = acdsim("staff", bad, "-q")
    check(rc == 2 and "bad_shrink.yaml:6:12: error: 'shrinkage' must be at least 0 and less "
          "than 1" in err, f"exit {rc}: {err}")


sys.exit(run(cleanup=TMP))
