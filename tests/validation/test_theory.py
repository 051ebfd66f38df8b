#!/usr/bin/env python3
"""Simulation against exact queueing theory (TAP).

For every case in data/public_cases.json (a copy of the exact oracle: Erlang
B, Erlang C, Erlang A, M/M/c/K), write a scenario with those parameters, run
it with `acdsim run -f json`, and check nine metrics of the center summary:
each within 4 CI half-widths (plus 1e-3 absolute) of the exact value, with a
CI half-width no larger than 5% of the value or 0.005 absolute. Horizons are
sized per case: heavy traffic (rho = 0.98) converges slowly.

Environment: ACDSIM (binary), TESTS_DIR (tests/ source directory).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(__file__)))

# Calls per replication (after warm-up); 10 replications each. Sized so every
# CI half-width meets the 5% / 0.005 bound with a margin of about 1.5x.
CALLS_PER_REP = {
    "pub-c-03": 2_000_000,
    "pub-c-04": 15_000_000,  # rho = 0.98, c = 500: the slowest to converge
    "pub-a-01": 2_000_000,
    "pub-a-03": 1_000_000,
    "pub-a-05": 2_000_000,
}
DEFAULT_CALLS = 500_000
REPLICATIONS = 10
SEED = 20261122


def expected_metrics(case):
    """Map the oracle's keys to acdsim's metric keys (interface.md)."""
    e = case["expected"]
    m = case["model"]
    if m == "erlang_b":
        b = e["p_block"]
        return {
            "service_level": 1 - b, "service_level_answered": 1.0, "abandon_rate": 0.0,
            "blocked_rate": b, "p_wait": 0.0, "asa_s": 0.0, "mean_wait_s": 0.0,
            "mean_queue_len": 0.0, "occupancy": e["occupancy"],
        }
    if m == "erlang_c":
        return {
            "service_level": e["service_level"], "service_level_answered": e["service_level"],
            "abandon_rate": 0.0, "blocked_rate": 0.0, "p_wait": e["p_wait"],
            "asa_s": e["mean_wait_s"], "mean_wait_s": e["mean_wait_s"],
            "mean_queue_len": e["mean_queue_length"], "occupancy": e["occupancy"],
        }
    if m == "erlang_a":
        return {
            "service_level": e["sl_answered_over_offered"],
            "service_level_answered": e["sl_answered_over_answered"],
            "abandon_rate": e["p_abandon"], "blocked_rate": 0.0, "p_wait": e["p_wait"],
            "asa_s": e["mean_wait_served_s"], "mean_wait_s": e["mean_wait_all_s"],
            "mean_queue_len": e["mean_queue_length"], "occupancy": e["occupancy"],
        }
    if m == "mmck":
        return {
            "service_level": e["sl_answered_over_offered"],
            "service_level_answered": e["sl_admitted"], "abandon_rate": 0.0,
            "blocked_rate": e["p_block"], "p_wait": e["p_wait_offered"],
            "asa_s": e["mean_wait_admitted_s"],
            # blocked calls count as a zero wait in mean_wait_s
            "mean_wait_s": e["mean_wait_admitted_s"] * e["p_admitted"],
            "mean_queue_len": e["mean_queue_length"], "occupancy": e["occupancy"],
        }
    raise ValueError(m)


def scenario_yaml(case, queue_key="capacity"):
    lam = case["lambda_per_s"]
    aht = case["mean_service_s"]
    calls = CALLS_PER_REP.get(case["id"], DEFAULT_CALLS)
    duration = calls / lam
    # Warm-up: long enough for the queue to forget its empty start.
    warmup = max(50 * aht, 0.02 * duration)
    threshold = case["sl_threshold_s"] if case["sl_threshold_s"] is not None else 20
    lines = [
        f"name: {case['id']}",
        f"seed: {SEED}",
        f"replications: {REPLICATIONS}",
        f"horizon: {{duration: {duration + warmup!r}s, warmup: {warmup!r}s}}",
        f"service_level: {{threshold: {threshold!r}s, target: 0.8}}",
        "call_types:",
        "  - name: calls",
        f"    arrivals: {{rate: {lam!r}/s}}",
        f"    handle_time: {{dist: exponential, mean: {aht!r}s}}",
    ]
    if case["model"] == "erlang_a":
        lines.append(f"    patience: {{dist: exponential, mean: {case['mean_patience_s']!r}s}}")
    lines += [
        "agent_groups:",
        "  - name: agents",
        "    skills: [calls]",
        f"    agents: {case['agents']}",
    ]
    if case["model"] == "erlang_b":
        lines.append("queue: {capacity: 0}")
    elif case["model"] == "mmck":
        if queue_key == "lines":
            lines.append(f"queue: {{lines: {case['capacity']}}}")
        else:
            lines.append(f"queue: {{capacity: {case['capacity'] - case['agents']}}}")
    return "\n".join(lines) + "\n"


def run_case(tmp, case, queue_key="capacity"):
    path = os.path.join(tmp, f"{case['id']}-{queue_key}.yaml")
    with open(path, "w") as f:
        f.write(scenario_yaml(case, queue_key))
    p = subprocess.run([ACDSIM, "run", path, "-f", "json", "-j", "2", "--no-timing"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {p.stderr.strip()}"
    return json.loads(p.stdout), None


def main():
    with open(os.path.join(TESTS_DIR, "data", "public_cases.json")) as f:
        cases = json.load(f)["cases"]
    runs = [(c, "capacity") for c in cases]
    # M/M/c/K again, with the system size given as lines instead of a waiting room.
    runs += [(c, "lines") for c in cases if c["model"] == "mmck"]
    print(f"1..{len(runs)}")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (case, qk) in enumerate(runs, 1):
            name = case["id"] + ("" if qk == "capacity" else " (queue.lines)")
            res, err = run_case(tmp, case, qk)
            if err:
                print(f"not ok {i} - {name}\n# {err}")
                failures += 1
                continue
            problems, notes = [], []
            for key, exact in expected_metrics(case).items():
                est = res["summary"][key]
                mean, ci = est["mean"], est["ci95"]
                if mean is None or ci is None:
                    problems.append(f"{key}: no estimate")
                    continue
                tol = 4 * ci + 1e-3
                z = abs(mean - exact) / ci if ci > 0 else (0 if mean == exact else math.inf)
                notes.append(f"{key} {mean:.6g}±{ci:.2g} exact {exact:.6g} ({z:.1f} hw)")
                if abs(mean - exact) > tol:
                    problems.append(f"{key}: {mean:.6g} ± {ci:.3g}, exact {exact:.6g}")
                if ci > max(0.05 * abs(exact), 0.005):
                    problems.append(f"{key}: CI half-width {ci:.3g} too wide for {exact:.6g}")
            if problems:
                failures += 1
                print(f"not ok {i} - {name}")
                for p in problems:
                    print(f"# {p}")
            else:
                print(f"ok {i} - {name}")
            for n in notes:
                print(f"# {n}")
            sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
