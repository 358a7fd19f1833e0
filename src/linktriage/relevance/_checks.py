"""What would stop the relevance stage, found before any page of the export is read.

The profile and the scorer are built once the first chunk's pages are in hand (fetching 2,000 pages can take
minutes), so an option or a shipped file that cannot work is checked here first, from ``pipeline._checked``.
"""

from __future__ import annotations

import re
import unicodedata

from linktriage._exceptions import InputError
from linktriage._run_warnings import warn_run

__all__ = ["check_niche", "check_relevance", "latin_share", "warn_if_site_not_english"]

#: the whole --niche is one URL (http(s)://..., www...., a host under a public suffix followed by a path), or
#: a host name alone (_url_kind tells them apart)
_URL_ONLY = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+)$")
_HOST_AND_PATH = re.compile(r"(?i)^([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/\S*)?$")


def _url_kind(text: str) -> str:
    """"url" when ``text`` is a URL, "host" when it is a host name alone (a site's, or a niche: "asp.net"), else ""."""
    if _URL_ONLY.match(text):
        return "url"
    host = _HOST_AND_PATH.match(text)
    if not host:
        return ""
    from linktriage._domains import _EXTRACT

    # "shop.com/shoes" is a URL; "node.js/react" and "node.js" are niches ("js" is no public suffix)
    parts = _EXTRACT(host.group(1))
    if not (parts.suffix and parts.domain):
        return ""
    return "url" if host.group(2) else "host"


def check_niche(niche: str | None) -> None:
    """Refuse a ``--niche`` that is a URL: it was meant as ``--site`` (embedded, it scored every page about 0.5-0.9)."""
    text = (niche or "").strip()
    if text and _url_kind(text) == "url":
        shown = text if len(text) <= 80 else text[:80] + "..."
        raise InputError(f"--niche {shown!r} is a URL, not a description of the niche: describe the site's topic "
                         f"in words (--niche 'trail running shoes'), and give the site itself as --site {shown}")


def _warn_if_a_domain(niche: str | None) -> None:
    """A --niche that is a host name alone may be the site ("alpinetrailco.com" scored a German tax page 0.99) or a
    niche all the same ("asp.net"): said, not refused."""
    text = (niche or "").strip()
    if text and _url_kind(text) == "host":
        warn_run(f"--niche {text!r} is a domain name: if it is the site, give it as --site {text} and describe its "
                 "topic in words with --niche (a domain alone says little of a topic: relevance may be noise)",
                 stacklevel=3)


def latin_share(text: str) -> float | None:
    """Share of the letters of ``text`` that are Latin (None when it has no letter)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    return sum(unicodedata.name(c, "").startswith("LATIN") for c in letters) / len(letters)


def _warn_if_not_english(niche: str | None, embedder_name: str) -> None:
    """Both embedders read English only: a niche in another script is cut into single letters (Cyrillic, Arabic,
    kana) whose vectors carry no topic; the scores then ranked a link farm above the niche's own pages."""
    share = latin_share(niche or "")
    if share is not None and share < 0.5:
        shown = niche.strip() if len(niche.strip()) <= 60 else niche.strip()[:60] + "..."
        warn_run(f"--niche {shown!r} is not in English: the {embedder_name} embedder reads English only, so "
                 "relevance would be noise; describe the niche in English", stacklevel=3)


def warn_if_site_not_english(site: str, texts: list[str], embedder_name: str) -> None:
    """As for the niche: a site whose pages are mostly in another script makes a profile of letters, not topics."""
    share = latin_share(" ".join(texts))
    if share is not None and share < 0.5:
        warn_run(f"--site {site}: the site's pages are not in English: the {embedder_name} embedder reads English "
                 "only, so relevance would be noise; describe the niche in English with --niche", stacklevel=3)


def check_relevance(niche: str | None, site: str | None, embedder_name: str) -> None:
    """With a niche or a site: the niche is usable, and the embedder, its calibration and background load."""
    if niche is None and not site:
        return
    from linktriage.relevance._embedders import load_embedder
    from linktriage.relevance._profile import PROFILE_KINDS
    from linktriage.relevance._scorer import background_texts, load_calibration

    check_niche(niche)
    embedder = load_embedder(embedder_name)  # kept: the run's scorer reuses it
    _warn_if_a_domain(niche)
    _warn_if_not_english(niche, embedder.name)
    for kind in PROFILE_KINDS:
        load_calibration(embedder.models_dir, embedder.name, kind)
    background_texts(embedder.models_dir)
