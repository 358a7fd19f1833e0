"""Live fetching of referring pages: polite, bounded, safe, and archived to WARC as it goes.

``fetch_pages(urls, settings, archive=...)`` yields one :class:`~linktriage.FetchResult` per requested URL, as
pages complete. The work runs on an asyncio loop (httpx AsyncClient) in a background thread; this generator
hands results over as they come, holding at most a few in between.

What a result's ``status`` means here (DESIGN.md ``link_status`` follows from it):

- ``ok``: an HTML page is in ``body`` (``redirected``/``final_url`` tell where redirects led);
- ``page_gone``: 404 or 410;
- ``blocked``: 401, 403 or 429 after retries, or robots.txt (disallow, or robots.txt itself answering 5xx);
- ``error``: DNS, TLS, timeouts, resets, 5xx after retries, body too large, compression bomb, not HTML,
  redirect loops, private addresses refused, invalid URLs.

``reason`` says which, in a short phrase. Each unique URL (by :func:`~linktriage.sources.url_key`) is fetched
once per call however often it is requested. With ``archive``, pages already there are answered from it, and
every page fetched is appended (request and response records, redirect hops included) before it is yielded.
See docs/fetching.md.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from linktriage import __version__
from linktriage._records import FetchResult
from linktriage.sources._archive_writer import ArchiveWriter
from linktriage.sources._fetch_body import html_refusal
from linktriage.sources._fetch_engine import Engine
from linktriage.sources._fetch_progress import FetchProgress
from linktriage.sources._fetch_settings import DEFAULT_USER_AGENT, FetchSettings
from linktriage.sources.warc import WarcArchive, url_key

__all__ = ["DEFAULT_USER_AGENT", "FetchSettings", "FetchSummary", "fetch_pages", "fetch_to_archive"]

_DONE = object()


def fetch_pages(
    urls: Iterable[str], settings: FetchSettings | None = None, *, archive: str | os.PathLike[str] | None = None,
) -> Iterator[FetchResult]:
    """Fetch each unique URL once and yield its FetchResult as soon as it is known (order not guaranteed).

    ``result.url`` is the URL as requested: every requested spelling gets its own result. With ``archive``
    (a WARC path, created if missing), URLs already archived are answered from it without a request, and each
    page fetched is appended to it. Closing the generator early stops the fetching; what was archived stays.

    Example::

        for result in fetch_pages(["https://example.org/a"], FetchSettings(concurrency=8), archive="pages.warc.gz"):
            print(result.url, result.status, result.reason)
    """
    for result, _ in _fetch(urls, settings or FetchSettings(), archive):
        yield result


@dataclass(slots=True)
class FetchSummary:
    """Counts of a fetch run: pages per status, the commonest reasons, and how many came from the archive."""

    archive: str = ""
    counts: Counter = field(default_factory=Counter)
    reasons: dict = field(default_factory=lambda: defaultdict(Counter))
    from_archive: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, result: FetchResult, from_archive: bool = False) -> None:
        self.counts[result.status] += 1
        self.from_archive += from_archive
        if result.reason and result.status != "ok":
            self.reasons[result.status][_reason_family(result.reason)] += 1

    def lines(self) -> list[str]:
        """One line per status, with its three commonest reasons: ``"error       12  timed out ... (7), ..."``."""
        head = f"{self.total} pages"
        if self.archive:
            head += f" in {self.archive} ({self.from_archive} already there)"
        lines = [head]
        for status in ("ok", "page_gone", "blocked", "error", "not_fetched"):
            if self.counts[status]:
                top = ", ".join(f"{r} ({n})" for r, n in self.reasons[status].most_common(3))
                lines.append(f"  {status:<10} {self.counts[status]:>7}" + (f"  {top}" if top else ""))
        return lines


def fetch_to_archive(urls: Iterable[str], archive: str | os.PathLike[str],
                     settings: FetchSettings | None = None) -> FetchSummary:
    """Fetch every unique URL into ``archive`` (resuming: archived pages are skipped) and count the unique pages."""
    summary = FetchSummary(archive=str(archive))
    unique: dict[str, str] = {}
    for url in urls:
        unique.setdefault(url_key(url) if url.strip() else url, url)
    for result, from_archive in _fetch(unique.values(), settings or FetchSettings(), archive):
        summary.add(result, from_archive)
    return summary


def _reason_family(reason: str) -> str:
    """Group reasons that differ only in host-specific detail, for the summary."""
    reason = reason.split(" (after ", 1)[0]
    for prefix, family in (("refused:", "refused: non-public address"), ("DNS", "DNS failure"),
                           ("redirect loop", "redirect loop"), ("invalid URL", "invalid URL"),
                           ("redirect to an unusable URL", "redirect to an unusable URL")):
        if reason.startswith(prefix):
            return family
    return reason


def _fetch(urls: Iterable[str], settings: FetchSettings,
           archive: str | os.PathLike[str] | None) -> Iterator[tuple[FetchResult, bool]]:
    groups: dict[str, list[str]] = {}  # url_key -> every spelling requested, first one fetched
    for url in urls:
        url = url if isinstance(url, str) else str(url)
        groups.setdefault(url_key(url) if url.strip() else url, []).append(url)
    archived: WarcArchive | None = None
    writer: ArchiveWriter | None = None
    if archive is not None:
        writer = ArchiveWriter(archive, software=f"linktriage/{__version__}", user_agent=settings.user_agent,
                               robots="obey" if settings.respect_robots else "ignore")
        if writer.had_records:
            try:
                archived = WarcArchive([archive])
            except BaseException:
                writer.close()
                raise
    in_archive = [key for key, spellings in groups.items() if archived is not None and spellings[0] in archived]
    to_fetch = [groups[key][0] for key in groups if archived is None or groups[key][0] not in archived]
    progress = FetchProgress(len(groups), settings.progress)
    bridge = _Bridge(settings, writer)
    try:
        bridge.start(to_fetch)
        for key in in_archive:
            first = groups[key][0]
            result = _from_archive(archived, first) if archived is not None else None
            if result is None:  # e.g. an archived redirect whose target is not archived: fetch it
                bridge.submit(first)
            else:
                progress.advance(result.status)
                for spelling in groups[key]:
                    yield (result if spelling == first else dataclasses.replace(result, url=spelling)), True
            for live in bridge.ready():
                yield from _spread(live, groups, progress)
        bridge.close_input()
        for live in bridge.results():
            yield from _spread(live, groups, progress)
    finally:
        bridge.stop()
        progress.close()
        if writer is not None:
            writer.close()


def _spread(result: FetchResult, groups: dict[str, list[str]], progress: FetchProgress):
    progress.advance(result.status)
    key = url_key(result.url) if result.url.strip() else result.url
    for spelling in groups.get(key, [result.url]):
        yield (result if spelling == result.url else dataclasses.replace(result, url=spelling)), False


def _from_archive(archived: WarcArchive, url: str) -> FetchResult | None:
    """The archived answer for ``url``, judged like a live one (non-HTML refused); None when it must be fetched."""
    result = archived.get(url)
    if result is None or result.status == "not_fetched":
        return None
    if result.status == "ok":
        refusal = html_refusal(result.content_type, result.body[:1024])
        if refusal:
            return dataclasses.replace(result, status="error", body=b"", reason=refusal)
    return result


class _Bridge:
    """Runs the Engine's event loop in a thread and hands its results to the calling thread."""

    def __init__(self, settings: FetchSettings, writer: ArchiveWriter | None) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._engine = Engine(settings, self._deliver, writer)
        # results handed over but not yet taken: bounds the memory held for a slow consumer
        self._room_size = max(4, settings.concurrency)
        self._room = None
        self._started = threading.Event()
        self._thread: threading.Thread | None = None
        self._main = None
        self._finished = False

    def start(self, urls: list[str]) -> None:
        self._thread = threading.Thread(target=self._run, args=(urls,), name="linktriage-fetch", daemon=True)
        self._thread.start()
        self._started.wait()

    def _run(self, urls: list[str]) -> None:
        import asyncio

        async def main() -> None:
            self._room = asyncio.Semaphore(self._room_size)
            self._main = asyncio.current_task()
            await self._engine.run(urls, started=self._started.set)

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # surfaced in the caller's thread
            self._queue.put(exc)
        finally:
            self._started.set()
            self._queue.put(_DONE)

    async def _deliver(self, result: FetchResult) -> None:
        await self._room.acquire()
        self._queue.put(result)

    def _took_one(self) -> None:
        loop = self._engine.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._room.release)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def submit(self, url: str) -> None:
        self._engine.submit(url)

    def close_input(self) -> None:
        if not self._finished:
            self._engine.close_input()

    def _take(self, block: bool):
        item = self._queue.get(timeout=0.5) if block else self._queue.get_nowait()
        if item is _DONE:
            self._finished = True
            return _DONE
        if isinstance(item, BaseException):
            raise item
        self._took_one()
        return item

    def ready(self) -> Iterator[FetchResult]:
        """Results already finished, without waiting."""
        while not self._finished:
            try:
                item = self._take(block=False)
            except queue.Empty:
                return
            if item is _DONE:
                return
            yield item

    def results(self) -> Iterator[FetchResult]:
        """Every remaining result, waiting for each."""
        while not self._finished:
            try:
                item = self._take(block=True)
            except queue.Empty:
                continue
            if item is _DONE:
                return
            yield item

    def stop(self) -> None:
        """Cancel what is still running (the consumer stopped early) and wait for the thread to finish."""
        if self._thread is None:
            return
        loop, main = self._engine.loop, self._main
        if self._thread.is_alive() and loop is not None and main is not None:
            try:
                loop.call_soon_threadsafe(main.cancel)
            except RuntimeError:
                pass
        self._thread.join()
