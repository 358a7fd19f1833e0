"""Runs the fetch Engine's event loop in a background thread and hands its results to the calling thread.

The caller's thread stays synchronous (a plain generator); the loop thread does all the network work. At most
``concurrency`` finished results wait to be taken: a slow consumer slows the fetching down instead of piling
pages up in memory.
"""

from __future__ import annotations

import asyncio
import queue
import threading

from linktriage._records import FetchResult
from linktriage.sources._archive_writer import ArchiveWriter
from linktriage.sources._fetch_engine import Engine
from linktriage.sources._fetch_settings import FetchSettings

__all__ = ["Bridge"]

_DONE = object()


class Bridge:
    """``start()``, then ``submit(urls)`` and ``get()`` results as ``(FetchResult, archive offset or None)``."""

    def __init__(self, settings: FetchSettings, writer: ArchiveWriter | None) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._engine = Engine(settings, self._deliver, writer)
        self._room_size = max(4, settings.concurrency)
        self._room: asyncio.Semaphore | None = None
        self._started = threading.Event()
        self._thread: threading.Thread | None = None
        self._main: asyncio.Task | None = None
        self._finished = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="linktriage-fetch", daemon=True)
        self._thread.start()
        self._started.wait()

    def _run(self) -> None:
        async def main() -> None:
            self._room = asyncio.Semaphore(self._room_size)
            self._main = asyncio.current_task()
            await self._engine.run([], started=self._started.set)

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # surfaced in the caller's thread by get()
            self._queue.put(exc)
        finally:
            self._started.set()
            self._queue.put(_DONE)

    async def _deliver(self, result: FetchResult, offset: int | None) -> None:
        assert self._room is not None
        await self._room.acquire()
        self._queue.put((result, offset))

    def submit(self, urls: list[str]) -> None:
        if urls:
            self._engine.submit(urls)

    def get(self, block: bool = True) -> tuple[FetchResult, int | None] | None:
        """The next finished result; None when ``block`` is False and none is ready. Raises what killed the engine."""
        while True:
            if self._finished:
                raise RuntimeError("the fetcher stopped before every page was answered")
            try:
                item = self._queue.get(timeout=0.5) if block else self._queue.get_nowait()
            except queue.Empty:
                if block:
                    continue
                return None
            if item is _DONE:
                self._finished = True
                continue
            if isinstance(item, BaseException):
                self._finished = True
                raise item
            self._took_one()
            return item

    def _took_one(self) -> None:
        loop = self._engine.loop
        if loop is not None and not loop.is_closed() and self._room is not None:
            try:
                loop.call_soon_threadsafe(self._room.release)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def stop(self) -> None:
        """Cancel whatever is still running and wait for the loop thread to finish (archive records are never cut)."""
        if self._thread is None:
            return
        loop, main = self._engine.loop, self._main
        if self._thread.is_alive() and loop is not None and main is not None:
            try:
                loop.call_soon_threadsafe(main.cancel)
            except RuntimeError:
                pass
        self._thread.join()
