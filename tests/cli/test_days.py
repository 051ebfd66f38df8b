#!/usr/bin/env python3
"""Multi-day periods (`days:`, issue 17 Deliver 1), end to end (TAP):

  * reduction: a one-day `days:` period gives exactly the single-day
    results (results.json with the `days` block and the intervals' `day`
    index removed is the single-day document, byte for byte as JSON);
  * the layout: a list of days with their own hours, a range with a
    profile per weekday (`closed` days left out): labels, dates, weekdays,
    hours and the intervals' clock times and day index;
  * conservation over a 3-day period with retrials, repeat calls and
    callbacks: every offered call of a day ends answered, abandoned,
    blocked, balked, timed out, disconnected or as a callback request, per
    day and for the period; the days' figures add up to the period's;
    -j 1 and -j 2 give the same document;
  * carry-over in --trace: a repeat call whose fixed repeat_delay lands in
    the night arrives at the next day's opening (the period's seconds:
    midnight of the first day + day offset + opening); retrials likewise;
    nothing arrives while the center is closed between two days; with
    close_policy disconnect, callbacks not made by closing are made on the
    next day;
  * a forecast CSV with a `date` column and a staffing CSV with a
    `weekday` column give the same run as the lists over the period;
  * run --out draws the interval x day heat maps (service level,
    occupancy) when gnuplot is there;
  * shifts and moves repeat on every day at their clock times (shifts,
    from the second day on, not before the opening);
  * --assert over a day (DATE.METRIC) and every day (every_day.METRIC);
  * what a period cannot do yet is refused by the commands that cannot
    handle it (schedule, live); compare runs (on the period's totals);
    staff plans a period (test_staff_days.py);
  * acdsim report reads a period's results.json back (the same document,
    the same text report) and names a wrong day layout.

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import taplib  # noqa: E402
from taplib import check, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-days-")
DAY = 86400.0

ONE_DAY = """\
name: one day
seed: 3
replications: 6
horizon: {open: "08:00", close: "11:00", interval: 30m}
DAYS
busyness: {cv: 0.15}
call_types:
  - name: support
    arrivals: {per_interval: [20, 30, 40, 35, 30, 20]}
    handle_time: {dist: lognormal, mean: 5m, cv: 0.8}
    patience: {dist: exponential, mean: 3m}
    retry:
      abandon: {p_first: 0.5, p_later: 0.3, delay: {dist: exponential, mean: 20m}, max_attempts: 3}
    resolution:
      - {tier: 1, resolve: 0.7}
    repeat_delay: {dist: exponential, mean: 1h}
    callback: {threshold: 1m, accept: 0.5}
agent_groups:
  - {name: desk, skills: [support], agents: [5, 6, 7, 7, 6, 5]}
"""

# Three days (Mon 08-12, Tue 09-13, Wed 08-12), overloaded and impatient:
# retrials (1 h), repeat calls (a fixed 20 h: from a Monday afternoon call,
# the night), callbacks.
THREE_DAYS = """\
name: three days
seed: 11
replications: 4
horizon: {open: "08:00", close: "12:00", interval: 30m}
days:
  - {date: 2026-12-07}
  - {date: 2026-12-08, open: "09:00", close: "13:00"}
  - {date: 2026-12-09}
call_types:
  - name: support
    arrivals: {rate: 50/h}
    handle_time: {dist: exponential, mean: 5m}
    patience: {dist: exponential, mean: 2m}
    retry:
      abandon: {p_first: 0.6, p_later: 0.4, delay: {dist: exponential, mean: 1h}, max_attempts: 3}
    resolution:
      - {tier: 1, resolve: 0.6}
    repeat_delay: {dist: deterministic, mean: 20h}
    callback: {threshold: 1m, accept: 0.5}
agent_groups:
  - {name: desk, skills: [support], agents: 4}
"""
OPENS = [8 * 3600.0, DAY + 9 * 3600.0, 2 * DAY + 8 * 3600.0]
CLOSES = [12 * 3600.0, DAY + 13 * 3600.0, 2 * DAY + 12 * 3600.0]

RANGE = """\
name: a week
seed: 2
replications: 2
horizon: {open: "08:00", close: "18:00", interval: 1h}
days:
  from: 2026-12-04
  to: 2026-12-10
  weekdays: {sat: {open: "09:00", close: "13:00"}, sun: closed, wed: {close: "12:00"}}
call_types:
  - {name: a, arrivals: {rate: 20/h}, handle_time: {dist: exponential, mean: 4m}}
agent_groups:
  - {name: g, skills: [a], agents: 3}
"""

CALLBACKS = """\
name: callbacks overnight
seed: 5
replications: 2
horizon: {open: "08:00", close: "10:00", interval: 30m, close_policy: disconnect}
days: {from: 2026-12-07, to: 2026-12-08}
call_types:
  - name: support
    arrivals: {per_interval: [20, 20, 20, 60, 20, 20, 20, 20]}
    handle_time: {dist: exponential, mean: 5m}
    patience: {dist: exponential, mean: 10m}
    callback: {threshold: 1m, accept: 0.8}
agent_groups:
  - {name: desk, skills: [support], agents: 2}
"""


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM] + list(args), capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def run_json(path, *extra):
    rc, out, err = acdsim("run", "-f", "json", "--no-timing", path, *extra)
    check(rc == 0, f"run {path}: exit {rc}: {err[:400]}")
    return out


def trace(path, *extra):
    t = os.path.join(TMP, os.path.basename(path) + ".trace.csv")
    rc, _, err = acdsim("run", "-f", "json", "--no-timing", "--trace", t, path, *extra)
    check(rc == 0, f"run --trace {path}: exit {rc}: {err[:400]}")
    with open(t) as f:
        return list(csv.DictReader(f))


def mean(scope, key):
    return scope["totals"][key]["mean"]


ENDS = ["answered", "abandoned", "blocked", "balked", "timed_out", "disconnected",
        "callback_requested"]


@test("a one-day days: period gives exactly the single-day results")
def _():
    single = run_json(write("one.yaml", ONE_DAY.replace("DAYS\n", "")))
    period = run_json(write("one_days.yaml",
                            ONE_DAY.replace("DAYS", "days: [{date: 2026-12-07}]")))
    a, b = json.loads(single), json.loads(period)
    check("days" not in a, "a single day has no days block")
    check(len(b["days"]) == 1 and b["days"][0]["label"] == "2026-12-07",
          f"one day in the period: {b.get('days')}")
    check(b["days"][0]["offered"] == b["summary"]["offered"],
          "the one day's figures are the period's")
    b.pop("days")
    for iv in b["intervals"]:
        check(iv.pop("day") == 0, "every interval on day 0")
    check(a == b, "the documents differ beyond the days block: " +
          ", ".join(k for k in a if a.get(k) != b.get(k)))


@test("days: a list with own hours; a range with weekday profiles, closed days left out")
def _():
    d = json.loads(run_json(write("three.yaml", THREE_DAYS)))
    days = d["days"]
    check([x["label"] for x in days] == ["2026-12-07", "2026-12-08", "2026-12-09"],
          f"labels {[x['label'] for x in days]}")
    check([x["weekday"] for x in days] == ["mon", "tue", "wed"], "weekdays")
    check([(x["open"], x["close"]) for x in days] ==
          [("08:00", "12:00"), ("09:00", "13:00"), ("08:00", "12:00")], "hours")
    check([(x["first_interval"], x["n_intervals"]) for x in days] == [(0, 8), (8, 8), (16, 8)],
          "intervals of each day")
    ivs = d["intervals"]
    check(len(ivs) == 24, f"{len(ivs)} intervals")
    check((ivs[8]["start"], ivs[8]["day"]) == ("09:00", 1), f"interval 8: {ivs[8]['start']}")
    check((ivs[23]["end"], ivs[23]["day"]) == ("12:00", 2), "last interval")
    w = json.loads(run_json(write("range.yaml", RANGE)))
    got = [(x["label"], x["weekday"], x["open"], x["close"]) for x in w["days"]]
    want = [("2026-12-04", "fri", "08:00", "18:00"), ("2026-12-05", "sat", "09:00", "13:00"),
            ("2026-12-07", "mon", "08:00", "18:00"), ("2026-12-08", "tue", "08:00", "18:00"),
            ("2026-12-09", "wed", "08:00", "12:00"), ("2026-12-10", "thu", "08:00", "18:00")]
    check(got == want, f"range days {got}")
    check(len(w["intervals"]) == 10 + 4 + 10 + 10 + 4 + 10, "range intervals")


@test("conservation per day and over the period; the days add up; -j 1 = -j 2")
def _():
    path = write("three.yaml", THREE_DAYS)
    out = run_json(path)
    check(out == run_json(path, "-j", "1") and out == run_json(path, "-j", "2"),
          "-j 1 and -j 2 differ")
    d = json.loads(out)
    for scope in d["days"] + [d["summary"]]:
        offered = mean(scope, "offered")
        ends = sum(mean(scope, k) for k in ENDS)
        check(offered > 0 and abs(offered - ends) < 1e-6 * offered,
              f"{scope.get('label', 'period')}: offered {offered}, ended {ends}")
    for key in ENDS + ["offered", "retrials", "repeat_calls", "callbacks", "issues",
                       "after_close"]:
        tot = sum(mean(x, key) for x in d["days"])
        check(abs(tot - mean(d["summary"], key)) < 1e-6 * max(1, tot),
              f"{key}: days sum {tot}, period {mean(d['summary'], key)}")
    check(mean(d["days"][1], "repeat_calls") > 0 and mean(d["days"][1], "retrials") > 0,
          "the second day has repeat calls and retrials")


@test("--trace: repeat calls and retrials due in the night arrive at the next opening")
def _():
    rows = trace(write("three.yaml", THREE_DAYS))
    fresh = {r["issue_id"]: float(r["arrival_s"]) for r in rows if r["source"] == "fresh"}
    carried = 0
    for r in rows:
        t = float(r["arrival_s"])
        for d in range(2):  # (callbacks may be dialled in the drain after closing)
            check(r["source"] == "callback" or not (CLOSES[d] <= t < OPENS[d + 1]),
                  f"call {r['call_id']} arrives at {t}, while closed between days")
        if r["source"] != "repeat":
            continue
        # A repeat call is due 20 h after the end of the attempt before
        # it; from a day's call that is in the night: the next opening.
        first = fresh[r["issue_id"]]
        day = max(i for i in range(3) if OPENS[i] <= first + 1e-9)
        if day < 2 and t >= OPENS[day + 1]:
            carried += t == OPENS[day + 1]
    check(carried > 5, f"{carried} repeat calls carried to the next opening")
    at_open = [r for r in rows if float(r["arrival_s"]) in OPENS[1:]]
    check(any(r["source"] == "retrial" for r in at_open), "a retrial carried to an opening")
    check(all(r["source"] in ("retrial", "repeat", "fresh", "callback") for r in at_open),
          "only retrials, repeat calls (and a fresh call by chance) at the opening")


@test("close_policy disconnect: callbacks not made by closing are made the next day")
def _():
    rows = trace(write("callbacks.yaml", CALLBACKS))
    fresh = {r["issue_id"]: float(r["arrival_s"]) for r in rows if r["source"] == "fresh"}
    open2 = DAY + 8 * 3600.0
    made = [(fresh.get(r["issue_id"]), float(r["arrival_s"])) for r in rows
            if r["source"] == "callback"]
    carried = [m for m in made if m[0] is not None and m[0] < 10 * 3600 and m[1] >= open2]
    check(len(carried) > 10, f"{len(carried)} callbacks of day 1 made on day 2")
    check(any(m[1] == open2 for m in carried), "callbacks made at the opening")
    check(not any(10 * 3600 <= m[1] < open2 for m in made), "no callback made in the night")


FILES = """\
name: files
seed: 4
replications: 3
horizon: {open: "08:00", close: "10:00", interval: 1h}
days:
  from: 2026-12-07
  to: 2026-12-13
  weekdays: {sat: {open: "09:00", close: "10:00"}, sun: closed}
call_types:
  - {name: a, arrivals: ARRIVALS, handle_time: {dist: exponential, mean: 4m}}
agent_groups:
  - {name: g, skills: [a], agents: AGENTS}
"""
ARR_CSV = """date,interval,calls
2026-12-07,08:00,30
2026-12-07,09:00,40
2026-12-08,1,20
2026-12-08,2,25
2026-12-09,08:00,10
2026-12-09,09:00,11
2026-12-10,08:00,12
2026-12-10,09:00,13
2026-12-11,08:00,14
2026-12-11,09:00,15
2026-12-12,09:00,50
"""
STAFF_CSV = """weekday,start,agents
mon,08:00,4
mon,09:00,5
tue,08:00,3
tue,09:00,3
wed,08:00,2
wed,09:00,2
thu,08:00,2
thu,09:00,3
fri,08:00,2
fri,09:00,2
sat,09:00,6
"""


@test("forecast and staffing files with a date or weekday column = the lists over the period")
def _():
    write("arr.csv", ARR_CSV)
    write("staff.csv", STAFF_CSV)
    files = write("files.yaml", FILES.replace("ARRIVALS", "{file: arr.csv}")
                  .replace("AGENTS", "{file: staff.csv}"))
    lists = write("lists.yaml", FILES.replace(
        "ARRIVALS", "{per_interval: [30, 40, 20, 25, 10, 11, 12, 13, 14, 15, 50]}")
        .replace("AGENTS", "[4, 5, 3, 3, 2, 2, 2, 3, 2, 2, 6]"))
    a, b = json.loads(run_json(files)), json.loads(run_json(lists))
    check(a == b, "files and lists differ: " + ", ".join(k for k in a if a[k] != b.get(k)))
    check(len(a["days"]) == 6 and a["days"][5]["weekday"] == "sat", "six days, Sunday closed")
    out = os.path.join(TMP, "out")
    rc, _, err = acdsim("run", "--out", out, files)
    check(rc == 0, f"run --out: exit {rc}: {err[:300]}")
    with open(os.path.join(out, "intervals.csv")) as f:
        rows = list(csv.reader(f))
    check(rows[0][:4] == ["date", "start", "end", "call_type"], f"header {rows[0][:4]}")
    check(rows[-1][:3] == ["2026-12-12", "09:00", "10:00"], f"last row {rows[-1][:3]}")
    if shutil.which("gnuplot"):  # the interval x day heat maps
        for name in ("days_service_level", "days_occupancy"):
            for ext in ("png", "svg"):
                check(os.path.getsize(os.path.join(out, f"{name}.{ext}")) > 0, f"{name}.{ext}")
        with open(os.path.join(out, "index.html")) as f:
            check("days_service_level" in f.read(), "the heat map on the report page")


SHIFTS = """\
name: shifts
seed: 6
replications: 2
horizon: {open: "08:00", close: "12:00", interval: 30m}
days:
  - {date: 2026-12-07}
  - {date: 2026-12-08, open: "09:00", close: "11:00"}
call_types:
  - {name: a, arrivals: {rate: 0/h}, handle_time: {dist: exponential, mean: 3m}}
agent_groups:
  - name: g
    skills: [a]
    shifts:
      - {start: "07:30", end: "12:00", count: 3, breaks: [{start: "10:00", length: 30m}]}
      - {start: "10:00", end: "14:00", count: 2}
      - {start: "11:30", end: "12:00", count: 1}
  - name: m
    skills: [a]
    agents: 2
    moves: [{to: g, count: 1, start: "09:00", end: "10:00"}]
"""


@test("shifts and moves repeat on every day (shifts from the second day on from the opening; "
      "none on a day they do not overlap)")
def _():
    d = json.loads(run_json(write("shifts.yaml", SHIFTS)))
    got = [(iv["day"], iv["start"], iv["staffed_agents"]["mean"]) for iv in d["intervals"]]
    want = [(0, "08:00", 3), (0, "08:30", 3), (0, "09:00", 3), (0, "09:30", 3),
            (0, "10:00", 2), (0, "10:30", 5), (0, "11:00", 5), (0, "11:30", 6),
            (1, "09:00", 3), (1, "09:30", 3), (1, "10:00", 2), (1, "10:30", 5)]
    got = [(iv["day"], iv["start"], iv["staffed_agents"]["mean"] - 2,
            iv["agent_groups"]["m"]["staffed_agents"]["mean"]) for iv in d["intervals"]]
    moved = {(0, "09:00"), (0, "09:30"), (1, "09:00"), (1, "09:30")}
    want = [(w[0], w[1], w[2], 1 if (w[0], w[1]) in moved else 2) for w in want]
    check(got == want, f"staffed agents per interval (center, group m) {got}")
    gm = [iv["agent_groups"]["g"]["staffed_agents"]["mean"] for iv in d["intervals"]]
    check(gm[2] == 4 and gm[8] == 4 and gm[0] == 3, f"the move on each day: g {gm}")


@test("acdsim report reads a period's results.json back: the same document and text")
def _():
    path = write("three.yaml", THREE_DAYS)
    doc_text = run_json(path)
    doc = write("three.json", doc_text)
    rc, out, err = acdsim("report", doc, "-f", "json")
    check(rc == 0 and not err.strip(), f"report -f json: exit {rc}: {err[:300]}")
    check(out == doc_text, "the document read back and written again differs")
    rc, text, err = acdsim("report", doc)
    check(rc == 0, f"report: exit {rc}: {err[:300]}")
    rc, ran, err = acdsim("run", "--no-timing", path)
    check(rc == 0 and text.replace(" in 0.00s", "") .splitlines()[:-1] == ran.splitlines()[:-1],
          "the text report read back differs from the run's")
    check("2026-12-08 tue" in text, "the per-day table")
    check("intervals miss it (2026-12-07 08:00" in text, "the verdict names the days of the "
          "intervals it lists")
    bad = json.loads(doc_text)
    bad["days"][1]["first_interval"] = 7
    bad["intervals"][9]["day"] = 0
    rc, _, err = acdsim("report", write("bad.json", json.dumps(bad)))
    check(rc == 2 and "days[1].first_interval" in err and "intervals[9].day" in err,
          f"a wrong day layout: exit {rc}: {err[:400]}")


@test("--assert DATE.METRIC and every_day.METRIC judge the days; a wrong day is refused")
def _():
    path = write("three.yaml", THREE_DAYS)
    d = json.loads(run_json(path))
    sl = [x["service_level"]["mean"] for x in d["days"]]
    lo = min(sl)
    rc, out, err = acdsim("run", "-f", "json", "--no-timing", path,
                          "--assert", f"every_day.service_level >= {lo / 2}",
                          "--assert", f"2026-12-08.service_level <= {sl[1] + 0.01}")
    check(rc == 0, f"holding day checks: exit {rc}: {err[:300]}")
    a = json.loads(out)["checks"]["assertions"]
    check([x["day"] for x in a[0]["results"]] == ["2026-12-07", "2026-12-08", "2026-12-09"],
          f"every_day items {a[0]['results']}")
    check(a[1]["results"][0]["day"] == "2026-12-08" and a[1]["results"][0]["mean"] == sl[1],
          "one day's item is that day's figure")
    rc, _, err = acdsim("run", "-q", path, "--assert", f"every_day.service_level >= {lo + 1e-9}")
    check(rc == 3 and "of 3 days fail" in err and "2026-12-" in err,
          f"a failing day: exit {rc}: {err[:300]}")
    rc, _, err = acdsim("run", "-q", path, "--assert", "2026-12-10.service_level >= 0.5")
    check(rc == 2 and "2026-12-10 is not a day of the period (2026-12-07 to 2026-12-09)" in err,
          f"an unknown day: exit {rc}: {err[:300]}")
    rc, _, err = acdsim("run", "-q", write("one.yaml", ONE_DAY.replace("DAYS\n", "")),
                        "--assert", "every_day.service_level >= 0.5")
    check(rc == 2 and "no days" in err, f"no period: exit {rc}: {err[:300]}")


@test("commands that cannot work over a period yet refuse it, naming the limitation")
def _():
    path = write("three.yaml", THREE_DAYS)
    for args in (["schedule", path], ["live", "--script", "/dev/null", path]):
        rc, out, err = acdsim(*args)
        if args[0] == "live" and "unknown command" in err:
            continue  # built without the live view
        check(rc == 2 and "multi-day period ('days:')" in err and not out,
              f"{args[0]}: exit {rc}: {err[:300]}")
    rc, out, err = acdsim("compare", path, path)
    check(rc == 0, f"compare over a period: exit {rc}: {err[:300]}")


SHIFT_DAYS = """name: a roster per weekday
seed: 3
replications: 2
horizon: {open: "08:00", close: "12:00", interval: 1h}
days: [{date: 2026-12-07}, {date: 2026-12-08}, {date: 2026-12-09}]
call_types:
  - {name: a, arrivals: {rate: 20/h}, handle_time: {dist: exponential, mean: 3m}}
agent_groups:
  - name: g
    skills: [a]
    shifts:
      - {start: "08:00", end: "12:00", count: 3}
      - {start: "08:00", end: "12:00", count: 2, weekdays: WEEKDAYS}
"""


@test("shifts[].weekdays: a shift works only its weekdays of the period; bad lists refused")
def _():
    d = json.loads(run_json(write("shift_days.yaml", SHIFT_DAYS.replace("WEEKDAYS",
                                                                         "[mon, wed]"))))
    staffed = [x["staffed_agents"]["mean"] for x in d["days"]]
    check(staffed == [5, 3, 5], f"staffed agents per day {staffed}, expected [5, 3, 5]")
    for bad, want in (("[mon, tues]", "unknown weekday 'tues' (did you mean 'tue'?)"),
                      ("[mon, mon]", "'mon' is listed twice"),
                      ("[]", "'weekdays' must be a non-empty list of weekdays")):
        path = write("shift_days_bad.yaml", SHIFT_DAYS.replace("WEEKDAYS", bad))
        rc, out, err = acdsim("validate", path)
        check(rc == 2 and want in err, f"{bad}: exit {rc}: {err}")
    single = SHIFT_DAYS.replace("WEEKDAYS", "[mon]").replace(
        "days: [{date: 2026-12-07}, {date: 2026-12-08}, {date: 2026-12-09}]\n", "")
    rc, out, err = acdsim("validate", write("shift_days_single.yaml", single))
    check(rc == 2 and "'weekdays' needs a period of days ('days:' in the scenario)" in err, err)


sys.exit(taplib.run(cleanup=TMP))
