"""The niche profile: one vector for what the target site is about, from the owner's line and / or its pages.

Why a weighted centroid of two parts: the owner's one-line description is precise but short, while the site's
pages are rich but noisy (navigation, a privacy page, an off-topic post). Each part is embedded and normalised on
its own (the site part as the mean of its pages' pooled vectors), then they are mixed with ``NICHE_WEIGHT`` for
the description, so neither part dominates just because it has more text. With only one part, it is the profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from linktriage.relevance._documents import embed_documents

__all__ = ["NICHE_WEIGHT", "PROFILE_KINDS", "NicheProfile", "build_niche_profile", "niche_text"]

#: share of the owner's description in the profile when site pages are given too
NICHE_WEIGHT = 0.5


#: what a profile can be built from; each has its own calibration (a page sits closer to other pages than to a
#: one-line description, so one z-score means another relevance: docs/relevance.md, Calibration)
PROFILE_KINDS = ("niche", "site", "niche_and_site")


@dataclass(frozen=True, slots=True, eq=False)
class NicheProfile:
    """The target's niche as one L2-normalised vector, and what it was built from."""

    vector: np.ndarray = field(repr=False)
    embedder: str
    niche: str | None = None
    site_pages: int = 0

    @property
    def kind(self) -> str:
        """``niche`` (the owner's line alone), ``site`` (the site's pages alone) or ``niche_and_site``."""
        if not self.site_pages:
            return "niche"
        return "niche_and_site" if self.niche else "site"


#: an HTML tag of the kinds a pasted "About" block holds (a niche like "C++ <templates>" is not markup)
_MARKUP = re.compile(
    r"<(?:!--|!doctype\b|/?(?:html|head|body|title|meta|link|script|style|noscript|div|span|p|a|h[1-6]|br|hr|ul|ol|li|"
    r"dl|dt|dd|strong|em|b|i|u|section|article|header|footer|nav|main|aside|img|picture|source|svg|table|thead|tbody|"
    r"tr|td|th|label|button|form|input|figure|figcaption|blockquote|pre|code|small|sup|sub)\b)[^<>]*>", re.IGNORECASE)


def niche_text(niche: str) -> str:
    """The owner's description as text: HTML pasted into ``--niche`` becomes its visible words.

    Embedded as it was, the markup's tag names, classes, styles and scripts counted as words of the niche: a pasted
    "About" block scored the example's directory page 0.95 and its link farm 0.90 (0.29 and 0.16 from its text).
    """
    if not niche or not _MARKUP.search(niche):
        return niche
    import lxml.html

    try:
        root = lxml.html.document_fromstring(niche)
    except (lxml.etree.ParserError, ValueError):
        return niche
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    return " ".join(" ".join(piece.split()) for piece in root.itertext() if piece.strip())


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def build_niche_profile(embedder, *, niche: str | None = None, site_texts: Sequence[str] = ()) -> NicheProfile | None:
    """Combine the owner's description and the site's page texts into one profile; None when neither says anything."""
    niche = (niche or "").strip() or None
    described = niche_text(niche).strip() if niche else ""
    if niche is not None and not any(ch.isalnum() for ch in described):
        # "@#%", "???", "$$$": the tokenizer knows those symbols, so the vector is not zero, but it describes no
        # niche: every page got a relevance (a link farm 0.998) from punctuation
        niche = None
    texts = [t for t in site_texts if t and t.strip()]
    if niche is None and not texts:
        return None
    parts: list[tuple[float, np.ndarray]] = []
    if niche is not None:
        parts.append((NICHE_WEIGHT if texts else 1.0, _unit(embed_documents(embedder, [described])[0])))
    if texts:
        site = embed_documents(embedder, texts)
        parts.append((1.0 - NICHE_WEIGHT if niche else 1.0, _unit(site.mean(axis=0))))
    vector = _unit(sum(weight * part for weight, part in parts))
    if not np.any(vector):
        return None  # texts with no token the model knows: nothing to compare against
    return NicheProfile(vector=vector, embedder=embedder.name, niche=niche, site_pages=len(texts))
