#!/usr/bin/env python3
"""The files acdsim writes, against an attacker and a careless user (issue
11, rows 8, 10, 11 and 16; docs/security.md, "Files acdsim writes") (TAP
output):

- symbolic links planted under every temporary name the old scheme used
  (PATH.tmp.PID, known before the run: the test plants them in the child
  between fork and exec, where its PID is acdsim's) and under guessed
  names: the victim outside DIR stays untouched;
- a folder written twice (run then run, staff then run) holds only the
  second command's files, and the user's own files;
- SIGKILL while gnuplot draws (run -o, staff -o) or while a trace is
  written: gnuplot dies with acdsim, and the next run leaves no temporary
  file;
- --out naming a dangling symbolic link fails before the simulation;
- a full file system is told as "No space left on device".

Environment: ACDSIM = the binary, TESTS_DIR = the tests directory.
Python standard library only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ACDSIM = os.path.abspath(os.environ.get("ACDSIM", "acdsim")) \
    if os.sep in os.environ.get("ACDSIM", "acdsim") else os.environ.get("ACDSIM", "acdsim")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.abspath(os.path.join(TESTS_DIR, "..", "scenarios"))
TRAINING = os.path.join(SCENARIOS, "training.yaml")  # operating day
UTILITY = os.path.join(SCENARIOS, "utility.yaml")    # steady state
FAST = ["-r", "4", "--no-timing"]
GNUPLOT = shutil.which("gnuplot") is not None

DATA = ["groups.csv", "index.html", "intervals.csv", "results.json"]
STEADY_CHARTS = ["queue", "wait_cdf"]
DAY_CHARTS = ["service_level", "calls", "wait_times", "agents", "wait_cdf", "queue"]
ALL_CHARTS = DAY_CHARTS + ["resolution", "erlang", "staffing", "staff_curve"]
STAFF = ["staffing.json", "staffing.csv", "recommended.yaml", "staff_curve.json",
         "staff_curve.csv"]
# Every name the old scheme wrote to, before the PID.
OLD_TEMP_STEMS = (DATA + STAFF + [c + e for c in ALL_CHARTS for e in (".png", ".svg", ".dat")]
                  + ["trace.csv"])

TMP = tempfile.mkdtemp(prefix="acdsim-files-")
import taplib  # noqa: E402
from taplib import check, expect_rc, test  # noqa: E402


def path(*parts):
    return os.path.join(TMP, *parts)


def write(p, text, mode=0o644):
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def run(*args, preexec_fn=None, env=None, timeout=240):
    p = subprocess.run([ACDSIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=preexec_fn, env=env, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def charts(names):
    return [c + e for c in names for e in (".png", ".svg")] if GNUPLOT else []


def temporaries(d):
    return [n for n in os.listdir(d) if ".tmp." in n]


def env_with_path(p):
    env = dict(os.environ)
    env["PATH"] = p
    return env


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


# ------------------------------------------------------------ symlinks


@test("symbolic links at every old temporary name and guessed ones: the victim is untouched")
def _():
    d = path("clobber")
    os.mkdir(d)
    victim = write(path("victim.txt"), "precious\n")
    before = os.stat(victim)

    def plant():
        # In the child after fork: os.getpid() is the PID acdsim runs as.
        pid = os.getpid()
        for stem in OLD_TEMP_STEMS:
            os.symlink(victim, os.path.join(d, f"{stem}.tmp.{pid}"))
            for guess in ("AAAAAAAA", "00000000", "XXXXXX"):
                os.symlink(victim, os.path.join(d, f"{stem}.tmp.{pid}.{guess}"))
        for guess in ("AAAAAAAA", "00000000"):
            os.symlink(victim, os.path.join(d, f".acdsim.tmp.{pid}.{guess}"))

    rc, _, err = run("run", TRAINING, *FAST, "-q", "-o", d, "--trace", "trace.csv",
                     preexec_fn=plant)
    check(rc == 0, f"exit {rc}: {err[:400]}")
    check(open(victim).read() == "precious\n", "victim.txt overwritten")
    after = os.stat(victim)
    check((after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size),
          "victim.txt modified")
    for name in DATA + charts(DAY_CHARTS) + ["trace.csv"]:
        p = os.path.join(d, name)
        check(os.path.isfile(p) and not os.path.islink(p), f"{name}: not a regular file")
    # The links of a live PID are not ours to remove; nothing else is left.
    left = [n for n in temporaries(d) if not os.path.islink(os.path.join(d, n))]
    check(not left, f"temporary files left: {left}")


@test("a trace or report file name that is a symbolic link is replaced, not written through")
def _():
    d = path("replace")
    os.mkdir(d)
    victim = write(path("victim2.txt"), "precious\n")
    os.symlink(victim, os.path.join(d, "results.json"))
    os.symlink(victim, os.path.join(d, "trace.csv"))
    rc, _, err = run("run", UTILITY, *FAST, "-q", "-o", d, "--trace", "trace.csv")
    check(rc == 0, f"exit {rc}: {err[:400]}")
    check(open(victim).read() == "precious\n", "victim2.txt overwritten")
    for name in ("results.json", "trace.csv"):
        check(not os.path.islink(os.path.join(d, name)), f"{name} still a link")


@test("temporary names are PATH.tmp.PID.RANDOM, random part of 8 letters or digits")
def _():
    d = path("names")
    os.mkdir(d)
    p = subprocess.Popen([ACDSIM, "run", write(path("long.yaml"), LONG), "-j", "1", "-q",
                          "--trace", os.path.join(d, "t.csv")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        names = wait_for(lambda: temporaries(d), p)
    finally:
        p.kill()
        p.wait()
    check(len(names) == 1 and re.fullmatch(rf"t\.csv\.tmp\.{p.pid}\.[A-Za-z0-9]{{8}}", names[0]),
          f"temporary names: {names}")


# ------------------------------------------------------------- staleness


@test("run A then run B into one DIR: only B's files (and the user's) remain")
def _():
    d = path("ab")
    expect_rc(run("run", TRAINING, *FAST, "-q", "-o", d), 0, "run A (a day)")
    write(os.path.join(d, "notes.txt"), "mine\n")
    write(os.path.join(d, "mine.png"), "mine\n")
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 0, "run B (steady)")
    got = sorted(os.listdir(d))
    want = sorted(DATA + charts(STEADY_CHARTS) + ["notes.txt", "mine.png"])
    check(got == want, f"files: {got}, expected {want}")


@test("staff -o then run -o: no staffing file stays beside the run's report")
def _():
    d = path("staff-run")
    expect_rc(run("staff", UTILITY, "-q", "-r", "4", "-o", d), 0, "staff")
    check("staffing.json" in os.listdir(d), f"staff wrote: {sorted(os.listdir(d))}")
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 0, "run")
    got = sorted(os.listdir(d))
    check(got == sorted(DATA + charts(STEADY_CHARTS)), f"files: {got}")


@test("a failed second run keeps the first run's files")
def _():
    d = path("keep")
    expect_rc(run("run", TRAINING, *FAST, "-q", "-o", d), 0, "run A")
    first = sorted(os.listdir(d))
    bin_dir = path("fail-bin")
    os.mkdir(bin_dir)
    write(os.path.join(bin_dir, "gnuplot"), "#!/bin/sh\necho broken >&2\nexit 1\n", 0o755)
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d, env=env_with_path(bin_dir)), 1,
              "failing gnuplot")
    check(sorted(os.listdir(d)) == first, f"files: {sorted(os.listdir(d))}")


# ------------------------------------------------------------ leftovers

LONG = taplib.LONG_SCENARIO

FAKE_SLOW = """#!/bin/sh
echo $$ >> "{pids}"
exec /bin/sleep 60
"""


def wait_for(cond, p, limit=30):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and p.poll() is None:
        got = cond()
        if got:
            return got
        time.sleep(0.01)
    check(False, "timed out (or the process ended) before the condition held")


def kill_while_drawing(name, args, n_charts):
    """Start acdsim ARGS with a gnuplot that sleeps, SIGKILL it once all
    gnuplots run; returns (DIR, the gnuplot PIDs)."""
    bin_dir = path(f"{name}-bin")
    os.mkdir(bin_dir)
    pids = path(f"{name}-pids")
    write(os.path.join(bin_dir, "gnuplot"), FAKE_SLOW.format(pids=pids), 0o755)
    d = path(name)
    p = subprocess.Popen([ACDSIM, *args, "-o", d], env=env_with_path(bin_dir),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = wait_for(lambda: os.path.exists(pids) and
                           len(open(pids).read().split()) == n_charts and
                           open(pids).read().split(), p, 60)
        check(temporaries(d), "no temporary file seen")
        p.kill()
        p.wait()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(int(x)) for x in started):
        time.sleep(0.05)
    still = [x for x in started if alive(int(x))]
    for x in still:
        os.kill(int(x), signal.SIGKILL)
    check(not still, f"gnuplot still running after acdsim was killed: {still}")
    check(temporaries(d), "SIGKILL left nothing to sweep (test is void)")
    return d


@test("SIGKILL during run -o: gnuplot dies with acdsim; the next run sweeps the leftovers")
def _():
    d = kill_while_drawing("kill-run", ["run", UTILITY, *FAST, "-q"], len(STEADY_CHARTS))
    write(os.path.join(d, "notes.tmp.1.txt"), "mine\n")  # not acdsim's name form
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 0, "later run")
    check(temporaries(d) == ["notes.tmp.1.txt"], f"left: {temporaries(d)}")


@test("SIGKILL during staff -o: gnuplot dies with acdsim; the next staff sweeps the leftovers")
def _():
    d = kill_while_drawing("kill-staff", ["staff", UTILITY, "-q", "-r", "4"],
                           len(STEADY_CHARTS) + 1)
    expect_rc(run("staff", UTILITY, "-q", "-r", "4", "-o", d), 0, "later staff")
    check(temporaries(d) == [], f"left: {temporaries(d)}")


@test("SIGKILL while a trace is written: the next run with that trace sweeps it")
def _():
    d = path("kill-trace")
    os.mkdir(d)
    trace = os.path.join(d, "t.csv")
    p = subprocess.Popen([ACDSIM, "run", path("long.yaml"), "-j", "1", "-q", "--trace", trace],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: temporaries(d), p)
    finally:
        p.kill()
        p.wait()
    check(temporaries(d), "no temporary trace left to sweep (test is void)")
    expect_rc(run("run", UTILITY, *FAST, "-q", "--trace", trace), 0, "later run")
    check(temporaries(d) == [], f"left: {temporaries(d)}")


@test("the sweep takes only acdsim's names of dead processes owned by the user")
def _():
    d = path("sweep")
    os.mkdir(d)
    dead, live = dead_pid(), os.getpid()
    gone = [f"results.json.tmp.{dead}", f"queue.png.tmp.{dead}", f"calls.dat.tmp.{dead}"]
    stay = [f"results.json.tmp.{live}", f"notes.txt.tmp.{dead}", f"results.json.tmp.{dead}.x"]
    for n in gone + stay:
        write(os.path.join(d, n), "x\n")
    stage = os.path.join(d, f".acdsim.tmp.{dead}.AbCd1234")
    os.mkdir(stage)
    write(os.path.join(stage, "results.json"), "x\n")
    expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 0, "run")
    got = sorted(temporaries(d))
    check(got == sorted(stay), f"temporaries: {got}, expected {sorted(stay)}")


# ------------------------------------------------------- early failures


@test("--out to a dangling symbolic link: exit 2 before the simulation, the path named")
def _():
    link = path("dangling")
    os.symlink(path("nowhere", "deeper"), link)
    long = path("long.yaml")
    for cmd in (["run", long], ["run", long, "--trace", "x.csv"], ["staff", long]):
        for arg in (link, link + "/"):
            t0 = time.monotonic()
            _, err = expect_rc(run(*cmd, "-q", "-o", arg, timeout=60), 2, " ".join(cmd))
            check(time.monotonic() - t0 < 10, "the simulation ran first")
            check(f"'{arg}' is a symbolic link to a missing directory" in err, err)
            check(not os.path.exists(path("nowhere")), "the link's target was created")


def fill(mnt, leave, name):
    """Fill the file system at mnt but for about `leave` bytes."""
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    with open(os.path.join(mnt, name), "wb") as f:
        f.write(b"\0" * max(0, free - leave))


@test("a file system too full for the charts: 'No space left on device', exit 1")
def _():
    if not GNUPLOT:
        return "skip no gnuplot: the charts are the files that do not fit"
    mnt = path("tmpfs")
    os.mkdir(mnt)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt],
                                           stderr=subprocess.DEVNULL).returncode != 0:
        return "skip cannot mount a small tmpfs (needs root): errno tested by the unit tests"
    try:
        # Room for the data files (and charts' data), not for the charts.
        probe = path("sizes")
        expect_rc(run("run", UTILITY, *FAST, "-q", "-o", probe), 0, "sizes")
        need = sum(-(-os.path.getsize(os.path.join(probe, n)) // 4096) * 4096
                   for n in ("results.json", "intervals.csv", "groups.csv"))
        fill(mnt, need + 6 * 4096, "filler1")
        d = os.path.join(mnt, "out")
        _, err = expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 1, "full disk")
        check("No space left on device" in err, f"stderr: {err[:400]}")
        check("wrote no" not in err, f"stderr: {err[:400]}")
        check(not os.path.exists(d), f"DIR left: {os.listdir(d) if os.path.isdir(d) else d}")
        # And when even the data files do not fit.
        fill(mnt, 0, "filler2")
        _, err = expect_rc(run("run", UTILITY, *FAST, "-q", "-o", d), 1, "full disk, data")
        check("No space left on device" in err, f"stderr: {err[:400]}")
    finally:
        subprocess.run(["umount", mnt])


def main():
    write(path("long.yaml"), LONG)
    return taplib.run(cleanup=TMP)


if __name__ == "__main__":
    sys.exit(main())
