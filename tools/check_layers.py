#!/usr/bin/env python3
"""Check the layering of sim/: no upward dependency, no cycle.

    tools/check_layers.py [--build BUILD_DIR] [--root TREE]

Layers, lowest first: base <- model <- engine <- input <- report <- live <-
cli. A file belongs to the layer of its folder (sim/LAYER/); a public header
(include/acdsim/X.h) to the layer named in PUBLIC below.

Checks, from the sources:
  1. every #include "..." resolves to a file of the tree, in the same layer
     or a lower one;
  2. no include cycle between files;
  3. no cycle between modules through includes. A module is a .c file and
     its .h (same stem), or, where a folder holds PREFIX_int.h, every
     PREFIX*.c/h there (one module split over files, as SQLite's vdbe*.c
     share vdbeInt.h).
With --build, from the objects of the layer libraries (nm):
  4. no object uses a symbol defined in a higher layer;
  5. no cycle between modules through the functions they call.

Prints one line per problem and exits 1 if there is any, else 0.
"""
import os
import re
import subprocess
import sys

LAYERS = ["base", "model", "engine", "input", "report", "live", "cli"]
PUBLIC = {
    "diag.h": "base",
    "field.h": "base",
    "dist.h": "model",
    "scenario.h": "model",
    "stats.h": "engine",
    "sim.h": "engine",
    "run.h": "engine",
    "precision.h": "engine",
    "erlang.h": "engine",
    "staff.h": "engine",
    "roster.h": "engine",
    "schedule.h": "engine",
    "fit.h": "engine",
    "ranks.h": "engine",
    "scenario_load.h": "input",
    "acdsim.h": "input",
}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--root" in sys.argv:
    ROOT = os.path.abspath(sys.argv[sys.argv.index("--root") + 1])
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def rel(p):
    return os.path.relpath(p, ROOT)


def files():
    out = []
    for layer in LAYERS:
        d = os.path.join(ROOT, "sim", layer)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            if n.endswith((".c", ".h")):
                out.append(f"sim/{layer}/{n}")
    d = os.path.join(ROOT, "include", "acdsim")
    for n in sorted(os.listdir(d)):
        if n.endswith(".h"):
            out.append(f"include/acdsim/{n}")
    return out


def layer_of(path):
    parts = path.split("/")
    if parts[0] == "sim":
        return parts[1]
    return PUBLIC.get(parts[-1])


def module_of(path, int_prefixes):
    folder, name = os.path.split(path)
    stem = name.rsplit(".", 1)[0]
    for prefix in int_prefixes.get(folder, ()):
        if stem == prefix + "_int" or stem.startswith(prefix):
            return f"{folder}/{prefix}*"
    return f"{folder}/{stem}"


def resolve(src, inc, by_name):
    if inc.startswith("acdsim/"):
        p = "include/" + inc
        return p if p in by_name.values() or os.path.exists(os.path.join(ROOT, p)) else None
    same = os.path.join(os.path.dirname(src), inc)
    if os.path.exists(os.path.join(ROOT, same)):
        return same
    return by_name.get(inc)


def sccs(graph):
    """Tarjan's strongly connected components of size > 1 (or self-loops)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    build = None
    if "--build" in sys.argv:
        build = sys.argv[sys.argv.index("--build") + 1]
    problems = []
    all_files = files()
    by_name = {}
    for f in all_files:
        if f.startswith("sim/"):
            name = os.path.basename(f)
            if name in by_name:
                problems.append(f"{f}: same name as {by_name[name]} (includes are by name)")
            by_name[name] = f
    int_prefixes = {}
    for f in all_files:
        folder, name = os.path.split(f)
        if name.endswith("_int.h"):
            int_prefixes.setdefault(folder, []).append(name[:-len("_int.h")])
    for f in all_files:
        if f.startswith("include/") and layer_of(f) is None:
            problems.append(f"{f}: public header with no layer (add it to PUBLIC in {rel(__file__)})")

    inc_graph, mod_graph = {}, {}
    rank = {l: i for i, l in enumerate(LAYERS)}
    for f in all_files:
        text = open(os.path.join(ROOT, f), encoding="utf-8").read()
        for m in INCLUDE_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            target = resolve(f, m.group(1), by_name)
            if target is None:
                continue  # generated or outside the tree (tests, system)
            inc_graph.setdefault(f, set()).add(target)
            lf, lt = layer_of(f), layer_of(target)
            if lf and lt and rank[lt] > rank[lf]:
                problems.append(f"{f}:{line}: includes {target}: layer {lt} is above {lf}")
            a, b = module_of(f, int_prefixes), module_of(target, int_prefixes)
            if a != b:
                mod_graph.setdefault(a, set()).add(b)
    for comp in sccs(inc_graph):
        problems.append("include cycle between files: " + " -> ".join(comp))
    for comp in sccs(mod_graph):
        problems.append("include cycle between modules: " + ", ".join(comp))

    if build:
        defined, used = {}, {}
        for layer in LAYERS:
            d = os.path.join(build, "sim", layer)
            if not os.path.isdir(d):
                continue
            for sub in os.listdir(d):
                if not sub.endswith(".p"):
                    continue
                for obj in sorted(os.listdir(os.path.join(d, sub))):
                    if not obj.endswith(".c.o"):
                        continue
                    src = f"sim/{layer}/{obj[:-2]}"
                    if not os.path.exists(os.path.join(ROOT, src)):
                        continue  # generated sources (embedded scripts)
                    out = subprocess.run(["nm", "--defined-only", "-g", os.path.join(d, sub, obj)],
                                         capture_output=True, text=True).stdout
                    for ln in out.splitlines():
                        parts = ln.split()
                        if len(parts) == 3 and parts[1] in "TDBRC":
                            defined[parts[2]] = src
                    out = subprocess.run(["nm", "--undefined-only", os.path.join(d, sub, obj)],
                                         capture_output=True, text=True).stdout
                    used[src] = {ln.split()[-1] for ln in out.splitlines() if ln.strip()}
        if not used:
            problems.append(f"{build}: no objects of the layer libraries found")
        sym_graph = {}
        for src, syms in sorted(used.items()):
            for s in sorted(syms):
                d = defined.get(s)
                if d is None or d == src:
                    continue
                if rank[layer_of(d)] > rank[layer_of(src)]:
                    problems.append(f"{src}: uses {s} from {d}: layer {layer_of(d)} is above "
                                    f"{layer_of(src)}")
                a, b = module_of(src, int_prefixes), module_of(d, int_prefixes)
                if a != b:
                    sym_graph.setdefault(a, set()).add(b)
        for comp in sccs(sym_graph):
            problems.append("call cycle between modules: " + ", ".join(comp))

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
