"""A tiny TAP harness shared by the command-line tests.

    from taplib import Failure, check, run, test

    @test("what is checked")
    def _():
        check(cond, "why it failed")     # raise Failure; a returned "skip why" is a SKIP

    sys.exit(run(cleanup=TMP))           # prints 1..N, ok / not ok, '# ' details
"""
import shutil
import sys

TESTS = []


def test(desc):
    def register(fn):
        TESTS.append((desc, fn))
        return fn
    return register


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(cleanup=None):
    """Run every registered test in order; returns the exit status."""
    print(f"1..{len(TESTS)}", flush=True)
    failed = 0
    for i, (desc, fn) in enumerate(TESTS, 1):
        try:
            res = fn()
            if isinstance(res, str) and res.startswith("skip"):
                print(f"ok {i} - {desc} # SKIP {res[5:]}")
            else:
                print(f"ok {i} - {desc}")
        except Failure as e:
            failed += 1
            print(f"not ok {i} - {desc}")
            for line in str(e).splitlines() or [""]:
                print(f"# {line}")
        except Exception as e:  # a crash in one check must not hide the others
            failed += 1
            print(f"not ok {i} - {desc}")
            print(f"# {type(e).__name__}: {e}")
        sys.stdout.flush()
    if cleanup:
        shutil.rmtree(cleanup, ignore_errors=True)
    return 1 if failed else 0


def expect_rc(res, rc, what):
    """res = (exit code, stdout, stderr): check the exit code, return (out, err)."""
    got, out, err = res
    check(got == rc, f"{what}: exit {got}, expected {rc}; stderr: {err.strip()[:400]}")
    return out, err


# A run long enough (about 20 s per replication) to be interrupted or killed
# for sure, for the tests of what an interrupted run leaves behind.
LONG_SCENARIO = """\
name: long
seed: 1
replications: 2
horizon: {duration: 100000000s, warmup: 0s}
call_types:
  - name: calls
    arrivals: {rate: 1/s}
    handle_time: {dist: exponential, mean: 50s}
agent_groups:
  - name: agents
    skills: [calls]
    agents: 60
"""
