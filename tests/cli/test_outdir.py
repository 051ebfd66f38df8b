#!/usr/bin/env python3
"""End-to-end tests of `acdsim run --out DIR`: the data files of the report
folder (results.json, intervals.csv, groups.csv) and how they are written
(TAP output).

Every number in the CSV files must equal the JSON number it stands for,
bit for bit (both are written to read back exactly), and a cell is empty
exactly where the JSON has null or has no such key for that row. Files
appear only once complete: no temporary file is ever left, not after a
failed write and not after Ctrl-C.

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory
(scenarios live in TESTS_DIR/../scenarios). Python standard library only.
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
import time

ACDSIM = os.environ.get("ACDSIM", "acdsim")
if os.sep in ACDSIM:  # some checks run in another working directory
    ACDSIM = os.path.abspath(ACDSIM)
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.abspath(os.path.join(TESTS_DIR, "..", "scenarios"))
TRAINING = os.path.join(SCENARIOS, "training.yaml")  # operating day, 16 x 15 min
UTILITY = os.path.join(SCENARIOS, "utility.yaml")    # steady state
FAST = ["-r", "4", "--no-timing"]
# What DIR holds (sorted): the data files, the page and, with gnuplot on
# PATH, the charts that apply (tests/cli/test_charts.py checks those).
REPORT_FILES = ["groups.csv", "index.html", "intervals.csv", "results.json"]


def out_files(charts):
    if not shutil.which("gnuplot"):
        charts = []
    return sorted(REPORT_FILES + [c + e for c in charts for e in (".png", ".svg")])


OUT_FILES = out_files(["queue", "wait_cdf"])  # steady state (utility.yaml)
DAY_FILES = out_files(["service_level", "calls", "wait_times", "agents", "wait_cdf", "queue"])
CENTER = "*"  # intervals.csv: call_type of the whole center's rows

TMP = tempfile.mkdtemp(prefix="acdsim-outdir-")
import taplib  # noqa: E402  (the shared TAP harness)
from taplib import Failure, check, expect_rc, test  # noqa: E402


def run(*args, preexec_fn=None, cwd=None, timeout=240):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=preexec_fn, cwd=cwd, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def path(*parts):
    return os.path.join(TMP, *parts)


def scenario(name, text):
    p = path(name)
    with open(p, "w") as f:
        f.write(text)
    return p


def read_csv(p):
    """(header, rows as lists); the csv module undoes RFC 4180 quoting."""
    with open(p, newline="") as f:
        text = f.read()
    check(text.endswith("\n"), f"{p}: no newline at the end")
    rows = list(csv.reader(io.StringIO(text)))
    check(rows, f"{p}: empty")
    for i, r in enumerate(rows[1:], 2):
        check(len(r) == len(rows[0]), f"{p}:{i}: {len(r)} cells, header has {len(rows[0])}")
    return rows[0], rows[1:]


_runs = {}


def out_run(name, scn, *extra):
    """Run SCN with --out into a fresh DIR (once per name); returns (DIR,
    the -f json document from stdout, the stdout text)."""
    if name not in _runs:
        d = path(name)
        out, _ = expect_rc(run("run", scn, *FAST, "-f", "json", "-o", d, *extra), 0, name)
        _runs[name] = (d, json.loads(out), out)
    return _runs[name]


# Figures added after 0.1.0 that the CSV files carry only for scenarios
# with same-caller retrials (docs/results-json.md); none of these
# scenarios has them.
ADDED_METRICS = {"service_level_cumulative", "mean_wait_cumulative_s", "after_close_rate",
                 "transfer_rate", "ring_share"}
ADDED_TOTALS = {"issue_wait_sum_s", "issues_answered", "issues_answered_within_t", "after_close",
                "transferred", "transfer_abandoned", "transfer_unserved", "unpaid_break_agent_s"}


def metric_keys(scope):
    return [k for k in scope if k not in ("start", "end", "totals", "call_types", "agent_groups")
            and k not in ADDED_METRICS]


def total_keys(scope):
    return [k for k in scope["totals"] if k not in ADDED_TOTALS]


def check_header(header, lead, scopes):
    """The header is LEAD, then a `key,key_ci95` pair for every metric of
    any of SCOPES (JSON objects), then `totals.key,totals.key_ci95` pairs,
    each group in the JSON's (table) order."""
    check(header[:len(lead)] == lead, f"header starts {header[:len(lead)]}, expected {lead}")
    cols = header[len(lead):]
    check(len(cols) % 2 == 0, "odd number of value columns")
    names = cols[0::2]
    check(cols[1::2] == [n + "_ci95" for n in names], "columns are not (x, x_ci95) pairs")
    metrics = [n for n in names if not n.startswith("totals.")]
    totals = [n[7:] for n in names if n.startswith("totals.")]
    check(names == metrics + ["totals." + t for t in totals], "a metric column after totals")
    want_m = set().union(*(metric_keys(s) for s in scopes))
    want_t = set().union(*(total_keys(s) for s in scopes))
    check(set(metrics) == want_m, f"metric columns {sorted(set(metrics) ^ want_m)} differ")
    check(set(totals) == want_t, f"totals columns {sorted(set(totals) ^ want_t)} differ")
    for s in scopes:  # same relative order as in the JSON
        check([m for m in metrics if m in s] == metric_keys(s), "metric columns out of order")
        check([t for t in totals if t in s["totals"]] == total_keys(s),
              "totals columns out of order")
    return names


def cell_value(cell):
    return None if cell == "" else float(cell)


def check_row(names, values, scope, where):
    """Each (mean, ci95) cell pair equals the JSON estimate of SCOPE
    exactly; a metric SCOPE does not have leaves both cells empty. Returns
    the number of JSON numbers compared."""
    n = 0
    for i, name in enumerate(names):
        mean, ci = values[2 * i], values[2 * i + 1]
        if name.startswith("totals."):
            est = scope["totals"].get(name[7:])
        else:
            est = scope.get(name)
        if est is None:
            check(mean == "" and ci == "", f"{where}: {name} does not apply but is {mean},{ci}")
            continue
        for cell, want, what in ((mean, est["mean"], "mean"), (ci, est["ci95"], "ci95")):
            try:
                got = cell_value(cell)
            except ValueError:
                raise Failure(f"{where}: {name} {what} {cell!r} is not a number")
            check(got == want, f"{where}: {name} {what}: CSV {cell!r}, JSON {want!r}")
            n += want is not None
    return n


def interval_starts(doc):
    return [iv["start"] for iv in doc["intervals"]]


# ---------------------------------------------------------- operating day

@test("training (operating day): DIR holds exactly the report's files; results.json = -f json")
def _():
    d, _, out = out_run("day", TRAINING)
    check(sorted(os.listdir(d)) == DAY_FILES, f"files in DIR: {sorted(os.listdir(d))}")
    with open(os.path.join(d, "results.json")) as f:
        check(f.read() == out, "results.json differs from the stdout JSON")


@test("training intervals.csv: 16 intervals x (2 call types + center), starts in order")
def _():
    d, doc, _ = out_run("day", TRAINING)
    types = list(doc["call_types"])
    check(types == ["orders", "questions"], types)
    check(len(doc["intervals"]) == 16, f"{len(doc['intervals'])} intervals in the JSON")
    header, rows = read_csv(os.path.join(d, "intervals.csv"))
    check(len(rows) == 16 * (len(types) + 1), f"{len(rows)} rows")
    starts = [f"{h:02d}:{m:02d}" for h in range(8, 12) for m in (0, 15, 30, 45)]
    check(interval_starts(doc) == starts, interval_starts(doc))
    ends = starts[1:] + ["12:00"]
    want = [(s, e, t) for s, e in zip(starts, ends) for t in [CENTER] + types]
    check([tuple(r[:3]) for r in rows] == want, f"first rows {[r[:3] for r in rows[:4]]}")


@test("training intervals.csv: every number equals the JSON (center and call types)")
def _():
    d, doc, _ = out_run("day", TRAINING)
    header, rows = read_csv(os.path.join(d, "intervals.csv"))
    ivs = doc["intervals"]
    scopes = ivs + [ct for iv in ivs for ct in iv["call_types"].values()]
    names = check_header(header, ["start", "end", "call_type"], scopes)
    by_start = {iv["start"]: iv for iv in ivs}
    compared = 0
    for i, r in enumerate(rows, 2):
        iv = by_start[r[0]]
        scope = iv if r[2] == CENTER else iv["call_types"][r[2]]
        compared += check_row(names, r[3:], scope, f"intervals.csv:{i} ({r[0]} {r[2]})")
    check(compared > 16 * 3 * 40, f"only {compared} numbers compared")
    # Agent metrics apply to the center of an interval, not to a call type.
    occ = names.index("occupancy")
    check(all(r[3 + 2 * occ] != "" for r in rows if r[2] == CENTER), "center occupancy empty")
    check(all(r[3 + 2 * occ] == "" for r in rows if r[2] != CENTER), "call type occupancy")


@test("training groups.csv: one row per agent group, numbers equal agent_groups")
def _():
    d, doc, _ = out_run("day", TRAINING)
    header, rows = read_csv(os.path.join(d, "groups.csv"))
    groups = doc["agent_groups"]
    names = check_header(header, ["group"], list(groups.values()))
    for t in ("answered", "busy_agent_s", "staffed_agent_s", "talk_agent_s", "idle_agent_s",
              "labor_cost"):
        check("totals." + t in names, f"groups.csv lacks totals.{t}")
    check([r[0] for r in rows] == list(groups), f"groups {[r[0] for r in rows]}")
    compared = sum(check_row(names, r[1:], groups[r[0]], f"groups.csv ({r[0]})") for r in rows)
    check(compared > 20, f"only {compared} numbers compared")


# ------------------------------------------------------------ steady state

@test("utility (steady state): one block for the whole window, start/end empty")
def _():
    d, doc, _ = out_run("steady", UTILITY)
    check(sorted(os.listdir(d)) == OUT_FILES, f"files in DIR: {sorted(os.listdir(d))}")
    check(doc["intervals"] == [], "steady state has intervals")
    header, rows = read_csv(os.path.join(d, "intervals.csv"))
    types = list(doc["call_types"])
    check([tuple(r[:3]) for r in rows] == [("", "", t) for t in [CENTER] + types],
          f"rows {[r[:3] for r in rows]}")
    scopes = [doc["summary"]] + list(doc["call_types"].values())
    names = check_header(header, ["start", "end", "call_type"], scopes)
    for r, scope in zip(rows, scopes):
        check_row(names, r[3:], scope, f"intervals.csv ({r[2]})")
    header, rows = read_csv(os.path.join(d, "groups.csv"))
    groups = doc["agent_groups"]
    names = check_header(header, ["group"], list(groups.values()))
    check([r[0] for r in rows] == ["csr", "outage_desk"], [r[0] for r in rows])
    for r in rows:
        check_row(names, r[1:], groups[r[0]], f"groups.csv ({r[0]})")


QUOTED = """\
name: quoting
seed: 5
replications: 3
horizon: {open: "09:00", close: "10:00", interval: 30m}
call_types:
  - name: "sales, \\"east\\""
    arrivals: {per_interval: [20, 30]}
    handle_time: {dist: exponential, mean: 2m}
agent_groups:
  - name: "team, a"
    skills: ["sales, \\"east\\""]
    agents: 3
"""


@test("names with commas and quotes are quoted (RFC 4180) and read back")
def _():
    d, doc, _ = out_run("quoted", scenario("quoted.yaml", QUOTED))
    name = 'sales, "east"'
    check(list(doc["call_types"]) == [name], list(doc["call_types"]))
    with open(os.path.join(d, "intervals.csv")) as f:
        check('"sales, ""east"""' in f.read(), "type name not quoted in intervals.csv")
    header, rows = read_csv(os.path.join(d, "intervals.csv"))
    check([r[2] for r in rows] == [CENTER, name] * 2, [r[2] for r in rows])
    names = header[3::2]
    for r in rows:
        iv = {iv["start"]: iv for iv in doc["intervals"]}[r[0]]
        check_row(names, r[3:], iv if r[2] == CENTER else iv["call_types"][r[2]], r[0])
    header, rows = read_csv(os.path.join(d, "groups.csv"))
    check([r[0] for r in rows] == ["team, a"], [r[0] for r in rows])
    check_row(header[1::2], rows[0][1:], doc["agent_groups"]["team, a"], "groups.csv")


@test("a second run into the same DIR replaces the files, leaves nothing else")
def _():
    d = path("again")
    expect_rc(run("run", UTILITY, *FAST, "-s", "1", "-q", "-o", d), 0, "first")
    first = open(os.path.join(d, "intervals.csv")).read()
    expect_rc(run("run", UTILITY, *FAST, "-s", "2", "-q", "-o", d), 0, "second")
    check(sorted(os.listdir(d)) == OUT_FILES, f"files in DIR: {sorted(os.listdir(d))}")
    check(open(os.path.join(d, "intervals.csv")).read() != first, "intervals.csv not replaced")


# ------------------------------------------------------------------- trace

@test("--trace NAME without a directory goes into DIR; ./NAME stays here")
def _():
    work = path("tracework")
    os.mkdir(work)
    expect_rc(run("run", UTILITY, "-r", "1", "-q", "-o", "out", "--trace", "calls.csv",
                  cwd=work), 0, "bare trace name")
    check(sorted(os.listdir(work)) == ["out"], f"in the working dir: {os.listdir(work)}")
    check(sorted(os.listdir(os.path.join(work, "out"))) == sorted(OUT_FILES + ["calls.csv"]),
          f"in DIR: {sorted(os.listdir(os.path.join(work, 'out')))}")
    with open(os.path.join(work, "out", "calls.csv")) as f:
        check(f.readline().startswith("call_id,"), "not a trace")
    expect_rc(run("run", UTILITY, "-r", "1", "-q", "--trace", "./here.csv", "-o", "out",
                  cwd=work), 0, "./ trace name")
    check(sorted(os.listdir(work)) == ["here.csv", "out"], f"in the working dir: {os.listdir(work)}")


@test("--trace onto one of the report's files: exit 2, nothing written")
def _():
    work = path("traceclash")
    os.mkdir(work)
    for args in (["-o", "out", "--trace", "results.json"],
                 ["--trace", "out/intervals.csv", "-o", "out/"]):
        out, err = expect_rc(run("run", UTILITY, "-r", "1", *args, cwd=work), 2, " ".join(args))
        check(out == "", "stdout not empty")
        check("--trace:" in err and "files --out writes" in err, err)
    check(os.listdir(work) == [], f"created: {os.listdir(work)}")


# ------------------------------------------------------------------ errors

def as_nobody():
    """preexec_fn: drop root, whose access() ignores permission bits."""
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)


@test("--out into an unwritable parent or DIR: exit 2 before running, nothing created")
def _():
    base = path("ro")
    os.mkdir(base)
    ro = os.path.join(base, "parent")
    os.mkdir(ro)
    os.mkdir(os.path.join(ro, "dir"))
    for p in (TMP, base):
        os.chmod(p, 0o755)  # let nobody reach it
    os.chmod(ro, 0o555)
    os.chmod(os.path.join(ro, "dir"), 0o555)
    try:
        for d in (os.path.join(ro, "new"), os.path.join(ro, "dir")):
            out, err = expect_rc(run("run", UTILITY, "-r", "1", "-o", d, preexec_fn=as_nobody),
                                 2, d)
            check(out == "", f"{d}: stdout not empty")
            check("--out:" in err and d in err, err)
        check(os.listdir(ro) == ["dir"], f"created: {os.listdir(ro)}")
        check(os.listdir(os.path.join(ro, "dir")) == [], "files in the unwritable DIR")
    finally:
        os.chmod(ro, 0o755)
        os.chmod(os.path.join(ro, "dir"), 0o755)


@test("--out with a missing parent: exit 2, parent not created")
def _():
    d = path("missing", "parent", "out")
    out, err = expect_rc(run("run", UTILITY, "-r", "1", "-o", d), 2, "missing parent")
    check(out == "" and "parent directory" in err, err)
    check(not os.path.exists(path("missing")), "parent created")


@test("an invalid scenario with --out: exit 2, DIR not created")
def _():
    bad = scenario("bad.yaml", "name: bad\nreplications: lots\ncall_types: []\n")
    d = path("badout")
    out, _ = expect_rc(run("run", bad, "-o", d), 2, "invalid scenario")
    check(out == "", "stdout not empty")
    check(not os.path.exists(d), "DIR created")


def limit_file_size():
    # Writes past the limit fail with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@test("a failed write: exit 1, message, old files untouched, no temporary files")
def _():
    # results.json outgrows 2 KB; stdout is a pipe, not limited.
    d = path("efbig")
    os.mkdir(d)
    with open(os.path.join(d, "results.json"), "w") as f:
        f.write("old\n")
    rc, out, err = run("run", UTILITY, *FAST, "-f", "json", "-o", d, preexec_fn=limit_file_size)
    check(rc == 1, f"exit {rc}, expected 1: {err.strip()[:400]}")
    check("cannot write " + os.path.join(d, "results.json") in err, err)
    check(json.loads(out)["summary"], "results not printed")
    check(os.listdir(d) == ["results.json"], f"files in DIR: {sorted(os.listdir(d))}")
    check(open(os.path.join(d, "results.json")).read() == "old\n", "old results.json changed")
    # A DIR the run created goes again.
    d = path("efbig-new")
    rc, _, err = run("run", UTILITY, *FAST, "-q", "-o", d, preexec_fn=limit_file_size)
    check(rc == 1, f"new DIR: exit {rc}, expected 1: {err.strip()[:400]}")
    check(not os.path.exists(d), f"DIR left behind: {os.listdir(d) if os.path.isdir(d) else d}")


LONG = taplib.LONG_SCENARIO


def interrupt(d, trace):
    """Start a long run writing into D, wait for the trace's temporary
    file, then SIGINT it. Returns (exit status, stderr)."""
    # Replication 1 is traced: replication 0 (-j 1) runs first, so the
    # trace stays small while the run is interrupted.
    p = subprocess.Popen([ACDSIM, "run", scenario("long.yaml", LONG), "-j", "1", "-q", "-o", d,
                          "--trace", trace, "--trace-replication", "1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and p.poll() is None:
            if os.path.isdir(d) and any(".tmp." in n for n in os.listdir(d)):
                break
            time.sleep(0.01)
        check(p.poll() is None, "the run ended before it could be interrupted")
        check(any(".tmp." in n for n in os.listdir(d)), "no temporary trace file seen")
        time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, err.decode("utf-8", "replace")


@test("SIGINT during the run: killed by the signal, no temporary file, new DIR removed")
def _():
    d = path("sigint-new")
    rc, err = interrupt(d, "t.csv")
    check(rc == -signal.SIGINT, f"exit status {rc}: {err.strip()[:400]}")
    check(not os.path.exists(d), f"DIR left behind: {os.listdir(d) if os.path.isdir(d) else d}")
    d = path("sigint-old")
    os.mkdir(d)
    rc, err = interrupt(d, "t.csv")
    check(rc == -signal.SIGINT, f"exit status {rc}: {err.strip()[:400]}")
    check(os.listdir(d) == [], f"files left: {os.listdir(d)}")


def main():
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
