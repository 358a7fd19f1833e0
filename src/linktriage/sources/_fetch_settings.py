"""FetchSettings: every knob of live fetching, with defaults fit for a 50,000-link export on thousands of hosts."""

from __future__ import annotations

from dataclasses import dataclass, fields

from linktriage import __version__
from linktriage._exceptions import InputError

__all__ = ["DEFAULT_USER_AGENT", "FetchSettings"]

DEFAULT_USER_AGENT = f"linktriage/{__version__} (+https://github.com/linktriage/linktriage; backlink audit)"

#: the largest page kept, once decompressed: live answers (max_decompressed_bytes) and archived ones alike
MAX_PAGE_BYTES = 10_000_000


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How live fetching behaves. Times are in seconds, sizes in bytes.

    Politeness: at most ``concurrency`` pages in progress, at most ``per_host`` requests at once to one host,
    and ``per_host_delay`` between the starts of two requests to one host (raised to the host's robots.txt
    ``Crawl-delay``, up to 10 s).
    Retries: ``max_retries`` more attempts (so 2 means up to 3 requests) after connection errors, connect
    timeouts, 5xx and 429, waiting ``backoff`` x 2^attempt with jitter, or the server's Retry-After when it
    asks for no more than ``retry_after_cap``.
    """

    concurrency: int = 16
    per_host: int = 2
    per_host_delay: float = 0.25
    connect_timeout: float = 10.0
    #: longest wait for the next bytes of an answer
    read_timeout: float = 20.0
    #: longest a single request may take, headers and whole body (stops servers that drip bytes forever)
    total_timeout: float = 60.0
    max_retries: int = 2
    backoff: float = 0.5
    retry_after_cap: float = 30.0
    max_redirects: int = 5
    #: cap on the bytes received for one page
    max_bytes: int = 5_000_000
    #: cap on the page once Content-Encoding (gzip, deflate, br) is undone: stops compression bombs
    max_decompressed_bytes: int = MAX_PAGE_BYTES
    respect_robots: bool = True
    #: fetch private, loopback, link-local and reserved addresses too (only for exports you trust)
    allow_private: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    #: progress bar on stderr: None = only when stderr is a terminal
    progress: bool | None = None

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host", "max_bytes", "max_decompressed_bytes"):
            if getattr(self, name) < 1:
                raise InputError(f"FetchSettings.{name} must be at least 1, got {getattr(self, name)}")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise InputError(f"FetchSettings.{name} must be a positive number of seconds, got {getattr(self, name)}")
        for name in ("per_host_delay", "max_retries", "backoff", "retry_after_cap", "max_redirects"):
            if getattr(self, name) < 0:
                raise InputError(f"FetchSettings.{name} cannot be negative, got {getattr(self, name)}")
        if not self.user_agent.strip():
            raise InputError("FetchSettings.user_agent cannot be empty: name the tool and where to read about it")

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
