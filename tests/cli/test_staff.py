#!/usr/bin/env python3
"""End-to-end tests of `acdsim staff` on a small operating day (TAP).

The day: 08:00-12:00 in half hours, billing and payments calls, CSR I
(both skills), a payments desk, CSR II taking billing escalations; 80/20
with at most 5% abandons.

- The recommended plan meets its goals in every interval when re-run with
  another seed (`acdsim run` on the recommended.yaml that --out writes):
  no interval is significantly below a goal (goal outside mean +- CI).
- Local minimality: with one agent fewer in any interval x group (a
  scenario written here, run by `acdsim run` with the search's seed), the
  interval misses a goal - the search's own verdict, reproduced exactly by
  another command, plus the same verdict under a second seed (not
  significantly meeting). Where the missing agent breaks only a later
  interval (calls wait across the boundary), the test says so explicitly.
- With --probability 0.9 the share of replications meeting the goals is
  reported per interval and is at least 0.9.
- The staffing curve, the formats and bad options.

Environment: ACDSIM (binary), TESTS_DIR (tests/ source directory).
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Failure, check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-staff-")
SEED_A, SEED_B = 7, 8
REPS = 100
GROUPS = ["csr1", "payments_desk", "csr2"]
BINS = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


def day_yaml(plan, name="small day"):
    """plan: {group: [agents per interval]}."""
    def agents(g):
        return "[" + ", ".join(str(n) for n in plan[g]) + "]"
    return f"""name: {name}
seed: {SEED_A}
replications: {REPS}
horizon: {{open: "08:00", close: "12:00", interval: 30m}}
service_level: {{threshold: 20s, target: 0.80}}
targets: {{max_abandon: 0.05}}
call_types:
  - name: billing
    arrivals: {{per_interval: [40, 70, 90, 80, 70, 60, 60, 50]}}
    handle_time: {{dist: lognormal, mean: 4m, cv: 0.8}}
    patience: {{dist: exponential, mean: 3m}}
    resolution:
      - {{tier: 1, resolve: 0.85, escalate: 1.0}}
      - {{tier: 2, resolve: 1.0, handle_time: {{dist: exponential, mean: 6m}}, priority: 5}}
  - name: payments
    arrivals: {{per_interval: [20, 30, 35, 30, 25, 25, 20, 20]}}
    handle_time: {{dist: exponential, mean: 3m}}
    patience: {{dist: exponential, mean: 2m}}
agent_groups:
  - name: csr1
    skills: [billing, payments]
    agents: {agents("csr1")}
  - name: payments_desk
    skills: [payments]
    agents: {agents("payments_desk")}
  - name: csr2
    tier: 2
    skills: [billing]
    agents: {agents("csr2")}
"""


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


CURRENT = {"csr1": [8] * 8, "payments_desk": [2] * 8, "csr2": [2] * 8}
SCENARIO = write("small.yaml", day_yaml(CURRENT))
OUT = os.path.join(TMP, "out")
STATE = {}


def staff_doc():
    if "doc" not in STATE:
        out, _ = expect_rc(acdsim("staff", SCENARIO, "-f", "json", "-q", "-j", "2", "-o", OUT),
                           0, "acdsim staff")
        STATE["doc"] = json.loads(out)
    return STATE["doc"]


def plan_of(doc):
    plan = {g: [0] * len(BINS) for g in GROUPS}
    for row in doc["recommendation"]:
        plan[row["group"]][BINS.index(row["interval"])] = row["agents"]
    return plan


def goals_missed(iv, ci=0.0):
    """Goals an interval misses: the mean beyond the goal by more than ci x CI."""
    missed = []
    sl, ab = iv["service_level"], iv["abandon_rate"]
    if sl["mean"] is not None and sl["mean"] + ci * (sl["ci95"] or 0) < 0.80:
        missed.append(f"service level {sl['mean']:.4f} +- {sl['ci95']:.4f}")
    if ab["mean"] is not None and ab["mean"] - ci * (ab["ci95"] or 0) > 0.05:
        missed.append(f"abandon rate {ab['mean']:.4f} +- {ab['ci95']:.4f}")
    return missed


def run_intervals(path, seed):
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "-s", str(seed), "-j", "2",
                              "--no-timing"), 0, f"acdsim run {path}")
    return json.loads(out)["intervals"]


@test("staff -f json: the interface keys, one row per interval x group, feasible")
def _():
    doc = staff_doc()
    for k in ("scenario", "targets", "recommendation", "agent_hours", "cost", "achieved"):
        check(k in doc, f"missing key {k}")
    check(doc["targets"]["service_level"] == 0.8 and doc["targets"]["threshold_s"] == 20,
          f"targets {doc['targets']}")
    check(doc["targets"]["abandon_rate"] == 0.05, f"targets {doc['targets']}")
    check(len(doc["recommendation"]) == len(BINS) * len(GROUPS), "rows")
    check(doc["feasible"] is True, "feasible")
    check(all(iv["met"] for iv in doc["intervals"]), "every interval met")


@test("the achieved figures are what `acdsim run` gives on the recommended plan (same seed)")
def _():
    doc = staff_doc()
    path = write("plan-a.yaml", day_yaml(plan_of(doc)))
    ivs = run_intervals(path, SEED_A)
    for b, (mine, theirs) in enumerate(zip(doc["intervals"], ivs)):
        for k in ("service_level", "abandon_rate", "asa_s"):
            check(mine["achieved"][k]["mean"] == theirs[k]["mean"],
                  f"{BINS[b]} {k}: staff {mine['achieved'][k]} vs run {theirs[k]}")


@test("recommended.yaml, re-run with another seed: no interval significantly misses a goal")
def _():
    staff_doc()
    rec = os.path.join(OUT, "recommended.yaml")
    check(os.path.exists(rec), "recommended.yaml written")
    ivs = run_intervals(rec, SEED_B)
    bad = [f"{BINS[b]}: {m}" for b, iv in enumerate(ivs) if (m := goals_missed(iv, ci=1.0))]
    check(not bad, "\n".join(bad))


@test("local minimality: one agent fewer in any interval x group misses a goal")
def _():
    doc = staff_doc()
    plan = plan_of(doc)
    cross = []
    tried = 0
    for g in GROUPS:
        for b in range(len(BINS)):
            if plan[g][b] == 0:
                continue
            tried += 1
            fewer = {k: list(v) for k, v in plan.items()}
            fewer[g][b] -= 1
            path = write(f"fewer-{g}-{b}.yaml", day_yaml(fewer))
            ivs = run_intervals(path, SEED_A)
            missed = goals_missed(ivs[b])
            if not missed:
                later = [c for c in range(b + 1, len(BINS)) if goals_missed(ivs[c])]
                check(later, f"{g} at {BINS[b]} with {fewer[g][b]} agents: every interval meets")
                cross.append(f"{g} {BINS[b]} -> {BINS[later[0]]}")
                continue
            # A second seed: at least not significantly meeting the goals.
            ivs_b = run_intervals(path, SEED_B)
            check(goals_missed(ivs_b[b], ci=-1.0) or goals_missed(ivs_b[b]),
                  f"{g} at {BINS[b]} with {fewer[g][b]} agents, seed {SEED_B}: "
                  f"meets every goal significantly")
    check(tried == len(doc["minimality"]), f"{tried} checks, the search reported "
                                           f"{len(doc['minimality'])}")
    if cross:
        print("# NOTE: the missing agent breaks a later interval only (calls waiting across "
              "the boundary): " + ", ".join(cross))


@test("--probability 0.9: the share of days meeting the goals is reported and >= 0.9")
def _():
    out, _ = expect_rc(acdsim("staff", SCENARIO, "-f", "json", "-q", "-j", "2",
                              "--probability", "0.9"), 0, "acdsim staff --probability")
    doc = json.loads(out)
    check(doc["targets"]["probability"] == 0.9, f"targets {doc['targets']}")
    low = [(iv["interval"], iv["p_met"]) for iv in doc["intervals"] if iv["p_met"] < 0.9]
    check(not low, f"intervals below 0.9: {low}")
    # Meeting the goals in 90% of days costs more than meeting them on average.
    check(doc["agent_hours"] > staff_doc()["agent_hours"],
          f"{doc['agent_hours']} vs {staff_doc()['agent_hours']} agent-hours")


@test("same seed, same output, byte for byte, with 1 or 2 threads")
def _():
    a, _ = expect_rc(acdsim("staff", SCENARIO, "-q", "-r", "20", "-j", "1", "-f", "json"), 0, "-j 1")
    b, _ = expect_rc(acdsim("staff", SCENARIO, "-q", "-r", "20", "-j", "2", "-f", "json"), 0, "-j 2")
    check(a == b, "outputs differ")


@test("-f csv: one row per interval x group, the same agents as the JSON")
def _():
    out, _ = expect_rc(acdsim("staff", SCENARIO, "-f", "csv", "-q", "-j", "2"), 0, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    doc = staff_doc()
    check(len(rows) == len(doc["recommendation"]), "row count")
    for r, j in zip(rows, doc["recommendation"]):
        check(r["interval"] == j["interval"] and r["group"] == j["group"] and
              int(r["agents"]) == j["agents"], f"{r} vs {j}")


@test("--out: staffing files, chart and the recommended plan's report")
def _():
    staff_doc()
    names = set(os.listdir(OUT))
    for n in ("staffing.json", "staffing.csv", "recommended.yaml", "results.json",
              "intervals.csv", "index.html"):
        check(n in names, f"{n} missing from {sorted(names)}")
    check(not [n for n in names if ".tmp." in n], f"temporary files left: {sorted(names)}")
    with open(os.path.join(OUT, "staffing.json")) as f:
        check(json.load(f)["recommendation"] == staff_doc()["recommendation"],
              "staffing.json = -f json")


@test("--curve: service level rises with agents; Erlang figures beside a one-queue case")
def _():
    steady = write("steady.yaml", """name: one queue
seed: 3
replications: 10
horizon: {duration: 100000s, warmup: 5000s}
service_level: {threshold: 20s, target: 0.8}
call_types:
  - name: calls
    arrivals: {rate: 0.2/s}
    handle_time: {dist: exponential, mean: 240s}
agent_groups:
  - name: agents
    skills: [calls]
    agents: 50
""")
    out, _ = expect_rc(acdsim("staff", steady, "--curve", "--agents", "50:58", "-f", "json", "-q"),
                       0, "curve")
    doc = json.loads(out)
    pts = doc["points"]
    check([p["agents"] for p in pts] == list(range(50, 59)), "agent counts")
    sls = [p["achieved"]["service_level"]["mean"] for p in pts]
    check(all(a < b for a, b in zip(sls, sls[1:])), f"service level not rising: {sls}")
    far = []
    for p in pts:
        e, s = p["erlang"]["service_level"], p["achieved"]["service_level"]
        if abs(e - s["mean"]) > 4 * s["ci95"] + 1e-3:
            far.append(f"{p['agents']}: exact {e:.4f}, simulated {s['mean']:.4f} +- {s['ci95']:.4f}")
    check(not far, "\n".join(far))
    # The first count meeting 80/20 is the exact minimum (54).
    met = [p["agents"] for p in pts if p["met"]]
    check(met and met[0] == 54, f"first count meeting the goal: {met[:1]}")


@test("--curve on a day: the chosen interval and group, the counts asked for")
def _():
    out, _ = expect_rc(acdsim("staff", SCENARIO, "--curve", "--group", "csr1", "--interval",
                              "09:00", "--agents", "8:10", "-r", "10", "-q", "-f", "json"),
                       0, "curve on a day")
    doc = json.loads(out)
    check(doc["interval"] == "09:00" and doc["group"] == "csr1", f"{doc['interval']} {doc['group']}")
    check([p["agents"] for p in doc["points"]] == [8, 9, 10], "agent counts")
    check(all("erlang" not in p for p in doc["points"]), "Erlang figures on a multi-group day")


@test("--assert checks the recommended plan: exit 0 when it holds, 3 when not")
def _():
    expect_rc(acdsim("staff", SCENARIO, "-q", "-r", "20", "--assert", "service_level>=0.8"), 0,
              "assert that holds")
    _, err = expect_rc(acdsim("staff", SCENARIO, "-q", "-r", "20", "--assert", "occupancy<=0.3"),
                       3, "assert that fails")
    check("occupancy<=0.3" in err, err)


@test("progress on stderr: a line per phase in a log, one updating line on a terminal, "
      "none with --quiet")
def _():
    import pty
    args = [ACDSIM, "staff", SCENARIO, "-r", "10", "-f", "json"]
    p = subprocess.run(args, capture_output=True, text=True)
    check(p.returncode == 0, p.stderr)
    lines = p.stderr.splitlines()
    check("\r" not in p.stderr and any(line.startswith("acdsim staff: add") for line in lines)
          and any(line.startswith("acdsim staff: final") for line in lines), p.stderr)
    check(len(lines) < 10, f"{len(lines)} lines of progress in a log")
    json.loads(p.stdout)  # stdout stays the document
    q = subprocess.run(args + ["-q"], capture_output=True, text=True)
    check(q.returncode == 0 and q.stderr == "" and q.stdout == p.stdout, q.stderr)
    master, slave = pty.openpty()
    # Read the terminal while the search runs: a full pty would block it.
    t = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    check(t.wait() == 0 and b"\r" in got and b"plans simulated" in got, repr(got[-300:]))


@test("goals out of reach (5 lines): not feasible, exit 0, and no agent beyond the lines")
def _():
    path = write("lines.yaml", """name: five lines
seed: 1
replications: 10
horizon: {open: "08:00", close: "10:00", interval: 30m}
service_level: {threshold: 20s, target: 0.95}
targets: {max_abandon: 0.01}
queue: {lines: 5}
call_types:
  - name: a
    arrivals: {per_interval: [0, 100, 200, 0]}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 1m}
agent_groups:
  - name: g
    skills: [a]
    agents: [2, 2, 2, 2]
""")
    out, _ = expect_rc(acdsim("staff", path, "-q", "-j", "2", "-f", "json"), 0, "staff")
    doc = json.loads(out)
    check(doc["feasible"] is False, "reported feasible")
    missed = [iv["interval"] for iv in doc["intervals"] if not iv["met"]]
    check(missed == ["08:30", "09:00"], f"missed intervals {missed}")
    agents = {r["interval"]: r["agents"] for r in doc["recommendation"]}
    check(agents == {"08:00": 0, "08:30": 5, "09:00": 5, "09:30": 0}, f"plan {agents}")
    out, _ = expect_rc(acdsim("staff", path, "-q", "-j", "2"), 0, "staff text")
    check("NOT feasible" in out and "08:30, 09:00" in out, out[-400:])


@test("staff --help: exit 0, every option, within 80 columns")
def _():
    out, _ = expect_rc(acdsim("staff", "--help"), 0, "staff --help")
    for opt in ("--target-sl", "--sl-threshold", "--sl-definition", "--max-abandon", "--max-asa",
                "--max-occupancy", "--probability", "--start", "--curve", "--group",
                "--interval", "--agents", "--replications", "--seed", "--threads", "--format",
                "--out", "--quiet", "recommended.yaml"):
        check(opt in out, f"staff --help lacks {opt}")
    check(max(len(line) for line in out.splitlines()) <= 80, "wider than 80 columns")


@test("bad options: every error at once, exit 2, nothing written")
def _():
    out_dir = os.path.join(TMP, "never")
    rc, out, err = acdsim("staff", SCENARIO, "--probability", "2", "--sl-definition", "both",
                          "--max-asa", "soon", "-o", out_dir)
    check(rc == 2, f"exit {rc}")
    for what in ("--probability", "--sl-definition", "--max-asa"):
        check(what in err, f"{what} not reported: {err}")
    check(not os.path.exists(out_dir), "nothing written")
    rc, _, err = acdsim("staff", SCENARIO, "--curve", "--group", "nobody", "--interval", "08:10")
    check(rc == 2 and "nobody" in err and "08:10" in err, f"exit {rc}: {err}")
    rc, _, err = acdsim("staff", os.path.join(TMP, "steady.yaml"), "--target-sl", "none")
    check(rc == 2 and "no goal" in err, f"exit {rc}: {err}")
    rc, _, err = acdsim("staff")
    check(rc == 2 and "missing SCENARIO" in err, f"exit {rc}: {err}")


sys.exit(run(cleanup=TMP))
