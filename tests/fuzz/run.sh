#!/bin/sh
# Run the libFuzzer harnesses (tests/fuzz/fuzz_*.c) of a build directory
# configured with -Dfuzz=true (tests/fuzz/meson.build has the command):
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]
#
# First replays every regression input (tests/fuzz/regressions/<harness>/),
# then fuzzes each harness for SECONDS from a seed corpus built in a temp
# folder out of the shipped files (scenarios, bad scenarios, forecast CSV
# files, live scripts, golden results, assert expressions, unit strings).
# Prints one line per harness (executions, seconds) and fails on any
# finding: a crash, a sanitizer report, a failed check, a leak, a timeout
# (-timeout) or memory beyond -rss_limit_mb. Inputs that fail are kept in
# BUILD_DIR/fuzz-findings/<harness>/: copy them to
# tests/fuzz/regressions/<harness>/ once fixed.
set -u
[ $# -ge 2 ] || { echo "usage: tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
secs=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
harnesses=${*:-scenario csv calllog results live_script expect units}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/acdsim-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Seed corpora: one folder per harness, each seed a file.
seed() { # HARNESS FILE...
    d=$tmp/corpus/$1
    shift
    mkdir -p "$d"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$d/$(echo "$f" | sed "s|^$src/||; s|/|_|g")"
    done
}
seed_lines() { # HARNESS FILE: one seed per line
    d=$tmp/corpus/$1
    mkdir -p "$d"
    n=0
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" >"$d/line$n"
    done <"$2"
}
seed scenario "$src"/scenarios/*.yaml "$src"/tests/cli/bad/*.yaml "$src"/tests/live/*.yaml \
    "$src"/tests/golden/*.yaml
seed csv "$src"/scenarios/data/*.csv "$src"/tests/cli/bad/*.csv
seed calllog "$src"/tests/data/bad_logs/*.csv "$src"/tests/data/anonymous_bank_one_day.csv
seed live_script "$src"/tests/live/*.txt
seed results "$src"/tests/golden/plain.json
# Golden results: unpacked here (not stored twice); the small ones only,
# the day runs' megabyte documents make every execution slow.
for gz in "$src"/tests/golden/outputs/*/out__results.json.gz "$src"/tests/golden/outputs/live-*/stdout.json.gz; do
    [ -f "$gz" ] || continue
    out=$tmp/corpus/results/$(basename "$(dirname "$gz")").json
    gzip -dc "$gz" >"$out"
    [ "$(wc -c <"$out")" -le 131072 ] || rm -f "$out"
done
seed_lines expect "$src"/tests/fuzz/seeds/expect.txt
seed_lines units "$src"/tests/fuzz/seeds/units.txt

max_len() {
    case $1 in
    results) echo 131072 ;;
    scenario | csv | calllog) echo 65536 ;;
    live_script) echo 16384 ;;
    *) echo 256 ;;
    esac
}

export ACD_FUZZ_BASE="$src/scenarios"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
failed=0
for h in $harnesses; do
    exe=$build/tests/fuzz/fuzz_$h
    if [ ! -x "$exe" ]; then
        echo "fuzz_$h: not built (skipped)"
        continue
    fi
    found=$build/fuzz-findings/$h
    mkdir -p "$tmp/corpus/$h" "$tmp/art/$h"
    # Regression inputs: each run once, then part of the corpus.
    regs=$(find "$src/tests/fuzz/regressions/$h" -type f 2>/dev/null | sort)
    if [ -n "$regs" ]; then
        # shellcheck disable=SC2086
        if ! "$exe" -rss_limit_mb=2048 -timeout=30 $regs >"$tmp/$h.replay" 2>&1 </dev/null; then
            cat "$tmp/$h.replay" >&2
            echo "fuzz_$h: a regression input fails (above)" >&2
            failed=1
            continue
        fi
        # shellcheck disable=SC2086
        cp $regs "$tmp/corpus/$h/"
    fi
    "$exe" -max_total_time="$secs" -max_len="$(max_len "$h")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$tmp/art/$h/" "$tmp/corpus/$h" \
        >"$tmp/$h.log" 2>&1 </dev/null
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$h.log" | tail -n 1)
    if [ $rc -ne 0 ] || [ -n "$(ls -A "$tmp/art/$h")" ]; then
        tail -n 60 "$tmp/$h.log" >&2
        mkdir -p "$found"
        cp "$tmp/art/$h"/* "$found/" 2>/dev/null
        echo "fuzz_$h: FINDING after ${execs:-?} executions (exit $rc); inputs in $found" >&2
        failed=1
    else
        echo "fuzz_$h: ${execs:-?} executions in ${secs} s, $(ls "$tmp/corpus/$h" | wc -l) corpus inputs, no finding"
    fi
done
exit $failed
