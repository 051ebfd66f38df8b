#!/bin/sh
# acdsim quick start on Debian 12 (as root, or a user with sudo):
#
#   ./build.sh run [ARGS...]   install what is missing, build, run `acdsim run ARGS`
#                              (no ARGS: the built-in default scenario)
#   ./build.sh test            install what is missing, build, run every test
#
# BUILD_DIR (default: build) selects the build directory; MESON_ARGS is passed
# to `meson setup` when the directory is first created.
set -eu

cd "$(dirname "$0")"
BUILD_DIR=${BUILD_DIR:-build}

# Debian packages: build, libraries, and what the tests drive.
PKGS_BUILD="gcc pkg-config meson ninja-build libgsl-dev libyaml-dev libjansson-dev libev-dev libncurses-dev libglpk-dev"
PKGS_TEST="libcmocka-dev python3 chromium fonts-dejavu-core tmux libxml2-utils"
# gnuplot draws the report's charts (run --out DIR); without it they are skipped.
PKGS_REPORT="gnuplot-nox"
# Open MPI (MESON_ARGS=-Dmpi=enabled; docs/mpi.md) is optional and not
# installed here: libopenmpi-dev openmpi-bin (.ci/run installs them for its
# MPI tree).

install_missing() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "build.sh: installing$missing" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        # shellcheck disable=SC2086
        meson setup "$BUILD_DIR" ${MESON_ARGS:-} >/dev/null
    fi
    ninja -C "$BUILD_DIR" >/dev/null
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    install_missing $PKGS_BUILD $PKGS_TEST $PKGS_REPORT
    build
    exec "$BUILD_DIR/acdsim" run "$@"
    ;;
test)
    install_missing $PKGS_BUILD $PKGS_TEST $PKGS_REPORT
    build
    exec meson test -C "$BUILD_DIR" --print-errorlogs "$@"
    ;;
*)
    echo "usage: ./build.sh run [ARGS...] | ./build.sh test [MESON TEST ARGS...]" >&2
    exit 2
    ;;
esac
