#!/usr/bin/env python3
"""Distributed runs on Open MPI (issue 16, acceptance 6 and 7).

Registered only in a build with -Dmpi=enabled (tests/meson.build sets
ACDSIM_MPI=1); run by hand on another binary it skips.

* `mpirun --oversubscribe -np N acdsim ...` for N = 1, 2, 3 prints the same
  bytes as the binary started without mpirun, for `run -f json`, `staff -q
  -f json`, `compare -f json` and `sweep -f json`; `run -o DIR` writes the
  same files, byte for byte (--no-timing).
* With ACDSIM_REF (the binary of a build without MPI; .ci/run passes
  build-ci's) the same bytes again: the MPI build changes nothing.
* -j 1 and -j 2 under -np 2: the same bytes.
* Only rank 0 writes: started as two programs (mpirun's A : B form), the
  second rank's --out DIR and --junit FILE are never created and stdout
  holds one document.
* --trace and `acdsim live` with more than one rank: exit 2, a message.

Environment: ACDSIM = the binary, TESTS_DIR = tests/, MPIRUN = mpirun
(empty: skip), ACDSIM_MPI = 1 when built with MPI, ACDSIM_REF (optional).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.path.abspath(os.environ.get("ACDSIM", "acdsim"))
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCENARIOS = os.path.abspath(os.path.join(TESTS_DIR, "..", "scenarios"))
DAY = os.path.join(SCENARIOS, "utility_day.yaml")
UTILITY = os.path.join(SCENARIOS, "utility.yaml")
TRAINING = os.path.join(SCENARIOS, "training.yaml")
MPIRUN = os.environ.get("MPIRUN", "")
REF = os.environ.get("ACDSIM_REF", "")
BUILT_WITH_MPI = os.environ.get("ACDSIM_MPI") == "1"
TMP = tempfile.mkdtemp(prefix="acdsim-mpi-")

ENV = dict(os.environ)
if os.geteuid() == 0:  # CI containers run as root; Open MPI refuses unless told
    ENV["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    ENV["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
# No network probing or shared-memory warnings on a one-machine test.
ENV.setdefault("OMPI_MCA_btl", "self,vader")
ENV.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")


def proc(cmd, cwd=TMP):
    p = subprocess.run(cmd, capture_output=True, timeout=300, env=ENV, cwd=cwd)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def mpi(n, args, binary=ACDSIM, cwd=TMP):
    return proc([MPIRUN, "--oversubscribe", "-np", str(n), binary] + args, cwd)


def plain(args, binary=ACDSIM, cwd=TMP):
    return proc([binary] + args, cwd)


def ok(res, what):
    rc, out, err = res
    check(rc == 0, f"{what}: exit {rc}; stderr: {err.strip()[:600]}")
    return out


def skip_reason():
    if not BUILT_WITH_MPI:
        return "skip not built with -Dmpi=enabled (ACDSIM_MPI unset)"
    if not MPIRUN or not os.access(MPIRUN, os.X_OK):
        return "skip no mpirun"
    return None


def same_everywhere(args, what, ranks=(1, 2, 3)):
    """args under mpirun -np N for every N, without mpirun, and (if given)
    on the non-MPI binary: one output, byte for byte."""
    why = skip_reason()
    if why:
        return why
    base = ok(plain(args), f"{what} without mpirun")
    check(len(base) > 0, f"{what}: empty output")
    for n in ranks:
        out = ok(mpi(n, args), f"{what} -np {n}")
        check(out == base, f"{what}: -np {n} differs from the run without mpirun "
              f"({len(out)} vs {len(base)} bytes)")
    if REF:
        out = ok(plain(args, REF), f"{what} on the non-MPI build")
        check(out == base, f"{what}: the non-MPI build ({REF}) differs")
    return None


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def utility_minus():
    with open(UTILITY, encoding="utf-8") as f:
        text = f.read()
    check("    agents: 14" in text, "utility.yaml: '    agents: 14' not found")
    return write("utility_minus.yaml", text.replace("    agents: 14", "    agents: 13", 1))


@test("run -f json: -np 1, 2, 3 and without mpirun give the same bytes")
def _():
    return same_everywhere(["run", DAY, "-r", "12", "-f", "json", "--no-timing"], "run")


@test("run of several rounds (700 replications of a one-hour day): -np 1, 2, 3 give the same bytes")
def _():
    one_hour = os.path.join(os.path.dirname(SCENARIOS), "bench", "one_hour.yaml")
    return same_everywhere(["run", one_hour, "-r", "700", "-f", "json", "--no-timing"], "run")


@test("a week of three channels (days, chat, e-mail): -np 1, 2, 3 give the same bytes")
def _():
    week = os.path.join(SCENARIOS, "utility_week.yaml")
    return same_everywhere(["run", week, "-r", "8", "-f", "json", "--no-timing"], "week")


@test("schedule -q -f csv: -np 1, 2 give the same bytes")
def _():
    return same_everywhere(["schedule", TRAINING, "-q", "-f", "csv"], "schedule", ranks=(1, 2))


@test("staff -q -f json: -np 1, 2, 3 give the same bytes")
def _():
    return same_everywhere(["staff", TRAINING, "-q", "-f", "json"], "staff")


@test("compare -f json: -np 1, 2, 3 give the same bytes")
def _():
    why = skip_reason()
    if why:
        return why
    return same_everywhere(["compare", UTILITY, utility_minus(), "-r", "6", "-f", "json"],
                           "compare")


@test("sweep -f json: -np 1, 2, 3 give the same bytes")
def _():
    return same_everywhere(["sweep", UTILITY, "--set", "agent_groups.csr.agents=10..12",
                            "-r", "6", "-f", "json"], "sweep")


@test("-j 1 and -j 2 under -np 2 give the same bytes")
def _():
    why = skip_reason()
    if why:
        return why
    args = ["run", DAY, "-r", "12", "-f", "json", "--no-timing"]
    one = ok(mpi(2, args + ["-j", "1"]), "-np 2 -j 1")
    two = ok(mpi(2, args + ["-j", "2"]), "-np 2 -j 2")
    check(one == two, "-np 2: -j 1 and -j 2 differ")
    return None


def folder(path):
    files = {}
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as f:
            files[name] = f.read()
    return files


def same_folder(a, b, what):
    fa, fb = folder(a), folder(b)
    check(sorted(fa) == sorted(fb), f"{what}: files {sorted(fa)} vs {sorted(fb)}")
    for name in fa:
        check(fa[name] == fb[name], f"{what}: {name} differs")


@test("run -o DIR: -np 1, 2, 3 write the same files, byte for byte")
def _():
    why = skip_reason()
    if why:
        return why
    args = ["run", DAY, "-r", "12", "-q", "--no-timing", "-o"]
    base = os.path.join(TMP, "out-plain")
    ok(plain(args + [base]), "run -o without mpirun")
    check("results.json" in os.listdir(base), "no results.json")
    for n in (1, 2, 3):
        d = os.path.join(TMP, f"out-np{n}")
        ok(mpi(n, args + [d]), f"run -o -np {n}")
        same_folder(base, d, f"-np {n}")
    if REF:
        d = os.path.join(TMP, "out-ref")
        ok(plain(args + [d], REF), "run -o on the non-MPI build")
        same_folder(base, d, "the non-MPI build")
    return None


@test("only rank 0 writes: a second rank's --out and --junit are never created")
def _():
    why = skip_reason()
    if why:
        return why
    a = os.path.join(TMP, "rank0")
    b = os.path.join(TMP, "rank1")
    os.mkdir(a)
    os.mkdir(b)
    common = ["run", DAY, "-r", "4", "-f", "json", "--no-timing", "--assert",
              "service_level > 0"]
    # mpirun's MPMD form: rank 0 runs the first program, ranks 1 and 2 the second.
    cmd = ([MPIRUN, "--oversubscribe", "-np", "1", ACDSIM] + common +
           ["-o", os.path.join(a, "out"), "--junit", os.path.join(a, "j.xml")] +
           [":", "-np", "2", ACDSIM] + common +
           ["-o", os.path.join(b, "out"), "--junit", os.path.join(b, "j.xml")])
    out = ok(proc(cmd), "two programs")
    check(sorted(os.listdir(a)) == ["j.xml", "out"], f"rank 0 wrote {sorted(os.listdir(a))}")
    check(os.listdir(b) == [], f"ranks 1, 2 wrote {sorted(os.listdir(b))}")
    doc = json.loads(out.decode())  # one document: the other ranks print nothing
    check(isinstance(doc, dict) and doc, "empty document")
    return None


@test("--trace and live with more than one rank: exit 2 and a message")
def _():
    why = skip_reason()
    if why:
        return why
    rc, _, err = mpi(2, ["run", DAY, "-r", "4", "--trace", "t.csv"])
    check(rc == 2, f"--trace -np 2: exit {rc}")
    check("--trace" in err and "MPI" in err, f"no message: {err[:400]}")
    check(not os.path.exists(os.path.join(TMP, "t.csv")), "a trace was written")
    rc, _, err = mpi(2, ["live", DAY])
    check(rc == 2, f"live -np 2: exit {rc}")
    check("one process" in err or "not available" in err, f"no message: {err[:400]}")
    return None


sys.exit(run(cleanup=TMP))
