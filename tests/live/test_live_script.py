#!/usr/bin/env python3
"""acdsim live without a terminal: scripts of interventions (located errors,
exit 2, never a crash on any input) and determinism through the live path -
a script gives the same final KPIs, bit for bit, as the equivalent scenario
change run by `acdsim run -r 1` (acceptance 2 of the live-view issue)."""
import json
import os
import random
import subprocess
import sys
import tempfile

TESTS = os.environ.get("TESTS_DIR", os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(TESTS, "cli"))
from taplib import check, expect_rc, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
LIVE = os.path.join(TESTS, "live")
DESK = os.path.join(LIVE, "desk.yaml")
TMP = tempfile.mkdtemp(prefix="acdsim-live-")


def acdsim(*args, stdin=subprocess.DEVNULL):
    p = subprocess.run([ACDSIM, *args], capture_output=True, text=True, stdin=stdin,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def script(text):
    path = os.path.join(TMP, f"s{random.getrandbits(32)}.txt")
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    return path


def same_as_run(scenario, live_args, what):
    ref, _ = expect_rc(acdsim("run", scenario, "-r", "1", "-j", "1", "--no-timing",
                              "-f", "json"), 0, "run")
    got, _ = expect_rc(acdsim("live", DESK, "--no-ui", "--no-timing", "-f", "json",
                              *live_args), 0, "live")
    check(got == ref, f"{what}: live output differs from run:\n{got[:300]}\nvs\n{ref[:300]}")


@test("live --no-ui without interventions = run -r 1 (json, byte for byte)")
def _():
    same_as_run(DESK, [], "plain")


@test("'at 09:30 remove 3 agents from csr1' = per-interval agents minus 3 from 09:30")
def _():
    same_as_run(os.path.join(LIVE, "desk_minus3.yaml"),
                ["--script", os.path.join(LIVE, "remove3.txt")], "remove 3")


@test("'at 10:00 surge orders x2 for 30m' = that interval's calls doubled")
def _():
    same_as_run(os.path.join(LIVE, "desk_surge.yaml"),
                ["--script", os.path.join(LIVE, "surge.txt")], "surge")


DESK_SHIFTS = os.path.join(LIVE, "desk_shifts.yaml")


def strip_roster(x):
    """A results JSON without what differs between agents added on top of a
    roster and the same agents as a shift: their off-shift time before they
    came, the drain (an added agent stays logged on until the queue is empty,
    as agents staffed by count do), the shift-plan events, the number of
    shifts in the scenario echo."""
    if isinstance(x, dict):
        return {k: strip_roster(v) for k, v in x.items()
                if k not in ("off_agent_s", "drain", "events")
                and not (k == "count" and "staffing" in x)}
    if isinstance(x, list):
        return [strip_roster(v) for v in x]
    return x


def live_json(scenario, *args):
    out, _ = expect_rc(acdsim("live", scenario, "--no-ui", "--no-timing", "-f", "json", *args),
                       0, "live")
    return json.loads(out)


@test("shift-staffed group: 'at 09:30 add 2 agents to csr1' = a 2-agent shift from 09:30")
def _():
    ref, _ = expect_rc(acdsim("run", os.path.join(LIVE, "desk_shifts_plus2.yaml"), "-r", "1",
                              "-j", "1", "--no-timing", "-f", "json"), 0, "run")
    got = live_json(DESK_SHIFTS, "--script", os.path.join(LIVE, "add2_shifts.txt"))
    check(strip_roster(got) == strip_roster(json.loads(ref)),
          "live with +2 differs from the scenario with a 2-agent shift")
    # 7 on average from the shifts, 2 x 1.5h / 2h = 1.5 more.
    check(abs(staffed(got) - 8.5) < 1e-9, f"staffed agents {staffed(got)}, expected 8.5")


def staffed(doc):
    return doc["agent_groups"]["csr1"]["staffed_agents"]["mean"]


@test("shift-staffed group: remove takes shift agents off, never below 0, add gives them back")
def _():
    plain = staffed(live_json(DESK_SHIFTS))
    # 8 agents 09:00-11:00 with a 15-minute break each: 7 on average.
    check(abs(plain - 7.0) < 1e-9, f"plain staffing {plain}, expected 7")
    # 3 off from 09:30 (their break would have been 10:00-10:15): 7 - 3 x
    # 1.25h / 2h = 5.125, plus the calls in hand they finish.
    got = staffed(live_json(DESK_SHIFTS, "--script",
                            script("at 09:30 remove 3 agents from csr1\n")))
    check(5.125 - 1e-9 <= got < 5.4, f"remove 3: {got}, expected 5.125 plus calls in hand")
    # More than are on: everybody off from 09:30 (the first interval stays).
    got = staffed(live_json(DESK_SHIFTS, "--script",
                            script("at 09:30 remove 20 agents from csr1\n")))
    check(2.0 - 1e-9 <= got < 2.3, f"remove 20: {got}, expected 2 plus calls in hand")
    # Added back at 10:30: off 09:15-10:30 only (1 h on the phones each, less
    # the break) -> 7 - 2 x 1h / 2h = 6.
    got = staffed(live_json(DESK_SHIFTS, "--script",
                            script("at 09:15 remove 2 agents from csr1\n"
                                   "at 10:30 add 2 agents to csr1\n")))
    check(6.0 - 1e-9 <= got < 6.3, f"remove 2 then add 2: {got}, expected 6 plus calls")


@test("paced (--speed 3600) gives the same KPIs as max speed")
def _():
    rem = os.path.join(LIVE, "remove3.txt")
    fast, _ = expect_rc(acdsim("live", DESK, "--no-ui", "--no-timing", "-f", "json",
                               "--script", rem), 0, "max")
    paced, _ = expect_rc(acdsim("live", DESK, "--no-ui", "--no-timing", "-f", "json",
                                "--script", rem, "--speed", "3600"), 0, "paced")
    check(fast == paced, "paced and max-speed runs differ")


@test("surge in natural forms: '2x', 'for 30 min', 'for 0.5 hours' = 'x2 for 30m'")
def _():
    base = os.path.join(LIVE, "desk_surge.yaml")
    want, _ = expect_rc(acdsim("live", base, "--no-ui", "--no-timing", "--script",
                               os.path.join(LIVE, "surge.txt")), 0, "x2 for 30m")
    for form in ("orders 2x for 30 min", "orders X2 for 30 minutes", "orders 2X for 0.5 hours",
                 "orders x2 for 1800 s"):
        out, _ = expect_rc(acdsim("live", base, "--no-ui", "--no-timing", "--script",
                                  script(f"at 10:00 surge {form}\n")), 0, form)
        check(out == want, f"'{form}' differs from 'x2 for 30m'")
    _, err = expect_rc(acdsim("live", DESK, "--no-ui", "--script",
                              script("at 10:00 surge orders x2 for half an hour\n")), 2,
                       "for half")
    check("1:30: error: expected a duration like 30m, 90s or 1h30m, got 'half'" in err, err)


@test("script quit: stops there, summary says so")
def _():
    out, _ = expect_rc(acdsim("live", DESK, "--no-ui", "--no-timing",
                              "--script", script("at 09:45 quit\n")), 0, "quit")
    check("stopped at 09:45" in out and "Offered calls" in out, out[:400])


@test("bad script: every error located file:line:col, exit 2, nothing on stdout")
def _():
    text = ("at 09:30 remove 3 agents from csr2\n"
            "at 9h remove 3 agents from csr1\n"
            "at 10:00 surg orders\n"
            "\n"
            "at 10:00 add 0 agents to csr1\n"
            "foo\n"
            "at 10:00 surge ordrs x2\n"
            "at 10:00 surge x0 for 30m\n"
            "at 10:00 add 2 agents\n"
            "at 10:00 add 2 people to csr1\n"
            "at 11:00 quit now\n"
            "at 10:00 surge for\n"
            "  # a comment\n"
            "at 10:00 surge all x1.5 for 15m # fine\n")
    path = script(text)
    out, err = expect_rc(acdsim("live", DESK, "--no-ui", "--script", path), 2, "bad script")
    check(out == "", "stdout not empty")
    want = [
        "1:31: error: unknown agent group 'csr2' (did you mean 'csr1'?)",
        "2:4: error: expected a clock time like 09:30, got '9h'",
        "3:10: error: unknown command 'surg' (did you mean 'surge'?)",
        "5:14: error: expected a number of agents from 1 to 100000, got '0'",
        "6:1: error: expected 'at TIME COMMAND', got 'foo'",
        "7:16: error: unknown call type 'ordrs' (did you mean 'orders'?)",
        "8:16: error: expected a factor like x2 or 2x (above 0, at most x100), got 'x0'",
        "9:23: error: expected 'to'",
        "10:16: error: expected 'agents', got 'people'",
        "11:15: error: unexpected 'now'",
        "12:20: error: expected a duration after 'for'",
    ]
    lines = err.strip().splitlines()
    check(len(lines) == len(want), f"expected {len(want)} errors, got:\n{err}")
    for line, w in zip(lines, want):
        check(line == f"{path}:{w}", f"got {line!r}, expected {path}:{w}")


@test("missing script file, bad options: exit 2 with a message")
def _():
    _, err = expect_rc(acdsim("live", DESK, "--no-ui", "--script", "/nonexistent/s.txt"), 2,
                       "missing")
    check("/nonexistent/s.txt:1:1: error: cannot read script" in err, err)
    _, err = expect_rc(acdsim("live", "--speed", "0"), 2, "speed 0")
    check("--speed: expected a speed from 1 to 3600 (or max)" in err, err)
    _, err = expect_rc(acdsim("live", "--frob"), 2, "unknown option")
    check("unknown option '--frob'" in err, err)


@test("no terminal without --no-ui: exit 2, says so")
def _():
    out, err = expect_rc(acdsim("live", DESK), 2, "no tty")
    check(out == "" and "needs a terminal" in err, err)


@test("live --help documents keys and options")
def _():
    out, _ = expect_rc(acdsim("live", "--help"), 0, "help")
    for s in ("--script", "--speed", "--seed", "--no-ui", "--paused", "surge", "restart"):
        check(s in out, f"--help lacks {s}")
    check(max(len(x) for x in out.splitlines()) <= 80, "--help wider than 80 columns")


@test("issue 11 row 1: 'at 09:30 pause' with --no-ui is ignored, the run ends")
def _():
    s = script("at 09:30 pause\n")
    for extra in ([], ["--paused"]):
        try:
            p = subprocess.run([ACDSIM, "live", DESK, "--no-ui", "--speed", "max",
                                "--no-timing", "--script", s, *extra],
                               capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=20)
        except subprocess.TimeoutExpired:
            check(False, f"live --no-ui {extra} with a scripted pause never ended")
        check(p.returncode == 0 and "Offered calls" in p.stdout,
              f"exit {p.returncode}: {p.stderr[-300:]}")
        check("stopped at" not in p.stdout, "stopped before the end of the day")


@test("issue 11 row 7: a script larger than 1 MB (/dev/zero) is refused, exit 2")
def _():
    for path in ("/dev/zero", script("# x\n" * (300 * 1024))):
        try:
            rc, out, err = (lambda p: (p.returncode, p.stdout, p.stderr))(subprocess.run(
                [ACDSIM, "live", DESK, "--no-ui", "--script", path], capture_output=True,
                text=True, stdin=subprocess.DEVNULL, timeout=20))
        except subprocess.TimeoutExpired:
            check(False, f"{path}: read without limit")
        check(rc == 2 and out == "", f"{path}: exit {rc}")
        check(f"{path}:1:1: error: script file is too large (more than 1 MB)" in err, err)


@test("fuzz: 300 random scripts never crash (exit 0 or 2 only)")
def _():
    rng = random.Random(6)
    words = ["at", "09:30", "10:00", "25:00", "add", "remove", "surge", "pause", "quit",
             "agents", "to", "from", "csr1", "orders", "x2", "x0.5", "for", "30m", "-1", "3",
             "#", "\t", "99999999999999999999", "all", "agent"]
    for i in range(300):
        if i % 3 == 0:
            text = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
            text = text.decode("latin-1")
        else:
            text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(9)))
                             for _ in range(rng.randrange(6)))
        path = script(text)
        rc, _, err = acdsim("live", DESK, "--no-ui", "--no-timing", "--script", path)
        check(rc in (0, 2), f"script {i}: exit {rc}: {err[-300:]}\n{text!r}")


sys.exit(run(cleanup=TMP))
