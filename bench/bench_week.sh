#!/bin/sh
# A 7-day week of the utility center with chat and e-mail (scenarios/utility_week.yaml,
# 30 replications): wall and CPU seconds of `acdsim run` on 2 threads, the
# whole command (parsing, simulation, estimates, text output), 5 runs.
# Usage: bench/bench_week.sh [BUILD_DIR] [RUNS]      (issue 17, acceptance 5)
set -eu
build=${1:-build}
runs=${2:-5}
here=$(dirname "$0")
i=0
while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB" \
        "$build/acdsim" run "$here/../scenarios/utility_week.yaml" -j 2 --no-timing >/dev/null
    i=$((i + 1))
done
