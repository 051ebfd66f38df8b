#!/usr/bin/env python3
"""acdsim live with names holding control characters (issue 11, row 13):
on the wallboard each control character is drawn as '?', so an OSC or SGR
sequence in a name neither retitles nor recolours the terminal and a
newline does not break a row; the KPI summary on quit escapes them
("\\x1b"). tmux runs the wallboard in a detached session (as in
test_live_tmux.py). Skips cleanly without tmux."""
import json
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
TMUX = shutil.which("tmux")
SOCKET = f"acdsim-live-names-{os.getpid()}"
TMP = tempfile.mkdtemp(prefix="acdsim-live-names-")
TIMEOUT = 20

TYPES = ["\x1b]0;pwned\x07", "new\nline"]
GROUP = "grp\x1b[31m"
SCENARIO = os.path.join(TMP, "names.yaml")
with open(SCENARIO, "w") as f:
    f.write(f"""name: {json.dumps("desk " + TYPES[0])}
seed: 11
replications: 1
horizon: {{open: "09:00", close: "11:00", interval: 30m}}
service_level: {{threshold: 20s, target: 0.80}}
call_types:
""")
    for t in TYPES:
        f.write(f"""  - name: {json.dumps(t)}
    arrivals: {{per_interval: [60, 90, 100, 70]}}
    handle_time: {{dist: exponential, mean: 3m}}
    patience: {{dist: exponential, mean: 2m}}
""")
    f.write(f"""agent_groups:
  - name: {json.dumps(GROUP)}
    skills: [{", ".join(json.dumps(t) for t in TYPES)}]
    agents: 12
""")


def tmux(*args, check_rc=True):
    p = subprocess.run([TMUX, "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True,
                       text=True, timeout=30)
    if check_rc and p.returncode != 0:
        raise Failure(f"tmux {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def wait(cond, what, *history):
    """Poll the pane (with "-S", "-": and its scrollback) until cond holds."""
    end = time.monotonic() + TIMEOUT
    text = ""
    while time.monotonic() < end:
        text = tmux("capture-pane", "-p", *history, "-t", "names")
        if cond(text):
            return text
        time.sleep(0.05)
    raise Failure(f"timed out waiting for {what}; screen:\n{text}")


@test("wallboard and summary: names with ESC, BEL and a newline drawn as text")
def _():
    if not TMUX:
        return "skip tmux not installed"
    cmd = f"{ACDSIM} live {SCENARIO} --no-timing; echo EXIT=$?"
    tmux("new-session", "-d", "-s", "names", "-x", "100", "-y", "30", "-e", "LANG=C.UTF-8",
         "sh", "-c", cmd)
    tmux("set-option", "-t", "names", "remain-on-exit", "on")
    text = wait(lambda t: "QUEUES" in t and "AGENTS" in t, "the wallboard")
    check("?]0;pwned?" in text, f"the OSC name not drawn as text:\n{text}")
    check("new?line" in text, f"the newline name split:\n{text}")
    check("grp?[31m" in text, f"the SGR group name not drawn as text:\n{text}")
    check(not re.search(r"^line\b", text, re.M), f"a row broken by a name's newline:\n{text}")
    title = tmux("display", "-p", "-t", "names", "#{pane_title}").strip()
    check("pwned" not in title, f"a name set the terminal title: {title!r}")
    tmux("send-keys", "-t", "names", "q")
    text = wait(lambda t: re.search(r"^EXIT=\d+", t, re.M), "acdsim to quit", "-S", "-")
    check(re.search(r"^EXIT=0$", text, re.M), f"exit status:\n{text}")
    check("desk \\x1b]0;pwned\\x07" in text, f"summary: the scenario name not escaped:\n{text}")
    check("Call type: new\\nline" in text, f"summary: the newline name not escaped:\n{text}")
    title = tmux("display", "-p", "-t", "names", "#{pane_title}").strip()
    check("pwned" not in title, f"the summary set the terminal title: {title!r}")


try:
    rc = run(cleanup=TMP)
finally:
    if TMUX:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
sys.exit(rc)
