#!/usr/bin/env python3
"""End-to-end tests of `acdsim backtest LOG.csv SCENARIO.yaml` (TAP output).

A scenario back-tested against its own trace (`acdsim run --trace`, another
seed, read through the `acdsim-trace` column preset) fits: the verdict is
good. The same trace against the scenario with half the agents fits
poorly, and the service level is marked outside the band in the busy
intervals. A small hand-written log checks the actual figures' definitions
(service level, abandon rate, ASA, occupancy, calls outside the opening
hours). Then the -o folder, the JSON keys, a steady-state scenario (exit
2) and a bad log (exit 2, nothing written).

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory.
Python standard library only.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
if os.sep in ACDSIM:
    ACDSIM = os.path.abspath(ACDSIM)
TMP = tempfile.mkdtemp(prefix="acdsim-backtest-")

# Busy from 09:00 to 11:00 (20 agents: SL ~85-95 %; 10 agents: swamped).
DAY = """\
name: backtest day
seed: 3
replications: 20
horizon: {open: "08:00", close: "12:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {per_interval: [60, 80, 110, 130, 130, 110, 80, 60]}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: agents
    skills: [calls]
    agents: AGENTS
"""
BUSY = ("09:00", "09:30", "10:00", "10:30")

STEADY = """\
name: steady
seed: 1
replications: 4
horizon: {duration: 1h}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {rate: 1/min}
    handle_time: {dist: exponential, mean: 2m}
agent_groups:
  - name: agents
    skills: [calls]
    agents: 3
"""

KPIS = ["offered", "service_level", "abandon_rate", "asa_s", "occupancy"]


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


FULL = write("full.yaml", DAY.replace("AGENTS", "20"))
HALF = write("half.yaml", DAY.replace("AGENTS", "10"))
TRACE = os.path.join(TMP, "trace.csv")
expect_rc(acdsim("run", FULL, "-s", "777", "-r", "1", "-q", "--trace", TRACE), 0, "trace run")


def backtest(scenario, *extra, log=TRACE):
    out, _ = expect_rc(acdsim("backtest", log, scenario, "--columns", "acdsim-trace", "-f",
                              "json", *extra), 0, "backtest")
    return json.loads(out)


@test("backtest: a scenario against its own trace (another seed) fits: good")
def _():
    doc = backtest(FULL)
    fit = doc["fit"]
    check(fit["verdict"] == "good", f"verdict {fit['verdict']}: {fit['line']}")
    check(fit["share"] >= 0.85, fit["line"])
    check(fit["judged"] >= 30, f"only {fit['judged']} values judged")
    check(doc["log"]["calls"] > 700 and doc["log"]["outside_hours"] == 0, doc["log"])
    check(doc["simulation"]["band"] == "prediction", "one day: the prediction band")
    # The prediction band of one day is wider than the CI of the mean.
    run_doc = json.loads(expect_rc(acdsim("run", FULL, "-f", "json", "--no-timing"), 0, "run")[0])
    iv = doc["intervals"][3]["offered"]
    ci = run_doc["intervals"][3]["offered"]["ci95"]
    check(iv["hi"] - iv["simulated"] > 3 * ci,
          f"band half-width {iv['hi'] - iv['simulated']} vs CI {ci}")


@test("backtest: half the agents fit poorly; service level outside in the busy intervals")
def _():
    doc = backtest(HALF)
    fit = doc["fit"]
    check(fit["verdict"] == "poor", f"verdict {fit['verdict']}: {fit['line']}")
    check(fit["kpis"]["offered"]["share"] >= 0.85, "the offered calls still fit")
    for iv in doc["intervals"]:
        if iv["start"] in BUSY:
            check(iv["service_level"]["within"] is False,
                  f"{iv['start']}: service level {iv['service_level']} not marked outside")
    out, _ = expect_rc(acdsim("backtest", TRACE, HALF, "--columns", "acdsim-trace"), 0, "text")
    rows = [l for l in out.splitlines() if l[:5] in BUSY]
    check(len(rows) == 4 and all("*" in r for r in rows), "text: busy rows not marked\n" + out)
    check(out.rstrip().splitlines()[-1].startswith("Fit: ") and out.rstrip().endswith(": poor"),
          "text: last line\n" + out)


# A hand-made log: four calls in 08:00-08:30 (waits 5, 30, 10 s answered,
# one abandoned after 40 s), one at 07:00 (before opening), agents a and b.
LOG = """\
arr,ans,fin,gone,res,who
08:00:00,08:00:05,08:10:05,,OK,a
08:01:00,08:01:30,08:31:30,,OK,b
08:02:00,08:02:10,08:03:10,,OK,a
08:05:00,,,08:05:40,GONE,
07:00:00,07:00:01,07:01:00,,OK,a
"""
MAP = ("arrival=arr,answer=ans,end=fin,exit=gone,outcome=res,agent=who,"
       "outcome.OK=answered,outcome.GONE=abandoned")


@test("backtest: the actual figures' definitions on a small log")
def _():
    log = write("small.csv", LOG)
    out, _ = expect_rc(acdsim("backtest", log, FULL, "--columns", MAP, "-f", "json", "-r", "2"),
                       0, "backtest")
    doc = json.loads(out)
    check(doc["log"]["calls"] == 4 and doc["log"]["outside_hours"] == 1, doc["log"])
    iv0, iv1 = doc["intervals"][0], doc["intervals"][1]
    near = lambda a, b: abs(a - b) < 1e-9  # noqa: E731
    check(iv0["offered"]["actual"] == 4, iv0["offered"])
    check(near(iv0["service_level"]["actual"], 2 / 4), iv0["service_level"])
    check(near(iv0["abandon_rate"]["actual"], 1 / 4), iv0["abandon_rate"])
    check(near(iv0["asa_s"]["actual"], 15), iv0["asa_s"])
    # Talk in 08:00-08:30: 600 + 1710 + 60 s, over the scenario's agents
    # on the phones there (the simulation's staffed_agents, same seed).
    run_out, _ = expect_rc(acdsim("run", FULL, "-f", "json", "-r", "2"), 0, "run")
    staffed = [iv["staffed_agents"]["mean"] for iv in json.loads(run_out)["intervals"]]
    check(near(iv0["occupancy"]["actual"], 2370 / (staffed[0] * 1800)), iv0["occupancy"])
    # 08:30-09:00: no call arrived, b still talks 90 s: no judgement.
    check(iv1["has_calls"] is False and iv1["offered"]["actual"] == 0, iv1)
    check(near(iv1["occupancy"]["actual"], 90 / (staffed[1] * 1800)), iv1["occupancy"])
    check(all(iv1[k]["within"] is None for k in KPIS), "an interval without calls is not judged")


@test("backtest -o DIR: backtest.json, backtest.csv and a chart per KPI")
def _():
    d = os.path.join(TMP, "out")
    out, _ = expect_rc(acdsim("backtest", TRACE, FULL, "--columns", "acdsim-trace", "-o", d, "-f",
                              "json"), 0, "backtest -o")
    names = sorted(os.listdir(d))
    data = ["backtest.csv", "backtest.json"]
    charts = sorted(f"backtest_{k}.{e}" for k in KPIS for e in ("png", "svg"))
    if shutil.which("gnuplot"):
        check(names == sorted(data + charts), f"files: {names}")
        for c in charts:
            check(os.path.getsize(os.path.join(d, c)) > 1000, f"{c} is (nearly) empty")
    else:
        check(names == data, f"files: {names}")
    with open(os.path.join(d, "backtest.json")) as f:
        check(json.load(f) == json.loads(out), "backtest.json differs from -f json")
    with open(os.path.join(d, "backtest.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 8, f"{len(rows)} CSV rows (8 intervals)")
    doc = json.loads(out)
    for r, iv in zip(rows, doc["intervals"]):
        check(r["start"] == iv["start"], f"{r['start']} != {iv['start']}")
        for k in KPIS:
            w = iv[k]["within"]
            check(r[k + "_within"] == ("" if w is None else str(int(w))), f"{k} within")
            check(float(r[k + "_sim"]) == iv[k]["simulated"], f"{k} simulated")


@test("backtest -f json: the documented keys")
def _():
    doc = backtest(FULL, "-r", "3")
    check(set(doc) == {"seed", "log", "scenario", "simulation", "kpis", "intervals", "fit"},
          sorted(doc))
    check(doc["kpis"] == KPIS, doc["kpis"])
    check({"path", "rows", "calls", "outside_hours", "ignored", "not_queued", "skipped", "days",
           "has_agents"} <= set(doc["log"]), sorted(doc["log"]))
    check(set(doc["scenario"]) == {"name", "path", "open_s", "close_s", "interval_s",
                                   "threshold_s"}, sorted(doc["scenario"]))
    check(doc["simulation"]["replications"] == 3, doc["simulation"])
    iv = doc["intervals"][0]
    check(set(iv) == {"start", "start_s", "end_s", "has_calls", *KPIS}, sorted(iv))
    check(set(iv["service_level"]) == {"actual", "actual_sd", "days", "simulated", "lo", "hi",
                                       "within"}, sorted(iv["service_level"]))
    check(set(doc["fit"]) == {"share", "judged", "within", "verdict", "kpis", "line"},
          sorted(doc["fit"]))
    check(set(doc["fit"]["kpis"]) == set(KPIS), sorted(doc["fit"]["kpis"]))


@test("backtest: a steady-state scenario is exit 2")
def _():
    sc = write("steady.yaml", STEADY)
    _, err = expect_rc(acdsim("backtest", TRACE, sc, "--columns", "acdsim-trace"), 2, "steady")
    check("operating day" in err, err)


@test("backtest: a bad log (a mapped column missing) is exit 2 and writes nothing")
def _():
    bad = write("bad.csv", "a,b,c\n1,2,3\n")
    d = os.path.join(TMP, "bad-out")
    out, err = expect_rc(acdsim("backtest", bad, FULL, "--columns", "acdsim-trace", "-o", d), 2,
                         "bad log")
    check(out == "", f"stdout: {out[:200]}")
    check("bad.csv:1:" in err and "error" in err, err)
    check(not os.path.exists(d), "the -o folder was created")
    _, err = expect_rc(acdsim("backtest", TRACE), 2, "one operand")
    check("LOG.csv and SCENARIO.yaml" in err, err)
    _, err = expect_rc(acdsim("backtest", TRACE, FULL, "-r", "1"), 2, "-r 1")
    check("at least 2" in err, err)


sys.exit(run(cleanup=TMP))
