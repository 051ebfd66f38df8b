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
        # by signal N) on the pane once it is gone, and then lingers: a pane
        # whose process has just exited may lose the last of its output
        # (the summary's tail, EXIT=) before tmux has read it.
        cmd = (f"ulimit -c 0; {ACDSIM} live {scenario} {' '.join(args)}; echo EXIT=$?; "
               f"exec sleep 600")
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
        """Poll the pane until cond(text) holds; returns the text. A
        paused screen must also have settled (two captures 0.1 s apart
        alike): one taken while the terminal is still redrawing holds the
        new header over the old panels. A running one changes all the
        time and is taken as it is."""
        end = time.monotonic() + TIMEOUT
        text = ""
        while time.monotonic() < end:
            text = self.screen()
            if cond(text):
                if "PAUSED" not in header(text):
                    return text
                time.sleep(0.1)
                if self.screen() == text:
                    return text
                continue
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


# --- issue 18, points 1-7: what a trainer in front of a class reads ----------

DESK_STEADY = os.path.abspath(os.path.join(TESTS, "live", "desk_steady.yaml"))
README = os.path.abspath(os.path.join(TESTS, "..", "README.md"))
# A queue cell: a percentage, "n=4" (fewer than 10 calls) or "--".
CELL = r"(\d+%|n=\d+|--)"


def script(name, *lines):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


def queue_row(text, name):
    """The figures of a queue row: (sl_int, sl_day, asa, aband, calls_h)."""
    for ln in text.splitlines():
        m = re.match(r"^ " + re.escape(name) + r"\s+\d+\D*?\s+(?:-|\d+:\d\d)\s+" + CELL + r"\s+"
                     + CELL + r"\s+(--|\d+s)\s+(\d+)\s+(\d+)", ln)
        if m:
            return m.groups()
    raise Failure(f"no {name} row:\n{text}")


def ticker(text):
    """The ticker's lines, newest first (the EVENTS column)."""
    lines = text.splitlines()
    i = next((k for k, ln in enumerate(lines) if ln.startswith(" EVENTS")), None)
    if i is None:
        raise Failure(f"no ticker:\n{text}")
    return [ln[8:].rstrip() for ln in lines[i:-1]]


@test("1: the queue columns and occupancy say which figures are the interval's and which the day's")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(100, 30, "--speed", "max", "--script", script("p1.txt", "at 09:40 pause"))
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the script's pause")
        head = next(ln for ln in text.splitlines() if ln.startswith(" QUEUES"))
        for col in ("SL int", "SL day", "ASA day", "ABAND day", "CALLS/H"):
            check(col in head, f"no {col!r} column: {head!r}")
        check(re.search(r"^>csr1 .* occ day \d+%", text, re.M), f"occupancy not labelled:\n{text}")
        quit_and_check(lv)
    finally:
        lv.close()


@test("2: SL int and SL day show the call count, not a jumping percentage, below 10 calls")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    # 60 calls in the first half hour: a handful by 09:03, about 40 by 09:20.
    path = script("p2.txt", "at 09:03 pause", "at 09:20 pause")
    lv = Live(100, 30, "--speed", "max", "--script", path)
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the pause at 09:03")
        check("09:03:00" in header(text), header(text))
        sl_int, sl_day = queue_row(text, "orders")[:2]
        m = re.fullmatch(r"n=(\d+)", sl_int)
        check(m and 1 <= int(m.group(1)) < 10, f"SL int at 09:03: {sl_int!r}\n{text}")
        check(sl_day == sl_int, f"SL day at 09:03: {sl_day!r} (SL int {sl_int!r})")
        lv.keys("Space")
        text = lv.wait(lambda t: "09:20:00" in header(t) and "PAUSED" in header(t),
                       "the pause at 09:20")
        sl_int = queue_row(text, "orders")[0]
        check(re.fullmatch(r"\d+%", sl_int), f"SL int at 09:20: {sl_int!r}\n{text}")
        quit_and_check(lv)
    finally:
        lv.close()


@test("3: n names the event it executed in the ticker, one line per n")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(100, 30, "--paused")
    known = re.compile(r"^\d\d:\d\d:\d\d  step: (orders: call arrived, \d+ waiting|"
                       r"orders: call arrived, answered at once by csr1|"
                       r"orders: call answered by csr1( after \d+:\d\d)?|"
                       r"orders: caller abandoned|csr1: call ended, agent (idle|in wrap-up)|"
                       r"an engine event that changes nothing shown \(timer, boundary\))$")
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t) and panels_ok(t), "the paused wallboard")
        seen = set()
        for i in range(12):
            ev = num(r"\bev (\d+)", header(text))
            lv.keys("n")
            text = lv.wait(lambda t: num(r"\bev (\d+)", header(t)) == ev + 1, f"step {i + 1}")
            steps = [ln for ln in ticker(text) if "step: " in ln]
            check(len(steps) == i + 1, f"step {i + 1}: {len(steps)} step lines:\n{text}")
            check(known.match(steps[0]), f"step {i + 1}: {steps[0]!r}")
            seen.add(re.sub(r"\d", "", steps[0].split("step: ")[1])[:20])
        check(len(seen) >= 2, f"every step said the same: {seen}")
        quit_and_check(lv)
    finally:
        lv.close()


@test("4: warm-up labelled: header, SL row and the ticker's abandons; ABAND counts after it")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    path = script("p4.txt", "at 00:20 pause", "at 00:50 pause")
    lv = Live(100, 30, "--speed", "max", "--script", path, scenario=DESK_STEADY)
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the pause in the warm-up")
        check("WARM-UP (not counted)" in header(text), header(text))
        check("WARM-UP until t+00:30:00: calls arriving now are not counted" in text, text)
        ab = [ln for ln in ticker(text) if "caller abandoned" in ln]
        check(ab and all(ln.endswith("(warm-up: not counted)") for ln in ab),
              f"warm-up abandons not labelled:\n{text}")
        check(queue_row(text, "orders")[3] == "0", f"ABAND day in the warm-up:\n{text}")
        lv.keys("Space")
        text = lv.wait(lambda t: "t+00:50:00" in header(t) and "PAUSED" in header(t),
                       "the pause after the warm-up")
        check("WARM-UP" not in text and "steady state" in header(text), text)
        counted = [ln for ln in ticker(text) if "caller abandoned" in ln
                   and not ln.endswith("(warm-up: not counted)")]
        check(counted and all(ln >= "t+00:30:00" for ln in counted),
              f"no counted abandon after the warm-up:\n{text}")
        check(int(queue_row(text, "orders")[3]) >= len(counted), f"ABAND day:\n{text}")
        quit_and_check(lv)
    finally:
        lv.close()


LONG = os.path.join(TMP, "long_names.yaml")
with open(LONG, "w") as f:
    f.write("""name: long names
seed: 11
replications: 1
horizon: {open: "09:00", close: "11:00", interval: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: Harbor Street emergency line
    arrivals: {per_interval: [60, 90, 100, 70]}
    handle_time: {dist: exponential, mean: 3m}
    patience: {dist: exponential, mean: 2m}
  - name: service_orders
    arrivals: {per_interval: [30, 40, 40, 30]}
    handle_time: {dist: exponential, mean: 3m}
    patience: {dist: exponential, mean: 2m}
agent_groups:
  - name: Harbor Street
    skills: [Harbor Street emergency line, service_orders]
    agents: [12, 14, 14, 12]
""")


def long_names_test(w, h):
    if skip_without_tmux():
        return skip_without_tmux()
    lv = Live(w, h, "--speed", "max", "--script", script("p5.txt", "at 10:30 pause"),
              scenario=LONG)
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the pause at 10:30")
        lines = text.rstrip("\n").split("\n")
        check(len(lines) == h and "paused by the script" in lines[-1], f"{len(lines)} rows")
        check(all(len(ln) <= w for ln in lines), "lines wider than the window")
        # Every row is used: the ticker fills what the panels leave.
        blank = [i for i, ln in enumerate(lines) if not ln.strip()]
        check(not blank, f"blank rows {blank}:\n{text}")
        check(len(ticker(text)) >= h - 14, f"{len(ticker(text))} ticker lines:\n{text}")
        # A name is whole or cut with a mark, never cut silently.
        rows = [ln for ln in lines[2:4]]
        names = ("Harbor Street emergency line", "service_orders")
        for ln, name in zip(rows, names):
            shown = re.match(r"^ (.+?)\s+\d+ ", ln).group(1)
            check(shown == name or (shown.endswith("\u2026") and name.startswith(shown[:-1])),
                  f"{name!r} shown as {shown!r}")
        group = re.search(r"^>(.+?)\s+\d+ on ", text, re.M).group(1)
        check(group == "Harbor Street" if w >= 100 else group == "Harbor St\u2026",
              f"group shown as {group!r}")
        check(all(len(ln) <= w - 9 for ln in ticker(text)), "ticker lines past the window")
        quit_and_check(lv)
        return lines
    finally:
        lv.close()


@test("5: 100x30: no blank rows (the ticker takes them), names whole or cut with a mark")
def _():
    lines = long_names_test(100, 30)
    if lines:
        check(lines[3].startswith(" service_orders "), f"service_orders cut: {lines[3]!r}")
        check(lines[2].startswith(" Harbor Street emerg\u2026 "), lines[2])


@test("5: 80x24: the same, shorter names cut with a mark")
def _():
    lines = long_names_test(80, 24)
    if lines:
        check(lines[2].startswith(" Harbor St\u2026 ") and lines[3].startswith(" service_o\u2026 "),
              f"{lines[2]!r} {lines[3]!r}")


@test("6: CALLS/H shows 0 once closed and at DAY OVER")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    chat = os.path.abspath(os.path.join(TESTS, "live", "desk_chat.yaml"))
    lv = Live(100, 30, "--speed", "max", "--script", script("p6.txt", "at 11:00:30 pause"),
              scenario=chat)
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t), "the pause after closing")
        check("closed" in header(text), header(text))
        check(any(ln == "11:00:00  closed: no new calls" for ln in ticker(text)),
              f"closing not at 11:00:00 in the ticker:\n{text}")
        for name in ("orders", "webchat"):
            check(queue_row(text, name)[4] == "0", f"{name} CALLS/H after closing:\n{text}")
        lv.keys("Space")
        text = lv.wait(lambda t: "DAY OVER" in header(t), "DAY OVER")
        for name in ("orders", "webchat"):
            check(queue_row(text, name)[4] == "0", f"{name} CALLS/H at DAY OVER:\n{text}")
        quit_and_check(lv)
    finally:
        lv.close()


@test("7: n pauses first, then executes one event; the help box and the README say so")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    with open(README) as f:
        readme = f.read()
    check(re.search(r"^\| `n` \| pause, then one event", readme, re.M),
          "README's key table does not say n pauses first")
    lv = Live(100, 30, "--speed", "1")
    try:
        lv.wait(lambda t: "RUNNING" in header(t) and panels_ok(t), "the running wallboard")
        lv.keys("n")
        text = lv.wait(lambda t: "PAUSED" in header(t), "PAUSED after n")
        check(any("step: " in ln for ln in ticker(text)), f"no step in the ticker:\n{text}")
        ev = num(r"\bev (\d+)", header(text))
        time.sleep(0.3)
        check(num(r"\bev (\d+)", header(lv.screen())) == ev, "the run went on after n")
        lv.keys("?")
        text = lv.wait(lambda t: "HELP" in t, "the help box")
        check(re.search(r"\bn +pause, then one event\b", text), f"help box:\n{text}")
        lv.keys("x")
        quit_and_check(lv)
    finally:
        lv.close()


@test("README: the wallboard capture is what its two commands show today (header to sparkline)")
def _():
    if skip_without_tmux():
        return skip_without_tmux()
    with open(README) as f:
        readme = f.read()
    m = re.search(r"^```sh\n(printf 'at 10:45 pause\\n' > pause\.txt)\n"
                  r"acdsim live (scenarios/utility_day\.yaml --speed max --script pause\.txt)\n"
                  r"```\n\n```\n(.*?)^```", readme, re.S | re.M)
    check(m, "README: no live capture after its two commands")
    want = m.group(3).splitlines()
    path = script("pause.txt", "at 10:45 pause")
    root = os.path.abspath(os.path.join(TESTS, ".."))
    lv = Live(100, 30, m.group(2).replace("scenarios/", root + "/scenarios/")
              .replace("pause.txt", path), scenario="")
    try:
        text = lv.wait(lambda t: "PAUSED" in header(t) and "q quit" in t, "the paused wallboard")
        got = [ln.rstrip() for ln in text.splitlines()]
        # Up to the sparkline: the ticker's shift notes carry the time the
        # view looked (how a max-speed run was cut into ticks).
        n = next(i for i, ln in enumerate(want) if ln.startswith(" SL/interval")) + 1
        check(got[:n] == want[:n], "README capture out of date; now:\n" + "\n".join(got))
        check(len(want) == 30 and got[-1] == want[-1], "README capture: size or key line")
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
