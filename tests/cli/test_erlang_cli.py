#!/usr/bin/env python3
"""End-to-end tests of `acdsim erlang` (TAP output).

Environment: ACDSIM = path of the binary, TESTS_DIR = the tests/ directory
(for data/public_cases.json and data/staffing_cases.json).
JSON figures are compared with the exact oracle values to 1e-9 relative.
"""
import json
import math
import os
import subprocess
import sys

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.join(os.path.dirname(__file__), ".."))
REL = 1e-9

_results = []


def check(ok, name, diag=""):
    _results.append((bool(ok), name, diag))


def run(*args):
    p = subprocess.run([ACDSIM, "erlang", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    rc, out, err = run(*args, "--format", "json")
    if rc != 0:
        return None, "exit %d: %s" % (rc, err.strip())
    try:
        return json.loads(out), ""
    except ValueError as e:
        return None, "bad JSON (%s): %r" % (e, out[:200])


def close(got, want, rel=REL):
    if got is None:
        return False
    if want == 0:
        return abs(got) <= 1e-15
    return abs(got - want) <= rel * abs(want)


# oracle key -> our figure, per model (lambdas: only the asked one is computed)
_COMMON = {
    "offered_load_erlangs": lambda d: d["offered_load_erlangs"],
    "occupancy": lambda d: d["occupancy"],
    "throughput_per_s": lambda d: d["throughput_per_s"],
}
_BY_MODEL = {
    "erlang_b": {
        "p_block": lambda d: d["blocked_rate"],
        "carried_load_erlangs": lambda d: d["busy_agents"],
    },
    "erlang_c": {
        "p_wait": lambda d: d["p_wait"],
        "mean_wait_s": lambda d: d["mean_wait_s"],
        "mean_wait_given_wait_s": lambda d: d["mean_wait_given_wait_s"],
        "service_level": lambda d: d["service_level"],
        "p_wait_gt_t": lambda d: d["p_wait_gt_t"],
        "mean_queue_length": lambda d: d["mean_queue_len"],
        "mean_in_system": lambda d: d["mean_in_system"],
        "mean_response_s": lambda d: d["asa_s"] + d["aht_s"],
    },
    "erlang_a": {
        "offered_utilization": lambda d: d["offered_load_erlangs"] / d["agents"],
        "p_wait": lambda d: d["p_wait"],
        "p_abandon": lambda d: d["abandon_rate"],
        "p_served": lambda d: d["answered_rate"],
        "p_abandon_given_wait": lambda d: d["abandon_rate"] / d["p_wait"],
        "mean_wait_all_s": lambda d: d["mean_wait_s"],
        "mean_wait_served_s": lambda d: d["asa_s"],
        "mean_wait_abandoned_s": lambda d: d["mean_wait_abandoned_s"],
        "mean_wait_given_wait_s": lambda d: d["mean_wait_given_wait_s"],
        "mean_queue_length": lambda d: d["mean_queue_len"],
        "mean_busy_agents": lambda d: d["busy_agents"],
        "sl_answered_over_offered": lambda d: d["service_level"],
        "sl_answered_over_answered": lambda d: d["service_level_answered"],
        "sl_answered_over_offered_excl_short_abandons":
            lambda d: d["service_level"] / (1 - d["p_abandon_within_t"]),
        "p_abandon_within_t": lambda d: d["p_abandon_within_t"],
        "p_wait_gt_t": lambda d: d["p_wait_gt_t"],
        "abandon_rate_per_s": lambda d: d["rate_per_s"] * d["abandon_rate"],
    },
    "mmck": {
        "p_block": lambda d: d["blocked_rate"],
        "p_admitted": lambda d: d["answered_rate"],
        "p_wait_given_admitted": lambda d: d["p_wait"] / d["answered_rate"],
        "p_wait_offered": lambda d: d["p_wait"],
        "mean_wait_admitted_s": lambda d: d["asa_s"],
        "mean_wait_given_wait_s": lambda d: d["mean_wait_given_wait_s"],
        "mean_queue_length": lambda d: d["mean_queue_len"],
        "mean_in_system": lambda d: d["mean_in_system"],
        "mean_busy_agents": lambda d: d["busy_agents"],
        "sl_admitted": lambda d: d["service_level_answered"],
        "sl_answered_over_offered": lambda d: d["service_level"],
    },
}


def our_value(model, key, doc):
    f = _COMMON.get(key) or _BY_MODEL[model].get(key)
    if f is None:
        return None
    try:
        return f(doc)
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def case_args(c):
    model = c["model"]
    letter = {"erlang_b": "b", "erlang_c": "c", "erlang_a": "a", "mmck": "c"}[model]
    # repr() keeps every digit of the oracle's double
    args = [letter, "--rate", repr(c["lambda_per_s"]), "--aht", repr(c["mean_service_s"]),
            "--agents", str(c["agents"])]
    if c.get("sl_threshold_s") is not None:
        args += ["--sl-threshold", repr(c["sl_threshold_s"])]
    if model == "erlang_a":
        args += ["--patience", repr(c["mean_patience_s"])]
    if model == "mmck":
        args += ["--queue-capacity", str(c["capacity"] - c["agents"])]
    return args


def test_public_cases():
    with open(os.path.join(TESTS_DIR, "data", "public_cases.json")) as fh:
        cases = json.load(fh)["cases"]
    for c in cases:
        doc, diag = run_json(*case_args(c))
        if doc is None:
            check(False, "%s: JSON output" % c["id"], diag)
            continue
        bad = []
        for key, want in c["expected"].items():
            got = our_value(c["model"], key, doc)
            if not close(got, want):
                bad.append("%s: got %r, want %r" % (key, got, want))
        check(not bad and doc.get("agents") == c["agents"],
              "%s: %d metrics to 1e-9" % (c["id"], len(c["expected"])), "\n".join(bad))


def test_units_in_options():
    # Same case as pub-c-03 written with units: 360 calls / 30 min, AHT 4 min.
    a, _ = run_json("c", "--rate", "0.2/s", "--aht", "240", "--agents", "55")
    b, diag = run_json("c", "--rate", "720/h", "--aht", "4m", "--agents", "55",
                       "--sl-threshold", "00:00:20")
    ok = a is not None and b is not None and all(
        close(b[k], a[k], 1e-12) for k in ("service_level", "asa_s", "p_wait"))
    check(ok, "units: 720/h, 4m, 00:00:20 equal 0.2, 240, 20", diag)
    check(a is not None and close(a["service_level"], 0.8667964881728508),
          "pub-c-03 service level", "")


def test_staffing():
    with open(os.path.join(TESTS_DIR, "data", "staffing_cases.json")) as fh:
        st = json.load(fh)
    for c in st["erlang_c_min_agents"]:
        doc, diag = run_json("c", "--rate", repr(c["lambda_per_s"]), "--aht",
                             repr(c["mean_service_s"]), "--sl-threshold",
                             repr(c["sl_threshold_s"]), "--target-sl",
                             repr(c["target_service_level"]))
        ok = (doc is not None and doc.get("agents") == c["min_agents"]
              and doc.get("min_agents") == c["min_agents"] and doc.get("meets_targets") is True
              and close(doc.get("service_level"), c["service_level_at_min"]))
        check(ok, "erlang c --target-sl %g at %g Erlangs -> %d agents"
              % (c["target_service_level"], c["offered_load_erlangs"], c["min_agents"]),
              diag or json.dumps(doc)[:300])
    for i, c in enumerate(st["erlang_a_min_agents"]):
        args = ["a", "--rate", repr(c["lambda_per_s"]), "--aht", repr(c["mean_service_s"]),
                "--patience", repr(c["mean_patience_s"]), "--sl-threshold",
                repr(c["sl_threshold_s"])]
        if c["target_service_level"] is not None:
            args += ["--target-sl", repr(c["target_service_level"])]
        if c["max_abandon"] is not None:
            args += ["--max-abandon", repr(c["max_abandon"])]
        sl_key = "service_level"
        if c["sl_definition"] == "sl_answered_over_answered":
            args += ["--sl-definition", "answered"]
            sl_key = "service_level_answered"
        doc, diag = run_json(*args)
        ok = (doc is not None and doc.get("agents") == c["min_agents"]
              and close(doc.get(sl_key), c["sl_at_min"])
              and close(doc.get("abandon_rate"), c["p_abandon_at_min"]))
        check(ok, "erlang a staffing case %d -> %d agents" % (i + 1, c["min_agents"]),
              diag or json.dumps(doc)[:300])
    for c in st["erlang_b_min_trunks"]:
        doc, diag = run_json("b", "--rate", repr(c["lambda_per_s"]), "--aht",
                             repr(c["mean_service_s"]), "--max-blocked", repr(c["max_block"]))
        check(doc is not None and doc.get("agents") == c["min_agents"],
              "erlang b --max-blocked %g -> %d trunks" % (c["max_block"], c["min_agents"]), diag)
    # The example from the brief, in percent and with text output.
    rc, out, err = run("c", "--rate", "0.2/s", "--aht", "240", "--target-sl", "80%")
    check(rc == 0 and "54" in out and "Minimum agents" in out and err == "",
          "text: --target-sl 80% -> 54 agents", out + err)


def test_text_output():
    rc, out, err = run("a", "--rate", "2/s", "--aht", "50", "--agents", "105",
                       "--patience", "2m")
    lines = out.splitlines()
    ok = (rc == 0 and err == "" and lines and "Erlang A" in lines[0]
          and any(l.split()[:1] == ["service_level"] and l.rstrip().endswith("%") for l in lines)
          and any(l.split()[:1] == ["asa_s"] and l.rstrip().endswith("s") for l in lines)
          and "98.5419" in out)
    check(ok, "text: model line and aligned table with units", out + err)


def expect_usage_error(args, needles, name):
    rc, out, err = run(*args)
    missing = [n for n in needles if n not in err]
    check(rc == 2 and out == "" and not missing, name,
          "rc=%d stdout=%r stderr=%r missing=%r" % (rc, out, err, missing))


def test_errors():
    expect_usage_error(["c", "--rate", "x", "--aht", "240", "--agents", "55"],
                       ["acdsim erlang: error: --rate: expected a rate such as 2/s or 120/min",
                        "got 'x'"], "bad --rate")
    # Every option error is reported, not only the first.
    expect_usage_error(["c", "--rate", "fast", "--aht", "long", "--agents", "-3",
                        "--format", "xml"],
                       ["--rate:", "--aht:", "--agents:", "--format:"], "all errors collected")
    expect_usage_error(["c", "--rate", "2/s", "--aht", "50", "--agents", "90"],
                       ["unstable"], "unstable Erlang C")
    expect_usage_error(["a", "--rate", "2", "--aht", "50", "--agents", "90"],
                       ["--patience", "required"], "Erlang A without --patience")
    expect_usage_error(["c", "--rate", "2", "--aht", "50", "--agents", "110", "--patience", "60"],
                       ["--patience"], "--patience rejected for c")
    expect_usage_error(["b", "--rate", "2", "--aht", "50", "--agents", "110", "--patience", "60"],
                       ["--patience"], "--patience rejected for b")
    expect_usage_error(["b", "--rate", "2", "--aht", "50", "--agents", "110",
                        "--queue-capacity", "5"], ["--queue-capacity"],
                       "--queue-capacity rejected for b")
    expect_usage_error(["c", "--rate", "2", "--aht", "50"], ["--agents"],
                       "no --agents and no target")
    expect_usage_error(["--rate", "2", "--aht", "50", "--agents", "3"], ["model"], "no model")
    expect_usage_error(["x", "--rate", "2", "--aht", "50", "--agents", "3"], ["unknown model 'x'"],
                       "unknown model")
    expect_usage_error(["c", "--rate", "2", "--aht", "50", "--agnets", "110"],
                       ["unknown option '--agnets'", "--agents"], "unknown option, suggestion")
    expect_usage_error(["c", "--rate", "2", "--aht", "50", "--agents"], ["--agents: missing argument"],
                       "missing option value")
    expect_usage_error(["c", "--rate", "0", "--aht", "50", "--agents", "3"], ["--rate", "positive"],
                       "zero rate")
    expect_usage_error(["c", "--rate", "-2/s", "--aht", "50", "--agents", "3"], ["--rate"],
                       "negative rate")
    expect_usage_error(["c", "--rate", "nan", "--aht", "inf", "--agents", "3"],
                       ["--rate", "--aht"], "nan and inf")
    expect_usage_error(["c", "--rate", "2", "--aht", "50", "--target-sl", "1.5"],
                       ["--target-sl"], "target above 100%")
    expect_usage_error(["c", "--rate", "2", "--aht", "50", "--target-sl", "0.8",
                        "--max-abandon", "0.05"], ["--max-abandon"],
                       "--max-abandon rejected for c")
    expect_usage_error(["a", "--rate", "2", "--aht", "50", "--patience", "60",
                        "--target-sl", "0.8", "--sl-definition", "both"], ["--sl-definition"],
                       "bad --sl-definition")


def test_help():
    rc, out, err = run("--help")
    check(rc == 0 and "Usage: acdsim erlang" in out and "--target-sl" in out and err == "",
          "--help exits 0 with usage on stdout", out + err)
    rc, out, err = run("c", "-h")
    check(rc == 0 and "Usage" in out, "-h after the model", out + err)


def main():
    for t in (test_public_cases, test_units_in_options, test_staffing, test_text_output,
              test_errors, test_help):
        try:
            t()
        except Exception as e:  # one broken group must not hide the others
            check(False, "%s raised %s: %s" % (t.__name__, type(e).__name__, e))
    print("1..%d" % len(_results))
    for i, (ok, name, diag) in enumerate(_results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok and diag:
            for line in str(diag).splitlines():
                print("# " + line)
    return 0 if all(ok for ok, _, _ in _results) else 1


if __name__ == "__main__":
    sys.exit(main())
