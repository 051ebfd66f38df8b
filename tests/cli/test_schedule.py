#!/usr/bin/env python3
"""`acdsim schedule` on small days (TAP; docs/staffing.md "acdsim schedule").

roster.yaml is accepted as is by validate, run, staff and live (--no-ui).

- A roster is made, meets its goals, and every line keeps its template's
  rules (a checker independent of the solver: starts on the template's
  grid, breaks inside their windows and in order, min/max counts, groups
  the template lists), and covers the requirement per interval and group
  (recomputed here from the lines).
- One cost accounting: `run` on roster.yaml, `staff --start current` on
  roster.yaml and `schedule` itself report the same cost and paid hours
  (same seed and replications: the same figures exactly). Unpaid lunches
  are not paid: labor = cost_per_hour x (staffed + breaks - unpaid breaks).
- roster.yaml is the scenario with the rostered groups' shifts: `validate`
  accepts it, held groups and comments stay as written.
- Inputs that cannot give a roster exit 2 (the templates) or 1 (the goals)
  with the reason, write nothing, and no GLPK message reaches the terminal:
  a template that cannot cover an interval, contradictory break windows,
  min/max counts that leave no roster, a goal no staffing reaches, no
  templates, a steady state.

Environment: ACDSIM (binary).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-schedule-")
REPS = ("-r", "8")

TEMPLATES = """shift_templates:
  - name: full
    start: {earliest: "08:00", latest: "09:00", step: 30m}
    length: 3h
    breaks:
      - {length: 15m, earliest: 1h, latest: 1h30m}
      - {length: 30m, earliest: 2h, latest: 2h15m, paid: false}
    groups: [front, back]
  - name: short
    start: {earliest: "08:00", latest: "10:00", step: 30m}
    length: 2h
    groups: [front]
    max: 3
"""


def day_yaml(templates=TEMPLATES, extra="", queue=""):
    return f"""# a small morning
name: schedule day
seed: 17
replications: 8
horizon: {{open: "08:00", close: "12:00", interval: 30m}}
service_level: {{threshold: 20s, target: 0.80}}
targets: {{max_abandon: 0.08}}
{queue}call_types:
  - name: a
    arrivals: {{per_interval: [30, 50, 70, 80, 70, 50, 40, 30]}}
    handle_time: {{dist: exponential, mean: 3m}}
    patience: {{dist: exponential, mean: 3m}}
    costs: {{abandon: 2.5}}
agent_groups:
  - name: front   # the front line
    skills: [a]
    agents: [4, 5, 7, 8, 7, 5, 4, 3]
    cost_per_hour: 20
  - name: back
    skills: [a]
    agents: 1
    cost_per_hour: 30
  - name: supervisors
    skills: [a]
    agents: [1, 1, 1, 1, 1, 1, 1, 1]   # kept as is with --hold
    assist: {{queue_len: 6}}
    cost_per_hour: 50
{extra}{templates}"""


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=280)
    return p.returncode, p.stdout, p.stderr


def clock(s):
    h, m = s.split(":")[:2]
    return int(h) * 3600 + int(m) * 60


def no_glpk(err, what):
    check(not re.search(r"glp|GLPK|Integer optimization|simplex|PROBLEM", err),
          f"{what}: a GLPK message reached the terminal:\n{err}")


DAY = write("day.yaml", day_yaml())
OUT = os.path.join(TMP, "out")
S = {}


def schedule():
    if not S:
        out, err = expect_rc(acdsim("schedule", DAY, "-q", "-j", "2", *REPS, "--hold",
                                    "supervisors", "-f", "json", "-o", OUT), 0, "schedule")
        no_glpk(err, "schedule")
        S.update(json.loads(out))
    return S


TEMPL = {
    "full": {"starts": [clock("08:00"), clock("08:30"), clock("09:00")], "length": 3 * 3600,
             "breaks": [(900, 3600, 5400, 900, True), (1800, 7200, 8100, 900, False)],
             "groups": {"front", "back"}, "min": 0, "max": None},
    "short": {"starts": [clock(t) for t in ("08:00", "08:30", "09:00", "09:30", "10:00")],
              "length": 2 * 3600, "breaks": [], "groups": {"front"}, "min": 0, "max": 3},
}


@test("a roster that meets every goal, each line within its template's rules")
def _():
    s = schedule()
    check(s["status"] == "met", f"status {s['status']}")
    check(s["roster"], "an empty roster")
    counts = {}
    for line in s["roster"]:
        t = TEMPL[line["template"]]
        st = clock(line["start"])
        check(st in t["starts"], f"start {line['start']} not on {line['template']}'s grid")
        check(clock(line["end"]) - st == t["length"], f"length of {line}")
        check(line["group"] in t["groups"], f"{line['group']} not listed by {line['template']}")
        check(len(line["breaks"]) == len(t["breaks"]), f"breaks of {line}")
        prev_end = st
        for b, (length, lo, hi, step, paid) in zip(line["breaks"], t["breaks"]):
            off = clock(b["start"]) - st
            check(lo <= off <= hi and (off - lo) % step == 0, f"break {b} outside its window")
            check(b["length_s"] == length and b["paid"] == paid, f"break {b}")
            check(clock(b["start"]) >= prev_end, f"breaks overlap in {line}")
            prev_end = clock(b["start"]) + length
        check(prev_end <= st + t["length"], f"a break past the end of {line}")
        counts[line["template"]] = counts.get(line["template"], 0) + line["count"]
    for name, t in TEMPL.items():
        n = counts.get(name, 0)
        check(n >= t["min"] and (t["max"] is None or n <= t["max"]), f"{name}: {n} agents")


@test("the roster covers the requirement in every interval and group (recomputed)")
def _():
    s = schedule()
    bins = [clock("08:00") + 1800 * i for i in range(8)]
    for c in s["coverage"]:
        if not c["rostered"]:
            check(c["group"] == "supervisors", f"{c['group']} not rostered")
            continue
        b0 = clock(c["interval"])
        on = 0.0
        for line in s["roster"]:
            if line["group"] != c["group"]:
                continue
            st, en = clock(line["start"]), clock(line["end"])
            span = max(0, min(en, b0 + 1800) - max(st, b0))
            for b in line["breaks"]:
                bs = clock(b["start"])
                span -= max(0, min(bs + b["length_s"], b0 + 1800) - max(bs, b0))
            on += line["count"] * span / 1800
        check(b0 in bins, f"interval {c['interval']}")
        check(abs(on - c["on_phones"]) < 1e-9, f"{c}: on the phones recomputed {on}")
        check(on >= c["required_scheduled"] - 1e-9, f"{c}: requirement not covered")


@test("run, staff and schedule report the same cost and paid hours for the roster")
def _():
    s = schedule()
    roster = os.path.join(OUT, "roster.yaml")
    out, _ = expect_rc(acdsim("run", roster, "-j", "2", *REPS, "-f", "json"), 0, "run")
    r = json.loads(out)
    cost = r["summary"]["cost"]["mean"]
    check(cost == s["cost"], f"run {cost!r} vs schedule {s['cost']!r}")
    totals = r["totals"] if "totals" in r else None
    out, _ = expect_rc(acdsim("staff", roster, "-q", "-j", "2", *REPS, "--start", "current",
                              "--max-evaluations", "2", "-f", "json"), 0, "staff")
    st = json.loads(out)
    check(st["current_plan"]["cost"] == s["cost"],
          f"staff {st['current_plan']['cost']!r} vs schedule {s['cost']!r}")
    check(st["current_plan"]["agent_hours"] == s["agent_hours"],
          f"hours: staff {st['current_plan']['agent_hours']!r} vs {s['agent_hours']!r}")
    check(totals is None or "unpaid_break_agent_s" in json.dumps(r), "unpaid breaks not counted")
    check(abs(s["cost_of_rostering"] - (s["cost"] - s["requirement_cost"])) < 1e-6,
          "cost of rostering is roster - requirement")
    # Paid hours: the roster's shifts less unpaid lunches (no absenteeism
    # here), plus the held supervisors' 4 hours; a call in hand past a
    # shift's end adds a little.
    paid = sum(line["count"] * ((clock(line["end"]) - clock(line["start"]))
                                - sum(b["length_s"] for b in line["breaks"] if not b["paid"]))
               for line in s["roster"]) / 3600 + 4
    check(paid - 1e-6 <= s["agent_hours"] <= paid * 1.03,
          f"paid agent-hours {s['agent_hours']} for a roster of {paid} paid hours")


@test("an unpaid lunch is not paid: labor = rate x (staffed + breaks - unpaid)")
def _():
    text = day_yaml(templates="").replace(
        "    agents: 1\n    cost_per_hour: 30",
        "    shifts:\n"
        "      - {start: \"08:00\", end: \"12:00\", count: 2, breaks: [{start: \"09:00\", "
        "length: 15m}, {start: \"10:00\", length: 30m, paid: false}]}\n"
        "    cost_per_hour: 30")
    path = write("unpaid.yaml", text)
    out, _ = expect_rc(acdsim("run", path, "-r", "3", "-f", "json"), 0, "run unpaid")
    g = json.loads(out)["agent_groups"]["back"]
    tot = g.get("totals", g)

    def val(k):
        v = tot[k]
        return v["mean"] if isinstance(v, dict) else v
    paid = val("staffed_agent_s") + val("break_agent_s") - val("unpaid_break_agent_s")
    check(abs(val("unpaid_break_agent_s") - 2 * 1800) < 1e-6,
          f"unpaid break time {val('unpaid_break_agent_s')}")
    check(abs(val("labor_cost") - paid / 3600 * 30) < 1e-6, f"labor {val('labor_cost')}")
    check(abs(paid - 2 * 3.5 * 3600) < 1e-6, f"paid time {paid}")


@test("shrinkage: the roster covers on the phones / (1 - shrinkage), and still meets the goals")
def _():
    path = write("shrink.yaml", day_yaml(extra="shrinkage: 0.2\n"))
    out, _ = expect_rc(acdsim("schedule", path, "-q", *REPS, "--hold", "supervisors", "-f",
                              "json"), 0, "schedule with shrinkage")
    s = json.loads(out)
    check(s["status"] == "met", f"status {s['status']}")
    for c in s["coverage"]:
        if not c["rostered"]:
            continue
        check(abs(c["required_scheduled"] - c["required"] / 0.8) < 1e-9, f"{c}")
        check(c["on_phones"] >= c["required_scheduled"] - 1e-9, f"{c}: not covered")
    base = schedule()
    hours = sum(line["count"] for line in s["roster"])
    check(hours > sum(line["count"] for line in base["roster"]),
          "shrinkage did not add agents to the roster")


@test("roster.yaml: valid, rostered groups' shifts replaced, held group and comments kept")
def _():
    schedule()
    roster = os.path.join(OUT, "roster.yaml")
    text = open(roster).read()
    expect_rc(acdsim("validate", roster), 0, "validate roster.yaml")
    script = write("live.txt", "at 09:00 add 2 agents to front\nat 10:00 quit\n")
    out, _ = expect_rc(acdsim("live", roster, "--no-ui", "--script", script), 0, "live roster")
    check("Service level" in out, f"live on roster.yaml printed no KPIs:\n{out}")
    # The opening comment (about the original) is replaced; others kept.
    check("# a small morning" not in text and "# the front line" in text, "comments")
    check(text.startswith("# Shift roster by acdsim schedule for "), text[:200])
    check("agents: [1, 1, 1, 1, 1, 1, 1, 1]   # kept as is with --hold" in text,
          "the held group was rewritten")
    check("shifts:" in text and "paid: false" in text, "no shifts with an unpaid lunch")
    for f in ("schedule.json", "schedule.csv", "results.json", "index.html", "coverage.svg",
              "gantt.svg"):
        check(os.path.exists(os.path.join(OUT, f)), f"{f} missing")
    html = open(os.path.join(OUT, "index.html")).read()
    check("Schedule recommendation" in html, "page not titled as a recommendation")


def refused(name, text, rc, pattern, *opts):
    path = write(name, text)
    out_dir = os.path.join(TMP, "no-" + name)
    out, err = expect_rc(acdsim("schedule", path, "-q", *REPS, "-o", out_dir, *opts), rc, name)
    check(re.search(pattern, err), f"{name}: reason not given:\n{err}")
    check(out == "", f"{name}: wrote on stdout:\n{out}")
    check(not os.path.exists(out_dir), f"{name}: {out_dir} written")
    no_glpk(err, name)


@test("a template that cannot cover an interval: exit 2, the group and interval named")
def _():
    t = TEMPLATES.replace('latest: "10:00", step: 30m}\n    length: 2h', 'latest: "08:00"}\n'
                          '    length: 2h').replace('latest: "09:00", step: 30m}', 'latest: '
                                                   '"08:00"}')
    refused("uncovered.yaml", day_yaml(templates=t), 2,
            r"no shift template can staff group 'front' at 1[01]:[03]0")


@test("contradictory break windows: exit 2, located at the template")
def _():
    t = TEMPLATES.replace("earliest: 2h, latest: 2h15m", "earliest: 1h15m, latest: 2h15m")
    refused("windows.yaml", day_yaml(templates=t), 2, r"windows\.yaml:\d+:\d+: error: .*break")


@test("a break that does not fit in its shift: exit 2")
def _():
    t = TEMPLATES.replace("earliest: 2h, latest: 2h15m", "earliest: 2h, latest: 2h45m")
    refused("past_end.yaml", day_yaml(templates=t), 2, r"past_end\.yaml:\d+:\d+: error: ")


@test("min/max counts that leave no roster: exit 2 with the reason")
def _():
    t = TEMPLATES.replace("    groups: [front, back]\n", "    groups: [front, back]\n"
                          "    max: 1\n").replace("    max: 3\n", "    max: 1\n")
    refused("counts.yaml", day_yaml(templates=t), 2, r"min and max counts leave no roster")


@test("a goal no staffing reaches: exit 1 with the reason")
def _():
    refused("lines.yaml", day_yaml(queue="queue: {lines: 3}\n"), 1,
            r"no staffing meets the goals at", "--target-sl", "0.99")


@test("no templates, a steady state: exit 2")
def _():
    refused("none.yaml", day_yaml(templates=""), 2, r"no shift_templates")
    steady = """name: steady
horizon: {duration: 1h}
call_types: [{name: a, arrivals: {rate: 1/s}, handle_time: {dist: exponential, mean: 1m}}]
agent_groups: [{name: g, skills: [a], agents: 70}]
"""
    path = write("steady.yaml", steady)
    _, err = expect_rc(acdsim("schedule", path, "-q"), 2, "steady")
    check("shift_templates" in err or "operating day" in err, err)


@test("--assert checks the roster's results: exit 3 when one fails, 0 when all hold")
def _():
    expect_rc(acdsim("schedule", DAY, "-q", *REPS, "--assert",
                     "every_interval.service_level>=target", "-f", "csv"), 0, "assert holds")
    _, err = expect_rc(acdsim("schedule", DAY, "-q", *REPS, "--assert", "service_level>=0.999",
                              "-f", "csv"), 3, "assert fails")
    check("service_level>=0.999" in err, err)


@test("rounds run out: the roster is shown with the intervals it misses, exit 1")
def _():
    path = write("tight.yaml", day_yaml().replace("target: 0.80", "target: 0.97"))
    rc, out, err = acdsim("schedule", path, "-q", *REPS, "--max-rounds", "1", "-f", "json")
    s = json.loads(out)
    if rc == 0 and s["status"] == "met":
        return "skip one round was enough here"
    check(rc == 1 and s["status"] == "unmet" and "still misses a goal" in err, f"{rc}: {err}")
    check(any(not i["met"] for i in s["intervals"]), "no interval marked as missed")


@test("the same seed gives the same roster for any thread count")
def _():
    a, _ = expect_rc(acdsim("schedule", DAY, "-q", "-j", "1", *REPS, "-f", "csv"), 0, "j1")
    b, _ = expect_rc(acdsim("schedule", DAY, "-q", "-j", "2", *REPS, "-f", "csv"), 0, "j2")
    check(a == b, "the roster depends on the thread count")


sys.exit(run(cleanup=TMP))
