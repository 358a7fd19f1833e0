"""A deadline for a block of Python code, in any thread: how long one page's analysis may take.

A thread cannot be stopped from outside; CPython can only be asked to raise an exception in it at its next bytecode
(``PyThreadState_SetAsyncExc``). One watchdog thread per process does that for every thread whose time is up.
"""

from __future__ import annotations

import ctypes
import os
import queue
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

__all__ = ["Overtime", "deadline"]


class Overtime(BaseException):
    """Raised by the watchdog in a thread past its deadline; a BaseException, so no library's ``except Exception``
    swallows it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise Overtime in the block once ``seconds`` have passed, in whichever thread runs it: the CLI's main
    thread, a pool's worker process, an HTTP API request's thread or a Dask worker's thread.

    SIGALRM, used before, reaches only the main thread, so the HTTP API and Dask workers ran without a deadline,
    and it could not be used beside an application's own alarm; the watchdog touches no signal. Like SIGALRM, it
    cannot cut one long C call short: every step of the analysis returns to Python often. Outside CPython the
    block runs without a deadline. Like any exception raised at an arbitrary bytecode, it could in rare cases stop
    a library between taking one of its own locks and the ``try`` that releases it; it only ever fires in a page
    already far past any reasonable cost (60 s where corpus pages take under 2 s)."""
    if _raise_in_thread is None:
        yield
        return
    # the watch's number first, armed inside the try: an Overtime delivered as start() returns (a deadline of ~0)
    # would otherwise skip the finally and leave the watch behind
    watch = _WATCHDOG.reserve()
    try:
        _WATCHDOG.start(seconds, watch)
        yield
    finally:
        while True:
            try:
                _WATCHDOG.stop(watch)
                break
            except Overtime:
                # raised just as the block ended and delivered on entering stop(), before it took the watch out:
                # the watch must still end, or it goes off again every RETRY_S in whatever this thread runs next
                # (measured: 7 watches left in 40 s of deadlines ending as they went off; the likeliest cause of a
                # CI run whose tests failed one after another until the interpreter crashed)
                continue


class _Watchdog:
    """One thread per process that makes each watched thread raise Overtime once its time is up.

    It asks CPython to raise the exception in that thread at its next bytecode (``PyThreadState_SetAsyncExc``).
    One long-lived thread, not a timer thread per page: starting a thread costs about a millisecond of wall time,
    a page's watch a few microseconds. A watched thread touches only C-level primitives here (a plain lock taken
    with ``with``, a SimpleQueue): an exception arriving inside a Python-level lock's ``__enter__`` (a Condition,
    an Event) would leave that lock held and the watchdog stuck."""

    #: seconds between raising Overtime again in a thread that is still in its block: Python drops an exception
    #: raised inside a ``__del__`` or a weakref callback ("Exception ignored in: ..."), and a page then ran on
    #: without a limit (a QA run saw 202 s and 328 s under a 60 s deadline)
    RETRY_S = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakeups: queue.SimpleQueue[None] = queue.SimpleQueue()
        #: watch -> (monotonic time it is due, thread id, whether Overtime was raised in it already)
        self._due: dict[int, tuple[float, int, bool]] = {}
        self._next_watch = 0
        self._thread: threading.Thread | None = None

    def reserve(self) -> int:
        """A new watch's number, not armed yet."""
        with self._lock:
            self._next_watch += 1
            return self._next_watch

    def start(self, seconds: float, watch: int | None = None) -> int:
        """Arm ``watch`` (a new one when None): Overtime in this thread once ``seconds`` have passed."""
        watch = self.reserve() if watch is None else watch
        due = time.monotonic() + seconds
        with self._lock:
            if self._thread is None:
                _quiet_dropped_overtimes()
                self._thread = threading.Thread(target=self._watch, name="linktriage-deadline", daemon=True)
                self._thread.start()
            earliest = min((d for d, _, _ in self._due.values()), default=None)
            self._due[watch] = (due, threading.get_ident(), False)
        if earliest is None or due < earliest:  # otherwise the watchdog wakes in time anyway
            self._wakeups.put(None)
        return watch

    def stop(self, watch: int) -> None:
        with self._lock:
            entry = self._due.pop(watch, None)
            if entry is not None and entry[2]:  # it went off as the block ended: if not raised yet, never
                _raise_in_thread(threading.get_ident(), None)

    def _watch(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                for watch, (due, thread, _) in list(self._due.items()):
                    if due <= now:  # raised, and due again until the block ends (stop): see RETRY_S
                        self._due[watch] = (now + self.RETRY_S, thread, True)
                        _raise_in_thread(thread, Overtime)
                earliest = min((d for d, _, _ in self._due.values()), default=None)
            try:
                self._wakeups.get(timeout=None if earliest is None else max(earliest - now, 0.0))
            except queue.Empty:
                pass


def _quiet_dropped_overtimes() -> None:
    """Python prints an exception raised inside a ``__del__`` or a weakref callback as "Exception ignored in: ...",
    a traceback on stderr under the CLI's one-line messages. An Overtime dropped so is raised again (RETRY_S):
    nothing to print. Every other such exception goes to the hook in place before."""
    previous = sys.unraisablehook
    if getattr(previous, "quiets_overtime", False):
        return

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, Overtime):
            previous(unraisable)

    hook.quiets_overtime = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def _async_exception_setter():  # -> Callable[[int, type[BaseException] | None], None] | None
    """``PyThreadState_SetAsyncExc`` as a function of (thread id, exception type, or None to withdraw one not
    raised yet); None where the interpreter has no such call."""
    if sys.implementation.name != "cpython" or not hasattr(ctypes, "pythonapi"):
        return None
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc

    def raise_in(thread: int, exc_type: type[BaseException] | None) -> None:
        # None goes to C as NULL (withdraw), not as Python's None
        set_async_exc(ctypes.c_ulong(thread), ctypes.py_object(exc_type) if exc_type is not None else None)

    return raise_in


_raise_in_thread = _async_exception_setter()
_WATCHDOG = _Watchdog()
# a forked child (a pool's worker) has no copy of the watchdog's thread, and its lock may have been held at the fork
os.register_at_fork(after_in_child=_WATCHDOG.__init__)
