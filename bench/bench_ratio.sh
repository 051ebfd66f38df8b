#!/bin/sh
# bench_ratio.sh: acdsim's engine against the bare hand-written loop for the
# same Erlang-A model (bench_erlang_a vs bench_bare), measured side by side.
#
#   bench/bench_ratio.sh [-b BUILD] [-n CALLS] [-r ROUNDS] [-m head|lazy] [wall|callgrind]
#
#   wall       (default) ROUNDS rounds (default 5) of both programs,
#              interleaved, the order alternating each round (A B, B A, ...),
#              CALLS calls each (default 10000000). Prints every run's calls
#              per wall second (the programs' own timing of the simulation)
#              and per CPU second (user + sys of the process, from `times`),
#              the medians and the ratios acdsim / bare.
#   callgrind  one run of each under valgrind's callgrind, CALLS calls
#              (default 1000000): instructions collected, per call, and the
#              ratio bare / acdsim (the speed ratio in instructions).
#              Repeatable whatever else the machine is doing.
#
#   -b BUILD   the meson build directory (default: build, next to bench/)
#   -m MODE    the bare loop's abandons: head (default; checked when the
#              caller reaches the head of the queue, no abandon events) or
#              lazy (abandon events, lazily deleted). See bench/bare-loop.md.
#
# Build first: ninja -C build bench/bench_bare bench/bench_erlang_a.
# On a shared machine: nice bench/bench_ratio.sh, and trust callgrind.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
calls=""
rounds=5
mode="head"
what="wall"

usage() {
    echo 'usage: bench/bench_ratio.sh [-b BUILD] [-n CALLS] [-r ROUNDS] [-m head|lazy] [wall|callgrind]' >&2
    exit 2
}

while getopts b:n:r:m:h opt; do
    case $opt in
    b) build=$OPTARG ;;
    n) calls=$OPTARG ;;
    r) rounds=$OPTARG ;;
    m) mode=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
[ $# -eq 0 ] || what=$1
case $what in wall | callgrind) ;; *) usage ;; esac
case $mode in head | lazy) ;; *) usage ;; esac

acd="$build/bench/bench_erlang_a"
bare="$build/bench/bench_bare"
for p in "$acd" "$bare"; do
    [ -x "$p" ] || {
        echo "bench_ratio: $p not built (ninja -C $build bench/bench_bare bench/bench_erlang_a)" >&2
        exit 1
    }
done

# The value of key KEY in a program's output (first field after the key).
field() { # KEY FILE
    awk -v k="$1" '$1 == k { print $2; exit }' "$2"
}

# Children's user + sys CPU seconds in the output of `times` on stdin (its
# second line). `times` itself must run in the main shell, not in $(...).
child_cpu() {
    awk 'NR == 2 {
        s = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
        printf "%.6f\n", s
    }'
}

# The median of the numbers on stdin.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
    }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Callgrind run of PROG with CALLS calls: "instructions calls check" on stdout.
cg_run() { # PROG CALLS
    if [ "$1" = acdsim ]; then
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$acd" "$2" >"$tmp/out" 2>"$tmp/err"
    else
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bare" "$2" 1 "$mode" >"$tmp/out" 2>"$tmp/err"
    fi
    ir=$(awk '/Collected/ { print $NF; exit }' "$tmp/err")
    n=$(field calls "$tmp/out")
    if [ -z "$ir" ] || [ -z "$n" ]; then
        cat "$tmp/err" >&2
        exit 1
    fi
    echo "$ir $n $(grep '^check' "$tmp/out" | sed 's/^check *//; s/ (exact [0-9.]*)//g')"
}

if [ "$what" = callgrind ]; then
    : "${calls:=1000000}"
    command -v valgrind >/dev/null || {
        echo "bench_ratio: valgrind not found" >&2
        exit 1
    }
    echo "callgrind, $calls calls, bare loop mode $mode"
    echo "(net: minus a 10-call run's instructions, i.e. start-up, loader and set-up)"
    printf '%-8s %10s %14s %9s %9s  %s
' program calls instructions per_call net/call check
    for prog in acdsim bare; do
        cg_run "$prog" 10 >"$tmp/base_$prog"
        cg_run "$prog" "$calls" >"$tmp/run_$prog"
        read -r i0 n0 _ <"$tmp/base_$prog"
        read -r i1 n1 chk <"$tmp/run_$prog"
        printf '%-8s %10s %14s %9.1f %9.1f  %s\n' "$prog" "$n1" "$i1" \
            "$(echo "$i1 $n1" | awk '{ print $1 / $2 }')" \
            "$(echo "$i1 $n1 $i0 $n0" | awk '{ print ($1 - $3) / ($2 - $4) }')" "$chk"
        echo "$i1 $n1 $i0 $n0" >"$tmp/cg_$prog"
    done
    read -r ia na ja ma <"$tmp/cg_acdsim"
    read -r ib nb jb mb <"$tmp/cg_bare"
    awk -v ia="$ia" -v na="$na" -v ja="$ja" -v ma="$ma" -v ib="$ib" -v nb="$nb" -v jb="$jb" -v mb="$mb" 'BEGIN {
        pa = ia / na; pb = ib / nb
        qa = (ia - ja) / (na - ma); qb = (ib - jb) / (nb - mb)
        printf "instructions per call, acdsim / bare: %.2f (net %.2f); ratio bare/acdsim: %.3f (net %.3f)\n", pa / pb, qa / qb, pb / pa, qb / qa
    }'
    exit 0
fi

: "${calls:=10000000}"
echo "wall, $rounds rounds, $calls calls, bare loop mode $mode (order alternates each round)"
printf '%-6s %-8s %12s %8s %8s %14s %14s\n' round program calls wall_s cpu_s calls_per_s calls_per_cpu_s
i=1
while [ "$i" -le "$rounds" ]; do
    if [ $((i % 2)) -eq 1 ]; then order="acdsim bare"; else order="bare acdsim"; fi
    for prog in $order; do
        if [ "$prog" = acdsim ]; then set -- "$acd" "$calls"; else set -- "$bare" "$calls" 1 "$mode"; fi
        times >"$tmp/t0"
        "$@" >"$tmp/out"
        times >"$tmp/t1"
        c0=$(child_cpu <"$tmp/t0")
        c1=$(child_cpu <"$tmp/t1")
        n=$(field calls "$tmp/out")
        w=$(field wall_s "$tmp/out")
        cps=$(field calls_per_s "$tmp/out")
        cpu=$(echo "$c0 $c1" | awk '{ printf "%.3f\n", $2 - $1 }')
        cpucps=$(echo "$n $cpu" | awk '{ if ($2 > 0) printf "%.0f\n", $1 / $2; else print "nan" }')
        echo "$cps" >>"$tmp/wall_$prog"
        echo "$cpucps" >>"$tmp/cpu_$prog"
        [ "$i" -eq 1 ] && grep '^check' "$tmp/out" | sed "s/^check */$prog: /" >>"$tmp/checks"
        printf '%-6s %-8s %12s %8s %8s %14s %14s\n' "$i" "$prog" "$n" "$w" "$cpu" "$cps" "$cpucps"
    done
    i=$((i + 1))
done
echo
cat "$tmp/checks"
wa=$(median <"$tmp/wall_acdsim")
wb=$(median <"$tmp/wall_bare")
ca=$(median <"$tmp/cpu_acdsim")
cb=$(median <"$tmp/cpu_bare")
awk -v wa="$wa" -v wb="$wb" -v ca="$ca" -v cb="$cb" 'BEGIN {
    printf "median calls/s (wall): acdsim %.3f M, bare %.3f M, ratio acdsim/bare %.3f\n", wa / 1e6, wb / 1e6, wa / wb
    if (ca > 0 && cb > 0)
        printf "median calls/CPU-s:    acdsim %.3f M, bare %.3f M, ratio acdsim/bare %.3f\n", ca / 1e6, cb / 1e6, ca / cb
}'
