#!/usr/bin/env python3
"""With no model feature in use, results equal the foundation engine's (TAP).

golden/plain.json holds the metrics and totals that `acdsim run
golden/plain.yaml -f json --no-timing` printed before the call-center model
(operating days, tiers, callers, shifts...) was added. The same scenario and
seed must give the same numbers, bit for bit, whatever the thread count.
(The ci95 figures were re-recorded once, issue 16: replications are now
folded one at a time, and Welford's sum of squares differs from the
two-pass one in the last bit or two; every mean and total is unchanged.)
Environment: ACDSIM (binary), TESTS_DIR (tests/ directory).
"""
import json
import os
import subprocess
import sys

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(__file__)))


def compare(golden, got, path, diffs):
    if isinstance(golden, dict):
        for k, v in golden.items():
            if not isinstance(got, dict) or k not in got:
                diffs.append(f"{path}.{k}: missing")
            else:
                compare(v, got[k], f"{path}.{k}", diffs)
    elif golden != got:
        diffs.append(f"{path}: {got!r}, golden {golden!r}")


def main():
    scenario = os.path.join(TESTS_DIR, "golden", "plain.yaml")
    with open(os.path.join(TESTS_DIR, "golden", "plain.json")) as f:
        golden = json.load(f)
    runs = [("-j", "1"), ("-j", "2")]
    print(f"1..{len(runs)}")
    failed = 0
    for i, opts in enumerate(runs, 1):
        p = subprocess.run([ACDSIM, "run", scenario, "-f", "json", "--no-timing", *opts],
                           capture_output=True, text=True)
        diffs = []
        if p.returncode != 0:
            diffs.append(f"exit {p.returncode}: {p.stderr.strip()}")
        else:
            compare(golden, json.loads(p.stdout), "", diffs)
        if diffs:
            failed += 1
            print(f"not ok {i} - golden results with {' '.join(opts)}")
            for d in diffs[:20]:
                print(f"# {d}")
        else:
            print(f"ok {i} - golden results with {' '.join(opts)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
