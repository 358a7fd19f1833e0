"""The local engine's process pool: analysis workers that live and die with the run.

A pool worker is a forked copy of the run. Left to its defaults it outlived a parent killed outright (``kill -9``,
the out-of-memory killer), holding its memory and the cache file for good; it inherited the CLI's SIGTERM handler
and Ctrl-C, and printed its own KeyboardInterrupt traceback under the run's one-line "interrupted". So each worker
ignores Ctrl-C (the parent stops the pool), dies silently on SIGTERM, and asks Linux to send it SIGKILL when its
parent dies; the parent stops its workers itself when the run ends early.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from linktriage._exceptions import LinkTriageError

__all__ = ["BrokenProcessPool", "AnalysisPool", "worker_died"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class AnalysisPool(ProcessPoolExecutor):
    """A ProcessPoolExecutor whose workers die with the run (see the module's docstring)."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),))

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """``Executor.map`` without its cancelling of the futures left when the results stop being read (Ctrl-C,
        an error): only the pool's own thread may settle them. It fails them once ``stop`` ends the workers, and
        Python 3.11's fails an already cancelled one with InvalidStateError, a thread traceback printed under
        "linktriage: interrupted" (1 run in 6 of test_pool)."""
        futures = [self.submit(fn, *args) for args in zip(*iterables)]
        return (future.result(timeout) for future in futures)

    def stop(self) -> None:
        """End the pool now, its pages in progress too: for a run that ends early (Ctrl-C, SIGTERM, an error).

        ``shutdown`` alone waits for the pages the workers are analysing (up to a page's 60 s deadline each)."""
        processes = list((getattr(self, "_processes", None) or {}).values())
        manager = getattr(self, "_executor_manager_thread", None)  # shutdown forgets it
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
        # The pool's manager thread now finds its workers gone and closes its wake-up pipe. Python 3.11's exit hook
        # wakes that thread without the lock the closing takes: when the run ended right after this (`score -o - |
        # head -1`), it could write to the pipe as it closed, and print "OSError: Bad file descriptor" with a
        # traceback after a clean exit (1 run in 5). Waiting here for the thread to finish closes that window.
        if manager is not None:
            manager.join(timeout=5)


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl in this C library: the worker can only outlive a killed run
            pass
    if os.getppid() != parent:  # the parent died before the request above: nobody is waiting for this worker
        os._exit(1)


def worker_died() -> LinkTriageError:
    """The run's error when a worker process died under it (killed from outside, or by the out-of-memory killer)."""
    return LinkTriageError(
        "an analysis worker process died while analysing pages (killed from outside, or by the system when memory "
        "ran out); the run stopped without writing its output. Run it again (with --cache FILE, pages already "
        "analysed are not parsed again), with fewer --workers if memory is short"
    )
