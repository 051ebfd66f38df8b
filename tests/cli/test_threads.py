#!/usr/bin/env python3
"""Threads change nothing (issue 16, acceptance 7).

Replications run on worker threads in rounds and are folded into the
estimates in replication order, so `-j 1`, `-j 2` and `-j 3` give byte-for-
byte the same output: every shipped scenario under `run`, a run of many
rounds (1,000 replications of a one-hour day), a run whose guard stops a
replication (the same lowest replication is reported), `staff`,
`compare`, `sweep` and a run to a precision. Also: the figures of the
first n replications of a longer run are those of a run of n (folding in
order).

Environment: ACDSIM (binary), TESTS_DIR (tests/). Output is TAP (taplib).
"""
import glob
import os
import subprocess
import sys
import tempfile

from taplib import check, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.normpath(os.path.join(TESTS_DIR, ".."))
SCENARIOS = os.path.join(ROOT, "scenarios")
ONE_HOUR = os.path.join(ROOT, "bench", "one_hour.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-threads-")


def sanitized():
    with open(ACDSIM, "rb") as f:
        return b"__asan_init" in f.read()


# Under the sanitizers (and the invariant checker) everything runs ~20x
# slower: fewer replications, still several rounds.
SAN = sanitized()
FEW = ["-r", "6"] if SAN else []
MANY = "300" if SAN else "1000"


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def same_for_threads(args, threads=(1, 2, 3), rc=0):
    outs = {}
    for j in threads:
        code, out, err = acdsim(*args, "-j", str(j))
        check(code == rc, f"{' '.join(args)} -j {j}: exit {code}: {err.decode()[:300]}")
        outs[j] = (out, err)
    first = outs[threads[0]]
    for j in threads[1:]:
        check(outs[j][0] == first[0], f"{' '.join(args)}: -j {j} output differs from -j {threads[0]}")
    return first[0]


@test("every shipped scenario: run -f json, -j 1 = -j 2 = -j 3")
def _():
    paths = sorted(glob.glob(os.path.join(SCENARIOS, "*.yaml")))
    check(len(paths) >= 5, f"scenarios: {paths}")
    for p in paths:
        same_for_threads(["run", p, "-f", "json", "--no-timing", *FEW])


@test("1,000 replications (300 sanitized; several rounds): -j 1 = -j 2 = -j 3, json and csv")
def _():
    same_for_threads(["run", ONE_HOUR, "-r", MANY, "-f", "json", "--no-timing"])
    same_for_threads(["run", ONE_HOUR, "-r", MANY, "-f", "csv"])


@test("overload guard: exit 1 and nothing on stdout for any -j")
def _():
    path = os.path.join(TESTS_DIR, "cli", "guards", "overload_1000.yaml")
    same_for_threads(["run", path, "-r", "6", "--max-memory", "64M", "-f", "json"], rc=1)


@test("staff, compare, sweep, precision: -j 1 = -j 2")
def _():
    training = os.path.join(SCENARIOS, "training.yaml")
    same_for_threads(["staff", training, "-q", "-f", "json"], threads=(1, 2))
    b = os.path.join(TMP, "training9.yaml")
    with open(b, "w") as f:
        f.write(open(training).read().replace("agents: 8 ", "agents: 9 "))
    same_for_threads(["compare", training, b, "-r", "20", "-f", "json"], threads=(1, 2))
    same_for_threads(["sweep", training, "--set", "agent_groups.agents.agents=7..9", "-r", "10",
                      "-f", "csv"], threads=(1, 2))
    same_for_threads(["run", training, "--precision", "service_level=0.03", "-f", "json",
                      "--no-timing"], threads=(1, 2))


if __name__ == "__main__":
    sys.exit(run(cleanup=TMP))
