"""Warnings about what a run was asked to do (its niche, its site, its links), for every interface to show.

The CLI prints Python warnings one line each and ``linktriage.score`` leaves them to the caller's warning filters;
both keep working, because :func:`warn_run` is ``warnings.warn`` outside a collecting run. The HTTP API needs each
request's warnings in its answer, and requests are scored at the same time in worker threads.
``warnings.catch_warnings`` cannot collect them there: it swaps the module-global ``warnings.showwarning`` and
filter list, so two requests would take each other's warnings (or lose them), and Python's once-per-location
registry hides a warning the second time any request raises it. So a run that wants its warnings opens
:func:`collecting_warnings`, which sets a context variable: each thread (and each copied context) has its own value,
so a warning lands only in the list of the run that raised it, whatever the warning filters say, and not in the
server's log.

Warnings about the server's own state (a broken ``--cache``, a model saved by another scikit-learn) stay plain
``warnings.warn``: they go to the operator's log, not to a caller who can do nothing about them.
"""

from __future__ import annotations

import contextlib
import warnings
from contextvars import ContextVar
from typing import Iterator

__all__ = ["collecting_warnings", "warn_run"]

#: the list the current run's warnings go to; None when nobody collects them (the CLI, ``linktriage.score``)
_collected: ContextVar[list[str] | None] = ContextVar("linktriage_run_warnings", default=None)


def warn_run(message: str, stacklevel: int = 2) -> None:
    """``warnings.warn(message)`` (a UserWarning); in a run collecting its warnings, kept for it instead.

    A collected warning is its caller's, not the operator's: the server's log held every request's niche text,
    once per request. ``stacklevel`` counts as for ``warnings.warn`` from the caller's point of view.
    """
    collected = _collected.get()
    if collected is not None:
        collected.append(message)
        return
    warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


@contextlib.contextmanager
def collecting_warnings() -> Iterator[list[str]]:
    """Within the block, this thread's runs keep their :func:`warn_run` messages in the list yielded, in order."""
    collected: list[str] = []
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)
