#!/usr/bin/env python3
"""End-to-end tests of the report folder's charts (`acdsim run --out DIR`):
which charts are drawn, that every PNG and SVG is a sound image of the
size the scripts set, that they say what they show (axis labels with
units, clock times, legends naming call types and groups, targets), that
the data files agree with the JSON, and how a missing or failing gnuplot
is handled (TAP output).

The PNG check decodes the file by hand: chunk layout and CRCs, the IHDR
size, and the zlib stream of the IDAT chunks inflated to exactly the
length the size and pixel format call for.

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory
(scenarios live in TESTS_DIR/../scenarios). Python standard library only.
Checks that need gnuplot are skipped when it is not on PATH; the checks of
a missing or failing gnuplot use a PATH of their own and always run.
"""
import csv
import io
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

ACDSIM = os.environ.get("ACDSIM", "acdsim")
if os.sep in ACDSIM:  # runs with a PATH of their own call the binary by absolute path
    ACDSIM = os.path.abspath(ACDSIM)
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.abspath(os.path.join(TESTS_DIR, "..", "scenarios"))
TRAINING = os.path.join(SCENARIOS, "training.yaml")        # operating day, 1 group, 2 types
UTILITY = os.path.join(SCENARIOS, "utility.yaml")          # steady state, 3 types
UTILITY_DAY = os.path.join(SCENARIOS, "utility_day.yaml")  # day with tiers and escalation
FAST = ["-r", "4", "--no-timing"]
GNUPLOT = shutil.which("gnuplot")

WIDTH, HEIGHT = 960, 540  # every chart (ACD_PLOT_WIDTH x ACD_PLOT_HEIGHT, plot.h)
DATA_FILES = ["groups.csv", "index.html", "intervals.csv", "results.json"]
DAY_CHARTS = ["service_level", "calls", "wait_times", "agents", "wait_cdf", "queue"]
STEADY_CHARTS = ["wait_cdf", "queue"]
NOTICE = "acdsim: gnuplot not found; charts skipped"

# Stationary, one call type, exponential everything: the Erlang A
# comparison applies (and is exact).
ONE_QUEUE = """\
name: one queue
seed: 7
replications: 4
horizon: {duration: 4h, warmup: 30m}
service_level: {threshold: 20s, target: 0.80}
call_types:
  - name: calls
    arrivals: {rate: 200/h}
    handle_time: {dist: exponential, mean: 4m}
    patience: {dist: exponential, mean: 3m}
agent_groups:
  - name: agents
    skills: [calls]
    agents: 15
"""

TMP = tempfile.mkdtemp(prefix="acdsim-charts-")
import taplib  # noqa: E402  (the shared TAP harness)
from taplib import Failure, check, expect_rc, test  # noqa: E402


def run(*args, env=None, cwd=None, timeout=240):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=cwd, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def path(*parts):
    return os.path.join(TMP, *parts)


def write(p, text, mode=0o644):
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def files_with(charts):
    return sorted(DATA_FILES + [c + e for c in charts for e in (".png", ".svg")])


_runs = {}


def out_run(name, scn, *extra):
    """Run SCN with --out into a fresh DIR (once per name): (DIR, the JSON
    document of stdout, stderr)."""
    if name not in _runs:
        d = path(name)
        out, err = expect_rc(run("run", scn, *FAST, "-f", "json", "-o", d, *extra), 0, name)
        _runs[name] = (d, json.loads(out), err)
    return _runs[name]


def needs_gnuplot(fn):
    def wrapped():
        if not GNUPLOT:
            return "skip gnuplot is not on PATH"
        return fn()
    return wrapped


# ------------------------------------------------------------ decoders

def png_info(p):
    """Decode a PNG far enough to trust it: signature, chunk CRCs, IHDR,
    IDAT stream inflated to the exact length, a filter byte per row.
    Returns (width, height, distinct byte values in the pixel data)."""
    with open(p, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{p}: not a PNG signature")
    pos, chunks = 8, []
    while pos < len(data):
        check(pos + 12 <= len(data), f"{p}: truncated chunk at byte {pos}")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        check(len(body) == length, f"{p}: chunk {ctype!r} truncated")
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        check(zlib.crc32(ctype + body) & 0xffffffff == crc, f"{p}: bad CRC in {ctype!r}")
        chunks.append((ctype, body))
        pos += 12 + length
    check(chunks and chunks[0][0] == b"IHDR", f"{p}: first chunk is not IHDR")
    check(chunks[-1][0] == b"IEND", f"{p}: last chunk is not IEND")
    w, h, depth, color, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    check(comp == 0 and filt == 0 and interlace == 0,
          f"{p}: compression {comp}, filter {filt}, interlace {interlace}")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    check(channels is not None, f"{p}: colour type {color}")
    raw = zlib.decompress(b"".join(body for t, body in chunks if t == b"IDAT"))
    stride = (w * channels * depth + 7) // 8
    check(len(raw) == h * (1 + stride),
          f"{p}: IDAT inflates to {len(raw)} bytes, expected {h * (1 + stride)}")
    check(all(raw[r * (1 + stride)] <= 4 for r in range(h)), f"{p}: bad row filter byte")
    return w, h, len(set(raw))


def svg_root(p):
    try:
        root = ET.parse(p).getroot()
    except ET.ParseError as e:
        raise Failure(f"{p}: not XML: {e}")
    check(root.tag == "{http://www.w3.org/2000/svg}svg", f"{p}: root is {root.tag}")
    return root


def svg_texts(root):
    """The text of every <text> element (gnuplot puts labels, tick labels,
    titles and legend entries there)."""
    return ["".join(t.itertext()).strip()
            for t in root.iter("{http://www.w3.org/2000/svg}text")]


def read_csv(p):
    with open(p, newline="") as f:
        rows = list(csv.reader(f))
    check(rows, f"{p}: empty")
    return rows[0], rows[1:]


def check_csv_row(header, row, scope, where):
    """Every (metric, metric_ci95) and totals pair equals the JSON
    estimate; returns how many numbers were compared."""
    n = 0
    for i in range(0, len(header), 2):
        name = header[i]
        est = scope["totals"].get(name[7:]) if name.startswith("totals.") else scope.get(name)
        mean, ci = row[i], row[i + 1]
        if est is None:
            check(mean == "" and ci == "", f"{where}: {name} does not apply but is {mean!r}")
            continue
        for cell, want in ((mean, est["mean"]), (ci, est["ci95"])):
            got = None if cell == "" else float(cell)
            check(got == want, f"{where}: {name}: CSV {cell!r}, JSON {want!r}")
            n += want is not None
    return n


def check_charts(d, charts):
    """Every chart of CHARTS in D is a sound PNG and SVG of the set size;
    returns {chart: texts of its SVG}."""
    texts = {}
    for c in charts:
        w, h, distinct = png_info(os.path.join(d, c + ".png"))
        check((w, h) == (WIDTH, HEIGHT), f"{c}.png is {w}x{h}, expected {WIDTH}x{HEIGHT}")
        check(distinct > 8, f"{c}.png looks blank ({distinct} distinct byte values)")
        root = svg_root(os.path.join(d, c + ".svg"))
        check((root.get("width"), root.get("height")) == (str(WIDTH), str(HEIGHT)),
              f"{c}.svg is {root.get('width')}x{root.get('height')}")
        texts[c] = svg_texts(root)
    return texts


def has_text(texts, chart, *wanted):
    for w in wanted:
        check(any(w in t for t in texts[chart]), f"{chart}.svg has no text {w!r}")


# ------------------------------------------------- charts that are drawn

@test("training (operating day): the day's charts as PNG + SVG, nothing else, stderr empty")
@needs_gnuplot
def _():
    d, _, err = out_run("day", TRAINING)
    check(sorted(os.listdir(d)) == files_with(DAY_CHARTS), f"files: {sorted(os.listdir(d))}")
    check(err == "", f"stderr: {err.strip()[:400]}")
    check_charts(d, DAY_CHARTS)


@test("training charts: units on the axes, clock times, call types and the group, targets")
@needs_gnuplot
def _():
    d, doc, _ = out_run("day", TRAINING)
    texts = check_charts(d, DAY_CHARTS)
    has_text(texts, "service_level", "Service level (%)", "Interval (clock time)", "08:00",
             "12:00", "Target 80%", "Whole center", "orders", "questions")
    has_text(texts, "calls", "Calls per interval", "Answered", "Abandoned", "Offered", "10:00")
    has_text(texts, "wait_times", "ASA (s)", "Wait (s)", "ASA target 30 s",
             "Service-level threshold 20 s", "orders", "questions")
    has_text(texts, "agents", "Agents", "Occupancy (%)", "agents staffed", "agents busy")
    has_text(texts, "wait_cdf", "Waiting time x (s)", "Threshold 20 s", "Answered calls",
             "Abandoned calls")
    has_text(texts, "queue", "Calls waiting", "Clock time", "Mean", "percentile")
    check(doc["scenario"] in " ".join(texts["service_level"]), "scenario name not in the title")


@test("utility (steady state): only the CDF and the calls-waiting chart")
@needs_gnuplot
def _():
    d, _, err = out_run("steady", UTILITY)
    check(sorted(os.listdir(d)) == files_with(STEADY_CHARTS), f"files: {sorted(os.listdir(d))}")
    check(err == "", f"stderr: {err.strip()[:400]}")
    texts = check_charts(d, STEADY_CHARTS)
    has_text(texts, "queue", "Time since the start of the run (h)")


@test("utility_day (tiers): resolution chart per call type and per tier; agents name groups")
@needs_gnuplot
def _():
    d, doc, err = out_run("tiers", UTILITY_DAY)
    charts = DAY_CHARTS + ["resolution"]
    check(sorted(os.listdir(d)) == files_with(charts), f"files: {sorted(os.listdir(d))}")
    check(err == "", f"stderr: {err.strip()[:400]}")
    texts = check_charts(d, charts)
    has_text(texts, "resolution", "First-call resolution", "Escalated", "Repeat calls",
             "All calls", "Tier 1", "Tier 3", "csr3, supervisors", *doc["call_types"])
    has_text(texts, "agents", *[g + " staffed" for g in doc["agent_groups"]])
    has_text(texts, "service_level", "08:00", "18:00", *doc["call_types"])


@test("one stationary call type: the Erlang comparison is drawn (A, exact)")
@needs_gnuplot
def _():
    d, doc, _ = out_run("erlang", write(path("one.yaml"), ONE_QUEUE))
    check(doc["erlang"] and doc["erlang"]["model"] == "a", f"erlang: {doc['erlang']}")
    charts = STEADY_CHARTS + ["erlang"]
    check(sorted(os.listdir(d)) == files_with(charts), f"files: {sorted(os.listdir(d))}")
    texts = check_charts(d, charts)
    has_text(texts, "erlang", "Erlang A (exact)", "Service level", "Had to wait", "Abandoned",
             "Occupancy", "ASA", "Seconds", "Share (%)")


@test("CSV files match the JSON numbers (training: 16 intervals x 3 rows; groups)")
def _():
    d, doc, _ = out_run("day", TRAINING)
    header, rows = read_csv(os.path.join(d, "intervals.csv"))
    check(header[:3] == ["start", "end", "call_type"], header[:3])
    types = list(doc["call_types"])
    check(len(rows) == len(doc["intervals"]) * (1 + len(types)), f"{len(rows)} rows")
    ivs = {iv["start"]: iv for iv in doc["intervals"]}
    n = 0
    for i, r in enumerate(rows, 2):
        iv = ivs[r[0]]
        check(r[1] == iv["end"], f"intervals.csv:{i}: end {r[1]}")
        scope = iv if r[2] == "*" else iv["call_types"][r[2]]
        n += check_csv_row(header[3:], r[3:], scope, f"intervals.csv:{i}")
    check(n > 1000, f"only {n} numbers compared")
    header, rows = read_csv(os.path.join(d, "groups.csv"))
    check([r[0] for r in rows] == list(doc["agent_groups"]), [r[0] for r in rows])
    for r in rows:
        check_csv_row(header[1:], r[1:], doc["agent_groups"][r[0]], f"groups.csv {r[0]}")


@test("--trace onto index.html or a chart of DIR: exit 2, nothing written")
def _():
    work = path("traceclash")
    os.mkdir(work)
    for args in (["-o", "out", "--trace", "index.html"],
                 ["-o", "out", "--trace", "out/service_level.svg"]):
        rc, out, err = run("run", UTILITY, "-r", "1", *args, cwd=work)
        check(rc == 2, f"{args}: exit {rc}: {err.strip()[:400]}")
        check("files --out writes" in err, f"{args}: {err}")
    check(os.listdir(work) == [], f"created: {os.listdir(work)}")


# --------------------------------------------------- without / bad gnuplot

def env_with_path(p):
    env = dict(os.environ)
    env["PATH"] = p
    return env


def no_temporaries(d):
    left = [n for n in os.listdir(d) if ".tmp." in n]
    check(not left, f"temporary files left: {left}")


@test("no gnuplot on PATH: data files and index.html, no chart, one notice, exit 0")
def _():
    empty = path("empty-bin")
    os.mkdir(empty)
    for name, scn in (("nognuplot-day", TRAINING), ("nognuplot-steady", UTILITY)):
        d = path(name)
        out, err = expect_rc(run("run", scn, *FAST, "-q", "-o", d, env=env_with_path(empty)),
                             0, name)
        check(sorted(os.listdir(d)) == DATA_FILES, f"{name}: files {sorted(os.listdir(d))}")
        check(err.count(NOTICE) == 1, f"{name}: stderr {err!r}")
        check(err.strip() == NOTICE, f"{name}: more on stderr than the notice: {err!r}")
        with open(os.path.join(d, "results.json")) as f:
            json.load(f)


FAKE_FAIL = """#!/bin/sh
echo "fake gnuplot: cannot open the terminal" >&2
exit 1
"""

# Reads its script, says nothing, draws nothing: an output that never
# appears must not pass for a chart.
FAKE_SILENT = """#!/bin/sh
while read -r line; do :; done
exit 0
"""


@test("gnuplot fails: its message with the chart's name, exit 1, nothing written")
def _():
    bin_dir = path("fail-bin")
    os.mkdir(bin_dir)
    write(os.path.join(bin_dir, "gnuplot"), FAKE_FAIL, 0o755)
    # A new DIR goes again.
    d = path("fail-new")
    _, err = expect_rc(run("run", TRAINING, *FAST, "-q", "-o", d, env=env_with_path(bin_dir)),
                       1, "failing gnuplot")
    check("fake gnuplot: cannot open the terminal" in err, err)
    check("chart service_level: gnuplot" in err, err)
    check(not os.path.exists(d), f"DIR left: {os.listdir(d) if os.path.isdir(d) else d}")
    # An existing DIR keeps its old files, untouched, and gains nothing.
    d = path("fail-old")
    os.mkdir(d)
    write(os.path.join(d, "results.json"), "old\n")
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d, env=env_with_path(bin_dir)), 1,
              "failing gnuplot, old DIR")
    check(os.listdir(d) == ["results.json"], f"files: {sorted(os.listdir(d))}")
    check(open(os.path.join(d, "results.json")).read() == "old\n", "results.json changed")


@test("gnuplot exits 0 without drawing: reported as an error, exit 1, nothing written")
def _():
    bin_dir = path("silent-bin")
    os.mkdir(bin_dir)
    write(os.path.join(bin_dir, "gnuplot"), FAKE_SILENT, 0o755)
    d = path("silent")
    os.mkdir(d)
    _, err = expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d, env=env_with_path(bin_dir)),
                       1, "silent gnuplot")
    check("chart wait_cdf: gnuplot wrote no" in err, err)
    check(os.listdir(d) == [], f"files: {sorted(os.listdir(d))}")


FAKE_SLOW = """#!/bin/sh
echo $$ >> "{pids}"
exec /bin/sleep 60
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@test("SIGTERM while gnuplot draws: gnuplot killed, no temporary file, new DIR removed")
def _():
    bin_dir = path("slow-bin")
    os.mkdir(bin_dir)
    pids = path("slow-pids")
    write(os.path.join(bin_dir, "gnuplot"), FAKE_SLOW.format(pids=pids), 0o755)
    d = path("slow")
    p = subprocess.Popen([ACDSIM, "run", UTILITY, *FAST, "-q", "-o", d],
                         env=env_with_path(bin_dir), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    started = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:
            if os.path.exists(pids):
                started = open(pids).read().split()
                if len(started) == len(STEADY_CHARTS):
                    break
            time.sleep(0.02)
        check(len(started) == len(STEADY_CHARTS), f"gnuplots started: {started}")
        check(any(".tmp." in n for n in os.listdir(d)), "no temporary file seen")
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(p.returncode == -signal.SIGTERM, f"exit status {p.returncode}: {err[:400]!r}")
    check(not os.path.exists(d), f"DIR left: {os.listdir(d) if os.path.isdir(d) else d}")
    still = [pid for pid in started if alive(int(pid))]
    check(not still, f"gnuplot still running: {still}")


def main():
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
