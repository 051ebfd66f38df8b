#!/usr/bin/env python3
"""The installed library is usable on its own (TAP).

`meson install` into a temporary DESTDIR, then tests/install/example.c is
compiled with -std=c11 -pedantic against the installed headers only and
linked with `pkg-config --static --libs acdsim`, and run.
Environment: BUILD_DIR (the meson build directory), SANITIZE (its
b_sanitize: the program is built with the same sanitizers), TESTS_DIR.
"""
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from taplib import check, run, test  # noqa: E402

BUILD_DIR = os.environ["BUILD_DIR"]
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(__file__)))
TMP = tempfile.mkdtemp(prefix="acdsim-install-")
DEST = os.path.join(TMP, "dest")


def sh(*args, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env)
    check(p.returncode == 0, f"{' '.join(args)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


@test("meson install puts the library, its headers and acdsim.pc in place")
def _():
    sh("meson", "install", "-C", BUILD_DIR, "--no-rebuild", "--quiet", "--destdir", DEST)
    pcs = glob.glob(os.path.join(DEST, "**", "pkgconfig", "acdsim.pc"), recursive=True)
    heads = glob.glob(os.path.join(DEST, "**", "include", "acdsim", "acdsim.h"), recursive=True)
    libs = glob.glob(os.path.join(DEST, "**", "libacdsim.a"), recursive=True)
    check(pcs and heads and libs, f"pc {pcs}, header {heads}, library {libs}")


@test("a program using only <acdsim/acdsim.h> builds, links and runs")
def _():
    pc = glob.glob(os.path.join(DEST, "**", "pkgconfig", "acdsim.pc"), recursive=True)[0]
    prefix = None
    for line in open(pc):
        if line.startswith("prefix="):
            prefix = line.split("=", 1)[1].strip()
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc))
    flags = sh("pkg-config", "--static", "--cflags", "--libs",
               f"--define-variable=prefix={DEST}{prefix}", "acdsim", env=env).split()
    exe = os.path.join(TMP, "example")
    san = os.environ.get("SANITIZE", "none")
    if san and san != "none":
        flags.append(f"-fsanitize={san}")
    sh("cc", "-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror",
       os.path.join(TESTS_DIR, "install", "example.c"), *flags, "-o", exe)
    out = sh(exe)
    check(out.startswith("Riverside Utilities") and "service level 0." in out, out)


if __name__ == "__main__":
    sys.exit(run(cleanup=TMP))
