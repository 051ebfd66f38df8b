#!/usr/bin/env python3
"""`acdsim run --precision [SCOPE.]METRIC=HW` (issue 13 §6, acceptance 5).

Replications run in batches of -r (here the scenario's 5) until the 95% CI
half-width of every named metric is at most its target, checked at every
multiple of the batch; the run reports the first multiple that meets them
all. Checked on a small steady-state scenario:

* the count N it stops at is a multiple of the batch, meets every target,
  and a plain `run -r N - batch` (the previous multiple) misses one; every
  earlier multiple misses too;
* its output is that of `run -r N`, byte for byte, but for the precision
  block (JSON key `precision`, text lines under the header);
* -j 1 and -j 2 give the same bytes;
* scoped targets with units (billing.asa_s=1.5s, 2%) all have to be met;
* a target too strict stops at --max-replications with a warning on
  stderr, stopped_by "max" in the JSON and exit 0;
* `acdsim report` reads the precision block back and writes it again;
* bad values are errors naming the option's text (unknown metric with
  did-you-mean, unknown scope, a metric that does not apply to the scope,
  a bad number, --max-replications below the batch or without
  --precision), all at once, exit 2, before anything runs.

Environment: ACDSIM (the binary). Output is TAP (taplib).
"""
import json
import os
import subprocess
import sys
import tempfile

from taplib import check, expect_rc, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-precision-")
BATCH = 5

SCENARIO = """\
name: precision check
seed: 7
replications: 5
horizon: {duration: 3000s, warmup: 300s}
service_level: {threshold: 20s, target: 0.8}
call_types:
  - name: billing
    arrivals: {rate: 0.5/s}
    handle_time: {dist: exponential, mean: 30s}
    patience: {dist: exponential, mean: 120s}
  - name: sales
    arrivals: {rate: 0.2/s}
    handle_time: {dist: exponential, mean: 40s}
agent_groups:
  - name: csr
    skills: [billing, sales]
    agents: 24
"""
PATH = os.path.join(TMP, "small.yaml")
with open(PATH, "w") as f:
    f.write(SCENARIO)


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    out, err = expect_rc(acdsim("run", PATH, "-f", "json", "--no-timing", *args), 0,
                         " ".join(args))
    return out, json.loads(out), err


def without_precision(text):
    """The JSON text minus the top-level "precision" member (its lines)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.startswith('  "precision": {')), None)
    check(start is not None, "no precision block in the output")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("  }"))
    return "".join(lines[:start] + lines[end + 1:])


def ci(doc, scope, metric):
    s = doc["summary"] if scope is None else doc["call_types"][scope]
    return s[metric]["ci95"]


SL = run_json("--precision", "service_level=0.01")


@test("stops at the first multiple of the batch whose half-width meets the target")
def _():
    _, doc, err = SL
    p = doc["precision"]
    n = doc["replications"]
    check(p["batch"] == BATCH and n % BATCH == 0 and n > BATCH, f"N = {n}, batch {p['batch']}")
    check(p["stopped_by"] == "target", p)
    t = p["targets"][0]
    check(t == {"scope": None, "metric": "service_level", "half_width": 0.01,
                "achieved": t["achieved"]}, t)
    check(t["achieved"] == ci(doc, None, "service_level") <= 0.01,
          f"achieved {t['achieved']}, ci95 {ci(doc, None, 'service_level')}")
    check(p["rounds"][0] == BATCH and p["rounds"] == sorted(set(p["rounds"]))
          and p["rounds"][-1] >= n and p["max_replications"] == 10000, p)
    check(len(err.splitlines()) == len(p["rounds"]) - 1,
          f"one progress line per round after the first: {err}")
    # The previous batch count misses it, and so does every earlier one.
    for k in range(BATCH, n, BATCH):
        _, prev, _ = run_json("-r", str(k))
        check(ci(prev, None, "service_level") > 0.01,
              f"-r {k}: ci95 {ci(prev, None, 'service_level')} already meets 0.01")


@test("the output is that of run -r N, byte for byte, but for the precision block")
def _():
    text, doc, _ = SL
    plain, _, _ = run_json("-r", str(doc["replications"]))
    check(without_precision(text) == plain, "JSON differs from -r N")
    n = str(doc["replications"])
    out, _ = expect_rc(acdsim("run", PATH, "--no-timing", "--precision", "service_level=1%"), 0,
                       "text")
    ref, _ = expect_rc(acdsim("run", PATH, "--no-timing", "-r", n), 0, "text -r N")
    lines = out.splitlines(keepends=True)
    check(lines[3].startswith(f"Precision: every target met at {n} replications"), lines[3])
    check(lines[5].split()[0] == "service_level" and lines[5].endswith("(target \u00b11 pts)\n"),
          lines[5])
    check("".join(lines[:2] + lines[6:]) == ref, "text differs from -r N beyond the block")


@test("same output for -j 1 and -j 2 (JSON and text)")
def _():
    for fmt in ("json", "text"):
        outs = [expect_rc(acdsim("run", PATH, "-f", fmt, "--no-timing", "-j", j,
                                 "--precision", "service_level=0.01"), 0, f"-j {j}")[0]
                for j in ("1", "2")]
        check(outs[0] == outs[1], f"{fmt}: -j 1 and -j 2 differ")


@test("scoped targets with units: every one met at N, one missed at the batch before")
def _():
    _, doc, _ = run_json("--precision", "billing.asa_s=1.5s", "--precision", "service_level=2%",
                         "--precision", "csr.occupancy=0.5%")
    p = doc["precision"]
    n = doc["replications"]
    want = [("billing", "asa_s", 1.5), (None, "service_level", 0.02), ("csr", "occupancy", 0.005)]
    check([(t["scope"], t["metric"], t["half_width"]) for t in p["targets"]] == want, p)
    check(all(t["achieved"] <= t["half_width"] for t in p["targets"]), p)
    check(ci(doc, "billing", "asa_s") <= 1.5 and ci(doc, None, "service_level") <= 0.02
          and doc["agent_groups"]["csr"]["occupancy"]["ci95"] <= 0.005, "a target is missed")
    _, prev, _ = run_json("-r", str(n - BATCH))
    missed = [ci(prev, "billing", "asa_s") > 1.5, ci(prev, None, "service_level") > 0.02,
              prev["agent_groups"]["csr"]["occupancy"]["ci95"] > 0.005]
    check(any(missed), f"every target already met at {n - BATCH}")
    # A duration in minutes is the same target.
    _, doc2, _ = run_json("--precision", "billing.asa_s=0.025m", "--precision",
                          "service_level=0.02", "--precision", "csr.occupancy=0.005")
    check(doc2["replications"] == n, f"{doc2['replications']} != {n}")


@test("a target too strict stops at --max-replications: warning, stopped_by max, exit 0")
def _():
    text, doc, err = run_json("--precision", "service_level=0.0001", "--max-replications", "12")
    p = doc["precision"]
    check(doc["replications"] == 12 and p["stopped_by"] == "max" and p["max_replications"] == 12
          and p["rounds"] == [5, 12] and p["targets"][0]["achieved"] > 0.0001, p)
    check("warning: --precision: stopped at the maximum of 12 replications" in err
          and "service_level" in err, err)
    plain, _, _ = run_json("-r", "12")
    check(without_precision(text) == plain, "JSON differs from -r 12")
    out, _ = expect_rc(acdsim("run", PATH, "--no-timing", "--precision", "service_level=0.0001",
                              "--max-replications", "12"), 0, "text")
    check("Precision: stopped at the maximum of 12 replications, targets not met" in out
          and "not met\n" in out, out[:400])


@test("acdsim report reads the precision block back; --out writes it")
def _():
    out_dir = os.path.join(TMP, "out")
    expect_rc(acdsim("run", PATH, "-q", "--no-timing", "-o", out_dir, "--precision",
                     "billing.asa_s=2s", "--max-replications", "40"), 0, "run -o")
    path = os.path.join(out_dir, "results.json")
    with open(path) as f:
        written = f.read()
    check('"precision"' in written, "results.json has no precision")
    again, err = expect_rc(acdsim("report", path, "-f", "json", "--no-timing"), 0, "report")
    check(again == written, "report -f json does not give the document back")
    check("warning" not in err, err)
    text, _ = expect_rc(acdsim("report", path), 0, "report text")
    check("\nPrecision: " in text and "billing.asa_s" in text, text[:400])


@test("without --precision: no precision key, no Precision line")
def _():
    out, doc, _ = run_json()
    check("precision" not in doc, "precision key without --precision")
    text, _ = expect_rc(acdsim("run", PATH, "--no-timing"), 0, "text")
    check("Precision" not in text, "Precision line without --precision")


@test("bad values: every error at once, naming the option's text, exit 2")
def _():
    rc, out, err = acdsim("run", PATH, "--precision", "servce_level=0.01",
                          "--precision", "service_level=abc",
                          "--precision", "billing.occupancy=0.01",
                          "--precision", "biling.service_level=1%",
                          "--precision", "asa_s=-2s",
                          "--precision", "asa_s=fast",
                          "--precision", "service_level",
                          "--precision", "service_level=2",
                          "--max-replications", "3")
    check(rc == 2 and out == "", f"exit {rc}, stdout {out[:200]!r}")
    want = [
        "--precision 'servce_level=0.01': unknown metric 'servce_level' "
        "(did you mean 'service_level'?)",
        "--precision 'service_level=abc': expected a half-width such as 0.01 or 1%, got 'abc'",
        "--precision 'billing.occupancy=0.01': metric 'occupancy' does not apply to call type "
        "'billing'",
        "--precision 'biling.service_level=1%': unknown call type or agent group 'biling' "
        "(did you mean 'billing'?)",
        "--precision 'asa_s=-2s': the half-width must be above 0, got '-2s'",
        "--precision 'asa_s=fast': expected a half-width such as 2s or 0.5m, got 'fast'",
        "--precision 'service_level': expected [SCOPE.]METRIC=HALF_WIDTH",
        "--precision 'service_level=2': the half-width must be above 0 and at most 1 (100%)",
        "--max-replications: 3 is below the first batch of 5 replications",
    ]
    for w in want:
        check(f"acdsim run: error: {w}" in err, f"missing: {w}\n{err}")
    rc, _, err = acdsim("run", PATH, "--max-replications", "100")
    check(rc == 2 and "--max-replications: needs --precision" in err, err)
    rc, _, err = acdsim("run", PATH, "--precision", "service_level=0.01", "--max-replications",
                        "0")
    check(rc == 2 and "--max-replications: expected a positive integer, got '0'" in err, err)
    rc, _, err = acdsim("run", PATH, "--precision", "csr.service_level=0.01")
    check(rc == 2 and "metric 'service_level' does not apply to agent group 'csr'" in err, err)


sys.exit(run(cleanup=TMP))
