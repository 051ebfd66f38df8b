#!/usr/bin/env python3
"""Every output of the shipped scenarios equals its recorded golden copy (TAP).

tests/golden/outputs/ holds what these commands printed and wrote when the
golden copy was recorded:

  run SCENARIO --no-timing -f json | -f text | -f csv   (every shipped scenario)
  run SCENARIO --no-timing -o DIR                       (every file of DIR)
  report DIR/results.json -f text, report ... --out DIR
  staff SCENARIO [-f json] [-o DIR]                     (two scenarios)
  live tests/live/desk.yaml --no-ui --no-timing --script S -f text | -f json

JSON is compared as a subset: every key of the golden copy must be there
with the same value, keys added since are allowed (results.json grows);
`wall_s` (the staffing search's wall-clock time) is ignored, and the
checkout's path reads @ROOT@. Other files
must be byte-identical: small text files are stored as they are, large or
binary ones (charts, pages) as a SHA-256 in MANIFEST.

    tests/cli/test_outputs_golden.py --update   (records, with ACDSIM set)

Environment: ACDSIM (binary), TESTS_DIR (tests/ directory).
"""
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from taplib import Failure, check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(__file__)))
ROOT = os.path.dirname(TESTS_DIR)
GOLDEN = os.path.join(TESTS_DIR, "golden", "outputs")
UPDATE = "--update" in sys.argv
TMP = tempfile.mkdtemp(prefix="acdsim-golden-")
SMALL = 16384
IGNORED_KEYS = {"wall_s"}

SCENARIOS = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "scenarios"))
                   if f.endswith(".yaml"))
STAFF = ["utility_day", "helpdesk"]
LIVE = ["surge", "remove3"]


def acdsim(*args, cwd=ROOT):
    p = subprocess.run([ACDSIM, *args], capture_output=True, cwd=cwd)
    if p.returncode != 0:
        raise Failure(f"acdsim {' '.join(args)}: exit {p.returncode}: "
                      f"{p.stderr.decode(errors='replace')[:400]}")
    return p.stdout


def json_diffs(golden, got, path, out):
    if isinstance(golden, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: not an object")
            return
        for k, v in golden.items():
            if k in IGNORED_KEYS:
                continue
            if k not in got:
                out.append(f"{path}.{k}: missing")
            else:
                json_diffs(v, got[k], f"{path}.{k}", out)
    elif isinstance(golden, list):
        if not isinstance(got, list) or len(got) != len(golden):
            out.append(f"{path}: list differs in length")
            return
        for i, (a, b) in enumerate(zip(golden, got)):
            json_diffs(a, b, f"{path}[{i}]", out)
    elif golden != got or type(golden) is not type(got):
        out.append(f"{path}: {got!r}, golden {golden!r}")


def case_dir(case):
    return os.path.join(GOLDEN, case.replace(" ", "-"))


def stored(name):
    """The golden copy's file name: one folder per case, no subfolders."""
    return name.replace("/", "__")


def record(case, files):
    """files: {name: bytes}. Writes the golden copy of one case."""
    d = case_dir(case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    manifest = []
    for name in sorted(files):
        data = files[name]
        if name.endswith(".json"):
            with gzip.GzipFile(os.path.join(d, stored(name) + ".gz"), "wb", mtime=0) as f:
                f.write(data)
        elif len(data) <= SMALL and b"\0" not in data:
            with open(os.path.join(d, stored(name)), "wb") as f:
                f.write(data)
        else:
            manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    with open(os.path.join(d, "MANIFEST"), "w") as f:
        f.write("".join(manifest))
        f.write("".join(f"file  {n}\n" for n in sorted(files)))


def compare(case, files):
    d = case_dir(case)
    check(os.path.isdir(d), f"no golden copy in {d} (record with --update)")
    with open(os.path.join(d, "MANIFEST")) as f:
        lines = [ln.split("  ", 1) for ln in f.read().splitlines()]
    digests = {n: h for h, n in lines if h != "file"}
    names = [n for h, n in lines if h == "file"]
    problems = []
    missing = sorted(set(names) - set(files))
    extra = sorted(set(files) - set(names))
    if missing:
        problems.append(f"missing files: {missing}")
    if extra:
        problems.append(f"new files: {extra}")
    for name in names:
        if name not in files:
            continue
        data = files[name]
        if name in digests:
            if hashlib.sha256(data).hexdigest() != digests[name]:
                problems.append(f"{name}: bytes differ (SHA-256)")
        elif name.endswith(".json"):
            with gzip.open(os.path.join(d, stored(name) + ".gz")) as f:
                golden = json.load(f)
            diffs = []
            json_diffs(golden, json.loads(data), "", diffs)
            problems += [f"{name}{x}" for x in diffs[:10]]
        else:
            with open(os.path.join(d, stored(name)), "rb") as f:
                golden = f.read()
            if golden != data:
                problems.append(f"{name}: bytes differ")
                g, o = golden.decode(errors="replace"), data.decode(errors="replace")
                for i, (a, b) in enumerate(zip(g.splitlines(), o.splitlines())):
                    if a != b:
                        problems.append(f"  line {i + 1}: got {b!r}\n  golden {a!r}")
                        break
    check(not problems, "\n".join(problems[:30]))


def read_dir(prefix, path):
    out = {}
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as f:
            out[f"{prefix}/{name}"] = f.read()
    return out


def case(name, produce):
    @test(f"golden outputs: {name}")
    def _():
        # A path into the checkout (recommended.yaml names its CSV files by
        # absolute path) reads the same wherever the tree is.
        files = {k: v.replace(os.fsencode(ROOT), b"@ROOT@") for k, v in produce().items()}
        if UPDATE:
            record(name, files)
            return "skip recorded"
        compare(name, files)


def run_case(scn):
    def produce():
        path = f"scenarios/{scn}.yaml"
        files = {f"stdout.{fmt}": acdsim("run", path, "--no-timing", "-f", fmt)
                 for fmt in ("json", "text", "csv")}
        out = os.path.join(TMP, f"run-{scn}")
        files["stdout-o.txt"] = acdsim("run", path, "--no-timing", "-o", out)
        files.update(read_dir("out", out))
        res = f"run-{scn}/results.json"  # relative: the page names the file
        files["report.txt"] = acdsim("report", res, "-f", "text", cwd=TMP)
        files["report.csv"] = acdsim("report", res, "-f", "csv", cwd=TMP)
        rep = os.path.join(TMP, f"report-{scn}")
        acdsim("report", res, "--out", rep, cwd=TMP)
        files.update(read_dir("report", rep))
        # The page drawn again from results.json is the run's page: only the
        # file it names differs (the scenario, then the results).
        page = [ln for ln in files["out/index.html"].splitlines() if b"<dt>File</dt>" not in ln]
        again = [ln for ln in files["report/index.html"].splitlines()
                 if b"<dt>File</dt>" not in ln]
        check(page == again, "report --out draws a page other than run -o: "
              + next((f"{a!r} / {b!r}" for a, b in zip(page, again) if a != b), "lengths"))
        return files
    case(f"run {scn}", produce)


def staff_case(scn):
    def produce():
        path = f"scenarios/{scn}.yaml"
        out = os.path.join(TMP, f"staff-{scn}")
        files = {"stdout.txt": acdsim("staff", path, "-o", out),
                 "stdout.json": acdsim("staff", path, "-f", "json"),
                 "stdout.csv": acdsim("staff", path, "-f", "csv")}
        files.update(read_dir("out", out))
        return files
    case(f"staff {scn}", produce)


def live_case(script):
    def produce():
        s = f"tests/live/{script}.txt"
        return {f"stdout.{fmt}": acdsim("live", "tests/live/desk.yaml", "--no-ui", "--no-timing",
                                        "--script", s, "-f", fmt)
                for fmt in ("text", "json")}
    case(f"live {script}", produce)


for s in SCENARIOS:
    run_case(s)
for s in STAFF:
    staff_case(s)
for s in LIVE:
    live_case(s)

if __name__ == "__main__":
    sys.exit(run(cleanup=TMP))
