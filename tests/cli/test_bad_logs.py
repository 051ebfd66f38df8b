#!/usr/bin/env python3
"""Bad call logs through the command line (TAP; issue 15, acceptance 3).

Every tests/data/bad_logs/NAME.csv (with NAME.columns as --columns when
there is one) given to `acdsim calibrate --strict` and to `acdsim backtest
--strict`: exit 2, stderr exactly NAME.expected (the reader's located
diagnostics), nothing on stdout, nothing written (no scenario file, no
report folder). Without --strict, a log whose only problem is a bad row
calibrates, the skip counted on stderr with its line.

Run from tests/ (the .expected files name data/bad_logs/NAME.csv).
Environment: ACDSIM (binary), TESTS_DIR (tests/ source directory).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.path.abspath(os.environ.get("ACDSIM", "acdsim"))
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAD = os.path.join(TESTS_DIR, "data", "bad_logs")
SCENARIO = os.path.join(TESTS_DIR, "..", "scenarios", "training.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-bad-logs-")
NAMES = sorted(f[:-4] for f in os.listdir(BAD) if f.endswith(".csv"))


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, cwd=TESTS_DIR, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def columns(name):
    path = os.path.join(BAD, name + ".columns")
    return ["--columns", open(path).read().strip()] if os.path.exists(path) else []


@test(f"at least 10 bad logs ({len(NAMES)})")
def _():
    check(len(NAMES) >= 10, f"only {NAMES}")


def bad_case(name, cmd):
    def fn():
        expected = open(os.path.join(BAD, name + ".expected")).read()
        log = os.path.join("data", "bad_logs", name + ".csv")
        out = os.path.join(TMP, f"{cmd}-{name}")
        if cmd == "calibrate":
            args = ["calibrate", log, *columns(name), "--strict", "-o", out + ".yaml"]
        else:
            args = ["backtest", log, SCENARIO, *columns(name), "--strict", "-r", "2", "-o", out]
        rc, so, se = acdsim(*args)
        check(rc == 2, f"exit {rc}, expected 2; stderr: {se[:300]}")
        check(se == expected, f"stderr:\n{se}\nexpected:\n{expected}")
        check(so == "", f"stdout: {so[:200]}")
        check(not os.path.exists(out + ".yaml") and not os.path.exists(out), "something written")
    return fn


for n in NAMES:
    test(f"calibrate {n}: exit 2, the expected diagnostics, nothing written")(
        bad_case(n, "calibrate"))
    test(f"backtest {n}: exit 2, the expected diagnostics, nothing written")(
        bad_case(n, "backtest"))


@test("without --strict a bad row is a counted skip with its line, and the log calibrates")
def _():
    log = os.path.join("data", "bad_logs", "unknown_outcome.csv")
    out = os.path.join(TMP, "lenient.yaml")
    rc, so, se = acdsim("calibrate", log, "-q", "-o", out)
    if rc == 2 and "no usable" in se:
        return "skip the file has no other usable row"
    check(rc == 0, f"exit {rc}: {se}")
    check("outcome" in se and "line 4" in se, f"skip not reported with its line: {se}")
    check(os.path.exists(out), "no scenario written")


sys.exit(run(cleanup=TMP))
