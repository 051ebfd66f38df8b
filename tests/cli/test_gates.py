#!/usr/bin/env python3
"""CI gates (issue 13): --assert on intervals, the checks in the results
JSON, --junit FILE (JUnit XML checked against tests/data/junit.xsd with
xmllint and parsed by xml.etree), and the text verdict's interval counts.

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory.
Small runs (-r 4) of scenarios/training.yaml: an operating day 08:00-12:00
in 15-minute intervals whose 09:xx-10:xx intervals miss 80/20 by far (the
service level falls to ~50% there) while 08:00-08:15 meets it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.dirname(os.path.abspath(TESTS_DIR))
TRAINING = os.path.join(ROOT, "scenarios", "training.yaml")
UTILITY = os.path.join(ROOT, "scenarios", "utility.yaml")
XSD = os.path.join(TESTS_DIR, "data", "junit.xsd")
FAST = ["-r", "4", "--no-timing"]

TMP = tempfile.mkdtemp(prefix="acdsim-gates-")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402
from taplib import check, expect_rc, test  # noqa: E402


def run(*args, timeout=240):
    p = subprocess.run([ACDSIM, *args], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


_json = {}


def training_json():
    """The training day's results once (-r 4), for the figures to test against."""
    if "doc" not in _json:
        out, _ = expect_rc(run("run", TRAINING, *FAST, "-f", "json"), 0, "run -f json")
        _json["doc"] = json.loads(out)
    return _json["doc"]


def validate_junit(path):
    """The file is JUnit XML: the schema check, then the parsed tree."""
    # xmllint: Debian's libxml2-utils (build.sh installs it with the tests).
    check(shutil.which("xmllint"), "xmllint not found (apt-get install libxml2-utils)")
    p = subprocess.run(["xmllint", "--noout", "--schema", XSD, path], capture_output=True)
    check(p.returncode == 0, "xmllint --schema: " + p.stderr.decode(errors="replace")[:600])
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", root.tag)
    suites = root.findall("testsuite")
    check(len(suites) == 1, f"{len(suites)} test suites")
    s = suites[0]
    cases = s.findall("testcase")
    check(int(s.get("tests")) == len(cases), "tests= is not the number of test cases")
    failed = [c for c in cases if c.find("failure") is not None]
    check(int(s.get("failures")) == len(failed), "failures= is not the number of failures")
    check(int(root.get("tests")) == len(cases) and int(root.get("failures")) == len(failed),
          "testsuites totals")
    return s, cases


# ---------------------------------------------------------------- --assert

@test("per-interval --assert: a failing interval exits 3 and is named with its value and CI")
def _():
    doc = training_json()
    iv = {i["start"]: i for i in doc["intervals"]}
    sl = iv["10:00"]["service_level"]
    check(sl["mean"] < 0.8, f"10:00 service level {sl['mean']} (expected a miss)")
    rc, out, err = run("run", TRAINING, *FAST, "-q", "--assert", "10:00.service_level>=0.8")
    check(rc == 3, f"exit {rc}: {err}")
    line = [ln for ln in err.splitlines() if "assertion failed" in ln]
    check(len(line) == 1, err)
    check("10:00-10:15" in line[0], line[0])
    check(f"measured {sl['mean']:.4g}" in line[0] and "± " in line[0], line[0])
    # The interval that meets it passes; the day's figure is another check.
    expect_rc(run("run", TRAINING, *FAST, "-q", "--assert", "08:00.service_level>=0.8"), 0,
              "08:00 meets 80%")


@test("every_interval: exit 3 naming every failing interval (value and CI), none that holds")
def _():
    doc = training_json()
    failing = [i["start"] + "-" + i["end"] for i in doc["intervals"]
               if i["service_level"]["mean"] < 0.8]
    holding = [i["start"] + "-" + i["end"] for i in doc["intervals"]
               if i["service_level"]["mean"] >= 0.8]
    check(failing and holding, "the training day should both miss and meet 80%")
    rc, _, err = run("run", TRAINING, *FAST, "-q", "--assert",
                     "every_interval.service_level>=target")
    check(rc == 3, f"exit {rc}")
    check(f"{len(failing)} of {len(doc['intervals'])} intervals fail" in err, err)
    named = [ln.strip().split(": measured")[0] for ln in err.splitlines() if ln.startswith("  ")]
    check(named == failing, f"named {named}, expected {failing}")
    check(all("± " in ln for ln in err.splitlines() if ln.startswith("  ")), err)
    expect_rc(run("run", TRAINING, *FAST, "-q", "--assert", "every_interval.offered>=0"), 0,
              "a bound every interval meets")


@test("NAME@HH:MM and the forms of issue 12 still work; exit 0 when all hold")
def _():
    doc = training_json()
    t = doc["intervals"][0]["call_types"]
    name = sorted(t)[0]
    ab = t[name]["abandon_rate"]["mean"]
    rc, _, err = run("run", TRAINING, *FAST, "-q",
                     "--assert", f"{name}@08:00.abandon_rate<={ab + 0.01}",
                     "--assert", f"{name}@every_interval.offered>=0",
                     "--assert", "service_level>=0.1",
                     "--assert", f"{name}.service_level>=0.1")
    check(rc == 0, f"exit {rc}: {err}")
    rc, _, err = run("run", TRAINING, *FAST, "-q", "--assert", "targets")
    check(rc == 3 and "targets:" in err, f"exit {rc}: {err}")


@test("bad expressions: located messages (column, caret) with did-you-mean, exit 2")
def _():
    cases = [
        ("09:05.service_level>=0.8", "column 1: no interval starts at 09:05",
         "did you mean '09:00'?", "^~~~~"),
        ("every_interval.servce_level>=0.8", "column 16: unknown metric 'servce_level'",
         "did you mean 'service_level'?", "^~~~~~~~~~~~"),
        ("ordrs@09:00.service_level>=0.8", "column 1: unknown call type or agent group 'ordrs'",
         "did you mean", "^~~~~"),
        ("13:00.service_level>=0.8", "no interval starts at 13:00: the day runs 08:00 to 12:00",
         "", "^~~~~"),
        ("09:00.service_level>=0.8x", "got '0.8x'", "", "^~~~"),
    ]
    for expr, msg, hint, caret in cases:
        rc, out, err = run("run", TRAINING, "-r", "2", "--assert", expr)
        check(rc == 2 and out == "", f"{expr}: exit {rc}")
        lines = err.splitlines()
        check(lines and msg in lines[0] and hint in lines[0], f"{expr}: {err}")
        check(len(lines) >= 3 and lines[1] == "    " + expr and lines[2].strip() == caret,
              f"{expr}: no caret under the part: {err}")
    rc, _, err = run("run", UTILITY, "-r", "2", "--assert", "every_interval.service_level>=0.8")
    check(rc == 2 and "no intervals (a steady-state horizon)" in err, err)


# ---------------------------------------------------------------- JSON

@test("results JSON: checks.assertions (every figure judged) and checks.targets per interval")
def _():
    rc, out, err = run("run", TRAINING, *FAST, "-f", "json",
                       "--assert", "every_interval.service_level>=0.8",
                       "--assert", "service_level>=0.1")
    check(rc == 3, f"exit {rc}")
    doc = json.loads(out)
    a = doc["checks"]["assertions"]
    check([x["assertion"] for x in a] == ["every_interval.service_level>=0.8",
                                          "service_level>=0.1"], a)
    check(a[0]["passed"] is False and a[1]["passed"] is True, "passed flags")
    items = a[0]["results"]
    check([x["interval"] for x in items] == [i["start"] for i in doc["intervals"]], "intervals")
    for x, iv in zip(items, doc["intervals"]):
        check(x["mean"] == iv["service_level"]["mean"] and x["ci95"] == iv["service_level"]["ci95"],
              f"{x['interval']}: figure")
        check(x["passed"] == (x["mean"] >= 0.8) and x["verdict"] == ("met" if x["passed"] else
                                                                      "missed"), x)
    check(a[1]["results"][0]["interval"] is None and a[1]["message"] is None, a[1])
    check("intervals fail" in a[0]["message"], a[0]["message"])

    t = {x["target"]: x for x in doc["checks"]["targets"]}
    sl = t["Service level (20s)"]
    check(sl["call_type"] is None and sl["bound"] == 0.8 and sl["op"] == ">=", sl)
    check(sl["mean"] == doc["summary"]["service_level"]["mean"], "day figure")
    check(len(sl["intervals"]) == len(doc["intervals"]), "a verdict per interval")
    missed = sum(1 for i in sl["intervals"] if i["verdict"] == "missed")
    check(sl["intervals_missed"] == missed and missed > 0, sl["intervals_missed"])
    check(set(t) >= {"Abandon rate", "Average speed of answer"}, sorted(t))
    # Without --assert: no assertions, the targets all the same.
    doc2 = training_json()
    check(doc2["checks"]["assertions"] == [] and doc2["checks"]["targets"] ==
          doc["checks"]["targets"], "checks without --assert")


# ---------------------------------------------------------------- JUnit

@test("--junit: valid JUnit XML (xmllint --schema, xml.etree), a case per assertion and target")
def _():
    path = os.path.join(TMP, "junit.xml")
    rc, _, err = run("run", TRAINING, *FAST, "-q", "--junit", path,
                     "--assert", "every_interval.service_level>=0.8",
                     "--assert", "offered>=1")
    check(rc == 3, f"exit {rc}: {err}")
    s, cases = validate_junit(path)
    check(s.get("name") == "Harbor Street Books - Saturday order line (training)", s.get("name"))
    doc = training_json()
    n_targets = len(doc["checks"]["targets"])
    check(len(cases) == 2 + n_targets, f"{len(cases)} cases")
    first = cases[0]
    check(first.get("name") == "every_interval.service_level>=0.8" and
          first.get("classname") == "center@every_interval", first.attrib)
    f = first.find("failure")
    check(f is not None and f.get("type") == "assertion", "failure element")
    bad = [i for i in doc["intervals"] if i["service_level"]["mean"] < 0.8]
    for i in bad:
        check(f"{i['start']}-{i['end']}: measured" in f.get("message"), f.get("message"))
    check("± " in f.get("message"), f.get("message"))
    check(cases[1].find("failure") is None and cases[1].get("classname") == "center", "offered")
    tcases = {c.get("name"): c for c in cases[2:]}
    for t in doc["checks"]["targets"]:
        name = [n for n in tcases if n.startswith("target: " + t["target"] + " ")]
        check(len(name) == 1, f"no test case for {t['target']}")
        c = tcases[name[0]]
        check((c.find("failure") is not None) == (t["verdict"] != "met"), name[0])
        if t["verdict"] == "missed":
            check(f"measured {t['mean']:.4g} ± " in c.find("failure").get("message"), name[0])


@test("--junit without --assert: the targets; staff --junit: the recommended plan's checks")
def _():
    path = os.path.join(TMP, "targets.xml")
    rc, _, err = run("run", TRAINING, *FAST, "-q", "--junit", path)
    check(rc == 0, f"exit {rc} (targets alone never exit 3): {err}")
    _, cases = validate_junit(path)
    check(all(c.get("name").startswith("target: ") for c in cases) and cases, "target cases")
    path = os.path.join(TMP, "staff.xml")
    rc, _, err = run("staff", TRAINING, "-r", "4", "-q", "--junit", path,
                     "--assert", "service_level>=0.8", timeout=600)
    check(rc == 0, f"staff: exit {rc}: {err[-400:]}")
    _, cases = validate_junit(path)
    check(cases[0].get("name") == "service_level>=0.8" and cases[0].find("failure") is None,
          "the recommendation meets its goal")


@test("--junit: names escaped for XML (<, &, quotes, control characters); bad FILE exits 2")
def _():
    sc = os.path.join(TMP, "names.yaml")
    with open(TRAINING) as f:
        text = f.read()
    text = text.replace("name: Harbor Street Books - Saturday order line (training)",
                        'name: "A <b>&amp; \\"q\\" \'s\\u0001\\u0085 \\uFFFE"')
    with open(sc, "w") as f:
        f.write(text)
    path = os.path.join(TMP, "names.xml")
    rc, _, err = run("run", sc, *FAST, "-q", "--junit", path)
    check(rc == 0, f"exit {rc}: {err}")
    s, _ = validate_junit(path)
    check(s.get("name") == 'A <b>&amp; "q" \'s\\x01\\u0085 \\ufffe', repr(s.get("name")))
    rc, _, err = run("run", TRAINING, "-r", "2", "--junit", TMP)
    check(rc == 2 and "is a directory" in err, err)
    rc, _, err = run("run", TRAINING, "-r", "2", "--junit", os.path.join(TMP, "no", "x.xml"))
    check(rc == 2 and "does not exist" in err, err)
    check(not [f for f in os.listdir(TMP) if ".tmp." in f], "a temporary file was left")


# ---------------------------------------------------------------- verdict

@test("text verdict: how many intervals miss each goal, with their clock ranges")
def _():
    rc, out, err = run("run", TRAINING, *FAST)
    check(rc == 0, err)
    doc = training_json()
    tail = out[out.index("\nVerdict:"):]
    for t in doc["checks"]["targets"]:
        if t["intervals_missed"]:
            check(f"{t['intervals_missed']} of {t['intervals_judged']} intervals miss it" in tail,
                  f"{t['target']}: {tail}")
    check(all(len(ln) <= 80 for ln in tail.splitlines()), "verdict lines over 80 columns")


def main():
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
