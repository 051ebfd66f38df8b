#!/usr/bin/env python3
"""`acdsim staff` on a multi-day period (`days:`, issue 17 Deliver 1), end
to end (TAP):

  * a 3-day period (Mon 08-12, Tue 09-13, Wed 08-12, hourly intervals, two
    call types, two groups): a plan for every interval of every day, in
    day order, each labelled with its day; feasible; recommended.yaml
    lists the period's 12 intervals per group; `acdsim run` on it with the
    same seed and replications gives the plan's results.json (the same
    document but for the name and the timing) and, interval by interval,
    the very figures staff reported (each meeting the goal as staff said);
  * with shifts, the current plan per interval follows the period's
    shifts (from the second day on, not before the opening);
  * the CSV gains a `date` column and the JSON a `day` only for a period;
  * a one-day `days:` period gives the single-day recommendation (the
    same JSON once the `day` keys are left out);
  * -j 1 and -j 2 give the same document;
  * --curve names its interval with --day and --interval; an interval
    without its day on a period of several days, a day not in the period
    and an interval outside the day's hours are refused (exit 2);
  * `acdsim compare` over a period: the period's totals, each interval
    named by its day (JSON `day`, CSV `date`, text "2026-12-08 12:00");
  * `acdsim schedule` still refuses a period.

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import taplib  # noqa: E402
from taplib import check, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-staff-days-")
REPS = "8"

PERIOD = """\
name: three days staff
seed: 5
replications: 8
horizon: {open: "08:00", close: "12:00", interval: 1h}
DAYS
service_level: {threshold: 20s, target: 0.8}
call_types:
  - name: billing
    arrivals: {per_interval: BILLING}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
  - name: outages
    arrivals: {per_interval: OUTAGES}
    handle_time: {dist: exponential, mean: 6m}
    patience: {dist: exponential, mean: 2m}
agent_groups:
  - {name: general, skills: [billing, outages], agents: 6}
  - {name: tech, skills: [outages], agents: 2}
"""

THREE_DAYS = """\
days:
  - {date: 2026-12-07}
  - {date: 2026-12-08, open: "09:00", close: "13:00"}
  - {date: 2026-12-09}"""
BILLING3 = "[40, 60, 70, 50, 30, 50, 60, 40, 45, 65, 70, 55]"
OUTAGES3 = "[20, 30, 25, 15, 10, 20, 30, 20, 25, 35, 30, 20]"
LABELS3 = [(d, c) for d, cs in (("2026-12-07", ["08:00", "09:00", "10:00", "11:00"]),
                                ("2026-12-08", ["09:00", "10:00", "11:00", "12:00"]),
                                ("2026-12-09", ["08:00", "09:00", "10:00", "11:00"]))
           for c in cs]


def period(days, billing, outages):
    return PERIOD.replace("DAYS", days).replace("BILLING", billing).replace("OUTAGES", outages)


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def staff(path, *extra):
    rc, out, err = acdsim("staff", path, "-q", "-r", REPS, *extra)
    check(rc == 0, f"staff {path} {extra}: exit {rc}: {err[:400]}")
    return out


def strip_days(x):
    """The document without the keys a period adds ("day", "missed_day")."""
    if isinstance(x, dict):
        return {k: strip_days(v) for k, v in x.items() if k not in ("day", "missed_day")}
    if isinstance(x, list):
        return [strip_days(v) for v in x]
    return x


@test("a 3-day period: a feasible plan per interval of every day; recommended.yaml re-run "
      "gives the plan's figures")
def _():
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    out_dir = os.path.join(TMP, "out3")
    doc = json.loads(staff(path, "-f", "json", "-o", out_dir))
    check(doc["feasible"] is True, "feasible")
    rec = doc["recommendation"]
    want = [(d, c, g) for d, c in LABELS3 for g in ("general", "tech")]
    got = [(r["day"], r["interval"], r["group"]) for r in rec]
    check(got == want, f"one entry per interval of every day and group, in day order: {got}")
    ivs = doc["intervals"]
    check([(iv["day"], iv["interval"]) for iv in ivs] == LABELS3, "intervals named by day")
    check(all(iv["met"] for iv in ivs), "every interval meets the goal")
    for m in doc["minimality"]:
        check("day" in m and (m["day"], m["interval"]) in LABELS3, f"minimality entry {m}")

    with open(os.path.join(out_dir, "recommended.yaml")) as f:
        rec_yaml = f.read()
    for g in ("general", "tech"):
        want_list = "[" + ", ".join(str(r["agents"]) for r in rec if r["group"] == g) + "]"
        check(f"name: {g}," in rec_yaml and f"agents: {want_list}" in rec_yaml,
              f"recommended.yaml lists the period's 12 intervals for {g}: {want_list}")

    rc, out, err = acdsim("run", os.path.join(out_dir, "recommended.yaml"), "-r", REPS,
                          "-f", "json", "--no-timing")
    check(rc == 0, f"run recommended.yaml: exit {rc}: {err[:300]}")
    run = json.loads(out)
    with open(os.path.join(out_dir, "results.json")) as f:
        plan = json.load(f)
    for d in (run, plan):
        d.pop("scenario")
        d["run"].pop("wall_s")
        d["run"].pop("threads")
    check(run == plan, "the plan's results.json is the run of recommended.yaml")
    check(len(run["intervals"]) == 12 and len(run["days"]) == 3, "a run over the period")
    for b, (iv, siv) in enumerate(zip(run["intervals"], ivs)):
        day = run["days"][iv["day"]]["label"]
        check((day, iv["start"]) == (siv["day"], siv["interval"]), f"interval {b}: same label")
        check(iv["service_level"]["mean"] == siv["achieved"]["service_level"]["mean"],
              f"interval {b}: run's service level = staff's")
        check(iv["service_level"]["mean"] >= 0.8, f"interval {b}: meets 80% as staff said")
    check(run["summary"]["service_level"]["mean"] == doc["achieved"]["service_level"]["mean"],
          "the period's service level = staff's")


@test("every minimality check's figures (a window of the period or the whole) are the run's "
      "of that plan")
def _():
    # A check is first simulated on the period cut after its window (the
    # days up to the window's last interval, that day closing there); its
    # figures must be those of the whole period, reproduced by `run`.
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    doc = json.loads(staff(path, "-f", "json"))
    rec = doc["recommendation"]
    check(len(doc["minimality"]) > 0, "checks reported")
    for m in doc["minimality"]:
        plan = {g: [r["agents"] for r in rec if r["group"] == g] for g in ("general", "tech")}
        b = LABELS3.index((m["day"], m["interval"]))
        plan[m["group"]][b] -= 1
        text = period(THREE_DAYS, BILLING3, OUTAGES3)
        for g in plan:
            old = "{name: %s, skills: [" % g
            line = [x for x in text.splitlines() if old in x][0]
            text = text.replace(line, line.rsplit("agents:", 1)[0] +
                                "agents: [%s]}" % ", ".join(map(str, plan[g])))
        rc, out, err = acdsim("run", write("check.yaml", text), "-r", REPS, "-f", "json",
                              "--no-timing")
        check(rc == 0, f"run a check's plan: exit {rc}: {err[:300]}")
        ivs = json.loads(out)["intervals"]
        where = f"check {m['day']} {m['interval']} {m['group']}"
        check(ivs[b]["service_level"]["mean"] == m["achieved"]["service_level"]["mean"],
              f"{where}: its interval's service level is the run's")
        if "missed" in m:
            mb = LABELS3.index((m["missed_day"], m["missed_interval"]))
            check(ivs[mb]["service_level"]["mean"] == m["missed"]["achieved"]["service_level"]
                  ["mean"], f"{where}: the missed interval's service level is the run's")
        check(not m["met"] and m["minimal"], f"{where}: misses a goal")


@test("with shifts, the current plan is each interval's time average as the period runs them")
def _():
    # tech: 3 agents 07:30-11:30 with a 15-minute break at 09:45, on every
    # day; from the second day on the shift starts at the opening (Tue
    # 09:00), so Tue 09:00-10:00 has 45 minutes of 3 agents: 2.25.
    text = period(THREE_DAYS, BILLING3, OUTAGES3).replace(
        "  - {name: tech, skills: [outages], agents: 2}",
        "  - name: tech\n    skills: [outages]\n    shifts:\n"
        "      - {start: \"07:30\", end: \"11:30\", count: 3,"
        " breaks: [{start: \"09:45\", length: 15m}]}")
    doc = json.loads(staff(write("shifts.yaml", text), "-f", "json"))
    cur = [r["current"] for r in doc["recommendation"] if r["group"] == "tech"]
    want = [3, 2.25, 3, 1.5, 2.25, 3, 1.5, 0, 3, 2.25, 3, 1.5]
    check(cur == want, f"current tech agents per interval {cur}, want {want}")


@test("the CSV has a date column and the text names the day only for a period")
def _():
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    rows = list(csv.DictReader(io.StringIO(staff(path, "-f", "csv"))))
    check([(r["date"], r["interval"]) for r in rows[::2]] == LABELS3, "date, interval per row")
    text = staff(path)
    check("2026-12-08 12:00" in text and "Whole period" in text, "text labels name the day")
    one = write("one_single.yaml", period("", BILLING3[:15] + "]", OUTAGES3[:15] + "]"))
    head = staff(one, "-f", "csv").splitlines()[0]
    check(head.startswith("interval,group,"), f"single day: no date column: {head}")


@test("a one-day `days:` period gives the single-day recommendation")
def _():
    billing, outages = "[40, 60, 70, 50]", "[20, 30, 25, 15]"
    single = write("single.yaml", period("", billing, outages))
    one = write("one.yaml", period("days: [{date: 2026-12-07}]", billing, outages))
    a = json.loads(staff(single, "-f", "json"))
    b = json.loads(staff(one, "-f", "json"))
    check(all(r["day"] == "2026-12-07" for r in b["recommendation"]), "the period names its day")
    check(not any("day" in r for r in a["recommendation"]), "the single day names none")
    check(strip_days(b) == a, "the same plan, figures and evaluations")


@test("-j 1 and -j 2 give the same plan over a period")
def _():
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    check(staff(path, "-f", "json", "-j", "1") == staff(path, "-f", "json", "-j", "2"),
          "-j 1 = -j 2")


@test("--curve on a period: --day and --interval name the interval; bad ones are refused")
def _():
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    c = json.loads(staff(path, "--curve", "--day", "2026-12-08", "--interval", "12:00",
                         "--agents", "3:5", "-f", "json"))
    check(c["day"] == "2026-12-08" and c["interval"] == "12:00", f"the curve's interval: {c}")
    c2 = json.loads(staff(path, "--curve", "--day", "2", "--interval", "12:00", "--agents",
                          "3:5", "-f", "json"))
    check(c2 == c, "--day 2 is the second day")
    text = staff(path, "--curve", "--day", "2026-12-09", "--agents", "3:4")
    check("interval 2026-12-09 " in text, f"default: the day's busiest interval: {text[:200]}")
    for args, msg in (
            (["--interval", "10:00"], "name the day with --day"),
            (["--day", "2026-12-10"], "'2026-12-10' is not a day of the period"),
            (["--day", "4"], "is not a day of the period"),
            (["--day", "2026-12-08", "--interval", "08:00"],
             "not the start of an interval on 2026-12-08 (09:00 to 13:00")):
        rc, out, err = acdsim("staff", path, "-q", "--curve", *args)
        check(rc == 2 and msg in err and not out, f"{args}: exit {rc}: {err[:300]}")
    rc, out, err = acdsim("staff", path, "-q", "--day", "1")
    check(rc == 2 and "go with --curve" in err, f"--day without --curve: exit {rc}: {err[:200]}")
    single = write("single.yaml", period("", "[40, 60, 70, 50]", "[20, 30, 25, 15]"))
    rc, out, err = acdsim("staff", single, "-q", "--curve", "--day", "1")
    check(rc == 2 and "one operating day" in err, f"--day on one day: exit {rc}: {err[:200]}")


@test("compare over a period: the period's totals, and intervals named by their day")
def _():
    a = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    b = write("three_more.yaml", period(THREE_DAYS, BILLING3, OUTAGES3)
              .replace("name: three days staff", "name: more")
              .replace("agents: 6}", "agents: 7}"))
    rc, out, err = acdsim("compare", a, b, "-r", REPS, "-f", "json")
    check(rc == 0, f"compare: exit {rc}: {err[:300]}")
    scopes = json.loads(out)["comparisons"][0]["scopes"]
    ivs = [(x["day"], x["start"]) for x in scopes if x["scope"] == "interval"]
    check(ivs == LABELS3, f"interval scopes by day and clock: {ivs}")
    center = [x for x in scopes if x["scope"] == "center"][0]
    check("day" not in center, "the center is the period's")
    rc, out, err = acdsim("compare", a, b, "-r", REPS, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    check(rc == 0 and rows and "date" in rows[0], f"a date column: {out[:200]}")
    check({(r["date"], r["start"]) for r in rows if r["scope"] == "interval"} == set(LABELS3),
          "CSV rows by date and clock")
    rc, out, err = acdsim("compare", a, b, "-r", REPS)
    # The whole run's scopes come first (a day is named by its label), an
    # interval by its day and clock, never by the period's clock ("33:00").
    check(rc == 0 and re.search(r"\n    2026-12-0[789](:| 1?\d:00)", out) and
          not re.search(r"\n    [2-9]\d:00", out), f"text names the day: {out[-1500:]}")
    rc, out, err = acdsim("compare", a, b, "-r", REPS, "-f", "csv")
    check(any(r["scope"] == "interval" and r["date"] == "2026-12-08" and r["start"] == "09:00"
              and r["significant"] == "1" for r in csv.DictReader(io.StringIO(out))),
          "an interval's significant change named by its date and clock")
    single = write("single.yaml", period("", "[40, 60, 70, 50]", "[20, 30, 25, 15]"))
    rc, out, err = acdsim("compare", single, single, "-r", REPS, "-f", "csv")
    check(rc == 0 and out.startswith("b,scope,start,"), f"one day: no date column: {out[:80]}")


@test("schedule still refuses a period")
def _():
    path = write("three.yaml", period(THREE_DAYS, BILLING3, OUTAGES3))
    rc, out, err = acdsim("schedule", path)
    check(rc == 2 and "multi-day period ('days:')" in err and not out,
          f"schedule: exit {rc}: {err[:300]}")


sys.exit(taplib.run(cleanup=TMP))
