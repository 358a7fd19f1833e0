"""Per-page analysis: one fetched page and the export rows pointing at it -> one LinkAnalysis per row.

This is the unit of work a process pool (or a Dask worker) runs: it parses the page once, locates every row's
link, and computes features, returning only small picklable records (no parse tree).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

from linktriage._cache import cache_in_process, page_key
from linktriage._deadline import Overtime, deadline
from linktriage._domains import registrable_domain
from linktriage._records import Backlink, FetchResult, LinkContext
from linktriage._remote import is_url
from linktriage.extract import MAX_HTML_CHARS, extract_page
from linktriage.features import link_features, page_features
from linktriage.locate import locate_links
from linktriage.sources.warc import WarcArchive

__all__ = ["LinkAnalysis", "PageSummary", "analyse_page", "analyse_source", "archive_key", "register_archive",
           "unfetched"]

#: the archives this process reads pages from, by their paths. The parent registers its own before it starts
#: worker processes (forked workers inherit it); any other worker (spawned, a Dask worker) indexes the files on
#: first use. Either way a worker reads page bodies itself: they never travel between processes.
_ARCHIVES: dict[tuple[str, ...], WarcArchive] = {}
#: seconds one page's analysis may take (corpus pages take well under 2 s): a page no fix foresaw (a pattern that
#: backtracks, markup built to be costly) becomes its rows' error instead of holding a worker for hours
PAGE_DEADLINE_S = 60.0


@dataclass(frozen=True, slots=True)
class LinkAnalysis:
    """Everything known about one export row before the model judges it."""

    row: int
    link_status: str
    http_status: int | None = None
    #: why the row could not be judged (page gone, link missing, ...); empty for judged rows
    reason: str = ""
    context: LinkContext | None = None
    features: dict[str, float] | None = None
    source_domain: str = ""


@dataclass(frozen=True, slots=True)
class PageSummary:
    """The page-level text the relevance stage needs (kept once per page, not per row)."""

    url: str
    title: str = ""
    main_text: str = ""
    description: str = ""


def unfetched(backlinks: Sequence[Backlink], fetched: FetchResult) -> list[LinkAnalysis]:
    """Rows whose page could not be read: the page's status becomes the rows' link_status, except for rows whose
    page redirected to their target's own site (the redirect is their link; what that site answers is the target's
    own matter, said in the reason)."""
    return [_redirect_to_target(fetched, b)
            or LinkAnalysis(row=b.row, link_status=fetched.status, http_status=fetched.http_status,
                            reason=fetched.reason or fetched.status.replace("_", " "),
                            source_domain=registrable_domain(b.source_url))
            for b in backlinks]


def _redirect_to_target(fetched: FetchResult, backlink: Backlink) -> LinkAnalysis | None:
    """The row of a page that redirected to the target's own site, or None when it did not. An expired or moved
    page redirected there: the link is the redirect itself, and the page reached is the target's own (judging its
    navigation links would call the redirect "editorial"; its 403 or DNS failure made the referring page look
    blocked or down)."""
    if not (fetched.redirected and _lands_on_the_target_site(fetched, backlink)):
        return None
    answer = "" if fetched.status == "ok" else f" ({fetched.reason or fetched.status.replace('_', ' ')})"
    return LinkAnalysis(row=backlink.row, link_status="redirected", http_status=fetched.http_status,
                        reason=f"page redirects to {fetched.final_url}, on the target's own site{answer}: a "
                               "redirect, not a link on a page to judge",
                        source_domain=registrable_domain(backlink.source_url))


def register_archive(archive: WarcArchive) -> None:
    """Make ``archive`` the one this process (and workers it forks later) reads its paths' pages from."""
    _ARCHIVES[archive_key(archive)] = archive


def archive_key(archive: WarcArchive) -> tuple[str, ...]:
    """The archive's files as absolute paths (fsspec URLs as they are): what ``analyse_source`` is given, valid in
    any worker's directory. A URL made "absolute" would become a local path that exists nowhere."""
    return tuple(p if is_url(p) else os.path.abspath(p) for p in archive.paths)


def analyse_source(paths: tuple[str, ...], source: FetchResult | str, backlinks: Sequence[Backlink],
                   cache: str | None = None) -> tuple[PageSummary | None, list[LinkAnalysis]]:
    """``analyse_page`` for a page given as a FetchResult, or as a URL to read from the WARC files at ``paths``."""
    if isinstance(source, str):
        archive = _ARCHIVES.get(paths)
        if archive is None:
            archive = _ARCHIVES.setdefault(paths, WarcArchive(paths))
        source = archive.get(source) or FetchResult(url=source, status="not_fetched",
                                                    reason="not in the archives")
    return analyse_page(source, backlinks, cache=cache)


def analyse_page(fetched: FetchResult, backlinks: Sequence[Backlink], cache: str | None = None
                 ) -> tuple[PageSummary | None, list[LinkAnalysis]]:
    """Parse ``fetched`` once and judge where each backlink's link sits on it.

    ``cache`` is a cache file made ready by ``linktriage._cache.prepare_cache``: a page analysed before (same
    bytes, same rows' targets and anchors, same code) is read from it instead of parsed, and a new one is kept.
    """
    if fetched.status != "ok":
        return None, unfetched(backlinks, fetched)
    store = cache_in_process(cache) if cache else None
    key = page_key(fetched) if store is not None else ""  # once: it hashes the whole body
    if store is not None and (found := store.lookup(key, backlinks)) is not None:
        return found
    try:
        with deadline(PAGE_DEADLINE_S):
            summary, results = _analyse_page(fetched, backlinks)
    except Overtime:
        failed = FetchResult(url=fetched.url, status="error", http_status=fetched.http_status,
                             reason=f"analysis stopped after {PAGE_DEADLINE_S:g} s: the page is too costly to read")
        return None, unfetched(backlinks, failed)
    except Exception as exc:  # noqa: BLE001 - one page of a 50,000-row run
        # A page no rule foresaw must not end the run and lose every other row: its rows say what happened.
        # LINKTRIAGE_DEBUG=1 lets it through with its traceback, as for the CLI's internal errors.
        if os.environ.get("LINKTRIAGE_DEBUG"):
            raise
        failed = FetchResult(url=fetched.url, status="error", http_status=fetched.http_status,
                             reason=f"could not analyse the page ({exc.__class__.__name__}: {str(exc)[:200]})")
        return None, unfetched(backlinks, failed)
    if store is not None and summary is not None:  # failures are cheap to find again, and may not last
        store.store(key, backlinks, summary, results)
    return summary, results


def _analyse_page(fetched: FetchResult, backlinks: Sequence[Backlink]) -> tuple[PageSummary | None,
                                                                              list[LinkAnalysis]]:
    page = extract_page(fetched)
    if page is None:
        empty = not (fetched.body or b"").strip()  # a 200 or 204 with no body: nothing to parse, not broken HTML
        failed = FetchResult(url=fetched.url, status="error", http_status=fetched.http_status,
                             reason="the page is empty (no body)" if empty else "page is not parseable HTML")
        return None, unfetched(backlinks, failed)
    page_feats = page_features(page)
    status = "redirected" if fetched.redirected else "live"
    results = []
    for backlink in backlinks:
        if (redirect := _redirect_to_target(fetched, backlink)) is not None:
            results.append(redirect)
            continue
        links = locate_links(page, backlink.target_url) if backlink.target_url else []
        if not links and _named_in_cut_part(page, backlink.target_url):
            # not checked is not missing: a missing link reads as a lost backlink
            results.append(LinkAnalysis(
                row=backlink.row, link_status="error", http_status=fetched.http_status,
                reason=f"page too large: only its first {MAX_HTML_CHARS:,} characters are read, and "
                       f"{urlsplit(backlink.target_url).hostname} is named only after them (not judged)",
                source_domain=page.source_domain))
            continue
        if not links:
            results.append(LinkAnalysis(
                row=backlink.row, link_status="missing", http_status=fetched.http_status,
                reason=f"no link to {backlink.target_url or 'the target'} on the page"
                       + (f" (only its first {MAX_HTML_CHARS:,} characters are read)" if page.cut else ""),
                source_domain=page.source_domain))
            continue
        chosen = _choose(links, backlink.anchor)
        results.append(LinkAnalysis(
            row=backlink.row, link_status=status, http_status=fetched.http_status,
            reason=f"page redirects to {fetched.final_url}" if fetched.redirected else "",
            context=chosen, features=link_features(page_feats, chosen), source_domain=page.source_domain))
    summary = PageSummary(url=fetched.url, title=page.info.title, main_text=page.info.main_text,
                          description=page.info.description)
    return summary, results


def _named_in_cut_part(page, target_url: str) -> bool:
    """Whether the part of a too-large page that was not read names the target's host (``www.`` aside): its link
    may be there."""
    if not page.cut or not target_url:
        return False
    host = (urlsplit(target_url).hostname or "").removeprefix("www.")
    return bool(host) and host in page.rest


def _lands_on_the_target_site(fetched: FetchResult, backlink: Backlink) -> bool:
    """Whether the redirected page ended on the target's registrable domain, from a source on another one (an
    export's internal redirects, source and target on one site, are judged as pages)."""
    target = registrable_domain(backlink.target_url) if backlink.target_url else ""
    return bool(target) and registrable_domain(fetched.final_url) == target != registrable_domain(backlink.source_url)


def _choose(links: list[LinkContext], export_anchor: str) -> LinkContext:
    """When a page links to the target several times, judge the link the export means.

    The export's anchor identifies it when it matches; otherwise a visible link in the content is the one
    an audit cares about most, then any visible link, and the first link in document order is the fallback.
    A hidden copy is judged only when no copy is visible: themes repeat their social and menu links in a mobile
    menu hidden until opened, and the first copy, hidden, made a footer "Facebook" link a "hidden link" (spam).
    """
    wanted = " ".join(export_anchor.lower().split())
    if wanted:
        named = [link for link in links if " ".join(link.anchor_text.lower().split()) == wanted]
        if named:
            return next((link for link in named if not link.hidden), named[0])
    for link in links:
        if link.position == "content" and not link.hidden:
            return link
    return next((link for link in links if not link.hidden), links[0])
