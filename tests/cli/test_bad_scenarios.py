#!/usr/bin/env python3
"""Invalid scenarios are rejected with exact, located diagnostics.

For every tests/cli/bad/NAME.yaml, `acdsim validate bad/NAME.yaml` must exit
2, print nothing on stdout, and print on stderr exactly the diagnostic lines
of bad/NAME.expected (lines like `bad/x.yaml:7:5: error: ...`; any source or
caret lines the CLI adds are ignored). `acdsim run bad/NAME.yaml --out DIR`
must exit 2 too, with the same diagnostics, and create nothing. A missing file and a directory are
checked the same way, and the default scenario (scenarios/utility.yaml)
must validate.

Environment: ACDSIM (the binary), TESTS_DIR (the tests/ source directory).
Output is TAP. `--update` rewrites the .expected files from the current
output instead of testing: review the diff by eye before committing.
"""

import os
import re
import subprocess
import sys
import tempfile

DIAG = re.compile(r"^\S+:\d+:\d+: (error|warning|note): ")
TIMEOUT_S = 60

# Cases without a file of their own: (path as given, expected lines).
EXTRA = [
    ("bad/does_not_exist.yaml",
     ["bad/does_not_exist.yaml:1:1: error: cannot open scenario: No such file or directory"]),
    ("bad", ["bad:1:1: error: cannot open scenario: Is a directory"]),
]


def run(args):
    """Run acdsim; returns (exit code, stdout, stderr), never raising."""
    try:
        p = subprocess.run([os.environ["ACDSIM"]] + args, capture_output=True,
                           timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % TIMEOUT_S
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def diag_lines(stderr):
    return [line for line in stderr.splitlines() if DIAG.match(line)]


class Tap:
    def __init__(self, n):
        self.i = 0
        self.failed = 0
        print("1..%d" % n, flush=True)

    def result(self, ok, desc, why=()):
        self.i += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.i, desc))
        if not ok:
            self.failed += 1
            for line in why:
                print("# " + line)
        sys.stdout.flush()


def check_validate(tap, path, want):
    rc, out, err = run(["validate", path])
    got = diag_lines(err)
    why = []
    if rc != 2:
        why.append("exit code %r, expected 2" % rc)
    if out:
        why.append("unexpected stdout: %r" % out[:300])
    if want is None:
        why.append("no expected file: run with --update, then review it")
    elif got != want:
        why.append("expected stderr lines:")
        why += ["  " + line for line in want]
        why.append("got:")
        why += ["  " + line for line in got] or ["  (no diagnostic lines)"]
        if err and not got:
            why += ["  stderr: " + line for line in err.splitlines()[:10]]
    tap.result(not why, "validate %s" % path, why)


def check_run(tap, path, want):
    with tempfile.TemporaryDirectory(prefix="acdsim-bad-") as tmp:
        out_dir = os.path.join(tmp, "out")
        rc, out, err = run(["run", path, "--out", out_dir])
        why = []
        if rc != 2:
            why.append("exit code %r, expected 2" % rc)
        if want is not None and diag_lines(err) != want:
            why.append("diagnostics differ from %s:" % expected_path(path))
            why += ["  stderr: " + line for line in err.splitlines()[:10]]
        if out:
            why.append("unexpected stdout: %r" % out[:300])
        left = os.listdir(tmp)
        if left:
            why.append("created %s" % ", ".join(sorted(left)))
        tap.result(not why, "run %s creates nothing" % path, why)


def expected_path(yaml_path):
    return os.path.splitext(yaml_path)[0] + ".expected"


def read_expected(yaml_path):
    try:
        with open(expected_path(yaml_path), encoding="utf-8") as f:
            return [line for line in f.read().splitlines() if line]
    except FileNotFoundError:
        return None


def update(files):
    for path in files:
        rc, out, err = run(["validate", path])
        got = diag_lines(err)
        old = read_expected(path)
        note = "" if rc == 2 else "  (exit code %r, not 2!)" % rc
        if not got:
            note += "  (no diagnostics!)"
        if got != old:
            with open(expected_path(path), "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in got))
            print("updated %s%s" % (expected_path(path), note))
        elif note:
            print("unchanged %s%s" % (expected_path(path), note))


def main():
    if "ACDSIM" not in os.environ:
        print("test_bad_scenarios.py: set ACDSIM to the acdsim binary", file=sys.stderr)
        return 2
    os.environ["ACDSIM"] = os.path.abspath(os.environ["ACDSIM"])
    tests_dir = os.environ.get("TESTS_DIR",
                               os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.chdir(os.path.join(tests_dir, "cli"))
    files = sorted("bad/" + f for f in os.listdir("bad") if f.endswith(".yaml"))

    if sys.argv[1:] == ["--update"]:
        update(files)
        return 0
    if sys.argv[1:]:
        print("usage: test_bad_scenarios.py [--update]", file=sys.stderr)
        return 2

    cases = [(f, read_expected(f)) for f in files] + EXTRA
    tap = Tap(2 * len(cases) + 1)
    for path, want in cases:
        check_validate(tap, path, want)
        check_run(tap, path, want)

    rc, out, err = run(["validate", "../../scenarios/utility.yaml"])
    why = [] if rc == 0 else ["exit code %r, expected 0" % rc] + \
        ["  stderr: " + line for line in err.splitlines()[:10]]
    tap.result(not why, "validate ../../scenarios/utility.yaml (the default) is valid", why)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
