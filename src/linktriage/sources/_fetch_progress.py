"""The fetch progress bar: pages done, rate, ETA and counts per status, on stderr; nothing when it is piped."""

from __future__ import annotations

import sys
from collections import Counter

__all__ = ["FetchProgress"]

_STYLE = {"ok": "green", "page_gone": "yellow", "blocked": "magenta", "error": "red", "archived": "cyan"}


class FetchProgress:
    """``advance(status)`` once per page; a no-op object when ``enabled`` is False (or None and stderr is piped)."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.counts: Counter[str] = Counter()
        self._bar = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if not enabled or total == 0:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("fetching"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"),
            console=Console(stderr=True), transient=False, refresh_per_second=4,
        )
        self._task = self._bar.add_task("fetch", total=total, rate="", counts="")
        self._bar.start()

    def advance(self, status: str) -> None:
        self.counts[status] += 1
        if self._bar is None:
            return
        self._bar.advance(self._task)
        speed = self._bar.tasks[0].speed
        counts = "  ".join(f"[{_STYLE.get(s, 'white')}]{s} {n}[/]" for s, n in sorted(self.counts.items()))
        self._bar.update(self._task, rate=f"{speed:.1f} pages/s" if speed else "", counts=counts)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
