#!/usr/bin/env python3
"""The example scenarios in scenarios/ validate, run fast and give sane numbers.

For every scenarios/*.yaml (the embedded default included):

  * `acdsim validate FILE` exits 0 and prints 'FILE: ok (...)';
  * `acdsim run FILE -f json -j 2` (the file's own replications) exits 0;
    the wall time is printed as a TAP comment for information only (speed
    claims live in bench/README.md, never in timed tests: a loaded or
    sanitized CI machine must not fail the suite);
  * the JSON is plausible: calls offered in every call type, every rate a
    fraction, waits and queue lengths not negative, busy agents not more
    than staffed agents; an operating day (horizon open/close/interval)
    reports one entry per interval, consecutive, starting at `open`, whose
    offered calls add up to the day's; a steady-state run reports none.

A few scenarios promise a story in their comments (the Monday peak misses
80/20, the storm collapses...). Those claims are checked loosely at the end,
so that an engine change that silently breaks a teaching example is noticed.

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory (the
scenarios are in TESTS_DIR/../scenarios). Output is TAP. Python stdlib only.
"""
import glob
import json
import math
import os
import re
import subprocess
import sys
import time

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.normpath(os.path.join(TESTS_DIR, "..", "scenarios"))

TIMEOUT_S = 120  # a hung run must not hang the suite

FRACTIONS = ["service_level", "service_level_answered", "answered_rate", "abandon_rate",
             "blocked_rate", "p_wait", "occupancy", "fcr_rate", "escalation_rate",
             "repeat_share", "retrial_share", "balk_rate", "timeout_rate", "callback_rate",
             "service_level_customer", "idle_share", "talk_share", "wrap_share", "break_share"]
NON_NEGATIVE = ["offered", "asa_s", "mean_wait_s", "wait_p90_s", "mean_queue_len",
                "busy_agents", "staffed_agents", "contacts_per_issue", "resolution_time_s",
                "cost", "cost_per_call"]
EPS = 1e-9


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(*args):
    """(exit code, stdout, stderr, wall seconds); a timeout is exit None."""
    t0 = time.monotonic()
    try:
        p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {TIMEOUT_S} s", time.monotonic() - t0
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


def clock(s):
    """'07:30' -> seconds after midnight."""
    h, m = s.split(":")
    return int(h) * 3600 + int(m) * 60


def horizon_of(path):
    """The scenario's horizon keys, read from the text (no YAML library in
    the stdlib): {'open': '07:00', ...} for an operating day, {} otherwise.
    Handles the block and the one-line flow style used in scenarios/."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^horizon:(.*(?:\n[ \t]+.*)*)", text, re.M)
    if not m:
        return {}
    body = re.sub(r"#.*", "", m.group(1))
    return {k: v for k, v in re.findall(r"\b(open|close|interval)\s*:\s*\"?([0-9:.a-z]+)\"?",
                                        body)}


def value(scope, metric):
    e = scope.get(metric)
    if not isinstance(e, dict):
        return None
    return e.get("mean")


def num(v, digits=3):
    """A metric value for a diagnostic line (None: undefined)."""
    return "n/a" if v is None else f"{v:.{digits}f}"


def check_scope(where, scope):
    """Every metric present is a {mean, ci95} whose mean is a number (or
    null: undefined in every replication) in its range."""
    for m, e in scope.items():
        if m == "channels":  # each channel's scope (more than one channel)
            for ch, cs in e.items():
                check_scope(f"{where}.channels.{ch}", cs)
            continue
        if m in ("totals", "call_types", "agent_groups", "start", "end", "day", "channel"):
            continue
        check(isinstance(e, dict) and "mean" in e and "ci95" in e, f"{where}.{m}: {e!r}")
        v, ci = e["mean"], e["ci95"]
        if v is None:
            continue
        check(isinstance(v, (int, float)) and math.isfinite(v), f"{where}.{m} = {v!r}")
        check(ci is None or ci >= 0, f"{where}.{m}: ci95 {ci} < 0")
        if m in FRACTIONS:
            check(-EPS <= v <= 1 + EPS, f"{where}.{m} = {v}, not a fraction")
        if m in NON_NEGATIVE:
            check(v >= -EPS, f"{where}.{m} = {v} < 0")
    a, b = value(scope, "answered_rate"), value(scope, "abandon_rate")
    c = value(scope, "blocked_rate")
    if None not in (a, b, c):
        check(a + b + c <= 1 + 1e-6, f"{where}: answered+abandoned+blocked = {a + b + c} > 1")
    sl, sla = value(scope, "service_level"), value(scope, "service_level_answered")
    if None not in (sl, sla):
        check(sl <= sla + 1e-6, f"{where}: service level of offered {sl} > of answered {sla}")
    busy, staffed = value(scope, "busy_agents"), value(scope, "staffed_agents")
    if None not in (busy, staffed):
        check(busy <= staffed * (1 + 1e-6) + 1e-6, f"{where}: busy {busy} > staffed {staffed}")


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.horizon = horizon_of(path)
        self.day = "open" in self.horizon
        self._run = None

    def json_run(self):
        """The timed run, made once and shared by the checks."""
        if self._run is None:
            self._run = run("run", self.path, "-f", "json", "-j", "2")
        rc, out, err, wall = self._run
        check(rc == 0, f"exit {rc}; stderr: {err.strip()[:600]}")
        try:
            return json.loads(out), wall
        except ValueError as e:
            raise Failure(f"stdout is not JSON: {e}")


TESTS = []


def test(desc):
    def register(fn):
        TESTS.append((desc, fn))
        return fn
    return register


def per_scenario_tests(sc):
    @test(f"{sc.name}: validate exits 0")
    def _():
        rc, out, err, _ = run("validate", sc.path)
        check(rc == 0, f"exit {rc}; stderr: {err.strip()[:1500]}")
        check(out.startswith(f"{sc.path}: ok"), f"stdout: {out.strip()}")

    @test(f"{sc.name}: run -f json -j 2 exits 0")
    def _():
        doc, wall = sc.json_run()
        info = doc.get("run", {})
        engine = info.get("wall_s")
        engine = f"{engine:.2f} s" if isinstance(engine, (int, float)) else "n/a"
        print(f"# {sc.name}: {doc.get('replications')} replications, {wall:.2f} s wall "
              f"(engine {engine}), {info.get('calls')} calls")

    @test(f"{sc.name}: summary, call types and agent groups are plausible")
    def _():
        doc, _ = sc.json_run()
        for k in ("summary", "call_types", "agent_groups", "intervals"):
            check(k in doc, f"no '{k}' in the JSON")
        check(value(doc["summary"], "offered") > 0, "no calls offered")
        check_scope("summary", doc["summary"])
        check(doc["call_types"], "no call types")
        for name, scope in doc["call_types"].items():
            check(value(scope, "offered") > 0, f"call type {name}: no calls offered")
            check_scope(f"call_types.{name}", scope)
        check(doc["agent_groups"], "no agent groups")
        for name, scope in doc["agent_groups"].items():
            check_scope(f"agent_groups.{name}", scope)
        check(value(doc["summary"], "staffed_agents") > 0, "no agents staffed")

    @test(f"{sc.name}: intervals " + ("cover the operating day" if sc.day else "are empty"))
    def _():
        doc, _ = sc.json_run()
        iv = doc["intervals"]
        if not sc.day:
            check(iv == [], f"steady-state run with {len(iv)} intervals")
            return
        check(len(iv) > 0, "no intervals")
        # A period (`days:`): each day's intervals cover its own hours.
        days = doc.get("days") or [{"open": sc.horizon["open"], "close": sc.horizon["close"],
                                    "first_interval": 0, "n_intervals": len(iv)}]
        check(sum(d["n_intervals"] for d in days) == len(iv), "days do not cover the intervals")
        for d in days:
            div = iv[d["first_interval"]:d["first_interval"] + d["n_intervals"]]
            open_s, close_s = clock(d["open"]), clock(d["close"])
            check(div[0]["start"] == d["open"], f"first interval starts {div[0]['start']}")
            check(div[-1]["end"] == d["close"], f"last interval ends {div[-1]['end']}")
            length = (close_s - open_s) / len(div)
            for i, x in enumerate(div):
                check(clock(x["end"]) - clock(x["start"]) == length,
                      f"interval {i}: {x['start']}-{x['end']}, expected {length:g} s long")
                if i:
                    check(x["start"] == div[i - 1]["end"],
                          f"gap before interval {i} ({x['start']})")
            check_scope(f"intervals[{i}] {x['start']}", x)
        total = sum(value(x, "offered") or 0 for x in iv)
        day = value(doc["summary"], "offered")
        check(abs(total - day) <= 1e-6 * max(1.0, day),
              f"intervals offer {total:.3f} calls, the day {day:.3f}")

    return sc


# ------------------------------------------------------- the stories

def find(scenarios, name):
    for sc in scenarios:
        if sc.name == name:
            return sc
    return None


def story_tests(scenarios):
    """Loose checks of what each scenario's comments say it shows."""

    def intervals_sl(doc):
        return [(x["start"], value(x, "service_level")) for x in doc["intervals"]
                if value(x, "service_level") is not None]

    sc = find(scenarios, "utility_day.yaml")
    if sc:
        @test("utility_day.yaml: the day is near 80/20, the Monday-morning peak misses it")
        def _(sc=sc):
            doc, _ = sc.json_run()
            day = value(doc["summary"], "service_level")
            sl = dict(intervals_sl(doc))
            peak = min(sl.get(t, 1) for t in ("09:00", "09:30", "10:00"))
            afternoon = [v for t, v in sl.items() if "13:00" <= t < "17:00"]
            print(f"# day SL {day:.3f}, worst 09:00-10:30 interval {peak:.3f}, "
                  f"afternoon intervals {min(afternoon):.3f}-{max(afternoon):.3f}")
            check(day >= 0.70, f"day service level {day:.3f} < 0.70")
            check(peak < 0.80, f"the Monday peak meets 80/20 ({peak:.3f})")
            check(sum(v >= 0.80 for v in afternoon) >= len(afternoon) / 2,
                  "most afternoon intervals miss 80/20")

    sc = find(scenarios, "outage_surge.yaml")
    if sc:
        @test("outage_surge.yaml: the storm collapses service; busy signals and retrials")
        def _(sc=sc):
            doc, _ = sc.json_run()
            s = doc["summary"]
            worst = min(v for _, v in intervals_sl(doc))
            blocked = value(s, "blocked_rate")
            retrials = value(s, "retrial_share")
            print(f"# worst interval SL {worst:.3f}, day SL {num(value(s, 'service_level'))}, "
                  f"busy signals {num(blocked)}, retrials {num(retrials)}")
            check(worst < 0.30, f"no collapse: worst interval SL {worst:.3f}")
            check(blocked is not None and blocked > 0.01,
                  f"busy signals {num(blocked)} (expected the lines to fill)")
            check(retrials is not None and retrials > 0.05,
                  f"retrials are {retrials} of offered calls")

    sc = find(scenarios, "helpdesk.yaml")
    if sc:
        @test("helpdesk.yaml: priorities order the service; P3 callers take callbacks")
        def _(sc=sc):
            doc, _ = sc.json_run()
            ct = doc["call_types"]
            sl = {k: value(ct[k], "service_level") for k in ("p1", "p2", "p3")}
            cb = value(ct["p3"], "callback_rate")
            day = value(doc["summary"], "service_level")
            print(f"# day SL {day:.3f}; p1 {sl['p1']:.3f}, p2 {sl['p2']:.3f}, p3 {sl['p3']:.3f}; "
                  f"p3 callbacks {num(cb)}")
            check(day >= 0.75, f"day service level {day:.3f} < 0.75")
            check(sl["p1"] > sl["p3"] and sl["p2"] > sl["p3"],
                  f"P3 is served as well as P1/P2: {sl}")
            check(cb is not None and cb > 0, "no P3 caller took a callback")

    sc = find(scenarios, "utility_week.yaml")
    if sc:
        @test("utility_week.yaml: voice misses 80/20, chats barely wait, Monday opens with e-mails")
        def _(sc=sc):
            doc, _ = sc.json_run()
            ct = doc["call_types"]
            voice = [t for t in ct.values() if t.get("channel", "voice") == "voice"]
            within = sum(t["totals"]["answered_within_t"]["mean"] for t in voice)
            offered = sum(t["totals"]["offered"]["mean"] for t in voice)
            chat = value(ct["web_chat"], "service_level")
            monday = value(doc["days"][0], "backlog_at_open")
            print(f"# voice SL {within / offered:.3f}, chat SL {chat:.3f}, Monday's e-mail "
                  f"backlog {monday:.1f}")
            check(len(doc["days"]) == 7, "not a week")
            check(within / offered < 0.8, "voice meets 80/20")
            check(chat > 0.95, f"chat service level {chat:.3f}")
            check(monday >= 60, f"Monday opens with {monday} e-mails")

    sc = find(scenarios, "training.yaml")
    if sc:
        @test("training.yaml: quiet start, a mid-morning queue, abandons at the peak")
        def _(sc=sc):
            doc, _ = sc.json_run()
            sl = intervals_sl(doc)
            first, worst = sl[0][1], min(v for _, v in sl)
            q = [value(x, "mean_queue_len") or 0 for x in doc["intervals"]]
            print(f"# first interval SL {first:.3f}, worst {worst:.3f}, "
                  f"longest mean queue {max(q):.2f} at {doc['intervals'][q.index(max(q))]['start']}")
            check(first >= 0.85, f"08:00 service level {first:.3f}")
            check(worst < 0.6, f"the peak never hurts: worst SL {worst:.3f}")
            check(q.index(max(q)) > 0 and q.index(max(q)) < len(q) - 1,
                  "the queue is longest at the very start or end")
            ab = max(value(x, "abandon_rate") or 0 for x in doc["intervals"])
            check(ab > 0.10, f"at most {ab:.3f} of the callers abandon in any interval")


def main():
    paths = sorted(glob.glob(os.path.join(SCENARIOS, "*.yaml")))
    scenarios = [per_scenario_tests(Scenario(p)) for p in paths]
    story_tests(scenarios)
    print(f"1..{len(TESTS)}", flush=True)
    if not paths:
        print(f"# no scenarios found in {SCENARIOS}")
    failed = 0
    for i, (desc, fn) in enumerate(TESTS, 1):
        try:
            res = fn()
            print(f"ok {i} - {desc}")
            if isinstance(res, str):
                print(f"# {res}")
        except Failure as e:
            failed += 1
            print(f"not ok {i} - {desc}")
            for line in str(e).splitlines() or [""]:
                print(f"# {line}")
        except Exception as e:  # one broken check must not hide the others
            failed += 1
            print(f"not ok {i} - {desc}")
            print(f"# {type(e).__name__}: {e}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
