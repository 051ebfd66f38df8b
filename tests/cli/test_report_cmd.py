#!/usr/bin/env python3
"""End-to-end tests of `acdsim report RESULTS.json` (TAP output).

The strongest check that reading a results document loses nothing: for a
document written by `acdsim run X -f json --no-timing`, `acdsim report` in
the json, csv and text formats prints byte for byte what `acdsim run` printed
in that format - for steady-state and operating-day scenarios. A malformed,
truncated or foreign document, or a missing file, exits 2 with a located
`file:line:col: error:` on stderr, nothing on stdout and nothing created by
--out. `--out DIR` writes the report folder (skipped, and said so, by a
build whose acdsim says --out is "not available in this build": one built
while the folder module was being written).

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory
(scenarios live in TESTS_DIR/../scenarios). Python standard library only.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ACDSIM = os.environ.get("ACDSIM", "acdsim")
if os.sep in ACDSIM:
    ACDSIM = os.path.abspath(ACDSIM)
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.abspath(os.path.join(TESTS_DIR, "..", "scenarios"))
# Steady state, and operating days with tiers, escalation and shifts.
ROUND_TRIP = ["utility.yaml", "training.yaml", "utility_day.yaml"]
FAST = ["-r", "3", "--no-timing"]
NOT_LINKED = "not available in this build"
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: ")

TMP = tempfile.mkdtemp(prefix="acdsim-report-")
import taplib  # noqa: E402  (the shared TAP harness)
from taplib import Failure, check, expect_rc, test  # noqa: E402


def run(*args, stdin=None, timeout=240):
    p = subprocess.run([ACDSIM, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def path(*parts):
    return os.path.join(TMP, *parts)


def write(name, data):
    p = path(name)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return p


_runs = {}


def run_output(scenario, fmt):
    """`acdsim run SCENARIO -f FMT` (fast, no timing), once per pair."""
    key = (scenario, fmt)
    if key not in _runs:
        out, _ = expect_rc(run("run", os.path.join(SCENARIOS, scenario), *FAST, "-f", fmt), 0,
                           f"run {scenario} -f {fmt}")
        _runs[key] = out
    return _runs[key]


def results_file(scenario):
    name = scenario.replace(".yaml", ".json")
    p = path(name)
    if not os.path.exists(p):
        write(name, run_output(scenario, "json"))
    return p


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def check_same(got, want, what):
    if got != want:
        i = first_difference(got, want)
        raise Failure(f"{what}: differs at byte {i} of {len(want)} "
                      f"(got {got[max(0, i - 40):i + 40]!r}, want {want[max(0, i - 40):i + 40]!r})")


# ---------------------------------------------------------------- round trips

for _scn in ROUND_TRIP:
    for _fmt in ("json", "csv", "text"):
        def _round_trip(scn=_scn, fmt=_fmt):
            args = ["report", results_file(scn)] + (["-f", fmt] if fmt != "text" else [])
            out, err = expect_rc(run(*args, "--no-timing"), 0, " ".join(args))
            check(err == "", f"stderr: {err.strip()[:400]}")
            check_same(out, run_output(scn, fmt), f"{scn} -f {fmt}")
        test(f"round trip: run {_scn} -f json, then report -f {_fmt} prints what run -f "
             f"{_fmt} prints")(_round_trip)


@test("a document without timing is reported without timing, --no-timing or not")
def _():
    p = results_file("utility.yaml")
    out, _ = expect_rc(run("report", p, "-f", "json"), 0, "report -f json")
    check_same(out, run_output("utility.yaml", "json"), "json")


@test("a document with timing keeps it: wall_s, threads and a full-width seed round trip")
def _():
    out, _ = expect_rc(run("run", os.path.join(SCENARIOS, "utility.yaml"), "-r", "2", "-f",
                           "json", "-s", "18446744073709551615"), 0, "run with timing")
    doc = json.loads(out)
    check(isinstance(doc["run"]["wall_s"], float), "run.wall_s is not a number")
    p = write("timed.json", out)
    got, _ = expect_rc(run("report", p, "-f", "json"), 0, "report")
    check_same(got, out, "json")
    got, _ = expect_rc(run("report", p, "-f", "json", "--no-timing"), 0, "report --no-timing")
    doc2 = json.loads(got)
    check(doc2["run"]["wall_s"] is None and doc2["run"]["threads"] is None,
          "--no-timing did not null run.wall_s and run.threads")


@test("a document of another acdsim version: read, with one located warning naming both versions")
def _():
    doc = json.loads(run_output("utility.yaml", "json"))
    check(doc["acdsim"] != "0.0.9", doc["acdsim"])
    ours = doc["acdsim"]
    doc["acdsim"] = "0.0.9"
    p = write("old_version.json", json.dumps(doc, indent=2))
    out, err = expect_rc(run("report", p), 0, "report of another version")
    lines = err.strip().splitlines()
    check(len(lines) == 1 and re.match(rf"{re.escape(p)}:\d+:\d+: warning: ", lines[0])
          and "0.0.9" in lines[0] and ours in lines[0], err)
    check(out.startswith(b"Riverside"), out[:200])
    _, err = expect_rc(run("report", results_file("utility.yaml")), 0, "report, same version")
    check(err == "", err)


@test("RESULTS.json - reads standard input")
def _():
    data = run_output("utility_day.yaml", "json")
    out, _ = expect_rc(run("report", "-", "-f", "json", stdin=data), 0, "report -")
    check_same(out, data, "json from stdin")


# ------------------------------------------------------------- bad documents

def bad_documents():
    """(name, file path, what the error must say) for each kind of bad input."""
    good = run_output("utility_day.yaml", "json")
    doc = json.loads(good)
    doc["summary"]["asa_s"]["mean"] = "fast"
    wrong_type = json.dumps(doc, indent=2)
    doc = json.loads(good)
    del doc["intervals"][3]
    wrong_count = json.dumps(doc, indent=2)
    return [
        ("truncated", write("truncated.json", good[:len(good) // 2]), "truncated"),
        ("empty", write("empty.json", b""), "not valid JSON"),
        ("not JSON", write("notjson.json", "name: Riverside\nseed: 1\n"), "not valid JSON"),
        ("binary", write("binary.json", bytes(range(256))), "not valid JSON"),
        ("a JSON array", write("array.json", "[1, 2, 3]\n"), "expected an object"),
        ("another JSON document", write("other.json", '{"name": "x", "version": 2}\n'),
         "not an acdsim results document"),
        ("a string where a number goes", write("wrongtype.json", wrong_type),
         "summary.asa_s.mean: expected a number or null, got a string"),
        ("an interval missing", write("wrongcount.json", wrong_count),
         "intervals: expected 24 intervals"),
        ("a missing file", path("no-such-file.json"), "cannot open"),
        ("a directory", TMP, "cannot read"),
    ]


def check_refused(res, p, says, what):
    out, err = expect_rc(res, 2, what)
    check(out == b"", f"{what}: stdout is not empty: {out[:200]!r}")
    first = err.splitlines()[0] if err else ""
    m = LOCATED.match(first)
    check(m, f"{what}: first stderr line is not file:line:col: error: {first!r}")
    check(m.group("file") == p, f"{what}: names {m.group('file')!r}, not {p!r}")
    check(says in err, f"{what}: stderr does not say {says!r}: {err.strip()[:400]}")


@test("bad documents exit 2, located error on stderr, nothing on stdout")
def _():
    for name, p, says in bad_documents():
        for fmt in ("text", "json", "csv"):
            check_refused(run("report", p, "-f", fmt), p, says, f"{name} -f {fmt}")


@test("the location points at the offending value")
def _():
    bad = dict((n, p) for n, p, _ in bad_documents())["a string where a number goes"]
    _, _, err = run("report", bad)
    m = LOCATED.match(err.splitlines()[0])
    with open(bad) as f:
        line = f.read().splitlines()[int(m.group("line")) - 1]
    check(line[int(m.group("col")) - 1:].startswith('"fast"'),
          f"line {m.group('line')} col {m.group('col')} is not the value: {line!r}")


@test("bad documents with --out: nothing created, an existing DIR left empty")
def _():
    for name, p, says in bad_documents():
        d = path("out-" + re.sub(r"\W", "_", name))
        check_refused(run("report", p, "--out", d), p, says, f"{name} --out new DIR")
        check(not os.path.exists(d), f"{name}: {d} was created")
        os.mkdir(d)
        check_refused(run("report", p, "--out", d, "-f", "json"), p, says,
                      f"{name} --out existing DIR")
        check(os.listdir(d) == [], f"{name}: files written: {os.listdir(d)}")


# --------------------------------------------------------------------- usage

@test("--help prints the usage and exits 0")
def _():
    out, err = expect_rc(run("report", "--help"), 0, "--help")
    check(err == "", f"stderr: {err.strip()[:300]}")
    text = out.decode()
    check(text.startswith("usage: acdsim report RESULTS.json"), f"help: {text[:200]!r}")
    for opt in ("--out", "--format", "--no-timing"):
        check(opt in text, f"help does not mention {opt}")


@test("usage errors exit 2 with nothing on stdout")
def _():
    good = results_file("utility.yaml")
    cases = [
        ((), "missing RESULTS.json"),
        ((good, "-f", "xml"), "expected one of text, json, csv, got 'xml'"),
        ((good, good), "unexpected argument"),
        ((good, "--bogus"), "unknown option '--bogus'"),
        ((good, "--out", good), "exists and is not a directory"),
        ((good, "--out", path("no", "such", "dir")), "does not exist"),
        ((good, "-f"), "--format: missing argument"),
        ((good, "--fromat", "json"), "unknown option '--fromat' (did you mean '--format'?)"),
    ]
    for args, says in cases:
        out, err = expect_rc(run("report", *args), 2, " ".join(args))
        check(out == b"", f"{args}: stdout is not empty")
        check(says in err, f"{args}: stderr does not say {says!r}: {err.strip()[:300]}")


@test("acdsim --help lists the report command")
def _():
    out, _ = expect_rc(run("--help"), 0, "--help")
    line = [l for l in out.decode().splitlines() if l.strip().startswith("report")]
    check(line and "not available" not in line[0], f"report in --help: {line}")


# -------------------------------------------------------------------- --out

def out_dir_or_skip(d, *args):
    """report --out D; returns (stdout, stderr), or None when the folder
    module is not linked yet."""
    rc, out, err = run("report", *args, "--out", d)
    if rc == 2 and NOT_LINKED in err:
        return None
    check(rc == 0, f"report --out: exit {rc}; stderr: {err.strip()[:400]}")
    return out, err


@test("--out DIR writes the report folder from the document")
def _():
    for scn in ("utility.yaml", "utility_day.yaml"):
        p = results_file(scn)
        d = path("folder-" + scn.replace(".yaml", ""))
        res = out_dir_or_skip(d, p)
        if res is None:
            return "skip acd_outdir_write is not linked into acdsim yet"
        out, _ = res
        check(out == b"", f"{scn}: stdout is not empty without -f")
        names = set(os.listdir(d))
        for f in ("results.json", "intervals.csv", "groups.csv", "index.html"):
            check(f in names, f"{scn}: {f} missing from {sorted(names)}")
        check(not any(".tmp." in n for n in names), f"{scn}: temporary files: {sorted(names)}")
        with open(os.path.join(d, "results.json"), "rb") as f:
            check_same(f.read(), run_output(scn, "json"), f"{scn}: DIR/results.json")
        # The data files are those `run --out` writes for the same run.
        ref = path("run-folder-" + scn.replace(".yaml", ""))
        expect_rc(run("run", os.path.join(SCENARIOS, scn), *FAST, "-q", "--out", ref), 0,
                  f"run {scn} --out")
        for f in ("intervals.csv", "groups.csv"):
            with open(os.path.join(d, f), "rb") as a, open(os.path.join(ref, f), "rb") as b:
                check_same(a.read(), b.read(), f"{scn}: {f}")


@test("--out DIR with -f json also prints the document on stdout")
def _():
    p = results_file("utility.yaml")
    res = out_dir_or_skip(path("folder-and-stdout"), p, "-f", "json")
    if res is None:
        return "skip acd_outdir_write is not linked into acdsim yet"
    check_same(res[0], run_output("utility.yaml", "json"), "stdout")


def main():
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
