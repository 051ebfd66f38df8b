#!/usr/bin/env python3
"""`--set PATH=VALUE` (issue 13, acceptance 1) and the `scale:` keys.

* A --set gives byte-identical output to the same edit made in the file:
  `run -f json` and `staff` on a copy of the scenario with --set, and on a
  second copy (same file name, another directory) edited by hand here; for
  a replaced value, an added key, a list entry by name and by index, a
  nested mapping added, scale, and an agents window (+1@09:00-10:00 written
  out as the per-interval list it stands for).
* Errors are located on the option (`--set:K:COL: error: ...`), exit 2,
  and never name a temporary file.
* `arrivals: {scale: 1.15}` gives 15% more offered calls, within the CI:
  a steady state (rate) and an operating day forecast from a CSV file.

Environment: ACDSIM = the binary, TESTS_DIR = tests/ (for ../scenarios).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCEN = os.path.join(TESTS_DIR, "..", "scenarios")
TMP = tempfile.mkdtemp(prefix="acdsim-set-")


def acdsim(args, cwd=None):
    p = subprocess.run([ACDSIM] + args, capture_output=True, cwd=cwd, timeout=300)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def copies(name, edit):
    """Two directories holding `name` (with its data/): a/ as is, b/ edited
    by edit(text). Returns (a, b)."""
    a, b = tempfile.mkdtemp(dir=TMP), tempfile.mkdtemp(dir=TMP)
    for d in (a, b):
        shutil.copytree(os.path.join(SCEN, "data"), os.path.join(d, "data"))
    text = open(os.path.join(SCEN, name)).read()
    open(os.path.join(a, name), "w").write(text)
    new = edit(text)
    check(new != text, "the hand edit changed nothing")
    open(os.path.join(b, name), "w").write(new)
    return a, b


def replace(old, new):
    def edit(text):
        check(text.count(old) == 1, f"{old!r} is not in the file once")
        return text.replace(old, new)
    return edit


def same_output(name, sets, edit, cmd=("run", "-r", "3", "-f", "json", "--no-timing")):
    a, b = copies(name, edit)
    args = [cmd[0], name] + list(cmd[1:])
    ra, oa, ea = acdsim(args + [x for s in sets for x in ("--set", s)], cwd=a)
    rb, ob, eb = acdsim(args, cwd=b)
    check(ra == 0 and rb == 0, f"exit {ra} / {rb}: {ea} {eb}")
    check(len(oa) > 100, "no output")
    check(oa == ob, f"--set {sets} and the file edit differ")
    check(ea == eb, f"stderr differs: {ea!r} vs {eb!r}")


CASES = [
    ("utility.yaml", ["call_types.billing.arrivals.scale=1.15"],
     replace("arrivals: {rate: 150/h}", "arrivals: {rate: 150/h, scale: 1.15}")),
    ("utility.yaml", ["replications=4"], replace("replications: 20", "replications: 4")),
    ("utility.yaml", ["agent_groups.csr.agents=15", "agent_groups.1.agents=6"],
     lambda t: t.replace("agents: 14", "agents: 15").replace("agents: 5", "agents: 6")),
    ("utility.yaml", ["call_types.outages.handle_time.scale=1.2"],
     replace("{dist: erlang, mean: 2m, k: 3}", "{dist: erlang, mean: 2m, k: 3, scale: 1.2}")),
    ("utility.yaml", ["call_types.payments.costs.abandon=3"],
     replace("    patience: {dist: exponential, mean: 4m}\n",
             "    patience: {dist: exponential, mean: 4m}\n    costs: {abandon: 3}\n")),
    ("utility.yaml", ["horizon.warmup=1h"], replace("warmup: 30m ", "warmup: 1h  ")),
]


for name, sets, edit in CASES:
    @test(f"run -f json: --set {' '.join(sets)} = the file edit, byte for byte")
    def _(name=name, sets=sets, edit=edit):
        same_output(name, sets, edit)


@test("staff: --set agent_groups.csr.agents=12 --set service_level.target=0.85 = the file edit")
def _():
    same_output("utility.yaml", ["agent_groups.csr.agents=12", "service_level.target=0.85"],
                lambda t: t.replace("agents: 14", "agents: 12").replace(
                    "target: 0.80}", "target: 0.85}"), cmd=("staff", "-r", "3", "-q"))


def supervisors_window(text):
    old = ("agents: [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,\n"
           "             2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]")
    check(old in text, "supervisors' list not found")
    plan = [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]
    for i in (4, 5):  # 09:00 and 09:30 (open 07:00, 30-minute intervals)
        plan[i] += 1
    return text.replace(old, "agents: [" + ", ".join(map(str, plan)) + "]")


@test("run -f json: agents=+1@09:00-10:00 = that per-interval list in the file")
def _():
    same_output("utility_day.yaml", ["agent_groups.supervisors.agents=+1@09:00-10:00"],
                supervisors_window, cmd=("run", "-r", "2", "-f", "json", "--no-timing"))


ERRORS = [
    (["call_types.billing.arrivals.scal=1.15"],
     "--set:1:29: error: unknown key 'scal' in arrivals (did you mean 'scale'?)"),
    (["replications=3", "call_types.biling.arrivals.scale=2"],
     "--set:2:12: error: no entry named 'biling' in 'call_types' (did you mean 'billing'?)"),
    (["horizon.warmup=ten"],
     "--set:1:16: error: 'warmup' must be a duration like 90s, 4m or 2h (found 'ten')"),
    (["call_types.billing.handle_time.scale=0"],
     "--set:1:38: error: 'scale' must be greater than 0 (found '0')"),
    (["agent_groups.csr.agents.x=1"],
     "--set:1:18: error: 'agents' is a value (found '14'), not a mapping or list: set 'agents' "
     "as a whole (e.g. agents={...})"),
    (["call_types.7.name=x"],
     "--set:1:12: error: no entry named '7' in 'call_types' (named: billing, payments, outages)"),
    (["replications"],
     "acdsim run: error: --set: expected PATH=VALUE (like "
     "call_types.billing.arrivals.scale=1.15), got 'replications'"),
    (["replications="], "--set:1:14: error: expected a value after '='"),
    (["targets.max_ocupancy=0.9"],
     "--set:1:9: error: unknown key 'max_ocupancy' in targets (did you mean 'max_occupancy'?)"),
    (["call_types.0.retry.abandon.p_first=0.5"],
     "--set:1:20: error: abandon is missing 'delay'"),
    (["agent_groups.outage_desk.skills.1=bling"],
     "--set:1:35: error: unknown call type 'bling' in skills (did you mean 'billing'?)"),
    (["name=[a"], "--set:1:"),
    (["agent_groups.csr.agents=+2@09:00-10:00"],
     "--set:1:25: error: a change for a time window needs an operating day (horizon: day); in "
     "a steady state set the agents: agent_groups.csr.agents=N"),
]


for sets, want in ERRORS:
    @test(f"located error: --set {' '.join(sets)}")
    def _(sets=sets, want=want):
        rc, out, err = acdsim(["run", os.path.join(SCEN, "utility.yaml"), "-r", "2"] +
                              [x for s in sets for x in ("--set", s)])
        check(rc == 2, f"exit {rc}")
        check(out == b"", "output on stdout")
        check(any(line.startswith(want) for line in err.splitlines()),
              f"expected {want!r} in:\n{err}")
        check("/tmp" not in err, "a temporary file is named")


DAY_ERRORS = [
    (["agent_groups.csr1.agents=+2@09:00-11:00"],
     "--set:1:26: error: agent group 'csr1' is staffed by shifts: a window change needs "
     "per-interval agents (agents: N or a list); add a shift for the window instead"),
    (["agent_groups.supervisors.agents=+1@09:10-10:00"],
     "--set:1:36: error: the window must start and end on interval boundaries (intervals of "
     "30m from 07:00)"),
    (["agent_groups.supervisors.agents=-3@09:00-10:00"],
     "--set:1:33: error: agent group 'supervisors' has fewer than 3 agents in that window"),
    (["agent_groups.supervisors.agents=+1@06:00-10:00"],
     "--set:1:36: error: the window must be inside the opening hours (07:00 to 19:00)"),
]

for sets, want in DAY_ERRORS:
    @test(f"located error (day): --set {' '.join(sets)}")
    def _(sets=sets, want=want):
        rc, out, err = acdsim(["validate", os.path.join(SCEN, "utility_day.yaml")] +
                              [x for s in sets for x in ("--set", s)])
        check(rc == 2, f"exit {rc}")
        check(any(line.startswith(want) for line in err.splitlines()),
              f"expected {want!r} in:\n{err}")


@test("the embedded default scenario takes --set (run without SCENARIO)")
def _():
    rc, out, err = acdsim(["run", "-r", "2", "-f", "json", "--set", "replications=3"])
    check(rc == 0, f"exit {rc}: {err}")
    rc2, out2, _ = acdsim(["run", "-r", "2", "-f", "json"])
    check(json.loads(out)["summary"]["offered"]["mean"] ==
          json.loads(out2)["summary"]["offered"]["mean"], "-r overrides the scenario's count")
    rc, out, err = acdsim(["run", "--set", "call_types.billing.arrivals.scal=2"])
    check(rc == 2 and "--set:1:29: error: unknown key 'scal'" in err, err)


@test("staff -o: recommended.yaml carries the --set changes")
def _():
    d = os.path.join(TMP, "staff-out")
    rc, out, err = acdsim(["staff", os.path.join(SCEN, "utility.yaml"), "-r", "3", "-q", "-o", d,
                           "--set", "call_types.billing.arrivals.scale=1.15"])
    check(rc == 0, err)
    text = open(os.path.join(d, "recommended.yaml")).read()
    check("arrivals: {rate: 150/h, scale: 1.15}" in text, "the change is not in recommended.yaml")
    rc, out, err = acdsim(["validate", os.path.join(d, "recommended.yaml")])
    check(rc == 0, err)


def offered(out, ct):
    e = json.loads(out)["call_types"][ct]["offered"]
    return e["mean"], e["ci95"]


@test("scale: 1.15 on a rate: 15% more offered calls, within the CI")
def _():
    path = os.path.join(SCEN, "utility.yaml")
    base = ["run", path, "-r", "40", "-f", "json"]
    m0, c0 = offered(acdsim(base)[1], "billing")
    m1, c1 = offered(acdsim(base + ["--set", "call_types.billing.arrivals.scale=1.15"])[1],
                     "billing")
    want = 150 * 7.5  # 150/h over the 7.5 h after the warm-up
    check(abs(m0 - want) <= c0, f"baseline {m0} +- {c0}, expected {want}")
    check(abs(m1 - 1.15 * want) <= c1, f"scaled {m1} +- {c1}, expected {1.15 * want}")
    check(abs(m1 / m0 - 1.15) <= 1.15 * (c0 / m0 + c1 / m1), f"ratio {m1 / m0}")


FORECAST = """\
name: forecast scale
seed: 5
replications: 40
horizon: {open: "08:00", close: "11:00", interval: 1h}
call_types:
  - name: billing
    arrivals: {file: forecast.csv, scale: 1.15}
    handle_time: {dist: exponential, mean: 3m}
agent_groups:
  - name: csr
    skills: [billing]
    agents: 12
"""


@test("scale: 1.15 on a CSV forecast: 15% more offered calls, within the CI")
def _():
    d = tempfile.mkdtemp(dir=TMP)
    open(os.path.join(d, "forecast.csv"), "w").write(
        "start,calls\n08:00,80\n09:00,120\n10:00,100\n")
    open(os.path.join(d, "s.yaml"), "w").write(FORECAST)
    rc, out, err = acdsim(["run", "s.yaml", "-f", "json"], cwd=d)
    check(rc == 0, err)
    m, c = offered(out, "billing")
    check(abs(m - 1.15 * 300) <= c, f"{m} +- {c}, expected {1.15 * 300}")
    rc, out, err = acdsim(["run", "s.yaml", "-f", "json", "--set",
                           "call_types.billing.arrivals.scale=1"], cwd=d)
    m, c = offered(out, "billing")
    check(abs(m - 300) <= c, f"{m} +- {c}, expected 300")


sys.exit(run(cleanup=TMP))
