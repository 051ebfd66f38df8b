#!/usr/bin/env python3
"""Chat call types (`channel: chat`, issue 17), end to end through
`acdsim run`. TAP output.

* Reduction: a chat type with concurrency 1 and no stretch gives the same
  results as the same type with channel voice (results JSON identical once
  the channel key and the setup's feature name are removed; the traces
  identical), on an operating day with patience, wrap-up, shifts, a break,
  repeat calls and two groups.
* Theory: chat with concurrency k = 3 at c = 5 agents, no stretch, no
  patience, is M/M/15: service level, ASA and the probability of waiting
  within the run's own 95% CI of the Erlang C values; with exponential
  patience, M/M/15+M (Erlang A): also the abandon rate and mean wait.
* Stretch, exactly (deterministic handle time, one agent, concurrency 2):
  at log-on the agent answers two waiting chats at once; the first (1 chat
  held) lasts the handle time, the second (2 held) the handle time x
  stretch[1] - for `stretch: 0.5` (1 + 0.5 x (2 - 1)) and for a list. With
  a wrap-up the chat's slot stays taken through it: the next chat is
  answered when the wrap-up ends.
* Routing, from a trace of a group serving voice and chat: an agent never
  talks on a voice call while it holds a chat, and never holds more chats
  than the concurrency.
* Blending (`blending: true` on a group): voice calls do reach agents of
  that group holding chats, never agents of another group; no chat is
  answered by an agent on a voice call.
* Threads: -j 1 and -j 2 give the same bytes.

Environment: ACDSIM = the binary. Python standard library only.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-chat-")


def acdsim(args):
    p = subprocess.run([ACDSIM] + args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"acdsim {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p.stdout


def run_json(text, name, trace=False):
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "scenario.yaml")
    with open(path, "w") as f:
        f.write(text)
    args = ["run", path, "--no-timing", "-f", "json"]
    rows = None
    if trace:
        tr = os.path.join(d, "trace.csv")
        args += ["--trace", tr]
    res = json.loads(acdsim(args))
    if trace:
        with open(tr) as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            for k in ("arrival_s", "end_s", "done_s"):
                r[k] = float(r[k])
    return res, rows


# --- reduction: concurrency 1, no stretch = voice -------------------------

REDUCTION = """\
name: chat reduction
seed: 5
replications: 4
horizon: {{open: "08:00", close: "12:00", interval: 30m}}
call_types:
  - name: web
{channel}    arrivals: {{per_interval: [40, 60, 80, 80, 70, 60, 50, 40]}}
    handle_time: {{dist: lognormal, mean: 5m, cv: 0.8}}
    patience: {{dist: exponential, mean: 3m}}
    resolution: [{{tier: 1, resolve: 0.85}}]
    repeat_delay: {{dist: exponential, mean: 40m}}
  - name: phone
    arrivals: {{per_interval: [20, 30, 30, 30, 30, 20, 20, 10]}}
    handle_time: {{dist: exponential, mean: 4m}}
agent_groups:
  - name: team
    skills: [web, phone]
    wrap_up: {{dist: exponential, mean: 30s}}
    shifts:
      - {{start: "08:00", end: "12:00", count: 8, breaks: [{{start: "10:00", length: 15m}}]}}
      - {{start: "09:00", end: "12:00", count: 4}}
  - name: web_only
    skills: [web]
    agents: 3
"""


def strip_channel(res):
    # Per channel: only with more than one; and the goals are then judged
    # on the voice channel (acd_channel_goal), so the checks differ by
    # design: the figures must not.
    res.pop("channels", None)
    res.pop("checks", None)
    for iv in res.get("intervals", []):
        iv.pop("channels", None)
    for t in res["call_types"].values():
        t.pop("channel", None)
    feats = res.get("setup", {}).get("features")
    if feats is not None:
        res["setup"]["features"] = [f for f in feats if f != "chat"]
    return res


@test("reduction: a chat type with concurrency 1 and no stretch = the same voice type "
      "(results JSON and trace)")
def _():
    chat, tc = run_json(REDUCTION.format(channel="    channel: chat\n    concurrency: 1\n"),
                        "red_chat", trace=True)
    voice, tv = run_json(REDUCTION.format(channel=""), "red_voice", trace=True)
    check(chat["call_types"]["web"]["channel"] == "chat", "no channel chat in the results")
    check(chat["call_types"]["phone"]["channel"] == "voice", "no channel voice in the results")
    check("channel" not in voice["call_types"]["web"],
          "channel written for a voice-only scenario")
    check("chat" in chat["setup"]["features"], "setup.features lacks chat")
    check(chat["call_types"]["web"]["offered"]["mean"] > 500, "too few chats to compare")
    a = json.dumps(strip_channel(chat), sort_keys=True)
    b = json.dumps(strip_channel(voice), sort_keys=True)
    check(a == b, "chat with concurrency 1 differs from voice")
    check(tc == tv, "traces differ")


# --- theory: M/M/(c k) --------------------------------------------------

# Erlang C, c = 15 servers, lambda = 500/h, mean handle 90 s, T = 20 s, from
# /work/shared/oracle/erlang.py (erlang_c_metrics(500/3600, 90, 15, 20)).
THEORY = {"service_level": 0.7697515450326217, "asa_s": 14.446875747027395,
          "p_wait": 0.4013021040840942}

MMCK = """\
name: chat M/M/15
seed: 17
replications: 20
horizon: {duration: 11h, warmup: 1h}
service_level: {threshold: 20s, target: 0.8}
call_types:
  - name: web
    channel: chat
    concurrency: 3
    arrivals: {rate: 500/h}
    handle_time: {dist: exponential, mean: 90s}
agent_groups:
  - name: team
    skills: [web]
    agents: 5
"""


@test("theory: chat, 5 agents x concurrency 3, no stretch = Erlang C with 15 servers "
      "(SL, ASA, P(wait) within the run's 95% CI)")
def _():
    res, _ = run_json(MMCK, "mmck")
    web = res["call_types"]["web"]
    for key, want in THEORY.items():
        got = web[key]
        check(abs(got["mean"] - want) <= got["ci95"],
              f"{key}: {got['mean']:.5g} +- {got['ci95']:.3g}, theory {want:.5g}")


# Erlang A, c = 15, lambda = 600/h, mean handle 90 s, exponential patience
# of mean 120 s, T = 20 s, from /work/shared/oracle/erlang.py
# (erlang_a_metrics(600/3600, 90, 15, 120, 20)): sl_answered_over_offered,
# p_abandon, mean_wait_served_s, mean_wait_all_s, p_wait.
THEORY_A = {"service_level": 0.7016630219347897, "abandon_rate": 0.09515646974260861,
            "asa_s": 10.85963015788081, "mean_wait_s": 11.418776369113033,
            "p_wait": 0.5674370266151578}


@test("theory: chat with patience, 5 agents x concurrency 3 = Erlang A with 15 servers "
      "(SL, abandons, ASA, mean wait, P(wait) within the run's 95% CI)")
def _():
    text = MMCK.replace("500/h", "600/h").replace(
        "handle_time: {dist: exponential, mean: 90s}",
        "handle_time: {dist: exponential, mean: 90s}\n    patience: {dist: exponential, mean: 2m}")
    res, _ = run_json(text, "erlang_a")
    web = res["call_types"]["web"]
    for key, want in THEORY_A.items():
        got = web[key]
        check(abs(got["mean"] - want) <= got["ci95"],
              f"{key}: {got['mean']:.5g} +- {got['ci95']:.3g}, theory {want:.5g}")

# --- stretch, deterministic ---------------------------------------------

HANDLE_S = 100.0
OPEN_S = 8 * 3600.0
LOGON_S = 8.5 * 3600.0

STRETCH = """\
name: chat stretch
seed: 3
replications: 1
horizon: {{open: "08:00", close: "10:00", interval: 30m}}
call_types:
  - name: web
    channel: chat
    concurrency: 2
    stretch: {stretch}
    arrivals: {{per_interval: [30, 0, 0, 0]}}
    handle_time: {{dist: deterministic, mean: {handle}s}}
agent_groups:
  - name: one
    skills: [web]
{wrap}    shifts:
      - {{start: "08:30", end: "10:00", count: 1}}
"""


def answered(rows):
    out = [r for r in rows if r["outcome"] == "answered"]
    out.sort(key=lambda r: (r["end_s"], r["done_s"]))
    return out


def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


@test("stretch: two chats answered together at log-on last handle and handle x stretch[1] "
      "(a number s: 1 + s; a list: its 2nd factor); later chats always start as the 2nd")
def _():
    for stretch, factor in (("0.5", 1.5), ("[1, 2.25]", 2.25)):
        _, rows = run_json(STRETCH.format(stretch=stretch, handle=HANDLE_S, wrap=""),
                           "stretch", trace=True)
        a = answered(rows)
        check(len(a) >= 10, f"only {len(a)} chats answered")
        first, second = a[0], a[1]
        check(close(first["end_s"], LOGON_S) and close(second["end_s"], LOGON_S),
              f"first two not answered at log-on: {first['end_s']}, {second['end_s']}")
        talks = sorted([first["done_s"] - first["end_s"], second["done_s"] - second["end_s"]])
        check(close(talks[0], HANDLE_S) and close(talks[1], HANDLE_S * factor),
              f"stretch {stretch}: talks {talks}, expected {HANDLE_S} and {HANDLE_S * factor}")
        for r in a[2:]:  # each answered while the agent holds one other chat
            check(close(r["done_s"] - r["end_s"], HANDLE_S * factor),
                  f"stretch {stretch}: a later chat lasted {r['done_s'] - r['end_s']}")


@test("wrap-up: a chat's slot stays taken through its wrap-up (the next chat starts at its end)")
def _():
    wrap_s = 20.0
    _, rows = run_json(STRETCH.format(stretch="0", handle=HANDLE_S,
                                      wrap=f"    wrap_up: {{dist: deterministic, mean: {wrap_s}s}}\n"),
                       "wrap", trace=True)
    a = answered(rows)
    check(close(a[0]["end_s"], LOGON_S) and close(a[1]["end_s"], LOGON_S), "not two at log-on")
    check(close(a[2]["end_s"], LOGON_S + HANDLE_S + wrap_s),
          f"third chat answered at {a[2]['end_s'] - LOGON_S} s after log-on, expected "
          f"{HANDLE_S + wrap_s}")


# --- routing -------------------------------------------------------------

MIXED = """\
name: chat and voice
seed: 9
replications: 1
horizon: {open: "08:00", close: "12:00", interval: 30m}
call_types:
  - name: phone
    arrivals: {per_interval: [40, 50, 60, 60, 50, 40, 40, 30]}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
  - name: web
    channel: chat
    concurrency: 3
    stretch: [1, 1.3, 1.7]
    arrivals: {per_interval: [60, 80, 90, 90, 80, 60, 50, 40]}
    handle_time: {dist: exponential, mean: 6m}
    patience: {dist: exponential, mean: 5m}
  - name: app
    channel: chat
    concurrency: 2
    arrivals: {per_interval: [20, 20, 20, 20, 20, 20, 20, 20]}
    handle_time: {dist: exponential, mean: 5m}
agent_groups:
  - name: all
    skills: [phone, web, app]
    shifts:
      - {start: "08:00", end: "12:00", count: 10, breaks: [{start: "10:00", length: 15m}]}
  - name: chat_only
    skills: [web, app]
    agents: 3
"""


@test("routing: no agent talks on a voice call while holding a chat; no agent holds more "
      "chats than the concurrency of the one it takes")
def _():
    _, rows = run_json(MIXED, "mixed", trace=True)
    conc = {"web": 3, "app": 2}
    by_agent = {}
    for r in rows:
        if r["outcome"] == "answered":
            by_agent.setdefault(r["agent"], []).append(r)
    voice_n = chat_n = mixed_agents = 0
    for agent, legs in by_agent.items():
        chats = [r for r in legs if r["type"] in conc]
        voice = [r for r in legs if r["type"] == "phone"]
        voice_n += len(voice)
        chat_n += len(chats)
        mixed_agents += bool(chats and voice)
        for v in voice:
            for c in chats:
                overlap = min(v["done_s"], c["done_s"]) - max(v["end_s"], c["end_s"])
                check(overlap <= 0, f"agent {agent}: voice call {v['call_id']} "
                                    f"[{v['end_s']}, {v['done_s']}) overlaps chat {c['call_id']}")
        # A chat of type k is taken while the agent holds fewer than
        # concurrency(k). Chats answered at one instant (a log-on, a freed
        # slot filled) were taken one after the other in some order: the
        # tightest types first is the order that fits if any does.
        for t in sorted({c["end_s"] for c in chats}):
            before = sum(1 for o in chats if o["end_s"] < t < o["done_s"])
            new = sorted((conc[c["type"]] for c in chats if c["end_s"] == t))
            for i, k in enumerate(new):
                check(before + i < k, f"agent {agent} at {t}: {before} chats held, then "
                                      f"{len(new)} answered at once (concurrency {new})")
    check(voice_n > 100 and chat_n > 200 and mixed_agents >= 5,
          f"too little mixing: {voice_n} calls, {chat_n} chats, {mixed_agents} agents with both")



@test("blending: voice calls reach agents holding chats in the blending group only; no chat "
      "is answered by an agent on a voice call")
def _():
    text = MIXED.replace("  - name: all\n    skills: [phone, web, app]\n",
                         "  - name: all\n    skills: [phone, web, app]\n    blending: true\n")
    text = text.replace("    agents: 3\n", "    agents: 3\n  - name: plain\n"
                        "    skills: [phone, web]\n    agents: 2\n")
    check("blending: true" in text and "name: plain" in text, "scenario not edited")
    _, rows = run_json(text, "blend", trace=True)
    by_agent = {}
    for r in rows:
        if r["outcome"] == "answered":
            by_agent.setdefault(r["agent"], []).append(r)
    blended = 0
    for agent, legs in by_agent.items():
        chats = [r for r in legs if r["type"] != "phone"]
        voice = [r for r in legs if r["type"] == "phone"]
        for c in chats:
            for v in voice:
                if v["end_s"] < c["end_s"] < v["done_s"]:
                    check(False, f"agent {agent}: chat {c['call_id']} answered during voice "
                                 f"call {v['call_id']}")
        for v in voice:
            if any(c["end_s"] < v["end_s"] < c["done_s"] for c in chats):
                check(v["group"] == "all", f"agent {agent} of {v['group']} blended a call")
                blended += 1
    check(blended > 20, f"only {blended} voice calls reached agents holding chats")


@test("threads: a chat scenario's results are the same with -j 1 and -j 2")
def _():
    path = os.path.join(TMP, "threads.yaml")
    with open(path, "w") as f:
        f.write(MIXED.replace("replications: 1", "replications: 6"))
    outs = [acdsim(["run", path, "--no-timing", "-f", "json", "-j", j]) for j in ("1", "2")]
    check(outs[0] == outs[1], "-j 1 and -j 2 differ")


sys.exit(run(cleanup=TMP))
