#!/usr/bin/env python3
"""Messages and formats a new user trips over (issue 18, points 10-17).

* 13: recommended.yaml (staff) and roster.yaml (schedule) are renamed and
  open with where the plan came from, the goals and whether it meets them,
  in place of the original's opening comments (which described the
  original staffing); the file is valid and its other comments stay.
* 14: `staff --curve` marks the scenario's own staffing: "<- current" in
  text, `current` in JSON and CSV, and says where a fractional (shift)
  staffing stands.
* 15: `run --detail` (and `report --detail`) adds the per-interval
  90th-percentile wait and a table per call type and interval; without it
  the text is as before.
* 16: a goal's verdict line never shows the bound's own figure beside a
  mean that differs from it (more digits until they differ), and the bound
  reads as given (0.0405 is "4.05%").
* 17: the Erlang comparison counts wrap-up in the formula's handle time
  (and says so), and is not shown, with the reason, when the scenario has
  features no Erlang formula has (retrials...); JSON, text, page and
  `acdsim report` agree.
* 10: a forecast CSV's header: every accepted form works (any case), and a
  wrong one names its offending column and lists what is accepted; a
  `date` column in a single day says it needs `days:`.
* 11: durations of a minute or more read "15m20s" in text output; the
  trace has clock columns ("09:30:15", a period's "2026-12-08 09:30:15")
  beside its seconds.
* 12: `acdsim report` on another acdsim document (staffing, schedule,
  comparison, sweep) says which it is and where the results are, in one
  located error; `run -q` with nowhere to write says so on stderr; counts
  agree with their nouns ("1 call type", "1 plan simulated").

Environment: ACDSIM = the binary, TESTS_DIR = tests/.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCENARIOS = os.path.join(TESTS_DIR, "..", "scenarios")
TRAINING = os.path.join(SCENARIOS, "training.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-messages-")

ONE = """name: one of each
horizon: {duration: 1h}
call_types:
  - {name: a, arrivals: {rate: 1/min}, handle_time: {dist: exponential, mean: 1m}}
agent_groups:
  - {name: g, skills: [a], agents: 2}
"""


def acdsim(*args, stdin=None):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, input=stdin,
                       cwd=TMP)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


@test("12: report on a staffing, schedule, comparison or sweep file: one error naming it")
def _():
    docs = {
        "staffing.json": ({"scenario": "x", "seed": 1, "feasible": True, "evaluations": 3,
                           "recommendation": []}, "this is a staffing file (acdsim staff's "
                          "staffing.json), not a run's results; acdsim staff -o DIR writes the "
                          "recommended plan's results beside it: acdsim report DIR/results.json"),
        "schedule.json": ({"scenario": "x", "seed": 1, "roster": [], "coverage": []},
                          "this is a schedule file"),
        "compare.json": ({"version": 1, "kpis": [], "comparisons": [], "seed": 1},
                         "this is a comparison file"),
        "sweep.json": ({"scenario": "x", "seed": 1, "parameters": [], "points": []},
                       "this is a sweep file"),
    }
    for name, (doc, want) in docs.items():
        path = write(name, json.dumps(doc, indent=2))
        rc, out, err = acdsim("report", path)
        lines = err.strip().splitlines()
        check(rc == 2 and out == "", f"{name}: rc {rc}")
        check(len(lines) == 1 and lines[0].startswith(f"{path}:1:1: error: {want}"),
              f"{name}: {err}")


@test("12: a real staffing.json from `acdsim staff -o`: the same single error")
def _():
    out_dir = os.path.join(TMP, "staff")
    expect_rc(acdsim("staff", TRAINING, "-q", "-r", "3", "--max-evaluations", "2", "-o",
                     out_dir), 0, "staff")
    rc, out, err = acdsim("report", os.path.join(out_dir, "staffing.json"))
    check(rc == 2 and len(err.strip().splitlines()) == 1 and "this is a staffing file" in err,
          err)
    rc, out, err = acdsim("report", os.path.join(out_dir, "results.json"), "-f", "json")
    check(rc == 0 and json.loads(out)["summary"], err)


@test("12: run -q with nowhere to write warns; with --assert or --out it does not")
def _():
    path = write("one.yaml", ONE)
    rc, out, err = acdsim("run", path, "-q", "-r", "2")
    check(rc == 0 and out == "", f"rc {rc}")
    check("acdsim run: warning: --quiet without --out, --trace, --junit or --assert: the "
          "results are not written anywhere" in err, err)
    rc, out, err = acdsim("run", path, "-q", "-r", "2", "--assert", "offered>=0")
    check(rc == 0 and out == "" and err == "", err)


@test("12: counts agree with their nouns: '1 call type, 1 agent group', '1 plan simulated'")
def _():
    path = write("one.yaml", ONE)
    rc, out, err = acdsim("validate", path)
    check(rc == 0 and f"{path}: ok (1 call type, 1 agent group)" in out, out)
    rc, out, err = acdsim("staff", path, "-r", "1", "--max-evaluations", "1")
    check(rc == 0 and "acdsim staff: add (1 plan simulated)" in err, err)
    check("1 replication, seed 1," in out and "1 plans" not in err, out)


@test("13: recommended.yaml is renamed and says where the plan came from")
def _():
    out_dir = os.path.join(TMP, "staff13")
    expect_rc(acdsim("staff", TRAINING, "-q", "-r", "3", "-o", out_dir), 0, "staff")
    text = open(os.path.join(out_dir, "recommended.yaml")).read()
    original = open(TRAINING).read()
    head = text.split("\nname: ")[0]
    check(head.startswith("# Recommended staffing for Harbor Street Books - Saturday order line "
                          "(training), found by acdsim staff\n# from "), head)
    check("(seed 4242, 3 replications per plan, " in head and " plans simulated)" in head, head)
    check("# Targets: service level >= 80% within 20 s (of offered calls), abandoned <= 5%, "
          "ASA <= 30 s; met on average" in head, head)
    check("# In the simulation this plan meets every goal with " in head, head)
    check('\nname: "Harbor Street Books - Saturday order line (training) (recommended '
          'staffing)"\n' in text, text[:800])
    # The original's opening comments are gone; its other comments stay.
    first = original.splitlines()[0]
    check(first.startswith("#") and first not in text, first)
    check("# the classic 80/20" in text, "a comment after the header was lost")
    out, _ = expect_rc(acdsim("validate", os.path.join(out_dir, "recommended.yaml")), 0,
                       "validate")


@test("14: --curve marks the current staffing row (text, JSON, CSV)")
def _():
    out, _ = expect_rc(acdsim("staff", TRAINING, "--curve", "--agents", "6:10", "-r", "3", "-q"),
                       0, "curve text")
    rows = [l for l in out.splitlines() if l[:6].strip().isdigit()]
    marked = [l for l in rows if l.endswith("<- current")]
    check(len(rows) == 5 and len(marked) == 1 and marked[0].split()[0] == "8", out)
    out, _ = expect_rc(acdsim("staff", TRAINING, "--curve", "--agents", "6:10", "-r", "3", "-q",
                              "-f", "json"), 0, "curve json")
    doc = json.loads(out)
    check(doc["current_agents"] == 8, doc.get("current_agents"))
    check([p["agents"] for p in doc["points"] if p["current"]] == [8], "current point")
    out, _ = expect_rc(acdsim("staff", TRAINING, "--curve", "--agents", "6:10", "-r", "3", "-q",
                              "-f", "csv"), 0, "curve csv")
    lines = out.splitlines()
    check(lines[0].endswith(",current"), lines[0])
    check([l.split(",")[0] for l in lines[1:] if l.endswith(",true")] == ["8"], out)
    out, _ = expect_rc(acdsim("staff", TRAINING, "--curve", "--agents", "10:12", "-r", "3",
                              "-q"), 0, "curve without current")
    check("<- current" not in out and "Current staffing: 8 agents, outside the curve" in out, out)
    day = os.path.join(SCENARIOS, "utility_day.yaml")
    out, _ = expect_rc(acdsim("staff", day, "--curve", "-r", "2", "-q"), 0, "shifts")
    check("on the phones on average (shifts and breaks), marked at" in out, out)


ABANDONS = """name: abandons
seed: 7
replications: 20
horizon: {duration: 4h, warmup: 30m}
targets: {max_abandon: BOUND}
call_types:
  - name: a
    arrivals: {rate: 100/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - {name: g, skills: [a], agents: 7}
"""


@test("16: the verdict line shows enough digits to tell the mean from the bound")
def _():
    path = write("abandons.yaml", ABANDONS.replace("BOUND", "0.5"))
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing"), 0, "run json")
    m = json.loads(out)["summary"]["abandon_rate"]["mean"]
    # A bound that prints like the mean with one decimal but is not equal.
    bound = round(m, 3)
    check(bound != m and f"{100 * bound:.1f}" == f"{100 * m:.1f}", (m, bound))
    path = write("abandons.yaml", ABANDONS.replace("BOUND", repr(bound)))
    out, _ = expect_rc(acdsim("run", path, "--no-timing"), 0, "run text")
    line = next(l for l in out.splitlines() if l.strip().startswith("Abandon rate <="))
    words = line.split()
    shown_bound, shown_mean, verdict = words[3], words[4], words[5]
    check(shown_bound == f"{100 * bound:.1f}%", line)
    check(shown_mean != shown_bound, line)
    check(verdict == ("MISSED" if m > bound else "met"), line)
    digits = len(shown_mean.split(".")[1]) - 1
    check(f"{100 * m:.{digits}f}%" == shown_mean, line)
    path = write("abandons.yaml", ABANDONS.replace("BOUND", "0.0405"))
    out, _ = expect_rc(acdsim("run", path, "--no-timing"), 0, "run text")
    check("  Abandon rate <= 4.05%  " in out, out)


ERLANG = """name: erlang with EXTRA
seed: 3
replications: 20
horizon: {duration: 10h, warmup: 1h}
call_types:
  - name: calls
    arrivals: {rate: 360/h}
    handle_time: {dist: exponential, mean: 10s}
    patience: {dist: exponential, mean: 60s}
    RETRY
agent_groups:
  - {name: agents, skills: [calls], agents: 1, WRAP}
"""


def erlang_case(name, wrap, retry):
    text = (ERLANG.replace("EXTRA", name).replace("WRAP", wrap or "tier: 1")
            .replace("RETRY", retry or "priority: 0"))
    return write(name + ".yaml", text)


@test("17: wrap-up is part of the formula's load, and the report says so")
def _():
    path = erlang_case("wrap", "wrap_up: {dist: deterministic, mean: 2s}", None)
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing"), 0, "json")
    doc = json.loads(out)
    e = doc["erlang"]
    check(e["aht_s"] == 12 and e["wrap_up_s"] == 2 and e["exact"] is False, e)
    sim, formula = doc["summary"]["service_level"], e["metrics"]["service_level"]
    # With the wrap-up in the load, the formula is within sampling noise of
    # the simulation (two CI half-widths: the formula is an approximation).
    check(abs(sim["mean"] - formula) <= 2 * sim["ci95"], (sim, formula))
    text, _ = expect_rc(acdsim("run", path, "--no-timing"), 0, "text")
    check("Erlang A (approximation)" in text and "The formula's handle time (12s) includes 2s "
          "of wrap-up: an agent in\n  wrap-up takes no call." in text, text[-900:])
    results = write("wrap.json", out)
    again, _ = expect_rc(acdsim("report", results), 0, "report")
    check(again == text, "acdsim report differs from run's text")
    out_dir = os.path.join(TMP, "wrap-out")
    expect_rc(acdsim("run", path, "--no-timing", "-q", "-o", out_dir), 0, "out")
    page = open(os.path.join(out_dir, "index.html")).read()
    check("(wrap-up of 2s included: an agent in wrap-up takes no call)" in page, "page")


@test("17: with retrials the comparison is not shown, and the reason is")
def _():
    path = erlang_case("retry", None, "retry: {abandon: {p_first: 0.5, delay: {dist: "
                       "exponential, mean: 5m}}}")
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing"), 0, "json")
    doc = json.loads(out)
    check(doc["erlang"] is None and "retrial" in doc["setup"]["features"], doc["erlang"])
    text, _ = expect_rc(acdsim("run", path, "--no-timing"), 0, "text")
    check("Erlang comparison not shown: the formula leaves out this scenario's retrials, so it"
          "\nwould describe another center." in text, text[-600:])
    check("Erlang A" not in text, "a comparison was shown")
    results = write("retry.json", out)
    again, _ = expect_rc(acdsim("report", results), 0, "report")
    check(again == text, "acdsim report differs from run's text")
    out_dir = os.path.join(TMP, "retry-out")
    expect_rc(acdsim("run", path, "--no-timing", "-q", "-o", out_dir), 0, "out")
    page = open(os.path.join(out_dir, "index.html")).read()
    check("Not shown: the queueing formula leaves out this scenario&#39;s retrials" in page
          or "Not shown: the queueing formula leaves out this scenario's retrials" in page,
          "page")
    check(not os.path.exists(os.path.join(out_dir, "erlang.png")), "an Erlang chart was drawn")


@test("11: text durations as 15m20s; the trace's clock columns beside its seconds")
def _():
    day = os.path.join(SCENARIOS, "utility_day.yaml")
    out, _ = expect_rc(acdsim("run", day, "-r", "2", "--no-timing"), 0, "text")
    line = next(l for l in out.splitlines() if l.strip().startswith("Time to resolution"))
    check(re.search(r"\s\d+m\d\ds\s", line), line)
    trace = os.path.join(TMP, "trace.csv")
    expect_rc(acdsim("run", TRAINING, "-r", "1", "-q", "--trace", trace), 0, "trace")
    with open(trace, newline="") as f:
        rows = list(csv.DictReader(f))
    check(rows and all(k in rows[0] for k in ("arrival_clock", "end_clock", "done_clock")),
          "no clock columns")
    for r in rows[:50]:
        for k in ("arrival", "end", "done"):
            t = int(float(r[k + "_s"]))
            want = f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
            check(r[k + "_clock"] == want, (r[k + "_s"], r[k + "_clock"]))
    week = os.path.join(SCENARIOS, "utility_week.yaml")
    expect_rc(acdsim("run", week, "-r", "1", "-q", "--trace", trace), 0, "period trace")
    with open(trace, newline="") as f:
        rows = list(csv.DictReader(f))
    last = max(rows, key=lambda r: float(r["done_s"]))
    t = int(float(last["done_s"]))
    check(last["done_clock"] == f"2026-12-{7 + t // 86400:02d} {t % 86400 // 3600:02d}:"
          f"{t // 60 % 60:02d}:{t % 60:02d}", last["done_clock"])


FORECAST_DAY = """name: forecast
horizon: {open: "08:00", close: "10:00", interval: 1h}
call_types:
  - {name: a, arrivals: {file: FILE}, handle_time: {dist: exponential, mean: 1m}}
agent_groups:
  - {name: g, skills: [a], agents: 2}
"""
ACCEPTED = ("accepted: interval,calls / start,calls / interval,calls,aht / start,calls,aht, "
            "in any case")


@test("10: forecast CSV headers: accepted forms; the offending column named")
def _():
    good = ["interval,calls\n1,10\n2,12\n", "start,calls\n08:00,10\n09:00,12\n",
            "Start,Calls,AHT\n08:00,10,4m\n09:00,12,4m\n", "INTERVAL,CALLS,aht\n1,3,1m\n2,4,1m\n"]
    for i, text in enumerate(good):
        csv_path = write(f"good{i}.csv", text)
        path = write("forecast.yaml", FORECAST_DAY.replace("FILE", csv_path))
        expect_rc(acdsim("validate", path), 0, text.splitlines()[0])
    bad = {"interval,calls,date\n": f"1:16: error: column 3 'date' needs a period of days "
                                     f"(`days:` in the scenario); a single day's file has no such "
                                     f"column ({ACCEPTED})",
           "when,calls\n": f"1:1: error: column 1 of the header must be 'interval' or 'start', "
                           f"found 'when' ({ACCEPTED})",
           "start,volume\n": f"1:7: error: column 2 of the header must be 'calls', found 'volume' "
                             f"({ACCEPTED})",
           "start,calls,aht,note\n": f"1:17: error: unexpected column 4 'note' ({ACCEPTED})"}
    for i, (text, want) in enumerate(bad.items()):
        csv_path = write(f"bad{i}.csv", text)
        path = write("forecast.yaml", FORECAST_DAY.replace("FILE", csv_path))
        rc, out, err = acdsim("validate", path)
        check(rc == 2 and err.strip() == f"{csv_path}:{want}", err)


@test("15: --detail: p90 wait per interval and a table per call type; report --detail agrees")
def _():
    plain, _ = expect_rc(acdsim("run", TRAINING, "-r", "3", "--no-timing"), 0, "plain")
    out, _ = expect_rc(acdsim("run", TRAINING, "-r", "3", "--no-timing", "--detail"), 0, "detail")
    doc, _ = expect_rc(acdsim("run", TRAINING, "-r", "3", "--no-timing", "-f", "json"), 0, "json")
    d = json.loads(doc)
    check("p90 wait" not in plain and "per interval" not in plain, "plain text changed")
    lines = out.splitlines()
    head = next(i for i, l in enumerate(lines) if l.startswith("Interval") and "p90 wait" in l)
    for k, iv in enumerate(d["intervals"]):
        cells = lines[head + 1 + k].split()
        p90 = iv["wait_p90_s"]["mean"]
        shown = (f"{p90:.1f}s" if p90 < 59.95 else
                 f"{int(round(p90)) // 60}m{int(round(p90)) % 60:02d}s")
        check(cells[0] == f"{iv['start']}-{iv['end']}" and cells[-1] == shown, (cells, p90))
    for name, _t in d["call_types"].items():
        i = lines.index(f"Call type {name} per interval")
        cells = lines[i + 2].split()
        first = d["intervals"][0]["call_types"][name]
        check(cells[1] == f"{first['offered']['mean']:.0f}", (name, cells))
    path = write("detail.json", doc)
    again, _ = expect_rc(acdsim("report", path, "--detail"), 0, "report --detail")
    check(again == out, "report --detail differs from run --detail")


sys.exit(run(cleanup=TMP))
