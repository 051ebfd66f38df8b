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
    # Hours and cost of held groups are the scenario's own (breaks left out).
    hours = {"front": sum(front) * 0.5, "back": 10.5 * 0.5, "supervisors": sum(SUPERVISORS) * 0.5}
    check(math.isclose(doc["agent_hours"], sum(hours.values())), f"hours {doc['agent_hours']}")
    cost = hours["front"] * 20 + hours["back"] * 30 + hours["supervisors"] * 50
    check(math.isclose(doc["cost"], cost), f"cost {doc['cost']} != {cost}")


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


sys.exit(run(cleanup=TMP))
