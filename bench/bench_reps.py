#!/usr/bin/env python3
"""Peak memory and time of `acdsim run` against the number of replications
(issue 16, acceptance 4: 100,000 replications of a one-hour day in under
32 MB). Each run is a child process; its peak RSS is read from
getrusage(RUSAGE_CHILDREN) in a fresh interpreter per run, so runs do not
mask each other.

  python3 bench/bench_reps.py [--acdsim BIN] [--threads J] [--reps N,N,...]
      [--scenario bench/one_hour.yaml] [--limit-mb 32]

Prints one line per run (replications, wall s, peak MB, calls/s) and exits
1 if the largest run's peak exceeds the limit.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Run in a child interpreter: RUSAGE_CHILDREN then holds this one run only.
PROBE = r"""
import resource, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.monotonic() - t0
if p.returncode != 0:
    sys.stderr.write(p.stderr.decode())
    sys.exit(p.returncode)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, ru.ru_maxrss, len(p.stdout))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--acdsim", default=os.path.join(HERE, "..", "build", "acdsim"))
    ap.add_argument("--threads", default="2")
    ap.add_argument("--reps", default="1000,10000,100000")
    ap.add_argument("--scenario", default=os.path.join(HERE, "one_hour.yaml"))
    ap.add_argument("--limit-mb", type=float, default=32)
    a = ap.parse_args()
    print(f"# {a.acdsim} run {os.path.basename(a.scenario)} -j {a.threads}")
    print("replications  wall_s  peak_MB  output_bytes")
    peak = 0
    for n in [int(x) for x in a.reps.split(",")]:
        cmd = [a.acdsim, "run", a.scenario, "-r", str(n), "-j", a.threads, "-f", "json",
               "--no-timing", "--max-memory", "64G"]
        out = subprocess.run([sys.executable, "-c", PROBE] + cmd, stdout=subprocess.PIPE,
                             check=True, text=True).stdout.split()
        wall, rss_kb, size = float(out[0]), int(out[1]), int(out[2])
        peak = rss_kb / 1024
        print(f"{n:12d}  {wall:6.2f}  {peak:7.1f}  {size}")
    sys.exit(0 if peak < a.limit_mb else 1)


if __name__ == "__main__":
    main()
