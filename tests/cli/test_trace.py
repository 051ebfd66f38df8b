#!/usr/bin/env python3
"""End-to-end tests of `acdsim run --trace FILE [--trace-replication N]`:
the per-call trace CSV (TAP output).

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory. Python
standard library only. Scenarios are written into a temporary directory;
they are small steady-state centres (2 agents, about a call a minute, 2 h)
so every run takes a few milliseconds.
"""
import csv
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

ACDSIM = os.environ.get("ACDSIM", "acdsim")

HEADER = ("call_id,issue_id,type,tier,attempt,source,arrival_s,end_s,done_s,group,"
          "outcome,after,counted,wait_total_s,agent,arrival_clock,end_clock,done_clock")
COLUMNS = HEADER.split(",")
OFFERED_SOURCES = {"fresh", "retrial", "repeat", "callback"}
LEG_SOURCES = OFFERED_SOURCES | {"escalation", "transfer"}

# Busy enough that some callers wait, some abandon and some get a busy signal
# (queue capacity 2); the second call type's name needs CSV quoting; the
# warm-up leaves uncounted rows at the start.
STEADY = """\
name: trace check
seed: 5
replications: 1
horizon: {duration: 2h, warmup: 10m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {rate: 1/min}
    handle_time: {dist: exponential, mean: 2m}
    patience: {dist: exponential, mean: 1m}
  - name: "sales, east"
    arrivals: {rate: 12/h}
    handle_time: {dist: exponential, mean: 90s}
    patience: {dist: exponential, mean: 2m}
agent_groups:
  - name: agents
    skills: [calls, "sales, east"]
    agents: 2
queue: {capacity: 2}
"""

# An operating day with the model's features: tiers and escalation, repeat
# calls, retrials after abandoning, callbacks, balking, a queue limit.
FEATURES = """\
name: trace features
seed: 8
replications: 1
horizon: {open: "08:00", close: "10:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {per_interval: [40, 50, 50, 40]}
    handle_time: {dist: exponential, mean: 2m}
    patience: {dist: exponential, mean: 1m}
    balk: 0.1
    retry:
      abandon: {p_first: 0.5, p_later: 0.3, delay: {dist: exponential, mean: 5m}, max_attempts: 3}
    resolution:
      - {tier: 1, resolve: 0.6, escalate: 0.5}
      - {tier: 2, resolve: 0.9, handle_time: {dist: exponential, mean: 4m}}
    repeat_delay: {dist: exponential, mean: 20m}
    callback: {threshold: 1m, accept: 0.5}
agent_groups:
  - name: front
    tier: 1
    skills: [calls]
    agents: 3
  - name: senior
    tier: 2
    skills: [calls]
    agents: 1
queue: {capacity: 4}
"""

TMP = tempfile.mkdtemp(prefix="acdsim-trace-")
import taplib  # noqa: E402  (the shared TAP harness)
from taplib import Failure, check, expect_rc, test  # noqa: E402


def scenario(name, text=STEADY):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def workdir(name):
    """A fresh, empty directory for one check's files."""
    d = os.path.join(TMP, name)
    os.mkdir(d)
    return d


def run(*args, preexec_fn=None, timeout=120):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, preexec_fn=preexec_fn)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def read_trace(path):
    """The header line and the rows as dicts (csv module: quoted names)."""
    with open(path, newline="") as f:
        text = f.read()
    first = text.split("\n", 1)[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    return first, rows


def traced(name, *extra, scn=None):
    """Run with --trace into a fresh directory; returns (trace path, JSON)."""
    d = workdir(name)
    path = os.path.join(d, "trace.csv")
    out, _ = expect_rc(run("run", scn or scenario(name + ".yaml"), "--no-timing", "-f", "json",
                           "--trace", path, *extra), 0, name)
    check(os.listdir(d) == ["trace.csv"], f"{name}: files left: {sorted(os.listdir(d))}")
    return path, json.loads(out)


# ---------------------------------------------------------------- format

@test("trace: header and columns of every row")
def _():
    path, doc = traced("columns", "-r", "1")
    first, rows = read_trace(path)
    check(first == HEADER, f"header {first!r}")
    check(rows, "no rows in the trace")
    types = set(doc["call_types"])
    groups = set(doc["agent_groups"])
    ids = set()
    for i, r in enumerate(rows, 2):
        where = f"line {i}: {r}"
        check(None not in r and None not in r.values(), f"{where}: wrong number of fields")
        check(r["type"] in types, f"{where}: unknown type")
        check(r["group"] == "" or r["group"] in groups, f"{where}: unknown group")
        check(r["source"] in LEG_SOURCES, f"{where}: unknown source")
        check(r["counted"] in ("0", "1"), f"{where}: counted not 0/1")
        for k in ("call_id", "issue_id", "tier", "attempt"):
            check(r[k].isdigit(), f"{where}: {k} not a non-negative integer")
        check(int(r["tier"]) >= 1 and int(r["attempt"]) >= 1, f"{where}: tier/attempt < 1")
        for k in ("arrival_s", "end_s", "done_s"):
            float(r[k])
        check(r["call_id"] not in ids, f"{where}: call_id repeated")
        ids.add(r["call_id"])
        # Plain scenario: no tiers, retrials or callbacks, every issue one call.
        check(r["outcome"] in ("answered", "abandoned", "blocked"), f"{where}: outcome")
        check((r["outcome"] == "answered") == (r["group"] != ""),
              f"{where}: group must be set exactly for answered legs")
        check((r["outcome"] == "answered") == (r["after"] == "resolved"),
              f"{where}: answered legs resolve the issue here, others do not")
        check((r["outcome"] == "answered") == (r["agent"] != ""),
              f"{where}: agent must be set exactly for answered legs")
        check(r["agent"] == "" or r["agent"].isdigit(), f"{where}: agent not an index")
    check({r["type"] for r in rows} == types, "not every call type in the trace")
    check({r["counted"] for r in rows} == {"0", "1"}, "expected warm-up (0) and counted (1) rows")
    check(sum(r["type"] == "sales, east" for r in rows) > 0, "quoted type name not read back")


@test("trace: an agent keeps its group and talks one leg at a time")
def _():
    path, doc = traced("agents", "-r", "1")
    _, rows = read_trace(path)
    talks, group = {}, {}
    for r in rows:
        if r["agent"] == "":
            continue
        a = int(r["agent"])
        check(group.setdefault(a, r["group"]) == r["group"], f"agent {a} in two groups")
        talks.setdefault(a, []).append((float(r["end_s"]), float(r["done_s"])))
    check(len(talks) == 2, f"agents seen {sorted(talks)} (the scenario has 2)")
    check(set(talks) == {0, 1}, f"agent indices {sorted(talks)} are not 0-based")
    for a, ts in talks.items():
        ts.sort()
        for (_, d0), (e1, _) in zip(ts, ts[1:]):
            check(e1 >= d0 - 1e-9, f"agent {a}: a talk starts at {e1} before {d0}")


@test("trace: arrival_s <= end_s <= done_s on every row; done = end unless answered")
def _():
    path, _ = traced("order", "-r", "1")
    _, rows = read_trace(path)
    check(rows, "no rows in the trace")
    for i, r in enumerate(rows, 2):
        a, e, d = float(r["arrival_s"]), float(r["end_s"]), float(r["done_s"])
        check(0 <= a <= e <= d, f"line {i}: times out of order: {a} {e} {d}")
        if r["outcome"] != "answered":
            check(d == e, f"line {i}: {r['outcome']} leg with done_s != end_s")
        if r["outcome"] == "blocked":
            check(a == e, f"line {i}: a busy signal takes no time")
    check(max(float(r["arrival_s"]) for r in rows) <= 2 * 3600, "arrival after the horizon")


@test("trace: counts per outcome match the JSON totals (-r 1)")
def _():
    path, doc = traced("totals", "-r", "1")
    _, rows = read_trace(path)
    counted = [r for r in rows if r["counted"] == "1"]

    def n(pred, scope):
        # Outcomes count per offered call: escalation legs are the same call.
        return sum(1 for r in counted if r["source"] in OFFERED_SOURCES and pred(r)
                   and (scope is None or r["type"] == scope))

    scopes = [(None, doc["summary"]["totals"])] + [
        (name, s["totals"]) for name, s in doc["call_types"].items()]
    for scope, totals in scopes:
        label = scope or "summary"
        want = {
            "offered": n(lambda r: r["source"] in OFFERED_SOURCES, scope),
            "answered": n(lambda r: r["outcome"] == "answered", scope),
            "abandoned": n(lambda r: r["outcome"] == "abandoned", scope),
            "blocked": n(lambda r: r["outcome"] == "blocked", scope),
        }
        for k, v in want.items():
            check(totals[k]["mean"] == v,
                  f"{label}: totals.{k} = {totals[k]['mean']}, trace has {v}")
    s = doc["summary"]["totals"]
    check(s["answered"]["mean"] > 0 and s["abandoned"]["mean"] > 0 and s["blocked"]["mean"] > 0,
          f"scenario too quiet to test all outcomes: {s}")


@test("trace: model features (tiers, repeats, retrials, callbacks) match the totals")
def _():
    scn = scenario("features.yaml", FEATURES)
    path, doc = traced("features", scn=scn)
    first, rows = read_trace(path)
    check(first == HEADER, f"header {first!r}")
    for i, r in enumerate(rows, 2):
        a, e, d = float(r["arrival_s"]), float(r["end_s"]), float(r["done_s"])
        check(8 * 3600 <= a <= e <= d, f"line {i}: times out of order: {a} {e} {d}")
        check(r["source"] in LEG_SOURCES, f"line {i}: source {r['source']!r}")
        check((r["after"] != "") == (r["outcome"] == "answered"),
              f"line {i}: 'after' must be set exactly for answered legs")
        if r["source"] == "escalation":
            check(r["tier"] == "2", f"line {i}: escalation leg not in the tier-2 queue")
    counted = [r for r in rows if r["counted"] == "1"]
    offered = [r for r in counted if r["source"] in OFFERED_SOURCES]
    t = {k: v["mean"] for k, v in doc["summary"]["totals"].items()}
    want = {
        "offered": len(offered),
        "fresh": sum(r["source"] == "fresh" for r in offered),
        "retrials": sum(r["source"] == "retrial" for r in offered),
        "repeat_calls": sum(r["source"] == "repeat" for r in offered),
        "callbacks": sum(r["source"] == "callback" for r in offered),
        "answered": sum(r["outcome"] == "answered" for r in offered),
        "abandoned": sum(r["outcome"] == "abandoned" for r in offered),
        "blocked": sum(r["outcome"] == "blocked" for r in offered),
        "balked": sum(r["outcome"] == "balked" for r in offered),
        "callback_requested": sum(r["outcome"] == "callback" for r in offered),
        "escalated": sum(r["after"] == "escalated" for r in counted),
    }
    for k, v in want.items():
        check(t[k] == v, f"totals.{k} = {t[k]}, trace has {v}")
    for k in ("escalated", "repeat_calls", "retrials", "balked", "callback_requested"):
        check(t[k] > 0, f"scenario too quiet: no {k}")


# ------------------------------------------------------------ determinism

@test("trace: same seed, same bytes for -j 1 and -j 2 (--trace-replication 1)")
def _():
    scn = scenario("det.yaml")
    a, _ = traced("det1", "-r", "3", "-s", "11", "-j", "1", "--trace-replication", "1", scn=scn)
    b, _ = traced("det2", "-r", "3", "-s", "11", "-j", "2", "--trace-replication", "1", scn=scn)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        ta, tb = fa.read(), fb.read()
    check(ta.count(b"\n") > 1, "no rows in the trace")
    check(ta == tb, "traces differ between -j 1 and -j 2")


@test("trace: replication i is the same whatever -r; replications differ")
def _():
    scn = scenario("reps.yaml")
    one, _ = traced("reps1", "-r", "1", "-s", "3", scn=scn)
    first, _ = traced("reps3", "-r", "3", "-s", "3", "-j", "3", scn=scn)
    third, _ = traced("reps3b", "-r", "3", "-s", "3", "--trace-replication", "2", scn=scn)
    with open(one, "rb") as f1, open(first, "rb") as f2, open(third, "rb") as f3:
        t1, t2, t3 = f1.read(), f2.read(), f3.read()
    check(t1 == t2, "replication 0 traced differently with -r 1 and -r 3")
    check(t1 != t3, "replications 0 and 2 have the same trace")


# ------------------------------------------------------------------ files

@test("trace: an existing FILE is replaced; -o DIR --trace DIR/FILE creates DIR")
def _():
    d = workdir("replace")
    path = os.path.join(d, "trace.csv")
    with open(path, "w") as f:
        f.write("old contents\n")
    expect_rc(run("run", scenario("replace.yaml"), "-q", "--trace", path), 0, "replace")
    first, _ = read_trace(path)
    check(first == HEADER, f"old file not replaced: {first!r}")
    out = os.path.join(TMP, "newout")
    expect_rc(run("run", scenario("newout.yaml"), "-q", "-o", out, "--trace",
                  os.path.join(out, "t.csv")), 0, "-o new dir")
    # The report's files (charts aside: tests/cli/test_charts.py) and the trace.
    files = sorted(n for n in os.listdir(out) if not n.endswith((".png", ".svg")))
    check(files == ["groups.csv", "index.html", "intervals.csv", "results.json", "t.csv"], files)


BAD = [
    (["--trace", "/nonexistent-acdsim/dir/t.csv"], "--trace: parent directory"),
    (["--trace", ""], "--trace: expected a file name"),
    (["--trace", "DIR"], "is a directory"),
    (["--trace", "DIR/"], "--trace: expected a file name"),
    (["--trace", "/dev/null"], "not a regular file"),
    (["--trace"], "--trace: missing argument"),
    (["--trace", "DIR/t.csv", "-r", "2", "--trace-replication", "2"],
     "--trace-replication: 2 is not a replication of this run (0 to 1)"),
    (["--trace", "DIR/t.csv", "--trace-replication", "1"],  # scenario: 1 replication
     "--trace-replication: 1 is not a replication"),
    (["--trace", "DIR/t.csv", "--trace-replication", "x"], "--trace-replication: expected"),
    (["--trace", "DIR/t.csv", "--trace-replication", "-1"], "--trace-replication: expected"),
    (["--trace-replication", "0"], "--trace-replication: needs --trace"),
]


@test("bad --trace / --trace-replication: exit 2, stdout empty, no file created")
def _():
    scn = scenario("bad.yaml")
    for args, msg in BAD:
        d = workdir("bad" + str(BAD.index((args, msg))))
        args = [a.replace("DIR", d) for a in args]
        out, err = expect_rc(run("run", scn, *args), 2, " ".join(args))
        check(out == "", f"{args}: stdout not empty")
        check(msg in err, f"{args}: stderr lacks {msg!r}: {err.strip()}")
        check(os.listdir(d) == [], f"{args}: files created: {os.listdir(d)}")


@test("--trace with an invalid scenario or a bad option: exit 2, no file")
def _():
    d = workdir("invalid")
    path = os.path.join(d, "t.csv")
    bad = scenario("invalid.yaml", "name: x\nreplications: lots\ncall_types: []\n")
    expect_rc(run("run", bad, "--trace", path), 2, "invalid scenario")
    expect_rc(run("run", scenario("opt.yaml"), "-r", "x", "--trace", path), 2, "bad -r")
    check(os.listdir(d) == [], f"files created: {os.listdir(d)}")


def limit_file_size():
    # Writes past the limit fail with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@test("trace: write failure at the end: exit 1, message, no file, no temp file")
def _():
    d = workdir("efbig")
    path = os.path.join(d, "t.csv")
    # Long enough that the trace outgrows 2 KB; stdout is a pipe, not limited.
    rc, out, err = run("run", scenario("efbig.yaml"), "-r", "1", "-f", "json", "--trace", path,
                       preexec_fn=limit_file_size)
    check(rc == 1, f"exit {rc}, expected 1: {err.strip()[:400]}")
    check(f"cannot write {path}" in err, err)
    check(json.loads(out)["summary"], "results not printed")
    check(os.listdir(d) == [], f"files left: {os.listdir(d)}")


@test("run --help documents --trace, --trace-replication and the columns")
def _():
    out, _ = expect_rc(run("run", "--help"), 0, "run --help")
    for s in ("--trace FILE", "--trace-replication N", "call_id,issue_id,type,tier,attempt"):
        check(s in out, f"run --help lacks {s!r}")
    check(max(len(l) for l in out.splitlines()) <= 80, "run --help wider than 80 columns")


def main():
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
