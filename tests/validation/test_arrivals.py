#!/usr/bin/env python3
"""Arrivals of an operating day: as many calls as the forecast says (TAP).

Arrivals are Poisson with a constant rate within each interval. At an
interval boundary where the rate does not change, the pending draw must
stand whatever its value, including a draw that falls after closing
(nothing pending); redrawing only then kept the short draws and replaced
the long ones, and gave 18.34 +/- 0.06 calls a day instead of 18 for one
call type at 2 calls per hour over nine hours (issue 12).

For low volumes (0.5 to 5 calls per interval: the time between calls is
comparable to the interval), constant and changing, with a zero-volume
interval in the middle: the offered calls of every interval equal the
forecast within 2 CI half-widths (about 4 standard errors), and the day's
total equals the one-interval equivalent (the same volume as one long
interval) within the combined CI.

Environment: ACDSIM (binary), TESTS_DIR (tests/ source directory).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "cli"))
from taplib import check, run, test  # noqa: E402

ACDSIM = os.environ.get("ACDSIM", "acdsim")
TMP = tempfile.mkdtemp(prefix="acdsim-arrivals-")
SEED = 20261202
REPLICATIONS = 20000


def scenario(name, per_interval, interval_min):
    n = len(per_interval)
    close_min = 8 * 60 + n * interval_min
    vol = ", ".join(repr(v) for v in per_interval)
    return f"""\
name: {name}
seed: {SEED}
replications: {REPLICATIONS}
horizon: {{open: "08:00", close: "{close_min // 60:02d}:{close_min % 60:02d}", interval: {interval_min}m}}
call_types:
  - name: low
    arrivals: {{per_interval: [{vol}]}}
    handle_time: {{dist: exponential, mean: 5m}}
agent_groups:
  - {{name: desk, skills: [low], agents: 4}}
"""


def simulate(name, per_interval, interval_min):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(scenario(name, per_interval, interval_min))
    res = subprocess.run([ACDSIM, "run", path, "-f", "json"], capture_output=True, text=True)
    check(res.returncode == 0, f"{name}: exit {res.returncode}: {res.stderr.strip()[:400]}")
    return json.loads(res.stdout)


def check_day(name, per_interval, interval_min=60):
    d = simulate(name, per_interval, interval_min)
    bad = []
    for iv, want in zip(d["intervals"], per_interval):
        got, ci = iv["offered"]["mean"], iv["offered"]["ci95"]
        if abs(got - want) > 2 * ci + 1e-9:
            bad.append(f"{iv['start']}: {got:.4f} +/- {ci:.4f} offered, forecast {want}")
    check(not bad, "\n".join(bad))
    total = sum(per_interval)
    one = simulate(name + "-one", [total], interval_min * len(per_interval))
    got, ci = d["summary"]["offered"]["mean"], d["summary"]["offered"]["ci95"]
    got1, ci1 = one["summary"]["offered"]["mean"], one["summary"]["offered"]["ci95"]
    check(abs(got - got1) <= 2 * math.hypot(ci, ci1),
          f"day {got:.4f} +/- {ci:.4f} vs one interval {got1:.4f} +/- {ci1:.4f}")
    check(abs(got - total) <= 2 * ci, f"day {got:.4f} +/- {ci:.4f}, forecast {total}")


for rate in (0.5, 1, 2, 5):
    @test(f"constant {rate} calls per 1-hour interval, 9 intervals")
    def _(rate=rate):
        check_day(f"const{rate}", [rate] * 9)


@test("changing 0.5-5 calls per 30-minute interval, with an empty interval")
def _():
    check_day("changing", [0.5, 3, 1, 5, 0, 0.5, 2, 2, 2, 4, 1, 1], interval_min=30)


sys.exit(run(cleanup=TMP))
