#!/usr/bin/env python3
"""Speed of `acdsim compare` against one `acdsim run` (issue 13, acceptance
6: comparing two utility days at 30 replications takes under 2.2x one run).

Runs, interleaved round by round so that load from other processes hits
both alike:
    acdsim run     scenarios/utility_day.yaml -r 30 -j J -f FMT
    acdsim compare scenarios/utility_day.yaml B.yaml -r 30 -j J -f FMT
where B.yaml is the utility day with one more agent 09:00-09:30 (a copy
next to the scenario's data). Prints the median wall time of each and
their ratio.

    python3 bench/bench_compare.py [ACDSIM] [--rounds N] [--threads J] [--format FMT]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DAY = os.path.join(ROOT, "scenarios", "utility_day.yaml")
EVENING = ('      - {start: "15:00", end: "19:00", count: 4, '
           'breaks: [{start: "16:45", length: 15m}]}   # part-time, evening\n')


def wall(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("acdsim", nargs="?", default=os.path.join(ROOT, "build", "acdsim"))
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--format", default="text", help="text (default) or json, both commands")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="acdsim-bench-compare-")
    os.symlink(os.path.join(ROOT, "scenarios", "data"), os.path.join(tmp, "data"))
    with open(DAY, encoding="utf-8") as f:
        text = f.read()
    assert EVENING in text
    b = os.path.join(tmp, "plus.yaml")
    with open(b, "w", encoding="utf-8") as f:
        f.write(text.replace(EVENING, EVENING + '      - {start: "09:00", end: "09:30", count: 1}\n'))
    common = ["-r", "30", "-j", str(a.threads), "-f", a.format]
    run_cmd = [a.acdsim, "run", DAY, *common]
    cmp_cmd = [a.acdsim, "compare", DAY, b, *common]
    wall(run_cmd), wall(cmp_cmd)  # warm the caches
    runs, cmps = [], []
    for _ in range(a.rounds):
        runs.append(wall(run_cmd))
        cmps.append(wall(cmp_cmd))
    r, c = statistics.median(runs), statistics.median(cmps)
    print(f"run     median {r:.3f} s  (min {min(runs):.3f}, max {max(runs):.3f})")
    print(f"compare median {c:.3f} s  (min {min(cmps):.3f}, max {max(cmps):.3f})")
    print(f"ratio   {c / r:.2f}x  ({a.rounds} interleaved rounds, -j {a.threads}, -f {a.format})")
    return 0 if c / r < 2.2 else 1


if __name__ == "__main__":
    sys.exit(main())
