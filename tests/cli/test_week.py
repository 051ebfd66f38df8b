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
* Each channel has its own scope (the center's figures mix a call's
  seconds with an e-mail's hours): its totals are its call types' sums,
  its metrics are estimated per replication with a CI; the text table,
  the CSV rows and `acdsim report` show them; a channel in --assert.

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


@test("channels: each channel's scope is its call types' sum, with CIs; text, CSV, report")
def _():
    out, _ = expect_rc(acdsim("run", WEEK, "-r", "3", "--no-timing"), 0, "text")
    doc, _ = expect_rc(acdsim("run", WEEK, "-r", "3", "--no-timing", "-f", "json"), 0, "json")
    d = json.loads(doc)
    check(list(d["channels"]) == ["voice", "chat", "email"], list(d["channels"]))
    keys = list(d)
    check(keys.index("channels") == keys.index("agent_groups") + 1, keys)
    lines = out.splitlines()
    check(lines[4].startswith("Call center (all channels)"), lines[4])
    head = lines.index(next(l for l in lines if l.startswith("Channel ")))
    rows = {l.split()[0]: l.split()[1:] for l in lines[head + 1:head + 4]}
    check(set(rows) == {"voice", "chat", "email"}, rows)
    for ch in ("voice", "chat", "email"):
        c = d["channels"][ch]
        types = [t for t in d["call_types"].values() if t.get("channel", "voice") == ch]
        # Totals: the channel's are the sums of its types' (in every
        # replication, so in the means).
        for key in ("offered", "answered", "answered_within_t", "abandoned",
                    "answered_wait_sum_s"):
            want = sum(total(t, key) for t in types)
            check(abs(total(c, key) - want) <= 1e-9 * max(1.0, want), (ch, key, total(c, key), want))
        # Metrics are estimated per replication (mean of the replications'
        # ratios), with a CI: close to the ratio of the means, not equal.
        sl = c["service_level"]
        ratio = total(c, "answered_within_t") / total(c, "offered")
        check(sl["ci95"] is not None and abs(sl["mean"] - ratio) <= sl["ci95"] + 1e-12,
              (ch, sl, ratio))
        # Text: mean and CI, as the JSON rounds them.
        check(rows[ch][0] == f"{c['offered']['mean']:.0f}", (ch, rows[ch]))
        check(rows[ch][1:3] == ["±", f"{c['offered']['ci95']:.0f}"], (ch, rows[ch]))
        check(rows[ch][3] == f"{100 * sl['mean']:.1f}%", (ch, rows[ch], sl))
        check(rows[ch][4:6] == ["±", f"{100 * sl['ci95']:.1f}"], (ch, rows[ch], sl))
    # Each day: each channel's scope, its totals the day's call types'...
    # by channel: the channels add up to the day, and over the days to
    # the channel's period totals.
    for key in ("offered", "answered_within_t", "abandoned"):
        for ch in ("voice", "chat", "email"):
            days_sum = sum(total(x["channels"][ch], key) for x in d["days"])
            check(abs(days_sum - total(d["channels"][ch], key)) <= 1e-6 * max(1.0, days_sum),
                  (ch, key, days_sum))
        for x in d["days"]:
            parts = sum(total(x["channels"][ch], key) for ch in x["channels"])
            check(abs(parts - total(x, key)) <= 1e-6 * max(1.0, parts), (x["label"], key))
    # ...and the text's day table shows each channel's service level
    # instead of the center's mix, the voice channel's abandonment (the
    # center's goals are judged on it), and no ASA.
    h = lines.index(next(l for l in lines if l.startswith("Day ")))
    check(lines[h].split() == ["Day", "offered", "SL", "voice", "SL", "chat", "SL", "email",
                               "ab.", "voice", "occupancy"], lines[h])
    for x, l in zip(d["days"], lines[h + 1:h + 8]):
        cells = l.split()
        c = x["channels"]
        check(cells[0] == x["label"]
              and cells[3] == f"{100 * c['voice']['service_level']['mean']:.1f}%"
              and cells[4] == f"{100 * c['chat']['service_level']['mean']:.1f}%"
              and cells[6] == f"{100 * c['voice']['abandon_rate']['mean']:.1f}%", (l, x["label"]))
    # A type-like scope: no agent figures.
    check(d["channels"]["chat"].get("occupancy") is None, "occupancy on a channel")
    # CSV: a row per channel and figure, and per day.
    csv_out, _ = expect_rc(acdsim("run", WEEK, "-r", "3", "--no-timing", "-f", "csv"), 0, "csv")
    rows_csv = list(csv.reader(csv_out.splitlines()))
    chan = {(r[1], r[2]): r[3] for r in rows_csv if r[0] == "channel"}
    check(float(chan[("email", "service_level")]) == d["channels"]["email"]["service_level"]["mean"],
          chan.get(("email", "service_level")))
    days = [r[1] for r in rows_csv if r[0] == "day" and r[2] == "offered"]
    check(days == [x["label"] for x in d["days"]], days)
    # Read back: acdsim report prints the same table from results.json.
    path = os.path.join(TMP, "week-results.json")
    with open(path, "w") as f:
        f.write(doc)
    again, _ = expect_rc(acdsim("report", path), 0, "report")
    a = again.splitlines()
    h2 = a.index(next(l for l in a if l.startswith("Channel ")))
    check(a[h2:h2 + 4] == lines[head:head + 4], (a[h2:h2 + 4], lines[head:head + 4]))
    d2 = a.index(next(l for l in a if l.startswith("Day ")))
    d1 = lines.index(next(l for l in lines if l.startswith("Day ")))
    check(a[d2:d2 + 8] == lines[d1:d1 + 8], (a[d2:d2 + 8], lines[d1:d1 + 8]))
    # The HTML report has a table of them.
    outdir = os.path.join(TMP, "week-report")
    expect_rc(acdsim("run", WEEK, "-r", "3", "-q", "-o", outdir), 0, "report folder")
    with open(os.path.join(outdir, "index.html")) as f:
        html = f.read()
    check('<table class="kpi-table" id="channels">' in html and "Mean over the period" in html,
          "no channel table in index.html")
    # A single-channel center has none.
    one, _ = expect_rc(acdsim("run", os.path.join(TESTS_DIR, "..", "scenarios", "helpdesk.yaml"),
                              "-r", "2", "-f", "json", "--no-timing"), 0, "helpdesk")
    check("channels" not in json.loads(one), "channels in a single-channel document")
    # The e-mail backlog at each opening and closing: a day closes with what
    # the next opens with; the last with what is left at the end.
    head = lines.index("E-mail backlog    at opening at closing")
    table = [l.split() for l in lines[head + 1:head + 8]]
    check([float(t[2]) for t in table] == [round(x["backlog_at_open"]["mean"], 2)
                                           for x in d["days"]], table)
    check([float(t[3]) for t in table[:-1]] == [float(t[2]) for t in table[1:]], table)
    check(float(table[-1][3]) == round(d["summary"]["backlog_at_close"]["mean"], 2), table)


@test("--assert names a channel; not per interval; --precision refuses one")
def _():
    _, err = expect_rc(acdsim("run", WEEK, "-r", "3", "-q", "--assert", "chat.service_level>=0.9",
                              "--assert", "email.service_level>=0.95"), 0, "channels hold")
    _, err = expect_rc(acdsim("run", WEEK, "-r", "3", "-q", "--assert",
                              "voice.service_level>=0.9"), 3, "voice misses")
    check("voice.service_level>=0.9: measured 0." in err, err)
    _, err = expect_rc(acdsim("run", WEEK, "-r", "3", "-q", "--assert",
                              "chat@09:00.service_level>=0.9"), 2, "channel at an interval")
    check("a channel's figures are for the whole run" in err, err)
    _, err = expect_rc(acdsim("run", WEEK, "-r", "3", "-q", "--assert", "chat.occupancy<=0.9"), 2,
                       "agent metric on a channel")
    check("metric 'occupancy' does not apply to channel 'chat'" in err, err)
    _, err = expect_rc(acdsim("run", WEEK, "-q", "--precision", "chat.service_level=0.01"), 2,
                       "precision on a channel")
    check("not a channel ('chat')" in err, err)


sys.exit(run(cleanup=TMP))
