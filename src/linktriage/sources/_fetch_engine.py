"""The asyncio side of live fetching: a per-host frontier, politeness, retries, redirects, robots.txt, archiving.

Scheduling. URLs wait in one queue per host. The dispatcher starts a page only on a host that has fewer than
``per_host`` pages in progress and whose politeness delay has passed, picking hosts from a heap ordered by when
they may next start; so a list sorted by host never fills the global slots with pages waiting on one host.
Every request (page, redirect hop, retry, robots.txt) also takes one of its host's ``per_host`` slots, and all
but robots.txt keep ``per_host_delay`` since the previous request start on that host, so cross-host redirects
are polite too.

Each page runs as one task: robots.txt, then up to ``max_redirects`` hops, each safety-checked at connect time
by the guarded network backend; its archive records are written by one writer thread before it is reported.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import httpx

from linktriage._records import FetchResult
from linktriage.sources._archive_writer import ArchiveWriter, Exchange
from linktriage.sources._fetch_body import charset_of, content_type_value, meta_refresh
from linktriage.sources._fetch_http import (
    REDIRECT_STATUSES, RETRY_STATUSES, Answer, Failure, check_url, failure_for, make_client, redirect_target, request,
    retry_after,
)
from linktriage.sources._fetch_settings import FetchSettings
from linktriage.sources._robots import RobotsAnswer, RobotsCache
from linktriage.sources._status import status_for_http

__all__ = ["Engine"]

log = logging.getLogger(__name__)

MAX_CRAWL_DELAY = 10.0


@dataclass(slots=True, eq=False)
class _Host:
    name: str
    per_host: int
    delay: float
    queue: deque[str] = field(default_factory=deque)
    pages: int = 0
    next_start: float = 0.0
    scheduled: bool = False
    slots: asyncio.Semaphore | None = None

    async def acquire(self, paced: bool = True) -> None:
        """Take one of the host's request slots, then keep ``delay`` since the previous paced request start.

        robots.txt is not paced: one tiny request before the first page is what every crawler does, and pacing
        it would make every host's first page wait a whole delay while holding a global slot.
        """
        if self.slots is None:
            self.slots = asyncio.Semaphore(self.per_host)
        await self.slots.acquire()
        if not paced:
            return
        now = time.monotonic()
        start = max(now, self.next_start)
        self.next_start = start + self.delay  # reserve before sleeping, so concurrent callers queue up
        if start > now:
            try:
                await asyncio.sleep(start - now)
            except BaseException:  # cancelled while waiting its turn: the caller never got the slot to release
                self.slots.release()
                raise

    def release(self) -> None:
        assert self.slots is not None
        self.slots.release()


class _Page:
    """Per-page state: its cookies (a site may set one and redirect to itself; pages never share them)."""

    __slots__ = ("cookies",)

    def __init__(self) -> None:
        self.cookies = httpx.Cookies()


class Engine:
    """Fetches pages on an asyncio loop; ``deliver(result, offset)`` is awaited for each finished page, ``offset``
    being where its final response record starts in the archive (None when not archived).

    ``submit`` and ``close_input`` may be called from other threads once :meth:`run` has started (``started``).
    """

    def __init__(self, settings: FetchSettings, deliver: Callable, writer: ArchiveWriter | None = None) -> None:
        self.settings = settings
        self._deliver = deliver
        self._writer = writer
        self._hosts: dict[str, _Host] = {}
        self._heap: list[tuple[float, int, _Host]] = []
        self._seq = 0
        self._active = 0
        self._input_closed = False
        self._tasks: set[asyncio.Task] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._robots = RobotsCache(self._fetch_robots)
        self._client: httpx.AsyncClient | None = None
        self._write_pool: ThreadPoolExecutor | None = None
        #: an error that ends the run (the archive cannot be written)
        self._fatal: BaseException | None = None

    # --- input, from any thread -------------------------------------------------------------------------
    def submit(self, urls: list[str]) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._enqueue_many, list(urls))

    def _enqueue_many(self, urls: list[str]) -> None:
        for url in urls:
            self._enqueue(url)

    def close_input(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._close_input)

    def _close_input(self) -> None:
        self._input_closed = True
        self._wake()

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _host(self, url: str) -> _Host:
        try:
            name = (urlsplit(url).hostname or "").lower()
        except ValueError:  # "http://[::1": check_url refuses it in its task; raising here would lose the URL
            name = ""
        host = self._hosts.get(name)
        if host is None:
            if name:
                host = _Host(name, self.settings.per_host, self.settings.per_host_delay)
            else:  # URLs that fail validation are answered at once, without politeness
                host = _Host(name, self.settings.concurrency, 0.0)
            self._hosts[name] = host
        return host

    def _enqueue(self, url: str) -> None:
        # the host as check_url will see it (cheaply: check_url itself runs once, in the page's task)
        text = url.strip()
        host = self._host(text if "://" in text.split("?", 1)[0] else "http://" + text.lstrip("/"))
        host.queue.append(url)
        self._schedule(host)
        self._wake()

    def _schedule(self, host: _Host, not_before: float = 0.0) -> None:
        if host.queue and not host.scheduled and host.pages < host.per_host:
            host.scheduled = True
            self._seq += 1
            heapq.heappush(self._heap, (max(host.next_start, not_before), self._seq, host))

    # --- the dispatcher -----------------------------------------------------------------------------------
    async def run(self, urls: list[str], started: Callable[[], None] = lambda: None) -> None:
        self.loop = asyncio.get_running_loop()
        # getaddrinfo runs in the default executor: size it so DNS never throttles the global concurrency
        self.loop.set_default_executor(ThreadPoolExecutor(max_workers=min(64, self.settings.concurrency + 4),
                                                          thread_name_prefix="linktriage-dns"))
        self._changed = asyncio.Event()
        self._write_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linktriage-warc")
        for url in urls:
            self._enqueue(url)
        started()
        try:
            async with make_client(self.settings) as self._client:
                await self._dispatch()
        finally:
            for task in self._tasks:
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            self._write_pool.shutdown(wait=True)  # a record being written is finished, never cut

    async def _dispatch(self) -> None:
        assert self._changed is not None
        while True:
            self._changed.clear()
            now = time.monotonic()
            while self._heap and self._active < self.settings.concurrency and self._heap[0][0] <= now:
                _, _, host = heapq.heappop(self._heap)
                host.scheduled = False
                if not host.queue or host.pages >= host.per_host:
                    continue
                if host.next_start > now:  # a request of a running page moved the host's next start
                    self._schedule(host)
                    continue
                url = host.queue.popleft()
                host.pages += 1
                self._active += 1
                task = asyncio.create_task(self._page(url, host))
                self._tasks.add(task)
                # the page's first request will start the host's delay; its next page waits for that
                self._schedule(host, not_before=now + host.delay)
            if self._fatal is not None:
                raise self._fatal
            if self._input_closed and not self._active and not self._heap:
                return
            timeout = None
            if self._heap and self._active < self.settings.concurrency:
                timeout = max(0.0, self._heap[0][0] - time.monotonic())
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass

    async def _page(self, url: str, host: _Host) -> None:
        try:
            try:
                result, exchanges = await self._fetch_page(url, _Page())
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must cost one page, not the run
                log.exception("fetching %s failed", url)
                result, exchanges = FetchResult(url=url, status="error", reason=failure_for(exc, self.settings).reason), []
            offset = None
            if exchanges and self._writer is not None:
                assert self.loop is not None
                try:
                    offsets = await self.loop.run_in_executor(self._write_pool, self._writer.write, exchanges)
                except Exception as exc:  # disk full, file gone, a record that cannot be written: the whole run
                    self._fatal = self._fatal or exc  # must stop, loudly (the page will never be delivered)
                    return
                offset = offsets[-1]  # the final answer is the last exchange
            await self._deliver(result, offset)
        finally:
            host.pages -= 1
            self._active -= 1
            self._tasks.discard(asyncio.current_task())  # type: ignore[arg-type]
            self._schedule(host)
            self._wake()

    # --- one page: robots, redirects --------------------------------------------------------------------
    async def _fetch_page(self, url: str, page: _Page) -> tuple[FetchResult, list[Exchange]]:
        """The page's FetchResult, and the exchanges to archive (none unless the outcome is worth keeping)."""
        settings = self.settings
        current, problem = check_url(url)
        if problem:
            return FetchResult(url=url, status="error", reason=problem), []
        exchanges: list[Exchange] = []
        visited = [current]
        seen = {(current, "")}
        for hop in range(settings.max_redirects + 1):
            # moved only if it ends elsewhere: a cookie set and a redirect back to the same URL is the same page
            # (and the archive, one answer per URL, reads it so)
            redirected = current != visited[0]
            final_url = current if redirected else ""
            if settings.respect_robots:
                verdict = await self._robots.check(current)
                if verdict.crawl_delay:
                    host = self._host(current)
                    host.delay = max(host.delay, min(verdict.crawl_delay, MAX_CRAWL_DELAY))
                if not verdict.allowed:
                    return FetchResult(url=url, status=verdict.status, final_url=final_url, reason=verdict.reason,
                                       redirected=redirected), []
            answer = await self._get(current, page, purpose="page")
            if isinstance(answer, Failure):
                return FetchResult(url=url, status=answer.status, final_url=final_url,
                                   reason=_with_retries(answer.reason, answer.retries), redirected=redirected), []
            if answer.exchange is not None:
                exchanges.append(answer.exchange)
            location = answer.headers.get("location", "").strip()
            content_type = content_type_value(answer.headers.get("content-type", ""))
            target = ""
            if answer.code in REDIRECT_STATUSES and location:
                target, problem = redirect_target(current, location)
                if problem:
                    return FetchResult(url=url, status="error", final_url=current, http_status=answer.code,
                                       reason=f"redirect to an unusable URL ({problem})", redirected=True), []
            elif 200 <= answer.code < 300 and not answer.refusal:
                refresh = meta_refresh(answer.body, charset_of(content_type), current)  # only where a fetch may go
                target = redirect_target(current, refresh)[0] if refresh else ""
            if target:
                cookie_state = "; ".join(f"{k}={v}" for k, v in sorted(page.cookies.items()))
                if (target, cookie_state) in seen:
                    chain = " → ".join([*visited[visited.index(target):], target]) if target in visited else target
                    return FetchResult(url=url, status="error", final_url=target, http_status=answer.code,
                                       reason=f"redirect loop: {_clip(chain, 200)}", redirected=True), []
                if hop == settings.max_redirects:
                    return FetchResult(url=url, status="error", final_url=target, http_status=answer.code,
                                       reason=f"more than {settings.max_redirects} redirects", redirected=True), []
                seen.add((target, cookie_state))
                visited.append(target)
                current = target
                continue
            status, reason = status_for_http(answer.code)
            if status == "ok" and answer.refusal:
                status, reason = "error", answer.refusal
            if answer.wait_refused is not None:  # "HTTP 429" alone did not say that trying later may work
                reason += (f" (the server asked to wait {answer.wait_refused:,.0f} s before trying again; linktriage "
                           f"waits up to {settings.retry_after_cap:g} s)")
            keep = status == "ok" or (400 <= answer.code < 500 and answer.code not in RETRY_STATUSES)
            return FetchResult(
                url=url, status=status, final_url=current, http_status=answer.code,
                body=answer.body if status == "ok" else b"", content_type=content_type,
                charset=charset_of(content_type), reason=_with_retries(reason, answer.retries), redirected=redirected,
            ), (_last_per_url(exchanges) if keep else [])
        raise AssertionError("unreachable: the loop returns on its last hop")

    async def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        page = _Page()
        current = robots_url
        for _ in range(5):  # RFC 9309: follow at least five redirects
            answer = await self._get(current, page, purpose="robots")
            if isinstance(answer, Failure) and current == robots_url:
                if answer.whole_host:  # the page would fail the same way: say what its own request would have said
                    return RobotsAnswer(None, failure_status=answer.status,
                                        failure_reason=_with_retries(answer.reason, answer.retries))
                return RobotsAnswer(None, failure_status="blocked", failure_reason=_clip(  # the host answers
                    f"robots.txt unreachable ({_with_retries(answer.reason, answer.retries)})"))
            if isinstance(answer, Failure):  # where robots.txt redirected to, not the page's own host
                if answer.reason.startswith("refused:"):  # a non-public address: not fetched, like an ftp: URL
                    return RobotsAnswer(404)
                return RobotsAnswer(None, failure_status="blocked", failure_reason=_clip(
                    f"robots.txt unreachable (redirected to {current}: {_with_retries(answer.reason, answer.retries)})"))
            location = answer.headers.get("location", "").strip()
            if answer.code in REDIRECT_STATUSES and location:
                target, problem = redirect_target(current, location)
                if problem:
                    return RobotsAnswer(404)  # a redirect to nowhere usable: as if there were no robots.txt
                current = target
                continue
            return RobotsAnswer(answer.code, answer.body)
        return RobotsAnswer(404)

    # --- one request, with retries ------------------------------------------------------------------------
    async def _get(self, url: str, page: _Page, *, purpose: str) -> Answer | Failure:
        settings = self.settings
        host = self._host(url)
        attempt = 0
        while True:
            await host.acquire(paced=purpose != "robots")
            try:
                async with asyncio.timeout(settings.total_timeout):
                    outcome: Answer | Failure = await request(self._client, url, page.cookies, purpose, settings,
                                                              archived=self._writer is not None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outcome = failure_for(exc, settings)
            finally:
                host.release()
            wait = settings.backoff * 2 ** attempt * random.uniform(0.5, 1.5)
            if isinstance(outcome, Failure):
                if not outcome.retryable or attempt >= settings.max_retries:
                    outcome.retries = attempt
                    return outcome
            elif outcome.code in RETRY_STATUSES and attempt < settings.max_retries:
                asked = retry_after(outcome.headers.get("retry-after"))
                if asked is not None and asked > settings.retry_after_cap:
                    outcome.retries, outcome.wait_refused = attempt, asked
                    return outcome  # the server asks for a longer pause than we wait: take its answer as final
                wait = max(wait, asked or 0.0)
            else:
                outcome.retries = attempt
                return outcome
            attempt += 1
            await asyncio.sleep(wait)

def _last_per_url(exchanges: list[Exchange]) -> list[Exchange]:
    """Drop a hop that led back to its own URL (a cookie set, then the same page): the archive keeps one answer per URL."""
    last = {exchange.url: i for i, exchange in enumerate(exchanges)}
    return [exchange for i, exchange in enumerate(exchanges) if last[exchange.url] == i]


def _with_retries(reason: str, retries: int) -> str:
    if not retries or not reason:
        return reason
    return f"{reason} (after {retries} {'retry' if retries == 1 else 'retries'})"


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
