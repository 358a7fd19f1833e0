"""One mapping from an HTTP status code to a page status, shared by the WARC reader and the live fetcher."""

from __future__ import annotations


def status_for_http(code: int | None) -> tuple[str, str]:
    """Return ``(status, reason)`` for a final (non-redirect) HTTP status code.

    ``ok`` means a body worth parsing; the other values are FetchResult statuses of DESIGN.md.
    """
    if code is None:
        return "error", "no HTTP status"
    if 200 <= code < 300:
        return "ok", ""
    if code in (404, 410):
        return "page_gone", f"HTTP {code}: page gone"
    if code in (401, 403, 429):
        return "blocked", f"HTTP {code}: access refused"
    if code == 304:  # an answer to a conditional request: the archive or server sent no page
        return "error", "HTTP 304: not modified, no page sent"
    if 300 <= code < 400:
        return "error", f"HTTP {code}: redirect without a usable Location"
    return "error", f"HTTP {code}"
