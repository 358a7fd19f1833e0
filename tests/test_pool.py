"""The local engine's analysis workers live and die with the run (Ctrl-C, SIGTERM, kill -9, a worker killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"

# The CLI as a terminal starts it (Python's own Ctrl-C handler), with every page's analysis taking two minutes, so
# the run is surely in the middle of its pages when the signal comes.
SLOW_RUN = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import linktriage.pipeline

def slow(*args, **kwargs):  # a module-level function: the pool pickles it by name, and forked workers have it
    time.sleep(120)

linktriage.pipeline.analyse_source = slow
from linktriage.cli import main
sys.argv[0] = "linktriage"
main()
"""


def _start(tmp_path: Path, cleanup: list) -> subprocess.Popen:
    run = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, "score", str(EXAMPLES / "backlinks.csv"), "--pages",
         str(EXAMPLES / "pages.warc.gz"), "--offline", "--workers", "2", "-o", str(tmp_path / "out.csv")],
        stderr=subprocess.PIPE, text=True, start_new_session=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    cleanup.append(psutil.Process(run.pid))
    return run


def _busy_workers(run: subprocess.Popen, timeout: float = 60.0) -> list[psutil.Process]:
    """The run's two pool workers, once both are analysing a page."""
    parent = psutil.Process(run.pid)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        workers = [child for child in parent.children() if "score" in " ".join(child.cmdline())]
        if len(workers) == 2:
            time.sleep(1.0)  # both take a page
            return workers
        time.sleep(0.1)
    run.kill()
    pytest.fail(f"the run never started two workers: {run.communicate()[1]}")


def _gone(process: psutil.Process, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:  # dead, waiting for a reaper that may never come
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def cleanup():
    started: list[psutil.Process] = []
    yield started
    for process in started:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def test_ctrl_c_twice_stops_the_run_and_its_workers_with_one_line(tmp_path, cleanup):
    """Ctrl-C reaches every process of the terminal's group: a worker waiting for its next page printed its own
    KeyboardInterrupt traceback (60 lines) under the run's one-line "interrupted"."""
    run = _start(tmp_path, cleanup)
    cleanup.extend(workers := _busy_workers(run))
    os.killpg(run.pid, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 130 and stderr == "linktriage: interrupted\n", stderr
    assert all(_gone(worker) for worker in workers)


def test_sigterm_to_the_run_alone_stops_its_busy_workers(tmp_path, cleanup):
    """`timeout` and job schedulers signal the run's own process: it waited for the pages its workers were
    analysing (up to a page's 60 s deadline each) before it ended."""
    run = _start(tmp_path, cleanup)
    cleanup.extend(workers := _busy_workers(run))
    started = time.monotonic()
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 143 and stderr == "linktriage: terminated\n", stderr
    assert time.monotonic() - started < 15
    assert all(_gone(worker) for worker in workers)


def test_workers_die_with_a_run_killed_outright(tmp_path, cleanup):
    """kill -9 or the out-of-memory killer: the workers lived on for good, holding their memory and the cache."""
    run = _start(tmp_path, cleanup)
    cleanup.extend(workers := _busy_workers(run))
    run.kill()
    run.wait(timeout=10)
    assert all(_gone(worker) for worker in workers)


def test_a_worker_killed_under_the_run_is_a_one_line_error_not_an_internal_one(tmp_path, cleanup):
    """A worker killed by the out-of-memory killer ended the run with "internal error: BrokenProcessPool ... please
    report it", which blames linktriage for what happened to the machine."""
    run = _start(tmp_path, cleanup)
    cleanup.extend(workers := _busy_workers(run))
    workers[0].kill()
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 1
    assert stderr.startswith("linktriage: error: an analysis worker process died while analysing pages"), stderr
    assert stderr.count("\n") == 1 and not (tmp_path / "out.csv").exists()
    assert _gone(workers[1])


LOST_IN_A_FINALIZER = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import linktriage.pipeline

class Closing:
    def __del__(self):
        raise KeyboardInterrupt  # what Ctrl-C or SIGTERM raises when it lands while a finalizer runs

def stuck(*args, **kwargs):
    Closing()  # collected at once
    time.sleep(60)

linktriage.pipeline.score_export = stuck
from linktriage.cli import main
sys.argv[0] = "linktriage"
main()
"""


def test_an_interrupt_raised_inside_a_finalizer_still_stops_the_run():
    """A signal's KeyboardInterrupt raised inside a __del__ (a ZipFile the garbage collector closed) was printed as
    "Exception ignored in ..." and lost: the run went on waiting for its workers, 1 SIGTERM in 40 hung the run."""
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", LOST_IN_A_FINALIZER, "score", str(EXAMPLES / "backlinks.csv"),
                          "--offline"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 130 and run.stderr == "linktriage: interrupted\n", run.stderr
    assert time.monotonic() - started < 30


STRAY_THREAD = """
import signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import linktriage.pipeline

def stuck(*args, **kwargs):
    # what a process pool's thread does when its worker died in the middle of sending a result: wait for good
    threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()
    raise KeyboardInterrupt

linktriage.pipeline.score_export = stuck
from linktriage.cli import main
sys.argv[0] = "linktriage"
main()
"""


def test_an_interrupted_run_exits_whatever_thread_is_left_waiting():
    """After "terminated", Python's exit joined a pool thread stuck on a pipe: the process never ended."""
    run = subprocess.run([sys.executable, "-c", STRAY_THREAD, "score", str(EXAMPLES / "backlinks.csv"), "--offline"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 130 and run.stderr == "linktriage: interrupted\n", run.stderr
