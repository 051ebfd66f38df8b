#!/usr/bin/env python3
"""Names are data (issue 11, rows 9, 12, 13, 14): call types, agent groups
and a scenario named like attacks on spreadsheets, terminals and gnuplot
go through every output unharmed (TAP output).

- CSV (results `-f csv`, intervals.csv, groups.csv, the --trace file,
  staffing CSV): a text cell starting with = + - @, tab or CR is written
  with a leading ' and quoted (OWASP); numbers stay numbers.
- Text for people (text report, `validate`, staffing text, `report`,
  diagnostics): no control character reaches the output raw; a newline
  in a name never splits a line.
- Charts: names reach gnuplot only as strings quoted by construction; a
  leading apostrophe, backquote (command substitution) or @ changes
  nothing: every chart is drawn and no command runs.
- `acdsim report` on a results.json with a bad escape: one located line.

Environment: ACDSIM = the binary. Python standard library only. The
scenarios are written into a temporary directory; every run is small.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.dom.minidom

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-names-")
MARK = os.path.join(TMP, "pwned")  # a backquoted command would create it

import taplib  # noqa: E402  (the shared TAP harness)
from taplib import check, expect_rc, test  # noqa: E402

TYPES = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "\x1b]0;pwned\x07",
    "new\nline",
    f"`touch {MARK}`",
    '"',
    "back\\\\slash",
    "tab\tand\rcr",
    "\tleading tab",
    "c1 \u009b31m",
]
GROUPS = [
    "@SUM(1+1)*cmd|'/c calc'!A1",
    "'s-Hertogenbosch desk",
    "''",
    "$HOME %d @x {b}^_& \x07bel",
]
SCENARIO_NAME = "hostile \x1b[31mred\x1b[0m"
FORMULA = tuple("=+-@\t\r")


def q(s):
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(s)


def scenario_text(day):
    out = ["name: " + q(SCENARIO_NAME), "seed: 3", "replications: 2"]
    if day:
        out.append('horizon: {open: "08:00", close: "10:00", interval: 1h}')
    else:
        out.append("horizon: {duration: 1h, warmup: 5m}")
    out += ["service_level: {threshold: 20s, target: 0.80}", "call_types:"]
    for i, t in enumerate(TYPES):
        out += ["  - name: " + q(t),
                "    arrivals: {per_interval: [12, 12]}" if day else
                "    arrivals: {rate: 12/h}",
                "    handle_time: {dist: exponential, mean: 3m}",
                "    patience: {dist: exponential, mean: 3m}"]
        if day and i == 0:
            out += ["    resolution:",
                    "      - {tier: 1, resolve: 0.6, escalate: 0.5}",
                    "      - {tier: 2, resolve: 0.9}",
                    "    repeat_delay: {dist: exponential, mean: 20m}"]
    out.append("agent_groups:")
    for i, g in enumerate(GROUPS):
        skills = TYPES if i == len(GROUPS) - 1 else TYPES[i * 3:i * 3 + 3]
        out += ["  - name: " + q(g),
                "    tier: 2" if day and i == len(GROUPS) - 1 else "    tier: 1",
                "    skills: [" + ", ".join(q(s) for s in skills) + "]",
                "    agents: 3"]
    return "\n".join(out) + "\n"


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


STEADY = write("steady.yaml", scenario_text(False))
DAY = write("day.yaml", scenario_text(True))


def run(*args, timeout=120):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, cwd=TMP)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


# C0 controls but newline, DEL, C1 controls.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")


def check_no_control(text, what):
    m = RAW_CONTROL.search(text)
    check(m is None, f"{what}: raw control character {m and repr(m.group())} at {m and m.start()}: "
          f"{text[max(0, m.start() - 60):m.start() + 20]!r}" if m else "")


def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def check_csv(text, what, name_columns):
    """Every cell a spreadsheet would run as a formula is a number; the
    name cells of the hostile names come back prefixed with '."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(len(rows) > 1, f"{what}: no rows")
    header = rows[0]
    names = set()
    for r in rows[1:]:
        check(len(r) == len(header), f"{what}: row of {len(r)} cells under {len(header)}: {r}")
        for c in r:
            check(not c.startswith(FORMULA) or is_number(c), f"{what}: formula cell {c!r}")
        for col in name_columns:
            names.add(r[header.index(col)])
    for n in names:
        check(n.startswith("'") or not n.startswith(FORMULA), f"{what}: name {n!r} not prefixed")
    return rows, names


def check_text_table(text, what):
    check_no_control(text, what)
    for line in text.split("\n"):
        check(not line.startswith("line "), f"{what}: a name's newline split a line: {line!r}")


# ------------------------------------------------------------------ tests

@test("validate: the scenario is valid; the output holds no control character")
def _():
    out, err = expect_rc(run("validate", STEADY, DAY), 0, "validate")
    check_no_control(out + err, "validate")
    check(out.count(": ok (11 call types, 4 agent groups)") == 2, out)


@test("run -f csv: formula names prefixed with ' and quoted, numbers (negative too) plain")
def _():
    out, _ = expect_rc(run("run", STEADY, "-f", "csv"), 0, "run -f csv")
    rows, names = check_csv(out, "-f csv", ["name"])
    for n in ("'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(1+1)*cmd|'/c calc'!A1", "''",
              "'s-Hertogenbosch desk", "new\nline", "\x1b]0;pwned\x07", "tab\tand\rcr",
              "'\tleading tab"):
        check(n in names, f"-f csv: name {n!r} missing; names: {sorted(names)}")
    check('\n"\'=cmd|\' /C calc\'!A0",' not in out, "scope column lost")
    check('call_type,"\'=cmd|\' /C calc\'!A0",offered,' in out, "the cell as written")
    check('call_type,"\'-2",offered,' in out, "-2 as a name")


@test("run (text): names escaped, no control character, no split line")
def _():
    out, err = expect_rc(run("run", STEADY), 0, "run")
    check_text_table(out, "text report")
    check_no_control(err, "stderr")
    for s in ("hostile \\x1b[31mred\\x1b[0m\n", "Call type: \\x1b]0;pwned\\x07 ",
              "Call type: new\\nline ", "Call type: c1 \\u009b31m ",
              "Agent group: 's-Hertogenbosch desk "):
        check(s in out, f"{s!r} not in the text report")


@test("run -o DIR --trace: every chart drawn, no command run, CSV files and trace neutralised")
def _():
    d = os.path.join(TMP, "out")
    out, err = expect_rc(run("run", DAY, "-o", d, "--trace", "calls.csv"), 0, "run -o")
    check_no_control(out + err, "run -o output")
    check(not os.path.exists(MARK), "a backquoted name ran a command")
    files = sorted(os.listdir(d))
    for f in ("results.json", "intervals.csv", "groups.csv", "calls.csv", "index.html"):
        check(f in files, f"{f} missing: {files}")
    if shutil.which("gnuplot"):
        charts = [f[:-4] for f in files if f.endswith(".png")]
        for c in ("service_level", "agents", "resolution", "calls", "queue", "wait_cdf"):
            check(c in charts, f"chart {c} not drawn: {files}")
        for c in charts:
            check(os.path.getsize(os.path.join(d, c + ".png")) > 1000, f"{c}.png empty")
            xml.dom.minidom.parse(os.path.join(d, c + ".svg"))
    for f, cols in (("intervals.csv", ["call_type"]), ("groups.csv", ["group"]),
                    ("calls.csv", ["type", "group"])):
        with open(os.path.join(d, f), newline="") as fh:
            check_csv(fh.read(), f, cols)
    with open(os.path.join(d, "groups.csv")) as fh:
        text = fh.read()
    check("\n\"'@SUM(1+1)*cmd|'/c calc'!A1\"," in text, "groups.csv: the @ group as written")
    with open(os.path.join(d, "index.html"), encoding="utf-8") as fh:
        html = fh.read()
    check(RAW_CONTROL.search(html.replace("\t", " ").replace("\r", " ")) is None,
          "index.html: raw control character")
    check("hostile \\x1b[31mred" in html, "index.html: the scenario's name escaped")


@test("report RESULTS.json (text, -f csv): names escaped and neutralised")
def _():
    d = os.path.join(TMP, "rep")
    expect_rc(run("run", STEADY, "-o", d), 0, "run -o")
    out, err = expect_rc(run("report", os.path.join(d, "results.json")), 0, "report")
    check_text_table(out + err, "report text")
    check("Call type: \\x1b]0;pwned\\x07 " in out, "report: escaped name")
    out, _ = expect_rc(run("report", os.path.join(d, "results.json"), "-f", "csv"), 0, "report csv")
    check_csv(out, "report -f csv", ["name"])


@test("staff: text escaped, CSV neutralised, -o and --curve charts drawn")
def _():
    out, err = expect_rc(run("staff", STEADY), 0, "staff")
    check_text_table(out + err, "staff text")
    check("Staffing: hostile \\x1b[31mred" in out, "staff: scenario name escaped")
    out, _ = expect_rc(run("staff", STEADY, "-f", "csv"), 0, "staff -f csv")
    rows, names = check_csv(out, "staff -f csv", ["group"])
    check("'@SUM(1+1)*cmd|'/c calc'!A1" in names, f"staff csv names: {sorted(names)}")
    d = os.path.join(TMP, "staff")
    out, err = expect_rc(run("staff", STEADY, "-o", d), 0, "staff -o")
    check_no_control(out + err, "staff -o output")
    files = sorted(os.listdir(d))
    for f in ("staffing.csv", "staffing.json", "recommended.yaml", "index.html"):
        check(f in files, f"{f} missing: {files}")
    if shutil.which("gnuplot"):
        # Group names are tic labels there, which gnuplot reads as formats.
        check("staffing.png" in files and "staffing.svg" in files, f"no staffing chart: {files}")
    with open(os.path.join(d, "staffing.csv"), newline="") as fh:
        check_csv(fh.read(), "staffing.csv", ["group"])
    d = os.path.join(TMP, "curve")
    out, err = expect_rc(run("staff", STEADY, "--curve", "--group", GROUPS[1], "-o", d), 0,
                         "staff --curve -o")
    check_no_control(out + err, "staff --curve output")
    check(GROUPS[1] in out, "staff --curve: the group's name")
    if shutil.which("gnuplot"):
        check(os.path.exists(os.path.join(d, "staff_curve.png")), "no staff_curve chart")


@test("diagnostics naming a hostile name: one located line each, no control character")
def _():
    bad = scenario_text(False).replace("    skills: [" + q(TYPES[0]),
                                       "    skills: [" + q("nope\x1b]0;x\x07\nnext"), 1)
    path = write("bad.yaml", bad)
    out, err = expect_rc(run("validate", path), 2, "validate bad")
    check_no_control(out + err, "diagnostics")
    lines = [x for x in err.split("\n") if x]
    check(lines, "no diagnostic")
    for line in lines:
        check(re.match(r"^[^:]+:\d+:\d+: (error|warning|note): ", line) or
              line.startswith("acdsim"), f"not a located line: {line!r}")
    check(any("nope" in x and "next" in x for x in lines), f"the name missing: {err!r}")


@test("report on a results.json with a bad escape (ESC, newline): one located line")
def _():
    for i, doc in enumerate((b'{"scenario": "\\\x1b]0;x\x07"}', b'{"scenario": "x\\\n"}')):
        path = os.path.join(TMP, f"bad{i}.json")
        with open(path, "wb") as f:
            f.write(doc)
        p = subprocess.run([ACDSIM, "report", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 2, f"exit {p.returncode}: {err!r}")
        check(p.stdout == b"", "stdout not empty")
        check_no_control(err, "report diagnostic")
        lines = err.rstrip("\n").split("\n")
        check(len(lines) == 1, f"{len(lines)} lines: {err!r}")
        check(re.match(re.escape(path) + r":\d+:\d+: error: not valid JSON", lines[0]),
              f"not located: {err!r}")


sys.exit(taplib.run(cleanup=TMP))
