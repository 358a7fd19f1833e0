"""warcio's own warnings, kept off the user's terminal without swapping ``sys.stderr`` for the whole process.

warcio's archive iterator writes a multi-line warning to ``sys.stderr`` for each record whose length looks wrong; a
damaged archive gets one readable line from linktriage instead. ``contextlib.redirect_stderr`` did that by
replacing ``sys.stderr`` for every thread of the process: in the HTTP API's request threads and in Dask's worker
threads, two readers interleaving could leave another thread's output going to a discarded buffer. Here only
warcio's module sees a different ``sys``, and only the thread inside ``quiet_warcio()`` writes to nothing.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
from typing import Iterator

import warcio.archiveiterator

_quiet = threading.local()


class _WarcioSys:
    """What ``warcio.archiveiterator`` reads as its ``sys`` module: the real one, except ``stderr`` in a quiet
    thread."""

    def __getattr__(self, name: str):
        return getattr(sys, name)

    @property
    def stderr(self):
        return io.StringIO() if getattr(_quiet, "depth", 0) else sys.stderr


warcio.archiveiterator.sys = _WarcioSys()  # type: ignore[attr-defined]


@contextlib.contextmanager
def quiet_warcio() -> Iterator[None]:
    """Within the block, warcio's warnings from this thread are dropped; other threads and other output are not
    touched."""
    _quiet.depth = getattr(_quiet, "depth", 0) + 1
    try:
        yield
    finally:
        _quiet.depth -= 1
