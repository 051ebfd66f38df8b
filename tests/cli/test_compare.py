#!/usr/bin/env python3
"""`acdsim compare` (issue 13, Deliver 2 and the --baseline gate of
Deliver 5), end to end (TAP output).

- a scenario against itself: every difference exactly 0 with CI 0;
- the utility day with one more agent from 09:00 to 09:30: the service
  level difference is positive in that interval and never significantly
  negative elsewhere, and the paired CI of that difference is narrower
  than the CI of the difference of two independent runs (different
  seeds) by a measured factor (bench/README.md records it);
- --baseline results.json --fail-if-worse: exit 3 with one agent fewer,
  0 for the same scenario; the message names the KPI, both values, the CI;
- JSON keys (docs/compare.md), CSV, -o DIR (page, charts), usage errors,
  the same output for -j 1 and -j 2.

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.normpath(os.path.join(HERE, "..", "..", "scenarios"))
DAY = os.path.join(SCENARIOS, "utility_day.yaml")
UTILITY = os.path.join(SCENARIOS, "utility.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-compare-")
os.symlink(os.path.join(SCENARIOS, "data"), os.path.join(TMP, "data"))

# The paired CI of the 09:00 service-level difference against the CI of
# the difference of two independent runs: the issue asks for 3x. Measured
# 4.11x before common random numbers per caller, 6.49x with them
# (bench/README.md).
MIN_CI_FACTOR_0900 = 3.0


def acdsim(*args, timeout=600):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def edited(src, old, new, name):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    check(old in text, f"{src}: '{old}' not found")
    return write(name, text.replace(old, new, 1))


EVENING = ('      - {start: "15:00", end: "19:00", count: 4, '
           'breaks: [{start: "16:45", length: 15m}]}   # part-time, evening\n')
DAY_PLUS = edited(DAY, EVENING, EVENING + '      - {start: "09:00", end: "09:30", count: 1}\n',
                  "day_plus.yaml")
UTILITY_MINUS = edited(UTILITY, "    agents: 14", "    agents: 13", "utility_minus.yaml")


def compare_json(*args):
    out, _ = expect_rc(acdsim("compare", *args, "-f", "json"), 0, "compare " + " ".join(args))
    return json.loads(out)


def scopes(doc, i=0):
    return doc["comparisons"][i]["scopes"]


@test("compare A A: every difference of every KPI and scope is exactly 0 with CI 0")
def _():
    doc = compare_json(DAY, DAY, "-r", "10")
    n = 0
    for s in scopes(doc):
        check(s["in"] == "both", f"{s}: not in both")
        for key, k in s["kpis"].items():
            if k["a"]["mean"] is None:  # undefined in this scope: undefined difference
                check(k["diff"]["mean"] is None, f"{s['scope']} {s['name']} {key}: {k}")
                continue
            check(k["a"] == k["b"], f"{s['scope']} {s['name']} {key}: a != b")
            check(k["diff"]["mean"] == 0, f"{s['scope']} {s['name']} {key}: diff {k['diff']}")
            # CI 0; undefined (null) where the value is defined in one replication
            # only, as the estimate's own CI
            ci = 0 if k["a"]["ci95"] is not None else None
            check(k["diff"]["ci95"] == ci, f"{s['scope']} {s['name']} {key}: ci {k['diff']}")
            check(k["significant"] is False, f"{key}: significant")
            n += 1
    check(n > 1000, f"only {n} values compared")
    out, _ = expect_rc(acdsim("compare", DAY, DAY, "-r", "10"), 0, "text")
    check("no significant change at the center" in out, out[:2000])
    check("Call types, groups and intervals:\n  no significant change" in out, out[-1500:])


def interval_sl(doc, i=0):
    return {s["start"]: s["kpis"]["service_level"] for s in scopes(doc, i)
            if s["scope"] == "interval"}


DAY_DOC = {}


def day_doc():
    if not DAY_DOC:
        DAY_DOC.update(compare_json(DAY, DAY_PLUS))
    return DAY_DOC


@test("+1 agent 09:00-09:30: SL difference > 0 at 09:00, never significantly < 0 elsewhere")
def _():
    sl = interval_sl(day_doc())
    check(len(sl) == 24, f"{len(sl)} intervals")
    check(sl["09:00"]["diff"]["mean"] > 0, f"09:00: {sl['09:00']}")
    for start, k in sl.items():
        d = k["diff"]
        check(not (k["significant"] and d["mean"] < 0), f"{start}: significantly worse: {d}")
        check(k["significant"] == (abs(d["mean"]) > d["ci95"]), f"{start}: mark {k}")
    c = scopes(day_doc())[0]
    check(c["scope"] == "center" and c["kpis"]["staffed_agents"]["diff"]["mean"] > 0, str(c))
    # Defined in every replication: the mean of the differences is the
    # difference of run's means (both are means of per-replication values).
    k = c["kpis"]["service_level"]
    check(abs(k["diff"]["mean"] - (k["b"]["mean"] - k["a"]["mean"])) < 1e-12, str(k))


def independent_ci(a, b):
    """The CI of the difference of two independent estimates of 30
    replications each: t(29) * sqrt(se_a^2 + se_b^2) = sqrt(ci_a^2 + ci_b^2),
    the same t quantile as the paired CI (29 degrees of freedom)."""
    return math.hypot(a["ci95"], b["ci95"])


@test("paired CI of the 09:00 SL difference vs two independent runs (different seeds)")
def _():
    paired = interval_sl(day_doc())["09:00"]["diff"]["ci95"]
    ra = json.loads(expect_rc(acdsim("run", DAY, "-s", "1", "-f", "json"), 0, "run A")[0])
    rb = json.loads(expect_rc(acdsim("run", DAY_PLUS, "-s", "2", "-f", "json"), 0, "run B")[0])
    ia = next(i for i in ra["intervals"] if i["start"] == "09:00")["service_level"]
    ib = next(i for i in rb["intervals"] if i["start"] == "09:00")["service_level"]
    indep = independent_ci(ia, ib)
    factor = indep / paired
    print(f"# 09:00 SL difference: paired CI ±{paired:.4f}, independent ±{indep:.4f}: "
          f"{factor:.2f}x narrower")
    vr = day_doc()["comparisons"][0]["variance_reduction"]
    print(f"# center SL: variance factor {vr['factor']:.1f}, CI {vr['ci_factor']:.2f}x narrower")
    check(factor >= MIN_CI_FACTOR_0900, f"paired CI only {factor:.2f}x narrower")
    check(vr["kpi"] == "service_level" and vr["factor"] > 1, str(vr))
    check(abs(vr["ci_factor"] - math.sqrt(vr["factor"])) < 1e-12, str(vr))


@test("--baseline: exit 3 with one agent fewer (message: KPI, values, CI), 0 for the same")
def _():
    out_dir = os.path.join(TMP, "base")
    expect_rc(acdsim("run", UTILITY, "-o", out_dir, "-q"), 0, "run baseline")
    base = os.path.join(out_dir, "results.json")
    gate = ("--fail-if-worse", "service_level,abandon_rate")
    out, err = expect_rc(acdsim("compare", "--baseline", base, UTILITY_MINUS, *gate), 3,
                         "one agent fewer")
    check("service_level got significantly worse" in err, err)
    check("% ->" in err and "pts ±" in err and "95% CI" in err, err)
    check("unpaired" in out and "Welch" in out, out[:500])
    out, err = expect_rc(acdsim("compare", "--baseline", base, UTILITY, *gate), 0, "same")
    check("worse" not in err, err)
    doc = compare_json("--baseline", base, UTILITY)
    check(doc["comparisons"][0]["paired"] is False, "baseline is paired")
    for key, k in scopes(doc)[0]["kpis"].items():
        if k["a"]["mean"] is not None:
            check(k["diff"]["mean"] == 0 and not k["significant"], f"{key}: {k}")
    # Paired, the same gate works too: B worse than A.
    _, err = expect_rc(acdsim("compare", UTILITY, UTILITY_MINUS, "-q", *gate), 3, "paired gate")
    check("abandon_rate got significantly worse" in err, err)


@test("JSON keys per scope (docs/compare.md); CSV one row per scope and KPI")
def _():
    doc = day_doc()
    check(set(doc) >= {"version", "a", "kpis", "seed", "comparisons"}, str(doc.keys()))
    p = doc["comparisons"][0]
    check(p["paired"] is True and p["b"]["replications"] == 30, str(p["b"]))
    kinds = {s["scope"] for s in p["scopes"]}
    check(kinds == {"center", "call_type", "group", "interval", "interval_call_type",
                    "interval_group"}, str(kinds))
    k = p["scopes"][0]["kpis"]["service_level"]
    check(set(k) == {"a", "b", "diff", "significant"}, str(k))
    check(set(k["diff"]) == {"mean", "ci95"}, str(k))
    better = {k["key"]: k["better"] for k in doc["kpis"]}
    check(better["service_level"] == 1 and better["abandon_rate"] == -1, str(better))
    check(list(better) == list(p["scopes"][0]["kpis"]), "kpi order")
    for s in p["scopes"]:  # left out: KPIs without a value in either scenario
        for key, k in s["kpis"].items():
            check(k["a"]["mean"] is not None or k["b"]["mean"] is not None, f"{s} {key}")
    check("labor_cost" in p["scopes"][0]["kpis"], "no costs")
    out, _ = expect_rc(acdsim("compare", DAY, DAY_PLUS, "-f", "csv"), 0, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    nk = len(doc["kpis"])
    check(len(rows) == nk * len(p["scopes"]), f"{len(rows)} rows")
    r = next(r for r in rows if r["scope"] == "interval" and r["start"] == "09:00"
             and r["kpi"] == "service_level")
    j = next(s for s in p["scopes"] if s["scope"] == "interval" and s["start"] == "09:00")
    check(float(r["diff"]) == j["kpis"]["service_level"]["diff"]["mean"], str(r))


@test("scopes in one scenario only are listed as such")
def _():
    one = edited(UTILITY, "  - name: outage_desk", "  - name: outage_team", "renamed.yaml")
    doc = compare_json(UTILITY, one, "-r", "3")
    ins = {(s["scope"], s["name"]): s["in"] for s in scopes(doc)}
    check(ins[("group", "outage_desk")] == "a" and ins[("group", "outage_team")] == "b", str(ins))
    out, _ = expect_rc(acdsim("compare", UTILITY, one, "-r", "3"), 0, "text")
    check("only in A: group outage_desk" in out and "only in B: group outage_team" in out, out)


@test("-o DIR: compare.json, compare.csv, index.html (escaped), charts")
def _():
    name = edited(DAY_PLUS, "name: Riverside Utilities - Monday", "name: A <b>&</b> B",
                  "html_name.yaml")
    d = os.path.join(TMP, "out")
    out, err = expect_rc(acdsim("compare", DAY, name, "-r", "5", "-o", d, "-q"), 0, "-o")
    check(out == "", out)
    files = set(os.listdir(d))
    check({"compare.json", "compare.csv", "index.html"} <= files, str(files))
    with open(os.path.join(d, "index.html"), encoding="utf-8") as f:
        page = f.read()
    check("A &lt;b&gt;&amp;&lt;/b&gt; B" in page and "<b>&</b>" not in page, "not escaped")
    with open(os.path.join(d, "compare.json"), encoding="utf-8") as f:
        check(json.load(f)["comparisons"][0]["b"]["name"] == "A <b>&</b> B", "json name")
    if shutil.which("gnuplot") is None:
        return "skip gnuplot not installed: no charts"
    for c in ("compare_service_level", "compare_diff"):
        check(f"{c}.png" in files and f"{c}.svg" in files, f"{c} missing: {files}")
    check(page.count("<svg") == 2 and "gnuplot failed" not in page, "charts not inline")
    check("warning" not in err, err)


@test("usage: one scenario, unknown KPI, --baseline with two scenarios: exit 2")
def _():
    _, err = expect_rc(acdsim("compare", DAY), 2, "one scenario")
    check("expected at least two scenarios" in err, err)
    _, err = expect_rc(acdsim("compare", DAY, DAY, "--fail-if-worse", "service_levle"), 2, "kpi")
    check("unknown KPI 'service_levle' (did you mean 'service_level'?)" in err, err)
    _, err = expect_rc(acdsim("compare", DAY, DAY, "--fail-if-worse", "offered"), 2, "no dir")
    check("'offered' is neither better higher nor lower" in err, err)
    _, err = expect_rc(acdsim("compare", "--baseline", "x.json", DAY, DAY), 2, "baseline")
    check("--baseline: expected one SCENARIO" in err, err)
    _, err = expect_rc(acdsim("compare", DAY, os.path.join(TMP, "none.yaml")), 2, "missing B")
    check("none.yaml:1:1: error: cannot open" in err, err)
    _, err = expect_rc(acdsim("compare", "--baseline", os.path.join(TMP, "none.json"), DAY), 2,
                       "missing baseline")
    check("none.json:1:1: error: cannot open" in err, err)
    out, _ = expect_rc(acdsim("compare", "--help"), 0, "help")
    check("--baseline" in out and "--fail-if-worse" in out and "service_level+" in out, out)


@test("compare A --set: B is A with the sets, the same as comparing with the edited file")
def _():
    by_set = compare_json(UTILITY, "--set", "agent_groups.csr.agents=13")
    by_file = compare_json(UTILITY, UTILITY_MINUS)
    check(scopes(by_set) == scopes(by_file), "compare A --set differs from compare A A-edited")


@test("the same output for -j 1 and -j 2")
def _():
    one = acdsim("compare", DAY, DAY_PLUS, "-r", "6", "-j", "1", "-f", "json")
    two = acdsim("compare", DAY, DAY_PLUS, "-r", "6", "-j", "2", "-f", "json")
    check(one[0] == 0 and one == two, "outputs differ")


WEEK = os.path.join(SCENARIOS, "utility_week.yaml")
WEEK_LESS_CHAT = edited(WEEK, "  - name: chat_team\n    skills: [web_chat]\n    agents: 4",
                        "  - name: chat_team\n    skills: [web_chat]\n    agents: 3",
                        "week_less_chat.yaml")
VOICE = """name: one channel
seed: 5
replications: 8
horizon: {open: "08:00", close: "12:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: phone
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
%sagent_groups:
  - name: desk
    skills: [phone%s]
    agents: 5
"""
CHAT_TYPE = """  - name: web
    channel: chat
    concurrency: 2
    arrivals: {rate: 30/h}
    handle_time: {dist: exponential, mean: 6m}
    patience: {dist: exponential, mean: 5m}
"""


@test("a period and channels: each day and each channel is a scope, paired; listed first")
def _():
    doc = compare_json(WEEK, WEEK_LESS_CHAT, "-r", "6")
    sc = scopes(doc)
    days = [s for s in sc if s["scope"] == "day"]
    chans = {s["name"]: s for s in sc if s["scope"] == "channel"}
    check([s["name"] for s in days] == ["2026-12-%02d" % d for d in range(7, 14)],
          [s["name"] for s in days])
    check(set(chans) == {"voice", "chat", "email"}, list(chans))
    # The days' A figures are A's run's days; the chat channel is the one
    # chat type's figures, paired difference and all.
    run_a, _ = expect_rc(acdsim("run", WEEK, "-r", "6", "-f", "json", "--no-timing"), 0, "run A")
    ra = json.loads(run_a)
    for s, d in zip(days, ra["days"]):
        check(s["kpis"]["service_level"]["a"] == d["service_level"], (s["name"], s["kpis"]))
    web = next(s for s in sc if s["scope"] == "call_type" and s["name"] == "web_chat")
    check(chans["chat"]["kpis"]["service_level"] == web["kpis"]["service_level"],
          (chans["chat"]["kpis"]["service_level"], web["kpis"]["service_level"]))
    check(chans["chat"]["kpis"]["service_level"]["significant"]
          and chans["chat"]["kpis"]["service_level"]["diff"]["mean"] < 0, chans["chat"])
    check("occupancy" not in chans["chat"]["kpis"], "an agent figure on a channel")
    out, _ = expect_rc(acdsim("compare", WEEK, WEEK_LESS_CHAT, "-r", "6"), 0, "text")
    check("Call types, groups, channels, days and intervals:" in out, out[:3000])
    listed = out[out.index("  worse ("):].splitlines()[1:4]
    check(any(l.strip().startswith("channel chat: Service level") for l in listed), listed)
    # CSV: a day's date in the date column.
    out, _ = expect_rc(acdsim("compare", WEEK, WEEK_LESS_CHAT, "-r", "2", "-f", "csv"), 0, "csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["scope"] == "day"]
    check(rows and all(r["date"] == r["name"] for r in rows), rows[:2])


@test("one channel against two: A's channel is its center's call figures; the new one is B's")
def _():
    a = write("voice.yaml", VOICE % ("", ""))
    b = write("voice_chat.yaml", VOICE % (CHAT_TYPE, ", web"))
    doc = compare_json(a, b)
    sc = scopes(doc)
    center = sc[0]
    voice = next(s for s in sc if s["scope"] == "channel" and s["name"] == "voice")
    chat = next(s for s in sc if s["scope"] == "channel" and s["name"] == "chat")
    check(voice["in"] == "both" and chat["in"] == "b", (voice["in"], chat["in"]))
    check(voice["kpis"]["service_level"]["a"] == center["kpis"]["service_level"]["a"],
          (voice["kpis"]["service_level"], center["kpis"]["service_level"]))
    check("occupancy" not in voice["kpis"] and "occupancy" in center["kpis"], voice["kpis"].keys())
    out, _ = expect_rc(acdsim("compare", a, b), 0, "text")
    check("only in B: channel chat" in out, out[-800:])
    # Two one-channel scenarios: no channel scopes.
    doc = compare_json(a, a)
    check(not [s for s in scopes(doc) if s["scope"] == "channel"], "channel scopes")


sys.exit(run(cleanup=TMP))
