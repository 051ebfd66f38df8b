#!/usr/bin/env python3
"""tools/check_layers.py passes on the tree and fails on what it must catch (TAP).

A copy of sim/ and include/ gets one defect at a time: an include that goes
up a layer, a cycle of includes between two modules, a public header with no
layer. Environment: TESTS_DIR (tests/ directory).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from taplib import check, run, test  # noqa: E402

TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(__file__)))
ROOT = os.path.dirname(os.path.abspath(TESTS_DIR))
TOOL = os.path.join(ROOT, "tools", "check_layers.py")
TMP = tempfile.mkdtemp(prefix="acdsim-layers-")


def checker(root):
    p = subprocess.run([sys.executable, TOOL, "--root", root], capture_output=True, text=True)
    return p.returncode, p.stdout


def copy_tree():
    d = tempfile.mkdtemp(dir=TMP)
    shutil.copytree(os.path.join(ROOT, "sim"), os.path.join(d, "sim"))
    shutil.copytree(os.path.join(ROOT, "include"), os.path.join(d, "include"))
    return d


def add_line(path, line):
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(line + "\n" + text)


@test("the tree as it is: no problem")
def _():
    rc, out = checker(ROOT)
    check(rc == 0 and out == "", f"exit {rc}: {out}")


@test("an engine file including a report header: reported, exit 1")
def _():
    d = copy_tree()
    add_line(os.path.join(d, "sim/engine/evq.c"), '#include "plot.h"')
    rc, out = checker(d)
    check(rc == 1 and "sim/engine/evq.c:1: includes sim/report/plot.h: layer report is above engine"
          in out, f"exit {rc}: {out}")


@test("a cycle of includes between two modules of one layer: reported, exit 1")
def _():
    d = copy_tree()
    add_line(os.path.join(d, "sim/report/plot.h"), '#include "outdir.h"')
    rc, out = checker(d)
    check(rc == 1 and "include cycle between modules" in out and "sim/report/plot" in out,
          f"exit {rc}: {out}")


@test("a public header with no layer: reported, exit 1")
def _():
    d = copy_tree()
    with open(os.path.join(d, "include/acdsim/extra.h"), "w") as f:
        f.write("/* nothing */\n")
    rc, out = checker(d)
    check(rc == 1 and "include/acdsim/extra.h: public header with no layer" in out,
          f"exit {rc}: {out}")


if __name__ == "__main__":
    sys.exit(run(cleanup=TMP))
