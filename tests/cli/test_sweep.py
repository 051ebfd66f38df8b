#!/usr/bin/env python3
"""`acdsim sweep` (issue 13, acceptance 3).

* A sweep over one group's agents is monotone in service level within its
  CIs (each point's mean at least the previous one's minus the two CI
  half-widths; with common random numbers the means themselves rise), and
  the abandon rate falls likewise.
* The Pareto points are not dominated, and every other point is: checked
  from the JSON's figures, independently of the program's marking.
* The same seed at every point: the offered calls (which do not depend on
  staffing) are identical at every point.
* Two parameters give the full grid (first outermost); the CSV has a row
  per point; the text table a line per point; --out writes sweep.json,
  sweep.csv and (with gnuplot) the two charts; progress goes to stderr
  only (one line per point with --progress), stdout stays the document.
* Bad ranges, a third parameter, no parameter: exit 2 with a message; a
  bad key at a point: the --set location, exit 2.

Environment: ACDSIM = the binary, TESTS_DIR = tests/.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCEN = os.path.join(TESTS_DIR, "..", "scenarios", "utility.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-sweep-")


def acdsim(args):
    p = subprocess.run([ACDSIM] + args, capture_output=True, timeout=600)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


AGENTS = ["sweep", SCEN, "--set", "agent_groups.csr.agents=10..17", "-r", "20"]
_doc = {}


def doc():
    if "d" not in _doc:
        rc, out, err = acdsim(AGENTS + ["-f", "json", "--progress"])
        check(rc == 0, f"exit {rc}: {err}")
        _doc["d"] = json.loads(out)
        _doc["err"] = err
    return _doc["d"]


def est(p, key):
    e = p["summary"][key]
    return e["mean"], e["ci95"]


@test("a sweep over agents: service level monotone within the CIs, abandons falling")
def _():
    pts = doc()["points"]
    check(len(pts) == 8, f"{len(pts)} points")
    check([p["set"]["agent_groups.csr.agents"] for p in pts] == [str(n) for n in range(10, 18)],
          "values")
    for a, b in zip(pts, pts[1:]):
        (m0, c0), (m1, c1) = est(a, "service_level"), est(b, "service_level")
        check(m1 >= m0 - (c0 + c1), f"service level falls beyond its CIs: {m0} -> {m1}")
        (m0, c0), (m1, c1) = est(a, "abandon_rate"), est(b, "abandon_rate")
        check(m1 <= m0 + (c0 + c1), f"abandon rate rises beyond its CIs: {m0} -> {m1}")
    sl = [est(p, "service_level")[0] for p in pts]
    check(sl[-1] - sl[0] > est(pts[0], "service_level")[1] + est(pts[-1], "service_level")[1],
          "seven more agents change nothing measurable")


@test("the same seed at every point: offered calls identical")
def _():
    d = doc()
    off = {est(p, "offered")[0] for p in d["points"]}
    check(len(off) == 1, f"offered differs between points: {off}")
    check(d["seed"] == 20261122 and d["replications"] == 20, "seed / replications")


def dominated(p, q, cost):
    cp, sp = p["summary"][cost]["mean"], p["summary"]["service_level"]["mean"]
    cq, sq = q["summary"][cost]["mean"], q["summary"]["service_level"]["mean"]
    return cq <= cp and sq >= sp and (cq < cp or sq > sp)


def check_front(d):
    cost = d["cost_measure"]
    pts = d["points"]
    check(any(p["pareto"] for p in pts), "no Pareto point")
    for p in pts:
        dom = any(dominated(p, q, cost) for q in pts if q is not p)
        check(p["pareto"] == (not dom),
              f"point {p['set']} marked {p['pareto']} but dominated={dom}")


@test("Pareto points are not dominated, the others are (one parameter)")
def _():
    check_front(doc())


GRID = ["sweep", SCEN, "--set", "agent_groups.csr.agents=12..16/2",
        "--set", "call_types.billing.arrivals.scale=0.9,1.0, 1.1", "-r", "8"]


@test("two parameters: the full grid, first parameter outermost; the front not dominated")
def _():
    rc, out, err = acdsim(GRID + ["-f", "json"])
    check(rc == 0, err)
    d = json.loads(out)
    check([x["path"] for x in d["parameters"]] ==
          ["agent_groups.csr.agents", "call_types.billing.arrivals.scale"], "parameters")
    got = [(p["set"]["agent_groups.csr.agents"], p["set"]["call_types.billing.arrivals.scale"])
           for p in d["points"]]
    want = [(a, s) for a in ("12", "14", "16") for s in ("0.9", "1.0", "1.1")]
    check(got == want, f"grid {got}")
    check(err == "", f"stderr without --progress and not a terminal: {err!r}")
    check_front(d)


@test("CSV: a header and a row per point, the same figures as JSON")
def _():
    rc, out, err = acdsim(GRID + ["-f", "csv"])
    check(rc == 0, err)
    rows = list(csv.DictReader(io.StringIO(out)))
    check(len(rows) == 9, f"{len(rows)} rows")
    rc, js, _ = acdsim(GRID + ["-f", "json"])
    d = json.loads(js)
    for r, p in zip(rows, d["points"]):
        check(abs(float(r["service_level"]) - p["summary"]["service_level"]["mean"]) < 1e-12,
              "service level differs")
        check(r["pareto"] == ("true" if p["pareto"] else "false"), "pareto differs")


@test("progress: one line per point on stderr with --progress, stdout the document only")
def _():
    doc()
    lines = _doc["err"].splitlines()
    check(len(lines) == 8 and all(x.startswith("sweep: ") for x in lines), f"{lines}")
    check("1/8 agent_groups.csr.agents=10: service level" in lines[0], lines[0])


@test("text: a line per point, the front marked")
def _():
    rc, out, err = acdsim(AGENTS[:4] + ["-r", "5"])
    check(rc == 0, err)
    rows = [x for x in out.splitlines() if re.match(r"^\d+\s{2,}", x)]
    check(len(rows) == 8, out)
    check(any(x.endswith("*") for x in rows), "no point marked")


@test("--out DIR: sweep.json, sweep.csv and the charts")
def _():
    d = os.path.join(TMP, "out")
    rc, out, err = acdsim(AGENTS[:4] + ["-r", "5", "-o", d, "-q"])
    check(rc == 0, err)
    check(out == "", "output with -q")
    files = set(os.listdir(d))
    check({"sweep.json", "sweep.csv", "index.html"} <= files, f"{files}")
    page = open(os.path.join(d, "index.html")).read()
    check("agent_groups.csr.agents" in page and "</html>" in page, "index.html lacks the table")
    if shutil.which("gnuplot"):
        check({"sweep_kpi.png", "sweep_kpi.svg", "sweep_pareto.png", "sweep_pareto.svg"} <= files,
              f"{files}")


ERRORS = [
    (["--set", "agent_groups.csr.agents=12..10"],
     "acdsim sweep: error: --set 'agent_groups.csr.agents=12..10': a range goes up from A to B "
     "by a positive STEP, got '12..10'"),
    (["--set", "agent_groups.csr.agents=1..x"],
     "acdsim sweep: error: --set 'agent_groups.csr.agents=1..x': expected a range like 10..20 or "
     "0.8..1.2/0.1, got '1..x'"),
    (["--set", "agent_groups.csr.agents=12"],
     "acdsim sweep: error: no parameter to sweep: give --set PATH=A..B or PATH=X,Y,Z"),
    (["--set", "agent_groups.csr.agents=1..2", "--set", "replications=2,3",
      "--set", "seed=1,2"],
     "acdsim sweep: error: --set 'seed=1,2': a sweep has at most two parameters"),
    (["--set", "agent_groups.csr.agnts=12..13"],
     "--set:1:18: error: unknown key 'agnts' in agent group (did you mean 'agents'?)"),
]

for args, want in ERRORS:
    @test(f"error: sweep {' '.join(args)}")
    def _(args=args, want=want):
        rc, out, err = acdsim(["sweep", SCEN, "-r", "2"] + args)
        check(rc == 2, f"exit {rc}")
        check(out == "", "stdout")
        check(want in err.splitlines(), f"expected {want!r} in:\n{err}")


sys.exit(run(cleanup=TMP))
