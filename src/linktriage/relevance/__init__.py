"""Niche relevance: how close a referring page is to what the target site is about.

    embedder = load_embedder("static")                     # or "minilm" (the `minilm` extra)
    profile = build_niche_profile(embedder, niche="...", site_texts=collect_site_texts(url, get_html))
    scores = RelevanceScorer(embedder, profile).score(page_texts, contexts, anchors)
    scores.relevance                                       # calibrated, in [0, 1]; docs/relevance.md
"""

from __future__ import annotations

from linktriage.relevance._checks import check_niche, check_relevance, warn_if_site_not_english
from linktriage.relevance._documents import chunk_text, embed_document, embed_documents
from linktriage.relevance._embedders import EMBEDDERS, Embedder, load_embedder
from linktriage.relevance._profile import NicheProfile, build_niche_profile
from linktriage.relevance._scorer import Calibration, RelevanceScorer, RelevanceScores, load_calibration
from linktriage.relevance._site import collect_site_texts, page_profile_text, site_home_url

__all__ = [
    "EMBEDDERS",
    "Calibration",
    "Embedder",
    "NicheProfile",
    "RelevanceScorer",
    "RelevanceScores",
    "build_niche_profile",
    "check_niche",
    "check_relevance",
    "chunk_text",
    "collect_site_texts",
    "embed_document",
    "embed_documents",
    "load_calibration",
    "load_embedder",
    "page_profile_text",
    "site_home_url",
    "warn_if_site_not_english",
]
