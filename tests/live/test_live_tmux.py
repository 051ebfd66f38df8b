#!/usr/bin/env python3
"""acdsim live on a real terminal: tmux (Debian's) runs the wallboard in a
detached session; the test captures the pane and sends keys, as tmux's own
regress tests do. Each key must have its visible effect; q, SIGTERM and a
crash must leave the terminal restored (alternate screen left). Polls with
timeouts, no timing assertions. Skips cleanly without tmux."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TESTS = os.environ.get("TESTS_DIR", os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(TESTS, "cli"))
from taplib import Failure, check, run, test  # noqa: E402

ACDSIM = os.path.abspath(os.environ.get("ACDSIM", "acdsim"))
DESK = os.path.abspath(os.path.join(TESTS, "live", "desk.yaml"))
DESK_SHIFTS = os.path.abspath(os.path.join(TESTS, "live", "desk_shifts.yaml"))
TMUX = shutil.which("tmux")
SOCKET = f"acdsim-live-test-{os.getpid()}"
TMP = tempfile.mkdtemp(prefix="acdsim-tmux-")
TIMEOUT = 20


def tmux(*args, check_rc=True):
    p = subprocess.run([TMUX, "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True,
                       text=True, timeout=30)
    if check_rc and p.returncode != 0:
        raise Failure(f"tmux {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


class Live:
    """One acdsim live in a detached tmux session of the given size."""

    def __init__(self, w, h, *args, scenario=DESK):
        self.name = f"s{w}x{h}{len(args)}{int(time.monotonic() * 1000) % 100000}"
        # The shell stays to report acdsim's exit status (128 + N: killed
        # by signal N) on the pane once it is gone.
        cmd = f"ulimit -c 0; {ACDSIM} live {scenario} {' '.join(args)}; echo EXIT=$?"
        tmux("new-session", "-d", "-s", self.name, "-x", str(w), "-y", str(h),
             "-e", "LANG=C.UTF-8", "sh", "-c", cmd)
        # Keep the pane (and its text) after the shell exits, to read the summary.
        tmux("set-option", "-t", self.name, "remain-on-exit", "on")
        shell = tmux("display", "-p", "-t", self.name, "#{pane_pid}").strip()
        self.pid = None
        end = time.monotonic() + TIMEOUT
        while self.pid is None and time.monotonic() < end:
            p = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True)
            if p.stdout.split():
                self.pid = int(p.stdout.split()[0])
            else:
                time.sleep(0.02)

    def screen(self):
        return tmux("capture-pane", "-p", "-t", self.name)

    def fmt(self, f):
        return tmux("display", "-p", "-t", self.name, f).strip()

    def wait(self, cond, what):
        """Poll the pane until cond(text) holds; returns the text."""
        end = time.monotonic() + TIMEOUT
        text = ""
        while time.monotonic() < end:
            text = self.screen()
            if cond(text):
                return text
            time.sleep(0.05)
        raise Failure(f"timed out waiting for {what}; screen:\n{text}")

    def keys(self, *k):
        tmux("send-keys", "-t", self.name, *k)

    def status(self):
        """acdsim's exit status once it has ended (polls), None if it has not."""
        end = time.monotonic() + TIMEOUT
        while True:
            m = re.search(r"^EXIT=(\d+)", self.screen(), re.M)
            if m:
                return int(m.group(1))
            if time.monotonic() > end:
                return None
            time.sleep(0.05)

    def close(self):
        tmux("kill-session", "-t", self.name, check_rc=False)


def header(text):
    return text.splitlines()[0] if text else ""


def num(pattern, text):
    m = re.search(pattern, text)
    return int(m.group(1)) if m else None


PANELS = (" LIVE ", "QUEUES", "orders", "AGENTS", "csr1", "SL/interval", "EVENTS",
          "q quit")


def panels_ok(text):
    return all(p in text for p in PANELS) and re.search(r"^  [iTw-]{5,}", text, re.M)


def skip_without_tmux():
    return None if TMUX else "skip tmux not installed"


def quit_and_check(lv, key="q"):
    """After quitting: the pane shows the KPI summary on the normal screen."""
    if key:
        lv.keys(key)
    check(lv.status() is not None, f"acdsim did not exit:\n{lv.screen()}")
    text = lv.screen()
    check(lv.fmt("#{alternate_on}") == "0", "still on the alternate screen")
    check(not re.search(r"^ (ACDSIM )?LIVE ", text, re.M),
          f"wallboard left on the normal screen:\n{text}")
    return text


@test("100x30: header, queues, agent grid, sparkline, ticker and keys are drawn")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(100, 30, "--speed", "60")
    try:
        text = lv.wait(panels_ok, "the wallboard")
        h = header(text)
        check(re.search(r"\b09:\d\d:\d\d\b", h) and "interval 09:00-09:30 (1/4)" in h, h)
        check("speed 60x" in h and "RUNNING" in h, h)
        check(lv.fmt("#{alternate_on}") == "1", "not on the alternate screen")
    finally:
        lv.close()


def keys_test(w, h):
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(w, h, "--speed", "60")
    try:
        lv.wait(panels_ok, "the wallboard")
        lv.keys("+")
        lv.wait(lambda t: "speed 120x" in header(t), "speed 120x after +")
        lv.keys("a")
        lv.wait(lambda t: re.search(r">csr1 .*target \d+ \(\+1\)", t), "csr1 +1 after a")
        lv.wait(lambda t: "csr1: +1 agent (key)" in t, "the ticker note of a")
        lv.keys("Space")
        text = lv.wait(lambda t: "PAUSED" in header(t), "PAUSED after space")
        # Paused: the clock stands still; n executes exactly one event.
        ev = num(r"\bev (\d+)", header(text))
        time.sleep(0.2)
        text = lv.screen()
        check(num(r"\bev (\d+)", header(text)) == ev, "events advanced while paused")
        lv.keys("n")
        text = lv.wait(lambda t: num(r"\bev (\d+)", header(t)) != ev, "an event after n")
        check(num(r"\bev (\d+)", header(text)) == ev + 1,
              f"n: expected event {ev + 1}: {header(text)}")
        check("PAUSED" in header(text), "n resumed the run")
        lv.keys("s")
        text = lv.wait(lambda t: "SURGE" in header(t), "SURGE after s")
        check(re.search(r"orders .* x2", text), "no x2 on the orders row")
        check("all: SURGE, arrivals x2 (key)" in text, "no surge in the ticker")
        lv.keys("?")
        lv.wait(lambda t: "HELP" in t and "any key closes" in t, "help box after ?")
        lv.keys("x")
        lv.wait(lambda t: "any key closes" not in t, "help box closed by a key")
        lv.keys("r")
        lv.wait(lambda t: "seed 12" in header(t) and "restarted with seed 12" in t,
                "seed 12 after r")
        text = quit_and_check(lv)
        full = tmux("capture-pane", "-p", "-S", "-200", "-t", lv.name)
        check("Call center" in full and "Offered calls" in full and "Verdict" in full,
              f"no KPI summary after q:\n{full}")
        st = lv.status()
        check(st == 0, f"exit status {st}, not 0")
    finally:
        lv.close()


@test("keys at 100x30: + speed, a agent, space pause, n one event, s surge, ? help, r restart, "
      "q quit")
def _():
    return keys_test(100, 30)


@test("keys at 80x24: the same effects on the smallest screen")
def _():
    return keys_test(80, 24)


@test("80x24: every panel fits")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(80, 24, "--speed", "60")
    try:
        text = lv.wait(panels_ok, "the wallboard at 80x24")
        lines = text.splitlines()
        check("q quit" in lines[-1] or "q quit" in text.rstrip().splitlines()[-1],
              "key line not at the bottom")
        check("SL int" in text and "SL day" in text and "ASA" in text and "ABAND" in text,
              "queue columns cut")
        quit_and_check(lv)
    finally:
        lv.close()


@test("resize (SIGWINCH): 100x30 -> 80x24 -> 120x40 redraws to the new size")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(100, 30, "--speed", "60", "--paused")
    try:
        lv.wait(panels_ok, "the wallboard")
        for w, h in ((80, 24), (120, 40)):
            tmux("resize-window", "-t", lv.name, "-x", str(w), "-y", str(h))
            text = lv.wait(lambda t: len(t.splitlines()) >= h - 1 and
                           "q quit" in t.rstrip().splitlines()[-1] and panels_ok(t),
                           f"a redraw at {w}x{h}")
            check(all(len(x) <= w for x in text.splitlines()), "lines wider than the window")
        quit_and_check(lv)
    finally:
        lv.close()


@test("SIGTERM and SIGINT: terminal restored, KPI summary printed")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    for sig in ("TERM", "INT"):
        lv = Live(100, 30, "--speed", "60")
        try:
            lv.wait(panels_ok, "the wallboard")
            subprocess.run(["kill", f"-{sig}", str(lv.pid)], check=True)
            text = quit_and_check(lv, key=None)
            check("Offered calls" in text, f"SIG{sig}: no summary:\n{text}")
        finally:
            lv.close()


@test("crash path (SIGSEGV, SIGABRT): terminal restored before dying")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    for sig in ("SEGV", "ABRT"):
        lv = Live(100, 30, "--speed", "60")
        try:
            lv.wait(panels_ok, "the wallboard")
            subprocess.run(["kill", f"-{sig}", str(lv.pid)], check=True)
            quit_and_check(lv, key=None)
            st = lv.status()
            want = 128 + {"SEGV": 11, "ABRT": 6}[sig]
            check(st == want, f"SIG{sig}: exit status {st}, expected {want}")
        finally:
            lv.close()


@test("a a on a shift-staffed group: 2 agents more on the wallboard (+2) and in the summary")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(100, 30, "--speed", "60", scenario=DESK_SHIFTS)
    row = r"(?m)^ ?>csr1 +(\d+) on .*shifts( \(\+2\))?$"
    try:
        # The eight agents of the 09:00 shift are on (their break is at 10:00).
        lv.wait(lambda t: panels_ok(t) and num(row, t) == 8, "csr1 with its 8 agents on")
        lv.keys("Space")
        text = lv.wait(lambda t: "PAUSED" in header(t), "PAUSED after space")
        check(num(row, text) == 8 and "shifts (" not in text, f"before a a:\n{text}")
        lv.keys("a")
        lv.wait(lambda t: "csr1: +1 agent (key)" in t, "the ticker note of the first a")
        lv.keys("a")
        text = lv.wait(lambda t: re.search(row, t) and
                       re.search(row, t).group(1) == "10" and "shifts (+2)" in t,
                       "csr1 with 10 on and shifts (+2) after a a")
        # On to closing, fast: the summary then covers the whole day.
        lv.keys("+", "+", "+", "+", "+", "+", "+", "Space")
        lv.wait(lambda t: "closed" in header(t), "closing")
        quit_and_check(lv)
        full = tmux("capture-pane", "-p", "-S", "-200", "-t", lv.name)
        m = re.search(r"Agent group: csr1.*?Staffed agents +([\d.]+)", full, re.S)
        check(m, f"no csr1 staffed agents in the summary:\n{full}")
        # The shifts alone staff 7.00 on average (8 agents, a 15-minute break
        # each in 2 hours); two more from before 09:30 to closing add over 1.5.
        check(float(m.group(1)) > 8.5, f"csr1 staffed agents {m.group(1)}, expected > 8.5")
        check(lv.status() == 0, "exit status not 0")
    finally:
        lv.close()


@test("a script's pause shows PAUSED at its time")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    path = os.path.join(TMP, "pause.txt")
    with open(path, "w") as f:
        f.write("at 09:05 pause\n")
    lv = Live(100, 30, "--speed", "600", "--script", path)
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the script's pause")
        check("09:05:00" in header(text), header(text))
        quit_and_check(lv)
    finally:
        lv.close()


@test("a chat queue shows its channel beside its figures; a voice queue shows none")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    chat = os.path.abspath(os.path.join(TESTS, "live", "desk_chat.yaml"))
    lv = Live(100, 30, "--speed", "60", scenario=chat)
    try:
        text = lv.wait(lambda t: "webchat" in t and "QUEUES" in t, "the queues")
        row = next(ln for ln in text.splitlines() if ln.startswith(" webchat"))
        check(re.search(r"\bchat\s*$", row), f"no channel on the chat queue: {row!r}")
        row = next(ln for ln in text.splitlines() if ln.startswith(" orders"))
        check(not re.search(r"\b(voice|chat|email)\b", row), f"a channel on a voice queue: {row!r}")
        quit_and_check(lv)
    finally:
        lv.close()


try:
    if TMUX:
        # One idle session for the whole run: the server would exit with the
        # last session, racing the next test's new-session.
        tmux("new-session", "-d", "-s", "keep", "sleep", "100000")
    rc = run(cleanup=TMP)
finally:
    if TMUX:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
sys.exit(rc)
