#!/usr/bin/env python3
"""One cost accounting for `run` and `staff` (TAP; docs/staffing.md "Costs").

For the same plan, `acdsim staff` reports the cost and paid agent-hours
`acdsim run` reports (same seed, same replications: the very same
figures, not just close ones):

- the scenario's own plan: `staff --start current` (current_plan) against
  `run` on the scenario; utility_day (shifts with breaks, absenteeism,
  abandon and repeat-call costs) and helpdesk;
- the recommended plan: `run` on the recommended.yaml that `staff -o`
  writes against staff's `cost`;
- the cost is labor + abandon + repeat-call costs (none left out), the
  labor is cost_per_hour x paid time (on the phones plus breaks).

Environment: ACDSIM (binary), TESTS_DIR (tests/ source directory).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.normpath(os.path.join(TESTS_DIR, "..", "scenarios"))
TMP = tempfile.mkdtemp(prefix="acdsim-cost-")
# Few replications: the comparison is exact whatever their number, and CI
# also runs this under the sanitizers with the invariant checker.
REPS = ("-r", "6")


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=280)
    return p.returncode, p.stdout, p.stderr


def same(a, b, what):
    check(abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)), f"{what}: run {a!r}, staff {b!r}")


def run_totals(path):
    out, _ = expect_rc(acdsim("run", path, "-f", "json", *REPS), 0, f"run {path}")
    s = json.loads(out)["summary"]
    tot = {k: s["totals"][k]["mean"] for k in
           ("labor_cost", "abandon_cost", "repeat_cost", "staffed_agent_s", "break_agent_s")}
    return s["cost"]["mean"], tot


STAFF = {}


def staff(name, *extra):
    key = (name, extra)
    if key not in STAFF:
        path = os.path.join(SCENARIOS, name + ".yaml")
        out_dir = os.path.join(TMP, name + "-".join(extra))
        out, _ = expect_rc(acdsim("staff", path, "--quiet", "-f", "json", "-o", out_dir, *REPS,
                                  *extra),
                           0, f"staff {name}")
        STAFF[key] = (json.loads(out), out_dir)
    return STAFF[key]


def check_current(name):
    cost, tot = run_totals(os.path.join(SCENARIOS, name + ".yaml"))
    d, _ = staff(name, "--start", "current")
    cur = d["current_plan"]
    same(cost, cur["cost"], f"{name}: cost of the scenario's plan")
    same(tot["labor_cost"], cur["costs"]["labor_cost"]["mean"], f"{name}: labor cost")
    same(tot["abandon_cost"], cur["costs"]["abandon_cost"]["mean"], f"{name}: abandon cost")
    same(tot["repeat_cost"], cur["costs"]["repeat_cost"]["mean"], f"{name}: repeat cost")
    same((tot["staffed_agent_s"] + tot["break_agent_s"]) / 3600, cur["agent_hours"],
         f"{name}: paid agent-hours (breaks included)")
    same(cost, tot["labor_cost"] + tot["abandon_cost"] + tot["repeat_cost"],
         f"{name}: cost = labor + abandon + repeat")
    return cost, tot


@test("utility_day: run and staff --start current report the same cost for the scenario's plan")
def _():
    cost, tot = check_current("utility_day")
    check(tot["break_agent_s"] > 0 and tot["abandon_cost"] > 0 and tot["repeat_cost"] > 0,
          f"utility_day should exercise breaks, abandon and repeat costs: {tot}")


@test("helpdesk: run and staff --start current report the same cost for the scenario's plan")
def _():
    check_current("helpdesk")


@test("utility_day: run on staff's recommended.yaml reports staff's cost for the recommended plan")
def _():
    d, out_dir = staff("utility_day", "--start", "current")
    cost, tot = run_totals(os.path.join(out_dir, "recommended.yaml"))
    same(cost, d["cost"], "recommended plan's cost")
    same((tot["staffed_agent_s"] + tot["break_agent_s"]) / 3600, d["agent_hours"],
         "recommended plan's paid agent-hours")
    c = d["costs"]
    check(c["abandon_cost"]["mean"] > 0 and c["repeat_cost"]["mean"] > 0,
          f"the recommendation's cost includes abandon and repeat-call costs: {c}")
    same(d["cost"], c["labor_cost"]["mean"] + c["abandon_cost"]["mean"] + c["repeat_cost"]["mean"],
         "recommended cost = labor + abandon + repeat")


@test("staff -o page: titled as the recommendation, both plans side by side before the report")
def _():
    d, out_dir = staff("utility_day", "--start", "current")
    with open(os.path.join(out_dir, "index.html"), encoding="utf-8") as f:
        html = f.read()
    name = "Riverside Utilities - Monday"
    check(f"<title>Staffing recommendation: {name}" in html, "page <title> is not the recommendation's")
    check(f"<h1>Staffing recommendation: {name}</h1>" in html, "h1 is not the recommendation's")
    check(f"<h1>{name}</h1>" not in html, "the scenario's own title is still the headline")
    plans, per_iv = html.find('id="plans"'), html.find('id="plans-intervals"')
    banner = html.find('id="verdict"')
    check(0 < plans < per_iv < banner, f"comparison tables must come first: {plans}, {per_iv}, {banner}")
    table = html[plans:per_iv]
    for row, rec, cur in (("Cost", d["cost"], d["current_plan"]["cost"]),
                          ("Paid agent-hours", d["agent_hours"], d["current_plan"]["agent_hours"])):
        dec = 2 if row == "Cost" else 1
        want = f'<th scope="row">{row}</th><td>{rec:.{dec}f}</td><td>{cur:.{dec}f}</td>'
        check(want in table, f"{row} row missing or different: want {want}")
    rows = html[per_iv:banner].count('<tr><th scope="row">')
    check(rows == len(d["intervals"]), f"{rows} interval rows, {len(d['intervals'])} intervals")


sys.exit(run(cleanup=TMP))
