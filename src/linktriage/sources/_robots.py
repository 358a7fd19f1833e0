"""robots.txt per RFC 9309, fetched once per origin (scheme, host, port) and cached for the run.

How a robots.txt answer maps to rules (RFC 9309 section 2.3.1):

- 2xx: parsed with protego (wildcards, ``$``, longest match wins, ``Crawl-delay``);
- 4xx ("unavailable"): crawl everything; 429 is treated like 5xx, as Google does, since it asks us to slow down;
- 5xx or no answer ("unreachable"): crawl nothing on that origin for this run;
- a failure to reach the host (it does not resolve, refuses connections, is a private address, ...) is reported
  as that failure on every page of the origin: the pages would fail the same way. A host that was reached but gave
  no robots.txt answer (timed out, broke the connection) is "unreachable" and says so, since its pages might
  answer: "robots.txt unreachable (timed out ...)" rather than a timeout the page never had. When robots.txt redirected
  elsewhere, the pages would not: a refused target counts as no robots.txt (like any redirect to a URL that is not
  fetched), any other failure there as "unreachable".

Answers that came with an HTTP status are also kept process-wide for an hour (RFC 9309 allows a day), so the
pipeline, which fetches chunk by chunk, does not ask a host for its robots.txt once per chunk.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urlsplit

__all__ = ["ROBOTS_MAX_BYTES", "RobotsAnswer", "RobotsCache", "Verdict", "forget_robots"]

#: RFC 9309 asks parsers to read at least 500 KiB
ROBOTS_MAX_BYTES = 512_000
#: product token matched against User-agent lines
AGENT_TOKEN = "linktriage"
SHARED_TTL = 3600.0
SHARED_MAX = 20_000
_shared: OrderedDict[str, tuple[float, "_Rules"]] = OrderedDict()
_shared_lock = threading.Lock()


def _remember(origin: str, rules: "_Rules") -> None:
    with _shared_lock:
        _shared[origin] = (time.monotonic() + SHARED_TTL, rules)
        _shared.move_to_end(origin)
        while len(_shared) > SHARED_MAX:
            _shared.popitem(last=False)


def _recall(origin: str) -> "_Rules | None":
    with _shared_lock:
        entry = _shared.get(origin)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def forget_robots() -> None:
    """Drop the process-wide robots.txt cache (tests; long-running servers that want fresh rules)."""
    with _shared_lock:
        _shared.clear()


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: an HTTP status and body, or a failure (status, reason) with no status."""

    http_status: int | None
    body: bytes = b""
    failure_status: str = ""
    failure_reason: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a URL may be fetched; when not, the FetchResult status and reason to report."""

    allowed: bool
    status: str = ""
    reason: str = ""
    #: the origin's Crawl-delay in seconds, when robots.txt gives one
    crawl_delay: float | None = None


class _Rules:
    def __init__(self, answer: RobotsAnswer) -> None:
        self.parser = None
        self.crawl_delay: float | None = None
        self.refusal: tuple[str, str] | None = None
        code = answer.http_status
        if code is None:
            self.refusal = (answer.failure_status or "error", answer.failure_reason or "robots.txt unreachable")
        elif 200 <= code < 300:
            from protego import Protego

            self.parser = Protego.parse(answer.body.decode("utf-8", errors="replace"))
            delay = self.parser.crawl_delay(AGENT_TOKEN)
            self.crawl_delay = float(delay) if delay is not None else None
        elif code == 429 or code >= 500:
            self.refusal = ("blocked", f"robots.txt unreachable (HTTP {code}): the site allows no crawling for now")
        elif 300 <= code < 400:  # redirects were followed; one left means no usable Location or too many
            self.refusal = ("blocked", f"robots.txt unreachable (HTTP {code} redirect not followed)")
        # other 4xx: no robots.txt, everything allowed

    def verdict(self, url: str) -> Verdict:
        if self.refusal is not None:
            return Verdict(False, *self.refusal)
        if self.parser is not None and not self.parser.can_fetch(url, AGENT_TOKEN):
            return Verdict(False, "blocked", "robots.txt disallows this URL", self.crawl_delay)
        return Verdict(True, crawl_delay=self.crawl_delay)


class RobotsCache:
    """Answers "may linktriage fetch this URL?"; each origin's robots.txt is fetched once, by ``fetch``.

    ``fetch(robots_url)`` must apply the same safety rules as page fetches (address guard, caps, timeouts).
    Concurrent questions about one origin share a single fetch.
    """

    def __init__(self, fetch: Callable[[str], Awaitable[RobotsAnswer]]) -> None:
        self._fetch = fetch
        self._rules: dict[str, asyncio.Future[_Rules]] = {}

    async def check(self, url: str) -> Verdict:
        parts = urlsplit(url)
        # the origin is scheme, host and port: "user:password@" is no part of it (and must not be lower-cased and sent)
        origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"
        future = self._rules.get(origin)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._rules[origin] = future
            rules = _recall(origin)
            if rules is None:
                try:
                    answer = await self._fetch(f"{origin}/robots.txt")
                except BaseException:
                    del self._rules[origin]  # cancelled: let a later question fetch it again
                    future.cancel()
                    raise
                rules = _Rules(answer)
                if answer.http_status is not None:
                    _remember(origin, rules)
            future.set_result(rules)
        rules = await asyncio.shield(future)
        return rules.verdict(url)
