#!/usr/bin/env python3
"""E-mail call types (issue 17, Deliver 3): `channel: email`.

* A hand-computable day (acceptance 4): one agent, deterministic handling,
  no arrivals but a backlog of 6 e-mails spread evenly before opening.
  Every wait, the service level in hours, the backlog at closing are
  worked out below and must be exactly the JSON's.
* The service level's estimator: an e-mail still waiting at closing that
  has waited longer than the threshold has missed it (counted); one that
  has not is undecided (left out of the denominator).
* Conservation per e-mail type (acceptance 2, one day): offered = answered
  + backlog at close, for the type and per interval; steady state too.
* Priority: an agent with both skills never takes an e-mail while a call
  of its skills waits (from the per-call trace).
* Reports: service levels in hours in the text, the backlog rows,
  `--assert backlog_at_close`; scenarios without e-mail carry no backlog
  keys.

Environment: ACDSIM (the binary). Output is TAP (taplib).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

from taplib import check, expect_rc, run, test

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-email-")

# By hand: 6 e-mails arrive evenly over [06:00, 08:00): at 06:00, 06:20,
# 06:40, 07:00, 07:20, 07:40. One agent from 08:00, 50 minutes each, takes
# them oldest first at 08:00, 08:50, 09:40, 10:30, 11:20 (the next would be
# 12:10, after closing). Waits: 2h, 2h30, 3h, 3h30, 4h. At 12:00 the e-mail
# of 07:40 is left (it has waited 4h20).
#   threshold 3h: answered within 3 (2h, 2h30, 3h exactly); the one left
#     has waited 4h20 > 3h: missed. Service level 3 / (5 + 1) = 0.5; of
#     answered 3 / 5 = 0.6.
#   threshold 24h: all 5 answered within; the one left (4h20 < 24h) is not
#     decided yet: 5 / 5 = 1.
#   ASA = (2 + 2.5 + 3 + 3.5 + 4) h / 5 = 3h = 10800 s; mean wait of all 6
#     (the one left counts its 4h20 so far) = (54000 + 15600) / 6 = 11600 s.
BY_HAND = """\
name: mail-by-hand
seed: 1
replications: 3
horizon: {open: "08:00", close: "12:00", interval: 1h}
call_types:
  - name: mail
    channel: email
    arrivals: {per_interval: [0, 0, 0, 0]}
    handle_time: {dist: deterministic, mean: 50m}
    service_level: {threshold: THRESHOLD, target: 0.9}
    backlog: {count: 6, since: "06:00"}
agent_groups:
  - name: desk
    skills: [mail]
    agents: 1
"""

# Calls and e-mails on the same agents, plus a dedicated e-mail group.
MIXED = """\
name: mixed
seed: 3
replications: 6
horizon: {open: "08:00", close: "16:00", interval: 30m}
call_types:
  - name: calls
    arrivals: {rate: 50/h}
    handle_time: {dist: exponential, mean: 5m}
    patience: {dist: exponential, mean: 4m}
  - name: mail
    channel: email
    arrivals: {rate: 12/h}
    handle_time: {dist: exponential, mean: 10m}
    service_level: {threshold: 4h, target: 0.9}
    backlog: {count: 30, since: "00:00"}
agent_groups:
  - name: blended
    skills: [calls, mail]
    agents: 5
  - name: mailroom
    skills: [mail]
    agents: 1
"""

STEADY = """\
name: mixed-steady
seed: 4
replications: 4
horizon: {duration: 40h, warmup: 4h}
call_types:
  - name: calls
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 5m}
  - name: mail
    channel: email
    arrivals: {rate: 15/h}
    handle_time: {dist: exponential, mean: 10m}
    service_level: {threshold: 24h}
agent_groups:
  - name: blended
    skills: [calls, mail]
    agents: 5
"""


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_json(path, *extra):
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing", *extra), 0, "run")
    return json.loads(out)


def exact(got, want, what):
    check(got == want, f"{what}: {got}, by hand {want}")


def by_hand(threshold):
    return run_json(write(f"hand-{threshold}.yaml", BY_HAND.replace("THRESHOLD", threshold)))


@test("by hand, threshold 3h: waits, service level, backlog at open and close exactly")
def _():
    r = by_hand("3h")
    t = r["call_types"]["mail"]
    exact(t["offered"]["mean"], 6, "offered")
    exact(t["totals"]["answered"]["mean"], 5, "answered")
    exact(t["totals"]["answered_within_t"]["mean"], 3, "answered within 3h")
    exact(t["service_level"]["mean"], 0.5, "service level (the one left missed 3h)")
    exact(t["service_level_answered"]["mean"], 0.6, "service level of answered")
    exact(t["asa_s"]["mean"], 10800, "ASA")
    exact(t["mean_wait_s"]["mean"], 11600, "mean wait, the one left included")
    exact(t["backlog_at_open"]["mean"], 6, "backlog at open")
    exact(t["backlog_at_close"]["mean"], 1, "backlog at close")
    exact(t["abandon_rate"]["mean"], 0, "abandoned")
    for k in ("service_level", "backlog_at_close", "asa_s"):
        exact(t[k]["ci95"], 0, f"{k} CI (deterministic)")
    # The backlog arrived before opening: counted in the first interval.
    iv = r["intervals"]
    exact(iv[0]["call_types"]["mail"]["backlog_at_open"]["mean"], 6, "first interval's backlog")
    exact(iv[0]["call_types"]["mail"]["backlog_at_close"]["mean"], 1, "first interval's left")
    for i in iv[1:]:
        exact(i["offered"]["mean"], 0, f"{i['start']}: offered")
    exact(r["summary"]["backlog_at_close"]["mean"], 1, "center backlog at close")


@test("by hand, threshold 24h: an e-mail left younger than the threshold is undecided")
def _():
    t = by_hand("24h")["call_types"]["mail"]
    exact(t["totals"]["answered_within_t"]["mean"], 5, "answered within 24h")
    exact(t["service_level"]["mean"], 1.0, "service level (5 of 5 decided)")
    exact(t["backlog_at_close"]["mean"], 1, "backlog at close")


@test("text: the e-mail goal in hours, the backlog rows; --assert backlog_at_close")
def _():
    path = write("hand-text.yaml", BY_HAND.replace("THRESHOLD", "24h"))
    out, _ = expect_rc(acdsim("run", path, "--no-timing"), 0, "run")
    check("Call type: mail (email, SL 90% within 24h)" in out,
          "no channel and 'within 24h' in the type's title")
    check("Service level mail (24h) >= 90.0%" in out, "no '(24h)' in the targets")
    check("E-mails waiting at opening" in out and "E-mails waiting at closing" in out,
          "no backlog rows")
    expect_rc(acdsim("run", path, "--no-timing", "-f", "json",
                     "--assert", "mail.backlog_at_close <= 1"), 0, "assert met")
    _, err = expect_rc(acdsim("run", path, "--no-timing", "-f", "json",
                              "--assert", "mail.backlog_at_close < 1"), 3, "assert missed")
    check("backlog_at_close" in err, f"assertion not named: {err[:300]}")


def conserved(scope, what):
    off = scope["offered"]["mean"]
    ans = scope["totals"]["answered"]["mean"]
    left = scope["backlog_at_close"]["mean"]
    check(abs(off - (ans + left)) <= 1e-9 * max(1.0, off),
          f"{what}: offered {off} != answered {ans} + backlog at close {left}")
    for k in ("abandoned", "blocked", "balked", "timed_out", "disconnected"):
        check(scope["totals"][k]["mean"] == 0, f"{what}: {k} {scope['totals'][k]['mean']}")


@test("conservation, one day: offered = answered + backlog at close, per type and interval")
def _():
    r = run_json(write("mixed.yaml", MIXED))
    t = r["call_types"]["mail"]
    check(t["backlog_at_close"]["mean"] > 0, "no backlog left: the case tells nothing")
    check(t["totals"]["answered"]["mean"] > 100, "too few e-mails answered")
    conserved(t, "mail")
    for i in r["intervals"]:
        conserved(i["call_types"]["mail"], f"mail at {i['start']}")
    exact(t["backlog_at_open"]["mean"], 30, "backlog at open")
    check(t["service_level"]["ci95"] > 0, "a random day's service level has a CI")


@test("conservation, steady state: e-mails are worked, the backlog at the end reported")
def _():
    r = run_json(write("steady.yaml", STEADY))
    t = r["call_types"]["mail"]
    check(t["totals"]["answered"]["mean"] > 300, "e-mails not worked in steady state")
    conserved(t, "mail (steady)")
    exact(t["backlog_at_open"]["mean"], 0, "no backlog at open in steady state")


@test("priority: an agent with both skills never takes an e-mail while a call waits for it")
def _():
    path = write("mixed-trace.yaml", MIXED)
    trace = os.path.join(TMP, "mixed.csv")
    run_json(path, "--trace", trace, "-r", "1")
    with open(trace, newline="") as f:
        rows = list(csv.DictReader(f))
    calls = [(float(x["arrival_s"]), float(x["end_s"])) for x in rows if x["type"] == "calls"]
    taken = [float(x["end_s"]) for x in rows
             if x["type"] == "mail" and x["outcome"] == "answered" and x["group"] == "blended"]
    waited = sum(1 for a, e in calls if e > a)
    check(len(taken) > 20 and waited > 20, f"too little to tell: {len(taken)} e-mails, "
          f"{waited} calls that waited")
    bad = [t for t in taken if any(a < t < e for a, e in calls)]
    check(not bad, f"{len(bad)} e-mails taken by 'blended' while a call waited, first at {bad[:3]}")


@test("acdsim report reads an e-mail run's JSON back: the same document, the same rows")
def _():
    path = write("hand-report.yaml", BY_HAND.replace("THRESHOLD", "3h"))
    out, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing"), 0, "run")
    doc = write("hand-report.json", out)
    again, _ = expect_rc(acdsim("report", doc, "-f", "json", "--no-timing"), 0, "report")
    check(again == out, "report -f json differs from the run's document")
    check("email" in json.loads(out)["setup"]["features"], "setup.features lacks email")
    text, _ = expect_rc(acdsim("report", doc), 0, "report text")
    check("E-mails waiting at closing" in text, "backlog rows lost on reading back")


@test("-j 1 and -j 2 give the same bytes with e-mail")
def _():
    path = write("mixed-j.yaml", MIXED)
    one, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing", "-j", "1"), 0, "-j 1")
    two, _ = expect_rc(acdsim("run", path, "-f", "json", "--no-timing", "-j", "2"), 0, "-j 2")
    check(one == two, "-j 1 and -j 2 differ")


@test("without an e-mail type, no backlog keys in the JSON")
def _():
    r = run_json(write("voice.yaml", MIXED.split("  - name: mail\n")[0] + """\
agent_groups:
  - name: blended
    skills: [calls]
    agents: 5
"""))
    for scope in (r["summary"], r["call_types"]["calls"], r["intervals"][0]):
        check("backlog_at_open" not in scope and "backlog_at_close" not in scope,
              "backlog keys in a scenario without e-mail")


sys.exit(run(cleanup=TMP))
