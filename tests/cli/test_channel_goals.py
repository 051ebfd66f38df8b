#!/usr/bin/env python3
"""The center's goals in a center with more than one channel (TAP).

With voice, chat and e-mail, the center's figures mix a call's wait in
seconds with an e-mail's in hours, so the center's goals on calls
(service level, abandon rate, ASA) are judged on one channel, voice
(else chat); occupancy on the whole center; a chat type without a goal of
its own is held to the center's; an e-mail type only to its own
(docs/scenario.md "Channels"). One rule for the run's verdicts, per
interval and per day, the HTML page, `acdsim report`, and the staffing
search:

* results.json `checks.targets`: the center's service level, abandon rate
  and ASA are the voice channel's (`channels.voice`, each interval's
  `channels.voice`); occupancy the summary's; the chat type has a goal
  (the center's target and threshold), the e-mail type its own;
* the text names the channel in the targets' captions and the interval
  table shows the voice figures;
* `acdsim staff` judges the same figures: its current plan's service
  level (whole day and per interval) is the run's voice channel's, to the
  last digit (same seed and replications), and its targets say so;
* a one-channel center is judged as before on the center (goldens cover
  its bytes).

Environment: ACDSIM = the binary, TESTS_DIR = tests/.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-goals-")

THREE = """name: three channels, one day
seed: 7
replications: 6
horizon: {open: "08:00", close: "12:00", interval: 1h}
service_level: {threshold: 20s, target: 0.80}
targets: {max_abandon: 0.05, max_asa: 30s, max_occupancy: 0.95}
call_types:
  - name: phone
    arrivals: {rate: 90/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 2m}
  - name: web
    channel: chat
    concurrency: 2
    arrivals: {rate: 40/h}
    handle_time: {dist: exponential, mean: 5m}
    patience: {dist: exponential, mean: 4m}
  - name: mail
    channel: email
    arrivals: {rate: 20/h}
    handle_time: {dist: exponential, mean: 4m}
    service_level: {threshold: 4h, target: 0.90}
agent_groups:
  - name: desk
    skills: [phone, mail]
    agents: 7
  - name: chat_team
    skills: [web]
    agents: 3
"""


def acdsim(*args):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


SCENARIO = write("three.yaml", THREE)


def run_json():
    out, _ = expect_rc(acdsim("run", SCENARIO, "-f", "json", "--no-timing"), 0, "run -f json")
    return json.loads(out)


@test("checks: the center's goals on calls are the voice channel's, occupancy the center's")
def _():
    d = run_json()
    targets = {t["target"]: t for t in d["checks"]["targets"]}
    check(set(targets) == {"Service level voice (20s)", "Abandon rate voice", "ASA voice",
                           "Occupancy", "Service level web (20s)", "Service level mail (4h)"},
          list(targets))
    voice = d["channels"]["voice"]
    for name, key in (("Service level voice (20s)", "service_level"),
                      ("Abandon rate voice", "abandon_rate"), ("ASA voice", "asa_s")):
        t = targets[name]
        check(t["mean"] == voice[key]["mean"] and t["mean"] != d["summary"][key]["mean"],
              (name, t["mean"], voice[key]["mean"], d["summary"][key]["mean"]))
        for i, iv in enumerate(t["intervals"]):
            check(iv["mean"] == d["intervals"][i]["channels"]["voice"][key]["mean"], (name, i))
    check(targets["Occupancy"]["mean"] == d["summary"]["occupancy"]["mean"], "occupancy")
    web = targets["Service level web (20s)"]
    check(web["call_type"] == "web" and web["bound"] == 0.8
          and web["mean"] == d["call_types"]["web"]["service_level"]["mean"], web)
    check(targets["Service level mail (4h)"]["bound"] == 0.9, targets["Service level mail (4h)"])


@test("text: captions name the channel; the interval table shows the voice figures")
def _():
    out, _ = expect_rc(acdsim("run", SCENARIO, "--no-timing"), 0, "run")
    d = run_json()
    lines = out.splitlines()
    row = next(l for l in lines if l.startswith("  Service level voice (20s) >= 80.0%"))
    check(row.split()[-2] == f"{100 * d['channels']['voice']['service_level']['mean']:.1f}%", row)
    h = lines.index(next(l for l in lines if l.startswith("Interval ")))
    check(lines[h].split() == ["Interval", "offered", "SL", "voice", "ab.", "voice", "ASA", "voice",
                               "occupancy"], lines[h])
    first = lines[h + 1].split()
    iv = d["intervals"][0]
    check(first[1] == f"{iv['offered']['mean']:.0f}"
          and first[2] == f"{100 * iv['channels']['voice']['service_level']['mean']:.1f}%"
          and first[3] == f"{100 * iv['channels']['voice']['abandon_rate']['mean']:.1f}%", first)
    # Read back: the same verdicts.
    path = write("results.json", json.dumps(d))
    again, _ = expect_rc(acdsim("report", path), 0, "report")
    t1 = out[out.index("\nTargets"):out.index("\nVerdict")]
    t2 = again[again.index("\nTargets"):again.index("\nVerdict")]
    check(t1 == t2, (t1, t2))


@test("staff judges the same figures: its current plan's service level is the voice channel's")
def _():
    d = run_json()
    out, _ = expect_rc(acdsim("staff", SCENARIO, "-q", "-f", "json"), 0, "staff -f json")
    s = json.loads(out)
    check(s["targets"]["channel"] == "voice", s["targets"])
    check(set(s["targets"]["call_types"]) == {"web", "mail"}, s["targets"]["call_types"])
    cur = s["current_plan"]["achieved"]
    voice = d["channels"]["voice"]
    for key in ("service_level", "abandon_rate", "asa_s"):
        check(cur[key]["mean"] == voice[key]["mean"], (key, cur[key], voice[key]))
    for i, iv in enumerate(s["intervals"]):
        got = iv["current"]["achieved"]["service_level"]["mean"]
        want = d["intervals"][i]["channels"]["voice"]["service_level"]["mean"]
        check(got == want, (i, got, want))
    text, _ = expect_rc(acdsim("staff", SCENARIO, "-q"), 0, "staff")
    check("service level >= 80% within 20 s (of offered voice calls)" in text
          and "abandoned voice <= 5%" in text and "ASA voice <= 30 s" in text
          and "web >= 80% within 20 s" in text, text[:600])


@test("one channel: the center's goals on the center, captions as before")
def _():
    one = write("one.yaml", THREE.split("  - name: web")[0] + """agent_groups:
  - name: desk
    skills: [phone]
    agents: 7
""")
    out, _ = expect_rc(acdsim("run", one, "-f", "json", "--no-timing"), 0, "run")
    d = json.loads(out)
    t = {x["target"]: x for x in d["checks"]["targets"]}
    check(set(t) == {"Service level (20s)", "Abandon rate", "Average speed of answer",
                     "Occupancy"}, list(t))
    check(t["Service level (20s)"]["mean"] == d["summary"]["service_level"]["mean"], t)
    check("channels" not in d and "channels" not in d["intervals"][0], "channel scopes")


sys.exit(run(cleanup=TMP))
