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
once however often it is requested. With ``archive``, pages already there are answered from it, and every page
fetched is appended (request and response records, redirect hops included) before it is yielded.

:class:`FetchSession` keeps one engine, connection pool and archive for many batches (the pipeline fetches
chunk by chunk): the archive is opened and indexed once, and a URL fetched in an earlier batch is answered
again without a request (without an archive, from the recent pages it keeps compressed in memory). See
docs/fetching.md.
"""

from __future__ import annotations

import dataclasses
import os
import zlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from linktriage import __version__
from linktriage._records import FetchResult
from linktriage._paths import check_archive_name, check_output_folder
from linktriage._remote import writable
from linktriage.sources._archive_writer import ArchiveWriter, read_body
from linktriage.sources._fetch_bridge import Bridge
from linktriage.sources._fetch_progress import FetchProgress
from linktriage.sources._fetch_settings import DEFAULT_USER_AGENT, FetchSettings
from linktriage.sources.warc import WarcArchive, url_key

__all__ = ["DEFAULT_USER_AGENT", "FetchSession", "FetchSettings", "FetchSummary", "fetch_pages", "fetch_to_archive"]

#: Without an archive, the compressed bodies of the most recently fetched ``ok`` pages a session keeps, in bytes:
#: ~2,400 pages of today's web (wcxb-dev's 2025 pages: 280 KB of HTML, 54 KB compressed), about a chunk of an
#: export, so a page the next chunk names again is not fetched again and memory stays bounded; older ones are.
RECENT_BODIES_BYTES = 128_000_000


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
    # An archive URL is downloaded (when it exists), appended to locally and uploaded at the end.
    with writable(None if archive is None else str(archive), "--archive", resume=True) as local, \
            FetchSession(settings, archive=local) as session:
        yield from session.fetch(urls)


def fetch_to_archive(urls: Iterable[str], archive: str | os.PathLike[str],
                     settings: FetchSettings | None = None) -> FetchSummary:
    """Fetch every unique URL into ``archive`` (resuming: archived pages are skipped) and count the unique pages."""
    if not str(archive).strip():  # `-o "$ARCHIVE"` unset was "No such file or directory: " after reading the export
        from linktriage._exceptions import InputError

        raise InputError("-o is empty: give the WARC archive to write, e.g. -o pages.warc.gz")
    if os.path.isdir(archive):  # was the bare "Is a directory: odir"
        from linktriage._exceptions import InputError

        raise InputError(f"-o {archive} is a directory: give the WARC archive's file name, e.g. "
                         f"-o {os.path.join(archive, 'pages.warc.gz')}")
    check_output_folder("-o", archive)  # a missing folder was the bare "No such file or directory: ..."
    check_archive_name("-o", archive)
    summary = FetchSummary(archive=str(archive))
    unique: dict[str, str] = {}
    for url in urls:
        unique.setdefault(_key(url), url)
    with writable(str(archive), "--output", resume=True) as local, FetchSession(settings, archive=local) as session:
        for result, known in session._fetch(unique.values()):
            summary.add(result, known)
    return summary


class FetchSession:
    """Fetch batch after batch of URLs with one engine, one connection pool, one robots.txt cache, one archive.

    Use it as a context manager from one thread; ``fetch(urls)`` behaves like :func:`fetch_pages` for each batch,
    and also answers URLs already fetched in an earlier batch of the session without a new request (their
    outcome is remembered; an ``ok`` page's body is read back from the archive, or without one from the recent
    pages kept compressed in memory, up to RECENT_BODIES_BYTES: an older page is fetched again).

    Example::

        with FetchSession(FetchSettings(), archive="pages.warc.gz") as session:
            for chunk in chunks:
                pages = {r.url: r for r in session.fetch(chunk)}
    """

    def __init__(self, settings: FetchSettings | None = None, *,
                 archive: str | os.PathLike[str] | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.archive = str(archive) if archive is not None else None
        self._writer: ArchiveWriter | None = None
        self._archived: WarcArchive | None = None
        #: url_key -> (outcome without its body, where its final response record starts in the archive)
        self._known: dict[str, tuple[FetchResult, int | None]] = {}
        #: without an archive: url_key -> the zlib-compressed body of a recent ok page, least recently used first
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._recent_bytes = 0
        if self.archive is not None:
            self._writer = ArchiveWriter(self.archive, software=f"linktriage/{__version__}",
                                         user_agent=self.settings.user_agent,
                                         robots="obey" if self.settings.respect_robots else "ignore")
            try:
                if self._writer.had_records:
                    self._archived = WarcArchive([self.archive])
            except BaseException:
                self._writer.close()
                raise
        self._bridge = Bridge(self.settings, self._writer)
        self._bridge.start()

    def __enter__(self) -> "FetchSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop fetching (anything still in progress is cancelled) and close the archive."""
        self._bridge.stop()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def fetch(self, urls: Iterable[str]) -> Iterator[FetchResult]:
        """One FetchResult per requested URL, as each is known (see :func:`fetch_pages`)."""
        for result, _ in self._fetch(urls):
            yield result

    def _fetch(self, urls: Iterable[str]) -> Iterator[tuple[FetchResult, bool]]:
        """Results with True when the answer came from the archive or an earlier batch, False when fetched now."""
        groups: dict[str, list[str]] = {}  # url_key -> every spelling requested; the first one is fetched
        for url in urls:
            url = url if isinstance(url, str) else str(url)
            groups.setdefault(_key(url), []).append(url)
        progress = FetchProgress(len(groups), self.settings.progress)
        pending: dict[str, list[str]] = {}
        answered_later: list[str] = []
        for key, spellings in groups.items():
            if key in self._known or (self._archived is not None and spellings[0] in self._archived):
                answered_later.append(key)
            else:
                pending[key] = spellings
        self._bridge.submit([spellings[0] for spellings in pending.values()])
        try:
            for key in answered_later:
                spellings = groups[key]
                result = self._recall(key, spellings[0])
                if result is None:  # an archived redirect whose target is not archived, ...: fetch it
                    pending[key] = spellings
                    self._bridge.submit([spellings[0]])
                else:
                    yield from _spread(result, spellings, progress, True)
                while (ready := self._bridge.get(block=False)) is not None:
                    yield from self._arrived(*ready, pending, progress)
            while pending:
                yield from self._arrived(*self._bridge.get(), pending, progress)
        finally:
            progress.close()

    def _arrived(self, result: FetchResult, offset: int | None, pending: dict[str, list[str]],
                 progress: FetchProgress) -> Iterator[tuple[FetchResult, bool]]:
        key = _key(result.url)
        if result.status != "ok" or offset is not None:
            self._known[key] = (dataclasses.replace(result, body=b""), offset)
        elif self.archive is None:
            self._keep_recent(key, result)
        spellings = pending.pop(key, None)
        if spellings is not None:  # else: a page of an earlier batch whose consumer stopped early
            yield from _spread(result, spellings, progress, False)

    def _keep_recent(self, key: str, result: FetchResult) -> None:
        # level 1: HTML shrinks ~5x at ~180 MB/s (measured on wcxb-dev), little beside the fetch and the parse
        body = zlib.compress(result.body, 1)
        if len(body) > RECENT_BODIES_BYTES:
            return
        self._known[key] = (dataclasses.replace(result, body=b""), None)
        self._recent_bytes += len(body) - len(self._recent.pop(key, b""))
        self._recent[key] = body
        while self._recent_bytes > RECENT_BODIES_BYTES:
            old, dropped = self._recent.popitem(last=False)
            self._recent_bytes -= len(dropped)
            del self._known[old]  # so a later batch fetches it again

    def _recall(self, key: str, url: str) -> FetchResult | None:
        known = self._known.get(key)
        if known is not None:
            result, offset = known
            if result.status == "ok" and offset is not None:
                result = dataclasses.replace(result, body=read_body(self.archive, offset))
            elif result.status == "ok":
                self._recent.move_to_end(key)
                result = dataclasses.replace(result, body=zlib.decompress(self._recent[key]))
            return dataclasses.replace(result, url=url)
        return _from_archive(self._archived, url) if self._archived is not None else None


def _key(url: str) -> str:
    return url_key(url) if url.strip() else url


def _spread(result: FetchResult, spellings: list[str], progress: FetchProgress,
            known: bool) -> Iterator[tuple[FetchResult, bool]]:
    progress.advance(result.status)
    for spelling in spellings:
        yield (result if spelling == result.url else dataclasses.replace(result, url=spelling)), known


def _from_archive(archived: WarcArchive, url: str) -> FetchResult | None:
    """The archived answer for ``url`` (the archive judges it like a live one); None when it must be fetched."""
    result = archived.get(url)
    if result is None or result.status == "not_fetched":
        return None
    return result


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
            self.reasons[result.status][reason_family(result.reason)] += 1

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


def reason_family(reason: str) -> str:
    """Group reasons that differ only in host-specific detail, for the summary."""
    reason = reason.split(" (after ", 1)[0]
    for prefix, family in (("refused:", "refused: non-public address"), ("DNS", "DNS failure"),
                           ("redirect loop", "redirect loop"), ("invalid URL", "invalid URL"),
                           ("redirect to an unusable URL", "redirect to an unusable URL"),
                           ("robots.txt unreachable (redirected", "robots.txt unreachable (redirect target failed)")):
        if reason.startswith(prefix):
            return family
    return reason


