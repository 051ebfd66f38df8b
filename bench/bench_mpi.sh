#!/bin/sh
# bench_mpi.sh: the scaling of `run` and `staff` with Open MPI ranks (issue
# 16, acceptance 6): wall seconds of
#
#   run scenarios/utility_day.yaml -r 200 -j 1
#   staff scenarios/utility_day.yaml -q -j 1
#
# on the build without MPI, and on the MPI build under mpirun -np 1 and
# -np 2 (one worker thread per rank), ROUNDS rounds interleaved (default
# 3), medians; speed-up = np 1 / np 2. The outputs are checked to be the
# same bytes on all three (run: -f json --no-timing; staff: -f json).
#
#   bench/bench_mpi.sh [-b BUILD] [-m MPI_BUILD] [-r ROUNDS]
#
#   -b BUILD      the build without MPI (default: build-rel, next to bench/)
#   -m MPI_BUILD  the build with -Dmpi=enabled (default: build-mpi-rel)
#
# Build first (release, as the other benchmarks):
#   meson setup build-rel --buildtype=release && ninja -C build-rel acdsim
#   meson setup build-mpi-rel --buildtype=release -Dmpi=enabled &&
#       ninja -C build-mpi-rel acdsim
# Needs GNU date (%N). As root, mpirun needs OMPI_ALLOW_RUN_AS_ROOT=1 and
# OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (set here when run as root).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
build="$root/build-rel"
mpibuild="$root/build-mpi-rel"
rounds=3

usage() {
    echo 'usage: bench/bench_mpi.sh [-b BUILD] [-m MPI_BUILD] [-r ROUNDS]' >&2
    exit 2
}

while getopts b:m:r:h opt; do
    case $opt in
    b) build=$OPTARG ;;
    m) mpibuild=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage

plain="$build/acdsim"
mpi="$mpibuild/acdsim"
for p in "$plain" "$mpi"; do
    [ -x "$p" ] || {
        echo "bench_mpi: $p not built (see the top of $0)" >&2
        exit 1
    }
done
command -v mpirun >/dev/null 2>&1 || {
    echo "bench_mpi: no mpirun (apt-get install openmpi-bin)" >&2
    exit 1
}
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# One machine: shared memory only, no network probing.
export OMPI_MCA_btl="${OMPI_MCA_btl:-self,vader}"
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/acdsim-bench-mpi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

scen="$root/scenarios/utility_day.yaml"
run_args="run $scen -r 200 -j 1 -f json --no-timing"
staff_args="staff $scen -q -j 1 -f json"

now() {
    date +%s.%N
}

# time_one NAME OUT CMD...: CMD's wall seconds appended to $tmp/NAME, its
# stdout to OUT.
time_one() {
    name=$1 out=$2
    shift 2
    t0=$(now)
    "$@" >"$out"
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$tmp/$name"
}

median() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for what in run staff; do
    eval "args=\$${what}_args"
    i=1
    while [ "$i" -le "$rounds" ]; do
        # shellcheck disable=SC2086
        time_one "$what.plain" "$tmp/$what.plain.out" "$plain" $args
        # shellcheck disable=SC2086
        time_one "$what.np1" "$tmp/$what.np1.out" mpirun --oversubscribe -np 1 "$mpi" $args
        # shellcheck disable=SC2086
        time_one "$what.np2" "$tmp/$what.np2.out" mpirun --oversubscribe -np 2 "$mpi" $args
        for n in np1 np2; do
            cmp -s "$tmp/$what.plain.out" "$tmp/$what.$n.out" || {
                echo "bench_mpi: $what: the output of $n differs from the build without MPI" >&2
                exit 1
            }
        done
        i=$((i + 1))
    done
done

echo "wall seconds, median of $rounds (outputs identical on all three)"
printf '%-44s %8s %8s %8s %9s\n' "command" "no MPI" "np 1" "np 2" "np1/np2"
for what in run staff; do
    eval "args=\$${what}_args"
    p=$(median "$tmp/$what.plain")
    a=$(median "$tmp/$what.np1")
    b=$(median "$tmp/$what.np2")
    label=$(echo "$args" | sed "s|$root/||; s| -f json.*||")
    printf '%-44s %8s %8s %8s %9s\n' "$label" "$p" "$a" "$b" "$(echo "$a $b" | awk '{ printf "%.2fx", $1 / $2 }')"
done
