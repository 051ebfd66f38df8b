#!/usr/bin/env python3
"""A week with three channels (issue 17, acceptance 2 and 3 with chat and
e-mail): scenarios/utility_week.yaml, a 7-day period of voice, chat (concurrency 3,
stretch, blending CSRs) and e-mail (a backlog at the first opening).

* Conservation per day and over the period: every offered contact of a day
  ends answered, abandoned, blocked, balked, timed out, disconnected, as a
  callback request, or is an e-mail still in the backlog at the end of the
  period (counted in the interval, so the day, it arrived); the days add up
  to the period; -j 1 = -j 2.
* Carry-over of the e-mail backlog, read from --trace (one replication):
  no e-mail is taken while the center is closed; the e-mails waiting at a
  day's closing are exactly those waiting at the next opening, and that
  count is the next day's `backlog_at_open` in the results.
* A chat agent never holds more than its concurrency, across days.
* The text report gives each channel its own line (the center's figures
  mix a call's seconds with an e-mail's hours), from the call types'
  totals.

Environment: ACDSIM = the binary, TESTS_DIR = tests/.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WEEK = os.path.join(TESTS_DIR, "..", "scenarios", "utility_week.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-week-")
ENDS = ["answered", "abandoned", "blocked", "balked", "timed_out", "disconnected",
        "callback_requested"]


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def total(scope, key):
    return scope["totals"][key]["mean"]


@test("conservation per day and over the week, three channels; the days add up; -j 1 = -j 2")
def _():
    out, _ = expect_rc(acdsim("run", WEEK, "-r", "4", "-f", "json", "--no-timing", "-j", "1"),
                       0, "run -j 1")
    out2, _ = expect_rc(acdsim("run", WEEK, "-r", "4", "-f", "json", "--no-timing", "-j", "2"),
                        0, "run -j 2")
    check(out == out2, "-j 1 and -j 2 differ")
    d = json.loads(out)
    check(len(d["days"]) == 7, len(d["days"]))
    for scope in d["days"] + [d["summary"]]:
        offered = total(scope, "offered")
        ends = sum(total(scope, k) for k in ENDS) + scope["backlog_at_close"]["mean"]
        check(offered > 0 and abs(offered - ends) < 1e-9 * offered,
              f"{scope.get('label', 'week')}: offered {offered}, ended {ends}")
    for key in ENDS + ["offered"]:
        days = sum(total(x, key) for x in d["days"])
        check(abs(days - total(d["summary"], key)) < 1e-9 * max(1, days), key)
    types = d["call_types"]
    check(types["web_chat"]["channel"] == "chat" and types["email"]["channel"] == "email",
          "channels")
    check(total(types["email"], "answered") > 1000 and total(types["web_chat"], "answered") > 1000,
          "too few e-mails or chats to tell")


@test("e-mail backlog carried overnight: a day's closing backlog is the next opening's")
def _():
    trace = os.path.join(TMP, "week.csv")
    out, _ = expect_rc(acdsim("run", WEEK, "-r", "1", "-f", "json", "--no-timing", "--trace",
                              trace), 0, "run")
    d = json.loads(out)
    with open(trace, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["type"] == "email"]
    # Every e-mail is in the trace once it is taken; those left at the end
    # of the week are not: the case needs none left.
    check(d["call_types"]["email"]["backlog_at_close"]["mean"] == 0, "e-mails left at the end")

    def secs(day, hhmm):
        h, m = hhmm.split(":")
        return day * 86400 + int(h) * 3600 + int(m) * 60

    days = d["days"]
    carried = 0
    for i in range(1, len(days)):
        close = secs(i - 1, days[i - 1]["close"])
        opening = secs(i, days[i]["open"])
        taken_at_night = [r for r in rows if close < float(r["end_s"]) < opening]
        check(not taken_at_night, f"e-mails taken while closed: {taken_at_night[:2]}")
        at_close = sum(1 for r in rows if float(r["arrival_s"]) < close < float(r["end_s"]))
        at_open = sum(1 for r in rows if float(r["arrival_s"]) < opening <= float(r["end_s"]))
        check(at_close == at_open, f"day {i}: {at_close} waiting at closing, {at_open} at opening")
        check(days[i]["backlog_at_open"]["mean"] == at_open,
              f"day {i}: backlog_at_open {days[i]['backlog_at_open']['mean']}, trace {at_open}")
        carried += at_open
    check(carried > 0, "no e-mail carried overnight: the case tells nothing")
    check(days[0]["backlog_at_open"]["mean"] == 60, "the scenario's backlog at the first opening")


@test("chat: no agent holds more than three chats at once, any day")
def _():
    trace = os.path.join(TMP, "week-chat.csv")
    expect_rc(acdsim("run", WEEK, "-r", "1", "-q", "--trace", trace), 0, "run")
    with open(trace, newline="") as f:
        chats = [r for r in csv.DictReader(f)
                 if r["type"] == "web_chat" and r["outcome"] == "answered"]
    events = []
    for r in chats:
        events.append((float(r["end_s"]), 1, r["agent"]))
        events.append((float(r["done_s"]), -1, r["agent"]))
    events.sort(key=lambda e: (e[0], e[1]))
    held, most = {}, 0
    for _, step, agent in events:
        held[agent] = held.get(agent, 0) + step
        most = max(most, held[agent])
    check(len(chats) > 1000 and most == 3, f"{len(chats)} chats, at most {most} at once")


@test("text: a line per channel, from the call types' totals")
def _():
    out, _ = expect_rc(acdsim("run", WEEK, "-r", "3", "--no-timing"), 0, "text")
    doc, _ = expect_rc(acdsim("run", WEEK, "-r", "3", "--no-timing", "-f", "json"), 0, "json")
    d = json.loads(doc)
    lines = out.splitlines()
    head = lines.index(next(l for l in lines if l.startswith("Channel ")))
    rows = {l.split()[0]: l.split()[1:] for l in lines[head + 1:head + 4]}
    check(set(rows) == {"voice", "chat", "email"}, rows)
    for ch in ("voice", "chat", "email"):
        types = [t for t in d["call_types"].values() if t.get("channel", "voice") == ch]
        offered = sum(total(t, "offered") for t in types)
        within = sum(total(t, "answered_within_t") for t in types)
        check(rows[ch][0] == f"{offered:.0f}", (ch, rows[ch], offered))
        check(rows[ch][1] == f"{100 * within / offered:.1f}%", (ch, rows[ch], within / offered))
    # The e-mail backlog at each opening and closing: a day closes with what
    # the next opens with; the last with what is left at the end.
    head = lines.index("E-mail backlog    at opening at closing")
    table = [l.split() for l in lines[head + 1:head + 8]]
    check([float(t[2]) for t in table] == [round(x["backlog_at_open"]["mean"], 2)
                                           for x in d["days"]], table)
    check([float(t[3]) for t in table[:-1]] == [float(t[2]) for t in table[1:]], table)
    check(float(table[-1][3]) == round(d["summary"]["backlog_at_close"]["mean"], 2), table)


sys.exit(run(cleanup=TMP))
