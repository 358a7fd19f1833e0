"""The target site's own words: home page plus a few internal pages (nav / menu links first).

Pages come through a ``get_html(url) -> (final_url, body) | None`` callback, so the pipeline decides whether they
are read from a WARC archive or fetched live; this module never touches the network itself.
"""

from __future__ import annotations

import logging
from typing import Callable
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import lxml.html

from linktriage._domains import registrable_domain
from linktriage.extract import decode_html

__all__ = ["collect_site_texts", "page_profile_text", "site_home_url"]

log = logging.getLogger(__name__)
#: internal pages that may fail to be read before the site's profile makes do with what it has: each is fetched in
#: turn, so a site whose pages all time out (20 s each) held the run up to 16 x 20 s before any link was scored
MAX_UNREAD = 3
_SKIP_EXT = (".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".pdf", ".zip", ".mp3", ".mp4", ".xml", ".css",
             ".js", ".ico", ".rss")
_SKIP_WORDS = ("login", "signin", "sign-in", "cart", "checkout", "account", "privacy", "cookie", "terms",
               "legal", "wp-admin", "feed", "/tag/", "mailto:")
_NAV = "ancestor-or-self::*[self::nav or self::header or contains(@class,'menu') or contains(@class,'nav') " \
       "or contains(@id,'menu') or contains(@id,'nav') or @role='navigation']"


def page_profile_text(html: str, url: str = "") -> str:
    """Title, meta description, headings and trafilatura's main text of one page, as one text."""
    import trafilatura

    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    parts = [" ".join(tree.xpath("string(//title)").split())]
    parts += [" ".join(d.split()) for d in tree.xpath(
        "//meta[@name='description' or @property='og:description']/@content")[:1]]
    parts += [" ".join(h.text_content().split()) for h in tree.xpath("//h1|//h2|//h3")[:30]]
    main = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=False) or ""
    parts.append(main)
    seen: set[str] = set()
    return "\n".join(p for p in parts if p and not (p in seen or seen.add(p)))


def _internal_links(html: str, base_url: str, limit: int) -> list[str]:
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    domain = registrable_domain(base_url)
    home = urldefrag(base_url)[0].rstrip("/")
    nav: list[str] = []
    other: list[str] = []
    for anchor in tree.xpath("//a[@href]"):
        url = urldefrag(urljoin(base_url, anchor.get("href", "").strip()))[0]
        parts = urlsplit(url)
        lowered = url.lower()
        if (parts.scheme not in ("http", "https") or registrable_domain(url) != domain or url.rstrip("/") == home
                or parts.path.lower().endswith(_SKIP_EXT) or any(w in lowered for w in _SKIP_WORDS)):
            continue
        (nav if anchor.xpath(_NAV) else other).append(url)
    ordered = list(dict.fromkeys(nav + other))
    return ordered[:limit]


def site_home_url(site: str) -> str:
    """The ``--site`` value as its home page's URL: ``example.com``, ``https://example.com`` and the Search Console
    property ``sc-domain:example.com`` all give ``https://example.com/``.

    Before, ``sc-domain:example.com`` (the form the export reader takes for Search Console exports) became
    ``https://sc-domain:example.com/``, which no server answers, and ``https://example.com?x=1`` became
    ``https://example.com?x=1/``.
    """
    text = (site or "").strip()
    if text.casefold().startswith("sc-domain:"):
        text = text.split(":", 1)[1].strip()
    if "//" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    # an empty path is the home page's canonical form "/": what archives and servers know it as
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def collect_site_texts(site_url: str, get_html: Callable[[str], tuple[str, bytes] | None],
                       max_pages: int = 5) -> list[str]:
    """Texts of the site's home page and up to ``max_pages - 1`` internal pages; [] when the home page is unreadable."""
    site_url = site_home_url(site_url)
    got = get_html(site_url)
    if not got:  # the pipeline warns, with the reason and what relevance falls back to: one warning, not two
        return []
    final_url, body = got
    html = decode_html(body)
    texts = [page_profile_text(html, final_url)]
    unread = 0
    for url in _internal_links(html, final_url or site_url, 4 * max(max_pages - 1, 0)):
        if len(texts) >= max_pages or unread >= MAX_UNREAD:
            break
        page = get_html(url)
        if page:
            text = page_profile_text(decode_html(page[1]), page[0] or url)
            if text:
                texts.append(text)
        else:
            unread += 1
    if unread >= MAX_UNREAD:
        log.info("%s: %d internal pages could not be read; the profile uses the %d read", site_url, unread, len(texts))
    return [t for t in texts if t]
