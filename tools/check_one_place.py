#!/usr/bin/env python3
"""Check that each shared rule of sim/ is implemented in one place only.

    tools/check_one_place.py [--root TREE]

Each rule below names a pattern that only its home file(s) may contain:
option parsing (getopt_long) in the shared option tables, YAML tree
building (libyaml's parser) in yamltree, the out-of-memory report in util,
judging a target and formatting a metric for people in verdict and display.
Comments are ignored. Prints one line per stray occurrence (file:line:
rule) and exits 1 if there is any, else 0.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--root" in sys.argv:
    ROOT = os.path.abspath(sys.argv[sys.argv.index("--root") + 1])

RULES = [
    ("option parsing (getopt_long)", r"\bgetopt_long\s*\(", {"sim/cli/cli_opts.c"}),
    ("YAML tree building (libyaml parser)", r"\byaml_parser_(parse|load|initialize)\s*\(",
     {"sim/input/yamltree.c"}),
    ("out-of-memory report", r'"[^"\n]*out of memory', {"sim/base/util.c"}),
    # (a JSON key "met" is a name, not a verdict: `_set(o, "met", ...)`; nor
    # is an enum constant's JSON name: `[ACD_SCHEDULE_MET] = "met"`)
    ("target verdict words", r'(?<!_set\(o, )(?<!_MET\] = )"(MISSED|NOT met|met)"',
     {"sim/report/verdict.c"}),
    ("right/left alignment by display columns", r"^\w[\w ]*\bput_(right|left)\s*\(",
     {"sim/report/display.c"}),
    # (the wallboard's cells are its own compact look: "83%", no CI)
    ("percentage of a share for people", r'"[^"\n]*%\.\d?f%%',
     {"sim/report/display.c", "sim/live/live_draw.c"}),
]

COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def strip_comments(text):
    # Keep line numbers: replace each comment by as many newlines as it held.
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def main():
    problems = []
    for dirpath, _, names in os.walk(os.path.join(ROOT, "sim")):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, ROOT)
            text = strip_comments(open(path, encoding="utf-8").read())
            for what, pattern, homes in RULES:
                if rel in homes:
                    continue
                for m in re.finditer(pattern, text, re.M):
                    line = text.count("\n", 0, m.start()) + 1
                    problems.append(f"{rel}:{line}: {what} belongs in {', '.join(sorted(homes))}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
